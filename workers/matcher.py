"""Multi-pattern matching over folded text (Aho-Corasick), with word-boundary and case rules.

Used by entity linking, the call/date lexicon and topic tagging: one automaton per use, built once.
"""

from __future__ import annotations

import unicodedata
from bisect import bisect_right
from collections.abc import Hashable
from dataclasses import dataclass
from functools import lru_cache
from operator import attrgetter

import ahocorasick_rs

from workers.textnorm import CharMap, fold, is_inflecting_script, is_unspaced_script

# Case endings that Latin-script inflecting languages (hu, pl, cs, sk, hr, sr, sl, fi, de, lt, lv, ro,
# tr without apostrophe) put on proper names: "Putyinnal", "Putina", "Erdoğanem", "Bidennel", "Putins".
LATIN_NAME_SUFFIXES = frozenset(
    (
        "a u e y i o em om ie iem owi ovi ovu ovem ja ju jem s es is ot et t "
        "nak nek nal nel val vel tal tel hoz hez rol tol bol ban ben ba be on en ra re nn nnal nnel "
        "ga gal gel ile la le in un nin nun yla yle "
        # Azerbaijani writes its case endings with ə and no apostrophe: "Putinlə", "Ərdoğana", "Putinə"
        "ə yə nə lə ylə ilə də dən "
        # Uzbek: "Putinning", "Putinni", "Putindan", "Putinda"
        "ning ni da dan "
        # Estonian "Trumpiga", Finnish "Putinille", Latvian "Putinam", Lithuanian "Putinui", Czech and
        # Slovak "Dudou", "Módího", "Fiałovej", Albanian "Putinit", and the Hungarian "with" that doubles
        # the last consonant: "Trumppal", "Zelenszkijjel", "Scholzcal"
        "iga ille lle am ui ou ho eho ovej it pal pel jal jel cal cel zal zel ral rel mal mel kal kel sal sel"
    ).split()
)
MIN_INFLECTED_LENGTH = 4  # "Си" (Xi) + "рии" must not make "Сирии" (Syria)
MAX_SCRIPT_ENDING = 4  # letters a Cyrillic/Greek/Arabic/Indic name may carry as a case ending or particle
# the Dravidian languages stack a case and a particle on a name: Malayalam "മുത്തഖിയുമായി" (with
# Muttaqi), Tamil "மோடிக்கும்" (and to Modi); their letters are counted with vowel signs and viramas
MAX_DRAVIDIAN_ENDING = 7


class _BoundaryTable(dict):
    """Keeps word characters, turns everything else into a space: word boundaries become spaces,
    so patterns that start with a space can only match at the start of a word."""

    def __missing__(self, code: int) -> str:
        ch = chr(code)
        out = ch if ch.isalnum() or ch == "_" or unicodedata.category(ch)[0] == "M" else " "
        self[code] = out
        return out


_BOUNDARY = _BoundaryTable()
_BREAKS = CharMap(_BOUNDARY)


@lru_cache(maxsize=8)
def boundary_text(folded: str) -> str:
    """The folded text between two spaces, every non-word character a space (offsets shifted by one);
    computed once per article and shared by every matcher."""
    return " " + _BREAKS(folded) + " "


def word_breaks(text: str) -> str:
    """The text with every non-word character a space (same length)."""
    return _BREAKS(text)


def _automaton_keys(key: str) -> set[str]:
    """The key as the boundary text holds it. Punctuation inside or at the end of a name ("Abdullah
    II.", "al-Assad") is a word break in the text; next to a space it makes two ("Staats- und", "κατ'
    ιδίαν"), so such a key is also kept with both."""
    mapped = key.translate(_BOUNDARY)
    forms = {" ".join(mapped.split()), mapped.strip()}
    return forms if is_unspaced_script(key[0]) else {" " + form for form in forms}


@dataclass(frozen=True, slots=True)
class Rule:
    value: Hashable
    prefix: bool = False  # pattern ended with '*': any word ending may follow
    case: str = ""  # "" any case; "title": original starts upper-case; "exact": original equals `surface`
    surface: str = ""  # the pattern as written, for case checks
    inflect: bool = False  # a proper name: may take a case ending in inflecting languages


