"""``copydesk`` command line: run the worker, label files offline, run the demo."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

import orjson

from worker.core.detector import Detector, RawMessage
from worker.core.events import DeadLetter
from worker.core.index import RollingIndex
from worker.settings import Settings


def cmd_run(_: argparse.Namespace) -> int:
    """The streaming worker; the same as ``faust -A worker.app worker``."""
    import asyncio

    from worker.logs import configure
    from worker.stream.app import faust_worker
    from worker.stream.connect import wait_for_broker

    settings = Settings()
    configure(settings)
    asyncio.run(wait_for_broker(settings))  # Faust exits at once when the cluster is down

    from worker.app import app

    faust_worker(app, settings).execute_from_commandline()
    return 0


def label_stream(
    lines: BinaryIO,
    out: BinaryIO,
    err: BinaryIO,
    settings: Settings,
    progress: Callable[[int], object] | None = None,
    *,
    final: bool = False,
) -> dict[str, int]:
    """JSONL articles in, JSONL events out in the order the worker sends them (each article's
    event, then the revised events its arrival caused); bad lines reported on ``err``.
    ``final``: one line per article instead, its last revision (what a consumer that upserts
    by article id ends with), in the order the articles came.

    Runs the same :class:`Detector` as the agent, in batches as the agent takes them, with an
    in-memory table.  ``progress`` is called with the bytes of each line read.  Returns the
    count of each label (first labels) and of dead letters, and the revisions made.
    """
    detector = Detector(RollingIndex(max_postings=settings.max_postings_per_key), settings.detector_config())
    source = getattr(lines, "name", "-")  # a file's path; stdin reports as '-'
    source = "-" if not isinstance(source, str) or source == "<stdin>" else source
    counts = {"original": 0, "duplicate": 0, "rewrite": 0, "dead_letters": 0, "revisions": 0}
    latest: dict[str, bytes] = {}  # with ``final``: article id -> its last event

    def flush(batch: list[RawMessage]) -> None:
        for outcome in detector.process_batch(batch):
            if isinstance(outcome, DeadLetter):
                err.write(outcome.to_json() + b"\n")
                counts["dead_letters"] += 1
                continue
            counts[outcome.label] += 1
            counts["revisions"] += len(outcome.revisions)
            for event in outcome.with_revisions():
                if final:
                    latest[event.article_id] = event.to_json()
                else:
                    out.write(event.to_json() + b"\n")
        batch.clear()

    batch: list[RawMessage] = []  # labelled together, as the agent does (the same results)
    for number, line in enumerate(lines, start=1):
        if progress is not None:
            progress(len(line))
        value = line.rstrip(b"\r\n")
        if value.strip():
            batch.append(RawMessage(value, topic=source, offset=number))  # offset = line number
        if len(batch) >= settings.label_batch_size:
            flush(batch)
    flush(batch)
    out.writelines(line + b"\n" for line in latest.values())
    out.flush()
    return counts


def cmd_label(args: argparse.Namespace) -> int:
    import os
    import time

    settings = Settings()
    started = time.perf_counter()
    if args.file in (None, "-"):
        counts = label_stream(sys.stdin.buffer, sys.stdout.buffer, sys.stderr.buffer, settings, final=args.final)
    elif sys.stderr.isatty():  # a person watching: a progress bar over the file
        from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn, TransferSpeedColumn

        columns = (TextColumn("labelling"), BarColumn(), TransferSpeedColumn(), TimeRemainingColumn())
        from rich.console import Console

        with open(args.file, "rb") as handle, Progress(*columns, console=Console(stderr=True), transient=True) as bar:
            task = bar.add_task("label", total=os.path.getsize(args.file))
            counts = label_stream(
                handle,
                sys.stdout.buffer,
                sys.stderr.buffer,
                settings,
                progress=lambda n: bar.advance(task, n),
                final=args.final,
            )
    else:
        with open(args.file, "rb") as handle:
            counts = label_stream(handle, sys.stdout.buffer, sys.stderr.buffer, settings, final=args.final)
    seconds = time.perf_counter() - started
    articles = sum(n for kind, n in counts.items() if kind != "revisions")  # first labels and dead letters
    summary = {
        "articles": articles,
        **counts,
        "seconds": round(seconds, 3),
        "per_second": round(articles / seconds, 1) if seconds else None,
        "finished_at": datetime.now(UTC).isoformat(),
    }
    sys.stderr.buffer.write(b"copydesk label: " + orjson.dumps(summary) + b"\n")
    return 0


def _benchmarks() -> None:
    """Make the development checkout's ``benchmarks/`` importable (it is not installed with the
    worker); exit with a clear message where there is none."""
    checkout = Path(__file__).resolve().parents[1]
    if not (checkout / "benchmarks" / "__init__.py").is_file():
        sys.exit("copydesk: eval, bench and soak run from a development checkout (benchmarks/ is not installed)")
    if str(checkout) not in sys.path:
        sys.path.insert(0, str(checkout))


def cmd_eval(args: argparse.Namespace) -> int:
    _benchmarks()
    from benchmarks.run import run_files, run_shared

    if args.shared:
        sizes = [int(n) for n in args.table_sizes.split(",") if n.strip()] if args.table_sizes else []
        if args.swap_halves and sizes:
            sys.stderr.write(
                "copydesk eval: --swap-halves scores the tune halves; --table-sizes is for the held-out ones\n"
            )
            return 2
        run_shared(
            args.shared, sys.stdout, args.out, sizes, args.curves, semantic=args.semantic, swap_halves=args.swap_halves
        )
    elif args.stream and args.truth:
        run_files(args.stream, args.truth, sys.stdout)
    else:
        sys.stderr.write("copydesk eval: give STREAM TRUTH, or --shared DIR\n")
        return 2
    return 0


def cmd_bench(args: argparse.Namespace) -> int:

    _benchmarks()
    from benchmarks import speed, table, throughput

    shared = Path(args.shared) if args.shared else None
    speed.run(shared, sys.stdout)
    speed.burst(shared, sys.stdout)
    if args.table_sizes:
        if shared is None or not (shared / "data").is_dir():
            sys.stderr.write("copydesk bench: --table-sizes needs --shared (filler articles come from its corpora)\n")
            return 2
        sys.stdout.write("\n")
        table.run(shared, sys.stdout, [int(n) for n in args.table_sizes.split(",") if n.strip()])
    if args.end_to_end:
        sys.stdout.write("\n")
        kinds = ["forward", "naive", "copydesk"] + (throughput.SCALE_OUT if args.scale_out else [])
        throughput.run(shared, sys.stdout, count=args.count, kinds=kinds, pin=not args.no_pin, rounds=args.rounds)
    return 0


def cmd_soak(args: argparse.Namespace) -> int:

    _benchmarks()
    from benchmarks import soak

    summary = soak.run(Path(args.shared) if args.shared else None, sys.stdout, args.minutes, args.rate, args.retention)
    return 0 if summary["lost"] == 0 else 1


def cmd_tail(args: argparse.Namespace) -> int:
    from worker.tail import run

    return run(Settings(), raw=args.json, seconds=args.seconds, limit=args.limit)


def cmd_demo(args: argparse.Namespace) -> int:
    from worker.demo import run_demo

    return run_demo(timeout=args.timeout)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="copydesk", description="Tell original news from its copies.")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("run", help="run the streaming worker (configured by COPYDESK_* variables)").set_defaults(
        func=cmd_run
    )
    label = sub.add_parser("label", help="label JSONL articles offline, events to stdout")
    label.add_argument("file", nargs="?", help="JSONL file of articles; '-' or none for stdin")
    label.add_argument("--final", action="store_true", help="one line per article at the end: its last revision")
    label.set_defaults(func=cmd_label)
    evaluate = sub.add_parser("eval", help="score the detector and the baselines on labelled streams")
    evaluate.add_argument("stream", nargs="?", help="JSONL articles")
    evaluate.add_argument("truth", nargs="?", help="JSONL truth: id, label, family, hard_negative")
    evaluate.add_argument("--shared", help="build every benchmark stream from this shared/ folder")
    evaluate.add_argument("--out", help="with --shared: also write the streams and truths here")
    evaluate.add_argument(
        "--table-sizes", help="with --shared: also score held-out streams on tables this full, e.g. 10000,100000"
    )
    evaluate.add_argument("--curves", help="with --shared: draw each stream's precision-recall curve to this PNG")
    evaluate.add_argument(
        "--semantic",
        action="store_true",
        help="with --shared: also score the held-out halves with the semantic stage on",
    )
    evaluate.add_argument(
        "--swap-halves",
        action="store_true",
        help="with --shared: fit on the held-out halves and score the tune halves (a second estimate)",
    )
    evaluate.set_defaults(func=cmd_eval)
    bench = sub.add_parser("bench", help="speed and memory as ratios against references run in the same run")
    bench.add_argument("--shared", help="build the 3-5 KB articles from this shared/ folder's corpora")
    bench.add_argument(
        "--table-sizes", help="also the rolling table against SimhashIndex at these sizes, e.g. 10000,100000"
    )
    bench.add_argument(
        "--end-to-end", action="store_true", help="also through an embedded broker against two references"
    )
    bench.add_argument("--count", type=int, default=3000, help="articles per end-to-end throughput run")
    bench.add_argument(
        "--scale-out", action="store_true", help="with --end-to-end: 1, 2 and 3 workers, CPU-seconds per article"
    )
    bench.add_argument(
        "--rounds", type=int, default=1, help="with --end-to-end: every run this many times, medians reported"
    )
    bench.add_argument(
        "--no-pin",
        action="store_true",
        help="with --end-to-end: leave a single worker unpinned (default: a CPU of its own)",
    )
    bench.set_defaults(func=cmd_bench)
    soak = sub.add_parser("soak", help="steady load for minutes, retention shorter than the run: memory and losses")
    soak.add_argument("--shared", help="build the articles from this shared/ folder's corpora")
    soak.add_argument("--minutes", type=float, default=10.0)
    soak.add_argument("--rate", type=float, default=40.0, help="articles per second")
    soak.add_argument("--retention", type=int, default=120, help="the worker's retention window, seconds")
    soak.set_defaults(func=cmd_soak)
    tail = sub.add_parser("tail", help="follow the output topic: a live view of labels, latest events, top stories")
    tail.add_argument("--json", action="store_true", help="print the raw events, one JSON object a line")
    tail.add_argument("--seconds", type=float, help="stop after this many seconds (default: until Ctrl-C)")
    tail.add_argument("--limit", type=int, help="stop after this many events")
    tail.set_defaults(func=cmd_tail)
    demo = sub.add_parser("demo", help="embedded broker + worker + sample articles, printed as a table")
    demo.add_argument("--timeout", type=float, default=120.0, help="give up after this many seconds")
    demo.set_defaults(func=cmd_demo)
    args = parser.parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
