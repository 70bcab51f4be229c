"""The fingerprint table: article id -> entry record, backed by a changelog topic."""

from __future__ import annotations

import faust

from worker.settings import Settings
from worker.stream.codecs import CODEC

TABLE_NAME = "fingerprints"


def declare_table(app: faust.App, settings: Settings) -> faust.Table:
    # use_partitioner: an entry's changelog partition follows its key, so the timer that
    # evicts it (outside any stream event) writes its tombstone to the same partition.
    return app.Table(
        TABLE_NAME,
        partitions=settings.partitions,
        schema=faust.Schema(key_serializer=CODEC, value_serializer=CODEC),
        use_partitioner=True,
    )
