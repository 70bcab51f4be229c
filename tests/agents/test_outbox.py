"""Batched internal messages: grouped per topic and partition, in order, and unpacked."""

import orjson

from worker.stream.outbox import BATCH_ITEMS, Batched, coalesce, unpack


class FakeTopic:
    def __init__(self, name: str) -> None:
        self.name = name

    def get_topic_name(self) -> str:
        return self.name


def test_batched_items_share_one_message_per_topic_and_partition_in_order():
    probes, verdicts, out = FakeTopic("probes"), FakeTopic("verdicts"), FakeTopic("out")
    sends = [
        (probes, b"a", Batched({"id": "a", "n": 0}), 1),
        (verdicts, b"a", Batched({"id": "a", "n": 1}), 3),
        (out, b"a", {"event": "a"}, None),  # not batched: sent as it is
        (probes, b"b", Batched({"id": "b", "n": 2}), 1),
        (probes, b"c", Batched({"id": "c", "n": 3}), 2),
    ]
    sent = coalesce(sends)
    assert (out, b"a", {"event": "a"}, None) in sent
    batches = {(t.name, p): unpack(orjson.loads(v)) for t, k, v, p in sent if t is not out}
    assert batches == {
        ("probes", 1): [{"id": "a", "n": 0}, {"id": "b", "n": 2}],
        ("verdicts", 3): [{"id": "a", "n": 1}],
        ("probes", 2): [{"id": "c", "n": 3}],
    }
    assert len(sent) == 4


def test_large_batches_are_split_and_single_messages_unpack_as_themselves():
    probes = FakeTopic("probes")
    items = [{"id": str(i)} for i in range(2 * BATCH_ITEMS + 1)]
    sent = coalesce([(probes, None, Batched(item), 0) for item in items])
    assert [len(unpack(orjson.loads(v))) for _, _, v, _ in sent] == [BATCH_ITEMS, BATCH_ITEMS, 1]
    assert [i for _, _, v, _ in sent for i in unpack(orjson.loads(v))] == items
    assert unpack({"t": "probe", "id": "x"}) == [{"t": "probe", "id": "x"}]  # sent before batching
