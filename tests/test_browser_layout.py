"""The page's layout in a real browser (issue 18): the board fits one screen with up to twelve consumers
and twelve partitions, the header's controls never overlap, projector mode reads from the back row,
labels never collide, the charts stay inside their panels, and the small things (PAUSED, Space,
singular and plural, cards that keep their place, the phone's board first). Every test measures
bounding boxes or computed sizes; the screenshots go to artifacts/screenshots/layout-*.png.
"""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.timeout(120)]

from playwright.sync_api import expect  # noqa: E402

from browser_helpers import SCREENSHOTS, WAIT_MS, PageProbe, card, cards, partitions, wait_stable  # noqa: E402

# ---------------------------------------------------------------- helpers

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


# ---------------------------------------------------------------- 1. the board fits

@pytest.mark.parametrize("lesson", [False, True], ids=["free-play", "lesson-panel-open"])
def test_twelve_consumers_and_twelve_partitions_fit_1280x720_without_scrolling(browser, live_server, lesson):
    if lesson:
        assert live_server.live.apply({"op": "lesson", "lesson": "idle"})["ok"]
    grow(live_server)
    viewport = {"width": 1280, "height": 720}
    ctx, probe = open_page(browser, live_server, viewport)
    try:
        page = probe.page
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
        probe.check_clean()
    finally:
        ctx.close()


def test_three_consumers_keep_full_size_cards(browser, live_server):
    ctx, probe = open_page(browser, live_server, {"width": 1280, "height": 800})
    try:
        page = probe.page
        expect(cards(page)).to_have_count(3, timeout=WAIT_MS)
        page.wait_for_timeout(500)
        assert page.get_by_test_id("consumers").get_attribute("data-density") in ("", "snug")
        expect(cards(page).first.get_by_test_id("consumer-rate")).to_be_visible()   # every field on the card
        assert page.get_by_test_id("assignment-view").get_attribute("data-density") == ""
        probe.check_clean()
    finally:
        ctx.close()


@pytest.mark.parametrize("width", [1024, 1280, 1920])
@pytest.mark.parametrize("scenario", ["default", "three-protocols"])
def test_header_controls_never_overlap(browser, live_server, width, scenario):
    assert live_server.live.apply({"op": "reset", "scenario": scenario})["ok"]
    ctx, probe = open_page(browser, live_server, {"width": width, "height": 800})
    try:
        page = probe.page
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
        probe.check_clean()
    finally:
        ctx.close()


# ---------------------------------------------------------------- 3. charts inside their panels

@pytest.mark.parametrize("query", ["", "?projector=1"])
def test_charts_stay_inside_their_panels_in_a_tall_window(browser, live_server, query):
    ctx, probe = open_page(browser, live_server, {"width": 1280, "height": 1400}, query)
    try:
        page = probe.page
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
        probe.check_clean()
    finally:
        ctx.close()


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
    ctx, probe = open_page(browser, live_server, {"width": 1920, "height": 1080}, "?projector=1")
    try:
        page = probe.page
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
            ticks = [font_px(n) for n in svg.locator(".xtick text, .ytick text").all()]
            legend = [font_px(n) for n in svg.locator(".legendtext").all()]
            bands = [font_px(n) for n in svg.locator(".annotation-text").all()]
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
        probe.check_clean()
    finally:
        ctx.close()


# ---------------------------------------------------------------- 4. labels never collide

LABEL_BOXES_JS = """(sel) => [...document.querySelectorAll(sel)].map(n => {
  const r = n.getBoundingClientRect(); return {text: n.textContent, x: r.x, y: r.y, width: r.width, height: r.height};
}).filter(b => b.width > 0)"""


def crowded_rebalances(live):
    """Four rebalances in 24 simulated seconds, two of them 50 ms apart, one with a crashed member."""
    def ok(cmd):
        assert live.apply(cmd)["ok"], cmd
    ok({"op": "pause"})
    ok({"op": "step", "ms": 8000})
    for cmd in ({"op": "add_consumer"}, {"op": "add_consumer"}, {"op": "kill_consumer", "member_id": "consumer-2"},
                {"op": "add_consumer"}):
        ok(cmd)
        ok({"op": "step", "ms": 1500})
    ok({"op": "step", "ms": 8000})
    ok({"op": "stop_consumer", "member_id": "consumer-3"})
    ok({"op": "step", "ms": 3000})
    return [r["generation"] for r in live.full_snapshot()["groups"][0]["rebalances"]]


def overlapping(boxes):
    return [(a["text"], b["text"]) for i, a in enumerate(boxes) for b in boxes[i + 1:]
            if a["x"] < b["x"] + b["width"] - 0.5 and b["x"] < a["x"] + a["width"] - 0.5
            and a["y"] < b["y"] + b["height"] - 0.5 and b["y"] < a["y"] + a["height"] - 0.5]


@pytest.mark.parametrize("viewport,query", [({"width": 1280, "height": 800}, ""), ({"width": 390, "height": 844}, ""),
                                            ({"width": 1920, "height": 1080}, "?projector=1")],
                         ids=["desktop", "phone", "projector"])
