"""The slow-consumer lesson: every claim its narration makes, checked on the engine at the step that makes it."""

import pytest

from groupviz.classroom.lessons import BY_ID
from groupviz.classroom.lessons.slow_consumer import MAX_POLL_MS, STALL_MS
from groupviz.engine.core import Engine
from groupviz.kafka.classic.pollloop import NOT_IN_GROUP, POLL_TIMEOUT_REASON

LESSON = BY_ID["slow-consumer"]


@pytest.fixture(scope="module", params=[7, 11], ids=["seed7", "seed11"])
def run(request):
    """Play the lesson as auto-play does (each step's wait); keep each step's end state and events."""
    eng = Engine(seed=1)
    out = []
    for k, s in enumerate(LESSON["steps"]):
        assert eng.apply({"op": "lesson", "lesson": LESSON["id"], "step": k, "seed": request.param})["ok"]
        entered = eng.time_ms
        events = eng.step(s["wait_ms"])
        out.append({"entered": entered, "events": events, "snap": eng.snapshot(history=False)})
    return out


def _g(state):
    return state["snap"]["groups"][0]


def _m(state, mid):
    return next(m for m in _g(state)["members"] if m["member_id"] == mid)


def _of(state, *types):
    return [e for e in state["events"] if e["type"] in types]


def test_step0_stable_generation_1_with_a_short_poll_interval(run):
    g = _g(run[0])
    assert g["state"] == "Stable" and g["generation"] == 1 and g["config"]["max.poll.interval.ms"] == MAX_POLL_MS
    assert all(m["partitions"] for m in g["members"])


def test_step1_stalled_but_the_session_holds_and_lag_grows(run):
    s = run[1]
    assert _m(s, "consumer-1")["stalled_ms"] > 0
    assert _g(s)["state"] == "Stable" and _g(s)["generation"] == 1
    assert not _of(s, "member_expired", "rebalance_started")
    assert _m(s, "consumer-1")["lag"] > _m(run[0], "consumer-1")["lag"]


def test_step2_leave_group_on_the_poll_timeout_and_records_processed_again(run):
    s, stalled_at = run[2], run[1]["entered"]
    timeout = _of(s, "poll_timeout")
    assert timeout and timeout[0]["member_id"] == "consumer-1"
    assert timeout[0]["time_ms"] - stalled_at <= MAX_POLL_MS + 50       # 10 s after its last poll()
    assert [e["reason"] for e in _of(s, "member_left")] == [POLL_TIMEOUT_REASON]
    assert _g(s)["generation"] == 2 and _g(s)["duplicates"] > 0


def test_step3_the_late_commit_fails_and_it_joins_again(run):
    s, stalled_at = run[3], run[1]["entered"]
    failed = _of(s, "commit_failed")
    assert failed and failed[0]["member_id"] == "consumer-1" and failed[0]["error"] == "CommitFailedException"
    assert failed[0]["message"] == NOT_IN_GROUP and "kicked out of the group" in failed[0]["message"]
    assert failed[0]["time_ms"] - stalled_at == STALL_MS
    assert _of(s, "lost")[0]["member_id"] == "consumer-1"
    m = _m(s, "consumer-1")
    assert m["commit_failures"] == 1 and m["partitions"] and _g(s)["generation"] == 3


def test_step4_no_commits_lag_climbs_while_throughput_stays(run):
    before, s = _g(run[3]), _g(run[4])
    assert s["commit_mode"] == "none" and s["lag"] > before["lag"] + 100
    assert s["throughput"] >= 20


def test_step5_commit_sync_brings_lag_down_within_a_second():
    eng = Engine(seed=7)
    for k in range(5):
        eng.apply({"op": "lesson", "lesson": LESSON["id"], "step": k})
        eng.step(LESSON["steps"][k]["wait_ms"])
    assert eng.snapshot(history=False)["groups"][0]["lag"] > 100
    eng.apply({"op": "lesson", "lesson": LESSON["id"], "step": 5})
    eng.step(1000)
    assert eng.snapshot(history=False)["groups"][0]["lag"] <= 10
