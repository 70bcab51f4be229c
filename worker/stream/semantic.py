"""The semantic stage beside the fast path (``COPYDESK_SEMANTIC=on``): thin glue around
``worker/core/semantic.py`` and ``Detector.add_meaning``.

The labelling agent sends a batch's events first, then, in one message to the
``<app id>-embed`` topic (as many partitions as the input), the lead sentences of the
articles the words left original (a copy's story is found through its original): so the
fast path never waits for an embedding, and the article is in the table before its meaning
is computed.  ``copydesk.embed`` (any worker; it scales with the partitions) embeds them in
a niced process (``embedding.py``) and sends the request's meaning hashes in one message to
``<app id>-meanings`` (one partition, so it is assigned with the table); ``copydesk.meaning``
writes them to the entry and matches the article by meaning both ways, and the events it
revises go out as revisions.  Every step
acks only what is on the broker (``Outbox``); a redelivered meaning sends the same state.
"""

from __future__ import annotations

import base64
import logging
from collections.abc import Sequence
from dataclasses import dataclass

import faust
import orjson

from worker.core.detector import Detector, event_of
from worker.core.events import DeadLetter
from worker.settings import Settings
from worker.stream.batches import batches
from worker.stream.embedding import Embedder
from worker.stream.gaps import GapFiller, Refetcher
from worker.stream.metrics import WorkerMetrics
from worker.stream.outbox import Outbox, Send

log = logging.getLogger("copydesk")


@dataclass(frozen=True)
class SemanticStage:
    embed: faust.TopicT
    meanings: faust.TopicT
    gaps: dict[str, GapFiller]  # per topic read
    embedder: faust.types.AgentT
    matcher: faust.types.AgentT
    requested: list[int]  # [meanings asked for by this worker's labeller] (for /metrics)

    def request(self, asks: Sequence[tuple[str, tuple[str, ...]]]) -> Send:
        """The send that asks for the meanings of a labelled batch's articles (id, lead
        sentences): one message a batch, since each message costs its agents more than
        its size does."""
        self.requested[0] += len(asks)
        value = orjson.dumps({"asks": [{"id": article_id, "lead": lead} for article_id, lead in asks]})
        return (self.embed, asks[0][0].encode("utf-8"), value, None)


def install(
    app: faust.App, settings: Settings, detector: Detector, outbox: Outbox, labelled: faust.TopicT,
    dead_letters: faust.TopicT, metrics: WorkerMetrics,
) -> SemanticStage:  # fmt: skip
    embed = app.topic(
        f"{settings.app_id}-embed", key_serializer="raw", value_serializer="raw", partitions=settings.partitions,
        internal=True,
    )  # fmt: skip
    meanings = app.topic(
        f"{settings.app_id}-meanings", key_serializer="raw", value_serializer="raw", partitions=1, internal=True
    )
    gaps = {t.get_topic_name(): GapFiller(Refetcher(app, t.get_topic_name())) for t in (embed, meanings)}

    @app.task
    async def create_topics() -> None:
        for topic in (embed, meanings):
            await topic.maybe_declare()

    @app.agent(embed, name="copydesk.embed")
    async def embed_articles(stream: faust.StreamT) -> None:
        embedder = Embedder(settings.embed_processes, settings.embed_nice)  # started on the first batch
        try:
            await _embed(stream, embedder)
        finally:
            embedder.close()

    async def _embed(stream: faust.StreamT, embedder: Embedder) -> None:
        async for filled in batches(app, stream, settings, gaps[embed.get_topic_name()], "embedding"):
            requests: list[tuple[faust.types.EventT, list[tuple[str, list[str]]]]] = []
            for event, m in filled:
                try:
                    asks = orjson.loads(m.value)["asks"]
                    requests.append((event, [(str(ask["id"]), [str(s) for s in ask["lead"]]) for ask in asks]))
                except (orjson.JSONDecodeError, KeyError, TypeError) as exc:
                    dead = _dead(detector, m, f"not a meaning request: {exc}")
                    outbox.add(event, [(dead_letters, dead.key, dead.to_dict(), None)])
            leads = [lead for _, asks in requests for _, lead in asks]
            if leads:
                computed, seconds = await embedder.meanings(leads)
                metrics.observe("embed", seconds / len(leads), len(leads))
            found = iter(computed if leads else [])
            for event, asks in requests:  # one message of meanings a request
                pairs = [(article_id, next(found)) for article_id, _ in asks]
                value = orjson.dumps({"found": [{"id": article_id, "m": base64.b64encode(m.to_bytes()).decode("ascii")}
                                                for article_id, m in pairs if m is not None]})  # fmt: skip
                outbox.add(event, [(meanings, asks[0][0].encode("utf-8"), value, 0)] if asks else [])
            if outbox.full(settings.batch_size):
                await outbox.deliver()

    @app.agent(meanings, name="copydesk.meaning")
    async def match_by_meaning(stream: faust.StreamT) -> None:
        from worker.core.semantic import Meaning

        async for filled in batches(app, stream, settings, gaps[meanings.get_topic_name()], "meanings"):
            for event, m in filled:
                try:
                    found = [(str(f["id"]), Meaning.from_bytes(base64.b64decode(f["m"])))
                             for f in orjson.loads(m.value)["found"]]  # fmt: skip
                except (orjson.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
                    dead = _dead(detector, m, f"not meanings: {exc}")
                    outbox.add(event, [(dead_letters, dead.key, dead.to_dict(), None)])
                    continue
                sends = []
                for article_id, meaning in found:
                    revised = detector.add_meaning(article_id, meaning)
                    sends += [(labelled, e.article_id.encode("utf-8"), event_of(e).to_dict(), None) for e in revised]
                    if revised:
                        log.info("copydesk: %s by meaning: %d events revised", article_id, len(revised))
                outbox.add(event, sends)
            outbox.send_writes()
            if outbox.full(settings.batch_size):
                await outbox.deliver()

    stage = SemanticStage(embed, meanings, gaps, embed_articles, match_by_meaning, [0])
    metrics.requested = stage.requested
    return stage


def _dead(detector: Detector, m: faust.types.Message, reason: str) -> DeadLetter:
    from datetime import UTC, datetime

    return detector.dead_letter(reason, m.value, m.key, m.topic, m.partition, m.offset, datetime.now(UTC))
