"""Static membership (KIP-345), zombies cut off from the coordinator, and the 4.x initial delay rule,
against Kafka 4.x's GroupMetadataManager (classic group paths) and the client's AbstractCoordinator."""

import json

import pytest
from conftest import group, run_until, stable

from groupviz.engine.core import Engine
from groupviz.kafka.classic import coordinator as C
from groupviz.kafka.classic.coordinator import Coordinator, JoinGroup
from groupviz.kafka.classic.static_members import UNKNOWN_MEMBER
from groupviz.kafka.config import CLASSROOM_CONFIG
from groupviz.engine.sim import Environment


def members(engine, gid="g1"):
    return {m["member_id"]: m for m in group(engine, gid)["members"]}


@pytest.fixture
def static_engine():
    e = Engine(seed=7)
    r = e.apply({"op": "add_consumer", "instance_id": "app-1"})
    assert r["ok"] and r["member_id"] == "consumer-4"
    run_until(e, stable)
    return e


def test_static_member_back_within_the_session_timeout_keeps_its_partitions_without_a_rebalance(static_engine):
    e = static_engine
    before = group(e)
    owned = members(e)["consumer-4"]["partitions"]
    assert members(e)["consumer-4"]["instance_id"] == "app-1" and owned
    r = e.apply({"op": "restart_consumer", "member_id": "consumer-4", "down_ms": 3000})
    assert r == {"ok": True, "member_id": "consumer-4", "down_ms": 3000, "instance_id": "app-1"}
    e.step(100)
    assert members(e)["consumer-4"]["state"] == "restarting" and members(e)["consumer-4"]["partitions"] == []
    # no LeaveGroup went out: the coordinator still lists the member with its assignment
    assert "consumer-4" in e.groups["g1"].coordinator.members
    assert not any(m["api"] == "LeaveGroup" and m["member_id"] == "consumer-4" for m in group(e)["wire"])
    e.step(4000)
    g = group(e)
    assert g["state"] == "Stable" and g["generation"] == before["generation"]
    assert members(e)["consumer-4"]["state"] == "active" and members(e)["consumer-4"]["partitions"] == owned
    assert len(g["rebalances"]) == len(before["rebalances"])
    rejoined = [ev for ev in e.events if ev["type"] == "static_member_rejoined"]
    assert rejoined and rejoined[-1]["rebalance"] is False and rejoined[-1]["instance_id"] == "app-1"


def test_static_member_back_after_the_session_timeout_was_expelled_and_both_times_rebalance(static_engine):
    e = static_engine
    gen = group(e)["generation"]
    session = e.groups["g1"].config["session.timeout.ms"]
    assert e.apply({"op": "restart_consumer", "member_id": "consumer-4", "down_ms": session + 8000})["ok"]
    e.step(session + 2000)
    assert "consumer-4" not in e.groups["g1"].coordinator.members
    assert "app-1" not in e.groups["g1"].coordinator.static_members
    assert any(ev["type"] == "member_expired" and ev["member_id"] == "consumer-4" for ev in e.events)
    run_until(e, stable)
    assert group(e)["generation"] == gen + 1
    assert sorted(tp for m in group(e)["members"] for tp in map(tuple, m["partitions"])) == \
        [("orders", p) for p in range(6)]
    e.step(8000)
    run_until(e, stable)
    assert group(e)["generation"] == gen + 2 and members(e)["consumer-4"]["partitions"]


def test_dynamic_member_restart_leaves_and_rejoins_so_the_group_rebalances_twice():
    e = Engine(seed=7)
    run_until(e, stable)
    gen = group(e)["generation"]
    assert e.apply({"op": "restart_consumer", "member_id": "consumer-2", "down_ms": 3000})["ok"]
    e.step(100)
    assert "consumer-2" not in e.groups["g1"].coordinator.members       # LeaveGroup arrived
    e.step(5000)
    run_until(e, stable)
    assert group(e)["generation"] == gen + 2 and members(e)["consumer-2"]["partitions"]


