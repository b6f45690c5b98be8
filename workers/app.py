"""The whole topology of the worker, in one file.

    raw ─▶ validate+enrich ─┬─▶ deadletter
                            └─▶ repartition by blocking key (the canonical participant set)
                                  └─▶ dedup (table per partition, changelog-backed) ─┬─▶ enriched articles
                                                                                    └─▶ call events

The agents are a thin shell: the work is in workers.pipeline and workers.dedup (pure functions).
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from contextlib import aclosing
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any

import faust
import orjson
from faust.sensors.prometheus import setup_prometheus_sensors
from faust.transport.drivers import aiokafka as faust_kafka
from faust.web import Request, Response, View

from workers import metrics
from workers.config import Settings
from workers.dedup import DecodedBlocks, assign, coverage_from_json
from workers.dedup import live_events as live_events_in
from workers.enrichpool import Enricher
from workers.faust_monitor import lean_monitor
from workers.highwaters import fetched_highwaters
from workers.pipeline import dead_letter, event_payload, finish
from workers.security import faust_credentials
from workers.validate import Rejection

log = logging.getLogger("wirestream")


def _broker_urls(servers: str) -> list[str]:
    return ["kafka://" + s.strip() for s in servers.split(",") if s.strip()]


def faust_options(settings: Settings) -> dict[str, Any]:
    """The Faust app settings of the worker; the benchmark's bare pass-through uses them too, so the
    two differ only in what their agents do."""
    return {
        "broker": _broker_urls(settings.bootstrap_servers),
        # TLS and SASL (workers/security.py): the settings the CLI's kafka-python clients use too
        "broker_credentials": faust_credentials(settings),
        "store": "rocksdb://" if settings.store == "rocksdb" else "memory://",
        "datadir": settings.state_dir,
        "processing_guarantee": settings.processing_guarantee,
        "topic_partitions": settings.partitions,
        "topic_replication_factor": settings.replication_factor,
        "topic_disable_leader": True,
        "web_bind": settings.web_host,
        "web_host": settings.web_host,
        "web_port": settings.web_port,
        "web_in_thread": False,
        # the web port serves /metrics, /healthz and /readyz only: Faust's own pages are off, among them
        # /table/ (which would serve the dedup table's contents), /router/ (the cluster's worker URLs) and
        # the statistics, graph and performance pages
        "web_tables_enabled": False,
        "web_router_enabled": False,
        "web_stats_enabled": False,
        "web_graph_enabled": False,
        "web_metrics_enabled": False,
        "broker_session_timeout": settings.session_timeout_s,
        "broker_heartbeat_interval": max(1.0, settings.session_timeout_s / 10),
        "broker_rebalance_timeout": settings.session_timeout_s,
        "consumer_auto_offset_reset": "earliest",
        # a dead letter carries the original message base64-encoded: room for the largest accepted input
        "producer_max_request_size": 8 * settings.max_body_bytes + 1_048_576,
        "producer_max_batch_size": 1_048_576,
        "consumer_max_fetch_size": 8 * settings.max_body_bytes + 1_048_576,
        "table_cleanup_interval": 60.0,
        # Faust refuses to recover a table whose local offset is past the changelog's end as the broker
        # reports it (faust-streaming issue 158). Tansu's ListOffsets end stops at the first record of a
        # partition's last batch, so a standby that kept up looked "inconsistent" and the worker never got
        # ready; the consumer below now takes the end from a Fetch (workers/highwaters.py). The check stays
        # off: a broker without storage (`make run`'s) starts empty while the state directory remains.
        "recovery_consistency_check": False,
        "key_serializer": "raw",
        "value_serializer": "raw",
    }


class _ConsumerThread(faust_kafka.AIOKafkaConsumerThread):
    def _create_worker_consumer(self, transport: faust_kafka.Transport) -> Any:
        consumer = super()._create_worker_consumer(transport)
        # Faust passes fetch_max_wait_ms=1500 and offers no setting; the fetcher is built at start()
        consumer._fetch_max_wait_ms = self.app.fetch_max_wait_ms
        return consumer

    async def _highwaters(self, partitions: list[Any]) -> Any:
        # where table recovery stops reading a changelog: Tansu's end offsets leave out the rest of a
        # partition's last batch (workers/highwaters.py)
        ends = await super()._highwaters(partitions)
        if self.consumer.in_transaction:
            return ends
        return await fetched_highwaters(self._ensure_consumer()._client, ends)


class _Consumer(faust_kafka.Consumer):
    def _new_consumer_thread(self) -> _ConsumerThread:
        return _ConsumerThread(self, loop=self.loop, beacon=self.beacon)


class _Transport(faust_kafka.Transport):
    Consumer = _Consumer


class WirestreamApp(faust.App):
    """A Faust app whose consumer waits at most `fetch_max_wait_ms` for a fetch to fill."""

    fetch_max_wait_ms = 1500

    def _new_transport(self) -> _Transport:
        return _Transport(self.conf.broker_consumer, self)


def new_app(settings: Settings, **overrides: Any) -> WirestreamApp:
    """A Faust app with the worker's settings (the worker and the bench's pass-through)."""
    app = WirestreamApp(settings.app_id, **{**faust_options(settings), **overrides})
    app.fetch_max_wait_ms = settings.fetch_max_wait_ms
    return app


def run_worker(app: faust.App, settings: Settings) -> None:
    """Run a Faust app as a worker until it is stopped (the worker and the bench's pass-through)."""
    worker = faust.Worker(app, loglevel=settings.log_level, quiet=True)
    # Faust's terminal spinner, at a level of WARN or above, sets the root logger to DEBUG so that every
    # debug record makes it spin: each message sent or fetched then builds log records nobody reads
    # (a tenth of the worker's time). No spinner, no DEBUG.
    worker.spinner = None
    worker.execute_from_commandline()


# raw messages handed to enrichment at a time, and the longest a message waits for its batch to fill
ENRICH_BATCH = 64
ENRICH_WAIT_S = 0.01


def create_app(settings: Settings, enricher: Enricher) -> faust.App:
    app = new_app(settings)
    setup_prometheus_sensors(app, pattern="/metrics", registry=metrics.REGISTRY, name_prefix="faust")
    # the same faust_* series, without Faust's per-message bookkeeping (workers/faust_monitor.py)
    app.monitor = lean_monitor(app.monitor._metrics, metrics.REGISTRY)  # Faust keeps them on its monitor only

    raw = app.topic(settings.topic_raw, key_type=bytes, value_type=bytes, partitions=settings.partitions)
    deadletters = app.topic(settings.topic_deadletter, key_type=bytes, value_type=bytes, partitions=settings.partitions)
    enriched = app.topic(settings.topic_enriched, key_type=bytes, value_type=bytes, partitions=settings.partitions)
    events = app.topic(
        settings.topic_events, key_type=bytes, value_type=bytes, partitions=settings.partitions, compacting=True
    )
    # everything that must be compared meets on one partition: keyed by the participant set
    by_block = app.topic(
        f"{settings.app_id}-dedup-repartition",
        key_type=bytes,
        value_type=bytes,
        partitions=settings.partitions,
        internal=True,
    )
    blocks = app.Table("dedup-blocks", partitions=settings.partitions, key_type=bytes, value_type=bytes)
    live_events: dict[tuple[int, bytes], int] = {}  # (partition, block) -> live events in it, when any
    decoded = DecodedBlocks()

    async def send_dead_letter(event: faust.EventT, rejection: Rejection, now: datetime) -> None:
        metrics.DEADLETTERS.labels(rejection.reason).inc()
        message = event.message
        letter = dead_letter(
            event.value,
            event.key,
            rejection,
            topic=message.topic,
            partition=message.partition,
            offset=message.offset,
            now=now,
        )
        await deadletters.send(key=event.key, value=orjson.dumps(letter))

    @app.agent(raw, name="enrich", concurrency=2)
    async def enrich_agent(stream: faust.StreamT) -> None:
        # batches, so that an enrichment process gets work enough to be worth the hand-over. Two
        # actors: one sends a batch's results on while the other's batch is being enriched (the pool
        # takes one batch at a time). The dedup step does not depend on the order reports arrive in.
        # Each event is acked once its result is sent on: take_events acks the whole batch in a
        # `finally`, so a batch cut short by a stop or a rebalance was committed half unsent (a
        # message lost in `make chaos`); unacked, it is delivered again
        async for batch in stream.noack_take(ENRICH_BATCH, within=ENRICH_WAIT_S):
            now = datetime.now(UTC)
            metrics.ARTICLES_CONSUMED.inc(len(batch))
            events = iter(batch)
            async with aclosing(enricher.stream([event.value for event in batch], now)) as chunks:
                async for outcomes in chunks:
                    # outcomes first: zip stops at their end without taking an event it would drop
                    for outcome, event in zip(outcomes, events, strict=False):
                        stage_seconds("enrich").observe(outcome.seconds)
                        for stage, seconds in outcome.stages.items():
                            stage_seconds(stage).observe(seconds)
                        result = outcome.result
                        if isinstance(result, Rejection):
                            await send_dead_letter(event, result, now)
                        else:
                            await by_block.send(key=result.key, value=result.value)
                        await stream.ack(event)

    @app.agent(by_block, name="dedup")
    async def dedup_agent(stream: faust.StreamT) -> None:
        # acked by hand once everything the article brings is sent: Faust's own ack sits in a
        # `finally` and would commit an article whose step a stop or a rebalance cut short
        manual = stream.noack()
        async for event in manual.events():
            started = time.perf_counter()
            data = orjson.loads(event.value)
            try:
                coverage = coverage_from_json(data["coverage"])
                block = decoded.get(event.key, blocks.get(event.key))
                decision = assign(block, coverage, settings.horizon_days)
            except Exception as exc:  # a bug must not stop the stream: keep the message as a dead letter
                log.exception("dedup failed for %r", event.key)
                failure = Rejection("processing_error", f"dedup: {type(exc).__name__}: {exc}"[:300])
                await send_dead_letter(event, failure, datetime.now(UTC))
                await manual.ack(event)
                continue
            encoded = orjson.dumps(block)
            blocks[event.key] = encoded
            decoded.written(event.key, encoded, block)
            # the gauge moves by this block's change: summing every block per article grows with the state
            now_live = live_events_in(block)
            was_live = live_events.pop((event.message.partition, event.key), 0)
            if now_live:
                live_events[(event.message.partition, event.key)] = now_live
            metrics.LIVE_EVENTS.inc(now_live - was_live)
            article = finish(data["payload"], decision)
            stage_seconds("dedup").observe(time.perf_counter() - started)
            await enriched.send(key=article["id"].encode(), value=orjson.dumps(article))
            _count_article(article, decision.redelivered)
            for change in decision.changes:
                payload = event_payload(change)
                await events.send(key=change["event_id"].encode(), value=orjson.dumps(payload))
                _count_event(payload, article)
            await manual.ack(event)

    @app.timer(interval=5.0)
    async def measure_lag() -> None:
        consumer = app.consumer
        assigned = consumer.assignment()
        # partitions given away in a rebalance are another worker's to report: drop their series
        metrics.CONSUMER_LAG.clear()
        mine = {tp.partition for tp in assigned if tp.topic == by_block.get_topic_name()}
        for key in [k for k in live_events if k[0] not in mine]:
            del live_events[key]
        metrics.LIVE_EVENTS.set(sum(live_events.values()))
        for tp in assigned:
            try:
                end = consumer.highwater(tp)
            except Exception:  # not yet fetched: no figure rather than a wrong one
                continue
            committed = consumer._committed_offset.get(tp)  # Faust keeps no public accessor
            if end is not None and committed is not None:
                metrics.CONSUMER_LAG.labels(tp.topic, str(tp.partition)).set(max(0, end - committed))
        metrics.READY.set(1 if _ready(app) else 0)

    @app.timer(interval=3600.0)
    async def forget_old_blocks() -> None:
        # undated non-call blocks are keyed by day and never revisited: drop them past the horizon
        cutoff = (datetime.now(UTC).date() - timedelta(days=settings.horizon_days)).isoformat()
        for key in [k for k in list(blocks.keys()) if k.startswith(b"article:") and k[8:18].decode() < cutoff]:
            del blocks[key]

    @app.page("/healthz")
    async def healthz(web: View, request: Request) -> Response:
        return web.json({"status": "alive"})

    @app.page("/readyz")
    async def readyz(web: View, request: Request) -> Response:
        ready = _ready(app)
        metrics.READY.set(1 if ready else 0)
        return web.json({"ready": ready}, status=200 if ready else 503)

    return app


stage_seconds = cache(metrics.STAGE_SECONDS.labels)  # the labelled child of each stage, looked up once


def _ready(app: faust.App) -> bool:
    try:
        assigned = bool(app.consumer.assignment())
    except Exception:
        return False
    return assigned and not app.rebalancing and app.tables.recovery.completed.is_set()


def _count_article(article: dict[str, Any], redelivered: bool) -> None:
    metrics.ARTICLES_ENRICHED.inc()
    if redelivered:
        return
    if article["duplicate_of"]:
        metrics.DUPLICATES.labels("exact").inc()
    elif article["near_duplicate_of"]:
        metrics.DUPLICATES.labels("near").inc()
    if article["call"] is not None:
        metrics.CALLS_DETECTED.inc()
    # one increment per label value, not per tag: a labelled child costs a lookup under a lock
    for kind, count in Counter(entity["type"] for entity in article["entities"]).items():
        metrics.ENTITIES_TAGGED.labels(kind).inc(count)
    for parent, count in Counter(topic["id"].split("-")[0] for topic in article["topics"]).items():
        metrics.TOPICS_TAGGED.labels(parent).inc(count)


def _count_event(payload: dict[str, Any], article: dict[str, Any]) -> None:
    if payload["merged_into"]:
        metrics.CALL_EVENTS.labels("merged").inc()
        return
    if payload["version"] == 1:
        metrics.CALL_EVENTS.labels("created").inc()
    else:
        metrics.CALL_EVENTS.labels("updated").inc()
        if payload["event_id"] == article["event_id"]:
            metrics.DUPLICATES.labels("same_call").inc()
    now = time.time()
    for since, stamp in (("published", article["published_at"]), ("ingested", article["ingested_at"])):
        ts = datetime.fromisoformat(stamp.replace("Z", "+00:00")).timestamp()
        metrics.FRESHNESS_SECONDS.labels(since).observe(max(0.0, now - ts))
