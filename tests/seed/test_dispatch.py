"""Random dispatch (groupviz.seed.dispatch): the seed's idealised queue, driven only through apply and step."""

import json

import pytest

from groupviz.classroom.probability import chi_square_gof
from groupviz.engine.core import Engine
from groupviz.engine.invariants import check_engine, check_snapshot
from groupviz.seed.view import LABEL


def group(eng: Engine, gid: str) -> dict:
    return next(g for g in eng.snapshot(history=False)["groups"] if g["group_id"] == gid)


def ok(eng: Engine, cmd: dict) -> dict:
    r = eng.apply(cmd)
    assert r["ok"], r
    return r


def dispatch_engine(rates=(20.0, 20.0, 20.0), seed=7) -> Engine:
    eng = Engine(seed=seed)
    ok(eng, {"op": "add_group", "group_id": "q", "type": "random-dispatch"})
    for r in rates:
        ok(eng, {"op": "add_consumer", "group_id": "q", "rate": r})
    return eng


def test_add_group_makes_the_kind_labelled_as_not_a_kafka_mode():
    eng = dispatch_engine()
    eng.step(1000)
    g = group(eng, "q")
    assert g["type"] == "random-dispatch" and g["state"] == "Stable" and g["competition"] == "random"
    assert g["label"] == LABEL and "not a Kafka mode" in g["label"]["en"] and "不是 Kafka" in g["label"]["zh"]
    assert all(m["partitions"] == [] for m in g["members"])     # a member owns no partition: the queue hands out
    check_snapshot(json.loads(json.dumps(eng.snapshot())))


def test_each_record_goes_to_a_uniformly_random_member_whatever_its_speed():
    """The seed's P_win = 1/N: shares pass a chi-square test of 1/N although the rates are 5, 20 and 60."""
    eng = dispatch_engine(rates=(5.0, 20.0, 60.0))
    eng.step(60_000)
    g = group(eng, "q")
    wins = [g["wins"][m["member_id"]] for m in g["members"]]
    assert sum(wins) == eng.snapshot(history=False)["producer"]["produced"]
    assert chi_square_gof(wins, [1 / 3] * 3)["p_value"] > 0.05
    assert g["model"]["test"]["against"] == "uniform" and g["model"]["test"]["enough_data"]
    slow = g["members"][0]
    assert slow["rate"] == 5.0 and slow["queued"] > 100     # 10 records/s in, 5 out: its backlog grows
    assert g["lag"] == g["waiting"] + sum(m["queued"] for m in g["members"]) + sum(p["lag"] for p in g["partitions"])


def test_every_record_reaches_the_producer_once_even_through_a_kill_and_a_stop():
    eng = dispatch_engine(rates=(5.0, 20.0, 60.0))
    committed = {}
    eng.step(10_000)
    ok(eng, {"op": "kill_consumer", "member_id": "consumer-4"})     # the slow one: it holds a backlog
    killed = [e for e in eng.snapshot(history=False)["events"] if e["type"] == "member_removed"][-1]
    assert killed["handed_back"] > 0
    ok(eng, {"op": "stop_consumer", "member_id": "consumer-5"})
    ok(eng, {"op": "set_producer_rate", "rate": 0})
    for _ in range(30):
        eng.step(1000)
        check_engine(eng, committed, {})
    res = eng.snapshot(history=False)["producer"]
    q = res["groups"]["q"]
    assert q["results"] == q["unique"] == res["produced"]
    g = group(eng, "q")
    assert g["redispatched"] >= killed["handed_back"] and g["lag"] == 0
    assert [m["member_id"] for m in g["members"]] == ["consumer-6"]


def test_a_paused_member_gets_nothing_new_and_keeps_its_backlog():
    eng = dispatch_engine(rates=(5.0, 20.0, 20.0))
    eng.step(5000)
    ok(eng, {"op": "pause_consumer", "member_id": "consumer-4"})
    before = group(eng, "q")["members"][0]
    eng.step(5000)
    after = group(eng, "q")["members"][0]
    assert after["wins"] == before["wins"] and after["processed"] == before["processed"]
    assert after["queued"] == before["queued"] > 0


