"""Lessons 11-14 (issue 16's slow consumer, rolling restart, two topics and share storm) drive the view (issue 18):
at the step whose wording or view the QA pass changed, the page shows the step's group, tab and chart, and the
value the step talks about is read off the screen. The engine is paused and stepped exactly (play_to)."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.timeout(120)]

from playwright.sync_api import expect  # noqa: E402

from browser_helpers import WAIT_MS, card  # noqa: E402
from groupviz.classroom.lessons import BY_ID  # noqa: E402
from test_browser_lessons import expect_view, group_of, next_step, number, play_to, shoot  # noqa: E402


def test_slow_consumer_step3_the_rebalance_list_names_the_poll_timeout_leave(page, live_server):
    play_to(page, live_server, "slow-consumer", 2)
    expect_view(page, "slow-consumer", 2)
    entry = page.locator('[data-testid="rebalance-timeline"] .tl-item[data-generation="2"]')
    expect(entry.locator(".tl-reason")).to_contain_text("consumer-1 left", timeout=WAIT_MS)
    assert "consumer poll timeout has expired" in (entry.locator(".tl-reason").get_attribute("title")
                                                   or entry.locator(".tl-reason").text_content())
    expect(page.get_by_test_id("generation")).to_have_text("2")
    shoot(page, "slow-consumer-step3")


def test_rolling_restart_step4_the_static_member_keeps_its_one_partition_and_the_generation(page, live_server):
    play_to(page, live_server, "rolling-restart", 3)
    expect_view(page, "rolling-restart", 3)
    expect(page.get_by_test_id("generation")).to_have_text("4", timeout=WAIT_MS)
    expect(card(page, "consumer-4").locator(".c-parts .chip:not(.none)")).to_have_count(1, timeout=WAIT_MS)
    expect(page.locator('[data-testid="rebalance-timeline"] .tl-item[data-generation="5"]')).to_have_count(0)


def test_two_topics_step2_shows_roundrobins_three_and_three(page, live_server):
    play_to(page, live_server, "two-topics", 1)
    expect_view(page, "two-topics", 1)
    for m in ("consumer-3", "consumer-4"):
        expect(card(page, m).locator(".c-parts .chip:not(.none)")).to_have_count(3, timeout=WAIT_MS)
    g = group_of(live_server, "by-roundrobin")
    assert all(m["lag"] <= 60 for m in g["members"])
    shoot(page, "two-topics-step2")


def test_share_storm_step1_the_backlog_is_outstanding_then_step2_the_storm_is_in_flight(page, live_server):
    play_to(page, live_server, "share-storm", 0)
    expect_view(page, "share-storm", 0)
    lane = page.locator('[data-testid="results-lane"][data-group-id="queue"]')
    expect(lane.get_by_test_id("results-count")).to_have_text("0", timeout=WAIT_MS)
    sent = live_server.live.full_snapshot()["producer"]["produced"]      # every record sent waits for 'queue'
    assert sent > 250 and number(lane.get_by_test_id("results-outstanding")) == sent
    next_step(page, "share-storm", 1)                                    # three slow consumers join
    live_server.live.apply({"op": "step", "ms": BY_ID["share-storm"]["steps"][1]["wait_ms"]})
    expect_view(page, "share-storm", 1)
    for key in ("timeouts", "late", "archived"):
        expect(page.get_by_test_id(f"sif-{key}").locator("dd")).not_to_have_text("0", timeout=WAIT_MS)
    assert number(page.get_by_test_id("sif-late").locator("dd")) > 0
    shoot(page, "share-storm-step2")
