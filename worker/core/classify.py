"""Verify a candidate against an article and decide the label.

Candidates come from shared lookup keys, which only say "maybe".  The signatures decide:

* a copy: the fitted decision (``decision.py``) finds the pair a copy with at least
  ``copy_probability``, weighing verbatim and content overlap both ways, sentence alignment
  both ways, names and figures kept or contradicted, and sizes.  Independent reports of one
  event share topic words and names too, but not sentence after sentence; templated reports
  and flashes of one wording share the sentences but not the names and figures.  Before
  any weighing, a pair whose shorter text is word for word the other's but for names put
  in place of others (verbatim containment times the share of the restated sentences with
  names that swap one, at least ``names_swapped``) is not a copy: a flash or a templated
  report on another event, another company, another town.  Nor is a pair most of whose
  figures are other figures (``decision.figures_other``, at least ``figures_swapped``: as
  many replaced in the sentences and their best counterparts, and as many not kept, of five
  figures or more): another day's weather, another draw, another quarter's results, another
  crash in one template.  Nor is a pair sharing a template's fixed sentences and little
  else (``outline.Alignments``): neither first sentence restated in the other (under
  ``boilerplate_lead``, or under ``boilerplate_lead_shared`` where the two share a sentence
  word for word) and, outside the sentences the two share, under ``boilerplate_rest`` of
  the words shared; or, of the names and figures each tells outside them, under
  ``slot_facts`` found in the other: another report in one agency's or council's format,
  its closing paragraph and helpline the same (the names and figures rule may still make it
  a rewrite: a translation shares no sentence); nor a flash worded alike with another figure
  (of ``flash_sentences`` sentences or fewer, a figure of a sentence restated replaced):
  another reading, count or price, and so too an update revising a flash's figure; nor,
  the same text but for a few words, one with a common noun of a sentence swapped for
  another (``outline.nouns_swapped``): another thing, "a pharmacy" for "a bakery"; unless
  the later of the two adds ``flash_words_added`` words more than it drops (names and
  figures aside, ``outline.words_added``): then it is an update, a rewrite, unless it puts
  a name in place of another too (weighed by the decision);
* a duplicate, of copies: the same text - fingerprints within ``duplicate_bits``, or most
  word 3-grams of the shorter text found in the longer (survives boilerplate, truncation, a
  paragraph more or less), unless the copy is an update (``_updated``: it replaces figures
  in the sentences it restates, adds ``update_figures`` figures with a fifth of its words
  new, tells ``update_facts`` names and figures in sentences about the story or
  ``update_words`` other words in one of them, or opens with a new lead, neither first
  sentence restated in the other at ``update_lead``); a rewrite, the other copies.  The
  same fingerprint with the same counts is a duplicate outright;
* a rewrite too, whatever the words: a pair whose smaller fact sketch holds at least 10
  names and figures, ``facts_restated`` of them kept and as large a share of at least 5
  figures, or ``figures_restated`` of at least 7 figures, one text not in English
  (``decision.restated_facts``): a translation, the same facts in other words (names in
  another script, only figures; two English reports of one event share its figures);
* otherwise not a copy.  A candidate sharing less than ``candidate_floor`` of either overlap
  is not weighed at all (the cheap containments settle it).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np

from worker.core import sketch
from worker.core.decision import (
    FACT_CONFIDENCE,
    FEATURES,
    FIGURES_ALONE,
    FIGURES_REPLACED,
    NAME_MINIMA_AGREEING,
    Decision,
    added,
    figures_other,
    load_decision,
    names_agreeing,
    names_comparable,
    pair_features,
    restated_facts,
)
from worker.core.fingerprint import CONTENT_SKETCH, SHINGLE_SKETCH, Signature, hamming
from worker.core.outline import nouns_swapped, told, words_added

NAMES_SWAPPED = FEATURES.index("verbatim_names_replaced")
NAMES_REPLACED = FEATURES.index("names_replaced")
LEAD, REST, REST_FACTS, SAME = (FEATURES.index(f) for f in ("lead", "rest", "rest_facts", "same"))


class Label(StrEnum):
    ORIGINAL = "original"
    DUPLICATE = "duplicate"
    REWRITE = "rewrite"


@dataclass(frozen=True, slots=True)
class Thresholds:
    duplicate_bits: int = 3
    duplicate_containment: float = 0.80
    min_content_features: int = 12
    candidate_floor: float = 0.20
    copy_probability: float = 0.50
    names_swapped: float = 0.34  # above every true copy of the tune halves (0.284): benchmarks/fit.py
    # Other figures: 82 non-copies of the tune halves (79 templated reports, 3 independent
    # reports) reach it, and 4 true copies (MSRP sentences giving other figures; an update or
    # heavy rewrite against a partial copy or update of one source), as benchmarks/fit.py
    # prints.  Above 1: never.
    figures_swapped: float = 0.5
    # A templated report sharing its template's fixed sentences and little else: written
    # from the templates_c stream, the facts cut-off with templates_d at hand; templates_e,
    # written after both, checks them (docs/quality.md).  Of 1,761 true copy pairs weighed in
    # all streams none reaches both lead and rest (a copy restates its source's lead, or
    # shares its words throughout), and one the facts cut-off, an MSRP composition at p 0.30.
    boilerplate_lead: float = 0.1
    boilerplate_rest: float = 0.4
    # The lead's cut-off when the two share a sentence word for word: a copy that does
    # restates its source's lead too (a partial copy, an update on top of its source), and a
    # templated report's lead is built like the others' with its own facts (restated under
    # ``outline.RESTATED``, 0.3).  Of the true copy pairs weighed in both halves of all
    # streams none meets it with the rest's cut-off; read with templates_d and templates_e
    # at hand (their reports calling one another copies), checked on templates_g, written
    # after it: its reports called copies 3 -> 0 of 21 held out, 6 -> 2 in its tune half.
    boilerplate_lead_shared: float = 0.3
    slot_facts: float = 0.3
    # A flash: of this many sentences or fewer (the shorter text), a figure replaced in a
    # sentence restated makes another flash, not an update.  No true copy of the streams
    # written before it is one; written from their flash pairs, checked on flashes_e, where
    # 4 of its 8 updates of flashes are, the trade docs/quality.md states.  So too, of two
    # flashes the same text but for a few words (``near``), a common noun swapped in a
    # sentence: read with every flash stream at hand, flashes_j written after it (quality.md).
    # 0: never.
    flash_sentences: int = 3
    # ... unless the later text adds this many more words than it drops (names and figures
    # aside): an update with a clause added.  Another flash of the streams swaps a word for a
    # word at most (none adds one); read with flashes_f at hand, whose updates of flashes it
    # turns from originals to rewrites, 2 of 4 held out, where the decision finds them copies;
    # checked on flashes_g, written after it: 2 of 6 in each half, no look-alike a copy.  Such
    # an update is a rewrite whatever the decision makes of its figures replaced, unless a name
    # is replaced too: of every stream's flash pairs with a figure replaced, the 14 adding 2
    # words or more are all updates, half of them under the decision's cut-off (read with
    # flashes_e to flashes_g at hand, docs/quality.md).
    flash_words_added: int = 2
    # Above the most a pair the words do not make a copy scores in the tune halves (0.688):
    # benchmarks/fit.py.  Above 1: never by names and figures alone.
    facts_restated: float = 0.72
    # Of ``decision.FIGURES_ALONE`` figures or more, the share kept that makes a rewrite by its
    # figures alone, one of the two not in English (names in another script cannot be
    # compared; two English texts' names can).  Above the most a pair the words do not make a
    # copy scores in the tune halves (0.400, as benchmarks/fit.py prints),
    # and the 0.625 of any two texts of different stories, every non-English text of the
    # written streams against every English one (docs/quality.md).  Above 1: never.
    figures_restated: float = 0.85
    # Figures a copy of most of its source's words adds, with a new lead or paragraph, that
    # make it an update (a rewrite), not a republication.  0: never.
    update_figures: int = 2
    # Names and figures a copy of most of its source's words tells, in sentences about the
    # story, that the source lacks (``outline.told``): an update.  Above the 2 a
    # republication of the tune halves adds at most (``make fit-decision`` prints it).  0: never.
    update_facts: int = 3
    # Other words one such sentence tells that the source lacks (``outline.told``): a
    # sentence of news.  Two above the 4 a republication of any stream's two halves adds at
    # most, a line about a related story (``make fit-decision`` prints it); read with every
    # stream at hand.  0: never.
    update_words: int = 6
    # ... or one sentence inside the story (between two of the source's, in a paragraph with
    # one, or in a flash's one paragraph: ``outline.told``), in a copy as long as most of its
    # source (not a part of it, as a student's cut copy with a sentence of its own is): a
    # sentence of news added to a paragraph, which shares few of the story's words.  One above the 3 a republication's
    # caption or inline teaser adds there, of every stream's two halves; read with the updates
    # streams at hand (docs/quality.md).  0: never.
    update_words_inside: int = 4
    # A copy of most of its source's words, as long as most of it (``duplicate_containment``
    # of its content features: not a part of it) and longer than a flash, whose first
    # sentence and its source's have no counterpart restating this much of them
    # (``outline.Alignments.lead``): a new lead, the source's rewritten or gone (an agency's
    # write-through), an update.  A republication keeps its source's lead or edits a word or
    # two of it ("contained" made "brought under control" in a lead of 15 words scores 0.7);
    # a new lead keeps under half its words however many of the story's it reuses.  Read
    # with every stream at hand: the new leads of the updates, news and updates_d streams
    # score 0.15-0.54, no republication of an article under 0.7 (a student's cut copy, part
    # of its source, 0.3).  0: never.
    update_lead: float = 0.6
    decision: Decision = field(default_factory=load_decision, compare=False)


@dataclass(frozen=True, slots=True)
class Verdict:
    label: Label
    distance: int
    similarity: float
    features: np.ndarray | None = field(default=None, compare=False, repr=False)  # what was weighed


IDENTICAL = Verdict(Label.DUPLICATE, 0, 1.0)  # the same fingerprint and counts: nothing is more similar


@dataclass(frozen=True, slots=True)
class Candidate:
    """A stored entry to verify an article against: its ids, event time and signature."""

    article_id: str
    story_id: str
    event_time: float
    signature: Signature


def verify(
    query: Signature, stored: Signature, t: Thresholds, *, rewrite_floor: float = 0.0,
    verbatim: float | None = None, reworded: float | None = None, agreeing: int | None = None,
    query_is_copy: bool = True,
) -> Verdict:  # fmt: skip
    """Compare two signatures; ``label`` is ORIGINAL when the pair is not a copy.

    A rewrite less likely than ``rewrite_floor`` is not wanted (it could not beat a better
    verdict the caller has already); with no floor below a duplicate found, the decision
    is not even weighed.
    ``verbatim`` and ``reworded`` are the two sketch containments, and ``agreeing`` the name
    minima the two agree on, when the caller has them already (``overlaps``: computed for
    all of an article's candidates at once).
    ``query_is_copy``: the query is the later of the two (what it adds to the stored text
    can make it an update); False when the stored text is the later, a late source's copy.
    """
    distance = hamming(query.simhash, stored.simhash)
    if distance == 0 and query.counts == stored.counts:
        return IDENTICAL
    if verbatim is None:
        verbatim = sketch.containment(query.shingles, stored.shingles, SHINGLE_SKETCH)
    near = distance <= t.duplicate_bits or verbatim >= t.duplicate_containment  # the same text, if a copy
    if rewrite_floor == float("inf") and not near:
        return Verdict(Label.ORIGINAL, distance, round(verbatim, 4))  # could not beat the duplicate found
    if reworded is None:
        reworded = sketch.containment(query.content, stored.content, CONTENT_SKETCH)
    overlap = round(max(verbatim, reworded), 4)
    enough = min(query.content_count, stored.content_count) >= t.min_content_features
    if not near and (not enough or overlap < t.candidate_floor):
        return _by_facts(query, stored, t, distance, None, agreeing) or Verdict(Label.ORIGINAL, distance, overlap)
    features = pair_features(query, stored, distance=distance, verbatim=verbatim, content=reworded)
    if features[NAMES_SWAPPED] >= t.names_swapped:
        return Verdict(Label.ORIGINAL, distance, overlap)  # the same wording, other names: another report
    other = figures_other(features)
    if other is not None and other >= t.figures_swapped:
        return Verdict(Label.ORIGINAL, distance, overlap)  # the same template, other figures: another report
    sentences = min(len(query.outline), len(stored.outline))  # the shorter text's
    flash = sentences <= t.flash_sentences and (
        features[FIGURES_REPLACED] > 0 or (near and nouns_swapped(query.outline, stored.outline))
    )
    revised_flash = False
    if flash and t.flash_words_added:
        later, earlier = (query, stored) if query_is_copy else (stored, query)
        flash = words_added(later.outline, earlier.outline) < t.flash_words_added
        # Its figures revised, words added and no name replaced: the flash updated.
        revised_flash = not flash and features[NAMES_REPLACED] == 0
    if shares_boilerplate(features, t) or features[REST_FACTS] < t.slot_facts or flash:
        # Another report in one template (little shared but its fixed sentences, or its own
        # facts), or another flash worded alike (a figure of its few sentences another).
        by_facts = None if near else _by_facts(query, stored, t, distance, features, agreeing)
        return by_facts or Verdict(Label.ORIGINAL, distance, overlap, features)
    probability = round(t.decision.probability(features), 4)
    if near and sentences > t.flash_sentences:
        # Word for word the other's but for a few words, longer than a flash, other names and
        # most figures not other (the rules above): a copy, whatever the decision makes of a
        # figure or two replaced (an update revising a story's one toll, 220 to 270).
        probability = max(probability, overlap)
    if probability < t.copy_probability and not revised_flash:
        by_facts = None if near else _by_facts(query, stored, t, distance, features, agreeing)
        return by_facts or Verdict(Label.ORIGINAL, distance, overlap, features)
    if near and not _updated(query, stored, t, features, query_is_copy):
        return Verdict(Label.DUPLICATE, distance, round(max(verbatim, 1 - distance / 64), 4), features)
    if probability < rewrite_floor:
        return Verdict(Label.ORIGINAL, distance, overlap, features)  # could not beat the rewrite found
    return Verdict(Label.REWRITE, distance, probability, features)


def shares_boilerplate(features: np.ndarray, t: Thresholds) -> bool:
    """Whether a pair shares a template's fixed sentences and little else, from its
    ``pair_features``: neither first sentence restated in the other (under
    ``boilerplate_lead``, or ``boilerplate_lead_shared`` where a sentence is shared word for
    word) and, outside the sentences shared, under ``boilerplate_rest`` of the words shared."""
    lead = features[LEAD]
    shared = features[SAME] > 0 and lead < t.boilerplate_lead_shared
    return bool((lead < t.boilerplate_lead or shared) and features[REST] < t.boilerplate_rest)


def _updated(query: Signature, stored: Signature, t: Thresholds, features: np.ndarray, query_is_copy: bool) -> bool:
    """Whether a copy of most of its source's words is an update of it, a rewrite: it
    replaces figures in the sentences it restates; it adds ``update_figures`` figures the
    source lacks with more than ``1 - duplicate_containment`` of its words new (a new lead, a
    paragraph more); or its sentences about the story tell ``update_facts`` names and
    figures the source lacks (a new development, reaction, the name of a victim), or one of
    them ``update_words`` other words it lacks (a sentence of news), or, in a copy as long as
    most of its source (not a part of it), one sentence inside the story ``update_words_inside``
    (a sentence of news added to a paragraph or to a flash); or it opens with a new lead, its
    source's restated under ``update_lead`` or not at all.  A republication adds furniture, at
    most, keeps its lead and changes no figure."""
    if t.update_figures > 0 and features[FIGURES_REPLACED] > 0:
        return True
    copy, source = (query, stored) if query_is_copy else (stored, query)
    whole = copy.content_count >= t.duplicate_containment * source.content_count  # not a part of it
    if whole and features[LEAD] < t.update_lead and len(copy.outline) > t.flash_sentences:  # a new lead
        return True
    news = told(copy.outline, source.outline, t.flash_sentences)
    if 0 < t.update_facts <= news.facts or 0 < t.update_words <= news.words:
        return True
    if whole and 0 < t.update_words_inside <= news.inside:
        return True
    if t.update_figures <= 0:
        return False
    new_words, new_figures = added(copy, source)
    return new_figures >= t.update_figures and new_words > 1 - t.duplicate_containment


def _by_facts(
    query: Signature, stored: Signature, t: Thresholds, distance: int, features: np.ndarray | None,
    agreeing: int | None = None,
) -> Verdict | None:  # fmt: skip
    """A rewrite telling the stored text's names and figures in other words (a translation:
    ``decision.restated_facts``: ``facts_restated`` or more of both kept, or
    ``figures_restated`` of ``FIGURES_ALONE`` figures or more, one of the two not in English:
    its names may be in another script), its similarity that share kept; None otherwise.
    Whether the words share too little to be weighed or the decision found too little in
    them, so more words in common never make a pair less of a copy."""
    if t.facts_restated > 1 and t.figures_restated > 1:
        return None
    restated = restated_facts(query, stored, agreeing=agreeing)
    if restated is None:
        return None
    if restated.fact_count >= FACT_CONFIDENCE and min(restated.facts, restated.figures) >= t.facts_restated:
        return Verdict(Label.REWRITE, distance, round(restated.facts, 4), features)
    alone = not names_comparable(query, stored)
    if restated.figure_count >= FIGURES_ALONE and restated.figures >= t.figures_restated and alone:
        return Verdict(Label.REWRITE, distance, round(restated.figures, 4), features)
    return None


def overlaps(query: Signature, stored: Sequence[Signature]) -> tuple[list[float], list[float], list[int]]:
    """``verify``'s two containments, verbatim and reworded, of each stored signature, and
    the name minima each agrees on with the query."""
    return (
        sketch.containments(query.shingles, [s.shingles for s in stored], SHINGLE_SKETCH),
        sketch.containments(query.content, [s.content for s in stored], CONTENT_SKETCH),
        names_agreeing(query, stored),
    )


def verify_each(
    query: Signature, stored: Sequence[Signature], t: Thresholds, *, query_is_copy: bool = True
) -> list[Verdict]:  # fmt: skip
    """``verify`` against each stored signature (their containments computed together)."""
    verbatim, reworded, agreeing = overlaps(query, stored)
    return [
        verify(query, s, t, verbatim=v, reworded=r, agreeing=a, query_is_copy=query_is_copy)
        for s, v, r, a in zip(stored, verbatim, reworded, agreeing, strict=True)
    ]


Observer = Callable[[Candidate, "Verdict"], None]


def best_copy(
    query: Signature, candidates: Sequence[Candidate], t: Thresholds, observe: Observer | None = None
) -> Match | None:  # fmt: skip
    """The best copy among stored candidates, verified in order as ``verify`` would one at a
    time (``BestMatch``; once a duplicate is found, no rewrite is weighed), their
    containments computed together.  None: no copy among them.  ``observe`` sees each
    candidate's verdict (evaluation)."""
    verbatim, reworded, agreeing = overlaps(query, [c.signature for c in candidates])
    best = BestMatch()
    # Most candidates share a lookup key and little else: under the floor both ways, not the
    # same text, and two English texts whose names agree too little for the facts test
    # (``restated_facts``), ``verify`` can only find them no copy, and an original is never
    # the best copy.  They are passed over here, unless each verdict is watched.
    floor = t.candidate_floor if observe is None and t.candidate_floor <= t.duplicate_containment else 0.0
    for c, v, r, a in zip(candidates, verbatim, reworded, agreeing, strict=True):
        s = c.signature
        unweighed = round(max(v, r), 4) < floor and a < NAME_MINIMA_AGREEING and query.english and s.english
        if unweighed and hamming(query.simhash, s.simhash) > t.duplicate_bits:
            continue
        verdict = verify(query, s, t, rewrite_floor=best.rewrite_floor, verbatim=v, reworded=r, agreeing=a)
        if observe is not None:
            observe(c, verdict)
        best.offer(c.article_id, c.story_id, c.event_time, verdict)
    return best.match


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
