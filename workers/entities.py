"""Entity linking: names, surnames, countries, demonyms, places and organisations, and roles such as
"his Turkish counterpart" resolved to the office holder on the article's date."""

from __future__ import annotations

import re
from bisect import bisect_left
from datetime import date, timedelta
from typing import cast

from workers.kb import KnowledgeBase, NameRef, Office, lexicon_matcher, load_kb
from workers.matcher import MAX_SCRIPT_ENDING, Hit
from workers.textnorm import is_inflecting_script, is_unspaced_script

ROLE_KEYS = (
    "president",
    "prime_minister",
    "chancellor",
    "foreign_minister",
    "king",
    "crown_prince",
    "emir",
    "leader",
    "counterpart",
)
# how far (characters) a country word may stand from its role word: "Turkish counterpart",
# "president of the Republic of Turkey", "Russia's president", "Rusya Devlet Başkanı"
ROLE_GAP = 20
# "and" between two country words that share one title: "the presidents of Russia and Turkey",
# "Президенты России и Турции", "Rusya ve Türkiye cumhurbaşkanları", "俄罗斯和土耳其总统" (folded text)
_COORDINATED = re.compile(
    r"\s*(?:and|и|та|і|ve|et|und|y|e|i|es|kai|και|en|och|og|ja|dan|va|o|oraz|ir|un|ile)\s+|\s*(?:&|و|和|与|與|と|와|과)\s*"
)
_SEPARATOR = re.compile(r"[,;:.!?()\[\]\"\n、。，；：！？]|\band\b|\bwith\b|\bwho\b")
# English derivations that a prefix role pattern of another language would take in: "presidential"
# (and Turkish nouns of office: "başkanlığında", under the presidency of; "liderliğinde")
_DERIVED = re.compile(r"(?:ial|ials|ship|ships|cy|cies)$|(?:an|er)li[kg]")
# a role that names someone else than its holder: "Russian Deputy Foreign Minister", "the former US
# president", "the US president-elect", "the US president's envoy", "Cumhurbaşkanı Yardımcısı", "副总理"
# (folded text). The word comes right before the role (or before the country that goes with it) or, in
# some languages, right after
_UNDER_BEFORE = re.compile(
    r"(?:(?<!\w)(?:deputy|vice|former|ex|assistant|замести\w*|вице|бывш\w*|экс|заступник\w*|віце|колишн\w*"
    r"|stellvertretend\w*|vize|ehemalig\w*|ancien\w*|zastepc\w*|był\w*|eski|wakil|mantan|pho|cuu|و?نايب|و?مساعد"
    r"|معاون|סגן|उप|पूर्व|представител\w*|представник\w*|посланник\w*|посланц\w*|спецпосланник\w*|спецпосланц\w*|советник\w*"
    r"|радник\w*|помощник\w*|помічник\w*|избранн\w*|новоизбранн\w*|designiert\w*|secilmis|yeni secilen"
    # the office's election, not its holder: "pemilihan presiden Amerika Serikat", "выборы президента США"
    r"|pemilihan|выбор\w*|вибор\w*"
    # "a foreign policy aide to the Russian president", "spokesman for the US president"
    r"|(?:aides?|advis[eo]rs?|envoys?|spokes\w*|representatives?) (?:to|of|for)(?: the)?)[\s-]*"
    r"|副|前|부|次期|候任|当选|(?<![가-힣])전\s)$"
)
_UNDER_AFTER = re.compile(
    r"(?:[\s-]*(?:yardimcis\w*|helyettes\w*|adjoint\w*|السابق|سابق|לשעבר"
    # the one elected, before taking office: "president-elect", "presidente electo", "대통령 당선인"
    r"|(?:elect|electo|electa|elu|elue|eleito|eleita|eletto|eletta|terpilih)(?!\w)|당선인|당선자|当选人|當選人)"
    r"|'s (?:special )?(?:envoy|adviser|advisor|aide|spokes\w*|representative|assistant)"
    # Turkish "ABD Başkanı'nın Orta Doğu Özel Temsilcisi", Chinese "美国总统国家安全事务助理": the holder's
    # envoy or adviser, a few words on
    r"|'n?[iıuü]n [^.,;]{0,30}?(?:temsilci|danisman|sozcu|yardimci)\w*"
    r"|[^，。、]{0,12}?(?:助理|顾问|顧問|特使|发言人|代表))"
)
UNDER_SPAN = 24  # characters before a role read for such a word
# between a role and the name it introduces: punctuation and up to three given names or initials
APPOSITION_SPAN = 60  # how far after a role its name may start ("President Joseph R. Biden")
_APPOSITION = re.compile(r"[\s,]*(?:[A-Z][\w.'-]*\s+){0,3}$")
# Latin-script languages whose names take case endings ("Putyinnal", "Putina")
INFLECTING_LATIN = frozenset(
    {
        "hu",
        "pl",
        "cs",
        "sk",
        "hr",
        "sr",
        "bs",
        "sl",
        "fi",
        "et",
        "lt",
        "lv",
        "ro",
        "tr",
        "az",
        "de",
        "sq",
        "uz",
        "kk",
        "tk",
        "ms",
        "id",
        "tl",
    }
)


