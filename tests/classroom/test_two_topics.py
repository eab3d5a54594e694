"""The lesson "range versus roundrobin across two topics": every claim its narration makes, on the engine."""

import pytest

from groupviz.classroom.lessons import BY_ID
from groupviz.engine.core import Engine

LESSON = BY_ID["two-topics"]


def _groups(e):
    return {g["group_id"]: g for g in e.snapshot(history=False)["groups"]}


def _members(g):
    return {m["member_id"]: m for m in g["members"]}


@pytest.fixture
def lesson_at_30s():
    e = Engine()
    assert e.apply({"op": "lesson", "lesson": "two-topics", "step": 0})["ok"]
    e.step(LESSON["steps"][0]["wait_ms"])
    return e


def test_step_0_two_topics_of_three_partitions_each_written_at_30_per_second(lesson_at_30s):
    snap = lesson_at_30s.snapshot(history=False)
    assert [(t["name"], len(t["partitions"])) for t in snap["topics"]] == [("orders", 3), ("payments", 3)]
    assert {n: t["rate"] for n, t in snap["producer"]["topics"].items()} == {"orders": 30.0, "payments": 30.0}
    for g in _groups(lesson_at_30s).values():
        for m in g["members"]:
            assert m["subscription"]["topics"] == ["orders", "payments"] and m["rate"] == 35.0


def test_step_0_range_gives_four_and_two_roundrobin_three_and_three(lesson_at_30s):
    g = _groups(lesson_at_30s)
    rng = _members(g["by-range"])
    assert sorted(map(tuple, rng["consumer-1"]["partitions"])) == [
        ("orders", 0), ("orders", 1), ("payments", 0), ("payments", 1)]
    assert len(rng["consumer-2"]["partitions"]) == 2
    assert sorted(len(m["partitions"]) for m in g["by-roundrobin"]["members"]) == [3, 3]


def test_step_1_range_first_member_runs_at_its_limit_and_falls_behind_roundrobin_keeps_up(lesson_at_30s):
    e = lesson_at_30s
    before = _members(_groups(e)["by-range"])["consumer-1"]["lag"]
    assert e.apply({"op": "lesson", "lesson": "two-topics", "step": 1})["ok"]
    e.step(LESSON["steps"][1]["wait_ms"])
    g = _groups(e)
    c1 = _members(g["by-range"])["consumer-1"]
    assert c1["throughput"] == 35.0 and c1["lag"] > before + 100      # at its limit, lag growing
    assert _members(g["by-range"])["consumer-2"]["throughput"] < 30   # about 20 records/s to do
    assert g["by-roundrobin"]["lag"] < 100 < g["by-range"]["lag"]


def test_step_2_a_third_member_gives_everyone_one_partition_of_each_topic_and_range_drains(lesson_at_30s):
    e = lesson_at_30s
    e.apply({"op": "lesson", "lesson": "two-topics", "step": 1})
    e.step(LESSON["steps"][1]["wait_ms"])
    lag_before = _groups(e)["by-range"]["lag"]
    r = e.apply({"op": "lesson", "lesson": "two-topics", "step": 2})
    assert r["ok"] and r["skipped"] == []
    e.step(LESSON["steps"][2]["wait_ms"])
    for g in _groups(e).values():
        for m in g["members"]:
            assert sorted(tp[0] for tp in m["partitions"]) == ["orders", "payments"]
    assert _groups(e)["by-range"]["lag"] < lag_before / 2
