"""Fit the decision (``worker/core/decision.py``) on labelled pairs, leave one stream out.

Pairs are what the worker weighs: every candidate that passes the cheap gates, with its
features, labelled a copy when the article truly derives from the candidate's family.  They
come from the ``tune`` halves only.  For each stream a model is fitted on every *other*
stream's pairs and scored on that stream's ``heldout`` half, so each reported score is on a
kind of data the model never saw (``run.py``).  The shipped model (``config/decision.json``)
is fitted on every fitting stream's tune half:

    make fit-decision        # = python -m benchmarks.fit --shared ../shared

A logistic regression with an L2 penalty, fitted by L-BFGS-B (SciPy): a dozen features and a
few thousand pairs need nothing more.  Each weight stays on its feature's side (``decision.SIDES``), and every pair with no fact replaced
is also fitted without its facts (``with_fact_blind``), so texts with few names and figures are
judged by their words.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields, replace
from pathlib import Path

import numpy as np

from benchmarks.metrics import Truth
from benchmarks.streams import Stream
from worker.core.classify import Thresholds, shares_boilerplate
from worker.core.decision import FEATURES, FIGURES_ALONE, SIDES, Decision, figures_other
from worker.core.outline import NOTHING_TOLD, Told, told

L2 = 1.0
NAMES_SWAPPED = next(f.default for f in fields(Thresholds) if f.name == "names_swapped")
FACTS_RESTATED = next(f.default for f in fields(Thresholds) if f.name == "facts_restated")
FIGURES_RESTATED = next(f.default for f in fields(Thresholds) if f.name == "figures_restated")
FIGURES_SWAPPED = next(f.default for f in fields(Thresholds) if f.name == "figures_swapped")
UPDATE_FACTS = next(f.default for f in fields(Thresholds) if f.name == "update_facts")
UPDATE_WORDS = next(f.default for f in fields(Thresholds) if f.name == "update_words")
UPDATE_WORDS_INSIDE = next(f.default for f in fields(Thresholds) if f.name == "update_words_inside")
SWAPPED = FEATURES.index("verbatim_names_replaced")
# Streams reported but never fitted on: the seeds are the acceptance example, MSRP
# non-paraphrase compositions restate each other (``streams.msrp_negatives_stream``), and
# translations (both streams) and the paraphrases stream share next to no words with their sources: the
# lexical decision is not for them, and they measure the semantic stage, fitted on neither;
# the updates stream checks the line between a duplicate and an update, drawn without it;
# the streams helpers wrote after the decision (news-c, the -b to -g ones) measure what it
# and the rules before it do on copies and look-alikes none of them was read from.
NOT_FITTED = (
    "seeds", "msrp-negatives", "translations", "scripts", "paraphrases", "updates", "news-c", "student-b",
    "templates-b", "flashes-b", "templates-c", "flashes-c", "templates-d", "flashes-d", "templates-e",
    "flashes-e", "templates-f", "templates-g", "flashes-f", "flashes-g", "updates-d",
    "updates-e", "updates-f", "updates-g", "updates-h", "news-d", "student-c", "flashes-h", "updates-i", "flashes-i",
    "flashes-j", "languages", "languages-b", "republished", "languages-c", "wire", "wire-b",
)  # fmt: skip
MODEL_PATH = Path(__file__).resolve().parents[1] / "config" / "decision.json"


@dataclass
class Pairs:
    features: np.ndarray  # (pairs, len(FEATURES))
    copies: np.ndarray  # bool per pair: the article derives from the candidate's family
    weights: np.ndarray | None = None  # per pair, in the log loss (None: 1 each)

    @classmethod
    def join(cls, parts: Sequence[Pairs]) -> Pairs:
        """The pairs of several streams, each stream weighing the same in all (its pairs
        share the mean number of pairs a stream has): a stream with many easy pairs does
        not drown one with few hard ones."""
        parts = [p for p in parts if len(p.copies)]
        if not parts:
            return cls(np.empty((0, len(FEATURES))), np.empty(0, dtype=bool), np.empty(0))
        mean = sum(len(p.copies) for p in parts) / len(parts)
        weights = np.concatenate([np.full(len(p.copies), mean / len(p.copies)) for p in parts])
        return cls(np.vstack([p.features for p in parts]), np.concatenate([p.copies for p in parts]), weights)


def label_pairs(weighed: Sequence[tuple[str, str, np.ndarray]], truth: Sequence[Truth]) -> Pairs:
    """(article id, candidate id, features) -> labelled pairs."""
    by_id = {t.article_id: t for t in truth}
    copies = [
        by_id[a].label != "original" and by_id[c].family == by_id[a].family for a, c, _ in weighed if c in by_id
    ]  # fmt: skip
    rows = [f for _, c, f in weighed if c in by_id]
    return Pairs(np.array(rows).reshape(len(rows), len(FEATURES)), np.array(copies, dtype=bool))


def fit_logistic(
    pairs: Pairs, l2: float = L2, sides: Sequence[int | None] | None = None
) -> tuple[np.ndarray, float]:  # fmt: skip
    """Weights and bias minimising the (weighted) log loss plus ``l2`` times the weights'
    squared norm (the bias unpenalised), each weight kept on its side (``sides``: +1 at
    least 0, -1 at most 0, 0 free, None 0): L-BFGS-B (SciPy), which takes such bounds.  A fit that
    does not converge raises RuntimeError."""
    from scipy.optimize import minimize
    from scipy.special import expit

    x = np.hstack([pairs.features, np.ones((len(pairs.copies), 1))])
    y = pairs.copies.astype(np.float64)
    weight = np.ones(len(y)) if pairs.weights is None else pairs.weights
    penalty = np.full(x.shape[1], l2)
    penalty[-1] = 0.0
    side = [0] * (x.shape[1] - 1) if sides is None else list(sides)
    bounds = [
        (0.0, 0.0) if s is None else (0.0, None) if s > 0 else (None, 0.0) if s < 0 else (None, None) for s in side
    ]
    bounds.append((None, None))

    def loss(w: np.ndarray) -> tuple[float, np.ndarray]:
        z = x @ w
        value = weight @ (np.logaddexp(0.0, z) - y * z) + 0.5 * penalty @ (w * w)
        return float(value), x.T @ (weight * (expit(z) - y)) + penalty * w

    fitted = minimize(loss, np.zeros(x.shape[1]), jac=True, method="L-BFGS-B", bounds=bounds,
                      options={"maxiter": 2000, "ftol": 1e-14, "gtol": 1e-9})  # fmt: skip
    if not fitted.success:
        raise RuntimeError(f"the decision's fit did not converge: {fitted.message}")
    return fitted.x[:-1], float(fitted.x[-1])


def weighed(pairs: Pairs, names_swapped: float = NAMES_SWAPPED) -> Pairs:
    """The pairs the decision weighs: not those the names-swapped rule settles first.  Pairs
    with other figures (``decision.figures_other``) stay: that rule is a backstop, and the
    decision still learns from them that replaced figures tell against a copy (without them
    it weighs replaced figures a third as much, and fitted on the held-out halves it calls one
    more same-event report of the paraphrases stream a copy)."""
    keep = pairs.features[:, SWAPPED] < names_swapped
    return Pairs(pairs.features[keep], pairs.copies[keep])


FACTS = [FEATURES.index(f) for f in ("facts_known", "facts_kept", "figures_known", "figures_kept")]
REPLACED = [
    FEATURES.index(f)
    for f in (
        "names_replaced", "figures_replaced", "figures_replaced_loosely", "verbatim_names_replaced",
        "verbatim_figures_replaced",
    )
]  # fmt: skip
# How much a fact-blind pair weighs against the pair it is made from.  More weighs the words
# more: from 0.6 the same-event report of tests/unit/test_classify.py is called a copy, and
# held out concepts gains what student loses (1.0: 0.897 / 0.820 derived-F1; 0.3: 0.884 /
# 0.839); 0.1 loses concepts (0.815).
FACT_BLIND_WEIGHT = 0.3


def with_fact_blind(parts: Sequence[Pairs], weight: float = FACT_BLIND_WEIGHT) -> Pairs:
    """The pairs of several streams (``Pairs.join``) and, after them, each pair with no name
    or figure replaced as it would be if its texts held no names or figures (the facts
    features 0, the label the same), weighing ``weight`` times the pair it is made from.
    Texts with few facts are common (an essay on a concept, a short flash) while most fitting
    pairs are news, full of them, so without these the fitted decision reads "no facts kept"
    as evidence against a copy and asks near-identity of texts without facts."""
    joined = Pairs.join(parts)
    keep = joined.features[:, REPLACED].max(axis=1) == 0
    blind = joined.features[keep].copy()
    blind[:, FACTS] = 0.0
    return Pairs(
        np.vstack([joined.features, blind]),
        np.concatenate([joined.copies, joined.copies[keep]]),
        np.concatenate([joined.weights, joined.weights[keep] * weight]),
    )


def fit(pairs_by_stream: Mapping[str, Pairs], version: str, leave_out: str | None = None) -> Decision:
    """A model fitted on every fitting stream's pairs but ``leave_out``'s, with their
    fact-blind copies (``with_fact_blind``), each weight on its feature's side (``SIDES``)."""
    used = sorted(name for name in pairs_by_stream if name != leave_out and name not in NOT_FITTED)
    joined = with_fact_blind([weighed(pairs_by_stream[n]) for n in used])
    weights, bias = fit_logistic(joined, sides=tuple(SIDES.values()))
    return Decision(weights, bias, version, tuple(f"{n}/tune" for n in used))


