"""Quality and work per article with a large table already in place.

Fills the rolling table with N filler articles (each 10 random STS-B sentences, excluding
its MSRP-derived part so no filler shares a sentence with the MSRP-based streams), then
runs a held-out stream on top and reports its scores and the candidates verified per
article.  Lookup keys are meant to keep that number flat as the table grows.
"""

from __future__ import annotations

import csv
import random
import time
from dataclasses import dataclass
from pathlib import Path

import orjson

from benchmarks.metrics import Prediction, Scores, score
from benchmarks.run import ProjectDetector
from benchmarks.streams import Stream
from worker.core.index import RollingIndex
from worker.settings import Settings


def sts_sentences(shared: Path) -> list[str]:
    out: list[str] = []
    for name in ("sts-train.csv", "sts-dev.csv", "sts-test.csv"):
        path = shared / "data" / "sts_benchmark" / name
        for row in csv.reader(path.read_text(encoding="utf-8").splitlines(), delimiter="\t", quoting=csv.QUOTE_NONE):
            if len(row) >= 7 and "MSRpar" not in row[1]:
                out.extend(s for s in (row[5], row[6]) if len(s.split()) >= 5)
    return sorted(set(out))


def filler_messages(shared: Path, count: int, seed: int = 11) -> list[bytes]:
    rng = random.Random(seed)
    pool = sts_sentences(shared)
    return [
        orjson.dumps(
            {"id": f"fill-{i}", "body": " ".join(rng.sample(pool, 10)), "published_at": "2026-02-28T00:00:00+00:00"}
        )
        for i in range(count)
    ]


@dataclass
class ScaleResult:
    table_size: int
    stream: str
    scores: Scores
    fill_seconds: float


def at_scale(shared: Path, streams: list[Stream], table_size: int, settings: Settings) -> list[ScaleResult]:
    """Fill a table once, then run each stream on its own table rebuilt from the filled
    store, the path a restarted worker takes (streams of one split share distractor texts,
    so they must not see each other)."""
    ours = ProjectDetector(settings)
    started = time.perf_counter()
    for raw in filler_messages(shared, table_size):
        ours.label_message(raw)
    fill_seconds = time.perf_counter() - started
    filled = ours.detector.index.store
    results = []
    for stream in streams:
        detector = ProjectDetector(settings)
        detector.detector.index = RollingIndex(dict(filled), max_postings=settings.max_postings_per_key)
        detector.detector.index.rebuild()
        predictions: list[Prediction] = [
            p for p in (detector.label_message(m) for m in stream.messages()) if p is not None
        ]
        results.append(
            ScaleResult(table_size, f"{stream.name}/{stream.split}", score(stream.truth, predictions), fill_seconds)
        )
    return results
