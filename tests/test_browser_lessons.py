"""Lessons drive the view (issue 18): each step shows the group, tab and chart it talks about, on the
presenter's page and on a viewer's, and at the step that makes a claim the on-screen value proves it. The
engine is paused and stepped exactly (its step command), so no test waits in wall time for the story."""

from __future__ import annotations

import re

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.timeout(90)]

from playwright.sync_api import expect  # noqa: E402

from browser_helpers import DESKTOP, SCREENSHOTS, WAIT_MS, _probe, card, cards  # noqa: E402
from conftest import start_live_server  # noqa: E402
from groupviz.classroom.lessons import BY_ID  # noqa: E402
from groupviz.classroom.lessons.script import CHARTS  # noqa: E402

TOKEN = "lesson-presenter-token-42"


def play_to(page, server, lesson_id: str, k: int, *, run_step: bool = True):
    """Lesson `lesson_id` at step k (0-based) from the page's Next button, the engine paused and stepped by each
    step's wait (at least 2 s); with run_step, the engine also runs step k's own wait."""
    steps = BY_ID[lesson_id]["steps"]
    server.live.apply({"op": "pause"})
    page.get_by_test_id("lesson-select").select_option(lesson_id)
    label = page.get_by_test_id("lesson-step")
    expect(label).to_have_text(f"step 1 / {len(steps)}", timeout=WAIT_MS)
    for j in range(1, k + 1):
        server.live.apply({"op": "step", "ms": max(steps[j - 1]["wait_ms"], 2000)})
        page.get_by_test_id("lesson-next").click()
        expect(label).to_have_text(f"step {j + 1} / {len(steps)}", timeout=WAIT_MS)
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
    assert focus.evaluate(f"(n, sel) => n.matches(sel)", CHARTS[view["chart"]][1])
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
    page.get_by_test_id("lesson-next").click()
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
    page.get_by_test_id("lesson-next").click()          # stop consumer-3 gracefully at t=17 s
    expect(page.get_by_test_id("lesson-step")).to_have_text("step 3 / 3", timeout=WAIT_MS)
    live_server.live.apply({"op": "step", "ms": 5000})
    expect_view(page, "crash-vs-leave", 2)
    expect(page.get_by_test_id("generation")).to_have_text("3", timeout=WAIT_MS)
    leave = _timeline_entry(page, 3)
    expect(leave.locator(".tl-reason")).to_contain_text("LeaveGroup", timeout=WAIT_MS)
    expect(leave.locator(".tl-dur")).not_to_have_text(re.compile("running"), timeout=WAIT_MS)
    assert number(leave.locator(".tl-at")) == 17.0       # the rebalance starts at once
    assert number(leave.locator(".tl-dur")) < 6.0        # and is done before a session timeout would end
    shoot(page, "crash-vs-leave-step3")
