"""Faust's recovery of a table (faust-streaming 0.15.x): what Copydesk does around it, called
from the table's recovery callback (``agents.recover_input``).  ``tests/agents/test_recovery_hold.py``
and the SIGKILL test (``tests/integration/test_faults.py``) fail if Faust's order changes."""

from __future__ import annotations

import logging

import faust

from worker.stream.compat.consumer import in_consumer_thread

log = logging.getLogger("copydesk")


def hold_deliveries(app: faust.App) -> None:
    """Keep input out of the agents' queues until Faust resumes its flow after a recovery.

    Once a recovery completes, Faust 0.15 resumes the stream partitions, seeks them to their
    committed offsets (a broker round trip per partition) and only then resumes its flow
    control, which *clears* the agents' queues (``Recovery.on_recovery_completed``).
    Whatever its fetcher delivered into them meanwhile is dropped, unacked, with the
    consumer's position already past it; where no offset was committed nothing reads it
    again, and Faust's commit steps over it.  Suspended, the fetcher waits with the next
    message in hand and delivers it after the clear.  Called from a table's recovery
    callback, which Faust runs just before all that.  Upstream: the same clearing race in
    https://github.com/faust-streaming/faust/issues/236 and the seek-after-resume order of
    https://github.com/faust-streaming/faust/issues/216 (fixed there for apps without tables).
    """
    app.flow_control.suspend()


async def rewind_uncommitted(app: faust.App, topic: str) -> dict[int, int]:
    """Read the partitions of ``topic`` that have no committed offset from their beginning;
    return where each of the topic's assigned partitions starts: its committed offset, or its
    first.

    Faust 0.15 seeks the stream to the committed offsets once the table is recovered, but
    leaves a partition without one wherever the consumer's prefetch reached during recovery:
    after a crash before the first commit, a restarted worker skips every message that
    arrived meanwhile (``tests/integration/test_faults.py``, the SIGKILL test).  Runs before
    that seek, inside the consumer's own thread.  Upstream: prefetched messages after a
    rebalance, https://github.com/faust-streaming/faust/issues/221.
    """
    from aiokafka import TopicPartition

    partitions = [TopicPartition(tp.topic, tp.partition) for tp in app.consumer.assignment() if tp.topic == topic]

    async def rewind(consumer) -> tuple[list[int], dict[int, int]]:  # type: ignore[no-untyped-def]
        committed = {tp: await consumer.committed(tp) for tp in partitions}
        fresh = [tp for tp, offset in committed.items() if offset is None]
        if fresh:
            await consumer.seek_to_beginning(*fresh)
            committed.update(await consumer.beginning_offsets(fresh))
        return sorted(tp.partition for tp in fresh), {tp.partition: offset for tp, offset in committed.items()}

    fresh, starts = await in_consumer_thread(app, rewind)
    if fresh:
        log.info("copydesk: no committed offset for %s: reading from the beginning", fresh)
    return starts
