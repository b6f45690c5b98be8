"""Fixtures: a real Tansu broker (session), real worker processes, and helpers to read topics."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import orjson
import pytest
from jsonschema import Draft202012Validator
from referencing import Registry, Resource

from workers.broker import EmbeddedBroker
from workers.config import Settings
from workers.kafka_tools import wait_for
from workers.native import STALE_HINT, stale_modules
from workers.processes import isolated_settings, spawn_worker

ROOT = Path(__file__).resolve().parents[1]


def pytest_sessionstart(session: pytest.Session) -> None:
    # a compiled module older than its source would test the code of its last build, not this one
    stale = stale_modules()
    if stale:
        pytest.exit(f"workers/{', '.join(stale)} {STALE_HINT}", returncode=4)


SCHEMAS = ROOT / "schemas"
FIXTURES = Path(__file__).parent / "fixtures"


def _registry() -> Registry:
    resources = []
    for path in SCHEMAS.glob("*.json"):
        doc = json.loads(path.read_text())
        resources.append((doc["$id"], Resource.from_contents(doc)))
    return Registry().with_resources(resources)


@pytest.fixture(scope="session")
def validators() -> dict[str, Draft202012Validator]:
    registry = _registry()
    out = {}
    for name in ("raw_article", "enriched_article", "call_event", "dead_letter"):
        schema = json.loads((SCHEMAS / f"{name}.schema.json").read_text())
        out[name] = Draft202012Validator(schema, registry=registry, format_checker=Draft202012Validator.FORMAT_CHECKER)
    return out


@pytest.fixture(scope="session")
def broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedBroker]:
    log = tmp_path_factory.mktemp("broker") / "tansu.log"
    with EmbeddedBroker(log_path=log) as b:
        yield b


@dataclass
class RunningWorker:
    settings: Settings
    process: subprocess.Popen
    log: Path

    @property
    def base_url(self) -> str:
        return f"http://{self.settings.web_host}:{self.settings.web_port}"

    def get(self, path: str) -> tuple[int, str]:
        try:
            with urllib.request.urlopen(self.base_url + path, timeout=2) as r:
                return r.status, r.read().decode()
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode()
        except OSError:  # not listening (yet, or any more)
            return 0, ""

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 30) -> int:
        if self.process.poll() is None:
            os.killpg(self.process.pid, sig)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        return self.process.returncode


wait_until = wait_for


@pytest.fixture
def test_settings(broker: EmbeddedBroker, tmp_path: Path) -> Settings:
    """Topic names and app id unique to the test: tests share the broker, never each other's data."""
    return isolated_settings(
        "ws", tmp_path, bootstrap_servers=broker.bootstrap, partitions=2, session_timeout_s=6.0, log_level="warning"
    )


@pytest.fixture
def start_worker(tmp_path: Path) -> Iterator[Callable[..., RunningWorker]]:
    started: list[RunningWorker] = []

    def start(settings: Settings, ready_timeout: float = 120) -> RunningWorker:
        log = tmp_path / f"worker-{len(started)}.log"
        proc = spawn_worker(settings, log)
        w = RunningWorker(settings, proc, log)
        started.append(w)
        ok = wait_until(lambda: proc.poll() is not None or w.get("/readyz")[0] == 200, ready_timeout)
        assert ok and proc.poll() is None, f"worker not ready; log:\n{log.read_text()[-3000:]}"
        return w

    yield start
    for w in started:
        w.stop()


def read_topic(
    settings: Settings, topic: str, *, until: Callable[[list[dict]], bool], timeout: float = 60
) -> list[dict]:
    """Records (decoded JSON, with their key) of a topic, read until `until` holds or time runs out."""
    from kafka import KafkaConsumer

    from workers.kafka_tools import connection_kwargs

    consumer = KafkaConsumer(
        topic,
        **connection_kwargs(settings),  # TLS and SASL too, for the tests that go through a proxy
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        group_id=None,
        consumer_timeout_ms=1000,
    )
    records: list[dict] = []
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline and not until(records):
            for msg in consumer:
                records.append({"key": msg.key, "value": orjson.loads(msg.value)})
                if until(records):
                    break
    finally:
        consumer.close()
    return records


def latest_by_key(records: list[dict]) -> dict[bytes, dict]:
    """What a compacted topic converges to: the last value per key."""
    out: dict[bytes, dict] = {}
    for r in records:
        out[r["key"]] = r["value"]
    return out
