"""The agents: raw message -> fingerprinted article (any worker) -> event (one worker), or a
dead letter.  Thin glue around ``Detector.prepare_batch`` and ``Detector.label_batch``."""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import faust

from worker.core.classify import Label
from worker.core.detector import Detector, Fingerprinted, RawMessage
from worker.core.events import DeadLetter, LabelledEvent
from worker.core.index import RollingIndex
from worker.settings import Settings
from worker.stream import watchdog
from worker.stream.batches import batches
from worker.stream.compat.recovery import hold_deliveries, rewind_uncommitted
from worker.stream.gaps import Fetched, GapFiller, Refetcher
from worker.stream.metrics import WorkerMetrics
from worker.stream.outbox import Outbox, Publish
from worker.stream.tables import TableWrites, declare_table
from worker.stream.topics import Topics, declare_topics
from worker.stream.web import Readiness, register_health

if TYPE_CHECKING:
    from worker.stream.semantic import SemanticStage

log = logging.getLogger("copydesk")


@dataclass(frozen=True)
class Pipeline:
    """Handles tests and the CLI need on a configured app."""

    app: faust.App
    settings: Settings
    topics: Topics
    table: faust.Table
    detector: Detector
    agent: faust.types.AgentT  # the labelling agent
    signer: faust.types.AgentT
    readiness: Readiness
    gaps: GapFiller
    deliver: Callable[[], Awaitable[None]]  # send what is labelled, then ack (normally on a timer)
    semantic: SemanticStage | None = None  # COPYDESK_SEMANTIC=on


async def recover_input(app: faust.App, topics: dict[str, GapFiller]) -> None:
    """What the recovery callback does for the topics the agents read: hold deliveries,
    rewind the partitions without a committed offset, and tell each gap filler where its
    partitions start."""
    hold_deliveries(app)
    for topic, gaps in topics.items():
        gaps.positions.reset(await rewind_uncommitted(app, topic))


def raw_message(m: faust.types.Message | Fetched) -> RawMessage:
    """What the core needs of a consumed message (the broker's time, for articles without one)."""
    return RawMessage(
        m.value,
        m.key,
        m.topic,
        m.partition,
        m.offset,
        datetime.fromtimestamp(m.timestamp, UTC) if m.timestamp else None,
    )


