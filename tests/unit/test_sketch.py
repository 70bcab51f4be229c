import numpy as np

from worker.core.sketch import bottom_k, containment, containments, distinct
from worker.core.vocabulary import word_hash

K = 64


def sketch(words: set[str]) -> np.ndarray:
    return bottom_k(np.array([word_hash(w) >> 32 for w in words], dtype=np.uint64), K)


def test_distinct_is_sorted_unique():
    values = np.array([5, 3, 5, 1, 3, 9], dtype=np.uint64)
    assert distinct(values).tolist() == [1, 3, 5, 9]
    assert distinct(values[:1]).tolist() == [5] and distinct(values[:0]).size == 0


def test_sketch_is_exact_for_small_sets():
    a = sketch({"sousa", "castelo", "2,300", "41"})
    b = sketch({"sousa", "castelo", "2,300", "41", "spain", "52"})
    assert containment(a, b, K) == 1.0
    assert containment(b, sketch({"spain", "tokyo"}), K) == 0.5
    assert containment(a, sketch(set()), K) == 0.0


def test_sketch_samples_large_sets_consistently():
    names = [f"name{i}" for i in range(500)]
    a, b = sketch(set(names)), sketch(set(names[:250]) | {f"other{i}" for i in range(250)})
    assert a.size == K
    assert containment(a, a, K) == 1.0
    assert 0.3 < containment(a, b, K) < 0.7  # half of the set shared


def test_a_short_text_inside_a_long_one_is_contained():
    long_ = {f"w{i}" for i in range(2000)}
    short = {f"w{i}" for i in range(0, 2000, 10)}  # a tenth of it
    assert containment(sketch(short), sketch(long_), K) > 0.85


def test_containments_of_many_sketches_at_once_are_each_pairs():
    rng = np.random.default_rng(0)

    def drawn(size: int, span: int) -> np.ndarray:
        return np.sort(rng.choice(span, size=min(size, span), replace=False)).astype(np.uint32)

    for _ in range(500):
        k = int(rng.choice([4, 16, 128]))
        span = int(rng.choice([12, 60, 400, 2**32 - 1]))  # from heavy overlap to none
        a = drawn(int(rng.integers(0, k + 1)), span)
        others = [drawn(int(rng.integers(0, k + 1)), span) for _ in range(int(rng.integers(0, 6)))]
        others += [a.copy()] if rng.random() < 0.3 else []
        assert containments(a, others, k) == [containment(a, b, k) for b in others]
