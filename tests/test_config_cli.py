from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

import orjson
import pytest

from workers.cli import build_parser
from workers.config import Settings
from workers.kafka_tools import read_messages, text_file_article

ROOT = Path(__file__).resolve().parents[1]


def test_flags_win_over_environment_which_wins_over_defaults():
    parser = argparse.ArgumentParser()
    Settings.add_arguments(parser)
    env = {"WIRESTREAM_PARTITIONS": "8", "WIRESTREAM_TOPIC_RAW": "feed.in", "WIRESTREAM_WEB_PORT": "7000"}
    s = Settings.load(parser.parse_args(["--web-port", "7100"]), env)
    assert (s.partitions, s.topic_raw, s.web_port, s.topic_events) == (8, "feed.in", 7100, "news.events.calls")


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"WIRESTREAM_PARTITIONS": "many"}, "WIRESTREAM_PARTITIONS='many' is not a valid int"),
        ({"WIRESTREAM_PROCESSING_GUARANTEE": "maybe"}, "processing_guarantee must be"),
        ({"WIRESTREAM_STORE": "redis"}, "store must be rocksdb or memory"),
    ],
)
def test_bad_settings_fail_with_the_setting_named(env, message):
    with pytest.raises(ValueError, match=message):
        Settings.load(None, env)


def test_every_setting_is_a_worker_flag():
    help_text = build_parser().parse_args(["worker"]).__dict__
    for name in Settings.__dataclass_fields__:
        assert name in help_text


def test_plain_text_files_become_raw_articles(tmp_path):
    path = tmp_path / "story.txt"
    path.write_text("A headline without a full stop\n\nFirst paragraph.\nSecond paragraph.\n", encoding="utf-8")
    doc = orjson.loads(text_file_article(path))
    assert doc == {"title": "A headline without a full stop", "body": "First paragraph.\nSecond paragraph."}
    jsonl = tmp_path / "feed.jsonl"
    jsonl.write_bytes(b'{"body": "a"}\n\nnot json\n')
    assert list(read_messages([str(jsonl)])) == [b'{"body": "a"}', b"not json"]


def test_process_command_writes_one_line_per_valid_input(tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_bytes((ROOT / "tests" / "fixtures" / "labelled_calls.jsonl").read_bytes())
    lines = [orjson.dumps(orjson.loads(line)["article"]) for line in src.read_bytes().splitlines() if line]
    src.write_bytes(b"\n".join([*lines, b"{broken"]) + b"\n")
    out, events, dead = tmp_path / "out.jsonl", tmp_path / "events.jsonl", tmp_path / "dead.jsonl"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "workers.cli",
            "process",
            "--input",
            str(src),
            "--output",
            str(out),
            "--events",
            str(events),
            "--deadletters",
            str(dead),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    rows = [orjson.loads(line) for line in out.read_bytes().splitlines()]
    assert [r["id"] for r in rows] == [orjson.loads(line)["id"] for line in lines]
    assert all("event_id" in r and "call" in r for r in rows)
    assert len(dead.read_bytes().splitlines()) == 1
    event_ids = {orjson.loads(line)["event_id"] for line in events.read_bytes().splitlines()}
    assert {r["event_id"] for r in rows if r["event_id"]} <= event_ids
    assert f"enriched={len(lines)}" in done.stderr


def test_consumer_fetch_wait_comes_from_the_settings() -> None:
    """Faust fixes the fetch wait at 1,500 ms; the worker's consumer takes `fetch_max_wait_ms` instead
    (a broker that answers a fetch only when the wait is over adds the wait to every message)."""
    import asyncio

    from workers.app import new_app

    async def built() -> int:
        app = new_app(Settings(fetch_max_wait_ms=123))  # (create_app would register metrics twice)
        consumer = app.consumer._new_consumer_thread()._create_worker_consumer(app.transport)
        try:
            return consumer._fetch_max_wait_ms
        finally:
            await consumer.stop()

    assert asyncio.run(built()) == 123
    with pytest.raises(ValueError, match="fetch_max_wait_ms"):
        Settings(fetch_max_wait_ms=0)