def test_band_labels_never_collide_and_every_band_keeps_one(browser, live_server, viewport, query):
    generations = crowded_rebalances(live_server.live)
    assert len(generations) >= 4
    ctx, probe = open_page(browser, live_server, viewport, query)
    try:
        page = probe.page
        chart = page.get_by_test_id("lag-chart")
        chart.scroll_into_view_if_needed()
        expect(chart.locator(".annotation")).to_have_count(len(generations), timeout=WAIT_MS)
        # the labels are placed again once a drawing knows the plot's real size (within a second or two)
        for _ in range(30):
            if all(overlapping(page.evaluate(LABEL_BOXES_JS, f'[data-testid="{c}"] .annotation .bg')) == []
                   for c in ("lag-chart", "throughput-chart")):
                break
            page.wait_for_timeout(100)
        for testid in ("lag-chart", "throughput-chart"):
            labels = page.evaluate(LABEL_BOXES_JS, f'[data-testid="{testid}"] .annotation .bg')
            texts = page.evaluate(LABEL_BOXES_JS, f'[data-testid="{testid}"] .annotation-text')
            print(viewport["width"], testid, [t["text"] for t in texts])
            assert len(labels) == len(generations), "every rebalance band keeps a label"
            for g in generations:
                assert any(t["text"].startswith(f"gen {g}") for t in texts), f"gen {g} lost its label"
            assert overlapping(labels) == [], f"band labels overlap: {labels}"
            plot = box(page.get_by_test_id(testid).locator(".nsewdrag").first)
            for b in labels:
                assert plot["x"] - 1 <= b["x"] and b["x"] + b["width"] <= plot["x"] + plot["width"] + 1, b
        # a shortened label keeps its whole text on hover
        shortened = chart.locator(".annotation-text").filter(has_text="·")
        assert shortened.count() + chart.locator(".annotation-text").count() >= len(generations)
        shot(page, f"bands-{viewport['width']}x{viewport['height']}")
        probe.check_clean()
    finally:
        ctx.close()


