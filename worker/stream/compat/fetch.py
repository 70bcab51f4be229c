"""Faust's consumer fetch (faust-streaming 0.15.x, aiokafka 0.14): two patches applied when
the app is created (``worker/stream/app.py``); ``tests/agents/test_fetch_guard.py`` and
``tests/agents/test_compat.py`` fail if the code they replace changes."""

from __future__ import annotations


def set_fetch_max_wait(seconds: float) -> None:
    """Make Faust's consumer ask the broker to answer fetches within ``seconds``.

    Faust 0.15 hard-codes 1.5 s (``AIOKafkaConsumerThread._create_worker_consumer``; no
    setting, no upstream issue).  Kafka answers a fetch as soon as data arrives, so that is
    harmless there; the embedded test broker (Tansu) waits the full time when a fetch finds
    nothing, which adds up to 1.5 s to every event.  Set only for such brokers
    (``COPYDESK_CONSUMER_FETCH_MAX_WAIT``).
    """
    from faust.transport.drivers.aiokafka import AIOKafkaConsumerThread

    create = getattr(
        AIOKafkaConsumerThread._create_worker_consumer, "__wrapped__", AIOKafkaConsumerThread._create_worker_consumer
    )

    def create_worker_consumer(self, transport):  # type: ignore[no-untyped-def]
        consumer = create(self, transport)
        consumer._fetch_max_wait_ms = int(seconds * 1000)  # read when the consumer starts
        return consumer

    create_worker_consumer.__wrapped__ = create  # type: ignore[attr-defined]
    AIOKafkaConsumerThread._create_worker_consumer = create_worker_consumer


def fetch_only_active_partitions() -> None:
    """Make Faust's fetch hand aiokafka a snapshot of its active partitions, and no fetch at all
    when there are none.

    Faust 0.15 passes its live set of active partitions to aiokafka's ``fetched_records``,
    which may wait for data before reading it, and takes an empty set to mean every partition.
    When the set empties meanwhile (at the end of a recovery Faust pauses the changelog while
    the input is still paused), the next records of every partition are taken from aiokafka,
    moving its positions past them, and then dropped by Faust as not active.  After a crash
    before the first commit that was the whole backlog, and Faust's seek to the committed
    offsets cannot bring back what was never committed: the restarted worker stalled.
    Idempotent.  Upstream: https://github.com/faust-streaming/faust/issues/523 reports a stall
    like it on Kafka, and https://github.com/faust-streaming/faust/issues/88 records dropped
    when the active set changes under a fetch.
    """
    from faust.transport.drivers.aiokafka import AIOKafkaConsumerThread

    fetch = getattr(AIOKafkaConsumerThread._fetch_records, "__wrapped__", AIOKafkaConsumerThread._fetch_records)

    async def fetch_records(self, consumer, active_partitions, timeout=None, max_records=None):  # type: ignore[no-untyped-def]
        if active_partitions is not None:  # None: a client-only app, which reads everything
            active_partitions = frozenset(active_partitions)
            if not active_partitions:
                return {}
        return await fetch(self, consumer, active_partitions, timeout=timeout, max_records=max_records)

    fetch_records.__wrapped__ = fetch  # type: ignore[attr-defined]
    AIOKafkaConsumerThread._fetch_records = fetch_records
