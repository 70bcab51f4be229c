"""The worker's metrics that the agent feeds (the rest are read from the detector at scrape time)."""

from __future__ import annotations

from prometheus_client import generate_latest

from worker.core.detector import Detector
from worker.core.index import RollingIndex
from worker.stream.gaps import GapFiller
from worker.stream.metrics import WorkerMetrics


def test_skipped_and_refetched_offsets_and_processing_times_are_exposed():
    gaps = GapFiller(None)  # type: ignore[arg-type]
    gaps.skipped, gaps.refetched = 3, 2
    metrics = WorkerMetrics(None, Detector(RollingIndex()), "articles.raw", gaps)  # type: ignore[arg-type]
    metrics.observe("label", 0.003)
    text = generate_latest(metrics.registry).decode()
    assert "copydesk_input_offsets_skipped_total 3.0" in text
    assert "copydesk_input_offsets_refetched_total 2.0" in text
    assert 'copydesk_processing_seconds_count{stage="label"} 1.0' in text


def test_texts_seen_lately_are_counted(samples):
    import orjson

    from worker.core.detector import RawMessage

    detector = Detector(RollingIndex())
    first = orjson.loads(samples[0])
    copies = [orjson.dumps({**first, "id": f"copy-{n}"}) for n in range(3)]
    detector.process_batch([RawMessage(m) for m in copies])
    metrics = WorkerMetrics(None, detector, "articles.raw", GapFiller(None))  # type: ignore[arg-type]
    assert "copydesk_texts_repeated_total 2.0" in generate_latest(metrics.registry).decode()
