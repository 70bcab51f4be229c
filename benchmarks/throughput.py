"""End to end through a real broker: articles per second and publish-to-event latency.

Three workers run the same way, one after the other, against one embedded Tansu broker in
the same run: the ``forward`` reference (the ceiling), the ``naive`` reference
(``Simhash(text)`` + ``SimhashIndex``, see ``reference_workers.py``) and Copydesk itself
(``copydesk run``).  Each gets fresh topics (4 partitions) and a fresh consumer group, is
warmed up with one article, then:

* throughput: N articles of 3-5 KB published as fast as the producer can, timed from the
  first publish to the N-th event on the output topic;
* latency: M articles published at half that worker's throughput, each timed from its
  publish to its event (p50, p99).

All three run with the same settings, producer batching included; figures are for
comparison within the run, not absolutes.

Two streams (``STREAMS``): ``syndicated`` cycles 500 texts, so most articles repeat an
earlier text word for word, as wire copies do (Copydesk then reuses the text's signature,
``worker/core/repeats.py``); ``distinct`` gives every article a text of its own, the case
where nothing is reused.  The references do the same work on both.

Scale-out (``workers-1``, ``-2``, ``-3``: Copydesk with that many workers in one group, none
pinned): besides the rates, the CPU-seconds per article summed over every worker process
during the throughput run (``/proc/<pid>/stat``, so a 2-core machine measures it too), and
the labelling stage's ceiling (``ceiling``).
"""

from __future__ import annotations

import asyncio
import os
import statistics
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

import orjson

from worker.demo.broker import EmbeddedBroker, free_port, fresh_run
from worker.demo.process import WorkerProcess

REPOSITORY = Path(__file__).resolve().parents[1]  # where ``benchmarks`` imports from (not installed)
PARTITIONS = 4
KINDS = {"forward": ("benchmarks.reference_workers", "forward"),
         "naive": ("benchmarks.reference_workers", "naive"),
         "copydesk": ("worker", "run"),
         "semantic": ("worker", "run"),    # Copydesk with COPYDESK_SEMANTIC=on: first events
         "workers-1": ("worker", "run"),   # Copydesk, one worker, unpinned
         "workers-2": ("worker", "run"),   # two workers in one group
         "workers-3": ("worker", "run")}  # three  # fmt: skip
SCALE_OUT = ["workers-1", "workers-2", "workers-3"]


STREAMS = {
    "syndicated": "500 texts in turn: most articles repeat an earlier text word for word",
    "distinct": "a text of its own for every article, none a copy (speed.distinct_articles)",
}


@dataclass
class Throughput:
    kind: str
    per_second: float
    latency_p50_ms: float
    latency_p99_ms: float
    stream: str = "syndicated"
    rounds: tuple[float, ...] = ()  # each round's articles/s, when several (``per_second``: their median)
    cpu_per_article: float = 0.0  # CPU-seconds per article, every worker process summed
    sign_per_article: float = 0.0  # seconds per article in the signing stage (the workers' histograms)
    # The semantic stage (kind ``semantic``): articles sent to it, of all articles, the CPU
    # seconds it spent embedding each, and how long after the last first event it caught up.
    semantic_share: float = 0.0
    embed_per_article: float = 0.0
    caught_up_seconds: float = 0.0


def medians(results: list[Throughput]) -> list[Throughput]:
    """One row per (stream, kind), in first-seen order: the median of its rounds' figures."""
    grouped: dict[tuple[str, str], list[Throughput]] = {}
    for r in results:
        grouped.setdefault((r.stream, r.kind), []).append(r)
    return [
        Throughput(kind, statistics.median(r.per_second for r in rs), statistics.median(r.latency_p50_ms for r in rs),
                   statistics.median(r.latency_p99_ms for r in rs), stream, tuple(r.per_second for r in rs),
                   statistics.median(r.cpu_per_article for r in rs), statistics.median(r.sign_per_article for r in rs),
                   statistics.median(r.semantic_share for r in rs), statistics.median(r.embed_per_article for r in rs),
                   statistics.median(r.caught_up_seconds for r in rs))
        for (stream, kind), rs in grouped.items()
    ]  # fmt: skip


