"""Share-partitions come into existence at their first fetch, as in Kafka 4.x.

`SharePartitionManager.getOrCreateSharePartition` creates a share-partition on the first ShareFetch
for it; `SharePartition.maybeInitialize` finds no start offset in the persister (the group
coordinator initialized the state at -1 on a member's heartbeat) and takes it from
`share.auto.offset.reset` at that moment. Until then `kafka-share-groups.sh --describe` has no
start offset for the partition ("-"), or no offset information at all if no member ever joined.
"""

import pytest
from conftest import run_until

from groupviz.engine import scenarios
from groupviz.engine.core import Engine

GID = "lazy"
NO_OFFSETS = f"\nShare group '{GID}' has no offset information.\n"


@pytest.fixture
def make(monkeypatch):
    """make(reset, consumers, partitions) -> engine with share group `lazy` and the producer at 30/s."""

    def build(reset="latest", consumers=0, partitions=3, seed=7):
        spec = {"title": {"en": "lazy share-partitions", "zh": "惰性共享分区"}, "topic": "orders",
                "partitions": partitions, "producer_rate": 30.0, "keys": {"mode": "uniform", "count": 1000},
                "groups": [{"group_id": GID, "type": "share", "competition": "random", "consumers": consumers,
                            "consumer_rate": 50.0, "config": {"share.auto.offset.reset": reset}}]}
        monkeypatch.setitem(scenarios.SCENARIOS, "lazy-test", spec)
        return Engine(seed=seed, scenario="lazy-test")

    return build


def group_snap(eng):
    return next(g for g in eng.snapshot(history=False)["groups"] if g["group_id"] == GID)


def watch_first_fetch(g):
    """Record each partition's log end offset at the moment its share-partition is created."""
    leo_at_creation = {}
    original = g._load_share_partitions

    def load():
        before = set(g._sp)
        leos = {p.partition: p.log_end_offset for p in g.topic.partitions}
        original()
        for p in set(g._sp) - before:
            leo_at_creation[p] = leos[p]

    g._load_share_partitions = load
    return leo_at_creation


def acked_offsets(g):
    seen = []
    g.on_ack = lambda member, tp, offset, kind, dc: seen.append((tp[1], offset))
    return seen


def ten_idle_seconds_then_watch(make, reset):
    """A share group with no member while the producer runs 10 s; then watch its first fetches and acks.
    Returns (engine, group, {partition: log end offset at its share-partition's creation}, [(partition, offset) acked])."""
    eng = make(reset=reset)
    eng.step(10_000)
    g = eng.groups[GID]
    return eng, g, watch_first_fetch(g), acked_offsets(g)


def drain(eng):
    assert eng.apply({"op": "set_producer_rate", "rate": 0})["ok"]
    g = eng.groups[GID]
    run_until(eng, lambda e: group_snap(e)["lag"] == 0 and group_snap(e)["in_flight_total"] == 0, limit_ms=60_000)
    eng.step(1000)     # the last results travel back to the producer
    return g


def test_a_group_without_members_has_no_share_partitions_and_no_offset_information(make):
    eng = make(reset="latest")
    eng.step(10_000)
    g = eng.groups[GID]
    assert g.partitions == [] and g.state_partitions == 0
    s = group_snap(eng)
    assert s["lag"] is None
    assert [(p["committed"], p["lag"], p["position"], p["initialized"]) for p in s["partitions"]] == [
        (None, None, None, False)] * 3
    assert all(p["log_end_offset"] > 0 for p in s["partitions"])      # the producer ran all along
    assert eng.describe_group(GID, "offsets")["output"] == NO_OFFSETS
    assert eng.describe_group(GID, "offsets")["ok"]


def test_latest_skips_everything_produced_before_the_first_fetch_spso_is_the_log_end_then(make):
    eng, g, leo_at_creation, acks = ten_idle_seconds_then_watch(make, "latest")
    leo_at_join = {p.partition: p.log_end_offset for p in eng.topic.partitions}
    assert sum(leo_at_join.values()) >= 250                    # ~300 records produced before anyone fetched
    assert eng.apply({"op": "add_consumer", "group_id": GID})["ok"]
    eng.step(50)                                                # the first poll: the first ShareFetch
    assert sorted(leo_at_creation) == [0, 1, 2]
    for sp in g.partitions:
        # SPSO = the log end offset when the share-partition was created, not when the group was.
        assert sp.partition in leo_at_creation
        assert leo_at_join[sp.partition] <= leo_at_creation[sp.partition]
    assert [sp.spso for sp in g.partitions] == [leo_at_creation[p] for p in range(3)]
    assert group_snap(eng)["partitions"][0]["committed"] == leo_at_creation[0]
    eng.step(10_000)
    drain(eng)
    assert acks and all(off >= leo_at_creation[p] for p, off in acks)
    skipped = sum(leo_at_creation.values())
    res = eng.snapshot(history=False)["producer"]["groups"][GID]
    assert res["unique"] == eng.producer.produced - skipped     # every record from the SPSO on, none before