class Mention:
    # plain classes, not dataclasses: mypyc compiles their __init__ (see matcher.Hit)
    __slots__ = ("end", "entity_id", "kind", "start")

    def __init__(self, entity_id: str, start: int, end: int, kind: str) -> None:
        self.entity_id = entity_id
        self.start = start
        self.end = end
        self.kind = kind  # name | surname | country | demonym | place | org | role

    def __repr__(self) -> str:
        return f"Mention({self.entity_id!r}, {self.start}, {self.end}, {self.kind!r})"


class EntityTag:
    """One entity of an article, for its payload (built once, not changed)."""

    __slots__ = ("country", "first_offset", "id", "mentions", "name", "type")

    def __init__(self, id: str, name: str, type: str, country: str | None, mentions: int, first_offset: int) -> None:
        self.id = id
        self.name = name
        self.type = type
        self.country = country
        self.mentions = mentions
        self.first_offset = first_offset


def _read_as_inflected(
    kb: KnowledgeBase, folded: str, mentions: list[Mention], full_names: set[str], language: str | None
) -> None:
    """A surname that is also another person's surname with a case ending ("Алиева": Mehriban Aliyeva,
    and the genitive of Aliyev) stands for that other person when the article names him elsewhere
    and never names the first in full ("Токаев поздравил Алиева ... с президентом Ильхамом Алиевым").
    The matcher prefers the word read as itself; this is the article's evidence against it."""
    named = {m.entity_id for m in mentions}
    for i, m in enumerate(mentions):
        if m.kind != "surname" or m.entity_id in full_names:
            continue
        text = folded[m.start : m.end]
        if not (is_inflecting_script(text[-1]) or language in INFLECTING_LATIN):
            continue
        for cut in range(1, MAX_SCRIPT_ENDING + 1):
            others = [o for o in kb.surname_owners.get(text[:-cut], ()) if o != m.entity_id and o in named]
            if len(others) == 1:
                mentions[i] = Mention(others[0], m.start, m.end, "surname")
                break


# "bin Hamad ...", "ibn Saud", "بن سلمان": a name after a patronymic particle is part of a longer name
_NASAB = re.compile(r"(?:^|[\s(])(?:bin|ibn|bint|بن|ابن|بنت|бин|ибн|бін)\s$")
# "President-elect Marcos", "presidente electo Lula": the one who takes the office within this time
_ELECT = re.compile(r"(?:^|-)(?:elect|electo|electa|eleito|eleita|eletto|eletta|elu|elue|terpilih)$")
ELECT_LEAD = timedelta(days=100)  # from an election to the inauguration: weeks to a few months
GIVEN_NAME_ENDING = 4  # letters of case ending a given name may carry ("robertom", "roberta")
# the title right before a surname ("President Marcos", "el presidente Marcos", "Premier Golob")
TITLES = frozenset(
    "president presidente presidenta prasident prezydent prezident premier minister ministro ministre "
    "chancellor kanzler kanzlerin pm king emir президент премьер премьер-министр канцлер".split()
)


