"""A KIP-848 group inside the engine: add_group with group_protocol "consumer", its members reconciling
one by one, fencing, leaving, refusals that change nothing, describe output, rebalance cost."""

import pytest

from groupviz.engine.core import Engine
from groupviz.engine.invariants import check_engine


def _group(e, gid="k"):
    return next(g for g in e.snapshot(history=False)["groups"] if g["group_id"] == gid)


@pytest.fixture
def eng():
    e = Engine(seed=7, scenario="default")
    ack = e.apply({"op": "add_group", "group_id": "k", "type": "consumer", "group_protocol": "consumer",
                   "assignor": "uniform", "consumers": 3})
    assert ack == {"ok": True, "group_id": "k", "type": "consumer", "assignor": "uniform", "group_protocol": "consumer"}
    e.step(6000)
    return e


def test_the_group_is_stable_with_every_member_at_the_target_epoch(eng):
    g = _group(eng)
    assert (g["group_protocol"], g["state"], g["protocol"]) == ("consumer", "Stable", "consumer")
    assert g["group_epoch"] == g["target_assignment_epoch"] == g["generation"]
    assert {m["member_epoch"] for m in g["members"]} == {g["group_epoch"]}
    assert {m["member_state"] for m in g["members"]} == {"STABLE"}
    assert sorted(tuple(tp) for m in g["members"] for tp in m["partitions"]) == [("orders", p) for p in range(6)]
    assert _group(eng, "g1")["group_protocol"] == "classic"


def test_members_not_affected_keep_processing_while_one_partition_moves(eng):
    before = {m["member_id"]: m["partitions"] for m in _group(eng)["members"]}
    eng.apply({"op": "add_consumer", "group_id": "k"})
    eng.step(5000)
    g = _group(eng)
    rec = g["rebalances"][-1]
    assert g["state"] == "Stable" and rec["protocol"] == "consumer"
    assert rec["moved"] == 1 and rec["paused_partitions"] == 1
    assert rec["partition_ms_lost"] == rec["paused_ms"] > 0 and rec["records_delayed"] >= 0
    kept = sum(1 for m in g["members"] if m["member_id"] in before and m["partitions"] == before[m["member_id"]])
    assert kept == 2          # two of the three old members never stopped


def test_a_crash_is_noticed_after_the_session_timeout_and_the_partitions_wait_for_it(eng):
    victim = _group(eng)["members"][0]
    eng.apply({"op": "kill_consumer", "member_id": victim["member_id"]})
    eng.step(4000)
    assert victim["member_id"] in [m["member_id"] for m in _group(eng)["members"]]
    eng.step(6000)
    g = _group(eng)
    assert victim["member_id"] not in [m["member_id"] for m in g["members"]]
    rec = g["rebalances"][-1]
    assert rec["reason"].endswith("(group.consumer.session.timeout.ms)")
    assert rec["partition_ms_lost"] >= 6000 * len(victim["partitions"])
    check_engine(eng, {}, {})


def test_stop_leaves_with_epoch_minus_1_and_the_wire_shows_it(eng):
    mid = _group(eng)["members"][1]["member_id"]
    eng.apply({"op": "stop_consumer", "member_id": mid})
    eng.step(100)
    g = _group(eng)
    assert mid not in [m["member_id"] for m in g["members"]]
    assert any(w["api"] == "ConsumerGroupHeartbeat" and w["dir"] == "request" and w["epoch"] == -1
               and w["member_id"] == mid for w in g["wire"])
    assert "left the group (member epoch -1)" in g["rebalances"][-1]["reason"]


def test_adding_partitions_bumps_the_group_epoch_at_once(eng):
    epoch = _group(eng)["group_epoch"]
    eng.apply({"op": "add_partitions", "count": 2})
    g = _group(eng)
    assert g["group_epoch"] == epoch + 1 and g["state"] == "Assigning"
    eng.step(3000)
    assert sum(len(m["partitions"]) for m in _group(eng)["members"]) == 8


def test_switching_between_server_assignors_bumps_the_epoch(eng):
    assert eng.apply({"op": "set_assignor", "group_id": "k", "assignor": "range"})["ok"]
    eng.step(3000)
    g = _group(eng)
    assert g["assignor"] == "range" and g["state"] == "Stable"


