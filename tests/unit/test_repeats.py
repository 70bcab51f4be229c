"""Signatures of texts seen lately: reused only for the very same text, bounded, and never a
different label."""

from __future__ import annotations

from dataclasses import fields, replace
from datetime import UTC, datetime

import numpy as np
import orjson

from worker.core.detector import Detector, DetectorConfig, RawMessage
from worker.core.fingerprint import lookup_keys, signatures
from worker.core.index import RollingIndex
from worker.core.normalise import normalise
from worker.core.repeats import RecentTexts, body_key, text_key

NOW = datetime(2026, 6, 1, tzinfo=UTC)


def _texts(samples: list[bytes]):
    """The samples' normalised texts, each once (some samples are word-for-word copies)."""
    texts = {}
    for m in samples:
        text = normalise(orjson.loads(m)["body"])
        texts.setdefault(text_key(text, "en"), text)
    return list(texts.values())


class Counting:
    """``signatures``, counting the texts it is asked for."""

    def __init__(self) -> None:
        self.texts = 0

    def __call__(self, texts, language):
        self.texts += len(texts)
        return signatures(texts, language)


def _same(a, b) -> bool:
    """Field by field, arrays by value (outlines too); a signature's cached bytes aside."""
    if not hasattr(a, "__dataclass_fields__"):
        return np.array_equal(a, b) if isinstance(a, np.ndarray) else a == b
    return all(_same(getattr(a, f.name), getattr(b, f.name)) for f in fields(a) if f.compare)


def test_a_text_seen_lately_gets_its_signature_without_computing_it(samples):
    texts = _texts(samples)
    recent, compute = RecentTexts(), Counting()
    first = recent.prepared(texts, "en", compute)
    again = recent.prepared(list(reversed(texts)), "en", compute)
    assert compute.texts == len(texts) and recent.hits == len(texts)
    for (sig, keys), (sig_again, keys_again) in zip(first, reversed(again), strict=True):
        assert _same(sig, sig_again) and keys == keys_again == lookup_keys(sig)
    assert not _same(first[0][0], first[1][0])  # the comparison can tell signatures apart


def test_only_the_same_words_sentences_and_language_count_as_seen(samples):
    text = _texts(samples)[0]
    assert len(text.sentence_starts) > 2
    merged = replace(text, sentence_starts=text.sentence_starts[:1] + text.sentence_starts[2:])
    reworded = replace(text, words=("Breaking", *text.words[1:]))
    keys = {
        text_key(t, lang) for t, lang in [(text, "en"), (text, "de"), (text, None), (merged, "en"), (reworded, "en")]
    }
    assert len(keys) == 5
    recent, compute = RecentTexts(), Counting()
    recent.prepared([text], "en", compute)
    recent.prepared([merged, reworded], "en", compute)
    recent.prepared([text], "de", compute)
    assert compute.texts == 4 and recent.hits == 0


def test_the_oldest_text_goes_first_and_zero_keeps_none(samples):
    a, b, c = _texts(samples)[:3]
    recent, compute = RecentTexts(size=2), Counting()
    recent.prepared([a, b], "en", compute)
    recent.prepared([a], "en", compute)  # a is now the most recent
    recent.prepared([c], "en", compute)  # b goes
    assert len(recent) == 2 and compute.texts == 3
    recent.prepared([a, c, b], "en", compute)
    assert compute.texts == 4  # b only
    off = RecentTexts(size=0)
    off.prepared([a], "en", compute)
    off.prepared([a], "en", compute)
    assert len(off) == 0 and off.hits == 0 and compute.texts == 6


