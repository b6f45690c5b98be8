"""Event identity and article duplicates: the pure state machine the dedup agent runs per blocking key.

A block holds the coverage of every live call between one set of participants, and the events are a
pure function of that coverage, recomputed on each article, so they never depend on arrival order:

* a report with a firm day (a date, a weekday, "yesterday") belongs to the event of that day; its id
  depends only on the participants and the day;
* a report whose only day is its publication day belongs to the latest firm event up to
  LOW_WINDOW_DAYS before it, else to a provisional event on its publication day.

When a dated report arrives after undated ones, the provisional event's articles move to the dated
event and the provisional one is published once more with `status: merged` and `merged_into`.
"""

from __future__ import annotations

import hashlib
from bisect import bisect_right
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from typing import Any

import orjson

from workers.fingerprint import NEAR_DUPLICATE_JACCARD, similarities

# A firm date may differ by this many days between outlets in different time zones.
FIRM_TOLERANCE_DAYS = 0
# A call is reported within this many days; an undated article published then may be about it.
LOW_WINDOW_DAYS = 2
# Events kept per block beyond the horizon (most recently touched first): bounds state per block.
MAX_EVENTS_PER_BLOCK = 32
# Signatures kept per block for near-duplicate checks (the most recent ones): bounds state.
MAX_SIGNATURES = 8
TITLE_KEPT = 160  # characters of each title kept in state, for the headline
CONFIDENCE_RANK = {"low": 0, "medium": 1, "high": 2}
AHEAD = 7  # where a coverage row keeps whether its outlet dates by a clock ahead of UTC


@dataclass(frozen=True, slots=True)
class Coverage:
    """What the dedup step needs to know of one enriched article."""

    article_id: str
    source: str | None
    title: str
    published_at: str  # ISO 8601, the ordering key for headline choice
    content_hash: str
    signature: str
    block: str  # blocking key
    participants: tuple[dict[str, Any], ...]  # empty for articles that report no call
    day: date | None
    confidence: str
    medium: str
    topics: tuple[str, ...]
    ahead: bool = False  # the outlet dates the news by a clock ahead of UTC (workers/zones.py)


def coverage_to_json(cov: Coverage) -> dict[str, Any]:
    """Coverage as it travels on the repartition topic (JSON)."""
    return {
        "article_id": cov.article_id,
        "source": cov.source,
        "title": cov.title,
        "published_at": cov.published_at,
        "content_hash": cov.content_hash,
        "signature": cov.signature,
        "block": cov.block,
        "participants": list(cov.participants),
        "day": cov.day.isoformat() if cov.day else None,
        "confidence": cov.confidence,
        "medium": cov.medium,
        "topics": list(cov.topics),
        "ahead": cov.ahead,
    }


def coverage_from_json(d: dict[str, Any]) -> Coverage:
    return Coverage(
        article_id=d["article_id"],
        source=d["source"],
        title=d["title"],
        published_at=d["published_at"],
        content_hash=d["content_hash"],
        signature=d["signature"],
        block=d["block"],
        participants=tuple(d["participants"]),
        day=date.fromisoformat(d["day"]) if d["day"] else None,
        confidence=d["confidence"],
        medium=d["medium"],
        topics=tuple(d["topics"]),
        ahead=bool(d.get("ahead", False)),  # absent from messages an older version put on the topic
    )


@dataclass(slots=True)
class Decision:
    event_id: str | None
    duplicate_of: str | None = None
    near_duplicate_of: str | None = None
    redelivered: bool = False
    changes: list[dict[str, Any]] = field(default_factory=list)  # call-event payloads to publish


def event_id_for(block: str, day: date) -> str:
    # medium is not part of the identity: outlets describe one call as a "phone call" and as a
    # "virtual summit"; two calls between the same leaders on one day by different media do not happen
    return _event_id(block, day.isoformat())


def _event_id(block: str, day: str) -> str:
    """event_id_for with the day as the block stores it (ISO 8601)."""
    return f"call-{day}-{_block_digest(block)}"


@lru_cache(maxsize=4096)
def _block_digest(block: str) -> str:
    return hashlib.sha256(block.encode()).hexdigest()[:10]


def empty_block() -> dict[str, Any]:
    # coverage: article id -> [day, confidence, medium, source, title, published_at, topics, ahead]
    #           (ahead: the outlet dates by a clock ahead of UTC; rows written before it have 7 fields)
    # seen: article id -> [day, duplicate_of, near_duplicate_of] for every article, call or not
    # events: event id -> [version, status, merged_into, touched, digest of the last published content,
    #                     its articles]
    # participants: as the earliest-published report names them (participants_key: its published_at|id)
    return {
        "coverage": {},
        "seen": {},
        "hashes": {},
        "signatures": [],
        "events": {},
        "participants": [],
        "participants_key": "",
        "clock": "",
        "seq": 0,
        "ahead": 0,  # reports from outlets ahead of UTC ever added (older blocks lack the key)
    }


