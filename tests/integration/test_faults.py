"""Crashes through a real broker: nothing lost, repeats identical."""

from __future__ import annotations

import os

import orjson
import pytest

from tests.integration.conftest import precreate

pytestmark = pytest.mark.integration
# Opt-in until the stall below is fixed: the test broker keeps the killed member in the group,
# so the restarted worker joins twice, and in about one run in four Faust 0.15's agent then
# never receives a message although the worker reports ready (faust-streaming #523 describes
# the same symptom on Kafka).  Nothing is lost (offsets are not committed), but nothing moves.
known_stall = pytest.mark.skipif(
    not os.environ.get("COPYDESK_FAULT_TESTS"), reason="opt-in: COPYDESK_FAULT_TESTS=1 (known Faust stall)"
)
EVENT_TIMEOUT = 120.0


def _stream(samples: list[bytes], rounds: int) -> list[bytes]:
    """The sample articles several times over, each round under new ids."""
    out = []
    for r in range(rounds):
        for raw in samples:
            doc = orjson.loads(raw)
            doc["id"] = f"r{r}-{doc['id']}"
            out.append(orjson.dumps(doc))
    return out


@known_stall
async def test_sigkill_mid_stream_loses_nothing_and_repeats_are_identical(harness, samples):
    await precreate(harness)
    worker = harness.spawn()
    await harness.start()
    await harness.wait_ready(worker)
    messages = _stream(samples, 20)
    ids = [orjson.loads(m)["id"] for m in messages]

    for raw in messages:  # as fast as the producer goes: a backlog builds up
        await harness.send(raw)
    await harness.poll_until(lambda: len(harness.event_ids()) >= 20, EVENT_TIMEOUT, worker)
    worker.kill()  # SIGKILL: no flush, no commit
    killed_at = len(harness.event_ids())

    worker = harness.spawn()  # the same app id and group: it resumes from the committed offsets
    await harness.wait_ready(worker)
    await harness.poll_until(lambda: set(ids) <= harness.event_ids(), EVENT_TIMEOUT, worker)

    by_id: dict[str, list[dict]] = {}
    for event in harness.events:
        by_id.setdefault(event["article_id"], []).append(event)
    repeated = {aid: events for aid, events in by_id.items() if len(events) > 1}
    for aid, events in repeated.items():
        first = {k: v for k, v in events[0].items() if k != "processed_at"}
        assert all({k: v for k, v in e.items() if k != "processed_at"} == first for e in events), aid
    print(f"\nSIGKILL after {killed_at} of {len(ids)} events: {len(repeated)} articles got their event twice")


async def test_broker_paused_mid_stream_loses_nothing(tmp_path, samples):
    """SIGSTOP the broker for 20 s while articles flow, then SIGCONT: every article labelled."""
    import asyncio
    import signal

    from tests.integration.conftest import Harness, worker_settings
    from worker.embedded_broker import EmbeddedBroker
    from worker.worker_process import WorkerProcess

    with EmbeddedBroker(log_path=tmp_path / "tansu.log") as broker:  # its own: it gets paused
        settings = worker_settings(broker, tmp_path, "paused")
        harness = Harness(broker, settings)
        await precreate(harness)
        worker = WorkerProcess(settings, tmp_path / "worker.log").start()
        try:
            await harness.start()
            await harness.wait_ready(worker)
            messages = _stream(samples, 8)
            ids = [orjson.loads(m)["id"] for m in messages]
            half = len(messages) // 2
            for raw in messages[:half]:
                await harness.send(raw)
            await harness.poll_until(lambda: len(harness.event_ids()) >= 10, EVENT_TIMEOUT, worker)
            os.kill(broker.pid, signal.SIGSTOP)
            await asyncio.sleep(20)  # the fault itself: the broker frozen for 20 s
            os.kill(broker.pid, signal.SIGCONT)
            for raw in messages[half:]:
                await harness.send(raw)
            await harness.poll_until(lambda: set(ids) <= harness.event_ids(), 180, worker)
            repeated = sum(1 for aid in ids if sum(e["article_id"] == aid for e in harness.events) > 1)
            print(f"\nbroker paused 20 s after {half} sent: all {len(ids)} labelled, {repeated} events repeated")
        finally:
            await harness.stop()
            worker.stop(timeout=15)
