"""Faust's consumer and producer reached through their private attributes (faust-streaming
0.15.x, aiokafka 0.14): the aiokafka consumer inside Faust's consumer thread, the aiokafka
producer, and a diagnostic snapshot.  ``tests/agents/test_compat.py`` checks every attribute
used here exists."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any, TypeVar

import faust

_T = TypeVar("_T")


async def in_consumer_thread(app: faust.App, work: Callable[[Any], Awaitable[_T]]) -> _T:
    """``work(consumer)`` run inside Faust's consumer thread, with the aiokafka consumer it
    drives (committed offsets, seeks and offsets asked of the broker).  Faust has no public
    way to reach it."""
    thread = app.consumer._thread

    async def call() -> _T:
        return await work(thread._ensure_consumer())

    return await thread.call_thread(call)


def aiokafka_producer(app: faust.App) -> Any:
    """The aiokafka producer behind Faust's (Faust has no batch API: ``outbox.publish_batched``)."""
    return app.producer._ensure_producer()


async def consumer_state(app: faust.App, topics: Sequence[str]) -> str:
    """What Faust and aiokafka think of this worker's partitions of ``topics``, for the log when
    the watchdog finds a stall: which partitions are active, paused, buffered, where each
    reads, and whether aiokafka's fetch task still runs."""
    from aiokafka import TopicPartition

    faust_consumer = app.consumer
    tps = sorted(
        (tp for tp in faust_consumer.assignment() if tp.topic in topics), key=lambda tp: (tp.topic, tp.partition)
    )
    active = faust_consumer._active_partitions or set()
    faust_side = {
        "flow_active": faust_consumer.flow_active,
        "flow_control": app.flow_control.is_active(),
        "active": [tp.partition for tp in tps if tp in active],
        "paused": [tp.partition for tp in tps if tp in faust_consumer._paused_partitions],
        "buffered": [tp.partition for tp in tps if tp in faust_consumer._buffered_partitions],
        "read_offset": {tp.partition: faust_consumer._read_offset.get(tp) for tp in tps},
        "unacked": len(faust_consumer._unacked_messages),
    }
    thread = faust_consumer._thread

    async def read() -> dict:
        consumer = thread._ensure_consumer()
        subscription = consumer._subscription
        assignment = subscription.subscription.assignment if subscription.subscription else None
        states = {}
        for tp in tps:
            state = assignment.state_value(TopicPartition(tp.topic, tp.partition)) if assignment else None
            if state is not None:
                states[tp.partition] = {
                    "position": state.position if state.has_valid_position else None,
                    "paused": state.paused, "awaiting_reset": state.awaiting_reset,
                    "buffered": TopicPartition(tp.topic, tp.partition) in consumer._fetcher._records,
                }  # fmt: skip
        fetch_task = consumer._fetcher._fetch_task
        return {
            "reassignment_in_progress": subscription.reassignment_in_progress,
            "assignment_active": bool(assignment and assignment.active),
            "fetch_task_done": fetch_task.done() if fetch_task else None,
            "partitions": states,
        }

    return f"faust {faust_side}; aiokafka {await thread.call_thread(read)}"
