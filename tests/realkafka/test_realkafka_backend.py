"""The real backend against librdkafka's mock cluster: real consumers in their own processes, real offsets."""

from __future__ import annotations

import os

import pytest

from groupviz.realkafka.backend import KafkaBackend
from realkafka_helpers import assignment, covers_exactly, group, wait_for

pytestmark = pytest.mark.timeout(120)


@pytest.fixture
def backend():
    be = KafkaBackend("mock")
    yield be
    be.close()


def _pids(be):
    return {m.name: m.child.pid for g in be.groups.values() for m in g.members.values()}


def test_add_gives_a_real_assignment_covering_every_partition_once(backend):
    snap = wait_for(backend, lambda s: covers_exactly(s, 3), what="3 members own all 6 partitions")
    assert snap["backend"] == {"kind": "kafka", "cluster": "embedded", "bootstrap": backend.bootstrap, "observe": None}
    assert backend.bootstrap.startswith("127.0.0.1:")
    pids = _pids(backend)
    assert len(set(pids.values())) == 3 and os.getpid() not in pids.values()     # one OS process each
    r = backend.apply({"op": "add_consumer"})
    assert r == {"ok": True, "member_id": "consumer-4"}
    snap = wait_for(backend, lambda s: covers_exactly(s, 4), what="4 members own all 6 partitions")
    g = group(snap)
    assert g["generation"] >= 2 and all(m["kafka_member_id"] for m in g["members"])
    assert [r for r in g["rebalances"] if r.get("end_ms") is not None]
    assert any(e["type"] == "rebalance_callback" and e["callback"] == "on_assign" for e in snap["events"])


def test_kill_moves_partitions_only_after_the_session_timeout_and_stop_at_once(backend):
    wait_for(backend, lambda s: covers_exactly(s, 3), what="stable")
    victim_parts = assignment(backend.snapshot(history=False))["consumer-1"]
    assert backend.apply({"op": "kill_consumer", "member_id": "consumer-1"})["ok"]
    killed = next(m for m in backend.groups["g1"].members.values() if m.name == "consumer-1")
    assert killed.child.proc.wait(5) == -9                      # SIGKILL: no close(), no LeaveGroup
    snap = wait_for(backend, lambda s: True)
    assert all(not set(ps) & set(victim_parts) for ps in assignment(snap).values())   # nobody has them yet
    import time
    t0 = time.monotonic()
    wait_for(backend, lambda s: covers_exactly(s, 2), timeout=40, what="the survivors take over")
    assert time.monotonic() - t0 >= 2.0          # the coordinator waited for session.timeout.ms (6 s) to expire
    t1 = time.monotonic()
    assert backend.apply({"op": "stop_consumer", "member_id": "consumer-2"})["ok"]
    wait_for(backend, lambda s: covers_exactly(s, 1), timeout=30, what="consumer-3 owns all after stop")
    snap = backend.snapshot(history=False)
    states = {m["member_id"]: m["state"] for m in group(snap)["members"]}
    assert states == {"consumer-1": "crashed", "consumer-2": "left", "consumer-3": "active"}
    assert time.monotonic() - t1 < 15


def test_committed_offsets_advance_and_lag_is_log_end_minus_committed(backend):
    def committed(s):
        return [r["committed"] for r in group(s)["partitions"]]
    first = wait_for(backend, lambda s: all(c is not None and c > 0 for c in committed(s)), timeout=40,
                     what="every partition has a commit")
    later = wait_for(backend, lambda s: sum(committed(s)) > sum(committed(first)) + 20, timeout=30,
                     what="commits advance")
    for r in group(later)["partitions"]:
        assert r["lag"] == r["log_end_offset"] - r["committed"]
        assert r["status"] in ("OK", "WARN") and r["lag_ms"] is not None
    assert group(later)["lag"] == sum(r["lag"] for r in group(later)["partitions"])
    assert later["producer"]["produced"] > 0
    assert later["topics"][0]["partitions"][0]["log_end_offset"] > 0
    assert "mock" in group(later)["describe_note"]           # no DescribeGroups there: said in one line
    assert backend.describe_group("g1", "members")["ok"]


def test_a_kip848_group_gets_its_assignment_from_the_broker():
    be = KafkaBackend("mock", consumers=2, group_protocol="consumer", producer_rate=10)
    try:
        snap = wait_for(be, lambda s: covers_exactly(s, 2), what="KIP-848 members own all partitions")
        assert group(snap)["group_protocol"] == "consumer" and group(snap)["protocol"] == "consumer"
        assert be.apply({"op": "set_assignor", "assignor": "range"})["ok"] is False
    finally:
        be.close()


def test_bad_input_and_the_consumer_limit_are_refused_and_change_nothing():
    be = KafkaBackend("mock", consumers=1, max_consumers=2, producer_rate=5)
    try:
        before = sorted(m.name for m in be.groups["g1"].members.values())
        for cmd in ({"op": "kill_consumer", "member_id": "nobody"}, {"op": "pause"}, {"op": "step", "ms": 10},
                    {"op": "add_consumer", "rate": -1}, {"op": "lesson", "lesson": "idle"}, "junk",
                    {"op": "add_group", "group_id": "s", "type": "share"},
                    {"op": "add_topic", "name": "payments", "partitions": 3},
                    {"op": "add_consumer", "topics": ["orders"]}, {"op": "set_producer_rate", "rate": 3, "topic": "x"},
                    {"op": "set_subscription", "member_id": "consumer-1", "topic_pattern": "o.*"}):
            r = be.apply(cmd)
            assert r["ok"] is False and r["error"], cmd
        assert be.apply({"op": "add_consumer"})["ok"]
        r = be.apply({"op": "add_consumer"})
        assert r["ok"] is False and "at most 2 real consumer processes" in r["error"]
        assert sorted(m.name for m in be.groups["g1"].members.values()) == before + ["consumer-2"]
    finally:
        be.close()
