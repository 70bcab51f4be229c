"""The rolling table: stored signatures, an inverted index of lookup keys, eviction by time.

Durable state is a plain ``MutableMapping[str, dict]`` of article id -> record (a dict in
the offline command, a Faust table backed by its changelog in the worker).  A record is
JSON but for its signature, held decoded while the record is in memory and written as
base64 of its bytes (``HeldSignature``): verifying a candidate held in memory decodes
nothing (decoding cost about a sixth of an original article's time; the decoded form takes
about 0.3 KB more than the base64 text, and is the one recent texts keep anyway).  The
in-memory part is derived from it and rebuilt after recovery: each article gets a slot
(id, event time, story), and its lookup keys and its identity key (its SimHash) point at
the slot through compact postings (``postings.py``, 4-8 bytes per key).  Records are read
back from the store only for the few candidates verified (and to confirm an identical
fingerprint), so memory per article stays a few hundred bytes.
Expired slots are compacted away beside the stream, on the merge thread.
"""

from __future__ import annotations

import base64
import logging
from collections import OrderedDict
from collections.abc import Iterable, Mapping, MutableMapping
from concurrent.futures import Future
from dataclasses import dataclass, field

import numpy as np
import orjson

from worker.core.fingerprint import Signature, indexed_keys, lookup_keys
from worker.core.ids import IdPool
from worker.core.postings import Postings, in_background
from worker.core.semantic import Meaning, MeaningIndex
from worker.core.sketch import distinct

log = logging.getLogger("copydesk")
# 2: sentence outline, fact sketch; 3: word-hash features, sketches; 4: one buffer; 5: names and
# figures told apart in the outline and the fact sketch, revisions, the article's source, url, title;
# 7: German nouns not names, German days and months hashed as English ones, the English flag;
# 8: a capitalised word opening a sentence before a name is a name; 9: figures read whole (a
# decimal point, a time's colon, words for thousands, myriads), CJK in character pairs, and every
# figure marked as one in the outline, a one-digit one too; 10: "%" and "per cent" read as "percent",
# British spellings as American ones, wire abbreviations of scale as their words; 11: the common
# nouns of the outline's first sentences marked (``outline.Outline.nouns``), a time's "a.m." read
# as "am"; 12: a figure's empty fraction and leading zeros dropped, a time's "h" read as its
# colon, furniture in other languages dropped, a text that gives no language and does not read
# as English stemmed in its own (``fingerprint.language_of``); 13: a time on the 12-hour clock
# read on the 24-hour clock ("3pm" is "15:00"), a month's abbreviation as its name, a month's
# point and "a.m." before a day ending no sentence, a caption ending in its credit, reader
# call-outs and questions among listed headlines dropped
RECORD_VERSION = 13
# Versions read as they are: a version 10 to 12 record's word hashes are this version's, a
# version 10 record's outline marks no nouns (it takes no part in the rule that needs them), and
# one whose text gives a time as "a.m." (10), "3:00" or "08:05", or holds another language's
# furniture, or a time on the 12-hour clock, a month's abbreviation, a caption ending in its
# credit (12 and before), differs from this version's
# signature of its text as another house style's would, by a word or a line; one of a German or
# Spanish text sent without its language was stemmed as English (11 and 10), so its rewrites'
# content words meet it less.  A worker of version 12 drops the records of 13 instead of
# misreading them.
READABLE_VERSIONS = frozenset({10, 11, 12, RECORD_VERSION})


