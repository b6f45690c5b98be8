"""Event identity and article duplicates: the pure state machine the dedup agent runs per blocking key.

A block holds every live event between one set of participants. An article with a firm date joins the
event of that day (or creates it: its id depends only on participants and day); an article
whose day is only its publication day joins the latest firm event up to LOW_WINDOW days before, or
stays provisional until a firm article arrives and absorbs it (the absorbed event says `merged_into`).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from workers.fingerprint import NEAR_DUPLICATE_JACCARD, similarity

# A firm date may differ by this many days between outlets in different time zones.
FIRM_TOLERANCE_DAYS = 0
# A call is reported within this many days; an undated article published then may be about it.
LOW_WINDOW_DAYS = 2
# Events kept per block beyond the horizon (most recently touched first): bounds state per block.
MAX_EVENTS_PER_BLOCK = 32
# Signatures kept per event for near-duplicate checks: bounds state per event.
MAX_SIGNATURES_PER_EVENT = 4
CONFIDENCE_RANK = {"low": 0, "medium": 1, "high": 2}


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
    digest = hashlib.sha256(block.encode()).hexdigest()[:10]
    return f"call-{day.isoformat()}-{digest}"


def empty_block() -> dict[str, Any]:
    return {"events": {}, "seen": {}, "hashes": {}, "clock": "", "seq": 0}


def _live(block: dict[str, Any]) -> list[dict[str, Any]]:
    return [e for e in block["events"].values() if e["merged_into"] is None]


def _day(e: dict[str, Any]) -> date:
    return date.fromisoformat(e["date"])


def _find_event(block: dict[str, Any], cov: Coverage) -> dict[str, Any] | None:
    assert cov.day is not None
    events = _live(block)
    same = [e for e in events if e["date"] == cov.day.isoformat()]
    if same:
        return same[0]
    if cov.confidence != "low":
        near = [
            e for e in events if e["date_confidence"] != "low" and abs((_day(e) - cov.day).days) <= FIRM_TOLERANCE_DAYS
        ]
        return min(near, key=lambda e: (abs((_day(e) - cov.day).days), e["event_id"])) if near else None
    firm = [e for e in events if e["date_confidence"] != "low" and 0 <= (cov.day - _day(e)).days <= LOW_WINDOW_DAYS]
    if firm:
        return max(firm, key=lambda e: (e["date"], e["event_id"]))
    loose = [e for e in events if abs((_day(e) - cov.day).days) <= 1]
    return min(loose, key=lambda e: (e["date"], e["event_id"])) if loose else None


def _new_event(cov: Coverage) -> dict[str, Any]:
    assert cov.day is not None
    return {
        "event_id": event_id_for(cov.block, cov.day),
        "version": 0,
        "status": "active",
        "merged_into": None,
        "participants": list(cov.participants),
        "date": cov.day.isoformat(),
        "date_confidence": cov.confidence,
        "medium": cov.medium,
        "topics": [],
        "articles": [],
        "sources": [],
        "first_seen": cov.published_at,
        "last_updated": cov.published_at,
        "headline": "",
        "headline_key": "",
        "signatures": [],
        "touched": 0,
    }


def _add(event: dict[str, Any], cov: Coverage) -> None:
    if cov.medium == "video" and cov.confidence != "low":
        event["medium"] = "video"  # a firm report of video wins over the default "phone"
    event["articles"] = sorted({*event["articles"], cov.article_id})
    if cov.source:
        event["sources"] = sorted({*event["sources"], cov.source})
    event["topics"] = sorted({*event["topics"], *cov.topics})
    if CONFIDENCE_RANK[cov.confidence] > CONFIDENCE_RANK[event["date_confidence"]] and event["date"] == (
        cov.day.isoformat() if cov.day else None
    ):
        event["date_confidence"] = cov.confidence
    event["first_seen"] = min(event["first_seen"], cov.published_at)
    event["last_updated"] = max(event["last_updated"], cov.published_at)
    key = f"{cov.published_at}|{cov.article_id}"
    if cov.title and (not event["headline_key"] or key < event["headline_key"]):
        event["headline"], event["headline_key"] = cov.title, key
    if len(event["signatures"]) < MAX_SIGNATURES_PER_EVENT:
        event["signatures"].append([cov.article_id, cov.signature])


def _absorb(target: dict[str, Any], other: dict[str, Any]) -> None:
    target["articles"] = sorted({*target["articles"], *other["articles"]})
    target["sources"] = sorted({*target["sources"], *other["sources"]})
    target["topics"] = sorted({*target["topics"], *other["topics"]})
    target["first_seen"] = min(target["first_seen"], other["first_seen"])
    target["last_updated"] = max(target["last_updated"], other["last_updated"])
    if other["headline_key"] and (not target["headline_key"] or other["headline_key"] < target["headline_key"]):
        target["headline"], target["headline_key"] = other["headline"], other["headline_key"]
    room = MAX_SIGNATURES_PER_EVENT - len(target["signatures"])
    target["signatures"].extend(other["signatures"][: max(0, room)])
    other["status"], other["merged_into"] = "merged", target["event_id"]


def public_event(event: dict[str, Any]) -> dict[str, Any]:
    """The call-event payload (without schema_version), as subscribers see it."""
    body = {k: v for k, v in event.items() if k not in ("headline_key", "signatures", "touched")}
    body["num_articles"] = len(event["articles"])
    body["num_sources"] = len(event["sources"])
    return body


def _near_duplicate(block: dict[str, Any], cov: Coverage) -> str | None:
    best, best_sim = None, NEAR_DUPLICATE_JACCARD
    for e in block["events"].values():
        for article_id, sig in e["signatures"]:
            sim = similarity(sig, cov.signature)
            if sim >= best_sim and article_id != cov.article_id:
                best, best_sim = article_id, sim
    return best


def _prune(block: dict[str, Any], horizon_days: int) -> None:
    """Bound the state: keep the events within the horizon of the block's clock (the newest day it
    has seen, so a replay prunes exactly as the live run did) and, beyond it, the most recently
    touched MAX_EVENTS_PER_BLOCK events, so a backfill in any order still meets its calls' coverage."""
    cutoff = (date.fromisoformat(block["clock"]) - timedelta(days=horizon_days)).isoformat()
    old = sorted((e for e in block["events"].values() if e["date"] < cutoff), key=lambda e: -e["touched"])
    for e in old[MAX_EVENTS_PER_BLOCK:]:
        del block["events"][e["event_id"]]
    if len(old) <= MAX_EVENTS_PER_BLOCK and len(block["seen"]) <= MAX_EVENTS_PER_BLOCK:
        return
    kept = set(block["events"])
    block["seen"] = {a: v for a, v in block["seen"].items() if v[1] >= cutoff or v[0] in kept}
    block["hashes"] = {h: v for h, v in block["hashes"].items() if v[1] >= cutoff or v[0] in block["seen"]}


