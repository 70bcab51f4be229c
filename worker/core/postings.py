"""Compact inverted index: lookup key -> slots, kept in sorted numpy runs.

Each article holds a few dozen lookup keys, and a table holds millions of articles, so a
Python dict of lists (about 100 bytes per key and article) would cost more memory than the
fingerprints themselves.  Postings here are single ``uint64`` words, ``key << 32 | slot``,
in sorted runs (a log-structured merge in memory): 8 bytes per key and article, lookups by
binary search in each run, new postings buffered and merged into runs that grow eightfold
from one to the next, so the work per insert stays logarithmic and a lookup reads few runs;
large merges run in a thread.  Expired slots are dropped from every run at compaction.

Large runs are packed to about 4 bytes a posting (``PackedRun``): the top bits of the keys
are implied by where a posting sits (an offsets array per run), and slots are offsets from
the run's first, so the rest of a key and its slot share one 32-bit word.
"""

from __future__ import annotations

import copy
import os
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TypeVar

import numpy as np

_BUFFER = 4096  # postings buffered unsorted before they become a run
_GROWTH = 8  # each run at least this many times the next newer one (see ``_push``)
_SCAN = 256  # bucket words scanned in a pass; longer buckets are bisected
_BACKGROUND_FROM = 1 << 20  # merges this large run in a thread (smaller ones take under 50 ms)
_PACK_FROM = 1 << 19  # runs this large are packed (their offsets cost at most half a byte a posting)
_T = TypeVar("_T")
_LOW = np.uint64(0xFFFFFFFF)
_SHIFT = np.uint64(32)


_KEY_BITS = 0xFFFFFFFF  # what a posting keeps of a lookup key


def fold_key(key: int) -> int:
    """A lookup key (any int) as the 32 bits stored in a posting."""
    return key & _KEY_BITS


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

    def holders(self, key: int) -> np.ndarray:
        """One key's slots, ascending (``ranges`` for a single key, without its arrays)."""
        words = self._words
        first = np.uint64(key << 32)
        found = words[words.searchsorted(first) : words.searchsorted(first | _LOW, "right")]
        return (found & _LOW).astype(np.int64)

    def slots(self, positions: np.ndarray) -> np.ndarray:
        return (self._words[positions] & _LOW).astype(np.int64)

    def shifted(self, by: int) -> WordRun:
        """The same postings with every slot ``by`` lower (slots added while a compaction ran)."""
        return WordRun(self._words - np.uint64(by)) if by else self

    def kept(self, keep: np.ndarray, renumber: np.ndarray) -> WordRun | PackedRun | None:
        """The run without the postings of dropped slots, the others renumbered (see
        ``Postings.compact``); None when nothing is left."""
        words = self._words
        live = words[keep[(words & _LOW).astype(np.int64)]]
        return _run((live & ~_LOW) | renumber[(live & _LOW).astype(np.int64)]) if live.size else None


