import json
from datetime import UTC, datetime

import jsonschema
import pytest

from tests.conftest import SCHEMAS
from worker.core.article import InvalidArticle, parse_article

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
SCHEMA = json.loads((SCHEMAS / "article.schema.json").read_text())


def parse(raw: bytes, max_bytes: int = 10_000):
    return parse_article(raw, max_bytes=max_bytes, fallback_time=NOW)


def test_minimal_article_takes_the_message_time():
    article = parse(b'{"id": "a1", "body": "text"}')
    assert article.id == "a1" and article.body == "text" and article.published_at == NOW
    assert article.title is None and article.source is None


def test_published_at_is_parsed_and_converted_to_utc():
    article = parse(b'{"id": "a", "body": "x", "published_at": "2026-01-02T03:04:05+02:00"}')
    assert article.published_at == datetime(2026, 1, 2, 1, 4, 5, tzinfo=UTC)


BAD = [
    (b"not json", "not JSON"),
    (b"[1, 2]", "not an object"),
    (b'"just a string"', "not an object"),
    (b'{"body": "x"}', "'id'"),
    (b'{"id": 7, "body": "x"}', "'id'"),
    (b'{"id": "", "body": "x"}', "1-256"),
    (json.dumps({"id": "x" * 257, "body": "x"}).encode(), "1-256"),
    (b'{"id": "a"}', "'body'"),
    (b'{"id": "a", "body": ["x"]}', "'body'"),
    (b'{"id": "a", "body": "x", "title": 5}', "'title'"),
    (b'{"id": "a", "body": "x", "published_at": "yesterday"}', "RFC 3339"),
    (b'{"id": "a", "body": "x", "published_at": 1700000000}', "published_at"),
    (b'{"id": "a", "body": "x\\u0000y"}', "NUL"),
    (b'{"id": "a", "body": "\xff\xfe"}', "UTF-8"),
    (b'{"id": "a", "body": "x", "published_at": "2031-01-01T00:00:00Z"}', "ahead of the message time"),
    (b'{"id": "a", "body": "x", "n": ' + b"[" * 2000 + b"]" * 2000 + b"}", "not JSON"),
]


@pytest.mark.parametrize(("raw", "reason"), BAD)
def test_bad_messages_raise_a_readable_reason(raw, reason):
    with pytest.raises(InvalidArticle) as info:
        parse(raw)
    assert reason in info.value.reason


def test_size_limit_is_checked_before_parsing():
    with pytest.raises(InvalidArticle, match="over the 100-byte limit"):
        parse(b'{"id": "a", "body": "' + b"x" * 200 + b'"}', max_bytes=100)


def test_none_value_is_a_tombstone():
    with pytest.raises(InvalidArticle, match="tombstone"):
        parse(None)  # type: ignore[arg-type]


@pytest.mark.parametrize(("raw", "_"), BAD[1:13])
def test_parser_and_published_schema_agree_on_rejections(raw, _):
    """Every message the parser rejects (for its shape) is invalid under the schema too."""
    doc = json.loads(raw)
    validator = jsonschema.Draft202012Validator(SCHEMA, format_checker=jsonschema.FormatChecker())
    assert not validator.is_valid(doc)


def test_parser_and_published_schema_agree_on_acceptance(samples):
    validator = jsonschema.Draft202012Validator(SCHEMA, format_checker=jsonschema.FormatChecker())
    for raw in samples:
        validator.validate(json.loads(raw))
        parse(raw, max_bytes=1_000_000)
