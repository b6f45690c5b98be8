"""The pure pipeline: validate -> enrich -> dedup, with no Kafka in it. The Faust agents and the
`process` batch replay both call these functions, so both give the same answers."""

from __future__ import annotations

import base64
import gc
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import cache
from time import perf_counter
from typing import Any

import orjson
import pycld2

from workers import SCHEMA_VERSION, calls, entities, fingerprint, topics
from workers.dates import date_matcher
from workers.dedup import Coverage, Decision, assign, coverage_to_json, empty_block
from workers.kb import lexicon_matcher, load_kb
from workers.matcher import SharedScan
from workers.textnorm import fold
from workers.validate import Article, Rejection, validate
from workers.zones import ahead_of_utc, local_day, outlet_country

# characters given to the language detector: on the dev set 600 give the answers 4,000 do, at a third of the cost
LANG_SAMPLE = 1000
SWEEP_EVERY = 1000  # articles between two sweeps of old non-call blocks in a batch run


@dataclass(frozen=True, slots=True)
class Enriched:
    payload: dict[str, Any]  # the enriched-article payload, event fields still unset
    coverage: Coverage


def iso(ts: datetime) -> str:
    return ts.astimezone(UTC).isoformat().replace("+00:00", "Z")


# the detector still uses the ISO 639 codes withdrawn in 1989 for Hebrew and Javanese
_CLD_CODES = {"iw": "he", "jw": "jv"}


def detect_language(text: str) -> str | None:
    try:
        reliable, _, details = pycld2.detect(text[:LANG_SAMPLE])
    except pycld2.error:
        return None
    code = details[0][1]
    return _CLD_CODES.get(code, code) if reliable and code != "un" else None


@cache
def shared_scan() -> SharedScan:
    """Every lexicon an article is read with (names, roles, call cues, dates, topics, attributions,
    multi-party cues, call verbs, what is no call) in one automaton: the article is scanned once."""
    return SharedScan(
        [
            load_kb().names,
            lexicon_matcher(entities.ROLE_KEYS),
            lexicon_matcher(calls.CUE_KEYS),
            lexicon_matcher(calls.NOTE_KEYS),
            date_matcher(),
            topics.load_taxonomy().terms,
            calls.attribution_matcher(),
            lexicon_matcher(calls.MULTIPARTY_KEYS),
            calls.CALL_VERBS,
            lexicon_matcher(calls.NOT_A_CALL_KEYS),
        ]
    )


# a message that exercises every step, for warming a process up before its first real one
WARM_UP_SAMPLE = b'{"id": "warm-up", "body": "Putin spoke by phone with Erdogan on Monday about Syria."}'


def warm_up() -> None:
    """Load the knowledge base and build the automaton (about two seconds) before the first message:
    a worker that says it is ready can then answer at once, and no message waits for the build."""
    shared_scan()  # built outside the guard of validate_and_enrich: a broken knowledge base stops the start
    validate_and_enrich(WARM_UP_SAMPLE, datetime.now(UTC), 1 << 20)
    freeze_what_is_built()


def freeze_what_is_built() -> None:
    """What the process has built so far lives as long as it does: kept out of the garbage collector's
    passes, a full collection no longer walks it (the knowledge base alone is 440,000 objects: a 100 ms
    pause every ~15,000 articles), and processes forked after it do not copy the pages such a pass
    would touch."""
    gc.collect()
    gc.freeze()


