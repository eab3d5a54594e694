"""Share groups through the engine's commands and snapshot: the issue #6 behaviours end to end.

Every test drives the engine only with `apply` and `step` (what a browser can do) and reads the
snapshot (what the page renders); all are deterministic by seed.
"""

import json
from collections import Counter

import pytest
from conftest import run_until

from groupviz.engine.core import Engine
from groupviz.classroom.probability import chi_square_gof

LOCK = "group.share.record.lock.duration.ms"
LIMIT = "group.share.delivery.count.limit"


def snap_group(eng: Engine, gid: str) -> dict:
    return next(g for g in eng.snapshot(history=False)["groups"] if g["group_id"] == gid)


def ok(eng: Engine, cmd: dict) -> dict:
    r = eng.apply(cmd)
    assert r["ok"], r
    return r


def audit(eng: Engine, gid: str) -> Counter:
    """Count the broker's acknowledgements per (kind, partition, offset) in group `gid`."""
    log = Counter()
    eng.groups[gid].on_ack = lambda member, tp, offset, kind, dc: log.update([(kind, tp[1], offset)])
    return log


def drained(eng: Engine, gid: str) -> bool:
    g = snap_group(eng, gid)
    return g["lag"] == 0 and g["in_flight_total"] == 0 and g["available"] == 0


def share_engine(seed=7, rates=(20.0, 20.0, 20.0), competition="random", producer_rate=30.0) -> Engine:
    """The default scenario plus a share group 's1' built with commands only."""
    eng = Engine(seed=seed)
    ok(eng, {"op": "set_producer_rate", "rate": producer_rate})
    ok(eng, {"op": "add_group", "group_id": "s1", "type": "share", "competition": competition})
    for r in rates:
        ok(eng, {"op": "add_consumer", "group_id": "s1", "rate": r})
    return eng


# -- commands ---------------------------------------------------------------------------------
def test_add_group_makes_a_share_group_with_its_competition_and_the_model_in_the_snapshot():
    eng = share_engine(competition="first-free")
    eng.step(5000)
    g = snap_group(eng, "s1")
    assert g["type"] == "share" and g["competition"] == "first-free" and g["state"] == "Stable"
    assert [m["member_id"] for m in g["members"]] == ["consumer-4", "consumer-5", "consumer-6"]
    for m in g["members"]:
        assert {"member_id", "color", "state", "processed", "throughput", "wins", "in_flight"} <= set(m)
    assert g["model"]["competition"] == "share" and g["model"]["n"] == 3
    assert {f["key"] for f in g["model"]["formulas"]} >= {"p_record", "p_pair", "expected_wins", "sd_wins"}
    classic = snap_group(eng, "g1")
    assert classic["model"]["competition"] == "sharding" and classic["model"]["total_wins"] == classic["processed"]
    json.dumps(eng.snapshot())


def test_every_member_command_works_on_share_group_members():
    eng = share_engine()
    eng.step(2000)
    ok(eng, {"op": "set_consumer_rate", "member_id": "consumer-4", "rate": 5})
    ok(eng, {"op": "pause_consumer", "member_id": "consumer-5"})
    assert eng.groups["s1"].consumers["consumer-5"].state == "paused"
    eng.step(1000)
    ok(eng, {"op": "resume_consumer", "member_id": "consumer-5"})
    ok(eng, {"op": "kill_consumer", "member_id": "consumer-6"})
    ok(eng, {"op": "stop_consumer", "member_id": "consumer-4"})
    eng.step(50)
    states = {m["member_id"]: m["state"] for m in snap_group(eng, "s1")["members"]}
    assert states == {"consumer-5": "active", "consumer-6": "crashed"}
    eng.step(8000)
    assert [m["member_id"] for m in snap_group(eng, "s1")["members"]] == ["consumer-5"]


