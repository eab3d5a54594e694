"""Hostile and malformed commands are refused with a clear message and change nothing."""

import json
import math

import pytest

from groupviz.engine import commands
from groupviz.engine.core import Engine

BAD = [
    (None, "must be an object"),
    ([], "must be an object"),
    ("add_consumer", "must be an object"),
    ({}, "needs an 'op'"),
    ({"op": 5}, "needs an 'op'"),
    ({"op": "drop_database"}, "unknown op 'drop_database'"),
    ({"op": "kill_consumer"}, "field 'member_id' is required"),
    ({"op": "kill_consumer", "member_id": 3}, "must be a string"),
    ({"op": "kill_consumer", "member_id": "x" * 65}, "1-64 characters"),
    ({"op": "kill_consumer", "member_id": "<script>"}, "1-64 characters"),
    ({"op": "kill_consumer", "member_id": "consumer-99"}, "no consumer 'consumer-99'"),
    ({"op": "set_producer_rate", "rate": "fast"}, "must be a number"),
    ({"op": "set_producer_rate", "rate": True}, "must be a number, not a boolean"),
    ({"op": "set_producer_rate", "rate": math.nan}, "finite"),
    ({"op": "set_producer_rate", "rate": math.inf}, "finite"),
    ({"op": "set_producer_rate", "rate": -1}, "between 0 and 100000"),
    ({"op": "set_producer_rate", "rate": 10**100}, "between 0 and 100000"),
    ({"op": "set_producer_rate", "rate": 10**400}, "not a huge number"),      # float() of it overflows
    ({"op": "step", "ms": -(10**400)}, "not a huge number"),
    ({"op": "replay", "log": {"format": "groupviz-log/1", "seed": 1, "scenario": "default", "time_ms": 10,
                              "commands": [{"time_ms": 0, "cmd": {"op": ["pause"]}}]}}, "needs an 'op'"),
    ({"op": "set_producer_rate", "rate": {"$gt": 1}}, "must be a number"),
    ({"op": "set_speed", "factor": 0}, "between 0.1 and 10"),
    ({"op": "set_speed", "factor": 11}, "between 0.1 and 10"),
    ({"op": "step", "ms": 1.5}, "whole number"),
    ({"op": "step", "ms": 10**9}, "between 1 and 600000"),
    ({"op": "set_assignor", "assignor": "random"}, "must be one of range, roundrobin, sticky, cooperative-sticky"),
    ({"op": "set_assignor", "assignor": "range"}, "already uses range"),
    ({"op": "set_assignor", "group_id": "nope", "assignor": "sticky"}, "no group 'nope'"),
    ({"op": "add_group", "group_id": "s", "type": "share", "competition": "fastest"},
     "must be one of random, first-free"),
    ({"op": "add_group", "group_id": "s", "type": "share", "competition": 1}, "must be one of random, first-free"),
    ({"op": "add_group", "group_id": "s", "competition": "random"}, "'competition' is only for share groups"),
    ({"op": "add_group", "group_id": "s", "type": "share", "assignor": "sticky"}, "a share group takes no 'assignor'"),
    ({"op": "add_group", "group_id": "s", "type": "queue"}, "must be one of consumer, share"),
    ({"op": "add_partitions", "count": 0}, "between 1 and 1024"),
    ({"op": "add_partitions", "count": 1020}, "at most 1024"),
    ({"op": "add_partitions", "topic": "other", "count": 1}, "no topic 'other'"),
    ({"op": "set_config", "config": {"session.timeout.ms": 1000}}, "between 6000 and 1800000"),
    ({"op": "set_config", "config": {"heartbeat.interval.ms": 7000}}, "must be lower than session.timeout.ms"),
    ({"op": "set_config", "config": {"bootstrap.servers": "evil"}}, "unknown config 'bootstrap.servers'"),
    ({"op": "set_config", "config": {}}, "is empty"),
    ({"op": "set_config", "config": [1, 2]}, "must be an object"),
    ({"op": "set_config", "config": {"enable.auto.commit": 1}}, "true or false"),
    ({"op": "reset", "scenario": "nope"}, "unknown scenario 'nope'"),
    ({"op": "reset", "seed": -1}, "between 0 and"),
    ({"op": "add_group", "group_id": "g1"}, "already exists"),
    ({"op": "resume_consumer", "member_id": "consumer-1"}, "is not paused"),
    ({"op": "restart_consumer", "member_id": "consumer-99", "down_ms": 1000}, "no consumer 'consumer-99'"),
    ({"op": "restart_consumer", "member_id": "consumer-1"}, "field 'down_ms' is required"),
    ({"op": "restart_consumer", "member_id": "consumer-1", "down_ms": 0}, "between 1 and 600000"),
    ({"op": "restart_consumer", "member_id": "consumer-1", "down_ms": 600001}, "between 1 and 600000"),
    ({"op": "restart_consumer", "member_id": "consumer-1", "down_ms": 1.5}, "whole number"),
    ({"op": "partition_consumer", "member_id": "consumer-99", "ms": 1000}, "no consumer 'consumer-99'"),
    ({"op": "partition_consumer", "member_id": "consumer-1", "ms": -5}, "between 1 and 600000"),
    ({"op": "partition_consumer", "member_id": "consumer-1", "ms": True}, "not a boolean"),
    ({"op": "add_consumer", "instance_id": "app 1"}, "1-64 characters"),
    ({"op": "add_consumer", "instance_id": ""}, "1-64 characters"),
    ({"op": "add_consumer", "instance_id": 7}, "must be a string"),
]


