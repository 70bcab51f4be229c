"""The language a text is fingerprinted in when its article gives none (language.py,
fingerprint.language_of)."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import orjson

from worker.core.detector import Detector
from worker.core.fingerprint import language_of, signature
from worker.core.index import RollingIndex
from worker.core.language import detect_language, reads_as_english
from worker.core.normalise import normalise

ENGLISH = normalise(
    "The harbour authority said on Monday that the old swing bridge would close for repairs in May. "
    "Engineers found that two of its steel piers had corroded after decades of salt spray, and the "
    "work is expected to cost about 9 million dollars."
)
GERMAN = normalise(
    "Die Hafenbehörde von Kellbruck hat am Montag angekündigt, dass die alte Drehbrücke im Mai für "
    "Reparaturen gesperrt wird. Ingenieure hatten festgestellt, dass zwei ihrer Stahlpfeiler nach "
    "Jahrzehnten in der salzigen Gischt durchgerostet sind. Die Arbeiten sollen rund 9 Millionen "
    "Euro kosten, teilte die Behörde mit."
)
SPANISH = normalise(
    "La autoridad portuaria de Valmora anunció el lunes que el viejo puente giratorio cerrará en mayo "
    "para su reparación. Los ingenieros descubrieron que dos de sus pilares de acero se habían "
    "corroído tras décadas de salitre, y las obras costarán unos 9 millones de euros."
)


def test_english_news_reads_as_english_and_other_languages_do_not():
    assert reads_as_english(ENGLISH.words)
    assert not reads_as_english(GERMAN.words)
    assert not reads_as_english(SPANISH.words)


def test_a_text_without_a_language_is_fingerprinted_in_its_own():
    assert language_of(ENGLISH, None) is None  # English, as every article that says none was
    assert language_of(GERMAN, None) == "de"
    assert language_of(SPANISH, None) == "es"
    assert language_of(GERMAN, "fr") == "fr"  # the article's own word is kept
    assert detect_language(GERMAN) == "de"


def test_an_untagged_german_text_has_the_signature_of_a_tagged_one():
    """Its function words ("die", "dass", "von") are not content words, and its inflections
    are stemmed in German: the content sketch a German republication or rewrite is compared on."""
    untagged = signature(GERMAN, language_of(GERMAN, None))
    tagged = signature(GERMAN, "de")
    as_english = signature(GERMAN, None)
    assert np.array_equal(untagged.content, tagged.content)
    assert not np.array_equal(untagged.content, as_english.content)
    assert untagged.content_count < as_english.content_count


def test_the_detector_fingerprints_an_untagged_article_in_its_language():
    now = datetime(2026, 5, 4, tzinfo=UTC)
    one, other = Detector(RollingIndex()), Detector(RollingIndex())
    untagged = one.prepare(orjson.dumps({"id": "a", "body": GERMAN.text}), now=now)
    tagged = other.prepare(orjson.dumps({"id": "a", "body": GERMAN.text, "language": "de"}), now=now)
    assert np.array_equal(untagged.signature.content, tagged.signature.content)
    assert untagged.article.language is None  # the event still says what the article said