@pytest.mark.parametrize("cmd, message", [
    ({"op": "add_group", "group_id": "s2", "type": "share", "competition": "fastest"}, "competition"),
    ({"op": "add_group", "group_id": "s2", "competition": "random"}, "only for share groups"),
    ({"op": "add_group", "group_id": "s2", "type": "consumer", "competition": "first-free"}, "only for share groups"),
    ({"op": "add_group", "group_id": "s2", "type": "share", "assignor": "range"}, "takes no 'assignor'"),
    ({"op": "add_group", "group_id": "s1", "type": "share"}, "already exists"),
    ({"op": "set_config", "group_id": "s1", "config": {LOCK: 500}}, "between 1000 and 3600000"),
    ({"op": "set_config", "group_id": "s1", "config": {LIMIT: 11}}, "between 2 and 10"),
    ({"op": "set_config", "group_id": "s1", "config": {LIMIT: 3.5}}, "whole number"),
    ({"op": "set_config", "group_id": "s1", "config": {"auto.commit.interval.ms": 1000}}, "not settable on a share group"),
    ({"op": "set_config", "group_id": "s1", "config": {"group.share.heartbeat.interval.ms": 9000}}, "must be lower"),
    ({"op": "set_config", "group_id": "g1", "config": {LOCK: 2000}}, "unknown config"),
    ({"op": "set_assignor", "group_id": "s1", "assignor": "roundrobin"}, "share group"),
])
def test_bad_share_commands_are_refused_clearly_and_leave_the_engine_unchanged(cmd, message):
    eng = share_engine()
    eng.step(1500)
    before = json.dumps(eng.snapshot(), sort_keys=True)
    r = eng.apply(cmd)
    assert r["ok"] is False and message in r["error"], r
    assert json.dumps(eng.snapshot(), sort_keys=True) == before


def test_set_config_on_a_share_group_uses_kafkas_share_names():
    eng = share_engine()
    r = ok(eng, {"op": "set_config", "group_id": "s1", "config": {LOCK: 2000, LIMIT: 3}})
    assert r["config"][LOCK] == 2000 and r["config"][LIMIT] == 3
    g = snap_group(eng, "s1")
    assert g["record_lock_duration_ms"] == 2000 and g["delivery_count_limit"] == 3
    ev = [e for e in eng.events if e["type"] == "config_changed"][-1]
    assert ev["changes"] == {LOCK: 2000, LIMIT: 3}


# -- the competition ------------------------------------------------------------------------------
def test_random_competition_passes_a_chi_square_test_of_equal_shares():
    eng = Engine(seed=7, scenario="competition")
    eng.step(120_000)
    g = snap_group(eng, "queue")
    wins = [m["wins"] for m in g["members"]]
    assert sum(wins) > 3000
    assert chi_square_gof(wins, [1, 1, 1])["p_value"] > 0.01
    model = g["model"]
    assert model["test"]["against"] == "uniform" and model["test"]["enough_data"]
    assert model["test"]["p_value"] > 0.01
    assert all(r["within_ci"] for r in model["members"])


def test_with_fewer_members_than_partitions_shares_follow_the_partitions_not_speed():
    # members of 10, 20 and 30 records/s on the default topic's 6 partitions: the simple assignor gives each
    # two partitions, so each takes about a third of the records, whatever its speed (Kafka 4.1+)
    eng = share_engine(rates=(10.0, 20.0, 30.0), competition="first-free")
    eng.step(60_000)
    g = snap_group(eng, "s1")
    assert [m["rate"] for m in g["members"]] == [10.0, 20.0, 30.0]
    assert [len(m["partitions"]) for m in g["members"]] == [2, 2, 2]
    wins = [m["wins"] for m in g["members"]]
    assert all(abs(w / sum(wins) - 1 / 3) < 0.03 for w in wins), wins


def test_random_dispatch_sharding_and_a_share_group_read_the_same_records_side_by_side():
    eng = Engine(seed=7, scenario="competition")
    eng.step(20_000)
    ok(eng, {"op": "set_producer_rate", "rate": 0})
    eng.step(20_000)
    produced = eng.producer.produced
    groups = eng.snapshot(history=False)["producer"]["groups"]
    for gid in ("queue", "g1", "share"):
        assert groups[gid]["unique"] == produced and groups[gid]["outstanding"] == 0, gid


# -- acknowledgements, redelivery, archive, results ---------------------------------------------------
def test_exactly_one_accept_per_record_and_results_equal_accepts_when_nothing_fails():
    eng = Engine(seed=3, scenario="competition")
    log = audit(eng, "share")
    eng.step(15_000)
    ok(eng, {"op": "set_producer_rate", "rate": 0})
    run_until(eng, lambda e: drained(e, "share"))
    eng.step(100)
    produced = eng.producer.produced
    assert {k for k, _, _ in log} == {"accept"} and len(log) == produced and set(log.values()) == {1}
    g = snap_group(eng, "share")
    assert g["acks"] == {"accept": produced, "release": 0, "reject": 0}
    res = eng.snapshot(history=False)["producer"]["groups"]["share"]
    assert res["results"] == res["unique"] == g["acks"]["accept"] == produced
    assert res["no_result"] == 0 and res["outstanding"] == 0 and res["in_transit"] == 0
    assert res["latency_ms"]["p50"] is not None and res["latency_ms"]["p95"] >= res["latency_ms"]["p50"]


