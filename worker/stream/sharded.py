"""Several workers, one table split by lookup key (``COPYDESK_TOPOLOGY=sharded``).

Three agents, each thin glue around ``worker/core/shards.py`` (docs/scale-out.md):

* ``route`` (input partitions): parse and fingerprint; one probe per shard owning some of the
  article's keys (shard = partition of the probe topic), and an "expect" note to the gather
  step; bad input goes to the dead-letter topic.
* ``probe`` (probe partitions; the shard table is co-partitioned with them): answer with the
  findings (verified only where the fingerprints settle it) and store the article pending;
  verify the candidates the gather step asks about; settle the article when the gather step
  says how it was labelled; evict the shard's expired entries.
* ``gather`` (verdict partitions, keyed by article id): once every shard asked has answered,
  choose the candidates, ask the shards that sighted them to verify those still needed (a
  second round, often none), then choose the match, settle the shards and emit the event.

Internal messages of one delivery batch bound for the same partition travel as one
(``outbox.Batched``).  Workers in one consumer group share the partitions of all three
topics.  Every agent acks a message only after what it sent is flushed (``Outbox``), so a
crash means reprocessing; a replayed probe finds the article pending and answers the same, a
repeated article is answered from a shard's settled record.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime

import faust
import orjson

from worker.core.article import Article, parse_timestamp
from worker.core.detector import Detector, Fingerprinted, labelled_event, new_entry
from worker.core.events import DeadLetter
from worker.core.index import Entry, RollingIndex
from worker.core.shards import (
    Answers,
    ShardedIndex,
    answer_probe,
    gather,
    settle,
    settlement,
    split_keys,
    verify_candidates,
)  # fmt: skip
from worker.settings import Settings
from worker.stream import watchdog
from worker.stream.agents import raw_message, recover_input, rewind_uncommitted
from worker.stream.codecs import CODEC
from worker.stream.gaps import GapFiller, Refetcher
from worker.stream.metrics import WorkerMetrics
from worker.stream.outbox import Batched, Outbox, unpack
from worker.stream.tables import TableWrites
from worker.stream.topics import Topics, declare_topics
from worker.stream.web import Readiness, register_health

log = logging.getLogger("copydesk")
AWAIT_TTL = 600.0  # seconds a gather state may wait for its last answers (or linger once done)


class ShardStore:
    """One shard's view of the shard table: article id -> record, under keys ``shard/id``.

    An entry is stored pending, then settled once the answers are gathered.  The settlement
    (story, label, match: a few fields) goes under its own key, ``shard~id``, beside the
    entry, rather than rewriting the whole entry and its signature to the changelog; a read
    merges the two.
    """

    def __init__(self, table: faust.Table, shard: int) -> None:
        self._table, self._prefix, self._settled = table, f"{shard}/", f"{shard}~"

    def __getitem__(self, article_id: str) -> dict:
        record = self.get(article_id)
        if record is None:
            raise KeyError(article_id)
        return record

    def __setitem__(self, article_id: str, record: dict) -> None:
        self._table[self._prefix + article_id] = record

    def __delitem__(self, article_id: str) -> None:
        del self._table[self._prefix + article_id]
        if self._settled + article_id in self._table:
            del self._table[self._settled + article_id]

    def __contains__(self, article_id: object) -> bool:
        return isinstance(article_id, str) and (self._prefix + article_id) in self._table

    def get(self, article_id: str, default: dict | None = None) -> dict | None:
        record = self._table.get(self._prefix + article_id)
        if record is None:
            return default
        settled = self._table.get(self._settled + article_id)
        return record if settled is None else {**record, **settled}

    def update_fields(self, article_id: str, fields: dict) -> None:
        """Settle an entry: only the changed fields are written (``RollingIndex.settle``)."""
        self._table[self._settled + article_id] = fields

    def keys(self) -> list[str]:
        n = len(self._prefix)
        return [k[n:] for k in list(self._table.keys()) if isinstance(k, str) and k.startswith(self._prefix)]

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self.keys())

    def items(self) -> list[tuple[str, dict]]:
        return [(k, self[k]) for k in self.keys()]

    def values(self) -> list[dict]:
        return [self[k] for k in self.keys()]

    def __len__(self) -> int:
        return len(self.keys())


@dataclass(frozen=True)
class ShardedWorker:
    app: faust.App
    settings: Settings
    topics: Topics
    probes: faust.TopicT
    verdicts: faust.TopicT
    shard_table: faust.Table
    awaiting: faust.Table
    shards: dict[int, RollingIndex]
    readiness: Readiness
    deliver: Callable[[], Awaitable[None]]


def _partition(key: str, partitions: int) -> int:
    """The partition Kafka's default partitioner gives a key (how the verdicts are keyed)."""
    from aiokafka.partitioner import murmur2

    return (murmur2(key.encode("utf-8")) & 0x7FFFFFFF) % partitions


def _article(d: dict) -> Article:
    return Article(d["id"], "", parse_timestamp(d["published_at"]), d.get("title"), d.get("url"), d.get("source"))


