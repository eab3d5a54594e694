"""Command logs (engine/replay.py): checked before anything is rebuilt, replayed in place."""

import json

import pytest

from groupviz.engine import Engine, replay
from groupviz.engine.core import _RUN_STATE, UNLOGGED_OPS
from groupviz.errors import CommandError


def test_a_failed_replay_restores_everything_a_build_makes():
    # _RUN_STATE must name every attribute _build sets, or a failed replay would leave part of the new run.
    assert set(vars(Engine())) - {"running", "speed", "_seq"} == set(_RUN_STATE)


def test_export_then_check_round_trips():
    e = Engine(seed=3)
    e.step(2000)
    e.apply({"op": "add_consumer"})
    e.step(1000)
    log = json.loads(json.dumps(e.export_log()))
    seed, scenario, end, cmds = replay.check(log, UNLOGGED_OPS)
    assert (seed, scenario, end) == (3, "default", 3000)
    assert cmds == [{"time_ms": 2000, "cmd": {"op": "add_consumer"}}]


@pytest.mark.parametrize("entry,message", [
    ({"time_ms": 500, "cmd": {"op": "pause"}}, "cannot be replayed"),
    ({"time_ms": 5000, "cmd": {"op": "add_consumer"}}, "between 0 and 1000"),
    ({"time_ms": 500, "cmd": "add"}, "must be an object"),
    ({"time_ms": 500, "cmd": {"op": "add_consumer", "rate": -1}}, "rate"),
])
def test_a_bad_entry_is_refused_before_anything_runs(entry, message):
    log = {"format": replay.FORMAT, "seed": 1, "scenario": "default", "time_ms": 1000, "commands": [entry]}
    with pytest.raises(CommandError, match=message):
        replay.check(log, UNLOGGED_OPS)


def test_replay_in_place_keeps_the_engine_and_its_groups_wired_to_it():
    e = Engine(seed=5)
    e.step(6000)
    e.apply({"op": "kill_consumer", "member_id": "consumer-2"})
    e.step(4000)
    before = {gid: g for gid, g in e.groups.items()}
    assert e.apply({"op": "replay", "log": e.export_log()})["ok"]
    assert all(e.groups[gid] is not g for gid, g in before.items())      # rebuilt ...
    assert all(g.ctx is e.group_context for g in e.groups.values())     # ... and wired to this engine
    assert e.time_ms == 10_000 and e.groups["g1"].consumers["consumer-2"].state == "crashed"   # not yet expelled


def test_a_log_with_add_topic_and_subscriptions_replays_to_the_same_topics_and_assignment():
    e = Engine(seed=5)
    e.step(500)
    e.apply({"op": "add_topic", "name": "payments", "partitions": 3, "rate": 12})
    e.apply({"op": "add_consumer", "topics": ["orders", "payments"]})
    e.step(9_500)
    log = json.loads(json.dumps(e.export_log()))
    assert log["commands"][0] == {"time_ms": 500, "cmd": {"op": "add_topic", "name": "payments", "partitions": 3,
                                                           "rate": 12.0}}
    want = e.snapshot(history=False)
    e.apply({"op": "replay", "log": log})
    got = e.snapshot(history=False)
    assert got["topics"] == want["topics"] and got["producer"]["topics"] == want["producer"]["topics"]
    assert [m["partitions"] for m in got["groups"][0]["members"]] == [m["partitions"] for m in want["groups"][0]["members"]]
