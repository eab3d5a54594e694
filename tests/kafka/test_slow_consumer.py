"""A classic consumer's application: stalls, processing time per record, the poll timeout
(max.poll.interval.ms), commits as applications make them, and lag "-" before any commit."""

import json

import pytest
from conftest import group, run_until, stable

from groupviz.engine.core import Engine
from groupviz.kafka.classic.pollloop import NOT_IN_GROUP, POLL_TIMEOUT_REASON


def _member(engine, member_id, group_id="g1"):
    return next(m for m in group(engine, group_id)["members"] if m["member_id"] == member_id)


def _types(events, *types):
    return [e for e in events if e["type"] in types]


def _settled(mpi=5000, seed=7):
    eng = Engine(seed=seed)
    assert eng.apply({"op": "set_config", "group_id": "g1", "config": {"max.poll.interval.ms": mpi}})["ok"]
    run_until(eng, lambda e: stable(e) and group(e)["generation"] == 1)
    eng.step(3000)
    return eng


def test_a_stall_past_max_poll_interval_makes_the_member_leave_and_its_late_commit_fail():
    eng = _settled(mpi=5000)
    gen = group(eng)["generation"]
    owned = _member(eng, "consumer-1")["partitions"]
    assert eng.apply({"op": "stall_consumer", "member_id": "consumer-1", "ms": 8000})["ok"]
    events = eng.step(12_000)
    timeout = _types(events, "poll_timeout")
    assert [e["member_id"] for e in timeout] == ["consumer-1"]
    assert 5000 <= timeout[0]["since_poll_ms"] <= 5050            # the poll timer, not the session
    left = _types(events, "member_left")
    assert left[0]["member_id"] == "consumer-1" and left[0]["reason"] == POLL_TIMEOUT_REASON
    assert not _types(events, "member_expired")                   # the heartbeat thread kept the session
    failed = _types(events, "commit_failed")
    assert failed and failed[0]["member_id"] == "consumer-1"
    assert failed[0]["error"] == "CommitFailedException" and failed[0]["message"] == NOT_IN_GROUP
    assert failed[0]["time_ms"] >= timeout[0]["time_ms"]          # when the application came back
    lost = _types(events, "lost")
    assert lost and lost[0]["member_id"] == "consumer-1" and lost[0]["partitions"] == owned
    g = group(eng)
    assert g["generation"] >= gen + 2                             # left, then joined again
    assert g["duplicates"] > 0                                    # what it processed after its last commit, again
    m = _member(eng, "consumer-1")
    assert m["poll_timeouts"] == 1 and m["commit_failures"] == 1
    assert m["last_commit_failure"]["message"] == NOT_IN_GROUP


def test_a_stall_shorter_than_max_poll_interval_changes_nothing_in_the_group():
    eng = _settled(mpi=10_000)
    gen = group(eng)["generation"]
    assert eng.apply({"op": "stall_consumer", "member_id": "consumer-1", "ms": 6000})["ok"]
    eng.step(1000)
    assert _member(eng, "consumer-1")["stalled_ms"] == 5000
    events = eng.step(10_000)
    assert not _types(events, "poll_timeout", "member_left", "rebalance_started", "commit_failed")
    assert group(eng)["generation"] == gen and group(eng)["duplicates"] == 0


def test_auto_commit_runs_inside_poll_so_a_stalled_consumer_commits_nothing():
    eng = _settled(mpi=20_000)
    tps = [tuple(tp) for tp in _member(eng, "consumer-1")["partitions"]]
    assert eng.apply({"op": "stall_consumer", "member_id": "consumer-1", "ms": 6000})["ok"]
    eng.step(100)
    before = {(p["topic"], p["partition"]): p["committed"] for p in group(eng)["partitions"]}
    eng.step(5000)
    after = {(p["topic"], p["partition"]): p["committed"] for p in group(eng)["partitions"]}
    assert all(after[tp] == before[tp] for tp in tps)
    assert any(after[tp] != before[tp] for tp in after if tp not in tps)   # the others poll and commit
    eng.step(2000)
    final = {(p["topic"], p["partition"]): p["committed"] for p in group(eng)["partitions"]}
    assert any(final[tp] != before[tp] for tp in tps)             # back in poll(): it commits again


