"""Several topics (issue 16): add_topic, a producer rate per topic, subscriptions to topics or a pattern."""

import json

import pytest

from groupviz.engine import commands
from groupviz.engine.core import Engine


def _group(e, gid):
    return next(g for g in e.snapshot(history=False)["groups"] if g["group_id"] == gid)


def _two_topic_group(assignor="range", gid="g2", n=2, topics=("orders", "payments")):
    e = Engine(seed=7)
    assert e.apply({"op": "add_topic", "name": "payments", "partitions": 6, "rate": 10})["ok"]
    assert e.apply({"op": "add_group", "group_id": gid, "assignor": assignor})["ok"]
    for _ in range(n):
        assert e.apply({"op": "add_consumer", "group_id": gid, "topics": list(topics)})["ok"]
    return e


def test_add_topic_creates_a_log_the_producer_writes_at_its_own_rate():
    e = Engine(seed=7)
    r = e.apply({"op": "add_topic", "name": "payments", "partitions": 4, "rate": 20})
    assert r == {"ok": True, "topic": "payments", "partitions": 4, "rate": 20.0}
    e.step(10_000)
    snap = e.snapshot(history=False)
    assert [t["name"] for t in snap["topics"]] == ["orders", "payments"]
    pay = snap["topics"][1]
    written = snap["producer"]["topics"]["payments"]["produced"]
    assert len(pay["partitions"]) == 4 and sum(p["log_end_offset"] for p in pay["partitions"]) == written
    assert snap["producer"]["topics"]["payments"]["rate"] == 20.0 and 200 <= written <= 201   # 20/s for 10 s
    assert snap["producer"]["produced"] == snap["producer"]["topics"]["orders"]["produced"] + written
    # g1's members read only orders: payments' records are not outstanding for g1
    assert snap["producer"]["groups"]["g1"]["sent"] == snap["producer"]["topics"]["orders"]["produced"]


def test_set_producer_rate_with_a_topic_changes_only_that_topic():
    e = Engine(seed=7)
    e.apply({"op": "add_topic", "name": "payments", "partitions": 2})
    assert e.apply({"op": "set_producer_rate", "rate": 50, "topic": "payments"}) == {
        "ok": True, "rate": 50.0, "topic": "payments"}
    p = e.snapshot(history=False)["producer"]
    assert p["rate"] == 30.0 and p["topics"]["payments"]["rate"] == 50.0
    assert "payments" in e.events[-1]["text"]


def test_one_topic_snapshot_has_no_per_topic_producer_rows():
    assert "topics" not in Engine(seed=7).snapshot(history=False)["producer"]


def test_classic_range_across_two_topics_gives_the_first_member_the_extra_partition_of_each():
    e2 = Engine(seed=7, scenario="two-topics")
    e2.step(8_000)
    counts = sorted(len(m["partitions"]) for m in _group(e2, "by-range")["members"])
    assert counts == [2, 4]
    assert sorted(len(m["partitions"]) for m in _group(e2, "by-roundrobin")["members"]) == [3, 3]


def test_describe_prints_a_row_per_topic_partition_with_its_topic():
    e = _two_topic_group()
    e.step(10_000)
    out = e.describe_group("g2")["output"]
    rows = [line.split() for line in out.splitlines() if line.startswith("g2 ")]
    assert sorted({r[1] for r in rows}) == ["orders", "payments"] and len(rows) == 12


def test_a_pattern_subscribes_to_matching_topics_and_finds_a_new_one_on_its_metadata_refresh():
    e = Engine(seed=7)
    e.apply({"op": "add_topic", "name": "payments", "partitions": 2})
    r = e.apply({"op": "add_consumer", "group_id": "g1", "topic_pattern": "pay.*"})
    e.step(10_000)
    mine = lambda: next(m for m in _group(e, "g1")["members"] if m["member_id"] == r["member_id"])
    assert [tp[0] for tp in mine()["partitions"]] == ["payments", "payments"]
    gen = _group(e, "g1")["generation"]
    e.apply({"op": "add_topic", "name": "payments-eu", "partitions": 2})
    e.step(5)       # not at once: the member's metadata refresh has not come yet
    assert _group(e, "g1")["generation"] == gen
    e.step(15_000)
    assert mine()["subscription"]["resolved"] == ["payments", "payments-eu"]
    assert sorted({tp[0] for tp in mine()["partitions"]}) == ["payments", "payments-eu"]
    assert _group(e, "g1")["generation"] > gen
    assert any(ev["type"] == "subscription_updated" for ev in e.events)


def test_a_topic_the_pattern_does_not_match_changes_nothing():
    e = Engine(seed=7)
    e.apply({"op": "add_consumer", "group_id": "g1", "topic_pattern": "orders"})
    e.step(10_000)
    gen = _group(e, "g1")["generation"]
    e.apply({"op": "add_topic", "name": "payments", "partitions": 2})
    e.step(20_000)
    assert _group(e, "g1")["generation"] == gen


