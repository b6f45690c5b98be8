"""The real worker (a `wirestream worker` process) on a real Tansu broker, fed with kafka-python."""

from __future__ import annotations

import base64
import dataclasses
from pathlib import Path

import orjson
import pytest
from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer
from kafka.admin import NewTopic

from tests.conftest import latest_by_key, read_topic, wait_until
from workers.kafka_tools import create_topics, publish, text_file_article
from workers.processes import isolated_settings

pytestmark = pytest.mark.integration
SEEDS = sorted((Path(__file__).resolve().parents[1] / "workers" / "demo").glob("*.txt"))


def _seed_messages() -> list[bytes]:
    dated = []
    # the seeds carry no date; these publication days put "on Wednesday" and "on Monday" in one week
    for path, published in zip(SEEDS, ("2020-07-16T09:00:00Z", "2020-07-14T08:00:00Z"), strict=True):
        doc = orjson.loads(text_file_article(path))
        doc.update(published_at=published, url=f"https://seed.example/{path.stem}", source="seed.example")
        dated.append(orjson.dumps(doc))
    copy = orjson.loads(dated[1])  # the same report, re-published by another outlet
    copy.update(
        url="https://other-outlet.example/erdogan-putin",
        source="other-outlet.example",
        published_at="2020-07-14T11:30:00Z",
    )
    return [*dated, orjson.dumps(copy)]


def test_seeds_become_two_distinct_call_events(test_settings, start_worker, validators):
    create_topics(test_settings)
    worker = start_worker(test_settings)
    publish(test_settings, _seed_messages())

    enriched = read_topic(test_settings, test_settings.topic_enriched, until=lambda r: len(r) >= 3)
    assert len(enriched) == 3
    for record in enriched:
        validators["enriched_article"].validate(record["value"])
    by_url = {r["value"]["url"]: r["value"] for r in enriched}
    first = by_url["https://seed.example/000_0fa1565ee2a6fe63"]
    second = by_url["https://seed.example/004_e5a5e62c60dcc345"]
    copy = by_url["https://other-outlet.example/erdogan-putin"]
    assert first["event_id"] and second["event_id"] and first["event_id"] != second["event_id"]
    assert copy["event_id"] == second["event_id"], "a re-published copy joins its seed's event"
    # raw messages without a key land on any partition: whichever arrives second is the duplicate
    assert {copy["duplicate_of"], second["duplicate_of"]} in ({None, second["id"]}, {None, copy["id"]})

    events = read_topic(
        test_settings,
        test_settings.topic_events,
        until=lambda r: len(latest_by_key(r)) >= 2 and any(e["value"]["num_articles"] == 2 for e in r),
    )
    for record in events:
        validators["call_event"].validate(record["value"])
    final = latest_by_key(events)
    assert set(final) == {first["event_id"].encode(), second["event_id"].encode()}
    a, b = final[first["event_id"].encode()], final[second["event_id"].encode()]
    for event in (a, b):
        assert sorted(p["name"] for p in event["participants"]) == ["Recep Tayyip Erdoğan", "Vladimir Putin"]
    assert a["date"] == "2020-07-15"  # "on Wednesday", published Thursday 16 July
    assert b["date"] == "2020-07-13"  # "on Monday", published Tuesday 14 July
    assert b["num_articles"] == 2 and b["num_sources"] == 2 and b["version"] == 2

    status, body = worker.get("/metrics")
    assert status == 200
    assert "wirestream_articles_enriched_total 3.0" in body
    assert 'wirestream_call_events_total{change="created"} 2.0' in body


BAD_MESSAGES: dict[str, bytes] = {
    "invalid_json": b'{"body": "unterminated',
    "invalid_utf8": b'{"body": "caf\xe9 au lait"}',
    "missing_body": b'{"title": "no body here"}',
    "empty_body": b'{"body": "   \\n\\t  "}',
    "wrong_type": b'{"body": "text", "published_at": 20200713}',
    "invalid_date": b'{"body": "text", "published_at": "2020-13-45"}',
    "not_an_object": b'["body", "text"]',
    "body_too_large": orjson.dumps({"body": "x" * 4001}),  # the test worker's limit is 4000 bytes
}


