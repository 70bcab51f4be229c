"""Core cost per article, as ratios against ``simhash.Simhash(text)`` measured in the same run.

Articles are 3-5 KB, made by joining Lee background articles (or the bundled samples when
``../shared`` is absent).  Machines here are noisy: read the ratios, not the microseconds.
"""

from __future__ import annotations

import gc
import random
import statistics
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TextIO

import orjson
from simhash import Simhash

from worker.core.detector import Detector, RawMessage
from worker.core.fingerprint import FEATURE_HASH, fingerprint, shingles, signature, signatures
from worker.core.index import RollingIndex
from worker.core.normalise import normalise
from worker.settings import Settings

BATCH = Settings().label_batch_size  # articles labelled together, as the worker takes them


def articles(shared: Path | None, count: int = 300, seed: int = 3) -> list[str]:
    from worker.demo import sample_articles

    pool: list[str]
    if shared is not None and (shared / "data").is_dir():
        from benchmarks.streams import lee_background

        pool = lee_background(shared)
    else:
        pool = [orjson.loads(m)["body"] for m in sample_articles()]
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        target = rng.randint(3000, 5000)
        parts: list[str] = []
        while sum(len(p) for p in parts) < target:
            parts.append(rng.choice(pool))
        out.append("\n\n".join(parts)[:target])
    return out


def distinct_articles(shared: Path | None, count: int, seed: int = 7) -> list[str]:
    """``count`` 3-5 KB articles that share no more than a stray sentence: each draws its
    sentences, in paragraphs of three or four, from all the news sentences at hand (MSRP's,
    both of each pair, and the Lee background articles'), shuffled and taken in turn, so a
    sentence comes back only once all the others have been used (about 20,000: every five
    hundred articles or so).  Real news vocabulary and lengths, and no article a copy of
    another: the case where nothing found in the table is a copy."""
    from benchmarks.streams import lee_background, msrp_pairs, sentences
    from worker.demo import sample_articles

    if shared is not None and (shared / "data").is_dir():
        pool = [s for split in ("tune", "heldout") for _, a, b in msrp_pairs(shared, split) for s in (a, b)]
        pool += [s for doc in lee_background(shared) for s in sentences(doc)]
    else:
        pool = [s for m in sample_articles() for s in sentences(orjson.loads(m)["body"])]
    pool = sorted(set(pool))
    rng = random.Random(seed)
    order: list[str] = []
    out = []
    for _ in range(count):
        target = rng.randint(3000, 5000)
        paras: list[str] = []
        size = 0
        while size < target:
            if not order:
                order = pool[:]
                rng.shuffle(order)
            para = " ".join(order.pop() for _ in range(min(len(order), rng.randint(3, 4))))
            paras.append(para)
            size += len(para) + 2
        out.append("\n\n".join(paras)[:target])
    return out


def _per_article(fn: Callable[[str], object], texts: Sequence[str], rounds: int = 3) -> float:
    """Median over rounds of the mean seconds per article."""
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        for text in texts:
            fn(text)
        times.append((time.perf_counter() - start) / len(texts))
    return statistics.median(times)


def _per_article_in_batches(fn: Callable[[list], object], items: Sequence, batch: int, rounds: int = 3) -> float:
    """``_per_article`` for a function of a batch (as the worker labels them)."""
    batches = [list(items[i : i + batch]) for i in range(0, len(items), batch)]
    return _per_article(fn, batches, rounds) * len(batches) / len(items)


def run(shared: Path | None, out: TextIO, count: int = 300) -> dict[str, float]:
    texts = articles(shared, count)
    normalised = [normalise(t) for t in texts]
    features = [sorted(shingles(n.tokens)) for n in normalised]
    baseline = _per_article(lambda t: Simhash(t).value, texts)
    results = {
        "simhash.Simhash(text) [baseline]": baseline,
        "simhash.Simhash(our features)": _per_article(
            lambda i: Simhash(features[int(i)], f=64).value, [str(i) for i in range(len(texts))]
        ),
        "simhash.Simhash(our features, FEATURE_HASH)": _per_article(
            lambda i: Simhash(features[int(i)], f=64, hashfunc=FEATURE_HASH).value, [str(i) for i in range(len(texts))]
        ),
        "fingerprint path: normalise + word hashes + SimHash": _per_article(lambda t: fingerprint(normalise(t)), texts),
        "signature: + 2 MinHashes, 2 sketches, outline": _per_article(lambda t: signature(normalise(t)), texts),
        f"signature, batches of {BATCH} (as the worker)": _per_article_in_batches(
            lambda batch: signatures([normalise(t) for t in batch]), texts, BATCH
        ),
    }
    detector = Detector(RollingIndex())
    counter = iter(range(10**9))
    results[f"whole core: parse..store, batches of {BATCH}"] = _per_article_in_batches(
        lambda batch: detector.process_batch([RawMessage(orjson.dumps({"id": f"a{next(counter)}", "body": t})) for t in batch]),
        texts, BATCH, rounds=1,
    )  # fmt: skip
    out.write(f"{len(texts)} articles of 3-5 KB\n{'path':54} {'us/article':>10} {'vs baseline':>12}\n")
    out.writelines(
        f"{name:54} {seconds * 1e6:10.0f} {baseline / seconds:11.1f}x\n" for name, seconds in results.items()
    )
    return results


def burst(shared: Path | None, out: TextIO, copies: int = 12_288, window: int = 2_048) -> float:
    """A burst of identical copies with one date (a wire story, a paywall stub): the whole
    core's cost per article over the last ``window`` copies against the first ``window``.
    Flat is 1.0x; reading every earlier copy at each lookup made it grow with the burst.
    Timed without Python's collector, as the table benchmark's inserts are: a full
    collection walks every record held, and whether one falls in the last window is
    chance (it made that window twice as slow in some runs, not in others)."""
    text = articles(shared, 1)[0]
    copy = [
        RawMessage(orjson.dumps({"id": f"copy-{j}", "body": text, "published_at": "2026-03-01"})) for j in range(copies)
    ]
    detector = Detector(RollingIndex())
    spans = [copy[i : i + window] for i in range(0, copies, window)]
    gc.disable()
    try:
        times = [_per_article_in_batches(detector.process_batch, span, BATCH, rounds=1) for span in spans]
    finally:
        gc.enable()
    head, tail = times[0], times[-1]
    out.write(
        f"burst of {copies:,} identical copies with one date: the last {window:,} {tail * 1e6:.0f} us/article,"
        f" the first {window:,} {head * 1e6:.0f}: {tail / head:.2f}x\n"
    )
    return tail / head
