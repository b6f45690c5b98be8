"""Temporal expressions ("on Wednesday", "late Monday", "yesterday", "on July 13", "13 July 2020",
"13 июля", "2020年7月13日") found in text and resolved against the publication date."""

from __future__ import annotations

import re
from datetime import date, timedelta
from functools import cache, lru_cache
from typing import cast

from workers.kb import load_lexicon
from workers.matcher import Hit, Matcher, Spans
from workers.textnorm import fold

RELATIVE_KEYS = {"today": 0, "yesterday": 1, "day_before_yesterday": 2}
# "13 July", "13th of July", "13. Juli", "13-го июля", "30-mart" (Uzbek, Kyrgyz, Kazakh)
_DAY_BEFORE = re.compile(r"(?<!\d)(\d{1,2})(?:st|nd|rd|th|\.|-?го|-?ого|er|eme|º|ª|-)?\s*(?:de\s+|of\s+|d'\s*)?$")
# year first, as Hungarian writes it: "2020. július 13."
_YEAR_BEFORE = re.compile(r"(?<!\d)(\d{4})\.?\s*$")
_DAY_ONLY_AFTER = re.compile(r"^\s*(\d{1,2})(?!\d)")
# "July 13", "Oct. 6", "ఏప్రిల్ 4న" (a case suffix joined to the number)
_DAY_AFTER = re.compile(r"^\.?\s*(\d{1,2})(?:st|nd|rd|th)?(?!\d)(?:\s*,?\s*(\d{4})\b)?")
_YEAR_AFTER = re.compile(r"^\s*,?\s*(?:de\s+|del\s+|of\s+)?(\d{4})\b")
_ISO = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_NUMERIC = re.compile(r"\b(\d{1,2})[./](\d{1,2})[./](\d{4})\b")
# "13日", "13일": the day of the publication month (or the one before), as Japanese and Korean news write it
_DAY_ONLY_CJK = re.compile(r"(?<![\d月월年년])(?<![月월]\s)(\d{1,2})\s*(?:日|일)")
_CJK = re.compile(r"(?:(\d{4})\s*年\s*)?(\d{1,2})\s*月\s*(\d{1,2})\s*日")
# What every match of each pattern above contains, each beginning with a literal: the regex engine
# finds those (or their absence) at once, where the patterns themselves (a word boundary first) are
# tried at every character. A span without one is not searched.
_ISO_GATES = (re.compile(r"-\d\d-"),)
_NUMERIC_GATES = (re.compile(r"\.\d{1,2}[./]\d{4}"), re.compile(r"/\d{1,2}[./]\d{4}"))
_CJK_GATES = (re.compile("月"),)
_DAY_ONLY_CJK_GATES = (re.compile("日"), re.compile("일"))
# Vietnamese day/month without a year after a word for the day or a time of it: "ngày 6/5", "tối 4-4"
# (folded), always day first; not a range "ngày 3-4/4"
_VI_DAY_MONTH = re.compile(r"\b(?:ngay|sang|trua|chieu|toi|dem|hom|rang sang) (\d{1,2})[/-](\d{1,2})\b(?![/.-]\d)")
# (gates start with "/" or a letter: a gate starting with a space is tried at every word; "đ", in
# nearly every Vietnamese text and in few others, lets "4-4" in but not every "2024-03-05")
_VI_DAY_MONTH_GATES = (re.compile(r"/\d"), re.compile("đ"))


class TemporalExpr:
    # a plain class, not a dataclass: mypyc compiles its __init__ (see matcher.Hit)
    __slots__ = ("day", "end", "kind", "numeric", "start")

    def __init__(self, start: int, end: int, kind: str, day: date, numeric: bool = False) -> None:
        self.start = start
        self.end = end
        self.kind = kind  # explicit | weekday | relative
        self.day = day
        self.numeric = numeric  # "2020-07-13", "13.07.2020": datelines and metadata more often than prose

    def __repr__(self) -> str:
        return f"TemporalExpr({self.start}, {self.end}, {self.kind!r}, {self.day!r}, numeric={self.numeric})"


