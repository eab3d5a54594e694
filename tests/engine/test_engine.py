"""The engine end to end in simulated time: joins, leaves, crashes, lag, determinism."""

import json

import pytest
from conftest import group, run_until, stable

from groupviz.engine.core import Engine


def test_default_scenario_is_six_partitions_three_consumers_thirty_records_per_second(engine):
    s = engine.snapshot()
    assert [len(t["partitions"]) for t in s["topics"]] == [6]
    assert s["producer"]["rate"] == 30.0
    g = s["groups"][0]
    assert g["group_id"] == "g1" and g["assignor"] == "range" and g["type"] == "consumer"
    assert [m["member_id"] for m in g["members"]] == ["consumer-1", "consumer-2", "consumer-3"]
    assert g["config"]["session.timeout.ms"] == 6000
    assert g["config"]["heartbeat.interval.ms"] == 2000
    assert g["config"]["auto.commit.interval.ms"] == 1000


def test_snapshot_has_the_design_keys_and_is_json(engine):
    engine.step(8000)
    s = engine.snapshot()
    json.dumps(s)
    for key in ("time_ms", "running", "speed", "seed", "topics", "producer", "groups", "events", "history"):
        assert key in s
    g = s["groups"][0]
    for key in ("group_id", "type", "state", "generation", "assignor", "members", "partitions", "lag"):
        assert key in g
    for key in ("member_id", "state", "partitions", "throughput", "processed", "lag"):
        assert key in g["members"][0]
    for key in ("topic", "partition", "owner", "committed", "lag"):
        assert key in g["partitions"][0]
    for key in ("rate", "produced", "results"):
        assert key in s["producer"]


def test_group_becomes_stable_with_range_assignment(engine):
    run_until(engine, stable)
    g = group(engine)
    assert g["state"] == "Stable" and g["generation"] == 1
    assert {m["member_id"]: m["partitions"] for m in g["members"]} == {
        "consumer-1": [["orders", 0], ["orders", 1]],
        "consumer-2": [["orders", 2], ["orders", 3]],
        "consumer-3": [["orders", 4], ["orders", 5]],
    }


def test_first_rebalance_waits_for_the_initial_delay_then_extends_it(engine):
    # three members join at t=5ms; the 2nd and 3rd arrive during the 3 s delay, so it runs twice
    took = run_until(engine, lambda e: e.groups["g1"].coordinator.state == "CompletingRebalance", step_ms=1)
    assert took == 5 + 3000 + 3000


def test_adding_a_consumer_rebalances_and_gives_it_partitions(engine):
    run_until(engine, stable)
    r = engine.apply({"op": "add_consumer"})
    assert r == {"ok": True, "member_id": "consumer-4"}
    engine.step(10)
    assert group(engine)["state"] == "PreparingRebalance"
    run_until(engine, stable)
    g = group(engine)
    assert g["generation"] == 2
    owned = {m["member_id"]: m["partitions"] for m in g["members"]}
    assert owned["consumer-4"] == [["orders", 5]]
    assert sorted(tp for ps in owned.values() for tp in ps) == [["orders", p] for p in range(6)]


def test_killed_consumer_is_crashed_until_session_timeout_then_expelled(engine):
    run_until(engine, stable)
    engine.step(2500)
    r = engine.apply({"op": "kill_consumer", "member_id": "consumer-2"})
    assert r["ok"]
    m = next(m for m in group(engine)["members"] if m["member_id"] == "consumer-2")
    assert m["state"] == "crashed" and m["partitions"] == [["orders", 2], ["orders", 3]]
    last_hb = engine.groups["g1"].coordinator.members["consumer-2"].last_heartbeat_ms
    # still a member one ms before last heartbeat + session.timeout.ms ...
    engine.step(last_hb + 6000 - 1 - engine.time_ms)
    assert "consumer-2" in engine.groups["g1"].coordinator.members
    engine.step(1)
    assert "consumer-2" not in engine.groups["g1"].coordinator.members
    expired = [e for e in engine.events if e["type"] == "member_expired"]
    assert expired[-1]["member_id"] == "consumer-2" and expired[-1]["time_ms"] == last_hb + 6000
    run_until(engine, stable)
    g = group(engine)
    assert [m["member_id"] for m in g["members"]] == ["consumer-1", "consumer-3"]
    assert {m["member_id"]: m["partitions"] for m in g["members"]} == {
        "consumer-1": [["orders", 0], ["orders", 1], ["orders", 2]],
        "consumer-3": [["orders", 3], ["orders", 4], ["orders", 5]],
    }


