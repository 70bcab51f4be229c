"""The whole per-article pipeline, shared by the streaming agents and ``copydesk label``.

parse -> normalise -> fingerprint (``prepare_batch``) | look up candidates -> verify -> label
-> store -> event (``label_batch``).  ``copydesk label`` runs both halves in one call
(``process_batch``); the worker runs the first in its signing agent, on any number of
workers, and the second in its one labelling agent, with a ``Fingerprinted`` article's bytes
between them.  The same functions either way, so offline and streaming results cannot differ.
"""

from __future__ import annotations

import logging
import math
import struct
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from functools import partial
from itertools import islice
from typing import TypeVar

import orjson

from worker.core.article import Article, InvalidArticle, parse_article
from worker.core.classify import (
    IDENTICAL,
    Candidate,
    Label,
    Match,
    Observer,
    Thresholds,
    Verdict,
    best_copy,
    preference,
    verify,
    verify_each,
)
from worker.core.events import DeadLetter, LabelledEvent, reason_kind, rfc3339
from worker.core.fingerprint import (
    SHINGLE_SKETCH,
    Signature,
    language_of,
    lookup_keys,
    query_keys,
    signature,
    signatures,
)
from worker.core.index import Entry, Identical, RollingIndex, Sighting, choose
from worker.core.language import detect_language
from worker.core.normalise import NormalisedText, normalise
from worker.core.outline import alignments
from worker.core.repeats import RecentTexts, body_key
from worker.core.semantic import Meaning, lead_sentences, meaning_alignment, meanings
from worker.core.sketch import containments

log = logging.getLogger("copydesk")
_T = TypeVar("_T")


@dataclass(frozen=True, slots=True)
class DetectorConfig:
    thresholds: Thresholds = field(default_factory=Thresholds)
    retention: timedelta = timedelta(days=7)
    max_message_bytes: int = 1_000_000
    max_candidates: int = 16
    recent_texts: int = 4096  # signatures of texts seen lately kept for exact repeats (repeats.py)
    # Publication times this close count as simultaneous: a copy may match an article up to
    # this much later than itself (clocks and time zones of sites drift).
    clock_tolerance: timedelta = timedelta(seconds=10)
    # An article published longer than this before the newest one seen is labelled against
    # what is there, and revises nothing.
    allowed_lateness: timedelta = timedelta(hours=48)
    # The semantic stage (semantic.py): embeddings computed with the fingerprints; an article
    # the lexical stage leaves original is a rewrite of an earlier one whose lead hash is
    # within ``semantic_lookup_bits`` and whose sentences it restates: both texts' sentences
    # aligned by meaning at ``semantic_alignment`` or more, and at least half of the shorter
    # one's restated.  Read off the translations stream's tune half: translations scored
    # 0.66-0.83 both ways, independent reports of one event 0.29-0.61 one way, under 0.5 the other.
    semantic: bool = False
    # Embed while fingerprinting (``copydesk label``); off, ``prepare_batch`` keeps the lead
    # sentences instead, for the semantic agent to embed beside the fast path (the worker).
    embed_inline: bool = True
    semantic_lookup_bits: int = 16
    semantic_alignment: float = 0.6
    semantic_candidates: int = 8