def test_a_batch_slower_than_max_poll_interval_is_processed_twice_and_smaller_batches_fix_it():
    eng = Engine(seed=7)
    eng.apply({"op": "set_producer_rate", "rate": 200})
    eng.apply({"op": "set_config", "group_id": "g1", "config": {"max.poll.interval.ms": 5000}})
    run_until(eng, lambda e: stable(e) and group(e)["generation"] == 1)
    eng.step(5000)                                               # a backlog for consumer-1's partitions
    assert eng.apply({"op": "set_processing_ms", "member_id": "consumer-1", "ms": 20})["ok"]
    eng.step(100)
    m = _member(eng, "consumer-1")
    assert m["processing_ms"] == 20 and m["in_flight"] > 250     # 500 records x 20 ms = 10 s > 5 s
    events = eng.step(12_000)
    assert _types(events, "poll_timeout") and _types(events, "commit_failed")
    assert group(eng)["duplicates"] > 0
    # max.poll.records 100: 100 x 20 ms = 2 s per poll, within max.poll.interval.ms
    eng.apply({"op": "set_config", "group_id": "g1", "config": {"max.poll.records": 100}})
    run_until(eng, lambda e: stable(e) and _member(e, "consumer-1")["in_flight"] == 0, limit_ms=30_000)
    events = eng.step(20_000)
    assert not _types(events, "poll_timeout", "commit_failed")


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_sync_and_async_commit_after_each_batch(mode):
    eng = Engine(seed=7)
    assert eng.apply({"op": "set_commit_mode", "group_id": "g1", "mode": mode})["ok"]
    run_until(eng, lambda e: stable(e) and group(e)["generation"] == 1)
    eng.step(3000)
    g = group(eng)
    assert g["commit_mode"] == mode and g["config"]["enable.auto.commit"] is False
    for p in g["partitions"]:                # processed in the last 50 ms step, committed after it
        assert p["committed"] is not None and p["position"] - p["committed"] <= 2


def test_commit_mode_none_leaves_lag_unknown_never_zero_in_snapshot_history_and_describe():
    eng = Engine(seed=7)
    assert eng.apply({"op": "set_commit_mode", "group_id": "g1", "mode": "none"})["ok"]
    eng.step(20_000)
    s = eng.snapshot()
    g = s["groups"][0]
    assert sum(p["log_end_offset"] for p in s["topics"][0]["partitions"]) > 300      # a backlog, unknown
    assert g["lag"] is None and all(p["lag"] is None and p["committed"] is None for p in g["partitions"])
    assert all(m["lag"] is None for m in g["members"])
    hist = s["history"]["groups"]["g1"]
    assert all(v is None for v in hist["total_lag"])
    # a member is drawn only from when it owns partitions with a commit: never (owning nothing is lag 0)
    assert all(v in (None, 0) for s_ in hist["lag"].values() for v in s_) and hist["lag"]["consumer-1"][-1] is None
    rows = eng.describe_group("g1")["output"].splitlines()[2:]
    assert rows and all(r.split()[3] == "-" and r.split()[5] == "-" for r in rows)   # CURRENT-OFFSET, LAG


def _revoke_commits(listener: bool, assignor: str):
    """Commit mode none (the application commits nothing itself): what the listener commits on revoke."""
    eng = Engine(seed=7)
    eng.apply({"op": "set_assignor", "group_id": "g1", "assignor": assignor})
    eng.apply({"op": "set_commit_mode", "group_id": "g1", "mode": "none", "rebalance_listener_commits": listener})
    run_until(eng, lambda e: stable(e) and all(m["partitions"] for m in group(e)["members"]))
    eng.step(2000)
    eng.apply({"op": "add_consumer", "group_id": "g1"})
    events = eng.step(10_000)
    revoked = _types(events, "revoked")
    assert revoked
    return {(p["topic"], p["partition"]): p["committed"] for p in group(eng)["partitions"]}


def test_cooperative_revocation_commits_only_when_the_listener_commits():
    assert all(v is None for v in _revoke_commits(False, "cooperative-sticky").values())
    committed = _revoke_commits(True, "cooperative-sticky")
    assert sum(v is not None for v in committed.values()) >= 1    # the partitions that moved
    assert sum(v is None for v in committed.values()) >= 1        # not the ones kept


def test_eager_revocation_commits_everything_when_the_listener_commits():
    assert all(v is None for v in _revoke_commits(False, "range").values())
    assert all(v is not None for v in _revoke_commits(True, "range").values())


def _share_and_modern(eng):
    eng.apply({"op": "add_group", "group_id": "s1", "type": "share", "consumers": 1})
    eng.apply({"op": "add_group", "group_id": "k1", "group_protocol": "consumer", "consumers": 1})
    eng.step(100)
    ids = {g["group_id"]: g["members"][0]["member_id"] for g in eng.snapshot()["groups"] if g["group_id"] != "g1"}
    return ids


