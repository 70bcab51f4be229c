"""The whole per-article pipeline, shared by the streaming agent and ``copydesk label``.

parse -> normalise -> fingerprint -> look up candidates -> verify -> label -> store -> event.
Both callers go through :meth:`Detector.process_message`, so offline and streaming results
cannot differ.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import TypeVar

from worker.core.article import Article, InvalidArticle, parse_article
from worker.core.classify import IDENTICAL, Candidate, Label, Match, Observer, Thresholds, best_copy
from worker.core.events import DeadLetter, LabelledEvent, reason_kind, rfc3339
from worker.core.fingerprint import Signature, lookup_keys, signature, signatures
from worker.core.index import Entry, Identical, RollingIndex, choose
from worker.core.normalise import NormalisedText, normalise
from worker.core.repeats import RecentTexts, body_key
from worker.core.shards import ShardedIndex

log = logging.getLogger("copydesk")
_T = TypeVar("_T")


@dataclass(frozen=True, slots=True)
class DetectorConfig:
    thresholds: Thresholds = field(default_factory=Thresholds)
    retention: timedelta = timedelta(days=7)
    max_message_bytes: int = 1_000_000
    max_candidates: int = 16
    recent_texts: int = 4096  # signatures of texts seen lately kept for exact repeats (repeats.py)


@dataclass(frozen=True, slots=True)
class Fingerprinted:
    """An article ready for lookup: its signature, lookup keys and time bounds."""

    article: Article
    signature: Signature
    keys: tuple[int, ...]
    event_time: float
    not_before: float  # the oldest event time it may be matched with (retention)


@dataclass(frozen=True, slots=True)
class RawMessage:
    """A message as it came off the input topic (or a line of a file)."""

    value: bytes | None
    key: bytes | None = None
    topic: str = ""
    partition: int | None = None
    offset: int | None = None
    timestamp: datetime | None = None  # the broker's, when the article has no time of its own


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
        self.recent_texts = RecentTexts(self.config.recent_texts)
        self.observe: Observer | None = None  # sees every candidate's verdict (evaluation)

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
        """One raw message in, one event or dead letter out (``process_batch`` of one)."""
        return self.process_batch([RawMessage(value, key, topic, partition, offset, timestamp)], now=now)[0]

    def process_batch(self, messages: Sequence[RawMessage], *, now: datetime | None = None) -> list[LabelledEvent | DeadLetter]:
        """Raw messages in, one event or dead letter each out, the same as one at a time.

        Never raises for a message: bad input, and any unexpected error, becomes a dead
        letter with the original bytes.  The batch is fingerprinted together (numpy passes
        paid once per batch, ``fingerprint.signatures``); lookups and table writes go one
        article at a time, in order, so an article sees every article before it, in the
        batch too.
        """
        now = now or datetime.now(UTC)
        parsed = [self._guarded(partial(self._parse, m, now), m, now) for m in messages]
        fresh: dict[int, Article] = {}  # first sighting of an id the table does not hold
        seen: set[str] = set()
        for i, article in enumerate(parsed):
            if isinstance(article, Article) and article.id not in seen and article.id not in self.index:
                fresh[i] = article
            if isinstance(article, Article):
                seen.add(article.id)
        prepared = dict(zip(fresh, self._fingerprint_batch([(messages[i], a) for i, a in fresh.items()], now)))
        outcomes: list[LabelledEvent | DeadLetter] = []
        for i, (message, article) in enumerate(zip(messages, parsed)):
            if isinstance(article, DeadLetter):
                outcomes.append(article)
                continue
            # A first sighting was not in the table when the batch began, nor is it now (no
            # earlier message of the batch had its id): only the others are looked for.
            known = None if i in prepared else self.index.get(article.id)
            if known is not None:
                self.count(known.label, repeated=True)
                outcomes.append(_event(article, known, repeated=True))
                continue
            # Prepared with the batch, unless an earlier message of the batch had its id.
            f = prepared[i] if i in prepared else self._guarded(partial(self.fingerprint, article), message, now)
            entry = f if isinstance(f, DeadLetter) else self._guarded(partial(self.match, f, now), message, now)
            if isinstance(entry, DeadLetter):
                outcomes.append(entry)
                continue
            # Outside the guard: a failing table write (broker gone, shutting down) propagates,
            # so the message stays unacked and is processed again rather than dead-lettered.
            self.index.add(entry, f.keys)
            self.count(entry.label)
            outcomes.append(_event(article, entry, repeated=False))
        return outcomes

    def _parse(self, message: RawMessage, now: datetime) -> Article:
        return parse_article(message.value, max_bytes=self.config.max_message_bytes, fallback_time=message.timestamp or now)

    def _fingerprint_batch(self, items: list[tuple[RawMessage, Article]], now: datetime) -> list[Fingerprinted | DeadLetter]:
        """``fingerprint`` of each article, signatures computed together per language (a body
        seen lately byte for byte is not even normalised: ``RecentTexts.known_body``)."""
        outcomes: list[Fingerprinted | DeadLetter | None] = [None] * len(items)
        texts: dict[int, NormalisedText | DeadLetter] = {}
        bodies = [body_key(a.body, a.language) for _, a in items]  # hashed once, looked up and remembered
        for i, (message, article) in enumerate(items):
            known = self.recent_texts.known_body(bodies[i])
            if known is not None:
                outcomes[i] = self._fingerprinted(article, *known)
            else:
                texts[i] = outcomes[i] = self._guarded(partial(_text, article), message, now)  # type: ignore[assignment]
        languages: dict[str | None, list[int]] = {}
        for i, text in texts.items():
            if not isinstance(text, DeadLetter):
                languages.setdefault(items[i][1].language, []).append(i)
        for language, members in languages.items():
            try:
                prepared = self.recent_texts.prepared(
                    [texts[i] for i in members], language, signatures, bodies=[bodies[i] for i in members]  # type: ignore[misc]
                )
                done = [self._fingerprinted(items[i][1], sig, keys) for i, (sig, keys) in zip(members, prepared)]
            except Exception:  # noqa: BLE001  # a bug on one article: find it, one at a time (logged there)
                done = [self._guarded(partial(self.fingerprint, items[i][1]), items[i][0], now) for i in members]
            for i, f in zip(members, done):
                outcomes[i] = f
        return outcomes  # type: ignore[return-value]  # every one filled above

    def prepare(
        self,
        value: bytes | None,
        *,
        key: bytes | None = None,
        topic: str = "",
        partition: int | None = None,
        offset: int | None = None,
        timestamp: datetime | None = None,
        now: datetime | None = None,
    ) -> Fingerprinted | DeadLetter:
        """``prepare_batch`` of one message."""
        return self.prepare_batch([RawMessage(value, key, topic, partition, offset, timestamp)], now=now)[0]

    def prepare_batch(self, messages: Sequence[RawMessage], *, now: datetime | None = None) -> list[Fingerprinted | DeadLetter]:
        """Parse and fingerprint only (the first step when the table is split by key);
        bad input becomes a dead letter, as in ``process_batch``."""
        now = now or datetime.now(UTC)
        parsed = [self._guarded(partial(self._parse, m, now), m, now) for m in messages]
        valid = [i for i, article in enumerate(parsed) if isinstance(article, Article)]
        outcomes: list[Fingerprinted | DeadLetter] = parsed  # type: ignore[assignment]  # replaced below
        for i, f in zip(valid, self._fingerprint_batch([(messages[i], parsed[i]) for i in valid], now)):  # type: ignore[misc]
            outcomes[i] = f
        return outcomes

    def _guarded(self, step: Callable[[], _T], message: RawMessage, now: datetime) -> _T | DeadLetter:
        """``step()``, or the dead letter for the message when it fails: bad input, or a bug in
        the pure steps, which must not stop the stream."""
        try:
            return step()
        except InvalidArticle as exc:
            reason = exc.reason
        except Exception as exc:
            log.exception("copydesk: internal error on %s[%s]@%s", message.topic, message.partition, message.offset)
            reason = f"internal error: {type(exc).__name__}: {exc}"
        return self.dead_letter(reason, message.value, message.key, message.topic, message.partition, message.offset, now)

    def count(self, label: str, *, repeated: bool = False) -> None:
        if repeated:
            self.stats.repeated += 1
        else:
            self.stats.processed += 1
            self.stats.labels[label] += 1

    def dead_letter(
        self, reason: str, value: bytes | None, key: bytes | None, topic: str, partition: int | None,
        offset: int | None, now: datetime,
    ) -> DeadLetter:  # fmt: skip
        self.stats.dead_letters += 1
        kind = reason_kind(reason)
        self.stats.dead_letter_kinds[kind] = self.stats.dead_letter_kinds.get(kind, 0) + 1
        return DeadLetter(reason, value, key, topic, partition, offset, rfc3339(now))

    def fingerprint(self, article: Article) -> Fingerprinted:
        """Normalise and fingerprint: everything a lookup needs (raises InvalidArticle when
        no text is left)."""
        return self._fingerprinted(article, signature(_text(article), article.language))

    def _fingerprinted(self, article: Article, sig: Signature, keys: tuple[int, ...] | None = None) -> Fingerprinted:
        event_time = article.published_at.timestamp()
        keys = keys if keys is not None else lookup_keys(sig)
        return Fingerprinted(article, sig, keys, event_time, event_time - self.config.retention.total_seconds())

    def match(self, f: Fingerprinted, now: datetime) -> Entry:
        """Look up, verify, label: the table entry a fingerprinted article gets.

        An identical fingerprint is the best match there is (a duplicate, nothing more
        similar): the table finds the earliest entry in the window with it from its identity
        key (``RollingIndex.lookup``), and nothing is ranked.  Otherwise the chosen
        candidates are verified (``best_copy``), their signatures as their records hold them
        (decoded already while in memory: ``index.stored_signature``).
        """
        limit = self.config.max_candidates
        found = self.index.lookup(f.keys, f.signature.simhash, not_before=f.not_before, limit=limit)
        if isinstance(found, Identical):
            return new_entry(f, Match(found.article_id, found.story_id, IDENTICAL), now)
        candidates = []
        for s in choose(found, limit=limit):
            record = s.record()
            if record is not None:  # gone meanwhile otherwise (expired)
                candidates.append(Candidate(s.article_id, record["story"], s.event_time, self.index.signatures(record)))
        self.stats.candidates_verified += len(candidates)
        return new_entry(f, best_copy(f.signature, candidates, self.config.thresholds, self.observe), now)

    def evict_expired(self) -> int:
        """Drop entries older than the retention window behind the newest event time."""
        if self.index.watermark == float("-inf"):
            return 0
        return self.index.evict(self.index.watermark - self.config.retention.total_seconds())


def _text(article: Article) -> NormalisedText:
    text = normalise(article.body)
    if not text.words:
        raise InvalidArticle("no text left after removing markup and boilerplate")
    return text


def new_entry(f: Fingerprinted, match: Match | None, now: datetime) -> Entry:
    """The table entry of a fingerprinted article given its best match (None: original)."""
    a = f.article
    if match is None:
        return Entry(a.id, a.id, f.event_time, f.signature, Label.ORIGINAL.value, None, None, None, rfc3339(now))
    v = match.verdict
    return Entry(
        a.id, match.story_id, f.event_time, f.signature, v.label.value, match.article_id, v.distance, v.similarity, rfc3339(now)
    )


def _event(article: Article, entry: Entry, *, repeated: bool) -> LabelledEvent:
    return labelled_event(
        article, entry.label, entry.matched_id, entry.story_id, entry.distance, entry.similarity,
        entry.signature.simhash, entry.processed_at, repeated=repeated,
    )  # fmt: skip


def labelled_event(
    article: Article, label: str, matched_id: str | None, story_id: str, distance: int | None,
    similarity: float | None, simhash: int, processed_at: str, *, repeated: bool,
) -> LabelledEvent:  # fmt: skip
    return LabelledEvent(
        article_id=article.id,
        label=label,
        matched_id=matched_id,
        story_id=story_id,
        distance=distance,
        similarity=similarity,
        fingerprint=f"{simhash:016x}",
        source=article.source,
        url=article.url,
        title=article.title,
        published_at=rfc3339(article.published_at),
        processed_at=processed_at,
        repeated=repeated,
    )
