"""The benchmarks behind `wirestream bench`.

1. In-process throughput on one core: `validate_and_enrich` + `BatchRun.add` over generated articles,
   per stage and in total (median of several runs).
2. End to end through an embedded Tansu broker: a bare Faust pass-through worker and the full
   `wirestream worker`, one after the other on the same broker, each on its own topics and app id;
   articles are published first, then timed from worker readiness until every output has arrived.
3. Latency at a fixed input rate through the full worker: produce -> enriched-arrival p50/p95/p99.
4. Memory: RSS of the full worker after (2) and of a fresh in-process run after many articles, and
   the dedup state size per live event.

A JSON summary goes to stdout, then one line:
    pipeline_aps=<int> passthrough_ratio=<float> p99_ms=<float> rss_mb=<float>
Progress goes to stderr. Every process started here is stopped on exit and every wait is bounded.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import math
import os
import platform
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Iterable
from dataclasses import dataclass, fields
from datetime import UTC, datetime
from pathlib import Path
from time import perf_counter
from typing import Any

import orjson

from workers.benchgen import Label, generate, generate_labelled
from workers.config import Settings
from workers.dedup import live_events
from workers.native import compiled_modules

DEFAULT_INPROCESS_ARTICLES = 5_000
DEFAULT_E2E_ARTICLES = 3_000
MAX_BODY_BYTES = Settings.max_body_bytes
STAGES = ("validate", "entities", "topics", "calls", "fingerprint", "dedup")
READY_TIMEOUT_S = 120.0
STOP_TIMEOUT_S = 20.0
MIN_E2E_RATE = 10.0  # articles/s below which an end-to-end wait gives up (bounds every wait)


def log(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


# --- small helpers --------------------------------------------------------------------------------------


def rss_mb(pid: int | str = "self", field: str = "VmRSS") -> float | None:
    """Resident set size (or another /proc status field in kB) in MiB; None where there is no /proc."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return round(int(line.split()[1]) / 1024, 1)
    except (OSError, ValueError, IndexError):
        return None
    return None


def tree_pss_mb(pid: int) -> float | None:
    """Proportional set size of a process and all its descendants (the enrichment processes and their
    fork server), in MiB: pages the processes share are counted once, split between them."""
    total = 0
    found = False
    todo = [pid]
    while todo:
        current = todo.pop()
        try:
            for line in Path(f"/proc/{current}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total += int(line.split()[1])
                    found = True
            for task in Path(f"/proc/{current}/task").iterdir():
                todo += [int(child) for child in (task / "children").read_text().split()]
        except (OSError, ValueError):
            continue  # gone meanwhile, or no /proc
    return round(total / 1024, 1) if found else None


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100) of a non-empty list."""
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[rank - 1]


def state_size(blocks: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Serialised size of the dedup blocks (as the worker stores them) per live event."""
    call_bytes = article_bytes = live = events = 0
    for key, block in blocks.items():
        size = len(orjson.dumps(block))
        if key.startswith("call:"):
            call_bytes += size
        else:
            article_bytes += size
        events += len(block["events"])
        live += live_events(block)
    total = call_bytes + article_bytes
    return {
        "blocks": len(blocks),
        "bytes_total": total,
        "bytes_call_blocks": call_bytes,
        "bytes_article_blocks": article_bytes,
        "events_in_state": events,
        "live_events": live,
        "bytes_per_live_event": round(total / live, 1) if live else None,
        "call_block_bytes_per_live_event": round(call_bytes / live, 1) if live else None,
    }


def summary_line(summary: dict[str, Any]) -> str:
    """The last line of the output: the four headline figures (nan where a part was skipped)."""

    def num(value: Any) -> float:
        return float(value) if isinstance(value, int | float) else math.nan

    aps = summary.get("in_process", {}).get("articles_per_s")
    ratio = summary.get("end_to_end", {}).get("passthrough_ratio")
    p99 = summary.get("latency", {}).get("p99_ms")
    rss = summary.get("memory", {}).get("full_worker_rss_mb")
    return (
        f"pipeline_aps={int(aps) if isinstance(aps, int | float) else 0} passthrough_ratio={num(ratio):.2f} "
        f"p99_ms={num(p99):.1f} rss_mb={num(rss):.1f}"
    )