def test_a_static_member_that_stops_sends_no_leave_group_and_is_expelled_at_the_session_timeout(static_engine):
    e = static_engine
    assert e.apply({"op": "stop_consumer", "member_id": "consumer-4"})["ok"]
    e.step(1000)
    assert "consumer-4" in e.groups["g1"].coordinator.members
    e.step(e.groups["g1"].config["session.timeout.ms"])
    assert "consumer-4" not in e.groups["g1"].coordinator.members and "consumer-4" not in e.groups["g1"].consumers


def test_a_second_process_with_a_running_members_instance_id_fences_it(static_engine):
    # Kafka's classic path: the newcomer replaces the member (same place and partitions, no rebalance);
    # the running one gets FENCED_INSTANCE_ID on its next heartbeat, a fatal error, and stops
    e = static_engine
    gen, owned = group(e)["generation"], members(e)["consumer-4"]["partitions"]
    r = e.apply({"op": "add_consumer", "instance_id": "app-1"})
    assert r == {"ok": True, "member_id": "consumer-5", "fences": "consumer-4"}
    e.step(5000)
    assert "consumer-4" not in members(e) and members(e)["consumer-5"]["partitions"] == owned
    assert group(e)["generation"] == gen and group(e)["state"] == "Stable"
    types = [ev["type"] for ev in e.events]
    assert "member_fenced" in types and "consumer_fenced" in types
    assert e.groups["g1"].coordinator.static_members["app-1"] == "consumer-5"


@pytest.mark.parametrize("cmd,message", [
    ({"op": "restart_consumer", "member_id": "consumer-1", "down_ms": 600_001}, "between 1 and 600000"),
    ({"op": "partition_consumer", "member_id": "consumer-9", "ms": 1000}, "no consumer 'consumer-9'"),
])
def test_bad_membership_commands_are_refused_and_change_nothing(static_engine, cmd, message):
    e = static_engine
    before = json.dumps(e.snapshot())
    r = e.apply(cmd)
    assert r["ok"] is False and message in r["error"]
    assert json.dumps(e.snapshot()) == before


def test_an_instance_id_held_by_a_restarting_member_is_refused(static_engine):
    e = static_engine
    assert e.apply({"op": "restart_consumer", "member_id": "consumer-4", "down_ms": 2000})["ok"]
    before = json.dumps(e.snapshot())
    r = e.apply({"op": "add_consumer", "instance_id": "app-1"})
    assert not r["ok"] and "belongs to consumer-4, which is restarting" in r["error"]
    assert json.dumps(e.snapshot()) == before


def test_restarting_or_partitioned_members_refuse_more_faults(static_engine):
    e = static_engine
    assert e.apply({"op": "partition_consumer", "member_id": "consumer-1", "ms": 2000})["ok"]
    before = json.dumps(e.snapshot())
    r = e.apply({"op": "restart_consumer", "member_id": "consumer-1", "down_ms": 1000})
    assert not r["ok"] and "cut off from the coordinator" in r["error"] and json.dumps(e.snapshot()) == before
    assert e.apply({"op": "restart_consumer", "member_id": "consumer-4", "down_ms": 1000})["ok"]
    r = e.apply({"op": "partition_consumer", "member_id": "consumer-4", "ms": 1000})
    assert not r["ok"] and "consumer-4 is restarting" in r["error"]


def test_other_group_kinds_refuse_instance_ids_restarts_and_partitions():
    e = Engine(seed=7)
    assert e.apply({"op": "add_group", "group_id": "k", "group_protocol": "consumer", "consumers": 1})["ok"]
    assert e.apply({"op": "add_group", "group_id": "s", "type": "share", "consumers": 1})["ok"]
    e.step(100)
    before = json.dumps(e.snapshot())
    for cmd in ({"op": "add_consumer", "group_id": "k", "instance_id": "a"},
                {"op": "add_consumer", "group_id": "s", "instance_id": "a"},
                {"op": "restart_consumer", "member_id": "consumer-4", "down_ms": 100},
                {"op": "partition_consumer", "member_id": "consumer-5", "ms": 100}):
        r = e.apply(cmd)
        assert not r["ok"] and ("classic" in r["error"]), (cmd, r)
    assert json.dumps(e.snapshot()) == before