# Collecting pairs with a model that finds every pair even (probability one half, a copy at
# the default cut-off) weighs every candidate that passes the gates, whatever model ships.
NEUTRAL = Decision(np.zeros(len(FEATURES)), 0.0, "neutral")


def collect(streams: Sequence[Stream]) -> dict[str, Pairs]:
    """The weighed pairs of each stream's tune half."""
    from benchmarks.run import ProjectDetector
    from worker.settings import Settings

    out: dict[str, Pairs] = {}
    for stream in streams:
        if stream.split != "tune":
            continue
        nothing_vetoed = Settings(
            copy_probability=0.5, names_swapped=1.0, figures_swapped=2.0, boilerplate_lead=0.0,
            boilerplate_lead_shared=0.0, slot_facts=0.0, flash_sentences=0,
        )  # fmt: skip
        ours = ProjectDetector(nothing_vetoed, NEUTRAL)
        for raw in stream.messages():
            ours.label_message(raw)
        out[stream.name] = label_pairs(ours.weighed, stream.truth)
    return out


def facts_restated(streams: Sequence[Stream]) -> tuple[tuple[float, int, int], tuple[float, int, int]]:
    """Of the candidate pairs of the tune halves the words do not make copies, those that
    ``decision.restated_facts`` measures (enough names and figures, agreeing names): scored
    by the smaller of their two shares kept (what ``COPYDESK_FACTS_RESTATED`` cuts), and,
    of those with ``FIGURES_ALONE`` figures or more and names that cannot be compared
    (``decision.names_comparable``), by the share of figures kept (what
    ``COPYDESK_FIGURES_RESTATED`` cuts).  For each: the most a non-copy scores, how many
    copies there are and how many score more."""
    from benchmarks.run import ProjectDetector
    from worker.core.classify import Label
    from worker.core.decision import FACT_CONFIDENCE, FIGURES_ALONE, names_comparable, restated_facts
    from worker.settings import Settings

    both: list[tuple[bool, float]] = []
    alone: list[tuple[bool, float]] = []
    for stream in streams:
        if stream.split != "tune":
            continue
        by_id = {t.article_id: t for t in stream.truth}
        ours = ProjectDetector(Settings(facts_restated=2.0, figures_restated=2.0))  # the rules off: every pair seen
        for raw in stream.messages():
            labelled = ours.label_message(raw)
            entry = ours.detector.index.get(labelled.article_id) if labelled is not None else None
            if entry is None or labelled.label != "original":
                continue  # a copy of another candidate (its other verdicts need not say "no copy")
            article = by_id[entry.article_id]
            for c, verdict in ours._seen:
                restated = restated_facts(entry.signature, c.signature) if c.article_id in by_id else None
                if verdict.label is Label.ORIGINAL and restated is not None:
                    copy = article.label != "original" and by_id[c.article_id].family == article.family
                    if restated.fact_count >= FACT_CONFIDENCE:
                        both.append((copy, min(restated.facts, restated.figures)))
                    if restated.figure_count >= FIGURES_ALONE and not names_comparable(entry.signature, c.signature):
                        alone.append((copy, restated.figures))

    def summary(scores: list[tuple[bool, float]]) -> tuple[float, int, int]:
        most = max((x for copy, x in scores if not copy), default=0.0)
        return most, sum(copy for copy, _ in scores), sum(copy and x > most for copy, x in scores)

    return summary(both), summary(alone)


