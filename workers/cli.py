"""The `wirestream` command: worker, topics create, publish, tail, config, process, broker, demo, bench,
hardening."""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import subprocess
import sys
import tempfile
import urllib.request
from pathlib import Path

import orjson

from workers.config import CONNECTION_FIELDS, Settings
from workers.native import STALE_HINT, stale_modules
from workers.security import SecurityError, describe, preflight_tls, validate_security

DEMO_DIR = Path(__file__).parent / "demo"


def _settings(args: argparse.Namespace) -> Settings:
    """The settings of a command that talks to Kafka, checked: invalid combinations, unreadable files,
    a TLS context that cannot be built and unreadable secrets stop it here, naming the setting."""
    try:
        settings = Settings.load(args)
        warnings = validate_security(settings)
    except ValueError as exc:
        sys.exit(f"wirestream: configuration error: {exc}")
    for warning in warnings:
        print(f"wirestream: warning: {warning}", file=sys.stderr, flush=True)
    return settings


def cmd_worker(args: argparse.Namespace) -> int:
    from workers.app import create_app, run_worker  # imported here: the other commands start fast without Faust
    from workers.enrichpool import Enricher
    from workers.pipeline import freeze_what_is_built
    from workers.startup import wait_for_broker

    settings = _settings(args)
    print(f"wirestream: {describe(settings)}", file=sys.stderr, flush=True)
    wait_for_broker(settings)  # a broker that is not up yet: retry with backoff, do not exit
    preflight_tls(settings)  # a wrong CA or host name: a clear error now, not endless retries
    os.makedirs(settings.state_dir, exist_ok=True)  # RocksDB wants the directory's parents to exist
    enricher = Enricher(settings.enrich_processes, settings.max_body_bytes)
    enricher.start()  # before Faust starts (and its threads): ready then means able to answer at once
    try:
        app = create_app(settings, enricher)
        freeze_what_is_built()  # the modules and the app: a full collection walks only what the stream makes
        run_worker(app, settings)
    finally:
        enricher.close()
    return 0


def cmd_topics(args: argparse.Namespace) -> int:
    from workers.kafka_tools import create_topics

    for name, state in create_topics(_settings(args)).items():
        print(f"{name}: {state}")
    return 0


def cmd_publish(args: argparse.Namespace) -> int:
    from workers.kafka_tools import publish, read_messages

    settings = _settings(args)
    count = publish(settings, read_messages(args.files), args.topic)
    print(f"published {count} messages to {args.topic or settings.topic_raw}", file=sys.stderr)
    return 0


def cmd_tail(args: argparse.Namespace) -> int:
    from workers.kafka_tools import tail

    settings = _settings(args)
    topic = settings.topics.get(args.topic, args.topic)
    with contextlib.suppress(KeyboardInterrupt):
        tail(settings, topic, follow=not args.no_follow)
    return 0


def cmd_config(args: argparse.Namespace) -> int:
    """The effective settings (flags, then environment, then defaults) as JSON, secrets masked."""
    settings = _settings(args)
    print(orjson.dumps(settings.public_dict(), option=orjson.OPT_INDENT_2).decode())
    return 0


def cmd_hardening(args: argparse.Namespace) -> int:
    from workers.hardening import main as hardening_main

    return hardening_main(args)


def cmd_process(args: argparse.Namespace) -> int:
    from workers.pipeline import process_lines

    counts = {"enriched": 0, "event": 0, "deadletter": 0}
    events_out = open(args.events, "wb") if args.events else None  # noqa: SIM115
    dead_out = open(args.deadletters, "wb") if args.deadletters else None  # noqa: SIM115
    with open(args.input, "rb") as src, open(args.output, "wb") as out:
        for kind, payload in process_lines(src, max_body_bytes=args.max_body_bytes):
            counts[kind] += 1
            target = {"enriched": out, "event": events_out, "deadletter": dead_out}[kind]
            if target is not None:
                target.write(orjson.dumps(payload) + b"\n")
    for fh in (events_out, dead_out):
        if fh:
            fh.close()
    print(f"enriched={counts['enriched']} events={counts['event']} deadletter={counts['deadletter']}", file=sys.stderr)
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    from workers.evaluate import evaluate

    with open(args.labelled, "rb") as fh:
        report = evaluate(fh)
    print("\n".join(report.lines()))
    return 0


