"""Kafka credentials for Faust (and so aiokafka) from the ``COPYDESK_*`` security settings."""

from __future__ import annotations

import ssl

import faust

from worker.settings import Settings


class SecurityError(ValueError):
    """The security settings do not describe a usable connection."""


def ssl_context(settings: Settings) -> ssl.SSLContext:
    """Verify the broker against the CA file (or the system store); client cert if given."""
    context = ssl.create_default_context(cafile=str(settings.ssl_cafile) if settings.ssl_cafile else None)
    if settings.ssl_certfile:
        context.load_cert_chain(str(settings.ssl_certfile), str(settings.ssl_keyfile) if settings.ssl_keyfile else None)
    return context


def broker_credentials(settings: Settings) -> faust.types.auth.CredentialsT | None:
    protocol = settings.security_protocol
    if protocol == "PLAINTEXT":
        return None
    if protocol == "SSL":
        return faust.SSLCredentials(ssl_context(settings))
    if not settings.sasl_username or settings.sasl_password is None:
        raise SecurityError(f"{protocol} needs COPYDESK_SASL_USERNAME and COPYDESK_SASL_PASSWORD")
    return faust.SASLCredentials(
        username=settings.sasl_username,
        password=settings.sasl_password.get_secret_value(),
        mechanism=settings.sasl_mechanism,
        ssl_context=ssl_context(settings) if protocol == "SASL_SSL" else None,
    )
