import base64

import numpy as np
import orjson
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from worker.core.fingerprint import lookup_keys, signature
from worker.core.index import Entry, Identical, RollingIndex, stored_signature, to_json
from worker.core.normalise import normalise


def entry(article_id: str, text: str, t: float) -> Entry:
    return Entry(
        article_id, article_id, t, signature(normalise(text)), "original", None, None, None, "2026-01-01T00:00:00Z"
    )


A = "Rescuers pulled 14 miners alive from the flooded Kestrel pit in Harlow on Sunday after a 30-hour operation."
B = "The central bank kept its main rate at 4.25 percent on Thursday, citing sticky services inflation in Norland."


def test_candidates_are_found_by_shared_keys_only():
    index = RollingIndex()
    index.add(entry("a", A, 100.0))
    index.add(entry("b", B, 100.0))
    found = index.candidates(lookup_keys(signature(normalise(A))), not_before=0, limit=10)
    assert [e.article_id for e in found] == ["a"]


def test_candidates_respect_the_time_window_and_limit():
    index = RollingIndex()
    index.add(entry("old", A, 10.0))
    index.add(entry("new", A + " Again.", 1000.0))
    keys = lookup_keys(signature(normalise(A)))
    assert [e.article_id for e in index.candidates(keys, not_before=500, limit=10)] == ["new"]
    assert len(index.candidates(keys, not_before=0, limit=1)) == 1


def test_eviction_removes_old_entries_from_index_and_store():
    store: dict = {}
    index = RollingIndex(store)
    index.add(entry("old", A, 10.0))
    index.add(entry("new", B, 1000.0))
    assert index.evict(before=500) == 1
    assert "old" not in store and "old" not in index and len(index) == 1
    assert index.candidates(lookup_keys(signature(normalise(A))), not_before=0, limit=10) == []


def test_rebuild_from_store_restores_lookups():
    store: dict = {}
    RollingIndex(store).add(entry("a", A, 100.0))
    fresh = RollingIndex(store)
    assert len(fresh) == 0
    assert fresh.rebuild() == 1
    assert fresh.get("a").signature.simhash == signature(normalise(A)).simhash
    assert fresh.watermark == 100.0


def test_the_table_tells_which_language_class_it_filed_under_figure_keys():
    store: dict = {}
    index = RollingIndex(store)
    figured = "Sales of 1,250 homes in 2025 rose 14% to 318 million, with 42 sold in March and 7 in May."
    assert not index.holds_figure_keys(True) and not index.holds_figure_keys(False)
    index.add(entry("few", A, 100.0))  # under 5 figures: no figure keys
    assert not index.holds_figure_keys(True)
    index.add(entry("en", figured, 101.0))
    assert index.holds_figure_keys(True) and not index.holds_figure_keys(False)
    index.evict(before=200.0)  # expiry does not forget it
    assert index.holds_figure_keys(True)
    rebuilt = RollingIndex(store)
    rebuilt.rebuild()
    assert not rebuilt.holds_figure_keys(True)  # both entries expired with their records
    index.add(entry("en2", figured, 300.0))
    rebuilt = RollingIndex(store)
    rebuilt.rebuild()
    assert rebuilt.holds_figure_keys(True) and not rebuilt.holds_figure_keys(False)


def test_adding_a_known_id_is_a_no_op():
    store: dict = {}
    index = RollingIndex(store)
    index.add(entry("a", A, 100.0))
    index.add(entry("a", B, 200.0))
    assert len(index) == 1 and index.get("a").event_time == 100.0


def test_keys_held_by_many_stories_are_not_looked_up():
    index = RollingIndex(max_postings=2)
    keys = lookup_keys(signature(normalise(A)))
    for i in range(2):
        index.add(entry(f"a{i}", A, 100.0 + i))  # two stories (story id = article id)
    assert {e.article_id for e in index.candidates(keys, not_before=0, limit=100)} == {"a0", "a1"}
    index.add(entry("a3", A, 103.0))
    assert index.candidates(keys, not_before=0, limit=100) == []  # three stories: every key of A is common
    index.add(entry("b", B, 102.0))
    assert [e.article_id for e in index.candidates(lookup_keys(signature(normalise(B))), not_before=0, limit=9)] == [
        "b"
    ]
    index.evict(before=104.0)  # the holders expire: the keys are rare again
    index.add(entry("a4", A, 200.0))
    assert [e.article_id for e in index.candidates(keys, not_before=0, limit=100)] == ["a4"]


