"""Run the project's detector and the baselines over labelled streams and print the scores."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

import numpy as np
import orjson

from benchmarks.baselines import baselines
from benchmarks.metrics import LABELS, Prediction, Scores, Truth, score
from worker.core.classify import Candidate, Label, Verdict
from worker.core.decision import Decision
from worker.core.detector import Detector
from worker.core.events import DeadLetter
from worker.core.index import RollingIndex
from worker.settings import Settings

PROJECT = "copydesk"


class ProjectDetector:
    """The worker's own core, exactly as the agent runs it (with ``decision`` instead of the
    shipped model when given), watching what each article's candidates were and weighed."""

    name = PROJECT

    def __init__(self, settings: Settings, decision: Decision | None = None) -> None:
        config = settings.detector_config(decision)
        self.detector = Detector(RollingIndex(max_postings=settings.max_postings_per_key), config)
        self.detector.observe = self._observe
        self.weighed: list[tuple[str, str, np.ndarray]] = []  # (article, candidate, features)
        self._seen: list[tuple[Candidate, Verdict]] = []

    def _observe(self, candidate: Candidate, verdict: Verdict) -> None:
        self._seen.append((candidate, verdict))

    def label_message(self, raw: bytes) -> Prediction | None:
        self._seen = []
        outcome = self.detector.process_message(raw)
        if isinstance(outcome, DeadLetter):
            return None
        decision = self.detector.config.thresholds.decision
        ids = [c.article_id for c, _ in self._seen]
        if outcome.matched_id is not None and outcome.matched_id not in ids:
            ids.append(outcome.matched_id)  # found by its identical fingerprint, nothing verified
        probabilities = [decision.probability(v.features) for _, v in self._seen if v.features is not None]
        sure = outcome.label == Label.DUPLICATE.value and outcome.distance == 0  # the same fingerprint
        for c, v in self._seen:
            if v.features is not None:
                self.weighed.append((outcome.article_id, c.article_id, v.features))
        return Prediction(
            outcome.article_id, outcome.label, outcome.matched_id, len(self._seen), tuple(ids),
            1.0 if sure else max(probabilities, default=0.0),
        )  # fmt: skip


@dataclass
class Result:
    stream: str
    detector: str
    scores: Scores
    predictions: list[Prediction] | None = None


def evaluate(
    name: str, messages: Sequence[bytes], truth: Sequence[Truth], settings: Settings, *,
    decision: Decision | None = None, detector: str = PROJECT, with_baselines: bool = True,
) -> list[Result]:  # fmt: skip
    ours = ProjectDetector(settings, decision)
    predictions = [p for p in (ours.label_message(m) for m in messages) if p is not None]
    results = [Result(name, detector, score(truth, predictions), predictions)]
    for baseline in baselines() if with_baselines else ():
        preds = []
        for raw in messages:
            article = orjson.loads(raw)
            preds.append(baseline.label(article["id"], article["body"]))
        results.append(Result(name, baseline.name, score(truth, preds), preds))
    return results


def _fmt(value: float | None) -> str:
    return "  -  " if value is None else f"{value:.3f}"


def print_results(results: Sequence[Result], out: TextIO) -> None:
    out.write(
        f"{'stream':24} {'detector':15} {'n':>4} {'macroF1':>7} {'derivF1':>7} {'F1 orig':>7} {'F1 dup':>7} "
        f"{'F1 rw':>7} {'family':>7} {'HN->copy':>8} {'cand rec':>8} {'cand/art':>8}\n"
    )
    for r in results:
        s = r.scores
        out.write(
            f"{r.stream:24} {r.detector:15} {s.articles:4d} {_fmt(s.macro_f1):>7} {_fmt(s.derived_f1):>7} "
            f"{_fmt(s.f1('original')):>7} {_fmt(s.f1('duplicate')):>7} {_fmt(s.f1('rewrite')):>7} "
            f"{_fmt(s.family_accuracy):>7} {_fmt(s.hard_negative_copy_rate):>8} {_fmt(s.candidate_recall):>8} "
            f"{s.candidates_per_article:8.2f}\n"
        )


def print_confusion(result: Result, out: TextIO) -> None:
    out.write(f"\n{result.stream} / {result.detector}: rows truth, columns predicted\n")
    out.write(" " * 11 + "".join(f"{p:>10}" for p in LABELS) + "\n")
    out.writelines(f"{t:>11}" + "".join(f"{result.scores.confusion[t][p]:10d}" for p in LABELS) + "\n" for t in LABELS)