# Of ``Fingerprinted.to_bytes``: 3 the English flag in ``n``; 4 names opening sentences; 5
# units apart from figures; 6 thousands separators dropped from figures; 7 figures read whole
# (decimals, words for thousands, myriads), CJK in character pairs, every figure marked in the
# outline; 8 "%" and "per cent" read as "percent", British spellings as American ones, wire
# abbreviations of scale as their words; 9 the common nouns of the outline's first sentences
# marked, a time's "a.m." read as "am"; 10 a figure's empty fraction and leading zeros dropped,
# a time's "h" read as its colon, furniture in other languages dropped, a text without a
# language stemmed in its own; 11 a time on the 12-hour clock read on the 24-hour clock, a
# month's abbreviation as its name, a month's point and "a.m." before a day ending no sentence,
# captions ending in their credit, reader call-outs and questions among listed headlines
# dropped (messages of 8 to 10
# are read as they are, as records of the versions before are: ``index.READABLE_VERSIONS``,
# ``READABLE_FINGERPRINTS``).
FINGERPRINTED_VERSION = 11
READABLE_FINGERPRINTS = frozenset({8, 9, 10, FINGERPRINTED_VERSION})
VERBATIM_JUDGED = 0.5  # word 3-gram containment from which the semantic stage leaves a pair alone
FACTS_REPLACED = 0.2  # names (or figures) replaced in restated sentences: other facts, not a copy
RESTATED_SHARE = 0.5  # of the shorter text's sentences restated by meaning, for a copy by meaning


