"""The pair features and the fitted decision (worker/core/decision.py), and its fitting."""

from __future__ import annotations

import json

import numpy as np
import pytest

from benchmarks.fit import NEUTRAL, Pairs, fit_logistic, label_pairs
from benchmarks.metrics import Truth
from worker.core import sketch
from worker.core.decision import (
    FEATURES,
    SIDES,
    Decision,
    figures_other,
    load_decision,
    names_agreeing,
    pair_features,
    restated_facts,
)
from worker.core.fingerprint import SHINGLE_SKETCH, signature
from worker.core.normalise import normalise
from worker.core.outline import Outline, alignments
from worker.core.vocabulary import is_figure

STORY = (
    "Norhaven city council voted 31 to 9 on Tuesday to extend the Harbour tram line to Kelby Fields. "
    "The extension will cost 412 million euros, of which the national transport fund pays 60 percent. "
    "Mayor Ingrid Solberg called the vote the most important transport decision in a generation. "
    "Councillor Pieter Vaag warned that tram projects in other cities had run over budget by a third. "
    "Residents of Lindholm asked for noise barriers and a footbridge, and the council set aside 14 million euros. "
    "The Harbour line opened in 2011 and carries around 48,000 passengers on an average weekday."
)


def features(a: str, b: str) -> dict[str, float]:
    sa, sb = signature(normalise(a)), signature(normalise(b))
    verbatim = sketch.containment(sa.shingles, sb.shingles, SHINGLE_SKETCH)
    from worker.core.fingerprint import CONTENT_SKETCH, hamming

    content = sketch.containment(sa.content, sb.content, CONTENT_SKETCH)
    values = pair_features(sa, sb, distance=hamming(sa.simhash, sb.simhash), verbatim=verbatim, content=content)
    assert values.shape == (len(FEATURES),)
    return dict(zip(FEATURES, values.tolist(), strict=True))


def test_a_partial_copy_is_contained_one_way_only():
    half = STORY.split(". Councillor")[0] + "."
    f = features(half, STORY)
    assert f["verbatim"] == pytest.approx(1.0) and f["verbatim_other"] < 0.6
    assert f["alignment"] == pytest.approx(1.0) and f["alignment_other"] < 0.7
    assert f["names_replaced"] == f["figures_replaced"] == 0.0
    assert f == features(STORY, half)  # the same whichever text arrives first


def test_figures_are_kept_both_ways_and_names_from_the_text_with_fewer():
    """A report telling four of the story's seven figures and none of its own keeps every
    figure it has, and the story four of seven: figures are kept both ways (an independent
    report tells an event's few figures among the source's many).  Its names and figures
    together, all in the story, are kept in full from the text with fewer."""
    report = (
        "Norhaven's council backed the Kelby Fields tram by 31 votes on Tuesday, at a cost of 412 million "
        "euros. Mayor Ingrid Solberg and Councillor Pieter Vaag spoke. The Harbour line opened in 2011."
    )

    def figures(text: str) -> set[str]:  # as the fact sketch keeps them: one character is too short
        return {w for w in normalise(text).words if is_figure(w) and len(w) > 1}

    assert figures(report) < figures(STORY)
    f = features(report, STORY)
    assert f["figures_kept"] / f["figures_known"] == pytest.approx(len(figures(report)) / len(figures(STORY)))
    assert f["facts_kept"] == pytest.approx(f["facts_known"])
    assert f == features(STORY, report)
    whole = features(STORY, STORY)
    assert whole["figures_kept"] == whole["figures_known"] > 0


def test_names_and_figures_put_in_place_of_others_are_told_apart():
    other_town = (
        STORY.replace("Norhaven", "Ostburg").replace("Kelby Fields", "Marrow Hill").replace("Lindholm", "Veste")
    )
    other_figures = STORY.replace("412", "380").replace("60 percent", "45 percent").replace("48,000", "52,000")
    towns, figures = features(other_town, STORY), features(other_figures, STORY)
    assert towns["names_replaced"] > 0.2 and towns["figures_replaced"] == 0.0
    assert figures["figures_replaced"] > 0.2 and figures["names_replaced"] == 0.0
    assert towns["verbatim_names_replaced"] == pytest.approx(towns["verbatim"] * towns["names_replaced"])
    # Names only added (a dateline, an agency) replace nothing.
    dateline = features("NORHAVEN, May 3 (Meridian Wire) - " + STORY, STORY)
    assert dateline["names_replaced"] == 0.0 and dateline["verbatim"] == pytest.approx(1.0)


