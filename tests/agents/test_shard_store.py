"""One shard's view of the shard table: settling writes a few fields, reads merge them."""

from dataclasses import replace
from datetime import UTC, datetime

import orjson

from worker.core.article import parse_article
from worker.core.detector import Detector, new_entry
from worker.core.index import RollingIndex
from worker.core.shards import PENDING, settle, settlement
from worker.stream.sharded import ShardStore

BODY = "The council approved the new tram line to Kelby Fields on Tuesday, officials said. " * 3


def _entry(article_id: str):
    now = datetime.now(UTC)
    article = parse_article(orjson.dumps({"id": article_id, "body": BODY}), max_bytes=1_000_000, fallback_time=now)
    f = Detector(RollingIndex()).fingerprint(article)
    return f, new_entry(f, None, now)


def test_settling_writes_only_the_settlement_and_reads_merge_it():
    table: dict = {}  # the Faust table's mapping interface is all ShardStore uses
    shard = RollingIndex(ShardStore(table, 2))  # type: ignore[arg-type]
    other = RollingIndex(ShardStore(table, 3))  # type: ignore[arg-type]
    f, entry = _entry("a-1")
    shard.add(replace(entry, label=PENDING), f.keys)
    other.add(replace(entry, label=PENDING), f.keys)
    stored = dict(table["2/a-1"])

    assert settle(shard, "a-1", settlement("a-1", None))
    assert table["2/a-1"] == stored  # the entry and its signature are not written again
    assert table["2~a-1"] == {"story": "a-1", "label": "original", "match": None, "dist": None, "sim": None}
    assert shard.store["a-1"]["label"] == "original" and shard.store["a-1"]["sig"] == stored["sig"]
    assert other.store["a-1"]["label"] == PENDING  # another shard's entry is its own
    assert sorted(shard.store.keys()) == ["a-1"]  # the settlement is not an entry

    rebuilt = RollingIndex(ShardStore(table, 2))  # type: ignore[arg-type]
    assert rebuilt.rebuild() == 1 and rebuilt.get("a-1").label == "original"

    assert shard.evict(f.event_time + 1) == 1
    assert "2/a-1" not in table and "2~a-1" not in table and "3/a-1" in table
    assert not settle(shard, "a-1", settlement("a-1", None))  # gone: nothing to settle
