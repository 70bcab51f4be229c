"""Parse and validate one raw input message into an :class:`Article`.

Scrapers are not trusted: every way a message can be wrong raises :class:`InvalidArticle`
with a reason a person can act on, so the caller can dead-letter it with its original bytes.
The rules here are the ones published in ``config/schemas/article.schema.json``; a test keeps
the two in step.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import orjson

from worker.core.page import is_page, page_title

ID_MAX_CHARS = 256
# How far published_at may run ahead of the message's own time (its Kafka timestamp, or now):
# clocks and time zones drift a little; a date further ahead is a scraper bug, and would
# keep the article in the table long past its retention.
MAX_FUTURE = timedelta(days=1)
_OPTIONAL_STRINGS = ("title", "url", "source", "language")


class InvalidArticle(ValueError):
    """The message cannot be processed; ``reason`` says why in one line."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class Article:
    id: str
    body: str
    published_at: datetime
    title: str | None = None
    url: str | None = None
    source: str | None = None
    language: str | None = None


def parse_timestamp(value: str) -> datetime:
    """RFC 3339 -> aware UTC datetime (a naive time is taken as UTC)."""
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise InvalidArticle(f"published_at is not an RFC 3339 date-time: {value[:64]!r}") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def parse_article(raw: bytes, *, max_bytes: int, fallback_time: datetime) -> Article:
    """Validate ``raw`` (one Kafka message value) and build an Article.

    ``fallback_time`` (the Kafka message timestamp) is the event time when the message
    carries no ``published_at``.
    """
    if raw is None:
        raise InvalidArticle("message has no value (tombstone)")
    if len(raw) > max_bytes:
        raise InvalidArticle(f"message is {len(raw)} bytes, over the {max_bytes}-byte limit")
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidArticle(f"message is not valid UTF-8 (byte {exc.start})") from None
    try:
        doc = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise InvalidArticle(f"message is not JSON: {exc}") from None
    if not isinstance(doc, dict):
        raise InvalidArticle(f"message is JSON {type(doc).__name__}, not an object")

    article_id = doc.get("id")
    if not isinstance(article_id, str):
        raise InvalidArticle("field 'id' is missing or not a string")
    if not 1 <= len(article_id) <= ID_MAX_CHARS:
        raise InvalidArticle(f"field 'id' must be 1-{ID_MAX_CHARS} characters, got {len(article_id)}")
    body = doc.get("body")
    if not isinstance(body, str):
        raise InvalidArticle("field 'body' is missing or not a string")
    if "\x00" in body or "\x00" in article_id:
        raise InvalidArticle("a NUL character in 'id' or 'body'")

    optional: dict[str, str | None] = {}
    for name in _OPTIONAL_STRINGS:
        value = doc.get(name)
        if value is not None and not isinstance(value, str):
            raise InvalidArticle(f"field '{name}' must be a string or null")
        optional[name] = value
    if optional["title"] is None and is_page(body):
        optional["title"] = page_title(body)  # a whole page names its headline

    published = doc.get("published_at")
    if published is None:
        published_at = fallback_time.astimezone(UTC)
    elif isinstance(published, str):
        published_at = parse_timestamp(published)
        if published_at > fallback_time.astimezone(UTC) + MAX_FUTURE:
            raise InvalidArticle(
                f"published_at {published!r} is more than {MAX_FUTURE.days} day ahead of the message time"
            )
    else:
        raise InvalidArticle("field 'published_at' must be an RFC 3339 string or null")

    return Article(id=article_id, body=body, published_at=published_at, **optional)