def run_files(stream_path: str, truth_path: str, out: TextIO) -> list[Result]:
    """``copydesk eval STREAM TRUTH``: one stream file against its truth file."""
    from benchmarks.streams import read_truth

    messages = [line for line in Path(stream_path).read_bytes().splitlines() if line.strip()]
    results = evaluate(Path(stream_path).stem, messages, read_truth(Path(truth_path)), Settings())
    print_results(results, out)
    for r in results:
        print_confusion(r, out)
    return results


def run_shared(
    shared: str, out: TextIO, write_to: str | None = None, table_sizes: Sequence[int] = (), curves: str | None = None,
    *, semantic: bool = False, swap_halves: bool = False,
) -> list[Result] | None:  # fmt: skip
    """``copydesk eval --shared DIR``: build every stream (corpora and written texts) and
    score the held-out halves, each with a decision fitted on the *other* streams' tune
    halves (leave one stream out, ``fit.py``), then with the shipped model, then the
    baselines; with ``curves``, a precision-recall curve per stream to that PNG; with
    ``table_sizes``, the held-out streams on top of tables of those sizes; with ``semantic``,
    the leave-one-out decision with the semantic stage on as well (``copydesk-loso+sem``), and
    what it costs.  With ``swap_halves``, the halves change places (``fit.swapped``): the
    tune halves scored by decisions fitted on the other streams' held-out halves, and only
    those (the shipped model and the baselines are left out: it was fitted on these halves)."""
    from benchmarks.fit import all_streams, collect, fit, swapped

    try:
        streams = all_streams(Path(shared))
    except FileNotFoundError as exc:
        out.write(f"skipped: {exc}\n")
        return None
    if write_to:
        for stream in streams:
            stream.write(Path(write_to))
    if swap_halves:
        streams = swapped(streams)
    pairs = collect(streams)
    held_out = [s for s in streams if s.split in ("heldout", "all")]
    results: list[Result] = []
    costs: list[tuple[str, int, float]] = []  # (stream, articles, seconds) with the semantic stage on
    for stream in held_out:
        name = f"{stream.name}/{'tune' if swap_halves and stream.split == 'heldout' else stream.split}"
        loso = fit(pairs, f"without {stream.name}", leave_out=stream.name)
        messages, truth = stream.messages(), stream.truth
        loso_label = f"{PROJECT}-loso"
        results.extend(
            evaluate(name, messages, truth, Settings(), decision=loso, detector=loso_label, with_baselines=False)
        )
        if semantic:
            started = time.perf_counter()
            results.extend(evaluate(name, messages, truth, Settings(semantic=True), decision=loso,
                                    detector=f"{loso_label}+sem", with_baselines=False))  # fmt: skip
            costs.append((name, len(messages), time.perf_counter() - started))
        if not swap_halves:
            results.extend(evaluate(name, stream.messages(), stream.truth, Settings()))
    print_results(results, out)
    for r in results:
        if r.detector == f"{PROJECT}-loso":
            print_confusion(r, out)
    if costs:
        articles, seconds = sum(n for _, n, _ in costs), sum(s for _, _, s in costs)
        out.write(f"\nwith the semantic stage on: {1000 * seconds / articles:.1f} ms an article, every one embedded\n")
    if curves:
        from benchmarks.curves import draw

        draw([r for r in results if r.detector == f"{PROJECT}-loso"], held_out, Path(curves))
        out.write(f"\nprecision-recall curves: {curves}\n")
    if table_sizes:
        print_scale(Path(shared), [s for s in streams if s.split == "heldout"], table_sizes, out)
    return results


def print_scale(shared: Path, streams: Sequence, table_sizes: Sequence[int], out: TextIO) -> None:
    from benchmarks.scale import at_scale

    out.write(
        f"\n{'table':>8} {'stream':24} {'macroF1':>7} {'derivF1':>7} {'HN->copy':>8} {'cand rec':>8} "
        f"{'cand/art':>8} {'fill art/s':>10}\n"
    )
    for size in table_sizes:
        for r in at_scale(shared, list(streams), size, Settings()):
            s = r.scores
            out.write(
                f"{size:8d} {r.stream:24} {_fmt(s.macro_f1):>7} {_fmt(s.derived_f1):>7} "
                f"{_fmt(s.hard_negative_copy_rate):>8} {_fmt(s.candidate_recall):>8} {s.candidates_per_article:8.2f} "
                f"{size / r.fill_seconds:10.0f}\n"
            )
            out.flush()
