"""Compact inverted index: lookup key -> slots, kept in sorted numpy runs.

Each article holds a few dozen lookup keys, and a table holds millions of articles, so a
Python dict of lists (about 100 bytes per key and article) would cost more memory than the
fingerprints themselves.  Postings here are single ``uint64`` words, ``key << 32 | slot``,
in sorted runs (a log-structured merge in memory): 8 bytes per key and article, lookups by
binary search in each run, new postings buffered and merged in runs of doubling size so the
work per insert stays logarithmic.  Expired slots are dropped from every run at compaction.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

_BUFFER = 4096  # postings buffered unsorted before they become a run
_LOW = np.uint64(0xFFFFFFFF)
_SHIFT = np.uint64(32)


def fold_key(key: int) -> int:
    """A lookup key (any int) as the 32 bits stored in a posting."""
    return key & 0xFFFFFFFF


class Postings:
    """Multimap of 32-bit keys to 32-bit slots, slots ascending within a key."""

    def __init__(self) -> None:
        self._runs: list[np.ndarray] = []  # sorted; older and larger first
        self._recent: dict[int, list[int]] = {}  # postings not yet in a run: key -> slots
        self._buffered = 0

    def __len__(self) -> int:
        return sum(r.size for r in self._runs) + self._buffered

    @property
    def nbytes(self) -> int:
        """Bytes in the runs, plus an estimate for the few buffered postings."""
        return sum(r.nbytes for r in self._runs) + 100 * self._buffered

    def add(self, slot: int, keys: Iterable[int]) -> None:
        for key in keys:
            self._recent.setdefault(fold_key(key), []).append(slot)
            self._buffered += 1
        if self._buffered >= _BUFFER:
            self._flush()

    def gather(self, keys: list[int], newest: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """For all keys at once: (key index, slot) pairs for at most ``newest`` of each key's
        newest slots per run, and each key's total number of postings."""
        folded = np.asarray([fold_key(k) for k in keys], dtype=np.uint64)
        k = folded.size
        bounds = np.concatenate((folded << _SHIFT, (folded + np.uint64(1)) << _SHIFT))
        totals = np.zeros(k, dtype=np.int64)
        owners: list[np.ndarray] = []
        slots: list[np.ndarray] = []
        positions = np.arange(k)
        for run in self._runs:
            found = run.searchsorted(bounds)  # both ends of every key's range, in one call
            lo, hi = found[:k], found[k:]
            held = hi - lo
            if not held.any():  # most runs hold none of an article's keys
                continue
            totals += held
            start = np.maximum(lo, hi - newest)
            n = hi - start
            count = int(n.sum())
            index = np.repeat(start - np.cumsum(n) + n, n) + np.arange(count)
            owners.append(np.repeat(positions, n))
            slots.append((run[index] & _LOW).astype(np.int64))
        for i, key in enumerate(folded.tolist()):
            recent = self._recent.get(key)
            if recent:
                totals[i] += len(recent)
                owners.append(np.full(min(newest, len(recent)), i, dtype=np.int64))
                slots.append(np.asarray(recent[-newest:], dtype=np.int64))
        if not slots:
            empty = np.empty(0, dtype=np.int64)
            return empty, empty, totals
        return np.concatenate(owners), np.concatenate(slots), totals

    def compact(self, keep: np.ndarray) -> None:
        """Drop postings whose slot is not kept, and renumber slots densely.

        ``keep`` is a boolean array over slots; slot ``s`` becomes ``cumsum(keep)[s] - 1``,
        which preserves slot order (so runs stay sorted).
        """
        self._flush()
        renumber = np.cumsum(keep, dtype=np.uint64) - np.uint64(1)
        runs = []
        for run in self._runs:
            slots = (run & _LOW).astype(np.int64)
            live = run[keep[slots]]
            if live.size:
                runs.append((live & ~_LOW) | renumber[(live & _LOW).astype(np.int64)])
        self._runs = []
        for run in runs:
            self._push(run)

    def _flush(self) -> None:
        if self._buffered:
            words = [(key << 32) | slot for key, slots in self._recent.items() for slot in slots]
            self._push(np.sort(np.asarray(words, dtype=np.uint64)))
            self._recent.clear()
            self._buffered = 0

    def _push(self, run: np.ndarray) -> None:
        self._runs.append(run)
        # Merge while the newest run is at least half the one before it: sizes double, so a
        # posting is merged O(log n) times.  Sorting two sorted runs is a linear merge.
        while len(self._runs) > 1 and self._runs[-1].size * 2 >= self._runs[-2].size:
            newer = self._runs.pop()
            older = self._runs.pop()
            merged = np.concatenate((older, newer))
            merged.sort(kind="stable")
            self._runs.append(merged)
