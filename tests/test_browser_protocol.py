"""The protocol made visible and the rebalance cost (issue 15) in a real browser: a KIP-848 group's
ConsumerGroupHeartbeats as arrows and lines, a classic group's JoinGroup/SyncGroup, the ownership timeline,
the partition-seconds a rebalance lost on its Kafka-details bar; screenshots at three sizes, en and zh."""

from __future__ import annotations

import re
from contextlib import contextmanager

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.timeout(120)]

from playwright.sync_api import expect  # noqa: E402

from browser_helpers import DESKTOP, PHONE, SCREENSHOTS, WAIT_MS, _probe, unfold_controls  # noqa: E402
from conftest import start_live_server  # noqa: E402


@pytest.fixture
def three_server():
    server, stop = start_live_server(SCENARIO="three-protocols")
    yield server
    stop()


def _open(browser, server, viewport, query=""):
    context, probe = _probe(browser, server, viewport)
    page = probe.page
    page.goto(server.url + "/" + query)
    expect(page.locator("body[data-ready='true']")).to_be_attached(timeout=WAIT_MS)
    return context, probe, page


@contextmanager
def _session(browser, server, viewport, query=""):
    """A page on the server; on leaving, the page must have logged nothing wrong, and it is closed."""
    context, probe, page = _open(browser, server, viewport, query)
    try:
        yield page
        probe.check_clean()
    finally:
        context.close()


def _show(page, group_id):
    page.get_by_test_id("kafka-view").click()
    expect(page.get_by_test_id("protocol-view")).to_be_visible()
    page.get_by_test_id("group-select").select_option(group_id)


def test_a_kip848_groups_heartbeats_are_drawn_and_listed(browser, three_server):
    with _session(browser, three_server, DESKTOP) as page:
        _show(page, "kip848")
        expect(page.get_by_test_id("protocol-messages")).to_contain_text("ConsumerGroupHeartbeat", timeout=WAIT_MS)
        expect(page.locator('[data-testid="protocol-lanes"] line.pv-arrow[data-api="ConsumerGroupHeartbeat"]').first) \
            .to_be_attached(timeout=WAIT_MS)
        page.get_by_test_id("protocol-heartbeats").uncheck()      # only what changes something stays listed
        page.evaluate('() => window.groupviz.send({op: "add_consumer", group_id: "kip848"})')
        # the new member's first heartbeat carries epoch 0; a response brings it an assignment
        expect(page.get_by_test_id("protocol-messages")).to_contain_text("epoch 0", timeout=WAIT_MS)
        expect(page.get_by_test_id("ownership-row")).to_have_count(12)
        # the rebalance's cost on its bar in the Kafka details: partition-seconds lost beside the wall time
        bar = page.locator('.kz-grow[data-group-id="kip848"] .kz-seg[data-phase="Stable"]').last
        expect(bar).to_have_attribute("title", re.compile(r"cost [\d.]+ partition-s, \d+ records delayed \(wall "),
                                      timeout=WAIT_MS)
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "protocol-view-desktop-1280x800.png"))


def test_a_classic_group_shows_join_and_sync_and_heartbeats_can_be_hidden(browser, three_server):
    with _session(browser, three_server, DESKTOP) as page:
        _show(page, "eager")
        page.evaluate('() => window.groupviz.send({op: "add_consumer", group_id: "eager"})')
        expect(page.locator('line.pv-arrow[data-api="JoinGroup"]').first).to_be_attached(timeout=WAIT_MS)
        page.get_by_test_id("protocol-heartbeats").uncheck()
        expect(page.locator('[data-testid="protocol-message"][data-api="Heartbeat"][data-error="NONE"]')).to_have_count(0)


