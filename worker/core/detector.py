"""The whole per-article pipeline, shared by the streaming agent and ``copydesk label``.

parse -> normalise -> fingerprint -> look up candidates -> verify -> label -> store -> event.
Both callers go through :meth:`Detector.process_message`, so offline and streaming results
cannot differ.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from worker.core.article import Article, InvalidArticle, parse_article
from worker.core.classify import Label, Thresholds, Verdict, rank, verify
from worker.core.events import DeadLetter, LabelledEvent, reason_kind, rfc3339
from worker.core.fingerprint import lookup_keys, signature
from worker.core.index import Entry, RollingIndex, choose
from worker.core.normalise import normalise
from worker.core.shards import ShardedIndex

log = logging.getLogger("copydesk")
DECODED_ENTRIES = 256  # decoded candidates kept (about 1 MB)


@dataclass(frozen=True, slots=True)
class DetectorConfig:
    thresholds: Thresholds = field(default_factory=Thresholds)
    retention: timedelta = timedelta(days=7)
    max_message_bytes: int = 1_000_000
    max_candidates: int = 16


@dataclass(slots=True)
class Stats:
    processed: int = 0
    repeated: int = 0
    dead_letters: int = 0
    candidates_verified: int = 0
    labels: dict[str, int] = field(default_factory=lambda: {label.value: 0 for label in Label})
    dead_letter_kinds: dict[str, int] = field(default_factory=dict)  # reason_kind -> count


class Detector:
    """Labels articles against a :class:`RollingIndex` (or a ``ShardedIndex``) it owns the
    writes to."""

    def __init__(self, index: RollingIndex | ShardedIndex, config: DetectorConfig | None = None) -> None:
        self.index = index
        self.config = config or DetectorConfig()
        self.stats = Stats()
        # The entries of a busy story are candidates again and again: keep the last few
        # decoded (records never change once written; the key tells a re-added id apart).
        self._decoded: OrderedDict[tuple[str, str], Entry] = OrderedDict()

    def _entry(self, record: dict) -> Entry:
        key = (record["id"], record["at"])
        entry = self._decoded.get(key)
        if entry is None:
            entry = self._decoded[key] = Entry.from_record(record)
            if len(self._decoded) > DECODED_ENTRIES:
                self._decoded.popitem(last=False)
        else:
            self._decoded.move_to_end(key)
        return entry

    def process_message(
        self,
        value: bytes | None,
        *,
        key: bytes | None = None,
        topic: str = "",
        partition: int | None = None,
        offset: int | None = None,
        timestamp: datetime | None = None,
        now: datetime | None = None,
    ) -> LabelledEvent | DeadLetter:
        """One raw message in, one event or dead letter out.  Never raises: bad input, and any
        unexpected error, becomes a dead letter with the original bytes."""
        now = now or datetime.now(UTC)
        try:
            article = parse_article(value, max_bytes=self.config.max_message_bytes, fallback_time=timestamp or now)
            known = self.index.get(article.id)
            if known is not None:
                self.stats.repeated += 1
                return _event(article, known, repeated=True)
            entry, keys = self.decide(article, now=now)
        except InvalidArticle as exc:
            reason = exc.reason
        except Exception as exc:  # a bug in the pure steps must not stop the stream
            log.exception("copydesk: internal error on %s[%s]@%s", topic, partition, offset)
            reason = f"internal error: {type(exc).__name__}: {exc}"
        else:
            # Outside the try: a failing table write (broker gone, shutting down) propagates,
            # so the message stays unacked and is processed again rather than dead-lettered.
            self.index.add(entry, keys)
            self.stats.processed += 1
            self.stats.labels[entry.label] += 1
            return _event(article, entry, repeated=False)
        self.stats.dead_letters += 1
        kind = reason_kind(reason)
        self.stats.dead_letter_kinds[kind] = self.stats.dead_letter_kinds.get(kind, 0) + 1
        return DeadLetter(reason, value, key, topic, partition, offset, rfc3339(now))

    def decide(self, article: Article, *, now: datetime) -> tuple[Entry, tuple[int, ...]]:
        """Normalise, fingerprint, look up, verify: the table entry this article gets, and
        its lookup keys."""
        text = normalise(article.body)
        if not text.words:
            raise InvalidArticle("no text left after removing markup and boilerplate")
        sig = signature(text, article.language)
        event_time = article.published_at.timestamp()
        keys = lookup_keys(sig)
        limit = self.config.max_candidates
        sightings = self.index.sightings(keys, not_before=event_time - self.config.retention.total_seconds(), limit=limit)
        candidates = [self._entry(s.record) for s in choose(sightings, limit=limit)]
        self.stats.candidates_verified += len(candidates)
        best: tuple[Entry, Verdict] | None = None
        best_key: tuple = ()
        for candidate in candidates:
            verdict = verify(sig, candidate.signature, self.config.thresholds, rewrite_floor=_floor(best))
            if verdict.label is Label.ORIGINAL:
                continue
            key = (*rank(verdict), -candidate.event_time)  # ties: the earliest copy wins
            if best is None or key > best_key:
                best, best_key = (candidate, verdict), key

        if best is None:
            entry = Entry(article.id, article.id, event_time, sig, Label.ORIGINAL.value, None, None, None, rfc3339(now))
        else:
            match, verdict = best
            entry = Entry(
                article.id, match.story_id, event_time, sig, verdict.label.value,
                match.article_id, verdict.distance, verdict.similarity, rfc3339(now),
            )
        return entry, keys

    def evict_expired(self) -> int:
        """Drop entries older than the retention window behind the newest event time."""
        if self.index.watermark == float("-inf"):
            return 0
        return self.index.evict(self.index.watermark - self.config.retention.total_seconds())


def _floor(best: tuple[Entry, Verdict] | None) -> float:
    """The least similarity a rewrite needs to beat the best verdict so far (none beats a
    duplicate)."""
    if best is None:
        return 0.0
    return float("inf") if best[1].label is Label.DUPLICATE else best[1].similarity


def _event(article: Article, entry: Entry, *, repeated: bool) -> LabelledEvent:
    return LabelledEvent(
        article_id=article.id,
        label=entry.label,
        matched_id=entry.matched_id,
        story_id=entry.story_id,
        distance=entry.distance,
        similarity=entry.similarity,
        fingerprint=f"{entry.signature.simhash:016x}",
        source=article.source,
        url=article.url,
        title=article.title,
        published_at=rfc3339(article.published_at),
        processed_at=entry.processed_at,
        repeated=repeated,
    )
