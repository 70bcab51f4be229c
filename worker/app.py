"""``faust -A worker.app worker`` entry point: the app configured from the environment."""

from __future__ import annotations

from worker.settings import Settings
from worker.stream.agents import build_pipeline
from worker.stream.app import create_app

settings = Settings()
app = create_app(settings)
pipeline = build_pipeline(app, settings)
