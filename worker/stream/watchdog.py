"""Stall watchdog: input is waiting and nothing moves, so exit and let the supervisor restart.

Faust 0.15 could come back from a crash with its agent never receiving a message although the
worker reported ready: its fetch took the input's records while no partition was active and
dropped them (``app.fetch_only_active_partitions`` now prevents that; RELIABILITY.md).
Nothing is lost, since offsets are committed only after delivery, but nothing moves either.
The watchdog stays as the last resort for any stall of that kind: when messages wait beyond
the committed offsets and no article has been processed for ``stall_after`` seconds, the
worker logs why and exits with status 70; Docker's ``restart: unless-stopped`` (or Kubernetes) starts it again.
"""

from __future__ import annotations

import logging
import os
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import faust

log = logging.getLogger("copydesk")
EXIT_STALLED = 70  # EX_SOFTWARE


@dataclass
class Watchdog:
    """Decides, from what waits and a progress counter, when the worker is stalled.

    Only an unbroken run of checks counts: a gap longer than ``max_gap`` between two (the
    broker paused, the question timed out) starts the clock again, so a worker catching up
    after an outage is not taken for a stalled one.
    """

    stall_after: float
    max_gap: float
    _progress: int = field(default=-1, init=False)
    _since: float = field(default=0.0, init=False)
    _last: float = field(default=float("-inf"), init=False)

    def stalled(self, *, waiting: int, progress: int, now: float) -> bool:
        gap = now - self._last
        self._last = now
        if progress != self._progress or waiting == 0 or gap > self.max_gap:
            self._progress, self._since = progress, now
            return False
        return now - self._since >= self.stall_after

    def unknown(self) -> None:
        """The check could not be made: whatever comes next starts the clock again."""
        self._last = float("-inf")


def install(app: faust.App, stall_timeout: float, ready: Callable[[], bool], topics: Sequence[str],
            progress: Callable[[], int]) -> None:  # fmt: skip
    """Check every ``stall_timeout / 6`` seconds, once ready; exit when stalled."""
    if stall_timeout <= 0:
        return
    every = max(1.0, stall_timeout / 6)
    watchdog = Watchdog(stall_timeout, max_gap=3 * every)

    @app.timer(interval=every)
    async def watch_for_stall() -> None:
        if not ready():
            return
        try:
            waiting = await waiting_messages(app, topics)
        except Exception as exc:  # noqa: BLE001 - broker unreachable or rebalancing: no verdict
            log.debug("copydesk: stall check skipped: %r", exc)
            watchdog.unknown()
            return
        if watchdog.stalled(waiting=waiting, progress=progress(), now=time.monotonic()):
            try:
                log.error("copydesk: consumer state at the stall: %s", await consumer_state(app, topics))
            except Exception as exc:  # noqa: BLE001 - the snapshot is for diagnosis only; the exit must happen
                log.error("copydesk: consumer state at the stall not read: %r", exc)
            exit_stalled(waiting, stall_timeout)


async def waiting_messages(app: faust.App, topics: Sequence[str]) -> int:
    """Messages in this worker's partitions of ``topics`` beyond their committed offsets
    (asked of the broker, not of Faust's fetcher, which is what may be stuck)."""
    from aiokafka import TopicPartition

    thread = app.consumer._thread  # Faust's aiokafka consumer thread
    partitions = [TopicPartition(tp.topic, tp.partition) for tp in app.consumer.assignment() if tp.topic in topics]
    if not partitions:
        return 0

    async def ask() -> int:
        consumer = thread._ensure_consumer()
        ends = await consumer.end_offsets(partitions)
        starts = await consumer.beginning_offsets(partitions)
        total = 0
        for tp in partitions:
            committed = await consumer.committed(tp)
            total += max(0, ends[tp] - (committed if committed is not None else starts[tp]))
        return total

    return await thread.call_thread(ask)


async def consumer_state(app: faust.App, topics: Sequence[str]) -> str:
    """What Faust and aiokafka think of this worker's partitions of ``topics``: where a stall
    sits (this snapshot is what located the dropped fetch: RELIABILITY.md, "Stalls after a crash")."""
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


def exit_stalled(waiting: int, seconds: float) -> None:
    log.error(
        "copydesk: stalled: %d input messages waiting and none processed for %.0f s; exiting (status %d) "
        "so the supervisor restarts the worker (nothing is lost: offsets are committed only after delivery)",
        waiting, seconds, EXIT_STALLED,
    )  # fmt: skip
    for handler in logging.getLogger().handlers + log.handlers:
        handler.flush()
    sys.stderr.flush()
    os._exit(EXIT_STALLED)  # Faust's own shutdown may hang in the very state being escaped
