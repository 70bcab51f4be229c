import ssl

import faust
import pytest

from worker.settings import Settings
from worker.stream.app import create_app
from worker.stream.security import SecurityError, broker_credentials


def test_plaintext_by_default():
    assert broker_credentials(Settings()) is None


def test_sasl_scram_over_ssl_reaches_aiokafka(monkeypatch):
    from faust.transport.drivers.aiokafka import credentials_to_aiokafka_auth

    monkeypatch.setenv("COPYDESK_SECURITY_PROTOCOL", "SASL_SSL")
    monkeypatch.setenv("COPYDESK_SASL_MECHANISM", "SCRAM-SHA-512")
    monkeypatch.setenv("COPYDESK_SASL_USERNAME", "copydesk")
    monkeypatch.setenv("COPYDESK_SASL_PASSWORD", "s3cret")
    settings = Settings()
    assert "s3cret" not in repr(settings)  # the password never shows in logs or reprs
    auth = credentials_to_aiokafka_auth(create_app(settings).conf.broker_credentials)
    assert auth["security_protocol"] == "SASL_SSL" and auth["sasl_mechanism"] == "SCRAM-SHA-512"
    assert auth["sasl_plain_username"] == "copydesk" and auth["sasl_plain_password"] == "s3cret"
    assert isinstance(auth["ssl_context"], ssl.SSLContext) and auth["ssl_context"].verify_mode == ssl.CERT_REQUIRED


def test_ssl_with_a_ca_file(tmp_path):
    ca = tmp_path / "ca.pem"
    ca.write_text("")  # an empty file: not a CA
    with pytest.raises(ssl.SSLError):
        broker_credentials(Settings(security_protocol="SSL", ssl_cafile=ca))
    credentials = broker_credentials(Settings(security_protocol="SSL"))
    assert isinstance(credentials, faust.SSLCredentials)


def test_sasl_without_credentials_is_refused():
    with pytest.raises(SecurityError, match="COPYDESK_SASL_USERNAME"):
        broker_credentials(Settings(security_protocol="SASL_PLAINTEXT"))