class _Outputs:
    """Collects (article id -> arrival time) from the output topic in the background."""

    def __init__(self, bootstrap: str, topic: str) -> None:
        from aiokafka import AIOKafkaConsumer, TopicPartition

        self.arrived: dict[str, float] = {}  # article id -> first arrival
        self.events = 0  # every event, repeats included
        # A fetch that finds nothing is answered after fetch_max_wait_ms on Tansu (aiokafka's
        # default: 500 ms): the last events of a run of a second or two would be timed up to
        # half a second late, and by chance (the run's figures fell into two groups).
        self._consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False, fetch_max_wait_ms=10)
        self._parts = [TopicPartition(topic, p) for p in range(PARTITIONS)]
        self._task: asyncio.Task | None = None

    async def start(self) -> None:
        await self._consumer.start()
        self._consumer.assign(self._parts)
        await self._consumer.seek_to_beginning(*self._parts)
        self._task = asyncio.create_task(self._run())

    async def _run(self) -> None:
        while True:
            batch = await self._consumer.getmany(timeout_ms=100, max_records=5000)
            now = time.perf_counter()
            for records in batch.values():
                self.events += len(records)
                for record in records:
                    value = orjson.loads(record.value)
                    self.arrived.setdefault(value.get("article_id") or value.get("id"), now)

    async def wait_for(self, ids: list[str], timeout: float, worker: WorkerProcess) -> None:
        deadline = time.monotonic() + timeout
        while not all(i in self.arrived for i in ids):
            if not worker.running:
                raise RuntimeError(f"worker exited:\n{worker.log_tail()}")
            if time.monotonic() > deadline:
                missing = sum(1 for i in ids if i not in self.arrived)
                raise TimeoutError(f"{missing} of {len(ids)} events missing after {timeout} s")
            await asyncio.sleep(0.05)

    async def stop(self) -> None:
        if self._task:
            self._task.cancel()
        await self._consumer.stop()


def _message(article_id: str, body: str) -> bytes:
    return orjson.dumps({"id": article_id, "body": body, "published_at": "2026-03-01T00:00:00+00:00"})


def stream_texts(shared: Path | None, stream: str, count: int, latency_count: int) -> list[str]:
    """The texts the articles of a stream take in turn (the warm-up takes the last)."""
    from benchmarks.speed import articles, distinct_articles

    if stream == "syndicated":
        return articles(shared, 500, seed=5)
    return distinct_articles(shared, count + latency_count + 1)


def repeated(texts: list[str], count: int) -> int:
    """How many of the first ``count`` articles repeat an earlier article's text."""
    return count - len({texts[n % len(texts)] for n in range(count)})