@dataclass(frozen=True, slots=True)
class Entry:
    """One article in the table: ids, event time, signature and the label it was given."""

    article_id: str
    story_id: str
    event_time: float  # seconds since the epoch (UTC)
    signature: Signature
    label: str
    matched_id: str | None
    distance: int | None
    similarity: float | None
    processed_at: str
    revision: int = 0  # how many times its label or match was revised since it was first labelled
    revised_because: str | None = None  # the article whose arrival made the last revision
    revised: tuple[str, ...] = ()  # the articles this one's arrival revised
    source: str | None = None  # the article's own, for its revised events
    url: str | None = None
    title: str | None = None
    meaning: bytes | None = None  # ``semantic.Meaning.to_bytes``, with the semantic stage on
    language: str | None = None  # the article's own, else detected (semantic stage on)

    def to_record(self) -> dict:
        sig = self.signature.compact()  # not views of its whole batch's arrays
        meaning = {"sem": base64.b64encode(self.meaning).decode("ascii")} if self.meaning else {}
        return {
            "v": RECORD_VERSION,
            "id": self.article_id,
            "t": self.event_time,
            "fp": f"{sig.simhash:016x}",
            "sig": HeldSignature(sig),  # base64 of its bytes in JSON
            "n": list(sig.counts),
            **self.revision_fields(),
            "revised": list(self.revised),
            "src": self.source,
            "url": self.url,
            "title": self.title,
            "lang": self.language,
            **meaning,
        }

    @classmethod
    def from_record(cls, rec: dict, signatures: SignatureCache | None = None) -> Entry:
        sig = signatures(rec) if signatures is not None else stored_signature(rec)
        return cls(
            article_id=rec["id"],
            story_id=rec["story"],
            event_time=float(rec["t"]),
            signature=sig,
            label=rec["label"],
            matched_id=rec["match"],
            distance=rec["dist"],
            similarity=rec["sim"],
            processed_at=rec["at"],
            revision=rec.get("rev", 0),
            revised_because=rec.get("why"),
            revised=tuple(rec.get("revised", ())),
            source=rec.get("src"),
            url=rec.get("url"),
            title=rec.get("title"),
            meaning=base64.b64decode(rec["sem"]) if rec.get("sem") else None,
            language=rec.get("lang"),
        )

    def revision_fields(self) -> dict:
        """What a revision changes in the stored record (``RollingIndex.revise``)."""
        return {
            "story": self.story_id,
            "label": self.label,
            "match": self.matched_id,
            "dist": self.distance,
            "sim": self.similarity,
            "at": self.processed_at,
            "rev": self.revision,
            "why": self.revised_because,
        }


class HeldSignature:
    """A record's signature as held in memory.  Not a dataclass, so a JSON encoder asks it
    for ``__json__`` (Faust's json codec, which the table's changelog and a store on disk
    use, does; so does ``to_json``): written as base64 of its bytes, the stored form."""

    __slots__ = ("signature",)

    def __init__(self, signature: Signature) -> None:
        self.signature = signature

    def __json__(self) -> str:
        return base64.b64encode(self.signature.to_bytes()).decode("ascii")


def stored_signature(rec: dict) -> Signature:
    """A record's signature: as held in memory, or decoded from its JSON form (a record read
    back from the changelog, a store on disk or a message)."""
    sig = rec["sig"]
    if isinstance(sig, HeldSignature):
        return sig.signature
    return Signature.from_bytes(int(rec["fp"], 16), base64.b64decode(sig), rec["n"])


def to_json(value: object) -> bytes:
    """JSON of a record, or of anything holding records (a message, a batch of them)."""
    return orjson.dumps(value, default=_json_of)


def _json_of(value: object) -> object:
    encode = getattr(value, "__json__", None)
    if encode is None:
        raise TypeError(f"{type(value).__name__} is not JSON serializable")
    return encode()


class SignatureCache:
    """The last few signatures decoded from records that hold them in JSON form (a store
    on disk decodes a record at every read): the entries of a busy story are candidates
    again and again.  A record's signature never changes once written (settling changes its
    story and label only); (id, processed_at) tells a re-added id apart."""

    def __init__(self, size: int = 256) -> None:  # about 1 MB
        self._size = size
        self._decoded: OrderedDict[tuple[str, str], Signature] = OrderedDict()

    def __call__(self, rec: dict) -> Signature:
        if isinstance(rec["sig"], HeldSignature):
            return rec["sig"].signature
        key = (rec["id"], rec["at"])
        sig = self._decoded.get(key)
        if sig is None:
            sig = self._decoded[key] = stored_signature(rec)
            if len(self._decoded) > self._size:
                self._decoded.popitem(last=False)
        else:
            self._decoded.move_to_end(key)
        return sig


@dataclass(slots=True)
class Sighting:
    """An entry that shares lookup keys with a query, as one table (or shard) sees it.

    Its stored record is read only when asked for (``record()``): only the chosen few are
    verified, and a read from a Faust table costs more than the rest of the sighting.  Not
    frozen: a lookup makes a dozen or more, and a frozen dataclass takes five times as long
    to build (``choose`` replaces, never changes, one).
    """

    article_id: str
    event_time: float
    shared: int  # keys shared with the query
    rarest: int  # the fewest stories among the holders of those keys
    _store: Mapping[str, dict] = field(repr=False, compare=False)

    def record(self) -> dict | None:
        """The stored record (what verification reads); None if it is gone meanwhile."""
        return self._store.get(self.article_id)


