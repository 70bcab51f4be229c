"""The one settings object.  Every field comes from a ``COPYDESK_*`` environment variable.

Defaults are documented in ``config/copydesk.env`` (a test keeps that file and this class
in step).  Nothing else in the package reads the environment: the Faust app is built from
this object with an empty environment, so unprefixed variables such as ``BROKER_URL`` cannot
leak in.
"""

from __future__ import annotations

import re
from dataclasses import fields
from datetime import timedelta
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from worker.core.classify import Thresholds
from worker.core.decision import Decision, load_decision
from worker.core.detector import DetectorConfig

# Defaults live with the classifier (read from its fields: no model is loaded at import).
_T = {f.name: f.default for f in fields(Thresholds)}
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhdw]?)\s*$")
_UNIT_SECONDS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


def parse_duration(value: object) -> object:
    """Accept ``90``, ``90s``, ``15m``, ``12h``, ``7d``, ``2w`` besides ISO 8601 durations."""
    if isinstance(value, str):
        match = _DURATION.match(value)
        if match:
            return timedelta(seconds=float(match.group(1)) * _UNIT_SECONDS[match.group(2)])
    return value


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="COPYDESK_", frozen=True, extra="ignore")

    # Kafka
    broker_url: str = "kafka://localhost:9092"
    app_id: str = "copydesk"
    input_topic: str = "articles.raw"
    output_topic: str = "articles.labelled"
    dlq_topic: str = "articles.dlq"
    partitions: int = Field(4, ge=1)
    replication_factor: int = Field(1, ge=1)
    broker_session_timeout: float = Field(60.0, gt=0)
    broker_heartbeat_interval: float = Field(3.0, gt=0)
    producer_max_batch_size: int = Field(16384, ge=1)
    consumer_fetch_max_wait: float | None = Field(None, gt=0)
    # Kafka security (worker/stream/security.py)
    security_protocol: Literal["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"] = "PLAINTEXT"
    sasl_mechanism: Literal["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"] = "PLAIN"
    sasl_username: str | None = None
    sasl_password: SecretStr | None = None
    ssl_cafile: Path | None = None
    ssl_certfile: Path | None = None
    ssl_keyfile: Path | None = None
    label_batch_size: int = Field(32, ge=1)
    label_batch_wait: float = Field(0.01, gt=0)
    batch_size: int = Field(200, ge=1)
    batch_wait: float = Field(0.05, gt=0)
    stall_timeout: float = Field(120.0, ge=0)  # seconds; 0 turns the stall watchdog off

    # Table
    retention: timedelta = timedelta(days=7)
    prune_interval: timedelta = timedelta(seconds=60)
    store: str = "memory://"
    data_dir: Path = Path("./data")
    max_postings_per_key: int = Field(16, ge=1)
    max_candidates: int = Field(16, ge=1)
    recent_texts: int = Field(4096, ge=0)
    # The semantic stage (worker/core/semantic.py, the `semantic` extra): translations and
    # paraphrases in other words found by meaning.  Off: nothing of it is imported.
    semantic: bool = False
    # Its embeddings run in this many processes per worker (0: in a thread of the worker),
    # niced this much below it, so the fast path gets the CPU first (worker/stream/embedding.py).
    embed_processes: int = Field(1, ge=0)
    embed_nice: int = Field(10, ge=0, le=19)
    # Publication order: a copy may match an article published up to this much after it;
    # an article published longer than the allowed lateness before the newest one revises nothing.
    clock_tolerance: timedelta = timedelta(seconds=10)
    allowed_lateness: timedelta = timedelta(hours=48)

    # Input limits
    max_message_bytes: int = Field(1_000_000, ge=1024)

    # Thresholds (see worker/core/classify.py)
    duplicate_bits: int = Field(_T["duplicate_bits"], ge=0, le=64)
    duplicate_containment: float = Field(_T["duplicate_containment"], gt=0, le=1)
    min_content_features: int = Field(_T["min_content_features"], ge=1)
    candidate_floor: float = Field(_T["candidate_floor"], ge=0, le=1)
    copy_probability: float = Field(_T["copy_probability"], gt=0, le=1)
    names_swapped: float = Field(_T["names_swapped"], gt=0, le=1)
    figures_swapped: float = Field(_T["figures_swapped"], gt=0)
    boilerplate_lead: float = Field(_T["boilerplate_lead"], ge=0, le=1)
    boilerplate_rest: float = Field(_T["boilerplate_rest"], ge=0, le=1)
    boilerplate_lead_shared: float = Field(_T["boilerplate_lead_shared"], ge=0, le=1)
    slot_facts: float = Field(_T["slot_facts"], ge=0, le=1)
    flash_sentences: int = Field(_T["flash_sentences"], ge=0)
    flash_words_added: int = Field(_T["flash_words_added"], ge=0)
    facts_restated: float = Field(_T["facts_restated"], gt=0)
    figures_restated: float = Field(_T["figures_restated"], gt=0)
    update_figures: int = Field(_T["update_figures"], ge=0)
    update_facts: int = Field(_T["update_facts"], ge=0)
    update_words: int = Field(_T["update_words"], ge=0)
    update_words_inside: int = Field(_T["update_words_inside"], ge=0)
    update_lead: float = Field(_T["update_lead"], ge=0, le=1)
    decision_model: Path | None = None  # None: config/decision.json as shipped

    # Process
    web_port: int = Field(6066, ge=1, le=65535)
    web_bind: str = "127.0.0.1"
    log_level: Literal["crit", "error", "warn", "info", "debug"] = "info"
    log_format: Literal["text", "json"] = "text"

    @field_validator("retention", "prune_interval", "clock_tolerance", "allowed_lateness", mode="before")
    @classmethod
    def _durations(cls, value: object) -> object:
        return parse_duration(value)

    @field_validator(
        "consumer_fetch_max_wait",
        "decision_model",
        "sasl_username",
        "sasl_password",
        "ssl_cafile",
        "ssl_certfile",
        "ssl_keyfile",
        mode="before",
    )
    @classmethod
    def _empty_is_unset(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("log_level", mode="before")
    @classmethod
    def _log_level(cls, value: object) -> object:
        aliases = {"warning": "warn", "critical": "crit"}
        return aliases.get(str(value).lower(), str(value).lower())

    def detector_config(self, decision: Decision | None = None) -> DetectorConfig:
        """The detector's configuration; ``decision`` instead of the configured model."""
        return DetectorConfig(
            thresholds=Thresholds(
                duplicate_bits=self.duplicate_bits,
                duplicate_containment=self.duplicate_containment,
                min_content_features=self.min_content_features,
                candidate_floor=self.candidate_floor,
                copy_probability=self.copy_probability,
                names_swapped=self.names_swapped,
                figures_swapped=self.figures_swapped,
                boilerplate_lead=self.boilerplate_lead,
                boilerplate_rest=self.boilerplate_rest,
                boilerplate_lead_shared=self.boilerplate_lead_shared,
                slot_facts=self.slot_facts,
                flash_sentences=self.flash_sentences,
                flash_words_added=self.flash_words_added,
                facts_restated=self.facts_restated,
                figures_restated=self.figures_restated,
                update_figures=self.update_figures,
                update_facts=self.update_facts,
                update_words=self.update_words,
                update_words_inside=self.update_words_inside,
                update_lead=self.update_lead,
                decision=decision or load_decision(self.decision_model),
            ),
            retention=self.retention,
            max_message_bytes=self.max_message_bytes,
            max_candidates=self.max_candidates,
            recent_texts=self.recent_texts,
            clock_tolerance=self.clock_tolerance,
            allowed_lateness=self.allowed_lateness,
            semantic=self.semantic,
        )