# --- 1. in-process throughput ---------------------------------------------------------------------------


def _pipeline():
    from workers.pipeline import BatchRun, validate_and_enrich
    from workers.validate import Rejection

    return BatchRun, validate_and_enrich, Rejection


def _warm_up(now: datetime) -> None:
    """Load the knowledge base, matchers and detectors before anything is timed."""
    from workers.pipeline import warm_up

    warm_up()  # as a worker starts: the knowledge base built and frozen out of the collector's passes
    _, validate_and_enrich, _ = _pipeline()
    for value in generate(40, seed=9_999, bad_share=0.0, id_prefix="warm"):
        validate_and_enrich(value, now, MAX_BODY_BYTES)


def _one_run(messages: list[bytes], now: datetime) -> tuple[dict[str, Any], Any, list[tuple[int, Any]]]:
    BatchRun, validate_and_enrich, Rejection = _pipeline()
    timings: dict[str, float] = {}
    run = BatchRun()
    enrich_total = dedup = 0.0
    rejected = 0
    outputs: list[tuple[int, Any]] = []
    gc.collect()
    started = perf_counter()
    for index, value in enumerate(messages):
        t0 = perf_counter()
        result = validate_and_enrich(value, now, MAX_BODY_BYTES, timings)
        t1 = perf_counter()
        enrich_total += t1 - t0
        if isinstance(result, Rejection):
            rejected += 1
            continue
        article, _ = run.add(result)
        dedup += perf_counter() - t1
        outputs.append((index, (article, result.payload["call"])))
    total = perf_counter() - started
    # validate_and_enrich times entities/topics/calls/fingerprint itself; the rest of its time is
    # validation and normalisation (plus the payload assembly that follows the timed stages)
    seconds = {"validate": enrich_total - sum(timings.values()), **timings, "dedup": dedup}
    return {"total_s": total, "stage_s": seconds, "rejected": rejected}, run, outputs


def _quality(labels: list[Label], outputs: list[tuple[int, Any]], run: Any) -> dict[str, Any]:
    """How the pipeline's answers compare with the generator's ground truth (not timed)."""
    from workers.benchgen import LEADERS

    right = wrong_day = wrong_people = missed = false_calls = calls = 0
    events_of_call: dict[str, set[str]] = {}
    for index, (article, call) in outputs:
        label = labels[index]
        if label.kind != "call":
            false_calls += call is not None
            continue
        calls += 1
        if call is None:
            missed += 1
            continue
        pair, day, _medium = label.call.split(":")
        if {p["name"] for p in call["participants"]} != {LEADERS[k].name for k in pair.split("+")}:
            wrong_people += 1
            continue
        if call["date"] != day:
            wrong_day += 1
        else:
            right += 1
        final = run.final_event_id(article["event_id"])
        events_of_call.setdefault(label.call, set()).add(final)
    calls_of_event: dict[str, set[str]] = {}
    for call_key, events in events_of_call.items():
        for event in events:
            calls_of_event.setdefault(event, set()).add(call_key)
    return {
        "call_articles": calls,
        "participants_and_day_right": right,
        "day_wrong": wrong_day,
        "participants_wrong": wrong_people,
        "call_missed": missed,
        "false_calls_in_other_news": false_calls,
        "true_calls": len({labels[i].call for i, _ in outputs if labels[i].call}),
        "calls_split_over_events": sum(1 for events in events_of_call.values() if len(events) > 1),
        "events_merging_calls": sum(1 for calls_ in calls_of_event.values() if len(calls_) > 1),
    }