def build_sharded_worker(app: faust.App, settings: Settings) -> ShardedWorker:
    topics = declare_topics(app, settings)
    n = settings.partitions
    internal = {"key_serializer": "raw", "value_serializer": "raw", "partitions": n, "internal": True}
    probes = app.topic(f"{settings.app_id}-probes", **internal)
    verdicts = app.topic(f"{settings.app_id}-verdicts", **internal)
    codec = faust.Schema(key_serializer=CODEC, value_serializer=CODEC)
    # Written while handling a probe: the changelog partition is the probe's, i.e. the shard.
    shard_table = app.Table("shards", partitions=n, schema=codec)
    # Written while handling a verdict: the changelog partition is the verdict's.
    awaiting = app.Table("awaiting", partitions=n, schema=codec)
    # Both tables' changelog records go out with the outbox's batches (tables.TableWrites).
    shard_writes, answers_state = TableWrites(shard_table), TableWrites(awaiting)
    detector = Detector(RollingIndex(), settings.detector_config())  # parsing, fingerprints, counts
    config = detector.config
    shards: dict[int, RollingIndex] = {}
    readiness = Readiness()
    gaps = GapFiller(Refetcher(app, settings.input_topic))
    metrics = WorkerMetrics(app, detector, settings.input_topic, gaps)
    register_health(app, readiness, metrics)
    outbox = Outbox(app, tables=[shard_writes, answers_state])
    handled = [0]  # messages handled by the three agents: the stall watchdog's progress

    def owned(topic: str) -> list[int]:
        return sorted(tp.partition for tp in app.consumer.assignment() if tp.topic == topic)

    @shard_table.on_recover
    async def rebuild_shards() -> None:
        await recover_input(app, settings.input_topic, gaps)
        for topic in (probes.get_topic_name(), verdicts.get_topic_name()):
            await rewind_uncommitted(app, topic)
        shards.clear()
        for shard in owned(probes.get_topic_name()):
            index = shards[shard] = RollingIndex(
                ShardStore(shard_writes, shard), max_postings=settings.max_postings_per_key
            )  # type: ignore[arg-type]
            index.rebuild()
        detector.index = ShardedIndex(list(shards.values()))  # what /metrics counts
        readiness.fingerprints = len(detector.index)
        readiness.ready = True
        log.info("copydesk: shards %s recovered, %d fingerprints indexed", sorted(shards), readiness.fingerprints)

    watchdog.install(
        app, settings.stall_timeout, lambda: readiness.ready,
        [settings.input_topic, probes.get_topic_name(), verdicts.get_topic_name()], lambda: handled[0],
    )  # fmt: skip

    @app.task
    async def create_topics() -> None:
        await topics.declare()
        await probes.maybe_declare()
        await verdicts.maybe_declare()

    @app.timer(interval=settings.batch_wait)
    async def deliver_batch() -> None:
        if not app.should_stop:  # stopping: what is held stays unacked and is redone elsewhere
            await outbox.deliver()

    def drop_stale_states(partition: int) -> None:
        """States of this verdict partition left by answers replayed after their article was
        labelled (deleted here, while handling that partition: the tombstone must go to it)."""
        cutoff = time.time() - AWAIT_TTL
        for key, state in list(answers_state.items()):
            if state.get("seen", 0) < cutoff and _partition(key, n) == partition:
                del answers_state[key]

    @app.agent(topics.articles, name="copydesk.route")
    async def route(stream: faust.StreamT) -> None:
        async for events in stream.noack_take(settings.label_batch_size, within=settings.label_batch_wait):
            if app.should_stop:
                break
            handled[0] += len(events)
            filled = await gaps.fill(events)  # with any messages Faust passed over put back
            for (event, m), prepared in zip(
                filled, detector.prepare_batch([raw_message(m) for _, m in filled]), strict=True
            ):
                if isinstance(prepared, DeadLetter):
                    log.warning("copydesk: dead letter %s[%s]@%s: %s", m.topic, m.partition, m.offset, prepared.reason)
                    outbox.add(event, [(topics.dead_letters, prepared.key, prepared.to_dict(), None)])
                else:
                    outbox.add(event, _probes(prepared))
            if outbox.full(settings.batch_size):
                await outbox.deliver()

    def _probes(f: Fingerprinted) -> list:
        a = f.article
        key = a.id.encode("utf-8")
        pending = new_entry(f, None, datetime.now(UTC)).to_record()
        split = split_keys(f.keys, n)
        expect = {"t": "expect", "id": a.id, "shards": sorted(split), "simhash": f.signature.simhash, "at": pending["at"],
                  "article": {"id": a.id, "published_at": a.published_at.isoformat(), "title": a.title, "url": a.url,
                              "source": a.source}}  # fmt: skip
        sends = [(verdicts, key, Batched(expect), _partition(a.id, n))]
        for shard, keys in split.items():
            probe = {"t": "probe", "id": a.id, "keys": list(keys), "entry": pending, "not_before": f.not_before}
            sends.append((probes, key, Batched(probe), shard))
        return sends

    @app.agent(probes, name="copydesk.probe")
    async def probe(stream: faust.StreamT) -> None:
        async for event in stream.noack().events():
            if app.should_stop:
                break
            handled[0] += 1
            shard = event.message.partition
            index = shards.get(shard)
            if index is None:  # not (yet) recovered here: leave it for redelivery
                log.warning("copydesk: probe for shard %d before its recovery", shard)
                continue
            sends = []
            for message in unpack(orjson.loads(event.message.value)):
                if message["t"] == "settle":
                    if not settle(index, message["id"], message["settled"]):
                        log.warning("copydesk: settle for %s, unknown to shard %d", message["id"], shard)
                    continue
                if message["t"] == "verify":  # the second round: the chosen candidates only
                    found = verify_candidates(index, message["id"], message["candidates"], config.thresholds)
                    detector.stats.candidates_verified += len(found)
                    answer = {"t": "verified", "id": message["id"], "shard": shard,
                              "verdicts": {c: v.to_dict() for c, v in found.items()}}  # fmt: skip
                    sends.append((verdicts, None, Batched(answer), _partition(message["id"], n)))
                    continue
                entry = Entry.from_record(message["entry"])
                known, findings = answer_probe(index, entry, message["keys"], not_before=message["not_before"])
                reply = {"t": "reply", "id": entry.article_id, "shard": shard, "known": known,
                         "findings": [f.to_dict() for f in findings]}  # fmt: skip
                sends.append((verdicts, None, Batched(reply), _partition(entry.article_id, n)))
            if sends and index.watermark != float("-inf"):
                index.evict(index.watermark - config.retention.total_seconds())
            outbox.add(event, sends)
            outbox.send_writes()
            if outbox.full(settings.batch_size):
                await outbox.deliver()

    purge_countdown = [1000]  # verdicts between two purges of stale states

    @app.agent(verdicts, name="copydesk.gather")
    async def gather_answers(stream: faust.StreamT) -> None:
        async for event in stream.noack().events():
            if app.should_stop:
                break
            handled[0] += 1
            first: list = []
            then: list = []
            for message in unpack(orjson.loads(event.message.value)):
                key = message.get("id") or event.message.key.decode("utf-8")
                settles, outputs = _answer(key, message)
                first.extend(settles)
                then.extend(outputs)
            outbox.add(event, first, then)
            outbox.send_writes()
            purge_countdown[0] -= 1
            if purge_countdown[0] <= 0:
                purge_countdown[0] = 1000
                drop_stale_states(event.message.partition)
            if outbox.full(settings.batch_size):
                await outbox.deliver()

    def _answer(key: str, message: dict) -> tuple[list, list]:
        """One expect note, reply or second-round answer for article ``key``: what to send
        (the second round's questions, or once every answer is in, the conclusion)."""
        state = answers_state.get(key) or Answers.start().state
        if state.get("done"):  # a replayed message: deliver the conclusion again (idempotent)
            return _outputs(key, state["conclusion"])
        answers, questions = Answers(state).receive(message, limit=config.max_candidates)
        seen = time.time()
        if not answers.complete:
            answers_state[key] = {**answers.state, "seen": seen}
            return _questions(key, questions), []
        # Kept (until purged) rather than deleted: the deletion could reach the changelog
        # before the outputs, and a crash then would leave the article unlabelled.
        conclusion = _conclude(answers)
        answers_state[key] = {"done": True, "seen": seen, "conclusion": conclusion}
        return _outputs(key, conclusion)

    def _questions(article_id: str, asked: dict[int, list[str]]) -> list:
        key = article_id.encode("utf-8")
        return [(probes, key, Batched({"t": "verify", "id": article_id, "candidates": ids}), shard)
                for shard, ids in asked.items()]  # fmt: skip

    def _conclude(answers: Answers) -> dict:
        """The event, and what the shards must settle (nothing for a repeated article)."""
        expect = answers.expect
        article = _article(expect["article"])
        known = answers.known
        if known is not None:
            entry = Entry.from_record(known)
            detector.count(entry.label, repeated=True)
            event = labelled_event(article, entry.label, entry.matched_id, entry.story_id, entry.distance,
                                   entry.similarity, entry.signature.simhash, entry.processed_at, repeated=True)  # fmt: skip
            return {"settled": None, "shards": [], "event": event.to_dict()}
        settled = settlement(
            article.id, gather(answers.findings, limit=config.max_candidates, verified=answers.verified)
        )
        detector.count(settled["label"])
        event = labelled_event(article, settled["label"], settled["match"], settled["story"], settled["dist"],
                               settled["sim"], expect["simhash"], expect["at"], repeated=False)  # fmt: skip
        return {"settled": settled, "shards": expect["shards"], "event": event.to_dict()}

    def _outputs(article_id: str, conclusion: dict) -> tuple[list, list]:
        """Settle the shards first, then the event (sent only once the settles are out)."""
        key = article_id.encode("utf-8")
        body = {"t": "settle", "id": article_id, "settled": conclusion["settled"]}
        settles = [(probes, key, Batched(body), shard) for shard in conclusion["shards"]]
        return settles, [(topics.labelled, key, conclusion["event"], None)]

    return ShardedWorker(
        app, settings, topics, probes, verdicts, shard_table, awaiting, shards, readiness, outbox.deliver
    )
