"""Kafka behaviours made visible: eager vs cooperative, offsets, lag status, describe, keys, groups."""

from conftest import group, run_until, stable

from groupviz.kafka.describe import describe_members, describe_offsets, describe_state
from groupviz.engine.core import Engine


def processed_by_partition(g):
    return dict(g.high_processed)


def test_eager_rebalance_stops_all_processing_but_cooperative_keeps_unmoved_partitions_flowing():
    e = Engine(seed=5, scenario="cooperative")
    run_until(e, lambda e: stable(e, "eager") and stable(e, "coop"))
    e.step(5000)
    eager, coop = e.groups["eager"], e.groups["coop"]
    originals = {gid: list(g.consumers) for gid, g in e.groups.items()}
    e.apply({"op": "add_consumer", "group_id": "eager"})
    e.apply({"op": "add_consumer", "group_id": "coop"})
    e.step(10)
    idle = {m: 0 for ms in originals.values() for m in ms}
    eager_all_idle = 0
    coop_kept = None
    while not (stable(e, "eager") and stable(e, "coop")):
        e.step(5)
        for gid, members in originals.items():
            for m in members:
                if not e.groups[gid].consumers[m].assigned:
                    idle[m] += 5
        if not any(c.assigned for c in eager.consumers.values()):
            eager_all_idle += 5
        owned = {tp for c in coop.consumers.values() for tp in c.assigned}
        coop_kept = owned if coop_kept is None else coop_kept & owned
    assert all(idle[m] > 0 for m in originals["eager"]), "eager: every member revokes everything before rejoining"
    assert eager_all_idle > 0, "eager: a stop-the-world moment where no partition is owned"
    assert all(idle[m] == 0 for m in originals["coop"]), "cooperative: members keep their partitions meanwhile"
    assert len(coop_kept) == 5, "cooperative: only the moved partition (1 of 6) is ever revoked"


def test_cooperative_moves_a_partition_in_two_rebalances_and_revokes_it_first():
    e = Engine(seed=5, scenario="cooperative")
    run_until(e, lambda e: stable(e, "coop"))
    gen = e.groups["coop"].coordinator.generation
    e.apply({"op": "add_consumer", "group_id": "coop"})
    run_until(e, lambda e: stable(e, "coop") and any(c.assigned for c in e.groups["coop"].consumers.values()
                                                     if c.member_id == "consumer-7"))
    assert e.groups["coop"].coordinator.generation == gen + 2
    revokes = [ev for ev in e.events if ev["type"] == "revoked" and ev["group_id"] == "coop"]
    assert revokes and all(not ev["eager"] for ev in revokes)
    assert sum(len(ev["partitions"]) for ev in revokes) == 1   # 6 partitions, 4 members: one moves


def test_commit_on_revoke_means_no_duplicates_after_a_graceful_rebalance(engine):
    run_until(engine, stable)
    engine.step(3000)
    engine.apply({"op": "add_consumer"})
    engine.step(200)
    run_until(engine, stable)
    engine.step(3000)
    engine.apply({"op": "stop_consumer", "member_id": "consumer-2"})
    run_until(engine, stable)
    engine.step(3000)
    assert engine.groups["g1"].duplicates == 0


def test_auto_offset_reset_latest_skips_what_was_produced_before_the_first_assignment():
    e = Engine(seed=2)
    e.apply({"op": "set_config", "config": {"auto.offset.reset": "latest"}})
    run_until(e, stable)
    e.step(2000)
    g = e.groups["g1"]
    skipped = min(g.offsets.get(p.tp) or 0 for p in e.topic.partitions)
    assert skipped > 0   # the ~6 s of records produced before generation 1 were never read


def test_two_groups_each_receive_every_record():
    e = Engine(seed=4)
    assert e.apply({"op": "add_group", "group_id": "audit", "consumers": 2, "assignor": "roundrobin"})["ok"]
    e.step(30_000)
    e.apply({"op": "set_producer_rate", "rate": 0})
    e.step(20_000)
    produced = e.producer.produced
    for g in e.groups.values():
        assert sum(g.high_processed.values()) == produced
    s = e.snapshot()
    assert {g["group_id"]: g["assignor"] for g in s["groups"]} == {"g1": "range", "audit": "roundrobin"}


