import json
from datetime import UTC, datetime, timedelta

import orjson
import pytest

from tests.conftest import HARBOUR_DE, HARBOUR_EN, assert_sample_labels, assert_seed_labels, seed_messages
from worker.core.article import parse_article
from worker.core.detector import Detector, DetectorConfig, Fingerprinted, RawMessage
from worker.core.events import DeadLetter, LabelledEvent
from worker.core.index import RollingIndex

NOW = datetime(2026, 6, 1, tzinfo=UTC)


def run(messages, detector=None):
    detector = detector or Detector(RollingIndex())
    return detector, [detector.process_message(m, now=NOW) for m in messages]


def test_seeds_are_labelled_as_the_shared_readme_says():
    _, outcomes = run(seed_messages())
    assert_seed_labels({o.article_id: o.to_dict() for o in outcomes})


def test_samples_are_labelled_as_written(samples):
    _, outcomes = run(samples)
    assert_sample_labels({o.article_id: (o.label, o.matched_id) for o in outcomes})


def test_story_id_follows_the_chain_to_the_original(samples):
    _, outcomes = run(samples)
    by_id = {o.article_id: o for o in outcomes}
    for event in outcomes:
        if event.matched_id is not None:
            assert event.story_id == by_id[event.matched_id].story_id


def test_redelivery_gives_the_same_event_and_does_not_grow_the_table(samples):
    detector, first = run(samples)
    size = len(detector.index)
    again = detector.process_message(samples[2], now=NOW + timedelta(hours=1))
    assert again.to_dict() == first[2].to_dict()
    assert len(detector.index) == size and detector.stats.repeated == 1


def test_bad_messages_become_dead_letters_with_their_bytes(samples):
    detector, outcomes = run([b"\xff\xfe", b'{"id": "x", "body": "<p></p>"}', samples[0]])
    assert isinstance(outcomes[0], DeadLetter) and "UTF-8" in outcomes[0].reason
    assert outcomes[0].value == b"\xff\xfe"
    assert isinstance(outcomes[1], DeadLetter) and "no text" in outcomes[1].reason
    assert isinstance(outcomes[2], LabelledEvent) and detector.stats.dead_letters == 2


def _with_time(raw: bytes, article_id: str, when: str) -> bytes:
    doc = orjson.loads(raw)
    doc.update(id=article_id, published_at=when)
    return orjson.dumps(doc)


def test_articles_outside_the_retention_window_are_not_matched(samples):
    detector = Detector(RollingIndex(), DetectorConfig(retention=timedelta(days=7)))
    first = detector.process_message(_with_time(samples[0], "a", "2026-01-01T00:00:00Z"), now=NOW)
    late = detector.process_message(_with_time(samples[2], "b", "2026-01-09T00:00:00Z"), now=NOW)
    soon = detector.process_message(_with_time(samples[2], "c", "2026-01-07T00:00:00Z"), now=NOW)
    assert first.label == "original" and late.label == "original"
    assert soon.label == "duplicate" and soon.matched_id in {"a", "b"}


def test_eviction_follows_the_newest_event_time(samples):
    detector = Detector(RollingIndex(), DetectorConfig(retention=timedelta(days=7)))
    detector.process_message(_with_time(samples[0], "a", "2026-01-01T00:00:00Z"), now=NOW)
    detector.process_message(_with_time(samples[1], "b", "2026-01-20T00:00:00Z"), now=NOW)
    assert detector.evict_expired() == 1
    assert "a" not in detector.index and "b" in detector.index


def test_events_are_json_with_the_published_fields(samples):
    _, outcomes = run(samples[:1])
    event = json.loads(outcomes[0].to_json())
    assert event["label"] == "original" and event["story_id"] == event["article_id"] == "nh-coastal-001"
    assert len(event["fingerprint"]) == 16 and event["published_at"].endswith("Z")