def test_graceful_stop_leaves_at_once_without_waiting_for_the_session_timeout(engine):
    run_until(engine, stable)
    engine.apply({"op": "stop_consumer", "member_id": "consumer-3"})
    took = run_until(engine, lambda e: stable(e) and "consumer-3" not in e.groups["g1"].coordinator.members)
    # the others learn of it on their next heartbeat (<= heartbeat.interval.ms), not after 6 s
    assert took <= 2000 + 50
    assert [m["member_id"] for m in group(engine)["members"]] == ["consumer-1", "consumer-2"]


def test_crash_after_processing_without_commit_causes_duplicates(engine):
    run_until(engine, stable)
    engine.step(5000)
    engine.apply({"op": "set_config", "config": {"auto.commit.interval.ms": 5000}})
    g = engine.groups["g1"]
    c = g.consumers["consumer-1"]
    # kill right after some processing but before the next auto-commit
    engine.step(1500)
    uncommitted = sum(c.positions[tp] - (g.offsets.get(tp) or 0) for tp in c.assigned)
    assert uncommitted > 0
    engine.apply({"op": "kill_consumer", "member_id": "consumer-1"})
    run_until(engine, lambda e: "consumer-1" not in g.coordinator.members)
    run_until(engine, lambda e: stable(e) and g.duplicates >= uncommitted, limit_ms=20_000)
    assert g.duplicates == uncommitted


def test_lag_is_log_end_offset_minus_committed_and_never_negative(engine):
    for _ in range(40):
        engine.step(500)
        s = engine.snapshot(history=False)
        leo = {p["partition"]: p["log_end_offset"] for p in s["topics"][0]["partitions"]}
        g = s["groups"][0]
        for p in g["partitions"]:
            if p["committed"] is None:
                assert p["lag"] is None
            else:
                assert p["lag"] == leo[p["partition"]] - p["committed"] >= 0
        known = [p["lag"] for p in g["partitions"] if p["lag"] is not None]
        assert g["lag"] == (sum(known) if known else None)      # nothing committed yet: "-", never 0


def test_partitions_without_a_commit_show_no_lag_rather_than_an_invented_one(engine):
    engine.step(1000)
    g = group(engine)
    assert all(p["committed"] is None and p["lag"] is None for p in g["partitions"])


def test_pausing_a_consumer_keeps_it_in_the_group_while_its_lag_grows(engine):
    run_until(engine, stable)
    engine.step(3000)
    engine.apply({"op": "pause_consumer", "member_id": "consumer-1"})
    gen = group(engine)["generation"]
    lag0 = next(m["lag"] for m in group(engine)["members"] if m["member_id"] == "consumer-1")
    engine.step(10_000)
    g = group(engine)
    m = next(m for m in g["members"] if m["member_id"] == "consumer-1")
    assert m["state"] == "paused" and g["generation"] == gen and m["lag"] > lag0 + 30


def test_everything_produced_is_processed_when_capacity_exceeds_the_rate(engine):
    engine.step(30_000)
    engine.apply({"op": "set_producer_rate", "rate": 0})
    engine.step(10_000)
    s = engine.snapshot(history=False)
    g = s["groups"][0]
    assert g["lag"] == 0
    assert s["producer"]["produced"] == sum(p["log_end_offset"] for p in s["topics"][0]["partitions"])
    assert s["producer"]["groups"]["g1"]["outstanding"] == 0
    assert s["producer"]["results"] == g["processed"]