@pytest.mark.parametrize("cmd,msg", [
    ({"op": "add_group", "group_id": "x", "group_protocol": "consumer", "assignor": "cooperative-sticky"},
     "not a server-side assignor"),
    ({"op": "add_group", "group_id": "x", "assignor": "uniform"}, "classic group takes"),
    ({"op": "add_group", "group_id": "x", "type": "share", "group_protocol": "consumer"}, "'group_protocol' is for"),
    ({"op": "add_group", "group_id": "x", "group_protocol": "kraft"}, "group_protocol"),
    ({"op": "add_group", "group_id": "k", "group_protocol": "classic"}, "already exists"),
    ({"op": "set_assignor", "group_id": "k", "assignor": "roundrobin"}, "not a server-side assignor"),
    ({"op": "set_assignor", "group_id": "g1", "assignor": "uniform"}, "classic group takes"),
    ({"op": "set_config", "group_id": "k", "config": {"group.protocol": "classic"}}, "cannot change"),
    ({"op": "set_config", "group_id": "k", "config": {"group.consumer.heartbeat.interval.ms": 20000}}, "15000"),
    ({"op": "set_config", "group_id": "k", "config": {"group.consumer.heartbeat.interval.ms": 500}}, "1000"),
    ({"op": "set_config", "group_id": "k", "config": {"group.consumer.heartbeat.interval.ms": 8000}},
     "must be lower than"),
    ({"op": "set_config", "group_id": "k", "config": {"session.timeout.ms": 8000}}, "group.consumer.session"),
])
def test_bad_input_is_refused_and_changes_nothing(eng, cmd, msg):
    before = eng.snapshot(history=False)
    ack = eng.apply(cmd)
    assert ack["ok"] is False and msg in ack["error"], ack
    assert eng.snapshot(history=False) == before


def test_describe_prints_epochs_and_target_assignment(eng):
    d = eng.describe_group("k", "members")
    assert d["command"].endswith("--members --verbose")
    head = d["output"].split("\n")[1].split()
    assert head == ["GROUP", "CONSUMER-ID", "HOST", "CLIENT-ID", "#PARTITIONS", "CURRENT-EPOCH",
                    "CURRENT-ASSIGNMENT", "TARGET-EPOCH", "TARGET-ASSIGNMENT"]
    s = eng.describe_group("k", "state")["output"].split("\n")
    assert s[1].split() == ["GROUP", "COORDINATOR", "(ID)", "ASSIGNMENT-STRATEGY", "STATE", "GROUP-EPOCH",
                            "TARGET-ASSIGNMENT-EPOCH", "#MEMBERS"]
    g = _group(eng)
    assert s[2].split()[3:] == ["uniform", "Stable", str(g["group_epoch"]), str(g["group_epoch"]), "3"]


def test_a_kip848_group_in_a_scenario_replays_identically():
    a = Engine(seed=3, scenario="three-protocols")
    a.step(8000)
    a.apply({"op": "add_consumer", "group_id": "kip848"})
    a.step(8000)
    b = Engine(seed=3, scenario="three-protocols")
    b.apply({"op": "replay", "log": a.export_log()})
    assert a.snapshot(history=False)["groups"] == b.snapshot(history=False)["groups"]
    check_engine(a, {}, {})


def test_a_stable_members_heartbeat_carries_no_owned_partitions_and_gets_no_assignment(eng):
    """ConsumerHeartbeatRequestManager sends topicPartitions only when the local assignment changed; the
    coordinator answers a partial request without an assignment unless it changed."""
    eng.step(8000)
    hbs = [w for w in _group(eng)["wire"] if w["api"] == "ConsumerGroupHeartbeat"]
    assert hbs and all("owned" not in w for w in hbs if w["dir"] == "request")
    assert all("assignment" not in w for w in hbs if w["dir"] == "response")
    eng.apply({"op": "add_consumer", "group_id": "k"})
    eng.step(300)
    hbs = [w for w in _group(eng)["wire"] if w["api"] == "ConsumerGroupHeartbeat"]
    joins = [w for w in hbs if w["dir"] == "request" and w["epoch"] == 0]
    assert joins and all(w["owned"] == 0 for w in joins)
    assert any(w["dir"] == "response" and "assignment" in w for w in hbs)
    assert any(w["dir"] == "request" and w.get("owned", 0) > 0 for w in hbs)