def test_an_unexpected_error_becomes_a_dead_letter_and_the_next_article_is_labelled(samples, monkeypatch):
    import worker.core.detector as detector_module

    detector = Detector(RollingIndex())
    real = detector_module.normalise
    monkeypatch.setattr(detector_module, "normalise", lambda text: (_ for _ in ()).throw(RuntimeError("boom")))
    failed = detector.process_message(samples[0], now=NOW)
    assert isinstance(failed, DeadLetter) and failed.reason == "internal error: RuntimeError: boom"
    assert failed.value == samples[0]
    monkeypatch.setattr(detector_module, "normalise", real)
    assert detector.process_message(samples[0], now=NOW).label == "original"


def test_a_failing_table_write_is_not_dead_lettered(samples):
    """The store (the changelog in the worker) failing means: try again later, not bad input."""

    class BrokenStore(dict):
        def __setitem__(self, key, value):
            raise ConnectionError("broker unreachable")

    detector = Detector(RollingIndex(BrokenStore()))
    with pytest.raises(ConnectionError):  # propagates, so the agent leaves the message unacked
        detector.process_message(samples[0], now=NOW)
    assert detector.stats.dead_letters == 0


def test_a_candidate_with_the_same_fingerprint_is_labelled_without_decoding_its_signature(samples):
    # Republished verbatim, the copy has the source's fingerprint: that settles the verdict
    # (a duplicate, nothing more similar), so the stored signature is not even read.
    source = orjson.loads(samples[0])
    detector, (first,) = run([samples[0]])
    detector.index.store[source["id"]]["sig"] = "not base64 at all"
    copy = orjson.dumps({**source, "id": "verbatim-copy"})
    event = detector.process_message(copy, now=NOW)
    assert isinstance(event, LabelledEvent)
    assert (event.label, event.matched_id, event.distance, event.similarity) == ("duplicate", first.article_id, 0, 1.0)


def test_a_text_with_the_same_fingerprint_and_a_sentence_more_is_compared(monkeypatch):
    # 64 bits weigh all of a text's words, so a sentence of news added can move none: the
    # fingerprint settles a duplicate only where the texts' counts are the same too.
    monkeypatch.setattr("worker.core.fingerprint._simhashes", lambda hashes, at: [0x5EED] * (len(at) - 1))
    news = "Greta Olsberg said on Sunday that dockers in Brenhaven and Kolmstadt would join, closing both terminals."
    docs = [
        {"id": "strike", "body": HARBOUR_EN, "published_at": "2026-05-04T08:00:00Z"},
        {"id": "update", "body": f"{HARBOUR_EN} {news}", "published_at": "2026-05-04T09:00:00Z"},
        {"id": "copy", "body": HARBOUR_EN, "published_at": "2026-05-04T10:00:00Z"},
    ]
    _, events = run([orjson.dumps(doc) for doc in docs])
    assert [(e.label, e.matched_id, e.distance) for e in events] == [
        ("original", None, None), ("rewrite", "strike", 0), ("duplicate", "strike", 0)]  # fmt: skip


class _CountingStore(dict):
    """A table store that counts the records read."""

    def __init__(self) -> None:
        super().__init__()
        self.reads: list[str] = []

    def get(self, key, default=None):
        self.reads.append(key)
        return super().get(key, default)


def test_once_an_identical_fingerprint_is_found_other_candidates_are_not_read(samples):
    # The copy shares most keys with both the source and a near copy of it (one sentence
    # more), and is found as the source's duplicate.  The near copy cannot beat that, and
    # its folded fingerprint (kept in memory) tells it apart: its record is never read.
    source = orjson.loads(samples[0])
    near = {**source, "id": "near-copy", "body": source["body"] + "\n\nOne more sentence at the end, added later."}
    store = _CountingStore()
    detector = Detector(RollingIndex(store))
    for doc in (source, near):
        detector.process_message(orjson.dumps(doc), now=NOW)
    keys = detector.fingerprint(parse_article(orjson.dumps(source), max_bytes=1 << 20, fallback_time=NOW)).keys
    assert {s.article_id for s in detector.index.sightings(keys, not_before=0.0)} == {source["id"], "near-copy"}
    store.reads.clear()
    event = detector.process_message(orjson.dumps({**source, "id": "verbatim-copy"}), now=NOW)
    assert (event.label, event.matched_id, event.distance) == ("duplicate", source["id"], 0)
    assert "near-copy" not in store.reads and source["id"] in store.reads