def _named_in_full(kb: KnowledgeBase, entity_id: str, folded: str, start: int, day: date) -> bool:
    """The word before an ambiguous surname at `start` makes it its owner's: one of the owner's given
    names with at most a case ending ("s Robertom Golobom", where no full-name key matched), a title
    while the owner holds an office that day ("President Marcos", a common name elsewhere), or an
    elected one's title while the owner takes an office soon after ("President-elect Marcos")."""
    words = folded[max(0, start - 24) : start].split()
    if not words:
        return False
    before = words[-1]
    if any(
        before.startswith(g) and len(before) - len(g) <= GIVEN_NAME_ENDING for g in kb.given_names.get(entity_id, ())
    ):
        return True
    if _ELECT.search(before):
        return kb.entities[entity_id].office_on(day + ELECT_LEAD) is not None
    return before in TITLES and kb.entities[entity_id].office_on(day) is not None


def _choose(kb: KnowledgeBase, hits: list[Hit], day: date, full_names: set[str]) -> NameRef | None:
    """One meaning for a span that several entities share."""
    by_entity: dict[str, NameRef] = {}
    for h in hits:  # several spellings of one name fold to one key: one meaning per entity
        ref = cast(NameRef, h.value)
        by_entity.setdefault(ref.entity_id, ref)
    refs = list(by_entity.values())
    if len(refs) == 1:
        return None if refs[0].kind == "surname_ambiguous" and refs[0].entity_id not in full_names else refs[0]
    # an ambiguous surname counts only with its owner's full name in the text, shared or not ("Luis
    # Martinez" of ABC News is no foreign minister Martínez in office that day)
    people = [
        r
        for r in refs
        if kb.entities[r.entity_id].type == "person" and (r.kind != "surname_ambiguous" or r.entity_id in full_names)
    ]
    if not people and any(kb.entities[r.entity_id].type == "person" for r in refs):
        return None
    if people:
        named = [r for r in people if r.entity_id in full_names]
        if len(named) == 1:
            return named[0]
        offices = {r.entity_id: kb.entities[r.entity_id].office_on(day) for r in people}
        serving = [r for r in people if offices[r.entity_id]]
        if len(serving) == 1:
            return serving[0]
        # "Алиевым": Ilham Aliyev's instrumental case or a form of Mehriban Aliyeva's name, both in office
        # that day; of the two, the head of state or government is the one the news names
        leading = [r for r in serving if cast(Office, offices[r.entity_id]).leader]
        if len(leading) == 1:
            return leading[0]
        return None
    return sorted(refs, key=lambda r: r.entity_id)[0]


def link(folded: str, original: str, day: date, language: str | None) -> list[Mention]:
    """Every entity mention in the text, roles resolved, in text order."""
    kb = load_kb()
    hits = kb.names.find(folded, original, inflecting_latin=language in INFLECTING_LATIN)
    refs = [cast(NameRef, h.value) for h in hits]
    full_names = {r.entity_id for r in refs if r.kind == "name"}
    for i in range(len(refs)):  # (an index loop: mypyc compiles it, a zip it leaves to the interpreter)
        ref = refs[i]
        if (
            ref.kind == "surname_ambiguous"
            and ref.entity_id not in full_names
            and _named_in_full(kb, ref.entity_id, folded, hits[i].start, day)
        ):
            full_names.add(ref.entity_id)
    mentions: list[Mention] = []
    count = len(hits)
    at = 0
    while at < count:
        hit = hits[at]
        start, end = hit.start, hit.end
        after = at + 1
        while after < count and hits[after].start == start and hits[after].end == end:
            after += 1  # the hits of one span are neighbours: the matcher gives them in text order
        if after == at + 1:  # the common case: one meaning
            ref = refs[at]
            at = after
            if ref.kind == "surname_ambiguous" and ref.entity_id not in full_names:
                continue
        else:
            chosen = _choose(kb, hits[at:after], day, full_names)
            at = after
            if chosen is None:
                continue
            ref = chosen
        kind = "surname" if ref.kind == "surname_ambiguous" else ref.kind
        if _NASAB.search(folded, max(0, start - 6), start) and kb.entities[ref.entity_id].type == "person":
            continue  # "Tamim bin Hamad bin Khalifa Al Thani": the father's name inside the son's
        mentions.append(Mention(ref.entity_id, start, end, kind))
    _read_as_inflected(kb, folded, mentions, full_names, language)
    roles = _resolve_roles(kb, folded, original, mentions, day, language == "ar")
    if roles:  # the matcher's hits come in text order: only resolved roles need sorting in
        mentions.extend(roles)
        mentions.sort(key=lambda m: (m.start, m.end))
    return mentions


