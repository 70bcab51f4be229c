import random

import numpy as np
import pytest

from worker.core import postings as postings_module
from worker.core.postings import PackedRun, Postings, WordRun, fold_key


def reference_lookup(pairs, keys):
    return [sorted(slot for k, slot in pairs if fold_key(k) == fold_key(key)) for key in keys]


def all_slots(postings, keys):
    """Every slot of each key, through gather with no cap; ``holders`` (one key) must give
    the same, in ascending order."""
    owner, slots, _ = postings.gather(keys, newest=10**9)
    found = [sorted(slots[owner == i].tolist()) for i in range(len(keys))]
    assert [postings.holders(key).tolist() for key in keys] == found
    return found


def fill(postings, slots: int, choose) -> list[tuple[int, int]]:
    """Add ``choose()``'s keys for each of ``slots`` slots; the (key, slot) pairs added."""
    pairs = []
    for slot in range(slots):
        chosen = choose()
        postings.add(slot, chosen)
        pairs.extend((k, slot) for k in chosen)
    return pairs


def test_lookup_matches_a_plain_multimap_across_buffer_and_merged_runs():
    rng = random.Random(4)
    postings = Postings()
    keys = [rng.getrandbits(64) - 2**63 for _ in range(300)]  # signed, as hash() gives
    pairs = fill(
        postings, 3000, lambda: set(rng.sample(keys, 5))
    )  # enough postings for several buffer flushes and merges
    assert len(postings) == len(pairs)
    probe = keys[:40] + [12345]
    assert all_slots(postings, probe) == reference_lookup(pairs, probe)


def test_compaction_drops_dead_slots_and_renumbers_in_order():
    postings = Postings()
    for slot in range(10):
        postings.add(slot, [7, 100 + slot])
    keep = np.array([slot % 3 != 0 for slot in range(10)])  # drop 0, 3, 6, 9
    postings.compact(keep)
    assert all_slots(postings, [7]) == [list(range(6))]  # 1,2,4,5,7,8 renumbered 0..5
    assert all_slots(postings, [100, 101, 108]) == [[], [0], [5]]
    assert len(postings) == 12


def test_memory_is_eight_bytes_per_posting_once_merged():
    postings = Postings()
    for slot in range(20000):
        postings.add(slot, [slot, slot + 1, slot + 2])
    postings.compact(np.ones(20000, dtype=bool))
    assert postings.nbytes <= 8 * len(postings) + 8 * 4096


def test_gather_returns_the_newest_slots_of_every_key_and_their_totals():
    rng = random.Random(9)
    postings = Postings()
    keys = [rng.getrandbits(40) for _ in range(50)]
    pairs = fill(postings, 6000, lambda: set(rng.sample(keys, 4)))
    probe = keys[:20] + [777]
    owner, slots, totals = postings.gather(probe, newest=5)
    for i, expected in enumerate(reference_lookup(pairs, probe)):
        assert totals[i] == len(expected)
        assert sorted(slots[owner == i].tolist()) == expected[-5:]  # the newest 5, whatever the runs


@pytest.fixture(params=[False, True], ids=["word-runs", "packed-runs"])
def packing(request, monkeypatch):
    """Every run packed (about 4 bytes a posting) and merged in the background, or none: lookups
    must not tell the difference."""
    monkeypatch.setattr(postings_module, "_PACK_FROM", 1 if request.param else 1 << 62)
    monkeypatch.setattr(postings_module, "_BACKGROUND_FROM", 1 if request.param else 1 << 62)  # and merged in a thread
    return request.param


def test_packed_and_word_runs_answer_alike(packing):
    rng = random.Random(21)
    postings = Postings()
    # Keys crowded into a few 16-bit buckets (shared top bits, neighbouring low bits) and
    # spread ones, signed and unsigned: the bucket scan must find exactly each key's range.
    keys = [0x1234_0000 + rng.randrange(8) for _ in range(30)] + [rng.getrandbits(64) - 2**63 for _ in range(60)]
    keys = list(dict.fromkeys(keys))
    pairs = fill(postings, 9000, lambda: set(rng.sample(keys, 3)))
    probe = keys + [0x1234_0009, 0xFFFF_FFFF, 0]
    assert all_slots(postings, probe) == reference_lookup(pairs, probe)
    owner, slots, totals = postings.gather(probe, newest=3)
    for i, expected in enumerate(reference_lookup(pairs, probe)):
        assert totals[i] == len(expected)
        assert sorted(slots[owner == i].tolist()) == expected[-3:]
    keep = np.array([slot % 5 != 0 for slot in range(9000)])
    postings.compact(keep)
    renumber = np.cumsum(keep) - 1
    survivors = [(k, int(renumber[s])) for k, s in pairs if keep[s]]
    assert all_slots(postings, probe) == reference_lookup(survivors, probe)
    assert any(isinstance(r, PackedRun) for r in postings._runs) == packing
    # Again, dropping the older 60% (whole runs go, the others' first slots move) and a
    # scattering of the rest.
    keep = np.array([s >= 0.6 * len(renumber) and s % 7 != 3 for s in range(int(keep.sum()))])
    postings.compact(keep)
    renumber = np.cumsum(keep) - 1
    survivors = [(k, int(renumber[s])) for k, s in survivors if keep[s]]
    assert all_slots(postings, probe) == reference_lookup(survivors, probe)
    owner, slots, totals = postings.gather(probe, newest=3)
    for i, expected in enumerate(reference_lookup(survivors, probe)):
        assert totals[i] == len(expected) and sorted(slots[owner == i].tolist()) == expected[-3:]


