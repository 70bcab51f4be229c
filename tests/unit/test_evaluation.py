import io
import random

import pytest

from benchmarks.fit import all_streams, swapped
from benchmarks.metrics import Prediction, Truth, score
from benchmarks.run import PROJECT, run_shared
from benchmarks.streams import Stream, build_streams, republish
from benchmarks.written import BUILDERS
from tests.conftest import SHARED


def test_scores_count_confusion_f1_and_families():
    truth = [
        Truth("a", "original", "a"),
        Truth("b", "duplicate", "a"),
        Truth("c", "rewrite", "a"),
        Truth("d", "original", "d", hard_negative=True),
    ]
    preds = [
        Prediction("a", "original", None, 0),
        Prediction("b", "duplicate", "a", 2),
        Prediction("c", "duplicate", "b", 2),  # right family, wrong kind of copy
        Prediction("d", "rewrite", "a", 4),  # a hard negative called a rewrite
    ]
    s = score(truth, preds)
    assert s.confusion["rewrite"]["duplicate"] == 1 and s.confusion["original"]["rewrite"] == 1
    assert s.f1("duplicate") == pytest.approx(2 / 3)
    assert s.f1("rewrite") == 0.0
    assert s.derived_f1 == pytest.approx(0.8)  # 2 derived found, 1 original called derived
    assert s.family_accuracy == 1.0
    assert s.hard_negative_copy_rate == 1.0
    assert s.candidates_per_article == 2.0
    assert s.candidate_recall is None  # no prediction says which candidates it verified
    assert s.macro_f1 == pytest.approx((s.f1("original") + s.f1("duplicate") + 0.0) / 3)
    only_originals = score([Truth("d", "original", "d", hard_negative=True)], [preds[3]])
    assert only_originals.derived_f1 is None and only_originals.hard_negative_copy_rate == 1.0


def test_candidate_recall_counts_copies_whose_family_was_verified():
    truth = [Truth("a", "original", "a"), Truth("x", "original", "x")]
    truth += [Truth("b", "rewrite", "a"), Truth("c", "duplicate", "a")]
    preds = [
        Prediction("a", "original", None, 0, ()),
        Prediction("x", "original", None, 1, ("a",)),  # not a copy: not counted
        Prediction("b", "original", None, 1, ("a",)),  # its source verified, the label missed
        Prediction("c", "original", None, 1, ("x",)),  # its source never looked at
    ]
    s = score(truth, preds)
    assert (s.copies_looked_up, s.sources_found, s.candidate_recall) == (2, 1, 0.5)


def test_macro_f1_ignores_labels_absent_from_the_truth():
    s = score(
        [Truth("a", "original", "a"), Truth("b", "original", "b")],
        [Prediction("a", "original", None), Prediction("b", "duplicate", "a")],
    )
    assert s.macro_f1 == pytest.approx(s.f1("original"))


def test_republished_copies_keep_the_text_and_add_noise():
    text = "First sentence here. Second sentence follows. Third one ends. Fourth is last. Fifth closes it."
    body, noise = republish(text, random.Random(3), "An added paragraph.")
    assert noise and "sentence" in body


