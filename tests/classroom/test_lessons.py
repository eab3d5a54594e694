"""Lessons: well-formed, bilingual, and every action in them is a valid command that works."""

import pytest

from groupviz.engine import commands
from groupviz.engine.core import Engine
from groupviz.classroom.lessons import LESSONS, listing
from groupviz.engine.scenarios import SCENARIOS


def test_there_are_at_least_seven_lessons_plus_the_seed_demo():
    ids = [x["id"] for x in LESSONS]
    assert len(ids) >= 8 and len(set(ids)) == len(ids)
    for required in ("competing", "idle", "crash-vs-leave", "eager-vs-coop", "hot-key", "lag", "at-least-once",
                     "seed-demo"):
        assert required in ids


@pytest.mark.parametrize("lesson", LESSONS, ids=[x["id"] for x in LESSONS])
def test_lesson_is_bilingual_and_its_actions_are_valid_commands(lesson):
    assert lesson["title"]["en"] and lesson["title"]["zh"]
    for s in lesson["steps"]:
        for key in ("narration", "notice"):
            assert s[key]["en"].strip() and s[key]["zh"].strip()
        for action in s["actions"]:
            commands.parse(action)


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda x: x["id"])
def test_playing_a_whole_lesson_applies_every_action_without_error(lesson):
    e = Engine(seed=1)
    for k, s in enumerate(lesson["steps"]):
        r = e.apply({"op": "lesson", "lesson": lesson["id"], "step": k})
        assert r["ok"], r
        assert r["skipped"] == [], r["skipped"]
        e.step(max(s["wait_ms"], 1000))
        assert e.snapshot(history=False)["lesson"] == {"id": lesson["id"], "step": k, "steps": len(lesson["steps"])}


def test_starting_a_lesson_resets_to_its_scenario_and_going_back_applies_nothing():
    e = Engine(seed=1)
    e.step(20_000)
    r = e.apply({"op": "lesson", "lesson": "idle"})
    assert r["ok"] and r["reset"] and e.time_ms == 0
    e.step(8000)
    e.apply({"op": "lesson", "lesson": "idle", "step": 2})      # applies steps 1 and 2: four new consumers
    assert len(e.groups["g1"].consumers) == 7
    e.apply({"op": "lesson", "lesson": "idle", "step": 1})
    assert len(e.groups["g1"].consumers) == 7


def test_bad_lesson_commands_are_refused():
    e = Engine(seed=1)
    assert "no lesson 'nope'" in e.apply({"op": "lesson", "lesson": "nope"})["error"]
    assert "has steps 0 to" in e.apply({"op": "lesson", "lesson": "idle", "step": 50})["error"]


def test_listing_has_ids_and_titles_in_both_languages():
    items = listing()
    assert all(set(x["title"]) == {"en", "zh"} and x["steps"] >= 2 for x in items)


def test_every_lesson_scenario_exists():
    assert sorted({x["scenario"] for x in LESSONS} - set(SCENARIOS)) == []


def test_a_lesson_can_start_with_another_seed_for_shareable_links():
    e = Engine(seed=1)
    r = e.apply({"op": "lesson", "lesson": "idle", "seed": 42})
    assert r["ok"] and r["reset"]
    assert e.seed == 42 and e.snapshot(history=False)["lesson"] == {"id": "idle", "step": 0, "steps": 3}
    e.apply({"op": "lesson", "lesson": "idle", "step": 1})
    assert e.seed == 42                                      # later steps keep the run's seed
    fresh = Engine(seed=1)
    fresh.apply({"op": "lesson", "lesson": "idle"})
    assert fresh.seed == 7                                   # without a seed: the lesson's own
    assert "seed" in fresh.apply({"op": "lesson", "lesson": "idle", "seed": -1})["error"]


def test_listing_carries_each_steps_script_for_the_lesson_player():
    for item, lesson in zip(listing(), LESSONS):
        assert len(item["script"]) == item["steps"] == len(lesson["steps"])
        for shown, s in zip(item["script"], lesson["steps"]):
            assert shown == {"narration": s["narration"], "notice": s["notice"], "actions": s["actions"],
                             "wait_ms": s["wait_ms"], "view": s["view"]}


# -- issue 15: the claims of "eager versus cooperative" and "three protocols, one event" are what the engine shows

def _lesson_costs(lesson_id, upto_step, since_ms):
    from groupviz.engine.core import Engine
    from groupviz.classroom.lessons import BY_ID
    e = Engine(seed=7)
    e.apply({"op": "lesson", "lesson": lesson_id, "step": 0})
    for k in range(1, upto_step + 1):
        e.step(max(BY_ID[lesson_id]["steps"][k - 1]["wait_ms"], 2000))
        e.apply({"op": "lesson", "lesson": lesson_id, "step": k})
    e.step(max(BY_ID[lesson_id]["steps"][upto_step]["wait_ms"], 2000))
    out = {}
    for g in e.snapshot(history=False)["groups"]:
        recs = [r for r in g["rebalances"] if r["start_ms"] >= since_ms and r["end_ms"] is not None]
        out[g["group_id"]] = (sum(r["partition_ms_lost"] for r in recs), sum(r["paused_partitions"] for r in recs))
    return out


def test_three_protocols_add_eager_stops_all_partitions_yet_loses_the_fewest_partition_seconds():
    cost = _lesson_costs("three-protocols", 1, 10_000)
    assert cost["eager"][1] == 12 and cost["coop"][1] == 3 and cost["kip848"][1] == 3
    assert cost["eager"][0] < cost["coop"][0] and cost["eager"][0] < cost["kip848"][0]


def test_three_protocols_crash_every_protocol_waits_the_session_timeout():
    cost = _lesson_costs("three-protocols", 2, 18_000)
    lost = [c[0] for c in cost.values()]
    assert min(lost) >= 6000 * 3                # at least 3 partitions waited the 6 s session timeout
    assert max(lost) <= 1.25 * min(lost)        # "similar"


def test_eager_vs_coop_cost_about_the_same_in_the_lesson_run():
    cost = _lesson_costs("eager-vs-coop", 1, 8_000)
    assert cost["eager"][1] == 6 and cost["coop"][1] == 1
    assert abs(cost["eager"][0] - cost["coop"][0]) <= 0.25 * max(cost["eager"][0], cost["coop"][0])
