"""How every agent takes its messages: unacked, in small batches as they arrive, with any
messages Faust passed over put back (``gaps.py``)."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator

import faust

from worker.settings import Settings
from worker.stream.gaps import Fetched, GapFiller

log = logging.getLogger("copydesk")


async def batches(
    app: faust.App, stream: faust.StreamT, settings: Settings, gaps: GapFiller, what: str
) -> AsyncIterator[list[tuple[faust.types.EventT | None, faust.types.Message | Fetched]]]:
    """The stream's messages, unacked, in batches as they arrive, with any messages Faust
    passed over put back (``gaps``); the first position logged.  Ends when the app stops:
    Faust flushes the producer before agents stop, so work done then could be lost; what is
    left unacked is redelivered."""
    first = True
    async for events in stream.noack_take(settings.label_batch_size, within=settings.label_batch_wait):
        if first:
            m = events[0].message
            log.info("copydesk: %s from %s[%s]@%s", what, m.topic, m.partition, m.offset)
            first = False
        if app.should_stop:
            return
        yield await gaps.fill(events)