def test_a_packed_run_left_small_by_compaction_is_stored_plain(monkeypatch):
    monkeypatch.setattr(postings_module, "_PACK_FROM", 2000)
    rng = random.Random(5)
    postings = Postings()
    pairs = fill(postings, 1500, lambda: {rng.getrandbits(64) for _ in range(3)} | {42})
    postings.compact(np.ones(1500, dtype=bool))
    assert isinstance(postings._runs[0], PackedRun)
    keep = np.arange(1500) % 4 == 0  # a quarter of the packed run is left: under 2,000 postings
    postings.compact(keep)
    assert not any(isinstance(r, PackedRun) for r in postings._runs)
    renumber = np.cumsum(keep) - 1
    survivors = [(k, int(renumber[s])) for k, s in pairs if keep[s]]
    probe = [42, pairs[0][0], pairs[-1][0]]
    assert all_slots(postings, probe) == reference_lookup(survivors, probe)


POPULAR = 0xABCD_1234


def _check_against_word_run(words: np.ndarray, rng: np.random.Generator) -> PackedRun:
    packed, plain = PackedRun(words), WordRun(words)
    assert np.array_equal(packed.words(), words)
    probe = np.concatenate(
        (
            words[::97_001] >> np.uint64(32),
            rng.integers(0, 2**32, 50, dtype=np.uint64),
            np.array([0, 2**32 - 1, POPULAR, POPULAR + 1], dtype=np.uint64),
        )
    )
    for mine, reference in zip(packed.ranges(probe), plain.ranges(probe)):
        assert np.array_equal(mine, reference)
    positions = rng.integers(0, words.size, 1000)
    assert np.array_equal(packed.slots(positions), plain.slots(positions))
    return packed


def test_a_packed_run_of_consecutive_articles_holds_a_posting_in_about_four_bytes():
    # As a table fills one: 28 keys for each of 70k consecutive slots, from slot 5M on, one
    # of them popular (every third article: a bucket too long to scan, bisected instead).
    rng = np.random.default_rng(3)
    slots = np.repeat(np.arange(5_000_000, 5_070_000, dtype=np.uint64), 28)
    keys = rng.integers(0, 2**32, slots.size, dtype=np.uint64)
    keys[::84] = POPULAR
    words = np.sort((keys << np.uint64(32)) | slots)
    packed = _check_against_word_run(words, rng)
    assert packed.nbytes < 4.3 * words.size


def test_runs_shifted_down_hold_the_same_keys_with_lower_slots():
    # Postings added while a compaction ran are moved down by the slots it dropped.
    rng = np.random.default_rng(6)
    slots = np.repeat(np.arange(700_000, 725_000, dtype=np.uint64), 28)
    words = np.sort((rng.integers(0, 2**32, slots.size, dtype=np.uint64) << np.uint64(32)) | slots)
    for run in (PackedRun(words), WordRun(words)):
        shifted = run.shifted(654_321)
        assert np.array_equal(shifted.words(), words - np.uint64(654_321))
        assert np.array_equal(run.words(), words)  # the original is untouched (lookups may hold it)
        assert run.shifted(0) is run


def test_a_compaction_in_progress_is_read_as_it_was_and_what_came_meanwhile_follows_it(monkeypatch):
    held = []

    class Held:
        def submit(self, fn, *args):
            from concurrent.futures import Future

            future = Future()
            held.append(lambda: future.set_result(fn(*args)))
            return future

    monkeypatch.setattr(postings_module, "_merger", Held)
    postings = Postings()
    pairs = fill(postings, 6000, lambda: [7, 1000 + postings_module._BUFFER % 5])  # flushed runs
    keep = np.array([slot % 3 != 0 for slot in range(6000)])
    postings.start_compaction(keep)
    with pytest.raises(RuntimeError):
        postings.start_compaction(keep)
    for slot in range(6000, 11000):  # more than a buffer: new runs beside it, and some buffered
        postings.add(slot, [7, slot])
        pairs += [(7, slot), (slot, slot)]
    probe = [7, 1001, 6500, 10999]
    assert all_slots(postings, probe) == reference_lookup(pairs, probe)  # the old numbering throughout
    assert not postings.compaction_done()
    held.pop(0)()
    assert postings.compaction_done()
    postings.finish_compaction(6000 - int(keep.sum()))
    renumber = {s: i for i, s in enumerate([*np.flatnonzero(keep).tolist(), *range(6000, 11000)])}
    survivors = [(k, renumber[s]) for k, s in pairs if s in renumber]
    assert all_slots(postings, probe) == reference_lookup(survivors, probe)
    assert not postings.compacting


