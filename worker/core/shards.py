"""The table split by lookup key: how several workers share the table without missing matches.

Two near-copies share lookup keys (a SimHash block, a MinHash band, a sentence key) whatever
input partition they arrived on.  So the table is split by key, not by article: each key
belongs to one shard (``shard_of``), an article's entry is stored in every shard that holds
one of its keys, and a lookup asks each shard only about its own keys.  Each shard applies
the per-key rules alone (``RollingIndex.sightings``); the answers are gathered by article id
and ranked once (``index.choose``), so the candidates, and hence the labels, are the ones a
single unsplit table gives (tested on the benchmark streams).  Only the chosen candidates
are verified, in a second round, by a shard that sighted them (``to_verify``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import TypeVar

from worker.core.classify import IDENTICAL, BestMatch, Label, Match, Thresholds, Verdict, verify_each
from worker.core.fingerprint import Signature
from worker.core.index import Entry, Identical, RollingIndex, Sighting, SignatureCache, choose

_I = TypeVar("_I", "Identical", "Finding")


def earliest(identicals: Iterable[_I]) -> _I | None:
    """The earliest of several shards' identical entries, then the least id: the one an
    unsplit table's ``lookup`` finds."""
    return min(identicals, key=lambda i: (i.event_time, i.article_id), default=None)


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

    def lookup(
        self, keys: Iterable[int], simhash: int, *, not_before: float, limit: int | None = None
    ) -> Identical | list[Sighting]:
        """Every shard's ``lookup`` for its own keys: the earliest identical entry any shard
        finds (``earliest``), else all their sightings (``limit`` as in ``sightings``)."""
        found = [
            self.shards[shard].lookup(own, simhash, not_before=not_before)
            for shard, own in split_keys(keys, len(self.shards)).items()
        ]
        identical = earliest(f for f in found if isinstance(f, Identical))
        if identical is not None:
            return identical
        return [s for f in found if not isinstance(f, Identical) for s in f]

    def add(self, entry: Entry, keys: tuple[int, ...]) -> None:
        for shard, own in split_keys(keys, len(self.shards)).items():
            self.shards[shard].add(entry, own)

    def evict(self, before: float) -> int:
        return max((shard.evict(before) for shard in self.shards), default=0)


@dataclass(frozen=True, slots=True)
class Finding:
    """A shard's sighting: what goes back to be gathered (a few numbers, not the signature).

    Its verdict is given at once only when the fingerprints settle it (the same SimHash: a
    duplicate); the others are verified in a second round, and only those the gather step
    chooses and still needs (``to_verify``), by the shard that sighted them.  Their stored
    records are not even read until then: their story comes with the verdict."""

    article_id: str
    story_id: str | None  # None: not read yet (``Verified`` brings it)
    event_time: float
    shared: int
    rarest: int
    verdict: Verdict | None
    shard: int = -1  # the shard that sighted it (set by the gather step from the reply)

    def to_dict(self) -> dict:
        d = {"id": self.article_id, "t": self.event_time, "shared": self.shared, "rarest": self.rarest}
        if self.story_id is not None:
            d["story"] = self.story_id
        return d if self.verdict is None else {**d, **verdict_dict(self.verdict)}

    @classmethod
    def from_dict(cls, d: dict, shard: int = -1) -> Finding:
        verdict = parse_verdict(d) if "label" in d else None
        return cls(d["id"], d.get("story"), float(d["t"]), int(d["shared"]), int(d["rarest"]), verdict, shard)


@dataclass(frozen=True, slots=True)
class Verified:
    """A candidate's verdict from the second round, and its story (read with its record)."""

    verdict: Verdict
    story_id: str | None  # None: its record was gone (then it is no copy)

    def to_dict(self) -> dict:
        return {**verdict_dict(self.verdict), "story": self.story_id}

    @classmethod
    def from_dict(cls, d: dict) -> Verified:
        return cls(parse_verdict(d), d.get("story"))