# -- the coordinator, message by message ---------------------------------------------------------
class Wire:
    def __init__(self):
        self.sent, self.events = [], []

    def send(self, member_id, kind, payload):
        self.sent.append((member_id, kind, payload))

    def emit(self, type_, **fields):
        self.events.append((type_, fields))

    def last(self, member_id, kind):
        return [p for m, k, p in self.sent if m == member_id and k == kind][-1]


def _join(c, client, member_id=UNKNOWN_MEMBER, instance=None, assignor="range", rebalance=300000):
    c.handle_join(JoinGroup(member_id, client, "/h", assignor, ["t"], [], -1, 6000, rebalance, instance))


def _stable_coordinator(*clients, rebalance=300000):
    env, wire = Environment(), Wire()
    c = Coordinator("g1", env, wire.send, wire.emit, dict(CLASSROOM_CONFIG))
    for client, instance in clients:
        _join(c, client, instance=instance, rebalance=rebalance)
    while c.state == C.PREPARING_REBALANCE:      # each member joining in the initial delay extends it
        env.run(env.now + 500)
    assert c.state == C.COMPLETING_REBALANCE
    c.handle_sync(c.leader, c.generation, {cid: [("t", i)] for i, (cid, _) in enumerate(clients)})
    for cid, _ in clients:
        if cid != c.leader:
            c.handle_sync(cid, c.generation, None)
    assert c.state == C.STABLE
    return c, wire


def test_a_known_instance_id_replaces_the_member_id_keeps_the_assignment_and_fences_the_old_id():
    # updateStaticMemberThenRebalanceOrCompleteJoin in Stable with the same protocol: no rebalance
    c, wire = _stable_coordinator(("a", "app-a"), ("b", "app-b"))
    gen = c.generation
    _join(c, "b2", instance="app-b")
    assert c.state == C.STABLE and c.generation == gen
    assert list(c.members) == ["a", "b2"] and c.static_members == {"app-a": "a", "app-b": "b2"}
    assert wire.last("b2", "join")["generation"] == gen
    c.handle_sync("b2", gen, None)
    assert wire.last("b2", "sync") == {"error": C.NONE, "assignment": [("t", 1)]}
    c.handle_heartbeat("b", gen)
    assert wire.last("b", "heartbeat")["error"] == C.FENCED_INSTANCE_ID
    assert c.validate_commit("b", gen) == C.FENCED_INSTANCE_ID


def test_a_static_rejoin_with_another_protocol_or_during_completing_rebalance_rebalances():
    c, _ = _stable_coordinator(("a", "app-a"), ("b", "app-b"))
    _join(c, "b", instance="app-b", assignor="roundrobin")
    assert c.state == C.PREPARING_REBALANCE


def test_a_static_member_that_did_not_rejoin_is_kept_at_join_completion_and_a_dynamic_one_removed():
    # completeClassicGroupJoin removes only dynamic members that did not rejoin
    # (a rebalance timeout below the session timeout, so b's session is still alive at completion)
    c, _ = _stable_coordinator(("a", None), ("b", "app-b"), ("d", None), rebalance=4000)
    _join(c, "e", rebalance=4000)         # a new member: rebalance
    _join(c, "a", member_id="a", rebalance=4000)
    c.env.run(c.env.now + 4000)
    assert c.state == C.COMPLETING_REBALANCE
    assert list(c.members) == ["a", "b", "e"] and c.leader == "a"