def test_a_packed_run_with_slots_spread_wide_stays_exact():
    # Slots over the whole 32-bit range do not fit beside the key in 32 bits: wider words.
    rng = np.random.default_rng(4)
    words = np.sort(
        (rng.integers(0, 2**32, 600_000, dtype=np.uint64) << np.uint64(32))
        | rng.integers(0, 2**32, 600_000, dtype=np.uint64)
    )
    _check_against_word_run(words, rng)


def test_lookups_read_a_merge_in_progress_as_the_runs_it_merges(monkeypatch):
    # Every merge goes to the background thread, held there until released: lookups in the
    # meantime, after it and after compaction must all see the same postings.
    import threading

    release = threading.Event()
    merge = postings_module._merge

    def held_merge(parts):
        assert release.wait(timeout=60)
        return merge(parts)

    monkeypatch.setattr(postings_module, "_BACKGROUND_FROM", 1)
    monkeypatch.setattr(postings_module, "_merge", held_merge)
    rng = random.Random(5)
    postings = Postings()
    keys = [rng.getrandbits(64) for _ in range(120)]
    pairs = fill(
        postings, 6000, lambda: set(rng.sample(keys, 3))
    )  # 18,000 postings: four buffer flushes, so merges to do
    # One merge in the background, the ones that came up meanwhile left for later.
    assert [type(r).__name__ for r in postings._runs] == ["_Merging", "WordRun", "WordRun"]
    probe = keys[:30] + [4242]
    assert all_slots(postings, probe) == reference_lookup(pairs, probe)
    assert len(postings) == len(pairs)
    release.set()
    postings.finish_merges()
    assert not any(isinstance(r, postings_module._Merging) for r in postings._runs)
    assert all_slots(postings, probe) == reference_lookup(pairs, probe)
    keep = np.array([slot % 4 != 0 for slot in range(6000)])
    postings.compact(keep)
    renumber = np.cumsum(keep) - 1
    survivors = [(k, int(renumber[s])) for k, s in pairs if keep[s]]
    assert all_slots(postings, probe) == reference_lookup(survivors, probe)


def test_runs_do_not_pile_up_while_a_long_merge_runs(monkeypatch):
    """A background merge held open while 45,000 more postings arrive: the buffer flushes of
    the meantime still merge among themselves up to the background size, so lookups read a
    handful of runs, not one per flush."""
    import threading
    from concurrent.futures import ThreadPoolExecutor

    release = threading.Event()
    pool = ThreadPoolExecutor(max_workers=1)

    class Held:
        def submit(self, fn, *args):
            return pool.submit(lambda: release.wait(timeout=60) and fn(*args))

    monkeypatch.setattr(postings_module, "_BACKGROUND_FROM", 20_000)
    monkeypatch.setattr(postings_module, "_merger", Held)
    rng = random.Random(8)
    postings = Postings()
    keys = [rng.getrandbits(64) for _ in range(500)]
    pairs = fill(postings, 25_000, lambda: set(rng.sample(keys, 3)))
    assert sum(isinstance(r, postings_module._Merging) for r in postings._runs) == 1
    assert len(postings._runs) <= 6  # the merge, runs of up to 20,000 postings, the newest (was 11)
    probe = keys[:25] + [99]
    assert all_slots(postings, probe) == reference_lookup(pairs, probe)
    release.set()
    postings.finish_merges()
    assert all_slots(postings, probe) == reference_lookup(pairs, probe)
    pool.shutdown()


def test_a_failed_background_merge_leaves_its_runs_readable(monkeypatch):
    def failing_merge(parts):
        raise MemoryError("no room for the merged run")

    monkeypatch.setattr(postings_module, "_BACKGROUND_FROM", 1)
    monkeypatch.setattr(postings_module, "_merge", failing_merge)
    postings = Postings()
    for slot in range(2 * 4096):  # two flushes: one merge
        postings.add(slot, [slot % 7])
    with pytest.raises(MemoryError):
        postings.finish_merges()
    monkeypatch.undo()
    assert all_slots(postings, [3]) == [[s for s in range(2 * 4096) if s % 7 == 3]]
