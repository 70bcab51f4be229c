"""The rolling table at 10k, 100k and 1M fingerprints, against ``simhash.SimhashIndex``.

Both tables hold the same filler articles (``scale.filler_messages``: 10 random STS-B
sentences each, so this benchmark needs ``../shared``) and answer the same queries (the
held-out benchmark articles).  Reported per size: lookup time per article (median and p99;
ours is what a detector asks of the table, ``_look_up``: the identity key's holders, then
the chosen candidates' signatures read back from the store; SimhashIndex's is
``get_near_dups``), candidates per lookup, and memory per stored fingerprint (ours: the
index's arrays, postings and packed ids, the store being the Faust table's RocksDB in
production; SimhashIndex: everything it allocates, measured with tracemalloc).
"""

from __future__ import annotations

import gc
import multiprocessing
import statistics
import time
import tracemalloc
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

import orjson
from simhash import Simhash, SimhashIndex

from benchmarks.scale import filler_messages
from worker.core.fingerprint import indexed_keys, lookup_keys, query_keys, signature
from worker.core.index import Entry, Identical, RollingIndex, choose, to_json
from worker.core.normalise import normalise
from worker.settings import Settings


@dataclass
class TableResult:
    size: int
    keys_per_article: float
    ours_median_us: float
    ours_p99_us: float
    ours_bytes: float
    candidates: float
    simhash_median_us: float
    simhash_p99_us: float
    simhash_bytes: float
    longest_add_ms: float  # the slowest insert while filling (large merges run in a thread)
    expire_ms: float  # dropping the oldest 26% at once: the eviction call (its compaction runs beside)
    compaction_ms: float  # from the eviction until the compaction is swapped in, lookups going on
    slowest_meanwhile_ms: float  # the slowest of those lookups (one of them swaps the result in)


def _entry(raw: bytes) -> tuple[dict, tuple[int, ...], int]:
    article = orjson.loads(raw)
    sig = signature(normalise(article["body"]))
    entry = Entry(article["id"], article["id"], 0.0, sig, "original", None, None, None, "")
    # The record as a store on disk gives it back (JSON: its signature decoded at each read).
    keys = lookup_keys(sig)  # the index adds its figure keys: ``filed`` counts them too
    return orjson.loads(to_json(entry.to_record())), keys, len(indexed_keys(sig, keys))


def _entries(messages: list[bytes]) -> list[tuple[dict, tuple[int, ...], int]]:
    """Signatures of the fillers, on every core (the slow part of filling 1M)."""
    with multiprocessing.get_context("fork").Pool() as pool:
        return pool.map(_entry, messages, chunksize=500)


def _percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered) * 1e6, ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1e6


def _look_up(index: RollingIndex, simhash: int, keys: tuple[int, ...], *, not_before: float, limit: int) -> list[Entry]:
    """What ``Detector.match`` asks of the table before verifying: the identity key's
    holders, then the chosen candidates, their records read and decoded (none for queries
    with an identical entry; the held-out queries have none)."""
    found = index.lookup(keys, simhash, not_before=not_before, limit=limit)
    if isinstance(found, Identical):
        return []
    return [Entry.from_record(r) for r in (s.record() for s in choose(found, limit=limit)) if r is not None]