def run_script(seed):
    e = Engine(seed=seed)
    for t, cmd in [(7000, {"op": "add_consumer"}), (9000, {"op": "kill_consumer", "member_id": "consumer-2"}),
                   (12000, {"op": "set_producer_rate", "rate": 55}), (20000, {"op": "stop_consumer", "member_id": "consumer-1"})]:
        e.step(t - e.time_ms)
        e.apply(cmd)
    e.step(10_000)
    return e.snapshot()


def test_same_seed_and_commands_give_identical_snapshots():
    assert json.dumps(run_script(7)) == json.dumps(run_script(7))


def test_different_seeds_differ():
    assert json.dumps(run_script(7)) != json.dumps(run_script(8))


def test_events_are_bounded_and_ordered(engine):
    for i in range(30):
        engine.apply({"op": "set_producer_rate", "rate": i})
    engine.step(60_000)
    seqs = [e["seq"] for e in engine.events]
    assert seqs == sorted(seqs) and len(seqs) <= 300


def test_history_is_bounded(engine):
    engine.step(300_000)
    h = engine.snapshot()["history"]
    assert len(h["time_ms"]) == 240
    assert all(len(s) == 240 for s in h["groups"]["g1"]["lag"].values())


def test_reset_rebuilds_the_scenario_with_a_new_seed(engine):
    engine.step(10_000)
    r = engine.apply({"op": "reset", "seed": 3})
    assert r["ok"] and engine.time_ms == 0 and engine.seed == 3
    assert len(group(engine)["members"]) == 3


@pytest.mark.parametrize("assignor", ["range", "roundrobin", "sticky", "cooperative-sticky"])
def test_every_assignor_reaches_a_stable_complete_assignment(engine, assignor):
    run_until(engine, stable)
    assert engine.apply({"op": "set_assignor", "assignor": assignor})["ok"] or assignor == "range"
    engine.apply({"op": "add_consumer"})
    engine.step(100)
    run_until(engine, stable)
    g = group(engine)
    owned = sorted(tuple(tp) for m in g["members"] for tp in m["partitions"])
    assert owned == [("orders", p) for p in range(6)]
    assert g["assignor"] == assignor


def test_exported_command_log_replays_to_the_identical_snapshot():
    e = Engine(seed=13)
    for t, cmd in [(7000, {"op": "add_consumer"}), (9100, {"op": "set_assignor", "assignor": "cooperative-sticky"}),
                   (9500, {"op": "kill_consumer", "member_id": "consumer-2"}), (12000, {"op": "pause"}),
                   (12000, {"op": "set_keys", "mode": "hot", "hot_share": 0.4}), (15000, {"op": "set_speed", "factor": 2}),
                   (20000, {"op": "stop_consumer", "member_id": "consumer-1"})]:
        e.step(t - e.time_ms)
        e.apply(cmd)
    e.apply({"op": "nonsense"})
    e.step(7777)
    log = json.loads(json.dumps(e.export_log()))
    assert [c["cmd"]["op"] for c in log["commands"]] == ["add_consumer", "set_assignor", "kill_consumer", "set_keys",
                                                          "stop_consumer"]
    other = Engine(seed=1)
    r = other.apply({"op": "replay", "log": log})
    assert r["ok"] and r["replayed"] == 5
    a, b = e.snapshot(), other.snapshot()
    a.pop("speed"); b.pop("speed"); a.pop("running"); b.pop("running")
    # the same run, but `other`'s event numbers go on from its own earlier events
    shift = b["events"][0]["seq"] - a["events"][0]["seq"]
    assert shift > 0 and [ev["seq"] - shift for ev in b["events"]] == [ev["seq"] for ev in a["events"]]
    for ev in a["events"] + b["events"]:
        ev.pop("seq")
    assert json.dumps(a) == json.dumps(b)