class DecodedBlocks:
    """The decoded form of the blocks the dedup step last wrote, so that a block read back unchanged
    is not decoded again (a busy call block is tens of kilobytes of JSON: decoding it was most of the
    step). The stored bytes stay the truth: a block is reused only when they equal what was written
    (after a rebalance or a recovery they may not). `get` hands a block out and forgets it: only
    `written` brings it back, so a step that fails half-way leaves nothing changed behind."""

    def __init__(self, capacity: int = 128, min_bytes: int = 2048) -> None:
        self._capacity = capacity  # bounds memory: a decoded block takes several times its JSON
        self._min_bytes = min_bytes  # small blocks decode in microseconds: not worth the memory
        self._blocks: OrderedDict[bytes, tuple[bytes, dict[str, Any]]] = OrderedDict()

    def __len__(self) -> int:
        return len(self._blocks)

    def get(self, key: bytes, stored: bytes | None) -> dict[str, Any]:
        """The block whose stored value is `stored` (None: a new block), to be changed in place."""
        known = self._blocks.pop(key, None)
        if not stored:
            return empty_block()
        if known is not None and known[0] == stored:
            return known[1]
        return orjson.loads(stored)

    def written(self, key: bytes, encoded: bytes, block: dict[str, Any]) -> None:
        """`block` was stored as `encoded`."""
        if len(encoded) < self._min_bytes:
            return
        self._blocks[key] = (encoded, block)
        if len(self._blocks) > self._capacity:
            self._blocks.popitem(last=False)  # the least recently written


def live_events(block: dict[str, Any]) -> int:
    return sum(1 for state in block["events"].values() if state[1] == "active")


def _cluster(coverage: dict[str, list[Any]], ahead: bool = True) -> dict[str, str]:
    """article id -> the day of its event. Firm reports keep their day, except that a day only outlets
    ahead of UTC give goes to the day before when another outlet gives that one (one call in two
    calendars, workers/zones.py); an undated report goes to the latest firm day up to LOW_WINDOW_DAYS
    before its publication day, else stays on that day. `ahead`: whether any report may come from an
    outlet ahead of UTC (a block that never had one need not look)."""
    # this runs for every call report, over its whole block: every report gets its own day first (one
    # comprehension), then the few that move are moved
    out = {article_id: c[0] for article_id, c in coverage.items()}
    shifted: dict[str, str] = {}
    firm_days: set[str] | None = None
    if ahead:
        # days whose day before is a firm day too: which of them only outlets ahead of UTC give, while
        # the day before has one that is not
        firm_days = {c[0] for c in coverage.values() if c[1] != "low"}
        pairs = {day: before for day in firm_days if (before := _day_before(day)) in firm_days}
        if pairs and any(_row_ahead(c) for c in coverage.values()):
            behind = {c[0] for c in coverage.values() if c[1] != "low" and not _row_ahead(c)}
            shifted = {day: before for day, before in pairs.items() if day not in behind and before in behind}
            for article_id, c in coverage.items():
                if c[0] in shifted and c[1] != "low":
                    out[article_id] = shifted[c[0]]
    undated = [(article_id, c[0]) for article_id, c in coverage.items() if c[1] == "low"]
    if not undated:
        return out
    if firm_days is None:
        firm_days = {c[0] for c in coverage.values() if c[1] != "low"}
    ordered = sorted(firm_days - shifted.keys())
    placed: dict[str, str] = {}  # publication day of an undated report -> its event's day
    for article_id, day in undated:
        if day not in placed:
            earliest = (date.fromisoformat(day) - timedelta(days=LOW_WINDOW_DAYS)).isoformat()
            at = bisect_right(ordered, day)  # the latest firm day on or before it
            placed[day] = ordered[at - 1] if at and ordered[at - 1] >= earliest else day
        out[article_id] = placed[day]
    return out


def _row_ahead(row: list[Any]) -> bool:
    """A coverage row from an outlet ahead of UTC (rows written before the flag have none)."""
    return len(row) > AHEAD and bool(row[AHEAD])


def _any_ahead(block: dict[str, Any]) -> bool:
    """Whether the block ever took a report from an outlet ahead of UTC (older blocks lack the count)."""
    return block.get("ahead", 0) > 0


@lru_cache(maxsize=4096)
def _day_before(day: str) -> str:
    return (date.fromisoformat(day) - timedelta(days=1)).isoformat()