def test_a_killed_members_records_are_redelivered_with_delivery_count_two_after_its_session_times_out():
    # its locks run out after 5 s, but its partitions stay assigned to it until the coordinator expels it
    # (group.share.session.timeout.ms, 6 s): only then does the survivor get them and redeliver the records
    eng = share_engine(seed=5, rates=(40.0, 40.0), producer_rate=60.0)
    run_until(eng, lambda e: any(r["member_id"] == "consumer-4" for r in snap_group(e, "s1")["in_flight"]))
    held = {(r["partition"], r["offset"]) for r in snap_group(eng, "s1")["in_flight"] if r["member_id"] == "consumer-4"}
    expiries = [r["lock_expires_ms"] for r in snap_group(eng, "s1")["in_flight"] if r["member_id"] == "consumer-4"]
    killed_at = eng.time_ms
    ok(eng, {"op": "kill_consumer", "member_id": "consumer-4"})
    run_until(eng, lambda e: e.time_ms >= min(expiries) - 50)
    still = {(r["partition"], r["offset"]) for r in snap_group(eng, "s1")["in_flight"] if r["member_id"] == "consumer-4"}
    assert still == held                                   # locked by the dead member until the lock runs out
    run_until(eng, lambda e: any((r["partition"], r["offset"]) in held and r["member_id"] == "consumer-5"
                                 for r in snap_group(e, "s1")["in_flight"]))
    assert eng.time_ms >= killed_at + 6000 - 2000          # expelled after its session (last heartbeat + 6 s)
    g = snap_group(eng, "s1")
    again = [r for r in g["in_flight"] if (r["partition"], r["offset"]) in held]
    assert again and all(r["delivery_count"] == 2 and r["member_id"] == "consumer-5" for r in again)
    assert [m["member_id"] for m in g["members"]] == ["consumer-5"] and len(g["members"][0]["partitions"]) == 6
    ok(eng, {"op": "set_producer_rate", "rate": 0})
    run_until(eng, lambda e: drained(e, "s1"))
    assert snap_group(eng, "s1")["redeliveries"] == len(held)      # each of them came back exactly once
    assert any(e["type"] == "locks_expired" and e["member_id"] == "consumer-4" for e in eng.events)


def test_a_record_is_archived_after_the_delivery_limit_and_counts_as_no_result():
    # explicit acknowledgement, and the application RELEASEs every record: after 2 deliveries it is archived
    eng = share_engine(rates=(50.0,), producer_rate=10.0)
    ok(eng, {"op": "set_config", "group_id": "s1", "config": {LIMIT: 2, "share.acknowledgement.mode": "explicit"}})
    ok(eng, {"op": "set_ack_type", "member_id": "consumer-4", "type": "release"})
    eng.step(200)
    ok(eng, {"op": "set_producer_rate", "rate": 0})
    produced = eng.producer.produced
    assert produced >= 1
    run_until(eng, lambda e: drained(e, "s1") and snap_group(e, "s1")["archived"] == produced, limit_ms=30_000)
    g = snap_group(eng, "s1")
    assert g["archived"] == produced == g["no_result"] and g["acks"]["accept"] == 0
    assert g["acks"]["release"] == 2 * produced and g["members"][0]["ack_type"] == "release"
    res = eng.snapshot(history=False)["producer"]["groups"]["s1"]
    assert res["no_result"] == produced and res["results"] == 0 and res["outstanding"] == 0