def test_set_subscription_makes_the_member_rejoin_with_its_new_topics():
    e = _two_topic_group(topics=("orders",))
    e.step(10_000)
    gen = _group(e, "g2")["generation"]
    assert e.apply({"op": "set_subscription", "member_id": "consumer-4", "topics": ["orders", "payments"]})["ok"]
    e.step(10_000)
    g = _group(e, "g2")
    assert g["generation"] > gen
    assert {tp[0] for m in g["members"] for tp in m["partitions"]} == {"orders", "payments"}


def test_adding_partitions_to_a_second_topic_rebalances_the_groups_that_read_it():
    e = _two_topic_group()
    e.step(10_000)
    g1_gen, g2_gen = _group(e, "g1")["generation"], _group(e, "g2")["generation"]
    assert e.apply({"op": "add_partitions", "topic": "payments", "count": 2})["ok"]
    e.step(2_000)       # the coordinator does not watch topics: nothing until the leader's metadata refresh
    assert _group(e, "g2")["generation"] == g2_gen
    e.step(14_000)      # metadata.max.age.ms (classroom 10 s) has passed: the leader rejoined
    assert _group(e, "g1")["generation"] == g1_gen            # g1 reads only orders
    assert _group(e, "g2")["generation"] > g2_gen
    assert len([p for p in _group(e, "g2")["partitions"] if p["topic"] == "payments"]) == 8


def test_a_kip848_group_takes_a_list_of_topics():
    e = Engine(seed=7)
    e.apply({"op": "add_topic", "name": "payments", "partitions": 3})
    e.apply({"op": "add_group", "group_id": "k", "group_protocol": "consumer"})
    for _ in range(2):
        assert e.apply({"op": "add_consumer", "group_id": "k", "topics": ["orders", "payments"]})["ok"]
    e.step(10_000)
    owned = [tuple(tp) for m in _group(e, "k")["members"] for tp in m["partitions"]]
    assert len(owned) == 9 and len(set(owned)) == 9


def test_replay_of_a_log_with_add_topic_gives_the_same_run():
    e = Engine(seed=7)
    e.step(1_000)
    e.apply({"op": "add_topic", "name": "payments", "partitions": 3, "rate": 10})
    e.apply({"op": "add_group", "group_id": "g2", "assignor": "range"})
    for _ in range(2):
        e.apply({"op": "add_consumer", "group_id": "g2", "topics": ["orders", "payments"]})
    e.apply({"op": "add_consumer", "group_id": "g1", "topic_pattern": "p.*"})
    e.step(3_000)
    e.apply({"op": "set_producer_rate", "topic": "payments", "rate": 40})
    e.apply({"op": "add_topic", "name": "pay-eu", "partitions": 2})
    e.step(2_000)
    e.apply({"op": "set_subscription", "member_id": "consumer-1", "topics": ["payments"]})
    e.step(12_000)
    log = json.loads(json.dumps(e.export_log()))
    ops = [c["cmd"]["op"] for c in log["commands"]]
    assert ops.count("add_topic") == 2 and "set_subscription" in ops
    want = e.snapshot()
    e2 = Engine(seed=1)
    assert e2.apply({"op": "replay", "log": log})["ok"]
    got = e2.snapshot()
    for s in (want, got):
        for ev in s["events"]:
            ev.pop("seq")
    assert json.dumps(got, sort_keys=True) == json.dumps(want, sort_keys=True)


BAD = [
    ({"op": "add_topic", "name": "bad name", "partitions": 3}, "letters, digits"),
    ({"op": "add_topic", "name": ".", "partitions": 3}, "'.' is not allowed"),
    ({"op": "add_topic", "name": "..", "partitions": 3}, "'..' is not allowed"),
    ({"op": "add_topic", "name": "orders", "partitions": 3}, "already exists"),
    ({"op": "add_topic", "name": "x" * 65, "partitions": 3}, "1-64"),
    ({"op": "add_topic", "name": "pay", "partitions": 0}, "between 1 and"),
    ({"op": "add_topic", "name": "pay", "partitions": 2000}, "between 1 and"),
    ({"op": "add_topic", "name": "pay", "partitions": 3, "rate": -1}, "rate"),
    ({"op": "add_topic", "partitions": 3}, "'name' is required"),
    ({"op": "add_consumer", "topics": ["nope"]}, "no topic 'nope'"),
    ({"op": "add_consumer", "topics": []}, "list of 1 to"),
    ({"op": "add_consumer", "topics": "orders"}, "list of 1 to"),
    ({"op": "add_consumer", "topics": ["orders", "orders"]}, "twice"),
    ({"op": "add_consumer", "topics": ["a b"]}, "letters, digits"),
    ({"op": "add_consumer", "topic_pattern": "pay(", "group_id": "g1"}, "does not compile"),
    ({"op": "add_consumer", "topic_pattern": "(?P<x>pay)"}, "Python's"),
    ({"op": "add_consumer", "topic_pattern": "pay\\Z"}, "Java and Python"),
    ({"op": "add_consumer", "topic_pattern": ""}, "1-200"),
    ({"op": "add_consumer", "topic_pattern": 5}, "must be a string"),
    ({"op": "add_consumer", "topics": ["orders"], "topic_pattern": "o.*"}, "not both"),
    ({"op": "set_producer_rate", "rate": 5, "topic": "nope"}, "no topic 'nope'"),
    ({"op": "add_partitions", "count": 1, "topic": "nope"}, "no topic 'nope'"),
    ({"op": "set_subscription", "member_id": "consumer-1"}, "give 'topics'"),
    ({"op": "set_subscription", "member_id": "consumer-9", "topics": ["orders"]}, "no consumer"),
]