@dataclass(frozen=True, slots=True)
class Identical:
    """An entry with the very fingerprint of a query (``RollingIndex.lookup``): its duplicate
    when its ``counts`` (``Signature.counts``) are the query's too; a text with a sentence
    more can keep every bit of the SimHash, never every count."""

    article_id: str
    story_id: str
    event_time: float
    counts: tuple[int, ...] = field(default=(), compare=False)


def identity_key(simhash: int) -> int:
    """The key every entry is also posted under in its table: its whole SimHash.  Its
    holders are the entries with the very fingerprint (but for a 32-bit collision, which
    reading the record rules out), so ``lookup`` finds a duplicate from one key's postings,
    without gathering the holders of all the others.  Kept apart from the lookup keys: it
    counts in no sighting."""
    return hash((4, simhash))


def _story_hash(story_id: str) -> int:
    """What the table keeps of a story id: 32 bits of its hash (stories are only compared)."""
    return hash(story_id) & 0xFFFFFFFF


# A key this rare is worth following alone: its holders belong to two stories at most, so a
# source with its copies counts once (a partial rewrite shares one sentence key with its source
# and its republications); a key three unrelated articles hold says little.
SINGLE_KEY_STORIES = 2
EARLIEST_KEPT = 4096  # fingerprints whose earliest copy is remembered (about 1.2 MB)
COMPACT_FROM = 1024  # dead slots (and a quarter of the live ones) before a compaction
# Sort keys packing two numbers: slots take 40 bits beside a key's number, 31 beside a
# holder count (a table of 2**31 entries is far beyond one worker).
_SLOT_MASK = (1 << 40) - 1
_STORIES_MASK = (1 << 32) - 1


_SLOT_ARRAYS = ("_times", "_stories", "_alive")  # per slot, grown and compacted together


def choose(sightings: Iterable[Sighting], *, limit: int) -> list[Sighting]:
    """At most ``limit`` entries to verify, most likely copies first, from a table's
    sightings (one per article).

    A copy shares several keys with its source; an unrelated article that happens to share
    one key shares only that one.  So entries sharing two or more keys come first (most
    shared first), and an entry sharing a single key is kept only if that key is rare
    (its holders belong to ``SINGLE_KEY_STORIES`` stories or fewer): the number verified stays
    small however large the table grows.  Ties go to the newest entry.
    """
    useful = [s for s in sightings if s.shared > 1 or s.rarest <= SINGLE_KEY_STORIES]
    useful.sort(key=lambda s: (-s.shared, s.rarest, -s.event_time, s.article_id))
    return useful[:limit]