class Hit:
    # a plain class, not a dataclass: mypyc compiles its __init__ (a dataclass's is generated at import
    # and interpreted: six times slower to build, and an article makes about fifty)
    __slots__ = ("end", "start", "text", "value")

    def __init__(self, start: int, end: int, value: Hashable, text: str) -> None:
        self.start = start
        self.end = end
        self.value = value
        self.text = text  # the matched folded text

    def __repr__(self) -> str:
        return f"Hit({self.start}, {self.end}, {self.value!r}, {self.text!r})"


class Matcher:
    """Two automata over the same patterns: `strict` for text whose names take no Latin-script case
    endings (a word must end where the pattern ends, so the automaton itself rejects "russi" inside
    "russian"), `loose` for inflecting Latin-script languages ("Putyinnal")."""

    def __init__(self) -> None:
        self._strict: ahocorasick_rs.AhoCorasick | None = None
        self._loose: ahocorasick_rs.AhoCorasick | None = None
        # key, its rules, and the value of a key with one rule and no case to check (else _CHECK)
        self._payloads: list[tuple[str, tuple[Rule, ...], object]] = []
        self._patterns: tuple[list[str], list[str]] = ([], [])  # strict, loose: one per payload
        self._rules: dict[str, list[Rule]] = {}
        self._built = False
        self._shared: tuple[SharedScan, int] | None = None  # the scan this matcher reads its matches from

    def __len__(self) -> int:
        return len(self._rules)

    def add(self, pattern: str, value: Hashable, *, case: str = "", inflect: bool = False) -> None:
        prefix = pattern.endswith("*")
        surface = pattern.rstrip("*").strip()
        key = " ".join(fold(surface).split())
        if len(key) < 2:
            return
        rules = self._rules.setdefault(key, [])
        rule = Rule(value, prefix, case, surface if case == "exact" else "", inflect)
        if rule not in rules:  # one spelling per meaning: "President"/"président" fold to one key
            rules.append(rule)
        self._built = False
        self._shared = None

    def build(self) -> None:
        merged: dict[str, list[Rule]] = {}
        for key, rules in self._rules.items():
            for akey in _automaton_keys(key):
                target = merged.setdefault(akey, [])  # "al-assad" and "al assad" meet
                target.extend(r for r in rules if r not in target)
        strict: list[str] = []
        loose: list[str] = []
        self._payloads = []
        for akey, rules in merged.items():
            if not akey.strip():
                continue  # a pattern of punctuation only
            key = akey.lstrip(" ")
            plain = rules[0].value if len(rules) == 1 and not rules[0].case else _CHECK
            self._payloads.append((key, tuple(rules), plain))
            open_end = is_unspaced_script(key[-1]) or any(r.prefix for r in rules)
            script_endings = is_inflecting_script(key[-1]) and any(r.inflect for r in rules)
            latin_endings = any(r.inflect for r in rules)
            # a closed key carries its trailing boundary: only whole words come back
            strict.append(akey if open_end or script_endings else akey + " ")
            loose.append(akey if open_end or script_endings or latin_endings else akey + " ")
        self._patterns = (strict, loose)
        self._strict = _automaton(strict) if strict else None
        self._loose = _automaton(loose) if loose else None
        self._built = True

    def _matches(self, bounded: str, inflecting_latin: bool) -> list[tuple[int, int]]:
        """(payload index, end in `bounded`) of every match, overlapping ones too: the longest-match
        choice needs them all."""
        if self._shared is not None:
            scan, slot = self._shared
            return scan.matches(bounded, inflecting_latin)[slot]
        automaton = self._loose if inflecting_latin else self._strict
        if automaton is None:
            return []
        return [(index, stop) for index, _, stop in automaton.find_matches_as_indexes(bounded, overlapping=True)]

    def find(self, folded: str, original: str | None = None, *, inflecting_latin: bool = False) -> list[Hit]:
        """Longest non-overlapping matches that respect word boundaries and case rules."""
        if not self._built:
            self.build()
        if not self._payloads:
            return []
        bounded = boundary_text(folded)
        payloads = self._payloads
        candidates: list[Hit] = []
        append = candidates.append
        inflected = False  # some hit takes in a word ending
        # letter case is checked where there is an original text to check it in (as in _case_ok)
        cased = original or ""
        checked_to = len(original) if original is not None else -1
        for index, stop in self._matches(bounded, inflecting_latin):
            key, rules, plain = payloads[index]
            last = stop - 1
            # bounded[i] is folded[i - 1]; a leading space is the word start, a trailing one the word end
            if bounded[last] == " ":  # a closed key, matched with the space after it: a whole word
                end = last - 1  # exclusive, in folded
                start = end - len(key)
                if plain is not _CHECK:  # the common case: one meaning, any letter case
                    append(Hit(start, end, plain, key))
                    continue
            else:
                end = last
                start = end - len(key)
            if bounded[end + 1] == " ":  # the word ends with the key: no ending to judge
                for rule in rules:
                    case = rule.case
                    if (
                        not case
                        or end > checked_to
                        or (_CAPITAL[cased[start]] if case == "title" else cased[start:end] == rule.surface)
                    ):
                        append(Hit(start, end, rule.value, key))
                continue
            word_end = bounded.find(" ", end + 1) - 1  # `bounded` ends with a space
            ending = folded[end:word_end]
            for rule in rules:
                stop = _accept_end(rule, key, ending, end, word_end, inflecting_latin)
                if stop < 0 or not _case_ok(rule, original, start, end):
                    continue
                inflected = inflected or stop != end
                append(Hit(start, stop, rule.value, key))
        if inflected:
            # a word matched as itself beats the same word read as another name plus a case ending
            exact = {(h.start, h.end) for h in candidates if h.end - h.start == len(h.text)}
            candidates = [h for h in candidates if h.end - h.start == len(h.text) or (h.start, h.end) not in exact]
        return _longest_first(candidates)


