"""Several topics on the page (issue 16): the topic panel shows every topic with its partitions and rate, the
lesson "range versus roundrobin across two topics" reads 4 against 2 off the consumer cards, a topic's
producer rate is set from the producer panel, and a share group says it reads only the first topic."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.timeout(120)]

from playwright.sync_api import expect  # noqa: E402

from browser_helpers import DESKTOP, PHONE, SCREENSHOTS, WAIT_MS, _probe, card, partitions  # noqa: E402

PROJECTOR = {"width": 1920, "height": 1080}


def _pick(page, gid):
    page.get_by_test_id("group-select").select_option(gid)
    expect(page.locator(".group-name")).to_have_text(gid)


def _chips(page, member_id):
    return card(page, member_id).locator(".chip[data-topic]")


def test_lesson_shows_range_four_against_two_and_roundrobin_three_and_three(probe, live_server):
    assert live_server.live.apply({"op": "lesson", "lesson": "two-topics", "step": 0})["ok"]
    page = probe.open()
    view = page.get_by_test_id("assignment-view")
    expect(view.get_by_test_id("topic-heading")).to_have_count(2)
    expect(view.locator('[data-testid="topic-heading"][data-topic="payments"]')).to_contain_text("3 partitions")
    expect(partitions(page)).to_have_count(6)
    _pick(page, "by-range")
    expect(_chips(page, "consumer-1")).to_have_count(4, timeout=WAIT_MS)
    expect(_chips(page, "consumer-2")).to_have_count(2)
    expect(_chips(page, "consumer-1")).to_have_text(["orders-0", "orders-1", "payments-0", "payments-1"])
    _pick(page, "by-roundrobin")
    expect(_chips(page, "consumer-3")).to_have_count(3, timeout=WAIT_MS)
    expect(_chips(page, "consumer-4")).to_have_count(3)


def test_a_topics_rate_is_set_from_the_producer_panel(probe, live_server):
    assert live_server.live.apply({"op": "reset", "scenario": "two-topics"})["ok"]
    page = probe.open()
    rate = page.locator('[data-testid="topic-rate"][data-topic="payments"]')
    expect(rate).to_have_value("30")
    rate.fill("12")
    rate.press("Enter")
    expect(page.locator('[data-testid="topic-heading"][data-topic="payments"]')).to_contain_text("12 records/s",
                                                                                                timeout=WAIT_MS)
    snap, _ = live_server.live.snapshot_and_log()
    assert snap["producer"]["topics"]["payments"]["rate"] == 12.0 and snap["producer"]["rate"] == 30.0


def test_a_share_group_says_it_reads_only_the_first_topic(probe, live_server):
    assert live_server.live.apply({"op": "reset", "scenario": "competition"})["ok"]
    assert live_server.live.apply({"op": "add_topic", "name": "payments", "partitions": 2, "rate": 5})["ok"]
    page = probe.open()
    _pick(page, "share")        # the competition scenario's share group ("queue" is random dispatch now)
    heading = page.locator('[data-testid="topic-heading"][data-topic="payments"]')
    expect(heading).to_contain_text("read only the first topic", timeout=WAIT_MS)
    expect(page.locator('[data-testid="partition"][data-topic="payments"].not-read')).to_have_count(2)


@pytest.mark.parametrize("name, viewport", [("desktop", DESKTOP), ("projector", PROJECTOR), ("phone", PHONE)])
def test_two_topics_screenshots(browser, live_server, name, viewport):
    context, probe = _probe(browser, live_server, viewport)
    try:
        assert live_server.live.apply({"op": "reset", "scenario": "two-topics"})["ok"]
        page = probe.open()
        expect(_chips(page, "consumer-1")).to_have_count(4, timeout=WAIT_MS)
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"two-topics-{name}.png"))
        probe.check_clean()
    finally:
        context.close()
