"""Input messages Faust's consumer passed over, read again and labelled in their place.

Faust 0.15 can let a message go by without handing it to the agent: seen after a crash, in
the two ways that ``compat.fetch.fetch_only_active_partitions`` and
``compat.recovery.hold_deliveries`` close; this is the net for any other.
Its commit then steps over the message (``Consumer._new_offset`` counts such a hole as
read), so the article would never be labelled.  The agent therefore knows, per input
partition, the offset it expects next (from the committed offset once an assignment is
recovered, then from each message it gets).  When a message comes after a hole, the hole's
messages are read straight from the broker by a consumer of our own, outside the consumer
group, so it cannot disturb Faust's, and they are labelled first, in offset order, in the
same batch: their events go out before the message after them is acked.  An offset the
broker has no message for (a transaction's commit marker) stays a hole and is only counted.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import faust
from faust.types import EventT, Message

log = logging.getLogger("copydesk")


@dataclass
class Positions:
    """The next offset expected per partition; what a message skipped over.  Pure."""

    _next: dict[int, int] = field(default_factory=dict)

    def reset(self, starts: Mapping[int, int]) -> None:
        """A new assignment: these partitions start here; the others are unknown again."""
        self._next = dict(starts)

    def advance(self, partition: int, offset: int) -> range:
        """The offsets passed over right before this message (empty if none); a message
        below the expected offset is a re-read, and the expectation moves back with it."""
        expected = self._next.get(partition)
        self._next[partition] = offset + 1
        if expected is None or offset <= expected:
            return range(0)
        return range(expected, offset)

    def items(self) -> list[tuple[int, int]]:
        return list(self._next.items())


@dataclass(frozen=True, slots=True)
class Fetched:
    """A message read by the refetching consumer: what the core needs of it."""

    value: bytes | None
    key: bytes | None
    topic: str
    partition: int
    offset: int
    timestamp: float | None  # seconds, like Faust's


class Refetcher:
    """Reads ranges of one topic's offsets from the broker, with a consumer outside any group
    (created on first use, so a worker that never sees a hole never connects it)."""

    def __init__(self, app: faust.App, topic: str, timeout: float = 30.0) -> None:
        self._app = app
        self._topic = topic
        self._timeout = timeout
        self._consumer: Any = None
        app.on_before_shutdown.connect(self._close)

    async def _close(self, sender: object, **kwargs: object) -> None:
        await self.stop()

    async def _connect(self) -> Any:
        if self._consumer is None:
            from aiokafka import AIOKafkaConsumer
            from faust.transport.drivers.aiokafka import credentials_to_aiokafka_auth, server_list

            conf = self._app.conf
            consumer = AIOKafkaConsumer(
                bootstrap_servers=server_list(conf.broker, 9092),
                group_id=None,
                enable_auto_commit=False,
                auto_offset_reset="earliest",  # a hole already deleted by retention: go on after it
                fetch_max_wait_ms=100,  # data is there (the message after the hole): no need to wait
                client_id=f"{conf.id}-refetch",
                **credentials_to_aiokafka_auth(conf.broker_credentials),
            )
            await consumer.start()
            self._consumer = consumer
        return self._consumer

    async def fetch(self, partition: int, offsets: range) -> list[Fetched]:
        """The messages the broker holds at ``offsets`` (fewer where it holds none)."""
        from aiokafka import TopicPartition

        consumer = await self._connect()
        tp = TopicPartition(self._topic, partition)
        consumer.assign([tp])
        consumer.seek(tp, offsets.start)
        found: list[Fetched] = []
        deadline = time.monotonic() + self._timeout
        while await consumer.position(tp) < offsets.stop:
            if time.monotonic() > deadline:
                raise TimeoutError(f"reading offsets {offsets.start}-{offsets.stop - 1} of {self._topic}[{partition}]")
            for record in (await consumer.getmany(tp, timeout_ms=1000)).get(tp, []):
                if offsets.start <= record.offset < offsets.stop:
                    found.append(Fetched(record.value, record.key, record.topic, record.partition, record.offset,
                                         record.timestamp / 1000 if record.timestamp is not None else None))  # fmt: skip
        return found

    async def stop(self) -> None:
        if self._consumer is not None:
            consumer, self._consumer = self._consumer, None
            await consumer.stop()


@dataclass
class GapFiller:
    """Puts the messages a batch skipped over back in front of the message after them."""

    refetcher: Refetcher
    positions: Positions = field(default_factory=Positions)
    skipped: int = 0  # offsets passed over
    refetched: int = 0  # of them, messages read again and labelled

    async def fill(self, events: Sequence[EventT]) -> list[tuple[EventT | None, Message | Fetched]]:
        """``(event, its message)`` for each event of the batch, preceded by ``(None, fetched)``
        for each message passed over right before it."""
        out: list[tuple[EventT | None, Message | Fetched]] = []
        for event in events:
            m = event.message
            hole = self.positions.advance(m.partition, m.offset)
            if hole:
                self.skipped += len(hole)
                fetched = await self.refetcher.fetch(m.partition, hole)
                self.refetched += len(fetched)
                # Messages passed over are Faust's fault and worth a warning; offsets with no
                # message (a transactional producer's commit markers) are routine on Kafka.
                log.log(
                    logging.WARNING if fetched else logging.DEBUG,
                    "copydesk: input offsets %d-%d of partition %d never reached the agent: %d read again from the broker",
                    hole.start, hole.stop - 1, m.partition, len(fetched),
                )  # fmt: skip
                out.extend((None, f) for f in fetched)
            out.append((event, m))
        return out
