"""The outbox's batched sends against the real broker: the same partitions, bytes and order
per partition as Faust's ``Topic.send`` one message at a time."""

from __future__ import annotations

import uuid
from collections import defaultdict

import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition

from worker.embedded_broker import create_topics
from worker.settings import Settings
from worker.stream.app import create_app
from worker.stream.codecs import CODEC
from worker.stream.outbox import publish_batched

PARTITIONS = 4


async def _read_all(bootstrap: str, topic: str, count: int) -> dict[int, list[tuple[bytes | None, bytes]]]:
    """(key, value) of every message, per partition, in offset order."""
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    await consumer.start()
    try:
        tps = [TopicPartition(topic, p) for p in range(PARTITIONS)]
        consumer.assign(tps)
        await consumer.seek_to_beginning(*tps)
        got: dict[int, list[tuple[bytes | None, bytes]]] = defaultdict(list)
        seen = 0
        for _ in range(200):  # polls with a timeout each: a deadline without sleeping
            batches = await consumer.getmany(timeout_ms=200)
            for tp, messages in batches.items():
                got[tp.partition] += [(m.key, m.value) for m in messages]
                seen += len(messages)
            if seen >= count:
                break
        assert seen == count, f"{seen} of {count} messages read"
        return dict(got)
    finally:
        await consumer.stop()


@pytest.mark.parametrize("batch_bytes", [1, 2_000, 1 << 20])  # one record a batch, several, all
async def test_batched_sends_match_topic_send(broker, tmp_path, batch_bytes):
    name = uuid.uuid4().hex[:8]
    batched_name, reference_name = f"outbox-b-{name}", f"outbox-r-{name}"
    await create_topics(broker.bootstrap, [batched_name, reference_name], PARTITIONS)
    settings = Settings(
        broker_url=broker.url, app_id=f"outbox-{name}", data_dir=tmp_path, producer_max_batch_size=batch_bytes
    )
    app = create_app(settings)
    batched = app.topic(batched_name, key_serializer="raw", value_serializer=CODEC, partitions=PARTITIONS)
    reference = app.topic(reference_name, key_serializer="raw", value_serializer=CODEC, partitions=PARTITIONS)
    # Keyed events, messages for a given partition (key dropped), an unkeyed one, raw bytes.
    items = [
        (f"article-{i}".encode(), {"article_id": f"article-{i}", "n": i, "pad": "x" * (i % 7) * 50}, None)
        for i in range(60)
    ]
    items += [(None, {"t": "batch", "items": [{"n": i}]}, i % PARTITIONS) for i in range(12)]
    items += [(b"k", b"already bytes", None)]
    await app.producer.start()
    try:
        await publish_batched(app, [(batched, key, value, partition) for key, value, partition in items])
        for key, value, partition in items:
            await reference.send(key=key, value=value, partition=partition)
        await app.producer.flush()
    finally:
        await app.producer.stop()
    got = await _read_all(broker.bootstrap, batched_name, len(items))
    assert got == await _read_all(broker.bootstrap, reference_name, len(items))
    assert sum(len(v) for v in got.values()) == len(items) and len(got) == PARTITIONS
