"""The knowledge base shipped with the package: people with offices and tenures, countries,
places, organisations and groups, and the lexicon of calls and dates. Format: workers/kb/README.md.
"""

from __future__ import annotations

import gettext
import os
import re
import tomllib
from dataclasses import dataclass, field
from datetime import date
from functools import cache, cached_property
from pathlib import Path

import pycountry

from workers.matcher import Matcher
from workers.textnorm import fold

# WIRESTREAM_KB_DIR points at another knowledge base of the same format (extend or replace the shipped one)
KB_DIR = Path(os.environ.get("WIRESTREAM_KB_DIR") or Path(__file__).parent / "kb")
# pycountry's translations of country names, for the languages the lexicon covers
COUNTRY_NAME_LANGUAGES = (
    "ru",
    "uk",
    "tr",
    "ar",
    "fa",
    "he",
    "fr",
    "de",
    "es",
    "pt",
    "it",
    "pl",
    "hu",
    "el",
    "zh_CN",
    "ja",
    "ko",
    "hi",
    "id",
    "ms",
    "nl",
    "ro",
    "sr",
    "az",
    "hy",
    "ka",
    "kk",
    "bg",
    "cs",
    "sv",
    "vi",
    "th",
    "bn",
)


@dataclass(frozen=True, slots=True)
class Office:
    role: str
    country: str
    start: date
    end: date | None
    leader: bool = False

    def held_on(self, day: date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)


@dataclass(frozen=True, slots=True)
class Entity:
    id: str
    name: str
    type: str  # person | country | city | place | organisation | group | government
    country: str | None = None
    offices: tuple[Office, ...] = ()

    def office_on(self, day: date) -> Office | None:
        held = [o for o in self.offices if o.held_on(day)]
        if not held:
            return None
        return max(held, key=lambda o: (o.leader, o.start))


@dataclass(frozen=True, slots=True)
class NameRef:
    """What a matched name stands for."""

    entity_id: str
    kind: str  # name | surname | country | demonym | place | org


@dataclass
class KnowledgeBase:
    entities: dict[str, Entity] = field(default_factory=dict)
    names: Matcher = field(default_factory=Matcher)
    by_country_role: dict[tuple[str, str], list[tuple[Office, str]]] = field(default_factory=dict)
    country_ids: dict[str, str] = field(default_factory=dict)  # ISO alpha-2 -> entity id
    by_name: dict[str, str] = field(default_factory=dict)  # folded canonical name -> entity id
    # folded surname -> the people who bear it: "алиева" is Mehriban Aliyeva's and the genitive of Aliyev
    surname_owners: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # person id -> the folded words written before an ambiguous surname of theirs in their full names
    # ("robert" of "Robert Golob"): "Robertom Golobom" is the full name with Slavic case endings
    given_names: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @cached_property
    def people(self) -> frozenset[str]:
        """Ids of the persons who hold or held an office here: the ones whose calls are news (call
        extraction asks of every mention). Their relatives and namesakes are tagged but call no one."""
        return frozenset(eid for eid, e in self.entities.items() if e.type == "person" and e.offices)

    @cached_property
    def leader_offices(self) -> dict[str, list[tuple[Office, str]]]:
        """country -> its executive heads' offices (holders() asks per role mention: a scan of every
        country's offices each time cost 10 µs an article)."""
        found: dict[str, list[tuple[Office, str]]] = {}
        for (country, _), offices in self.by_country_role.items():
            found.setdefault(country, []).extend((o, pid) for o, pid in offices if o.leader)
        return found

    def holders(self, country: str, role: str, day: date) -> list[Entity]:
        """Who held `role` ("leader" for the country's executive head) in `country` on `day`."""
        if role == "leader":
            found = [self.entities[pid] for office, pid in self.leader_offices.get(country, ()) if office.held_on(day)]
        else:
            found = [
                self.entities[pid]
                for office, pid in self.by_country_role.get((country, role), ())
                if office.held_on(day)
            ]
        return sorted(set(found), key=lambda e: e.id)

    def lookup(self, name: str) -> Entity | None:
        eid = self.by_name.get(" ".join(fold(name).split()))
        return self.entities.get(eid) if eid else None


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _load_toml(name: str) -> dict:
    path = KB_DIR / name
    if not path.exists():
        return {}
    with path.open("rb") as fh:
        return tomllib.load(fh)


