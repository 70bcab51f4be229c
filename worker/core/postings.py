"""Compact inverted index: lookup key -> slots, kept in sorted numpy runs.

Each article holds a few dozen lookup keys, and a table holds millions of articles, so a
Python dict of lists (about 100 bytes per key and article) would cost more memory than the
fingerprints themselves.  Postings here are single ``uint64`` words, ``key << 32 | slot``,
in sorted runs (a log-structured merge in memory): 8 bytes per key and article, lookups by
binary search in each run, new postings buffered and merged in runs of doubling size so the
work per insert stays logarithmic.  Expired slots are dropped from every run at compaction.

Large runs are packed to about 6 bytes a posting (``PackedRun``): the top bits of the keys
are implied by where a posting sits (an offsets array per run), so each posting keeps 16
bits of its key and its 32-bit slot.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

_BUFFER = 4096  # postings buffered unsorted before they become a run
_PACK_FROM = 1 << 19  # runs this large are packed (their offsets cost at most half a byte a posting)
_LOW = np.uint64(0xFFFFFFFF)
_SHIFT = np.uint64(32)


def fold_key(key: int) -> int:
    """A lookup key (any int) as the 32 bits stored in a posting."""
    return key & 0xFFFFFFFF


class WordRun:
    """A sorted run of ``key << 32 | slot`` words: 8 bytes a posting."""

    def __init__(self, words: np.ndarray) -> None:
        self._words = words

    @property
    def size(self) -> int:
        return int(self._words.size)

    @property
    def nbytes(self) -> int:
        return int(self._words.nbytes)

    def words(self) -> np.ndarray:
        return self._words

    def ranges(self, folded: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Each key's postings are positions ``lo[i]:hi[i]`` (slots ascending)."""
        first = folded << _SHIFT
        return self._words.searchsorted(first), self._words.searchsorted(first | _LOW, "right")

    def slots(self, positions: np.ndarray) -> np.ndarray:
        return (self._words[positions] & _LOW).astype(np.int64)


class PackedRun:
    """A sorted run packed to 6 bytes a posting: per posting the low 16 bits of its key and
    its slot.  The top bits of the key are the bucket it sits in: ``2**bits`` buckets, about
    16 postings each (``bits`` from 16 to 24), so the offsets cost a quarter to half a byte a
    posting and finding a key scans a handful of postings."""

    def __init__(self, words: np.ndarray) -> None:
        keys = words >> _SHIFT
        bits = min(24, max(16, int(words.size).bit_length() - 4))
        self._shift = np.uint64(32 - bits)
        edges = np.arange((1 << bits) + 1, dtype=np.uint64) << self._shift
        self._offsets = np.searchsorted(keys, edges).astype(np.uint32)
        self._low = (keys & np.uint64(0xFFFF)).astype(np.uint16)
        self._slots = (words & _LOW).astype(np.uint32)

    @property
    def size(self) -> int:
        return int(self._slots.size)

    @property
    def nbytes(self) -> int:
        return int(self._offsets.nbytes + self._low.nbytes + self._slots.nbytes)

    def words(self) -> np.ndarray:
        buckets = np.repeat(np.arange(self._offsets.size - 1, dtype=np.uint64), np.diff(self._offsets.astype(np.int64)))
        within = self._low.astype(np.uint64) & ((np.uint64(1) << self._shift) - np.uint64(1))
        return (((buckets << self._shift) | within) << _SHIFT) | self._slots.astype(np.uint64)

    def ranges(self, folded: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """As ``WordRun.ranges``: each key's bucket is scanned for its low 16 bits, all keys
        in one pass (within a bucket the keys differ only in those bits, in order)."""
        bucket = (folded >> self._shift).astype(np.int64)
        start, end = self._offsets[bucket].astype(np.int64), self._offsets[bucket + 1].astype(np.int64)
        lengths = end - start
        total = int(lengths.sum())
        if not total:
            return start, start
        owner = np.repeat(np.arange(folded.size), lengths)
        low = self._low[np.repeat(start - np.cumsum(lengths) + lengths, lengths) + np.arange(total)]
        wanted = (folded & np.uint64(0xFFFF)).astype(np.uint16)[owner]
        before = np.bincount(owner, weights=low < wanted, minlength=folded.size).astype(np.int64)
        upto = np.bincount(owner, weights=low <= wanted, minlength=folded.size).astype(np.int64)
        return start + before, start + upto

    def slots(self, positions: np.ndarray) -> np.ndarray:
        return self._slots[positions].astype(np.int64)


def _run(words: np.ndarray) -> WordRun | PackedRun:
    return PackedRun(words) if words.size >= _PACK_FROM else WordRun(words)


class Postings:
    """Multimap of 32-bit keys to 32-bit slots, slots ascending within a key."""

    def __init__(self) -> None:
        self._runs: list[WordRun | PackedRun] = []  # sorted; older and larger first
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
        """For all keys at once: (key index, slot) pairs for each key's ``newest`` newest
        slots, and each key's total number of postings.

        Runs are in time order (a run only ever merges with its neighbour), so the buffer
        and then the runs from the newest back are read until each key has its share: how
        the postings happen to be split into runs changes nothing.
        """
        folded = np.asarray([fold_key(k) for k in keys], dtype=np.uint64)
        totals = np.zeros(folded.size, dtype=np.int64)
        quota = np.full(folded.size, newest, dtype=np.int64)
        owners: list[np.ndarray] = []
        slots: list[np.ndarray] = []
        for i, key in enumerate(folded.tolist()):
            recent = self._recent.get(key)
            if recent:
                taken = recent[-newest:]
                totals[i] += len(recent)
                quota[i] -= len(taken)
                owners.append(np.full(len(taken), i, dtype=np.int64))
                slots.append(np.asarray(taken, dtype=np.int64))
        positions = np.arange(folded.size)
        for run in reversed(self._runs):
            lo, hi = run.ranges(folded)
            held = hi - lo
            if not held.any():  # most runs hold none of an article's keys
                continue
            totals += held
            n = np.minimum(held, quota)
            count = int(n.sum())
            if count:
                quota -= n
                owners.append(np.repeat(positions, n))
                slots.append(run.slots(np.repeat(hi - np.cumsum(n), n) + np.arange(count)))
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
            words = run.words()
            live = words[keep[(words & _LOW).astype(np.int64)]]
            if live.size:
                runs.append((live & ~_LOW) | renumber[(live & _LOW).astype(np.int64)])
        self._runs = []
        for words in runs:
            self._push(words)

    def _flush(self) -> None:
        if self._buffered:
            words = [(key << 32) | slot for key, slots in self._recent.items() for slot in slots]
            self._push(np.sort(np.asarray(words, dtype=np.uint64)))
            self._recent.clear()
            self._buffered = 0

    def _push(self, words: np.ndarray) -> None:
        # Merge while the newest run is at least half the one before it: sizes double, so a
        # posting is merged O(log n) times.  Sorting two sorted runs is a linear merge.
        while self._runs and words.size * 2 >= self._runs[-1].size:
            merged = np.concatenate((self._runs.pop().words(), words))
            merged.sort(kind="stable")
            words = merged
        self._runs.append(_run(words))