def _resolve_roles(
    kb: KnowledgeBase, folded: str, text: str, mentions: list[Mention], day: date, arabic: bool = False
) -> list[Mention]:
    countries = [m for m in mentions if m.kind in ("country", "demonym")]
    if not countries:
        return []
    roles = lexicon_matcher(ROLE_KEYS).find(folded)
    if not roles:
        return []
    has_fm = any(r.value == "foreign_minister" for r in roles)
    # mentions are in text order: starts come sorted
    starts = [m.start for m in mentions]
    named = [m for m in mentions if m.kind in ("name", "surname")]
    named_at = [m.start for m in named]
    named_end = {m.end for m in named}
    country_starts = [c.start for c in countries]

    found: list[Mention] = []
    for role in roles:
        at = bisect_left(starts, role.start)
        if any(m.end == role.end for m in mentions[at : bisect_left(starts, role.start + 1)]):
            continue  # the same words are linked already
        following = named_at[bisect_left(named_at, role.end) : bisect_left(named_at, role.end + APPOSITION_SPAN)]
        if any(_APPOSITION.fullmatch(text, role.end, start) for start in following):
            continue  # "Turkish President (Joseph R.) Biden": the name that follows says who
        if is_unspaced_script(role.text[0]) and (
            role.start in named_end or (role.start - 1 in named_end and folded[role.start - 1] == " ")
        ):
            continue  # "岸田文雄首相", "윤석열 대통령": in Chinese, Japanese and Korean the title follows the name
        if _DERIVED.search(folded, role.start, role.end):
            continue
        plural = _plural(role.text)  # "the two leaders", "their counterparts": not one office holder
        window = countries[
            bisect_left(country_starts, role.start - ROLE_GAP - 64) : bisect_left(
                country_starts, role.end + ROLE_GAP + 1
            )
        ]
        # (a name between them has the title or the country: "presidentkansliet sade Erdoğan att Sverige")
        near = [
            c
            for c in window
            if (
                0 <= role.start - c.end <= ROLE_GAP
                and _joins(folded[c.end : role.start])
                and not _named_between(named_at, c.end, role.start)
            )
            or (
                0 <= c.start - role.end <= ROLE_GAP
                and _joins(folded[role.end : c.start])
                and not _named_between(named_at, role.end, c.start)
            )
        ]
        if not near:
            continue
        country_mention = min(near, key=lambda c: min(abs(role.start - c.end), abs(c.start - role.end)))
        if _not_the_holder(folded, role.start, role.end, country_mention):
            continue
        if arabic and _indefinite(folded, role, country_mention):
            continue  # "بين رئيس تركي ورئيس حكومة إسرائيلية": between a Turkish president and an Israeli PM
        key = str(role.value)
        if key == "counterpart":
            office = _counterpart_office(kb, named, named_at, role.start, day, has_fm)
            if office is None:
                continue
            key = office
        also = _coordinated(countries, country_mention, role, folded)
        if plural and not also:
            continue  # a plural title stands for holders only where it names their countries
        for country in [country_mention, *also]:
            code = kb.entities[country.entity_id].country or ""
            holders = kb.holders(code, key, day)
            if key == "president" and not holders:
                holders = kb.holders(code, "leader", day)
            if len(holders) == 1:
                found.append(Mention(holders[0].id, min(role.start, country.start), max(role.end, country.end), "role"))
    return found


def _coordinated(countries: list[Mention], country: Mention, role: Hit, folded: str) -> list[Mention]:
    """The country joined by "and" to the one a title goes with, on the side away from the title: both
    share it ("the presidents of Russia and Turkey", "Rusya ve Türkiye cumhurbaşkanları")."""
    if country.start >= role.end:  # "presidents of Russia and Turkey": the second country follows
        after = [c for c in countries if c.start > country.end]
        if after and _COORDINATED.fullmatch(folded, country.end, after[0].start):
            return [after[0]]
    else:  # "Russia and Turkey's presidents": the first country comes before
        before = [c for c in countries if c.end < country.start]
        if before and _COORDINATED.fullmatch(folded, before[-1].end, country.start):
            return [before[-1]]
    return []


