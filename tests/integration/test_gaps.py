"""The gap filler's refetcher against the real broker: it reads exactly the offsets asked for."""

from __future__ import annotations

import uuid

from aiokafka import AIOKafkaProducer

from worker.demo.broker import create_topics
from worker.settings import Settings
from worker.stream.app import create_app
from worker.stream.gaps import Refetcher


async def test_refetcher_reads_a_range_of_offsets_from_the_broker(broker, tmp_path):
    topic = f"gaps-{uuid.uuid4().hex[:8]}"
    await create_topics(broker.bootstrap, [topic], 2)
    producer = AIOKafkaProducer(bootstrap_servers=broker.bootstrap, linger_ms=5)
    await producer.start()
    try:
        for batch in range(3):  # several record batches: a range may start and end inside one
            sent = [await producer.send(topic, b"m%d" % (batch * 4 + i), key=b"k%d" % i, partition=1) for i in range(4)]
            for fut in sent:
                await fut
    finally:
        await producer.stop()
    app = create_app(Settings(broker_url=broker.url, app_id=f"gaps-{uuid.uuid4().hex[:8]}", data_dir=tmp_path))
    refetcher = Refetcher(app, topic, timeout=30)
    try:
        got = await refetcher.fetch(1, range(3, 9))
        assert [(m.offset, m.value, m.partition, m.topic) for m in got] == [
            (o, b"m%d" % o, 1, topic) for o in range(3, 9)
        ]
        assert got[0].key == b"k3" and got[0].timestamp is not None
        again = await refetcher.fetch(1, range(1))  # the same consumer, moved back
        assert [m.value for m in again] == [b"m0"]
    finally:
        await refetcher.stop()