def enrich(article: Article, timings: dict[str, float] | None = None) -> Enriched:
    """Entities, topics, the reported call and the fingerprint of one valid article."""
    shared_scan()
    t0 = perf_counter()
    text = f"{article.title}\n{article.body}" if article.title else article.body
    title_end = len(article.title) if article.title else 0
    # folding maps each character to one, so the folded title + body is the folded title + folded body
    folded = f"{fold(article.title)}\n{article.folded_body}" if article.title else article.folded_body
    language = article.language or detect_language(text)
    # the outlet's own calendar day: "yesterday" and "on Tuesday" are read by it, and who held an office
    day = article.published_at.date()
    if article.published_in_utc:
        day = local_day(article.published_at, article.source, language)
    mentions = entities.link(folded, text, day, language)
    t1 = perf_counter()
    topic_tags = topics.tag(folded, mentions)
    t2 = perf_counter()
    home = outlet_country(article.source)
    call = calls.extract(folded, title_end, mentions, day, article.published_given, topics.tag, language, text, home)
    t3 = perf_counter()
    # near copies are looked for among the reports of one call (the articles that meet in a call's
    # block); other news meets only its exact copies, so it needs no signature
    signature = fingerprint.signature(folded[title_end:]) if call is not None else ""
    t4 = perf_counter()
    if timings is not None:
        for stage, seconds in (
            ("entities", t1 - t0),
            ("topics", t2 - t1),
            ("calls", t3 - t2),
            ("fingerprint", t4 - t3),
        ):
            timings[stage] = timings.get(stage, 0.0) + seconds

    call_payload = None
    if call is not None:
        call_payload = {
            "participants": [
                {"id": p.id, "name": p.name, "country": p.country, "role": p.role} for p in call.participants
            ],
            "date": call.date.isoformat(),
            "date_confidence": call.date_confidence,
            "date_source": call.date_source,
            "medium": call.medium,
            "topics": list(call.topics),
            "attribution": call.attribution,
        }
    payload: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "id": article.id,
        "url": article.url,
        "source": article.source,
        "title": article.title or None,
        "language": language,
        "published_at": iso(article.published_at),
        "published_at_source": "feed" if article.published_given else "ingest",
        "ingested_at": iso(article.ingested_at),
        "content_hash": article.content_hash,
        "entities": [
            {
                "id": t.id,
                "name": t.name,
                "type": t.type,
                "country": t.country,
                "mentions": t.mentions,
                "first_offset": t.first_offset,
            }
            for t in entities.summarise(mentions)
        ],
        "topics": [{"id": t.id, "name": t.name, "score": t.score, "evidence": list(t.evidence)} for t in topic_tags],
        "call": call_payload,
        "event_id": None,
        "duplicate_of": None,
        "near_duplicate_of": None,
        "redelivered": False,
    }
    if call is not None:
        block = "call:" + "+".join(p.id for p in call.participants)
    else:
        # undated non-call articles only need to meet their exact copies of the same day
        # (by the feed's day, not the outlet's: copies from outlets in other time zones meet)
        block = f"article:{article.published_at.date().isoformat()}:{article.content_hash[:2]}"
    coverage = Coverage(
        article_id=article.id,
        source=article.source,
        title=article.title,
        published_at=payload["published_at"],
        content_hash=article.content_hash,
        signature=signature,
        block=block,
        participants=tuple(call_payload["participants"]) if call_payload else (),
        day=call.date if call else None,
        confidence=call.date_confidence if call else "low",
        medium=call.medium if call else "phone",
        topics=call.topics if call else (),
        ahead=ahead_of_utc(article.source, language, article.published_at) if call is not None else False,
    )
    return Enriched(payload, coverage)


def finish(payload: dict[str, Any], decision: Decision) -> dict[str, Any]:
    """The enriched-article payload with the dedup decision filled in."""
    out = dict(payload)
    out["event_id"] = decision.event_id
    out["duplicate_of"] = decision.duplicate_of
    out["near_duplicate_of"] = decision.near_duplicate_of
    out["redelivered"] = decision.redelivered
    return out


def event_payload(change: dict[str, Any]) -> dict[str, Any]:
    return {"schema_version": SCHEMA_VERSION, **change}


def dead_letter(
    value: bytes | None,
    key: bytes | None,
    rejection: Rejection,
    *,
    topic: str,
    partition: int | None,
    offset: int | None,
    now: datetime,
) -> dict[str, Any]:
    return {
        "schema_version": SCHEMA_VERSION,
        "reason": rejection.reason,
        "error": rejection.detail,
        "original_key_b64": base64.b64encode(key).decode() if key is not None else None,
        "original_value_b64": base64.b64encode(value).decode() if value is not None else None,
        "topic": topic,
        "partition": partition,
        "offset": offset,
        "received_at": iso(now),
    }


def validate_and_enrich(
    value: bytes | None, now: datetime, max_body_bytes: int, timings: dict[str, float] | None = None
) -> Enriched | Rejection:
    """Everything before the repartition; an unexpected error becomes a dead letter, not a crash."""
    result = validate(value, now, max_body_bytes)
    if isinstance(result, Rejection):
        return result
    try:
        return enrich(result, timings)
    except Exception as exc:  # a bug must not stop the stream; the message is kept as a dead letter
        return Rejection("processing_error", f"{type(exc).__name__}: {exc}"[:300])