def test_alignments_count_replaced_facts_only_in_restated_sentences():
    source = Outline.from_sentences([["Halden", "recall", "airbag", "suv", "42"], ["company", "said", "Veltra"]])
    swapped = Outline.from_sentences([["Torvik", "recall", "airbag", "suv", "42"], ["company", "said", "Veltra"]])
    unrelated = Outline.from_sentences([["orchestra", "Tanabe", "conductor"], ["season", "concert", "Monday"]])
    a = alignments(source, swapped)
    assert (
        a.names_replaced == pytest.approx(1 / 2) and a.figures_replaced == 0.0
    )  # Halden for Torvik: one of the two restated sentences with names swaps one
    # Names count by sentence: an entity swapped for one sharing a word is one swap.
    bank = Outline.from_sentences(
        [["fined", "Quayline", "Bank", "million", "controls"], ["bank", "accepted", "findings"]]
    )
    other = Outline.from_sentences(
        [["fined", "Tamsin", "Savings", "Bank", "million", "controls"], ["bank", "accepted", "findings"]]
    )
    assert alignments(bank, other).names_replaced == 1.0  # by word: Quayline of {Quayline, Bank}, 1/2
    # A day is a figure of time: a day later is a figure replaced, not a name.
    later = Outline.from_sentences([["Halden", "recall", "airbag", "suv", "42"], ["company", "said", "Friday"]])
    next_day = Outline.from_sentences([["Halden", "recall", "airbag", "suv", "42"], ["company", "said", "Saturday"]])
    day = alignments(later, next_day)
    assert day.names_replaced == 0.0 and day.figures_replaced == pytest.approx(1 / 2)
    assert alignments(source, unrelated).names_replaced == 0.0  # nothing restated: nothing replaced
    assert alignments(source, source).names_replaced == 0.0 and alignments(source, source).short == pytest.approx(1.0)


def test_figures_are_counted_loosely_in_sentences_that_share_a_word_or_two():
    # A templated report's lead filled with another event: its time, day, month and place change
    # so many words that the sentence is not restated, and its figures are other figures.
    lead = Outline.from_sentences([["fire", "broke", "house", "Carrowby", "240am", "Tuesday", "February", "said"]])
    other = Outline.from_sentences(
        [["man", "rescued", "fire", "broke", "flat", "Pellston", "1115pm", "Saturday", "July", "said"]]
    )
    a = alignments(lead, other)
    assert a.short < 0.3 and a.figures_replaced == 0.0
    assert a.figures_replaced_loosely == 1.0
    # Sentences with nothing in common are not compared.
    unrelated = Outline.from_sentences([["orchestra", "named", "conductor", "1115pm"]])
    assert alignments(lead, unrelated).figures_replaced_loosely == 0.0


def test_what_two_texts_share_outside_the_sentences_they_share():
    closing = [["charity", "volunteer", "answer", "call", "year"], ["advice", "line", "0800", "316", "7744"]]
    one = Outline.from_sentences([["family", "rescued", "sandbank", "Kelby", "tide", "shells"], *closing])
    other = Outline.from_sentences([["climbers", "brought", "Gorrow", "Ridge", "fell", "metres"], *closing])
    a = alignments(one, other)
    # The fixed closing sentences are shared; the leads and the rest are not.
    assert a.lead == 0.0 and a.rest == 0.0 and a.rest_facts == 1.0  # two names each: too few to tell
    # A copy shares its words throughout, and its lead: nothing is left outside to compare.
    assert alignments(one, one).lead == 1.0 and alignments(one, one).rest == 1.0
    reworded = Outline.from_sentences([["family", "rescued", "Kelby", "sandbank", "tide"], *closing])
    assert alignments(one, reworded).lead > 0.5 and alignments(one, reworded).rest == 1.0
    # Facts outside the shared sentences, all of them another event's: none kept.
    lead = ["Harlow", "Road", "closed", "Kestle", "Bridge", "Monday", "22", "April"]
    other_lead = ["Tregarrow", "bypass", "closed", "Penhallow", "Quay", "Monday", "29", "April"]
    road = Outline.from_sentences([lead, ["Meridian", "Utilities", "gas", "main", "replace"], *closing])
    other_road = Outline.from_sentences([other_lead, ["Kestrel", "Civil", "bridge", "joints", "repair"], *closing])
    assert alignments(road, other_road).rest_facts == pytest.approx(2 / 8)  # Monday and April
    # The words of the sentences shared word for word: the two closing ones, 10 of the 16.
    assert a.same == pytest.approx(10 / 16) and alignments(road, other_road).same == pytest.approx(10 / 23)
    assert alignments(one, reworded).same == pytest.approx(10 / 15) and alignments(one, one).same == 1.0
    unshared = Outline.from_sentences([["climbers", "brought", "Gorrow", "Ridge", "fell", "metres"]])
    assert alignments(one, unshared).same == 0.0


