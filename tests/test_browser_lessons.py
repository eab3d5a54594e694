"""Lessons drive the view (issue 18): each step shows the group, tab and chart it talks about, on the
presenter's page and on a viewer's, and at the step that makes a claim the on-screen value proves it. The
engine is paused and stepped exactly (its step command), so no test waits in wall time for the story."""

from __future__ import annotations

import re

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.timeout(90)]

from playwright.sync_api import expect  # noqa: E402

from browser_helpers import DESKTOP, PHONE, SCREENSHOTS, WAIT_MS, _probe, card, cards, to_fixed, unfold_controls  # noqa: E402
from conftest import start_live_server  # noqa: E402
from groupviz.classroom.lessons import BY_ID  # noqa: E402
from groupviz.classroom.lessons.script import CHARTS  # noqa: E402
from test_browser_protocol import _lost_on_bar  # noqa: E402

TOKEN = "lesson-presenter-token-42"


def next_step(page, lesson_id: str, k: int):
    """Press Next to step k (0-based) and wait until the page shows it: the engine has applied the step's
    actions, so a step command sent afterwards runs after them."""
    page.get_by_test_id("lesson-next").click()
    n = len(BY_ID[lesson_id]["steps"])
    expect(page.get_by_test_id("lesson-step")).to_have_text(re.compile(rf"\b{k + 1} / {n}\b"), timeout=WAIT_MS)


def play_to(page, server, lesson_id: str, k: int, *, run_step: bool = True):
    """Lesson `lesson_id` at step k (0-based) from the page's Next button, the engine paused and stepped by each
    step's wait (at least 2 s); with run_step, the engine also runs step k's own wait."""
    steps = BY_ID[lesson_id]["steps"]
    server.live.apply({"op": "pause"})
    unfold_controls(page)
    page.get_by_test_id("lesson-select").select_option(lesson_id)
    label = page.get_by_test_id("lesson-step")
    expect(label).to_have_text(re.compile(rf"\b1 / {len(steps)}\b"), timeout=WAIT_MS)      # en and zh
    for j in range(1, k + 1):
        server.live.apply({"op": "step", "ms": max(steps[j - 1]["wait_ms"], 2000)})
        next_step(page, lesson_id, j)
    if run_step:
        server.live.apply({"op": "step", "ms": max(steps[k]["wait_ms"], 2000)})
    expect(page.get_by_test_id("sim-time")).to_have_text(re.compile(r"\d"), timeout=WAIT_MS)


def expect_view(page, lesson_id: str, k: int):
    """The page shows step k's view: its group in the header and panels, its tab, its chart outlined."""
    view = BY_ID[lesson_id]["steps"][k]["view"]
    expect(page.get_by_test_id("group-id")).to_have_text(view["group"], timeout=WAIT_MS)
    body = page.locator("body")
    if view["tab"] == "kafka":
        expect(body).to_have_attribute("data-view", "kafka", timeout=WAIT_MS)
    else:
        expect(body).not_to_have_attribute("data-view", "kafka", timeout=WAIT_MS)
    focus = page.locator("[data-lesson-focus]")
    expect(focus).to_have_count(1, timeout=WAIT_MS)
    assert focus.evaluate("(n, sel) => n.matches(sel) || !!n.querySelector(sel)", CHARTS[view["chart"]][1])
    expect(focus).to_be_in_viewport()


def number(locator) -> float:
    return float(re.search(r"-?[\d.]+", locator.text_content().replace(",", "")).group(0))


def group_of(server, gid) -> dict:
    return next(g for g in server.live.full_snapshot()["groups"] if g["group_id"] == gid)


def shoot(page, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"lesson-{name}.png"))


# ---------------------------------------------------------------- lesson 2: more consumers than partitions

def test_idle_the_seventh_consumer_is_on_screen_with_no_partition(page, live_server):
    play_to(page, live_server, "idle", 1)
    expect_view(page, "idle", 1)
    expect(cards(page)).to_have_count(6, timeout=WAIT_MS)
    for m in range(1, 7):       # "every consumer now has exactly one partition"
        expect(card(page, f"consumer-{m}").locator(".c-parts .chip:not(.none)")).to_have_count(1, timeout=WAIT_MS)
    # "... and processes about 5 records/s": the throughput on the six cards
    rates = [number(card(page, f"consumer-{m}").locator(".c-stat").first.locator(".num")) for m in range(1, 7)]
    assert 4.0 <= sum(rates) / 6 <= 6.0 and max(rates) < 10, rates
    next_step(page, "idle", 2)
    live_server.live.apply({"op": "step", "ms": 6000})
    expect_view(page, "idle", 2)
    idle = card(page, "consumer-7")
    expect(idle.locator(".c-parts")).to_have_text("no partitions", timeout=WAIT_MS)
    expect(idle.locator(".c-parts .chip:not(.none)")).to_have_count(0)
    expect(idle).to_be_in_viewport()
    expect(idle).to_have_attribute("data-state", "active")
    shoot(page, "idle-step3")


