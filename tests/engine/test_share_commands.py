"""The share group's batch and acknowledgement settings through the engine's commands: max.poll.records,
share.acknowledgement.mode and set_ack_type, and the refusals (each leaves the engine unchanged)."""

import json

import pytest

from groupviz.engine.core import Engine

MAX_POLL = "max.poll.records"
ACK_MODE = "share.acknowledgement.mode"


def engine() -> Engine:
    eng = Engine(seed=7)
    assert eng.apply({"op": "add_group", "group_id": "s1", "type": "share", "consumers": 2})["ok"]
    eng.step(1000)
    return eng


def state(eng):
    return json.dumps(eng.snapshot(history=False), sort_keys=True)


@pytest.mark.parametrize("cmd, words", [
    ({"op": "set_config", "group_id": "s1", "config": {MAX_POLL: 0}}, ["max.poll.records", "1", "10000"]),
    ({"op": "set_config", "group_id": "s1", "config": {MAX_POLL: 10_001}}, ["max.poll.records", "10000"]),
    ({"op": "set_config", "group_id": "s1", "config": {MAX_POLL: "500"}}, ["max.poll.records"]),
    ({"op": "set_config", "group_id": "s1", "config": {MAX_POLL: True}}, ["max.poll.records"]),
    ({"op": "set_config", "group_id": "s1", "config": {ACK_MODE: "manual"}}, ["share.acknowledgement.mode",
                                                                               "implicit", "explicit"]),
    ({"op": "set_config", "group_id": "g1", "config": {ACK_MODE: "explicit"}}, ["share.acknowledgement.mode"]),
    ({"op": "set_ack_type", "member_id": "consumer-4", "type": "release"}, ["implicit", "explicit"]),
    ({"op": "set_ack_type", "member_id": "consumer-4", "type": "renew"}, ["accept", "release", "reject"]),
    ({"op": "set_ack_type", "member_id": "consumer-4"}, ["type", "required"]),
    ({"op": "set_ack_type", "member_id": "consumer-99", "type": "accept"}, ["consumer-99"]),
    ({"op": "set_ack_type", "member_id": "consumer-1", "type": "accept"}, ["consumer group", "commits offsets"]),
])
def test_bad_batch_and_acknowledgement_commands_are_refused_clearly_and_change_nothing(cmd, words):
    eng = engine()
    before = state(eng)
    r = eng.apply(cmd)
    assert r["ok"] is False
    for w in words:
        assert w in r["error"], r["error"]
    assert state(eng) == before


def test_set_ack_type_on_a_crashed_member_is_refused():
    eng = engine()
    assert eng.apply({"op": "set_config", "group_id": "s1", "config": {ACK_MODE: "explicit"}})["ok"]
    assert eng.apply({"op": "kill_consumer", "member_id": "consumer-4"})["ok"]
    r = eng.apply({"op": "set_ack_type", "member_id": "consumer-4", "type": "reject"})
    assert r["ok"] is False and "crashed" in r["error"]


def test_max_poll_records_and_the_acknowledgement_mode_are_set_and_shown():
    eng = engine()
    g = next(x for x in eng.snapshot(history=False)["groups"] if x["group_id"] == "s1")
    assert g["max_poll_records"] == 20 and g["acknowledgement_mode"] == "implicit"
    r = eng.apply({"op": "set_config", "group_id": "s1", "config": {MAX_POLL: 500, ACK_MODE: "explicit"}})
    assert r["ok"] and r["config"][MAX_POLL] == 500
    assert eng.apply({"op": "set_ack_type", "member_id": "consumer-5", "type": "reject"})["ok"]
    g = next(x for x in eng.snapshot(history=False)["groups"] if x["group_id"] == "s1")
    assert g["max_poll_records"] == 500 and g["acknowledgement_mode"] == "explicit"
    assert [m["ack_type"] for m in g["members"]] == ["accept", "reject"]
    # back to implicit: every member ACCEPTs again
    assert eng.apply({"op": "set_config", "group_id": "s1", "config": {ACK_MODE: "implicit"}})["ok"]
    g = next(x for x in eng.snapshot(history=False)["groups"] if x["group_id"] == "s1")
    assert [m["ack_type"] for m in g["members"]] == ["accept", "accept"]


def test_a_rejecting_member_archives_its_records_and_sends_no_results():
    eng = engine()
    assert eng.apply({"op": "set_config", "group_id": "s1", "config": {ACK_MODE: "explicit"}})["ok"]
    assert eng.apply({"op": "set_ack_type", "member_id": "consumer-4", "type": "reject"})["ok"]
    accepted_before = eng.groups["s1"].consumers["consumer-4"].accepted
    eng.step(10_000)
    g = next(x for x in eng.snapshot(history=False)["groups"] if x["group_id"] == "s1")
    m4, m5 = g["members"]
    assert m4["rejected"] > 50 and m4["accepted"] == accepted_before and m5["accepted"] > 50
    assert g["archived"] == g["acks"]["reject"] > 0 and g["no_result"] == g["archived"]


def test_config_reference_lists_kafkas_defaults_beside_the_classroom_ones():
    from groupviz.kafka.config import config_references
    rows = {r["name"]: r for r in config_references()["share"]}
    assert rows[MAX_POLL]["kafka_default"] == 500 and rows[MAX_POLL]["classroom_default"] == 20
    assert rows[ACK_MODE]["choices"] == ["implicit", "explicit"]


def test_set_ack_type_is_narrated_in_both_languages():
    eng = engine()
    assert eng.apply({"op": "set_config", "group_id": "s1", "config": {ACK_MODE: "explicit"}})["ok"]
    assert eng.apply({"op": "set_ack_type", "member_id": "consumer-4", "type": "release"})["ok"]
    ev = list(eng.events)[-1]
    assert ev["type"] == "ack_type" and "RELEASE" in ev["text"] and "RELEASE" in ev["text_zh"] and "显式确认" in ev["text_zh"]
