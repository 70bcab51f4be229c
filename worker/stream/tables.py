"""The fingerprint table: article id -> entry record, backed by a changelog topic."""

from __future__ import annotations

from collections.abc import Iterator, MutableMapping

import faust
from faust.types import TP

from worker.stream.codecs import CODEC
from worker.stream.outbox import Offsets, Send

TABLE_NAME = "fingerprints"


def declare_table(app: faust.App) -> faust.Table:
    # One partition, as the signed topic the labelling agent reads (co-partitioned with it).
    # use_partitioner: an entry's changelog partition follows its key, so the timer that
    # evicts it (outside any stream event) writes its tombstone to the same partition.
    return app.Table(
        TABLE_NAME,
        partitions=1,
        schema=faust.Schema(key_serializer=CODEC, value_serializer=CODEC),
        use_partitioner=True,
    )


class TableWrites(MutableMapping[str, dict]):
    """A Faust table whose changelog records travel in the outbox's record batches.

    ``table[key] = value`` sends each change to the changelog on its own (``send_soon``: a
    future, sensor calls, a buffer round trip per key).  Here a write changes the table's
    local data at once, as Faust does, and its changelog record (key, value, the partition
    Faust would choose) is held for the outbox's next delivery, which sends every write
    first, one record batch per partition, then the events, then acks (``Outbox``).  The
    records are the ones Faust writes (tests/integration/test_outbox.py); a delete is a
    tombstone, in order with the writes before it.
    """

    def __init__(self, table: faust.Table) -> None:
        self._table = table
        self._pending: list[Send] = []

    @property
    def table(self) -> faust.Table:
        return self._table

    def __getitem__(self, key: str) -> dict:
        return self._table[key]

    def get(self, key: str, default: dict | None = None) -> dict | None:  # type: ignore[override]
        return self._table.get(key, default)

    def __contains__(self, key: object) -> bool:
        return key in self._table

    def __iter__(self) -> Iterator[str]:
        return iter(self._table)

    def __len__(self) -> int:
        return len(self._table)

    def items(self):  # type: ignore[no-untyped-def]  # the table's own views: no read per key
        return self._table.items()

    def values(self):  # type: ignore[no-untyped-def]
        return self._table.values()

    def __setitem__(self, key: str, value: dict) -> None:
        self._table.data[key] = value
        self._pending.append((self._table.changelog_topic, key, value, self._table.partition_for_key(key)))

    def __delitem__(self, key: str) -> None:
        del self._table.data[key]
        self._pending.append((self._table.changelog_topic, key, None, self._table.partition_for_key(key)))

    def take(self) -> list[Send]:
        """The changelog records held since the last call, in the order written."""
        pending, self._pending = self._pending, []
        return pending

    def written(self, offsets: Offsets) -> None:
        """Record how far the changelog is written (what Faust does per record): a
        persistent store starts its recovery there."""
        name = self._table.changelog_topic.get_topic_name()
        for tp, offset in offsets.items():
            if tp.topic == name:
                self._table.data.set_persisted_offset(TP(tp.topic, tp.partition), offset)
