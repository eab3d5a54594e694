"""Live narration: one readable line per event, in English and Chinese."""

from __future__ import annotations

import re

import pytest

from groupviz.engine.core import Engine
from groupviz.classroom.lessons import LESSONS
from groupviz.classroom.narration import narrate
from groupviz.engine.scenarios import SCENARIOS

from conftest import run_until, stable

CJK = re.compile("[\u4e00-\u9fff]")
#: Events too fine-grained to narrate on their own (the lines around them say it).
QUIET = set()


def every_event_of_a_busy_run() -> list[dict]:
    seen: list[dict] = []
    for lesson in LESSONS:
        if lesson["scenario"] not in SCENARIOS:
            continue
        e = Engine(seed=3)
        for k, s in enumerate(lesson["steps"]):
            e.apply({"op": "lesson", "lesson": lesson["id"], "step": k})
            e.step(max(s["wait_ms"], 1000) + 8000)
        seen.extend(e.events)
    e = Engine(seed=3)
    for cmd in ({"op": "add_partitions", "count": 2}, {"op": "set_assignor", "assignor": "cooperative-sticky"},
                {"op": "add_group", "group_id": "g2", "consumers": 2}, {"op": "pause_consumer", "member_id": "consumer-1"},
                {"op": "resume_consumer", "member_id": "consumer-1"}, {"op": "set_keys", "mode": "null"},
                {"op": "set_config", "config": {"session.timeout.ms": 7000}}):
        assert e.apply(cmd)["ok"], cmd
        e.step(3000)
    e.step(20_000)
    seen.extend(e.events)
    return seen


@pytest.fixture(scope="module")
def events():
    return every_event_of_a_busy_run()


def test_every_event_type_of_a_busy_run_is_narrated_in_both_languages(events):
    silent = sorted({e["type"] for e in events if "text" not in e} - QUIET)
    assert silent == []
    for e in events:
        if "text" in e:
            assert e["text"].strip() and not CJK.search(e["text"]), e
            assert CJK.search(e["text_zh"]), e


def test_expulsion_after_the_session_timeout_says_why_and_which_generation_comes_next():
    e = Engine(seed=7)
    run_until(e, stable)
    generation = e.groups["g1"].coordinator.generation
    e.apply({"op": "kill_consumer", "member_id": "consumer-2"})
    run_until(e, lambda x: any(ev["type"] == "member_expired" for ev in x.events))
    ev = next(ev for ev in e.events if ev["type"] == "member_expired")
    assert ev["text"] == (f"consumer-2 missed its heartbeats for 6 s: the coordinator removed it from g1 "
                          f"and started a rebalance towards generation {generation + 1}")
    assert f"第 {generation + 1} 代" in ev["text_zh"]
    run_until(e, stable)
    assert e.groups["g1"].coordinator.generation == generation + 1


@pytest.mark.parametrize("ev,en", [
    ({"type": "keys_changed", "mode": "hot", "count": 1000, "hot_share": 0.5, "hot_partition": 3},
     "producer keys: 50% of records now carry one hot key, so they all hash to partition 3"),
    ({"type": "keys_changed", "mode": "uniform", "count": 1000, "hot_share": 0, "hot_partition": None},
     "producer keys: uniform over 1000 keys, so partitions fill evenly"),
    ({"type": "lost", "member_id": "consumer-1", "partitions": [["orders", 0]]},
     "consumer-1 lost orders-0: it was no longer in the group, so it may not commit them"),
    ({"type": "protocol_changed", "group_id": "g1", "old": "eager", "new": "cooperative"},
     "g1: rebalance protocol eager → cooperative; every member rejoins"),
])
def test_narration_lines(ev, en):
    text, zh = narrate(ev)
    assert text == en
    assert CJK.search(zh)


@pytest.mark.parametrize("group_type", ["consumer", "share"])
def test_an_added_group_is_a_group_added_event_with_its_line(group_type):
    e = Engine(seed=7)
    assert e.apply({"op": "add_group", "group_id": "g2", "type": group_type})["ok"]
    ev = [x for x in e.events if x.get("group_id") == "g2"][0]
    assert ev["type"] == "group_added" and ev["group_type"] == group_type
    assert ev["text"].startswith("share group g2 added" if group_type == "share" else "group g2 added")


def test_an_event_field_may_not_replace_the_events_own_keys():
    with pytest.raises(ValueError, match="reserved"):
        Engine(seed=7).event("group_added", type="consumer")


def test_every_rebalance_reason_has_chinese_text_with_no_english_sentence_in_it():
    """The timeline, the report and the narration show rebalances in the page's language: each
    rebalance record and rebalance_started event carries reason_zh beside Kafka-style English."""
    events = every_event_of_a_busy_run()
    started = [ev for ev in events if ev["type"] == "rebalance_started"]
    kinds = set()
    for ev in started:
        assert ev["reason"] and CJK.search(ev["reason_zh"]), ev
        assert not re.search(r"\b(joined|left|missed|now has|rejoined)\b", ev["reason_zh"]), ev
        zh = narrate(ev)[1]
        assert ev["reason_zh"] in zh and ev["reason"] not in zh, zh
        kinds.add(ev["reason"].split(" ")[-1])
    assert {"joined", "(LeaveGroup)", "(session.timeout.ms)"} <= kinds, kinds
    e = Engine(seed=3)
    e.step(10_000)
    assert e.apply({"op": "add_partitions", "count": 2})["ok"]
    e.step(10_000)
    assert e.apply({"op": "kill_consumer", "member_id": "consumer-1"})["ok"]
    e.step(60_000)
    assert e.apply({"op": "stop_consumer", "member_id": "consumer-2"})["ok"]
    e.step(10_000)
    recs = [r for g in e.snapshot()["groups"] for r in g["rebalances"]]
    assert any("session.timeout.ms" in r["reason"] and "没有心跳" in r["reason_zh"] for r in recs), recs
    assert any("LeaveGroup" in r["reason"] and "离开了组" in r["reason_zh"] for r in recs), recs
    assert any("now has 8 partitions" in r["reason"] and "现在有 8 个分区" in r["reason_zh"] for r in recs), recs
