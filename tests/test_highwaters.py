"""Where a table's recovery stops reading its changelog: at the end of the partition's last record, on
the real broker the tests run against (whose ListOffsets answer leaves out the rest of the last batch)."""

from __future__ import annotations

import asyncio
import uuid

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.structs import TopicPartition

from workers.broker import EmbeddedBroker
from workers.highwaters import fetched_highwaters

pytestmark = pytest.mark.integration


async def _ends(bootstrap: str) -> tuple[dict[TopicPartition, int], dict[TopicPartition, int | None], int]:
    topic = f"hw-{uuid.uuid4().hex[:8]}"
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        await admin.create_topics([NewTopic(topic, 3, 1)])
    finally:
        await admin.close()
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, linger_ms=50)
    await producer.start()
    try:
        # partition 0: a batch of one, then one of seven, then one of three (one flush each)
        for size in (1, 7, 3):
            sent = [await producer.send(topic, b"block", partition=0) for _ in range(size)]
            await producer.flush()
        last = (await sent[-1]).offset
        await producer.send_and_wait(topic, b"block", partition=1)  # partition 1: one record; 2: none
    finally:
        await producer.stop()
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap)
    await consumer.start()
    try:
        tps = [TopicPartition(topic, p) for p in range(3)]
        listed = await consumer.end_offsets(tps)
        return listed, await fetched_highwaters(consumer._client, listed), last
    finally:
        await consumer.stop()


def test_recovery_reads_to_the_end_of_the_last_batch(broker: EmbeddedBroker) -> None:
    listed, fetched, last = asyncio.run(_ends(broker.bootstrap))
    by_partition = {tp.partition: end for tp, end in fetched.items()}
    assert last == 10
    # the end is one past the last record, whatever ListOffsets said (Tansu: the last batch's base + 1)
    assert by_partition == {0: last + 1, 1: 1, 2: 0}, f"ListOffsets said {listed}"
    # never below what ListOffsets reported
    assert all(fetched[tp] >= end for tp, end in listed.items())
