"""`copydesk demo` is the main job from a fresh clone: it must print events and exit 0."""

import subprocess
import sys

import pytest

from tests.conftest import SAMPLE_EXPECTED, assert_sample_labels
from worker.demo.process import clean_environment

pytestmark = pytest.mark.integration


def test_demo_prints_every_sample_with_its_label_and_exits_cleanly():
    proc = subprocess.run(
        [sys.executable, "-m", "worker", "demo", "--timeout", "150"],
        check=False,
        capture_output=True,
        text=True,
        timeout=240,
        env=clean_environment({}) | {"COLUMNS": "160"},
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    rows = {line.split()[0]: line.split() for line in proc.stdout.splitlines() if line.split()}
    assert_sample_labels(
        {aid: (rows[aid][1], rows[aid][2] if rows[aid][1] != "original" else None) for aid in SAMPLE_EXPECTED}
    )
    assert "(DLQ)" in rows and "summary:" in proc.stdout
