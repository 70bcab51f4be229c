"""Where the semantic stage's embeddings run: in processes of their own, at a lower CPU
priority than the worker (``COPYDESK_EMBED_PROCESSES``, ``COPYDESK_EMBED_NICE``).

Embedding an article's lead costs about 20 ms of CPU, ten times what labelling it does.  In
the worker's process it would take the GIL and the core from the fast path; in a process
niced below the worker, the operating system's scheduler gives the fast path the CPU first
and the embeddings what is left (at nice 10, about a tenth of a busy core).  On a saturated
worker the meanings fall behind and come later, as revisions; when the load drops they catch
up.  Nothing here imports Faust: a pool process loads only ``worker.core.semantic``.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor

from worker.core.semantic import Meaning, encoder, meanings_of


class Embedder:
    """``meanings_of`` off the event loop: in ``processes`` pool processes at ``nice`` (0
    processes: in a thread of this process)."""

    def __init__(self, processes: int, nice: int) -> None:
        self.processes, self.nice = processes, nice
        self._pool: ProcessPoolExecutor | None = None

    async def meanings(self, leads: Sequence[Sequence[str]]) -> tuple[list[Meaning | None], float]:
        """Each lead's ``Meaning``, and the CPU seconds they took."""
        if self.processes == 0:
            return await asyncio.to_thread(_timed, leads, time.thread_time)
        if self._pool is None:
            # spawn, not fork: the worker has threads (Faust's consumer thread), and a forked
            # child could inherit a lock one of them holds.
            context = multiprocessing.get_context("spawn")
            self._pool = ProcessPoolExecutor(self.processes, context, _start, (self.nice, os.getpid()))
        # A pool process runs one batch at a time: its CPU time is the batch's, BLAS threads included.
        return await asyncio.get_running_loop().run_in_executor(self._pool, _timed, leads, time.process_time)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None


def _timed(leads: Sequence[Sequence[str]], clock: Callable[[], float]) -> tuple[list[Meaning | None], float]:
    started = clock()
    return meanings_of(leads), clock() - started


def _start(nice: int, parent: int) -> None:
    """A pool process: lower its priority, load the model once, and exit when the worker has
    gone (a worker killed with SIGKILL cannot shut its pool down)."""
    os.nice(nice)
    threading.Thread(target=_exit_with, args=(parent,), daemon=True, name="copydesk-parent").start()
    encoder()


def _exit_with(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(1.0)
    os._exit(0)
