"""Chaos run (`make chaos`, `python -m workers.chaos`): real workers on a real broker, killed and
scaled while they work, then every input counted on the topics and the final call events compared
with an uninterrupted batch replay of the same input (`workers.pipeline.process_lines`).

Phase `kill`: one worker; SIGKILL mid-stream; a new worker (same group, same state dir) finishes.
After a SIGKILL the new member joins only once the dead member's session expires, hence the short
session timeout. Phase `scale`: a second worker joins the group mid-stream, then the first leaves
(SIGTERM), and the second finishes. Each phase uses its own app id and topics on one broker.

The last line printed is `inputs=N enriched=E deadletter=D lost=L duplicate_events=X` (summed over
the phases); the exit status is non-zero when anything was lost, a call got a second event, the
final events differ from the batch replay, or redelivered copies of an article disagree.
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import orjson

from workers.benchgen import MONTHS, WEEKDAYS
from workers.broker import EmbeddedBroker, free_port
from workers.config import Settings
from workers.kafka_tools import create_topics
from workers.pipeline import process_lines
from workers.processes import isolated_settings, spawn_worker
from workers.validate import Article, validate

# --------------------------------------------------------------------------------------------------
# The input: reports of calls between leaders in the knowledge base, written here from a few
# templates, many reports per call, with wire copies, non-call stories and some bad messages.

LEADERS = {  # key: (full reference, short reference, who gave the readout)
    "putin": ("Russian President Vladimir Putin", "Putin", "the Kremlin"),
    "erdogan": ("Turkish President Recep Tayyip Erdoğan", "Erdoğan", "the Turkish presidency"),
    "macron": ("French President Emmanuel Macron", "Macron", "the Élysée Palace"),
    "scholz": ("German Chancellor Olaf Scholz", "Scholz", "the German government"),
    "zelensky": ("Ukrainian President Volodymyr Zelensky", "Zelensky", "his office in Kyiv"),
    "xi": ("Chinese President Xi Jinping", "Xi", "state media in Beijing"),
    "modi": ("Indian Prime Minister Narendra Modi", "Modi", "his office in New Delhi"),
    "biden": ("US President Joe Biden", "Biden", "the White House"),
}
PAIRS = [
    ("putin", "erdogan"),
    ("macron", "scholz"),
    ("erdogan", "zelensky"),
    ("biden", "xi"),
    ("modi", "putin"),
    ("macron", "zelensky"),
    ("scholz", "xi"),
    ("macron", "putin"),
]
SUBJECTS = [
    "grain exports across the Black Sea",
    "energy prices",
    "the prisoner exchange",
    "trade and investment",
    "the war in Ukraine",
    "climate finance",
    "the safety of the Zaporizhzhia nuclear plant",
    "bilateral relations",
]

DATED = [
    "{A} held a phone call with {B} on {when}, {govA} said. The two leaders discussed {subject}.",
    "{a} and {b} spoke by phone on {when}, according to {govB}. They talked about {subject} and agreed to "
    "stay in touch.",
    "{B} and {A} talked by telephone on {when} about {subject}, {govB} said in a statement.",
    "{A} and {B} discussed {subject} in a video call on {when}, officials in both capitals said.",
]
UNDATED = "{A} and {B} spoke by phone about {subject}, {govA} said in a short readout."
NOT_A_CALL = "Prices of {subject} were in focus at a conference in Geneva on {when}, analysts said. Story {n}."
FIRST_CALL_DAY = date(2023, 1, 9)
CALLS_PER_PAIR = 5


def _bad_messages(tag: str, count: int) -> list[bytes]:
    kinds: list[Callable[[int], bytes]] = [
        lambda i: b'{"id": "' + f"{tag}-bad-{i}".encode() + b'", "body": "truncated',
        lambda i: orjson.dumps({"id": f"{tag}-bad-{i}", "title": "no body"}),
        lambda i: orjson.dumps({"id": f"{tag}-bad-{i}", "body": i}),
        lambda i: orjson.dumps({"id": f"{tag}-bad-{i}", "body": "<p> </p>"}),
        lambda i: orjson.dumps({"id": f"{tag}-bad-{i}", "body": "text", "published_at": "2023-02-30"}),
        lambda i: orjson.dumps({"id": f"{tag}-bad-{i}", "body": "text", "language": "not a language"}),
        lambda i: b'{"id": "' + f"{tag}-bad-{i}".encode() + b'", "body": "caf\xe9"}',
        lambda i: orjson.dumps([f"{tag}-bad-{i}"]),
    ]
    return [kinds[i % len(kinds)](i) for i in range(count)]


def generate(tag: str, good: int, bad: int, seed: int = 7) -> list[bytes]:
    """`good` valid articles (mostly call reports, CALLS_PER_PAIR calls per pair, some wire copies,
    some undated reports and some non-call stories) and `bad` invalid messages, shuffled."""
    rng = random.Random(seed)
    calls = []
    for p, pair in enumerate(PAIRS):
        day = FIRST_CALL_DAY + timedelta(days=3 * p)
        for _ in range(CALLS_PER_PAIR):
            calls.append((pair, day))
            day += timedelta(days=rng.randint(8, 30))
    docs: list[dict[str, Any]] = []
    reports: list[dict[str, Any]] = []  # call reports other outlets may copy
    for n in range(good):
        doc_id = f"{tag}-{n:05d}"
        source = f"outlet{rng.randrange(40)}.example"
        roll = rng.random()
        if roll < 0.12 and reports:  # a wire copy: another outlet re-publishes a report as it is
            original = rng.choice(reports)
            docs.append(
                {"id": doc_id, "body": original["body"], "source": source, "published_at": original["published_at"]}
            )
            continue
        if roll < 0.17:
            when_day = FIRST_CALL_DAY + timedelta(days=rng.randrange(500))
            body = NOT_A_CALL.format(subject=rng.choice(SUBJECTS), when=WEEKDAYS[when_day.weekday()], n=n)
            published = datetime(when_day.year, when_day.month, when_day.day, 15, tzinfo=UTC)
            docs.append({"id": doc_id, "body": body, "source": source, "published_at": _iso(published)})
            continue
        pair, call_day = rng.choice(calls)
        first, second = pair if rng.random() < 0.5 else pair[::-1]
        lag = rng.choice((0, 1, 1, 2))
        published = datetime(call_day.year, call_day.month, call_day.day, tzinfo=UTC) + timedelta(
            days=lag, hours=rng.randint(18 if lag == 0 else 6, 22), minutes=rng.randrange(60)
        )
        fields = {
            "A": LEADERS[first][0],
            "B": LEADERS[second][0],
            "a": LEADERS[first][1],
            "b": LEADERS[second][1],
            "govA": LEADERS[first][2],
            "govB": LEADERS[second][2],
            "subject": rng.choice(SUBJECTS),
        }
        if roll < 0.25:
            body = UNDATED.format(**fields)
        else:
            when = (
                WEEKDAYS[call_day.weekday()] if rng.random() < 0.6 else f"{call_day.day} {MONTHS[call_day.month - 1]}"
            )
            body = rng.choice(DATED).format(when=when, **fields)
        doc = {"id": doc_id, "body": f"{body} Reported by desk {rng.randrange(1000)}.", "source": source}
        doc["published_at"] = _iso(published)
        if rng.random() < 0.3:
            doc["title"] = f"{LEADERS[first][1]} and {LEADERS[second][1]} discuss {fields['subject']}"
        docs.append(doc)
        reports.append(doc)
    messages = [orjson.dumps(d) for d in docs] + _bad_messages(tag, bad)
    rng.shuffle(messages)
    return messages


def _iso(ts: datetime) -> str:
    return ts.strftime("%Y-%m-%dT%H:%M:%SZ")


# --------------------------------------------------------------------------------------------------
# Worker processes and topics


@dataclass
class WorkerProcess:
    settings: Settings
    log: Path
    process: subprocess.Popen[bytes] | None = None

    def start(self) -> WorkerProcess:
        self.process = spawn_worker(self.settings, self.log, append=True)
        return self

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def get(self, path: str) -> tuple[int, str]:
        url = f"http://{self.settings.web_host}:{self.settings.web_port}{path}"
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                return r.status, r.read().decode()
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode()
        except OSError:
            return 0, ""

    def wait_ready(self, timeout: float) -> bool:
        return wait_for(lambda: not self.alive() or self.get("/readyz")[0] == 200, timeout) and self.alive()

    def send_signal(self, sig: int) -> None:
        if self.alive():
            assert self.process is not None
            os.killpg(self.process.pid, sig)

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 30) -> int | None:
        if self.process is None:
            return None
        if self.process.poll() is None:
            self.send_signal(sig)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.send_signal(signal.SIGKILL)
                self.process.wait(timeout=10)
        return self.process.returncode

    def tail(self, chars: int = 3000) -> str:
        try:
            return self.log.read_text(errors="replace")[-chars:]
        except OSError:
            return ""


def wait_for(predicate: Callable[[], bool], timeout: float, interval: float = 0.25) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return predicate()


@dataclass
class Record:
    partition: int
    offset: int
    key: bytes | None
    value: bytes | None


class TopicReader:
    """Every record of a topic from the beginning, read incrementally (no consumer group)."""

    def __init__(self, bootstrap: str, topic: str) -> None:
        from kafka import KafkaConsumer

        self.topic = topic
        self.records: list[Record] = []
        self.consumer = KafkaConsumer(
            topic,
            bootstrap_servers=bootstrap,
            auto_offset_reset="earliest",
            enable_auto_commit=False,
            group_id=None,
            max_partition_fetch_bytes=16 * 1_048_576,
            fetch_max_bytes=64 * 1_048_576,
        )

    def poll(self, timeout_s: float = 0.5) -> int:
        batches = self.consumer.poll(timeout_ms=int(timeout_s * 1000), max_records=5000)
        new = 0
        for tp, msgs in batches.items():
            for m in msgs:
                self.records.append(Record(tp.partition, m.offset, m.key, m.value))
                new += 1
        return new

    def read_until(self, done: Callable[[list[Record]], bool], timeout: float, settle: float = 0.0) -> bool:
        """Poll until `done` holds (then `settle` more seconds of polling) or the timeout passes."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.poll()
            if done(self.records):
                end = time.monotonic() + settle
                while time.monotonic() < end:
                    self.poll(0.25)
                return True
        return done(self.records)

    def close(self) -> None:
        self.consumer.close()


