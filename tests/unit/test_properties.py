"""Property-based tests: whatever bytes arrive, the parser either builds an article or
raises the project's own InvalidArticle; the normaliser and fingerprints never raise."""

from datetime import UTC, datetime

import orjson
from hypothesis import given, settings
from hypothesis import strategies as st

from worker.core.article import InvalidArticle, parse_article
from worker.core.detector import Detector
from worker.core.events import DeadLetter, LabelledEvent
from worker.core.fingerprint import lookup_keys, signature
from worker.core.index import RollingIndex
from worker.core.normalise import normalise

NOW = datetime(2026, 6, 1, tzinfo=UTC)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**63), 2**63 - 1) | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=20,
)
article_like = st.fixed_dictionaries(
    {},
    optional={
        "id": st.one_of(st.text(max_size=300), json_values),
        "body": st.one_of(st.text(), json_values),
        "published_at": st.one_of(st.text(max_size=40), json_values, st.datetimes().map(lambda d: d.isoformat())),
        "title": st.one_of(st.text(max_size=40), json_values),
        "language": st.one_of(st.sampled_from(["en", "fr", "zh", "ar", "ru", "xx"]), json_values),
    },
)


def _parse(raw: bytes) -> None:
    try:
        parse_article(raw, max_bytes=100_000, fallback_time=NOW)
    except InvalidArticle as exc:
        assert exc.reason  # a readable reason, never empty


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=2000))
def test_parser_takes_any_bytes(raw):
    _parse(raw)


@settings(max_examples=300, deadline=None)
@given(article_like)
def test_parser_takes_any_json_object(doc):
    _parse(orjson.dumps(doc))


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=3000))
def test_normaliser_and_fingerprints_take_any_text(text):
    normalised = normalise(text)
    sig = signature(normalised)
    assert all(isinstance(key, int) for key in lookup_keys(sig))


@settings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(st.binary(max_size=300), article_like.map(orjson.dumps)), max_size=6))
def test_detector_answers_every_message_with_an_event_or_a_dead_letter(messages):
    detector = Detector(RollingIndex())
    for raw in messages:
        outcome = detector.process_message(raw, now=NOW)
        assert isinstance(outcome, (LabelledEvent, DeadLetter))
        if isinstance(outcome, DeadLetter):
            assert not outcome.reason.startswith("internal error"), outcome.reason


sentence_text = st.text(alphabet=st.characters(codec="utf-8", exclude_characters="\x1f"), max_size=60)


@given(st.lists(sentence_text, max_size=6))
@settings(max_examples=400, deadline=None)
def test_one_pass_tokenisation_equals_the_regex_per_sentence(sentences):
    """The Latin-1 fast path and the regex path give the tokens ``word_tokens`` gives each
    sentence (Latin-1 text, and any other script, mixed), once its times are on the 24-hour
    clock (``_on_24_hour_clock``, which reads the sentences joined)."""
    from worker.core.normalise import _CLOCK_CLASSES, _SEP, _on_24_hour_clock, _sentence_words, word_tokens

    words, starts = _sentence_words(sentences)
    joined = f" {_SEP} ".join(sentences)
    timed = _on_24_hour_clock(joined, joined.encode("latin-1", "replace").translate(_CLOCK_CLASSES))
    expected, expected_starts = [], []
    for sentence in timed.split(f" {_SEP} ") if sentences else []:
        expected_starts.append(len(expected))
        expected.extend(word_tokens(sentence))
    assert (words, starts) == (expected, expected_starts)


@given(st.lists(st.text(alphabet=st.characters(max_codepoint=255, exclude_characters="\x1f"), max_size=60), max_size=6))
@settings(max_examples=400, deadline=None)
def test_latin1_fast_path_equals_the_regex(sentences):
    test_one_pass_tokenisation_equals_the_regex_per_sentence.hypothesis.inner_test(sentences)