class PackedRun:
    """A sorted run packed to about 4 bytes a posting.

    A run holds the postings of consecutive articles, so its slots span about as many
    values as it has articles (``2**slot_bits``).  The top ``bits`` bits of a key are the
    bucket a posting sits in (an offsets array, ``bits = max(16, slot_bits)``: about 16-30
    postings a bucket, under a fifth of a byte a posting); each posting keeps the rest of
    its key and its slot's offset from the run's first slot in one word, ``uint32`` while
    the two fit (runs of up to 2**24 articles), so nothing of the key is lost.  Within a
    bucket the words are in key-then-slot order, so a key's postings are a range of them.
    """

    def __init__(self, words: np.ndarray) -> None:
        keys, slots = words >> _SHIFT, words & _LOW
        self._base = int(slots.min())
        self._slot_bits = max(1, int(slots.max()) - self._base).bit_length()
        bits = min(24, max(16, self._slot_bits))
        self._shift = np.uint64(32 - bits)
        self._rest = np.uint64((1 << (32 - bits)) - 1)
        self._slot_mask = np.uint64((1 << self._slot_bits) - 1)
        dtype = np.uint32 if 32 - bits + self._slot_bits <= 32 else np.uint64
        edges = np.arange((1 << bits) + 1, dtype=np.uint64) << self._shift  # searchsorted releases the GIL
        self._offsets = np.searchsorted(keys, edges).astype(np.uint32 if words.size < 1 << 32 else np.uint64)
        self._packed = (((keys & self._rest) << np.uint64(self._slot_bits)) | (slots - np.uint64(self._base))).astype(
            dtype
        )

    @property
    def size(self) -> int:
        return int(self._packed.size)

    @property
    def nbytes(self) -> int:
        return int(self._offsets.nbytes + self._packed.nbytes)

    def words(self) -> np.ndarray:
        buckets = np.repeat(np.arange(self._offsets.size - 1, dtype=np.uint64), np.diff(self._offsets.astype(np.int64)))
        packed = self._packed.astype(np.uint64)
        keys = (buckets << self._shift) | (packed >> np.uint64(self._slot_bits))
        return (keys << _SHIFT) | ((packed & self._slot_mask) + np.uint64(self._base))

    def ranges(self, folded: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """As ``WordRun.ranges``: a key's words lie between ``rest << slot_bits`` and that plus
        the slot mask in its bucket.  Buckets are scanned for all keys in one pass, except
        long ones (a popular key: thousands of postings in a big run), searched by bisection
        so that a lookup does not grow with the table."""
        bucket = (folded >> self._shift).astype(np.int64)
        start, end = self._offsets[bucket].astype(np.int64), self._offsets[bucket + 1].astype(np.int64)
        first = (folded & self._rest) << np.uint64(self._slot_bits)
        lengths = end - start
        long = lengths > _SCAN
        if long.any():
            lengths = np.where(long, 0, lengths)
        total = int(lengths.sum())
        lo, hi = start.copy(), start.copy()
        if total:
            owner = np.repeat(np.arange(folded.size), lengths)
            packed = self._packed[np.repeat(start - np.cumsum(lengths) + lengths, lengths) + np.arange(total)]
            lo += np.bincount(owner, weights=packed < first[owner], minlength=folded.size).astype(np.int64)
            hi += np.bincount(owner, weights=packed <= (first | self._slot_mask)[owner], minlength=folded.size).astype(
                np.int64
            )
        word = self._packed.dtype.type
        for i in np.flatnonzero(long).tolist():
            bucket_words = self._packed[start[i] : end[i]]
            lo[i] += int(bucket_words.searchsorted(word(first[i])))
            hi[i] += int(bucket_words.searchsorted(word(first[i] | self._slot_mask), "right"))
        return lo, hi

    def holders(self, key: int) -> np.ndarray:
        """As ``WordRun.holders``: a bisection in the key's bucket."""
        bucket = key >> int(self._shift)
        words = self._packed[int(self._offsets[bucket]) : int(self._offsets[bucket + 1])]
        word = self._packed.dtype.type
        first = (key & int(self._rest)) << self._slot_bits
        found = words[words.searchsorted(word(first)) : words.searchsorted(word(first | int(self._slot_mask)), "right")]
        return (found & word(self._slot_mask)).astype(np.int64) + self._base

    def slots(self, positions: np.ndarray) -> np.ndarray:
        return (self._packed[positions] & self._slot_mask).astype(np.int64) + self._base

    def shifted(self, by: int) -> PackedRun:
        """As ``WordRun.shifted``: slots are offsets from the run's first, so only that moves."""
        if not by:
            return self
        run = copy.copy(self)
        run._base = self._base - by
        return run

    def kept(self, keep: np.ndarray, renumber: np.ndarray) -> WordRun | PackedRun | None:
        """As ``WordRun.kept``, done on the packed words: renumbering keeps slot order and
        narrows the span, so keys, buckets and layout stay; a bucket's new offset is the
        number of kept postings before it.  (Unpacking and packing again took three times
        as long: compaction stops the stream.)"""
        word = self._packed.dtype.type
        slots = (self._packed & word(self._slot_mask)) + word(self._base)  # slots fit the word: they are 32-bit
        live = keep[slots]
        count = int(np.count_nonzero(live))
        if count < _PACK_FROM:  # little left: a plain run, without the offsets array
            return WordRun(self.words()).kept(keep, renumber) if count else None
        renumbered = renumber[slots[live]]
        base = int(renumbered.min())
        run = object.__new__(PackedRun)
        run._shift, run._rest, run._slot_bits, run._slot_mask = (
            self._shift,
            self._rest,
            self._slot_bits,
            self._slot_mask,
        )
        run._base = base
        before = np.zeros(live.size + 1, dtype=self._offsets.dtype)
        np.cumsum(live, out=before[1:])
        run._offsets = before[self._offsets]
        run._packed = (self._packed[live] & word(~int(self._slot_mask) & np.iinfo(word).max)) | (
            renumbered - base
        ).astype(self._packed.dtype)
        return run


def _run(words: np.ndarray) -> WordRun | PackedRun:
    return PackedRun(words) if words.size >= _PACK_FROM else WordRun(words)


def _merge(parts: list[WordRun | PackedRun]) -> WordRun | PackedRun:
    """One run from neighbouring runs (a stable sort of sorted runs is a linear merge)."""
    merged = np.concatenate([part.words() for part in parts])
    merged.sort(kind="stable")
    return _run(merged)


class _Background:
    """Runs being worked on by the merge thread, read as they are until the result is in."""

    parts: list[WordRun | PackedRun]

    @property
    def size(self) -> int:
        return sum(p.size for p in self.parts)

    @property
    def nbytes(self) -> int:
        return sum(p.nbytes for p in self.parts)


class _Merging(_Background):
    """Neighbouring runs being merged in the background, read as they are until it is done.

    Merging a large table's biggest runs stopped the stream for up to 1.7 s at 28M postings;
    numpy's concatenation, sort and search release the GIL, so in a thread the longest insert
    while filling a million-article table is about 50 ms.  Lookups read the same postings
    either way (measured during such a merge: p50 / p99 151 / 266 us, against 130 / 189).
    """

    def __init__(self, parts: list[WordRun | PackedRun]) -> None:
        self.parts = parts
        self.future: Future[WordRun | PackedRun] = in_background(_merge, parts)


class _Compacting(_Background):
    """All runs of a moment, being compacted (``Postings.start_compaction``), until the owner
    swaps the result in, with its own slot arrays."""

    def __init__(self, parts: list[WordRun | PackedRun], keep: np.ndarray) -> None:
        self.parts = parts
        self.future: Future[list[WordRun | PackedRun]] = in_background(_compacted, parts, keep)


def _compacted(parts: list[WordRun | PackedRun], keep: np.ndarray) -> list[WordRun | PackedRun]:
    renumber = np.cumsum(keep, dtype=np.uint32) - np.uint32(1)  # 32-bit slots: half the memory to gather from
    kept = [run.kept(keep, renumber) for run in parts]  # each run where it was: no merges
    return [run for run in kept if run is not None]


_executor: ThreadPoolExecutor | None = None


def _merger() -> ThreadPoolExecutor:
    global _executor
    if _executor is None:
        _executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="copydesk-merge")
    return _executor