async def _measure(
    kind: str, broker: EmbeddedBroker, texts: list[str], count: int, latency_count: int, workdir: Path,
    cpus: tuple[set[int] | None, set[int] | None],
) -> Throughput:  # fmt: skip
    from aiokafka import AIOKafkaProducer

    name = f"bench-{kind}-{uuid.uuid4().hex[:8]}"
    # Producer batching as on Kafka: no run here recovers a table.
    settings = await fresh_run(broker, name, PARTITIONS, batching=True, data_dir=str(workdir / name),
                               **({"semantic": "on"} if kind == "semantic" else {}))  # fmt: skip
    count_workers = int(kind.rsplit("-", 1)[1]) if kind in SCALE_OUT else 1
    single, every = cpus  # (one worker's CPU, all of them)
    pinned = kind not in SCALE_OUT
    if single is not None and every is not None:  # the broker and this process: off a single worker's CPU
        keep_to(every - single if pinned else every, broker.pid)
    pool = [
        WorkerProcess(dict(settings, web_port=str(free_port()), data_dir=f"{settings['data_dir']}-{n}"),
                      workdir / f"{name}-{n}.log", module=KINDS[kind], cpus=single if pinned else every,
                      pythonpath=REPOSITORY).start()
        for n in range(count_workers)
    ]  # fmt: skip
    worker = pool[0]
    for w in pool[1:]:
        await _wait_ready(w)
    outputs = _Outputs(broker.bootstrap, settings["output_topic"])
    producer = AIOKafkaProducer(bootstrap_servers=broker.bootstrap, linger_ms=5)
    await producer.start()
    await outputs.start()
    topic = settings["input_topic"]
    try:
        await producer.send_and_wait(topic, _message("warm-up", texts[-1]), key=b"warm-up")
        await outputs.wait_for(["warm-up"], 120, worker)

        ids = [f"t-{i}" for i in range(count)]
        cpu_before = sum(cpu_seconds(w.pid) for w in pool)
        started = time.perf_counter()
        sends = [
            await producer.send(topic, _message(i, texts[n % len(texts)]), key=i.encode()) for n, i in enumerate(ids)
        ]
        await asyncio.gather(*sends)
        await outputs.wait_for(ids, 600, worker)
        per_second = count / (max(outputs.arrived[i] for i in ids) - started)
        cpu = (sum(cpu_seconds(w.pid) for w in pool) - cpu_before) / count
        sign = signing_seconds(pool) / (count + 1) if kind in SCALE_OUT else 0.0

        interval = 2.0 / per_second  # half the measured rate
        sent: dict[str, float] = {}
        begin = time.perf_counter()
        for n in range(latency_count):
            article_id = f"l-{n}"
            delay = begin + n * interval - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)  # pacing the load, not synchronising
            sent[article_id] = time.perf_counter()
            await producer.send(topic, _message(article_id, texts[(count + n) % len(texts)]), key=article_id.encode())
        await producer.flush()
        await outputs.wait_for(list(sent), 600, worker)
        latencies = sorted((outputs.arrived[i] - t) * 1000 for i, t in sent.items())
        p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
        semantic = await _semantic_cost(worker, count + latency_count + 1) if kind == "semantic" else {}
        return Throughput(
            kind, per_second, statistics.median(latencies), p99, cpu_per_article=cpu, sign_per_article=sign, **semantic
        )
    finally:
        await outputs.stop()
        await producer.stop()
        for w in pool:
            w.stop()


def cpu_seconds(pid: int | None) -> float:
    """User and system CPU time of a process, all its threads (Linux ``/proc``)."""
    if pid is None:
        return 0.0
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def signing_seconds(pool: list[WorkerProcess]) -> float:
    """Seconds the workers spent in the signing stage so far (their ``/metrics`` histograms)."""
    return sum(metric(w, 'copydesk_processing_seconds_sum{stage="sign"}') for w in pool)


def metric(worker: WorkerProcess, name: str) -> float:
    """One sample of a worker's ``/metrics`` (0 when absent)."""
    import urllib.request

    with urllib.request.urlopen(f"http://127.0.0.1:{worker.settings['web_port']}/metrics", timeout=5) as r:
        for line in r.read().decode().splitlines():
            if line.startswith(name + " "):
                return float(line.rsplit(" ", 1)[1])
    return 0.0


async def _semantic_cost(worker: WorkerProcess, articles: int, timeout: float = 900.0) -> dict[str, float]:
    """Waits until the semantic stage has embedded every article sent to it: the share of
    articles sent, the CPU seconds an article's embedding took, and the seconds waited."""
    started = time.monotonic()
    while True:
        requested = metric(worker, "copydesk_meanings_requested_total")
        embedded = metric(worker, 'copydesk_processing_seconds_count{stage="embed"}')
        if requested and embedded >= requested:
            break
        if time.monotonic() - started > timeout:
            raise TimeoutError(f"{embedded:.0f} of {requested:.0f} meanings after {timeout} s")
        await asyncio.sleep(0.5)
    cpu = metric(worker, 'copydesk_processing_seconds_sum{stage="embed"}')
    return {"semantic_share": requested / articles, "embed_per_article": cpu / embedded,
            "caught_up_seconds": time.monotonic() - started}  # fmt: skip


