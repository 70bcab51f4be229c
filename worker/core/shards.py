"""The table split by lookup key: how several workers share the table without missing matches.

Two near-copies share lookup keys (a SimHash block, a MinHash band, a sentence key) whatever
input partition they arrived on.  So the table is split by key, not by article: each key
belongs to one shard (``shard_of``), an article's entry is stored in every shard that holds
one of its keys, and a lookup asks each shard only about its own keys.  Each shard applies
the per-key rules alone (``RollingIndex.sightings``); the answers are gathered by article id
and ranked once (``index.choose``), so the candidates, and hence the labels, are the ones a
single unsplit table gives (tested on the benchmark streams).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from worker.core.index import Entry, RollingIndex, Sighting


def shard_of(key: int, shards: int) -> int:
    """Keys are well-mixed hashes, so a modulus spreads them evenly."""
    return key % shards


def split_keys(keys: Iterable[int], shards: int) -> dict[int, tuple[int, ...]]:
    """Lookup keys grouped by the shard that owns them (only shards with keys appear)."""
    grouped: dict[int, list[int]] = {}
    for key in keys:
        grouped.setdefault(shard_of(key, shards), []).append(key)
    return {shard: tuple(group) for shard, group in sorted(grouped.items())}


class ShardedIndex:
    """Several :class:`RollingIndex` shards behind the one-table interface the detector uses.

    In one process it models the deployed split (one shard per partition of the shard topic,
    each owned by one worker) and is what proves the split changes no label.
    """

    def __init__(self, shards: Sequence[RollingIndex]) -> None:
        self.shards = list(shards)

    def __len__(self) -> int:
        return len({article_id for shard in self.shards for article_id in shard.store})

    def __contains__(self, article_id: str) -> bool:
        return any(article_id in shard for shard in self.shards)

    @property
    def watermark(self) -> float:
        return max(shard.watermark for shard in self.shards)

    def get(self, article_id: str) -> Entry | None:
        for shard in self.shards:
            entry = shard.get(article_id)
            if entry is not None:
                return entry
        return None

    def sightings(self, keys: Iterable[int], *, not_before: float, limit: int | None = None) -> list[Sighting]:
        """Every shard's sightings for its own keys.  ``limit`` is not applied per shard: a
        shard sees only some of the keys an entry shares, so only the merged counts decide."""
        return [
            sighting
            for shard, own in split_keys(keys, len(self.shards)).items()
            for sighting in self.shards[shard].sightings(own, not_before=not_before)
        ]

    def add(self, entry: Entry, keys: tuple[int, ...]) -> None:
        for shard, own in split_keys(keys, len(self.shards)).items():
            self.shards[shard].add(entry, own)

    def evict(self, before: float) -> int:
        return max(shard.evict(before) for shard in self.shards)
