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

from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from functools import partial

from worker.core.classify import BestMatch, Label, Match, Thresholds, Verdict, verify_stored
from worker.core.fingerprint import Signature
from worker.core.index import Entry, RollingIndex, Sighting, SignatureCache, choose


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
        self.signatures = SignatureCache()  # candidates decoded by a detector using this index

    def __len__(self) -> int:
        """Articles held (each counted once, however many shards hold it)."""
        return len(set().union(*(shard.live_ids() for shard in self.shards)))

    def __contains__(self, article_id: str) -> bool:
        return any(article_id in shard for shard in self.shards)

    @property
    def watermark(self) -> float:
        return max((shard.watermark for shard in self.shards), default=float("-inf"))

    @property
    def evicted_total(self) -> int:
        return sum(shard.evicted_total for shard in self.shards)

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
        return max((shard.evict(before) for shard in self.shards), default=0)


@dataclass(frozen=True, slots=True)
class Finding:
    """A shard's sighting, verified there against the signature it stores: what goes back
    to be gathered (a few numbers, not the signature)."""

    article_id: str
    story_id: str
    event_time: float
    shared: int
    rarest: int
    verdict: Verdict

    def to_dict(self) -> dict:
        v = self.verdict
        return {"id": self.article_id, "story": self.story_id, "t": self.event_time, "shared": self.shared,
                "rarest": self.rarest, "label": v.label.value, "dist": v.distance, "sim": v.similarity}  # fmt: skip

    @classmethod
    def from_dict(cls, d: dict) -> Finding:
        verdict = Verdict(Label(d["label"]), int(d["dist"]), float(d["sim"]))
        return cls(d["id"], d["story"], float(d["t"]), int(d["shared"]), int(d["rarest"]), verdict)


class VerdictCache:
    """The last verdicts of (article, candidate) pairs, shared by the shards one worker owns.

    A copy shares keys held by several shards, so each of them sights it; an article's
    probes carry the same signature to every shard and a stored signature never changes,
    so the verdict is the same everywhere: verified once per worker, not once per shard.
    """

    def __init__(self, size: int = 8192) -> None:
        self._size = size
        self._verdicts: OrderedDict[tuple, Verdict] = OrderedDict()
        self.hits = 0

    def __call__(self, key: tuple, verify: Callable[[], Verdict]) -> Verdict:
        verdict = self._verdicts.get(key)
        if verdict is not None:
            self.hits += 1
            return verdict
        verdict = self._verdicts[key] = verify()
        if len(self._verdicts) > self._size:
            self._verdicts.popitem(last=False)
        return verdict


def probe(shard: RollingIndex, article_id: str, sig: Signature, keys: Iterable[int], *, not_before: float,
          thresholds: Thresholds, verdicts: VerdictCache | None = None) -> list[Finding]:  # fmt: skip
    """One shard's answer for its share of an article's keys: every sighting verified (only
    the merged counts can tell which will be chosen), decoded only when its fingerprint does
    not settle it, and not again when another shard of this worker verified it.  The
    article itself, if a replayed probe already stored it, is not its own candidate."""
    found = []
    for s in shard.sightings(keys, not_before=not_before):
        record = s.record() if s.article_id != article_id else None
        if record is None:
            continue
        verify = partial(verify_stored, sig, int(record["fp"], 16), partial(shard.signatures, record), thresholds)
        # A candidate's signature is fixed by (id, processed_at); the article's by its id and fingerprint.
        verdict = verify() if verdicts is None else verdicts((article_id, sig.simhash, s.article_id, record["at"]), verify)
        found.append(Finding(s.article_id, record["story"], s.event_time, s.shared, s.rarest, verdict))
    return found


def gather(findings: Iterable[Finding], *, limit: int) -> Match | None:
    """Every shard's findings for one article -> its best match, as one table decides."""
    best = BestMatch()
    for f in choose(findings, limit=limit):
        best.offer(f.article_id, f.story_id, f.event_time, f.verdict)
    return best.match


PENDING = "pending"  # the label of an entry stored by a shard before the answers are gathered


def answer_probe(shard: RollingIndex, entry: Entry, keys: Sequence[int], *, not_before: float,
                 thresholds: Thresholds, verdicts: VerdictCache | None = None) -> tuple[dict | None, list[Finding]]:  # fmt: skip
    """A shard's whole answer to a probe: the settled record when it knows the article
    already (a repeat), else its findings, after which it stores the article, pending (so
    the next probe sees it before the answers are gathered)."""
    stored = shard.store.get(entry.article_id)
    if stored is not None and stored.get("label") != PENDING:
        return stored, []
    findings = probe(shard, entry.article_id, entry.signature, keys, not_before=not_before, thresholds=thresholds,
                     verdicts=verdicts)  # fmt: skip
    shard.add(replace(entry, label=PENDING), tuple(keys))
    return None, findings


def settlement(article_id: str, match: Match | None) -> dict:
    """What the shards store once the answers are gathered: story, label and match."""
    if match is None:
        return {"story": article_id, "label": Label.ORIGINAL.value, "match": None, "dist": None, "sim": None}
    v = match.verdict
    return {"story": match.story_id, "label": v.label.value, "match": match.article_id, "dist": v.distance, "sim": v.similarity}


def settle(shard: RollingIndex, article_id: str, settled: dict) -> bool:
    fields = {k: v for k, v in settled.items() if k != "story"}
    return shard.settle(article_id, settled["story"], fields)