def measure(shared: Path, size: int, queries: list[str], settings: Settings) -> TableResult:
    filled = _entries(filler_messages(shared, size))
    keys_per_article = sum(filed for _, _, filed in filled) / size

    index = RollingIndex(max_postings=settings.max_postings_per_key)
    longest_add = 0.0
    # The store here is a dict of a million Python records (RocksDB in production): the
    # collector's full passes over them (0.2-2 s) would hide what inserting costs the index.
    gc.disable()
    for i, (record, keys, _) in enumerate(filled):
        record["t"] = float(i)
        entry = Entry.from_record(record)
        start = time.perf_counter()
        index.add(entry, keys)
        longest_add = max(longest_add, time.perf_counter() - start)
    gc.enable()
    index.finish_merges()  # lookups are measured on the settled table (BENCHMARKS.md: during a merge)
    ours_bytes = index.nbytes / size  # its arrays, postings and packed ids

    query_sigs = [signature(normalise(q)) for q in queries]
    asked = [query_keys(s, lookup_keys(s)) for s in query_sigs]
    found, ours = 0, []
    for sig, keys in zip(query_sigs, asked, strict=True):
        start = time.perf_counter()
        found += len(_look_up(index, sig.simhash, keys, not_before=0.0, limit=settings.max_candidates))
        ours.append(time.perf_counter() - start)
    gc.disable()
    start = time.perf_counter()
    index.evict(0.26 * size)  # event times are 0..size-1: more than a quarter expires, so it compacts
    expire = time.perf_counter() - start
    meanwhile = [0.0]
    while index.compacting:  # the stream goes on: lookups, the first after it is done swaps it in
        for sig, keys in zip(query_sigs, asked, strict=True):
            began = time.perf_counter()
            _look_up(index, sig.simhash, keys, not_before=0.26 * size, limit=settings.max_candidates)
            meanwhile.append(time.perf_counter() - began)
            if not index.compacting:
                break
    compaction = time.perf_counter() - start
    gc.enable()
    del index
    gc.collect()

    fingerprints = [(record["id"], Simhash(int(record["fp"], 16))) for record, _, _ in filled]
    del filled
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    baseline = SimhashIndex(fingerprints, k=3)
    simhash_bytes = (tracemalloc.get_traced_memory()[0] - before) / size
    tracemalloc.stop()
    theirs = []
    for sig in query_sigs:
        value = Simhash(sig.simhash)
        start = time.perf_counter()
        baseline.get_near_dups(value)
        theirs.append(time.perf_counter() - start)
    ours_median, ours_p99 = _percentiles(ours)
    theirs_median, theirs_p99 = _percentiles(theirs)
    return TableResult(
        size, keys_per_article, ours_median, ours_p99, ours_bytes, found / len(queries),
        theirs_median, theirs_p99, simhash_bytes, longest_add * 1e3, expire * 1e3, compaction * 1e3, max(meanwhile) * 1e3,
    )  # fmt: skip


def run(shared: Path, out: TextIO, sizes: list[int], settings: Settings | None = None) -> list[TableResult]:
    from benchmarks.streams import build_streams

    settings = settings or Settings()
    queries = [a["body"] for s in build_streams(shared) if s.split == "heldout" for a in s.articles][:500]
    out.write(
        f"{'table':>9} {'keys/art':>8} {'lookup p50 us':>13} {'p99 us':>8} {'cand':>5} {'bytes/fp':>8}"
        f" | {'SimhashIndex p50':>16} {'p99':>8} {'bytes/fp':>8} | {'memory vs SimhashIndex':>22}"
        f" | {'longest add ms':>14} | {'expire 26% ms':>13} {'compaction beside ms':>20} {'slowest lookup meanwhile ms':>27}\n"
    )
    results = []
    for size in sizes:
        r = measure(shared, size, queries, settings)
        results.append(r)
        out.write(
            f"{r.size:9d} {r.keys_per_article:8.1f} {r.ours_median_us:13.0f} {r.ours_p99_us:8.0f} {r.candidates:5.1f}"
            f" {r.ours_bytes:8.0f} | {r.simhash_median_us:16.0f} {r.simhash_p99_us:8.0f} {r.simhash_bytes:8.0f}"
            f" | {r.ours_bytes / r.simhash_bytes:21.2f}x | {r.longest_add_ms:14.0f} | {r.expire_ms:13.0f}"
            f" {r.compaction_ms:20.0f} {r.slowest_meanwhile_ms:27.1f}\n"
        )
        out.flush()
    if len(results) > 1:
        first, last = results[0], results[-1]
        out.write(
            f"p99 lookup at {last.size} vs at {first.size}: {last.ours_p99_us / first.ours_p99_us:.2f}x "
            f"(SimhashIndex {last.simhash_p99_us / first.simhash_p99_us:.2f}x)\n"
        )
    return results
