"""The "redelivery storm" lesson (groupviz/classroom/lessons/share_storm.py): every claim it makes is what
the engine shows, step by step, with the lesson's own seed and waits."""

import pytest

from groupviz.classroom.lessons import BY_ID
from groupviz.engine.core import Engine

LESSON = BY_ID["share-storm"]


def queue(e):
    return next(g for g in e.snapshot(history=False)["groups"] if g["group_id"] == "queue")


@pytest.fixture(scope="module")
def run():
    """Play the lesson with each step's wait; sample the share group every second."""
    e = Engine(seed=1)
    g = None
    samples = []          # (step, time_ms, group snapshot)
    delivery_counts = {}  # step -> delivery counts acknowledged or timed out in that step
    current = [0]

    for k, s in enumerate(LESSON["steps"]):
        current[0] = k
        r = e.apply({"op": "lesson", "lesson": "share-storm", "step": k})
        assert r["ok"] and r["skipped"] == [], r
        if g is None and "queue" in e.groups:
            g = e.groups["queue"]
            g.on_ack = lambda mid, tp, off, kind, dc: delivery_counts.setdefault(current[0], []).append(dc)
        for _ in range(s["wait_ms"] // 1000):
            e.step(1000)
            samples.append((k, e.time_ms, queue(e)))
    return e, samples, delivery_counts


def at(samples, step, seconds_in):
    """The sample `seconds_in` seconds after step `step` began (1-based), or its last one for -1."""
    rows = [s for k, _, s in samples if k == step]
    return rows[seconds_in - 1] if seconds_in > 0 else rows[-1]


def test_step_0_nobody_reads_the_share_group_and_its_max_poll_records_is_100(run):
    e, samples, _ = run
    g = at(samples, 0, -1)
    assert g["members"] == [] and g["max_poll_records"] == 100 and g["record_lock_duration_ms"] == 5000
    assert e.snapshot(history=False)["producer"]["produced"] >= 290     # the backlog: 10 s at 30 records/s


def test_step_1_each_member_gets_two_partitions_and_batches_of_100_outlast_the_lock(run):
    _, samples, _ = run
    g = at(samples, 1, 2)
    assert [len(m["partitions"]) for m in g["members"]] == [2, 2, 2]
    assert all(m["rate"] == 15.0 for m in g["members"])
    assert 100 / 15.0 > 5.0                                      # "almost 7 s: longer than the 5 s lock"
    assert max(m["last_batch"] for m in g["members"]) == 100


def test_step_1_the_storm_nothing_accepted_late_acks_refused_delivery_counts_climb_records_archived(run):
    _, samples, dcs = run
    end = at(samples, 1, -1)
    assert end["acks"]["accept"] == 0                            # "No record is accepted"
    assert end["late_acks"] > 1000 and end["lock_timeouts"] > 1000
    seen = {r["delivery_count"] for _, _, s in samples[:60] for r in s["in_flight"]}
    assert {2, 3, 4, 5} <= seen                                  # "delivery count 2, 3, …"
    assert end["duplicates"] > 1000                              # "the producer gets duplicate results"
    assert end["archived"] > 0 and end["rejected"] == 0          # "archived" (by the delivery limit)
    assert end["no_result"] == 0                                 # each archived record had been processed
    assert dcs.get(1, []) == []                                  # no acknowledgement made it at all


def test_step_2_smaller_batches_stop_the_timeouts_and_drain_the_backlog(run):
    _, samples, dcs = run
    settled = at(samples, 2, 10)
    end = at(samples, 2, -1)
    assert end["lock_timeouts"] == settled["lock_timeouts"]      # "no more locks time out"
    assert end["acks"]["accept"] > settled["acks"]["accept"] > 0  # "records are accepted"
    assert end["lag"] < settled["lag"]                           # "the backlog drains"
    assert max(m["last_batch"] for m in end["members"]) <= 20
    assert 20 / 15.0 < 1.4


def test_step_3_explicit_acknowledgement_accepts_in_time_and_far_fewer_locks_run_out(run):
    _, samples, _ = run
    start, end = at(samples, 3, 1), at(samples, 3, -1)
    storm = at(samples, 1, -1)["lock_timeouts"] - at(samples, 1, 1)["lock_timeouts"]
    explicit = end["lock_timeouts"] - start["lock_timeouts"]
    assert end["acknowledgement_mode"] == "explicit" and end["max_poll_records"] == 100
    assert end["acks"]["accept"] - start["acks"]["accept"] > 500      # accepted in time
    assert 0 < explicit < storm / 2                                     # the tail still times out, far less