def test_initial_delay_is_extended_whenever_the_group_was_empty_not_only_at_generation_0():
    # Kafka 4.x addMemberThenRebalanceOrCompleteJoin: PREPARING_REBALANCE && previousState() == EMPTY
    c, _ = _stable_coordinator(("a", None))
    c.handle_leave("a")
    c.env.run(c.env.now + 10)
    assert c.state == C.EMPTY and c.generation == 2
    start = c.env.now
    _join(c, "x")
    c.env.run(start + 2000)
    _join(c, "y")                         # arrives inside the delay: it is extended
    c.env.run(start + 3000)
    assert c.state == C.PREPARING_REBALANCE
    c.env.run(start + 6000)
    assert c.state == C.COMPLETING_REBALANCE and list(c.members) == ["x", "y"]


def test_describe_members_shows_group_instance_id_when_a_member_has_one(static_engine):
    # ConsumerGroupCommand.printMembers: format0 (GROUP-INSTANCE-ID, at least 17 wide) as soon as one member
    # has a group.instance.id; a dynamic member's column is empty
    out = static_engine.describe_group("g1", "members")["output"]
    lines = out.split("\n")
    fmt = "{:<15} {:<15} {:<17} {:<15} {:<15} {:<15} "
    assert lines[1] == fmt.format("GROUP", "CONSUMER-ID", "GROUP-INSTANCE-ID", "HOST", "CLIENT-ID", "#PARTITIONS")
    assert fmt.format("g1", "consumer-4", "app-1", "/10.0.0.14", "consumer-4", "1") in lines
    assert fmt.format("g1", "consumer-1", "", "/10.0.0.11", "consumer-1", "2") in lines
    dynamic = Engine(seed=7)
    run_until(dynamic, stable)
    assert "GROUP-INSTANCE-ID" not in dynamic.describe_group("g1", "members")["output"]


def test_a_static_bounce_without_a_rebalance_is_not_charged_to_the_last_rebalance(static_engine):
    e = static_engine
    before = group(e)["rebalances"][-1]
    assert e.apply({"op": "restart_consumer", "member_id": "consumer-4", "down_ms": 3000})["ok"]
    e.step(5000)
    after = group(e)["rebalances"][-1]
    assert after["generation"] == before["generation"]
    for k in ("paused_partitions", "paused_ms", "partition_ms_lost", "records_delayed"):
        assert after[k] == before[k], k
    assert not e.groups["g1"].stopped_since


def test_answers_on_their_way_to_a_process_that_closed_do_not_reach_its_successor(static_engine):
    # an answer to the old process (here a JoinGroup error) is still in flight when the process restarts:
    # the new process must not act on it (it would retry its JoinGroup: a second request on the wire)
    e = static_engine
    g = e.groups["g1"]
    t0 = e.time_ms
    g._deliver("consumer-4", "join", {"error": "UNKNOWN_MEMBER_ID"})
    assert e.apply({"op": "restart_consumer", "member_id": "consumer-4", "down_ms": 1})["ok"]
    e.step(400)
    joins = [m for m in g.wire.messages if m["member_id"] == "consumer-4" and m["api"] == "JoinGroup"
             and m["dir"] == "request" and m["sent_ms"] >= t0]
    assert len(joins) == 1 and g.consumers["consumer-4"].incarnation == 1
    run_until(e, stable)
    assert group(e)["generation"] == 1


def test_a_leader_rejoining_in_completing_rebalance_with_the_same_metadata_gets_the_members_again():
    # classicGroupJoinExistingMember: "member is joining with the same metadata (which could be because it
    # failed to receive the initial JoinGroup response)": the leader's answer carries the members again, else
    # nobody would assign (found by the hypothesis run, with a JoinGroup answer lost in a network partition)
    env, wire = Environment(), Wire()
    c = Coordinator("g1", env, wire.send, wire.emit, dict(CLASSROOM_CONFIG))
    _join(c, "a")
    _join(c, "b")
    while c.state == C.PREPARING_REBALANCE:
        env.run(env.now + 500)
    _join(c, "a", member_id="a")
    _join(c, "b", member_id="b")
    assert [m["member_id"] for m in wire.last("a", "join")["members"]] == ["a", "b"]
    assert wire.last("b", "join")["members"] == []
    assert c.state == C.COMPLETING_REBALANCE
