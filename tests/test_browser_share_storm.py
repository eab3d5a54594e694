"""The "redelivery storm" lesson (issue 16) in a real browser: its numbers read off the share group's
in-flight panel, equal to the engine's, with the lesson's claims (late acknowledgements pile up, records are
archived; after the fix no more locks run out); screenshots at three sizes, en and zh."""

from __future__ import annotations

from contextlib import contextmanager

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.timeout(180)]

from playwright.sync_api import expect  # noqa: E402

from browser_helpers import DESKTOP, PHONE, SCREENSHOTS, WAIT_MS, _probe, unfold_controls  # noqa: E402
from conftest import start_live_server  # noqa: E402

PROJECTOR = {"width": 1920, "height": 1080}


@pytest.fixture
def storm_server():
    server, stop = start_live_server(SCENARIO="default")
    yield server
    stop()


@contextmanager
def _session(browser, server, viewport, query=""):
    context, probe = _probe(browser, server, viewport)
    page = probe.page
    try:
        page.goto(server.url + "/" + query)
        expect(page.locator("body[data-ready='true']")).to_be_attached(timeout=WAIT_MS)
        unfold_controls(page)               # a phone folds the class bar (language, lesson) away (issue 18)
        yield page
        probe.check_clean()
    finally:
        context.close()


def _queue(live) -> dict:
    return next(g for g in live.engine.snapshot(history=False)["groups"] if g["group_id"] == "queue")


def _count(page, name) -> int:
    """A count of the in-flight panel (data-testid sif-<name>), as the page shows it."""
    dd = page.get_by_test_id(f"sif-{name}").locator("dd")
    return int(dd.text_content().replace(",", "").replace("\u202f", "").replace(" ", ""))


def _to_step(page, live, step, waits):
    """The share-storm lesson at `step` (1-based on the page), the engine stepped exactly by `waits`."""
    live.apply({"op": "pause"})
    unfold_controls(page)
    page.get_by_test_id("lesson-select").select_option("share-storm")
    expect(page.get_by_test_id("lesson-step")).to_contain_text("1 / 4", timeout=WAIT_MS)
    for k in range(1, step):
        live.apply({"op": "step", "ms": waits[k - 1]})
        page.get_by_test_id("lesson-next").click()
        expect(page.get_by_test_id("lesson-step")).to_contain_text(f"{k + 1} / 4", timeout=WAIT_MS)
    page.get_by_test_id("group-select").select_option("queue")
    expect(page.get_by_test_id("share-inflight")).to_be_visible(timeout=WAIT_MS)


def test_the_storm_and_its_fix_are_read_off_the_page(browser, storm_server):
    live = storm_server.live
    with _session(browser, storm_server, DESKTOP) as page:
        _to_step(page, live, 2, [10_000])
        live.apply({"op": "step", "ms": 40_000})
        q = _queue(live)
        expect(page.get_by_test_id("sif-late").locator("dd")).not_to_have_text("0", timeout=WAIT_MS)
        expect(page.get_by_test_id("sif-archived").locator("dd")).to_have_text(f"{q['archived']:,}", timeout=WAIT_MS)
        late, archived = _count(page, "late"), _count(page, "archived")
        # the storm's numbers on the page are the engine's: acknowledgements refused, records archived, none accepted
        assert late == q["late_acks"] > 1000 and archived == q["archived"] > 0 and q["acks"]["accept"] == 0
        assert page.get_by_test_id("share-max-poll").input_value() == "100"
        page.screenshot(path=str(SCREENSHOTS / "lesson-share-storm.png"))
        page.get_by_test_id("lesson-next").click()                       # the fix: max.poll.records = 20
        expect(page.get_by_test_id("lesson-step")).to_contain_text("3 / 4", timeout=WAIT_MS)
        live.apply({"op": "step", "ms": 10_000})
        expect(page.get_by_test_id("share-max-poll")).to_have_value("20", timeout=WAIT_MS)
        settled = _queue(live)["lock_timeouts"]
        live.apply({"op": "step", "ms": 20_000})
        q = _queue(live)
        expect(page.get_by_test_id("sif-timeouts").locator("dd")).to_have_text(f"{settled:,}", timeout=WAIT_MS)
        assert q["lock_timeouts"] == settled and q["acks"]["accept"] > 0   # no more timeouts; records accepted
        page.screenshot(path=str(SCREENSHOTS / "lesson-share-storm-fixed.png"))


@pytest.mark.parametrize("name, viewport, query", [("desktop", DESKTOP, ""), ("projector", PROJECTOR, "?projector=1"),
                                                   ("phone", PHONE, "")])
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_share_storm_screenshots(browser, storm_server, name, viewport, query, lang):
    live = storm_server.live
    with _session(browser, storm_server, viewport, query) as page:
        if lang == "zh":
            unfold_controls(page)
            page.get_by_test_id("lang").select_option("zh")
        _to_step(page, live, 2, [10_000])
        live.apply({"op": "step", "ms": 30_000})
        expect(page.get_by_test_id("sif-late").locator("dd")).not_to_have_text("0", timeout=WAIT_MS)
        page.screenshot(path=str(SCREENSHOTS / f"lesson-share-storm-{lang}-{name}.png"), full_page=True)
