"""The rolling-restart lesson (issue 16) read off the page: a dynamic bounce moves the generation by two,
a static member's bounce inside session.timeout.ms leaves it where it was, and the cards say what
happens (restarting, the group.instance.id); screenshots in artifacts/screenshots/."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.timeout(120)]

from playwright.sync_api import expect  # noqa: E402

from browser_helpers import DESKTOP, PHONE, SCREENSHOTS, WAIT_MS, _probe, card, wait_stable  # noqa: E402


def generation(page) -> int:
    return int(page.get_by_test_id("generation").inner_text())


def next_step(page, n: int, of: int = 5):
    page.get_by_test_id("lesson-next").click()
    expect(page.get_by_test_id("lesson-step")).to_have_text(f"step {n} / {of}", timeout=WAIT_MS)


def test_rolling_restart_lesson_shows_no_rebalance_for_a_static_bounce(page, live_server):
    page.get_by_test_id("lesson-select").select_option("rolling-restart")
    expect(page.get_by_test_id("lesson-step")).to_have_text("step 1 / 5", timeout=WAIT_MS)
    wait_stable(page)
    g0 = generation(page)

    next_step(page, 2)                              # dynamic bounce: LeaveGroup, then a new member
    expect(card(page, "consumer-1")).to_have_attribute("data-state", "restarting", timeout=WAIT_MS)
    expect(page.get_by_test_id("generation")).to_have_text(str(g0 + 2), timeout=WAIT_MS * 2)
    wait_stable(page)

    next_step(page, 3)                              # a static member joins: one rebalance
    note = card(page, "consumer-4").get_by_test_id("consumer-note")
    tag = card(page, "consumer-4").get_by_test_id("consumer-instance-id")
    expect(tag).to_have_text("app-4", timeout=WAIT_MS)
    expect(card(page, "consumer-1").get_by_test_id("consumer-instance-id")).to_be_hidden()
    expect(page.get_by_test_id("generation")).to_have_text(str(g0 + 3), timeout=WAIT_MS * 2)
    wait_stable(page)

    next_step(page, 4)                              # static bounce inside the session timeout
    expect(card(page, "consumer-4")).to_have_attribute("data-state", "restarting", timeout=WAIT_MS)
    expect(note).to_have_text("restarting: process down")
    page.set_viewport_size(DESKTOP)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "rolling-restart-static-bounce-1280x800.png"))
    expect(card(page, "consumer-4")).to_have_attribute("data-state", "active", timeout=WAIT_MS * 2)
    expect(note).to_be_hidden(timeout=WAIT_MS)
    expect(tag).to_have_text("app-4")
    assert generation(page) == g0 + 3              # the claim: no rebalance, the generation stays
    page.set_viewport_size(PHONE)
    page.screenshot(path=str(SCREENSHOTS / "rolling-restart-static-bounce-390x844.png"), full_page=True)


def test_a_zombie_says_so_on_its_card_and_in_kafka_details_in_both_languages(page, live_server):
    wait_stable(page)
    assert live_server.live.apply({"op": "partition_consumer", "member_id": "consumer-1", "ms": 14000})["ok"]
    note = card(page, "consumer-1").get_by_test_id("consumer-note")
    expect(note).to_have_text("cut off from the coordinator: heartbeats lost", timeout=WAIT_MS)
    expect(note).to_contain_text("zombie: expelled, still processing", timeout=WAIT_MS * 2)
    page.set_viewport_size(DESKTOP)
    page.screenshot(path=str(SCREENSHOTS / "zombie-card-1280x800.png"))
    page.get_by_test_id("lang").select_option("zh")
    expect(note).to_contain_text("僵尸：已被移出组，仍在处理", timeout=WAIT_MS)
    page.get_by_test_id("kafka-view").click()
    row = page.locator('[data-testid="group-row"][data-group-id="g1"]')
    expect(row.locator(".kz-dupcell")).to_contain_text("僵尸", timeout=WAIT_MS)
    page.screenshot(path=str(SCREENSHOTS / "zombie-kafka-details-zh-1280x800.png"))
    page.get_by_test_id("lang").select_option("en")
    expect(row.locator(".kz-dupcell")).to_contain_text("zombies")
    # healed: it rejoins as a new member and the card is plain again
    expect(note).to_be_hidden(timeout=WAIT_MS * 3)


def test_projector_shows_the_static_member_restarting_in_the_rolling_restart_lesson(browser, live_server):
    context, probe = _probe(browser, live_server, {"width": 1920, "height": 1080})
    try:
        page = probe.open()
        page.get_by_test_id("projector").click()
        expect(page.locator("body.projector")).to_be_attached()
        page.get_by_test_id("lesson-select").select_option("rolling-restart")
        expect(page.get_by_test_id("lesson-step")).to_have_text("step 1 / 5", timeout=WAIT_MS)
        wait_stable(page)
        for n in (2, 3):
            next_step(page, n)
            wait_stable(page)
        # the 3 s bounce is 0.75 s of wall time at the test server's 4x speed: pause the simulation, so the
        # restart step's state is on screen however slow the machine is
        assert live_server.live.apply({"op": "pause"})["ok"]
        next_step(page, 4)
        expect(card(page, "consumer-4")).to_have_attribute("data-state", "restarting", timeout=WAIT_MS)
        expect(card(page, "consumer-4").get_by_test_id("consumer-instance-id")).to_be_visible()
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "rolling-restart-projector-1920x1080.png"))
        page.keyboard.press("p")            # the choice is remembered on this machine: leave it off
        expect(page.locator("body.projector")).not_to_be_attached()
    finally:
        context.close()
