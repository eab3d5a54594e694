"""A share group's ShareGroupHeartbeats on the wire (issue 15): the bounded log the protocol view draws,
with the member epoch and the assignment a response carries (on a join, or when it changed)."""

from groupviz.engine.core import Engine
from groupviz.kafka.wire import WIRE_SHOWN


def _share(e):
    return next(g for g in e.snapshot(history=False)["groups"] if g["group_id"] == "s")


def _engine():
    e = Engine(seed=7, scenario="default")
    assert e.apply({"op": "add_group", "group_id": "s", "type": "share", "consumers": 2})["ok"] is True
    return e


def test_a_join_is_epoch_0_and_its_response_carries_the_assignment():
    e = _engine()
    e.step(100)
    wire = _share(e)["wire"]
    joins = [w for w in wire if w["dir"] == "request" and w["epoch"] == 0]
    assert [w["api"] for w in joins] == ["ShareGroupHeartbeat"] * 2
    resp = [w for w in wire if w["dir"] == "response"]
    assert len(resp) == 2 and all(w["error"] == "NONE" and w["arrive_ms"] - w["sent_ms"] == 5 for w in resp)
    # each member's share of the partitions (the simple assignor), together every partition
    members = {m["member_id"]: sorted(p for _, p in m["target"]) for m in _share(e)["members"]}
    assert all(sorted(p for _, p in w["assignment"]) == members[w["member_id"]] for w in resp)
    assert sorted(p for ps in members.values() for p in ps) == list(range(6))


def test_routine_heartbeats_carry_no_assignment_until_it_changes_and_the_log_is_bounded():
    e = _engine()
    e.step(30_000)
    wire = _share(e)["wire"]
    assert len(wire) == WIRE_SHOWN
    assert all("assignment" not in w for w in wire if w["dir"] == "response" and w["sent_ms"] > 1000)
    e.apply({"op": "add_partitions", "count": 1})
    e.step(5000)
    carried = [w for w in _share(e)["wire"] if w["dir"] == "response" and "assignment" in w]
    assert carried                                   # the new partition went to one member: its response says so
    assert sorted(p for w in carried for _, p in w["assignment"] if p == 6) == [6]


def test_leaving_sends_epoch_minus_1():
    e = _engine()
    e.step(3000)
    member = _share(e)["members"][0]["member_id"]
    assert e.apply({"op": "stop_consumer", "member_id": member})["ok"] is True
    e.step(100)
    assert any(w["member_id"] == member and w["epoch"] == -1 and w["dir"] == dir_
               for w in _share(e)["wire"] for dir_ in ("request", "response"))
