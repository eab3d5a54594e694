"""The QA pass over every lesson (issues 16 and 18): titles numbered 1..N in the picker's order, and each claim
whose wording was corrected, checked on the engine at the step that makes it. Each test plays the lesson as
auto-play does (the `lesson` op, then the step's wait)."""

import pytest

from groupviz.classroom.lessons import BY_ID, LESSONS
from groupviz.engine.core import Engine

SEEDS = (7, 11)


def play(lesson: str, upto: int, seed: int = 7) -> Engine:
    eng = Engine(seed=seed)
    for k in range(upto + 1):
        assert eng.apply({"op": "lesson", "lesson": lesson, "step": k, "seed": seed})["ok"]
        eng.step(max(BY_ID[lesson]["steps"][k]["wait_ms"], 1000))
    return eng


def group(eng: Engine, gid: str) -> dict:
    return next(g for g in eng.snapshot(history=False)["groups"] if g["group_id"] == gid)


def member(g: dict, mid: str) -> dict:
    return next(m for m in g["members"] if m["member_id"] == mid)


# -- titles and order ---------------------------------------------------------------------------------------
def test_every_lesson_is_numbered_1_to_n_in_the_pickers_order_in_both_languages():
    for n, lesson in enumerate(LESSONS, start=1):
        for lang in ("en", "zh"):
            assert lesson["title"][lang].startswith(f"{n}. "), (n, lesson["title"][lang])
            assert not lesson["title"][lang][len(f"{n}. "):][:1].isdigit()


def test_the_issue_16_lessons_follow_the_basics_slow_consumer_restart_two_topics_share_storm():
    assert [x["id"] for x in LESSONS[10:]] == ["slow-consumer", "rolling-restart", "two-topics", "share-storm"]


def test_each_new_lesson_shows_the_group_and_chart_its_steps_talk_about():
    shown = {lid: [(s["view"]["group"], s["view"]["chart"]) for s in BY_ID[lid]["steps"]]
             for lid in ("slow-consumer", "rolling-restart", "two-topics", "share-storm")}
    assert shown["slow-consumer"] == [("g1", "consumers"), ("g1", "lag"), ("g1", "timeline"), ("g1", "consumers"),
                                      ("g1", "lag"), ("g1", "lag")]
    assert shown["rolling-restart"] == [("g1", "timeline")] * 5
    assert shown["two-topics"] == [("by-range", "consumers"), ("by-roundrobin", "consumers"), ("by-range", "lag")]
    assert shown["share-storm"] == [("queue", "results"), ("queue", "inflight"), ("queue", "lag"),
                                    ("queue", "inflight")]


# -- the slow consumer ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("seed", SEEDS)
def test_slow_consumer_step1_only_consumer_1s_lag_grows_the_others_keep_up(seed):
    before, after = group(play("slow-consumer", 0, seed), "g1"), group(play("slow-consumer", 1, seed), "g1")
    assert member(after, "consumer-1")["lag"] > member(before, "consumer-1")["lag"]
    assert after["lag"] < before["lag"]        # the group's total falls as the others drain: "its lag" was wrong
    assert all(member(after, m)["lag"] <= 20 for m in ("consumer-2", "consumer-3"))


@pytest.mark.parametrize("seed", SEEDS)
def test_slow_consumer_step2_the_rebalance_list_names_consumer_1s_leave_group_on_the_poll_timeout(seed):
    g = group(play("slow-consumer", 2, seed), "g1")
    last = g["rebalances"][-1]
    assert last["generation"] == 2 == g["generation"]
    assert "consumer-1 left the group" in last["reason"] and "consumer poll timeout has expired" in last["reason"]
    assert "consumer-1" in last["reason_zh"] and "LeaveGroup" in last["reason_zh"]
    assert member(g, "consumer-1")["poll_timeouts"] == 1 and g["duplicates"] > 0


@pytest.mark.parametrize("seed", SEEDS)
def test_slow_consumer_step3_comes_back_15_s_after_it_blocked_and_owns_partitions_at_generation_3(seed):
    eng = play("slow-consumer", 1, seed)
    blocked_at = eng.time_ms - BY_ID["slow-consumer"]["steps"][1]["wait_ms"]
    eng.apply({"op": "lesson", "lesson": "slow-consumer", "step": 2})
    eng.step(BY_ID["slow-consumer"]["steps"][2]["wait_ms"])
    eng.apply({"op": "lesson", "lesson": "slow-consumer", "step": 3})
    events = eng.step(BY_ID["slow-consumer"]["steps"][3]["wait_ms"])
    failed = [e for e in events if e["type"] == "commit_failed"]
    assert failed and failed[0]["time_ms"] - blocked_at == 15_000
    g = group(eng, "g1")
    assert g["generation"] == 3 and member(g, "consumer-1")["partitions"]


# -- the rolling restart -------------------------------------------------------------------------------------
@pytest.mark.parametrize("seed", SEEDS)
def test_rolling_restart_step3_the_static_member_gets_back_its_one_partition(seed):
    before = member(group(play("rolling-restart", 2, seed), "g1"), "consumer-4")["partitions"]
    after = member(group(play("rolling-restart", 3, seed), "g1"), "consumer-4")["partitions"]
    assert len(before) == 1 and after == before     # "the same partition": consumer-4 owns one