COUNTERPART_REACH = 250  # characters back from "his counterpart" to the person it belongs to
# the knowledge base's offices whose holders call foreign ministers
DIPLOMATS = frozenset({"foreign_minister", "secretary_of_state", "high_representative"})


def _counterpart_office(
    kb: KnowledgeBase, named: list[Mention], named_at: list[int], at: int, day: date, has_fm: bool
) -> str | None:
    """A counterpart holds the office of the person named before it ("Erdoğan spoke with his
    Ukrainian counterpart": a leader, even where foreign ministers are named elsewhere in the text);
    with no one named close before it, a foreign minister if the text names that title anywhere."""
    before = bisect_left(named_at, at) - 1
    if before >= 0 and at - named[before].end <= COUNTERPART_REACH:
        office = kb.entities[named[before].entity_id].office_on(day)
        if office is not None and office.leader:
            return "leader"
        if office is not None and office.role in DIPLOMATS:
            return "foreign_minister"
        if kb.entities[named[before].entity_id].type == "person":
            # a person who held no office of the knowledge base that day (a defence minister, a future
            # prime minister): his counterpart holds that same unknown office, not the country's leader
            return None
    return "foreign_minister" if has_fm else "leader"


def _not_the_holder(folded: str, start: int, end: int, country: Mention) -> bool:
    """The role is a deputy's, a former holder's or an envoy's (see _UNDER_BEFORE)."""
    # the role's own edges, and those of the role with its country where the country is outside them
    befores = {start, min(start, country.start)}
    afters = {end, max(end, country.end)}
    return any(_UNDER_BEFORE.search(folded, max(0, at - UNDER_SPAN), at) for at in befores) or any(
        _UNDER_AFTER.match(folded, at) for at in afters
    )


_ARABIC_DEFINITE = re.compile(r"(?:[وفبل]?ال|لل)")


def _indefinite(folded: str, role: Hit, country: Mention) -> bool:
    """An Arabic title and demonym both without the article name any holder, not the one: "رئيس تركي" (a
    Turkish president), not "الرئيس التركي" (the Turkish president). A country's name is definite itself
    ("رئيس وزراء إسرائيل"), and so is a title followed by a definite word ("رئيس الوزراء")."""
    word = folded[country.start : country.end]
    adjective = country.kind == "demonym" or word.endswith(("ي", "ية"))  # (the nisba: تركي، إسرائيلية)
    if not adjective or _ARABIC_DEFINITE.match(word):
        return False
    return not any(_ARABIC_DEFINITE.match(part) for part in role.text.split())


def _named_between(named_at: list[int], start: int, end: int) -> bool:
    """A named person's mention starts between the two offsets (`named_at` sorted)."""
    return bisect_left(named_at, start) < bisect_left(named_at, end)


def _joins(gap: str) -> bool:
    """The text between a country word and a role word binds them (no clause or list break)."""
    return not _SEPARATOR.search(gap)


# the words that make a title of several words plural ("foreign ministers", "heads of state")
_PLURAL_HEADS = frozenset("ministers leaders presidents secretaries heads numbers counterparts premiers".split())


def _plural(role_text: str) -> bool:
    if " " in role_text:
        return role_text.split(" of ")[0].rsplit(" ", 1)[-1] in _PLURAL_HEADS
    return role_text.endswith("s") and not role_text.endswith("ss") and len(role_text) > 4


def summarise(mentions: list[Mention]) -> list[EntityTag]:
    kb = load_kb()
    counts: dict[str, list[int]] = {}
    for m in mentions:
        entry = counts.setdefault(m.entity_id, [0, m.start])
        entry[0] += 1
    tags = []
    for eid, (count, first) in counts.items():
        e = kb.entities[eid]
        tags.append(EntityTag(eid, e.name, e.type, e.country, count, first))
    tags.sort(key=lambda t: t.first_offset)
    return tags
