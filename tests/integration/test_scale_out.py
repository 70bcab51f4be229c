"""Several workers in one group, real broker: they share the input partitions for signing, one
of them labels; stopping one moves its work to the other; a signed topic of more than one
partition stops a worker."""

from __future__ import annotations

import asyncio
import re
import urllib.request

import orjson
import pytest

from tests.conftest import seed_messages
from tests.integration.conftest import precreate
from tests.integration.test_pipeline import offline_labels
from worker.demo.broker import create_topics, free_port
from worker.demo.process import WorkerProcess
from worker.stream.agents import EXIT_SPLIT_TABLE

pytestmark = pytest.mark.integration
EVENT_TIMEOUT = 120.0


@pytest.fixture
async def two_workers(harness, tmp_path):
    """Two workers in one consumer group, each with its own web port and state folder, both
    ready."""
    await precreate(harness)
    workers = [
        WorkerProcess(dict(harness.settings, web_port=str(free_port()), data_dir=str(tmp_path / f"data{n}")),
                      tmp_path / f"worker{n}.log").start()
        for n in range(2)
    ]  # fmt: skip
    await harness.start()
    try:
        for w in workers:
            await harness.wait_ready(w, timeout=120)
        yield workers
    finally:
        for w in workers:
            w.stop(timeout=15)


async def _send_one_by_one(harness, messages: list[bytes], workers) -> None:
    for raw in messages:
        article_id = orjson.loads(raw)["id"]
        await harness.send(raw, key=article_id.encode())
        await harness.poll_until(lambda a=article_id: a in harness.event_ids(), EVENT_TIMEOUT, _alive(workers))


def _alive(workers):
    return next((w for w in workers if w.running), workers[0])


def _renamed(messages: list[bytes], prefix: str) -> list[bytes]:
    """The same articles under new ids."""
    return [orjson.dumps(doc | {"id": f"{prefix}{doc['id']}"}) for doc in map(orjson.loads, messages)]


def _rounds(messages: list[bytes], rounds: int) -> list[bytes]:
    return [m for r in range(rounds) for m in _renamed(messages, f"r{r}-")]


async def test_two_workers_on_four_partitions_label_as_one(harness, two_workers, samples):
    messages = samples
    try:
        messages = seed_messages() + samples
    except pytest.skip.Exception:
        pass
    await _send_one_by_one(harness, messages, two_workers)
    got = {aid: (e["label"], e["matched_id"], e["story_id"]) for aid, e in harness.latest().items()}
    assert got == offline_labels(messages)


async def test_stopping_one_of_two_workers_mid_stream_loses_no_article_and_no_entry(harness, two_workers, samples):
    workers = two_workers
    burst = _rounds(samples, 6)  # 78 articles, sent at once: both workers busy
    ids = [orjson.loads(m)["id"] for m in burst]
    for raw, article_id in zip(burst, ids, strict=True):
        await harness.send(raw, key=article_id.encode())
    await harness.poll_until(lambda: len(harness.event_ids()) >= 10, EVENT_TIMEOUT, workers[0])
    assert workers[0].stop() == 0  # SIGTERM mid-stream: its input partitions (and the labelling) move over
    await harness.poll_until(lambda: set(ids) <= harness.event_ids(), 3 * EVENT_TIMEOUT, workers[1])

    # Every entry written before or during the move is in the table: a verbatim copy of each
    # article, under a new id, is found as its duplicate.
    copies = _renamed(burst, "copy-")
    await _send_one_by_one(harness, copies, workers)
    latest = harness.latest()
    assert {latest[f"copy-{i}"]["label"] for i in ids} == {"duplicate"}
    # And the table, on the remaining worker, holds every article sent.
    with urllib.request.urlopen(f"http://127.0.0.1:{workers[1].settings['web_port']}/metrics", timeout=5) as r:
        metrics = r.read().decode()
    held = re.search(r"^copydesk_table_fingerprints (\S+)$", metrics, re.MULTILINE)
    assert held is not None and float(held.group(1)) == len(ids) + len(copies)
    repeated = sum(1 for e in harness.events if e.get("repeated"))
    print(
        f"\nstopped one of two workers after {len(ids)} sent: all labelled, {len(harness.events) - len(latest)} events repeated ({repeated} flagged)"
    )


async def test_a_signed_topic_of_two_partitions_stops_the_worker_that_would_label(harness, tmp_path):
    """Two partitions would split the table between labellers: the worker says so and exits
    with EX_CONFIG rather than label against half of it."""
    await precreate(harness)
    await create_topics(harness.broker.bootstrap, [f"{harness.settings['app_id']}-signed"], 2)
    worker = harness.spawn()
    deadline = asyncio.get_running_loop().time() + 120
    while worker.running:
        assert asyncio.get_running_loop().time() < deadline, worker.log_tail()
        await asyncio.sleep(0.2)
    assert worker.returncode == EXIT_SPLIT_TABLE, worker.log_tail()
    assert "must have one" in worker.log_tail()
