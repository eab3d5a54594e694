"""Labels that never collide and the small things of issue 18 in a real browser: band labels on the
charts (desktop, phone, projector), the Kafka view's time axis on a phone, the PAUSED badge, Space,
singular and plural, cards that keep their place after a kill, and the phone's folded controls.
"""

from __future__ import annotations

import re

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.timeout(120)]

from playwright.sync_api import expect  # noqa: E402

from browser_helpers import WAIT_MS, card, cards, wait_stable  # noqa: E402
from layout_helpers import HEADER_PARTS, OVERLAPS_JS, box, font_px, inside, layout_page, shot  # noqa: E402

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
    with layout_page(browser, live_server, viewport, query) as page:
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


def test_rebalance_timeline_axis_labels_do_not_overlap_on_a_phone(browser, live_server):
    live = live_server.live
    assert live.apply({"op": "pause"})["ok"]
    assert live.apply({"op": "step", "ms": 200_000})["ok"]     # three-digit labels: "110 s"
    with layout_page(browser, live_server, {"width": 390, "height": 844}, is_mobile=True, has_touch=True) as page:
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


# ---------------------------------------------------------------- 5. the small things

@pytest.mark.parametrize("lang,word", [("en", "PAUSED"), ("zh", "已暂停")])
def test_paused_badge_is_big_in_the_header_and_leaves_the_bar_one_line(browser, live_server, lang, word):
    with layout_page(browser, live_server, {"width": 1280, "height": 800}, f"?lang={lang}") as page:
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


def test_space_runs_and_pauses_whatever_was_clicked_last(browser, live_server):
    with layout_page(browser, live_server, {"width": 1280, "height": 800}) as page:
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


@pytest.mark.parametrize("lang,one,many", [("en", "1 partition", "2 partitions"), ("zh", "1 个分区", "2 个分区")])
def test_the_topic_counts_its_partitions_in_singular_and_plural(browser, live_server, lang, one, many):
    assert live_server.live.apply({"op": "reset", "scenario": "seed-demo"})["ok"]
    with layout_page(browser, live_server, {"width": 1280, "height": 800}, f"?lang={lang}") as page:
        count = page.locator(".topic-count")
        expect(count).to_have_text(re.compile(rf"^{re.escape(one)} · "), timeout=WAIT_MS)   # then the lag bars' scale
        assert live_server.live.apply({"op": "add_partitions", "count": 1})["ok"]
        expect(count).to_have_text(re.compile(rf"^{re.escape(many)} · "), timeout=WAIT_MS)


def test_after_a_kill_the_cards_keep_their_place_under_the_pointer(browser, live_server):
    assert live_server.live.apply({"op": "add_consumer"})["ok"]
    with layout_page(browser, live_server, {"width": 1280, "height": 800}) as page:
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


def test_a_presenter_phone_shows_the_board_first_and_folds_the_controls(browser, live_server):
    with layout_page(browser, live_server, {"width": 390, "height": 844}, is_mobile=True, has_touch=True,
                     device_scale_factor=2) as page:
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