def cmd_broker(args: argparse.Namespace) -> int:
    from workers.broker import EmbeddedBroker

    broker = EmbeddedBroker(args.host, args.port).start()
    print(f"Tansu broker listening on {broker.bootstrap} (memory storage); Ctrl-C stops it", flush=True)
    try:
        assert broker.process is not None
        broker.process.wait()
    except KeyboardInterrupt:
        pass
    finally:
        broker.stop()
    return 0


def cmd_bench(args: argparse.Namespace) -> int:
    from workers.bench import main as bench_main

    return bench_main(args)


def _describe(event: dict) -> str:
    people = " — ".join(p["name"] for p in event["participants"])
    state = (
        f"merged into {event['merged_into']}"
        if event.get("merged_into")
        else (f"{event['num_articles']} article(s) from {event['num_sources']} source(s)")
    )
    return (
        f"call event {event['event_id']} v{event['version']}: {people} on {event['date']} "
        f"({event['medium']}, date confidence {event['date_confidence']}); topics: "
        f"{', '.join(event['topics']) or '-'}; {state}"
    )


def cmd_demo(args: argparse.Namespace) -> int:
    """The embedded default: broker, topics, worker, the seed articles, the call events, /metrics."""
    from workers.broker import EmbeddedBroker, free_port
    from workers.kafka_tools import consume, create_topics, publish, read_messages, wait_for
    from workers.processes import spawn_worker

    workdir = Path(tempfile.mkdtemp(prefix="wirestream-demo-"))
    broker = EmbeddedBroker(log_path=workdir / "broker.log").start()
    web_port = args.web_port or free_port()
    env = {
        **os.environ,
        "WIRESTREAM_BOOTSTRAP_SERVERS": broker.bootstrap,
        "WIRESTREAM_WEB_PORT": str(web_port),
        "WIRESTREAM_STATE_DIR": str(workdir / "state"),
        "WIRESTREAM_STORE": "memory",
        "WIRESTREAM_SESSION_TIMEOUT_S": "10",
        "WIRESTREAM_PARTITIONS": "2",
    }
    settings = Settings.load(environ=env)
    print(f"broker: Tansu on {broker.bootstrap} (log {workdir / 'broker.log'})", flush=True)
    worker = None
    try:
        for name, state in create_topics(settings).items():
            print(f"topic {name}: {state}", flush=True)
        worker = spawn_worker(settings, workdir / "worker.log")
        ready_url = f"http://{settings.web_host}:{web_port}/readyz"
        print(f"worker: starting (log {workdir / 'worker.log'}), waiting for {ready_url}", flush=True)
        if not wait_for(lambda: _http_ok(ready_url) or worker.poll() is not None, timeout=120):
            print("worker did not become ready within 120 s", file=sys.stderr)
            return 1
        if worker.poll() is not None:
            print(f"worker exited with {worker.returncode}; see {workdir / 'worker.log'}", file=sys.stderr)
            return 1
        seeds = sorted(str(p) for p in DEMO_DIR.glob("*.txt"))
        print(f"published {publish(settings, read_messages(seeds))} seed articles", flush=True)
        print(
            f"metrics: http://{settings.web_host}:{web_port}/metrics — call events follow; Ctrl-C stops\n", flush=True
        )
        for _key, value in consume(settings, settings.topic_events, follow=True):
            if value:
                event = orjson.loads(value)
                print(_describe(event), flush=True)
                print(orjson.dumps(event, option=orjson.OPT_INDENT_2).decode(), flush=True)
    except KeyboardInterrupt:
        print("\nstopping", flush=True)
    finally:
        if worker is not None and worker.poll() is None:
            os.killpg(worker.pid, signal.SIGTERM)
            try:
                worker.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(worker.pid, signal.SIGKILL)
        broker.stop()
    return 0


