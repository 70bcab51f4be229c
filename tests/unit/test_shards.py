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
        out.append(
            (
                event.get("article_id"),
                event.get("label"),
                event.get("matched_id"),
                event.get("story_id"),
                event.get("similarity"),
            )
        )
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


def in_publication_order(messages: list[bytes]) -> list[bytes]:
    """The messages re-timed a second apart in arrival order: the split table labels by
    arrival, the single table by publication, and they agree when the two orders are one."""
    import orjson

    out = []
    for i, raw in enumerate(messages):
        doc = orjson.loads(raw)
        doc["published_at"] = f"2026-03-01T{i // 3600:02d}:{i // 60 % 60:02d}:{i % 60:02d}Z"
        out.append(orjson.dumps(doc))
    return out


@pytest.mark.parametrize("shards", [2, 4, 7])
def test_sharded_table_gives_the_labels_of_one_table(shards):
    messages = sample_articles()
    if (SHARED / "data").is_dir():
        from benchmarks.streams import build_streams

        messages = seed_messages() + [m for stream in build_streams(SHARED) for m in stream.messages()] + messages
    messages = in_publication_order(messages)
    one = labels(Detector(RollingIndex()), messages)
    split = labels(Detector(ShardedIndex([RollingIndex() for _ in range(shards)])), messages)
    assert split == one
    assert sum(1 for row in one if row[1] in ("duplicate", "rewrite")) > len(messages) // 5  # copies were found


def protocol_labels(messages: list[bytes], shards: int, counts: dict | None = None) -> list[tuple]:
    """The split table's message protocol, in process, with the messages the workers send
    (worker/stream/sharded.py): probe each shard with its keys, gather the replies, ask the
    shards the gather step's questions, settle the shards.  ``counts``: how many candidates
    were verified in the second round, and for how many articles."""
    from datetime import UTC, datetime

    from worker.core.detector import new_entry
    from worker.core.events import DeadLetter
    from worker.core.index import Entry
    from worker.core.shards import Answers, answer_probe, gather, settle, settlement, verify_candidates

    detector = Detector(RollingIndex())
    limit = detector.config.max_candidates
    indexes = [RollingIndex() for _ in range(shards)]
    counts = counts if counts is not None else {}
    out = []
    for raw in messages:
        f = detector.prepare(raw)
        if isinstance(f, DeadLetter):
            out.append((None, None, None, None, None))
            continue
        pending = new_entry(f, None, datetime.now(UTC))
        split = split_keys(f.keys, shards)
        inbox = [{"t": "expect", "id": f.article.id, "shards": sorted(split)}]
        for shard, keys in split.items():
            known, found = answer_probe(indexes[shard], pending, keys, not_before=f.not_before)
            inbox.append({"t": "reply", "id": f.article.id, "shard": shard, "known": known,
                          "findings": [x.to_dict() for x in found]})  # fmt: skip
        answers, asked = Answers.start(), False
        while not answers.complete:
            answers, questions = answers.receive(inbox.pop(0), limit=limit)
            for shard, candidates in questions.items():
                found = verify_candidates(indexes[shard], f.article.id, candidates, detector.config.thresholds)
                counts["verified"] = counts.get("verified", 0) + len(found)
                asked = True
                inbox.append({"t": "verified", "id": f.article.id, "shard": shard,
                              "verdicts": {c: v.to_dict() for c, v in found.items()}})  # fmt: skip
        counts["second_rounds"] = counts.get("second_rounds", 0) + asked
        if answers.known is not None:
            e = Entry.from_record(answers.known)
            out.append((f.article.id, e.label, e.matched_id, e.story_id, e.similarity))
            continue
        settled = settlement(f.article.id, gather(answers.findings, limit=limit, verified=answers.verified))
        for shard in split:
            assert settle(indexes[shard], f.article.id, settled)
        out.append((f.article.id, settled["label"], settled["match"], settled["story"], settled["sim"]))
    return out


@pytest.mark.parametrize("shards", [1, 4])
def test_probe_gather_settle_gives_the_labels_of_one_table(shards):
    messages = sample_articles()
    if (SHARED / "data").is_dir():
        from benchmarks.streams import build_streams

        messages = seed_messages() + [m for stream in build_streams(SHARED)[:4] for m in stream.messages()] + messages
    messages = in_publication_order(messages)
    one = [row if row[0] is not None else (None,) * 5 for row in labels(Detector(RollingIndex()), messages)]
    counts: dict = {}
    assert protocol_labels(messages, shards, counts) == one
    # Only chosen candidates are verified, and none where an identical fingerprint settles it.
    copies = sum(1 for row in one if row[1] in ("duplicate", "rewrite"))
    assert 0 < counts["second_rounds"] < len(messages) and counts["verified"] <= 16 * counts["second_rounds"]
    assert copies > len(messages) // 5