def cpu_layout(pin: bool) -> tuple[set[int] | None, set[int] | None]:
    """(the CPU a single worker runs on, the CPUs left to the broker and the load generator);
    (None, None) when not pinning (asked not to, or a single CPU).

    "One worker must keep up on one core": pinned, a worker gets exactly one, and the broker
    and this process never run on it.  Unpinned, its threads (Faust's consumer thread beside
    the event loop) also use the others, so a run measures more than one core.  Several
    workers (``SCALE_OUT``) are not pinned, and then nothing is: on a small machine there is
    no core each to give them.
    """
    if not pin or not hasattr(os, "sched_setaffinity"):  # (Linux only)
        return None, None
    cpus = sorted(os.sched_getaffinity(0))
    if len(cpus) < 2:
        return None, None
    return {cpus[-1]}, set(cpus[:-1])


def keep_to(cpus: set[int], *pids: int | None) -> None:
    """Run this process's thread and every thread of ``pids`` on ``cpus`` only (Linux)."""
    os.sched_setaffinity(0, cpus)
    for pid in pids:
        if pid is None:
            continue
        for task in Path(f"/proc/{pid}/task").iterdir():
            try:
                os.sched_setaffinity(int(task.name), cpus)
            except OSError:  # a thread that has just ended
                pass


async def _run(runs: list[tuple[str, list[str], str]], count: int, latency_count: int, pin: bool) -> list[Throughput]:
    """``runs``: (stream, its texts, worker kind), measured in turn against one broker."""
    worker_cpus, rest = cpu_layout(pin)
    before = os.sched_getaffinity(0) if rest is not None else None
    try:
        with tempfile.TemporaryDirectory(prefix="copydesk-bench-") as tmp:
            workdir = Path(tmp)
            with EmbeddedBroker(log_path=workdir / "broker.log") as broker:
                results = []
                for stream, texts, kind in runs:
                    result = await _measure(kind, broker, texts, count, latency_count, workdir, (worker_cpus, before))
                    result.stream = stream
                    results.append(result)
                return results
    finally:
        if before is not None:
            keep_to(before)


async def _wait_ready(worker: WorkerProcess, timeout: float = 120.0) -> None:
    import urllib.error
    import urllib.request

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not worker.running:
            raise RuntimeError(f"worker exited:\n{worker.log_tail()}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{worker.settings['web_port']}/ready", timeout=2):
                return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            await asyncio.sleep(0.2)
    raise TimeoutError(f"worker not ready after {timeout} s")


