"""The Faust and aiokafka code ``worker/stream/compat`` works around or reaches into is still
the code it was written for: each test fails when an upgrade changes it, so the patch is
looked at again (and dropped when Faust fixes the behaviour)."""

from __future__ import annotations

import asyncio
import inspect
from pathlib import Path

from faust.tables.recovery import Recovery
from faust.transport.drivers.aiokafka import AIOKafkaConsumerThread, Producer

from worker.settings import Settings
from worker.stream.app import create_app


def _original(function):  # type: ignore[no-untyped-def]
    return getattr(function, "__wrapped__", function)


def test_faust_still_hard_codes_the_fetch_wait():
    """``compat.fetch.set_fetch_max_wait``: needed while Faust gives no setting for it."""
    source = inspect.getsource(_original(AIOKafkaConsumerThread._create_worker_consumer))
    assert "fetch_max_wait_ms=1500" in source


def test_faust_still_hands_its_live_active_set_to_aiokafka():
    """``compat.fetch.fetch_only_active_partitions`` wraps a method of this signature, which
    passes the set it is given straight to aiokafka's fetch."""
    fetch = _original(AIOKafkaConsumerThread._fetch_records)
    assert list(inspect.signature(fetch).parameters) == [
        "self", "consumer", "active_partitions", "timeout", "max_records"
    ]  # fmt: skip
    assert "fetcher.fetched_records(\n                    active_partitions," in inspect.getsource(fetch)


def test_faust_still_runs_recovery_callbacks_before_its_seek_and_the_clear_of_the_queues():
    """``compat.recovery``: the hold and the rewind run from the table's recovery callback,
    which must come before Faust seeks to the committed offsets and resumes (clears) its flow."""
    source = inspect.getsource(Recovery.on_recovery_completed)
    callbacks = source.index("table.on_recovery_completed(")
    seek = source.index("consumer.perform_seek()")
    resume = source.index("self.app.flow_control.resume()")
    assert callbacks < seek < resume


async def test_the_private_attributes_reached_into_exist(tmp_path: Path):
    """``compat.consumer``: the consumer thread, its aiokafka consumer, the producer, and what
    the stall snapshot reads."""
    app = create_app(Settings(app_id=f"compat-{tmp_path.name}", data_dir=tmp_path))
    app.loop = asyncio.get_running_loop()
    app.finalize()
    consumer = app.consumer
    assert isinstance(consumer._thread, AIOKafkaConsumerThread)
    for name in ("_ensure_consumer", "call_thread"):
        assert callable(getattr(consumer._thread, name))
    for name in ("_active_partitions", "_paused_partitions", "_buffered_partitions", "_read_offset",
                 "_unacked_messages"):  # fmt: skip
        assert hasattr(consumer, name), name
    assert callable(Producer._ensure_producer)
    assert callable(app.flow_control.suspend)
