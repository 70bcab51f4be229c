"""Is a candidate the source of an article?  Pair features and the fitted decision over them.

No single overlap tells a copy: people merge, split and reorder sentences (alignment drops),
paraphrases change the words (verbatim overlap drops), translations keep only names and
figures, and templated reports restate a template sentence by sentence while their figures
differ.  So every piece of evidence is a feature, computed both ways where direction matters
(a partial copy keeps most of itself but little of its source), and a logistic regression
fitted on labelled pairs weighs them (``benchmarks/fit.py`` refits it with leave-one-stream-out
cross-validation; ``config/decision.json`` holds the weights, versioned).  Names and figures
kept are weighed by how many the smaller sketch holds, so a sketch of two names says little
either way; names and figures replaced by others in restated sentences count against a copy.

Pure numpy; the weights are read once.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

import numpy as np

from worker.core import fingerprint, sketch
from worker.core.fingerprint import CONTENT_SKETCH, FACT_SKETCH, KEYED_FIGURES, SHINGLE_SKETCH, Signature
from worker.core.outline import alignments

FEATURES = (
    "verbatim",  # share of the shorter text's word 3-grams found in the other
    "verbatim_other",  # share of the longer text's word 3-grams found in the shorter
    "content",  # the same for stemmed content words and word pairs (what a paraphrase keeps)
    "content_other",
    "words",  # the shorter text's distinct content words found anywhere in the other (``outline.Alignments.words``)
    "alignment",  # sentences restated one by one, from the text with fewer sentences
    "alignment_other",  # ... and from the text with more
    "lead",  # the first sentence of one restated in the other (``outline.Alignments.lead``)
    "rest",  # the words shared outside the sentences shared word for word (``outline.Alignments.rest``)
    "rest_facts",  # ... and the names and figures kept there (``outline.Alignments.rest_facts``)
    "same",  # the shorter text's words in the sentences shared word for word (``outline.Alignments.same``)
    "facts_known",  # how many names and figures the smaller sketch holds (0-1, ``FACT_CONFIDENCE``)
    "facts_kept",  # ... times the share of them kept: the model learns where "kept" starts
    "figures_known",  # the same for figures alone
    "figures_kept",  # ... kept both ways: the smaller of the two texts' shares kept
    "names_replaced",  # names replaced by others in sentences restated (``outline.alignments``)
    "figures_replaced",  # figures replaced: a template filled anew, or an update
    "figures_replaced_loosely",  # ... in every sentence and its best counterpart (``outline.alignments``)
    "verbatim_names_replaced",  # word for word but for the names: another event in one wording
    "verbatim_figures_replaced",  # ... but for the figures: another day's report, or an update
    "length",  # content features of the smaller text over the larger's
    "bits",  # SimHash Hamming distance / 64
    "size",  # how large the smaller text is (log scale): small texts are less sure either way
)
# The side each feature's weight may take (+1: evidence of a copy only, -1: against only, 0:
# either, None: not weighed, read by the rules before the model: ``classify.verify``; fitted,
# they pulled weight off the content overlap and called same-event reports in ``updates``
# copies).  Overlaps and facts kept never count against a copy, replacements and distance
# never for it, on whatever stream the model is fitted: where two overlaps move together in
# the fitted pairs, an unconstrained fit gives one a negative weight that turns evidence
# around on data where they part (a real copy keeps more verbatim than content).  Nor do the
# names and figures a text holds count for a copy, only those kept: fitted free, some halves
# of the streams made "many figures" evidence of a copy, and templated reports with other
# figures copies (``copydesk eval --swap-halves``).
SIDES = {
    "verbatim": 1, "verbatim_other": 1, "content": 1, "content_other": 1, "words": 1, "alignment": 1,
    "alignment_other": 1, "lead": None, "rest": None, "rest_facts": None, "same": None,
    "facts_known": -1, "facts_kept": 1, "figures_known": -1, "figures_kept": 1,
    "names_replaced": -1, "figures_replaced": -1, "figures_replaced_loosely": -1, "verbatim_names_replaced": -1,
    "verbatim_figures_replaced": -1, "length": 0, "bits": -1, "size": 0,
}  # fmt: skip
FACT_CONFIDENCE = 10  # facts in the smaller sketch at which their evidence counts in full
_SIZE_SCALE = math.log1p(1000)
DEFAULT_MODEL = "decision.json"  # in config/ (the ``worker.config`` package when installed)


def pair_features(
    a: Signature, b: Signature, *, distance: int, verbatim: float, content: float
) -> np.ndarray:  # fmt: skip
    """The features of one pair; ``verbatim`` and ``content`` are the two containments of
    the shorter text the caller has already (``classify.overlaps``)."""
    va, vb = sketch.comparable(a.shingles, b.shingles, SHINGLE_SKETCH)
    ca, cb = sketch.comparable(a.content, b.content, CONTENT_SKETCH)
    aligned = alignments(a.outline, b.outline)
    fa, fb = sketch.comparable(a.facts, b.facts, FACT_SKETCH)
    small, large = sorted((a.content_count, b.content_count))
    figures = (fingerprint.figures(fa), fingerprint.figures(fb))
    return np.array(
        [
            verbatim,
            _share_of_larger(va, vb),
            content,
            _share_of_larger(ca, cb),
            aligned.words,
            aligned.short,
            aligned.long,
            aligned.lead,
            aligned.rest,
            aligned.rest_facts,
            aligned.same,
            *_known_and_kept(fa, fb),
            *_known_and_kept(*figures, both_ways=True),
            aligned.names_replaced,
            aligned.figures_replaced,
            aligned.figures_replaced_loosely,
            verbatim * aligned.names_replaced,
            verbatim * aligned.figures_replaced,
            small / large if large else 0.0,
            distance / 64,
            min(1.0, math.log1p(small) / _SIZE_SCALE),
        ]
    )


FIGURES_RESTATED = KEYED_FIGURES  # figures a match by names and figures needs in the smaller sketch
# Figures a match by figures alone needs in the smaller sketch: a translation into another
# script (Cyrillic, Greek) writes its names in it, and only its figures can be compared; one
# written without capitals (Arabic, Hebrew, Hindi, Chinese) has no names, its figures are all
# its facts, and these are enough.
FIGURES_ALONE = 7
NAME_MINIMA_AGREEING = 6  # of the 36 name minima (a names' Jaccard similarity of about 0.17)


@dataclass(frozen=True, slots=True)
class Restated:
    """What ``restated_facts`` finds of two texts' names and figures."""

    facts: float  # share of the smaller fact sketch found in the other
    figures: float  # the same for its figures
    figure_count: int  # the figures of the smaller that were compared
    fact_count: int  # the names and figures of the smaller that were compared


