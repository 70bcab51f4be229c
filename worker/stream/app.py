"""Build the Faust app from :class:`~worker.settings.Settings` alone."""

from __future__ import annotations

import gc

import faust

from worker.settings import Settings
from worker.stream import codecs
from worker.stream.compat.fetch import fetch_only_active_partitions, set_fetch_max_wait
from worker.stream.security import broker_credentials


def create_app(settings: Settings) -> faust.App:
    codecs.register()
    fetch_only_active_partitions()
    if settings.consumer_fetch_max_wait is not None:
        set_fetch_max_wait(settings.consumer_fetch_max_wait)
    return faust.App(
        settings.app_id,
        # An empty environment: Faust would otherwise read BROKER_URL, WEB_PORT, APP_STORE...
        # from the process environment and override what is set here.
        env={},
        broker=settings.broker_url,
        broker_credentials=broker_credentials(settings),
        store=settings.store,
        datadir=str(settings.data_dir),
        processing_guarantee="at_least_once",  # with idempotent output; see README
        topic_partitions=settings.partitions,
        topic_replication_factor=settings.replication_factor,
        broker_session_timeout=settings.broker_session_timeout,
        broker_heartbeat_interval=settings.broker_heartbeat_interval,
        producer_max_batch_size=settings.producer_max_batch_size,
        web_port=settings.web_port,
        web_bind=settings.web_bind,
        web_host=settings.web_bind,
        # Built-in views would serve table contents and topology to anyone who can connect.
        web_tables_enabled=False,
        web_router_enabled=False,
        web_graph_enabled=False,
        table_cleanup_interval=settings.prune_interval.total_seconds(),
        # No standby replicas: with several workers Faust 0.15's standby recovery feeds records
        # of other topics to the wrong table ("Error in recovery" in its recovery loop); a
        # moved partition is replayed from its changelog instead.
        table_standby_replicas=0,
        # The agents ack only what they have delivered; whatever they still hold at a stop is
        # left unacked and redone by the next owner (identical events), rather than Faust
        # waiting, possibly forever, for acks that come only from a running timer.
        stream_wait_empty=False,
    )


def faust_worker(app: faust.App, settings: Settings) -> faust.Worker:
    """The Faust worker that runs ``app``, logging at the configured level.

    Faust's terminal spinner, kept when the level is warn or above, sets the root logger to
    DEBUG so that it spins at every record: aiokafka's and Faust's per-message debug calls
    then build a log record each (about 5% of a busy worker's time).  No spinner here.
    """
    from worker.logs import logging_config

    worker = _Worker(app, loglevel=settings.log_level, logging_config=logging_config(settings))
    worker.spinner = None
    return worker


class _Worker(faust.Worker):
    async def on_startup_finished(self) -> None:
        """Startup done (tables recovered): what is alive now lives as long as the process, so
        the garbage collector stops scanning it (``gc.freeze``).  Otherwise each full
        collection walks every object of Faust, aiokafka and the recovered table again:
        about 40 ms each, and 5-8% of a busy worker's time with the young collections."""
        await super().on_startup_finished()
        gc.freeze()
