"""Share groups on the page (issue #6): the competition scenario with the seed's random dispatch, sharding and
a share group side by side (issue 16), the probability panel with numbers, records in flight after a kill, and the seed demo's
ten records travelling to a consumer and their results back to the producer.

Each test resets its live server (4x speed) to the scenario it needs, then drives the page.
"""

from __future__ import annotations

import re

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.timeout(90)]

from playwright.sync_api import expect  # noqa: E402

from browser_helpers import DESKTOP, PHONE, SCREENSHOTS, WAIT_MS, _probe, card, cards  # noqa: E402


def open_scenario(probe, live_server, scenario: str):
    assert live_server.live.apply({"op": "reset", "scenario": scenario})["ok"]
    page = probe.open()
    expect(page.get_by_test_id("share-row")).to_be_visible(timeout=WAIT_MS)
    return page


def pick_group(page, gid: str):
    page.get_by_test_id("group-select").select_option(gid)
    expect(page.get_by_test_id("probability-panel").locator(".pm-group")).to_have_text(gid)


def test_competition_scenario_shows_random_dispatch_sharding_and_a_share_group_with_the_model(probe, live_server):
    page = open_scenario(probe, live_server, "competition")
    flow = page.get_by_test_id("results-flow")
    for gid in ("queue", "g1", "share"):
        expect(flow.locator(f'[data-testid="results-lane"][data-group-id="{gid}"]')).to_be_visible()
    expect(page.get_by_test_id("group-select").locator("option")).to_have_count(3)
    pick_group(page, "queue")
    expect(page.get_by_test_id("competition")).to_have_text(
        "random dispatch — the seed's idealised queue, not a Kafka mode")
    expect(page.get_by_test_id("assignor")).to_be_hidden()
    expect(cards(page)).to_have_count(3)
    expect(card(page, "consumer-1").get_by_test_id("consumer-wins")).to_have_text(re.compile(r"^[1-9][\d,]*$"),
                                                                                 timeout=WAIT_MS)
    panel = page.get_by_test_id("probability-panel")
    expect(panel.get_by_test_id("model-p_record")).to_have_text("0.333")
    expect(panel.get_by_test_id("model-p_pair")).to_have_text("0.0333")
    expect(panel.get_by_test_id("model-expected_wins")).to_have_text("3.33")
    expect(panel.get_by_test_id("model-members").locator("tbody tr")).to_have_count(3)
    expect(panel.get_by_test_id("model-test")).to_contain_text(re.compile(r"χ² = [\d.]+, df = 2, p = [\d.<]"),
                                                              timeout=WAIT_MS)
    compare = panel.get_by_test_id("model-compare")
    for gid, how in (("queue", "random dispatch (the seed's, not Kafka)"), ("g1", "sharding"),
                     ("share", "share group: who fetches")):
        expect(compare.locator(f'tr[data-group-id="{gid}"] td').nth(1)).to_have_text(how)
    expect(panel.locator(".pm-why")).to_contain_text("1/N")
    expect(page.locator(".producer .explain")).to_contain_text(re.compile("random dispatch", re.IGNORECASE))
    # the sharded group: the same panel explains why its shares follow partition ownership
    pick_group(page, "g1")
    expect(page.get_by_test_id("share-inflight")).to_be_hidden()
    expect(panel.locator(".pm-comp")).to_have_text("sharding")
    expect(panel.locator(".pm-why")).to_contain_text("partition")
    # no 1/N goodness-of-fit test for it (issue 18): the panel says why instead of a p-value
    test = panel.get_by_test_id("model-test")
    expect(test).to_contain_text("No 1/N test", timeout=WAIT_MS)
    expect(test).not_to_contain_text("χ²")
    expect(test).not_to_contain_text("p =")
    # and in Chinese
    page.get_by_test_id("lang").select_option("zh")
    expect(panel.locator("h2 .tag")).to_have_text("谁赢得一条记录？")
    expect(panel.locator(".pm-why")).to_contain_text("分区")
    expect(test).to_contain_text("不做 1/N 检验")
    expect(flow.locator("h2 .tag")).to_have_text("结果返回生产者")


def test_killed_members_records_come_back_redelivered_in_the_in_flight_panel(probe, live_server):
    page = open_scenario(probe, live_server, "competition")
    pick_group(page, "share")
    inflight = page.get_by_test_id("share-inflight")
    expect(inflight).to_be_visible()
    expect(inflight.get_by_test_id("inflight-record").first).to_be_attached(timeout=WAIT_MS)
    card(page, "consumer-7").get_by_test_id("kill-consumer").click()
    expect(card(page, "consumer-7")).to_have_attribute("data-state", "crashed", timeout=WAIT_MS)
    # its partition waits for its session to time out (the simple assignor keeps it its own until then);
    # then the survivors take its records, and slowed down (1 record/s) they hold the redelivered ones visibly
    expect(card(page, "consumer-7")).to_have_count(0, timeout=WAIT_MS)
    others = [f"consumer-{i}" for i in range(8, 13)]
    for mid in others:
        rate = card(page, mid).get_by_test_id("consumer-rate")
        rate.fill("1")
        rate.press("Enter")
    redelivered = inflight.locator('[data-testid="inflight-record"].redelivered')
    expect(redelivered.first).to_be_visible(timeout=WAIT_MS)
    dc = int(redelivered.first.get_attribute("data-delivery-count"))
    assert dc >= 2
    assert redelivered.first.get_attribute("data-member-id") in others
    expect(inflight.get_by_test_id("sif-redelivered").locator("dd")).to_have_text(re.compile(r"^[1-9]"))
    page.screenshot(path=str(SCREENSHOTS / "share-inflight-after-kill.png"), full_page=True)