@pytest.mark.parametrize("seed", SEEDS)
def test_rolling_restart_step4_the_partition_waits_for_the_session_timeout_after_the_last_heartbeat(seed):
    eng = play("rolling-restart", 3, seed)
    g = group(eng, "g1")
    c4, gen = member(g, "consumer-4"), g["generation"]
    (tp,) = c4["partitions"]
    last_heartbeat, session = c4["last_heartbeat_ms"], g["config"]["session.timeout.ms"]
    assert session == 6000
    eng.apply({"op": "lesson", "lesson": "rolling-restart", "step": 4})
    eng.step(500)                   # closing, it commits what it processed
    start = next(p for p in group(eng, "g1")["partitions"] if [p["topic"], p["partition"]] == tp)["committed"]
    events = eng.step(last_heartbeat + session - eng.time_ms - 50)
    assert not [e for e in events if e["type"] == "member_expired"]
    still = next(p for p in group(eng, "g1")["partitions"] if [p["topic"], p["partition"]] == tp)
    assert still["owner"] is None and still["committed"] == start and still["lag"] > 0    # unprocessed till then
    events = eng.step(BY_ID["rolling-restart"]["steps"][4]["wait_ms"])
    expired = [e for e in events if e["type"] == "member_expired"]
    assert expired and expired[0]["time_ms"] - last_heartbeat <= session + 100
    assert group(eng, "g1")["generation"] == gen + 2                            # two generations in all


# -- two topics ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("seed", SEEDS)
def test_two_topics_step1_roundrobin_members_own_three_partitions_and_keep_up(seed):
    g = group(play("two-topics", 1, seed), "by-roundrobin")
    assert sorted(len(m["partitions"]) for m in g["members"]) == [3, 3]
    assert all(m["lag"] <= 60 for m in g["members"])


@pytest.mark.parametrize("seed", SEEDS)
def test_two_topics_step2_a_new_consumer_processes_up_to_20_records_per_second(seed):
    eng = play("two-topics", 2, seed)
    for gid in ("by-range", "by-roundrobin"):
        rates = sorted(m["rate"] for m in group(eng, gid)["members"])
        assert rates == [20.0, 35.0, 35.0], (gid, rates)


# -- the share storm ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("seed", SEEDS)
def test_share_storm_step0_nobody_reads_queue_every_record_is_outstanding_and_lag_has_no_value(seed):
    eng = play("share-storm", 0, seed)
    q, produced = group(eng, "queue"), eng.snapshot(history=False)["producer"]["produced"]
    assert not q["members"] and q["results"] == 0 and produced > 250
    assert q["lag"] is None        # the lag chart has nothing to draw: the step shows the results panel instead


@pytest.mark.parametrize("seed", SEEDS)
def test_share_storm_step3_explicit_acknowledgements_reach_the_broker_within_the_lock(seed):
    eng = play("share-storm", 2, seed)
    before = group(eng, "queue")
    eng.apply({"op": "lesson", "lesson": "share-storm", "step": 3, "seed": seed})
    eng.step(BY_ID["share-storm"]["steps"][3]["wait_ms"])
    after = group(eng, "queue")
    assert after["acknowledgement_mode"] == "explicit" and after["max_poll_records"] == 100
    accepted = after["acks"]["accept"] - before["acks"]["accept"]
    timeouts = after["lock_timeouts"] - before["lock_timeouts"]
    assert accepted > timeouts > 0      # most records are accepted in time; only batches' tails time out


# -- zh is Chinese apart from Kafka's own names ----------------------------------------------------------------
#: Lower-case words a zh step may keep: Kafka's and Flink's names (assignors, protocols, methods, roles), the
#: lessons' group, topic and member ids. A quoted Kafka message ('consumer poll timeout has expired.') is skipped,
#: and so is anything with a dot, dash, underscore or parenthesis (configs, ids, calls).
ZH_KEEPS = {"range", "roundrobin", "cooperative", "eager", "coop", "share", "queue", "seed", "job", "sink", "plain",
            "broker", "poll", "explicit", "simple", "consumer", "generation", "orders", "payments", "false", "i", "p"}


def _latin_words(text: str) -> set:
    import re
    text = re.sub(r"'[^']*'", " ", text)                       # Kafka's own quoted messages and group ids
    words = {w for w in re.findall(r"[A-Za-z][\w.\-()]*", text) if not re.search(r"[\d.\-_()]", w)}
    return {w for w in words if w.islower()}


@pytest.mark.parametrize("lesson", LESSONS, ids=[x["id"] for x in LESSONS])
def test_zh_steps_keep_only_kafkas_own_lower_case_names(lesson):
    for k, s in enumerate(lesson["steps"]):
        for key in ("narration", "notice"):
            assert _latin_words(s[key]["zh"]) <= ZH_KEEPS, (k, key, _latin_words(s[key]["zh"]) - ZH_KEEPS)