@pytest.mark.parametrize("cmd,message", BAD, ids=[f"{c['op']}-{i}" for i, (c, _) in enumerate(BAD)])
def test_bad_topic_commands_are_refused_and_change_nothing(cmd, message):
    e = Engine(seed=7)
    e.step(1_000)
    before = json.dumps(e.snapshot(), sort_keys=True)
    r = e.apply(cmd)
    assert r["ok"] is False and message in r["error"], r
    assert json.dumps(e.snapshot(), sort_keys=True) == before and e.command_log == []


def test_colliding_names_and_too_many_topics_are_refused():
    e = Engine(seed=7)
    assert e.apply({"op": "add_topic", "name": "a.b", "partitions": 1})["ok"]
    r = e.apply({"op": "add_topic", "name": "a_b", "partitions": 1})
    assert not r["ok"] and "collides with existing topic: a.b" in r["error"]
    for i in range(commands.MAX_TOPICS - 2):
        assert e.apply({"op": "add_topic", "name": f"t{i}", "partitions": 1})["ok"]
    before = json.dumps(e.snapshot(history=False), sort_keys=True)
    r = e.apply({"op": "add_topic", "name": "one-more", "partitions": 1})
    assert not r["ok"] and f"at most {commands.MAX_TOPICS} topics" in r["error"]
    assert json.dumps(e.snapshot(history=False), sort_keys=True) == before


def test_total_partitions_across_topics_are_limited():
    e = Engine(seed=7, scenario="large")
    assert e.apply({"op": "add_topic", "name": "more", "partitions": 1024})["ok"]
    r = e.apply({"op": "add_topic", "name": "again", "partitions": 100})
    assert not r["ok"] and f"at most {commands.MAX_TOTAL_PARTITIONS}" in r["error"]


@pytest.mark.parametrize("scenario,gid,cmd,message", [
    ("competition", "queue", {"topics": ["orders"]}, "reads only the first topic"),
    ("flink", "job", {"topics": ["orders"]}, "set_parallelism"),
    ("three-protocols", "kip848", {"topic_pattern": "o.*"}, "subscribedTopicRegex"),
])
def test_kinds_that_do_not_take_a_subscription_refuse_it(scenario, gid, cmd, message):
    e = Engine(seed=7, scenario=scenario)
    before = json.dumps(e.snapshot(history=False), sort_keys=True)
    r = e.apply({"op": "add_consumer", "group_id": gid, **cmd})
    assert not r["ok"] and message in r["error"], r
    assert json.dumps(e.snapshot(history=False), sort_keys=True) == before


def test_a_kip848_member_cannot_change_its_subscription():
    e = Engine(seed=7, scenario="three-protocols")
    r = e.apply({"op": "set_subscription", "member_id": "consumer-7", "topics": ["orders"]})
    assert not r["ok"] and "not modelled" in r["error"]


def test_invariants_hold_through_topic_and_subscription_churn():
    from groupviz.engine.invariants import check_engine

    e = Engine(seed=11, scenario="two-topics")
    seen, owners = {}, {}
    script = {4_000: {"op": "add_consumer", "group_id": "by-range", "topic_pattern": "pay.*"},
              9_000: {"op": "add_topic", "name": "payments-eu", "partitions": 2, "rate": 15},
              14_000: {"op": "kill_consumer", "member_id": "consumer-1"},
              18_000: {"op": "set_subscription", "member_id": "consumer-3", "topics": ["payments"]},
              24_000: {"op": "add_partitions", "topic": "payments", "count": 1},
              28_000: {"op": "set_assignor", "group_id": "by-roundrobin", "assignor": "cooperative-sticky"}}
    for t in range(500, 45_001, 500):
        e.step(500)
        if t in script:
            assert e.apply(script[t])["ok"], script[t]
        check_engine(e, seen, owners)
    owned = [tuple(tp) for g in e.snapshot(history=False)["groups"] for m in g["members"] for tp in m["partitions"]]
    assert ("payments-eu", 0) in owned and ("payments", 3) in owned
