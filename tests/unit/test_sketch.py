import numpy as np

from worker.core.sketch import bottom_k, containment, distinct
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