def run(
    shared: Path | None,
    out: TextIO,
    count: int = 3000,
    latency_count: int = 1500,
    kinds: list[str] | None = None,
    streams: tuple[str, ...] = tuple(STREAMS),
    pin: bool = True,
    rounds: int = 1,
) -> list[Throughput]:
    """Every kind on the first stream; the three references-and-Copydesk kinds on the others
    (scale-out runs on the first only).  ``pin``: see ``cpu_layout``.  ``rounds``: every run
    that many times, taking turns, and the median reported: on a shared machine one run of
    the forwarding agent read about 5,000 articles/s where most read about 3,600."""
    kinds = kinds or ["forward", "naive", "copydesk"]
    texts = {stream: stream_texts(shared, stream, count, latency_count) for stream in streams}
    runs = [
        (stream, texts[stream], kind)
        for i, stream in enumerate(streams)
        for kind in kinds
        if i == 0 or kind not in SCALE_OUT
    ]
    results = medians(asyncio.run(_run(runs * rounds, count, latency_count, pin)))
    worker_cpus, rest = cpu_layout(pin)
    where = (
        f"one worker pinned to CPU {min(worker_cpus)}, broker and load on {sorted(rest)}; several workers: nothing pinned"
        if worker_cpus and rest else "nothing pinned"
    )  # fmt: skip
    out.write(f"end to end through Tansu, {count} articles of 3-5 KB, 4 partitions, one worker ({where})\n")
    if rounds > 1:
        out.write(f"  every run {rounds} times, taking turns: medians, and each round's articles/s\n")
    out.writelines(f"  {s}: {STREAMS[s]} ({repeated(texts[s], count)} of {count} repeat one)\n" for s in streams)
    out.write(
        f"{'stream':11} {'worker':10} {'articles/s':>10} {'p50 ms':>8} {'p99 ms':>8} {'CPU ms/art':>10}"
        "   (latency at half the worker's rate)\n"
    )
    out.writelines(
        f"{r.stream:11} {r.kind:10} {r.per_second:10.0f} {r.latency_p50_ms:8.1f} {r.latency_p99_ms:8.1f}"
        f" {1000 * r.cpu_per_article:10.2f}"
        + (f"   ({', '.join(f'{x:.0f}' for x in r.rounds)})" if len(r.rounds) > 1 else "")
        + "\n"
        for r in results
    )
    for stream in streams:
        by = {r.kind: r for r in results if r.stream == stream}
        one = by.get("workers-1")
        for kind in SCALE_OUT[1:]:
            if one is not None and kind in by:
                r = by[kind]
                out.write(
                    f"{stream}: {kind} vs workers-1: CPU-seconds per article {r.cpu_per_article / one.cpu_per_article:.2f}x, "
                    f"articles/s {r.per_second / one.per_second:.2f}x\n"
                )
        if one is not None and one.sign_per_article:
            labelling = one.cpu_per_article - one.sign_per_article  # all but the signing stage: an upper bound
            out.write(
                f"{stream}: ceiling: the one labelling worker spends at most {1000 * labelling:.2f} ms of CPU per article "
                f"(the signing stage {1000 * one.sign_per_article:.2f} ms of {1000 * one.cpu_per_article:.2f}): "
                f"at least {1 / labelling:.0f} articles/s, {one.cpu_per_article / labelling:.2f}x one worker's CPU\n"
            )
        if {"copydesk", "semantic"} <= set(by):
            on = by["semantic"]
            out.write(
                f"{stream}: the semantic stage on: first events {on.per_second / by['copydesk'].per_second:.2f}x "
                f"the rate with it off; {on.semantic_share:.0%} of the articles embedded, "
                f"{1000 * on.embed_per_article:.1f} ms of CPU each (niced, COPYDESK_EMBED_NICE); "
                f"every meaning in {on.caught_up_seconds:.0f} s after the latency run\n"
            )
        if {"copydesk", "naive", "forward"} <= set(by):
            ours = by["copydesk"].per_second
            out.write(
                f"{stream}: copydesk vs naive: {ours / by['naive'].per_second:.1f}x; "
                f"vs forwarding ceiling: {ours / by['forward'].per_second:.1%}\n"
            )
    return results


def main(argv: list[str] | None = None) -> int:
    """``make bench-scale-out``: Copydesk alone with 1, 2 and 3 workers on distinct articles;
    ``make bench-semantic``: one pinned worker with the semantic stage off and on."""
    import argparse
    import sys

    parser = argparse.ArgumentParser(prog="python -m benchmarks.throughput", description=main.__doc__)
    parser.add_argument("--shared", default="../shared", help="the shared folder (the articles come from its corpora)")
    parser.add_argument("--count", type=int, default=3000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--semantic", action="store_true",
        help="instead: one pinned worker with the semantic stage off and on (make bench-semantic)",
    )  # fmt: skip
    args = parser.parse_args(argv)
    if args.semantic:
        run(Path(args.shared), sys.stdout, count=args.count, latency_count=300, kinds=["copydesk", "semantic"],
            rounds=args.rounds)  # fmt: skip
    else:
        run(Path(args.shared), sys.stdout, count=args.count, latency_count=300, kinds=SCALE_OUT, streams=("distinct",),
            rounds=args.rounds)  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