# ---------------------------------------------------------------- lesson 3: crash versus graceful leave

def _timeline_entry(page, generation: int):
    return page.locator(f'[data-testid="rebalance-timeline"] .tl-item[data-generation="{generation}"]')


def test_crash_waits_the_session_timeout_a_graceful_leave_rebalances_at_once(page, live_server):
    play_to(page, live_server, "crash-vs-leave", 1, run_step=False)
    live_server.live.apply({"op": "step", "ms": 3000})
    expect_view(page, "crash-vs-leave", 1)
    crashed = card(page, "consumer-2")                  # "shows 'crashed' but still owns its partitions"
    expect(crashed).to_have_attribute("data-state", "crashed", timeout=WAIT_MS)
    expect(crashed).to_be_in_viewport()
    expect(crashed.locator(".c-parts .chip:not(.none)")).to_have_count(2)
    expect(page.get_by_test_id("generation")).to_have_text("1")
    live_server.live.apply({"op": "step", "ms": 6000})
    expect(page.get_by_test_id("generation")).to_have_text("2", timeout=WAIT_MS)
    crash = _timeline_entry(page, 2)                    # killed at t=8 s, noticed at the session timeout
    expect(crash.locator(".tl-reason")).to_contain_text("session.timeout.ms", timeout=WAIT_MS)
    crash_at = number(crash.locator(".tl-at"))
    assert 13.0 <= crash_at <= 14.5, crash_at           # its last heartbeat + 6 s, not at the kill
    dups = page.get_by_test_id("duplicates")
    after_crash = group_of(live_server, "g1")["duplicates"]
    expect(dups).to_have_attribute("data-count", str(after_crash), timeout=WAIT_MS)
    next_step(page, "crash-vs-leave", 2)          # stop consumer-3 gracefully at t=17 s
    live_server.live.apply({"op": "step", "ms": 5000})
    expect_view(page, "crash-vs-leave", 2)
    expect(page.get_by_test_id("generation")).to_have_text("3", timeout=WAIT_MS)
    leave = _timeline_entry(page, 3)
    expect(leave.locator(".tl-reason")).to_contain_text("LeaveGroup", timeout=WAIT_MS)
    expect(leave.locator(".tl-dur")).not_to_have_text(re.compile("running"), timeout=WAIT_MS)
    assert number(leave.locator(".tl-at")) == 17.0       # the rebalance starts at once
    assert number(leave.locator(".tl-dur")) < 6.0        # and is done before a session timeout would end
    expect(dups).to_have_attribute("data-count", str(after_crash))     # "no record is processed twice"
    shoot(page, "crash-vs-leave-step3")


# ---------------------------------------------------------------- lesson 4: eager versus cooperative

def _generations_on_bar(page, gid) -> set[int]:
    segs = page.locator(f'.kz-grow[data-group-id="{gid}"] .kz-seg[data-phase="PreparingRebalance"]')
    return {int(g) for g in segs.evaluate_all("ss => ss.map(s => s.dataset.generation)")}


def test_eager_vs_coop_shows_coop_its_two_generations_and_what_each_lost(page, live_server):
    play_to(page, live_server, "eager-vs-coop", 1)
    expect_view(page, "eager-vs-coop", 1)                # eager on the board, its lag chart outlined
    next_step(page, "eager-vs-coop", 2)
    expect_view(page, "eager-vs-coop", 2)                # the Kafka details, showing coop
    expect(page.get_by_test_id("generation")).to_have_text("3")
    expect(page.locator(".kz-tab-group")).to_have_text("coop")
    # "'coop' went through two generations, 'eager' through one" (generation 1 is the first join)
    expect(page.locator('.kz-grow[data-group-id="coop"] .kz-seg[data-phase="Stable"] .kz-seg-label')).to_have_count(
        1, timeout=WAIT_MS)
    assert _generations_on_bar(page, "coop") - {1} == {2, 3}
    assert _generations_on_bar(page, "eager") - {1} == {2}
    # "here the two cost about the same": the partition-seconds lost beside each bar
    lost = {g: _lost_on_bar(page, g) for g in ("eager", "coop")}
    assert abs(lost["eager"] - lost["coop"]) <= 0.25 * max(lost.values()), lost
    assert lost["coop"] == float(to_fixed(group_of(live_server, "coop")["rebalances"][-1]["partition_ms_lost"] / 1000))
    expect(page.locator('.kz-grow[data-group-id="coop"]')).to_have_class(re.compile("selected"))
    shoot(page, "eager-vs-coop-step3")


