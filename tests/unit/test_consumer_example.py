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
