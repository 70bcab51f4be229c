"""A real Tansu broker per session, a fresh consumer group and topics per test, and a
harness that produces articles and polls the output topics with deadlines (no sleeps)."""

from __future__ import annotations

import asyncio
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable
from pathlib import Path

import orjson
import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient

from worker.demo.broker import EmbeddedBroker, create_topics, free_port, tansu_settings
from worker.demo.process import WorkerProcess

PARTITIONS = 4


@pytest.fixture(scope="session")
def broker(tmp_path_factory):
    with EmbeddedBroker(log_path=tmp_path_factory.mktemp("broker") / "tansu.log") as b:
        yield b


def worker_settings(broker: EmbeddedBroker, tmp_path: Path, name: str) -> dict[str, str]:
    return {
        "broker_url": broker.url,
        "app_id": f"copydesk-{name}",
        "input_topic": f"{name}.raw",
        "output_topic": f"{name}.labelled",
        "dlq_topic": f"{name}.dlq",
        "partitions": str(PARTITIONS),
        "data_dir": str(tmp_path / "data"),
        "web_port": str(free_port()),
        **tansu_settings(),
        # A stalled worker exits (status 70) within this; the fault tests restart it.
        "stall_timeout": "30",
        "log_level": "info",
    }


class Harness:
    def __init__(self, broker: EmbeddedBroker, settings: dict[str, str]) -> None:
        self.broker = broker
        self.settings = settings
        self.events: list[dict] = []
        self.dead: list[dict] = []
        self._producer: AIOKafkaProducer | None = None
        self._consumer: AIOKafkaConsumer | None = None

    async def start(self, wait_for_topics: float = 60.0) -> None:
        """Attach to the output and DLQ topics once they exist."""
        names = [self.settings["output_topic"], self.settings["dlq_topic"]]
        admin = AIOKafkaAdminClient(bootstrap_servers=self.broker.bootstrap)
        await admin.start()
        try:
            deadline = time.monotonic() + wait_for_topics
            while not set(names) <= set(await admin.list_topics()):
                assert time.monotonic() < deadline, f"topics {names} were not created"
                await asyncio.sleep(0.2)
        finally:
            await admin.close()
        # Room for the 10 MB message of the bad-input catalogue (Tansu accepts it).
        self._producer = AIOKafkaProducer(bootstrap_servers=self.broker.bootstrap, max_request_size=12_000_000)
        await self._producer.start()
        self._consumer = AIOKafkaConsumer(bootstrap_servers=self.broker.bootstrap, enable_auto_commit=False)
        await self._consumer.start()
        parts = [TopicPartition(t, p) for t in names for p in range(PARTITIONS)]
        self._consumer.assign(parts)
        await self._consumer.seek_to_beginning(*parts)

    async def stop(self) -> None:
        if self._consumer:
            await self._consumer.stop()
        if self._producer:
            await self._producer.stop()

    async def send(self, raw: bytes, key: bytes | None = None, partition: int | None = None) -> None:
        assert self._producer is not None
        await self._producer.send_and_wait(self.settings["input_topic"], raw, key=key, partition=partition)

    async def poll_until(self, done: Callable[[], bool], timeout: float, worker: WorkerProcess | None = None) -> None:
        assert self._consumer is not None
        deadline = time.monotonic() + timeout
        while not done():
            if worker is not None and not worker.running:
                pytest.fail(f"worker exited ({worker.returncode}):\n{worker.log_tail()}")
            if time.monotonic() > deadline:
                tail = worker.log_tail() if worker else ""
                ids = [e["article_id"] for e in self.events]
                pytest.fail(
                    f"timed out after {timeout}s: {len(self.events)} events {ids}, {len(self.dead)} dead letters\n{tail}"
                )
            batch = await self._consumer.getmany(timeout_ms=300)
            for tp, records in batch.items():
                target = self.dead if tp.topic == self.settings["dlq_topic"] else self.events
                target.extend(orjson.loads(r.value) | {"_key": r.key} for r in records)

    async def wait_ready(self, worker: WorkerProcess, timeout: float = 90.0) -> dict:
        """Poll the worker's /ready endpoint until it answers 200 (table recovered)."""
        url = f"http://127.0.0.1:{worker.settings['web_port']}/ready"
        deadline = time.monotonic() + timeout
        while True:
            if not worker.running:
                pytest.fail(f"worker exited ({worker.returncode}):\n{worker.log_tail()}")
            try:
                with urllib.request.urlopen(url, timeout=2) as response:
                    return orjson.loads(response.read())
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            assert time.monotonic() < deadline, f"worker not ready after {timeout}s\n{worker.log_tail()}"
            await asyncio.sleep(0.2)

    def event_ids(self) -> set[str]:
        return {e["article_id"] for e in self.events}

    def latest(self) -> dict[str, dict]:
        """Each article's event as a consumer upserting by id keeps it: the highest revision."""
        out: dict[str, dict] = {}
        for e in self.events:
            if e["article_id"] not in out or out[e["article_id"]].get("revision", 0) <= e.get("revision", 0):
                out[e["article_id"]] = e
        return out


@pytest.fixture
async def harness(broker, tmp_path):
    name = f"it{uuid.uuid4().hex[:8]}"
    settings = worker_settings(broker, tmp_path, name)
    h = Harness(broker, settings)
    workers: list[WorkerProcess] = []

    def spawn() -> WorkerProcess:
        w = WorkerProcess(settings, tmp_path / "worker.log").start()
        workers.append(w)
        return w

    h.spawn = spawn  # type: ignore[attr-defined]
    yield h
    await h.stop()
    for w in workers:
        w.stop(timeout=15)


async def precreate(h: Harness) -> None:
    s = h.settings
    await create_topics(h.broker.bootstrap, [s["input_topic"], s["output_topic"], s["dlq_topic"]], PARTITIONS)


def scrape(port: str | int) -> dict[str, float]:
    """A worker's /metrics: {'name{labels}': value} (Prometheus text format)."""
    import urllib.request

    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as response:
        text = response.read().decode()
    out = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            name, _, value = line.rpartition(" ")
            out[name] = float(value)
    return out
