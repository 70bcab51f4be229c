"""Stall watchdog: input is waiting and nothing moves, so exit and let the supervisor restart.

Faust 0.15 can come back from a crash with its agents never receiving a message although the
worker reports ready (``compat.fetch.fetch_only_active_partitions`` closes the one cause
known).  Nothing is lost, since offsets are committed only after delivery, but nothing moves
either.  The watchdog is the last resort for any stall of that kind: when messages wait beyond
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

from worker.stream.compat.consumer import consumer_state, in_consumer_thread

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

    partitions = [TopicPartition(tp.topic, tp.partition) for tp in app.consumer.assignment() if tp.topic in topics]
    if not partitions:
        return 0

    async def ask(consumer) -> int:  # type: ignore[no-untyped-def]
        ends = await consumer.end_offsets(partitions)
        starts = await consumer.beginning_offsets(partitions)
        total = 0
        for tp in partitions:
            committed = await consumer.committed(tp)
            total += max(0, ends[tp] - (committed if committed is not None else starts[tp]))
        return total

    return await in_consumer_thread(app, ask)


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