def _content(day: str, members: list[str], block: dict[str, Any], block_key: str) -> dict[str, Any]:
    cov = block["coverage"]
    rows = [cov[a] for a in members]  # (looked up once: this runs for every call report)
    # the confidence of the reports that give this very day
    confidence = max((c[1] for c in rows if c[0] == day), key=CONFIDENCE_RANK.__getitem__, default="low")
    # the title of the earliest titled report (ties: the lowest article id)
    headline = min(((c[5], a, c[4]) for a, c in zip(members, rows, strict=True) if c[4]), default=("", "", ""))[2]
    return {
        "event_id": _event_id(block_key, day),
        "participants": block["participants"],
        "date": day,
        "date_confidence": confidence,
        "medium": "video" if any(c[2] == "video" and c[1] != "low" for c in rows) else "phone",
        "topics": sorted({t for c in rows for t in c[6]}),
        "articles": sorted(members),
        "sources": sorted({c[3] for c in rows if c[3]}),
        "first_seen": min(c[5] for c in rows),
        "last_updated": max(c[5] for c in rows),
        "headline": headline,
    }


def _digest(content: dict[str, Any]) -> str:
    return hashlib.sha256(orjson.dumps(content, option=orjson.OPT_SORT_KEYS)).hexdigest()[:16]


def _payload(content: dict[str, Any], state: list[Any]) -> dict[str, Any]:
    """The call-event payload (without schema_version), as subscribers see it."""
    return {
        "event_id": content["event_id"],
        "version": state[0],
        "status": state[1],
        "merged_into": state[2],
        **{k: v for k, v in content.items() if k != "event_id"},
        "num_articles": len(content["articles"]),
        "num_sources": len(content["sources"]),
    }


def _near_duplicate(block: dict[str, Any], cov: Coverage) -> str | None:
    others = [(article_id, sig) for article_id, sig in block["signatures"] if article_id != cov.article_id]
    if not others:
        return None
    best, best_sim = None, NEAR_DUPLICATE_JACCARD
    for (article_id, _), sim in zip(others, similarities(cov.signature, [sig for _, sig in others]), strict=True):
        if sim >= best_sim:  # on a tie the latest signature wins
            best, best_sim = article_id, sim
    return best


def _prune(
    block: dict[str, Any], horizon_days: int, day: str, clock_moved: bool, assigned: dict[str, str] | None
) -> None:
    """Bound the state: keep the events within the horizon of the block's clock (the newest day it
    has seen, so a replay prunes exactly as the live run did) and, beyond it, the most recently
    touched MAX_EVENTS_PER_BLOCK events, so a backfill in any order still meets its calls' coverage."""
    cutoff = (date.fromisoformat(block["clock"]) - timedelta(days=horizon_days)).isoformat()
    old = [(s[3], eid) for eid, s in block["events"].items() if eid[5:15] < cutoff]
    if len(old) > MAX_EVENTS_PER_BLOCK:
        old.sort()
        for _, eid in old[: len(old) - MAX_EVENTS_PER_BLOCK]:
            del block["events"][eid]
    if assigned is None:
        assigned = _cluster(block["coverage"], _any_ahead(block))
    dropped: list[str] = []
    if assigned and min(assigned.values()) < cutoff:  # (most of the time no report is that old)
        live_days = {eid[5:15] for eid, s in block["events"].items() if s[1] == "active"}
        dropped = [a for a, d in assigned.items() if d < cutoff and d not in live_days]
    for article_id in dropped:
        del block["coverage"][article_id]
    if not clock_moved and not dropped and day >= cutoff:
        # the previous prune, at this same cutoff, kept only what stays; the one new entry (this
        # article's, dated `day`) stays too: the rebuild below would change nothing
        return
    block["seen"] = {a: v for a, v in block["seen"].items() if v[0] >= cutoff or a in block["coverage"]}
    block["hashes"] = {h: v for h, v in block["hashes"].items() if v[1] >= cutoff or v[0] in block["seen"]}


