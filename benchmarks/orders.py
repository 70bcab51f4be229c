"""Labels whatever the arrival order: each stream fed in random orders against publication order.

For every benchmark stream (held-out halves) and the seeds, the articles are labelled once
in publication order and then in ``--orders`` random arrival orders (publication times
unchanged), each through ``copydesk label``'s core, every event kept as a consumer that
upserts by article id keeps it (the highest revision).  An article's final state agrees
with publication order when its label is the same, its story holds the same articles, and
its ``matched_id`` (if any) is published no later than it (the clock tolerance allowing)
and of the family it is matched in in publication order.  Also: revisions per late arrival on the syndicated stream (3,000
articles, 500 texts in turn, a minute apart, shuffled), whose stories have up to a few
dozen copies:

    make bench-orders        # = python -m benchmarks.orders --shared ../shared
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import orjson

from benchmarks.metrics import Truth
from worker.core.detector import Detector, RawMessage
from worker.core.index import RollingIndex
from worker.settings import Settings


@dataclass
class Run:
    final: dict[str, dict]  # article id -> its last event
    revisions: list[int]  # per late arrival (published before the newest seen): events it revised


def label(messages: Sequence[bytes], settings: Settings) -> Run:
    detector = Detector(RollingIndex(max_postings=settings.max_postings_per_key), settings.detector_config())
    final: dict[str, dict] = {}
    revisions: list[int] = []
    newest = ""
    for i in range(0, len(messages), settings.label_batch_size):
        batch = messages[i : i + settings.label_batch_size]
        for raw, outcome in zip(batch, detector.process_batch([RawMessage(m) for m in batch]), strict=True):
            published = orjson.loads(raw)["published_at"]
            if published < newest:
                revisions.append(len(outcome.revisions))
            newest = max(newest, published)
            for event in outcome.with_revisions():
                known = final.get(event.article_id)
                if known is None or known["revision"] <= event.revision:
                    final[event.article_id] = event.to_dict()
    return Run(final, revisions)


def stories(final: dict[str, dict]) -> dict[str, frozenset[str]]:
    """Each article's story, as the set of articles in it."""
    members: dict[str, set[str]] = {}
    for e in final.values():
        members.setdefault(e["story_id"], set()).add(e["article_id"])
    return {a: frozenset(members[e["story_id"]]) for a, e in final.items()}


@dataclass
class Agreement:
    articles: int = 0
    agree: int = 0
    later_matches: int = 0  # copies matched with an article published after them


def compare(
    in_order: Run, shuffled: Run, truth: dict[str, Truth], published: dict[str, float], tolerance: float
) -> Agreement:  # fmt: skip
    out = Agreement()
    groups, reference = stories(shuffled.final), stories(in_order.final)
    for article_id, want in in_order.final.items():
        got = shuffled.final[article_id]
        out.articles += 1
        matched = got["matched_id"]
        later = matched is not None and published[matched] > published[article_id] + tolerance
        out.later_matches += later
        # Matched within the family the in-order run matched it in (the true family when that
        # run is right; a hard negative called a copy in both runs agrees).
        family = (matched and truth[matched].family) == (want["matched_id"] and truth[want["matched_id"]].family)
        out.agree += (
            got["label"] == want["label"] and groups[article_id] == reference[article_id] and family and not later
        )
    return out


def in_publication_order(messages: Sequence[bytes]) -> list[bytes]:
    return sorted(messages, key=lambda m: orjson.loads(m)["published_at"])


def orders(messages: Sequence[bytes], truth: Sequence[Truth], count: int, seed: int, settings: Settings) -> Agreement:
    from datetime import datetime

    ordered = in_publication_order(messages)
    published = {d["id"]: datetime.fromisoformat(d["published_at"]).timestamp() for d in map(orjson.loads, ordered)}
    by_id = {t.article_id: t for t in truth}
    reference = label(ordered, settings)
    total = Agreement()
    for n in range(count):
        shuffled = random.Random(f"{seed}-{n}").sample(ordered, len(ordered))
        a = compare(reference, label(shuffled, settings), by_id, published, settings.clock_tolerance.total_seconds())
        total.articles += a.articles
        total.agree += a.agree
        total.later_matches += a.later_matches
    return total


def syndicated(shared: Path | None, settings: Settings, count: int = 3000, seed: int = 1) -> list[int]:
    """Revisions per late arrival: 500 texts in turn, a minute apart, in a random order."""
    from datetime import UTC, datetime, timedelta

    from benchmarks.speed import articles

    texts = articles(shared, 500, seed=5)
    start = datetime(2026, 3, 1, tzinfo=UTC)
    messages = [
        orjson.dumps(
            {"id": f"s{n}", "body": texts[n % len(texts)], "published_at": (start + timedelta(minutes=n)).isoformat()}
        )
        for n in range(count)
    ]
    return label(random.Random(seed).sample(messages, len(messages)), settings).revisions


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.orders", description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", default="../shared")
    parser.add_argument("--orders", type=int, default=5, help="random arrival orders per stream")
    args = parser.parse_args(argv)
    from benchmarks.fit import all_streams

    settings = Settings()
    shared = Path(args.shared)
    out = sys.stdout
    out.write(
        f"{'stream':24} {'articles':>8} {'agree':>7} {'later matches':>13}   ({args.orders} random orders each)\n"
    )
    for stream in all_streams(shared):
        if stream.split not in ("heldout", "all"):
            continue
        a = orders(stream.messages(), stream.truth, args.orders, 7, settings)
        name = f"{stream.name}/{stream.split}"
        out.write(f"{name:24} {a.articles:8d} {a.agree / a.articles:7.3f} {a.later_matches:13d}\n")
        out.flush()
    revisions = syndicated(shared, settings)
    revising = [r for r in revisions if r]
    out.write(
        f"\nsyndicated, 3000 articles shuffled: {len(revisions)} late arrivals, revisions per late arrival "
        f"mean {statistics.fmean(revisions):.3f}, max {max(revisions)}; {len(revising)} revised anything "
        f"(mean {statistics.fmean(revising) if revising else 0:.2f} each)\n"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