def test_every_raw_message_ends_as_one_enriched_article_or_one_dead_letter(test_settings, start_worker, validators):
    test_settings = dataclasses.replace(test_settings, max_body_bytes=4000)
    create_topics(test_settings)
    worker = start_worker(test_settings)
    good = [
        orjson.dumps(
            {"id": f"good-{i}", "body": f"Routine story number {i} about markets.", "published_at": "2024-05-01"}
        )
        for i in range(5)
    ]
    messages = [*good[:2], *BAD_MESSAGES.values(), *good[2:]]
    publish(test_settings, messages)

    total = len(messages)
    enriched = read_topic(test_settings, test_settings.topic_enriched, until=lambda r: len(r) >= len(good))
    dead = read_topic(test_settings, test_settings.topic_deadletter, until=lambda r: len(r) >= len(BAD_MESSAGES))
    assert sorted(r["value"]["id"] for r in enriched) == [f"good-{i}" for i in range(5)]
    assert len(enriched) + len(dead) == total
    by_reason = {r["value"]["reason"]: r["value"] for r in dead}
    assert set(by_reason) == set(BAD_MESSAGES)
    for reason, letter in by_reason.items():
        validators["dead_letter"].validate(letter)
        assert base64.b64decode(letter["original_value_b64"]) == BAD_MESSAGES[reason], reason
        assert letter["topic"] == test_settings.topic_raw and letter["offset"] is not None
    assert "published_at" in by_reason["wrong_type"]["error"]

    def counted() -> bool:
        body = worker.get("/metrics")[1]
        return all(f'wirestream_deadletters_total{{reason="{r}"}} 1.0' in body for r in BAD_MESSAGES)

    assert wait_until(counted, 15), worker.get("/metrics")[1]
    assert worker.get("/healthz")[0] == 200


def test_worker_and_batch_replay_assign_the_same_events(test_settings, start_worker):
    """The same input through the broker and through `wirestream process` ends in the same events."""
    from datetime import UTC, datetime

    from workers.pipeline import process_lines

    fixtures = Path(__file__).parent / "fixtures" / "labelled_calls.jsonl"
    articles = [orjson.dumps(orjson.loads(line)["article"]) for line in fixtures.read_bytes().splitlines() if line]
    # a second outlet's copy of every call report, so events carry more than one article
    copies = []
    for raw in articles:
        doc = orjson.loads(raw)
        doc.update(id=doc["id"] + "-copy", source="second-outlet.example")
        copies.append(orjson.dumps(doc))
    messages = articles + copies

    batch_events = {}
    for kind, payload in process_lines(messages, now=datetime.now(UTC)):
        if kind == "event" and payload["status"] == "active":
            batch_events[payload["event_id"]] = sorted(payload["articles"])
    assert len(batch_events) >= 8

    create_topics(test_settings)
    start_worker(test_settings)
    publish(test_settings, messages)
    enriched = read_topic(test_settings, test_settings.topic_enriched, until=lambda r: len(r) >= len(messages))
    assert len(enriched) == len(messages)

    def converged(records: list[dict]) -> bool:
        final = latest_by_key(records)
        active = {k.decode(): sorted(v["articles"]) for k, v in final.items() if v["status"] == "active"}
        return active == batch_events

    events = read_topic(test_settings, test_settings.topic_events, until=converged, timeout=30)
    final = latest_by_key(events)
    worker_events = {k.decode(): sorted(v["articles"]) for k, v in final.items() if v["status"] == "active"}
    assert worker_events == batch_events


