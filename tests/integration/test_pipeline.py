"""The real worker process on a real broker: seeds, bad input, restart, redelivery."""

from __future__ import annotations

import base64
import hashlib
import json
import urllib.error
import urllib.request

import orjson
import pytest

from tests.conftest import SAMPLE_EXPECTED, SCHEMAS, assert_seed_labels, seed_messages
from tests.integration.conftest import precreate, scrape
from worker.cli import label_stream
from worker.settings import Settings

pytestmark = pytest.mark.integration
EVENT_TIMEOUT = 90.0

MALFORMED = {
    b"this is not json": "not JSON",
    b"[1, 2, 3]": "not an object",
    b'{"body": "no id here"}': "'id'",
    b'{"id": "x1", "body": 42}': "'body'",
    b'{"id": "x2", "body": "caf\xc3"}': "UTF-8",
    b'{"id": "x3", "body": "<div><nav>Home</nav><footer>All rights reserved</footer></div>"}': "no text left",
    b'{"id": "x4", "body": "' + b"a " * 60_000 + b'"}': "over the",
    b'{"id": "x5", "body": "text", "published_at": "not a date"}': "RFC 3339",
    b'{"id": 42, "body": "a number for an id"}': "'id'",
    b'{"id": "x6", "body": "   \\n\\t  "}': "no text left",
    b'{"id": "x7", "body": "Share this article\\nAll rights reserved.\\nLeave a Reply"}': "no text left",
    b'{"id": "x8", "body": "a NUL \\u0000 inside"}': "NUL",
    b'{"id": "x9", "body": "' + b"x" * 10_000_000 + b'"}': "over the",
    b'{"id": "x10", "body": "deep", "extra": ' + b"[" * 2000 + b"]" * 2000 + b"}": "not JSON",
    b'{"id": "' + b"i" * 10_000 + b'", "body": "a very long id"}': "1-256",
    b'{"id": "x11", "body": "text from the future", "published_at": "2099-01-01T00:00:00Z"}': "ahead",
}
# Non-Latin scripts are valid articles, fingerprinted like any other (texts written for
# this project): each stays original, and a republished copy is found.
NON_LATIN = {
    "zh": "市政府周一宣布，将在明年春季之前完成全市主要桥梁的安全检查。官员表示，检查将分三个阶段进行，首先是建于上世纪七十年代的老旧桥梁。交通部门负责人说，检查期间部分车道可能会临时关闭，市民应提前规划出行路线。",
    "ar": "أعلنت وزارة الصحة يوم الثلاثاء عن حملة وطنية لتطعيم الأطفال ضد الحصبة في جميع المدارس الابتدائية. وقال المتحدث باسم الوزارة إن الحملة ستستمر ثلاثة أسابيع وتستهدف أكثر من مليون طفل. ودعت الوزارة أولياء الأمور إلى التعاون مع الفرق الطبية.",
    "ru": "Городские власти в понедельник объявили о начале ремонта центральной библиотеки, который продлится до конца следующего года. По словам заместителя мэра, читальные залы будут временно перенесены в здание бывшего кинотеатра. Жители смогут заказывать книги через сайт библиотеки и получать их в пунктах выдачи.",
}


def _validator(name: str):
    import jsonschema

    return jsonschema.Draft202012Validator(
        json.loads((SCHEMAS / name).read_text()), format_checker=jsonschema.FormatChecker()
    )


