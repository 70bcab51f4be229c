"""Health endpoints for orchestrators: ``/health`` (the process is up) and ``/ready``
(partitions are assigned and the table has been recovered, so events are current)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import faust
from faust.web import Request, Response, View


@dataclass
class Readiness:
    ready: bool = False
    generation: int = -1
    fingerprints: int = 0


def register_health(app: faust.App, readiness: Readiness) -> None:
    @app.on_partitions_revoked.connect
    async def _revoked(app: faust.App, revoked: Any, **kwargs: Any) -> None:
        readiness.ready = False

    @app.page("/health")
    async def health(self: View, request: Request) -> Response:
        return self.json({"status": "ok"})

    @app.page("/ready")
    async def ready(self: View, request: Request) -> Response:
        body = {"ready": readiness.ready, "fingerprints": readiness.fingerprints}
        return self.json(body, status=200 if readiness.ready else 503)
