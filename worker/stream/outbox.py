"""Deliver what processed messages produced, then ack them: the at-least-once discipline.

Per batch: the table writes made while processing are flushed to the broker first, then the
sends go out in their phases (each flushed before the next: a later phase may rely on an
earlier one being on the broker), then the input offsets are acked.  So an output is never
sent for work that is not in the table, and a crash means reprocessing, never loss.  Batches
pay the wait for the broker once, not per message, and internal messages of one batch bound
for the same partition travel as one (``Batched``).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import faust
import orjson
from faust.types import EventT, TopicT

log = logging.getLogger("copydesk")
Send = tuple[TopicT, bytes | None, Any, int | None]  # topic, key, value, partition
BATCH_ITEMS = 64  # items per batched message (a probe carries a signature: about 3 KB)


@dataclass(frozen=True, slots=True)
class Batched:
    """A send's value that may share one message with the batch's other items for the same
    topic and partition: ``{"t": "batch", "items": [...]}`` (internal topics only, where the
    receiver unpacks it; the partition must be given, the key is dropped)."""

    item: dict


def coalesce(sends: Sequence[Send]) -> list[Send]:
    """The sends, with ``Batched`` items grouped per topic and partition, in order."""
    out: list[Send] = []
    groups: dict[tuple[str, int | None], tuple[TopicT, list[dict]]] = {}
    for topic, key, value, partition in sends:
        if isinstance(value, Batched):
            groups.setdefault((topic.get_topic_name(), partition), (topic, []))[1].append(value.item)
        else:
            out.append((topic, key, value, partition))
    for (_, partition), (topic, items) in groups.items():
        for start in range(0, len(items), BATCH_ITEMS):
            out.append((topic, None, orjson.dumps({"t": "batch", "items": items[start : start + BATCH_ITEMS]}), partition))
    return out


def unpack(message: dict) -> list[dict]:
    """The items of a received message: a batch's, or the message itself."""
    return message["items"] if message.get("t") == "batch" else [message]


class Outbox:
    def __init__(self, app: faust.App) -> None:
        self._app = app
        self._items: list[tuple[EventT | None, Sequence[Send], Sequence[Send]]] = []

    def __len__(self) -> int:
        return len(self._items)

    def add(self, event: EventT | None, sends: Sequence[Send], then: Sequence[Send] = ()) -> None:
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
                sends = coalesce([s for _, first, then in batch for s in (first if phase == 1 else then)])
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
            if event is not None:  # None: a message read again by the gap filler, outside Faust
                event.ack()