# ---------------------------------------------------------------- the Now strip follows the group in view

def test_the_now_strip_shows_only_the_group_in_view_and_says_which(page, live_server):
    play_to(page, live_server, "eager-vs-coop", 1)
    label = page.get_by_test_id("narration-group")
    text = page.locator('[data-testid="narration"] .narr-text')

    def latest_text(gid):
        events = live_server.live.full_snapshot()["events"]
        return next(e["text"] for e in reversed(events) if e.get("group_id") in (gid, None))

    expect(label).to_have_text("eager", timeout=WAIT_MS)
    expect(label).to_have_attribute("title", re.compile("Only events of group eager"))
    expect(text).to_have_text(latest_text("eager"), timeout=WAIT_MS)
    page.get_by_test_id("group-select").select_option("coop")
    expect(label).to_have_text("coop", timeout=WAIT_MS)
    expect(text).to_have_text(latest_text("coop"), timeout=WAIT_MS)
    unfold_controls(page)
    page.get_by_test_id("lang").select_option("zh")
    expect(label).to_have_attribute("title", re.compile("只显示组 coop"))


# ---------------------------------------------------------------- lesson 5: a hot key

def _cell(page, p):
    return page.locator(f'[data-testid="assignment-view"] [data-testid="partition"][data-partition="{p}"]')


def _cell_value(page, p, row) -> float:
    return number(_cell(page, p).locator(f".p-row:nth-child({row}) .num"))     # 2: end, 3: committed, 4: lag


def test_hot_key_one_partition_grows_and_adding_consumers_does_not_split_it(page, live_server):
    play_to(page, live_server, "hot-key", 0)
    expect_view(page, "hot-key", 0)
    page.wait_for_timeout(300)
    ends = {p: _cell_value(page, p, 2) for p in range(6)}
    hot = max(ends, key=ends.get)
    assert ends[hot] > 2 * max(v for p, v in ends.items() if p != hot), ends     # "grows much faster"
    # "its owner is saturated while others idle": the cards' throughput against their 20/s capacity
    rate = {m: number(card(page, m).locator(".c-stat").first.locator(".num")) for m in ("consumer-1", "consumer-2",
                                                                                         "consumer-3")}
    busy = _cell(page, hot).get_attribute("data-owner")
    assert rate[busy] == 20.0 and all(v <= 10.0 for m, v in rate.items() if m != busy), rate
    next_step(page, "hot-key", 1)
    live_server.live.apply({"op": "step", "ms": 5000})
    expect_view(page, "hot-key", 1)
    expect(page.get_by_test_id("consumer")).to_have_count(5, timeout=WAIT_MS)
    page.wait_for_timeout(300)
    before = _cell_value(page, hot, 4)
    owner = _cell(page, hot).get_attribute("data-owner")
    live_server.live.apply({"op": "step", "ms": 5000})
    expect(_cell(page, hot).locator(".p-row:nth-child(4) .num")).not_to_have_text(str(int(before)), timeout=WAIT_MS)
    assert _cell_value(page, hot, 4) > before                        # "the hot partition's lag keeps growing"
    assert _cell(page, hot).get_attribute("data-owner") == owner     # one owner still


# ---------------------------------------------------------------- lesson 6: lag

def test_lag_drains_then_burrow_warns_above_capacity_and_says_ok_again(page, live_server):
    play_to(page, live_server, "lag", 0, run_step=False)
    live_server.live.apply({"op": "step", "ms": 8000})     # the first join's backlog, at its peak
    expect_view(page, "lag", 0)
    status = page.get_by_test_id("lag-status")
    page.get_by_test_id("kafka-view").click()              # the overview's lag column: the group's lag
    row = page.locator('[data-testid="group-row"][data-group-id="g1"]')
    lag_at_8 = live_server.live.full_snapshot()["groups"][0]["lag"]
    expect(row).to_contain_text(f"{lag_at_8}", timeout=WAIT_MS)
    page.get_by_test_id("kafka-view-back").click()
    live_server.live.apply({"op": "step", "ms": 6000})     # "the backlog drains in a few seconds"
    expect(status).to_have_text("Burrow OK", timeout=WAIT_MS)
    # "lag stays small: just what arrived since the last commit": at most one auto-commit interval (1 s) of 30/s
    assert live_server.live.full_snapshot()["groups"][0]["lag"] <= 30 < lag_at_8
    next_step(page, "lag", 1)
    live_server.live.apply({"op": "step", "ms": 15_000})
    expect_view(page, "lag", 1)
    expect(status).to_have_text("Burrow WARN", timeout=WAIT_MS)
    next_step(page, "lag", 2)
    live_server.live.apply({"op": "step", "ms": 15_000})
    expect_view(page, "lag", 2)
    expect(status).to_have_text("Burrow OK", timeout=WAIT_MS)