def test_event_seq_keeps_increasing_across_reset_lesson_and_replay():
    e = Engine(seed=7)
    e.step(8000)
    seen = [ev["seq"] for ev in e.events]
    for cmd in ({"op": "reset"}, {"op": "lesson", "lesson": "crash-vs-leave"},
                {"op": "replay", "log": e.export_log()}, {"op": "reset", "scenario": "cooperative"}):
        assert e.apply(cmd)["ok"], cmd
        e.step(3000)
        new = [ev["seq"] for ev in e.events]
        assert new == sorted(set(new)) and new[0] > seen[-1], cmd
        seen = new


def test_replay_then_kill_numbers_every_event_once_and_keeps_the_groups_on_this_engine():
    """Issue 14's reproduction: seed 7, step 8 s, add a consumer, step 5 s, replay its own exported log,
    kill a consumer, step 10 s. Groups used to point at the engine the replay discarded, so two events
    carried seq 32 and the page skipped one."""
    e = Engine(seed=7)
    e.step(8000)
    e.apply({"op": "add_consumer"})
    e.step(5000)
    assert e.apply({"op": "replay", "log": e.export_log()})["ok"]
    assert e.apply({"op": "kill_consumer", "member_id": "consumer-1"})["ok"]
    e.step(10_000)
    seqs = [ev["seq"] for ev in e.events]
    assert len(seqs) == len(set(seqs)) and seqs == sorted(seqs)
    assert any(ev["type"] == "member_expired" or ev["type"] == "rebalance" for ev in e.events if ev["time_ms"] > 13_000)
    for g in e.groups.values():
        assert g.ctx.emit.__self__ is e and g.ctx.clock is e.env and g.ctx.topic is e.topic


def test_a_replay_that_fails_leaves_the_run_on_screen_as_it_was():
    e = Engine(seed=7)
    e.step(5000)
    before = json.dumps(e.snapshot())
    bad = {"format": "groupviz-log/1", "seed": 7, "scenario": "default", "time_ms": 3000,
           "commands": [{"time_ms": 1000, "cmd": {"op": "kill_consumer", "member_id": "consumer-99"}}]}
    r = e.apply({"op": "replay", "log": bad})
    assert not r["ok"] and "failed when replayed" in r["error"]
    assert json.dumps(e.snapshot()) == before
    e.step(1000)           # and it still runs, on the same objects
    assert e.time_ms == 6000


@pytest.mark.parametrize("log,message", [
    ({"format": "x"}, "groupviz command log"),
    ({"format": "groupviz-log/1", "seed": 1, "scenario": "nope", "time_ms": 0, "commands": []}, "unknown scenario"),
    ({"format": "groupviz-log/1", "seed": 1, "scenario": "default", "time_ms": 10, "commands": [{"time_ms": 50, "cmd": {"op": "add_consumer"}}]}, "between 0 and 10"),
    ({"format": "groupviz-log/1", "seed": 1, "scenario": "default", "time_ms": 10, "commands": [{"time_ms": 5, "cmd": {"op": "step"}}]}, "cannot be replayed"),
    ({"format": "groupviz-log/1", "seed": 1, "scenario": "default", "time_ms": 10, "commands": [{"time_ms": 5, "cmd": {"op": "bogus"}}]}, "unknown op"),
    ({"format": "groupviz-log/1", "seed": 1, "scenario": "default", "time_ms": 10, "commands": [{"time_ms": 5, "cmd": {"op": "kill_consumer", "member_id": "consumer-9"}}]}, "failed when replayed"),
])
def test_bad_replay_logs_are_refused_and_change_nothing(log, message):
    e = Engine(seed=3)
    e.step(5000)
    before = json.dumps(e.snapshot())
    r = e.apply({"op": "replay", "log": log})
    assert not r["ok"] and message in r["error"]
    assert json.dumps(e.snapshot()) == before


def test_snapshot_with_max_events_zero_has_no_events(engine):
    engine.step(5000)
    assert engine.events
    assert engine.snapshot(history=False, max_events=0)["events"] == []
    assert len(engine.snapshot(history=False, max_events=2)["events"]) == 2