@pytest.mark.parametrize("name,viewport,query", [
    ("projector-1920x1080-zh", {"width": 1920, "height": 1080}, "?projector=1&lang=zh"),
    ("phone-390x844", PHONE, ""),
    ("desktop-1280x800-zh", DESKTOP, "?lang=zh"),
    ("phone-390x844-zh", PHONE, "?lang=zh"),
])
def test_protocol_view_screenshots(browser, three_server, name, viewport, query):
    with _session(browser, three_server, viewport, query) as page:
        _show(page, "kip848")
        expect(page.get_by_test_id("protocol-message").first).to_be_attached(timeout=WAIT_MS)
        if "zh" in name:
            expect(page.get_by_test_id("protocol-view")).to_contain_text("协议")
        page.get_by_test_id("protocol-view").scroll_into_view_if_needed()
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"protocol-view-{name}.png"))


def _to_the_add_step(page, live):
    """The three-protocols lesson at its step 2 (add one consumer to each group), the engine stepped exactly."""
    live.apply({"op": "pause"})
    unfold_controls(page)
    page.get_by_test_id("lesson-select").select_option("three-protocols")
    expect(page.get_by_test_id("lesson-step")).to_contain_text("1 / 3", timeout=WAIT_MS)
    live.apply({"op": "step", "ms": 10_000})
    page.get_by_test_id("lesson-next").click()
    expect(page.get_by_test_id("lesson-step")).to_contain_text("2 / 3", timeout=WAIT_MS)
    live.apply({"op": "step", "ms": 8_000})


def _lost_on_bar(page, gid) -> float:
    """The partition-seconds the group's last completed rebalance lost, read off its Kafka-details bar."""
    bar = page.locator(f'.kz-grow[data-group-id="{gid}"] .kz-seg[data-phase="Stable"] .kz-seg-label').last
    expect(bar).to_contain_text("partition-s lost", timeout=WAIT_MS)
    return float(re.search(r"([\d.]+) partition-s lost", bar.text_content()).group(1))


def test_three_protocols_lesson_claims_are_read_off_the_page(browser, three_server):
    live = three_server.live
    with _session(browser, three_server, DESKTOP) as page:
        _to_the_add_step(page, live)
        expect(page.get_by_test_id("lesson-step")).to_have_text("step 2 / 3")
        expect(page.locator("body")).to_have_attribute("data-view", "kafka")     # the step opens the Kafka details
        expect(page.get_by_test_id("lesson-narration")).to_contain_text("Add one consumer to each group")
        lost = {g: _lost_on_bar(page, g) for g in ("eager", "coop", "kip848")}
        # the claim of the step: eager stops every partition yet loses the fewest partition-seconds here
        assert lost["eager"] < lost["coop"] and lost["eager"] < lost["kip848"], lost
        page.screenshot(path=str(SCREENSHOTS / "lesson-three-protocols-add.png"))


def test_a_kip848_group_says_group_epoch_draws_its_own_phases_and_offers_server_assignors(browser, three_server):
    """Header and overview say "group epoch" (not generation), the Kafka-details bars are Assigning and
    Reconciling, and the assignor choices are uniform / range only; a classic group keeps its words and
    client assignors. In zh too."""
    with _session(browser, three_server, DESKTOP, "?lang=zh") as page:
        values = "sel => [...sel.options].map(o => o.value)"
        _show(page, "kip848")
        expect(page.get_by_test_id("generation-label")).to_have_text("组纪元")
        three_server.live.apply({"op": "add_consumer", "group_id": "kip848"})
        row = page.locator('.kz-grow[data-group-id="kip848"]')
        expect(row.locator('.kz-seg[data-phase="Reconciling"]').first).to_be_attached(timeout=WAIT_MS)
        expect(row.locator('.kz-seg[data-phase="Assigning"]').first).to_have_attribute(
            "title", re.compile("组纪元 \\d+.*Assigning"))
        assert row.locator('.kz-seg[data-phase="PreparingRebalance"]').count() == 0
        assert page.get_by_test_id("assignor").evaluate(values) == ["uniform", "range"]
        kip_row = page.locator('[data-testid="groups-overview"] tr', has_text="kip848")
        assert kip_row.get_by_test_id("overview-assignor").evaluate(values) == ["uniform", "range"]
        expect(kip_row).to_contain_text("纪元")
        page.get_by_test_id("group-select").select_option("eager")
        expect(page.get_by_test_id("generation-label")).not_to_have_text(re.compile("纪元|epoch"))
        assert "uniform" not in page.get_by_test_id("assignor").evaluate(values)


