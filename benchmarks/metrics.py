"""Scores of a labelled stream against its truth: confusion matrix, F1s, family accuracy."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

LABELS = ("original", "duplicate", "rewrite")


@dataclass(frozen=True, slots=True)
class Truth:
    article_id: str
    label: str
    family: str  # id of the original the article derives from (its own id for originals)
    hard_negative: bool = False  # an independent report of an event already in the stream


@dataclass(frozen=True, slots=True)
class Prediction:
    article_id: str
    label: str
    matched_id: str | None
    candidates: int = 0
    candidate_ids: tuple[str, ...] | None = None  # the stored articles verified (None: not known)
    score: float | None = None  # how sure it is a copy, 0-1, for precision-recall curves


def _f1(tp: int, fp: int, fn: int) -> float | None:
    if tp + fp + fn == 0:
        return None
    return 2 * tp / (2 * tp + fp + fn)


@dataclass(slots=True)
class Scores:
    confusion: dict[str, dict[str, int]] = field(default_factory=lambda: {t: {p: 0 for p in LABELS} for t in LABELS})
    family_hits: int = 0
    derived_predicted: int = 0
    hard_negatives: int = 0
    hard_negative_copies: int = 0
    candidates: int = 0
    articles: int = 0
    copies_looked_up: int = 0  # true copies whose candidates are known
    sources_found: int = 0  # ... with an earlier article of their family among them

    def f1(self, label: str) -> float | None:
        tp = self.confusion[label][label]
        fp = sum(self.confusion[t][label] for t in LABELS if t != label)
        fn = sum(self.confusion[label][p] for p in LABELS if p != label)
        return _f1(tp, fp, fn)

    @property
    def macro_f1(self) -> float:
        """Mean F1 over the labels that occur in the truth.

        A label no article truly has gets no F1 of its own (it would be 0 or undefined);
        predicting it still costs, as a miss of the true label.
        """
        present = [label for label in LABELS if sum(self.confusion[label].values())]
        values = [self.f1(label) or 0.0 for label in present]
        return sum(values) / len(values) if values else 0.0

    @property
    def derived_f1(self) -> float | None:
        """Copy (duplicate or rewrite) against original, whatever the kind of copy.

        Undefined (None) when the truth has no copies: a stream of originals is measured by
        its false copies (``hard_negative_rewrite_rate``, the original F1) instead.
        """
        derived = ("duplicate", "rewrite")
        if not any(sum(self.confusion[t].values()) for t in derived):
            return None
        tp = sum(self.confusion[t][p] for t in derived for p in derived)
        fp = sum(self.confusion["original"][p] for p in derived)
        fn = sum(self.confusion[t]["original"] for t in derived)
        return _f1(tp, fp, fn)

    @property
    def family_accuracy(self) -> float | None:
        """Share of truly derived articles called copies whose match is in the right family."""
        return self.family_hits / self.derived_predicted if self.derived_predicted else None

    @property
    def hard_negative_copy_rate(self) -> float | None:
        """Share of hard negatives (look-alikes that are not copies) called copies."""
        return self.hard_negative_copies / self.hard_negatives if self.hard_negatives else None

    @property
    def candidate_recall(self) -> float | None:
        """Share of true copies whose source (or another earlier member of its family) was
        among the candidates verified: what retrieval gave the decision to work with."""
        return self.sources_found / self.copies_looked_up if self.copies_looked_up else None

    @property
    def candidates_per_article(self) -> float:
        return self.candidates / self.articles if self.articles else 0.0


def score(truth: Iterable[Truth], predictions: Iterable[Prediction]) -> Scores:
    """Score predictions (any order) against the truth of the same article ids."""
    by_id = {t.article_id: t for t in truth}
    scores = Scores()
    for p in predictions:
        t = by_id[p.article_id]
        scores.articles += 1
        scores.candidates += p.candidates
        scores.confusion[t.label][p.label] += 1
        if t.label != "original" and p.label != "original":
            scores.derived_predicted += 1
            matched = by_id.get(p.matched_id) if p.matched_id else None
            if matched is not None and matched.family == t.family:
                scores.family_hits += 1
        if t.hard_negative:
            scores.hard_negatives += 1
            scores.hard_negative_copies += p.label != "original"
        if t.label != "original" and p.candidate_ids is not None:
            scores.copies_looked_up += 1
            found = (by_id.get(c) for c in p.candidate_ids)
            scores.sources_found += any(c is not None and c.family == t.family for c in found)
    return scores
