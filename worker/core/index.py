"""The rolling table: stored signatures, an inverted index of lookup keys, eviction by time.

Durable state is a plain ``MutableMapping[str, dict]`` of article id -> JSON-able record
(a dict in the offline command, a Faust table backed by its changelog in the worker).  The
inverted index (lookup key -> recent article ids) is derived from it, kept in memory, and
rebuilt from the store after recovery, so the store holds each entry exactly once.
"""

from __future__ import annotations

import base64
import heapq
from collections.abc import Iterable, Iterator, MutableMapping
from dataclasses import dataclass

from worker.core.fingerprint import Signature, lookup_keys

RECORD_VERSION = 2  # 2: XXH3/XXH32 feature hashes, sentence outline, fact sketch


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

    def to_record(self) -> dict:
        sig = self.signature
        return {
            "v": RECORD_VERSION,
            "id": self.article_id,
            "story": self.story_id,
            "t": self.event_time,
            "fp": f"{sig.simhash:016x}",
            "sig": base64.b64encode(sig.to_bytes()).decode("ascii"),
            "n": list(sig.counts),
            "ol": base64.b64encode(sig.outline.to_bytes()).decode("ascii"),
            "fa": base64.b64encode(sig.facts.astype("<u4").tobytes()).decode("ascii"),
            "label": self.label,
            "match": self.matched_id,
            "dist": self.distance,
            "sim": self.similarity,
            "at": self.processed_at,
        }

    @classmethod
    def from_record(cls, rec: dict) -> Entry:
        sig = Signature.from_parts(
            int(rec["fp"], 16),
            base64.b64decode(rec["sig"]),
            tuple(rec["n"]),
            outline=base64.b64decode(rec.get("ol", "")),
            facts=base64.b64decode(rec.get("fa", "")),
        )
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
        )


class RollingIndex:
    """Signatures of recent articles, found by lookup key, evicted by event time."""

    def __init__(self, store: MutableMapping[str, dict] | None = None, *, max_postings: int = 32) -> None:
        self._store: MutableMapping[str, dict] = store if store is not None else {}
        self._max_postings = max_postings
        self._entries: dict[str, Entry] = {}
        # key -> ids holding it, or None once more than max_postings live articles hold it:
        # such a key is as common as a stop word (a popular name, a 16-bit SimHash block in
        # a big table) and says nothing about copies.  Copies share rare keys too, so
        # skipping common ones keeps the candidates per article flat as the table grows.
        self._postings: dict[int, list[str] | None] = {}
        self._holders: dict[int, int] = {}  # key -> live articles holding it
        self._by_time: list[tuple[float, str]] = []
        self.watermark = float("-inf")  # latest event time seen
        self.evicted_total = 0

    def __len__(self) -> int:
        return len(self._entries)

    @property
    def store(self) -> MutableMapping[str, dict]:
        """The durable records (what a restarted worker rebuilds the index from)."""
        return self._store

    def __contains__(self, article_id: str) -> bool:
        return article_id in self._entries

    def __iter__(self) -> Iterator[Entry]:
        return iter(self._entries.values())

    def get(self, article_id: str) -> Entry | None:
        return self._entries.get(article_id)

    def add(self, entry: Entry, keys: tuple[int, ...] | None = None) -> None:
        """Store and index an entry (no-op for an id already present).

        ``keys`` are its lookup keys when the caller has them already (saves recomputing).
        """
        if entry.article_id in self._entries:
            return
        self._store[entry.article_id] = entry.to_record()
        self._index(entry, keys)

    def candidates(self, keys: Iterable[int], *, not_before: float, limit: int) -> list[Entry]:
        """Distinct entries sharing a key that is not common, newer than ``not_before``, at
        most ``limit``.

        Rarest keys first, newest first within a key, so the cap keeps the entries that
        share the most specific keys.
        """
        seen: dict[str, Entry] = {}
        lists = [ids for ids in map(self._postings.get, keys) if ids]
        lists.sort(key=len)
        for ids in lists:
            for article_id in reversed(ids):
                if article_id in seen:
                    continue
                entry = self._entries.get(article_id)
                if entry is None or entry.event_time < not_before:
                    continue
                seen[article_id] = entry
                if len(seen) >= limit:
                    return list(seen.values())
        return list(seen.values())

    def evict(self, before: float) -> int:
        """Drop entries with event time before ``before`` from memory and the store."""
        dropped = 0
        while self._by_time and self._by_time[0][0] < before:
            _, article_id = heapq.heappop(self._by_time)
            entry = self._entries.pop(article_id, None)
            if entry is None:
                continue
            for key in lookup_keys(entry.signature):
                holders = self._holders.get(key, 0) - 1
                if holders <= 0:
                    self._holders.pop(key, None)
                    self._postings.pop(key, None)
                    continue
                self._holders[key] = holders
                ids = self._postings.get(key)
                if ids is not None and article_id in ids:
                    ids.remove(article_id)
            if article_id in self._store:
                del self._store[article_id]
            dropped += 1
        self.evicted_total += dropped
        return dropped

    def rebuild(self) -> int:
        """Re-derive the in-memory index from the store (after changelog recovery).

        Records of another format version are dropped: their hashes cannot be compared with
        this version's, so they could never match (a new version starts an empty window).
        """
        for article_id in [k for k, r in self._store.items() if r.get("v") != RECORD_VERSION]:
            del self._store[article_id]
        self._entries.clear()
        self._postings.clear()
        self._holders.clear()
        self._by_time.clear()
        self.watermark = float("-inf")
        records = sorted(self._store.values(), key=lambda r: (r["t"], r["id"]))
        for record in records:
            self._index(Entry.from_record(record))
        return len(self._entries)

    def _index(self, entry: Entry, keys: tuple[int, ...] | None = None) -> None:
        self._entries[entry.article_id] = entry
        for key in keys if keys is not None else lookup_keys(entry.signature):
            holders = self._holders.get(key, 0) + 1
            self._holders[key] = holders
            if holders > self._max_postings:
                self._postings[key] = None  # common from now until its holders expire
            elif holders == 1:
                self._postings[key] = [entry.article_id]
            else:
                ids = self._postings[key]
                if ids is not None:
                    ids.append(entry.article_id)
        heapq.heappush(self._by_time, (entry.event_time, entry.article_id))
        self.watermark = max(self.watermark, entry.event_time)