# ---------------------------------------------------------------- lesson 7: at least once

def test_at_least_once_the_configs_show_5000_and_the_duplicates_counter_counts(page, live_server):
    play_to(page, live_server, "at-least-once", 0)
    expect_view(page, "at-least-once", 0)                   # the configs tab of the Kafka details
    expect(page.get_by_test_id("config-auto.commit.interval.ms")).to_have_value("5000", timeout=WAIT_MS)
    next_step(page, "at-least-once", 1)
    live_server.live.apply({"op": "step", "ms": 12_000})
    expect_view(page, "at-least-once", 1)
    dups = page.get_by_test_id("duplicates")
    n = group_of(live_server, "g1")["duplicates"]
    assert n > 0
    expect(dups).to_have_attribute("data-count", str(n), timeout=WAIT_MS)
    expect(dups).to_be_in_viewport()


# ---------------------------------------------------------------- lessons 9 and 10: the views

def test_kafka_vs_flink_points_at_the_jobs_and_shows_job_when_it_rescales(page, live_server):
    play_to(page, live_server, "kafka-vs-flink", 0)
    expect_view(page, "kafka-vs-flink", 0)
    play_to(page, live_server, "kafka-vs-flink", 3, run_step=False)
    expect_view(page, "kafka-vs-flink", 3)
    expect(page.locator('[data-testid="flink-job"][data-group-id="job"]')).to_have_class(re.compile("selected"))
    shoot(page, "kafka-vs-flink-step4")


def test_three_protocols_opens_the_protocol_view_of_kip848_then_the_phases(page, live_server):
    play_to(page, live_server, "three-protocols", 0)
    expect_view(page, "three-protocols", 0)
    # "kip848 sends only ConsumerGroupHeartbeat" (and its commits): no JoinGroup, SyncGroup or Heartbeat arrow
    arrows = page.locator('[data-testid="protocol-lanes"] line.pv-arrow')
    expect(arrows.first).to_be_attached(timeout=WAIT_MS)
    apis = set(arrows.evaluate_all("ls => ls.map(l => l.dataset.api)"))
    assert apis == {"ConsumerGroupHeartbeat", "OffsetCommit"}, apis
    next_step(page, "three-protocols", 1)
    expect_view(page, "three-protocols", 1)


# ---------------------------------------------------------------- viewers follow; going back shows the view again

def test_a_viewer_follows_each_steps_view_and_back_shows_the_earlier_view(browser):
    server, stop = start_live_server(PRESENTER_TOKEN=TOKEN)
    pctx, presenter = _probe(browser, server, DESKTOP)
    vctx, viewer = _probe(browser, server, DESKTOP)
    try:
        p, v = presenter.page, viewer.page
        p.goto(f"{server.url}/?token={TOKEN}")
        v.goto(f"{server.url}/")
        for page in (p, v):
            expect(page.locator("body[data-ready='true']")).to_be_attached(timeout=WAIT_MS)
        expect(v.locator("body")).to_have_attribute("data-role", "viewer")
        play_to(p, server, "eager-vs-coop", 2, run_step=False)
        for page in (p, v):
            expect_view(page, "eager-vs-coop", 2)
        p.get_by_test_id("lesson-prev").click()
        for page in (p, v):
            expect(page.get_by_test_id("lesson-step")).to_have_text("step 2 / 3", timeout=WAIT_MS)
            expect_view(page, "eager-vs-coop", 1)
        shoot(v, "eager-vs-coop-viewer-step2")
        presenter.check_clean()
        viewer.check_clean()
    finally:
        pctx.close()
        vctx.close()
        stop()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_on_a_phone_the_view_selects_the_group_but_leaves_the_scrolling_to_the_reader(browser, live_server, lang):
    ctx, probe = _probe(browser, live_server, PHONE)
    try:
        page = probe.page
        page.goto(f"{live_server.url}/?lang={lang}")
        expect(page.locator("body[data-ready='true']")).to_be_attached(timeout=WAIT_MS)
        unfold_controls(page)       # a phone folds the class bar (the lesson picker) away
        play_to(page, live_server, "eager-vs-coop", 2)
        expect(page.get_by_test_id("group-id")).to_have_text("coop", timeout=WAIT_MS)
        expect(page.locator("[data-lesson-focus]")).to_have_count(1)
        expect(page.locator("body")).not_to_have_attribute("data-view", "kafka")     # one page on a phone
        assert page.evaluate("window.scrollY") == 0
        expect(page.get_by_test_id("narration-group")).to_have_text("coop")
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"the page is {overflow}px wider than the phone"
        shoot(page, f"eager-vs-coop-step3-phone-{lang}")
        probe.check_clean()
    finally:
        ctx.close()
