"""Wait for the Kafka cluster before starting Faust, which exits at once when it cannot
bootstrap: under an orchestrator that is a crash loop, and in a compose file a race."""

from __future__ import annotations

import asyncio
import logging

from worker.settings import Settings
from worker.stream.security import broker_credentials

log = logging.getLogger("copydesk")


def bootstrap_servers(settings: Settings) -> list[str]:
    return [url.split("://", 1)[-1] for url in settings.broker_url.replace(";", ",").split(",") if url.strip()]


async def wait_for_broker(settings: Settings, *, first_delay: float = 1.0, max_delay: float = 30.0) -> int:
    """Retry until the cluster answers a metadata request; returns the attempts it took."""
    from aiokafka.admin import AIOKafkaAdminClient
    from faust.transport.drivers.aiokafka import credentials_to_aiokafka_auth

    auth = credentials_to_aiokafka_auth(broker_credentials(settings))
    delay, attempt = first_delay, 0
    while True:
        attempt += 1
        admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers(settings), request_timeout_ms=10_000, **auth)
        try:
            await admin.start()
            await admin.list_topics()
            if attempt > 1:
                log.info("copydesk: Kafka at %s is reachable after %d attempts", settings.broker_url, attempt)
            return attempt
        except Exception as exc:  # noqa: BLE001 - any failure to reach the cluster: retry, never crash
            log.warning(
                "copydesk: Kafka at %s is unreachable (%s); retrying in %.0f s", settings.broker_url, exc, delay
            )
        finally:
            try:
                await admin.close()
            except Exception:  # noqa: S110, BLE001 - a client that never connected may fail to close
                pass
        await asyncio.sleep(delay)  # backing off between attempts, not synchronising
        delay = min(max_delay, delay * 2)