def inprocess_throughput(articles: int, runs: int, seed: int, bad_share: float) -> dict[str, Any]:
    log(f"in-process: generating {articles} articles")
    labelled = list(generate_labelled(articles, seed, bad_share))
    messages = [value for value, _ in labelled]
    labels = [label for _, label in labelled]
    now = datetime.now(UTC)
    _warm_up(now)
    results = []
    run = outputs = None
    for number in range(runs):
        result, run, outputs = _one_run(messages, now)
        results.append(result)
        log(f"in-process run {number + 1}/{runs}: {articles / result['total_s']:.0f} articles/s")
    assert run is not None and outputs is not None
    valid = articles - results[0]["rejected"]
    stages: dict[str, Any] = {}
    median_total = statistics.median(r["total_s"] for r in results)
    for stage in STAGES:
        secs = statistics.median(r["stage_s"].get(stage, 0.0) for r in results)
        handled = articles if stage == "validate" else valid
        stages[stage] = {
            "seconds": round(secs, 3),
            "articles_per_s": round(handled / secs, 1) if secs > 0 else None,
            "ms_per_article": round(1000 * secs / handled, 3) if handled else None,
            "share_of_total": round(secs / median_total, 3),
        }
    overhead = median_total - sum(s["seconds"] for s in stages.values())
    return {
        "articles": articles,
        "valid_articles": valid,
        "rejected": results[0]["rejected"],
        "mean_message_bytes": round(sum(len(m) for m in messages) / len(messages)),
        "runs": runs,
        "articles_per_s": round(articles / median_total, 1),
        "best_articles_per_s": round(articles / min(r["total_s"] for r in results), 1),
        "runs_articles_per_s": [round(articles / r["total_s"], 1) for r in results],
        "stages": stages,
        "loop_overhead_s": round(overhead, 3),
        "state": state_size(run.blocks),
        "quality": _quality(labels, outputs, run),
    }


# --- 1b. extraction alone, on 3 KB English articles ------------------------------------------------------

EXTRACTION_STAGES = ("entities", "topics", "calls")  # entity linking (with language detection), topics, calls
EXTRACTION_BODY = (2_560, 3_584)  # characters: "3 KB" articles


def extraction_throughput(pool: int, runs: int, seed: int) -> dict[str, Any]:
    """Entity + topic + call extraction on one core for 3 KB English articles (the generator writes
    English): the enrichment stages timed alone, median of `runs` passes over the same articles."""
    from workers.pipeline import enrich
    from workers.validate import Rejection, validate

    now = datetime.now(UTC)
    articles = [
        a
        for a in (validate(value, now, MAX_BODY_BYTES) for value in generate(pool, seed, bad_share=0.0))
        if not isinstance(a, Rejection) and EXTRACTION_BODY[0] <= len(a.body) <= EXTRACTION_BODY[1]
    ]
    _warm_up(now)
    passes = []
    for _ in range(runs):
        timings: dict[str, float] = {}
        gc.collect()
        for article in articles:
            enrich(article, timings)
        passes.append(timings)
    pass_seconds = [sum(t[s] for s in EXTRACTION_STAGES) for t in passes]
    per_stage = {s: round(1e6 * statistics.median(t[s] for t in passes) / len(articles), 1) for s in EXTRACTION_STAGES}
    return {
        "articles": len(articles),
        "mean_body_chars": round(sum(len(a.body) for a in articles) / len(articles)),
        "runs": runs,
        "articles_per_s": round(len(articles) / statistics.median(pass_seconds), 1),
        # on a shared machine other work only ever slows a pass down: the fastest is the least disturbed
        "best_articles_per_s": round(len(articles) / min(pass_seconds), 1),
        "runs_articles_per_s": [round(len(articles) / s, 1) for s in pass_seconds],
        "us_per_article": per_stage,
    }


# --- 4b. in-process memory (run in a fresh process) -----------------------------------------------------