@pytest.mark.skipif(not (SHARED / "data").is_dir(), reason="../shared/data is not beside the checkout")
def test_streams_are_deterministic_disjoint_and_labelled():
    a, b = all_streams(SHARED), all_streams(SHARED)
    assert [s.messages() for s in a] == [s.messages() for s in b]
    by_key = {(s.name, s.split): s for s in a}
    names = ("duplicates", "rewrites", "msrp-negatives", "same-event", *BUILDERS)
    for name in names:
        tune = by_key[(name, "tune")]
        heldout = by_key[(name, "heldout")]
        assert not set(tune.messages()) & set(heldout.messages())
        assert not {t.family for t in tune.truth if t.label != "original"} & {t.family for t in heldout.truth}
        assert len({t.article_id for t in heldout.truth}) == len(heldout.truth)
    assert {t.label for t in by_key[("rewrites", "tune")].truth} == {"original", "rewrite"}
    for name in ("same-event", "student", "concepts", "news", "templates", "flashes", "pages", "updates"):
        assert any(t.hard_negative for t in by_key[(name, "heldout")].truth), name
    for name in ("student", "concepts", "news", "templates", "flashes", "pages", "updates"):
        assert {t.label for t in by_key[(name, "heldout")].truth} == {"original", "duplicate", "rewrite"}, name
    # Templated reports: different templates in each half, at least 40 reports in all.
    reports = [t for s in (by_key[("templates", "tune")], by_key[("templates", "heldout")]) for t in s.truth
               if t.article_id.startswith("tpl-") and t.label == "original"]  # fmt: skip
    assert len(reports) >= 40
    assert all(b"<html" in m or b"<!DOCTYPE" in m for m in by_key[("pages", "heldout")].messages())


@pytest.mark.skipif(not (SHARED / "data").is_dir(), reason="../shared/data is not beside the checkout")
def test_copydesk_meets_the_quality_targets_on_held_out_streams(tmp_path):
    out = io.StringIO()
    results = run_shared(str(SHARED), out, curves=str(tmp_path / "curves.png"))
    by = {(r.stream, r.detector): r.scores for r in results}
    loso = f"{PROJECT}-loso"
    # Translations are reported without a target: the lexical decision is not for them.
    untargeted = ("translations/heldout", "scripts/heldout")
    assert all((stream, loso) in by for stream in untargeted)
    copies = [
        r.stream
        for r in results
        if r.detector == loso and r.scores.derived_f1 is not None and r.stream not in untargeted
    ]
    assert len(copies) == 42
    for stream in copies:  # above every baseline, with a decision never fitted on the stream
        ours = by[(stream, loso)].macro_f1
        assert all(ours > by[(stream, b)].macro_f1 for b in ("simhash-k3", "simhash-12bit", "minhash-lsh")), stream
    for stream in ("duplicates/heldout", "rewrites/heldout", "news/heldout", "templates/heldout", "pages/heldout",
                   "paraphrases/heldout", "updates/heldout", "news-c/heldout", "student-b/heldout",
                   "templates-b/heldout", "templates-f/heldout", "templates-g/heldout"):  # fmt: skip
        assert by[(stream, loso)].derived_f1 >= 0.95 and by[(stream, loso)].macro_f1 >= 0.90, stream
        assert by[(stream, loso)].candidate_recall >= 0.99, stream
    for stream in ("same-event/heldout", "templates/heldout", "pages/heldout", "news/heldout", "student/heldout",
                   "concepts/heldout", "paraphrases/heldout", "news-c/heldout", "student-b/heldout",
                   "templates-b/heldout", "templates-f/heldout", "templates-g/heldout", "flashes-f/heldout"):  # fmt: skip
        assert by[(stream, loso)].hard_negative_copy_rate <= 0.02, stream
    assert by[("seeds/all", loso)].macro_f1 == by[("seeds/all", PROJECT)].macro_f1 == 1.0
    assert "rows truth" in out.getvalue() and (tmp_path / "curves.png").stat().st_size > 10_000


def test_swapped_halves_fit_on_the_held_out_halves_and_score_the_tune_halves():
    tune, heldout, seeds = Stream("news", "tune"), Stream("news", "heldout"), Stream("seeds", "all")
    tune.add("t-1", "A tune story.", "original", "t-1")
    heldout.add("h-1", "A held-out story.", "original", "h-1")
    exchanged = {(s.name, s.split): s for s in swapped([tune, heldout, seeds])}
    assert exchanged[("news", "heldout")].messages() == tune.messages()
    assert exchanged[("news", "tune")].messages() == heldout.messages()
    assert exchanged[("seeds", "all")] is not None and (tune.split, heldout.split) == ("tune", "heldout")