@dataclass(frozen=True, slots=True)
class Routed:
    """A valid article as the enrich agent sends it on: its blocking key and the repartition message
    (payload and coverage, JSON). Made where the article was enriched, so that an enrichment process
    hands back bytes, not objects to pickle."""

    key: bytes
    value: bytes


@dataclass(frozen=True, slots=True)
class Outcome:
    """What became of one raw message in the enrich step, with the time each stage took."""

    result: Routed | Rejection
    seconds: float  # validation, enrichment and serialisation together
    stages: dict[str, float]


def route(value: bytes | None, now: datetime, max_body_bytes: int) -> Outcome:
    stages: dict[str, float] = {}
    started = perf_counter()
    result = validate_and_enrich(value, now, max_body_bytes, stages)
    if not isinstance(result, Rejection):
        internal = {"payload": result.payload, "coverage": coverage_to_json(result.coverage)}
        result = Routed(result.coverage.block.encode(), orjson.dumps(internal))
    return Outcome(result, perf_counter() - started, stages)


def route_batch(values: list[bytes | None], now: datetime, max_body_bytes: int) -> list[Outcome]:
    """The enrich step of a batch of raw messages, in order: the unit of work of an enrichment process."""
    return [route(value, now, max_body_bytes) for value in values]


class BatchRun:
    """The dedup state of a whole run in one process: what `wirestream process` and the benchmarks use."""

    def __init__(self, horizon_days: int = 14) -> None:
        self.blocks: dict[str, dict[str, Any]] = {}
        self.events: dict[str, dict[str, Any]] = {}  # latest payload of every event
        self.horizon_days = horizon_days
        self._newest = ""  # the newest publication day seen: the run's clock
        self._added = 0

    def add(self, enriched: Enriched) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        block = self.blocks.setdefault(enriched.coverage.block, empty_block())
        decision = assign(block, enriched.coverage, self.horizon_days)
        self._newest = max(self._newest, enriched.coverage.published_at[:10])
        self._added += 1
        if self._added % SWEEP_EVERY == 0:
            self._forget_old_article_blocks()
        changes = [event_payload(c) for c in decision.changes]
        for change in changes:
            self.events[change["event_id"]] = change
        return finish(enriched.payload, decision), changes

    def _forget_old_article_blocks(self) -> None:
        # non-call articles are blocked per publication day and never revisited: past the horizon they
        # go, as the worker's hourly timer does (there by wall clock, here by the run's own clock)
        cutoff = (date.fromisoformat(self._newest) - timedelta(days=self.horizon_days)).isoformat()
        for key in [k for k in self.blocks if k.startswith("article:") and k[8:18] < cutoff]:
            del self.blocks[key]

    def final_event_id(self, event_id: str | None) -> str | None:
        """Follow merges to the event that absorbed this one."""
        seen = set()
        while event_id and event_id in self.events and self.events[event_id].get("merged_into"):
            if event_id in seen:
                break
            seen.add(event_id)
            event_id = self.events[event_id]["merged_into"]
        return event_id


def process_lines(
    lines: Iterable[bytes], now: datetime | None = None, max_body_bytes: int = 1_048_576, horizon_days: int = 14
) -> Iterator[tuple[str, dict[str, Any]]]:
    """Batch replay: yields ("enriched", payload) in input order with final event ids, then
    ("event", payload) for each final event, and ("deadletter", payload) for rejected lines."""
    now = now or datetime.now(UTC)
    run = BatchRun(horizon_days)
    outputs: list[tuple[str, dict[str, Any]]] = []
    for number, line in enumerate(lines):
        if not line.strip():
            continue
        result = validate_and_enrich(line, now, max_body_bytes)
        if isinstance(result, Rejection):
            outputs.append(
                ("deadletter", dead_letter(line, None, result, topic="file", partition=None, offset=number, now=now))
            )
            continue
        enriched, _ = run.add(result)
        outputs.append(("enriched", enriched))
    for kind, payload in outputs:
        if kind == "enriched":
            payload["event_id"] = run.final_event_id(payload["event_id"])
        yield kind, payload
    for event in sorted(run.events.values(), key=lambda e: e["event_id"]):
        yield "event", event
