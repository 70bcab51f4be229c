"""Prometheus metrics on the worker's web port (``/metrics``).

Counts come from the detector's own statistics at scrape time (one source of truth); the
processing-time histogram is fed by the agent; the input positions behind the lag and the
counts of skipped offsets are the gap filler's (gaps.py).
"""

from __future__ import annotations

from collections.abc import Iterator

import faust
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from worker.core.detector import Detector
from worker.stream.gaps import GapFiller

# Seconds per article through the core: 0.5 ms to 1 s.
_BUCKETS = (0.0005, 0.001, 0.002, 0.004, 0.008, 0.016, 0.032, 0.064, 0.128, 0.256, 0.512, 1.024)


class WorkerMetrics:
    def __init__(self, app: faust.App, detector: Detector, input_topic: str, gaps: GapFiller) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.processing = Histogram(
            "copydesk_processing_seconds",
            "Time per article in each stage: sign (parse to fingerprint), label (lookup to table write), "
            "embed (CPU seconds of the semantic stage's embedding)",
            labelnames=["stage"], buckets=_BUCKETS, registry=self.registry,
        )  # fmt: skip
        self.requested: list[int] | None = None  # meanings asked for (the semantic stage on)
        self.registry.register(_Counts(app, detector, input_topic, gaps, self))

    def observe(self, stage: str, seconds: float, count: int = 1) -> None:
        """``count`` articles of one batch, ``seconds`` each."""
        histogram = self.processing.labels(stage)
        for _ in range(count):
            histogram.observe(seconds)

    def render(self) -> tuple[bytes, str]:
        """The text exposition format; the content type without its charset (aiohttp adds
        none to bytes and refuses one inside content_type; the text is ASCII)."""
        return generate_latest(self.registry), CONTENT_TYPE_LATEST.split(";charset")[0].split("; charset")[0]


class _Counts(Collector):
    def __init__(self, app: faust.App, detector: Detector, topic: str, gaps: GapFiller, owner: WorkerMetrics) -> None:
        self.app, self.detector, self.topic, self.gaps, self.owner = app, detector, topic, gaps, owner

    def collect(self) -> Iterator[Metric]:
        stats, index = self.detector.stats, self.detector.index
        events = CounterMetricFamily("copydesk_events", "Articles labelled, by label", labels=["label"])
        for label, count in stats.labels.items():
            events.add_metric([label], count)
        yield events
        dead = CounterMetricFamily(
            "copydesk_dead_letters", "Messages sent to the dead-letter topic, by reason", labels=["reason"]
        )
        for kind, count in stats.dead_letter_kinds.items():
            dead.add_metric([kind], count)
        yield dead
        yield CounterMetricFamily(
            "copydesk_repeats", "Articles seen again, answered from the table", value=stats.repeated
        )
        yield CounterMetricFamily(
            "copydesk_candidates_verified", "Candidates verified", value=stats.candidates_verified
        )
        yield CounterMetricFamily(
            "copydesk_revisions",
            "Events revised because an earlier-published article arrived later",
            value=stats.revisions,
        )
        yield CounterMetricFamily(
            "copydesk_too_late",
            "Articles later than the allowed lateness: labelled, revising nothing",
            value=stats.too_late,
        )
        yield CounterMetricFamily(
            "copydesk_semantic_matches",
            "Articles the words left original found to be rewrites by meaning (COPYDESK_SEMANTIC=on)",
            value=stats.semantic_matches,
        )
        if self.owner.requested is not None:
            yield CounterMetricFamily(
                "copydesk_meanings_requested",
                "Articles the labeller sent to the semantic stage to be embedded (originals without a meaning)",
                value=self.owner.requested[0],
            )
        yield CounterMetricFamily(
            "copydesk_texts_repeated",
            "Articles whose normalised text was seen lately (signature not recomputed)",
            value=self.detector.recent_texts.hits,
        )
        yield GaugeMetricFamily("copydesk_table_fingerprints", "Fingerprints in the rolling table", value=len(index))
        yield CounterMetricFamily(
            "copydesk_table_evictions", "Fingerprints evicted (retention)", value=index.evicted_total
        )
        lag = GaugeMetricFamily(
            "copydesk_consumer_lag", "Input messages not yet labelled, by partition", labels=["partition"]
        )
        for partition, position in sorted(self.gaps.positions.items()):
            highwater = self._highwater(partition)
            if highwater is not None:
                lag.add_metric([str(partition)], max(0, highwater - position))
        yield lag
        # Offsets passed over: the stream went on past messages the agent never got (gaps.py).
        yield CounterMetricFamily(
            "copydesk_input_offsets_skipped", "Input offsets the agent was not handed", value=self.gaps.skipped
        )
        yield CounterMetricFamily(
            "copydesk_input_offsets_refetched", "Of the skipped offsets, messages read again from the broker and labelled",
            value=self.gaps.refetched,
        )  # fmt: skip

    def _highwater(self, partition: int) -> int | None:
        try:
            return self.app.consumer.highwater(faust.types.TP(self.topic, partition))
        except Exception:  # noqa: BLE001 - not assigned (any more), or no fetch yet
            return None
