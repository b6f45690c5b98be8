"""End offsets of partitions as the Fetch API states them.

A table's new owner recovers its changelog up to the end offsets the broker reports
(ListOffsets, "latest"). Tansu, the broker of `make run` and the tests, answers that request with
the base offset of the partition's last record batch plus one, not its last offset plus one: the
rest of the last batch is left out. A worker that wrote a batch of changelog records just before
it left would have the new owner stop reading after the first of them and lose the others (a dedup
block one article short after a rebalance, `make chaos`). A Fetch response carries the partition's
high watermark as well, and Tansu gets that one right; Kafka's two answers agree, so asking both
and taking the larger costs one small request per partition at each recovery and changes nothing
on a broker without the fault.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Mapping
from typing import Any

from aiokafka.errors import KafkaError
from aiokafka.protocol.fetch import FetchRequest
from aiokafka.structs import TopicPartition

log = logging.getLogger("wirestream")

READ_UNCOMMITTED = 0  # aiokafka's isolation level code for a plain read
# the least a Fetch may ask for: the broker still returns one whole batch (a Fetch always makes progress)
PROBE_BYTES = 1
# Tansu answers a Fetch that may not wait (max wait 0, min bytes 0) with no partitions at all; one that
# waits for a byte returns at once where there are records and after WAIT_MS where a partition is empty
WAIT_MS = 100
MIN_BYTES = 1


async def fetched_highwaters(
    client: Any, ends: Mapping[TopicPartition, int | None]
) -> dict[TopicPartition, int | None]:
    """`ends` (end offsets from ListOffsets) raised to the high watermark a Fetch of each partition's
    last reported record states; a partition whose Fetch fails keeps its reported end.
    `client` is an aiokafka client (AIOKafkaClient) in the running loop."""
    by_leader: dict[int, list[TopicPartition]] = defaultdict(list)
    for tp, end in ends.items():
        if end is None:
            continue
        leader = client.cluster.leader_for_partition(tp)
        if leader is not None and leader >= 0:
            by_leader[leader].append(tp)
    out = dict(ends)
    for leader, tps in by_leader.items():
        topics: dict[str, list[tuple[int, int, int]]] = defaultdict(list)
        for tp in tps:
            topics[tp.topic].append((tp.partition, max(0, (ends[tp] or 0) - 1), PROBE_BYTES))
        request = FetchRequest(WAIT_MS, MIN_BYTES, PROBE_BYTES, READ_UNCOMMITTED, list(topics.items()))
        try:
            response = await client.send(leader, request)
        except KafkaError as exc:  # ListOffsets has just answered: keep its ends rather than fail recovery
            log.warning("high watermark fetch from broker %s failed (%r); using the listed end offsets", leader, exc)
            continue
        for topic, partitions in response.topics:
            for partition, error_code, highwater, *_ in partitions:
                tp = TopicPartition(topic, partition)
                if error_code != 0 or tp not in out:  # 0: no error
                    continue
                out[tp] = max(out[tp] or 0, highwater)
    return out
