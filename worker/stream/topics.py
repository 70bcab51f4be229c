"""The topics.  Values are bytes in and orjson out; parsing is the core's job."""

from __future__ import annotations

from dataclasses import dataclass

import faust

from worker.settings import Settings
from worker.stream.codecs import CODEC


@dataclass(frozen=True)
class Topics:
    articles: faust.TopicT
    signed: faust.TopicT  # fingerprinted articles, from the signing agents to the labelling one
    labelled: faust.TopicT
    dead_letters: faust.TopicT

    async def declare(self) -> None:
        """Create missing topics (Faust only creates its internal ones by itself)."""
        for topic in (self.articles, self.signed, self.labelled, self.dead_letters):
            await topic.maybe_declare()


def signed_topic_name(settings: Settings) -> str:
    return f"{settings.app_id}-signed"


def declare_topics(app: faust.App, settings: Settings) -> Topics:
    # Raw bytes in: a value that fails to decode must reach our validator, not crash the
    # agent (Faust would throw the decode error into it and drop the message).
    # internal=True makes Faust create the input topic before it subscribes to it.
    articles = app.topic(
        settings.input_topic,
        key_serializer="raw",
        value_serializer="raw",
        partitions=settings.partitions,
        internal=True,
    )
    # One partition: one agent labels, in one order, against one table (docs/scale-out.md).
    signed = app.topic(
        signed_topic_name(settings), key_serializer="raw", value_serializer="raw", partitions=1, internal=True
    )
    labelled = app.topic(
        settings.output_topic, key_serializer="raw", value_serializer=CODEC, partitions=settings.partitions
    )
    dead_letters = app.topic(
        settings.dlq_topic, key_serializer="raw", value_serializer=CODEC, partitions=settings.partitions
    )
    return Topics(articles, signed, labelled, dead_letters)
