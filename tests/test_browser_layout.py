"""The page's layout in a real browser (issue 18): the board fits one screen with up to twelve consumers
and twelve partitions, the header's controls never overlap, projector mode reads from the back row and
the charts stay inside their panels. Labels and the small things: tests/test_browser_labels.py.
Every test measures bounding boxes or computed sizes; screenshots go to artifacts/screenshots/layout-*.png.
"""

from __future__ import annotations

import re

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.timeout(120)]

from playwright.sync_api import expect  # noqa: E402

from browser_helpers import WAIT_MS, cards, partitions, wait_stable  # noqa: E402
from layout_helpers import HEADER_PARTS, OVERLAPS_JS, box, font_px, grow, inside, layout_page, shot  # noqa: E402

# ---------------------------------------------------------------- 1. the board fits

@pytest.mark.parametrize("lesson", [False, True], ids=["free-play", "lesson-panel-open"])
def test_twelve_consumers_and_twelve_partitions_fit_1280x720_without_scrolling(browser, live_server, lesson):
    if lesson:
        assert live_server.live.apply({"op": "lesson", "lesson": "idle"})["ok"]
    grow(live_server)
    viewport = {"width": 1280, "height": 720}
    with layout_page(browser, live_server, viewport) as page:
        expect(cards(page)).to_have_count(12, timeout=WAIT_MS)
        expect(partitions(page)).to_have_count(12, timeout=WAIT_MS)
        if lesson:
            expect(page.get_by_test_id("lesson-narration")).not_to_be_empty(timeout=WAIT_MS)
        wait_stable(page)
        page.wait_for_timeout(800)     # the density settles a frame after the last card arrives
        screen = {"x": 0, "y": 0, **viewport}
        assert page.evaluate("document.documentElement.scrollHeight") <= viewport["height"]
        group_panel, topic_panel = box(page.locator(".panel.group")), box(page.locator(".panel.topic"))
        for i in range(12):
            c, p = box(cards(page).nth(i)), box(partitions(page).nth(i))
            assert inside(c, screen) and inside(c, group_panel), f"consumer card {i} is cut off: {c}"
            assert inside(p, screen) and inside(p, topic_panel), f"partition {i} is cut off: {p}"
            kill = box(cards(page).nth(i).get_by_test_id("kill-consumer"))
            assert kill["width"] >= 16 and kill["height"] >= 16 and inside(kill, c)
        # what the cards and cells still say at that density: owner, partitions, lag
        for i in range(12):
            owner = partitions(page).nth(i).locator(".p-owner")
            assert owner.evaluate("n => n.scrollWidth <= n.clientWidth + 1"), "an owner's name is cut short"
            name = cards(page).nth(i).locator(".c-name")
            assert name.evaluate("n => n.scrollWidth <= n.clientWidth + 1"), "a consumer's name is cut short"
        # the rebalance list and the event log keep a useful height
        for sel in ('[data-testid="rebalance-timeline"]', '[data-testid="event-log"]'):
            h = box(page.locator(sel))["height"]
            assert h >= (60 if lesson else 80), f"{sel} is only {h}px high"
        densities = page.evaluate("[document.querySelector('.cards').dataset.density, "
                                  "document.querySelector('.pgrid').dataset.density]")
        print("1280x720", "lesson" if lesson else "free play", "densities", densities)
        shot(page, f"12x12-1280x720{'-lesson' if lesson else ''}")


def test_three_consumers_keep_full_size_cards(browser, live_server):
    with layout_page(browser, live_server, {"width": 1280, "height": 800}) as page:
        expect(cards(page)).to_have_count(3, timeout=WAIT_MS)
        wait_stable(page)
        # once the first rebalance's phase labels are gone, within the two seconds fit.js waits
        expect(page.get_by_test_id("consumers")).to_have_attribute("data-density", re.compile("^(|snug)$"),
                                                                  timeout=WAIT_MS)
        expect(cards(page).first.get_by_test_id("consumer-rate")).to_be_visible()   # every field on the card
        assert page.get_by_test_id("assignment-view").get_attribute("data-density") == ""


@pytest.mark.parametrize("width", [1024, 1280, 1920])
@pytest.mark.parametrize("scenario", ["default", "three-protocols", "flink"])
def test_header_controls_never_overlap(browser, live_server, width, scenario):
    assert live_server.live.apply({"op": "reset", "scenario": scenario})["ok"]
    with layout_page(browser, live_server, {"width": width, "height": 800}) as page:
        for lang in ("en", "zh"):
            page.get_by_test_id("lang").select_option(lang)
            for paused in (False, True):
                live_server.live.apply({"op": "pause" if paused else "resume"})
                expect(page.get_by_test_id("paused-badge")).to_be_visible(visible=paused, timeout=WAIT_MS)
                page.wait_for_timeout(200)
                assert page.evaluate(OVERLAPS_JS, HEADER_PARTS) == [], (lang, paused)
                assert page.evaluate(OVERLAPS_JS, ".controls > :not([hidden])") == []
                height = box(page.locator(".topbar"))["height"]
                print(width, scenario, lang, "paused" if paused else "running", "header", height, "px")
                if width >= 1280:
                    assert height < 60, "at 1280 and wider the header stays one line"
        shot(page, f"header-{scenario}-{width}")


