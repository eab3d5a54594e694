"""The Kafka details in a real browser: state help, Burrow badges, duplicates, the groups overview,
the rebalance phases of every group, kafka-consumer-groups.sh / kafka-share-groups.sh --describe and the
config panel.

Each test gets its own live server (engine at 4x speed) and page; every test checks that the page
loaded nothing from outside the app and logged no console error.
"""

from __future__ import annotations

import re

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.timeout(90)]

from playwright.sync_api import Page, expect  # noqa: E402

from browser_helpers import DESKTOP, PHONE, SCREENSHOTS, WAIT_MS, _probe, card, wait_all_owned, wait_stable  # noqa: E402
from conftest import start_live_server  # noqa: E402

KAFKA_HEADER = ("GROUP           TOPIC           PARTITION  CURRENT-OFFSET  LOG-END-OFFSET  LAG             "
                "CONSUMER-ID     HOST            CLIENT-ID")


@pytest.fixture
def coop_server():
    server, stop = start_live_server(SCENARIO="cooperative")
    yield server
    stop()


@pytest.fixture
def coop_page(browser, coop_server):
    context, probe = _probe(browser, coop_server, DESKTOP)
    try:
        yield probe.open()
        probe.check_clean()
    finally:
        context.close()


@pytest.fixture
def coop_kafka(coop_page):
    """The cooperative scenario, both groups stable, the Kafka view open."""
    wait_stable(coop_page)
    kafka_view(coop_page)
    return coop_page


def kafka_view(page: Page) -> None:
    page.get_by_test_id("kafka-view").click()
    expect(page.get_by_test_id("kafka-details")).to_be_visible()
    expect(page.get_by_test_id("lag-chart")).to_be_hidden()