def memory_run(articles: int, seed: int, bad_share: float) -> dict[str, Any]:
    BatchRun, validate_and_enrich, Rejection = _pipeline()
    now = datetime.now(UTC)
    _warm_up(now)
    gc.collect()
    baseline = rss_mb()
    run = BatchRun()
    written: list[int] = []  # bytes of the block each article leaves: what the worker writes to its changelog
    measuring = 0.0
    started = perf_counter()
    for value in generate(articles, seed, bad_share):
        result = validate_and_enrich(value, now, MAX_BODY_BYTES)
        if not isinstance(result, Rejection):
            run.add(result)
            t0 = perf_counter()
            written.append(len(orjson.dumps(run.blocks[result.coverage.block])))
            measuring += perf_counter() - t0
    elapsed = perf_counter() - started - measuring
    gc.collect()
    return {
        "articles": articles,
        "seconds": round(elapsed, 1),
        "articles_per_s": round(articles / elapsed, 1),
        "rss_baseline_mb": baseline,
        "rss_mb": rss_mb(),
        "rss_peak_mb": rss_mb(field="VmHWM"),
        "events_kept_by_batch_run": len(run.events),
        "state": state_size(run.blocks),
        "changelog_bytes_per_article": round(statistics.mean(written)) if written else None,
        "changelog_bytes_per_article_max": max(written, default=None),
    }


def inprocess_memory(articles: int, seed: int, bad_share: float) -> dict[str, Any]:
    log(f"memory: {articles} articles through the pipeline in a fresh process")
    timeout = 120 + articles / 50  # at least 50 articles/s, or the run is abandoned
    cmd = [sys.executable, "-m", "workers.bench", "memory", "--articles", str(articles), "--seed", str(seed)]
    cmd += ["--bad-share", str(bad_share)]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _stop(proc)
        raise RuntimeError(f"the memory run did not finish within {timeout:.0f} s") from None
    finally:
        _stop(proc)
    if proc.returncode != 0:
        raise RuntimeError(f"the memory run failed ({proc.returncode}): {err.decode()[-2000:]}")
    return orjson.loads(out.splitlines()[-1])


# --- processes ------------------------------------------------------------------------------------------


def _stop(proc: subprocess.Popen, timeout: float = STOP_TIMEOUT_S) -> None:
    """SIGTERM the process group (start_new_session=True), then SIGKILL if it lingers."""
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=timeout)
    except ProcessLookupError:
        pass
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=timeout)


def _env(settings: Settings) -> dict[str, str]:
    own = {Settings.env_name(f.name) for f in fields(Settings)}
    env = {k: v for k, v in os.environ.items() if k not in own}
    for f in fields(Settings):
        env[Settings.env_name(f.name)] = str(getattr(settings, f.name))
    return env


def _http_ok(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=1) as response:
            return response.status == 200
    except OSError:
        return False


@dataclass
class _Worker:
    name: str
    settings: Settings
    process: subprocess.Popen
    log: Path

    def wait_ready(self, timeout: float = READY_TIMEOUT_S) -> float:
        """Poll /readyz; the wall-clock time it first answered 200."""
        url = f"http://{self.settings.web_host}:{self.settings.web_port}/readyz"
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.process.returncode}; log:\n{self.tail()}")
            if _http_ok(url):
                return time.time()
            time.sleep(0.05)
        raise RuntimeError(f"{self.name} was not ready within {timeout:.0f} s; log:\n{self.tail()}")

    def tail(self) -> str:
        try:
            return self.log.read_text(errors="replace")[-3000:]
        except OSError:
            return ""


class _Processes:
    """Every process the benchmarks start, stopped in reverse order on exit."""

    def __init__(self) -> None:
        self.started: list[subprocess.Popen] = []

    def start(self, name: str, cmd: list[str], settings: Settings, log_path: Path) -> _Worker:
        with log_path.open("wb") as fh:
            proc = subprocess.Popen(
                cmd, env=_env(settings), stdout=fh, stderr=subprocess.STDOUT, start_new_session=True
            )
        self.started.append(proc)
        return _Worker(name, settings, proc, log_path)

    def stop_all(self) -> None:
        for proc in reversed(self.started):
            _stop(proc)


# --- 2. end to end --------------------------------------------------------------------------------------


def _settings(bootstrap: str, role: str, workdir: Path, partitions: int, **more: Any) -> Settings:
    from workers.processes import isolated_settings

    return isolated_settings(
        f"bench-{role}",
        workdir,
        bootstrap_servers=bootstrap,
        partitions=partitions,
        **more,
        store="memory",
        session_timeout_s=6.0,
        log_level="warning",
    )


