"""The consumer guide's example: upserts by article id, groups by story."""

import importlib.util
from pathlib import Path

import orjson

from worker.cli import label_stream
from worker.settings import Settings

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "consumer.py"


def load_example():
    spec = importlib.util.spec_from_file_location("consumer_example", EXAMPLE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_example_consumer_upserts_events_and_counts_copies_per_story(samples):
    import io

    out = io.BytesIO()
    label_stream(io.BytesIO(b"\n".join(samples)), out, io.BytesIO(), Settings())
    events = [orjson.loads(line) for line in out.getvalue().splitlines()]
    example = load_example()
    db = example.open_db(":memory:")
    for event in events + events[:5]:  # redelivered events: upserts, not new rows
        example.apply(db, event)
    assert db.execute("SELECT COUNT(*) FROM articles").fetchone()[0] == len(events)
    copies = {story: n for story, n, *_ in example.top_stories(db)}
    expected: dict[str, int] = {}
    for event in events:
        if event["label"] != "original":
            expected[event["story_id"]] = expected.get(event["story_id"], 0) + 1
    assert copies == expected and copies


def test_example_consumer_keeps_each_article_s_highest_revision(samples):
    import io
    import random

    late = sorted(samples, key=lambda m: orjson.loads(m)["published_at"], reverse=True)  # newest first
    out, final = io.BytesIO(), io.BytesIO()
    label_stream(io.BytesIO(b"\n".join(late)), out, io.BytesIO(), Settings())
    label_stream(io.BytesIO(b"\n".join(late)), final, io.BytesIO(), Settings(), final=True)
    events = [orjson.loads(line) for line in out.getvalue().splitlines()]
    assert any(e["revision"] > 0 for e in events)  # late originals revised their copies' stories
    expected = {
        e["article_id"]: (e["label"], e["matched_id"], e["revision"])
        for e in map(orjson.loads, final.getvalue().splitlines())
    }
    example = load_example()
    shuffled = events + random.Random(5).sample(events, len(events))  # stale revisions delivered again, late
    db = example.open_db(":memory:")
    for event in shuffled:
        example.apply(db, event)
    rows = db.execute("SELECT article_id, label, matched_id, revision FROM articles").fetchall()
    assert {a: (label, m, r) for a, label, m, r in rows} == expected
