"""``copydesk label`` throughput against another version of the code, side by side.

Both versions label the same file of distinct articles (none a copy of another: the path
where every article is looked up and verified, the costly one), in alternating rounds, in
this machine's state at the time; the figure is each version's median articles per second
(as ``copydesk label`` reports it: labelling only, start-up excluded) and their ratio.  The
other version is a git revision of this repository, unpacked to a temporary folder and run
with this environment's packages:

    make bench-label           # = python -m benchmarks.label_speed --shared ../shared --against 48c42f0

Rounds on a shared machine vary by 10-40%.  ``--instructions N`` also counts each version's
instructions an article under valgrind's callgrind (the same count run after run, whatever
else the machine does, with the hash seed fixed): a run on ``N`` articles less a run on one, so
start-up drops out.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

import orjson

REPOSITORY = Path(__file__).resolve().parents[1]


def unpack(revision: str, folder: Path) -> Path:
    """The tree of ``revision`` of this repository, written to ``folder``."""
    archive = subprocess.run(
        ["git", "-C", str(REPOSITORY), "archive", revision], check=True, capture_output=True
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)
    return folder


def label_rate(code: Path, articles: Path) -> float:
    """Articles per second of ``python -m worker label`` run from the tree at ``code``."""
    env = {**os.environ, "PYTHONPATH": str(code)}
    env = {k: v for k, v in env.items() if not k.startswith("COPYDESK_")}
    done = subprocess.run(
        [sys.executable, "-m", "worker", "label", str(articles)], cwd=code, env=env, check=True,
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    summary = [line for line in done.stderr.splitlines() if line.startswith(b"copydesk label: ")][-1]
    return float(orjson.loads(summary.split(b": ", 1)[1])["per_second"])


def instructions(code: Path, articles: Path) -> int:
    """Instructions ``python -m worker label`` executes from the tree at ``code`` (callgrind),
    with one hash seed for every run: a random one moves the count by about 1.5%."""
    env = {k: v for k, v in {**os.environ, "PYTHONPATH": str(code)}.items() if not k.startswith("COPYDESK_")}
    env["PYTHONHASHSEED"] = "0"
    done = subprocess.run(
        ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", sys.executable, "-m", "worker", "label",
         str(articles)], cwd=code, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    collected = [line for line in done.stderr.splitlines() if b"Collected :" in line][-1]
    return int(collected.rsplit(b":", 1)[1])


def instructions_per_article(code: Path, articles: Path, count: int, folder: Path) -> float:
    """Instructions per article beyond start-up: ``count`` articles' run less one article's."""
    lines = articles.read_bytes().splitlines(keepends=True)
    one, many = folder / "one.jsonl", folder / "many.jsonl"
    one.write_bytes(lines[0])
    many.write_bytes(b"".join(lines[:count]))
    return (instructions(code, many) - instructions(code, one)) / (count - 1)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.label_speed", description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", default="../shared", help="the shared folder (the articles come from its corpora)")
    parser.add_argument("--against", default="48c42f0", help="the git revision to compare with")
    parser.add_argument("--count", type=int, default=3000)
    parser.add_argument("--rounds", type=int, default=11)
    parser.add_argument(
        "--instructions",
        type=int,
        default=0,
        metavar="N",
        help="also count instructions an article on N articles (valgrind)",
    )
    args = parser.parse_args(argv)
    from benchmarks.speed import distinct_articles

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        articles = folder / "distinct.jsonl"
        texts = distinct_articles(Path(args.shared), args.count)
        rows = [{"id": f"d{i}", "body": t, "published_at": "2026-03-01T00:00:00Z"} for i, t in enumerate(texts)]
        articles.write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in rows))
        (folder / "other").mkdir()
        versions = {"this checkout": REPOSITORY, args.against: unpack(args.against, folder / "other")}
        rates: dict[str, list[float]] = {name: [] for name in versions}
        for _ in range(args.rounds):
            for name, code in versions.items():
                rates[name].append(label_rate(code, articles))
        ours, theirs = (statistics.median(r) for r in rates.values())
        sys.stdout.write(
            f"copydesk label, {args.count} distinct articles, median of {args.rounds} alternating rounds\n"
        )
        for name, r in rates.items():
            sys.stdout.write(
                f"  {name:16} {statistics.median(r):8.0f} articles/s  (rounds: {', '.join(f'{x:.0f}' for x in r)})\n"
            )
        sys.stdout.write(f"  this checkout / {args.against}: {ours / theirs:.3f}\n")
        if args.instructions > 1 and shutil.which("valgrind") is None:
            sys.stdout.write("instructions not counted: valgrind is not installed\n")
        elif args.instructions > 1:
            counts = {
                name: instructions_per_article(code, articles, args.instructions, folder)
                for name, code in versions.items()
            }
            sys.stdout.write(f"instructions an article (callgrind, {args.instructions} articles less one)\n")
            for name, n in counts.items():
                sys.stdout.write(f"  {name:16} {n / 1e6:8.2f} M\n")
            mine, other = counts.values()
            sys.stdout.write(f"  {args.against} / this checkout: {other / mine:.3f}  (as articles per second)\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