@cache
def date_matcher() -> Matcher:
    """Weekdays, months and relative days of every language in one automaton: one pass per article."""
    matcher = Matcher()
    for lang in load_lexicon().values():
        for index, forms in enumerate(lang.get("weekdays", [])):
            for form in forms:
                matcher.add(form, ("weekday", index))
        for index, forms in enumerate(lang.get("months", [])):
            for form in forms:
                matcher.add(form.rstrip("."), ("month", index + 1))
        for key, offset in RELATIVE_KEYS.items():
            for form in lang.get(key, []):
                matcher.add(form, ("relative", offset))
    matcher.build()
    return matcher


@cache
def month_words() -> frozenset[str]:
    """Every month name of the lexicon, folded (what date_matcher reads as a month)."""
    return frozenset(
        fold(form).rstrip(".") for lang in load_lexicon().values() for forms in lang.get("months", []) for form in forms
    )


_DAYS = tuple(timedelta(days=n) for n in range(8))  # built once: timedelta(days=...) costs a microsecond


def resolve_weekday(weekday: int, published: date) -> date:
    """The most recent such weekday on or before publication; the day after publication counts as a
    time-zone skew ("on Wednesday" in a Wednesday-morning article stamped Tuesday UTC), not last week."""
    back = (published.weekday() - weekday) % 7
    return published + _DAYS[1] if back == 6 else published - _DAYS[back]


def _year(year: int) -> int:
    return year - 543 if year > 2400 else year  # Thai Buddhist era: 2563 is 2020


def resolve_day_month(day: int, month: int, year: int | None, published: date) -> date | None:
    try:
        if year is not None:
            return date(_year(year), month, day)
        found = date(published.year, month, day)
        if found > published + _DAYS[1]:
            found = date(published.year - 1, month, day)
        return found
    except ValueError:
        return None


def _day_month(folded: str, start: int, end: int, month: int, published: date) -> TemporalExpr | None:
    """A month name with its day (and maybe year) around it: "13 July 2020", "July 13, 2020",
    "13 июля", "2020. július 13." A month name with no day number is no date ("may", "in March")."""
    year_first = _YEAR_BEFORE.search(folded[max(0, start - 8) : start])
    day_after = _DAY_ONLY_AFTER.match(folded[end : end + 6])
    if year_first and day_after:
        day = resolve_day_month(int(day_after.group(1)), month, int(year_first.group(1)), published)
        first = start - len(year_first.group(0))
        return TemporalExpr(first, end + day_after.end(), "explicit", day) if day else None
    before = _DAY_BEFORE.search(folded[max(0, start - 14) : start])
    after = _DAY_AFTER.match(folded[end : end + 16])
    year_after = _YEAR_AFTER.match(folded[end : end + 12])
    if before:
        year = int(year_after.group(1)) if year_after else None
        first, last = start - len(before.group(0)), end + (year_after.end() if year_after else 0)
        day = resolve_day_month(int(before.group(1)), month, year, published)
    elif after:
        year = int(after.group(2)) if after.group(2) else None
        first, last = start, end + after.end()
        day = resolve_day_month(int(after.group(1)), month, year, published)
    else:
        return None
    return TemporalExpr(first, last, "explicit", day) if day else None


def find_dates(folded: str, published: date, spans: list[tuple[int, int]] | None = None) -> list[TemporalExpr]:
    """Every temporal expression in the folded text (or starting inside the given spans of it),
    resolved; in text order."""
    found = _read(folded, published)[0]
    if spans is None:
        return list(found)
    inside = Spans(spans)
    return [t for t in found if inside(t.start)]