def wait_for(page: Page, condition, ms: int = WAIT_MS) -> None:
    for _ in range(ms // 100):
        if condition():
            return
        page.wait_for_timeout(100)
    assert condition()


def row(page: Page, group_id: str):
    return page.locator(f'[data-testid="group-row"][data-group-id="{group_id}"]')


def gantt_row(page: Page, group_id: str):
    return page.get_by_test_id("rebalance-gantt").locator(f'.kz-grow[data-group-id="{group_id}"]')


# ---------------------------------------------------------------- the state badge

def test_state_badge_explains_each_kafka_state_in_a_popover_in_both_languages(page):
    wait_stable(page)
    badge = page.get_by_test_id("group-state")
    expect(badge).to_have_attribute("title", re.compile(r"^Stable: every member has its partitions"))
    badge.click()
    pop = page.get_by_test_id("state-help")
    expect(pop).to_be_visible()
    expect(badge).to_have_attribute("aria-expanded", "true")
    items = pop.locator("li")
    expect(items).to_have_count(5)
    assert items.evaluate_all("lis => lis.map(li => li.dataset.state)") == [
        "Empty", "PreparingRebalance", "CompletingRebalance", "Stable", "Dead"]
    expect(pop.locator('li[aria-current="true"]')).to_have_attribute("data-state", "Stable")
    expect(pop.locator('li[data-state="PreparingRebalance"]')).to_contain_text("JoinGroup")
    expect(pop.locator('li[data-state="CompletingRebalance"]')).to_contain_text("SyncGroup")
    expect(pop).to_contain_text(re.compile(r"Generation \d+"))
    page.keyboard.press("Escape")
    expect(pop).to_be_hidden()
    expect(badge).to_have_attribute("aria-expanded", "false")

    page.get_by_test_id("lang").select_option("zh")
    expect(badge).to_have_attribute("title", re.compile(r"^Stable：每个成员都有自己的分区"))
    badge.focus()
    page.keyboard.press("Enter")
    expect(pop).to_be_visible()
    expect(pop).to_contain_text("Kafka 消费者组状态")
    expect(pop.locator('li[data-state="Empty"]')).to_contain_text("组内没有成员")
    page.get_by_test_id("lang").select_option("en")


# ---------------------------------------------------------------- no commit yet: "-"

def test_partitions_without_a_commit_show_a_dash_never_an_invented_lag_or_status(browser, live_server):
    live_server.live.apply({"op": "reset"})
    live_server.live.apply({"op": "pause"})        # time 0: nobody has committed anything
    context, probe = _probe(browser, live_server, DESKTOP)
    try:
        page = probe.open()
        cells = page.get_by_test_id("assignment-view").get_by_test_id("partition")
        expect(cells).to_have_count(6)
        for i in range(6):
            cell = cells.nth(i)
            expect(cell.get_by_test_id("partition-status")).to_have_text("-")
            expect(cell.locator(".p-row.lag .num")).to_have_text("-")
            expect(cell.locator(".kz-lagms .num")).to_have_text("-")
        expect(page.get_by_test_id("lag-status")).to_have_text("Burrow -")
        expect(cells.first.get_by_test_id("partition-status")).to_have_attribute(
            "title", re.compile("no commit yet"))
        probe.check_clean()
    finally:
        context.close()


# ---------------------------------------------------------------- crash: duplicates, Burrow, lag in time

def test_killed_consumer_makes_duplicates_and_burrow_status_visible(page, live_server):
    wait_stable(page)
    wait_all_owned(page)
    statuses = page.get_by_test_id("assignment-view").get_by_test_id("partition-status")
    expect(statuses.filter(has_text="-")).to_have_count(0, timeout=WAIT_MS)   # every partition has commits
    expect(statuses.first).to_have_text(re.compile(r"^(OK|WARN|STOP|STALL|REWIND)$"))
    expect(statuses.first).to_have_attribute("title", re.compile(r"Burrow"))
    expect(page.get_by_test_id("lag-status")).to_have_text(re.compile(r"^Burrow (OK|WARN|ERR)$"))
    expect(page.locator(".kz-lagms .num").first).to_have_text(re.compile(r"^\d+\.\d s$"))
    expect(page.locator(".kz-lagms").first).to_have_attribute("title", re.compile(r"^Lag in time.*: \d+(\.\d)? (ms|s)$"))
    dups = page.get_by_test_id("duplicates")
    expect(dups).to_have_text("0 duplicates")

    # Commit rarely, so consumer-2 surely dies with processed records it never committed.
    assert live_server.live.apply({"op": "set_config", "group_id": "g1",
                                   "config": {"auto.commit.interval.ms": 600_000}})["ok"]
    page.wait_for_timeout(1500)                                                # 6 s simulated at 4x
    card(page, "consumer-2").get_by_test_id("kill-consumer").click()
    expect(card(page, "consumer-2")).to_have_count(0, timeout=WAIT_MS)        # expelled after session.timeout.ms
    wait_stable(page)
    # The new owners re-read what consumer-2 processed after its last commit: at least once, made visible.
    expect(dups).not_to_have_text("0 duplicates", timeout=WAIT_MS)
    count = int(dups.get_attribute("data-count"))
    assert count > 0
    assert count <= live_server.engine.groups["g1"].duplicates
    kafka_view(page)
    expect(row(page, "g1").locator(".kz-dupcell")).not_to_have_text("0")


# ---------------------------------------------------------------- assignor switch on the timeline

def test_switching_to_cooperative_sticky_shows_a_rebalance_on_the_timeline(page):
    wait_stable(page)
    kafka_view(page)
    g1 = row(page, "g1")
    expect(g1.locator(".kz-proto")).to_have_text("eager")
    expect(gantt_row(page, "g1").locator('.kz-seg[data-phase="PreparingRebalance"]')).to_have_count(1)
    g1.get_by_test_id("overview-assignor").select_option("cooperative-sticky")
    expect(g1.locator(".kz-proto")).to_have_text("cooperative", timeout=WAIT_MS)
    expect(gantt_row(page, "g1").locator('.kz-seg[data-phase="PreparingRebalance"][data-generation="2"]')) \
        .to_be_attached(timeout=WAIT_MS)
    expect(gantt_row(page, "g1").locator('.kz-seg[data-phase="Stable"][data-generation="2"]')) \
        .to_be_attached(timeout=WAIT_MS)
    seg = gantt_row(page, "g1").locator('.kz-seg[data-phase="PreparingRebalance"][data-generation="2"]')
    expect(seg).to_have_attribute("title", re.compile(r"generation 2 \(cooperative\): PreparingRebalance .* moved"))
    expect(gantt_row(page, "g1").locator(".kz-glabel")).to_have_text("g1 · cooperative")
    page.get_by_test_id("kafka-view-back").click()
    expect(page.get_by_test_id("assignor")).to_have_value("cooperative-sticky")
    expect(page.get_by_test_id("rebalance-timeline").locator('li[data-generation="2"]')).to_be_attached()


# ---------------------------------------------------------------- describe

def test_describe_panel_prints_what_kafka_consumer_groups_sh_prints(page, live_server):
    wait_stable(page)
    kafka_view(page)
    panel = page.get_by_test_id("describe-panel")
    out = page.get_by_test_id("describe-output")
    expect(panel).to_contain_text("kafka-consumer-groups.sh --bootstrap-server localhost:9092 --describe --group g1")
    expect(out).to_contain_text(KAFKA_HEADER, timeout=WAIT_MS)
    lines = out.inner_text().split("\n")
    assert lines[0] == KAFKA_HEADER
    assert [ln.split()[:3] for ln in lines[1:7]] == [["g1", "orders", str(p)] for p in range(6)]
    assert out.evaluate("n => getComputedStyle(n).fontFamily").lower().find("mono") >= 0

    page.get_by_test_id("describe-tab-members").click()
    expect(out).to_contain_text("GROUP           CONSUMER-ID     HOST            CLIENT-ID       #PARTITIONS", timeout=WAIT_MS)
    expect(panel).to_contain_text("--describe --group g1 --members")
    page.get_by_test_id("describe-tab-state").click()
    expect(out).to_contain_text(re.compile(r"GROUP +COORDINATOR \(ID\) +ASSIGNMENT-STRATEGY +STATE +#MEMBERS"),
                                timeout=WAIT_MS)
    expect(out).to_contain_text(re.compile(r"g1 +localhost:9092  \(1\) +range +Stable +3"))
    expect(page.get_by_test_id("describe-tab-state")).to_have_attribute("aria-selected", "true")


SHARE_HEADER = "GROUP           TOPIC           PARTITION  START-OFFSET  LAG"


def test_describe_panel_prints_kafka_share_groups_sh_for_a_share_group_in_both_languages(browser):
    server, stop = start_live_server(SCENARIO="competition")
    context, probe = _probe(browser, server, DESKTOP)
    try:
        page = probe.open()
        wait_stable(page)
        kafka_view(page)
        panel = page.get_by_test_id("describe-panel")
        out = page.get_by_test_id("describe-output")
        row(page, "share").locator("td").first.click()   # the group id: the row's middle may be its assignor picker
        expect(panel.locator(".kz-cmdline")).to_have_text(
            "kafka-share-groups.sh --bootstrap-server localhost:9092 --describe --group share", timeout=WAIT_MS)
        expect(out).to_contain_text(SHARE_HEADER, timeout=WAIT_MS)
        lines = out.inner_text().split("\n")
        assert lines[0] == SHARE_HEADER
        assert [ln.split()[:3] for ln in lines[1:4]] == [["share", "orders", str(p)] for p in range(3)]

        page.get_by_test_id("describe-tab-members").click()
        expect(out).to_contain_text("GROUP           CONSUMER-ID     HOST            CLIENT-ID       #PARTITIONS  "
                                    "ASSIGNMENT", timeout=WAIT_MS)
        # the simple assignor: 6 members on 3 partitions, 1 each, each partition shared by 2 (Kafka 4.1+)
        expect(out).to_contain_text(re.compile(r"share +consumer-7 +/10\.0\.0\.17 +consumer-7 +1 +orders:\d\b"))

        # the tool's output stays English, as the real tool prints it; only the page's labels change
        page.get_by_test_id("lang").select_option("zh")
        page.get_by_test_id("describe-tab-state").click()
        expect(panel.locator(".kz-cmdline")).to_have_text(
            "kafka-share-groups.sh --bootstrap-server localhost:9092 --describe --group share --state", timeout=WAIT_MS)
        expect(out).to_contain_text(re.compile(r"share +localhost:9092  \(1\) +Stable +6"), timeout=WAIT_MS)

        # and the classic group next to it still gets kafka-consumer-groups.sh
        row(page, "g1").locator("td").first.click()
        expect(panel.locator(".kz-cmdline")).to_have_text(
            "kafka-consumer-groups.sh --bootstrap-server localhost:9092 --describe --group g1 --state", timeout=WAIT_MS)
        expect(out).to_contain_text("ASSIGNMENT-STRATEGY", timeout=WAIT_MS)
        page.get_by_test_id("lang").select_option("en")
        probe.check_clean()
    finally:
        context.close()
        stop()


# ---------------------------------------------------------------- config panel

def test_config_change_applies_and_a_bad_value_shows_the_servers_error_and_changes_nothing(page, live_server):
    wait_stable(page)
    kafka_view(page)
    page.get_by_test_id("config-tab").click()
    panel = page.get_by_test_id("config-panel")
    expect(panel).to_be_visible()
    session = page.get_by_test_id("config-session.timeout.ms")
    expect(session).to_have_value("6000")
    row_ = panel.locator('tr[data-config="session.timeout.ms"]')
    expect(row_).to_contain_text("45000")          # Kafka's default beside the classroom's
    expect(panel.locator('tr[data-config="auto.offset.reset"]')).to_contain_text("latest")
    expect(page.get_by_test_id("config-auto.offset.reset")).to_have_value("earliest")

    session.fill("10000")
    session.press("Enter")
    expect(session).to_have_value("10000", timeout=WAIT_MS)
    wait_for(page, lambda: live_server.engine.groups["g1"].config["session.timeout.ms"] == 10000)

    heartbeat = page.get_by_test_id("config-heartbeat.interval.ms")
    heartbeat.fill("20000")
    heartbeat.press("Enter")
    toast = page.get_by_test_id("toast").filter(has_text="heartbeat.interval.ms")
    expect(toast).to_contain_text("set_config: heartbeat.interval.ms (20000) must be lower than "
                                  "session.timeout.ms (10000)", timeout=WAIT_MS)
    expect(heartbeat).to_have_value("2000", timeout=WAIT_MS)
    assert live_server.engine.groups["g1"].config["heartbeat.interval.ms"] == 2000

    page.get_by_test_id("config-enable.auto.commit").select_option("false")
    expect(page.get_by_test_id("config-enable.auto.commit")).to_have_value("false")
    page.get_by_test_id("config-kafka-defaults").click()
    expect(session).to_have_value("45000", timeout=WAIT_MS)
    expect(page.get_by_test_id("config-auto.offset.reset")).to_have_value("latest")
    expect(page.get_by_test_id("config-enable.auto.commit")).to_have_value("true")


# ---------------------------------------------------------------- groups overview (scenario cooperative)

def test_groups_overview_lists_both_groups_and_a_click_selects_one(coop_kafka):
    page = coop_kafka
    overview = page.get_by_test_id("groups-overview")
    expect(overview.get_by_test_id("group-row")).to_have_count(2)
    eager, coop = row(page, "eager"), row(page, "coop")
    expect(eager.locator(".kz-proto")).to_have_text("eager")
    expect(coop.locator(".kz-proto")).to_have_text("cooperative")
    expect(coop.get_by_test_id("overview-assignor")).to_have_value("cooperative-sticky")
    expect(eager.locator(".badge")).to_have_text("Stable", timeout=WAIT_MS)
    for r in (eager, coop):
        cells = r.locator("td")
        expect(cells.nth(0)).to_have_text("classic")
        expect(cells.nth(4)).to_have_text("3")                 # members
    # both groups' rebalances on one time axis
    expect(gantt_row(page, "eager")).to_be_visible()
    expect(gantt_row(page, "coop")).to_be_visible()
    expect(gantt_row(page, "coop").locator(".kz-glabel")).to_have_text("coop · cooperative")

    coop.click()
    expect(coop).to_have_class(re.compile(r"\bselected\b"))
    expect(page.get_by_test_id("group-select")).to_have_value("coop")
    expect(page.get_by_test_id("describe-output")).to_contain_text("\ncoop ", timeout=WAIT_MS)
    page.get_by_test_id("kafka-view-back").click()
    expect(page.locator(".group-name")).to_have_text("coop")
    expect(page.get_by_test_id("assignor")).to_have_value("cooperative-sticky")


def test_eager_and_cooperative_rebalances_side_by_side_after_a_join_in_each(coop_kafka):
    page = coop_kafka
    page.evaluate("""() => {
        window.groupviz.send({op: "add_consumer", group_id: "eager"});
        window.groupviz.send({op: "add_consumer", group_id: "coop"});
    }""")
    # eager: one rebalance (generation 2); cooperative: two (2 revokes, 3 assigns the moved partition)
    expect(gantt_row(page, "eager").locator('.kz-seg[data-phase="Stable"][data-generation="2"]')) \
        .to_be_attached(timeout=WAIT_MS)
    coop3 = gantt_row(page, "coop").locator('.kz-seg[data-phase="Stable"][data-generation="3"]')
    expect(coop3).to_be_attached(timeout=WAIT_MS)
    expect(coop3).to_have_attribute("title", re.compile(r"1 moved · paused [\d.]+ (ms|s) \(1 partitions\)"))
    eager2 = gantt_row(page, "eager").locator('.kz-seg[data-phase="Stable"][data-generation="2"]')
    expect(eager2).to_have_attribute("title", re.compile(r"paused [\d.]+ (ms|s) \(6 partitions\)"))
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "kafka-details-desktop-1280x800.png"))