@pytest.mark.parametrize("cmd,message", BAD, ids=[str(i) for i in range(len(BAD))])
def test_bad_command_is_refused_with_a_clear_message_and_the_state_is_unchanged(cmd, message):
    e = Engine(seed=7)
    e.step(8000)
    before = json.dumps(e.snapshot())
    r = e.apply(cmd)
    assert r["ok"] is False
    assert message in r["error"]
    assert json.dumps(e.snapshot()) == before


def test_killing_an_already_crashed_consumer_is_refused():
    e = Engine(seed=7)
    e.step(8000)
    assert e.apply({"op": "kill_consumer", "member_id": "consumer-1"})["ok"]
    r = e.apply({"op": "kill_consumer", "member_id": "consumer-1"})
    assert r == {"ok": False, "error": "consumer-1 is crashed: it can no longer be controlled"}


def test_unknown_op_message_is_bounded_even_for_huge_input():
    r = Engine(seed=1).apply({"op": "x" * 100_000})
    assert not r["ok"] and len(r["error"]) < 600


def test_extra_fields_are_ignored():
    assert Engine(seed=1).apply({"op": "add_consumer", "colour": "red"})["ok"]


def test_every_op_has_a_handler():
    e = Engine(seed=1)
    for op in commands.SCHEMAS:
        assert callable(getattr(e, "_op_" + op))


def test_ints_given_as_integral_floats_are_accepted():
    assert commands.parse({"op": "step", "ms": 100.0}).args == {"ms": 100}


def test_valid_set_config_changes_only_the_named_keys():
    e = Engine(seed=1)
    r = e.apply({"op": "set_config", "config": {"session.timeout.ms": 10000, "auto.offset.reset": "latest"}})
    assert r["ok"]
    cfg = e.snapshot()["groups"][0]["config"]
    assert cfg["session.timeout.ms"] == 10000 and cfg["auto.offset.reset"] == "latest"
    assert cfg["heartbeat.interval.ms"] == 2000