def test_keys_held_by_many_copies_of_one_story_stay_useful():
    """A syndicated story: every copy carries the source's story id, so the key stays live."""
    index = RollingIndex(max_postings=2)
    for i in range(10):
        index.add(Entry(f"c{i}", "wire-1", 100.0 + i, signature(normalise(A)), "duplicate", None, None, None, "t"))
    found = index.candidates(lookup_keys(signature(normalise(A))), not_before=0, limit=100)
    assert [e.article_id for e in found] == ["c9", "c8"]


def test_rarest_keys_are_followed_first():
    index = RollingIndex(max_postings=10)
    index.add(entry("specific", A, 100.0))
    for i in range(5):
        index.add(entry(f"other{i}", B, 100.0 + i))
    a_keys, b_keys = lookup_keys(signature(normalise(A))), lookup_keys(signature(normalise(B)))
    found = index.candidates(b_keys[:1] + a_keys[:1], not_before=0, limit=1)
    assert [e.article_id for e in found] == ["specific"]


def test_record_round_trip_keeps_the_whole_signature():
    original = entry("a", A + " The pit's owner, Kestrel Mining, said an inquiry would begin on Monday.", 100.0)
    written = to_json(original.to_record())
    record = orjson.loads(written)
    assert isinstance(record["sig"], str)  # base64 of the signature's bytes
    restored = Entry.from_record(record)
    assert to_json(restored.to_record()) == written
    assert restored.signature.to_bytes() == original.signature.to_bytes()
    assert restored.signature.outline.to_bytes() == original.signature.outline.to_bytes()
    assert list(restored.signature.facts) == list(original.signature.facts)
    assert len(original.signature.outline) == 2 and original.signature.facts.size >= 4


def test_a_record_in_memory_holds_its_signature_decoded_and_a_rebuilt_one_too():
    """Verifying a candidate whose record is in memory decodes nothing; a record read back
    from JSON (changelog recovery) is decoded once, at the rebuild, and held so."""
    store: dict = {}
    index = RollingIndex(store)
    index.add(entry("a", A, 100.0))
    held = stored_signature(store["a"])
    assert held.packed is not None  # arrays of its own, not views of its batch's
    assert stored_signature(store["a"]) is held
    recovered = {"a": orjson.loads(to_json(store["a"]))}  # as read back from the changelog
    assert isinstance(recovered["a"]["sig"], str)
    assert RollingIndex(recovered).rebuild() == 1
    assert stored_signature(recovered["a"]) is stored_signature(recovered["a"])  # decoded once
    assert stored_signature(recovered["a"]).to_bytes() == held.to_bytes()


def test_records_of_another_format_version_are_dropped_at_rebuild():
    store: dict = {}
    index = RollingIndex(store)
    index.add(entry("old", A, 100.0))
    index.add(entry("new", B, 100.0))
    store["old"] = {**store["old"], "v": 1}
    assert index.rebuild() == 1
    assert "old" not in store and "old" not in index and "new" in index


def test_a_record_of_the_version_before_is_read_as_it_is_its_nouns_not_known():
    from dataclasses import replace

    store: dict = {}
    index = RollingIndex(store)
    index.add(entry("before", A, 100.0))
    sig = stored_signature(store["before"])
    assert sig.outline.nouns is not None
    plain = replace(sig, outline=replace(sig.outline, nouns=None), packed=None)  # as version 10 wrote it
    store["before"] = {**orjson.loads(to_json(store["before"])), "v": 10}
    store["before"]["sig"] = base64.b64encode(plain.to_bytes()).decode("ascii")
    assert index.rebuild() == 1
    read = stored_signature(store["before"])
    assert read.outline.nouns is None and np.array_equal(read.outline.words, sig.outline.words)


def test_records_of_versions_12_and_11_are_read_as_they_are_and_one_of_9_dropped():
    store: dict = {}
    index = RollingIndex(store)
    for name, version in (("twelve", 12), ("eleven", 11), ("nine", 9)):
        index.add(entry(name, A, 100.0))
        store[name] = {**orjson.loads(to_json(store[name])), "v": version}
    assert index.rebuild() == 2
    assert "twelve" in index and "eleven" in index and "nine" not in index and "nine" not in store


