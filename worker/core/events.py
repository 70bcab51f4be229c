"""The two kinds of output record: a labelled event, and a dead letter.

Their shapes are published as JSON Schemas in ``config/schemas/``; a test validates what
this module builds against them.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache

import orjson

EVENT_SCHEMA_VERSION = 3  # 2: revision, revised_because; 3: language
DEAD_LETTER_SCHEMA_VERSION = 1


@lru_cache(maxsize=1024)
def rfc3339(moment: datetime) -> str:
    """RFC 3339 in UTC to the millisecond.  Cached: a batch's articles share their processing
    time, and a story's copies often their publication time."""
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


@dataclass(frozen=True, slots=True)
class LabelledEvent:
    article_id: str
    label: str
    matched_id: str | None
    story_id: str
    distance: int | None
    similarity: float | None
    fingerprint: str
    source: str | None
    url: str | None
    title: str | None
    published_at: str
    processed_at: str
    repeated: bool = False  # a redelivery answered from the table (not part of the event)
    revision: int = 0  # 0 when first labelled; each revision of its label or match adds one
    revised_because: str | None = None  # the article whose arrival made this revision
    language: str | None = None  # ISO 639-1: the article's own, else detected (semantic stage on)
    # Events for other articles this one's arrival revised, sent after it (not part of the event).
    revisions: tuple[LabelledEvent, ...] = ()

    def to_dict(self) -> dict:
        return {
            "schema_version": EVENT_SCHEMA_VERSION,
            "article_id": self.article_id,
            "label": self.label,
            "matched_id": self.matched_id,
            "story_id": self.story_id,
            "distance": self.distance,
            "similarity": self.similarity,
            "fingerprint": self.fingerprint,
            "source": self.source,
            "url": self.url,
            "title": self.title,
            "published_at": self.published_at,
            "processed_at": self.processed_at,
            "revision": self.revision,
            "revised_because": self.revised_because,
            "language": self.language,
        }

    def to_json(self) -> bytes:
        return orjson.dumps(self.to_dict())

    def with_revisions(self) -> tuple[LabelledEvent, ...]:
        """This event, then the revised events its article's arrival caused: in the order
        they are sent."""
        return (self, *self.revisions)


# A dead letter carries the original bytes whole up to this size: base64 of it stays under
# Kafka's default 1 MB message limit.  A bigger message (it can only be over the input size
# limit) keeps its first part, its size and SHA-256; topic, partition and offset point to the
# whole of it in the input topic.
DEAD_LETTER_MAX_VALUE_BYTES = 700_000


@dataclass(frozen=True, slots=True)
class DeadLetter:
    reason: str
    value: bytes | None
    key: bytes | None
    topic: str
    partition: int | None
    offset: int | None
    failed_at: str

    def to_dict(self) -> dict:
        text: str | None
        try:
            text = self.value[:4000].decode("utf-8", errors="strict")[:1000] if self.value is not None else None
        except UnicodeDecodeError:
            text = None
        value = self.value
        truncated = value is not None and len(value) > DEAD_LETTER_MAX_VALUE_BYTES
        kept = value[:DEAD_LETTER_MAX_VALUE_BYTES] if truncated and value is not None else value
        return {
            "schema_version": DEAD_LETTER_SCHEMA_VERSION,
            "reason": self.reason,
            "topic": self.topic,
            "partition": self.partition,
            "offset": self.offset,
            "key_b64": base64.b64encode(self.key).decode("ascii") if self.key is not None else None,
            "value_b64": base64.b64encode(kept).decode("ascii") if kept is not None else None,
            "value_size": len(value) if value is not None else None,
            "value_truncated": truncated,
            "value_sha256": hashlib.sha256(value).hexdigest() if value is not None else None,
            "value_preview": text,
            "failed_at": self.failed_at,
        }

    def to_json(self) -> bytes:
        return orjson.dumps(self.to_dict())


_REASON_KINDS = (
    ("tombstone", "tombstone"),
    ("over the", "too_large"),
    ("UTF-8", "not_utf8"),
    ("not JSON", "not_json"),
    ("not an object", "not_object"),
    ("field 'id'", "bad_id"),
    ("field 'body'", "bad_body"),
    ("NUL", "nul"),
    ("published_at", "bad_published_at"),
    ("no text left", "no_text"),
    ("internal error", "internal_error"),
    ("field '", "bad_field"),
)


def reason_kind(reason: str) -> str:
    """A dead letter's reason as a short, fixed category (a metrics label)."""
    return next((kind for marker, kind in _REASON_KINDS if marker in reason), "other")
