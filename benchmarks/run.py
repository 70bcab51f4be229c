"""Run the project's detector and the baselines over labelled streams and print the scores."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

import orjson

from worker.core.detector import Detector
from worker.core.events import DeadLetter
from worker.core.index import RollingIndex
from benchmarks.baselines import baselines
from benchmarks.metrics import LABELS, Prediction, Scores, Truth, score
from worker.settings import Settings

PROJECT = "copydesk"


class ProjectDetector:
    """The worker's own core, exactly as the agent runs it."""

    name = PROJECT

    def __init__(self, settings: Settings) -> None:
        self.detector = Detector(RollingIndex(max_postings=settings.max_postings_per_key), settings.detector_config())

    def label_message(self, raw: bytes) -> Prediction | None:
        before = self.detector.stats.candidates_verified
        outcome = self.detector.process_message(raw)
        if isinstance(outcome, DeadLetter):
            return None
        return Prediction(outcome.article_id, outcome.label, outcome.matched_id, self.detector.stats.candidates_verified - before)


@dataclass
class Result:
    stream: str
    detector: str
    scores: Scores


def evaluate(name: str, messages: Sequence[bytes], truth: Sequence[Truth], settings: Settings) -> list[Result]:
    results = []
    ours = ProjectDetector(settings)
    predictions = [p for p in (ours.label_message(m) for m in messages) if p is not None]
    results.append(Result(name, PROJECT, score(truth, predictions)))
    for baseline in baselines():
        preds = []
        for raw in messages:
            article = orjson.loads(raw)
            preds.append(baseline.label(article["id"], article["body"]))
        results.append(Result(name, baseline.name, score(truth, preds)))
    return results


def _fmt(value: float | None) -> str:
    return "  -  " if value is None else f"{value:.3f}"


def print_results(results: Sequence[Result], out: TextIO) -> None:
    out.write(
        f"{'stream':28} {'detector':14} {'n':>5} {'macroF1':>7} {'derivF1':>7} "
        f"{'F1 orig':>7} {'F1 dup':>7} {'F1 rw':>7} {'family':>7} {'HN->rw':>7} {'cand/art':>8}\n"
    )
    for r in results:
        s = r.scores
        out.write(
            f"{r.stream:28} {r.detector:14} {s.articles:5d} {_fmt(s.macro_f1):>7} {_fmt(s.derived_f1):>7} "
            f"{_fmt(s.f1('original')):>7} {_fmt(s.f1('duplicate')):>7} {_fmt(s.f1('rewrite')):>7} "
            f"{_fmt(s.family_accuracy):>7} {_fmt(s.hard_negative_rewrite_rate):>7} {s.candidates_per_article:8.2f}\n"
        )


def print_confusion(result: Result, out: TextIO) -> None:
    out.write(f"\n{result.stream} / {result.detector}: rows truth, columns predicted\n")
    out.write(" " * 11 + "".join(f"{p:>10}" for p in LABELS) + "\n")
    for t in LABELS:
        out.write(f"{t:>11}" + "".join(f"{result.scores.confusion[t][p]:10d}" for p in LABELS) + "\n")


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
    shared: str, out: TextIO, write_to: str | None = None, table_sizes: Sequence[int] = ()
) -> list[Result] | None:
    """``copydesk eval --shared DIR``: build every stream from the corpora and score all;
    with ``table_sizes``, also the held-out streams on top of tables of those sizes."""
    from benchmarks.streams import build_streams

    try:
        streams = build_streams(Path(shared))
    except FileNotFoundError as exc:
        out.write(f"skipped: {exc}\n")
        return None
    results: list[Result] = []
    for stream in streams:
        if write_to:
            stream.write(Path(write_to))
        results.extend(evaluate(f"{stream.name}/{stream.split}", stream.messages(), stream.truth, Settings()))
    print_results(results, out)
    for r in results:
        if r.detector == PROJECT:
            print_confusion(r, out)
    if table_sizes:
        print_scale(Path(shared), [s for s in streams if s.split == "heldout"], table_sizes, out)
    return results


def print_scale(shared: Path, streams: Sequence, table_sizes: Sequence[int], out: TextIO) -> None:
    from benchmarks.scale import at_scale

    out.write(f"\n{'table':>8} {'stream':28} {'macroF1':>7} {'derivF1':>7} {'HN->rw':>7} {'cand/art':>8} {'fill art/s':>10}\n")
    for size in table_sizes:
        for r in at_scale(shared, list(streams), size, Settings()):
            s = r.scores
            out.write(
                f"{size:8d} {r.stream:28} {_fmt(s.macro_f1):>7} {_fmt(s.derived_f1):>7} "
                f"{_fmt(s.hard_negative_rewrite_rate):>7} {s.candidates_per_article:8.2f} {size / r.fill_seconds:10.0f}\n"
            )
            out.flush()