def _create(settings: Settings, names: Iterable[str]) -> None:
    from kafka.admin import KafkaAdminClient, NewTopic

    admin = KafkaAdminClient(bootstrap_servers=settings.bootstrap_servers, client_id="wirestream-bench")
    try:
        admin.create_topics([NewTopic(name, settings.partitions, settings.replication_factor) for name in names])
    finally:
        admin.close()


def _publish(settings: Settings, topic: str, messages: list[tuple[bytes, bytes]]) -> float:
    from kafka import KafkaProducer

    producer = KafkaProducer(
        bootstrap_servers=settings.bootstrap_servers, acks="all", linger_ms=5, max_request_size=16 * 1_048_576
    )
    started = perf_counter()
    try:
        for key, value in messages:
            producer.send(topic, key=key, value=value)
        producer.flush(timeout=120)
    finally:
        producer.close(timeout=10)
    return perf_counter() - started


def _await_outputs(
    settings: Settings, topics: list[str], keys: set[bytes], worker: _Worker, timeout: float
) -> dict[str, Any]:
    """Read the output topics from the start until every key has arrived (or time runs out)."""
    from kafka import KafkaConsumer

    consumer = KafkaConsumer(
        *topics,
        bootstrap_servers=settings.bootstrap_servers,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        group_id=None,
        fetch_max_wait_ms=100,
    )
    seen: set[bytes] = set()
    records = first_ts = last_ts = 0
    last_arrival = 0.0
    deadline = time.monotonic() + timeout
    try:
        while len(seen) < len(keys) and time.monotonic() < deadline:
            if worker.process.poll() is not None:
                raise RuntimeError(f"{worker.name} exited with {worker.process.returncode}; log:\n{worker.tail()}")
            batch = consumer.poll(timeout_ms=200, max_records=5000)
            arrival = time.time()
            for messages in batch.values():
                for message in messages:
                    records += 1
                    if message.key in keys and message.key not in seen:
                        seen.add(message.key)
                        last_arrival = arrival
                        if message.timestamp and message.timestamp > 0:
                            first_ts = min(first_ts or message.timestamp, message.timestamp)
                            last_ts = max(last_ts, message.timestamp)
    finally:
        consumer.close()
    return {
        "arrived": len(seen),
        "records": records,
        "first_record_ts": first_ts / 1000 if first_ts else None,
        "last_record_ts": last_ts / 1000 if last_ts else None,
        "last_arrival": last_arrival,
    }


def _throughput(name: str, worker: _Worker, arrived: dict[str, Any], ready_at: float, expected: int) -> dict:
    # the worker's own produce timestamps say when the last output was written; the arrival time at
    # this consumer is the fallback (and adds up to one poll interval)
    done = arrived["last_record_ts"] or arrived["last_arrival"]
    elapsed = done - ready_at
    out = {
        "expected_outputs": expected,
        "outputs": arrived["arrived"],
        "output_records": arrived["records"],
        "seconds_ready_to_last_output": round(elapsed, 3),
        "articles_per_s": round(arrived["arrived"] / elapsed, 1) if elapsed > 0 else None,
    }
    if arrived["first_record_ts"] and arrived["last_record_ts"]:
        span = arrived["last_record_ts"] - arrived["first_record_ts"]
        out["seconds_ready_to_first_output"] = round(arrived["first_record_ts"] - ready_at, 3)
        out["articles_per_s_first_to_last_output"] = round((arrived["arrived"] - 1) / span, 1) if span > 0 else None
    if arrived["arrived"] < expected:
        log(f"{name}: only {arrived['arrived']}/{expected} outputs arrived in time")
    return out