@lru_cache(maxsize=4)
def _read(folded: str, published: date) -> tuple[tuple[TemporalExpr, ...], tuple[tuple[int, date], ...]]:
    """The text's temporal expressions, and where it names a month with no day (with that month's last
    day). Call extraction reads the dates of one article more than once (each candidate sentence, then
    the sentences that date the call): the whole text is read once and each caller takes its spans."""
    found: list[TemporalExpr] = []
    months: list[tuple[int, date]] = []
    for hit in date_matcher().find(folded):
        kind, number = cast(tuple[str, int], hit.value)
        if kind == "weekday":
            found.append(TemporalExpr(hit.start, hit.end, "weekday", resolve_weekday(number, published)))
        elif kind == "relative":
            found.append(TemporalExpr(hit.start, hit.end, "relative", published - timedelta(days=number)))
        else:
            expr = _day_month(folded, hit.start, hit.end, number, published)
            if expr is not None:
                found.append(expr)
            elif (last := _month_end(folded, hit, number, published)) is not None:
                months.append((hit.start, last))
    for m in _matches(_ISO, folded, _ISO_GATES):
        day = resolve_day_month(int(m.group(3)), int(m.group(2)), int(m.group(1)), published)
        if day:
            found.append(TemporalExpr(m.start(), m.end(), "explicit", day, numeric=True))
    for m in _matches(_NUMERIC, folded, _NUMERIC_GATES):
        a, b, year = int(m.group(1)), int(m.group(2)), int(m.group(3))
        day = resolve_day_month(a, b, year, published) or resolve_day_month(b, a, year, published)
        if day:
            found.append(TemporalExpr(m.start(), m.end(), "explicit", day, numeric=True))
    for m in _matches(_VI_DAY_MONTH, folded, _VI_DAY_MONTH_GATES):
        day = resolve_day_month(int(m.group(1)), int(m.group(2)), None, published)
        if day:
            found.append(TemporalExpr(m.start(1), m.end(), "explicit", day))
    for m in _matches(_CJK, folded, _CJK_GATES):
        given_year = int(m.group(1)) if m.group(1) else None
        day = resolve_day_month(int(m.group(3)), int(m.group(2)), given_year, published)
        if day:
            found.append(TemporalExpr(m.start(), m.end(), "explicit", day))
    taken = {(t.start, t.end) for t in found}
    for m in _matches(_DAY_ONLY_CJK, folded, _DAY_ONLY_CJK_GATES):
        day_number = int(m.group(1))
        month_start = published.replace(day=1)
        if day_number > published.day + 1:  # later than publication: last month's
            month_start = (month_start - timedelta(days=1)).replace(day=1)
        try:
            day = month_start.replace(day=day_number)
        except ValueError:
            continue
        if not any(s <= m.start() < e for s, e in taken):
            found.append(TemporalExpr(m.start(), m.end(), "explicit", day))
    found.sort(key=lambda t: t.start)
    return tuple(found), tuple(months)


# month names that are also common words or names: never a month on their own ("may", "march", "mar" is
# the Spanish sea, "sept" French for seven, "marco" the folded Portuguese "março" and Marco Rubio)
_AMBIGUOUS_MONTHS = frozenset({"may", "march", "mar", "sept", "jan", "dec", "ago", "marco"})
# "the first call since January" announces a new call: a month after these words dates nothing old
_SINCE_BEFORE = re.compile(r"(?:since|depuis|seit|desde|sejak|dal|dalla|dall')\s*(?:the\s+|le\s+|el\s+)?$")


def months_without_day(folded: str, published: date, start: int, end: int) -> list[date]:
    """The last day of each month named without a day between `start` and `end` ("in January", "im
    Januar", "en diciembre", "τον Φεβρουάριο"): the latest such month up to publication, or that of the
    year given after it. Not dates of a call, but a call dated by one before the reporting window is an
    older one. Not the publication month or the month after it, and not after "since"."""
    return [last for at, last in _read(folded, published)[1] if start <= at < end]


def _month_end(folded: str, hit: Hit, month: int, published: date) -> date | None:
    """The last day of the month a month name without a day stands for (see months_without_day)."""
    if hit.text in _AMBIGUOUS_MONTHS or len(hit.text) < 4:
        return None
    if _SINCE_BEFORE.search(folded, max(0, hit.start - 12), hit.start):
        return None
    year_after = _YEAR_AFTER.match(folded[hit.end : hit.end + 12])
    if year_after:
        year = _year(int(year_after.group(1)))
    elif month == published.month or month == published.month % 12 + 1:
        return None  # this month, or the next one: "a possible invasion in February", said in January
    else:
        year = published.year if month < published.month else published.year - 1
    return date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)


def _matches(pattern: re.Pattern[str], folded: str, gates: tuple[re.Pattern[str], ...]) -> list[re.Match]:
    """The pattern's matches. Text without a match of any of the gates (one of which every match
    contains) is not searched: most articles have no "月" and no numeric date."""
    if not any(gate.search(folded) for gate in gates):
        return []
    return list(pattern.finditer(folded))
