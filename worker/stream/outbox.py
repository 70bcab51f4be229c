"""Deliver what processed messages produced, then ack them: the at-least-once discipline.

Per batch: the table writes made while processing are flushed to the broker first, then the
sends go out in their phases (each flushed before the next: a later phase may rely on an
earlier one being on the broker), then the input offsets are acked.  So an output is never
sent for work that is not in the table, and a crash means reprocessing, never loss.  Batches
pay the wait for the broker once, not per message.

The sends of a phase are written straight into one record batch per partition (aiokafka's
batch API, ``publish_batched``) rather than through ``Topic.send`` one at a time: Faust's
per-message path (futures, sensors, an accumulator lookup each) cost the single worker about
a tenth of its throughput end to end.  Keys, bytes, partitions and the order within a
partition are the ones ``Topic.send`` gives (tests/integration/test_outbox.py).

Table writes made through ``TableWrites`` (tables.py) go the same way, and are on the
broker before anything of their batch is sent: Faust's own per-key changelog send
(``send_soon``) cost the worker 12-21% of its throughput end to end.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any, Protocol

import faust
from faust.types import TP, EventT, TopicT

from worker.stream.compat.consumer import aiokafka_producer

log = logging.getLogger("copydesk")
Send = tuple[TopicT, bytes | None, Any, int | None]  # topic, key, value (None: a tombstone), partition
Offsets = Mapping[TP, int]  # the last offset written, per topic partition
# Sends out, on the broker when done; the offsets written, where known.
Publish = Callable[[faust.App, Sequence[Send]], Awaitable[Offsets | None]]


class Writes(Protocol):
    """Sends held for the next delivery, to go out before anything else (``tables.TableWrites``)."""

    def take(self) -> list[Send]: ...

    def written(self, offsets: Offsets) -> None: ...


class Outbox:
    def __init__(self, app: faust.App, publish: Publish | None = None, tables: Sequence[Writes] = ()) -> None:
        self._app = app
        self._publish = publish or publish_batched
        self._tables = tables  # their writes are on the broker before a delivery sends anything
        self._items: list[tuple[EventT | None, Sequence[Send], Sequence[Send]]] = []
        self._writing: asyncio.Future | None = None  # the last table writes sent, done after those before

    def __len__(self) -> int:
        return len(self._items)

    def add(self, event: EventT | None, sends: Sequence[Send], then: Sequence[Send] = ()) -> None:
        """``then`` goes out only once ``sends`` are on the broker."""
        self._items.append((event, sends, then))

    def full(self, size: int) -> bool:
        return len(self._items) >= size

    def send_writes(self) -> None:
        """Start sending the table writes made so far (the agent, after each batch it
        labels): by the time the batch is delivered they are mostly on the broker, and the
        delivery waits one round trip, not two.  Each send of writes starts once the one
        before is done, so a key's writes reach its changelog partition in order."""
        writes = [send for table in self._tables for send in table.take()]
        if writes:
            self._writing = asyncio.ensure_future(self._write(self._writing, writes))

    async def _write(self, before: asyncio.Future | None, writes: list[Send]) -> None:
        if before is not None:
            await before
        offsets = await self._publish(self._app, writes) or {}
        for table in self._tables:
            table.written(offsets)

    async def deliver(self) -> None:
        self.send_writes()  # what is left: the last batch's, evictions' tombstones
        writing = self._writing
        if not self._items and writing is None:
            return
        batch = self._items[:]
        del self._items[: len(batch)]
        producer = self._app.producer
        try:
            if writing is not None:  # the table writes of the batch, and of everything before
                await writing
                if self._writing is writing:
                    self._writing = None
            await producer.flush()  # and any made through Faust's tables directly
            for phase in (1, 2):
                sends = [s for _, first, then in batch for s in (first if phase == 1 else then)]
                if sends:
                    await self._publish(self._app, sends)
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


async def publish_batched(app: faust.App, sends: Sequence[Send]) -> dict[TP, int]:
    """Send, in order per partition, and wait until all are on the broker; return the last
    offset written to each partition.

    Each send's key and value are serialised by its topic and its partition is the one the
    producer's partitioner gives (what ``Topic.send`` does); it is appended to the open
    record batch of its partition, which goes to the producer when full (the producer's
    ``max_batch_size``; a batch always takes its first record).  A value of None is sent as
    a tombstone (no value: a table's deleted key).  Every message is bounded (dead letters
    keep at most ``DEAD_LETTER_MAX_VALUE_BYTES`` of the input).
    """
    faust_producer = app.producer
    producer = aiokafka_producer(app)
    names: dict[int, str] = {}
    open_batches: dict[tuple[str, int], Any] = {}
    pending: list[tuple[asyncio.Future, int]] = []  # a sent batch's future, and its records
    for topic, key, value, partition in sends:
        name = names.get(id(topic))
        if name is None:
            name = names[id(topic)] = topic.get_topic_name()
            await producer.partitions_for(name)  # the partitioner needs the topic's metadata
        key_bytes, _ = topic.prepare_key(key, None)
        value_bytes, headers = (None, None) if value is None else topic.prepare_value(value, None)
        if partition is None:
            partition = faust_producer.key_partition(name, key_bytes).partition
        headers = list(headers.items()) if isinstance(headers, Mapping) else list(headers or ())
        record = {"timestamp": None, "key": key_bytes, "value": value_bytes, "headers": headers}
        batch = open_batches.get((name, partition))
        if batch is None or batch.append(**record) is None:
            if batch is not None:  # full
                pending.append((await producer.send_batch(batch, name, partition=partition), batch.record_count()))
            batch = open_batches[name, partition] = producer.create_batch()
            batch.append(**record)
    for (name, partition), batch in open_batches.items():
        pending.append((await producer.send_batch(batch, name, partition=partition), batch.record_count()))
    written = await asyncio.gather(*(future for future, _ in pending))
    last: dict[TP, int] = {}
    for metadata, (_, count) in zip(written, pending, strict=True):  # a batch's future: its first offset
        tp = TP(metadata.topic, metadata.partition)
        last[tp] = max(last.get(tp, -1), metadata.offset + count - 1)
    return last
