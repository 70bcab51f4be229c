"""Splitting the table by lookup key changes no label (the basis of several workers)."""

import pytest

from tests.conftest import SHARED, seed_messages
from worker.core.detector import Detector
from worker.core.index import RollingIndex
from worker.core.shards import ShardedIndex, shard_of, split_keys
from worker.demo import sample_articles


def labels(detector: Detector, messages: list[bytes]) -> list[tuple]:
    out = []
    for raw in messages:
        event = detector.process_message(raw).to_dict()
        out.append((event.get("article_id"), event.get("label"), event.get("matched_id"), event.get("story_id"), event.get("similarity")))
    return out


def test_keys_go_to_one_shard_each_and_every_shard_is_used():
    keys = list(range(-50, 50))
    grouped = split_keys(keys, 4)
    assert sorted(k for group in grouped.values() for k in group) == keys
    assert set(grouped) == {0, 1, 2, 3}
    assert all(shard_of(k, 4) == shard for shard, group in grouped.items() for k in group)


def test_an_entry_lives_in_the_shards_of_its_keys_and_is_found_from_any():
    index = ShardedIndex([RollingIndex() for _ in range(4)])
    detector = Detector(index)
    labels(detector, sample_articles())
    assert len(index) == len(sample_articles())
    assert sum(len(shard) for shard in index.shards) > len(index)  # entries replicated per shard
    assert index.get("travel-sky-1") is not None and "travel-sky-1" in index


@pytest.mark.parametrize("shards", [2, 4, 7])
def test_sharded_table_gives_the_labels_of_one_table(shards):
    messages = sample_articles()
    if (SHARED / "data").is_dir():
        from worker.evaluation.streams import build_streams

        messages = seed_messages() + [m for stream in build_streams(SHARED) for m in stream.messages()] + messages
    one = labels(Detector(RollingIndex()), messages)
    split = labels(Detector(ShardedIndex([RollingIndex() for _ in range(shards)])), messages)
    assert split == one
    assert sum(1 for row in one if row[1] in ("duplicate", "rewrite")) > len(messages) // 5  # copies were found