def test_entries_sharing_more_keys_come_first_and_lone_common_keys_are_dropped():
    index = RollingIndex(max_postings=16)
    keys = lookup_keys(signature(normalise(A)))
    index.add(entry("copy", A, 100.0), keys)  # shares every key
    for i in range(3):  # each shares one key, held by four articles in all
        index.add(entry(f"noise{i}", B, 100.0 + i), (keys[0], 1000 + i))
    found = index.candidates(keys, not_before=0, limit=10)
    assert [e.article_id for e in found] == ["copy"]
    lone = RollingIndex(max_postings=16)
    lone.add(entry("rare", B, 100.0), (keys[0],))  # one shared key, held by it alone
    assert [e.article_id for e in lone.candidates(keys, not_before=0, limit=10)] == ["rare"]


def test_a_lone_key_is_followed_when_its_holders_belong_to_two_stories_at_most():
    """A source with its copies counts once: a partial rewrite sharing one sentence key with a
    story and its republications is still found; three unrelated holders make the key common."""
    keys = lookup_keys(signature(normalise(A)))
    story = RollingIndex(max_postings=16)
    for i in range(3):  # a source and two republications: three holders, one story
        story.add(
            Entry(f"s{i}", "story-1", 100.0 + i, signature(normalise(B)), "original", None, None, None, "t"), (keys[0],)
        )
    assert {e.article_id for e in story.candidates(keys, not_before=0, limit=10)} == {"s0", "s1", "s2"}
    unrelated = RollingIndex(max_postings=16)
    for i in range(3):  # three articles of three stories
        unrelated.add(entry(f"u{i}", B, 100.0 + i), (keys[0],))
    assert unrelated.candidates(keys, not_before=0, limit=10) == []
    unrelated.evict(before=100.5)  # two stories left: followed again
    assert {e.article_id for e in unrelated.candidates(keys, not_before=0, limit=10)} == {"u1", "u2"}


def test_signature_cache_decodes_each_record_once_and_tells_re_added_ids_apart():
    from worker.core.index import SignatureCache

    cache = SignatureCache(size=2)
    record = orjson.loads(
        to_json(entry("a", "The council approved the tram line on Tuesday after a long debate.", 1.0).to_record())
    )
    first = cache(record)
    assert cache({**record, "story": "other", "label": "rewrite"}) is first  # settled: same signature
    assert cache({**record, "at": "2026-01-02T00:00:00Z"}) is not first  # the id stored again
    cache(orjson.loads(to_json(entry("b", "Heavy snow closed the mountain pass for a third day.", 2.0).to_record())))
    assert cache(record) is not first  # evicted: the two newest were kept
    assert cache(record).simhash == first.simhash


def test_an_identity_key_collision_is_no_identical_entry(monkeypatch):
    """Every fingerprint given the same identity key (a 32-bit collision made certain): the
    stored fingerprint is read and rules the others out."""
    from worker.core import index as index_module

    monkeypatch.setattr(index_module, "identity_key", lambda simhash: 42)
    index = RollingIndex()
    index.add(entry("other", "Heavy snow closed the mountain pass for a third day.", 1.0))
    index.add(entry("copy", A, 2.0))
    sig = signature(normalise(A))
    assert index.lookup(lookup_keys(sig), sig.simhash, not_before=0.0) == Identical("copy", "copy", 2.0)
    found = index.lookup(lookup_keys(sig), sig.simhash ^ 1, not_before=0.0, limit=16)
    assert isinstance(found, list) and "copy" in {s.article_id for s in found}


def test_lookup_finds_the_earliest_identical_entry_even_past_the_newest_holders():
    """More copies than a key's newest holders that count: the earliest one still wins (then
    the least id), not the earliest of the newest few; an entry outside the window, the
    excluded id and a near fingerprint are passed over."""
    from dataclasses import replace

    index = RollingIndex(max_postings=2)
    index.add(replace(entry("too-old", A, 5.0), story_id="story"))
    for i in [3, 1, 0, 5, 2, 4]:
        index.add(
            replace(entry(f"copy-{i}", A, 100.0 + (i > 0)), story_id="story")
        )  # copy-0 the earliest; the rest tie
    sig = signature(normalise(A))
    keys = lookup_keys(sig)
    assert index.lookup(keys, sig.simhash, not_before=50.0) == Identical("copy-0", "story", 100.0)
    assert index.lookup(keys, sig.simhash, not_before=50.0, exclude="copy-0") == Identical("copy-1", "story", 101.0)
    assert index.lookup(keys, sig.simhash, not_before=0.0) == Identical("too-old", "story", 5.0)
    # Without an identical fingerprint: the sightings, ranked.
    near = sig.simhash ^ (1 | 1 << 16)
    found = index.lookup(keys, near, not_before=50.0, limit=16)
    assert isinstance(found, list) and found == index.sightings(keys, not_before=50.0, limit=16)
    assert {s.article_id for s in found} <= {f"copy-{i}" for i in range(6)} and len(found) >= 2


