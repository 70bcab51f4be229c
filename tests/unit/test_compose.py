"""docker-compose.yml cannot run here (no Docker engine): check it parses and agrees with
the settings, so a deployment gets the topics and variables the worker expects."""

import re

import yaml

from tests.conftest import ROOT
from worker.settings import Settings

COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_services_are_kafka_init_worker_and_optional_ui():
    services = COMPOSE["services"]
    assert services["kafka"]["image"].startswith("apache/kafka:")
    assert services["kafka"]["environment"]["KAFKA_PROCESS_ROLES"] == "broker,controller"  # KRaft
    assert services["copydesk"]["build"] == "."
    assert services["kafka-ui"]["image"].startswith("ghcr.io/kafbat/kafka-ui")
    assert services["kafka-ui"]["profiles"] == ["ui"]


def test_init_creates_the_topics_the_worker_uses():
    env = COMPOSE["services"]["copydesk"]["environment"]
    script = COMPOSE["services"]["kafka-init"]["command"][0]
    created = re.search(r"for topic in ([^;]+);", script).group(1).split()
    assert created == [env["COPYDESK_INPUT_TOPIC"], env["COPYDESK_OUTPUT_TOPIC"], env["COPYDESK_DLQ_TOPIC"]]
    assert f"--partitions {env['COPYDESK_PARTITIONS']}" in script
    defaults = Settings.model_construct()
    assert created == [defaults.input_topic, defaults.output_topic, defaults.dlq_topic]


def test_worker_environment_is_valid_settings():
    env = COMPOSE["services"]["copydesk"]["environment"]
    assert all(k.startswith("COPYDESK_") for k in env)
    fields = {f"COPYDESK_{name.upper()}" for name in Settings.model_fields}
    assert set(env) <= fields
    settings = Settings(**{k.removeprefix("COPYDESK_").lower(): v for k, v in env.items()})
    assert settings.broker_url.startswith("kafka://kafka:")
    assert COMPOSE["services"]["copydesk"]["env_file"] == ["config/copydesk.env"]


def test_worker_image_runs_as_non_root():
    dockerfile = (ROOT / "Dockerfile").read_text()
    users = re.findall(r"^USER\s+(\S+)", dockerfile, re.MULTILINE)
    assert users and users[-1] not in {"root", "0"}


def test_worker_healthcheck_asks_the_ready_endpoint():
    check = " ".join(COMPOSE["services"]["copydesk"]["healthcheck"]["test"])
    port = COMPOSE["services"]["copydesk"]["environment"]["COPYDESK_WEB_PORT"]
    assert f"127.0.0.1:{port}/ready" in check
