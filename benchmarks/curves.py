"""Precision-recall curves of copy detection, one panel per stream, drawn to a PNG.

An article's score is how sure the detector is that it is a copy: 1 for an identical
fingerprint, else the fitted decision's highest probability among its candidates (0 with
none weighed).
Sweeping a cut-off over the scores traces the curve; the dot is where the shipped cut-off
(``COPYDESK_COPY_PROBABILITY``) puts the stream's labels.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from benchmarks.metrics import Prediction, Truth


def precision_recall(truth: Sequence[Truth], predictions: Sequence[Prediction]) -> tuple[np.ndarray, np.ndarray]:
    """Precision and recall of "copy" at every cut-off over the predictions' scores."""
    by_id = {t.article_id: t for t in truth}
    copy = np.array([by_id[p.article_id].label != "original" for p in predictions], dtype=bool)
    scores = np.array([p.score or 0.0 for p in predictions])
    order = np.argsort(-scores, kind="stable")
    hits = np.cumsum(copy[order])
    called = np.arange(1, len(order) + 1)
    total = max(int(copy.sum()), 1)
    return hits / called, hits / total


def operating_point(truth: Sequence[Truth], predictions: Sequence[Prediction]) -> tuple[float, float]:
    by_id = {t.article_id: t for t in truth}
    called = [by_id[p.article_id].label != "original" for p in predictions if p.label != "original"]
    copies = sum(t.label != "original" for t in truth)
    precision = sum(called) / len(called) if called else 1.0
    return precision, (sum(called) / copies if copies else 0.0)


def draw(results: Sequence, streams: Sequence, path: Path) -> None:
    """One panel per result (``run.Result`` with predictions), its stream's truth from
    ``streams`` (matched by ``name/split``)."""
    import matplotlib

    matplotlib.use("Agg")  # files only, no display
    import matplotlib.pyplot as plt

    truth_of = {f"{s.name}/{s.split}": s.truth for s in streams}
    columns = 4
    rows = (len(results) + columns - 1) // columns
    figure, axes = plt.subplots(rows, columns, figsize=(4 * columns, 3.4 * rows), squeeze=False)
    for ax, result in zip(axes.ravel(), results, strict=False):
        truth = truth_of[result.stream]
        has_copies = any(t.label != "original" for t in truth)
        if has_copies:
            precision, recall = precision_recall(truth, result.predictions)
            ax.plot(recall, precision, drawstyle="steps-post")
            p, r = operating_point(truth, result.predictions)
            ax.plot([r], [p], "o", color="C3")
        else:
            called = sum(p.label != "original" for p in result.predictions)
            ax.text(0.5, 0.5, f"no copies in the stream\n{called} of {len(result.predictions)} called copies",
                    ha="center", va="center")  # fmt: skip
        ax.set_title(result.stream, fontsize=10)
        ax.set_xlim(0, 1.02)
        ax.set_ylim(0, 1.02)
        ax.set_xlabel("recall")
        ax.set_ylabel("precision")
        ax.grid(alpha=0.3)
    for ax in axes.ravel()[len(results) :]:
        ax.axis("off")
    figure.suptitle("Copy detection, held-out halves, decision fitted leaving the stream out", fontsize=12)
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=90)
    plt.close(figure)
