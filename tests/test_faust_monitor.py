"""The lean Faust sensor (workers/faust_monitor.py): the per-message counters count, the series it does
not keep are not exported, and the hooks Faust calls with their state accept what it passes."""

from __future__ import annotations

from faust.sensors.prometheus import FaustMetrics
from faust.types import TP
from prometheus_client import CollectorRegistry, generate_latest

from workers.faust_monitor import UNEXPORTED, lean_monitor


def test_counts_messages_and_sends_and_exports_nothing_it_does_not_keep():
    registry = CollectorRegistry()
    monitor = lean_monitor(FaustMetrics.create(registry, "faust"), registry)
    raw, repartition = TP("news.articles.raw", 0), TP("wirestream-by-block-repartition", 3)
    for tp in (raw, raw, repartition):
        monitor.on_message_in(tp, 7, object())
        state = monitor.on_stream_event_in(tp, 7, object(), object())
        monitor.on_stream_event_out(tp, 7, object(), object(), state)
        monitor.on_message_out(tp, 7, object())
    sent = monitor.on_send_initiated(object(), "news.articles.enriched", object(), 3, 100)
    monitor.on_send_completed(object(), sent, object())
    monitor.on_send_error(object(), RuntimeError("broker gone"), sent)

    def value(name: str, **labels: str) -> float | None:
        return registry.get_sample_value(name, labels)

    assert value("faust_messages_received_total") == 3
    assert value("faust_messages_received_per_topic_total", topic="news.articles.raw") == 2
    assert value("faust_messages_received_per_topic_total", topic="wirestream-by-block-repartition") == 1
    assert value("faust_topic_messages_sent_total", topic="topic.news.articles.enriched") == 1
    assert value("faust_total_sent_messages_total") == 1
    assert value("faust_total_error_messages_sent_total") == 1
    text = generate_latest(registry).decode()
    assert "faust_total_rebalances" in text  # per-rebalance series stay
    for name in ("faust_active_messages", "faust_events_runtime_ms", "faust_table_operations", "faust_total_events"):
        assert name not in text, name
    # every series the monitor does not keep is gone from the exposition
    exported = {metric.name for metric in registry.collect()}
    unexported = {getattr(FaustMetrics.create(CollectorRegistry(), "faust"), n)._name for n in UNEXPORTED}
    assert unexported and not unexported & exported