def test_eval_skips_cleanly_without_shared(tmp_path):
    out = io.StringIO()
    assert run_shared(str(tmp_path), out) is None
    assert "skipped" in out.getvalue()


@pytest.mark.skipif(not (SHARED / "data").is_dir(), reason="../shared/data is not beside the checkout")
def test_streams_keep_their_labels_on_a_populated_table():
    from benchmarks.scale import at_scale, filler_messages
    from worker.settings import Settings

    assert len(set(filler_messages(SHARED, 50))) == 50
    rewrites = [s for s in build_streams(SHARED) if (s.name, s.split) == ("rewrites", "heldout")]
    (result,) = at_scale(SHARED, rewrites, 1000, Settings())
    assert result.scores.derived_f1 >= 0.95
    assert result.scores.candidates_per_article <= 64


def test_speed_benchmark_runs_and_reports_every_path():
    from benchmarks import speed

    out = io.StringIO()
    texts = speed.articles(None, count=3)
    assert all(3000 <= len(t) <= 5000 for t in texts)
    results = speed.run(None, out, count=3)
    assert len(results) == 7 and "vs baseline" in out.getvalue()
    out = io.StringIO()
    assert speed.burst(None, out, copies=256, window=64) > 0
    assert "burst of 256 identical copies" in out.getvalue()


@pytest.mark.skipif(not (SHARED / "data").is_dir(), reason="../shared/data is not beside the checkout")
def test_table_benchmark_measures_both_tables():
    from benchmarks import table

    out = io.StringIO()
    (result,) = table.run(SHARED, out, [2000])
    assert result.ours_bytes > 0 and result.simhash_bytes > 0 and result.keys_per_article > 4
    assert result.candidates <= 16 and "SimhashIndex" in out.getvalue() and result.longest_add_ms > 0
    assert 0 < result.expire_ms <= result.compaction_ms and result.slowest_meanwhile_ms >= 0


@pytest.mark.skipif(not hasattr(__import__("os"), "sched_setaffinity"), reason="CPU affinity is Linux only")
def test_the_end_to_end_benchmark_gives_a_single_worker_a_cpu_of_its_own(monkeypatch, tmp_path):
    import os

    from benchmarks.throughput import cpu_layout
    from worker.demo.process import WorkerProcess

    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1, 2, 3})
    assert cpu_layout(True) == ({3}, {0, 1, 2})
    assert cpu_layout(False) == (None, None)
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {5})
    assert cpu_layout(True) == (None, None)  # one CPU: nothing to keep apart
    monkeypatch.undo()
    # The worker process runs on the CPUs it is given, from its first instruction.
    cpu = max(os.sched_getaffinity(0))
    child = WorkerProcess(
        {}, tmp_path / "child.log", module=("http.server", "--bind", "127.0.0.1", "0"), cpus={cpu}
    ).start()
    try:
        assert os.sched_getaffinity(child.pid) == {cpu}
    finally:
        child.stop()


def test_end_to_end_rounds_are_reported_as_medians_per_stream_and_kind():
    from benchmarks.throughput import Throughput, medians

    rows = [Throughput("forward", 3600, 150, 280), Throughput("copydesk", 2400, 170, 300),
            Throughput("forward", 5200, 160, 290), Throughput("copydesk", 2300, 180, 330),
            Throughput("forward", 3500, 155, 500), Throughput("copydesk", 2450, 175, 310),
            Throughput("forward", 900, 1, 2, stream="distinct")]  # fmt: skip
    forward, copydesk, distinct = medians(rows)
    assert (forward.kind, forward.per_second, forward.latency_p50_ms, forward.latency_p99_ms) == (
        "forward",
        3600,
        155,
        290,
    )
    assert forward.rounds == (3600, 5200, 3500) and copydesk.per_second == 2400 and copydesk.latency_p99_ms == 310
    assert (distinct.stream, distinct.per_second, distinct.rounds) == ("distinct", 900, (900,))