def test_labels_are_the_same_with_and_without_it(samples):
    # Every sample twice more under other ids (syndicated copies), in batches: each text's
    # signature is computed once (some samples are word-for-word copies already).
    stream = [orjson.loads(m) for m in samples]
    stream += [{**d, "id": f"{d['id']}-copy{n}"} for n in range(2) for d in stream]
    messages = [RawMessage(orjson.dumps(d)) for d in stream]
    events = {}
    for size in (0, 4096):
        detector = Detector(RollingIndex(), DetectorConfig(recent_texts=size))
        out = [e for i in range(0, len(messages), 8) for e in detector.process_batch(messages[i : i + 8], now=NOW)]
        events[size] = [e.to_dict() for e in out]
        distinct = {text_key(normalise(d["body"]), d.get("language")) for d in stream}
        assert detector.recent_texts.hits == (0 if size == 0 else len(stream) - len(distinct))
    assert events[0] == events[4096]


def test_a_text_repeated_within_one_batch_is_computed_once(samples):
    a, b = _texts(samples)[:2]
    recent, compute = RecentTexts(), Counting()
    got = recent.prepared([a, b, a, a], "en", compute)
    assert compute.texts == 2 and recent.hits == 2 and len(recent) == 2
    assert got[0] is got[2] is got[3] and _same(got[0][0], signatures([a], "en")[0])


def test_a_body_seen_lately_is_not_even_normalised(samples, monkeypatch):
    import worker.core.detector as detector_module

    normalised: list[str] = []
    real = detector_module._text

    def counting(article):
        normalised.append(article.id)
        return real(article)

    monkeypatch.setattr(detector_module, "_text", counting)
    stream = [orjson.loads(m) for m in samples]
    copies = [{**d, "id": f"{d['id']}-copy"} for d in stream]
    respaced = [{**d, "id": f"{d['id']}-other", "body": d["body"] + " "} for d in stream]  # not byte for byte
    detector = Detector(RollingIndex(), DetectorConfig())
    events = [
        detector.process_batch([RawMessage(orjson.dumps(d)) for d in batch], now=NOW)
        for batch in (stream, copies, respaced)
    ]
    assert normalised == [d["id"] for d in stream + respaced]
    # Each copy is its source's text: a duplicate, found the same either way.
    assert all(e.label == "duplicate" and e.similarity == 1.0 for e in events[1] + events[2])
    assert [e.matched_id for e in events[1]] == [e.matched_id for e in events[2]]


def test_a_body_is_known_only_in_its_language_and_while_its_text_is_kept(samples):
    bodies = [orjson.loads(m)["body"] for m in samples]
    a, b = bodies[0], next(body for body in bodies[1:] if normalise(body).words != normalise(bodies[0]).words)
    recent, compute = RecentTexts(size=1), Counting()
    assert recent.known_body(body_key(a, "en")) is None
    ((sig, keys),) = recent.prepared([normalise(a)], "en", compute, bodies=[body_key(a, "en")])
    kept = recent.known_body(body_key(a, "en"))
    assert kept is not None and _same(kept[0], sig) and kept[1] == keys and recent.hits == 1
    assert recent.known_body(body_key(a, "de")) is None and recent.known_body(body_key(a + " ", "en")) is None
    recent.prepared([normalise(b)], "en", compute, bodies=[body_key(b, "en")])  # a's text goes (size 1)
    assert recent.known_body(body_key(a, "en")) is None and recent.known_body(body_key(b, "en")) is not None
    assert RecentTexts(size=0).known_body(body_key(a, "en")) is None


def test_a_body_found_again_is_kept_longer(samples):
    bodies = list({normalise(b).words: b for b in (orjson.loads(m)["body"] for m in samples)}.values())[:3]
    a, b, c = bodies
    recent, compute = RecentTexts(size=2), Counting()
    for body in (a, b):
        recent.prepared([normalise(body)], "en", compute, bodies=[body_key(body, "en")])
    assert recent.known_body(body_key(a, "en")) is not None  # a is now the most recent, body and text
    recent.prepared([normalise(c)], "en", compute, bodies=[body_key(c, "en")])  # b goes
    assert recent.known_body(body_key(a, "en")) is not None and recent.known_body(body_key(b, "en")) is None
