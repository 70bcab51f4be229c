"""Logging setup: readable lines by default, JSON lines with ``COPYDESK_LOG_FORMAT=json``
(for log shippers).  Faust's worker takes the same dictConfig, so its own lines follow."""

from __future__ import annotations

import logging.config

from worker.settings import Settings

_LEVELS = {"crit": "CRITICAL", "error": "ERROR", "warn": "WARNING", "info": "INFO", "debug": "DEBUG"}
TEXT_FORMAT = "[%(asctime)s] [%(process)d] [%(levelname)s] %(message)s"


def logging_config(settings: Settings) -> dict:
    level = _LEVELS.get(settings.log_level, "INFO")
    if settings.log_format == "json":
        formatter = {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(process)d %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        }
    else:
        formatter = {"format": TEXT_FORMAT}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"copydesk": formatter},
        "handlers": {
            "default": {"class": "logging.StreamHandler", "formatter": "copydesk", "stream": "ext://sys.stderr"}
        },
        "root": {"level": level, "handlers": ["default"]},
    }


def configure(settings: Settings) -> None:
    logging.config.dictConfig(logging_config(settings))