def in_background(fn: Callable[..., _T], *args: object) -> Future[_T]:
    """Run on the merge thread (one at a time, in order): merges, compactions."""
    return _merger().submit(fn, *args)


def _forget_merger() -> None:  # a forked child has no merge thread: it starts its own
    global _executor
    _executor = None


os.register_at_fork(after_in_child=_forget_merger)


class Postings:
    """Multimap of 32-bit keys to 32-bit slots, slots ascending within a key."""

    def __init__(self) -> None:
        self._runs: list[WordRun | PackedRun | _Background] = []  # in time order; older and larger first
        self._recent: dict[int, list[int]] = {}  # postings not yet in a run: key -> slots
        self._buffered = 0

    def __len__(self) -> int:
        return sum(r.size for r in self._runs) + self._buffered

    @property
    def nbytes(self) -> int:
        """Bytes in the runs, plus an estimate for the few buffered postings."""
        return sum(r.nbytes for r in self._runs) + 100 * self._buffered

    def add(self, slot: int, keys: Iterable[int]) -> None:
        recent = self._recent
        count = 0
        for key in keys:
            recent.setdefault(key & _KEY_BITS, []).append(slot)  # fold_key inlined: dozens a call
            count += 1
        self._buffered += count
        if self._buffered >= _BUFFER:
            self._flush()

    def gather(self, keys: list[int], newest: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """For all keys at once: (key index, slot) pairs for each key's ``newest`` newest
        slots, and each key's total number of postings.

        Runs are in time order (a run only ever merges with its neighbour), so the buffer
        and then the runs from the newest back are read until each key has its share: how
        the postings happen to be split into runs changes nothing.
        """
        folded_keys = [k & _KEY_BITS for k in keys]  # fold_key inlined: a lookup has dozens
        held, taken_owners, taken_slots = [0] * len(folded_keys), [], []
        for i, key in enumerate(folded_keys):  # the buffer: plain lists, converted once
            recent = self._recent.get(key)
            if recent:
                taken = recent[-newest:]
                held[i] = len(recent)
                taken_owners += [i] * len(taken)
                taken_slots += taken
        folded = np.asarray(folded_keys, dtype=np.uint64)
        totals = np.asarray(held, dtype=np.int64)
        quota = newest - np.minimum(totals, newest)
        owners: list[np.ndarray] = [np.asarray(taken_owners, dtype=np.int64)] if taken_slots else []
        slots: list[np.ndarray] = [np.asarray(taken_slots, dtype=np.int64)] if taken_slots else []
        positions = np.arange(folded.size)
        for run in reversed(self._readable()):
            lo, hi = run.ranges(folded)
            held = hi - lo
            if not held.any():  # most runs hold none of an article's keys
                continue
            totals += held
            n = np.minimum(held, quota)
            count = int(n.sum())
            if count:
                quota -= n
                owners.append(positions.repeat(n))
                slots.append(run.slots((hi - n.cumsum()).repeat(n) + np.arange(count)))
        if not slots:
            empty = np.empty(0, dtype=np.int64)
            return empty, empty, totals
        return np.concatenate(owners), np.concatenate(slots), totals

    def holders(self, key: int) -> np.ndarray:
        """Every slot that holds ``key``, ascending: ``gather`` for one key and all its
        holders, without the bookkeeping many keys need (the identity key of every lookup)."""
        key &= _KEY_BITS
        found = [run.holders(key) for run in self._readable()]
        recent = self._recent.get(key)
        if recent:
            found.append(np.asarray(recent, dtype=np.int64))
        found = [slots for slots in found if slots.size]
        return found[0] if len(found) == 1 else np.concatenate(found) if found else np.empty(0, dtype=np.int64)

    def compact(self, keep: np.ndarray) -> None:
        """Drop postings whose slot is not kept, and renumber slots densely.

        ``keep`` is a boolean array over slots; slot ``s`` becomes ``cumsum(keep)[s] - 1``,
        which preserves slot order (so runs stay sorted).
        """
        self.start_compaction(keep)
        self.finish_compaction(0)

    def start_compaction(self, keep: np.ndarray) -> None:
        """``compact`` in the background: every posting so far (slots below ``keep.size``) is
        compacted on the merge thread while lookups read them as they are, and postings
        added meanwhile go to new runs.  ``finish_compaction`` swaps the result in.
        Compacting a table of a million articles stopped the stream for about half a second.
        """
        if self.compacting:
            raise RuntimeError("a compaction is already running")
        self._flush()
        self.finish_merges()
        self._runs = [_Compacting([run for run in self._runs if isinstance(run, (WordRun, PackedRun))], keep)]

    def _compaction(self) -> _Compacting | None:
        first = self._runs[0] if self._runs else None  # a compaction takes every run there is
        return first if isinstance(first, _Compacting) else None

    @property
    def compacting(self) -> bool:
        return self._compaction() is not None

    def compaction_done(self) -> bool:
        compaction = self._compaction()
        return compaction is None or compaction.future.done()

    def cancel_compaction(self) -> None:
        """Leave the runs as they were (the owner could not renumber with them)."""
        compaction = self._compaction()
        if compaction is not None:
            self._runs[:1] = compaction.parts

    def finish_compaction(self, shift: int) -> None:
        """Swap the compacted runs in (waiting for them if need be), and move the slots of
        the postings added since down by ``shift`` (the slots the compaction dropped), as
        the owner renumbers its own.  If the compaction failed, the runs stay as they were."""
        compaction = self._compaction()
        if compaction is None:
            raise RuntimeError("no compaction is running")
        try:
            compacted = compaction.future.result()
        except BaseException:
            self.cancel_compaction()
            raise
        later = [run for run in self._runs[1:] if isinstance(run, (WordRun, PackedRun))]
        if len(later) != len(self._runs) - 1:  # never: nothing merges in the background meanwhile (``_push``)
            raise RuntimeError("a run added during the compaction is being merged")
        self._runs = [*compacted, *(run.shifted(shift) for run in later)]
        if shift:
            self._recent = {key: [slot - shift for slot in slots] for key, slots in self._recent.items()}

    def finish_merges(self) -> None:
        """Wait for a merge running in the background (lookups never need to)."""
        self._settle(wait=True)

    def _readable(self) -> list[WordRun | PackedRun]:
        """The runs in time order, a merge in progress as the runs it merges."""
        self._settle()
        runs: list[WordRun | PackedRun] = []
        for run in self._runs:
            runs.extend(run.parts if isinstance(run, _Background) else (run,))
        return runs

    def _settle(self, wait: bool = False) -> None:
        """Put a finished background merge in place of the runs it merged."""
        for i, run in enumerate(self._runs):
            if isinstance(run, _Merging) and (wait or run.future.done()):
                try:
                    self._runs[i] = run.future.result()
                except BaseException:
                    self._runs[i : i + 1] = run.parts  # still read as they were; merged again later
                    raise

    def _flush(self) -> None:
        if self._buffered:
            words = [(key << 32) | slot for key, slots in self._recent.items() for slot in slots]
            self._push(np.sort(np.asarray(words, dtype=np.uint64)))
            self._recent.clear()
            self._buffered = 0

    def _push(self, words: np.ndarray) -> None:
        # Merge while the newest run is at least an eighth of the one before it: a posting is
        # merged O(log n) times, and a table of a million articles (28M postings) has at most
        # five runs, each of which a lookup pays for (about 13 with doubling).
        # A run being merged in the background is not merged again until it is done.
        # While one runs, a merge too large to do here waits; the newer, smaller runs still
        # merge among themselves (else each buffer flush during a long merge added a run
        # that every lookup reads: thousands, filling a million-article table).
        # While a compaction runs, nothing merges with the runs it compacts, nor in the
        # background (what was added meanwhile is renumbered when it is swapped in).
        self._settle()
        busy = any(isinstance(run, _Background) for run in self._runs)
        parts: list[WordRun | PackedRun] = [WordRun(words)]
        size = words.size
        while self._runs and isinstance(self._runs[-1], (WordRun, PackedRun)) and size * _GROWTH >= self._runs[-1].size:
            if busy and size + self._runs[-1].size >= _BACKGROUND_FROM:
                break
            run = self._runs.pop()
            parts.insert(0, run)
            size += run.size
        if len(parts) == 1:
            self._runs.append(_run(words))
        elif size < _BACKGROUND_FROM:
            self._runs.append(_merge(parts))
        else:
            self._runs.append(_Merging(parts))