class RollingIndex:
    """Signatures of recent articles, found by lookup key, evicted by event time.

    A key held by articles of more than ``max_postings`` different stories is as common as
    a stop word (a popular name, a 16-bit SimHash block in a big table): it says nothing
    about copies and is not followed, which keeps the candidates per article flat as the
    table grows (copies share rarer keys too).  A key held by many copies of *one* story (a
    syndicated wire story) stays useful.  Of a key's holders only the newest
    ``max_postings`` are candidates.
    """

    def __init__(self, store: MutableMapping[str, dict] | None = None, *, max_postings: int = 16) -> None:
        self._store: MutableMapping[str, dict] = store if store is not None else {}
        self._max_postings = max_postings
        self.signatures = SignatureCache()  # decoded signatures of recent candidates
        self.watermark = float("-inf")  # latest event time seen
        self.evicted_total = 0
        self._reset()

    def _reset(self, capacity: int = 1024) -> None:
        self._postings = Postings()
        self.meanings = MeaningIndex()  # lead hashes of the entries that have one (semantic.py)
        self._ids = IdPool(capacity)  # slot -> article id
        self._times = np.empty(capacity, dtype=np.float64)
        self._stories = np.empty(capacity, dtype=np.uint32)  # 32 bits of the story id's hash
        self._alive = np.zeros(capacity, dtype=bool)
        self._live = 0
        self._compaction: _Compaction | None = None  # running beside the stream
        # The earliest entry (then the least id) of each of the last fingerprints looked up
        # with identical holders, kept up to date as copies are added (``_identical``).
        self._earliest: dict[int, Identical] = {}
        # The language classes (English or not) of the entries filed under figure keys since
        # the table began or was rebuilt (``holds_figure_keys``).
        self._figured: set[bool] = set()

    def __len__(self) -> int:
        return self._live

    @property
    def store(self) -> MutableMapping[str, dict]:
        """The durable records (what a restarted worker rebuilds the index from)."""
        return self._store

    @property
    def compacting(self) -> bool:
        """A compaction runs beside the stream (swapped in by the first call after it is done)."""
        return self._compaction is not None

    def finish_merges(self) -> None:
        """Wait for the postings' background merge and compaction, if one is running
        (benchmarks, tests)."""
        self._postings.finish_merges()
        self._finish_compaction(wait=True)

    @property
    def nbytes(self) -> int:
        """Memory held by the index itself (postings, slot arrays, ids, and an estimate for the
        earliest copies remembered: about 300 bytes each, at most ``EARLIEST_KEPT``), not the
        store."""
        arrays = (self._times, self._stories, self._alive)
        return self._postings.nbytes + sum(a.nbytes for a in arrays) + self._ids.nbytes + 300 * len(self._earliest)

    def __contains__(self, article_id: str) -> bool:
        return article_id in self._store

    def live_ids(self) -> list[str]:
        """The ids of the entries held (from memory, without reading the store)."""
        return self._ids.take(np.flatnonzero(self._alive[: len(self._ids)]).tolist())

    def get(self, article_id: str) -> Entry | None:
        record = self._store.get(article_id)
        return Entry.from_record(record) if record is not None else None

    def add(self, entry: Entry, keys: tuple[int, ...] | None = None) -> None:
        """Store and index an entry (no-op for an id already present).

        ``keys`` are its lookup keys when the caller has them already (saves recomputing);
        it is indexed under its figure keys too (``fingerprint.indexed_keys``).
        """
        if entry.article_id in self._store:
            return
        self._store[entry.article_id] = entry.to_record()
        self._index(entry, keys)

    def holds_figure_keys(self, english: bool) -> bool:
        """Whether an entry of this language class (English or not) may be filed under figure
        keys: one has been since the table began or was rebuilt (expiry does not forget it)."""
        return english in self._figured

    def sightings(self, keys: Iterable[int], *, not_before: float, limit: int | None = None) -> list[Sighting]:
        """Entries newer than ``not_before`` that share a key that is not common with the query,
        with how many keys each shares and the fewest stories among those keys' holders.

        A key is common when the live entries among its newest ``4 * max_postings`` holders
        belong to more than ``max_postings`` different stories (a popular name, a 16-bit
        SimHash block in a big table): it says nothing about copies and is not followed.
        Of the other keys' holders only the newest ``max_postings`` count.  Both rules look at
        one key at a time.

        ``limit``: the caller asks this table about *all* the query's keys, so the ``choose``
        rules can be applied here already, in numpy, keeping at most ``limit`` sightings (and
        any tied with the last): the same choice, without an object per holder.
        """
        return self._ranked(*self._holders(keys), not_before=not_before, limit=limit)

    def lookup(
        self,
        keys: Iterable[int],
        simhash: int,
        *,
        not_before: float,
        limit: int | None = None,
        exclude: str | None = None,
    ) -> Identical | list[Sighting]:
        """The earliest entry in the window with the query's very fingerprint, if there is
        one (``identity_key``: one key's postings); else ``sightings``.  An identical SimHash
        with the same counts (the caller compares ``Identical.counts``) is a duplicate
        nothing beats, so then nothing is gathered or ranked: most of a syndicated stream is
        copies word for word.  ``exclude``: an id not to find (a
        replayed probe's own entry)."""
        self._finish_compaction()
        identical = self._identical(simhash, not_before, exclude)
        if identical is not None:
            return identical
        return self.sightings(keys, not_before=not_before, limit=limit)

    def _identical(self, simhash: int, not_before: float, exclude: str | None) -> Identical | None:
        """``_earliest_identical`` among all holders of the fingerprint's identity key, in
        constant time while the fingerprint's earliest copy is remembered.

        A wire story, a paywall stub or an error page can arrive thousands of times with one
        date, and reading every copy's id at each lookup would make a burst quadratic.  So the
        earliest copy over *all* holders is remembered per fingerprint once found, and
        replaced as earlier ones are added (``_index``).  It answers a lookup when its record
        is still there, as stored, inside the window and not excluded; otherwise the holders
        are read.  Memory stays bounded: the oldest fingerprint is forgotten first."""
        known = self._earliest.get(simhash)
        if known is not None and known.event_time >= not_before and known.article_id != exclude:
            record = self._store.get(known.article_id)
            if record is not None and float(record["t"]) == known.event_time and int(record["fp"], 16) == simhash:
                return Identical(known.article_id, record["story"], known.event_time, tuple(record["n"]))
        same = self._postings.holders(identity_key(simhash))
        same = same[self._alive[same]]
        if not same.size:
            return None
        earliest = self._earliest_identical(same, simhash, float("-inf"), None)
        if earliest is None:
            return None
        self._earliest.pop(simhash, None)
        self._earliest[simhash] = earliest
        if len(self._earliest) > EARLIEST_KEPT:
            del self._earliest[next(iter(self._earliest))]
        if earliest.event_time >= not_before and earliest.article_id != exclude:
            return earliest
        return self._earliest_identical(same, simhash, not_before, exclude)  # older than the window: rare

    def _holders(self, keys: Iterable[int]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(key number, slot) of the live entries among each key's newest ``4 * max_postings``
        holders, and each key's holders in all (``Postings.gather``)."""
        self._finish_compaction()
        owner, slots, totals = self._postings.gather(list(keys), newest=4 * self._max_postings)
        live = self._alive[slots]
        return owner[live], slots[live], totals

    def _earliest_identical(
        self, slots: np.ndarray, simhash: int, not_before: float, exclude: str | None
    ) -> Identical | None:
        """Of these slots (holders of the query's identity key), the earliest entry, then the
        least id, whose stored fingerprint is the query's: records are read in that order
        until one is (32-bit keys rarely collide, so usually one read; only the ids of the
        earliest are taken)."""
        times = self._times[slots]
        slots, times = slots[times >= not_before], times[times >= not_before]
        while slots.size:
            first = times == times.min()
            event_time = float(times[first][0])
            for article_id in sorted(self._ids.take(slots[first])):
                record = self._store.get(article_id) if article_id != exclude else None
                if record is not None and int(record["fp"], 16) == simhash:
                    return Identical(article_id, record["story"], event_time, tuple(record["n"]))
            slots, times = slots[~first], times[~first]
        return None

    def _ranked(
        self, owner: np.ndarray, slots: np.ndarray, totals: np.ndarray, *, not_before: float, limit: int | None
    ) -> list[Sighting]:
        """``sightings`` from the holders of the query's keys."""
        if not slots.size:
            return []
        most = self._max_postings
        # Per key, the stories its live holders belong to: more than ``most`` make it common.
        stories = np.bincount(
            distinct((owner << 32) | self._stories[slots].astype(np.int64)) >> 32, minlength=totals.size
        )
        common = stories > most
        if common[owner].any():
            keep = ~common[owner]
            owner, slots = owner[keep], slots[keep]
        # The newest ``most`` holders of each key: sorted by key, then newest first (slots
        # count down from 2**40 in the low bits of one sort key); most lookups' keys have
        # fewer, and all of them are kept.
        if np.bincount(owner).max(initial=0) > most:
            keyed = (owner << 40) | (_SLOT_MASK - slots)
            keyed.sort()
            owner, slots = keyed >> 40, _SLOT_MASK - (keyed & _SLOT_MASK)
            rank = np.arange(owner.size) - owner.searchsorted(owner, "left")
            owner, slots = owner[rank < most], slots[rank < most]
        # Per holder: keys shared, and the fewest stories among their holders (sorted by slot,
        # then stories: a slot's first row has its fewest).
        keyed = (slots << 32) | np.minimum(stories[owner], _STORIES_MASK)
        keyed.sort()
        first = np.ones(keyed.size, dtype=bool)
        np.not_equal(keyed[1:] >> 32, keyed[:-1] >> 32, out=first[1:])
        starts = first.nonzero()[0]
        unique, rarest = keyed[starts] >> 32, keyed[starts] & _STORIES_MASK
        shared = np.empty_like(starts)
        np.subtract(starts[1:], starts[:-1], out=shared[:-1])
        shared[-1:] = keyed.size - starts[-1:]
        keep = self._times[unique] >= not_before
        if limit is not None:
            keep &= (shared > 1) | (rarest <= SINGLE_KEY_STORIES)
        unique, shared, rarest = unique[keep], shared[keep], rarest[keep]
        if limit is not None and unique.size > limit:
            times = self._times[unique]
            order = np.lexsort((-times, rarest, -shared))
            last = order[limit - 1]
            tied = (shared == shared[last]) & (rarest == rarest[last]) & (times == times[last])
            chosen = np.zeros(unique.size, dtype=bool)
            chosen[order[:limit]] = True
            chosen |= tied
            unique, shared, rarest = unique[chosen], shared[chosen], rarest[chosen]
        store = self._store
        columns = zip(self._ids.take(unique), self._times[unique].tolist(), shared.tolist(), rarest.tolist())
        return [Sighting(article_id, t, count, fewest, store) for article_id, t, count, fewest in columns]

    def candidates(self, keys: Iterable[int], *, not_before: float, limit: int) -> list[Entry]:
        """The entries worth verifying against a query with these keys (see ``choose``)."""
        chosen = choose(self.sightings(keys, not_before=not_before, limit=limit), limit=limit)
        return [Entry.from_record(r) for r in (s.record() for s in chosen) if r is not None]

    def set_revised(self, article_id: str, revised: tuple[str, ...]) -> None:
        """Write the articles a stored entry's arrival (or meaning) revised."""
        record = self._store.get(article_id)
        if record is not None:
            self._store[article_id] = {**record, "revised": list(revised)}

    def set_meaning(self, entry: Entry, meaning: Meaning) -> None:
        """Write a stored entry's meaning (``Entry.meaning``, its bytes, computed after it was
        stored) and index it."""
        record = self._store.get(entry.article_id)
        if record is None or entry.meaning is None:
            return
        self._store[entry.article_id] = {**record, "sem": base64.b64encode(entry.meaning).decode("ascii")}
        self.meanings.add(entry.article_id, entry.event_time, meaning)

    def revise(self, entry: Entry) -> None:
        """Write a stored entry's revised label, match and story (``Entry.revision_fields``);
        a new story is also its slot's."""
        record = self._store.get(entry.article_id)
        if record is None:
            return
        self._store[entry.article_id] = {**record, **entry.revision_fields()}
        if record["story"] != entry.story_id:
            for slot in self._story_slots(record["story"]):
                if self._ids[slot] == entry.article_id:
                    self._stories[slot] = _story_hash(entry.story_id)

    def story_members(self, story_id: str, limit: int) -> list[str] | None:
        """The ids of the entries in a story, from one pass over the slots (a story's members
        are not indexed by story); None when it has more than ``limit``."""
        slots = self._story_slots(story_id)
        if slots.size > 4 * limit:
            return None
        members = [i for i in self._ids.take(slots.tolist()) if self._store.get(i, {}).get("story") == story_id]
        return members if len(members) <= limit else None

    def _story_slots(self, story_id: str) -> np.ndarray:
        """The live slots whose story hash is the story's (a few more on a 32-bit collision)."""
        self._finish_compaction()
        n = len(self._ids)
        return np.flatnonzero(self._alive[:n] & (self._stories[:n] == _story_hash(story_id)))

    def evict(self, before: float) -> int:
        """Drop entries with event time before ``before`` from memory and the store; once
        more than a quarter of the slots are dead, compact them away beside the stream."""
        self._finish_compaction()
        n = len(self._ids)
        expired = np.nonzero(self._alive[:n] & (self._times[:n] < before))[0]
        for article_id in self._ids.take(expired):
            if article_id in self._store:
                del self._store[article_id]
        self._alive[expired] = False
        self.meanings.evict(before)
        self._live -= expired.size
        self.evicted_total += expired.size
        dead = n - self._live
        if dead > max(COMPACT_FROM, self._live // 4) and self._compaction is None:
            self._start_compaction()
        return int(expired.size)

    def rebuild(self) -> int:
        """Re-derive the in-memory index from the store (after changelog recovery).

        Records of a format version not ``READABLE_VERSIONS`` are dropped: their hashes cannot
        be compared with this version's, so they could never match (such a version starts an
        empty window).
        """
        for article_id in [k for k, r in self._store.items() if r.get("v") not in READABLE_VERSIONS]:
            del self._store[article_id]
        records = sorted(self._store.values(), key=lambda r: (r["t"], r["id"]))
        self._reset(max(1024, len(records)))
        self.watermark = float("-inf")
        for record in records:
            entry = Entry.from_record(record)
            # Held decoded from now on where the store keeps the record itself (in memory);
            # the same value, so nothing is written.
            record["sig"] = HeldSignature(entry.signature)
            self._index(entry)
        return self._live

    def _index(self, entry: Entry, keys: tuple[int, ...] | None = None) -> None:
        self._finish_compaction()
        slot = len(self._ids)
        if slot == self._times.size:
            self._grow(2 * slot)
        self._ids.append(entry.article_id)
        self._times[slot] = entry.event_time
        self._stories[slot] = _story_hash(entry.story_id)
        self._alive[slot] = True
        self._live += 1
        own = keys if keys is not None else lookup_keys(entry.signature)
        keys = indexed_keys(entry.signature, own)
        if len(keys) > len(own):
            self._figured.add(entry.signature.english)
        simhash = entry.signature.simhash
        self._postings.add(slot, (*keys, identity_key(simhash)))
        if entry.meaning:
            self.meanings.add(entry.article_id, entry.event_time, Meaning.from_bytes(entry.meaning))
        self.watermark = max(self.watermark, entry.event_time)
        known = self._earliest.get(simhash)
        if known is not None and (entry.event_time, entry.article_id) < (known.event_time, known.article_id):
            self._earliest[simhash] = Identical(entry.article_id, entry.story_id, entry.event_time)

    def _grow(self, capacity: int) -> None:
        for name in _SLOT_ARRAYS:
            old = getattr(self, name)
            new = np.zeros(capacity, dtype=old.dtype)
            new[: old.size] = old
            setattr(self, name, new)

    def _start_compaction(self) -> None:
        """Forget expired slots, renumbering the live ones densely (memory stays flat): the
        postings and the ids are compacted on the merge thread, as they were when it started;
        ``_finish_compaction`` swaps them in.  In the stream's thread this took about half a
        second at a million entries, with every lookup waiting."""
        n = len(self._ids)
        keep = self._alive[:n].copy()
        self._postings.start_compaction(keep)
        self._compaction = _Compaction(n, keep, in_background(IdPool.kept, self._ids.snapshot(), keep))

    def _finish_compaction(self, *, wait: bool = False) -> None:
        """Swap a finished compaction in, with the slots added since it started moved down to
        follow the kept ones (every lookup, insert and eviction checks first, so the index
        and the postings always agree on slot numbers)."""
        c = self._compaction
        if c is None or not (wait or (c.ids.done() and self._postings.compaction_done())):
            return
        self._compaction = None
        kept = np.flatnonzero(c.keep)
        try:
            try:
                ids = c.ids.result()
            except BaseException:
                self._postings.cancel_compaction()  # the postings must keep the ids' numbering
                raise
            self._postings.finish_compaction(c.slots - kept.size)
        except Exception:
            if wait:
                raise
            # Out of memory, say: the index stays as it was (expired slots dead, not dropped)
            # and the article being looked up is not made to fail; the next eviction retries.
            log.exception("copydesk: compacting the index failed; it stays as it was")
            return
        n = len(self._ids)
        ids.extend(self._ids, c.slots)
        self._ids = ids
        added = n - c.slots
        capacity = max(1024, 2 * (kept.size + added))
        for name in _SLOT_ARRAYS:  # an entry expired meanwhile keeps its slot, dead, until the next one
            old = getattr(self, name)
            new = np.zeros(capacity, dtype=old.dtype)
            new[: kept.size] = old[kept]
            new[kept.size : kept.size + added] = old[c.slots : n]
            setattr(self, name, new)


@dataclass(frozen=True, slots=True)
class _Compaction:
    slots: int  # the slots when it started; those added since follow the kept ones
    keep: np.ndarray  # which of them it keeps
    ids: Future[IdPool]  # the kept ids, compacted on the merge thread
