"""A Flink job in the engine: split assignment, checkpoints committing offsets in steps, a failure restarting
from the last completed checkpoint (duplicates with a plain sink, none with a two-phase-commit sink),
rescaling through a savepoint, discovery of new partitions, and what Kafka's tools print for the job."""

import pytest

from groupviz.engine.core import Engine
from flink_helpers import flink_engine
from groupviz.engine.invariants import check_engine, check_snapshot
from groupviz.flink.enumerator import split_owner



@pytest.fixture
def eng():
    return flink_engine()


def group(eng, gid):
    return next(g for g in eng.snapshot(history=False)["groups"] if g["group_id"] == gid)


def run(eng, ms, seen=None):
    seen = {} if seen is None else seen
    for _ in range(ms // 250):
        eng.step(250)
        check_engine(eng, seen)
    check_snapshot(eng.snapshot())


def test_each_split_goes_to_the_subtask_getSplitOwner_names(eng):
    job = group(eng, "job")
    assert [m["subtask"] for m in job["members"]] == [0, 1, 2]
    for m in job["members"]:
        for topic, p in m["partitions"]:
            assert split_owner(topic, p, 3) == m["subtask"]
    assert job["state"] == "RUNNING" and job["rebalances"] == []


def test_offsets_reach_kafka_only_when_a_checkpoint_completes(eng):
    eng.step(4900)
    assert all(p["committed"] is None for p in group(eng, "job")["partitions"])
    assert eng.describe_group("job")["output"].startswith("\nError: Consumer group 'job' does not exist.")
    eng.step(400)            # checkpoint 1 triggered at 5000, completed 200 ms later, committed 5 ms after
    job = group(eng, "job")
    assert job["checkpoints"][0]["status"] == "completed"
    first = [p["committed"] for p in job["partitions"]]
    assert all(c is not None for c in first)
    eng.step(4000)           # no checkpoint in between: Kafka's committed offsets stand still
    assert [p["committed"] for p in group(eng, "job")["partitions"]] == first
    eng.step(1000)
    assert sum(p["committed"] for p in group(eng, "job")["partitions"]) > sum(first)
    out = eng.describe_group("job")["output"]
    assert "Consumer group 'job' has no active members." in out and "job-subtask" not in out


def test_a_killed_subtask_fails_the_job_which_restarts_from_its_last_checkpoint(eng):
    run(eng, 7000)
    before = group(eng, "job")
    assert eng.apply({"op": "kill_consumer", "member_id": "job-subtask-1"})["ok"]
    job = group(eng, "job")
    assert job["state"] == "RESTARTING"
    assert {m["member_id"]: m["task_state"] for m in job["members"]} == {
        "job-subtask-0": "CANCELED", "job-subtask-1": "FAILED", "job-subtask-2": "CANCELED"}
    assert job["restarts"][0]["checkpoint"] == before["checkpoint_counts"]["latest"] == 1
    run(eng, 2750)
    assert group(eng, "job")["state"] == "RESTARTING"           # restart-strategy.fixed-delay.delay: 3 s
    run(eng, 500)
    job = group(eng, "job")
    assert job["state"] == "RUNNING" and job["generation"] == 2 and job["restart_count"] == 1
    band = job["restarts"][0]
    assert band["running_ms"] - band["failed_ms"] == 3000 and band["rewound"] > 0
    assert all(m["state"] == "active" and m["task_state"] == "RUNNING" for m in job["members"])
    run(eng, 10000)
    job = group(eng, "job")
    assert job["duplicates"] == band["rewound"]                 # everything after the checkpoint, read again
    assert job["sink"]["duplicated"] == job["duplicates"]       # a plain sink sends those results again


def test_a_two_phase_commit_sink_shows_results_only_at_checkpoints_and_never_twice(eng):
    eng.step(4000)
    assert eng.snapshot(history=False)["producer"]["groups"]["job-2pc"]["results"] == 0
    eng.step(1500)
    assert eng.snapshot(history=False)["producer"]["groups"]["job-2pc"]["results"] > 0
    run(eng, 2000)
    eng.apply({"op": "kill_consumer", "member_id": "job-2pc-subtask-0"})
    aborted = group(eng, "job-2pc")["sink"]["aborted"]
    assert aborted > 0
    run(eng, 20000)
    job = group(eng, "job-2pc")
    res = eng.snapshot(history=False)["producer"]["groups"]["job-2pc"]
    assert job["duplicates"] > 0                                # records were processed again...
    assert res["results"] == res["unique"] == job["sink"]["sent"]   # ...but no result reached the producer twice


def test_rescaling_takes_a_savepoint_and_reassigns_splits_without_duplicates(eng):
    run(eng, 6000)
    assert eng.apply({"op": "set_parallelism", "group_id": "job", "parallelism": 4}) == {
        "ok": True, "group_id": "job", "parallelism": 4}
    run(eng, 2000)
    job = group(eng, "job")
    assert job["state"] == "RUNNING" and job["parallelism"] == 4 and len(job["members"]) == 4
    assert job["checkpoints"][-1]["savepoint"] or any(c["savepoint"] for c in job["checkpoints"])
    assert job["restarts"][-1]["kind"] == "rescale" and job["restarts"][-1]["rewound"] == 0
    for m in job["members"]:
        assert all(split_owner(t, p, 4) == m["subtask"] for t, p in m["partitions"])
    assert job["duplicates"] == 0
    assert eng.apply({"op": "set_parallelism", "group_id": "job", "parallelism": 1})["ok"]
    run(eng, 2000)
    assert [m["member_id"] for m in group(eng, "job")["members"]] == ["job-subtask-0"]


def test_new_partitions_wait_for_the_next_discovery(eng):
    eng.step(1000)
    eng.apply({"op": "add_partitions", "count": 2})
    eng.step(100)
    assert sum(len(m["partitions"]) for m in group(eng, "job")["members"]) == 6
    run(eng, 9000)            # partition.discovery.interval.ms: 10 s here
    job = group(eng, "job")
    assert sum(len(m["partitions"]) for m in job["members"]) == 8
    assert any(e["type"] == "splits_discovered" for e in eng.snapshot()["events"])


def test_checkpoint_interval_is_a_flink_config(eng):
    r = eng.apply({"op": "set_config", "group_id": "job", "config": {"execution.checkpointing.interval": 2000}})
    assert r["ok"] and r["config"]["execution.checkpointing.interval"] == 2000
    eng.step(4500)
    assert group(eng, "job")["checkpoint_counts"]["completed"] == 2


def test_same_seed_and_commands_give_the_same_job(eng):
    other = flink_engine()
    for e in (eng, other):
        e.step(6000)
        e.apply({"op": "kill_consumer", "member_id": "job-subtask-2"})
        e.step(6000)
    assert eng.snapshot() == other.snapshot()
    log = eng.export_log()
    assert eng.apply({"op": "replay", "log": log})["ok"]
    assert group(eng, "job") == group(other, "job")


def test_a_scenario_may_declare_a_flink_job(monkeypatch):
    from groupviz.engine.scenarios import SCENARIOS
    monkeypatch.setitem(SCENARIOS, "with-flink", {
        "title": {"en": "t", "zh": "t"}, "topic": "data", "partitions": 4, "producer_rate": 10.0,
        "groups": [{"group_id": "etl", "type": "flink", "parallelism": 2, "sink": "two-phase-commit",
                    "consumer_rate": 5.0}]})
    e = Engine(seed=3, scenario="with-flink")
    g = e.snapshot()["groups"][0]
    assert g["type"] == "flink" and g["sink"]["type"] == "two-phase-commit"
    assert [(m["subtask"], m["rate"]) for m in g["members"]] == [(0, 5.0), (1, 5.0)]


@pytest.mark.parametrize("seed", range(6))
def test_random_kills_rescales_and_new_partitions_keep_the_jobs_invariants(seed):
    import random
    rng = random.Random(seed)
    e = flink_engine(seed)
    seen = {}
    for _ in range(60):
        r = rng.random()
        gid = rng.choice(["job", "job-2pc"])
        if r < 0.15:
            e.apply({"op": "kill_consumer", "member_id": f"{gid}-subtask-{rng.randrange(4)}"})
        elif r < 0.25:
            e.apply({"op": "set_parallelism", "group_id": gid, "parallelism": rng.randint(1, 5)})
        elif r < 0.3:
            e.apply({"op": "add_partitions", "count": 1})
        elif r < 0.35:
            e.apply({"op": "set_config", "group_id": gid,
                     "config": {"execution.checkpointing.interval": rng.choice([1000, 2000, 5000])}})
        e.step(rng.choice([50, 200, 700, 1500]))
        check_engine(e, seen)
        check_snapshot(e.snapshot())
        # Two-phase commit: the results visible are exactly the records before the latest completed checkpoint,
        # each once (every partition starts at offset 0 here).
        job = e.groups["job-2pc"]
        latest = job.checkpoints.latest
        assert job.sink.sent == (sum(latest.offsets.values()) if latest else 0)
