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

from collections.abc import Sequence
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


IDENTICAL = Verdict(Label.DUPLICATE, 0, 1.0)  # the same fingerprint: nothing is more similar


@dataclass(frozen=True, slots=True)
class Candidate:
    """A stored entry to verify an article against: its ids, event time and signature."""

    article_id: str
    story_id: str
    event_time: float
    signature: Signature


def verify(
    query: Signature, stored: Signature, t: Thresholds, *, rewrite_floor: float = 0.0,
    verbatim: float | None = None, reworded: float | None = None,
) -> Verdict:  # fmt: skip
    """Compare two signatures; ``label`` is ORIGINAL when the pair is not a copy.

    A rewrite less similar than ``rewrite_floor`` is not looked for (it could not beat a
    better verdict the caller has already): the costly derivation test is skipped.
    ``verbatim`` and ``reworded`` are the two sketch containments when the caller has them
    already (``overlaps``: computed for all of an article's candidates at once).
    """
    distance = hamming(query.simhash, stored.simhash)
    known = fingerprint_verdict(distance)
    if known is not None:
        return known
    if verbatim is None:
        verbatim = sketch.containment(query.shingles, stored.shingles, SHINGLE_SKETCH)
    if distance <= t.duplicate_bits or verbatim >= t.duplicate_containment:
        return Verdict(Label.DUPLICATE, distance, round(max(verbatim, 1 - distance / 64), 4))
    if reworded is None:
        reworded = sketch.containment(query.content, stored.content, CONTENT_SKETCH)
    enough = min(query.content_count, stored.content_count) >= t.min_content_features
    similarity = round(reworded, 4)
    if enough and reworded >= t.rewrite_containment and similarity >= rewrite_floor and derived(query, stored, t):
        return Verdict(Label.REWRITE, distance, similarity)
    return Verdict(Label.ORIGINAL, distance, round(max(verbatim, reworded), 4))


def overlaps(query: Signature, stored: Sequence[Signature]) -> tuple[list[float], list[float]]:
    """``verify``'s two containments, verbatim and reworded, of each stored signature."""
    return (
        sketch.containments(query.shingles, [s.shingles for s in stored], SHINGLE_SKETCH),
        sketch.containments(query.content, [s.content for s in stored], CONTENT_SKETCH),
    )


def verify_each(query: Signature, stored: Sequence[Signature], t: Thresholds) -> list[Verdict]:
    """``verify`` against each stored signature (their containments computed together)."""
    verbatim, reworded = overlaps(query, stored)
    return [verify(query, s, t, verbatim=v, reworded=r) for s, v, r in zip(stored, verbatim, reworded, strict=True)]


def best_copy(query: Signature, candidates: Sequence[Candidate], t: Thresholds) -> Match | None:
    """The best copy among stored candidates, verified in order as ``verify`` would one at a
    time (``BestMatch``; a rewrite that cannot beat the best so far skips the derivation
    test), their containments computed together.  None: no copy among them."""
    verbatim, reworded = overlaps(query, [c.signature for c in candidates])
    best = BestMatch()
    for c, v, r in zip(candidates, verbatim, reworded, strict=True):
        verdict = verify(query, c.signature, t, rewrite_floor=best.rewrite_floor, verbatim=v, reworded=r)
        best.offer(c.article_id, c.story_id, c.event_time, verdict)
    return best.match


def fingerprint_verdict(distance: int) -> Verdict | None:
    """The verdict the fingerprints alone settle, from their distance: the same fingerprint
    is a duplicate and nothing is more similar (a candidate's stored fingerprint is enough,
    its signature need not be decoded).  None: the signatures must be compared."""
    return IDENTICAL if distance == 0 else None


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

    @property
    def rewrite_floor(self) -> float:
        """The least similarity a rewrite needs to beat the best so far (none beats a
        duplicate): a candidate below it need not be tested for derivation."""
        if self.match is None:
            return 0.0
        return float("inf") if self.match.verdict.label is Label.DUPLICATE else self.match.verdict.similarity