def test_no_member_no_dispatch_the_queue_waits():
    eng = Engine(seed=7)
    ok(eng, {"op": "add_group", "group_id": "q", "type": "random-dispatch"})
    eng.step(2000)
    g = group(eng, "q")
    assert g["state"] == "Empty" and g["waiting"] == eng.snapshot(history=False)["producer"]["produced"] > 0
    ok(eng, {"op": "add_consumer", "group_id": "q"})
    eng.step(100)
    assert group(eng, "q")["waiting"] == 0


def test_same_seed_same_dispatch():
    a, b = dispatch_engine(seed=3), dispatch_engine(seed=3)
    a.step(20_000)
    b.step(20_000)
    assert group(a, "q")["wins"] == group(b, "q")["wins"]


def test_describe_is_its_own_labelled_table_not_a_kafka_tool():
    eng = dispatch_engine()
    eng.step(2000)
    for view in ("offsets", "members", "state"):
        d = eng.describe_group("q", view)
        assert d["ok"] and d["label"] == LABEL
        assert "kafka-" not in d["command"] and "not a Kafka mode" in d["command"]
        assert "not a Kafka mode" in d["output"] and "kafka-consumer-groups" not in d["output"]
    assert "consumer-4" in eng.describe_group("q", "members")["output"]


@pytest.mark.parametrize("cmd, words", [
    ({"op": "add_group", "group_id": "q2", "type": "random-dispatch", "assignor": "range"}, "no assignor decides"),
    ({"op": "add_group", "group_id": "q2", "type": "random-dispatch", "competition": "first-free"},
     "always random"),
    ({"op": "add_group", "group_id": "q2", "type": "random-dispatch", "group_protocol": "classic"},
     "no group.protocol"),
    ({"op": "add_group", "group_id": "q2", "type": "random-dispatch", "parallelism": 2}, "only for a Flink job"),
    ({"op": "add_group", "group_id": "q", "type": "random-dispatch"}, "already exists"),
    ({"op": "set_assignor", "group_id": "q", "assignor": "range"}, "not a Kafka mode"),
    ({"op": "set_config", "group_id": "q", "config": {"session.timeout.ms": 10000}}, "no Kafka configs"),
    ({"op": "set_parallelism", "group_id": "q", "parallelism": 2}, "only a Flink job"),
])
def test_what_does_not_apply_is_refused_clearly_and_changes_nothing(cmd, words):
    eng = dispatch_engine()
    eng.step(1000)
    before = json.dumps(eng.snapshot(history=False), sort_keys=True)
    r = eng.apply(cmd)
    assert not r["ok"] and words in r["error"], r
    assert json.dumps(eng.snapshot(history=False), sort_keys=True) == before


def test_a_scenario_spec_with_kafka_fields_is_refused_by_the_kind():
    from groupviz.engine.kinds import kind_for
    from groupviz.errors import DomainError
    eng = Engine(seed=7)
    cls = kind_for("random-dispatch")
    with pytest.raises(DomainError, match="no Kafka configs"):
        cls.create(eng.group_context, "x", {"config": {"session.timeout.ms": 1}})
    with pytest.raises(DomainError, match="always random"):
        cls.create(eng.group_context, "x", {"competition": "random"})


def test_backlog_memory_stays_bounded_for_a_member_that_never_works():
    eng = dispatch_engine(rates=(0.0, 20.0))
    ok(eng, {"op": "set_producer_rate", "rate": 200})
    eng.step(600_000)
    w = eng.groups["q"].consumers["consumer-4"]
    from groupviz.seed.dispatch import MAX_RUNS
    assert len(w.backlog) <= MAX_RUNS and w.queued == sum(run[1] for run in w.backlog) > 50_000


def test_the_queue_stays_bounded_with_nobody_to_hand_records_to_and_drains_when_a_member_comes():
    eng = Engine(seed=7)
    ok(eng, {"op": "add_group", "group_id": "q", "type": "random-dispatch"})
    ok(eng, {"op": "set_producer_rate", "rate": 500})
    eng.step(600_000)
    from groupviz.seed.dispatch import MAX_RUNS
    q = eng.groups["q"]
    assert len(q.waiting) <= MAX_RUNS and q.waiting_count == sum(run[1] for run in q.waiting) > 200_000
    ok(eng, {"op": "set_producer_rate", "rate": 0})
    ok(eng, {"op": "add_consumer", "group_id": "q", "rate": 100_000})
    eng.step(5000)
    check_engine(eng, {}, {})
    assert q.waiting_count == 0 and q.processed == q.read and sum(q.wins.values()) == q.read