# ---------------------------------------------------------------- 3. charts inside their panels

@pytest.mark.parametrize("query", ["", "?projector=1"])
def test_charts_stay_inside_their_panels_in_a_tall_window(browser, live_server, query):
    with layout_page(browser, live_server, {"width": 1280, "height": 1400}, query) as page:
        expect(page.get_by_test_id("lag-chart").locator(".main-svg").first).to_be_attached(timeout=WAIT_MS)
        page.wait_for_timeout(600)

        def check(what):
            for fig in page.locator("figure.chart").all():
                panel, svg = box(fig), box(fig.locator(".main-svg").first)
                assert inside(svg, panel, slack=1), f"{what}: the chart {svg} hangs out of its panel {panel}"

        check("1280x1400")
        # the rows change without a window resize: a lesson panel opens above the board
        assert live_server.live.apply({"op": "lesson", "lesson": "crash-vs-leave"})["ok"]
        expect(page.get_by_test_id("lesson")).to_be_visible(timeout=WAIT_MS)
        page.wait_for_timeout(800)
        check("1280x1400 with the lesson panel")
        page.set_viewport_size({"width": 1280, "height": 800})
        page.wait_for_timeout(800)
        check("shrunk to 1280x800")
        page.set_viewport_size({"width": 1280, "height": 1600})
        page.wait_for_timeout(800)
        check("grown to 1280x1600")
        shot(page, f"tall-1280x1600{query.replace('?', '-').replace('=1', '')}")


# ---------------------------------------------------------------- 2. projector mode for the back row

STORY_NUMBERS = {   # what carries the story, where the back row reads it
    "partition number": '[data-testid="partition"] .p-label',
    "partition owner": '[data-testid="partition"] .p-owner',
    "partition lag": '[data-testid="partition"] .p-row.lag .num',
    "consumer name": '[data-testid="consumer"] .c-name',
    "consumer partitions": '[data-testid="consumer"] .chip',
    "consumer lag": '[data-testid="consumer"] .c-stat:nth-child(2) .v',
    "consumer state": '[data-testid="consumer"] .c-state',
    "group state": '[data-testid="group-state"]',
    "generation": '[data-testid="generation"]',
}

FILLED_JS = """(panel) => {
  const top = panel.getBoundingClientRect().top, h = panel.getBoundingClientRect().height;
  let bottom = top;
  for (const n of panel.querySelectorAll('*')) {
    if (n.offsetParent === null) continue;
    const r = n.getBoundingClientRect();
    if (r.height > 0) bottom = Math.max(bottom, Math.min(r.bottom, top + h));
  }
  return (bottom - top) / h;
}"""


def test_projector_mode_at_1920x1080_reads_from_the_back_row(browser, live_server):
    with layout_page(browser, live_server, {"width": 1920, "height": 1080}, "?projector=1") as page:
        expect(page.locator("body.projector")).to_be_attached()
        wait_stable(page)
        page.wait_for_timeout(1200)
        for what, sel in STORY_NUMBERS.items():
            node = page.locator(sel).first
            expect(node).to_be_visible()
            size = font_px(node)
            print(f"projector 1920x1080 {what}: {size:.1f}px")
            assert size >= 28, f"{what} is {size}px"
            # and it is shown whole, not cut short
            assert node.evaluate("n => n.scrollWidth <= n.clientWidth + 1 || getComputedStyle(n).display === 'inline'"), what
        for chart in ("lag-chart", "throughput-chart"):
            svg = page.get_by_test_id(chart)
            # one read of the chart as drawn now (Plotly redraws ten times a second: reading node by node can
            # meet a node the redraw has just replaced, whose size is NaN)
            sizes = svg.evaluate("""el => Object.fromEntries([["ticks", ".xtick text, .ytick text"],
                ["legend", ".legendtext"], ["bands", ".annotation-text"]].map(([k, sel]) => [k,
                [...el.querySelectorAll(sel)].filter(n => n.isConnected && n.textContent.trim())
                  .map(n => parseFloat(getComputedStyle(n).fontSize))]))""")
            ticks, legend, bands = sizes["ticks"], sizes["legend"], sizes["bands"]
            print(f"projector 1920x1080 {chart}: ticks {min(ticks)}px, legend {min(legend)}px, "
                  f"band labels {min(bands) if bands else '-'}px, height {box(svg)['height']:.0f}px")
            assert ticks and min(ticks) >= 18 and legend and min(legend) >= 18
            assert bands and min(bands) >= 16, "the first rebalance's band carries a label"
            assert box(svg)["height"] >= 240, "the charts get the room the board does not need (they had 170px)"
        for panel in (".panel.producer", ".panel.topic", ".panel.group", "figure.chart"):
            filled = page.locator(panel).first.evaluate(FILLED_JS)
            print(f"projector 1920x1080 {panel} filled {filled:.0%}")
            assert filled >= 0.5, f"{panel} is more than half empty ({filled:.0%} used)"
        assert page.evaluate(OVERLAPS_JS, HEADER_PARTS) == []
        assert page.evaluate("document.documentElement.scrollHeight") <= 1080
        shot(page, "projector-1920x1080")
