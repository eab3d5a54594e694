"""Measuring helpers for the layout tests (tests/test_browser_layout.py, tests/test_browser_labels.py):
a page at a given size, bounding boxes, overlaps, computed font sizes, screenshots."""

from __future__ import annotations

from contextlib import contextmanager

from playwright.sync_api import expect

from browser_helpers import SCREENSHOTS, WAIT_MS, PageProbe

OVERLAPS_JS = """(sel) => {
  const boxes = [...document.querySelectorAll(sel)].filter(n => n.offsetParent !== null)
    .map(n => [n.dataset.testid || n.className, n.getBoundingClientRect()]).filter(([, r]) => r.width > 0);
  const out = [];
  for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
    const [a, b] = [boxes[i][1], boxes[j][1]];
    if (a.left < b.right - 0.5 && b.left < a.right - 0.5 && a.top < b.bottom - 0.5 && b.top < a.bottom - 0.5)
      out.push(`${boxes[i][0]} × ${boxes[j][0]}`);
  }
  return out;
}"""

HEADER_PARTS = ".brand, .status > :not([hidden]), .controls > :not([hidden])"


def open_page(browser, live_server, viewport, query="", lang="en-US", **context):
    ctx = browser.new_context(viewport=viewport, locale=lang, **context)
    probe = PageProbe(ctx.new_page(), live_server.url)
    probe.page.goto(live_server.url + "/" + query)
    expect(probe.page.locator("body[data-ready='true']")).to_be_attached(timeout=WAIT_MS)
    return ctx, probe


@contextmanager
def layout_page(browser, live_server, viewport, query="", lang="en-US", **context):
    """open_page as a `with` block: yields the ready page; when the block ends without an error, checks that
    the page logged none (PageProbe.check_clean); closes the browser context in every case."""
    ctx, probe = open_page(browser, live_server, viewport, query, lang, **context)
    try:
        yield probe.page
        probe.check_clean()
    finally:
        ctx.close()


def shot(page, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"layout-{name}.png"))


def box(locator):
    b = locator.bounding_box()
    assert b is not None, f"{locator} has no box (not rendered)"
    return b


def inside(inner, outer, slack=0.5):
    return (inner["x"] >= outer["x"] - slack and inner["y"] >= outer["y"] - slack
            and inner["x"] + inner["width"] <= outer["x"] + outer["width"] + slack
            and inner["y"] + inner["height"] <= outer["y"] + outer["height"] + slack)


def grow(live_server, consumers=12, partitions_total=12):
    live = live_server.live
    for _ in range(consumers - 3):
        assert live.apply({"op": "add_consumer", "group_id": "g1"})["ok"]
    assert live.apply({"op": "add_partitions", "count": partitions_total - 6})["ok"]


def font_px(locator) -> float:
    return locator.evaluate("n => parseFloat(getComputedStyle(n).fontSize)")