class SharedScan:
    """One pass over an article for several matchers: their patterns in one automaton (each article is
    then scanned once, not once per matcher: a scan costs about the same whatever the pattern count)."""

    def __init__(self, matchers: list[Matcher]) -> None:
        self._slots = len(matchers)
        self._automata: list[ahocorasick_rs.AhoCorasick | None] = []
        self._targets: list[list[list[tuple[int, int]]]] = []  # per automaton: pattern -> [(slot, payload)]
        for variant in (0, 1):  # strict, loose
            where: dict[str, list[tuple[int, int]]] = {}
            for slot, matcher in enumerate(matchers):
                if not matcher._built:
                    matcher.build()
                for index, pattern in enumerate(matcher._patterns[variant]):
                    where.setdefault(pattern, []).append((slot, index))
            self._automata.append(_automaton(list(where)) if where else None)
            self._targets.append(list(where.values()))
        for slot, matcher in enumerate(matchers):
            matcher._shared = (self, slot)

    @lru_cache(maxsize=4)  # noqa: B019 - one scan object per process, kept for the life of it
    def matches(self, bounded: str, inflecting_latin: bool) -> list[list[tuple[int, int]]]:
        found: list[list[tuple[int, int]]] = [[] for _ in range(self._slots)]
        automaton = self._automata[inflecting_latin]
        if automaton is None:
            return found
        targets = self._targets[inflecting_latin]
        appends = [slot.append for slot in found]
        for pattern, _, stop in automaton.find_matches_as_indexes(bounded, overlapping=True):
            for slot, index in targets[pattern]:
                appends[slot]((index, stop))
        return found


class Spans:
    """Whether an offset lies in one of a few character spans: sorted and merged once, a bisection per
    offset (callers filter an article's hits by the spans of its call sentences)."""

    __slots__ = ("_ends", "_starts")

    def __init__(self, spans: list[tuple[int, int]]) -> None:
        merged: list[list[int]] = []
        for start, end in sorted(spans):
            if start >= end:
                continue
            if merged and start <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], end)
            else:
                merged.append([start, end])
        self._starts = [start for start, _ in merged]
        self._ends = [end for _, end in merged]

    def __call__(self, offset: int) -> bool:
        at = bisect_right(self._starts, offset) - 1
        return at >= 0 and offset < self._ends[at]


_CHECK = object()  # a payload whose rules must be read for each hit


def _automaton(patterns: list[str]) -> ahocorasick_rs.AhoCorasick:
    # a contiguous NFA: as fast as a DFA here (and 10x pyahocorasick) in a tenth of its memory (75 vs 680 MB)
    kind, implementation = ahocorasick_rs.MatchKind.Standard, ahocorasick_rs.Implementation.ContiguousNFA
    return ahocorasick_rs.AhoCorasick(patterns, matchkind=kind, implementation=implementation)


