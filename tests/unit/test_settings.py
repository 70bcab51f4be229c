from datetime import timedelta
from pathlib import Path

import pytest
from pydantic import ValidationError

from tests.conftest import ROOT
from worker.settings import Settings
from worker.stream.app import create_app


def documented_defaults() -> dict[str, str]:
    values = {}
    for line in (ROOT / "config" / "copydesk.env").read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            key, _, value = line.partition("=")
            values[key] = value
    return values


def test_every_setting_is_documented_with_its_default(monkeypatch):
    for name in list(__import__("os").environ):
        if name.startswith("COPYDESK_"):
            monkeypatch.delenv(name)
    documented = documented_defaults()
    assert set(documented) == {f"COPYDESK_{name.upper()}" for name in Settings.model_fields}
    defaults = Settings()
    from_file = Settings(**{k.removeprefix("COPYDESK_").lower(): v for k, v in documented.items()})
    assert from_file == defaults


def test_settings_come_from_prefixed_environment(monkeypatch):
    monkeypatch.setenv("COPYDESK_BROKER_URL", "kafka://kafka-1:9092")
    monkeypatch.setenv("COPYDESK_RETENTION", "12h")
    monkeypatch.setenv("COPYDESK_COPY_PROBABILITY", "0.6")
    monkeypatch.setenv("COPYDESK_LOG_LEVEL", "WARNING")
    settings = Settings()
    assert settings.broker_url == "kafka://kafka-1:9092"
    assert settings.retention == timedelta(hours=12)
    assert settings.detector_config().thresholds.copy_probability == 0.6
    assert settings.log_level == "warn"


def test_settings_are_frozen_and_validated(monkeypatch):
    monkeypatch.setenv("COPYDESK_PARTITIONS", "0")
    with pytest.raises(ValidationError):
        Settings()
    monkeypatch.delenv("COPYDESK_PARTITIONS")
    with pytest.raises(ValidationError):
        Settings().partitions = 3  # type: ignore[misc]


def test_unprefixed_faust_variables_do_not_leak_into_the_app(monkeypatch, tmp_path: Path):
    monkeypatch.setenv("BROKER_URL", "kafka://leaked:1")
    monkeypatch.setenv("WEB_PORT", "1234")
    monkeypatch.setenv("APP_STORE", "rocksdb://")
    monkeypatch.setenv("BROKER", "kafka://leaked:2")
    app = create_app(Settings(app_id="leak-test", data_dir=tmp_path, web_port=6077))
    assert [str(u) for u in app.conf.broker] == ["kafka://localhost:9092"]
    assert app.conf.web_port == 6077
    assert str(app.conf.store) == "memory:"
    assert app.conf.web_tables_enabled is False
    assert app.conf.web_bind == "127.0.0.1"