def end_to_end(
    procs: _Processes,
    bootstrap: str,
    workdir: Path,
    articles: int,
    seed: int,
    bad_share: float,
    partitions: int,
    enrich_processes: int = Settings.enrich_processes,
) -> tuple[dict[str, Any], _Worker]:
    """Pass-through worker, then the full worker (left running for the latency benchmark)."""
    labelled = list(generate_labelled(articles, seed, bad_share))
    messages = [(label.id.encode(), value) for value, label in labelled]
    keys = {key for key, _ in messages}
    wait = READY_TIMEOUT_S + articles / MIN_E2E_RATE

    # (a) a bare Faust worker that forwards every message unchanged
    pt = _settings(bootstrap, "passthrough", workdir, partitions)
    _create(pt, (pt.topic_raw, pt.topic_enriched))
    publish_s = _publish(pt, pt.topic_raw, messages)
    log(f"passthrough: published {articles} articles in {publish_s:.1f} s; starting the worker")
    worker = procs.start(
        "passthrough worker", [sys.executable, "-m", "workers.bench", "passthrough"], pt, workdir / "passthrough.log"
    )
    ready = worker.wait_ready()
    arrived = _await_outputs(pt, [pt.topic_enriched], keys, worker, wait)
    passthrough = _throughput("passthrough", worker, arrived, ready, articles)
    passthrough["rss_mb"] = rss_mb(worker.process.pid)
    passthrough["publish_s"] = round(publish_s, 2)
    _stop(worker.process)
    log(f"passthrough: {passthrough['articles_per_s']} articles/s")

    # (b) the full worker
    from workers.kafka_tools import create_topics

    full_settings = _settings(bootstrap, "full", workdir, partitions, enrich_processes=enrich_processes)
    create_topics(full_settings)
    publish_s = _publish(full_settings, full_settings.topic_raw, messages)
    log(f"full worker: published {articles} articles in {publish_s:.1f} s; starting the worker")
    full = procs.start(
        "full worker", [sys.executable, "-m", "workers.cli", "worker"], full_settings, workdir / "worker.log"
    )
    ready = full.wait_ready()
    outputs = [full_settings.topic_enriched, full_settings.topic_deadletter]
    arrived = _await_outputs(full_settings, outputs, keys, full, wait)
    result = _throughput("full worker", full, arrived, ready, articles)
    result["publish_s"] = round(publish_s, 2)
    log(f"full worker: {result['articles_per_s']} articles/s")
    ratio = None
    if result["articles_per_s"] and passthrough["articles_per_s"]:
        ratio = round(result["articles_per_s"] / passthrough["articles_per_s"], 3)
    summary = {
        "articles": articles,
        "partitions": partitions,
        "enrich_processes": enrich_processes,
        "passthrough": passthrough,
        "full": result,
        "passthrough_ratio": ratio,
    }
    return summary, full


# --- 3. latency -----------------------------------------------------------------------------------------