def _accept_end(rule: Rule, key: str, ending: str, end: int, word_end: int, inflecting_latin: bool) -> int:
    """Where the match ends, or -1 when the word goes on in a way the rule does not allow."""
    if not ending or is_unspaced_script(key[-1]):
        return end
    if rule.prefix:
        return word_end
    if (
        rule.inflect
        and len(key) >= MIN_INFLECTED_LENGTH
        and (
            (is_inflecting_script(key[-1]) and len(ending) <= MAX_SCRIPT_ENDING)
            or ("\u0b80" <= key[-1] <= "\u0d7f" and len(ending) <= MAX_DRAVIDIAN_ENDING)
            or (inflecting_latin and len(key) >= 4 and ending in LATIN_NAME_SUFFIXES)
        )
    ):
        return word_end
    return -1


def _case_ok(rule: Rule, original: str | None, start: int, end: int) -> bool:
    if not rule.case or original is None or len(original) < end:
        return True
    seen = original[start:end]
    if rule.case == "exact":  # surface is kept for exact rules only
        return seen == rule.surface
    return _CAPITAL[seen[:1]]


class _CapitalTable(dict):
    """character -> may start a title-case word: not a letter, an upper-case one, or one of a script
    without case (Arabic, Chinese, ...)."""

    def __missing__(self, ch: str) -> bool:
        # Georgian (Mkhedruli) has capitals in Unicode that no one writes: caseless in practice
        ok = not ch.isalpha() or ch.isupper() or ch == ch.upper() or "\u10d0" <= ch <= "\u10ff"
        self[ch] = ok
        return ok


_CAPITAL = _CapitalTable()


def _longest_first(candidates: list[Hit]) -> list[Hit]:
    """Longest hits first, then leftmost; an overlapping hit is dropped, except one on the same span as a
    kept hit (an ambiguous name: both stay for the caller to disambiguate). In text order."""
    if len(candidates) <= 1:
        return candidates
    reach = -1
    for hit in candidates:  # matches come in the order they end
        if hit.start < reach:
            break
        reach = hit.end
    else:
        return candidates  # in text order and no two overlap: the common case
    # hits that overlap nothing are kept as they are; the choice is made within each run of
    # overlapping hits (a choice in one run cannot affect another). The runs are gathered in the order
    # the hits come: a hit overlaps an earlier run only if it overlaps the last one too (it ends after
    # every run's start), and then it may join runs up.
    runs: list[list[Hit]] = []
    starts: list[int] = []
    reaches: list[int] = []
    for hit in candidates:
        if runs and hit.start < reaches[-1]:
            runs[-1].append(hit)
            if hit.end > reaches[-1]:
                reaches[-1] = hit.end
            if hit.start < starts[-1]:
                starts[-1] = hit.start
                while len(runs) > 1 and starts[-1] < reaches[-2]:
                    joined, start, reach = runs.pop(), starts.pop(), reaches.pop()
                    runs[-1].extend(joined)
                    starts[-1] = min(starts[-1], start)
                    reaches[-1] = max(reaches[-1], reach)
        else:
            runs.append([hit])
            starts.append(hit.start)
            reaches.append(hit.end)
    out: list[Hit] = []
    for run in runs:
        if len(run) == 1:
            out.append(run[0])
        else:
            out.extend(_choose_longest(sorted(run, key=_START)))
    return out


_START = attrgetter("start")


def _choose_longest(group: list[Hit]) -> list[Hit]:
    if len(group) == 2:  # the common case ("vladimir putin" and its "putin"): the longer, else the leftmost
        a, b = group
        if a.start == b.start and a.end == b.end:
            return group
        return [a] if a.end - a.start >= b.end - b.start else [b]
    taken: list[Hit] = []
    for hit in sorted(group, key=lambda h: (h.start - h.end, h.start)):
        if any(t.start < hit.end and hit.start < t.end for t in taken) and not any(
            t.start == hit.start and t.end == hit.end for t in taken
        ):
            continue
        taken.append(hit)
    taken.sort(key=_START)
    return taken
