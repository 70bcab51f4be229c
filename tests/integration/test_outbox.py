"""The outbox's batched sends against the real broker: the same partitions, bytes and order
per partition as Faust's ``Topic.send`` one message at a time, and as its tables' changelog."""

from __future__ import annotations

import uuid
from collections import defaultdict

import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition
from faust.types import TP

from worker.demo.broker import create_topics
from worker.settings import Settings
from worker.stream.app import create_app
from worker.stream.codecs import CODEC
from worker.stream.outbox import publish_batched
from worker.stream.tables import TableWrites, declare_table

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


async def test_table_writes_are_the_changelog_records_faust_writes(broker, tmp_path, monkeypatch):
    """``TableWrites`` through the outbox's batches against Faust's own per-key changelog
    sends: the same records on the same partitions in the same order, deletes as tombstones,
    and the last offset of each partition handed to the store (where a persistent one starts
    its recovery)."""
    name = uuid.uuid4().hex[:8]
    settings = Settings(broker_url=broker.url, app_id=f"tables-{name}", data_dir=tmp_path, partitions=PARTITIONS)
    app = create_app(settings)
    table = declare_table(app)
    reference = app.Table("reference", partitions=PARTITIONS, schema=table.schema, use_partitioner=True)
    changelogs = [t.changelog_topic.get_topic_name() for t in (table, reference)]
    await create_topics(broker.bootstrap, changelogs, PARTITIONS)
    persisted: dict[TP, int] = {}
    monkeypatch.setattr(table.data, "set_persisted_offset", lambda tp, offset: persisted.__setitem__(tp, offset))
    writes = TableWrites(table)
    records = {f"article-{i}": {"id": f"article-{i}", "n": i, "sig": "x" * (i % 5) * 100} for i in range(40)}
    await app.producer.start()  # Faust's table writes need it
    try:
        for key, record in records.items():
            writes[key] = record
            reference[key] = record
        for key in list(records)[::8]:  # deleted after being written: the tombstone comes after
            del writes[key]
            del reference[key]
        sends = writes.take()
        assert writes.take() == []  # taken once
        offsets = await publish_batched(app, sends)
        writes.written(offsets)
        await app.producer.flush()  # the reference table's writes
    finally:
        await app.producer.stop()
    got = await _read_all(broker.bootstrap, changelogs[0], len(sends))
    assert got == await _read_all(broker.bootstrap, changelogs[1], len(sends))
    assert sum(value is None for messages in got.values() for _, value in messages) == 5
    assert dict(writes.items()) == dict(reference.items()) and len(writes) == 35
    last = {TP(changelogs[0], p): len(messages) - 1 for p, messages in got.items()}
    assert offsets == last and persisted == last