def test_the_gather_state_asks_once_the_first_round_is_in_and_again_for_a_replayed_reply():
    from worker.core.shards import Answers, Finding

    near = Finding("near", "s1", 10.0, shared=3, rarest=5, verdict=None).to_dict()
    far = Finding("far", "s2", 11.0, shared=2, rarest=9, verdict=None).to_dict()
    expect = {"t": "expect", "id": "a", "shards": [0, 2]}
    reply0 = {"t": "reply", "id": "a", "shard": 0, "known": None, "findings": [far]}
    reply2 = {"t": "reply", "id": "a", "shard": 2, "known": None, "findings": [near]}
    answers, asked = Answers.start().receive(reply2, limit=16)
    assert asked == {} and not answers.complete  # the expect note and shard 0 are still out
    answers, asked = answers.receive(expect, limit=16)
    assert asked == {} and not answers.first_round_done
    answers, asked = answers.receive(reply0, limit=16)
    assert asked == {2: ["near"], 0: ["far"]} and not answers.complete
    original = {"label": "original", "dist": 30, "sim": 0.1}
    answers, asked = answers.receive({"t": "verified", "id": "a", "shard": 2, "verdicts": {"near": original}}, limit=16)
    assert asked == {} and not answers.complete  # an answer asks nothing again
    replayed, asked = answers.receive(reply0, limit=16)  # after a crash: shard 0's question again
    assert asked == {0: ["far"]} and not replayed.complete
    copy = {"label": "duplicate", "dist": 2, "sim": 0.97}
    done, asked = replayed.receive({"t": "verified", "id": "a", "shard": 0, "verdicts": {"far": copy}}, limit=16)
    assert asked == {} and done.complete and done.known is None
    assert {c: v.verdict.label.value for c, v in done.verified.items()} == {"near": "original", "far": "duplicate"}
    # A repeat: a shard knows the article settled; no second round.
    settled = {"label": "duplicate", "id": "a"}
    repeat, asked = Answers.start().receive({**expect, "shards": [0]}, limit=16)
    repeat, asked = repeat.receive({**reply0, "known": settled}, limit=16)
    assert asked == {} and repeat.complete and repeat.known == settled


def test_a_shard_settles_a_same_fingerprint_sighting_without_decoding_it():
    from datetime import UTC, datetime

    from worker.core.classify import Label
    from worker.core.detector import new_entry
    from worker.core.shards import probe

    detector = Detector(RollingIndex())
    f = detector.prepare(sample_articles()[0])
    shard = RollingIndex()
    shard.add(new_entry(f, None, datetime.now(UTC)), f.keys)
    shard.store[f.article.id]["sig"] = "not base64 at all"  # reading it would fail
    (finding,) = probe(shard, "verbatim-copy", f.signature, f.keys, not_before=f.not_before)
    assert (finding.article_id, finding.verdict.label, finding.verdict.distance) == (f.article.id, Label.DUPLICATE, 0)


def test_the_second_round_asks_only_for_chosen_candidates_not_settled_yet():
    from worker.core.classify import Label, Verdict
    from worker.core.shards import Finding, to_verify

    same = Verdict(Label.DUPLICATE, 0, 1.0)
    # Sharing two keys, or one rare key, is chosen; one common key alone is not.
    near = Finding("near", "s1", 10.0, shared=3, rarest=5, verdict=None, shard=2)
    far = Finding("far", "s2", 11.0, shared=2, rarest=9, verdict=None, shard=0)
    lone = Finding("lone", "s3", 12.0, shared=1, rarest=40, verdict=None, shard=1)
    assert to_verify([near, far, lone], limit=16) == {2: ["near"], 0: ["far"]}
    assert to_verify([near, far, lone], limit=1) == {2: ["near"]}
    # The same fingerprint, found by any shard: a duplicate nothing else can beat, no second
    # round (a shard reports it alone, with no keys counted: it need not be chosen).
    identical = Finding("identical", "s4", 9.0, shared=0, rarest=0, verdict=same, shard=1)
    assert to_verify([near, far, identical], limit=16) == {}
    assert to_verify([near, far, identical], limit=1) == {}
    # Merged across shards: keys shared add up, and the first shard to sight it is asked.
    half = Finding("split", "s5", 8.0, shared=1, rarest=50, verdict=None, shard=3)
    other_half = Finding("split", "s5", 8.0, shared=1, rarest=60, verdict=None, shard=1)
    assert to_verify([half, other_half], limit=16) == {3: ["split"]}


def test_the_gather_step_takes_the_earliest_identical_entry_any_shard_found():
    from worker.core.classify import IDENTICAL, Label, Verdict
    from worker.core.shards import Finding, Verified, gather

    near = Finding("near", "s1", 1.0, shared=9, rarest=2, verdict=None, shard=0)
    later = Finding("later", "s2", 20.0, shared=0, rarest=0, verdict=IDENTICAL, shard=1)
    tied = [Finding(i, "s3", 10.0, shared=0, rarest=0, verdict=IDENTICAL, shard=s) for s, i in [(2, "b"), (3, "a")]]
    verified = {"near": Verified(Verdict(Label.DUPLICATE, 2, 0.99), "s1")}
    match = gather([near, later, *tied], limit=16, verified=verified)
    assert (match.article_id, match.story_id, match.verdict) == ("a", "s3", IDENTICAL)  # earliest, then least id
    assert gather([near], limit=16, verified=verified).article_id == "near"


def test_a_candidate_gone_before_the_second_round_is_no_copy():
    from datetime import UTC, datetime

    from worker.core.classify import Label, Thresholds, verify
    from worker.core.detector import new_entry
    from worker.core.shards import verify_candidates

    detector = Detector(RollingIndex())
    source, copy = (detector.prepare(m) for m in sample_articles()[:2])
    shard = RollingIndex()
    for f in (source, copy):
        shard.add(new_entry(f, None, datetime.now(UTC)), f.keys)
    verdicts = verify_candidates(shard, copy.article.id, [source.article.id, "expired"], Thresholds())
    assert verdicts["expired"].verdict.label is Label.ORIGINAL and verdicts["expired"].story_id is None
    assert verdicts[source.article.id].verdict == verify(
        copy.signature, source.signature, Thresholds()
    )  # as one table does
    assert verdicts[source.article.id].story_id == source.article.id
    assert all(
        v.verdict.label is Label.ORIGINAL
        for v in verify_candidates(shard, "unknown", [source.article.id], Thresholds()).values()
    )
