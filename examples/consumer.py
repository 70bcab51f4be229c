"""A dashboard-side consumer of Copydesk's output topic, in one file.

Reads `articles.labelled`, upserts each event by `article_id` into SQLite keeping the highest
`revision` (an event can arrive twice, and a revision of an article's label can come later
when an earlier-published article arrives late), and prints the stories with most copies.

    pip install aiokafka
    python examples/consumer.py --bootstrap localhost:9092 --db copydesk.sqlite --seconds 30
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sqlite3
import time

SCHEMA = """
CREATE TABLE IF NOT EXISTS articles (
    article_id   TEXT PRIMARY KEY,
    label        TEXT NOT NULL,      -- original | duplicate | rewrite
    matched_id   TEXT,               -- the earlier article copied (NULL for an original)
    story_id     TEXT NOT NULL,      -- the story's stable id
    similarity   REAL,
    source       TEXT,
    title        TEXT,
    published_at TEXT,
    processed_at TEXT NOT NULL,
    revision     INTEGER NOT NULL    -- the highest seen: a lower one arriving later is stale
)
"""
UPSERT = """
INSERT INTO articles VALUES (:article_id, :label, :matched_id, :story_id, :similarity, :source, :title,
                             :published_at, :processed_at, :revision)
ON CONFLICT(article_id) DO UPDATE SET
    label = excluded.label, matched_id = excluded.matched_id, story_id = excluded.story_id,
    similarity = excluded.similarity, processed_at = excluded.processed_at, revision = excluded.revision
WHERE excluded.revision >= articles.revision
"""
TOP_STORIES = """
SELECT story_id, COUNT(*) - 1 AS copies,
       SUM(label = 'duplicate') AS duplicates, SUM(label = 'rewrite') AS rewrites
FROM articles GROUP BY story_id HAVING copies > 0 ORDER BY copies DESC, story_id LIMIT ?
"""


def open_db(path: str) -> sqlite3.Connection:
    db = sqlite3.connect(path)
    db.execute(SCHEMA)
    return db


def apply(db: sqlite3.Connection, event: dict) -> None:
    """Upsert one event: an article's highest revision wins (the same revision twice is the
    same event)."""
    fields = (
        "article_id",
        "label",
        "matched_id",
        "story_id",
        "similarity",
        "source",
        "title",
        "published_at",
        "processed_at",
    )
    db.execute(UPSERT, {**{name: event.get(name) for name in fields}, "revision": event.get("revision", 0)})


def top_stories(db: sqlite3.Connection, limit: int = 10) -> list[tuple[str, int, int, int]]:
    return db.execute(TOP_STORIES, (limit,)).fetchall()


async def consume(bootstrap: str, topic: str, db: sqlite3.Connection, seconds: float) -> int:
    from aiokafka import AIOKafkaConsumer

    # A consumer group of its own: committed offsets let the dashboard resume where it left.
    consumer = AIOKafkaConsumer(
        topic, bootstrap_servers=bootstrap, group_id="copydesk-dashboard", auto_offset_reset="earliest"
    )
    await consumer.start()
    count, deadline = 0, time.monotonic() + seconds
    try:
        while time.monotonic() < deadline:
            batch = await consumer.getmany(timeout_ms=500)
            for records in batch.values():
                for record in records:
                    apply(db, json.loads(record.value))
                    count += 1
            db.commit()  # commit the rows before the offsets: a crash re-applies, never skips
            await consumer.commit()
    finally:
        await consumer.stop()
    return count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bootstrap", default="localhost:9092")
    parser.add_argument("--topic", default="articles.labelled")
    parser.add_argument("--db", default="copydesk.sqlite")
    parser.add_argument("--seconds", type=float, default=30.0, help="how long to consume before printing")
    args = parser.parse_args()
    db = open_db(args.db)
    count = asyncio.run(consume(args.bootstrap, args.topic, db, args.seconds))
    print(f"{count} events applied")
    for story, copies, duplicates, rewrites in top_stories(db):
        print(f"{story:40} {copies:4d} copies ({duplicates} duplicates, {rewrites} rewrites)")


if __name__ == "__main__":
    main()
