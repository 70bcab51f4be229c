import numpy as np
import pytest

from worker.core.ids import IdPool


def test_ids_come_back_by_slot_whatever_their_length_or_script():
    ids = ["a", "", "ünïcødé-新闻", "x" * 300] + [f"id-{i}" for i in range(3000)]  # grows past capacity
    pool = IdPool(capacity=4)
    for i in ids:
        pool.append(i)
    assert len(pool) == len(ids)
    assert [pool[s] for s in range(len(ids))] == ids
    assert pool.take([3, 0, 2]) == [ids[3], ids[0], ids[2]]
    assert pool.take(np.arange(len(ids))) == ids and pool.take([]) == []
    with pytest.raises(IndexError):
        pool.take([0, len(ids)])
    with pytest.raises(IndexError):
        pool.take([-1])
    with pytest.raises(IndexError):
        pool[len(ids)]


def test_rfind_returns_the_last_slot_holding_an_id():
    pool = IdPool()
    for i in ["a", "ab", "b", "ab", "abc"]:
        pool.append(i)
    assert pool.rfind("ab") == 3
    assert pool.rfind("a") == 0
    assert pool.rfind("abc") == 4
    assert pool.rfind("c") == -1
    assert pool.rfind("b") == 2  # inside "ab" and "abc" too, but only slot 2 is "b"
    assert pool.rfind("") == -1
    pool.append("")
    pool.append("x")
    assert pool.rfind("") == 5
    assert pool.rfind("bab") == -1  # spans two ids


def test_kept_keeps_the_chosen_ids_in_order():
    pool = IdPool()
    ids = [f"article-{i}" * (i % 3 + 1) for i in range(50)]
    for i in ids:
        pool.append(i)
    keep = np.array([i % 7 != 0 for i in range(50)])
    kept = pool.kept(keep)
    assert [kept[s] for s in range(len(kept))] == [i for i, k in zip(ids, keep) if k]
    kept.append("new")
    assert kept[len(kept) - 1] == "new"


def test_an_id_costs_its_bytes_and_an_offset_not_a_python_object():
    pool = IdPool(capacity=100_000)
    for i in range(100_000):
        pool.append(f"article-{i:06d}")  # 14 bytes
    assert pool.nbytes / 100_000 < 14 + 4 + 2  # a list of str: about 8 + 63


def test_offsets_widen_before_they_overflow(monkeypatch):
    # 4-byte end offsets until the buffer passes what they hold (4 GB; 100 bytes here).
    monkeypatch.setattr("worker.core.ids._NARROW", 100)
    pool = IdPool(capacity=2)
    ids = [f"article-{i:04d}" for i in range(40)]  # 12 bytes each: past 100 at the 9th
    for i in ids:
        pool.append(i)
    assert pool._ends.dtype == np.int64
    assert [pool[s] for s in range(len(ids))] == ids
    kept = pool.kept(np.array([i % 2 == 0 for i in range(40)]))
    assert kept._ends.dtype == np.int64
    assert [kept[s] for s in range(len(kept))] == ids[::2]


def test_kept_handles_empty_ids_other_scripts_and_keeping_nothing():
    pool = IdPool()
    ids = ["", "ünï", "新闻-1", "", "x" * 300, "a"]
    for i in ids:
        pool.append(i)
    keep = np.array([True, True, False, True, True, False])
    kept = pool.kept(keep)
    assert [kept[s] for s in range(len(kept))] == ["", "ünï", "", "x" * 300]
    assert len(pool.kept(np.zeros(6, dtype=bool))) == 0
    pool.append("after")  # the source pool still grows (no buffer view left behind)
    assert pool[6] == "after"


def test_a_snapshot_compacted_aside_takes_the_ids_added_meanwhile():
    pool = IdPool(capacity=2)
    for i in range(10):
        pool.append(f"id-{i}")
    snapshot = pool.snapshot()
    pool.append("late-ünïcødé")  # the pool grows while its copy is worked on
    pool.append("")
    kept = snapshot.kept(np.array([i % 2 == 1 for i in range(10)]))
    kept.extend(pool, 10)
    assert [kept[s] for s in range(len(kept))] == ["id-1", "id-3", "id-5", "id-7", "id-9", "late-ünïcødé", ""]
    assert kept.rfind("late-ünïcødé") == 5
