"""The broker unreachable at start: the worker waits and retries, then works."""

from __future__ import annotations

import pytest

from worker.demo.broker import EmbeddedBroker, free_port

pytestmark = pytest.mark.integration


async def test_worker_waits_for_a_broker_that_is_down_at_start(tmp_path, samples):
    from tests.integration.conftest import Harness, worker_settings
    from worker.demo.process import WorkerProcess

    port = free_port()
    future = EmbeddedBroker(port=port, log_path=tmp_path / "tansu.log")
    settings = worker_settings(future, tmp_path, "down")  # the URL of a broker not started yet
    worker = WorkerProcess(settings, tmp_path / "worker.log").start()
    harness = Harness(future, settings)
    try:
        # Poll the log with a deadline: the retry line must appear and the process stay up.
        import asyncio
        import time

        deadline = time.monotonic() + 30
        while "is unreachable" not in worker.log_tail(200) or "retrying in 2 s" not in worker.log_tail(200):
            assert worker.running, worker.log_tail()
            assert time.monotonic() < deadline, worker.log_tail()
            await asyncio.sleep(0.2)
        with future:  # the broker comes up: the worker connects and labels
            await harness.wait_ready(worker, timeout=120)
            await harness.start()
            await harness.send(samples[0])
            await harness.poll_until(lambda: len(harness.events) == 1, 90, worker)
            assert "reachable after" in worker.log_tail(400)
            await harness.stop()
    finally:
        worker.stop(timeout=15)