# ---------------------------------------------------------------- every op, every field, every reason
# One valid example per op: the test below fails when an op is added without one (so it gets tested).
VALID = {
    "add_consumer": {"op": "add_consumer", "group_id": "g1", "rate": 12.5, "instance_id": "app-7"},
    "restart_consumer": {"op": "restart_consumer", "member_id": "consumer-1", "down_ms": 3000},
    "partition_consumer": {"op": "partition_consumer", "member_id": "consumer-2", "ms": 4000},
    "kill_consumer": {"op": "kill_consumer", "member_id": "consumer-1"},
    "stop_consumer": {"op": "stop_consumer", "member_id": "consumer-2"},
    "pause_consumer": {"op": "pause_consumer", "member_id": "consumer-1"},
    "resume_consumer": None,                        # needs a paused consumer: see the test
    "set_consumer_rate": {"op": "set_consumer_rate", "member_id": "consumer-1", "rate": 5},
    "stall_consumer": {"op": "stall_consumer", "member_id": "consumer-1", "ms": 4000},
    "set_processing_ms": {"op": "set_processing_ms", "member_id": "consumer-1", "ms": 20},
    "set_commit_mode": {"op": "set_commit_mode", "group_id": "g1", "mode": "sync", "rebalance_listener_commits": True},
    "set_producer_rate": {"op": "set_producer_rate", "rate": 0},
    "set_keys": {"op": "set_keys", "mode": "hot", "count": 10, "hot_share": 0.9},
    "add_partitions": {"op": "add_partitions", "topic": "orders", "count": 2},
    "add_group": {"op": "add_group", "group_id": "g2", "type": "consumer", "assignor": "sticky", "consumers": 2},
    "set_assignor": {"op": "set_assignor", "group_id": "g1", "assignor": "cooperative-sticky"},
    "set_config": {"op": "set_config", "group_id": "g1", "config": {"auto.commit.interval.ms": 500}},
    "pause": {"op": "pause"},
    "resume": {"op": "resume"},
    "step": {"op": "step", "ms": 250},
    "set_speed": {"op": "set_speed", "factor": 0.5},
    "reset": {"op": "reset", "seed": 3, "scenario": "default"},
    "replay": None,                                 # needs a log: see the test
    "lesson": {"op": "lesson", "lesson": "competing", "step": 0},
    "set_parallelism": {"op": "set_parallelism", "group_id": "job", "parallelism": 3},   # on a Flink job: the test adds it
    "add_topic": {"op": "add_topic", "name": "payments", "partitions": 3, "rate": 5},
    "set_subscription": {"op": "set_subscription", "member_id": "consumer-1", "topics": ["orders"]},
    "set_ack_type": {"op": "set_ack_type", "member_id": "consumer-4", "type": "release"},  # explicit share group: the test adds it
}


def test_every_op_has_a_valid_example_here():
    assert set(VALID) == set(commands.SCHEMAS), "add the new op to VALID (and its refusals to BAD)"


@pytest.mark.parametrize("op", sorted(commands.SCHEMAS))
def test_a_valid_command_of_every_op_is_accepted(op):
    e = Engine(seed=7)
    e.step(8000)
    cmd = VALID[op]
    if op == "resume_consumer":
        assert e.apply({"op": "pause_consumer", "member_id": "consumer-1"})["ok"]
        cmd = {"op": "resume_consumer", "member_id": "consumer-1"}
    elif op == "replay":
        cmd = {"op": "replay", "log": e.export_log()}
    elif op == "set_parallelism":
        assert e.apply({"op": "add_group", "group_id": "job", "type": "flink", "parallelism": 2})["ok"]
    elif op == "set_ack_type":
        assert e.apply({"op": "add_group", "group_id": "s1", "type": "share", "consumers": 1})["ok"]
        assert e.apply({"op": "set_config", "group_id": "s1", "config": {"share.acknowledgement.mode": "explicit"}})["ok"]
    r = e.apply(cmd)
    assert r["ok"] is True, r


