"""A real worker scraped by a real Prometheus server: the numbers on-call sees are the numbers of what
the worker did. Every figure is asserted through Prometheus' HTTP query API, not the worker's /metrics."""

from __future__ import annotations

import json
import shutil
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import orjson
import pytest

from tests.conftest import read_topic
from workers import __version__
from workers.broker import free_port
from workers.kafka_tools import create_topics, publish

pytestmark = pytest.mark.integration

JOB = "wirestream"
QUERY_TIMEOUT_S = 60.0  # one budget shared by every Prometheus wait of the test


def _prometheus_binary() -> str | None:
    found = shutil.which("prometheus")
    if found:
        return found
    return "/usr/bin/prometheus" if Path("/usr/bin/prometheus").is_file() else None


class Prometheus:
    """A Prometheus server on loopback and a small client of its query API."""

    def __init__(self, port: int, process: subprocess.Popen, log: Path) -> None:
        self.base_url = f"http://127.0.0.1:{port}"
        self.process = process
        self.log = log

    def get(self, path: str) -> tuple[int, bytes]:
        try:
            with urllib.request.urlopen(self.base_url + path, timeout=3) as r:
                return r.status, r.read()
        except urllib.error.HTTPError as e:
            return e.code, e.read()
        except OSError:
            return 0, b""

    def query(self, expr: str) -> list[dict]:
        """The instant vector of a PromQL expression (an empty list when nothing matches)."""
        status, body = self.get("/api/v1/query?" + urllib.parse.urlencode({"query": expr}))
        if status != 200:
            return []
        doc = json.loads(body)
        assert doc["status"] == "success", doc
        assert doc["data"]["resultType"] == "vector", doc
        return doc["data"]["result"]

    def stop(self, timeout: float = 10) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=timeout)


@pytest.fixture
def start_prometheus(tmp_path: Path) -> Iterator[Callable[[str], Prometheus]]:
    """Starts a real Prometheus scraping one target every second; stopped at teardown."""
    binary = _prometheus_binary()
    if binary is None:
        pytest.skip("the prometheus server binary is not installed (CI installs the Debian package via .ci/run)")
    started: list[Prometheus] = []

    def start(target: str, ready_timeout: float = 30) -> Prometheus:
        port = free_port()
        config = tmp_path / "prometheus.yml"
        config.write_text(
            "global:\n"
            "  scrape_interval: 1s\n"
            "  evaluation_interval: 1s\n"
            "scrape_configs:\n"
            f"  - job_name: {JOB}\n"
            "    scrape_interval: 1s\n"
            "    scrape_timeout: 1s\n"
            "    metrics_path: /metrics\n"
            "    static_configs:\n"
            f"      - targets: ['{target}']\n"
        )
        log = tmp_path / "prometheus.log"
        with log.open("wb") as fh:
            process = subprocess.Popen(
                [
                    binary,
                    f"--config.file={config}",
                    f"--storage.tsdb.path={tmp_path / 'tsdb'}",
                    f"--web.listen-address=127.0.0.1:{port}",
                    "--log.level=warn",
                ],
                stdout=fh,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
            )
        prom = Prometheus(port, process, log)
        started.append(prom)
        deadline = time.monotonic() + ready_timeout
        while time.monotonic() < deadline and process.poll() is None and prom.get("/-/ready")[0] != 200:
            time.sleep(0.2)
        assert process.poll() is None and prom.get("/-/ready")[0] == 200, (
            f"prometheus not ready; log:\n{log.read_text()[-3000:]}"
        )
        return prom

    yield start
    for prom in started:
        prom.stop()


def _call_article(article_id: str, source: str, published_at: str, title: str, body: str) -> bytes:
    return orjson.dumps(
        {
            "id": article_id,
            "source": source,
            "url": f"https://{source}/{article_id}",
            "title": title,
            "published_at": published_at,
            "body": body,
        }
    )


# Three outlets report the same call (Monday 11 March 2024) in their own words; two stories report no call.
CALL_REPORTS = [
    _call_article(
        "call-a",
        "wire-a.example",
        "2024-03-12T08:00:00Z",
        "Erdogan and Putin speak by phone",
        "Turkish President Recep Tayyip Erdoğan held a phone call with Russian President Vladimir Putin on Monday, "
        "the Turkish presidency said. The two leaders discussed the war in Ukraine and grain exports across the "
        "Black Sea.",
    ),
    _call_article(
        "call-b",
        "daily-b.example",
        "2024-03-12T10:30:00Z",
        "Putin, Erdogan discuss Black Sea",
        "Vladimir Putin spoke by telephone with his Turkish counterpart Recep Tayyip Erdoğan on Monday, the Kremlin "
        "said in a statement. They talked about energy cooperation and the situation in Ukraine.",
    ),
    _call_article(
        "call-c",
        "paper-c.example",
        "2024-03-13T07:15:00Z",
        "Leaders hold call",
        "In a telephone conversation on Monday, Russian President Vladimir Putin and Turkish President Recep Tayyip "
        "Erdoğan reviewed bilateral trade, according to officials in Ankara.",
    ),
]
UNRELATED = [
    _call_article(
        "other-1",
        "local-d.example",
        "2024-03-12T09:00:00Z",
        "Library reopens",
        "The city library reopened its doors after a long renovation, with a new reading room for children and "
        "longer opening hours.",
    ),
    _call_article(
        "other-2",
        "sport-e.example",
        "2024-03-11T18:00:00Z",
        "Marathon results",
        "Thousands of runners finished the spring marathon on a cool morning, and the winner crossed the line just "
        "over two hours after the start.",
    ),
]
INVALID = {
    "invalid_json": b'{"body": "unterminated',
    "missing_body": b'{"title": "a headline and nothing else"}',
    "invalid_utf8": b'{"body": "caf\xe9 au lait"}',
}
VALID = [*CALL_REPORTS, *UNRELATED]
# interleaved, so valid and invalid messages share partitions
MESSAGES = [CALL_REPORTS[0], INVALID["invalid_json"], UNRELATED[0], CALL_REPORTS[1]]
MESSAGES += [INVALID["missing_body"], CALL_REPORTS[2], INVALID["invalid_utf8"], UNRELATED[1]]