def test_rebalance_timeline_axis_labels_do_not_overlap_on_a_phone(browser, live_server):
    live = live_server.live
    assert live.apply({"op": "pause"})["ok"]
    assert live.apply({"op": "step", "ms": 200_000})["ok"]     # three-digit labels: "110 s"
    ctx, probe = open_page(browser, live_server, {"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    try:
        page = probe.page
        axis = page.locator(".kz-axis .kz-tick")
        expect(axis.first).to_be_attached(timeout=WAIT_MS)
        page.get_by_test_id("rebalance-gantt").scroll_into_view_if_needed()
        page.wait_for_timeout(500)
        ticks = page.evaluate(LABEL_BOXES_JS, ".kz-axis .kz-tick")
        print("phone gantt ticks", [t["text"] for t in ticks])
        assert len(ticks) >= 3
        gaps = [b["x"] - (a["x"] + a["width"]) for a, b in zip(ticks, ticks[1:])]
        assert min(gaps) >= 6, f"axis labels touch or overlap: {ticks}"
        track = box(page.locator(".kz-axis .kz-track"))
        assert all(track["x"] - 2 <= t["x"] and t["x"] + t["width"] <= track["x"] + track["width"] + 24 for t in ticks)
        probe.check_clean()
    finally:
        ctx.close()


# ---------------------------------------------------------------- 5. the small things

@pytest.mark.parametrize("lang,word", [("en", "PAUSED"), ("zh", "已暂停")])
def test_paused_badge_is_big_in_the_header_and_leaves_the_bar_one_line(browser, live_server, lang, word):
    ctx, probe = open_page(browser, live_server, {"width": 1280, "height": 800}, f"?lang={lang}")
    try:
        page = probe.page
        badge = page.get_by_test_id("paused-badge")
        expect(badge).to_be_hidden()
        height = box(page.locator(".topbar"))["height"]
        page.get_by_test_id("pause").click()
        expect(badge).to_be_visible(timeout=WAIT_MS)
        expect(badge).to_have_text(word)
        assert font_px(badge) >= 17 and box(badge)["height"] >= 24
        assert inside(box(badge), box(page.locator(".topbar")))
        assert abs(box(page.locator(".topbar"))["height"] - height) < 1, "nothing moves when the clock stops"
        assert page.evaluate(OVERLAPS_JS, HEADER_PARTS) == []
        shot(page, f"paused-{lang}")
        page.get_by_test_id("resume").click()
        expect(badge).to_be_hidden(timeout=WAIT_MS)
        probe.check_clean()
    finally:
        ctx.close()


def test_space_runs_and_pauses_whatever_was_clicked_last(browser, live_server):
    ctx, probe = open_page(browser, live_server, {"width": 1280, "height": 800})
    try:
        page = probe.page
        wait_stable(page)
        page.get_by_test_id("pause").click()
        expect(page.get_by_test_id("paused-badge")).to_be_visible(timeout=WAIT_MS)
        sim_time = page.get_by_test_id("sim-time")
        page.get_by_test_id("step").click()                 # the mouse leaves Step focused
        expect(sim_time).not_to_have_text("", timeout=WAIT_MS)
        page.wait_for_timeout(300)
        stepped = sim_time.inner_text()
        page.keyboard.press(" ")                            # runs: does not step again
        expect(page.get_by_test_id("paused-badge")).to_be_hidden(timeout=WAIT_MS)
        expect(page.locator("body[data-running='true']")).to_be_attached()
        page.keyboard.press(" ")
        expect(page.get_by_test_id("paused-badge")).to_be_visible(timeout=WAIT_MS)
        assert sim_time.inner_text() != stepped
        card(page, "consumer-1").get_by_test_id("pause-consumer").click()   # a card's button, clicked
        expect(card(page, "consumer-1")).to_have_attribute("data-state", "paused", timeout=WAIT_MS)
        page.keyboard.press(" ")
        expect(page.get_by_test_id("paused-badge")).to_be_hidden(timeout=WAIT_MS)
        page.wait_for_timeout(300)
        expect(card(page, "consumer-1")).to_have_attribute("data-state", "paused")   # not resumed by Space
        probe.check_clean()
    finally:
        ctx.close()


@pytest.mark.parametrize("lang,one,many", [("en", "1 partition", "2 partitions"), ("zh", "1 个分区", "2 个分区")])
def test_the_topic_counts_its_partitions_in_singular_and_plural(browser, live_server, lang, one, many):
    assert live_server.live.apply({"op": "reset", "scenario": "seed-demo"})["ok"]
    ctx, probe = open_page(browser, live_server, {"width": 1280, "height": 800}, f"?lang={lang}")
    try:
        page = probe.page
        count = page.locator(".topic-count")
        expect(count).to_have_text(one, timeout=WAIT_MS)
        assert live_server.live.apply({"op": "add_partitions", "count": 1})["ok"]
        expect(count).to_have_text(many, timeout=WAIT_MS)
        probe.check_clean()
    finally:
        ctx.close()


def test_after_a_kill_the_cards_keep_their_place_under_the_pointer(browser, live_server):
    assert live_server.live.apply({"op": "add_consumer"})["ok"]
    ctx, probe = open_page(browser, live_server, {"width": 1280, "height": 800})
    try:
        page = probe.page
        expect(cards(page)).to_have_count(4, timeout=WAIT_MS)
        wait_stable(page)
        page.wait_for_timeout(500)
        before = {i: box(card(page, f"consumer-{i}")) for i in (3, 4)}
        card(page, "consumer-2").get_by_test_id("kill-consumer").click()      # the pointer stays there
        expect(card(page, "consumer-2")).to_have_count(0, timeout=WAIT_MS)   # expelled after session.timeout.ms
        ghost = page.locator('[data-testid="consumer-gone"][data-member-id="consumer-2"]')
        expect(ghost).to_be_visible()
        expect(ghost.get_by_test_id("consumer-note")).to_contain_text("left the group")
        wait_stable(page)
        page.wait_for_timeout(500)
        shot(page, "kill-keeps-place")
        for i, b in before.items():
            now = box(card(page, f"consumer-{i}"))
            assert (now["x"], now["y"]) == (b["x"], b["y"]), f"consumer-{i} moved under the pointer"
        shot(page, "kill-keeps-place")
        page.mouse.move(5, 5)                    # the pointer leaves: the place is given up
        expect(ghost).to_have_count(0, timeout=WAIT_MS)
        expect(cards(page)).to_have_count(3)
        probe.check_clean()
    finally:
        ctx.close()


def test_a_presenter_phone_shows_the_board_first_and_folds_the_controls(browser, live_server):
    ctx, probe = open_page(browser, live_server, {"width": 390, "height": 844}, is_mobile=True, has_touch=True,
                           device_scale_factor=2)
    try:
        page = probe.page
        toggle = page.get_by_test_id("controls-toggle")
        expect(toggle).to_be_visible()
        expect(toggle).to_have_attribute("aria-expanded", "false")
        for hidden in ("classbar", "speed", "seed", "lang", "step-ms"):
            expect(page.get_by_test_id(hidden)).to_be_hidden()
        for shown in ("pause", "step", "reset", "group-state", "sim-time"):
            expect(page.get_by_test_id(shown)).to_be_visible()
        top = box(page.locator(".board > .flow > .panel").first)["y"]
        print("phone: the board starts at", top, "px")
        assert top <= 844 * 0.25, "the board is the first thing on the phone's screen"
        shot(page, "phone-folded")
        assert box(page.locator(".topbar"))["height"] <= 150
        toggle.click()
        expect(toggle).to_have_attribute("aria-expanded", "true")
        for shown in ("classbar", "speed", "lang", "lesson-select"):
            expect(page.get_by_test_id(shown)).to_be_visible()
        shot(page, "phone-open")
        toggle.click()
        expect(page.get_by_test_id("classbar")).to_be_hidden()
        probe.check_clean()
    finally:
        ctx.close()
