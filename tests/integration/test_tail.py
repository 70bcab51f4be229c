"""`copydesk tail` against a real broker: the live view's figures and the raw mode."""

from __future__ import annotations

import io
import uuid

import orjson
import pytest
from aiokafka import AIOKafkaProducer

from worker.cli import label_stream
from worker.demo.broker import create_topics
from worker.settings import Settings
from worker.tail import follow

pytestmark = pytest.mark.integration


async def publish_events(broker, samples: list[bytes], prefix: str, repeat: int = 0) -> tuple[str, list[bytes]]:
    """The samples' events (labelled offline) on a fresh output topic; the first ``repeat``
    of them published twice, as a redelivery would."""
    topic = f"{prefix}-{uuid.uuid4().hex[:8]}.labelled"
    await create_topics(broker.bootstrap, [topic], 4)
    out = io.BytesIO()
    label_stream(io.BytesIO(b"\n".join(samples)), out, io.BytesIO(), Settings())
    events = out.getvalue().splitlines()
    producer = AIOKafkaProducer(bootstrap_servers=broker.bootstrap)
    await producer.start()
    try:
        for raw in events + events[:repeat]:
            await producer.send_and_wait(topic, raw, key=orjson.loads(raw)["article_id"].encode())
    finally:
        await producer.stop()
    return topic, events


async def test_tail_follows_the_output_topic(broker, samples):
    topic, events = await publish_events(broker, samples, "tail", repeat=3)  # three redelivered: counted once
    settings = Settings(broker_url=broker.url, output_topic=topic)

    screen = io.StringIO()
    view = await follow(settings, raw=False, seconds=60, limit=len(events) + 3, out=screen)
    labels = [orjson.loads(e)["label"] for e in events]
    assert dict(view.label_counts()) == {label: labels.count(label) for label in set(labels)}
    assert view.top_stories()[0][1] == max(n for _, n in view.top_stories())
    assert "stories with most copies" in screen.getvalue() and f"{len(events)} articles" in screen.getvalue()

    raw = io.StringIO()
    await follow(settings, raw=True, seconds=60, limit=len(events), out=raw)
    assert len(raw.getvalue().splitlines()) == len(events)  # one JSON object a line
    assert {orjson.loads(line)["article_id"] for line in raw.getvalue().splitlines()} <= {
        orjson.loads(e)["article_id"] for e in events
    }


async def test_example_consumer_reads_events_from_a_real_broker(broker, samples):
    """docs/consumers.md's example, end to end: its Kafka loop upserts what it reads."""
    from tests.unit.test_consumer_example import load_example

    topic, events = await publish_events(broker, samples, "dash")
    example = load_example()
    db = example.open_db(":memory:")
    # The example runs for a fixed time (a group join on this broker takes about 5 s).
    applied = await example.consume(broker.bootstrap, topic, db, seconds=20)
    assert applied == len(events)
    assert db.execute("SELECT COUNT(*) FROM articles").fetchone()[0] == len(events)
