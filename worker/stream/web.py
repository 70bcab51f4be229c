"""Endpoints for orchestrators and monitoring: ``/health`` (the process is up), ``/ready``
(partitions are assigned and the table has been recovered, so events are current) and
``/metrics`` (Prometheus)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import faust
from faust.web import Request, Response, View

from worker.stream.metrics import WorkerMetrics


@dataclass
class Readiness:
    ready: bool = False
    generation: int = -1
    fingerprints: int = 0


def register_health(app: faust.App, readiness: Readiness, metrics: WorkerMetrics) -> None:
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

    @app.page("/metrics")
    async def prometheus(self: View, request: Request) -> Response:
        body, content_type = metrics.render()
        return self.bytes(body, content_type=content_type)
