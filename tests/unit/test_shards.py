"""Splitting the table by lookup key changes no label (the basis of several workers)."""

import pytest

from tests.conftest import SHARED, seed_messages
from worker.core.detector import Detector
from worker.core.index import RollingIndex
from worker.core.shards import ShardedIndex, VerdictCache, shard_of, split_keys
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


def protocol_labels(messages: list[bytes], shards: int, verdicts=None) -> list[tuple]:
    """The split table's message protocol, in process: probe each shard with its keys, gather
    the findings, settle the shards (what worker/stream/sharded.py does across workers)."""
    from datetime import UTC, datetime

    from worker.core.detector import new_entry
    from worker.core.events import DeadLetter
    from worker.core.index import Entry
    from worker.core.shards import answer_probe, gather, settle, settlement

    detector = Detector(RollingIndex())
    indexes = [RollingIndex() for _ in range(shards)]
    out = []
    for raw in messages:
        f = detector.prepare(raw)
        if isinstance(f, DeadLetter):
            out.append((None, None, None, None, None))
            continue
        pending = new_entry(f, None, datetime.now(UTC))
        known, findings = None, []
        split = split_keys(f.keys, shards)
        for shard, keys in split.items():
            record, found = answer_probe(
                indexes[shard], pending, keys, not_before=f.not_before, thresholds=detector.config.thresholds,
                verdicts=verdicts,
            )
            known, findings = known or record, findings + found
        if known is not None:
            e = Entry.from_record(known)
            out.append((f.article.id, e.label, e.matched_id, e.story_id, e.similarity))
            continue
        settled = settlement(f.article.id, gather(findings, limit=detector.config.max_candidates))
        for shard in split:
            assert settle(indexes[shard], f.article.id, settled)
        out.append((f.article.id, settled["label"], settled["match"], settled["story"], settled["sim"]))
    return out


@pytest.mark.parametrize("shards", [1, 4])
def test_probe_gather_settle_gives_the_labels_of_one_table(shards):
    messages = sample_articles()
    if (SHARED / "data").is_dir():
        from worker.evaluation.streams import build_streams

        messages = seed_messages() + [m for stream in build_streams(SHARED)[:4] for m in stream.messages()] + messages
    one = [row if row[0] is not None else (None,) * 5 for row in labels(Detector(RollingIndex()), messages)]
    assert protocol_labels(messages, shards) == one
    # A worker owning several shards verifies a candidate once for all of them: same labels.
    verdicts = VerdictCache()
    assert protocol_labels(messages, shards, verdicts) == one
    assert (verdicts.hits > 0) == (shards > 1)


def test_a_shard_settles_a_same_fingerprint_sighting_without_decoding_it():
    from datetime import UTC, datetime

    from worker.core.classify import Label, Thresholds
    from worker.core.detector import new_entry
    from worker.core.shards import probe

    detector = Detector(RollingIndex())
    f = detector.prepare(sample_articles()[0])
    shard = RollingIndex()
    shard.add(new_entry(f, None, datetime.now(UTC)), f.keys)
    shard.store[f.article.id]["sig"] = "not base64 at all"  # reading it would fail
    (finding,) = probe(shard, "verbatim-copy", f.signature, f.keys, not_before=f.not_before, thresholds=Thresholds())
    assert (finding.article_id, finding.verdict.label, finding.verdict.distance) == (f.article.id, Label.DUPLICATE, 0)