def _http_ok(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=1) as response:
            return response.status == 200
    except OSError:
        return False


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="wirestream", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("worker", help="run the Faust worker")
    Settings.add_arguments(p)
    p.set_defaults(func=cmd_worker)

    p = sub.add_parser("config", help="print the effective settings as JSON, secrets masked")
    Settings.add_arguments(p)
    p.set_defaults(func=cmd_config)

    p = sub.add_parser("topics", help="manage topics")
    topics_sub = p.add_subparsers(dest="action", required=True)
    p = topics_sub.add_parser("create", help="create the four topics (idempotent)")
    Settings.add_arguments(
        p,
        only=(
            *CONNECTION_FIELDS,
            "partitions",
            "replication_factor",
            "topic_raw",
            "topic_enriched",
            "topic_events",
            "topic_deadletter",
        ),
    )
    p.set_defaults(func=cmd_topics)

    p = sub.add_parser("publish", help="publish JSONL raw articles or plain-text files to the raw topic")
    p.add_argument("files", nargs="+")
    p.add_argument("--topic", default=None, help="another topic than the raw one")
    Settings.add_arguments(p, only=(*CONNECTION_FIELDS, "topic_raw"))
    p.set_defaults(func=cmd_publish)

    p = sub.add_parser("tail", help="print a topic's records, pretty, and follow it")
    p.add_argument("topic", help="a topic name, or raw|enriched|events|deadletter")
    p.add_argument("--no-follow", action="store_true", help="stop after 5 s without records")
    Settings.add_arguments(
        p, only=(*CONNECTION_FIELDS, "topic_raw", "topic_enriched", "topic_events", "topic_deadletter")
    )
    p.set_defaults(func=cmd_tail)

    p = sub.add_parser("process", help="batch replay through the same pipeline, no broker")
    p.add_argument("--input", required=True, help="raw articles, JSONL")
    p.add_argument("--output", required=True, help="enriched articles, JSONL, in input order")
    p.add_argument("--events", help="also write the final call events here (JSONL)")
    p.add_argument("--deadletters", help="also write dead letters here (JSONL)")
    p.add_argument("--max-body-bytes", type=int, default=Settings.max_body_bytes)
    p.set_defaults(func=cmd_process)

    p = sub.add_parser("eval", help="score entity, participant, call and date extraction on labelled examples")
    p.add_argument(
        "--labelled",
        default="tests/fixtures/labelled_calls.jsonl",
        help='JSONL of {"article": {...}, "expect": {...}} (see workers/evaluate.py)',
    )
    p.set_defaults(func=cmd_eval)

    p = sub.add_parser("broker", help="run the embedded Tansu broker on loopback")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=9092)
    p.set_defaults(func=cmd_broker)

    p = sub.add_parser("demo", help="what `make run` does: broker, worker, seeds, call events")
    p.add_argument("--web-port", type=int, default=0)
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("bench", help="benchmarks: in-process pipeline, end to end on a broker, latency, memory")
    p.add_argument(
        "--articles", type=int, default=None, help="articles per benchmark (default 5000 in-process, 3000 end to end)"
    )
    p.add_argument("--runs", type=int, default=3, help="in-process runs; the median is reported")
    p.add_argument("--rate", type=float, default=200.0, help="input rate of the latency benchmark, articles/s")
    p.add_argument("--duration", type=float, default=15.0, help="seconds of the latency benchmark")
    p.add_argument("--memory-articles", type=int, default=100_000, help="articles of the memory run (0 skips it)")
    p.add_argument("--skip-broker", action="store_true", help="only the benchmarks that need no broker")
    p.add_argument("--partitions", type=int, default=4, help="partitions of the end-to-end topics")
    p.add_argument("--seed", type=int, default=1, help="seed of the synthetic articles")
    p.add_argument("--bad-share", type=float, default=0.03, help="share of malformed messages")
    p.add_argument(
        "--enrich-processes",
        type=int,
        default=None,
        help=f"enrichment processes of the full worker (default {Settings.enrich_processes})",
    )
    p.add_argument("--json", dest="json_path", default=None, help="also write the JSON summary to this file")
    p.set_defaults(func=cmd_bench)

    p = sub.add_parser("hardening", help="worst time per article of pathological bodies through validate_and_enrich")
    p.add_argument("--size", type=int, default=None, help="bytes per body (default: the --max-body-bytes limit)")
    p.add_argument("--max-body-bytes", type=int, default=Settings.max_body_bytes)
    p.add_argument("--runs", type=int, default=3, help="runs per case; the worst is reported")
    p.add_argument("--timeout", type=float, default=120.0, help="seconds a case may take before it is stopped")
    p.add_argument("--case", action="append", dest="cases", default=None, help="only this case (repeatable)")
    p.add_argument("--json", dest="json_path", default=None, help="also write the figures to this file (JSON)")
    p.set_defaults(func=cmd_hardening)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    for name in stale_modules():  # the compiled module would run the code of its last build
        print(f"wirestream: warning: workers/{name}.py {STALE_HINT}", file=sys.stderr)
    try:
        return int(args.func(args) or 0)
    except SecurityError as exc:  # e.g. a TLS handshake the broker's certificate failed
        sys.exit(f"wirestream: {exc}")


if __name__ == "__main__":
    sys.exit(main())