def added_by_duplicates(streams: Sequence[Stream]) -> tuple[Told, int]:
    """Of the true duplicates of the fitting streams' tune halves found as copies, the most
    names and figures one adds in sentences about its source's story
    (``outline.told``, what ``COPYDESK_UPDATE_FACTS`` cuts), the most other words one
    such sentence adds (the same, what ``COPYDESK_UPDATE_WORDS`` cuts) and one sentence
    inside the story (what ``COPYDESK_UPDATE_WORDS_INSIDE`` cuts), and how many duplicates
    there are."""
    from benchmarks.run import ProjectDetector
    from worker.settings import Settings

    added: list[Told] = []
    for stream in streams:
        if stream.split != "tune" or stream.name in NOT_FITTED:
            continue
        by_id = {t.article_id: t for t in stream.truth}
        settings = Settings(update_facts=0, update_words=0, update_words_inside=0)
        ours = ProjectDetector(settings)
        for raw in stream.messages():
            labelled = ours.label_message(raw)
            if labelled is None or labelled.matched_id is None or by_id[labelled.article_id].label != "duplicate":
                continue
            copy, source = (ours.detector.index.get(i).signature for i in (labelled.article_id, labelled.matched_id))
            added.append(told(copy.outline, source.outline, settings.flash_sentences))
    return Told(*(max(values) for values in zip(*added, strict=True))) if added else NOTHING_TOLD, len(added)


