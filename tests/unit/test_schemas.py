import json

import jsonschema
import orjson
import pytest

from tests.conftest import SCHEMAS
from worker.core.detector import Detector
from worker.core.events import DeadLetter
from worker.core.index import RollingIndex


def validator(name):
    schema = json.loads((SCHEMAS / name).read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())


@pytest.mark.parametrize("name", ["article.schema.json", "event.schema.json", "dead-letter.schema.json"])
def test_schemas_are_valid_json_schema(name):
    validator(name)


def test_events_and_dead_letters_match_their_schemas(samples):
    events, dead = validator("event.schema.json"), validator("dead-letter.schema.json")
    detector = Detector(RollingIndex())
    labels = set()
    for raw in samples + [b"nope", b'{"id": 1}']:
        outcome = detector.process_message(raw, key=b"k", topic="articles.raw", partition=0, offset=3)
        doc = orjson.loads(outcome.to_json())
        if isinstance(outcome, DeadLetter):
            dead.validate(doc)
        else:
            events.validate(doc)
            labels.add(doc["label"])
    assert labels == {"original", "duplicate", "rewrite"}


def test_event_schema_rejects_a_bad_label():
    bad = {"schema_version": 1, "article_id": "a", "label": "copy"}
    assert not validator("event.schema.json").is_valid(bad)


def test_oversized_dead_letters_keep_their_first_part_size_and_hash():
    import base64
    import hashlib

    from worker.core.events import DEAD_LETTER_MAX_VALUE_BYTES

    huge = b'{"id": "big", "body": "' + b"x" * 10_000_000 + b'"}'
    outcome = Detector(RollingIndex()).process_message(huge, topic="articles.raw", partition=1, offset=9)
    doc = orjson.loads(outcome.to_json())
    validator("dead-letter.schema.json").validate(doc)
    assert "over the" in doc["reason"] and doc["value_truncated"] is True
    assert doc["value_size"] == len(huge) and doc["value_sha256"] == hashlib.sha256(huge).hexdigest()
    assert base64.b64decode(doc["value_b64"]) == huge[:DEAD_LETTER_MAX_VALUE_BYTES]
    assert len(outcome.to_json()) < 1_000_000  # fits Kafka's default message size
    small = orjson.loads(Detector(RollingIndex()).process_message(b"nope").to_json())
    assert small["value_truncated"] is False and base64.b64decode(small["value_b64"]) == b"nope"


def test_dead_letter_reasons_fall_into_fixed_kinds():
    from worker.core.events import reason_kind

    detector = Detector(RollingIndex())
    for raw in (b"nope", b"[1]", b'{"id": 1}', b'{"id": "a", "body": 1}', b'{"id": "a", "body": "<p></p>"}'):
        detector.process_message(raw)
    assert detector.stats.dead_letter_kinds == {
        "not_json": 1,
        "not_object": 1,
        "bad_id": 1,
        "bad_body": 1,
        "no_text": 1,
    }
    assert reason_kind("internal error: ValueError('x')") == "internal_error"
    assert reason_kind("something new") == "other"
