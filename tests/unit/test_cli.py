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
    events, dead = label_stream(lines, out, err, Settings())
    ids = [json.loads(line)["article_id"] for line in out.getvalue().splitlines()]
    assert ids == list(SAMPLE_EXPECTED) and events == len(SAMPLE_EXPECTED) and dead == 1
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
    assert b'"events":13' in proc.stderr
