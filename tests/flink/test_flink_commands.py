"""Every command a Flink job refuses is refused with a message that says why, and changes nothing."""

import json

import pytest

from groupviz.engine.core import Engine
from flink_helpers import flink_engine

BAD = [
    ({"op": "add_group", "group_id": "j", "type": "flink"}, "a Flink job needs a 'parallelism'"),
    ({"op": "add_group", "group_id": "j", "type": "flink", "parallelism": 0}, "between 1 and 256"),
    ({"op": "add_group", "group_id": "j", "type": "flink", "parallelism": 257}, "between 1 and 256"),
    ({"op": "add_group", "group_id": "j", "type": "flink", "parallelism": 2.5}, "whole number"),
    ({"op": "add_group", "group_id": "j", "type": "flink", "parallelism": True}, "must be a number"),
    ({"op": "add_group", "group_id": "j", "type": "flink", "parallelism": 2, "sink": "kafka"}, "must be one of"),
    ({"op": "add_group", "group_id": "j", "type": "flink", "parallelism": 2, "assignor": "range"},
     "a Flink job takes no 'assignor'"),
    ({"op": "add_group", "group_id": "j", "type": "flink", "parallelism": 2, "consumers": 2},
     "a Flink job takes no 'consumers'"),
    ({"op": "add_group", "group_id": "j" * 53, "type": "flink", "parallelism": 2}, "at most 52 characters"),
    ({"op": "add_group", "group_id": "j", "parallelism": 2}, "'parallelism' is only for a Flink job"),
    ({"op": "add_group", "group_id": "j", "type": "share", "sink": "plain"}, "'sink' is only for a Flink job"),
    ({"op": "set_parallelism", "group_id": "g1", "parallelism": 4}, "only a Flink job"),
    ({"op": "set_parallelism", "group_id": "job", "parallelism": 0}, "between 1 and 256"),
    ({"op": "set_parallelism", "group_id": "job", "parallelism": 300}, "between 1 and 256"),
    ({"op": "set_parallelism", "group_id": "job", "parallelism": 3}, "already runs with parallelism 3"),
    ({"op": "set_parallelism", "group_id": "nope", "parallelism": 3}, "no group 'nope'"),
    ({"op": "set_parallelism", "parallelism": 3}, "field 'group_id' is required"),
    ({"op": "kill_consumer", "member_id": "job-subtask-3"}, "no consumer 'job-subtask-3'"),
    ({"op": "stop_consumer", "member_id": "job-subtask-0"}, "not stopped on its own"),
    ({"op": "add_consumer", "group_id": "job"}, "its source subtasks are its parallelism"),
    ({"op": "set_assignor", "group_id": "job", "assignor": "range"}, "no assignor to choose"),
    ({"op": "set_config", "group_id": "job", "config": {"session.timeout.ms": 6000}}, "not a setting of a Flink job"),
    ({"op": "set_config", "group_id": "job", "config": {"execution.checkpointing.interval": 10}}, "between 1000"),
]



@pytest.fixture
def eng():
    e = flink_engine()
    e.step(8000)
    return e


@pytest.mark.parametrize("cmd,message", BAD, ids=[str(i) for i in range(len(BAD))])
def test_bad_flink_command_is_refused_and_nothing_changes(eng, cmd, message):
    before = json.dumps(eng.snapshot())
    r = eng.apply(cmd)
    assert r["ok"] is False, r
    assert message in r["error"]
    assert json.dumps(eng.snapshot()) == before


def test_a_subtask_cannot_be_killed_while_its_job_restarts(eng):
    assert eng.apply({"op": "kill_consumer", "member_id": "job-subtask-0"})["ok"]
    for mid in ("job-subtask-0", "job-subtask-1"):
        before = json.dumps(eng.snapshot())
        r = eng.apply({"op": "kill_consumer", "member_id": mid})
        assert r["ok"] is False and ("is crashed" in r["error"] or "is RESTARTING" in r["error"])
        assert json.dumps(eng.snapshot()) == before


def test_rescaling_is_refused_while_the_job_restarts(eng):
    eng.apply({"op": "kill_consumer", "member_id": "job-subtask-0"})
    before = json.dumps(eng.snapshot())
    r = eng.apply({"op": "set_parallelism", "group_id": "job", "parallelism": 2})
    assert r == {"ok": False, "error": "job is RESTARTING: change its parallelism once it runs again"}
    assert json.dumps(eng.snapshot()) == before


def test_add_group_makes_a_flink_job_with_p_subtasks():
    e = Engine(seed=7)
    r = e.apply({"op": "add_group", "group_id": "j", "type": "flink", "parallelism": 5, "sink": "two-phase-commit"})
    assert r == {"ok": True, "group_id": "j", "type": "flink", "parallelism": 5, "sink": "two-phase-commit"}
    g = e.snapshot()["groups"][1]
    assert [m["subtask"] for m in g["members"]] == [0, 1, 2, 3, 4]
    assert e.events[-1]["text"].startswith("Flink job j added: 5 source subtasks")


def test_nothing_can_be_killed_or_rescaled_while_a_savepoint_stops_the_job(eng):
    assert eng.apply({"op": "set_parallelism", "group_id": "job", "parallelism": 2})["ok"]
    before = json.dumps(eng.snapshot())
    for cmd in ({"op": "kill_consumer", "member_id": "job-subtask-1"},
                {"op": "set_parallelism", "group_id": "job", "parallelism": 4}):
        r = eng.apply(cmd)
        assert r["ok"] is False and "stopping with a savepoint (parallelism 2)" in r["error"], r
        assert json.dumps(eng.snapshot()) == before
    eng.step(2000)
    assert eng.apply({"op": "kill_consumer", "member_id": "job-subtask-1"})["ok"]