def test_a_batch_gives_the_events_one_at_a_time_gives(samples):
    """Labelled together (as the agent takes them), articles get exactly the events they get
    one by one: each sees every article before it, in its batch too, an id twice in one
    batch is answered from the table the second time, and bad input is dead-lettered in
    place.  ``languages``: a German article is fingerprinted with its own stemmer."""
    german = orjson.dumps({"id": "de-1", "language": "de", "body": "Der Hafen von Westport öffnet im Juni. " * 5})
    messages = [
        samples[0],
        b"{not json",
        *samples[1:4],
        german,
        samples[2],
        b'{"id": "x", "body": "<p></p>"}',
        *samples[4:],
    ]
    _, alone = run(messages)
    batched = Detector(RollingIndex()).process_batch([RawMessage(m) for m in messages], now=NOW)
    assert [o.to_dict() for o in batched] == [o.to_dict() for o in alone]
    assert batched[6].repeated and not batched[2].repeated  # samples[2] again, in the same batch


def test_a_failing_batch_fingerprint_falls_back_to_one_article_at_a_time(samples, monkeypatch):
    """A bug on one article must not cost the batch: its articles are fingerprinted one by
    one, and only the one that fails becomes a dead letter."""
    import worker.core.detector as detector_module

    real = detector_module.signature

    def fails_on_one(text, language=None):
        if "boom" in text.text:
            raise RuntimeError("boom")
        return real(text, language)

    monkeypatch.setattr(detector_module, "signatures", lambda texts, language=None: [fails_on_one(t) for t in texts])
    monkeypatch.setattr(detector_module, "signature", fails_on_one)
    bad = orjson.dumps({"id": "bad", "body": "This article says boom and then some more words."})
    outcomes = Detector(RollingIndex()).process_batch([RawMessage(m) for m in (samples[0], bad, samples[2])], now=NOW)
    assert isinstance(outcomes[1], DeadLetter) and outcomes[1].reason == "internal error: RuntimeError: boom"
    assert [(o.label, o.matched_id) for o in (outcomes[0], outcomes[2])] == [
        ("original", None),
        ("duplicate", "nh-coastal-001"),
    ]


@pytest.mark.parametrize("german_first", [False, True])
def test_a_translation_into_german_is_a_rewrite_of_its_source_in_either_arrival_order(german_first):
    """A rewrite by its names and figures (a day is the same figure in both languages); when
    it arrives first, its source revises it."""
    en = orjson.dumps({"id": "en", "body": HARBOUR_EN, "published_at": "2026-06-01T08:00:00Z"})
    de = orjson.dumps({"id": "de", "body": HARBOUR_DE, "published_at": "2026-06-01T09:00:00Z"})
    _, outcomes = run([de, en] if german_first else [en, de])
    final = {o.article_id: o for o in outcomes}
    final.update({r.article_id: r for o in outcomes for r in o.revisions})
    assert final["en"].label == "original" and final["en"].revision == 0
    assert (final["de"].label, final["de"].matched_id, final["de"].revision) == ("rewrite", "en", int(german_first))


def test_a_fingerprinted_article_keeps_its_language_between_the_stages():
    """The signing stage's message carries the English flag: the labelling stage looks up
    what the signing stage would have (figure keys of the other language)."""
    detector = Detector(RollingIndex())
    for body in (HARBOUR_DE, HARBOUR_EN):
        (f,) = detector.prepare_batch([RawMessage(orjson.dumps({"id": "x", "body": body}))])
        back = Fingerprinted.from_bytes(f.to_bytes())
        assert back.signature.english == f.signature.english == (body is HARBOUR_EN)
        assert back.keys == f.keys
