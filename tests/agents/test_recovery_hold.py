"""What Faust 0.15 does with input delivered while it seeks after a recovery, and the hold
that keeps it (``compat.recovery.hold_deliveries``).  Through Faust's own conductor, no broker."""

from __future__ import annotations

import asyncio
from pathlib import Path

from faust.types import TP, Message

from worker.settings import Settings
from worker.stream.agents import build_pipeline
from worker.stream.app import create_app
from worker.stream.compat.recovery import hold_deliveries


async def _setup(tmp_path: Path):
    settings = Settings(app_id=f"hold-test-{tmp_path.name}", data_dir=tmp_path, store="memory://")
    app = create_app(settings)
    worker = build_pipeline(app, settings)
    app.loop = asyncio.get_running_loop()
    app.finalize()
    app.flow_control.resume()  # flowing, as during a recovery
    topic = worker.topics.articles
    tp = TP(settings.input_topic, 0)
    deliver = app.topics._build_handler(tp, {topic})  # what the fetcher calls for each message
    return app, topic.queue, deliver, lambda offset: Message(tp.topic, 0, offset, 0.0, 0, None, b"k", b"{}", b"")


async def test_faust_drops_what_it_delivered_before_resuming_its_flow(tmp_path):
    """The behaviour the hold is for: this failing means Faust changed, and the hold may go."""
    app, queue, deliver, message = await _setup(tmp_path)
    await deliver(message(0))
    assert queue.qsize() == 1
    app.flow_control.resume()  # the last step of Faust's recovery
    assert queue.qsize() == 0  # gone: never acked, and the consumer's position is past it


async def test_held_input_is_delivered_after_faust_resumes_its_flow(tmp_path):
    app, queue, deliver, message = await _setup(tmp_path)
    hold_deliveries(app)  # the worker's recovery callback
    delivery = asyncio.ensure_future(deliver(message(0)))
    for _ in range(20):  # give it every chance to slip through
        await asyncio.sleep(0)
    assert not delivery.done() and queue.qsize() == 0
    app.flow_control.resume()
    await asyncio.wait_for(delivery, 5)
    assert queue.qsize() == 1 and queue.get_nowait().message.offset == 0