def verdict_dict(v: Verdict) -> dict:
    return {"label": v.label.value, "dist": v.distance, "sim": v.similarity}


def parse_verdict(d: dict) -> Verdict:
    return Verdict(Label(d["label"]), int(d["dist"]), float(d["sim"]))


def probe(
    shard: RollingIndex, article_id: str, sig: Signature, keys: Iterable[int], *, not_before: float
) -> list[Finding]:
    """One shard's answer for its share of an article's keys: the earliest entry with the
    article's very fingerprint, when the shard finds one (a duplicate nothing beats; the
    gather step takes the earliest of every shard's), else every sighting, unverified (only
    the merged counts can tell which will be chosen, so they wait for ``to_verify``).  The
    article itself, if a replayed probe already stored it, is not its own candidate."""
    found = shard.lookup(keys, sig.simhash, not_before=not_before, exclude=article_id)
    if isinstance(found, Identical):
        return [Finding(found.article_id, found.story_id, found.event_time, 0, 0, IDENTICAL)]
    return [
        Finding(s.article_id, None, s.event_time, s.shared, s.rarest, None) for s in found if s.article_id != article_id
    ]


def identical_findings(findings: Iterable[Finding]) -> list[Finding]:
    """The findings settled in the first round: entries with the article's very fingerprint."""
    return [
        f for f in findings if f.verdict is not None and f.verdict.label is Label.DUPLICATE and f.verdict.distance == 0
    ]


def to_verify(findings: Iterable[Finding], *, limit: int) -> dict[int, list[str]]:
    """The candidates whose verdicts the gather step still needs, by the shard to ask.

    An identical fingerprint found by any shard is a duplicate nothing else beats, so then
    none is needed; otherwise the best verdict among the chosen candidates (``choose``)
    decides, as one table gives, and every chosen one is asked for.
    """
    findings = list(findings)
    if identical_findings(findings):
        return {}
    needed: dict[int, list[str]] = {}
    for f in choose(findings, limit=limit):
        if f.verdict is None:
            needed.setdefault(f.shard, []).append(f.article_id)
    return needed


def verify_candidates(
    shard: RollingIndex, article_id: str, candidates: Iterable[str], thresholds: Thresholds
) -> dict[str, Verified]:
    """The second round at one shard: the article (stored there pending by its probe)
    against each candidate it sighted.  An entry gone meanwhile (expired) is no copy."""
    query = shard.store.get(article_id)
    sig = shard.signatures(query) if query is not None else None
    records = {c: shard.store.get(c) for c in candidates}
    verdicts = {c: Verified(Verdict(Label.ORIGINAL, 64, 0.0), None) for c in records}
    found = [(c, r) for c, r in records.items() if r is not None] if sig is not None else []
    stored = [shard.signatures(r) for _, r in found]
    for (c, r), verdict in zip(found, verify_each(sig, stored, thresholds) if found else [], strict=True):
        verdicts[c] = Verified(verdict, r["story"])
    return verdicts


def gather(findings: Iterable[Finding], *, limit: int, verified: dict[str, Verified] | None = None) -> Match | None:
    """Every shard's findings for one article, with the second round's verdicts -> its best
    match, as one table decides (a chosen finding left unverified cannot change it)."""
    findings = list(findings)
    identical = earliest(identical_findings(findings))
    if identical is not None:
        return Match(identical.article_id, identical.story_id, IDENTICAL)  # type: ignore[arg-type]  # settled: story read
    verified = verified or {}
    best = BestMatch()
    for f in choose(findings, limit=limit):
        second = verified.get(f.article_id)
        verdict, story = (second.verdict, second.story_id) if second is not None else (f.verdict, f.story_id)
        if verdict is not None and story is not None:  # (a copy's story is always known)
            best.offer(f.article_id, story, f.event_time, verdict)
    return best.match