def test_bad_input_is_refused_clearly_and_changes_nothing():
    eng = Engine(seed=7)
    ids = _share_and_modern(eng)
    eng.apply({"op": "kill_consumer", "member_id": "consumer-3"})
    before = json.dumps(eng.snapshot(history=False), sort_keys=True)
    bad = [
        ({"op": "stall_consumer", "member_id": "consumer-99", "ms": 1000}, "no consumer 'consumer-99'"),
        ({"op": "stall_consumer", "member_id": "consumer-1", "ms": 0}, "between 1 and 600000"),
        ({"op": "stall_consumer", "member_id": "consumer-1", "ms": 600_001}, "between 1 and 600000"),
        ({"op": "stall_consumer", "member_id": "consumer-1"}, "'ms' is required"),
        ({"op": "stall_consumer", "member_id": "consumer-3", "ms": 1000}, "consumer-3 is crashed"),
        ({"op": "set_processing_ms", "member_id": "consumer-1", "ms": -1}, "between 0 and 60000"),
        ({"op": "set_processing_ms", "member_id": "consumer-1", "ms": 1.5}, "whole number"),
        ({"op": "set_commit_mode", "group_id": "g1", "mode": "manual"}, "must be one of auto, sync, async, none"),
        ({"op": "set_commit_mode", "group_id": "g1", "mode": "sync", "rebalance_listener_commits": "yes"},
         "must be true or false"),
        ({"op": "set_commit_mode", "group_id": "nope", "mode": "sync"}, "no group 'nope'"),
        ({"op": "set_commit_mode", "group_id": "s1", "mode": "sync"}, "classic consumer groups"),
        ({"op": "set_commit_mode", "group_id": "k1", "mode": "sync"}, "classic consumer groups"),
        ({"op": "stall_consumer", "member_id": ids["s1"], "ms": 1000}, "classic consumer groups"),
        ({"op": "set_processing_ms", "member_id": ids["k1"], "ms": 10}, "classic consumer groups"),
    ]
    for cmd, msg in bad:
        ack = eng.apply(cmd)
        assert ack["ok"] is False and msg in ack["error"], (cmd, ack)
    assert json.dumps(eng.snapshot(history=False), sort_keys=True) == before


def test_same_seed_same_stalls_same_run():
    def run():
        eng = _settled(mpi=5000)
        eng.apply({"op": "set_processing_ms", "member_id": "consumer-2", "ms": 5})
        eng.apply({"op": "stall_consumer", "member_id": "consumer-1", "ms": 7000})
        eng.step(20_000)
        return json.dumps(eng.snapshot(), sort_keys=True)
    assert run() == run()


def test_stopping_mid_batch_commits_only_what_was_processed():
    eng = Engine(seed=7)
    eng.apply({"op": "set_producer_rate", "rate": 200})
    run_until(eng, lambda e: stable(e) and group(e)["generation"] == 1)
    eng.step(5000)
    eng.apply({"op": "set_processing_ms", "member_id": "consumer-1", "ms": 20})
    eng.step(1000)
    c1 = eng.groups["g1"].consumers["consumer-1"]
    assert c1.in_flight() > 0
    done = {tuple(tp): nxt for tp, nxt, end in c1.batch["ranges"] if nxt < end}
    eng.apply({"op": "stop_consumer", "member_id": "consumer-1"})
    eng.step(100)
    committed = {(p["topic"], p["partition"]): p["committed"] for p in group(eng)["partitions"]}
    assert all(committed[tp] == nxt for tp, nxt in done.items())


def test_before_the_first_commit_lag_is_null_and_the_backlog_from_the_starting_position_is_drawn_apart():
    """Issue 18 with issue 16: "-" for lag (never 0), and the chart's "no commit yet" series counts the
    records from where the group starts (auto.offset.reset earliest: the log start) to the log end."""
    from groupviz.engine import Engine
    e = Engine(seed=7)
    assert e.apply({"op": "set_commit_mode", "group_id": "g1", "mode": "none"})["ok"]
    e.step(15_000)
    snap = e.snapshot()
    g = snap["groups"][0]
    leo = sum(p["log_end_offset"] for p in g["partitions"])
    assert g["lag"] is None and g["uncommitted_gap"] == leo > 0
    gaps = [v for v in snap["history"]["groups"]["g1"]["uncommitted_gap"] if v is not None]
    assert gaps == sorted(gaps) and gaps[-1] == leo
    d = Engine(seed=7)                     # auto-commit: the series ends at the first commit
    d.step(15_000)
    g = d.snapshot()["groups"][0]
    assert g["lag"] is not None and g["uncommitted_gap"] is None
    assert d.snapshot()["history"]["groups"]["g1"]["uncommitted_gap"][0] is not None