def build_pipeline(app: faust.App, settings: Settings, *, publish: Publish | None = None) -> Pipeline:
    """The worker's two agents; ``publish`` replaces the batched sends (tests without a broker).

    ``copydesk.sign`` reads the input partitions this worker is assigned (any number of
    workers share them): parse, normalise, fingerprint, then one message per article to the
    one-partition signed topic, or the input to the dead-letter topic.  ``copydesk.label``
    runs on the one worker assigned that partition, with the table: look up, verify, label,
    write the table, send the events.
    """
    topics = declare_topics(app, settings)
    table = declare_table(app)
    writes = TableWrites(table)  # its changelog records go out with the outbox's batches
    # With the semantic stage on, meanings are computed beside the fast path (stream/semantic.py).
    config = replace(settings.detector_config(), embed_inline=False)
    detector = Detector(RollingIndex(writes, max_postings=settings.max_postings_per_key), config)

    readiness = Readiness()
    signed = topics.signed.get_topic_name()
    gaps = GapFiller(Refetcher(app, settings.input_topic))
    signed_gaps = GapFiller(Refetcher(app, signed))
    metrics = WorkerMetrics(app, detector, settings.input_topic, gaps)
    register_health(app, readiness, metrics)

    @table.on_recover
    async def rebuild_index() -> None:
        await recover_input(app, {settings.input_topic: gaps, signed: signed_gaps, **(stage.gaps if stage else {})})
        check_one_labeller(app, signed)
        count = detector.index.rebuild()
        readiness.fingerprints = count
        readiness.ready = True
        log.info("copydesk: table recovered, %d fingerprints indexed", count)

    @app.task
    async def create_topics() -> None:
        await topics.declare()

    def progress() -> int:
        stats = detector.stats
        return stats.processed + stats.repeated + stats.dead_letters + signing.signed

    watchdog.install(app, settings.stall_timeout, lambda: readiness.ready, [settings.input_topic, signed], progress)

    @app.timer(interval=settings.prune_interval.total_seconds())
    async def evict_expired() -> None:
        dropped = detector.evict_expired()
        if dropped:
            log.info("copydesk: evicted %d fingerprints older than the retention window", dropped)

    # Labelled and table written; the event goes out with the next batch (outbox.py): table
    # writes flushed first, then the event, then the ack.  So an article whose event went
    # out is always in the table: after a crash it is answered from the table with the very
    # same event, never labelled afresh.  A signed article goes out before its input is acked.
    outbox = Outbox(app, publish, tables=[writes])
    stage = None
    if settings.semantic:
        from worker.stream.semantic import install

        stage = install(app, settings, detector, outbox, topics.labelled, topics.dead_letters, metrics)
    signing = Signing()

    @app.timer(interval=settings.batch_wait)
    async def deliver_labelled() -> None:
        await outbox.deliver()

    # Both agents ack by hand: an offset may be committed only once what its message produced
    # has reached the broker.  Faust's automatic ack would let a stop (or crash) between the
    # two lose a table entry or an event; this way the message is processed again, which the
    # table makes idempotent.  Acks go in batches (a timer, or a full batch here) so the wait
    # for the broker is paid once per batch, not per article, and articles are fingerprinted
    # in small batches too (``Detector.prepare_batch``), taken as they arrive.
    @app.agent(topics.articles, name="copydesk.sign")
    async def sign_articles(stream: faust.StreamT) -> None:
        async for filled in batches(app, stream, settings, gaps, "signing"):
            raws = [raw_message(m) for _, m in filled]
            started = time.perf_counter()
            prepared = detector.prepare_batch(raws)
            metrics.observe("sign", (time.perf_counter() - started) / len(raws), len(raws))
            for (event, _), raw, outcome in zip(filled, raws, prepared, strict=True):
                if isinstance(outcome, DeadLetter):
                    _dead_letter(raw, outcome)
                    outbox.add(event, [(topics.dead_letters, outcome.key, outcome.to_dict(), None)])
                else:
                    outbox.add(event, [(topics.signed, outcome.article.id.encode("utf-8"), outcome.to_bytes(), 0)])
                    signing.signed += 1
            await delivered_when_full()

    @app.agent(topics.signed, name="copydesk.label")
    async def label_articles(stream: faust.StreamT) -> None:
        async for filled in batches(app, stream, settings, signed_gaps, "labelling"):
            asks = []
            for (event, _), (outcome, lead) in zip(filled, _label([m for _, m in filled]), strict=True):
                # A dead letter, or the article's event, then those of the articles it revised.
                sends = [(topics.dead_letters, outcome.key, outcome.to_dict(), None)] if isinstance(
                    outcome, DeadLetter
                ) else [(topics.labelled, e.article_id.encode("utf-8"), e.to_dict(), None)
                        for e in outcome.with_revisions()]  # fmt: skip
                outbox.add(event, sends)
                if (
                    stage is not None and lead and isinstance(outcome, LabelledEvent)
                    and outcome.label == Label.ORIGINAL.value
                    and (not outcome.repeated or detector.needs_meaning(outcome.article_id))
                ):  # fmt: skip
                    asks.append((outcome.article_id, lead))
            if asks:  # the semantic stage on: the originals' meanings, asked for after their events
                outbox.add(None, [stage.request(asks)])  # type: ignore[union-attr]  # asks only with a stage
            outbox.send_writes()
            await delivered_when_full()

    async def delivered_when_full() -> None:
        if outbox.full(settings.batch_size):
            await outbox.deliver()

    def _label(
        messages: list[faust.types.Message | Fetched],
    ) -> list[tuple[LabelledEvent | DeadLetter, tuple[str, ...]]]:
        """Each message's event (or dead letter), and the article's lead sentences."""
        started = time.perf_counter()
        now = datetime.now(UTC)
        raws = [raw_message(m) for m in messages]
        outcomes: list[LabelledEvent | DeadLetter | None] = [None] * len(raws)
        items = []
        for i, raw in enumerate(raws):
            try:
                items.append((i, (raw, Fingerprinted.from_bytes(raw.value or b""))))
            except ValueError as exc:
                outcomes[i] = detector.dead_letter(
                    str(exc), raw.value, raw.key, raw.topic, raw.partition, raw.offset, now
                )  # fmt: skip
        for (i, _), outcome in zip(items, detector.label_batch([item for _, item in items], now=now), strict=True):
            outcomes[i] = outcome
        metrics.observe("label", (time.perf_counter() - started) / len(messages), len(messages))
        for raw, outcome in zip(raws, outcomes, strict=True):
            if isinstance(outcome, DeadLetter):
                _dead_letter(raw, outcome)
        leads: list[tuple[str, ...]] = [()] * len(raws)
        for i, (_, f) in items:
            leads[i] = f.lead
        return list(zip(outcomes, leads, strict=True))  # type: ignore[arg-type]  # every one filled above

    return Pipeline(
        app, settings, topics, table, detector, label_articles, sign_articles, readiness, gaps, outbox.deliver, stage
    )


@dataclass
class Signing:
    signed: int = 0  # articles fingerprinted and sent on to the labelling agent


def _dead_letter(raw: RawMessage, outcome: DeadLetter) -> None:
    log.warning("copydesk: dead letter %s[%s]@%s: %s", raw.topic, raw.partition, raw.offset, outcome.reason)


EXIT_SPLIT_TABLE = 78  # EX_CONFIG


def check_one_labeller(app: faust.App, signed: str) -> None:
    """Exit (``EXIT_SPLIT_TABLE``) when this worker is assigned partitions of the signed
    topic and the topic has more than one: the table would be split between workers, each
    labelling against part of it."""
    assigned = {tp.partition for tp in app.consumer.assignment() if tp.topic == signed}
    total = app.consumer.topic_partitions(signed)
    if assigned - {0} or (assigned and total is not None and total > 1):
        log.critical(
            "copydesk: the topic %s has %s partitions; it must have one (one labeller, one table). "
            "Delete it, or start with a new COPYDESK_APP_ID",
            signed,
            total,
        )
        os._exit(EXIT_SPLIT_TABLE)  # Faust's own shutdown would go on labelling meanwhile
