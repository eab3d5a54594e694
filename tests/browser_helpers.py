"""Browser-test helpers shared by every tests/test_browser*.py: Debian's chromium through
Playwright, a PageProbe that records outside requests and console errors, locators.

Fixtures `browser` (per module), `probe` and `page` are registered in conftest.py.
"""

from __future__ import annotations

import os
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect, sync_playwright

CHROMIUM = os.environ.get("GROUPVIZ_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update"]
SCREENSHOTS = Path(__file__).resolve().parent.parent / "artifacts" / "screenshots"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
WAIT_MS = 15_000


def to_fixed(x: float, digits: int = 1) -> str:
    """What JavaScript's x.toFixed(digits) prints: the float's exact value, rounded half up. Python's
    format and round() take an exact tie to the even digit instead (1.25 -> "1.2", toFixed: "1.3")."""
    return str(Decimal(x).quantize(Decimal(1).scaleb(-digits), ROUND_HALF_UP))


@pytest.fixture(scope="module")
def browser():
    # `make test` installs Debian's chromium; a missing browser is a failure, never a silent skip.
    assert os.path.exists(CHROMIUM), f"no chromium at {CHROMIUM}: run `make test` (it installs it) or apt-get install chromium"
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


class PageProbe:
    """A page plus what it did: every request URL, console errors, uncaught exceptions."""

    def __init__(self, page: Page, base_url: str):
        self.page = page
        self.base_url = base_url
        self.requests: list[str] = []
        self.errors: list[str] = []
        page.on("request", lambda r: self.requests.append(r.url))
        page.on("console", lambda m: self.errors.append(f"console.{m.type}: {m.text}") if m.type == "error" else None)
        page.on("pageerror", lambda e: self.errors.append(f"pageerror: {e}"))

    def open(self):
        self.page.goto(self.base_url + "/")
        expect(self.page.locator("body[data-ready='true']")).to_be_attached(timeout=WAIT_MS)
        return self.page

    def check_clean(self):
        outside = [u for u in self.requests if not (u.startswith(self.base_url + "/") or u == self.base_url)]
        assert outside == [], f"the page loaded URLs from outside the app: {outside}"
        assert self.errors == [], f"the page logged errors: {self.errors}"


def _probe(browser, live_server, viewport):
    context = browser.new_context(viewport=viewport, locale="en-US")
    probe = PageProbe(context.new_page(), live_server.url)
    return context, probe


@pytest.fixture
def probe(browser, live_server):
    context, p = _probe(browser, live_server, DESKTOP)
    yield p
    try:
        p.check_clean()
    finally:
        context.close()


@pytest.fixture
def page(probe) -> Page:
    return probe.open()


def cards(page: Page):
    return page.get_by_test_id("consumer")


def card(page: Page, member_id: str):
    return page.locator(f'[data-testid="consumer"][data-member-id="{member_id}"]')


def partitions(page: Page):
    return page.get_by_test_id("assignment-view").get_by_test_id("partition")


def owners(page: Page) -> dict[int, str]:
    return page.eval_on_selector_all(
        '[data-testid="partition"]',
        "cells => Object.fromEntries(cells.map(c => [c.dataset.partition, c.dataset.owner]))",
    )


def wait_stable(page: Page):
    expect(page.get_by_test_id("group-state")).to_have_text("Stable", timeout=WAIT_MS)


def wait_all_owned(page: Page):
    expect(page.locator('[data-testid="partition"][data-owner=""]')).to_have_count(0, timeout=WAIT_MS)




def unfold_controls(page: Page) -> None:
    """On a phone the header folds speed, seed, language and the lesson bar behind "☰ Controls" (issue 18):
    open it before using them; on wider screens there is nothing to do."""
    toggle = page.get_by_test_id("controls-toggle")
    if toggle.is_visible() and toggle.get_attribute("aria-expanded") == "false":
        toggle.click()