def assign(block: dict[str, Any], cov: Coverage, horizon_days: int = 14) -> Decision:
    """Place one article in its block's state (mutated in place) and say which events changed."""
    if cov.article_id in block["seen"]:
        # a redelivery (at-least-once) or a re-sent article: no new effect, the same answer as the first time
        day, duplicate_of, near = block["seen"][cov.article_id]
        event_id = None
        if cov.article_id in block["coverage"]:
            assigned_day = _cluster(block["coverage"], _any_ahead(block))[cov.article_id]
            event_id = event_id_for(cov.block, date.fromisoformat(assigned_day))
        return Decision(event_id, duplicate_of, near, redelivered=True)
    day = (cov.day or date.fromisoformat(cov.published_at[:10])).isoformat()
    clock_moved = day > block["clock"]
    block["clock"] = max(block["clock"], day)
    block["seq"] += 1
    known = block["hashes"].get(cov.content_hash)
    duplicate_of = known[0] if known else None
    if duplicate_of is None:
        block["hashes"][cov.content_hash] = [cov.article_id, day]
    near = None if duplicate_of or not cov.signature else _near_duplicate(block, cov)
    if cov.signature:
        block["signatures"] = [*block["signatures"], [cov.article_id, cov.signature]][-MAX_SIGNATURES:]
    block["seen"][cov.article_id] = [day, duplicate_of, near]
    if cov.day is None or not cov.participants:
        _prune(block, horizon_days, day, clock_moved, None)
        return Decision(None, duplicate_of, near)

    key = f"{cov.published_at}|{cov.article_id}"
    renamed = not block.get("participants_key") or key < block["participants_key"]
    if renamed:
        # the earliest report names them, whatever the arrival order (roles can change over the years)
        block["participants"], block["participants_key"] = list(cov.participants), key
    coverage = block["coverage"]
    coverage[cov.article_id] = [
        day,
        cov.confidence,
        cov.medium,
        cov.source,
        cov.title[:TITLE_KEPT],
        cov.published_at,
        list(cov.topics),
        cov.ahead,
    ]
    if cov.ahead:
        block["ahead"] = block.get("ahead", 0) + 1
    ahead = _any_ahead(block)
    assigned = _cluster(coverage, ahead)
    # an event's content is a function of its members (and the participants): only the days whose
    # members changed, or whose event is not active, need computing again. The other reports move
    # only when the set of firm days changes: a report that brings a new firm day may draw undated
    # reports to it; any other changes its own event alone
    own = assigned[cov.article_id]
    moved = {own}
    if cov.confidence != "low" and not any(
        day_ == own and coverage[a][1] != "low" and a != cov.article_id for a, day_ in assigned.items()
    ):
        before = _cluster({a: c for a, c in coverage.items() if a != cov.article_id}, ahead)
        moved.update(d for a, was in before.items() if assigned[a] != was for d in (assigned[a], was))
    if ahead and cov.confidence != "low" and not cov.ahead:
        # its day may have been one only outlets ahead of UTC gave, moved to the day before (_cluster):
        # those reports come back, and the day before's event loses them
        moved.add(_day_before(day))
    states = block["events"]
    ids = {d: _event_id(cov.block, d) for d in set(assigned.values())}
    stale = {d for d in ids if renamed or d in moved or (states.get(ids[d]) or [0, ""])[1] != "active"}
    # the members of the stale days only (most often one): grouping every report is most of the step
    members: dict[str, list[str]] = {d: [] for d in stale}
    for article_id, event_day in assigned.items():
        if event_day in stale:
            members[event_day].append(article_id)
    contents = {c["event_id"]: c for c in (_content(d, members[d], block, cov.block) for d in stale)}
    live = set(ids.values())

    changes: list[dict[str, Any]] = []
    for eid, state in sorted(states.items()):
        if state[1] == "active" and eid not in live:
            # its reports now belong to a dated event: say where they went
            moved_to = event_id_for(cov.block, date.fromisoformat(assigned[min(state[5])]))
            state[:5] = [state[0] + 1, "merged", moved_to, block["seq"], state[4]]
            changes.append(_payload({"event_id": eid, **_former(state, block, eid)}, state))
    for eid, content in sorted(contents.items()):
        digest = _digest(content)
        state = states.get(eid)
        if state is None or state[1] != "active" or state[4] != digest:
            version = state[0] + 1 if state else 1
            state = [version, "active", None, block["seq"], digest, content["articles"]]
            states[eid] = state
            changes.append(_payload(content, state))
    _prune(block, horizon_days, day, clock_moved, assigned)
    event_id = event_id_for(cov.block, date.fromisoformat(assigned[cov.article_id]))
    return Decision(event_id, duplicate_of, near, changes=changes)


def _former(state: list[Any], block: dict[str, Any], event_id: str) -> dict[str, Any]:
    """The last published content of an event that has just been merged away (its articles as they were)."""
    articles = state[5]
    cov = block["coverage"]
    return {
        "participants": block["participants"],
        "date": event_id[5:15],
        "date_confidence": "low",
        "medium": "phone",
        "topics": sorted({t for a in articles if a in cov for t in cov[a][6]}),
        "articles": sorted(articles),
        "sources": sorted({cov[a][3] for a in articles if a in cov and cov[a][3]}),
        "first_seen": min((cov[a][5] for a in articles if a in cov), default=""),
        "last_updated": max((cov[a][5] for a in articles if a in cov), default=""),
        "headline": "",
    }