def restated_facts(a: Signature, b: Signature, *, agreeing: int | None = None) -> Restated | None:
    """How two texts tell the same names and figures, whatever their words: the share of
    the smaller fact sketch found in the other, and the same for its figures (the same
    digits in any language), when the smaller holds at least ``FACT_CONFIDENCE`` names and
    figures, ``FIGURES_RESTATED`` of them figures, or ``FIGURES_ALONE`` figures whatever its
    names (a script without capitals has none), and their names agree on at least
    ``NAME_MINIMA_AGREEING`` MinHash minima (figures count among the names there, so a text
    in another script agrees through them; a text with no names at all need not); None
    otherwise.  A translation keeps most of both, or, written in another script, most of its
    figures; two reports on one subject share names, seldom the figures too.  The name minima
    are compared first (a few integer compares): a translation's agree on 0.3 or more, two
    unrelated articles' on next to none, so most pairs cost no more.  ``agreeing``: the
    minima the two agree on, when the caller has counted them (``names_agreeing``)."""
    if min(a.facts.size, b.facts.size) < FIGURES_ALONE:
        return None
    if agreeing is None:
        agreeing = int(np.count_nonzero(a.name_minima == b.name_minima))
    if agreeing < NAME_MINIMA_AGREEING and not _nameless(a) and not _nameless(b):
        return None
    fa, fb = sketch.comparable(a.facts, b.facts, FACT_SKETCH)
    ga, gb = fingerprint.figures(fa), fingerprint.figures(fb)
    smaller, figures = min(fa.size, fb.size), min(ga.size, gb.size)
    if figures < FIGURES_RESTATED or (smaller < FACT_CONFIDENCE and figures < FIGURES_ALONE):
        return None
    return Restated(sketch.overlap(fa, fb) / smaller, sketch.overlap(ga, gb) / figures, figures, smaller)


def names_comparable(a: Signature, b: Signature) -> bool:
    """Whether two texts' names can be told the same or not: both in English.  Figures alone
    make a rewrite only where they cannot (a translation into another script writes its
    names in it); two English reports of one event share its figures, not its names."""
    return a.english and b.english


def _nameless(sig: Signature) -> bool:
    """A text whose facts are all figures: written without capitals (Chinese, Arabic, Hindi),
    it has no names, and its name minima, over its figures alone, agree with another's over
    names and figures on few (8 figures against 31 facts: at most a quarter of them).  Never
    a text in English (asked first: it costs no array pass)."""
    return not sig.english and fingerprint.figures(sig.facts).size == sig.facts.size