def publish(bootstrap: str, topic: str, messages: list[bytes], rate: float | None = None) -> None:
    """Publish in order; with `rate`, at about that many messages per second."""
    from kafka import KafkaProducer

    producer = KafkaProducer(
        bootstrap_servers=bootstrap, acks="all", linger_ms=20, batch_size=256 * 1024, max_request_size=16 * 1_048_576
    )
    started = time.monotonic()
    try:
        for i, value in enumerate(messages):
            producer.send(topic, value=value)
            if rate and i % 50 == 49:
                ahead = (i + 1) / rate - (time.monotonic() - started)
                if ahead > 0:
                    producer.flush()
                    time.sleep(ahead)
        producer.flush()
    finally:
        producer.close()


# --------------------------------------------------------------------------------------------------
# Counting and comparing


@dataclass
class Outcome:
    inputs: int = 0
    enriched: int = 0
    deadletter: int = 0
    lost: int = 0
    duplicate_events: int = 0
    events_differ: int = 0
    inconsistent_copies: int = 0
    redelivered_copies: int = 0
    differing: Counter[str] = field(default_factory=Counter)  # fields that differ between copies
    notes: list[str] = field(default_factory=list)

    def add(self, other: Outcome) -> None:
        for name in (
            "inputs",
            "enriched",
            "deadletter",
            "lost",
            "duplicate_events",
            "events_differ",
            "inconsistent_copies",
            "redelivered_copies",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.differing.update(other.differing)
        self.notes.extend(other.notes)

    def problems(self) -> list[str]:
        out = []
        if self.lost:
            out.append(f"{self.lost} inputs have neither an enriched article nor a dead letter")
        if self.duplicate_events:
            out.append(f"{self.duplicate_events} calls have more than one active event")
        if self.events_differ:
            out.append(f"{self.events_differ} final events differ from the uninterrupted replay")
        if self.inconsistent_copies:
            out.append(
                f"{self.inconsistent_copies} redelivered copies differ from the first copy in more than "
                f"ingested_at/redelivered (fields: {dict(self.differing)})"
            )
        return out

    @property
    def ok(self) -> bool:
        return not self.problems()

    def line(self) -> str:
        return (
            f"inputs={self.inputs} enriched={self.enriched} deadletter={self.deadletter} lost={self.lost} "
            f"duplicate_events={self.duplicate_events}"
        )


IGNORED_IN_COPIES = ("ingested_at", "redelivered")


def reference_events(messages: list[bytes], now: datetime, max_body_bytes: int) -> dict[str, list[str]]:
    """Active call events (id -> sorted article ids) of an uninterrupted batch replay."""
    out = {}
    for kind, payload in process_lines(messages, now=now, max_body_bytes=max_body_bytes):
        if kind == "event" and payload["status"] == "active":
            out[payload["event_id"]] = sorted(payload["articles"])
    return out


def final_events(records: list[Record]) -> dict[str, list[str]]:
    """What the compacted events topic converges to: the latest value per key, active ones."""
    latest: dict[bytes | None, dict[str, Any]] = {}
    for r in records:
        latest[r.key] = orjson.loads(r.value or b"null")
    return {k.decode(): sorted(v["articles"]) for k, v in latest.items() if k and v and v["status"] == "active"}


def account(
    raw: list[Record], enriched: list[Record], dead: list[Record], now: datetime, max_body_bytes: int
) -> tuple[int, int]:
    """(lost, stray): raw records with no enriched article of their id (counted with multiplicity)
    or no dead letter of their offset; dead letters that name no invalid raw record."""
    need_ids: Counter[str] = Counter()
    need_letters: set[tuple[int, int]] = set()
    for r in raw:
        result = validate(r.value, now, max_body_bytes)
        if isinstance(result, Article):
            need_ids[result.id] += 1
        else:
            need_letters.add((r.partition, r.offset))
    got_ids = Counter(orjson.loads(r.value or b"{}").get("id") for r in enriched)
    letters = set()
    for r in dead:
        letter = orjson.loads(r.value or b"{}")
        letters.add((letter.get("partition"), letter.get("offset")))
    lost = sum(max(0, n - got_ids[i]) for i, n in need_ids.items()) + len(need_letters - letters)
    return lost, len(letters - need_letters)


def compare(
    raw: list[Record],
    enriched: list[Record],
    dead: list[Record],
    events: list[Record],
    messages: list[bytes],
    now: datetime,
    max_body_bytes: int,
) -> Outcome:
    out = Outcome(inputs=len(raw), enriched=len(enriched), deadletter=len(dead))
    if len(raw) != len(messages):
        out.notes.append(f"the raw topic holds {len(raw)} records, {len(messages)} were published")
    out.lost, stray = account(raw, enriched, dead, now, max_body_bytes)
    if stray:
        out.notes.append(f"{stray} dead letters name offsets that are not on the raw topic")

    latest_events = {}
    for r in events:
        latest_events[r.key] = orjson.loads(r.value or b"null")
    merged_into = {k.decode(): v["merged_into"] for k, v in latest_events.items() if k and v and v["merged_into"]}

    def absorbed(old: str | None, new: str | None) -> bool:
        """The event `old` was merged (directly or through others) into `new`."""
        hops = 0
        while old in merged_into and hops < 100:
            old, hops = merged_into[old], hops + 1
            if old == new:
                return True
        return False

    copies: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in enriched:
        doc = orjson.loads(r.value or b"{}")
        copies[doc["id"]].append(doc)
    histogram = Counter(len(docs) for docs in copies.values())
    out.notes.append("enriched copies per article: " + ", ".join(f"{n}x: {c}" for n, c in sorted(histogram.items())))
    followed_merges = 0
    differing = out.differing
    for article_id, docs in copies.items():
        if len(docs) <= 1:
            continue
        out.redelivered_copies += len(docs) - 1
        first = {k: v for k, v in docs[0].items() if k not in IGNORED_IN_COPIES}
        for other in docs[1:]:
            rest = {k: v for k, v in other.items() if k not in IGNORED_IN_COPIES}
            diff = sorted(k for k in set(first) | set(rest) if first.get(k) != rest.get(k))
            if "event_id" in diff and absorbed(first["event_id"], rest["event_id"]):
                followed_merges += 1  # the first copy named a provisional event the second names its successor
                diff.remove("event_id")
            if diff:
                out.inconsistent_copies += 1
                differing.update(diff)
                if out.inconsistent_copies <= 3:
                    out.notes.append(
                        f"copies of {article_id} differ: "
                        + "; ".join(
                            f"{k} {first.get(k)!r} then {rest.get(k)!r} (redelivered {other['redelivered']})"
                            for k in diff
                        )
                    )
    if followed_merges:
        out.notes.append(f"{followed_merges} redelivered copies name the event their first copy's event merged into")
    if differing:
        out.notes.append(f"fields that differ between copies of one article: {dict(differing)}")
        if set(differing) <= {"duplicate_of", "near_duplicate_of"}:
            out.notes.append(
                "(known: a redelivered article is published with duplicate_of/near_duplicate_of null, "
                "workers.dedup.assign keeps only the event id of articles it has seen)"
            )

    letters: dict[tuple[int, int], list[dict[str, Any]]] = defaultdict(list)
    for r in dead:
        letter = orjson.loads(r.value or b"{}")
        letter.pop("received_at", None)
        letters[(letter["partition"], letter["offset"])].append(letter)
    for group in letters.values():
        if any(g != group[0] for g in group[1:]):
            out.inconsistent_copies += 1
            out.differing["dead_letter"] += 1
            out.notes.append(f"copies of the dead letter for {group[0]['partition']}/{group[0]['offset']} differ")

    # a compacted topic keeps the last record per key: it must be the highest version
    versions: dict[bytes | None, list[int]] = defaultdict(list)
    for r in events:
        versions[r.key].append(orjson.loads(r.value or b"null")["version"])
    regressed = [k for k, v in versions.items() if v[-1] < max(v)]
    if regressed:
        out.events_differ += len(regressed)
        out.notes.append(f"{len(regressed)} events end on an older version than one published before: {regressed[:3]}")

    reference = reference_events(messages, now, max_body_bytes)
    worker = final_events(events)
    # a call is a reference event; it has a second event when its articles sit in more than one
    # active event of the worker
    where: dict[str, str] = {a: eid for eid, arts in worker.items() for a in arts}
    for eid, arts in reference.items():
        holders = {where[a] for a in arts if a in where}
        if len(holders) > 1:
            out.duplicate_events += 1
            if out.duplicate_events <= 5:
                out.notes.append(f"call {eid} is split over active events {sorted(holders)}")
    if worker != reference:
        only_ref = sorted(set(reference) - set(worker))
        only_worker = sorted(set(worker) - set(reference))
        different = sorted(e for e in set(reference) & set(worker) if reference[e] != worker[e])
        out.events_differ += len(only_ref) + len(only_worker) + len(different)
        out.notes.append(
            f"final events differ from the batch replay: {len(only_ref)} only there {only_ref[:3]}, "
            f"{len(only_worker)} only in the worker {only_worker[:3]}, {len(different)} with other articles"
        )
        for e in different[:3]:
            out.notes.append(
                f"  {e}: replay {len(reference[e])} articles, worker {len(worker[e])}; "
                f"missing {sorted(set(reference[e]) - set(worker[e]))[:5]} "
                f"extra {sorted(set(worker[e]) - set(reference[e]))[:5]}"
            )
    out.notes.append(f"{len(reference)} call events in the replay, {len(worker)} active in the worker")
    return out


# --------------------------------------------------------------------------------------------------
# Phases


@dataclass
class Run:
    broker: EmbeddedBroker
    workdir: Path
    store: str
    session_timeout_s: float
    timeout: float  # bound on each wait
    log: Callable[[str], None]
    log_level: str = "warning"
    workers: list[WorkerProcess] = field(default_factory=list)

    def settings(self, name: str) -> Settings:
        return isolated_settings(
            f"chaos-{name}",
            self.workdir,
            bootstrap_servers=self.broker.bootstrap,
            partitions=4,
            store=self.store,
            session_timeout_s=self.session_timeout_s,
            log_level=self.log_level,
        )

    def worker(self, settings: Settings, label: str) -> WorkerProcess:
        w = WorkerProcess(settings, self.workdir / f"{settings.app_id}-{label}.log").start()
        self.workers.append(w)
        return w

    def ready(self, w: WorkerProcess) -> None:
        started = time.monotonic()
        if not w.wait_ready(self.timeout):
            raise RuntimeError(f"worker {w.log.name} not ready in {self.timeout:.0f}s; log:\n{w.tail()}")
        self.log(f"  {w.log.stem} ready after {time.monotonic() - started:.1f}s")

    def stop_all(self) -> None:
        for w in self.workers:
            w.stop(signal.SIGTERM, timeout=20)

    def finish(
        self, settings: Settings, messages: list[bytes], readers: dict[str, TopicReader], now: datetime
    ) -> Outcome:
        """Wait until every input is accounted for (bounded), then count and compare."""
        ids_needed: set[str] = set()
        bad = 0
        for m in messages:
            result = validate(m, now, settings.max_body_bytes)
            if isinstance(result, Article):
                ids_needed.add(result.id)
            else:
                bad += 1
        enriched, dead, events = readers["enriched"], readers["deadletter"], readers["events"]
        reference = reference_events(messages, now, settings.max_body_bytes)
        seen: set[str] = set()
        counted = 0
        started = time.monotonic()
        deadline = started + self.timeout
        while time.monotonic() < deadline:
            enriched.poll(0.3)
            dead.poll(0.1)
            for r in enriched.records[counted:]:
                seen.add(orjson.loads(r.value or b"{}").get("id"))
            counted = len(enriched.records)
            if ids_needed <= seen and len(dead.records) >= bad:
                break
            if not any(w.alive() for w in self.workers if w.settings.app_id == settings.app_id):
                self.log("  no worker of this phase is alive any more")
                break
        self.log(
            f"  outputs complete after {time.monotonic() - started:.1f}s "
            f"({len(seen & ids_needed)}/{len(ids_needed)} articles, {len(dead.records)}/{bad} dead letters)"
        )
        # the events topic converges after the last article; give it a bounded moment, then settle
        events.read_until(lambda r: final_events(r) == reference, timeout=min(30.0, self.timeout), settle=2.0)
        for reader in (enriched, dead):
            reader.read_until(lambda r: True, timeout=0.1, settle=2.0)
        raw = TopicReader(self.broker.bootstrap, settings.topic_raw)
        try:
            raw.read_until(lambda r: len(r) >= len(messages), timeout=self.timeout, settle=1.0)
            # the raw topic in publish order per partition; the replay uses the publish order
            return compare(
                raw.records, enriched.records, dead.records, events.records, messages, now, settings.max_body_bytes
            )
        finally:
            raw.close()


def _readers(settings: Settings) -> dict[str, TopicReader]:
    return {
        role: TopicReader(settings.bootstrap_servers, name)
        for role, name in settings.topics.items()
        if role in ("enriched", "deadletter", "events")
    }


def _progress(readers: dict[str, TopicReader]) -> int:
    readers["enriched"].poll(0.2)
    readers["deadletter"].poll(0.05)
    return len(readers["enriched"].records) + len(readers["deadletter"].records)


def _wait_progress(run: Run, readers: dict[str, TopicReader], target: int, workers: list[WorkerProcess]) -> int:
    deadline = time.monotonic() + run.timeout
    done = 0
    while time.monotonic() < deadline:
        done = _progress(readers)
        if done >= target or not any(w.alive() for w in workers):
            break
    return done


def phase_kill(run: Run, good: int, bad: int, rate: float) -> Outcome:
    settings = run.settings("kill")
    run.log(f"phase kill: {good} articles + {bad} bad messages, store {settings.store}, app {settings.app_id}")
    create_topics(settings)
    messages = generate(settings.app_id, good, bad)
    now = datetime.now(UTC)
    readers = _readers(settings)
    try:
        first = run.worker(settings, "first")
        run.ready(first)
        feeder = threading.Thread(
            target=publish, args=(settings.bootstrap_servers, settings.topic_raw, messages, rate), daemon=True
        )
        feeder.start()
        target = len(messages) // 3
        done = _wait_progress(run, readers, target, [first])
        run.log(f"  SIGKILL the worker after {done} outputs")
        first.send_signal(signal.SIGKILL)
        first.stop(signal.SIGKILL, timeout=10)
        second = run.worker(settings, "restarted")  # same state dir: local state plus the changelog
        run.ready(second)
        return _conclude(run, settings, messages, readers, now, feeder, second, "the restarted worker")
    finally:
        for r in readers.values():
            r.close()


def _conclude(
    run: Run,
    settings: Settings,
    messages: list[bytes],
    readers: dict[str, TopicReader],
    now: datetime,
    feeder: threading.Thread,
    survivor: WorkerProcess,
    who: str,
) -> Outcome:
    """Let publishing finish, count what arrived, and say so if the worker left standing died."""
    feeder.join(timeout=run.timeout)
    if feeder.is_alive():
        raise RuntimeError("publishing did not finish in time")
    outcome = run.finish(settings, messages, readers, now)
    if not survivor.alive():
        outcome.notes.append(f"{who} died; log:\n{survivor.tail()}")
        outcome.lost = max(outcome.lost, 1)
    return outcome


def phase_scale(run: Run, good: int, bad: int, rate: float) -> Outcome:
    settings = run.settings("scale")
    run.log(f"phase scale: {good} articles + {bad} bad messages, two workers, app {settings.app_id}")
    create_topics(settings)
    messages = generate(settings.app_id, good, bad, seed=11)
    now = datetime.now(UTC)
    readers = _readers(settings)
    try:
        first = run.worker(settings, "first")
        run.ready(first)
        feeder = threading.Thread(
            target=publish, args=(settings.bootstrap_servers, settings.topic_raw, messages, rate), daemon=True
        )
        feeder.start()
        done = _wait_progress(run, readers, len(messages) // 4, [first])
        run.log(f"  a second worker joins after {done} outputs")
        other = replace(settings, web_port=free_port(), state_dir=settings.state_dir + "-second")
        second = run.worker(other, "second")
        run.ready(second)
        done = _wait_progress(run, readers, (len(messages) * 3) // 5, [first, second])
        run.log(f"  the first worker leaves (SIGTERM) after {done} outputs")
        code = first.stop(signal.SIGTERM, timeout=30)
        run.log(f"  first worker exited with {code}")
        return _conclude(run, settings, messages, readers, now, feeder, second, "the second worker")
    finally:
        for r in readers.values():
            r.close()


def run_chaos(
    *,
    good: int = 2000,
    bad: int = 100,
    rate: float = 150.0,
    phases: tuple[str, ...] = ("kill", "scale"),
    store: str = "rocksdb",
    session_timeout_s: float = 6.0,
    timeout: float = 180.0,
    workdir: Path | None = None,
    log: Callable[[str], None] = print,
    log_level: str = "warning",
) -> Outcome:
    total = Outcome()
    with tempfile.TemporaryDirectory(prefix="wirestream-chaos-") as tmp:
        base = workdir or Path(tmp)
        base.mkdir(parents=True, exist_ok=True)
        with EmbeddedBroker(log_path=base / "tansu.log") as broker:
            run = Run(broker, base, store, session_timeout_s, timeout, log, log_level)
            try:
                for name in phases:
                    started = time.monotonic()
                    phase = {"kill": phase_kill, "scale": phase_scale}[name]
                    outcome = phase(run, good, bad, rate)
                    for note in outcome.notes:
                        log(f"  {note}")
                    log(
                        f"  {name}: {outcome.line()} events_differ={outcome.events_differ} "
                        f"redelivered_copies={outcome.redelivered_copies} "
                        f"inconsistent_copies={outcome.inconsistent_copies} ({time.monotonic() - started:.0f}s)"
                    )
                    total.add(outcome)
            finally:
                run.stop_all()
    return total


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m workers.chaos", description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=2000, help="valid articles per phase")
    parser.add_argument("--bad", type=int, default=100, help="invalid messages per phase")
    parser.add_argument("--rate", type=float, default=150.0, help="messages published per second")
    parser.add_argument("--phases", default="kill,scale", help="comma-separated: kill, scale")
    parser.add_argument("--store", default="rocksdb", choices=("rocksdb", "memory"))
    parser.add_argument("--session-timeout-s", type=float, default=6.0)
    parser.add_argument("--timeout", type=float, default=180.0, help="bound on every wait, in seconds")
    parser.add_argument("--workdir", type=Path, default=None, help="keep logs and state here")
    parser.add_argument("--log-level", default="warning", help="of the workers")
    args = parser.parse_args(argv)
    started = time.monotonic()
    outcome = run_chaos(
        good=args.articles,
        bad=args.bad,
        rate=args.rate,
        phases=tuple(p.strip() for p in args.phases.split(",") if p.strip()),
        store=args.store,
        session_timeout_s=args.session_timeout_s,
        timeout=args.timeout,
        workdir=args.workdir,
        log=lambda s: print(s, flush=True),
        log_level=args.log_level,
    )
    print(f"chaos took {time.monotonic() - started:.0f}s", flush=True)
    for problem in outcome.problems():
        print(f"FAILED: {problem}", flush=True)
    print(outcome.line(), flush=True)
    return 0 if outcome.ok else 1


if __name__ == "__main__":
    sys.exit(main())
