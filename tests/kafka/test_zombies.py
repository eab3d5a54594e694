"""A network partition between a member and its coordinator (partition_consumer): the zombie keeps
processing, is expelled after session.timeout.ms, its commits fail, its records are processed twice,
and it rejoins as a new member when the partition heals (AbstractCoordinator's heartbeat thread,
GroupMetadataManager's heartbeat expiry, ClassicGroup.validateOffsetCommit)."""

from conftest import group, run_until, stable

from groupviz.engine.core import Engine


def members(e):
    return {m["member_id"]: m for m in group(e)["members"]}


def test_a_short_partition_inside_the_session_timeout_changes_nothing():
    e = Engine(seed=7)
    run_until(e, stable)
    gen = group(e)["generation"]
    assert e.apply({"op": "partition_consumer", "member_id": "consumer-1", "ms": 3000})["ok"]
    e.step(1000)
    assert members(e)["consumer-1"]["partitioned"] is True and members(e)["consumer-1"]["zombie"] is False
    e.step(6000)
    assert group(e)["generation"] == gen and group(e)["zombie_records"] == 0
    assert members(e)["consumer-1"]["partitioned"] is False


def test_a_zombie_is_expelled_keeps_processing_its_commits_fail_and_it_rejoins_when_healed():
    e = Engine(seed=7)
    e.apply({"op": "set_producer_rate", "rate": 30})
    run_until(e, stable)
    gen = group(e)["generation"]
    session = e.groups["g1"].config["session.timeout.ms"]
    dup0 = group(e)["duplicates"]
    owned = members(e)["consumer-1"]["partitions"]
    assert e.apply({"op": "partition_consumer", "member_id": "consumer-1", "ms": session + 6000})["ok"]
    e.step(session + 1000)
    g = e.groups["g1"]
    assert "consumer-1" not in g.coordinator.members                    # expelled at the session timeout
    assert any(ev["type"] == "member_expired" and ev["member_id"] == "consumer-1" for ev in e.events)
    run_until(e, lambda e: e.groups["g1"].coordinator.state == "Stable")
    assert group(e)["generation"] == gen + 1
    e.step(2000)
    m = members(e)["consumer-1"]
    # still processing what it had: a zombie, and its partitions have another owner too
    assert m["zombie"] is True and m["partitions"] == owned and m["state"] == "active"
    others = {tuple(tp) for mid, mm in members(e).items() if mid != "consumer-1" for tp in mm["partitions"]}
    assert {tuple(tp) for tp in owned} <= others
    assert group(e)["zombie_records"] > 0 and m["zombie_processed"] > 0
    e.step(6000)                                                         # healed; its next requests arrive
    healed = [ev for ev in e.events if ev["type"] == "consumer_healed"]
    assert healed and healed[-1]["expelled"] is True
    rejected = [ev for ev in e.events if ev["type"] == "commit_rejected" and ev["member_id"] == "consumer-1"]
    lost = [ev for ev in e.events if ev["type"] == "lost" and ev["member_id"] == "consumer-1"]
    assert lost                                                          # UNKNOWN_MEMBER_ID: onPartitionsLost
    # the commit it kept retrying reaches the coordinator first: UNKNOWN_MEMBER_ID (CommitFailedException)
    assert rejected and all(ev["error"] == "UNKNOWN_MEMBER_ID" for ev in rejected)
    assert "CommitFailedException" in rejected[0]["text"]
    run_until(e, stable)
    assert members(e)["consumer-1"]["zombie"] is False and members(e)["consumer-1"]["partitions"]
    assert group(e)["generation"] >= gen + 2                             # it rejoined as a new member
    assert group(e)["duplicates"] > dup0                                 # processed twice, counted


def test_a_member_whose_join_answer_was_lost_joins_again_when_the_partition_heals():
    # found by the hypothesis run: the JoinGroup response never arrived, so the client would wait forever;
    # in Kafka the request times out and the client joins again once it reaches the coordinator
    e = Engine(seed=7)
    e.step(1000)                                    # everyone's JoinGroup is in; the initial delay runs
    assert e.apply({"op": "partition_consumer", "member_id": "consumer-2", "ms": 6000})["ok"]
    e.step(6500)
    run_until(e, stable)
    assert members(e)["consumer-2"]["partitions"] and group(e)["state"] == "Stable"


def test_a_leader_cut_off_at_its_metadata_refresh_sees_the_new_partitions_at_the_next_one():
    e = Engine(seed=7)
    run_until(e, stable)
    age = e.groups["g1"].config["metadata.max.age.ms"]
    leader = group(e)["leader"]
    assert e.apply({"op": "add_partitions", "count": 2})["ok"]
    due = (e.time_ms // age + 1) * age
    e.step(due - e.time_ms - 1000)
    assert e.apply({"op": "partition_consumer", "member_id": leader, "ms": 2000})["ok"]   # over the refresh
    e.step(3000)
    assert group(e)["state"] == "Stable"                       # missed: nobody else watches metadata
    e.step(age)
    run_until(e, stable)
    owned = sorted(tuple(tp) for m in group(e)["members"] for tp in m["partitions"])
    assert owned == [("orders", p) for p in range(8)]
