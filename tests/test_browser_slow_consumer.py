"""The slow-consumer lesson and a classic consumer's application on its card, in a real browser:
the stall line, the poll-timeout leave and the failed commit read off the page (screenshots in
artifacts/screenshots/)."""

from __future__ import annotations

import re

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.timeout(120)]

from playwright.sync_api import expect  # noqa: E402

from browser_helpers import DESKTOP, PHONE, SCREENSHOTS, WAIT_MS, _probe, card, wait_stable, unfold_controls  # noqa: E402


def _lesson_to_the_failed_commit(page):
    unfold_controls(page)
    page.get_by_test_id("lesson-select").select_option("slow-consumer")
    expect(page.get_by_test_id("lesson-step")).to_have_text(re.compile(r"step 1 / 6"), timeout=WAIT_MS)
    wait_stable(page)
    page.get_by_test_id("lesson-next").click()        # consumer-1 stalls for 15 s
    c1 = card(page, "consumer-1")
    expect(c1.get_by_test_id("consumer-app")).to_contain_text("blocked", timeout=WAIT_MS)
    expect(c1.get_by_test_id("consumer-app")).to_contain_text("max.poll.interval.ms 10.0 s")
    page.get_by_test_id("lesson-next").click()        # the poll timeout: LeaveGroup
    expect(c1.get_by_test_id("consumer-app")).to_contain_text("consumer poll timeout has expired", timeout=WAIT_MS)
    page.get_by_test_id("lesson-next").click()        # the late commit fails
    fail = c1.get_by_test_id("commit-failed")
    expect(fail).to_have_text("commit failed ×1: CommitFailedException", timeout=WAIT_MS)
    assert "kicked out of the group" in fail.get_attribute("title")
    return c1


def test_the_slow_consumer_lesson_shows_the_stall_the_leave_and_the_failed_commit(page, live_server, probe):
    c1 = _lesson_to_the_failed_commit(page)
    expect(c1.get_by_test_id("consumer-app")).to_be_hidden(timeout=WAIT_MS)      # back in its poll loop
    snap = live_server.live.full_snapshot()
    g1 = next(g for g in snap["groups"] if g["group_id"] == "g1")
    m1 = next(m for m in g1["members"] if m["member_id"] == "consumer-1")
    assert m1["commit_failures"] == 1 and g1["duplicates"] > 0
    page.screenshot(path=str(SCREENSHOTS / "slow-consumer-desktop.png"))
    probe.check_clean()


def test_the_failed_commit_reads_in_chinese_and_fits_on_a_phone(browser, live_server):
    context, probe = _probe(browser, live_server, PHONE)
    page = probe.open()
    unfold_controls(page)
    page.get_by_test_id("lang").select_option("zh")
    c1 = card(page, "consumer-1")
    unfold_controls(page)
    page.get_by_test_id("lesson-select").select_option("slow-consumer")
    wait_stable(page)
    page.get_by_test_id("lesson-next").click()
    expect(c1.get_by_test_id("consumer-app")).to_contain_text("还要阻塞", timeout=WAIT_MS)
    for _ in range(2):
        page.get_by_test_id("lesson-next").click()
    fail = c1.get_by_test_id("commit-failed")
    expect(fail).to_have_text("提交失败 ×1：CommitFailedException", timeout=WAIT_MS)
    box, cardbox = fail.bounding_box(), c1.bounding_box()
    assert box["x"] >= cardbox["x"] and box["x"] + box["width"] <= cardbox["x"] + cardbox["width"] + 1
    fail.scroll_into_view_if_needed()
    page.screenshot(path=str(SCREENSHOTS / "slow-consumer-phone-zh.png"))
    probe.check_clean()
    context.close()


def test_stall_and_slow_buttons_send_the_commands(page, live_server):
    wait_stable(page)
    c2 = card(page, "consumer-2")
    c2.get_by_test_id("consumer-more").click()      # the application's buttons are in the card's "⋯" menu
    c2.get_by_test_id("slow-consumer").click()
    expect(c2.get_by_test_id("consumer-app")).to_contain_text("50 ms", timeout=WAIT_MS)
    c2.get_by_test_id("consumer-more").click()
    c2.get_by_test_id("stall-consumer").click()
    expect(c2.get_by_test_id("consumer-app")).to_contain_text("blocked", timeout=WAIT_MS)
    snap = live_server.live.full_snapshot()
    m2 = next(m for m in snap["groups"][0]["members"] if m["member_id"] == "consumer-2")
    assert m2["processing_ms"] == 50 and m2["stalled_ms"] > 0


def test_kafka_details_show_the_commit_mode_and_the_failed_commit_and_change_the_mode(page, live_server):
    _lesson_to_the_failed_commit(page)
    page.get_by_test_id("kafka-view").click()
    expect(page.get_by_test_id("kafka-details")).to_be_visible()
    row = page.locator("[data-testid='group-row'][data-group-id='g1']")
    expect(row.get_by_test_id("overview-app-summary")).to_contain_text("1 failed commits", timeout=WAIT_MS)
    mode = row.get_by_test_id("overview-commit-mode")
    expect(mode).to_have_value("auto")
    mode.select_option("sync")
    expect(mode).to_have_value("sync")
    row.get_by_test_id("overview-listener-commits").check()
    for _ in range(50):
        g1 = live_server.live.full_snapshot()["groups"][0]
        if g1["commit_mode"] == "sync" and g1["rebalance_listener_commits"]:
            break
        page.wait_for_timeout(100)
    assert g1["commit_mode"] == "sync" and g1["rebalance_listener_commits"] is True
    assert g1["config"]["enable.auto.commit"] is False
    page.screenshot(path=str(SCREENSHOTS / "slow-consumer-kafka-details.png"))
