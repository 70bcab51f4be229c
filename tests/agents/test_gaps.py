"""Messages Faust's consumer passes over are read again and labelled in their place."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from worker.stream.gaps import Fetched, GapFiller, Positions


def test_positions_report_the_offsets_a_message_skipped_over():
    positions = Positions()
    positions.reset({0: 10})
    assert [list(positions.advance(0, o)) for o in (10, 11, 14)] == [[], [], [12, 13]]
    assert list(positions.advance(0, 12)) == []  # a re-read from below: the expectation moves back
    assert list(positions.advance(0, 13)) == []
    assert list(positions.advance(1, 7)) == []  # a partition not known: no hole to speak of
    assert list(positions.advance(0, 0)) == [] and positions.items() == [(0, 1), (1, 8)]


def test_a_new_assignment_starts_from_where_it_says():
    positions = Positions()
    positions.reset({0: 5, 1: 0})
    assert list(positions.advance(0, 7)) == [5, 6]  # the first message after an assignment can come after a hole
    positions.reset({1: 3})
    assert list(positions.advance(0, 20)) == []  # partition 0 no longer assigned: unknown again
    assert positions.items() == [(1, 3), (0, 21)]


@dataclass
class Message:
    partition: int
    offset: int
    topic: str = "raw"


@dataclass
class Event:
    message: Message


class Broker:
    """What the refetcher would read: every offset but the transaction marker at 7."""

    def __init__(self) -> None:
        self.asked: list[tuple[int, range]] = []

    async def fetch(self, partition: int, offsets: range) -> list[Fetched]:
        self.asked.append((partition, offsets))
        return [Fetched(b"v%d" % o, None, "raw", partition, o, None) for o in offsets if o != 7]


async def test_messages_passed_over_are_put_back_before_the_message_after_them(caplog):
    broker = Broker()
    gaps = GapFiller(broker)  # type: ignore[arg-type]
    gaps.positions.reset({0: 0, 1: 4})
    events = [
        Event(Message(0, 0)),
        Event(Message(1, 6)),
        Event(Message(0, 1)),
        Event(Message(0, 3)),
        Event(Message(1, 9)),
    ]
    with caplog.at_level(logging.WARNING, logger="copydesk"):
        filled = await gaps.fill(events)  # type: ignore[arg-type]
    order = [(m.partition, m.offset, e is None) for e, m in filled]
    assert order == [(0, 0, False), (1, 4, True), (1, 5, True), (1, 6, False), (0, 1, False), (0, 2, True), (0, 3, False),
                     (1, 8, True), (1, 9, False)]  # fmt: skip
    assert [e for e, _ in filled if e is not None] == events  # each event once, in order: each is acked
    assert broker.asked == [(1, range(4, 6)), (0, range(2, 3)), (1, range(7, 9))]
    assert (gaps.skipped, gaps.refetched) == (5, 4)  # offset 7 is not on the broker: it stays a hole, counted
    assert "input offsets 7-8 of partition 1 never reached the agent: 1 read again from the broker" in caplog.text


async def test_an_offset_the_broker_has_no_message_for_is_counted_quietly(caplog):
    broker = Broker()
    gaps = GapFiller(broker)  # type: ignore[arg-type]
    gaps.positions.reset({0: 6})
    with caplog.at_level(logging.DEBUG, logger="copydesk"):
        filled = await gaps.fill([Event(Message(0, 6)), Event(Message(0, 8))])  # type: ignore[arg-type]
    assert [m.offset for _, m in filled] == [6, 8] and (gaps.skipped, gaps.refetched) == (1, 0)
    assert [r.levelno for r in caplog.records] == [logging.DEBUG]  # a transaction marker: routine on Kafka


async def test_a_batch_without_holes_asks_the_broker_nothing():
    broker = Broker()
    gaps = GapFiller(broker)  # type: ignore[arg-type]
    events = [Event(Message(p, o)) for o in range(3) for p in range(2)]
    filled = await gaps.fill(events)  # type: ignore[arg-type]
    assert [e for e, _ in filled] == events and broker.asked == [] and gaps.skipped == 0