def test_adding_partitions_triggers_a_rebalance_that_assigns_them(engine):
    # the coordinator does not watch topics: the leader notices at its next metadata refresh (every
    # metadata.max.age.ms since it started) and rejoins; the producer writes to them after its own refresh
    run_until(engine, stable)
    gen = group(engine)["generation"]
    age = engine.groups["g1"].config["metadata.max.age.ms"]
    assert engine.apply({"op": "add_partitions", "count": 3})["ok"]
    assert group(engine)["state"] == "Stable"
    due = (engine.time_ms // age + 1) * age           # the scenario's consumers started at 0 ms
    engine.step(due - engine.time_ms - 1)
    assert group(engine)["state"] == "Stable" and group(engine)["generation"] == gen
    engine.step(20)
    assert group(engine)["state"] == "PreparingRebalance"
    assert "metadata refresh" in group(engine)["rebalances"][-1]["reason"]
    run_until(engine, stable)
    p = engine.producer
    assert p.known_partitions == 6 if engine.time_ms - p.metadata_refreshed_ms < age else 9
    engine.step(age)
    assert p.known_partitions == 9 and engine.topic.partitions[8].log_end_offset > 0
    g = group(engine)
    assert g["generation"] == gen + 1
    assert sorted(tuple(tp) for m in g["members"] for tp in m["partitions"]) == [("orders", p) for p in range(9)]


def test_hot_key_sends_its_share_to_one_partition(engine):
    engine.apply({"op": "set_producer_rate", "rate": 1000})
    r = engine.apply({"op": "set_keys", "mode": "hot", "hot_share": 0.6})
    assert r["ok"]
    hot = engine.producer.hot_partition()
    before = [p.log_end_offset for p in engine.topic.partitions]
    engine.step(10_000)
    got = [p.log_end_offset - b for p, b in zip(engine.topic.partitions, before)]
    share = got[hot] / sum(got)
    assert 0.6 < share < 0.75    # 60% hot + its 1/6 share of the rest


def test_null_keys_use_the_sticky_partitioner_one_partition_per_batch(engine):
    engine.apply({"op": "set_keys", "mode": "null"})
    engine.apply({"op": "set_producer_rate", "rate": 400})   # 20 records per 50 ms batch
    engine.step(10)
    before = [p.log_end_offset for p in engine.topic.partitions]
    engine.step(50)
    got = [p.log_end_offset - b for p, b in zip(engine.topic.partitions, before)]
    assert sorted(got) == [0, 0, 0, 0, 0, 20]


def test_rebalance_timeline_records_phases_and_moved_partitions(engine):
    run_until(engine, stable)
    engine.apply({"op": "add_consumer"})
    engine.step(100)
    run_until(engine, stable)
    r = group(engine)["rebalances"][-1]
    assert r["generation"] == 2 and r["start_ms"] <= r["join_ms"] <= r["end_ms"]
    assert r["moved"] >= 1 and "consumer-4 joined" in r["reason"]


# -- Burrow's status through the engine (the rules themselves: test_lagstatus.py) ------------------

def test_crashed_group_goes_to_err_with_stopped_partitions(engine):
    run_until(engine, stable)
    engine.step(12_000)
    for m in ("consumer-1", "consumer-2", "consumer-3"):
        engine.apply({"op": "kill_consumer", "member_id": m})
    engine.step(25_000)
    g = group(engine)
    assert g["state"] == "Empty" and g["status"] == "ERR"
    assert {p["status"] for p in g["partitions"]} == {"STOP"}
    assert all(p["lag_ms"] > 10_000 for p in g["partitions"])


# -- describe, as kafka-consumer-groups.sh prints it ----------------------------------------

def test_describe_offsets_has_kafkas_columns_and_layout(engine):
    run_until(engine, stable)
    engine.step(3000)
    text = describe_offsets(group(engine))
    lines = text.split("\n")
    assert lines[0] == ""
    assert lines[1].split() == ["GROUP", "TOPIC", "PARTITION", "CURRENT-OFFSET", "LOG-END-OFFSET", "LAG",
                                "CONSUMER-ID", "HOST", "CLIENT-ID"]
    assert lines[1].startswith("GROUP           TOPIC           PARTITION  CURRENT-OFFSET  LOG-END-OFFSET  LAG")
    row = lines[2].split()
    assert row[:3] == ["g1", "orders", "0"] and row[6:] == ["consumer-1", "/10.0.0.11", "consumer-1"]
    assert int(row[5]) == int(row[4]) - int(row[3])
    assert len(lines) == 2 + 6 + 1


def test_describe_during_a_rebalance_warns_and_shows_no_owners(engine):
    run_until(engine, stable)
    engine.step(2000)
    engine.apply({"op": "add_consumer"})
    engine.step(20)
    text = describe_offsets(group(engine))
    assert text.startswith("\nWarning: Consumer group 'g1' is rebalancing.\n")
    assert all(line.split()[6:] == ["-", "-", "-"] for line in text.strip().split("\n")[3:])
    assert "#PARTITIONS" in describe_members(group(engine))
    st = describe_state(group(engine)).strip().split("\n")
    assert st[-1].split() == ["g1", "localhost:9092", "(1)", "-", "PreparingRebalance", "4"]


def test_describe_empty_group_says_no_active_members_and_keeps_offsets(engine):
    run_until(engine, stable)
    engine.step(3000)
    for m in ("consumer-1", "consumer-2", "consumer-3"):
        engine.apply({"op": "stop_consumer", "member_id": m})
    engine.step(1000)
    text = describe_offsets(group(engine))
    assert text.startswith("\nConsumer group 'g1' has no active members.\n")
    assert text.count("\ng1 ") == 6


# -- what the page draws for each rebalance: moved partitions and the processing pause ----------

def _both_groups_rebalanced_after_a_join():
    e = Engine(seed=5, scenario="cooperative")
    run_until(e, lambda e: stable(e, "eager") and stable(e, "coop"))
    e.step(5000)
    e.apply({"op": "add_consumer", "group_id": "eager"})
    e.apply({"op": "add_consumer", "group_id": "coop"})
    e.step(100)
    run_until(e, lambda e: stable(e, "eager") and stable(e, "coop") and all(
        c.assigned for g in e.groups.values() for c in g.consumers.values()))
    return {g["group_id"]: g for g in e.snapshot(history=False)["groups"]}


def test_eager_rebalance_pauses_every_partition_and_moves_some():
    r = _both_groups_rebalanced_after_a_join()["eager"]["rebalances"][-1]
    assert r["protocol"] == "eager"
    assert r["paused_partitions"] == 6, "eager: every partition is revoked, so every partition pauses"
    assert 0 < r["paused_ms"] <= r["end_ms"] - r["start_ms"] + 100
    assert r["moved"] >= 1


def test_cooperative_move_is_counted_once_in_the_follow_up_rebalance_with_only_that_partition_paused():
    first, second = _both_groups_rebalanced_after_a_join()["coop"]["rebalances"][-2:]
    assert first["protocol"] == second["protocol"] == "cooperative"
    assert second["generation"] == first["generation"] + 1
    # First round: the moving partition is only revoked; second round: it is assigned to the newcomer.
    assert (first["moved"], first["paused_partitions"]) == (0, 0)
    assert (second["moved"], second["paused_partitions"]) == (1, 1)
    assert second["paused_ms"] > 0


def _rebalance_after(engine, op: str) -> tuple[int, dict]:
    """`op` consumer-2 of a stable group; return when, and the rebalance that reassigned its partitions."""
    run_until(engine, stable)
    engine.step(3000)
    at = engine.time_ms
    engine.apply({"op": op, "member_id": "consumer-2"})
    engine.step(100)
    run_until(engine, lambda e: stable(e) and "consumer-2" not in e.groups["g1"].consumers
              and all(c.assigned for c in e.groups["g1"].consumers.values()))
    return at, group(engine)["rebalances"][-1]


def test_killed_consumers_partitions_pause_from_the_kill_until_their_reassignment(engine):
    killed_at, r = _rebalance_after(engine, "kill_consumer")
    session = engine.groups["g1"].config["session.timeout.ms"]
    assert r["moved"] == 2 and r["paused_partitions"] == 6     # range is eager: the survivors revoke too
    assert r["paused_ms"] >= session - (r["start_ms"] - killed_at) - 2000
    assert r["paused_ms"] >= r["end_ms"] - killed_at - 50


def test_partitions_without_a_commit_have_no_burrow_status_and_no_lag():
    e = Engine(seed=7)
    e.step(1000)     # still in the initial rebalance delay: nothing committed yet
    g = group(e)
    assert all(p["committed"] is None and p["lag"] is None and p["lag_ms"] is None and p["status"] is None
               for p in g["partitions"])
    assert g["status"] is None
    run_until(e, stable)
    e.step(3000)
    g = group(e)
    assert all(p["status"] == "OK" for p in g["partitions"]) and g["status"] == "OK"


def test_stopped_consumers_partitions_pause_from_its_leave_group_until_reassignment(engine):
    stopped_at, r = _rebalance_after(engine, "stop_consumer")
    assert r["start_ms"] == stopped_at + 5            # the LeaveGroup reaches the coordinator
    assert r["paused_partitions"] == 6 and r["moved"] == 2
    assert r["paused_ms"] >= r["end_ms"] - stopped_at
