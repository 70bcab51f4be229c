"""``copydesk tail``: follow the output topic, for people who would rather look than read JSON.

A live terminal view (label counts, the latest events, the stories with most copies) that
refreshes as events arrive; ``--json`` prints the raw events instead, one per line.  Events
are counted once per article id: a redelivered event replaces the earlier one.
"""

from __future__ import annotations

import asyncio
import sys
import time
from collections import Counter, deque
from dataclasses import dataclass, field
from typing import TextIO

import orjson
from rich.console import Group
from rich.table import Table

from worker.settings import Settings


@dataclass
class TailView:
    """What the live view shows, built from events (pure: tested without a terminal)."""

    latest_size: int = 12
    articles: dict[str, dict] = field(default_factory=dict)
    latest: deque = field(default_factory=lambda: deque(maxlen=12))
    revisions: int = 0  # revised events seen (a late original re-rooting its story)

    def add(self, event: dict) -> None:
        """Upsert by article id, keeping the highest revision (a stale one shows nowhere)."""
        known = self.articles.get(event["article_id"])
        if known is not None and known.get("revision", 0) > event.get("revision", 0):
            return
        self.articles[event["article_id"]] = event
        self.latest.appendleft(event)
        self.revisions += event.get("revision", 0) > 0 and (
            known is None or known.get("revision", 0) < event["revision"]
        )

    def label_counts(self) -> Counter:
        return Counter(e["label"] for e in self.articles.values())

    def top_stories(self, limit: int = 8) -> list[tuple[str, int]]:
        copies = Counter(e["story_id"] for e in self.articles.values() if e["label"] != "original")
        return sorted(copies.items(), key=lambda item: (-item[1], item[0]))[:limit]

    def render(self) -> Group:
        counts = self.label_counts()
        summary = Table(title=f"{len(self.articles)} articles, {self.revisions} revised", show_header=True)
        for label in ("original", "duplicate", "rewrite"):
            summary.add_column(label, justify="right")
        summary.add_row(*(str(counts.get(label, 0)) for label in ("original", "duplicate", "rewrite")))
        latest = Table(title="latest events")
        for column in ("article", "label", "matched", "story", "rev", "title"):
            latest.add_column(column, overflow="ellipsis", no_wrap=True, max_width=40)
        for e in self.latest:
            revision = str(e.get("revision") or "")
            latest.add_row(
                e["article_id"], e["label"], e.get("matched_id") or "", e["story_id"], revision, e.get("title") or ""
            )
        stories = Table(title="stories with most copies")
        stories.add_column("story")
        stories.add_column("copies", justify="right")
        for story, n in self.top_stories():
            stories.add_row(story, str(n))
        return Group(summary, latest, stories)


async def follow(settings: Settings, *, raw: bool, seconds: float | None, limit: int | None, out: TextIO) -> TailView:
    """Read the output topic from the beginning; stop after ``seconds`` or ``limit`` events."""
    from aiokafka import AIOKafkaConsumer
    from faust.transport.drivers.aiokafka import credentials_to_aiokafka_auth
    from rich.console import Console
    from rich.live import Live

    from worker.stream.connect import bootstrap_servers
    from worker.stream.security import broker_credentials

    consumer = AIOKafkaConsumer(
        settings.output_topic,
        bootstrap_servers=bootstrap_servers(settings),
        auto_offset_reset="earliest",
        enable_auto_commit=False,  # no group offsets: a viewer never disturbs anything
        **credentials_to_aiokafka_auth(broker_credentials(settings)),
    )
    view = TailView()
    deadline = time.monotonic() + seconds if seconds else None
    await consumer.start()
    live = None if raw else Live(view.render(), console=Console(file=out), auto_refresh=False, transient=False)
    try:
        if live:
            live.start()
        seen = 0
        while (deadline is None or time.monotonic() < deadline) and (limit is None or seen < limit):
            batch = await consumer.getmany(timeout_ms=250)
            for record in (r for records in batch.values() for r in records):
                if limit is not None and seen >= limit:
                    break
                seen += 1
                if raw:
                    out.write(record.value.decode("utf-8") + "\n")
                view.add(orjson.loads(record.value))
            if raw:
                out.flush()
            elif batch and live:
                live.update(view.render(), refresh=True)
    finally:
        if live:
            live.update(view.render(), refresh=True)
            live.stop()
        await consumer.stop()
    return view


def run(settings: Settings, *, raw: bool, seconds: float | None, limit: int | None) -> int:
    try:
        asyncio.run(follow(settings, raw=raw, seconds=seconds, limit=limit, out=sys.stdout))
    except KeyboardInterrupt:
        pass
    return 0
