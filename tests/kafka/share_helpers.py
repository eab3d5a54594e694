"""Shared by the share-group tests (tests/kafka/test_share_*.py): an engine with a share group, and audits."""

from collections import Counter

import pytest

from groupviz.engine import scenarios
from groupviz.engine.core import Engine
from groupviz.kafka.share.group import ShareGroup

GID = "s1"


@pytest.fixture
def make(monkeypatch):
    """make(seed, partitions, producer_rate, competition, rates, config) -> (engine, share group)."""

    def build(seed=7, partitions=6, producer_rate=30.0, competition="random", rates=(20.0,) * 5, config=None,
              classic=False):
        spec = {"title": {"en": "share test", "zh": "共享组测试"}, "topic": "orders", "partitions": partitions,
                "producer_rate": producer_rate, "keys": {"mode": "uniform", "count": 1000},
                "groups": [{"group_id": "g1", "assignor": "range", "consumers": 3, "consumer_rate": 20.0}]
                if classic else []}
        monkeypatch.setitem(scenarios.SCENARIOS, "share-test", spec)
        eng = Engine(seed=seed, scenario="share-test")
        g = ShareGroup(eng.group_context, GID, competition, config)
        eng.groups[GID] = g
        for r in rates:
            eng._add_consumer(g, r)
        return eng, g

    return build


def acked(g):
    """Attach an audit of the broker's acknowledgements: Counter of (kind, partition, offset)."""
    log = Counter()
    dcs = {}

    def hook(member_id, tp, offset, kind, delivery_count):
        log[(kind, tp[1], offset)] += 1
        dcs[(kind, tp[1], offset)] = (member_id, delivery_count)

    g.on_ack = hook
    return log, dcs


def drained(g):
    """Everything produced is Acknowledged or Archived: nothing available, nothing in flight (a partition
    with records but no share-partition yet, e.g. one assigned only to a crashed member, is not drained)."""
    parts = g.topic.partitions
    if any(p.log_end_offset > p.log_start_offset and p.partition not in g._sp for p in parts):
        return False
    return all(sp.spso == parts[sp.partition].log_end_offset and not sp.acquired and not sp.released
               for sp in g.partitions)


def produce_then_drain(eng, g, produce_ms=20_000) -> int:
    """Produce for `produce_ms`, stop the producer, run until every record is Acknowledged or Archived;
    the number of records produced."""
    from conftest import run_until

    eng.step(produce_ms)
    eng.apply({"op": "set_producer_rate", "rate": 0})
    run_until(eng, lambda e: drained(g))
    eng.step(100)
    return eng.producer.produced


def held_by(g, member_id):
    return [(r.p, r.offset) for sp in g.partitions for r in sp.acquired.values() if r.member == member_id]