# ---------------------------------------------------------------- viewers

def test_viewer_reads_the_describe_output_but_cannot_edit_configs(browser):
    server, stop = start_live_server(PRESENTER_TOKEN="s3cret")
    context, probe = _probe(browser, server, DESKTOP)
    try:
        page = probe.open()
        expect(page.get_by_test_id("role")).to_be_visible()
        kafka_view(page)
        expect(page.get_by_test_id("describe-output")).to_contain_text("GROUP", timeout=WAIT_MS)
        page.get_by_test_id("config-tab").click()
        expect(page.get_by_test_id("config-session.timeout.ms")).to_be_disabled()
        expect(page.get_by_test_id("config-kafka-defaults")).to_be_disabled()
        expect(row(page, "g1").get_by_test_id("overview-assignor")).to_be_disabled()
        probe.check_clean()
    finally:
        context.close()
        stop()


# ---------------------------------------------------------------- screenshots

@pytest.mark.parametrize("name,viewport", [("desktop-1280x800", DESKTOP), ("phone-390x844", PHONE)])
def test_kafka_screenshots(browser, coop_server, name, viewport):
    context, probe = _probe(browser, coop_server, viewport)
    try:
        page = probe.open()
        wait_stable(page)
        page.evaluate("() => window.groupviz.send({op: 'add_consumer', group_id: 'coop'})")
        expect(gantt_row(page, "coop").locator('.kz-seg[data-generation="3"]').first).to_be_attached(timeout=WAIT_MS)
        card(page, "consumer-1").get_by_test_id("kill-consumer").click()
        page.wait_for_timeout(1500)
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"{name}: the page is {overflow}px wider than the screen"
        page.get_by_test_id("group-state").click()
        expect(page.get_by_test_id("state-help")).to_be_visible()
        page.screenshot(path=str(SCREENSHOTS / f"kafka-board-{name}.png"))
        page.keyboard.press("Escape")
        if viewport is DESKTOP:
            kafka_view(page)
            page.screenshot(path=str(SCREENSHOTS / f"kafka-view-{name}.png"))
            page.get_by_test_id("config-tab").click()
            page.screenshot(path=str(SCREENSHOTS / f"kafka-config-{name}.png"))
            page.get_by_test_id("kafka-view-back").click()
        else:
            page.screenshot(path=str(SCREENSHOTS / f"kafka-{name}-full.png"), full_page=True)
            # on a phone the groups overview is one card per group, every value under its column
            # name, nothing hidden sideways
            table = page.get_by_test_id("groups-overview")
            table.scroll_into_view_if_needed()
            row = table.locator('[data-testid="group-row"][data-group-id="coop"]')
            expect(row.locator('td[data-label="records/s"]')).to_be_visible()
            expect(row.locator('td[data-label="Burrow"]')).to_be_visible()
            sideways = table.evaluate("t => t.closest('.kz-scroll').scrollWidth - t.closest('.kz-scroll').clientWidth")
            assert sideways <= 0, f"the overview scrolls {sideways}px sideways on a phone"
            page.screenshot(path=str(SCREENSHOTS / f"kafka-overview-{name}.png"))
        probe.check_clean()
    finally:
        context.close()