async def test_seeds_and_bad_input_through_a_real_broker(harness):
    seeds = seed_messages()
    harness.settings["max_message_bytes"] = "100000"  # x4 is 120 kB
    worker = harness.spawn()  # the worker creates its own topics here
    await harness.start()
    assert (await harness.wait_ready(worker))["fingerprints"] == 0
    with urllib.request.urlopen(f"http://127.0.0.1:{harness.settings['web_port']}/health", timeout=5) as response:
        assert orjson.loads(response.read()) == {"status": "ok"}
    with pytest.raises(urllib.error.HTTPError) as table_view:  # Faust's table views are off
        urllib.request.urlopen(f"http://127.0.0.1:{harness.settings['web_port']}/table/fingerprints/", timeout=5)
    assert table_view.value.code == 404
    await send_in_order(harness, seeds, worker)  # file-name order: each copy after its original
    assert_seed_labels(harness.latest())

    for raw in MALFORMED:
        await harness.send(raw, key=b"bad")
    await harness.poll_until(lambda: len(harness.dead) >= len(MALFORMED), EVENT_TIMEOUT, worker)
    dead_schema = _validator("dead-letter.schema.json")
    by_hash = {d["value_sha256"]: d for d in harness.dead}
    by_value = {raw: by_hash.get(hashlib.sha256(raw).hexdigest()) for raw in MALFORMED}
    assert all(by_value.values()) and len(harness.dead) == len(MALFORMED), "every bad message reaches the DLQ"
    for raw, letter in by_value.items():  # with its exact bytes (the first 700 kB of the 10 MB one)
        assert base64.b64decode(letter["value_b64"]) == raw[: len(base64.b64decode(letter["value_b64"]))]
        assert letter["value_truncated"] or base64.b64decode(letter["value_b64"]) == raw
    for raw, reason in MALFORMED.items():
        letter = by_value[raw]
        assert reason in letter["reason"], letter["reason"]
        assert letter["topic"] == harness.settings["input_topic"] and letter["offset"] is not None
        assert letter["_key"] == b"bad"
        dead_schema.validate({k: v for k, v in letter.items() if k != "_key"})

    dropped = by_value[next(raw for raw in MALFORMED if len(raw) > 10_000_000)]
    assert dropped["value_truncated"] is True and dropped["value_size"] > 10_000_000

    for lang, text in NON_LATIN.items():
        await harness.send(orjson.dumps({"id": f"nl-{lang}", "body": text, "language": lang}))
    await harness.poll_until(lambda: {"nl-zh", "nl-ar", "nl-ru"} <= harness.event_ids(), EVENT_TIMEOUT, worker)
    copy = (
        "<html><body><nav>Новости города</nav><p>" + NON_LATIN["ru"] + "</p><footer>Поделиться</footer></body></html>"
    )
    await harness.send(orjson.dumps({"id": "nl-ru-copy", "body": copy, "language": "ru"}))  # after its original
    await harness.poll_until(lambda: "nl-ru-copy" in harness.event_ids(), EVENT_TIMEOUT, worker)
    latest = harness.latest()
    assert [latest[f"nl-{lang}"]["label"] for lang in NON_LATIN] == ["original"] * 3
    assert (latest["nl-ru-copy"]["label"], latest["nl-ru-copy"]["matched_id"]) == ("duplicate", "nl-ru")

    # ...and the worker keeps labelling afterwards.
    await harness.send(seeds[1].replace(b'"001"', b'"001-again"'))
    await harness.poll_until(lambda: "001-again" in harness.event_ids(), EVENT_TIMEOUT, worker)
    assert harness.latest()["001-again"]["matched_id"] == "001"
    # Prometheus metrics, scraped from the running worker.
    metrics = scrape(harness.settings["web_port"])
    assert metrics['copydesk_events_total{label="rewrite"}'] >= 4  # seeds 001-004
    assert metrics['copydesk_events_total{label="original"}'] >= 4  # seed 000 and the non-Latin ones
    assert metrics['copydesk_dead_letters_total{reason="not_json"}'] >= 2  # not JSON, deep nesting
    assert metrics['copydesk_dead_letters_total{reason="too_large"}'] == 2
    assert sum(v for k, v in metrics.items() if k.startswith("copydesk_dead_letters_total")) == len(MALFORMED)
    assert metrics["copydesk_table_fingerprints"] == len(harness.latest())
    assert metrics['copydesk_processing_seconds_count{stage="sign"}'] >= len(MALFORMED) + len(seeds)
    assert metrics['copydesk_processing_seconds_count{stage="label"}'] >= len(seeds)
    assert any(k.startswith("copydesk_consumer_lag{") for k in metrics)
    assert metrics["copydesk_input_offsets_skipped_total"] == 0

    event_schema = _validator("event.schema.json")
    for event in harness.events:
        assert event["_key"] == event["article_id"].encode()
        event_schema.validate({k: v for k, v in event.items() if k != "_key"})


async def send_in_order(harness, messages: list[bytes], worker) -> None:
    for raw in messages:
        article_id = orjson.loads(raw)["id"]
        await harness.send(raw)
        await harness.poll_until(lambda a=article_id: a in harness.event_ids(), EVENT_TIMEOUT, worker)


def offline_labels(messages: list[bytes]) -> dict[str, tuple]:
    """The same articles through `copydesk label`'s code path."""
    import io

    out = io.BytesIO()
    label_stream(io.BytesIO(b"\n".join(messages)), out, io.BytesIO(), Settings())
    return {
        e["article_id"]: (e["label"], e["matched_id"], e["story_id"])
        for e in map(orjson.loads, out.getvalue().splitlines())
    }


async def test_restart_mid_stream_recovers_the_table_and_redelivery_is_idempotent(harness, samples):
    await precreate(harness)
    worker = harness.spawn()
    await harness.start()
    before, after = samples[:8], samples[8:]
    ready = await harness.wait_ready(worker)
    assert ready["fingerprints"] == 0

    # One at a time (each copy after its original, as in the offline run); the worker is
    # stopped (SIGTERM) mid-stream, with later articles still to come.
    await send_in_order(harness, before, worker)
    assert worker.stop() == 0

    worker = harness.spawn()
    ready = await harness.wait_ready(worker)
    assert ready["fingerprints"] == len(before), "the table came back from its changelog"

    # The later articles are copies of articles labelled before the restart.
    await send_in_order(harness, after, worker)

    got = {aid: (e["label"], e["story_id"]) for aid, e in harness.latest().items()}
    offline = {aid: (label, story) for aid, (label, _, story) in offline_labels(samples).items()}
    assert got == offline, "labels as if the worker had never stopped"
    assert {aid: e["label"] for aid, e in harness.latest().items()} == {k: v[0] for k, v in SAMPLE_EXPECTED.items()}

    # Any article processed twice got the same event.
    by_id: dict[str, list[dict]] = {}
    for event in harness.events:
        by_id.setdefault(event["article_id"], []).append(event)
    for events in by_id.values():
        assert all(e == events[0] for e in events), events

    # A scraper re-sending an article from before the restart: the very same event,
    # answered from the recovered table (processed_at included).
    first = harness.latest()["nh-portal-332"]
    count = len(harness.events)
    await harness.send(samples[2])
    await harness.poll_until(lambda: len(harness.events) > count, EVENT_TIMEOUT, worker)
    assert harness.events[-1] == first
