"""Run ``copydesk run`` as a child process with a clean ``COPYDESK_*`` environment.

Used by the demo and the integration tests: the worker they exercise is the real command,
started, stopped (SIGTERM) or killed (SIGKILL) like an operator would.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path


def clean_environment(settings: Mapping[str, str]) -> dict[str, str]:
    """The parent's environment minus any COPYDESK_* and Faust variables, plus ``settings``."""
    faust_names = {"BROKER_URL", "BROKER", "WEB_PORT", "APP_STORE", "STORE", "PROCESSING_GUARANTEE", "APP_DATADIR"}
    env = {k: v for k, v in os.environ.items() if not k.startswith("COPYDESK_") and k not in faust_names}
    env.update({f"COPYDESK_{k.upper()}": str(v) for k, v in settings.items()})
    return env


class WorkerProcess:
    def __init__(
        self, settings: Mapping[str, str], log_path: Path, module: tuple[str, ...] = ("worker", "run"),
        cpus: set[int] | None = None, pythonpath: Path | None = None,
    ) -> None:  # fmt: skip
        self.settings = dict(settings)
        self.log_path = log_path
        self.module = module  # what ``python -m`` runs: the worker, or a benchmark reference
        self.cpus = cpus  # the CPUs it may run on (every thread of it); None: as this process
        self.pythonpath = pythonpath  # a folder to import from besides the installed packages
        self._proc: subprocess.Popen[bytes] | None = None

    def start(self) -> WorkerProcess:
        log = open(self.log_path, "ab")  # noqa: SIM115 - kept open for the child's lifetime
        env = clean_environment(self.settings)
        if self.pythonpath is not None:
            env["PYTHONPATH"] = os.pathsep.join(filter(None, (str(self.pythonpath), env.get("PYTHONPATH"))))
        self._proc = subprocess.Popen(
            [sys.executable, "-m", *self.module],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            # Set in the child before it starts, so every thread it makes inherits it.
            preexec_fn=(lambda: os.sched_setaffinity(0, cpus)) if (cpus := self.cpus) else None,  # noqa: PLW1509
        )
        log.close()
        return self

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    @property
    def pid(self) -> int | None:
        return None if self._proc is None else self._proc.pid

    @property
    def returncode(self) -> int | None:
        return None if self._proc is None else self._proc.poll()

    def stop(self, timeout: float = 30.0) -> int | None:
        """Warm shutdown (SIGTERM: Faust commits offsets and flushes the producer)."""
        return self._signal(signal.SIGTERM, timeout)

    def kill(self) -> int | None:
        return self._signal(signal.SIGKILL, 10.0)

    def _signal(self, sig: signal.Signals, timeout: float) -> int | None:
        if self._proc is None:
            return None
        if self._proc.poll() is None:
            self._proc.send_signal(sig)
            try:
                self._proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait()
        code = self._proc.returncode
        self._proc = None
        return code

    def log_tail(self, lines: int = 60) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""
