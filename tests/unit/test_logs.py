import logging
import subprocess
import sys

import orjson

from worker.demo.broker import free_port
from worker.demo.process import clean_environment


def test_json_logs_are_one_object_a_line(tmp_path):
    """The worker waiting for a broker that is down logs JSON lines when asked to."""
    env = clean_environment(
        {
            "broker_url": f"kafka://127.0.0.1:{free_port()}",
            "web_port": str(free_port()),
            "data_dir": str(tmp_path),
            "log_format": "json",
        }
    )
    proc = subprocess.Popen(
        [sys.executable, "-m", "worker", "run"], env=env, stderr=subprocess.PIPE, stdout=subprocess.PIPE
    )
    try:
        lines = []
        while len(lines) < 4:  # bounded: the worker retries forever and logs each attempt
            line = proc.stderr.readline()
            assert line, "the worker stopped logging"
            lines.append(line)
    finally:
        proc.kill()
        proc.wait()
    records = [orjson.loads(line) for line in lines]
    assert all({"time", "level", "logger", "message"} <= set(r) for r in records)
    assert any(r["logger"] == "copydesk" and "unreachable" in r["message"] and r["level"] == "WARNING" for r in records)


def test_the_worker_logs_at_the_configured_level():
    """Faust's spinner would set the root logger to DEBUG at warn and above."""
    from worker.settings import Settings
    from worker.stream.app import create_app, faust_worker

    settings = Settings(log_level="warn")
    worker = faust_worker(create_app(settings), settings)
    root = logging.getLogger()
    saved = root.level, root.handlers[:]
    try:
        worker._setup_logging()
        assert root.level == logging.WARNING
        assert not logging.getLogger("aiokafka").isEnabledFor(logging.DEBUG)
    finally:
        root.setLevel(saved[0])
        root.handlers[:] = saved[1]