@dataclass(frozen=True, slots=True)
class Fingerprinted:
    """An article ready for lookup: its signature, lookup keys and time bounds."""

    article: Article
    signature: Signature
    keys: tuple[int, ...]
    event_time: float
    not_before: float  # the oldest event time it may be matched with (retention)
    meaning: Meaning | None = None  # with the semantic stage on
    lead: tuple[str, ...] = ()  # the lead sentences, when the meaning is to be computed elsewhere

    def to_bytes(self) -> bytes:
        """What the labelling stage needs, as one message: the article's fields but its
        body, the lookup keys and the signature (``Signature.to_bytes``)."""
        a, sig = self.article, self.signature
        header = orjson.dumps(
            {
                "v": FINGERPRINTED_VERSION,
                "id": a.id,
                "title": a.title,
                "url": a.url,
                "src": a.source,
                "lang": a.language,
                "t": self.event_time,
                "nb": self.not_before,
                "fp": sig.simhash,
                "n": sig.counts,
                "keys": self.keys,
                "slen": len(packed := sig.to_bytes()),
                "lead": self.lead,
            }
        )
        meaning = self.meaning.to_bytes() if self.meaning is not None else b""
        return struct.pack("<I", len(header)) + header + packed + meaning

    @classmethod
    def from_bytes(cls, data: bytes) -> Fingerprinted:
        """The inverse of ``to_bytes`` (the article's body is left empty); ValueError when
        ``data`` is not one."""
        try:
            (size,) = struct.unpack_from("<I", data)
            h = orjson.loads(data[4 : 4 + size])
            if h.get("v") not in READABLE_FINGERPRINTS:
                raise ValueError(f"fingerprinted article of version {h.get('v')!r}, not {FINGERPRINTED_VERSION}")
            end = 4 + size + h["slen"]
            sig = Signature.from_bytes(h["fp"], data[4 + size : end], h["n"])
            meaning = Meaning.from_bytes(data[end:]) if len(data) > end else None
            published = datetime.fromtimestamp(h["t"], UTC)
            article = Article(h["id"], "", published, h["title"], h["url"], h["src"], h["lang"])
            return cls(article, sig, tuple(h["keys"]), h["t"], h["nb"], meaning, tuple(h.get("lead", ())))
        except (struct.error, orjson.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
            raise ValueError(f"not a fingerprinted article: {type(exc).__name__}: {exc}") from None


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
    revisions: int = 0  # events revised because an earlier-published article arrived later
    too_late: int = 0  # articles later than the allowed lateness: labelled, revising nothing
    semantic_matches: int = 0  # lexical originals found to be rewrites by meaning (semantic.py)
    labels: dict[str, int] = field(default_factory=lambda: {label.value: 0 for label in Label})
    dead_letter_kinds: dict[str, int] = field(default_factory=dict)  # reason_kind -> count


class Detector:
    """Labels articles against a :class:`RollingIndex` it owns the writes to."""

    def __init__(self, index: RollingIndex, config: DetectorConfig | None = None) -> None:
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

    def process_batch(
        self, messages: Sequence[RawMessage], *, now: datetime | None = None
    ) -> list[LabelledEvent | DeadLetter]:
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
                outcomes.append(self._answer(known))
                continue
            # Prepared with the batch, unless an earlier message of the batch had its id.
            f = prepared[i] if i in prepared else self._guarded(partial(self.fingerprint, article), message, now)
            outcomes.append(f if isinstance(f, DeadLetter) else self._label(f, message, now))
        return outcomes

    def label_batch(
        self, items: Sequence[tuple[RawMessage, Fingerprinted]], *, now: datetime | None = None
    ) -> list[LabelledEvent | DeadLetter]:
        """Articles fingerprinted by ``prepare_batch`` (elsewhere: the signing agent), each
        with the message it came in, labelled in order: the second half of ``process_batch``.
        An article the table holds is answered from it."""
        now = now or datetime.now(UTC)
        outcomes: list[LabelledEvent | DeadLetter] = []
        for message, f in items:
            known = self.index.get(f.article.id)
            if known is not None:
                self.count(known.label, repeated=True)
                outcomes.append(self._answer(known))
            else:
                outcomes.append(self._label(f, message, now))
        return outcomes

    def _label(self, f: Fingerprinted, message: RawMessage, now: datetime) -> LabelledEvent | DeadLetter:
        labelled = self._guarded(partial(self.match, f, now), message, now)
        if isinstance(labelled, DeadLetter):
            return labelled
        entry, revised = labelled
        if self.config.semantic and f.meaning is not None and not revised:
            # Only an original needs its meaning kept: a copy's story is found through its
            # original (and the worker embeds originals only: stream/semantic.py).
            if entry.label == Label.ORIGINAL.value:
                entry, by_meaning = self._by_meaning(entry, f.meaning, now)
                if by_meaning:
                    revised = by_meaning
                    entry = replace(entry, revised=tuple(r.article_id for r in revised))
            else:
                entry = replace(entry, meaning=None)
        # Outside the guard: a failing table write (broker gone, shutting down) propagates,
        # so the message stays unacked and is processed again rather than dead-lettered.
        # The revised entries are written with it, and its record names them: labelled
        # again after a crash, it is answered from the table with the same revisions.
        self.index.add(entry, f.keys)
        for r in revised:
            self.index.revise(r)
        self.count(entry.label)
        self.stats.revisions += len(revised)
        return event_of(entry, revisions=tuple(event_of(r) for r in revised))

    def _answer(self, known: Entry) -> LabelledEvent:
        """A redelivered article: its event as the table holds it, and those of the articles
        its arrival revised, as they stand (the same revisions, never new ones)."""
        revised = [e for e in map(self.index.get, known.revised) if e is not None]
        return event_of(known, repeated=True, revisions=tuple(event_of(e, repeated=True) for e in revised))

    def _parse(self, message: RawMessage, now: datetime) -> Article:
        return parse_article(
            message.value, max_bytes=self.config.max_message_bytes, fallback_time=message.timestamp or now
        )

    def _fingerprint_batch(
        self, items: list[tuple[RawMessage, Article]], now: datetime
    ) -> list[Fingerprinted | DeadLetter]:
        """``fingerprint`` of each article, signatures computed together per language (a body
        seen lately byte for byte is not even normalised: ``RecentTexts.known_body``)."""
        outcomes: list[Fingerprinted | DeadLetter | None] = [None] * len(items)
        texts: dict[int, NormalisedText | DeadLetter] = {}
        bodies = [body_key(a.body, a.language) for _, a in items]  # hashed once, looked up and remembered
        for i, (message, article) in enumerate(items):
            # With the semantic stage on every text is normalised: its language and lead
            # sentences (or meaning) come from the text, and a repeat's event needs them too.
            known = None if self.config.semantic else self.recent_texts.known_body(bodies[i])
            if known is not None:
                outcomes[i] = self._fingerprinted(article, *known)
            else:
                texts[i] = outcomes[i] = self._guarded(partial(_text, article), message, now)  # type: ignore[assignment]
        languages: dict[str | None, list[int]] = {}
        fingerprinted_in: dict[int, str | None] = {}  # a language detected here is not detected again
        for i, text in texts.items():
            if not isinstance(text, DeadLetter):
                fingerprinted_in[i] = language_of(text, items[i][1].language)
                languages.setdefault(fingerprinted_in[i], []).append(i)
        for language, members in languages.items():
            try:
                prepared = self.recent_texts.prepared(
                    [texts[i] for i in members],
                    language,
                    signatures,
                    bodies=[bodies[i] for i in members],  # type: ignore[misc]
                )
                done = [self._fingerprinted(items[i][1], sig, keys) for i, (sig, keys) in zip(members, prepared)]
            except Exception:  # noqa: BLE001  # a bug on one article: find it, one at a time (logged there)
                done = [self._guarded(partial(self.fingerprint, items[i][1]), items[i][0], now) for i in members]
            for i, f in zip(members, done):
                outcomes[i] = f
        if self.config.semantic:
            embedded = [
                i for i, t in texts.items() if not isinstance(t, DeadLetter) and isinstance(outcomes[i], Fingerprinted)
            ]
            for i in embedded:  # the event says what language it is in
                article = items[i][1]
                if article.language is None:
                    language = fingerprinted_in[i] or detect_language(texts[i])  # type: ignore[arg-type]
                    outcomes[i] = replace(outcomes[i], article=replace(article, language=language))  # type: ignore[type-var]
            if self.config.embed_inline:
                for i, m in zip(embedded, meanings([texts[i] for i in embedded])):  # type: ignore[misc]
                    outcomes[i] = replace(outcomes[i], meaning=m)  # type: ignore[type-var]
            else:
                for i in embedded:
                    outcomes[i] = replace(outcomes[i], lead=tuple(lead_sentences(texts[i])))  # type: ignore[type-var,arg-type]
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

    def prepare_batch(
        self, messages: Sequence[RawMessage], *, now: datetime | None = None
    ) -> list[Fingerprinted | DeadLetter]:
        """Parse and fingerprint only: the first half of ``process_batch`` (the signing
        agent's); bad input becomes a dead letter, as there."""
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
        return self.dead_letter(
            reason, message.value, message.key, message.topic, message.partition, message.offset, now
        )

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
        text = _text(article)
        return self._fingerprinted(article, signature(text, language_of(text, article.language)))

    def _fingerprinted(self, article: Article, sig: Signature, keys: tuple[int, ...] | None = None) -> Fingerprinted:
        event_time = article.published_at.timestamp()
        keys = keys if keys is not None else lookup_keys(sig)
        return Fingerprinted(article, sig, keys, event_time, event_time - self.config.retention.total_seconds())

    def _query_keys(self, f: Fingerprinted) -> tuple[int, ...]:
        """The keys an article looks up (``fingerprint.query_keys``): with the other language
        class's figure keys only where the table has filed an article under them, so an
        English-only feed looks up no key no entry can hold (about 2% of a lookup's time)."""
        sig = f.signature
        return query_keys(sig, f.keys) if self.index.holds_figure_keys(not sig.english) else f.keys

    def match(self, f: Fingerprinted, now: datetime) -> tuple[Entry, list[Entry]]:
        """Look up, verify, label: the table entry a fingerprinted article gets, and the
        entries its arrival revises.

        An article is a copy only of one published before it (``clock_tolerance`` allowing).
        An identical fingerprint published earlier, with the same counts, is the best match
        there is (a duplicate, nothing more similar): the table finds the earliest entry in
        the window with it from its identity key (``RollingIndex.lookup``), and nothing is
        ranked; with other counts (a sentence more that moved no bit) it is verified as any
        candidate.  Otherwise the
        chosen candidates are verified (``best_copy``), their signatures as their records
        hold them (decoded already while in memory: ``index.stored_signature``).

        Candidates published *after* it that are copies of it tell that it came late: the
        original of their story (followed up their ``matched_id`` chain) is revised to a
        copy of this article when it is one (``displaced``).  A copy moves only when its
        original is no copy of the article and the article is its better source (with the
        copies made of it), so a late original revises one event per story, however many
        copies the story has.
        The article joins its match's story, else the first displaced original's (a story
        keeps the id it was first given).  A late article that links two stories joins the
        second to the first: its displaced original moves, and so do the members whose
        ``matched_id`` chain leads through an article it revised, when the story has at most
        ``max_candidates``; a larger story keeps its id (its ``matched_id`` chain still leads
        to the article), so the revisions stay bounded.
        """
        limit = self.config.max_candidates
        latest = f.event_time + self.config.clock_tolerance.total_seconds()
        keys = self._query_keys(f)
        found = self.index.lookup(keys, f.signature.simhash, not_before=f.not_before, limit=limit)
        twin = None  # the earliest article with its very fingerprint, when published after it
        if isinstance(found, Identical) and found.counts != f.signature.counts:
            found = self.index.sightings(keys, not_before=f.not_before, limit=limit)  # another text
        if isinstance(found, Identical):
            if found.event_time <= latest:
                return new_entry(f, Match(found.article_id, found.story_id, IDENTICAL), now), []
            twin = Sighting(found.article_id, found.event_time, len(keys), 1, self.index.store)
            found = self.index.sightings(keys, not_before=f.not_before, limit=limit)  # every one is later
        chosen = choose(found, limit=limit)
        if twin is not None or any(s.event_time > latest for s in chosen):
            chosen = self._late_candidates(f, latest, twin)
        candidates = []
        for s in chosen:
            record = s.record()
            if record is not None:  # gone meanwhile otherwise (expired)
                candidates.append(Candidate(s.article_id, record["story"], s.event_time, self.index.signatures(record)))
        self.stats.candidates_verified += len(candidates)
        earlier = [c for c in candidates if c.event_time <= latest]
        match = best_copy(f.signature, earlier, self.config.thresholds, self.observe)
        later = [c for c in candidates if c.event_time > latest]
        too_late = self.index.watermark - f.event_time > self.config.allowed_lateness.total_seconds()
        self.stats.too_late += too_late
        if not later or too_late:
            return new_entry(f, match, now), []
        displaced = self.displaced(f, later, latest)
        roots = [root for root, _ in displaced if root.label == Label.ORIGINAL.value]
        story = match.story_id if match is not None else roots[0].story_id if roots else None
        entry = new_entry(f, match, now, story_id=story)
        processed_at = rfc3339(now)
        revised = [
            replace(
                root, story_id=entry.story_id, label=v.label.value, matched_id=f.article.id, distance=v.distance,
                similarity=v.similarity, processed_at=processed_at, revision=root.revision + 1, revised_because=f.article.id,
            )
            for root, v in displaced
        ]  # fmt: skip
        # Stories the article joins to its own: their other members move too, when few, those
        # whose ``matched_id`` chain leads through an article revised here (an original of the
        # story that is no copy of the article keeps its story, and its copies with it).
        moved = {r.article_id for r in revised} | {f.article.id}
        for old in dict.fromkeys(root.story_id for root, _ in displaced if root.story_id != entry.story_id):
            for member in self.index.story_members(old, limit=self.config.max_candidates) or ():
                stored = self.index.get(member) if member not in moved and self._leads_to(member, moved) else None
                if stored is not None:
                    moved.add(member)
                    revised.append(
                        replace(
                            stored, story_id=entry.story_id, processed_at=processed_at, revision=stored.revision + 1,
                            revised_because=f.article.id,
                        )
                    )  # fmt: skip
        # Its record names every article it revised: redelivered, it sends their events again.
        return replace(entry, revised=tuple(r.article_id for r in revised)), revised

    def _meaning_score(
        self, signature: Signature, meaning: Meaning, other: Meaning, stored: Entry, verbatim: float
    ) -> float | None:
        """How an article (its signature and meaning) restates a stored one by meaning (its
        entry and meaning; ``verbatim``: the word 3-gram containment between them), when that
        makes it a copy; None when it does not."""
        # Mostly word for word, the words have judged the pair already: a look-alike with
        # other facts (a flash, a template), not a copy in other words.
        if verbatim >= VERBATIM_JUDGED:
            return None
        # Sentences restated in the same words with other names or figures in them: a
        # template filled anew, the same meaning about another company, town or day.  Names
        # swapped count by sentence, weighed by how much of the sentences the words restate:
        # in another language a sentence shares a few words, and a name spelled otherwise.
        restated = alignments(signature.outline, stored.signature.outline)
        if max(restated.names_replaced * restated.short, restated.figures_replaced) > FACTS_REPLACED:
            return None
        aligned = meaning_alignment(meaning, other)
        score = min(aligned.short, aligned.long)
        if score < self.config.semantic_alignment or aligned.restated < RESTATED_SHARE:
            return None
        return score

    def _by_meaning(self, entry: Entry, meaning: Meaning, now: datetime) -> tuple[Entry, list[Entry]]:
        """Match an article by meaning both ways: a lexical original that restates an earlier
        article sentence after sentence is a rewrite of it (a translation, a paraphrase in
        other words); lexical originals published after it that restate it are rewrites of
        it, revised.  The entry (unchanged, or a rewrite) and the entries revised."""
        c = self.config
        latest = entry.event_time + c.clock_tolerance.total_seconds()
        found = self.index.meanings.nearest(
            meaning, not_before=entry.event_time - c.retention.total_seconds(), before=math.inf,
            limit=c.semantic_candidates, bits=c.semantic_lookup_bits,
        )  # fmt: skip
        source: tuple[float, Entry] | None = None
        later: list[tuple[float, Entry]] = []
        pairs: list[tuple[Entry, Meaning]] = []
        for article_id in found:
            stored, other = self.index.get(article_id), self.index.meanings.get(article_id)
            if article_id != entry.article_id and stored is not None and other is not None:
                pairs.append((stored, other))
        if not pairs:
            return entry, []
        verbatim = containments(
            entry.signature.shingles, [stored.signature.shingles for stored, _ in pairs], SHINGLE_SKETCH
        )
        for (stored, other), shared in zip(pairs, verbatim, strict=True):
            score = self._meaning_score(entry.signature, meaning, other, stored, shared)
            if score is None:
                continue
            if stored.event_time <= latest:
                if entry.label == Label.ORIGINAL.value and (source is None or score > source[0]):
                    source = (score, stored)
            elif stored.label == Label.ORIGINAL.value and stored.story_id == stored.article_id:
                later.append((score, stored))
        if source is not None:
            score, earlier = source
            entry = replace(
                entry, label=Label.REWRITE.value, matched_id=earlier.article_id, story_id=earlier.story_id,
                distance=None, similarity=round(score, 3),
            )  # fmt: skip
            self.stats.semantic_matches += 1
        revised = [
            replace(
                stored,
                label=Label.REWRITE.value,
                matched_id=entry.article_id,
                story_id=entry.story_id,
                distance=None,
                similarity=round(score, 3),
                processed_at=rfc3339(now),
                revision=stored.revision + 1,
                revised_because=entry.article_id,
            )
            for score, stored in later
        ]
        self.stats.semantic_matches += len(revised)
        return entry, revised

    def add_meaning(self, article_id: str, meaning: Meaning, *, now: datetime | None = None) -> list[Entry]:
        """An article's meaning, computed after it was labelled (the semantic stage beside the
        fast path): kept in its entry, then matched both ways (``_by_meaning``).  The entries
        revised: the article itself when it turns out a rewrite, and later-published originals
        that turn out rewrites of it.  Nothing when the article is not (or no longer) stored,
        or already has a meaning (a redelivery)."""
        entry = self.index.get(article_id)
        if entry is None:
            return []
        if entry.meaning is not None:  # redelivered: the entries it revised, as they stand
            return [e for e in map(self.index.get, (article_id, *entry.revised)) if e is not None]
        now = now or datetime.now(UTC)
        entry = replace(entry, meaning=meaning.to_bytes())
        self.index.set_meaning(entry, meaning)
        matched, revised = self._by_meaning(entry, meaning, now)
        others = tuple(r.article_id for r in revised)
        if matched is not entry:
            revised.insert(0, replace(matched, revision=entry.revision + 1, revised_because=article_id,
                                      processed_at=rfc3339(now)))  # fmt: skip
        if others:  # named in its record, so a redelivered meaning sends them again
            self.index.set_revised(article_id, entry.revised + others)
        for r in revised:
            self.index.revise(r)
        self.stats.revisions += len(revised)
        return revised

    def _late_candidates(self, f: Fingerprinted, latest: float, twin: Sighting | None = None) -> list[Sighting]:
        """Candidates for an article that came after some published later, from a deeper
        ranking (the copies of a story that came first would otherwise fill every place):
        the best ``max_candidates`` published before it, the best ``max_candidates``
        published after it (copies it may be the better source of: its earliest ``twin``
        first, then of those alike the ones published nearest after it, which publication
        order would have matched to it), and one of each other story published after it (its
        original is what the article may displace).  A key's postings keep its newest
        holders, so in a story of many copies the twin is found by fingerprint, not by key."""
        limit = self.config.max_candidates
        ranked = choose(
            self.index.sightings(self._query_keys(f), not_before=f.not_before, limit=4 * limit), limit=4 * limit
        )
        earlier = [s for s in ranked if s.event_time <= latest][:limit]
        later = sorted((s for s in ranked if s.event_time > latest), key=lambda s: (-s.shared, s.rarest, s.event_time))
        if twin is not None:
            later = [twin, *(s for s in later if s.article_id != twin.article_id)]
        chosen, others = later[:limit], later[limit:]
        stories = {r["story"] for r in (s.record() for s in chosen) if r is not None}
        for s in others:
            record = s.record()
            if record is not None and record["story"] not in stories and len(stories) < 2 * limit:
                stories.add(record["story"])
                chosen.append(s)
        return earlier + chosen

    def displaced(self, f: Fingerprinted, later: list[Candidate], latest: float) -> list[tuple[Entry, Verdict]]:
        """The stored articles, published after ``latest``, whose label the article changes:
        of each later candidate that is a copy, the original at the root of its
        ``matched_id`` chain when that original is itself a copy of the article (verified);
        and later candidates labelled rewrites that are duplicates of the article (a
        republication whose source came late); and a later copy whose original is no copy of
        the article, when the article is the better source of it (``preference``, as
        publication order would have chosen): it moves to the article's story, with the
        copies made of it, instead of keeping a story of its own apart.  At most
        ``max_candidates`` and their roots, whatever the size of the story."""
        t = self.config.thresholds
        changed: dict[str, tuple[Entry, Verdict]] = {}
        for c, v in zip(
            later, verify_each(f.signature, [c.signature for c in later], t, query_is_copy=False), strict=True
        ):
            if v.label is Label.ORIGINAL:
                continue
            stored = self.index.get(c.article_id)
            if stored is not None and stored.label == Label.REWRITE.value and v.label is Label.DUPLICATE:
                changed[c.article_id] = (stored, v)
            root = self._root(c.article_id)
            if root is None or root.event_time <= latest or root.article_id in changed:
                continue
            verdict = (
                v if root.article_id == c.article_id else verify(f.signature, root.signature, t, query_is_copy=False)
            )
            if verdict.label is not Label.ORIGINAL:
                changed[root.article_id] = (root, verdict)
            elif stored is not None and c.article_id not in changed and self._better_source(v, f.event_time, stored):
                changed[c.article_id] = (stored, v)
        # Originals first: the article joins the story of the first one.
        return sorted(changed.values(), key=lambda item: item[0].label != Label.ORIGINAL.value)

    def _better_source(self, verdict: Verdict, event_time: float, stored: Entry) -> bool:
        """Whether a stored copy would have chosen an article published at ``event_time``
        with ``verdict`` over the match it has (``preference``: what ``best_copy`` weighs)."""
        record = self.index.store.get(stored.matched_id) if stored.matched_id else None
        if record is None or stored.label == Label.ORIGINAL.value:
            return False
        has = Verdict(Label(stored.label), stored.distance or 0, stored.similarity or 0.0)
        return preference(verdict, event_time) > preference(has, float(record["t"]))

    def _chain(self, article_id: str, hops: int = 64) -> Iterator[tuple[str, dict | None]]:
        """A stored article's ``matched_id`` chain read from the records: (id, record) from
        the article up to its original, the last record None when the chain leaves the table;
        at most ``hops`` links."""
        store = self.index.store
        for _ in range(hops):
            record = store.get(article_id)
            yield article_id, record
            if record is None or record["label"] == Label.ORIGINAL.value:
                return
            article_id = record["match"]

    def _leads_to(self, article_id: str, targets: set[str]) -> bool:
        """Whether a stored article's ``matched_id`` chain passes through one of ``targets``."""
        return any(link in targets for link, _ in islice(self._chain(article_id), 1, None))

    def _root(self, article_id: str) -> Entry | None:
        """The original a stored article's ``matched_id`` chain leads to (None: the chain
        leaves the table, or runs too long); only the original's signature is decoded."""
        link, record = None, None
        for link, record in self._chain(article_id):
            pass
        if record is None or record["label"] != Label.ORIGINAL.value:
            return None
        return self.index.get(link)

    def needs_meaning(self, article_id: str) -> bool:
        """Whether a stored article is an original with no meaning yet (the semantic stage on):
        redelivered after a crash that lost its request, it is asked for again."""
        if not self.config.semantic:
            return False
        entry = self.index.get(article_id)
        return entry is not None and entry.label == Label.ORIGINAL.value and entry.meaning is None

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


def new_entry(
    f: Fingerprinted, match: Match | None, now: datetime, *, story_id: str | None = None, revised: tuple[str, ...] = ()
) -> Entry:  # fmt: skip
    """The table entry of a fingerprinted article given its best match (None: original), in
    its match's story, else in ``story_id`` (the story of an original it displaced), else in
    a story of its own; ``revised``: the articles its arrival revised."""
    a = f.article
    meta = {"source": a.source, "url": a.url, "title": a.title, "revised": revised, "language": a.language}
    if match is None:
        label, story, matched, distance, similarity = Label.ORIGINAL.value, story_id or a.id, None, None, None
    else:
        v = match.verdict
        label, story, matched, distance, similarity = (
            v.label.value,
            match.story_id,
            match.article_id,
            v.distance,
            v.similarity,
        )
    meaning = f.meaning.to_bytes() if f.meaning is not None else None
    return Entry(
        a.id, story, f.event_time, f.signature, label, matched, distance, similarity, rfc3339(now), **meta,
        meaning=meaning,
    )  # fmt: skip


def event_of(entry: Entry, *, repeated: bool = False, revisions: tuple[LabelledEvent, ...] = ()) -> LabelledEvent:
    """The event of a table entry (the table holds all an event says)."""
    return LabelledEvent(
        article_id=entry.article_id,
        label=entry.label,
        matched_id=entry.matched_id,
        story_id=entry.story_id,
        distance=entry.distance,
        similarity=entry.similarity,
        fingerprint=f"{entry.signature.simhash:016x}",
        source=entry.source,
        url=entry.url,
        title=entry.title,
        published_at=rfc3339(datetime.fromtimestamp(entry.event_time, UTC)),
        processed_at=entry.processed_at,
        repeated=repeated,
        revision=entry.revision,
        revised_because=entry.revised_because,
        language=entry.language,
        revisions=revisions,
    )