def test_the_configs_tab_shows_a_kip848_groups_own_configs_and_sets_them(browser, three_server):
    with _session(browser, three_server, DESKTOP) as page:
        _show(page, "kip848")
        page.get_by_test_id("config-tab").click()
        session = page.get_by_test_id("config-group.consumer.session.timeout.ms")
        expect(session).to_have_value("6000", timeout=WAIT_MS)
        row = page.locator('tr[data-config="group.consumer.heartbeat.interval.ms"]')
        expect(row).to_contain_text("5000")                     # Kafka's default beside the classroom's 2000
        assert page.get_by_test_id("config-session.timeout.ms").count() == 0
        session.fill("9000")
        session.press("Enter")
        page.wait_for_timeout(600)
        cfg = next(g for g in three_server.live.full_snapshot()["groups"] if g["group_id"] == "kip848")["config"]
        assert cfg["group.consumer.session.timeout.ms"] == 9000
        page.get_by_test_id("group-select").select_option("eager")
        expect(page.get_by_test_id("config-session.timeout.ms")).to_have_value("6000", timeout=WAIT_MS)


def test_a_share_groups_heartbeats_are_drawn_with_the_assignment_they_carry(browser, three_server):
    three_server.live.apply({"op": "add_group", "group_id": "share1", "type": "share", "consumers": 2})
    with _session(browser, three_server, DESKTOP, "?lang=zh") as page:
        _show(page, "share1")
        expect(page.locator('line.pv-arrow[data-api="ShareGroupHeartbeat"]').first).to_be_attached(timeout=WAIT_MS)
        expect(page.get_by_test_id("protocol-messages")).to_contain_text("ShareGroupHeartbeat")
        expect(page.get_by_test_id("protocol-view")).to_contain_text("共享组：每个成员都从每个分区拉取")
        expect(page.get_by_test_id("ownership-row")).to_have_count(0)
        expect(page.get_by_test_id("ownership-legend")).to_be_hidden()
        page.get_by_test_id("protocol-heartbeats").uncheck()       # what is left: the joins and the assignment
        three_server.live.apply({"op": "add_consumer", "group_id": "share1"})
        expect(page.locator('[data-testid="protocol-message"][data-api="ShareGroupHeartbeat"]').first) \
            .to_contain_text("分配", timeout=WAIT_MS)
        page.get_by_test_id("protocol-view").scroll_into_view_if_needed()
        page.screenshot(path=str(SCREENSHOTS / "protocol-view-share-zh-1280x800.png"))


@pytest.mark.parametrize("name,viewport", [("desktop-1280x800", DESKTOP), ("phone-390x844", PHONE)])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_three_protocols_lesson_screenshots(browser, three_server, name, viewport, lang):
    """The lesson at its add step, in zh and en, on a laptop and a phone: nothing wider than the screen."""
    live = three_server.live
    with _session(browser, three_server, viewport, f"?lang={lang}") as page:
        _to_the_add_step(page, live)
        expect(page.get_by_test_id("lesson-narration")).not_to_be_empty(timeout=WAIT_MS)
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"{name}: the page is {overflow}px wider than the screen"
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"lesson-three-protocols-{lang}-{name}.png"))
        if viewport is PHONE:       # on a desktop the step has opened the Kafka details itself
            page.get_by_test_id("kafka-view").click()
        page.get_by_test_id("group-select").select_option("kip848")
        page.get_by_test_id("protocol-view").scroll_into_view_if_needed()
        page.screenshot(path=str(SCREENSHOTS / f"lesson-three-protocols-{lang}-{name}-kafka.png"))
