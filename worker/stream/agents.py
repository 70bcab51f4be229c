"""The agent: raw message -> core pipeline -> event or dead letter.  Nothing else."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial

import faust

from worker.core.detector import Detector
from worker.core.events import DeadLetter
from worker.core.index import RollingIndex
from worker.settings import Settings
from worker.stream.tables import declare_table
from worker.stream.topics import Topics, declare_topics
from worker.stream.web import Readiness, register_health

log = logging.getLogger("copydesk")


@dataclass(frozen=True)
class Worker:
    """Handles tests and the CLI need on a configured app."""

    app: faust.App
    settings: Settings
    topics: Topics
    table: faust.Table
    detector: Detector
    agent: faust.types.AgentT
    readiness: Readiness


def _ack_when_delivered(events: list, flush: asyncio.Future) -> None:
    if not flush.cancelled() and flush.exception() is None:
        for event in events:
            event.ack()


def build_worker(app: faust.App, settings: Settings) -> Worker:
    topics = declare_topics(app, settings)
    table = declare_table(app, settings)
    detector = Detector(RollingIndex(table, max_postings=settings.max_postings_per_key), settings.detector_config())

    readiness = Readiness()
    register_health(app, readiness)

    @table.on_recover
    async def rebuild_index() -> None:
        count = detector.index.rebuild()
        readiness.fingerprints = count
        readiness.ready = True
        log.info("copydesk: table recovered, %d fingerprints indexed", count)

    @app.task
    async def create_topics() -> None:
        await topics.declare()

    @app.timer(interval=settings.prune_interval.total_seconds())
    async def evict_expired() -> None:
        dropped = detector.evict_expired()
        if dropped:
            log.info("copydesk: evicted %d fingerprints older than the retention window", dropped)

    @app.agent(topics.articles, name="copydesk.label")
    async def label_articles(stream: faust.StreamT) -> None:
        # Manual acks: an offset may be committed only once the table write and the event
        # have reached the broker. Faust's automatic ack would let a stop (or crash) between
        # the two lose a table entry or an event; this way the message is processed again,
        # which the table makes idempotent.  Batches amortise the wait for the broker.
        # While the producer delivers one batch, the next is labelled (one batch in flight).
        # A batch is acked as soon as its flush is done: a flush covers all sent before it.
        delivering: asyncio.Future | None = None
        async for events in stream.noack_take(settings.batch_size, within=settings.batch_wait):
            done = []
            for event in events:
                if app.should_stop:
                    # Shutting down: Faust flushes the producer before agents stop, so work
                    # done now could be lost. Leave the rest unacked; it is redelivered.
                    break
                await _label(event.message)
                done.append(event)
            if delivering is not None:
                await delivering
            delivering = asyncio.ensure_future(app.producer.flush())
            delivering.add_done_callback(partial(_ack_when_delivered, done))
            if app.should_stop:
                break

    async def _label(message: faust.types.Message) -> None:
        log.debug("copydesk: processing %s[%s]@%s", message.topic, message.partition, message.offset)
        outcome = detector.process_message(
            message.value,
            key=message.key,
            topic=message.topic,
            partition=message.partition,
            offset=message.offset,
            timestamp=datetime.fromtimestamp(message.timestamp, UTC) if message.timestamp else None,
        )
        if isinstance(outcome, DeadLetter):
            log.warning("copydesk: dead letter %s[%s]@%s: %s", message.topic, message.partition, message.offset, outcome.reason)
            await topics.dead_letters.send(key=message.key, value=outcome.to_dict())
        else:
            await topics.labelled.send(key=outcome.article_id.encode("utf-8"), value=outcome.to_dict())

    return Worker(app, settings, topics, table, detector, label_articles, readiness)