PENDING = "pending"  # the label of an entry stored by a shard before the answers are gathered


@dataclass(frozen=True, slots=True)
class Answers:
    """What the gather step holds for one article: its expect note, the shards' first-round
    replies, the second round's questions and answers.  A JSON-able dict underneath (it
    lives in a Faust table); each message received gives a new one (``receive``)."""

    state: dict

    @classmethod
    def start(cls) -> Answers:
        return cls({"replies": {}})

    def receive(self, message: dict, *, limit: int) -> tuple[Answers, dict[int, list[str]]]:
        """The answers with one more message ("expect", "reply" or "verified"), and the
        questions to send now (shard -> candidates to verify).

        The questions go out when the first round completes, and again for a replayed
        first-round message (they may not have reached the broker before a crash; the
        answers are the same), never for a second-round answer."""
        state = {**self.state}
        kind = message["t"]
        if kind == "expect":
            state["expect"] = message
        elif kind == "verified":
            state["verified"] = {**state.get("verified", {}), str(message["shard"]): message["verdicts"]}
        else:
            state["replies"] = {**state["replies"], str(message["shard"]): message}
        answers = Answers(state)
        if not answers.first_round_done:
            return answers, {}
        if "asked" not in state:
            asked = {} if answers.known is not None else to_verify(answers.findings, limit=limit)
            state["asked"] = {str(shard): ids for shard, ids in asked.items()}
        waiting = {int(shard): ids for shard, ids in state["asked"].items() if shard not in state.get("verified", {})}
        return answers, ({} if kind == "verified" else waiting)

    @property
    def first_round_done(self) -> bool:
        expect = self.state.get("expect")
        return expect is not None and all(str(s) in self.state["replies"] for s in expect["shards"])

    @property
    def complete(self) -> bool:
        """Every answer is in: the article can be labelled."""
        asked = self.state.get("asked")
        return asked is not None and all(shard in self.state.get("verified", {}) for shard in asked)

    @property
    def expect(self) -> dict:
        return self.state["expect"]

    @property
    def known(self) -> dict | None:
        """A shard's settled record of the article, when it is a repeat."""
        known = next((r["known"] for r in self.state["replies"].values() if r["known"] is not None), None)
        return known if known is not None and known.get("label") != PENDING else None

    @property
    def findings(self) -> list[Finding]:
        return [Finding.from_dict(f, int(r["shard"])) for r in self.state["replies"].values() for f in r["findings"]]

    @property
    def verified(self) -> dict[str, Verified]:
        return {
            c: Verified.from_dict(v) for answers in self.state.get("verified", {}).values() for c, v in answers.items()
        }


def answer_probe(
    shard: RollingIndex, entry: Entry, keys: Sequence[int], *, not_before: float
) -> tuple[dict | None, list[Finding]]:
    """A shard's whole answer to a probe: the settled record when it knows the article
    already (a repeat), else its findings, after which it stores the article, pending (so
    the next probe sees it before the answers are gathered)."""
    stored = shard.store.get(entry.article_id)
    if stored is not None and stored.get("label") != PENDING:
        return stored, []
    findings = probe(shard, entry.article_id, entry.signature, keys, not_before=not_before)
    shard.add(replace(entry, label=PENDING), tuple(keys))
    return None, findings


def settlement(article_id: str, match: Match | None) -> dict:
    """What the shards store once the answers are gathered: story, label and match."""
    if match is None:
        return {"story": article_id, "label": Label.ORIGINAL.value, "match": None, "dist": None, "sim": None}
    v = match.verdict
    return {
        "story": match.story_id,
        "label": v.label.value,
        "match": match.article_id,
        "dist": v.distance,
        "sim": v.similarity,
    }


def settle(shard: RollingIndex, article_id: str, settled: dict) -> bool:
    fields = {k: v for k, v in settled.items() if k != "story"}
    return shard.settle(article_id, settled["story"], fields)
