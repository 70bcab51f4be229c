import io
import json
import subprocess
import sys

from tests.conftest import SAMPLE_EXPECTED
from worker.cli import label_stream
from worker.settings import Settings


def test_label_writes_events_in_input_order_and_reports_bad_lines(samples):
    lines = io.BytesIO(b"\n".join(samples[:3] + [b"{broken", b""] + samples[3:]) + b"\n")
    out, err = io.BytesIO(), io.BytesIO()
    read: list[int] = []
    counts = label_stream(lines, out, err, Settings(), progress=read.append)
    ids = [json.loads(line)["article_id"] for line in out.getvalue().splitlines()]
    assert ids == list(SAMPLE_EXPECTED) and counts["dead_letters"] == 1
    expected = [label for label, _ in SAMPLE_EXPECTED.values()]
    assert {k: counts[k] for k in ("original", "duplicate", "rewrite")} == {
        k: expected.count(k) for k in ("original", "duplicate", "rewrite")
    }
    assert sum(read) == len(lines.getvalue())  # progress saw every byte
    bad = json.loads(err.getvalue())
    assert "not JSON" in bad["reason"] and bad["offset"] == 4


def test_label_command_reads_stdin(samples):
    proc = subprocess.run(
        [sys.executable, "-m", "worker", "label", "-"],
        input=b"\n".join(samples),
        capture_output=True,
        check=True,
        timeout=120,
    )
    labels = [json.loads(line)["label"] for line in proc.stdout.splitlines()]
    assert labels == [label for label, _ in SAMPLE_EXPECTED.values()]
    summary = json.loads(proc.stderr.decode().rsplit("copydesk label: ", 1)[1])
    assert summary["articles"] == 13 and summary["dead_letters"] == 0 and summary["per_second"] > 0


def test_label_summary_counts_articles_not_revised_events(samples):
    """Newest first, late arrivals revise earlier events: the summary still counts each
    article once, and the revisions apart."""
    ordered = sorted(samples, key=lambda m: json.loads(m)["published_at"], reverse=True)
    proc = subprocess.run(
        [sys.executable, "-m", "worker", "label", "--final", "-"],
        input=b"\n".join(ordered),
        capture_output=True,
        check=True,
        timeout=120,
    )
    summary = json.loads(proc.stderr.decode().rsplit("copydesk label: ", 1)[1])
    assert summary["revisions"] > 0
    assert summary["articles"] == len(samples) == len(proc.stdout.splitlines())


def test_eval_refuses_swapped_halves_on_populated_tables(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "worker", "eval", "--shared", str(tmp_path), "--swap-halves", "--table-sizes", "100"],
        capture_output=True,
        check=False,
        timeout=120,
    )
    assert proc.returncode == 2 and b"--table-sizes is for the held-out ones" in proc.stderr
