"""The page on --kafka mock: real consumers (one OS process each) as cards, their real assignment on the
partition cells, and a click on + add consumer reaching a real client. Screenshots at 1280x800 and 390x844."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from browser_helpers import DESKTOP, PHONE, SCREENSHOTS, _probe, card, cards, owners
from conftest import start_live_server
from groupviz.realkafka.backend import KafkaBackend

pytestmark = [pytest.mark.browser, pytest.mark.timeout(180)]
REAL_WAIT_MS = 40_000


@pytest.fixture(scope="module")
def real_server():
    backend = KafkaBackend("mock")
    server, stop = start_live_server(speed=1.0, ENGINE=backend)
    yield server
    stop()
    backend.close()


def _all_owned(page):
    expect(page.locator('[data-testid="partition"][data-owner=""]')).to_have_count(0, timeout=REAL_WAIT_MS)


def test_the_page_shows_real_members_and_assignments(browser, real_server):
    context, probe = _probe(browser, real_server, DESKTOP)
    try:
        page = probe.open()
        expect(cards(page)).to_have_count(3, timeout=REAL_WAIT_MS)
        _all_owned(page)
        snap = real_server.engine.snapshot(history=False)
        real = {p["partition"]: p["owner"] for p in snap["groups"][0]["partitions"]}
        assert {int(k): v for k, v in owners(page).items()} == real          # Kafka's assignment, on the page
        assert all(m["kafka_member_id"] for m in snap["groups"][0]["members"])
        page.get_by_test_id("add-consumer").click()
        expect(card(page, "consumer-4")).to_be_visible(timeout=REAL_WAIT_MS)
        expect(page.locator('[data-testid="partition"][data-owner="consumer-4"]').first).to_be_attached(
            timeout=REAL_WAIT_MS)
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "realkafka-desktop.png"))
        probe.check_clean()
    finally:
        context.close()
    context, probe = _probe(browser, real_server, PHONE)
    try:
        page = probe.open()
        _all_owned(page)
        page.screenshot(path=str(SCREENSHOTS / "realkafka-phone.png"), full_page=False)
    finally:
        context.close()
