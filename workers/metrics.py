"""Every wirestream metric, each with a one-line description. Faust's own sensor adds the
`faust_*` metrics (messages, commits, rebalances, send latency) to the same registry."""

from __future__ import annotations

import platform

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

from workers import __version__

REGISTRY = CollectorRegistry(auto_describe=True)

_STAGE_BUCKETS = (0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0)
# freshness spans sub-second (live feed) to days (backfills)
_FRESHNESS_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 15, 60, 300, 900, 3600, 21600, 86400, 604800)

# Raw messages read from the input topic.
ARTICLES_CONSUMED = Counter("wirestream_articles_consumed", "Raw messages read from the input topic", registry=REGISTRY)
# Enriched articles published (every valid input ends as exactly one).
ARTICLES_ENRICHED = Counter("wirestream_articles_enriched", "Enriched articles published", registry=REGISTRY)
# Raw messages dead-lettered; reason is one of validate.REASONS.
DEADLETTERS = Counter("wirestream_deadletters", "Raw messages dead-lettered, by reason", ["reason"], registry=REGISTRY)
# Articles flagged as duplicates: exact copy, near copy (MinHash), or same-call coverage.
DUPLICATES = Counter(
    "wirestream_duplicates", "Duplicate articles, by kind (exact, near, same_call)", ["kind"], registry=REGISTRY
)
# Articles that report a call between named parties.
CALLS_DETECTED = Counter("wirestream_calls_detected", "Articles that report a call", registry=REGISTRY)
# Call-event changes published: created, updated (new coverage or a firmer date), merged.
CALL_EVENTS = Counter(
    "wirestream_call_events", "Call-event changes published, by change", ["change"], registry=REGISTRY
)
# Entity tags on enriched articles, by entity type (person, country, city, place, organisation, group).
ENTITIES_TAGGED = Counter("wirestream_entities_tagged", "Entity tags, by entity type", ["type"], registry=REGISTRY)
# Topic tags on enriched articles, by taxonomy parent (a closed set of ~10).
TOPICS_TAGGED = Counter("wirestream_topics_tagged", "Topic tags, by taxonomy parent", ["parent"], registry=REGISTRY)
# Processing time per pipeline stage: validate, entities, topics, calls, fingerprint, dedup.
STAGE_SECONDS = Histogram(
    "wirestream_stage_duration_seconds",
    "Processing time per pipeline stage",
    ["stage"],
    buckets=_STAGE_BUCKETS,
    registry=REGISTRY,
)
# From the article's publication time, or its ingest by this worker, to its call event being published.
FRESHNESS_SECONDS = Histogram(
    "wirestream_event_freshness_seconds",
    "Time from publication (since=published) or ingest (since=ingested) to event emitted",
    ["since"],
    buckets=_FRESHNESS_BUCKETS,
    registry=REGISTRY,
)
# Call events held in this worker's dedup state (bounded by the horizon).
LIVE_EVENTS = Gauge("wirestream_live_events", "Call events held in dedup state on this worker", registry=REGISTRY)
# Messages between the committed position and the end of each assigned input partition.
CONSUMER_LAG = Gauge(
    "wirestream_consumer_lag_messages",
    "Messages behind the end of each assigned partition",
    ["topic", "partition"],
    registry=REGISTRY,
)
# Processes that enrich articles beside the event loop (0: enrichment runs in the event loop).
ENRICH_PROCESSES = Gauge("wirestream_enrich_processes", "Enrichment processes of this worker", registry=REGISTRY)
# Restarts of the enrichment processes after one died (killed, out of memory, crashed on an input).
ENRICH_RESTARTS = Counter(
    "wirestream_enrich_restarts", "Restarts of the enrichment processes after one died", registry=REGISTRY
)
# 1 when partitions are assigned and tables recovered (the /readyz answer).
READY = Gauge("wirestream_ready", "1 when partitions are assigned and state is recovered", registry=REGISTRY)
# Constant 1, labelled with the running version.
BUILD_INFO = Gauge("wirestream_build_info", "Build information", ["version", "python"], registry=REGISTRY)
BUILD_INFO.labels(__version__, platform.python_version()).set(1)

for _reason in ("invalid_json", "invalid_utf8", "missing_body", "empty_body", "processing_error"):
    DEADLETTERS.labels(_reason)  # series exist at 0 so rate() works from the first scrape
for _kind in ("exact", "near", "same_call"):
    DUPLICATES.labels(_kind)
for _change in ("created", "updated", "merged"):
    CALL_EVENTS.labels(_change)
