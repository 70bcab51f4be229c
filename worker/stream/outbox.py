"""Deliver what processed messages produced, then ack them: the at-least-once discipline.

Per batch: the table writes made while processing are flushed to the broker first, then the
sends go out in their phases (each flushed before the next: a later phase may rely on an
earlier one being on the broker), then the input offsets are acked.  So an output is never
sent for work that is not in the table, and a crash means reprocessing, never loss.  Batches
pay the wait for the broker once, not per message.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

import faust
from faust.types import EventT, TopicT

log = logging.getLogger("copydesk")
Send = tuple[TopicT, bytes | None, Any, int | None]  # topic, key, value, partition


class Outbox:
    def __init__(self, app: faust.App) -> None:
        self._app = app
        self._items: list[tuple[EventT, Sequence[Send], Sequence[Send]]] = []

    def __len__(self) -> int:
        return len(self._items)

    def add(self, event: EventT, sends: Sequence[Send], then: Sequence[Send] = ()) -> None:
        """``then`` goes out only once ``sends`` are on the broker."""
        self._items.append((event, sends, then))

    def full(self, size: int) -> bool:
        return len(self._items) >= size

    async def deliver(self) -> None:
        if not self._items:
            return
        batch = self._items[:]
        del self._items[: len(batch)]
        producer = self._app.producer
        try:
            await producer.flush()  # the table writes of the batch
            for phase in (1, 2):
                sends = [s for _, first, then in batch for s in (first if phase == 1 else then)]
                for topic, key, value, partition in sends:
                    await topic.send(key=key, value=value, partition=partition)
                if sends:
                    await producer.flush()
        except Exception:
            if not self._app.should_stop:
                raise
            # The producer stopped under us: nothing of the batch is acked, so all of it is
            # processed again after the restart (or by the worker that takes the partitions).
            log.info("copydesk: stopping: %d messages left unacked, to be processed again", len(batch))
            return
        for event, _, _ in batch:
            event.ack()
