"""Verify a candidate against an article and decide the label.

Candidates come from shared lookup keys, which only say "maybe".  The signatures decide:

* duplicate: the same text - fingerprints within ``duplicate_bits``, or most word 3-grams of
  the shorter text found in the longer (survives boilerplate, truncation, a paragraph more
  or less);
* rewrite: little verbatim text in common, most of the shorter text's stemmed content words
  and word pairs found in the other, *and* evidence that one text is derived from the other
  (``outline.py``): its sentences restated one by one at the same length, or nearly all of
  its names and figures kept.  Independent reports of one event share topic words and
  names too, but add or drop a detail in almost every sentence;
* otherwise not a copy.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from worker.core import sketch
from worker.core.fingerprint import CONTENT_SKETCH, FACT_SKETCH, SHINGLE_SKETCH, Signature, hamming
from worker.core.outline import alignment


class Label(StrEnum):
    ORIGINAL = "original"
    DUPLICATE = "duplicate"
    REWRITE = "rewrite"


@dataclass(frozen=True, slots=True)
class Thresholds:
    duplicate_bits: int = 3
    duplicate_containment: float = 0.80
    rewrite_containment: float = 0.45
    min_content_features: int = 12
    rewrite_alignment: float = 0.44
    rewrite_facts: float = 0.90
    min_facts: int = 5


@dataclass(frozen=True, slots=True)
class Verdict:
    label: Label
    distance: int
    similarity: float


def verify(query: Signature, stored: Signature, t: Thresholds, *, rewrite_floor: float = 0.0) -> Verdict:
    """Compare two signatures; ``label`` is ORIGINAL when the pair is not a copy.

    A rewrite less similar than ``rewrite_floor`` is not looked for (it could not beat a
    better verdict the caller has already): the costly derivation test is skipped.
    """
    distance = hamming(query.simhash, stored.simhash)
    known = fingerprint_verdict(distance)
    if known is not None:
        return known
    verbatim = sketch.containment(query.shingles, stored.shingles, SHINGLE_SKETCH)
    if distance <= t.duplicate_bits or verbatim >= t.duplicate_containment:
        return Verdict(Label.DUPLICATE, distance, round(max(verbatim, 1 - distance / 64), 4))
    reworded = sketch.containment(query.content, stored.content, CONTENT_SKETCH)
    enough = min(query.content_count, stored.content_count) >= t.min_content_features
    similarity = round(reworded, 4)
    if enough and reworded >= t.rewrite_containment and similarity >= rewrite_floor and derived(query, stored, t):
        return Verdict(Label.REWRITE, distance, similarity)
    return Verdict(Label.ORIGINAL, distance, round(max(verbatim, reworded), 4))


def verify_stored(query: Signature, fingerprint: int, load: Callable[[], Signature], t: Thresholds, *,
                  rewrite_floor: float = 0.0) -> Verdict:  # fmt: skip
    """``verify`` against a stored candidate known by its fingerprint: its signature is
    loaded (decoded) only when the fingerprints do not settle the verdict."""
    known = fingerprint_verdict(hamming(query.simhash, fingerprint))
    return known if known is not None else verify(query, load(), t, rewrite_floor=rewrite_floor)


def fingerprint_verdict(distance: int) -> Verdict | None:
    """The verdict the fingerprints alone settle, from their distance: the same fingerprint
    is a duplicate and nothing is more similar (a candidate's stored fingerprint is enough,
    its signature need not be decoded).  None: the signatures must be compared."""
    return Verdict(Label.DUPLICATE, 0, 1.0) if distance == 0 else None


def derived(query: Signature, stored: Signature, t: Thresholds) -> bool:
    """One text restates the other: keeping nearly all its facts, or sentence by sentence
    (the facts first: they are the cheaper test)."""
    enough_facts = min(query.facts.size, stored.facts.size) >= t.min_facts
    if enough_facts and sketch.containment(query.facts, stored.facts, FACT_SKETCH) >= t.rewrite_facts:
        return True
    return alignment(query.outline, stored.outline) >= t.rewrite_alignment


def preference(verdict: Verdict, event_time: float) -> tuple[int, float, int, float]:
    """Sort key among a new article's copies, best first when sorted descending: duplicates,
    then similarity, then fewer differing bits, then the earliest."""
    order = {Label.DUPLICATE: 2, Label.REWRITE: 1, Label.ORIGINAL: 0}[verdict.label]
    return (order, verdict.similarity, -verdict.distance, -event_time)


@dataclass(frozen=True, slots=True)
class Match:
    """The entry an article is a copy of, and how."""

    article_id: str
    story_id: str
    verdict: Verdict


class BestMatch:
    """Keeps the best copy offered so far: duplicates first, then similarity, then fewer
    differing bits, then the earliest entry (``preference``)."""

    def __init__(self) -> None:
        self.match: Match | None = None
        self._key: tuple = ()

    def offer(self, article_id: str, story_id: str, event_time: float, verdict: Verdict) -> None:
        if verdict.label is Label.ORIGINAL:
            return
        key = preference(verdict, event_time)
        if self.match is None or key > self._key:
            self.match, self._key = Match(article_id, story_id, verdict), key

    def cannot_improve(self, distance: int, event_time: float) -> bool:
        """True when a candidate this many bits away, of this event time, cannot beat the
        best so far whatever its signature says: once an identical fingerprint is found
        (the most similar duplicate there is), only an earlier identical one could.  Lets
        the caller skip decoding it (syndicated copies of one story are the common case).
        ``distance`` 0 answers for any distance, so it stands in for one not known yet."""
        m = self.match
        if m is None or m.verdict.label is not Label.DUPLICATE or m.verdict.distance != 0:
            return False
        return distance != 0 or -event_time <= self._key[3]

    @property
    def rewrite_floor(self) -> float:
        """The least similarity a rewrite needs to beat the best so far (none beats a
        duplicate): a candidate below it need not be tested for derivation."""
        if self.match is None:
            return 0.0
        return float("inf") if self.match.verdict.label is Label.DUPLICATE else self.match.verdict.similarity