def test_nothing_is_lost_with_the_producer_stopped_and_members_alive():
    eng = share_engine(seed=8, rates=(20.0, 30.0, 40.0), producer_rate=80.0)
    ok(eng, {"op": "set_config", "group_id": "s1", "config": {"groupviz.reject.probability": 0.05, LOCK: 2000}})
    log = audit(eng, "s1")
    eng.step(3000)
    ok(eng, {"op": "kill_consumer", "member_id": "consumer-4"})
    eng.step(2000)
    ok(eng, {"op": "pause_consumer", "member_id": "consumer-6"})
    ok(eng, {"op": "add_consumer", "group_id": "s1"})
    eng.step(2000)
    ok(eng, {"op": "stop_consumer", "member_id": "consumer-5"})
    ok(eng, {"op": "resume_consumer", "member_id": "consumer-6"})
    ok(eng, {"op": "set_producer_rate", "rate": 0})
    run_until(eng, lambda e: drained(e, "s1"), limit_ms=60_000)
    eng.step(100)
    produced = eng.producer.produced
    g = snap_group(eng, "s1")
    terminal = Counter()
    for (kind, p, off), n in log.items():
        if kind in ("accept", "reject"):
            terminal[(p, off)] += n
    assert set(terminal.values()) == {1}
    assert len(terminal) + (g["archived"] - g["acks"]["reject"]) == produced     # accepted or archived, each once
    res = eng.snapshot(history=False)["producer"]["groups"]["s1"]
    assert res["results"] == g["results"] and res["in_transit"] == 0           # every result reached the producer
    assert res["unique"] + res["no_result"] == produced and res["outstanding"] == 0
    assert res["unique"] >= g["acks"]["accept"] - g["duplicates"]


# -- the seed's demo ------------------------------------------------------------------------------------
def test_seed_demo_sends_ten_records_and_every_journey_ends_with_its_result_at_the_producer():
    eng = Engine(seed=7, scenario="seed-demo")
    eng.step(3000)
    g = snap_group(eng, "share")            # the share group beside the seed's random dispatch ('seed')
    assert len(g["members"]) == 5
    run_until(eng, lambda e: e.snapshot(history=False)["producer"]["groups"]["share"]["results"] == 10,
              limit_ms=30_000)
    eng.step(5000)
    s = eng.snapshot(history=False)
    assert s["producer"]["produced"] == 10 and s["producer"]["limit"] == 10 and s["producer"]["outstanding"] == 0
    g = snap_group(eng, "share")
    journeys = g["journeys"]
    assert [j["record"] for j in journeys] == [f"data_{i}" for i in range(10)]
    for j in journeys:
        assert j["state"] == "Acknowledged" and j["winner"] == j["deliveries"][0]["member_id"]
        assert j["produced_ms"] <= j["deliveries"][0]["acquired_ms"] < j["processed_ms"] < j["result_ms"]
    assert sum(m["wins"] for m in g["members"]) == 10
    assert g["model"]["n"] == 5 and g["model"]["m"] == 10 and g["model"]["formulas"][1]["value"] == pytest.approx(0.02)


def test_a_result_on_its_way_back_has_no_arrival_time_yet():
    eng = Engine(seed=7, scenario="seed-demo")
    run_until(eng, lambda e: any(j["processed_ms"] is not None for j in snap_group(e, "seed")["journeys"]),
              step_ms=5)
    j = next(j for j in snap_group(eng, "seed")["journeys"] if j["processed_ms"] is not None)
    assert j["result_ms"] is None and j["result_in_transit"] is True


def test_same_seed_and_commands_give_identical_share_snapshots():
    def run(seed):
        eng = Engine(seed=seed, scenario="competition")
        eng.step(3000)
        eng.apply({"op": "kill_consumer", "member_id": "consumer-2"})
        eng.step(6000)
        eng.apply({"op": "add_consumer", "group_id": "queue"})
        eng.step(4000)
        return json.dumps(eng.snapshot(), sort_keys=True)

    assert run(4) == run(4)
    assert run(4) != run(5)


def test_the_model_restarts_its_counts_when_the_line_up_changes_so_1_over_n_still_holds():
    eng = Engine(seed=7, scenario="competition")      # 'queue': random dispatch, the seed's 1/N
    eng.step(20_000)
    new = ok(eng, {"op": "add_consumer", "group_id": "queue"})["member_id"]
    eng.step(15_000)
    model = snap_group(eng, "queue")["model"]
    assert model["n"] == 4 and 20_000 <= model["since_ms"] <= 20_500
    assert sum(r["wins"] for r in model["members"]) == model["total_wins"] < 500
    assert model["test"]["p_value"] > 0.01 and all(r["within_ci"] for r in model["members"])
    cumulative = {m["member_id"]: m["wins"] for m in snap_group(eng, "queue")["members"]}
    assert cumulative["consumer-1"] > 2 * cumulative[new]     # the snapshot's own counts stay cumulative
