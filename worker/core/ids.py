"""Article ids by slot, packed: what the rolling table keeps in memory for each entry.

A Python list of ``str`` costs about 70 bytes an id (an 8-byte pointer and a 50-byte object
header before the characters); a table of a million entries would spend more on its ids
than on its lookup keys.  Here the ids are one UTF-8 buffer and an array of end offsets:
the id's own bytes plus 4 (8 once the buffer passes 4 GB).
"""

from __future__ import annotations

import sys
from collections.abc import Iterable

import numpy as np

_NARROW = 0xFFFFFFFF  # the largest end offset uint32 holds


class IdPool:
    """Append-only sequence of ids; slots are positions."""

    def __init__(self, capacity: int = 1024) -> None:
        self._blob = bytearray()
        self._ends = np.zeros(max(1, capacity), dtype=np.uint32)
        self._count = 0

    def __len__(self) -> int:
        return self._count

    @property
    def nbytes(self) -> int:
        return sys.getsizeof(self._blob) + self._ends.nbytes

    def append(self, article_id: str) -> None:
        if self._count == self._ends.size:
            grown = np.zeros(2 * self._ends.size, dtype=self._ends.dtype)
            grown[: self._count] = self._ends[: self._count]
            self._ends = grown
        self._blob += article_id.encode("utf-8")
        if len(self._blob) > _NARROW and self._ends.dtype != np.int64:
            self._ends = self._ends.astype(np.int64)
        self._ends[self._count] = len(self._blob)
        self._count += 1

    def __getitem__(self, slot: int) -> str:
        if not 0 <= slot < self._count:
            raise IndexError(slot)
        start = int(self._ends[slot - 1]) if slot else 0
        return self._blob[start : int(self._ends[slot])].decode("utf-8")

    def take(self, slots: Iterable[int]) -> list[str]:
        """The ids of many slots, their offsets gathered in one numpy step (eviction takes
        a quarter of a million at once in a large table)."""
        at = np.fromiter(slots, dtype=np.int64) if not isinstance(slots, np.ndarray) else slots.astype(np.int64)
        if not at.size:
            return []
        if int(at.min()) < 0 or int(at.max()) >= self._count:
            raise IndexError(int(at.max()) if int(at.min()) >= 0 else int(at.min()))
        ends = self._ends[at].tolist()
        starts = np.where(at > 0, self._ends[at - 1], 0).tolist()
        blob = self._blob
        return [blob[start:end].decode("utf-8") for start, end in zip(starts, ends)]

    def rfind(self, article_id: str) -> int:
        """The last slot holding ``article_id``, or -1 (a byte search from the end, in C)."""
        wanted = article_id.encode("utf-8")
        ends = self._ends[: self._count]
        end = len(self._blob)
        while wanted:
            at = self._blob.rfind(wanted, 0, end)
            if at < 0:
                return -1
            stop = at + len(wanted)
            slot = int(np.searchsorted(ends, stop))  # the first id ending at or after ``stop``
            if slot < self._count and int(ends[slot]) == stop and (int(ends[slot - 1]) if slot else 0) == at:
                return slot
            end = stop - 1  # inside another id: look further left
        for slot in range(self._count - 1, -1, -1):  # the empty id: a zero-length slot
            if int(ends[slot]) == (int(ends[slot - 1]) if slot else 0):
                return slot
        return -1

    def snapshot(self) -> IdPool:
        """A copy, for work beside appends (a numpy view of the buffer would stop it growing)."""
        pool = IdPool(self._count)
        pool._blob = bytearray(self._blob)
        pool._ends = self._ends[: max(1, self._count)].copy()
        pool._count = self._count
        return pool

    def extend(self, other: IdPool, start: int) -> None:
        """Append ``other``'s ids from slot ``start`` on (those added while a copy was compacted)."""
        count = other._count - start
        if count <= 0:
            return
        begin = int(other._ends[start - 1]) if start else 0
        offset = len(self._blob) - begin
        if self._count + count > self._ends.size:
            grown = np.zeros(max(2 * self._ends.size, self._count + count), dtype=self._ends.dtype)
            grown[: self._count] = self._ends[: self._count]
            self._ends = grown
        self._blob += other._blob[begin:]
        if len(self._blob) > _NARROW and self._ends.dtype != np.int64:
            self._ends = self._ends.astype(np.int64)
        self._ends[self._count : self._count + count] = other._ends[start : other._count].astype(np.int64) + offset
        self._count += count

    def kept(self, keep: np.ndarray) -> IdPool:
        """A new pool of the ids whose slot is kept (``keep``: booleans over slots), in order
        (one numpy pass over the bytes: about 0.3 s for a million ids, done on the merge
        thread beside the stream, from a ``snapshot``)."""
        live = np.asarray(keep[: self._count], dtype=bool)
        slots = np.flatnonzero(live)
        pool = IdPool(max(1024, 2 * slots.size))
        lengths = np.diff(self._ends[: self._count].astype(np.int64), prepend=0)
        blob = np.frombuffer(self._blob, dtype=np.uint8, count=int(lengths.sum()))
        pool._blob = bytearray(blob[np.repeat(live, lengths)].tobytes())
        del blob  # a view of the buffer: the bytearray cannot grow while it lives
        kept_ends = np.cumsum(lengths[slots])
        if kept_ends.size and kept_ends[-1] > _NARROW:
            pool._ends = pool._ends.astype(np.int64)
        pool._ends[: slots.size] = kept_ends
        pool._count = int(slots.size)
        return pool