_COPIES = {text: signature(normalise(text)) for text in (A, B)}
_operations = st.lists(
    st.one_of(
        st.tuples(st.just("add"), st.sampled_from([A, B]), st.integers(0, 3), st.sampled_from([1.0, 2.0, 3.0])),
        st.tuples(st.just("evict"), st.sampled_from([1.5, 2.5])),
        st.tuples(
            st.just("lookup"),
            st.sampled_from([A, B]),
            st.sampled_from([0.0, 1.5, 2.5]),
            st.sampled_from([None, "c0", "c1"]),
        ),
    ),
    max_size=40,
)


@settings(max_examples=300, deadline=None)
@given(operations=_operations, kept=st.sampled_from([1, 4096]))
@example(  # the remembered copy evicted, and its id stored again at another time
    operations=[
        ("add", A, 0, 1.0),
        ("lookup", A, 0.0, None),
        ("evict", 1.5),
        ("add", A, 0, 3.0),
        ("lookup", A, 0.0, None),
    ],
    kept=4096,
)
def test_identical_lookups_match_a_scan_of_the_store(operations, kept):
    """The remembered earliest copy (``RollingIndex._identical``) gives what reading every
    holder would: the earliest stored copy in the window, then the least id, not excluded;
    through ties, copies added earlier than the one remembered, eviction, and fingerprints
    forgotten (``kept`` 1)."""
    from worker.core import index as index_module

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(index_module, "EARLIEST_KEPT", kept)
        store: dict = {}
        index = RollingIndex(store, max_postings=2)
        for op in operations:
            if op[0] == "add":
                _, text, n, t = op
                index.add(
                    Entry(f"c{n}", f"s{n}", t, _COPIES[text], "original", None, None, None, "2026-01-01T00:00:00Z")
                )
            elif op[0] == "evict":
                index.evict(op[1])
            else:
                _, text, not_before, exclude = op
                sig = _COPIES[text]
                held = [
                    r for r in store.values()
                    if int(r["fp"], 16) == sig.simhash and r["t"] >= not_before and r["id"] != exclude
                ]  # fmt: skip
                found = index.lookup(lookup_keys(sig), sig.simhash, not_before=not_before, limit=16, exclude=exclude)
                if held:
                    first = min(held, key=lambda r: (r["t"], r["id"]))
                    assert found == Identical(first["id"], first["story"], first["t"])
                else:
                    assert isinstance(found, list)


def test_a_burst_of_copies_reads_the_holders_once(monkeypatch):
    """Thousands of copies with one date: once their earliest is found, a lookup reads one
    record, not every copy's id (that made a burst quadratic)."""
    from dataclasses import replace

    index = RollingIndex()
    sig = _COPIES[A]
    for i in range(50):
        index.add(replace(entry(f"copy-{i:02d}", "x", 100.0), signature=sig))
    assert index.lookup((), sig.simhash, not_before=0.0) == Identical("copy-00", "copy-00", 100.0)
    reads = []
    monkeypatch.setattr(index._postings, "holders", lambda key: reads.append(key))
    for i in range(50, 60):
        assert index.lookup((), sig.simhash, not_before=0.0) == Identical("copy-00", "copy-00", 100.0)
        index.add(replace(entry(f"copy-{i:02d}", "x", 100.0), signature=sig))
    index.add(replace(entry("copy-", "x", 100.0), signature=sig))  # earlier by id, at the same time
    assert index.lookup((), sig.simhash, not_before=0.0) == Identical("copy-", "copy-", 100.0)
    assert reads == []


class _HeldThread:
    """The merge thread, holding each job until ``release`` is set (a compaction in progress)."""

    def __init__(self) -> None:
        import threading
        from concurrent.futures import ThreadPoolExecutor

        self.release = threading.Event()
        self.pool = ThreadPoolExecutor(max_workers=1)

    def submit(self, fn, *args):
        return self.pool.submit(lambda: self.release.wait(timeout=60) and fn(*args))


def _seen(index, queries, not_before=0.0):
    return [sorted((s.article_id, s.event_time, s.shared, s.rarest) for s in index.sightings(q, not_before=not_before))
            for q in queries]  # fmt: skip