# One-letter words Arabic and Hebrew write joined to the next word: "and", "to", "with/in", "from",
# "that" ("بين بوتين وأردوغان", "שוחח עם נתניהו ולפוטין"). Short names are left alone: "و" + "لي"
# (Li) is "ولي", a common word.
_PROCLITICS = {"arabic": ("و", "ل", "ب", "ف"), "hebrew": ("ו", "ל", "ב", "מ", "ש")}
_MIN_VARIANT_BASE = 4  # characters a name needs for a proclitic or a virama-less variant
# the signs that silence a final consonant in Devanagari, Bengali, Gurmukhi, Gujarati, Tamil, Telugu,
# Kannada and Malayalam
_VIRAMAS = frozenset("\u094d\u09cd\u0a4d\u0acd\u0bcd\u0c4d\u0ccd\u0d4d")


_ABD = (("\u0639\u0628\u062f \u0627\u0644", "\u0639\u0628\u062f\u0627\u0644"),)  # "عبد ال" and "عبدال"


# Slavic surnames whose case endings replace their last letters ("Зеленский" -> "Зеленским",
# "Кулеба" -> "Кулебой", "Zełenski" -> "Zełenskiego"): their masculine cases written out (a stem
# with any ending would also read "Зеленская", his wife). Not Latin-script names in -a: folded, their
# cases meet other words ("França" would give "France")
_SLAVIC_CASES = (
    (re.compile(r"(?<=[скц])(?:ий|ый)$"), ("ого", "ому", "им", "ом")),
    (re.compile(r"(?<=[скц])ій$"), ("ого", "ому", "им", "ім")),
    (re.compile(r"(?<=[^\W\d_])[ая]$"), ("ы", "и", "е", "у", "ой", "ою")),
    (re.compile(r"(?<=[skc])(?:i|y|yy|yi|yj|ij)$"), ("iego", "iemu", "im", "ého", "ému", "ým", "ovi", "oho", "omu")),
)


def _slavic_cases(surname: str) -> list[str]:
    """The oblique cases of a Cyrillic or Latin-script surname that ends the way Slavic declension
    replaces (see _SLAVIC_CASES), when its stem is long enough to stand for it."""
    for ending, cases in _SLAVIC_CASES:  # each pattern is of one script: its cases are of the same
        stem = ending.sub("", surname)
        if stem != surname:
            return [stem + case for case in cases] if len(stem) > _MIN_VARIANT_BASE else []
    return []


def _name_forms(name: str) -> list[str]:
    """The name, and the forms news text writes it in that a case ending added to it does not make:
    Arabic and Hebrew with a joined one-letter word before it, Greek masculine names without their
    nominative -ς ("Αλέξη Τσίπρα", genitive and accusative of "Αλέξης Τσίπρας"), Indic names without
    their final virama (an ending's vowel sign replaces it)."""
    first = name[:1]
    if name[-1:] in _VIRAMAS and len(name) > _MIN_VARIANT_BASE:
        # "டிரம்ப்" + "உடன்" is written "டிரம்புடன்": the ending takes the place of the final virama
        return [name, name[:-1]]
    if "\u0370" <= first <= "\u03ff" or "\u1f00" <= first <= "\u1fff":
        oblique = " ".join(w[:-1] if w.endswith("ς") and len(w) > 3 else w for w in name.split())
        return [name, oblique] if oblique != name else [name]
    if len(name) < _MIN_VARIANT_BASE:
        return [name]
    if " " not in name and (cases := _slavic_cases(name)):
        return [name, *cases]
    if "\u0620" <= first <= "\u064a":
        # "عبد الله" is written joined as often as apart ("عبدالله", Jordanian and Gulf agency copy)
        spellings = [name, *(name.replace(apart, joined) for apart, joined in _ABD if apart in name)]
        spellings += [name.replace(joined, apart) for apart, joined in _ABD if joined in name and apart not in name]
        return [form for spelling in spellings for form in (spelling, *(p + spelling for p in _PROCLITICS["arabic"]))]
    if "\u05d0" <= first <= "\u05ea":
        return [name, *(p + name for p in _PROCLITICS["hebrew"])]
    return [name]