def test_earliest_delivers_everything_from_the_log_start(make):
    eng, g, leo_at_creation, acks = ten_idle_seconds_then_watch(make, "earliest")
    assert eng.apply({"op": "add_consumer", "group_id": GID})["ok"]
    eng.step(50)
    assert sorted(leo_at_creation) == [0, 1, 2] and all(leo > 0 for leo in leo_at_creation.values())
    assert [sp.spso for sp in g.partitions] == [p.log_start_offset for p in eng.topic.partitions] == [0, 0, 0]
    drain(eng)
    assert min(off for _, off in acks) == 0
    res = eng.snapshot(history=False)["producer"]["groups"][GID]
    assert res["unique"] == eng.producer.produced


def test_describe_shows_dashes_for_partitions_the_coordinator_initialized_but_nobody_fetched(make):
    eng = make(reset="latest")
    eng.step(2_000)
    member = eng.apply({"op": "add_consumer", "group_id": GID})["member_id"]
    assert eng.apply({"op": "pause_consumer", "member_id": member})["ok"]    # heartbeats, never fetches
    eng.step(3_000)
    g = eng.groups[GID]
    assert g.partitions == [] and g.state_partitions == 3
    out = eng.describe_group(GID, "offsets")["output"]
    rows = [line.split() for line in out.strip().splitlines()]
    assert rows[0] == ["GROUP", "TOPIC", "PARTITION", "START-OFFSET", "LAG"]
    assert rows[1:] == [[GID, "orders", str(p), "-", "-"] for p in range(3)]
    assert eng.apply({"op": "resume_consumer", "member_id": member})["ok"]
    eng.step(100)
    rows = [line.split() for line in eng.describe_group(GID, "offsets")["output"].strip().splitlines()]
    assert all(r[3] != "-" and r[4] != "-" for r in rows[1:])


def test_partitions_added_at_runtime_get_share_partitions_only_once_fetched(make):
    eng = make(reset="latest", consumers=2)
    eng.step(5_000)
    g = eng.groups[GID]
    assert [sp.partition for sp in g.partitions] == [0, 1, 2]
    leo_at_creation = watch_first_fetch(g)
    assert eng.apply({"op": "add_partitions", "count": 2})["ok"]
    # The coordinator knows the new partitions (a live member heartbeats), the broker has no share-partition yet.
    s = group_snap(eng)
    new = [p for p in s["partitions"] if p["partition"] >= 3]
    assert [(p["committed"], p["lag"], p["initialized"]) for p in new] == [(None, None, True)] * 2
    assert [sp.partition for sp in g.partitions] == [0, 1, 2]
    eng.step(50)                                   # the next ShareFetch creates them, SPSO from latest now
    assert sorted(leo_at_creation) == [3, 4]
    assert [sp.partition for sp in g.partitions] == [0, 1, 2, 3, 4]
    assert all(g._sp[p].spso == leo_at_creation[p] for p in (3, 4))
    s = group_snap(eng)
    assert all(p["committed"] is not None and p["lag"] is not None for p in s["partitions"])


def test_partitions_added_to_a_group_without_live_members_wait_for_the_next_member(make):
    eng = make(reset="earliest", consumers=1)
    eng.step(2_000)
    g = eng.groups[GID]
    assert eng.apply({"op": "stop_consumer", "member_id": next(iter(g.consumers))})["ok"]
    eng.step(1_000)
    assert not g.consumers
    assert eng.apply({"op": "add_partitions", "count": 1})["ok"]
    eng.step(5_000)
    s = group_snap(eng)
    p3 = next(p for p in s["partitions"] if p["partition"] == 3)
    assert (p3["committed"], p3["lag"], p3["initialized"]) == (None, None, False)
    assert [sp.partition for sp in g.partitions] == [0, 1, 2]
    rows = eng.describe_group(GID, "offsets")["output"].strip().splitlines()
    assert len(rows) == 4                          # the header and partitions 0-2 only
    assert eng.apply({"op": "add_consumer", "group_id": GID})["ok"]
    eng.step(50)
    assert g._sp[3].spso == 0                      # earliest: from the log start, records produced so far included


def test_lazy_share_partitions_are_deterministic(make):
    def run():
        eng = make(reset="latest")
        eng.step(3_000)
        eng.apply({"op": "add_consumer", "group_id": GID})
        eng.step(2_000)
        eng.apply({"op": "add_partitions", "count": 2})
        eng.step(3_000)
        return eng.snapshot(history=False)

    assert run() == run()