def test_dedup_state_is_recovered_from_the_changelog_after_a_restart(test_settings, start_worker, tmp_path):
    """A worker that stops (SIGTERM) and a new one on an empty disk: the state comes back from the
    changelog topic, so later coverage joins the same event and the version goes on."""
    create_topics(test_settings)
    _, first_report, copy = _seed_messages()
    worker = start_worker(test_settings)
    publish(test_settings, [first_report])
    events = read_topic(test_settings, test_settings.topic_events, until=lambda r: len(r) >= 1)
    assert len(events) == 1 and events[0]["value"]["version"] == 1
    event_id = events[0]["value"]["event_id"]
    assert worker.stop() == 0, "graceful shutdown on SIGTERM"

    moved = dataclasses.replace(test_settings, state_dir=str(tmp_path / "another-disk"))
    start_worker(moved)
    publish(moved, [copy])
    events = read_topic(moved, moved.topic_events, until=lambda r: len(r) >= 2, timeout=90)
    assert [e["value"]["version"] for e in events] == [1, 2]
    latest = events[-1]["value"]
    assert latest["event_id"] == event_id and latest["num_articles"] == 2 and latest["num_sources"] == 2
    enriched = {
        r["value"]["source"]: r["value"] for r in read_topic(moved, moved.topic_enriched, until=lambda r: len(r) >= 2)
    }
    assert enriched["other-outlet.example"]["duplicate_of"] == enriched["seed.example"]["id"]


def test_a_new_owner_recovers_every_write_of_the_last_changelog_batch(test_settings, start_worker, tmp_path):
    """A changelog whose last record batch holds several writes (a departing worker flushing its
    buffer): Tansu reports the changelog's end at that batch's first record. The new owner must read
    the whole batch, or its block forgets the last reports and the next report's event counts fewer
    articles than were sent (what `make chaos` showed after a rebalance)."""
    create_topics(test_settings)
    _, report, _ = _seed_messages()
    copies = []
    for n in range(12):
        doc = orjson.loads(report)
        doc.update(url=f"https://outlet-{n}.example/erdogan-putin", source=f"outlet-{n}.example")
        copies.append(orjson.dumps(doc))
    worker = start_worker(test_settings)
    publish(test_settings, copies[:-1])
    has = lambda count: lambda r: any(e["value"]["num_articles"] == count for e in r)  # noqa: E731
    assert has(len(copies) - 1)(read_topic(test_settings, test_settings.topic_events, until=has(len(copies) - 1)))
    assert worker.stop() == 0, "graceful shutdown on SIGTERM"
    writes = _records(test_settings, f"{test_settings.app_id}-dedup-blocks-changelog", len(copies) - 1)

    # the same writes as the changelog of another app, all in one batch: its worker starts on an empty disk
    other = isolated_settings("ws", tmp_path, bootstrap_servers=test_settings.bootstrap_servers, partitions=2)
    create_topics(other)
    _one_batch(other, f"{other.app_id}-dedup-blocks-changelog", writes)
    start_worker(other)
    publish(other, copies[-1:])
    events = read_topic(other, other.topic_events, until=lambda r: len(r) >= 1)
    counts = [e["value"]["num_articles"] for e in events]
    assert counts == [len(copies)], f"the new owner's block kept {counts} of {len(copies)} articles"


def _records(settings, topic: str, count: int) -> list[tuple[int, bytes, bytes]]:
    """(partition, key, value) of a topic's first `count` records, in offset order per partition."""
    consumer = KafkaConsumer(
        topic, bootstrap_servers=settings.bootstrap_servers, auto_offset_reset="earliest", consumer_timeout_ms=2000
    )
    try:
        out = [(m.partition, m.key, m.value) for m in consumer]
    finally:
        consumer.close()
    assert len(out) == count, f"{len(out)} changelog writes, expected {count}"
    return out


def _one_batch(settings, topic: str, records: list[tuple[int, bytes, bytes]]) -> None:
    """The records, written in one producer batch per partition (a long linger, one flush)."""
    admin = KafkaAdminClient(bootstrap_servers=settings.bootstrap_servers)
    try:
        admin.create_topics([NewTopic(topic, settings.partitions, 1)])
    finally:
        admin.close()
    producer = KafkaProducer(bootstrap_servers=settings.bootstrap_servers, linger_ms=1000, batch_size=1 << 20)
    try:
        for partition, key, value in records:
            producer.send(topic, key=key, value=value, partition=partition)
        producer.flush()
    finally:
        producer.close()
