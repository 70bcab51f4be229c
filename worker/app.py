"""``faust -A worker.app worker`` entry point: the app configured from the environment."""

from __future__ import annotations

from worker.settings import Settings
from worker.stream.agents import build_worker
from worker.stream.app import create_app
from worker.stream.sharded import build_sharded_worker

settings = Settings()
app = create_app(settings)
worker = build_sharded_worker(app, settings) if settings.topology == "sharded" else build_worker(app, settings)