def test_prometheus_scrapes_what_the_worker_did(test_settings, start_worker, start_prometheus):
    assert len(MESSAGES) == 8 and sorted(MESSAGES) == sorted([*VALID, *INVALID.values()])
    create_topics(test_settings)
    worker = start_worker(test_settings)
    prom = start_prometheus(f"127.0.0.1:{test_settings.web_port}")
    publish(test_settings, MESSAGES)

    # the worker has emitted everything: 5 enriched articles, 3 dead letters, 3 changes of one call event
    enriched = read_topic(test_settings, test_settings.topic_enriched, until=lambda r: len(r) >= len(VALID))
    dead = read_topic(test_settings, test_settings.topic_deadletter, until=lambda r: len(r) >= len(INVALID))
    events = read_topic(test_settings, test_settings.topic_events, until=lambda r: len(r) >= 3)
    assert sorted(r["value"]["id"] for r in enriched) == ["call-a", "call-b", "call-c", "other-1", "other-2"]
    assert sorted(r["value"]["reason"] for r in dead) == sorted(INVALID)
    event_ids = {r["value"]["event_id"] for r in events}
    assert len(event_ids) == 1, events
    assert sorted(r["value"]["version"] for r in events) == [1, 2, 3]
    assert {r["value"]["event_id"] for r in enriched if r["value"]["id"].startswith("call-")} == event_ids

    deadline = time.monotonic() + QUERY_TIMEOUT_S

    def settle(expr: str, expected: Callable[[list[dict]], bool]) -> list[dict]:
        """Polls the query API until the result satisfies `expected` or the shared budget runs out."""
        result = prom.query(expr)
        while not expected(result) and time.monotonic() < deadline:
            time.sleep(0.5)
            result = prom.query(expr)
        return result

    def value_of(expr: str, want: float) -> float | None:
        result = settle(expr, lambda r: len(r) == 1 and float(r[0]["value"][1]) == want)
        assert len(result) <= 1, f"{expr} is not a single series: {result}"
        return float(result[0]["value"][1]) if result else None

    def context() -> str:
        ours = [line for line in worker.get("/metrics")[1].splitlines() if line.startswith("wirestream_")]
        return "worker /metrics:\n" + "\n".join(ours) + f"\nprometheus log:\n{prom.log.read_text()[-2000:]}"

    up = settle(f'up{{job="{JOB}"}}', lambda r: len(r) == 1 and r[0]["value"][1] == "1")
    assert [(s["metric"]["instance"], s["value"][1]) for s in up] == [(f"127.0.0.1:{test_settings.web_port}", "1")], (
        up,
        context(),
    )

    assert value_of("wirestream_articles_consumed_total", 8) == 8, context()
    assert value_of("wirestream_articles_enriched_total", 5) == 5, context()
    assert value_of("sum(wirestream_deadletters_total)", 3) == 3, context()
    want_reasons = {"invalid_json": 1.0, "invalid_utf8": 1.0, "missing_body": 1.0}

    def by_reason(result: list[dict]) -> dict[str, float]:
        return {s["metric"]["reason"]: float(s["value"][1]) for s in result if float(s["value"][1]) > 0}

    reasons = settle("wirestream_deadletters_total", lambda r: by_reason(r) == want_reasons)
    assert by_reason(reasons) == want_reasons, (reasons, context())
    # _count_event: version 1 is "created", every later version of a live event is "updated"
    assert value_of('wirestream_call_events_total{change="created"}', 1) == 1, context()
    assert value_of('wirestream_call_events_total{change="updated"}', 2) == 2, context()
    assert value_of('wirestream_call_events_total{change="merged"}', 0) == 0, context()
    assert value_of("wirestream_calls_detected_total", 3) == 3, context()
    # the second and third reports of the call are same-call coverage, not copies of the first
    assert value_of('wirestream_duplicates_total{kind="same_call"}', 2) == 2, context()
    assert value_of("sum(wirestream_duplicates_total)", 2) == 2, context()
    assert value_of("wirestream_live_events", 1) == 1, context()
    # the enrich stage is timed for every raw message, dead-lettered ones included
    assert value_of('wirestream_stage_duration_seconds_count{stage="enrich"}', 8) == 8, context()
    assert value_of('wirestream_stage_duration_seconds_bucket{stage="enrich",le="+Inf"}', 8) == 8, context()

    build = settle("wirestream_build_info", lambda r: len(r) == 1)
    assert [(s["metric"]["version"], s["metric"]["job"], s["value"][1]) for s in build] == [(__version__, JOB, "1")], (
        build,
        context(),
    )
    # Faust's own sensor, in the same registry: 8 raw messages, then the 5 valid ones again on the repartition topic
    assert value_of("faust_messages_received_total", 13) == 13, context()
    raw_received = f'faust_messages_received_per_topic_total{{topic="{test_settings.topic_raw}"}}'
    assert value_of(raw_received, 8) == 8, context()
