import random

import numpy as np

from worker.core.postings import Postings, fold_key


def reference_lookup(pairs, keys):
    return [sorted(slot for k, slot in pairs if fold_key(k) == fold_key(key)) for key in keys]


def all_slots(postings, keys):
    """Every slot of each key, through gather with no cap."""
    owner, slots, _ = postings.gather(keys, newest=10**9)
    return [sorted(slots[owner == i].tolist()) for i in range(len(keys))]


def test_lookup_matches_a_plain_multimap_across_buffer_and_merged_runs():
    rng = random.Random(4)
    postings, pairs = Postings(), []
    keys = [rng.getrandbits(64) - 2**63 for _ in range(300)]  # signed, as hash() gives
    for slot in range(3000):  # enough postings for several buffer flushes and merges
        chosen = set(rng.sample(keys, 5))
        postings.add(slot, chosen)
        pairs.extend((k, slot) for k in chosen)
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
    postings, pairs = Postings(), []
    keys = [rng.getrandbits(40) for _ in range(50)]
    for slot in range(6000):
        chosen = set(rng.sample(keys, 4))
        postings.add(slot, chosen)
        pairs.extend((k, slot) for k in chosen)
    probe = keys[:20] + [777]
    owner, slots, totals = postings.gather(probe, newest=5)
    for i, expected in enumerate(reference_lookup(pairs, probe)):
        assert totals[i] == len(expected)
        mine = sorted(slots[owner == i].tolist())
        assert set(expected[-5:]) <= set(mine) <= set(expected)  # newest 5 per run
