"""Call extraction: does the article report a phone or video call between named parties, between
whom, on which day, about what, and on whose word; told apart from meetings, planned calls and old
calls mentioned in background paragraphs."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from operator import attrgetter

from workers.dates import TemporalExpr, find_dates, month_words, months_without_day
from workers.entities import Mention
from workers.kb import KnowledgeBase, lexicon_matcher, load_kb
from workers.matcher import Hit, Matcher, Spans

CUE_KEYS = ("call", "video", "meeting", "talk")
# read in a pass of their own: a longer call cue must not swallow them ("will speak by phone" holds
# the planned "will speak" and the call cue "speak by phone")
NOTE_KEYS = ("planned", "about_the_call", "past_reference")
MULTIPARTY_KEYS = ("multiparty",)  # "trilateral", "three-way", "entretien à trois"
ADJACENT_DAY = 2  # characters between a day and the call word right after it (", ")
ANCHOR_REACH = 12  # words back from a day to the call word in which "after", "since" ... make it another event's
REPORTING_WINDOW_DAYS = 7  # a call is reported within a week; older dates in the text are other events
_WINDOW = timedelta(days=REPORTING_WINDOW_DAYS)  # built once: timedelta(days=...) costs a microsecond
_ONE_DAY = timedelta(days=1)
LEAD_SENTENCES = 4  # title, dateline and the first paragraph
CALL_TEXT_LIMIT = 20_000  # characters of title + body read for the call
# "Biden to call Erdoğan", "Erdogan says will call Zelenskyy": the call is still to come
_PLANNED_VERB = re.compile(
    r"\b(?:to|will|would|shall|plans? to|set to|expected to|due to|going to)\s+(?:call|phone|ring|dial)\b"
    r"(?!\s+(?:for|on|upon)\b)"
)
# "called Putin his great friend": naming, not phoning
_NAMING = re.compile(r"\s*(?:his|her|their|its|a|an|the|as|one|\"|'|«)\s")
# "their first contact since last summer, when Blinken called Lavrov": an older call
_PAST_CLAUSE = re.compile(r"\bsince\b[^.;]{0,40}\bwhen\b")
# "call"/"calls" as a noun; "call for", "call on" and "called" are something else
# (the word start is checked in code: a literal first lets the regex engine skip ahead quickly)
_CALL_NOUN = re.compile(
    r"calls?\b(?!\s+(?:for|upon|off|out|up|to|it|him|her|them)\b)"
    # "calls on Russia to ...", "call in the troops", but "the call on Tuesday", "a call in which ..."
    r"(?!\s+on\b(?!\s+(?:\d|(?:mon|tues|wednes|thurs|fri|satur|sun)day\b)))(?!\s+in\b(?!\s+which\b))"
)
_SINCE = re.compile(r"since")  # in every _PAST_CLAUSE match
_PRONOUN_BEFORE = re.compile(r"\b(?:he|she|it|they|we|i|you|who|that|which)\s$")
# no phone call: an interview by phone, idioms with "call" (punctuation is a word break to the matcher,
# so "phone-in" is left out: "by phone in Ankara" would read as one)
NOT_A_CALL_KEYS = ("not_a_call",)
_CALLEE_GAP = re.compile(r"[^,;:.!?()]{0,40}")  # from a call verb to the one called: a title at most
_CALL_WITH = re.compile(r"calls? with\b")
_START = attrgetter("start")
# a date right after a reporting verb dates the statement, not necessarily the call
_STATEMENT_DATE = re.compile(
    r"\b(?:said|says|announced|reported|told \w+|statement|added|noted|tweeted|wrote|posted|confirmed|stated)"
    r"(?:\s+(?:on|late|early|in a statement))?\s*[,(]?\s*$"
)
# a day right after "after", "since", "before" ... dates another event ("seven days after a July 31
# conversation", "tras la llamada del 31 de julio", "depuis le 3 mai", "nach dem Telefonat vom 5. Mai"):
# the word, then up to three more in the same clause, then the day
_OTHER_EVENT_WORDS = frozenset(
    (
        "after since following followed follows preceded before tras desde apres depuis avant nach seit apos dopo od"
    ).split()
)
_OTHER_EVENT_PAIRS = frozenset({"despues de", "antes de", "depois de", "prima di", "prima del", "prima della"})
# the past perfect, in which news in these languages tells what happened before the story it reports:
# Turkish -mıştı/-mişti/-muştu/-müştü (folded) after the call word, with no simple past between ("telefonda
# görüştü, pazartesi ise bir araya gelmişti" reports the call); Arabic "(و)كان ... قد" right before the
# call's verb
_PLUPERFECT_AFTER = {"tr": re.compile(r"\w(?:mis|mus)(?:ti|tu)(?:r|k|m|n|niz|nuz|ler|lar)?\b")}
_SIMPLE_PAST_TR = re.compile(r"\w[dt][iu](?:ler|lar)?\b")  # third person: "görüştü", "konuştular"
# (not French, whose reported speech puts the reported call itself in the past perfect: "L'Élysée a
# indiqué ... qu'Emmanuel Macron et Abdelmadjid Tebboune avaient échangé au téléphone")
_PLUPERFECT_BEFORE = {"ar": re.compile(r"(?<!\w)و?كان(?:ت|ا|وا)?\s+(?:\S+\s+){0,4}?قد\s")}
# ... and the auxiliary that ends the sentence of a verb-final language: Hindi "बात की थी", Urdu "بات کی تھی"
# (folded), Persian "گفتگو کرده بود"; their news tells the call itself in the simple past
_PLUPERFECT_END = {
    "hi": re.compile(r"\s(?:थी|था|थे|थीं)[\s।.,\"')]*$"),
    "ur": re.compile(r"\s(?:تھي|تھا|تھے|تھيں)[\s۔.,\"')]*$"),
    "fa": re.compile(r"ه\s*بود(?:ند|ه|م|يم)?[\s.,\"')]*$"),
}


def _told_as_background(folded: str, language: str | None, call_at: int, start: int, end: int) -> bool:
    """The sentence tells its call in the past perfect (see _PLUPERFECT_AFTER)."""
    after = _PLUPERFECT_AFTER.get(language or "")
    if after is not None:
        perfect = after.search(folded, call_at, end)
        if perfect is None:
            return False
        word_start = folded.rfind(" ", call_at, perfect.start()) + 1  # (the word's own stem is no verb of its own)
        return _SIMPLE_PAST_TR.search(folded, call_at, max(call_at, word_start)) is None
    final = _PLUPERFECT_END.get(language or "")
    if final is not None:
        return final.search(folded, call_at, end) is not None
    before = _PLUPERFECT_BEFORE.get(language or "")
    if before is not None:
        return any(
            m.end() <= call_at and not any(mark in folded[m.end() : call_at] for mark in "،,;")
            for m in before.finditer(folded, start, call_at + 1)
        )
    return False


_CLAUSE_MARKS = ",;:!?"  # (a point inside a sentence ends no clause: "U.S.", "15.")
# words that leave a day and a meeting word in different phrases ("on Monday ahead of the summit")
_GAP_WORDS = frozenset("ahead of to for and at in on by with prior than".split())


def _names_other_event(folded: str, start: int, at: int, reach: int = 4) -> bool:
    """The words before `at` (back to the clause's start or `start`, at most `reach`) put the day after an
    event word."""
    window = folded[max(start, at - 12 * reach) : at]
    cut = max(window.rfind(mark) for mark in _CLAUSE_MARKS)
    words = window[cut + 1 :].split()[-reach:]
    if any(w in _OTHER_EVENT_WORDS for w in words):
        return True
    said = " ".join(words)
    return any(pair in said for pair in _OTHER_EVENT_PAIRS)


# in verb-final languages "after" and "before" follow the event they name: "İran'ın dün akşam ...
# düzenlediği füze saldırısının ardından" (after the missile attack Iran launched last night)
_POSTPOSED_OTHER_EVENT = frozenset(
    "ardindan sonra sonrasinda sonrasi once oncesinde oncesi beri itibaren akabinde evvel ardinca "
    "बाद पहले بعد پہلے পর পরে আগে 이후 후 직후 이전".split()
)
POSTPOSITION_REACH = 8  # words after a day in which such a word makes it another event's


def _postposed_other_event(folded: str, day_end: int, end: int) -> bool:
    """An "after"/"before" word follows the day within a few words of its clause (verb-final languages;
    the caller checks that the call word does not come between)."""
    window = folded[day_end : min(end, day_end + 12 * POSTPOSITION_REACH)]
    cut = min((at for at in (window.find(mark) for mark in _CLAUSE_MARKS) if at >= 0), default=len(window))
    return any(w.strip("'") in _POSTPOSED_OTHER_EVENT for w in window[:cut].split()[:POSTPOSITION_REACH])


# "Pyongyang's launch on Tuesday", "Russia's strikes on Monday": a day after someone's event noun is that
# event's (English; the noun of the call itself is left alone: "Putin's call on Tuesday")
_POSSESSED = re.compile(r"\w's ([a-z-]+) (?:on |late |early |last )?$")
_CALL_NOUNS_EN = frozenset("call calls conversation conversations talk talks phone discussion discussions chat".split())


def _possessed_event(folded: str, start: int, at: int) -> bool:
    found = _POSSESSED.search(folded, start, at)
    return found is not None and found.group(1) not in _CALL_NOUNS_EN


_SENTENCE_END = re.compile(r"[^\W\d]\.\s|\n")  # a point after a letter (not "15. marta"), a new line


def _dates_meeting(folded: str, day_end: int, meeting_at: int) -> bool:
    """A meeting word follows the day within two words of the same phrase ("the August 8 trilateral
    meeting", "8 Ağustos'taki görüşme"): the day is the meeting's. (The caller first checks that no call
    word stands between them: "maandag telefonisch gesproken".)"""
    if not 0 <= meeting_at - day_end <= 24:
        return False
    gap = folded[day_end:meeting_at]
    return (
        not any(mark in gap for mark in _CLAUSE_MARKS)
        and not _SENTENCE_END.search(folded, max(0, day_end - 1), meeting_at)  # "... on Monday. They met ..."
        and not any(w in _OTHER_EVENT_WORDS or w in _GAP_WORDS for w in gap.split())
        and len(gap.split()) <= 2
    )


# "Trump calls Erdogan": a headline verb between two people ("called for/on" excluded)
_CALL_VERB = re.compile(
    r"^\W{0,3}\b(?:calls|called|phones|phoned|rings|rang|dials|dialled|dialed"
    # the headline verbs of Italian, Spanish, Portuguese and French ("Putin chiama Macron", "Lula liga para
    # Biden"); "appelle Poutine à cesser" urges, and _NAMING turns it away at the "à"
    r"|chiama|ha chiamato|telefona a|ha telefonato a|llama a|llamo a|telefonea a|telefoneo a|liga para"
    r"|ligou para|telefona para|telefonou para|telefonou a|appelle|a appele|telephone a|a telephone a)"
    r"\b(?!\s+(?:for|on|off|out|up)\b)"
)
# the words every _CALL_VERB and _PLANNED_VERB match starts its verb with, found in the article's one
# scan (a regex for them tries every character of the text)
CALL_VERBS = Matcher()
for _stem in ("call*", "phon*", "ring*", "rang*", "dial*", "chiam*", "llam*", "lig*", "telefon*", "appel*"):
    CALL_VERBS.add(_stem, "verb")
CALL_VERBS.build()
ATTRIBUTIONS = {
    "kremlin": "Kremlin",
    "white house": "White House",
    "elysee": "Élysée Palace",
    "downing street": "Downing Street",
    "communications directorate": "Turkish Communications Directorate",
    "directorate of communications": "Turkish Communications Directorate",
    "state department": "US State Department",
    "foreign ministry": "Foreign Ministry",
    "ministry of foreign affairs": "Foreign Ministry",
    "press service": "Presidential press service",
    "xinhua": "Xinhua",
    "tass": "TASS",
    "anadolu": "Anadolu Agency",
    "readout": "Official readout",
    "presidential office": "Presidential office",
    "office of the president": "Presidential office",
    "chancellery": "Chancellery",
    "prime minister's office": "Prime Minister's office",
    "кремл*": "Kremlin",
    "iletisim baskanligi": "Turkish Communications Directorate",
}
# A sentence ends at end punctuation followed by white space, or at a run of newlines: full stops of
# Latin, Armenian (։), Devanagari and Bengali (।, ॥), Urdu (۔), Ethiopic (።), Khmer (។) and Burmese (။)
# text; Chinese and Japanese put no white space after theirs (。！？). `_breaks` finds these gaps with
# str.find, which skips to the next mark at memchr speed; the regex engine tested every character
# against the set (11 of a call report's ~300 µs). The pattern it stands for,
# `[.!?。！？։।॥۔።។။\n](?:(?<=\n)\n*|(?<=[。！？])\s*|\s+)`, is kept in tests/test_fuzz.py, which checks
# the two agree.
_STOPS_ASCII = ".!?\n"
_STOPS = ".!?\n։।॥۔።។။。！？"
_STOPS_BARE = "。！？"  # end a sentence with no white space after them


def _breaks(text: str) -> list[tuple[int, int]]:
    """The spans of the sentence breaks of the text (a stop and the white space after it), in order and
    apart, as re.finditer would give them for the pattern above."""
    stops: list[int] = []
    for stop in _STOPS_ASCII if text.isascii() else _STOPS:
        at = text.find(stop)
        while at >= 0:
            stops.append(at)
            at = text.find(stop, at + 1)
    stops.sort()
    gaps: list[tuple[int, int]] = []
    size, resume = len(text), 0
    for at in stops:
        if at < resume:
            continue  # inside the white space of the last gap
        end = at + 1
        mark = text[at]
        if mark == "\n":
            while end < size and text[end] == "\n":
                end += 1
        else:
            while end < size and text[end].isspace():
                end += 1
            if end == at + 1 and mark not in _STOPS_BARE:
                continue  # "3.5", "U.S.": no white space after the point
        gaps.append((at, end))
        resume = end
    return gaps


# a point that ends an abbreviation, an initial, a dotted acronym ("u.s.", "u.k.") or a day number
# ("am 13. märz"; a number ends its sentence when no month follows: "Título 42. En su ...")
_ABBREVIATION = re.compile(
    r"(?:^|[\s(])(?:(?:\w\.)*\w|\d\d|mr|mrs|ms|dr|gen|lt|col|sen|rep|gov|st|jr|sr|no|nov|dec|jan|feb|aug|sept?|oct)\.$"
)
# an initial in an Indic script: a letter and its vowel sign or virama ("एस. जयशंकर", "ಎಸ್. ಜೈಶಂಕರ್")
_INDIC_INITIAL = re.compile(r"(?:^|\s)[\u0900-\u0dff]{1,3}\.$")
_NEXT_WORD = re.compile(r"[^\W\d_]+")
ABBREVIATION_WINDOW = 10  # characters before a point that the abbreviation check reads
# clause breaks after which a named person is outside the call: "spoke with Zelensky after his Putin call"
# between two clauses that may each report a call; a dash between spaces (folding makes – and — "-")
_CLAUSE_END = re.compile(r";|\s-\s")
_COMMA = re.compile(r"[,\u3001\uff0c\u060c]")  # , 、 ， ،
# languages whose clauses end with the verb: the day of a call is said before the call
VERB_FINAL = frozenset("tr az ja ko hi fa ur bn ta te kk uz ky tk mn hy ka ne mr si pa gu kn ml my am ps ba tt".split())
_RECALL_BREAK = re.compile(r"[,;:(]|\s-\s")  # a clause of its own: "..., after their previous call"
# a reaction to another's call: "X slams Y for call with Z", "X criticised Y over his phone call with Z"
_REACTION = re.compile(
    r"\b(?:slam|criticis|criticiz|condemn|blast|rebuk|lambast|denounc|chastis|accus|scold|reproach)\w*\b"
)
_FOR_OVER = re.compile(r"\b(?:for|over)\b")
# one party spoke with the others one by one: "spoke separately with Netanyahu and Sisi"
_SEPARATELY = re.compile(
    r"\b(?:separately|in separate|separate (?:phone |telephone )?calls|separement|por separado|separatamente"
    r"|getrennt|jeweils|по отдельности|отдельно)\b"
)
# where the people of a call's clause end: another clause, or its topic ("spoke with Jaishankar about
# Modi's visit")
_CLAUSE_BREAK = re.compile(
    r"\b(?:after|following|before|while|when|amid|whereas|about|regarding|concerning|über|sobre|as(?! well as)"
    r"|apres|avant|despues|antes|dopo|depois|nachdem|bevor)\b"
    r"|[;:]|\s-\s"
)


@dataclass(frozen=True, slots=True)
class Participant:
    id: str
    name: str
    country: str | None
    role: str | None


@dataclass(frozen=True, slots=True)
class Call:
    participants: tuple[Participant, ...]
    date: date
    date_confidence: str  # high | medium | low
    date_source: str  # explicit | weekday | relative | published
    medium: str  # phone | video
    topics: tuple[str, ...]
    attribution: str | None
    sentence: tuple[int, int]  # the span of the sentence that reports it


@cache
def attribution_matcher() -> Matcher:
    matcher = Matcher()
    for pattern, name in ATTRIBUTIONS.items():
        matcher.add(pattern, name)
    matcher.build()
    return matcher


def sentences(text: str, original: str | None = None) -> list[tuple[int, int]]:
    """Sentence spans of the folded text; `original` (same offsets, case kept) tells a point that is
    followed by a lower-case word, which does not end a sentence ("2020. március 3-án")."""
    spans, start = [], 0
    cased = original or ""
    # a break is end punctuation with white space after it, or a run of newlines; "3.5" has none
    for first, last in _breaks(text):
        mark = text[first]
        gap_start = first if mark == "\n" else first + 1
        if (
            mark == "."
            and text.find("\n", gap_start, last) < 0
            and (
                # five letters before the point: a word too long for any abbreviation the pattern knows
                (
                    (first < 5 or not text[first - 5 : first].isalnum())
                    and (
                        _ABBREVIATION.search(text, max(0, gap_start - ABBREVIATION_WINDOW), gap_start)
                        or (
                            "\u0900" <= text[first - 1] <= "\u0dff"
                            and _INDIC_INITIAL.search(text, max(0, first - 4), gap_start)
                        )
                    )
                    and not (text[first - 2 : first].isdigit() and not _month_follows(text, last))
                )
                or text[first - 2 : gap_start] == "..."
                or (last < len(cased) and cased[last].islower())
            )
        ):
            continue  # "Joseph R. Biden", "Gen. Haftar", "U.S. officials", "Jaishankar... spoke with Pompeo"
        if gap_start > start:
            spans.append((start, gap_start))
        start = last
    if start < len(text):
        spans.append((start, len(text)))
    return spans


def _month_follows(text: str, at: int) -> bool:
    word = _NEXT_WORD.match(text, at)
    return word is not None and word.group() in month_words()


def _word_or_hyphen(ch: str) -> bool:
    return ch == "-" or ch.isalnum() or ch == "_"


class _Sentence:
    # a plain class, not a dataclass: mypyc compiles its __init__ (see matcher.Hit)
    __slots__ = ("call_at", "call_noun", "cues", "end", "people", "planned_at", "start")

    def __init__(
        self,
        start: int,
        end: int,
        cues: set[str],
        call_at: int,
        people: list[Mention],
        call_noun: bool,
        planned_at: int = -1,
    ) -> None:
        self.start = start
        self.end = end
        self.cues = cues  # lexicon keys seen: call, video, meeting, planned, past_reference, talk
        self.call_at = call_at  # offset of the first call cue (strong, or weak when no strong one), -1 if none
        self.people = people
        self.call_noun = call_noun  # "call"/"calls" as a noun: "in a two-hour call", "the call lasted"
        self.planned_at = planned_at  # offset of the first sign of a plan or a denial, -1 if none

    @property
    def strong(self) -> bool:
        return bool(self.cues & {"call", "video"})

    @property
    def reporting(self) -> bool:
        """Could report the call itself: not a plan or a denial that comes before the call cue
        ("will hold a call", "no plans for a call"), not a background mention of an older call."""
        planned = self.planned_at >= 0 and (self.call_at < 0 or self.planned_at <= self.call_at)
        return not planned and "past_reference" not in self.cues

    def distinct_people(self) -> list[str]:
        return list(dict.fromkeys(m.entity_id for m in self.people))


def _skip_below(xs: list[int], i: int, bound: int) -> int:
    """From index i on, the first index of the sorted xs whose value is at least `bound`: bisect_left(xs,
    bound) when every value before i is below it. Sentences come in text order, so each list is walked
    once in a compiled loop (bisect_left was a Python-level call, nine per sentence)."""
    size = len(xs)
    while i < size and xs[i] < bound:
        i += 1
    return i


def _within(xs: list[int], i: int, start: int, end: int) -> tuple[int, int]:
    """The index range of the sorted xs whose values lie in [start, end), walking on from index i."""
    lo = _skip_below(xs, i, start)
    return lo, _skip_below(xs, lo, end)


def _analyse(
    folded: str,
    cues: list[Hit],
    people: list[Mention],
    noun_starts: list[int],
    verb_starts: list[int],
    original: str | None = None,
    language: str | None = None,
) -> list[_Sentence]:
    out = []
    cue_starts = [c.start for c in cues]  # hits come sorted by start: each sentence takes its own
    people_starts = [p.start for p in people]
    # most sentences have no call verb and no "since": their regex searches are skipped
    since_starts = [m.start() for m in _SINCE.finditer(folded)]
    # where anything of the above starts: a sentence with none of them says nothing about a call (it
    # may still name people, for the sentences around the report)
    signs = sorted([*cue_starts, *noun_starts, *verb_starts, *since_starts])
    p_hi = at = c_hi = n_hi = v_hi = s_hi = 0  # where each list's walk stands
    for start, end in sentences(folded, original):
        p_lo, p_hi = _within(people_starts, p_hi, start, end)
        at = _skip_below(signs, at, start)
        if at == len(signs) or signs[at] >= end:
            out.append(_Sentence(start, end, set(), -1, people[p_lo:p_hi], False))
            continue
        c_lo, c_hi = _within(cue_starts, c_hi, start, end)
        n_lo, n_hi = _within(noun_starts, n_hi, start, end)
        v_lo, v_hi = _within(verb_starts, v_hi, start, end)
        may_plan = v_lo < v_hi
        s_lo, s_hi = _within(since_starts, s_hi, start, end)
        may_look_back = s_lo < s_hi
        s_people = people[p_lo:p_hi]
        kinds: set[str] = set()
        plans: list[int] = []
        strong_at: list[int] = []
        weak_at: list[int] = []
        recalled: list[int] = []
        for c in cues[c_lo:c_hi]:
            kind = str(c.value)
            kinds.add(kind)
            if kind == "call" or kind == "video":
                strong_at.append(c.start)
            elif kind == "talk":
                weak_at.append(c.start)
            elif kind == "past_reference":
                recalled.append(c.start)
            elif kind == "planned":
                plans.append(c.start)  # counts before the call cue: "spoke and will speak again" reports one
            elif kind == "about_the_call":
                # "... did not take place", "gerçekleşmesi bekleniyor": wherever it stands
                plans.append(start)
                kinds.add("planned")
        verb = _PLANNED_VERB.search(folded, start, end) if may_plan else None
        if verb:
            plans.append(verb.start())
            kinds.add("planned")
        nouns = noun_starts[n_lo:n_hi]
        if not strong_at:
            for p in s_people:  # "Trump calls Erdogan", but not "Erdogan called Putin his great friend"
                callee = next((q for q in s_people if q.start > p.end), None)
                called = _CALL_VERB.match(folded[p.end : p.end + 20]) if callee else None
                if (
                    callee
                    and called
                    # the one called follows the verb, a title at most between: "calls Turkish President
                    # Erdogan", not "calls snap election; Scholz sees ..."
                    and _CALLEE_GAP.fullmatch(folded, p.end + called.end(), callee.start)
                    and not _NAMING.match(folded, callee.end)
                ):
                    strong_at.append(p.end)
                    kinds.add("call")
                    break
        # every _PAST_CLAUSE match starts at a "since": tried there, not at every character of the sentence
        past_clause = may_look_back and any(_PAST_CLAUSE.match(folded, at_, end) for at_ in since_starts[s_lo:s_hi])
        if past_clause:
            kinds.add("past_reference")
        call_at = min(strong_at or nouns or weak_at or [-1])
        if (
            strong_at
            and recalled
            and not past_clause
            and (
                (min(recalled) > call_at and _RECALL_BREAK.search(folded, call_at, min(recalled)))
                or (max(recalled) < call_at and _RECALL_BREAK.search(folded, max(recalled), call_at))
            )
        ):
            # "held a phone call on Wednesday, two days after their previous conversation", "Deux jours
            # après leur précédent échange, Macron a de nouveau téléphoné": the older call is named in a
            # clause of its own ("in his call with Putin last month" names one call, an old one)
            kinds.discard("past_reference")
        if call_at >= 0 and (strong_at or nouns) and _told_as_background(folded, language, call_at, start, end):
            kinds.add("past_reference")  # "... telefon görüşmesinde mutabık kalmıştı": told as background
        out.append(_Sentence(start, end, kinds, call_at, s_people, bool(nouns), min(plans, default=-1)))
    return out


def _says_multiparty(folded: str, s: _Sentence) -> bool:
    """ "trilateral", "three-way", ... in the sentence (read from the article's one scan)."""
    return any(s.start <= h.start and h.end <= s.end for h in lexicon_matcher(MULTIPARTY_KEYS).find(folded))


def _bloc_conference(primary: _Sentence, mentions: list[Mention], kb: KnowledgeBase, title_end: int) -> bool:
    """A video conference of a bloc, not a call between two leaders: the report names a bloc (in its
    call sentence or its title) and either one leader only ("Putin took part in the BRICS summit by video
    link") or three leaders or more in the article ("G7 leaders met by videoconference ... Biden, Macron,
    Scholz"; the call sentence may name just the chair and a guest)."""
    if "video" not in primary.cues:
        return False
    if not any(
        m.kind == "org"
        and (primary.start <= m.start < primary.end or m.start < title_end)
        and kb.entities[m.entity_id].type == "organisation"
        for m in mentions
    ):
        return False
    return len(primary.distinct_people()) < 2 or len({m.entity_id for m in mentions if m.entity_id in kb.people}) >= 3


def _participants(
    primary: _Sentence,
    others: list[_Sentence],
    reports: list[_Sentence],
    folded: str,
    day: date,
    cue_starts: list[int],
    verb_final: bool,
) -> tuple[Participant, ...]:
    """The people of the call: the primary sentence's, else with those of `others` (further reports
    and neighbouring sentences); `reports` are the other sentences that report a call, `cue_starts`
    where call, talk and meeting words start."""
    kb = load_kb()
    order: list[str] = []
    for pool in [primary.people] + [s.people for s in others]:
        for m in pool:
            if m.entity_id not in order:
                order.append(m.entity_id)
        if len(order) >= 2:
            break
    if len(order) > 2 and _SEPARATELY.search(folded, primary.start, primary.end):
        # "Biden spoke separately with Netanyahu and Sisi": two calls, the first named is reported
        order = order[:2]
    if len(order) > 2 and len(primary.distinct_people()) > 2 and not _says_multiparty(folded, primary):
        # "Macron and Scholz spoke to Xi" is one three-way call; "Macron spoke with Zelensky after
        # his call with Putin" is a two-way one: people after a clause break are not in it
        # "Zelensky slams Orban for phone call with Putin": who condemns the call is not on it
        dropped = ""
        first = next(m for m in primary.people if m.entity_id == order[0])
        target = next(m for m in primary.people if m.entity_id == order[1])
        if (
            target.end < primary.call_at
            and _REACTION.search(folded, first.end, target.start)
            and _FOR_OVER.search(folded, target.end, primary.call_at)
        ):
            dropped = order[0]
            order = order[1:]
        second = next(m for m in primary.people if m.entity_id == order[1])
        brk = _CLAUSE_BREAK.search(folded, second.end, primary.end)
        cut = brk.start() if brk else primary.end
        # "spoke with Putin and urged him to hold direct talks with Zelensky": a further talk word after
        # the second party opens another exchange (in a verb-final language the call's own verb
        # closes the clause: "Putin se telefon par baat ki aur ... Zelensky se")
        after = [c for c in cue_starts if second.end <= c < cut and (verb_final or c > primary.call_at)]
        if after:
            cut = after[0]
        in_clause = list(dict.fromkeys(m.entity_id for m in primary.people if m.start < cut and m.entity_id != dropped))
        order = in_clause if len(in_clause) > 2 else order[:2]
        # "Zelensky criticised Scholz's call with Putin": when more of the other call sentences name two
        # of them than name three, the first two named together are its parties
        named = set(order)
        shared = [set(s.distinct_people()) & named for s in reports]
        pairs = [p for p in shared if len(p) == 2]
        if (
            len(order) > 2
            and len(pairs) > sum(len(p) > 2 for p in shared)
            and not any(_says_multiparty(folded, s) for s in reports)  # "lors de cet entretien à trois"
        ):
            order = [e for e in order if e in pairs[0]]
    else:
        order = order[: max(2, len(order) if _says_multiparty(folded, primary) else 2)]
    return _as_participants(kb, order, day)


def _as_participants(kb: KnowledgeBase, order: Iterable[str], day: date) -> tuple[Participant, ...]:
    result = []
    for eid in sorted(order):
        e = kb.entities[eid]
        office = e.office_on(day)
        result.append(
            Participant(e.id, e.name, office.country if office else e.country, office.role if office else None)
        )
    return tuple(result)


# a sentence that opens with its outlet's leader by title alone: a government's readout ("The Prime
# Minister spoke with the President of Iran", "His Majesty King Abdullah received a phone call")
_HOME_TITLE = re.compile(
    r"\W*(?:[a-z]+ (?:\(\w+\) )?[-—–]\s*)?(?:the |his majesty )?(prime minister|pm|president|chancellor|king)\b"
)
_HOME_ROLES = {
    "prime minister": "prime_minister",
    "pm": "prime_minister",
    "president": "president",
    "chancellor": "chancellor",
    "king": "king",
}


def _home_leader(reports: list[_Sentence], folded: str, home: str, day: date, kb: KnowledgeBase) -> str | None:
    """The outlet's country's holder of the title a report of the call opens with, when one held it
    that day."""
    for s in reports:
        match = _HOME_TITLE.match(folded, s.start, s.end)
        if match is None or (match.end() < s.end and folded[match.end()] in "-'’"):
            continue  # "the president-elect", "the president's envoy"
        holders = kb.holders(home, _HOME_ROLES[match.group(1)], day)
        if len(holders) == 1:
            return holders[0].id
    return None


def _joined_by_video(every: list[_Sentence], primary: _Sentence, ids: set[str]) -> set[str]:
    """A video conference of three or more: the people the lead says took part by video besides those
    of the report ("Modi took part in the first virtual summit of I2U2. In the meeting, held by video
    conference, Biden, Lapid and Mohamed bin Zayed ...")."""
    joined: set[str] = set()
    for s in every[: LEAD_SENTENCES + 1]:
        if s is not primary and "video" in s.cues and s.reporting and len(s.distinct_people()) <= 2:
            joined.update(e for e in s.distinct_people() if e not in ids)
    return joined


# "NEW DELHI, Jun 18 (PTI) Prime Minister ...", "MOSCOW, March 18 (Reuters) -": the place and day of
# the wire copy, not of the call
_DATELINE_PLACE = re.compile(r"\s*[^\W\d][\w .'’-]{0,38},\s*")
_DATELINE_AFTER = re.compile(r"\s*(?:\([^()]{1,30}\)|--|-|—|–)")


def _dateline(folded: str, sentence_start: int, t: TemporalExpr) -> bool:
    return bool(_DATELINE_PLACE.fullmatch(folded, sentence_start, t.start) and _DATELINE_AFTER.match(folded, t.end))


def _call_date(
    ordered: list[_Sentence],
    folded: str,
    dates: list[TemporalExpr],
    published: date,
    published_given: bool,
    verb_final: bool = False,
    meetings: tuple[int, ...] = (),
) -> tuple[date, str, str]:
    """The day of the call: in the sentences that report it, the temporal expression in the call
    cue's own clause, closest after the cue (before it in verb-final languages, where the day comes
    before the verb), then the others; a date that only stamps a statement ("the ministry said Wednesday") or
    that lies outside the reporting window counts only when nothing else does."""
    earliest, latest = published - _WINDOW, published + _ONE_DAY
    fallback: TemporalExpr | None = None
    # a weekday that falls the day after publication is a time-zone skew only where nothing else dates
    # the call ("said on Thursday ..., averting a hike due on Friday"; "the G7 leaders want to confer on
    # Tuesday", a plan in a later sentence)
    skewed_alone = all(
        t.kind == "weekday" and t.day > published
        for t in dates
        if earliest <= t.day <= latest and any(s.start <= t.start < s.end for s in ordered)
    )
    for s in ordered:
        inside = [t for t in dates if s.start <= t.start < s.end and earliest <= t.day <= latest]
        anchor = max(s.call_at, s.start)
        # a verb-final clause ends at its verb: "çarşamba günü telefonda görüştü, pazartesi günü ise ...
        # görüşmüştü" (the other clause's day is another event's; English puts dates in commas)
        ranked = sorted(
            inside,
            key=lambda t: (
                _CLAUSE_END.search(folded, min(t.end, anchor), max(t.start, anchor)) is not None,
                verb_final and _COMMA.search(folded, min(t.end, anchor), max(t.start, anchor)) is not None,
                # a day right before the call word is its own ("conversó el sábado por teléfono", "u
                # četvrtak, 16. marta, telefonom"), as good as one after it
                t.start > anchor if verb_final else t.start < anchor and anchor - t.end > ADJACENT_DAY,
                abs(t.start - anchor),
            ),
        )
        for t in ranked:
            if t.kind == "weekday" and t.day > published and not skewed_alone:
                continue
            # "... since May 19, while the delegations met in Istanbul on Monday": a day after a meeting
            # word in a later clause than the call word's is the meeting's
            met = not verb_final and any(
                anchor < m < t.start and _RECALL_BREAK.search(folded, anchor, m) for m in meetings
            )
            if met or (not verb_final and t.start > anchor and folded.startswith("'s", t.end)):
                continue  # "... also discussed Monday's talks in Istanbul": that day names another event
            if not verb_final and t.start > anchor and _possessed_event(folded, max(s.start, t.start - 40), t.start):
                continue  # "... condemned Pyongyang's launch on Tuesday": the launch's day
            if not verb_final and (
                _names_other_event(folded, s.start, t.start)
                # "The call came two days after Trump's tariffs took effect on Tuesday": between the call
                # word and the day, in one clause
                or (anchor < t.start and _names_other_event(folded, anchor, t.start, ANCHOR_REACH))
            ):
                continue  # "... seven days after a July 31 conversation": that day is the other call's
            if verb_final and not t.end <= anchor and _postposed_other_event(folded, t.end, s.end):
                continue  # "dün akşam düzenlediği füze saldırısının ardından": the attack's day
            if not t.end <= anchor < t.end + 24 and any(_dates_meeting(folded, t.end, m) for m in meetings):
                continue  # "the August 8 trilateral meeting in Washington": the meeting's day
            if (
                t.numeric
                or _STATEMENT_DATE.search(folded[max(s.start, t.start - 40) : t.start])
                or _dateline(folded, s.start, t)
            ):
                fallback = fallback or t
                continue
            confidence = "high" if t.kind == "explicit" or published_given else "medium"
            return t.day, confidence, t.kind
    if fallback is not None:
        return fallback.day, "medium" if published_given else "low", fallback.kind
    return published, "low", "published"


def _dated_long_ago(sentence: _Sentence, folded: str, published: date) -> bool:
    """The sentence gives its call a written-out date (or a month with no day) before the reporting
    window, and no day within it: it recalls an older call (a report a week late says "last week";
    "the two last spoke by phone in January")."""
    earliest = published - _WINDOW
    own = find_dates(folded, published, [(sentence.start, sentence.end)])
    if any(t.day >= earliest for t in own):
        return False
    return any(t.kind == "explicit" and not t.numeric and t.day < earliest for t in own) or _month_before_window(
        sentence, folded, published
    )


def _month_long_ago(sentence: _Sentence, folded: str, published: date) -> bool:
    """The sentence dates its call only by a month before the reporting window ("the two first spoke by
    phone in July", in a September report): background, not the report."""
    return not find_dates(folded, published, [(sentence.start, sentence.end)]) and _month_before_window(
        sentence, folded, published
    )


def _month_before_window(sentence: _Sentence, folded: str, published: date) -> bool:
    earliest = published - _WINDOW
    return any(last < earliest for last in months_without_day(folded, published, sentence.start, sentence.end))


def _countries(kb: KnowledgeBase, people: Iterable[str]) -> set[str | None]:
    """The countries of the people (entity ids)."""
    return {kb.entities[e].country for e in people}


def _lead_pair(
    every: list[_Sentence], named_two: list[_Sentence], kb: KnowledgeBase, folded: str, published: date
) -> list[_Sentence]:
    """Where the report of the call names no one ("Una telefonata di mezz'ora", "the two leaders spoke by
    phone on Thursday", "The call came as ..."), the lead sentence that names leaders of two countries and
    says nothing of its own ("Biden warned Netanyahu on Monday ...") reports it, with that cue."""
    if any("meeting" in s.cues for s in every if s.reporting):
        return []  # a visit or a summit: the lead's two leaders may have met, and "the call" be an older one
    if any(
        len(_countries(kb, s.distinct_people())) >= 2 and not _dated_long_ago(s, folded, published) for s in named_two
    ):
        return []  # a call sentence names leaders of two countries itself
    lead = every[: LEAD_SENTENCES + 2]
    unnamed = next((s for s in lead if (s.strong or s.call_noun) and s.reporting and not s.people), None)
    if unnamed is None or _dated_long_ago(unnamed, folded, published) or _month_long_ago(unnamed, folded, published):
        return []  # "their last call dates back to 11 September"
    planned = [set(s.distinct_people()) for s in every if "planned" in s.cues]
    for s in every[: LEAD_SENTENCES + 1]:
        people = set(s.distinct_people())
        if any(people <= pair for pair in planned):
            continue  # the two named in a plan of a call: a lead naming them speaks of the plan
        if not s.cues and len(_countries(kb, people)) >= 2:
            return [_Sentence(s.start, s.end, unnamed.cues & {"call", "video"}, s.start, s.people, unnamed.call_noun)]
    return []


BURIED_AFTER = 2  # sentences after the headline in which a call report speaks of its call or its parties
LEAD_WORDS = 8  # a line of fewer words that names no one is page furniture, not the lead


def _wordy(folded: str, start: int, end: int) -> bool:
    """Enough words for a sentence of news (in a script without spaces, enough characters)."""
    words = folded.count(" ", start, end) + 1  # (sentences are trimmed and their blanks single)
    return words >= LEAD_WORDS or (words < 3 and end - start >= 4 * LEAD_WORDS)


def _speaks_of_call(s: _Sentence, ids: set[str]) -> bool:
    return (
        s.strong
        or s.call_noun
        or ("talk" in s.cues and "meeting" not in s.cues)  # ("talks in Riyadh" are the meeting's)
        or "planned" in s.cues
        or ids <= set(s.distinct_people())
    )


def _buried(every: list[_Sentence], primary: _Sentence, folded: str, titled: bool, ids: set[str]) -> bool:
    """The headline and the first sentences tell of something else (a visit, an interview, a decree):
    no word of a call or a talk, and not both parties in one sentence ("Xi warns Biden ..." speaks of
    the call). The call comes later, as background ("... in the wake of the 31 March phone call
    between the presidents", "the apology was made yesterday in a phone call with Putin"), not the
    article's news. Short lines that name no one (datelines, page furniture) and repeats of the
    headline are not counted."""
    title = every[0] if titled and every else None
    if title is not None and _speaks_of_call(title, ids):
        return False
    heading = folded[title.start : title.end].strip() if title is not None else ""
    found = 0
    for s in every[1:] if title is not None else every:
        if s.end > primary.start:
            return False  # the report itself comes within the lead
        if not (s.people or _wordy(folded, s.start, s.end)) or folded[s.start : s.end].strip() == heading:
            continue
        if _speaks_of_call(s, ids):
            return False
        found += 1
        if found == BURIED_AFTER:
            return True
    return False


def _lead_meets(lead: list[_Sentence], ids: set[str]) -> bool:
    """The headline and first sentence tell of the two meeting, and say no word of a call or a talk ("Biden,
    nakipagkita kay Netanyahu sa Tel Aviv", "PM Modi tells Putin in Samarkand ... held talks in person"):
    the article is about the meeting, and its calls are background ("they had spoken by phone
    several times")."""
    if any(s.strong or s.call_noun or "talk" in s.cues for s in lead):
        return False  # "All about the conversation between Putin and Trump: ... where the meeting will be"
    return any("meeting" in s.cues and ids <= set(s.distinct_people()) for s in lead)


def _remote_talk(reporting: list[_Sentence], every: list[_Sentence], mentions: list[Mention], folded: str) -> bool:
    if any("meeting" in s.cues for s in reporting):
        return False
    # pairs the article names in a plan of a call ("he would speak by phone with Putin"): a lead saying
    # they talk is that plan
    planned = [
        set(s.distinct_people()) for s in every if (s.strong or s.call_noun) and not s.reporting and "planned" in s.cues
    ]
    kb = load_kb()
    # (page furniture, "International", "Publié le 03 mars 2022 à 17h05", takes no place in the lead)
    lead = [s for s in reporting if s.people or s.cues or _wordy(folded, s.start, s.end)][:LEAD_SENTENCES]
    for s in lead:
        if "talk" in s.cues and len(s.distinct_people()) >= 2:
            if any(len(pair & set(s.distinct_people())) >= 2 for pair in planned):
                continue
            countries = _countries(kb, s.distinct_people())
            if len(countries) < 2:
                continue
            # "spoke in Ankara with Erdogan": a city of one of their countries in the sentence is where
            # they met (a call readout says "phone" somewhere; this path is for those that do not)
            if any(
                s.start <= m.start < s.end
                and kb.entities[m.entity_id].type == "city"
                and kb.entities[m.entity_id].country in countries
                for m in mentions
            ):
                continue
            return True  # leaders of two countries, in no shared place: a call
    return False


def extract(
    folded: str,
    title_end: int,
    mentions: list[Mention],
    published: date,
    published_given: bool,
    topic_tagger,
    language: str | None = None,
    original: str | None = None,
    home: str | None = None,
) -> Call | None:
    """The call the article reports, or None. `folded` is the folded title + body, `original` the
    same text unfolded (for letter case), `home` the outlet's country when its domain tells."""
    # a report says who called whom, when and about what near its start: reading further only costs
    # time (and would make a megabyte of repeated sentences quadratic)
    folded = folded[:CALL_TEXT_LIMIT]
    original = original[:CALL_TEXT_LIMIT] if original is not None else None
    mentions = [m for m in mentions if m.start < CALL_TEXT_LIMIT]
    kb = load_kb()
    cues = lexicon_matcher(CUE_KEYS).find(folded)
    people = [m for m in mentions if m.entity_id in kb.people]
    noun_starts = [
        m.start() for m in _CALL_NOUN.finditer(folded) if not (m.start() and _word_or_hyphen(folded[m.start() - 1]))
    ]
    idioms = lexicon_matcher(NOT_A_CALL_KEYS).find(folded)
    if idioms:  # "in a telephone interview", "a wake-up call": no call
        inside = Spans([(h.start, h.end) for h in idioms])
        cues = [c for c in cues if not (c.value in ("call", "video") and (inside(c.start) or inside(c.end - 1)))]
        noun_starts = [n for n in noun_starts if not inside(n)]
    if noun_starts and people:
        # "Putin calls Erdogan a friend", "Macron calls snap election": right after a name, a verb
        # ("the Biden call with Xi" stays a noun)
        said_by = {p.end + 1 for p in people}
        # ("the Putin-Trump call planned": the bare "call" after a name is a noun, a verb would be "calls")
        noun_starts = [
            n
            for n in noun_starts
            if n not in said_by or _CALL_WITH.match(folded, n) or not folded.startswith("calls", n)
        ]
    # "what he calls the root causes", "a move that calls into question": after a pronoun, a verb
    noun_starts = [n for n in noun_starts if not _PRONOUN_BEFORE.search(folded, max(0, n - 8), n)]
    notes = lexicon_matcher(NOTE_KEYS).find(folded)
    if notes:
        cues = sorted([*cues, *notes], key=_START)
    verb_starts = [h.start for h in CALL_VERBS.find(folded)]
    if (
        not noun_starts
        and not any(c.value in ("call", "video", "talk") for c in cues)
        and not (len(people) >= 2 and verb_starts)
    ):
        return None  # no word of a call anywhere: most news, and cheap to tell
    every = _analyse(folded, cues, people, noun_starts, verb_starts, original, language)
    analysed = [s for s in every if s.reporting]
    cued = [s for s in analysed if s.call_at >= 0 and (s.strong or "meeting" not in s.cues)]
    # the article must say "phone"/"video"/"call" somewhere outside plans and background, or its
    # lead must say that two leaders spoke with no sign anywhere of being in one place. Background
    # includes two leaders' call dated long ago ("Trump i Putin rozmawiali przez telefon 12 lutego"),
    # not "the call was the first since Feb. 15"
    said_now = any(
        (s.strong or s.call_noun)
        and not _month_long_ago(s, folded, published)
        and not (len(s.distinct_people()) >= 2 and _dated_long_ago(s, folded, published))
        for s in analysed
    )
    if not said_now and not _remote_talk(analysed, every, mentions, folded):
        return None
    # the report: a call sentence naming two people, else one naming one with a strong cue; one that
    # dates its call before the reporting window recalls an older call ("... five weeks after he
    # spoke by phone with Trump on Oct. 6", a photo caption of last month's video link)
    named_two = [s for s in cued if len(s.distinct_people()) >= 2]
    candidates = [
        *sorted([*named_two, *_lead_pair(every, named_two, kb, folded, published)], key=_START),
        *[s for s in cued if s.people and (s.strong or s.call_noun) and len(s.distinct_people()) < 2],
    ]
    primary = next((s for s in candidates if not _dated_long_ago(s, folded, published)), None)
    if primary is None or _bloc_conference(primary, mentions, kb, title_end):
        return None
    title = every[0] if every and title_end and every[0].start == 0 else None
    if (
        title is not None
        and title.strong
        and "about_the_call" in title.cues
        and (not title.people or set(primary.distinct_people()) <= set(title.distinct_people()))
    ):
        # "Kremlin denies report of Putin-Trump call", "China: no recent call between the two heads of
        # state": the body's account is the report denied
        return None
    others = [s for s in cued if s is not primary and s.people]
    idx = next(i for i, s in enumerate(analysed) if s.start == primary.start)  # primary may stand in for one
    # "... a video call of the Ukrainian president. On the line: Emmanuel Macron."
    near = [*analysed[idx + 1 : idx + 3], *analysed[max(0, idx - 1) : idx]]
    in_others = {id(s) for s in others}
    # (not one about a meeting or a plan: "he will visit Ankara to meet Erdogan", "I want to talk with Fiala
    # soon" name no one on the line)
    neighbours = [s for s in near if s.people and id(s) not in in_others and not s.cues & {"meeting", "planned"}]
    talk_starts = [c.start for c in cues if c.value in CUE_KEYS]
    participants = _participants(
        primary, [*others, *neighbours], others, folded, published, talk_starts, language in VERB_FINAL
    )
    if len(participants) < 2 and home is not None:
        reports = [primary, *[s for s in analysed[: LEAD_SENTENCES + 1] if s.call_at >= 0 and s is not primary]]
        host = _home_leader(reports, folded, home, published, kb)
        if host is not None and host not in {p.id for p in participants}:
            participants = _as_participants(kb, {*(p.id for p in participants), host}, published)
    if len(participants) < 2:
        return None
    ids = {p.id for p in participants}
    if len(ids) >= 3 and "video" in primary.cues:
        joined = _joined_by_video(every, primary, ids)
        if joined:
            ids |= joined
            participants = _as_participants(kb, ids, published)
    # the headline and the first sentence that names someone or says something of a call (not a dateline)
    lead = [*every[:1], *[s for s in every[1:] if s.people or s.cues][:1]]
    if _lead_meets(lead, ids) or _buried(every, primary, folded, title is not None, ids):
        return None

    def names_both(s: _Sentence) -> bool:
        return bool(s.people) and ids <= {m.entity_id for m in s.people}

    # the first sentence after the report (and a headline's restatement of it) that speaks of "the
    # conversation" and of no one else ("Das Gespräch fand am Mittwochabend statt")
    follower = [
        s
        for s in analysed[idx + 1 : idx + 3]
        if "talk" in s.cues and not (s.strong or s.call_noun) and set(s.distinct_people()) <= ids
    ][:1]
    # where the day is said: the primary sentence, other reports naming both parties, sentences
    # about "the call" naming no one else ("the call took place yesterday", "the two leaders spoke by
    # phone on June 17, ... where PM Modi is attending the summit"), the follower, any sentence naming both
    ordered = [
        primary,
        *[s for s in others if names_both(s)],
        *[s for s in analysed if (s.strong or s.call_noun) and set(s.distinct_people()) < ids],
        *follower,
        *[s for s in analysed if s is not primary and names_both(s)],
    ]
    dates = find_dates(folded, published, [(s.start, s.end) for s in ordered])
    meetings = tuple(c.start for c in cues if c.value == "meeting")
    day, confidence, source = _call_date(
        ordered, folded, dates, published, published_given, language in VERB_FINAL, meetings
    )
    # the medium of THIS call: the primary sentence decides; other reports only if it says neither
    video = "video" in primary.cues or ("call" not in primary.cues and any("video" in s.cues for s in others))
    medium = "video" if video else "phone"
    # what was discussed: the call sentences and the two sentences after the first one
    spans = [(s.start, s.end) for s in [primary, *others, *analysed[idx + 1 : idx + 3]]]
    topics = tuple(t.id for t in topic_tagger(folded, mentions, spans))
    attribution = None
    named = attribution_matcher().find(folded)
    for s_start, s_end in spans:
        said = [h for h in named if s_start <= h.start < s_end]
        if said:
            attribution = str(said[0].value)
            break
    return Call(participants, day, confidence, source, medium, topics, attribution, (primary.start, primary.end))
