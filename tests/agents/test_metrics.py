"""The worker's metrics that the agent feeds (the rest are read from the detector at scrape time)."""

from __future__ import annotations

import logging

from prometheus_client import generate_latest

from worker.core.detector import Detector
from worker.core.index import RollingIndex
from worker.stream.metrics import WorkerMetrics


def test_input_offsets_the_agent_never_received_are_counted_and_logged(caplog):
    metrics = WorkerMetrics(None, Detector(RollingIndex()), "articles.raw")  # type: ignore[arg-type]
    with caplog.at_level(logging.WARNING, logger="copydesk"):
        for offset in (0, 1, 2, 5, 6, 3, 4):  # 3-4 never came before 5; then a redelivery from 3
            metrics.observe(0, offset, 0.001)
        metrics.observe(1, 7, 0.001)  # a partition's first message is no hole
    assert "copydesk_input_offsets_skipped_total 2.0" in generate_latest(metrics.registry).decode()
    assert [r.getMessage() for r in caplog.records] == ["copydesk: input offsets 3-4 of partition 0 never reached the agent"]
    assert metrics.positions == {0: 5, 1: 8}