def names_agreeing(query: Signature, stored: Sequence[Signature]) -> list[int]:
    """How many name MinHash minima each stored signature agrees on with the query's, all
    in one numpy pass (``restated_facts`` asks it of every candidate the words reject)."""
    if not stored:
        return []
    minima = np.concatenate([s.name_minima for s in stored]).reshape(len(stored), -1)
    return (minima == query.name_minima).sum(axis=1).tolist()


FIGURES_KNOWN, FIGURES_KEPT, FIGURES_REPLACED, FIGURES_REPLACED_LOOSELY = (
    FEATURES.index(f) for f in ("figures_known", "figures_kept", "figures_replaced", "figures_replaced_loosely")
)


def figures_other(features: np.ndarray) -> float | None:
    """How much of a pair's figures are other figures, from its ``pair_features``: the
    smaller of the share replaced by others in the sentences and their best counterparts
    (restated however loosely: ``figures_replaced_loosely``) and the share of the figures of
    the text with more not found in the other; None when the text with fewer holds fewer
    than ``FIGURES_RESTATED`` (a share of two or three says little).  A templated report on
    another day or town restates the template with its figures replaced and keeps few of
    them (the sentences telling its event differ in most of their words, and are seldom
    restated); an update changes some, in some sentences, and keeps most."""
    known = features[FIGURES_KNOWN]
    if known * FACT_CONFIDENCE < FIGURES_RESTATED:
        return None
    return float(min(features[FIGURES_REPLACED_LOOSELY], 1.0 - features[FIGURES_KEPT] / known))


def added(copy: Signature, source: Signature) -> tuple[float, int]:
    """What a copy adds to its source: the share of its word 3-grams not found in the
    source, and how many figures of its fact sketch the source's lacks (of the parts of the
    sketches that can be compared)."""
    cs, ss = sketch.comparable(copy.shingles, source.shingles, SHINGLE_SKETCH)
    new_words = 1.0 - sketch.overlap(cs, ss) / cs.size if cs.size else 0.0
    cf, sf = sketch.comparable(copy.facts, source.facts, FACT_SKETCH)
    cg, sg = fingerprint.figures(cf), fingerprint.figures(sf)
    return new_words, int(cg.size - sketch.overlap(cg, sg))


def _share_of_larger(a: np.ndarray, b: np.ndarray) -> float:
    larger = max(a.size, b.size)
    return sketch.overlap(a, b) / larger if larger else 0.0


def _known_and_kept(a: np.ndarray, b: np.ndarray, *, both_ways: bool = False) -> tuple[float, float]:
    """How sure the smaller set's size makes a share of it (0-1), and that times the share
    of it found in the other (both 0 when either set is empty); ``both_ways``: times the
    smaller of the two sets' shares found in the other (what they share over the larger).
    Figures are kept both ways: a copy keeps its source's figures and adds few, while an
    independent report of one event, or a feature on one study, tells the event's few
    figures (nearly all of its own kept) among many of its own, or the source's few among
    many of the source's."""
    smaller = min(a.size, b.size)
    if not smaller:
        return 0.0, 0.0
    known = min(smaller, FACT_CONFIDENCE) / FACT_CONFIDENCE
    return known, known * sketch.overlap(a, b) / (max(a.size, b.size) if both_ways else smaller)


@dataclass(frozen=True, slots=True)
class Decision:
    """A logistic regression over ``FEATURES``: the probability that a pair is a copy."""

    weights: np.ndarray
    bias: float
    version: str = "unfitted"
    fitted_on: tuple[str, ...] = ()

    def probability(self, features: np.ndarray) -> float:
        z = float(features @ self.weights) + self.bias
        return 1.0 / (1.0 + math.exp(-z)) if z > -700 else 0.0

    def to_json(self) -> str:
        doc = {
            "version": self.version,
            "model": "logistic regression",
            "features": list(FEATURES),
            "weights": [round(float(w), 6) for w in self.weights],
            "bias": round(self.bias, 6),
            "fitted_on": list(self.fitted_on),
            "refit": "make fit-decision",
        }
        return json.dumps(doc, indent=2) + "\n"

    @classmethod
    def from_json(cls, text: str) -> Decision:
        doc = json.loads(text)
        if list(doc.get("features", ())) != list(FEATURES):
            raise ValueError(f"decision model features {doc.get('features')} are not this version's {list(FEATURES)}")
        weights = np.array(doc["weights"], dtype=np.float64)
        return cls(weights, float(doc["bias"]), str(doc.get("version", "")), tuple(doc.get("fitted_on", ())))


@cache
def load_decision(path: Path | None = None) -> Decision:
    """The model at ``path``, else the one shipped in ``config/``."""
    if path is not None:
        return Decision.from_json(Path(path).read_text(encoding="utf-8"))
    return Decision.from_json(resources.files("worker.config").joinpath(DEFAULT_MODEL).read_text(encoding="utf-8"))