def latency(worker: _Worker, rate: float, duration: float, seed: int, bad_share: float) -> dict[str, Any]:
    from kafka import KafkaConsumer, KafkaProducer, TopicPartition

    settings = worker.settings
    count = max(1, int(rate * duration))
    labelled = list(generate_labelled(count, seed, bad_share, id_prefix="latency"))
    messages = [(label.id.encode(), value) for value, label in labelled]
    expected = {label.id.encode() for _, label in labelled if label.kind != "bad"}

    consumer = KafkaConsumer(
        bootstrap_servers=settings.bootstrap_servers,
        enable_auto_commit=False,
        group_id=None,
        fetch_max_wait_ms=20,
    )
    partitions = [TopicPartition(settings.topic_enriched, p) for p in range(settings.partitions)]
    consumer.assign(partitions)
    consumer.seek_to_end(*partitions)
    for tp in partitions:
        consumer.position(tp)  # resolve the end offsets now, before anything is produced
    producer = KafkaProducer(bootstrap_servers=settings.bootstrap_servers, acks="all", linger_ms=0)
    produced: dict[bytes, float] = {}
    sent = {"first": 0.0, "last": 0.0, "late": 0}
    stop = threading.Event()

    def produce() -> None:
        start = time.monotonic()
        sent["first"] = time.time()
        for i, (key, value) in enumerate(messages):
            if stop.is_set():
                return
            delay = start + i / rate - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            elif delay < -0.05:
                sent["late"] += 1
            produced[key] = time.time()
            producer.send(settings.topic_raw, key=key, value=value)
        sent["last"] = time.time()
        producer.flush(timeout=30)

    log(f"latency: {count} articles at {rate:g}/s to the full worker")
    thread = threading.Thread(target=produce, name="bench-producer", daemon=True)
    arrival_ms: list[float] = []
    written_ms: list[float] = []
    seen: set[bytes] = set()
    deadline = time.monotonic() + duration + 60
    try:
        thread.start()
        while len(seen) < len(expected) and time.monotonic() < deadline:
            if worker.process.poll() is not None:
                raise RuntimeError(f"the full worker exited; log:\n{worker.tail()}")
            batch = consumer.poll(timeout_ms=50)
            arrival = time.time()
            for records in batch.values():
                for record in records:
                    key = record.key
                    if key in expected and key not in seen and key in produced:
                        seen.add(key)
                        arrival_ms.append(1000 * (arrival - produced[key]))
                        if record.timestamp and record.timestamp > 0:
                            written_ms.append(record.timestamp - 1000 * produced[key])
    finally:
        stop.set()
        thread.join(timeout=duration + 30)
        producer.close(timeout=10)
        consumer.close()
    result: dict[str, Any] = {
        "rate_target": rate,
        "duration_s": duration,
        "produced": len(produced),
        "rate_achieved": round(len(produced) / (sent["last"] - sent["first"]), 1)
        if sent["last"] > sent["first"]
        else None,
        "sends_behind_schedule": sent["late"],
        "expected_enriched": len(expected),
        "received_enriched": len(seen),
    }
    if arrival_ms:
        result.update(
            {
                "p50_ms": round(percentile(arrival_ms, 50), 1),
                "p95_ms": round(percentile(arrival_ms, 95), 1),
                "p99_ms": round(percentile(arrival_ms, 99), 1),
                "max_ms": round(max(arrival_ms), 1),
            }
        )
    if written_ms:  # produce -> the worker's write of the enriched record, without this consumer's fetch
        result["written_p50_ms"] = round(percentile(written_ms, 50), 1)
        result["written_p99_ms"] = round(percentile(written_ms, 99), 1)
    if len(seen) < len(expected):
        log(f"latency: only {len(seen)}/{len(expected)} enriched articles arrived in time")
    return result


# --- the pass-through worker ----------------------------------------------------------------------------


def passthrough_app(settings: Settings):
    """A bare Faust app with the worker's own settings: consume raw, produce each message unchanged."""
    from faust.web import Request, Response, View

    from workers.app import _ready, new_app

    app = new_app(settings, store="memory://")
    source = app.topic(settings.topic_raw, key_type=bytes, value_type=bytes, partitions=settings.partitions)
    sink = app.topic(settings.topic_enriched, key_type=bytes, value_type=bytes, partitions=settings.partitions)

    @app.agent(source, name="passthrough")
    async def forward(stream) -> None:
        async for event in stream.events():
            await sink.send(key=event.key, value=event.value)

    @app.page("/readyz")
    async def readyz(web: View, request: Request) -> Response:
        ready = _ready(app)
        return web.json({"ready": ready}, status=200 if ready else 503)

    return app


def run_passthrough() -> int:
    from workers.app import run_worker

    settings = Settings.load()
    run_worker(passthrough_app(settings), settings)
    return 0


# --- the command ----------------------------------------------------------------------------------------


def _environment() -> dict[str, Any]:
    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "cpus_usable": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "load_average_at_start": _load_average(),
        # modules running as mypyc extensions (setup.py); none when installed as pure Python
        "compiled_modules": [name for name, stale in compiled_modules().items() if not stale],
    }


def _load_average() -> list[float] | None:
    """1/5/15-minute load: other work on the machine skews every figure here."""
    try:
        return [round(v, 2) for v in os.getloadavg()]
    except OSError:
        return None