def test_figures_other_are_replaced_in_restated_sentences_and_not_kept():
    # Every figure of the story changed but the year: the same sentences, other figures.
    other = STORY
    for old, new in (("31 to 9", "27 to 13"), ("412", "388"), ("60", "45"), ("14", "9"), ("48,000", "51,000")):
        other = other.replace(old, new)
    values = np.array(list(features(other, STORY).values()))
    assert figures_other(values) >= 0.5
    # One figure changed (an update) leaves most of them as they were.
    updated = np.array(list(features(STORY.replace("48,000", "51,000"), STORY).values()))
    assert figures_other(updated) < 0.3
    # A text with fewer than five figures tells too little either way.
    few = "Norhaven council voted 31 to 9 on Tuesday to extend the Harbour tram line."
    assert figures_other(np.array(list(features(few.replace("31 to 9", "27 to 13"), few).values()))) is None


def test_name_minima_agreeing_are_counted_for_all_candidates_at_once():
    story = signature(normalise(STORY))
    others = [signature(normalise(t)) for t in (STORY.replace("Norhaven", "Ostburg"), STORY[:200], "Nothing alike.")]
    each = [int(np.count_nonzero(story.name_minima == o.name_minima)) for o in others]
    assert names_agreeing(story, others) == each and each[0] > each[2]
    assert names_agreeing(story, []) == []
    for other, agreeing in zip(others, each, strict=True):
        assert restated_facts(story, other, agreeing=agreeing) == restated_facts(story, other)


def test_the_decision_is_a_logistic_regression_read_from_json():
    weights = np.zeros(len(FEATURES))
    weights[FEATURES.index("content")] = 4.0
    model = Decision(weights, -2.0, "test", ("a/tune",))
    x = np.zeros(len(FEATURES))
    assert model.probability(x) == pytest.approx(1 / (1 + np.exp(2.0)))
    x[FEATURES.index("content")] = 1.0
    assert model.probability(x) == pytest.approx(1 / (1 + np.exp(-2.0)))
    again = Decision.from_json(model.to_json())
    assert np.array_equal(again.weights, model.weights) and again.bias == -2.0 and again.fitted_on == ("a/tune",)
    doc = json.loads(model.to_json())
    doc["features"] = doc["features"][:-1]
    with pytest.raises(ValueError, match="features"):
        Decision.from_json(json.dumps(doc))


def test_the_shipped_model_is_fitted_and_weighs_evidence_the_right_way():
    model = load_decision()
    assert model.version != "unfitted" and model.fitted_on and len(model.weights) == len(FEATURES)
    w = dict(zip(FEATURES, model.weights.tolist(), strict=True))
    assert w["content"] > 0 and w["alignment"] > 0 and w["facts_kept"] > 0
    assert w["figures_replaced"] < 0
    # Names swapped weigh against a copy where the words are alike (the strongest cases are
    # settled before the model, by ``names_swapped``, and left out of the fit).
    assert w["names_replaced"] + w["verbatim_names_replaced"] < 0
    assert NEUTRAL.probability(np.ones(len(FEATURES))) == 0.5


def test_fitting_finds_the_feature_that_separates_and_weighs_streams_alike():
    rng = np.random.default_rng(1)
    x = rng.random((400, 12))  # one feature decides, eleven are noise
    y = x[:, 2] > 0.5
    weights, bias = fit_logistic(Pairs(x, y))
    assert weights[2] == max(weights) and weights[2] > 5 and abs(bias + weights[2] / 2) < 1.0
    joined = Pairs.join([Pairs(x[:300], y[:300]), Pairs(x[300:], y[300:])])
    assert joined.weights[:300].sum() == pytest.approx(joined.weights[300:].sum())


def test_the_fit_keeps_each_weight_on_its_side():
    # Two features moving together, the second a little noisier: unconstrained, the fit
    # gives it a negative weight; held to the side of a copy, it weighs nothing.
    rng = np.random.default_rng(2)
    first = rng.random(600)
    x = np.column_stack([first, first + 0.3 * rng.normal(size=600), rng.random(600)])
    y = first + 0.2 * rng.normal(size=600) - 0.3 * x[:, 1] > 0.3
    free, _ = fit_logistic(Pairs(x, y))
    held, _ = fit_logistic(Pairs(x, y), sides=(1, 1, -1))
    assert free[1] < -0.5
    assert held[0] > 1.0 and held[1] == 0.0 and held[2] <= 0.0
    assert tuple(SIDES) == FEATURES and set(SIDES.values()) <= {-1, 0, 1, None}


def test_pairs_are_copies_only_within_a_copy_s_family():
    truth = [Truth("a", "original", "a"), Truth("b", "rewrite", "a"), Truth("c", "original", "c", hard_negative=True)]
    f = np.zeros(len(FEATURES))
    pairs = label_pairs([("b", "a", f), ("c", "a", f), ("c", "b", f), ("b", "gone", f)], truth)
    assert pairs.copies.tolist() == [True, False, False]