def assign(block: dict[str, Any], cov: Coverage, horizon_days: int = 14) -> Decision:
    """Place one article in its block's state (mutated in place) and say what changed."""
    if cov.article_id in block["seen"]:
        # a redelivery (at-least-once) or a re-sent article: no new effect
        return Decision(block["seen"][cov.article_id][0], redelivered=True)
    day = (cov.day or date.fromisoformat(cov.published_at[:10])).isoformat()
    block["clock"] = max(block["clock"], day)
    block["seq"] = block.get("seq", 0) + 1
    _prune(block, horizon_days)
    known = block["hashes"].get(cov.content_hash)
    duplicate_of = known[0] if known else None
    if duplicate_of is None:
        block["hashes"][cov.content_hash] = [cov.article_id, day]
    near = None if duplicate_of else _near_duplicate(block, cov)
    if cov.day is None or not cov.participants:
        block["seen"][cov.article_id] = [None, day]
        return Decision(None, duplicate_of, near)

    changes: list[dict[str, Any]] = []
    event = _find_event(block, cov)
    if event is None:
        event = _new_event(cov)
        existing = block["events"].get(event["event_id"])
        if existing is not None:  # a merged-away event of the same day: revive its id
            existing["status"], existing["merged_into"] = "active", None
            event = existing
        else:
            block["events"][event["event_id"]] = event
    _add(event, cov)
    event["touched"] = block["seq"]
    if cov.confidence != "low":
        # provisional events published on the call day or just after are this call
        for other in list(_live(block)):
            lag = (_day(other) - cov.day).days
            if other is not event and other["date_confidence"] == "low" and 0 <= lag <= LOW_WINDOW_DAYS:
                _absorb(event, other)
                for article_id in other["articles"]:
                    block["seen"][article_id][0] = event["event_id"]
                other["version"] += 1
                changes.append(public_event(other))
    event["version"] += 1
    changes.append(public_event(event))
    block["seen"][cov.article_id] = [event["event_id"], day]
    return Decision(event["event_id"], duplicate_of, near, changes=changes)