def _raise_on_sigterm(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt  # so that every `finally` runs and every started process is stopped


def main(args: argparse.Namespace) -> int:
    articles = getattr(args, "articles", None)
    inprocess_n = articles or DEFAULT_INPROCESS_ARTICLES
    e2e_n = articles or DEFAULT_E2E_ARTICLES
    runs = max(1, getattr(args, "runs", 3) or 1)
    rate = getattr(args, "rate", 200.0) or 200.0
    duration = getattr(args, "duration", 15.0) or 15.0
    memory_n = getattr(args, "memory_articles", 100_000)
    seed = getattr(args, "seed", 1)
    bad_share = getattr(args, "bad_share", 0.03)
    partitions = getattr(args, "partitions", 4) or 4
    skip_broker = bool(getattr(args, "skip_broker", False))
    enrich_processes = getattr(args, "enrich_processes", None)
    if enrich_processes is None:
        enrich_processes = Settings.enrich_processes

    summary: dict[str, Any] = {
        "environment": _environment(),
        "config": {
            "articles_in_process": inprocess_n,
            "articles_end_to_end": None if skip_broker else e2e_n,
            "runs": runs,
            "rate": rate,
            "duration_s": duration,
            "memory_articles": memory_n,
            "seed": seed,
            "bad_share": bad_share,
            "enrich_processes": enrich_processes,
        },
    }
    previous = signal.signal(signal.SIGTERM, _raise_on_sigterm)
    procs = _Processes()
    broker = None
    try:
        summary["in_process"] = inprocess_throughput(inprocess_n, runs, seed, bad_share)
        summary["extraction"] = extraction_throughput(inprocess_n, max(runs, 5), seed)
        extraction = summary["extraction"]
        log(
            f"extraction (3 KB English): {extraction['articles_per_s']:.0f} articles/s"
            f" (median of {extraction['runs']} passes; fastest {extraction['best_articles_per_s']:.0f})"
        )
        if not skip_broker:
            from workers.broker import EmbeddedBroker

            workdir = Path(tempfile.mkdtemp(prefix="wirestream-bench-"))
            broker = EmbeddedBroker(log_path=workdir / "broker.log").start()
            log(f"broker: Tansu on {broker.bootstrap} (logs in {workdir})")
            e2e, full = end_to_end(
                procs, broker.bootstrap, workdir, e2e_n, seed, bad_share, partitions, enrich_processes
            )
            summary["end_to_end"] = e2e
            summary["memory"] = {
                "full_worker_rss_mb": rss_mb(full.process.pid),
                # the worker with its enrichment processes, shared pages counted once
                "full_worker_and_children_pss_mb": tree_pss_mb(full.process.pid),
            }
            summary["latency"] = latency(full, rate, duration, seed + 1, bad_share)
            summary["memory"]["full_worker_rss_after_latency_mb"] = rss_mb(full.process.pid)
            summary["memory"]["full_worker_rss_peak_mb"] = rss_mb(full.process.pid, "VmHWM")
            summary["memory"]["full_worker_and_children_pss_after_latency_mb"] = tree_pss_mb(full.process.pid)
            procs.stop_all()
        if memory_n and memory_n > 0:
            summary.setdefault("memory", {})["in_process"] = inprocess_memory(memory_n, seed, bad_share)
    except KeyboardInterrupt:
        log("interrupted: stopping everything started")
        return 130
    finally:
        procs.stop_all()
        if broker is not None:
            broker.stop()
        signal.signal(signal.SIGTERM, previous)

    summary["environment"]["load_average_at_end"] = _load_average()
    text = orjson.dumps(summary, option=orjson.OPT_INDENT_2).decode()
    json_path = getattr(args, "json_path", None)
    if json_path:
        Path(json_path).write_text(text + "\n")
    print(text)
    print(summary_line(summary), flush=True)
    return 0


def _internal(argv: list[str]) -> int:
    """`python -m workers.bench passthrough|memory`: the processes the benchmarks start."""
    parser = argparse.ArgumentParser(prog="python -m workers.bench")
    sub = parser.add_subparsers(dest="role", required=True)
    sub.add_parser("passthrough", help="the bare Faust pass-through worker (settings from WIRESTREAM_*)")
    p = sub.add_parser("memory", help="stream articles through the pipeline; print RSS and state as JSON")
    p.add_argument("--articles", type=int, default=100_000)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--bad-share", type=float, default=0.03)
    args = parser.parse_args(argv)
    if args.role == "passthrough":
        return run_passthrough()
    print(orjson.dumps(memory_run(args.articles, args.seed, args.bad_share)).decode(), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(_internal(sys.argv[1:]))
