"""Every payload the pipeline produces validates against its published schema."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import orjson
from jsonschema import Draft202012Validator

from workers.pipeline import process_lines

ROOT = Path(__file__).resolve().parents[1]


def test_schemas_are_valid_draft_2020_12():
    for path in (ROOT / "schemas").glob("*.json"):
        Draft202012Validator.check_schema(json.loads(path.read_text()))


def test_batch_outputs_validate(validators):
    lines = [
        orjson.dumps(orjson.loads(line)["article"])
        for line in (ROOT / "tests" / "fixtures" / "labelled_calls.jsonl").read_bytes().splitlines()
        if line
    ]
    for line in lines:
        validators["raw_article"].validate(orjson.loads(line))
    lines += [b"\xff", b'{"body": 1}', b'{"body": "x", "published_at": "2020-99-99"}']
    kinds = {"enriched": "enriched_article", "event": "call_event", "deadletter": "dead_letter"}
    seen = dict.fromkeys(kinds, 0)
    for kind, payload in process_lines(lines, now=datetime(2026, 1, 1, tzinfo=UTC)):
        validators[kinds[kind]].validate(payload)
        seen[kind] += 1
    assert seen["deadletter"] == 3 and seen["enriched"] == len(lines) - 3 and seen["event"] >= 5


def test_final_events_do_not_depend_on_arrival_order():
    import random

    fixtures = ROOT / "tests" / "fixtures" / "labelled_calls.jsonl"
    lines = [orjson.dumps(orjson.loads(line)["article"]) for line in fixtures.read_bytes().splitlines() if line]
    copies = [orjson.dumps({**orjson.loads(raw), "id": orjson.loads(raw)["id"] + "-copy"}) for raw in lines]
    messages = lines + copies
    now = datetime(2026, 1, 1, tzinfo=UTC)

    def final(order: list[bytes]) -> dict[str, list[str]]:
        events = {p["event_id"]: p for kind, p in process_lines(order, now=now) if kind == "event"}
        return {k: sorted(e["articles"]) for k, e in events.items() if e["status"] == "active"}

    expected = final(messages)
    assert len(expected) >= 8 and any(len(a) >= 4 for a in expected.values())
    for seed in range(10):
        assert final(random.Random(seed).sample(messages, len(messages))) == expected, seed
