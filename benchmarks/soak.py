"""Soak: steady load for minutes with a retention window shorter than the run.

Not in CI (``make soak``, 10 minutes by default).  One ``copydesk run`` worker against an
embedded Tansu broker; articles are published at a steady rate with their publication time
set to now, a quarter of them republications of an article sent in the last minute, so the
table fills, then evicts as fast as it grows.  Every ``sample`` seconds it records the
worker's resident memory (/proc), the table size and evictions (its /metrics), and what was
sent and labelled.  At the end: articles lost (sent, never labelled), events repeated, and
whether memory stayed flat once the window was full.
"""

from __future__ import annotations

import asyncio
import random
import re
import tempfile
import time
import urllib.request
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

import orjson

from benchmarks.throughput import PARTITIONS, _Outputs
from worker.demo.broker import EmbeddedBroker, fresh_run
from worker.demo.process import WorkerProcess


@dataclass
class Sample:
    elapsed: float
    sent: int
    labelled: int
    table: int
    evicted: int
    rss_mb: float


def _rss_mb(pid: int | None) -> float:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except (OSError, TypeError):
        return float("nan")
    match = re.search(r"VmRSS:\s+(\d+) kB", status)
    return int(match.group(1)) / 1024 if match else float("nan")


def _metric(text: str, name: str) -> int:
    match = re.search(rf"^{name}(?:_total)?(?:\{{[^}}]*\}})? ([0-9.e+]+)$", text, re.MULTILINE)
    return int(float(match.group(1))) if match else -1


def _scrape(port: str) -> str:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as response:
            return response.read().decode()
    except OSError:
        return ""


async def _soak(texts: list[str], minutes: float, rate: float, retention: int, sample: float, out: TextIO) -> dict:
    from aiokafka import AIOKafkaProducer

    with (
        tempfile.TemporaryDirectory(prefix="copydesk-soak-") as tmp,
        EmbeddedBroker(log_path=Path(tmp) / "broker.log") as broker,
    ):
        name = f"soak-{uuid.uuid4().hex[:8]}"
        settings = await fresh_run(
            broker, name, PARTITIONS, data_dir=f"{tmp}/data", retention=f"{retention}s", prune_interval="10s"
        )
        worker = WorkerProcess(settings, Path(tmp) / "worker.log").start()
        outputs = _Outputs(broker.bootstrap, settings["output_topic"])
        producer = AIOKafkaProducer(bootstrap_servers=broker.bootstrap, linger_ms=5)
        await producer.start()
        await outputs.start()
        rng = random.Random(11)
        recent: list[tuple[float, str]] = []  # (sent at, text) of the last minute
        sent: list[str] = []
        samples: list[Sample] = []
        out.write(f"soak: {minutes:g} min at {rate:g} articles/s, retention {retention} s\n")
        out.write(f"{'min':>5} {'sent':>7} {'labelled':>8} {'table':>6} {'evicted':>7} {'RSS MB':>7}\n")
        try:
            start = time.monotonic()
            next_sample = start + sample
            while (now := time.monotonic()) - start < minutes * 60:
                if not worker.running:
                    raise RuntimeError(f"worker exited:\n{worker.log_tail()}")
                due = int((now - start) * rate) - len(sent)
                for _ in range(max(0, due)):
                    recent = [(t, x) for t, x in recent if now - t < 60]
                    text = rng.choice(recent)[1] if recent and rng.random() < 0.25 else rng.choice(texts)
                    recent.append((now, text))
                    article_id = f"s-{len(sent)}"
                    body = {"id": article_id, "body": text, "published_at": datetime.now(UTC).isoformat()}
                    await producer.send(settings["input_topic"], orjson.dumps(body), key=article_id.encode())
                    sent.append(article_id)
                if now >= next_sample:
                    metrics = _scrape(settings["web_port"])
                    s = Sample(now - start, len(sent), len(outputs.arrived), _metric(metrics, "copydesk_table_fingerprints"),
                               _metric(metrics, "copydesk_table_evictions"), _rss_mb(worker.pid))  # fmt: skip
                    samples.append(s)
                    out.write(
                        f"{s.elapsed / 60:5.1f} {s.sent:7d} {s.labelled:8d} {s.table:6d} {s.evicted:7d} {s.rss_mb:7.1f}\n"
                    )
                    out.flush()
                    next_sample += sample
                await asyncio.sleep(0.01)  # pacing the load, not synchronising
            await producer.flush()
            deadline = time.monotonic() + 180
            while time.monotonic() < deadline and not all(i in outputs.arrived for i in sent):
                await asyncio.sleep(0.2)
        finally:
            await outputs.stop()
            await producer.stop()
            worker.stop()
    lost = sum(1 for i in sent if i not in outputs.arrived)
    full = [s for s in samples if s.elapsed >= retention + 60]  # the window is full and pruned
    half = len(full) // 2
    early, late = full[:half], full[half:]
    mean = lambda xs: sum(xs) / len(xs) if xs else float("nan")
    summary = {
        "minutes": minutes, "rate": rate, "retention_s": retention, "sent": len(sent), "labelled": len(outputs.arrived),
        "lost": lost, "events": outputs.events, "repeated": outputs.events - len(outputs.arrived),
        "rss_mb_first_half": round(mean([s.rss_mb for s in early]), 1),
        "rss_mb_second_half": round(mean([s.rss_mb for s in late]), 1),
        "rss_mb_max": round(max((s.rss_mb for s in samples), default=float("nan")), 1),
        "table_first_half": round(mean([s.table for s in early])), "table_second_half": round(mean([s.table for s in late])),
        "evicted": samples[-1].evicted if samples else 0,
    }  # fmt: skip
    out.write(orjson.dumps(summary, option=orjson.OPT_INDENT_2).decode() + "\n")
    return summary


def run(
    shared: Path | None, out: TextIO, minutes: float = 10, rate: float = 40, retention: int = 120, sample: float = 15
) -> dict:
    from benchmarks.speed import articles

    return asyncio.run(_soak(articles(shared, 1000, seed=9), minutes, rate, retention, sample, out))