def swapped(streams: Sequence[Stream]) -> list[Stream]:
    """The streams with their halves exchanged (a stream with one half, "all", as it is): the
    held-out halves fitted on and the tune halves scored, a second leave-one-stream-out
    estimate from the same texts (``copydesk eval --swap-halves``).  Where the two estimates
    part, a stream's score hangs on which texts the other streams fitted on."""
    other = {"tune": "heldout", "heldout": "tune"}
    return [replace(s, split=other.get(s.split, s.split)) for s in streams]


def all_streams(shared: Path) -> list[Stream]:
    from benchmarks.streams import build_streams
    from benchmarks.written import written_streams

    return build_streams(shared) + written_streams(shared)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.fit", description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", default="../shared", help="the shared folder (corpora for the background articles)")
    parser.add_argument("--version", default="15", help="the version written into the model file")
    parser.add_argument("--out", default=str(MODEL_PATH))
    args = parser.parse_args(argv)
    streams = all_streams(Path(args.shared))
    pairs = collect(streams)
    model = fit(pairs, args.version)
    Path(args.out).write_text(model.to_json(), encoding="utf-8")
    sys.stdout.write(f"{'stream':16} {'pairs':>6} {'copies':>6}\n")
    for name, p in sorted(pairs.items()):
        sys.stdout.write(
            f"{name:16} {len(p.copies):6d} {int(p.copies.sum()):6d}{'  (not fitted)' if name in NOT_FITTED else ''}\n"
        )
    sys.stdout.write("\n" + "\n".join(f"{n:16} {w:+.3f}" for n, w in zip(FEATURES, model.weights, strict=True)))
    sys.stdout.write(f"\n{'bias':16} {model.bias:+.3f}\nwritten to {args.out}\n")
    fitted = Pairs.join([p for n, p in pairs.items() if n not in NOT_FITTED])
    highest = fitted.features[fitted.copies, SWAPPED].max(initial=0.0)
    sys.stdout.write(f"names swapped: at most {highest:.3f} in a true copy (cut-off {NAMES_SWAPPED})\n")
    other = np.array([-1.0 if (x := figures_other(f)) is None else x for f in fitted.features])
    vetoed = other >= FIGURES_SWAPPED
    sys.stdout.write(
        f"figures other: {int((vetoed & ~fitted.copies).sum())} non-copies and {int((vetoed & fitted.copies).sum())} "
        f"true copies at or above the cut-off ({FIGURES_SWAPPED})\n"
    )
    every = Pairs.join(list(pairs.values()))
    boilerplate = np.array([shares_boilerplate(f, Thresholds()) for f in every.features], dtype=bool)
    sys.stdout.write(
        f"boilerplate rule, of every stream's pairs: {int((boilerplate & ~every.copies).sum())} non-copies and "
        f"{int((boilerplate & every.copies).sum())} true copies meet it\n"
    )
    (most, copies, above), (most_alone, copies_alone, above_alone) = facts_restated(streams)
    sys.stdout.write(
        f"facts restated, of pairs the words do not make copies: at most {most:.3f} in a non-copy; "
        f"{above} of {copies} copies above it (cut-off {FACTS_RESTATED})\n"
        f"figures restated, of those with {FIGURES_ALONE} figures or more and a text not in English: at most {most_alone:.3f} in a non-copy; "
        f"{above_alone} of {copies_alone} copies above it (cut-off {FIGURES_RESTATED})\n"
    )
    most, duplicates = added_by_duplicates(streams)
    sys.stdout.write(
        f"facts added in sentences about the story: at most {most.facts} by any of {duplicates} duplicates "
        f"(cut-off {UPDATE_FACTS}); other words added in one such sentence: at most {most.words} (cut-off "
        f"{UPDATE_WORDS}), in one sentence inside the story: at most {most.inside} (cut-off {UPDATE_WORDS_INSIDE})\n"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
