"""Faust's fetch hands aiokafka a snapshot of its active partitions (``compat.fetch.fetch_only_active_partitions``)."""

from __future__ import annotations

import asyncio
import contextlib
from types import SimpleNamespace

from faust.transport.drivers.aiokafka import AIOKafkaConsumerThread
from faust.types import TP

from worker.stream.compat.fetch import fetch_only_active_partitions

RAW, CHANGELOG = TP("raw", 0), TP("changelog", 0)


class Fetcher:
    """aiokafka's fetcher as Faust's fetch sees it: it may wait for data before reading
    ``partitions``, and an empty set means every partition (as aiokafka's does)."""

    def __init__(self, pause_meanwhile: set) -> None:
        self._closed = False
        self._subscriptions = SimpleNamespace(fetch_context=contextlib.nullcontext)
        self.pause_meanwhile = pause_meanwhile
        self.asked: list = []

    async def fetched_records(self, partitions, timeout=0, max_records=None):
        self.pause_meanwhile.clear()  # Faust pauses the changelog while the fetch waits
        await asyncio.sleep(0)
        self.asked.append(partitions)
        return {tp: ["record"] for tp in (RAW, CHANGELOG) if not partitions or tp in partitions}


async def _fetch(active: set, emptied_before: bool = False):
    fetch_only_active_partitions()
    fetch_only_active_partitions()  # twice, as every app built in one process does: no double wrap
    fetcher = Fetcher(active)
    thread = SimpleNamespace(consumer=SimpleNamespace(flow_active=True))
    consumer = SimpleNamespace(_closed=False, _fetcher=fetcher)
    call = AIOKafkaConsumerThread._fetch_records(thread, consumer, active, timeout=1.0, max_records=10)
    if emptied_before:
        active.clear()
    return await call, fetcher.asked


async def test_a_fetch_reads_only_the_partitions_active_when_it_was_asked_for():
    records, asked = await _fetch({CHANGELOG})
    assert records == {CHANGELOG: ["record"]}  # not the input's records, which Faust would drop
    assert asked == [frozenset({CHANGELOG})]


async def test_no_partitions_active_reads_nothing_rather_than_everything():
    records, asked = await _fetch({CHANGELOG}, emptied_before=True)
    assert records == {} and asked == []


def test_the_guard_wraps_faust_once():
    fetch_only_active_partitions()
    wrapped = AIOKafkaConsumerThread._fetch_records
    fetch_only_active_partitions()
    assert AIOKafkaConsumerThread._fetch_records.__wrapped__ is wrapped.__wrapped__