# Wrong values by field kind: (value, what the message says). Every field of every op gets each.
WRONG_BY_KIND = {
    "int": [("7", "must be a number"), (True, "not a boolean"), (None, "must be a number, not null"), (math.nan, "finite"),
            (math.inf, "finite"), (10**400, "huge number"), (2.5, "whole number"), (-(10**12), "must be between")],
    "number": [("7", "must be a number"), (False, "not a boolean"), (None, "must be a number, not null"), (math.nan, "finite"),
               (-math.inf, "finite"), (10**400, "huge number"), (-(10**12), "must be between"), ([1], "must be a number")],
    "id": [(7, "must be a string"), (None, "must be a string, not null"), ("", "1-64 characters"), ("x" * 65, "1-64 characters"),
           ("a b", "1-64 characters"), ("é", "1-64 characters"), ({"$ne": 1}, "must be a string")],
    "enum": [("nope", "must be one of"), (1, "must be one of"), (None, "not null"), (["range"], "must be one of")],
    "dict": [([1], "must be an object"), ("{}", "must be an object"), (None, "must be an object, not null"), (3, "must be an object")],
    "bool": [(1, "true or false"), ("true", "true or false"), (None, "true or false")],
    "topics": [("orders", "list of 1 to"), ([], "list of 1 to"), ([1], "must be a string"), (["a b"], "1-64 characters"),
               (["orders", "orders"], "twice"), ([f"t{i}" for i in range(9)], "list of 1 to")],
    "text": [(7, "must be a string"), ("", "printable characters"), ("x" * 201, "printable characters"),
             ("a\nb", "printable characters")],
}
FIELD_CASES = [(op, f, value, message)
               for op, fields in sorted(commands.SCHEMAS.items()) for f in fields
               for value, message in WRONG_BY_KIND[f.kind]
               if not (value is None and not f.required)]          # null means "not given" for optional fields


@pytest.mark.parametrize("op,field,value,message", FIELD_CASES,
                         ids=[f"{op}.{f.name}-{i}" for i, (op, f, _, _) in enumerate(FIELD_CASES)])
def test_every_field_refuses_each_kind_of_wrong_value_and_says_which_field(op, field, value, message):
    e = Engine(seed=7)
    e.step(8000)
    base = VALID[op] or {"op": op, "member_id": "consumer-1", "log": {}}
    cmd = {k: v for k, v in base.items() if k in {"op"} | {f.name for f in commands.SCHEMAS[op]}}
    cmd[field.name] = value
    before = json.dumps(e.snapshot())
    r = e.apply(cmd)
    assert r["ok"] is False
    assert message in r["error"] and f"'{field.name}'" in r["error"] and r["error"].startswith(op), r["error"]
    assert json.dumps(e.snapshot()) == before


@pytest.mark.parametrize("op,field", [(op, f) for op, fs in sorted(commands.SCHEMAS.items()) for f in fs if f.required],
                         ids=lambda x: x if isinstance(x, str) else x.name)
def test_every_required_field_is_required(op, field):
    cmd = dict(VALID[op] or {"op": op, "member_id": "consumer-1", "log": {}})
    cmd.pop(field.name, None)
    with pytest.raises(commands.CommandError, match=f"{op}: field '{field.name}' is required"):
        commands.parse(cmd)


@pytest.mark.parametrize("op,field", [(op, f) for op, fs in sorted(commands.SCHEMAS.items()) for f in fs
                                      if f.kind in ("int", "number") and f.lo is not None],
                         ids=lambda x: x if isinstance(x, str) else x.name)
def test_every_number_field_refuses_just_outside_its_documented_range(op, field):
    step = 1 if field.kind == "int" else 1e-6
    for value in (field.lo - step, field.hi + step):
        with pytest.raises(commands.CommandError, match="must be between"):
            commands.check_value(op, field, value)
    assert commands.check_value(op, field, field.lo) == field.lo
    assert commands.check_value(op, field, field.hi) == field.hi