# ---------------------------------------------------------------- more groups, more partitions, a hotter key

def test_a_second_group_and_a_new_partition_from_the_kafka_view_and_the_hot_key_share(page, live_server):
    wait_stable(page)
    kafka_view(page)
    page.get_by_test_id("add-group-id").fill("analytics")
    page.get_by_test_id("add-group-assignor").select_option("classic:cooperative-sticky")
    page.get_by_test_id("add-group").click()
    expect(row(page, "analytics")).to_be_attached(timeout=WAIT_MS)
    expect(row(page, "analytics").locator(".kz-proto")).to_have_text("cooperative")
    expect(row(page, "analytics")).to_have_class(re.compile(r"\bselected\b"))      # the new group is shown
    expect(gantt_row(page, "analytics")).to_be_attached()
    expect(row(page, "analytics").locator(".badge")).to_have_text("Stable", timeout=WAIT_MS)
    assert live_server.engine.groups["analytics"].assignor == "cooperative-sticky"

    page.get_by_test_id("add-group-id").fill("g1")                                  # exists: the server says so
    page.get_by_test_id("add-group").click()
    expect(page.get_by_test_id("toast").filter(has_text="group 'g1' already exists")).to_be_visible(timeout=WAIT_MS)

    gen = live_server.engine.groups["g1"].coordinator.generation
    page.get_by_test_id("add-partition").click()
    # a metadata change: every group rebalances and someone owns the new partition
    expect(gantt_row(page, "g1").locator(f'.kz-seg[data-generation="{gen + 1}"]').first).to_be_attached(timeout=WAIT_MS)
    wait_for(page, lambda: len(live_server.engine.topic.partitions) == 7)
    page.get_by_test_id("kafka-view-back").click()
    expect(page.get_by_test_id("assignment-view").get_by_test_id("partition")).to_have_count(7, timeout=WAIT_MS)

    hot = page.get_by_test_id("hot-share")
    expect(hot).to_be_hidden()
    page.get_by_test_id("key-mode").select_option("hot")
    expect(hot).to_be_visible(timeout=WAIT_MS)
    hot.fill("80")
    hot.dispatch_event("change")
    wait_for(page, lambda: live_server.engine.producer.hot_share == 0.8)
    expect(page.get_by_test_id("producer-keys")).to_contain_text("80% to one hot key", timeout=WAIT_MS)
