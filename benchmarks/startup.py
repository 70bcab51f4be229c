"""A week of news in the table: how long a worker takes from start to ``/ready``, and its
resident memory then, with 1M entries in the table's changelog.

    make bench-startup    # = python -m benchmarks.startup --shared ../shared  (about 20 min, ~8 GB)

The changelog is written straight to an embedded Tansu broker (the last record in a batch of
its own, for Tansu's ListOffsets answer: ``worker/demo/broker.tansu_settings``): 1M table
records as the worker writes them, spread over six days of event time. Their signatures are
those of ``SIGNATURES`` real articles (fingerprinted by the core), each record's MinHash
minima, SimHash and sentence outline scrambled apart, so every record has lookup keys of its
own, as distinct articles do. Then one worker is started three times against it:

* ``memory://``: Faust replays the changelog into memory, the index is built from it;
* ``rocksdb://``, data directory lost (a new machine): the replay writes RocksDB as well;
* ``rocksdb://``, data directory kept (a restart in place): Faust reads only the changelog's
  tail past what RocksDB holds, and the index is built from the records on disk.

Times are wall-clock seconds from the process start to ``/ready`` answering 200, which comes
once the table is recovered and the index rebuilt; memory is the process's VmRSS then. The
figures are this machine's (2 cores, with the broker on them).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import orjson

from worker.core.detector import Detector, Fingerprinted, RawMessage
from worker.core.events import rfc3339
from worker.core.fingerprint import CONTENT_PERMS, NAME_PERMS, Signature
from worker.core.index import Entry, RollingIndex, to_json
from worker.demo.broker import EmbeddedBroker, create_topics, free_port, fresh_run
from worker.demo.process import WorkerProcess
from worker.stream.tables import TABLE_NAME

SIGNATURES = 2000
WEEK = 6 * 86400.0  # event times spread over six days: none expires during the run


def base_signatures(shared: Path | None, count: int) -> list[Signature]:
    from benchmarks.speed import distinct_articles

    texts = distinct_articles(shared, count)
    detector = Detector(RollingIndex())
    messages = [RawMessage(orjson.dumps({"id": f"s{i}", "body": t})) for i, t in enumerate(texts)]
    prepared = detector.prepare_batch(messages)
    return [f.signature.compact() for f in prepared if isinstance(f, Fingerprinted)]


def scrambled(sig: Signature, rng: np.random.Generator) -> Signature:
    """``sig`` with its minima, SimHash and outline hashes scrambled: keys of its own."""
    packed = bytearray(sig.to_bytes())
    n_shingles, n_content, n_facts = (int(x) for x in np.frombuffer(packed, dtype="<u4", count=3))
    minima = np.frombuffer(packed, dtype="<u4", count=CONTENT_PERMS + NAME_PERMS, offset=12)
    minima ^= rng.integers(0, 2**32, size=minima.size, dtype=np.uint32)
    outline_at = 4 * (3 + CONTENT_PERMS + NAME_PERMS + n_shingles + n_content + n_facts)
    sentences = packed[outline_at] if outline_at < len(packed) else 0
    hashes_at = outline_at + 1 + sentences
    if hashes_at < len(packed):
        hashes = np.frombuffer(packed, dtype="<u2", offset=hashes_at)
        hashes ^= rng.integers(0, 2**16, size=hashes.size, dtype=np.uint16) & np.uint16(0xFFFC)  # kinds kept
    simhash = int(rng.integers(0, 2**63, dtype=np.int64)) << 1 | int(rng.integers(0, 2))
    return Signature.from_bytes(simhash, bytes(packed), sig.counts)


def records(count: int, bases: Sequence[Signature], now: float) -> Iterator[tuple[bytes, bytes]]:
    rng = np.random.default_rng(7)
    at = rfc3339(datetime.fromtimestamp(now, UTC))
    for i in range(count):
        article_id = f"wk-{i:07d}"
        entry = Entry(
            article_id, article_id, now - WEEK + i * (WEEK / count), scrambled(bases[i % len(bases)], rng),
            "original", None, None, None, at, source="bench", url=None, title=None,
        )  # fmt: skip
        yield orjson.dumps(article_id), to_json(entry.to_record())


async def fill(bootstrap: str, topic: str, items: Iterator[tuple[bytes, bytes]], out) -> int:  # type: ignore[no-untyped-def]
    """Write ``items`` in record batches, the last record in a batch of its own: Tansu answers
    ListOffsets with the last batch's base offset + 1, which is then the log's true end."""
    from aiokafka import AIOKafkaProducer

    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, max_batch_size=1 << 20, linger_ms=20)
    await producer.start()
    written = 0
    try:
        pending = []
        last = None
        for item in items:
            if last is not None:
                pending.append(await producer.send(topic, last[1], key=last[0], partition=0))
                written += 1
            last = item
            if len(pending) >= 20_000:
                await asyncio.gather(*pending)
                pending = []
                if written % 200_000 == 0:
                    out.write(f"  {written:,} records written\n")
                    out.flush()
        await asyncio.gather(*pending)
        if last is not None:
            await producer.send_and_wait(topic, last[1], key=last[0], partition=0)
            written += 1
    finally:
        await producer.stop()
    return written


def resident_mb(pid: int | None) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def time_to_ready(worker: WorkerProcess, timeout: float) -> tuple[float, int]:
    started = time.monotonic()
    url = f"http://127.0.0.1:{worker.settings['web_port']}/ready"
    while True:
        if not worker.running:
            raise RuntimeError(f"worker exited:\n{worker.log_tail()}")
        try:
            with urllib.request.urlopen(url, timeout=5) as r:
                return time.monotonic() - started, int(orjson.loads(r.read())["fingerprints"])
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        if time.monotonic() - started > timeout:
            raise TimeoutError(f"not ready after {timeout} s:\n{worker.log_tail()}")
        time.sleep(0.5)


async def run(shared: Path | None, count: int, out) -> None:  # type: ignore[no-untyped-def]
    bases = base_signatures(shared, SIGNATURES)
    with (
        tempfile.TemporaryDirectory(prefix="copydesk-startup-") as tmp,
        EmbeddedBroker(log_path=Path(tmp) / "broker.log") as broker,
    ):
        name = f"startup-{uuid.uuid4().hex[:8]}"
        settings = await fresh_run(broker, name, 4, stall_timeout="0")
        changelog = f"{name}-{TABLE_NAME}-changelog"
        await create_topics(broker.bootstrap, [changelog], 1)
        started = time.monotonic()
        written = await fill(broker.bootstrap, changelog, records(count, bases, time.time()), out)
        out.write(f"{written:,} table records in {changelog} ({time.monotonic() - started:.0f} s to write)\n")
        out.write(f"{'store':10} {'data directory':15} {'to /ready s':>11} {'RSS MB':>8} {'fingerprints':>12}\n")
        runs = [("memory://", "a", "-"), ("rocksdb://", "b", "lost (new)"), ("rocksdb://", "b", "kept")]
        for store, folder, state in runs:
            worker = WorkerProcess(
                dict(settings, store=store, data_dir=str(Path(tmp) / folder), web_port=str(free_port())),
                Path(tmp) / f"worker-{folder}.log",
            ).start()
            try:
                seconds, held = time_to_ready(worker, timeout=3600)
                out.write(f"{store:10} {state:15} {seconds:11.1f} {resident_mb(worker.pid):8.0f} {held:12,}\n")
                out.flush()
            finally:
                worker.stop(timeout=120)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.startup", description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", default="../shared", help="the shared folder (the articles come from its corpora)")
    parser.add_argument("--count", type=int, default=1_000_000, help="table records in the changelog")
    args = parser.parse_args(argv)
    asyncio.run(run(Path(args.shared), args.count, sys.stdout))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