def test_a_compaction_beside_the_stream_changes_no_lookup(monkeypatch):
    """Expired slots are compacted on the merge thread while articles keep arriving, expiring
    and being looked up: the lookups meanwhile find what they would have found had it been
    done at once, and once it is swapped in the index is the one that gives.  (Until a
    compaction, a key's holder count includes its dead holders: only that may differ
    meanwhile.)"""
    import dataclasses
    import random

    from worker.core import index as index_module
    from worker.core import postings as postings_module

    monkeypatch.setattr(index_module, "COMPACT_FROM", 50)
    base = signature(normalise(A))

    def stream(hold: bool):
        held = _HeldThread()
        if hold:
            monkeypatch.setattr(postings_module, "_merger", lambda: held)
        else:
            monkeypatch.undo()
            monkeypatch.setattr(index_module, "COMPACT_FROM", 50)
        rng = random.Random(11)
        pool = [rng.getrandbits(64) for _ in range(20000)]
        stories = [[rng.getrandbits(64) for _ in range(4)] for _ in range(37)]  # keys of one story's articles
        queries = [rng.sample(pool, 40) + stories[q % 37][:2] for q in range(40)]
        store: dict = {}
        index = RollingIndex(store, max_postings=4)

        def add(i: int) -> None:
            sig = dataclasses.replace(base, simhash=rng.getrandbits(64))
            e = Entry(f"a{i}", f"s{i % 37}", float(i), sig, "original", None, None, None, "2026-01-01T00:00:00Z")
            index.add(e, tuple(rng.sample(pool, 10) + stories[i % 37][: 1 + i % 3]))

        for i in range(3000):  # several buffer flushes: runs to compact
            add(i)
        assert index.evict(before=1000.0) == 1000 and index.compacting  # a third dead: it starts
        if not hold:
            index.finish_merges()  # at once, as before compactions ran beside the stream
        for i in range(3000, 9000):  # meanwhile: more than a buffer's worth, so new runs too
            add(i)
        assert index.evict(before=1500.0) == 500 and index.compacting == hold  # one at a time
        index.revise(dataclasses.replace(index.get("a8000"), story_id="s-new", label="duplicate"))
        during = _seen(index, queries, not_before=1200.0)
        held.release.set()
        index.finish_merges()
        held.pool.shutdown()
        return index, store, queries, during

    index, store, queries, during = stream(hold=True)
    at_once, _, _, _ = stream(hold=False)
    assert not index.compacting and len(index._ids) == 8000  # the 1,000 dropped; the 500 wait for the next
    assert sum(map(len, during)) > 100 and len(index) == 7500
    after = _seen(index, queries, not_before=1200.0)
    assert after == _seen(at_once, queries, not_before=1200.0)
    assert [[row[:3] for row in q] for q in during] == [[row[:3] for row in q] for q in after]
    assert sorted(index.live_ids()) == sorted(store) and index.get("a8000").story_id == "s-new"
    late = Entry("late", "late", 9500.0, base, "original", None, None, None, "")
    index.add(late, tuple(queries[0]))  # and it goes on
    assert "late" in [row[0] for row in _seen(index, queries)[0]]


@pytest.mark.parametrize("waited", [True, False])
def test_a_failed_compaction_leaves_the_index_as_it_was(monkeypatch, caplog, waited):
    """Waited for (benchmarks, tests), the failure is raised; found by a lookup, it is logged
    and the lookup answers as before."""
    from worker.core import index as index_module
    from worker.core.ids import IdPool
    from worker.core.postings import in_background

    def failing_kept(self, keep):
        raise MemoryError("no room for the compacted ids")

    monkeypatch.setattr(index_module, "COMPACT_FROM", 2)
    monkeypatch.setattr(IdPool, "kept", failing_kept)
    index = RollingIndex()
    for i, t in enumerate([10.0, 11.0, 12.0, 500.0, 501.0]):
        index.add(entry(f"e{i}", A if i % 2 else B, t))
    index.evict(before=100.0)
    if waited:
        with pytest.raises(MemoryError):
            index.finish_merges()
    else:
        in_background(lambda: None).result()  # the merge thread runs its jobs in order: the failed one is done
    keys = lookup_keys(signature(normalise(A)))
    assert [s.article_id for s in index.sightings(keys, not_before=0.0)] == ["e3"]
    assert not index.compacting and ("compacting the index failed" in caplog.text) != waited