def _add_people(kb: KnowledgeBase, people: list[dict]) -> None:
    for row in people:
        offices = tuple(
            Office(
                role=o["role"],
                country=o.get("country", row.get("country", "")),
                start=date.fromisoformat(o["start"]),
                end=_day(o.get("end")),
                leader=bool(o.get("leader", False)),
            )
            for o in row.get("offices", [])
        )
        person = Entity(row["id"], row["name"], "person", row.get("country"), offices)
        kb.entities[person.id] = person
        kb.by_name.setdefault(fold(person.name), person.id)
        ambiguous = {fold(s) for s in row.get("ambiguous_surnames", [])}
        for name in [row["name"], *row.get("names", [])]:
            for form in _name_forms(name):
                kb.names.add(form, NameRef(person.id, "name"), case="title", inflect=True)
            words = fold(name).split()
            if len(words) >= 2 and words[-1] in ambiguous and len(words[-2]) >= 3:
                kb.given_names[person.id] = (*kb.given_names.get(person.id, ()), words[-2])
        for surname in row.get("surnames", []):
            key = fold(surname)
            kind = "surname_ambiguous" if key in ambiguous else "surname"
            owners = kb.surname_owners.get(key, ())
            if person.id not in owners:
                kb.surname_owners[key] = (*owners, person.id)
            for form in _name_forms(surname):
                kb.names.add(form, NameRef(person.id, kind), case="title", inflect=True)
        for office in offices:
            kb.by_country_role.setdefault((office.country, office.role), []).append((office, person.id))


def _country_translations() -> dict[str, set[str]]:
    names: dict[str, set[str]] = {}
    for lang in COUNTRY_NAME_LANGUAGES:
        try:
            tr = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[lang])
        except OSError:
            continue
        for country in pycountry.countries:
            for attr in ("name", "common_name"):
                english = getattr(country, attr, None)
                if english:
                    local = tr.gettext(english)
                    if local != english:
                        names.setdefault(country.alpha_2, set()).add(local)
    return names


def _add_countries(kb: KnowledgeBase, extra: dict[str, dict]) -> None:
    translations = _country_translations()
    for country in pycountry.countries:
        code = country.alpha_2
        info = extra.get(code, {})
        common = getattr(country, "common_name", None) or country.name
        entity = Entity(info.get("qid") or f"country-{code.lower()}", common, "country", code)
        kb.entities[entity.id] = entity
        kb.country_ids[code] = entity.id
        kb.by_name.setdefault(fold(common), entity.id)
        ref = NameRef(entity.id, "country")
        official = getattr(country, "official_name", None)
        for name in {country.name, common, official, *translations.get(code, ()), *info.get("names", [])}:
            if name and "," not in name:
                kb.names.add(name, ref, case=_country_case(name), inflect=True)
        for demonym in info.get("demonyms", []):
            # demonyms are lower-case in most languages ("turc", "турецкий"): no case rule
            kb.names.add(demonym, NameRef(entity.id, "demonym"), inflect=True)


def _country_case(name: str) -> str:
    """How a country name must be written to count: a short one that folding changes ("Bỉ", "Mỹ",
    "Úc" in Vietnamese) exactly so, or folded it meets common words ("Bí thư", "My"); others with a
    capital letter."""
    if not name[:1].isalpha():
        return ""
    folded = fold(name)
    return "exact" if len(folded) <= 3 and folded != name.lower() else "title"


def _add_named(kb: KnowledgeBase, rows: list[dict], default_type: str, kind: str) -> None:
    for row in rows:
        if row.get("ambiguous"):
            continue
        etype = {
            "capital": "city",
            "city": "city",
            "organisation": "organisation",
            "group": "group",
            "government": "government",
        }.get(row.get("kind", ""), default_type)
        entity = Entity(row["id"], row["name"], etype, row.get("country") or None)
        kb.entities[entity.id] = entity
        kb.by_name.setdefault(fold(entity.name), entity.id)
        exact = set(row.get("case_sensitive", []))
        # names that are common-noun phrases, written in lower case as often as not ("the coalition of the
        # willing", "gribētāju koalīcija"): any letter case; other names need their capital
        any_case = bool(row.get("any_case", False))
        for name in [row["name"], *row.get("names", [])]:
            case = "exact" if name in exact else "" if any_case else "title"
            kb.names.add(name, NameRef(entity.id, kind), case=case, inflect=True)


@cache
def load_kb() -> KnowledgeBase:
    kb = KnowledgeBase()
    _add_countries(kb, _load_toml("countries.toml"))
    _add_named(kb, _load_toml("places.toml").get("place", []), "place", "place")
    _add_named(kb, _load_toml("orgs.toml").get("org", []), "organisation", "org")
    # people last: where a person's name is also a place or org name, both stay and context decides
    _add_people(kb, _load_toml("people.toml").get("person", []))
    kb.names.build()
    return kb


@cache
def load_lexicon() -> dict[str, dict]:
    return _load_toml("lexicon.toml")


@cache
def lexicon_matcher(keys: tuple[str, ...]) -> Matcher:
    """One matcher over the given lexicon keys of every language; a hit's value is its key."""
    matcher = Matcher()
    for lang in load_lexicon().values():
        for key in keys:
            for pattern in lang.get(key, []):
                matcher.add(pattern, key)
    matcher.build()
    return matcher
