"""Bottom-k sketches: how much of one set is in another, when the sets differ in size.

MinHash estimates Jaccard similarity, which a short copy of a long text keeps low; the k
smallest hashes of a set (Broder 1997) estimate containment directly, are exact for sets
smaller than k, and cost one sort instead of k permutations.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def distinct(values: np.ndarray) -> np.ndarray:
    """Sorted distinct values: ``np.unique`` by sorting (numpy 2's hash-based unique is ~5x
    slower on the few hundred values an article has)."""
    ordered = values.copy()
    ordered.sort()
    if ordered.size < 2:
        return ordered
    keep = np.empty(ordered.size, dtype=bool)
    keep[0] = True
    np.not_equal(ordered[1:], ordered[:-1], out=keep[1:])
    return ordered[keep]


def distinct_by(groups: np.ndarray, values: np.ndarray, count: int) -> tuple[np.ndarray, np.ndarray]:
    """``distinct`` within each of ``count`` groups at once (one sort for a batch of
    articles): group 0's sorted distinct 32-bit values, then group 1's..., as uint32, and
    where each group's start (``group_starts``)."""
    keyed = distinct((groups.astype(np.int64) << 32) | values.astype(np.int64))
    return (keyed & 0xFFFFFFFF).astype(np.uint32), group_starts(keyed >> 32, count)


def group_starts(groups: np.ndarray, count: int) -> np.ndarray:
    """Where each of ``count`` groups starts in an array sorted by group, then the end."""
    at = np.zeros(count + 1, dtype=np.intp)
    np.bincount(groups, minlength=count).cumsum(out=at[1:])
    return at


def bottom_k(hashes: np.ndarray, k: int) -> np.ndarray:
    """The k smallest distinct 32-bit hashes, sorted."""
    return distinct(hashes.astype(np.uint32, copy=False))[:k]


def comparable(a: np.ndarray, b: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """The parts of two bottom-k sketches that can be compared: when either is full, both
    cover every hash up to the smaller of their maxima, and only that far."""
    if a.size and b.size and (a.size == k or b.size == k):
        limit = min(a[-1], b[-1])
        return a[: a.searchsorted(limit, "right")], b[: b.searchsorted(limit, "right")]
    return a, b


def overlap(a: np.ndarray, b: np.ndarray) -> int:
    """How many values two sorted distinct arrays share (``comparable`` parts of sketches)."""
    return _shared(a, b) if a.size and b.size else 0


def containment(a: np.ndarray, b: np.ndarray, k: int) -> float:
    """Share of the smaller set found in the other, from two bottom-k sketches."""
    a, b = comparable(a, b, k)
    if not a.size or not b.size:
        return 0.0
    return _shared(a, b) / min(a.size, b.size)


ONE_BY_ONE = 3  # others ``containments`` compares one by one (5 us each, the pass 18 us and up)


def containments(a: np.ndarray, others: Sequence[np.ndarray], k: int) -> list[float]:
    """``containment(a, b, k)`` for each ``b`` of ``others``, in one pass over them all: a
    lookup verifies up to 16 candidates, and a dozen numpy calls for all of them cost less
    than half a dozen for each.  (The sketches are sorted and distinct, as ``containment``'s.)

    A value both hold is at most both maxima, so every shared value is below the limit
    ``comparable`` sets; and a full pair's limit is the smaller maximum, so ``b``'s part is
    its values up to ``a``'s maximum, and ``a``'s part its values up to ``b``'s.  Up to
    ``ONE_BY_ONE`` others are compared one by one: fewer calls than the pass's dozen."""
    count = len(others)
    if not count or not a.size:
        return [0.0] * count
    if count <= ONE_BY_ONE:
        return [containment(a, b, k) for b in others]
    sizes = np.array([b.size for b in others])
    values = np.concatenate(others)
    if not values.size:
        return [0.0] * count
    owner = np.arange(count).repeat(sizes)
    shared = np.bincount(owner[a.take(a.searchsorted(values), mode="clip") == values], minlength=count).tolist()
    if a.size == k:  # a full: each pair compared up to the smaller maximum
        last = values.take(sizes.cumsum() - 1, mode="clip")  # each one's largest (an empty one's is not read)
        mine = a.searchsorted(last, "right").tolist()
        theirs = np.bincount(owner[values <= a[-1]], minlength=count).tolist()
    elif (sizes == k).any():  # where the other is full, only the parts below its maximum
        full = sizes == k
        last = values.take(sizes.cumsum() - 1, mode="clip")
        mine = np.where(full, a.searchsorted(last, "right"), a.size).tolist()
        theirs = np.where(full, np.bincount(owner[values <= a[-1]], minlength=count), sizes).tolist()
    else:
        mine, theirs = [a.size] * count, sizes.tolist()
    return [s / min(m, t) if m and t else 0.0 for s, m, t in zip(shared, mine, theirs, strict=True)]


def _shared(a: np.ndarray, b: np.ndarray) -> int:
    """Values in both of two distinct arrays: the repeats in their sorted union (for a few
    hundred values, one sort beats searchsorted or sets)."""
    both = np.concatenate((a, b))
    both.sort()
    return int(np.count_nonzero(both[1:] == both[:-1]))
