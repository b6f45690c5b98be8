"""Call extraction: does the article report a phone or video call between named parties, between
whom, on which day, about what, and on whose word; told apart from meetings, planned calls and old
calls mentioned in background paragraphs."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache

from workers.dates import TemporalExpr, find_dates
from workers.entities import Mention
from workers.kb import lexicon_matcher, load_kb
from workers.matcher import Matcher

CUE_KEYS = ("call", "video", "meeting", "planned", "past_reference")
MULTIPARTY = Matcher()
for _cue in (
    "trilateral",
    "three-way",
    "four-way",
    "normandy format",
    "conference call with leaders",
    "joint call",
    "quadrilateral",
    "trilateral call",
    "трехсторонн*",
    "üçlü",
):
    MULTIPARTY.add(_cue, "multi")
MULTIPARTY.build()
# "Trump calls Erdogan": a headline verb between two people (English; "called for/on" excluded)
_CALL_VERB = re.compile(
    r"^\W{0,3}\b(?:calls|called|phones|phoned|rings|rang|dials|dialled|dialed)\b(?!\s+(?:for|on|off|out|up)\b)"
)
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
_SENTENCE_END = re.compile(r"(?<=[.!?。！？])\s+|\n+")


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


def sentences(text: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    for m in _SENTENCE_END.finditer(text):
        if m.start() > start:
            spans.append((start, m.start()))
        start = m.end()
    if start < len(text):
        spans.append((start, len(text)))
    return spans


@dataclass(slots=True)
class _Sentence:
    start: int
    end: int
    cues: set[str]
    call_at: int  # offset of the first call cue, -1 if none
    people: list[Mention]


def _analyse(folded: str, mentions: list[Mention]) -> list[_Sentence]:
    kb = load_kb()
    cues = lexicon_matcher(CUE_KEYS).find(folded)
    people = [m for m in mentions if kb.entities[m.entity_id].type == "person"]
    out = []
    for start, end in sentences(folded):
        s_cues = [c for c in cues if start <= c.start < end]
        s_people = [p for p in people if start <= p.start < end]
        call_at = min((c.start for c in s_cues if c.value in ("call", "video")), default=-1)
        kinds = {str(c.value) for c in s_cues}
        if call_at < 0:
            for p in s_people:  # "Trump calls Erdogan"
                if _CALL_VERB.match(folded[p.end : p.end + 20]) and any(q.start > p.end for q in s_people):
                    call_at = p.end
                    kinds.add("call")
                    break
        out.append(_Sentence(start, end, kinds, call_at, s_people))
    return out


def _participants(
    primary: _Sentence, others: list[_Sentence], folded: str, mentions: list[Mention], day: date
) -> tuple[Participant, ...]:
    kb = load_kb()
    order: list[str] = []
    for pool in [primary.people] + [s.people for s in others]:
        for m in pool:
            if m.entity_id not in order:
                order.append(m.entity_id)
        if len(order) >= 2:
            break
    if len(order) > 2 and not MULTIPARTY.find(folded[primary.start : primary.end]):
        total = {eid: sum(1 for m in mentions if m.entity_id == eid) for eid in order}
        first_two = order[:2]
        # the two most-mentioned of the sentence's people, ties to the earlier
        order = sorted(order, key=lambda e: (-total[e] - (1 if e in first_two else 0), order.index(e)))[:2]
    result = []
    for eid in sorted(order):
        e = kb.entities[eid]
        office = e.office_on(day)
        result.append(
            Participant(e.id, e.name, office.country if office else e.country, office.role if office else None)
        )
    return tuple(result)


def _call_date(
    primary: _Sentence, others: list[_Sentence], dates: list[TemporalExpr], published: date, published_given: bool
) -> tuple[date, str, str]:
    latest = published + timedelta(days=1)
    for s in [primary, *others]:
        inside = [t for t in dates if s.start <= t.start < s.end and t.day <= latest]
        if inside:
            best = min(inside, key=lambda t: abs(t.start - max(s.call_at, s.start)))
            confidence = "high" if best.kind == "explicit" or published_given else "medium"
            return best.day, confidence, best.kind
    return published, "low", "published"


def extract(
    folded: str, title_end: int, mentions: list[Mention], published: date, published_given: bool, topic_tagger
) -> Call | None:
    """The call the article reports, or None. `folded` is the folded title + body."""
    analysed = _analyse(folded, mentions)
    reporting = [s for s in analysed if s.call_at >= 0 and "planned" not in s.cues and "past_reference" not in s.cues]
    with_people = [s for s in reporting if s.people]
    if not with_people:
        return None
    primary = with_people[0]
    others = [s for s in with_people[1:]]
    if primary.start < title_end:
        # the headline names the call; the lead sentence usually carries the day and the full names
        others = sorted(others, key=lambda s: s.start)
    participants = _participants(primary, others, folded, mentions, published)
    if len(participants) < 2:
        return None
    dates = find_dates(folded, published)
    day, confidence, source = _call_date(primary, others, dates, published, published_given)
    call_spans = [(s.start, s.end) for s in with_people]
    medium = "video" if any("video" in s.cues for s in with_people) else "phone"
    # what was discussed: the call sentences and the two sentences after the first one
    idx = analysed.index(primary)
    spans = call_spans + [(s.start, s.end) for s in analysed[idx + 1 : idx + 3]]
    topics = tuple(t.id for t in topic_tagger(folded, mentions, spans))
    attribution = None
    for s_start, s_end in spans:
        hits = attribution_matcher().find(folded[s_start:s_end])
        if hits:
            attribution = str(hits[0].value)
            break
    return Call(participants, day, confidence, source, medium, topics, attribution, (primary.start, primary.end))