def test_in_flight_settings_change_the_share_groups_kafka_configs(probe, live_server):
    page = open_scenario(probe, live_server, "competition")
    pick_group(page, "share")
    expect(page.get_by_test_id("share-lock")).to_have_value("5000")
    expect(page.get_by_test_id("share-limit")).to_have_value("5")
    page.get_by_test_id("share-limit").select_option("2")
    page.get_by_test_id("share-reject").select_option("0.2")
    engine = live_server.engine
    expect(page.get_by_test_id("share-inflight").locator(".sif-c.bad dd").first).to_have_text(
        re.compile(r"^[1-9]"), timeout=WAIT_MS)
    cfg = engine.groups["share"].config
    assert cfg["group.share.delivery.count.limit"] == 2 and cfg["groupviz.reject.probability"] == 0.2
    lane = page.get_by_test_id("results-flow").locator('[data-testid="results-lane"][data-group-id="share"]')
    expect(lane.get_by_test_id("results-noresult")).to_have_text(re.compile(r"^[1-9]"), timeout=WAIT_MS)
    # a viewer sees the settings but cannot change them
    page.evaluate("window.groupviz.setRole('viewer')")
    for testid in ("share-lock", "share-limit", "share-reject"):
        expect(page.get_by_test_id(testid)).to_be_disabled()


def test_seed_demo_ten_journeys_end_with_ten_results_back_at_the_producer(probe, live_server):
    page = open_scenario(probe, live_server, "seed-demo")
    journeys = page.get_by_test_id("record-journeys")
    expect(journeys).to_be_visible(timeout=WAIT_MS)
    expect(journeys.get_by_test_id("journey")).to_have_count(10, timeout=WAIT_MS)
    expect(journeys.locator('[data-testid="journey"].back')).to_have_count(10, timeout=WAIT_MS)
    names = journeys.get_by_test_id("journey").evaluate_all("rows => rows.map(r => r.dataset.record)")
    assert names == [f"data_{i}" for i in range(10)]
    expect(page.get_by_test_id("producer-sent")).to_have_text("10")
    expect(page.get_by_test_id("producer-results")).to_have_text("20")     # two groups: 10 results each
    lane = page.get_by_test_id("results-flow").locator('[data-testid="results-lane"][data-group-id="seed"]')
    expect(lane.get_by_test_id("results-count")).to_have_text("10")
    expect(lane.get_by_test_id("results-outstanding")).to_have_text("0")
    wins = sum(int(x) for x in page.get_by_test_id("consumer-wins").all_inner_texts())
    assert wins == 10
    expect(page.get_by_test_id("probability-panel").get_by_test_id("model-p_pair")).to_have_text("0.02")


@pytest.mark.parametrize("name, viewport", [("share-desktop", DESKTOP), ("share-phone", PHONE)])
@pytest.mark.parametrize("scenario", ["competition", "seed-demo"])
def test_share_screenshots(browser, live_server, name, viewport, scenario):
    context, probe = _probe(browser, live_server, viewport)
    try:
        page = open_scenario(probe, live_server, scenario)
        expect(page.get_by_test_id("probability-panel").get_by_test_id("model-test")).to_contain_text("χ²",
                                                                                                     timeout=WAIT_MS)
        if scenario == "seed-demo":
            expect(page.locator('[data-testid="journey"].back')).to_have_count(10, timeout=WAIT_MS)
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"{name}-{scenario}.png"))
        page.screenshot(path=str(SCREENSHOTS / f"{name}-{scenario}-full.png"), full_page=True)
        probe.check_clean()
    finally:
        context.close()


def test_three_share_members_on_six_partitions_each_show_two_partitions_and_the_group_epoch(probe, live_server):
    # Kafka 4.1+'s simple assignor balances the partitions (issue 16): 2 each, none shared; every partition
    # cell is painted with its one holder
    assert live_server.live.apply({"op": "reset", "scenario": "default"})["ok"]
    assert live_server.live.apply({"op": "add_group", "group_id": "s1", "type": "share"})["ok"]
    members = [live_server.live.apply({"op": "add_consumer", "group_id": "s1"})["member_id"] for _ in range(3)]
    page = probe.open()
    expect(page.get_by_test_id("share-row")).to_be_visible(timeout=WAIT_MS)
    pick_group(page, "s1")
    for mid in members:
        expect(card(page, mid).locator(".c-parts .chip[data-partition]")).to_have_count(2, timeout=WAIT_MS)
    shown = sorted(int(c.get_attribute("data-partition")) for mid in members
                   for c in card(page, mid).locator(".c-parts .chip[data-partition]").all())
    assert shown == list(range(6))
    expect(page.get_by_test_id("generation-label")).to_have_text("group epoch")
    expect(page.get_by_test_id("sif-epoch").locator("dd")).to_have_text("3")
