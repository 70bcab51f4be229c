"""Labels by publication time through a real broker: arrival order across partitions is chance."""

from __future__ import annotations

import orjson
import pytest

from tests.conftest import seed_messages
from tests.integration.conftest import PARTITIONS, precreate

pytestmark = pytest.mark.integration
EVENT_TIMEOUT = 90.0


def seeds_right(final: dict[str, dict], published: dict[str, str]) -> bool:
    """000 original, 001-004 copies of seeds published before them, all in one story."""
    if set(final) != set(published):
        return False
    if final["000"]["label"] != "original" or len({e["story_id"] for e in final.values()}) != 1:
        return False
    return all(
        e["label"] != "original" and e["matched_id"] in published and published[e["matched_id"]] < published[a]
        for a, e in final.items()
        if a != "000"
    )


@pytest.mark.parametrize("run", range(5))
async def test_seeds_published_newest_first_on_four_partitions_end_as_published(harness, run):
    seeds = seed_messages()
    published = {d["id"]: d["published_at"] for d in map(orjson.loads, seeds)}
    await precreate(harness)
    worker = harness.spawn()  # a fresh app id and topics each run (the fixture's)
    await harness.start()
    await harness.wait_ready(worker)
    for n, raw in enumerate(reversed(seeds)):  # newest first, each on a partition of its own
        await harness.send(raw, partition=n % PARTITIONS)
    await harness.poll_until(lambda: seeds_right(harness.latest(), published), EVENT_TIMEOUT, worker)
    revised = [e for e in harness.events if e["revision"] > 0]
    assert all(e["revised_because"] in published for e in revised)
    print(f"\nrun {run}: {len(harness.events)} events, {len(revised)} revisions")
