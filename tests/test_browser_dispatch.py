"""Random dispatch on the page (issue 16): labelled "the seed's idealised queue, not a Kafka mode" wherever it
appears, and the key values of lessons 1 and 8 read off the page.

Each test resets the shared live server to the lesson it needs through the lesson picker (or to a scenario).
"""

from __future__ import annotations

import re

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.timeout(120)]

from playwright.sync_api import expect  # noqa: E402

from browser_helpers import DESKTOP, PHONE, SCREENSHOTS, WAIT_MS, _probe, card, cards  # noqa: E402
from test_browser_kafka import kafka_view, row  # noqa: E402

LABEL = "random dispatch — the seed's idealised queue, not a Kafka mode"
LABEL_ZH = "随机分派——种子文档中理想化的队列，不是 Kafka 的模式"


def pick_group(page, gid: str):
    page.get_by_test_id("group-select").select_option(gid)
    expect(page.get_by_test_id("probability-panel").locator(".pm-group")).to_have_text(gid, timeout=WAIT_MS)


def lesson(page, lid: str, steps: int):
    page.get_by_test_id("lesson-select").select_option(lid)
    expect(page.get_by_test_id("lesson-step")).to_have_text(f"step 1 / {steps}", timeout=WAIT_MS)


def next_step(page, k: int, steps: int):
    page.get_by_test_id("lesson-next").click()
    expect(page.get_by_test_id("lesson-step")).to_have_text(f"step {k} / {steps}", timeout=WAIT_MS)


def test_lesson_1_reads_random_dispatch_sharding_and_sharing_off_the_page(page, live_server):
    lesson(page, "competing", 6)
    expect(page.get_by_test_id("lesson-narration")).to_contain_text("random dispatch, the seed's idealised queue, "
                                                                    "not a Kafka mode")
    pick_group(page, "queue")
    expect(page.get_by_test_id("competition")).to_have_text(LABEL)
    expect(page.get_by_test_id("assignor")).to_be_hidden()
    expect(cards(page)).to_have_count(3)
    expect(card(page, "consumer-1").locator(".chip.none")).to_have_text("no partitions")
    panel = page.get_by_test_id("probability-panel")
    expect(panel.locator(".pm-comp")).to_have_text("random dispatch (the seed's, not Kafka)")
    expect(panel.get_by_test_id("model-p_record")).to_have_text("0.333")              # 1/N, N = 3
    expect(panel.get_by_test_id("model-test")).to_contain_text(re.compile(r"χ² = [\d.]+, df = 2, p = [\d.<]"),
                                                              timeout=WAIT_MS)
    compare = panel.get_by_test_id("model-compare")      # (its names: test_browser_share.py)
    for gid in ("g1", "share"):          # only random dispatch is tested against 1/N
        expect(compare.locator(f'tr[data-group-id="{gid}"] td').nth(4)).to_have_text("–")
    # step 4: g1 gets a fourth consumer for three partitions; one card owns nothing
    for k in (2, 3, 4):
        next_step(page, k, 6)
    pick_group(page, "g1")
    expect(cards(page)).to_have_count(4, timeout=WAIT_MS)
    expect(page.get_by_test_id("consumer").locator(".chip.none")).to_have_count(1, timeout=WAIT_MS)
    expect(page.get_by_test_id("consumer").locator(".chip[data-partition]")).to_have_count(3)
    expect(panel.get_by_test_id("model-test")).to_contain_text("No 1/N test")
    # step 5: a seventh share member is assigned a partition at once
    next_step(page, 5, 6)
    pick_group(page, "share")
    expect(cards(page)).to_have_count(7, timeout=WAIT_MS)
    expect(page.get_by_test_id("consumer").locator(".chip.none")).to_have_count(0, timeout=WAIT_MS)
    expect(page.get_by_test_id("competition")).to_have_text("share group: who fetches")
    page.get_by_test_id("lang").select_option("zh")
    pick_group(page, "queue")
    expect(page.get_by_test_id("competition")).to_have_text(LABEL_ZH)


def test_lesson_8_seed_demo_ten_records_both_groups_and_all_five_share_members_on_the_one_partition(page):
    lesson(page, "seed-demo", 3)
    pick_group(page, "seed")
    expect(page.get_by_test_id("competition")).to_have_text(LABEL)
    journeys = page.get_by_test_id("record-journeys")
    expect(journeys.locator('[data-testid="journey"].back')).to_have_count(10, timeout=WAIT_MS)
    names = journeys.get_by_test_id("journey").evaluate_all("rows => rows.map(r => r.dataset.record)")
    assert names == [f"data_{i}" for i in range(10)]
    assert sum(int(x) for x in page.get_by_test_id("consumer-wins").all_inner_texts()) == 10
    expect(page.get_by_test_id("probability-panel").get_by_test_id("model-expected_wins")).to_have_text("2")
    flow = page.get_by_test_id("results-flow")
    for gid in ("seed", "share"):
        lane = flow.locator(f'[data-testid="results-lane"][data-group-id="{gid}"]')
        expect(lane.get_by_test_id("results-count")).to_have_text("10", timeout=WAIT_MS)
    next_step(page, 2, 3)
    next_step(page, 3, 3)
    pick_group(page, "share")
    expect(cards(page)).to_have_count(5)
    expect(page.get_by_test_id("consumer").locator('.chip[data-partition="0"]')).to_have_count(5)
    expect(journeys.locator('[data-testid="journey"].back')).to_have_count(10, timeout=WAIT_MS)


def test_describe_and_protocol_view_say_no_kafka_tool_knows_random_dispatch(browser):
    from conftest import start_live_server
    server, stop = start_live_server(SCENARIO="competition")
    context, probe = _probe(browser, server, DESKTOP)
    try:
        page = probe.open()
        kafka_view(page)
        expect(row(page, "queue").locator(".kz-type")).to_have_text("random dispatch (not Kafka)", timeout=WAIT_MS)
        row(page, "queue").locator("td").first.click()
        panel = page.get_by_test_id("describe-panel")
        expect(panel.locator(".kz-cmdline")).to_have_text(
            "no Kafka tool describes queue: random dispatch is the seed's idealised queue, not a Kafka mode",
            timeout=WAIT_MS)
        out = page.get_by_test_id("describe-output")
        expect(out).to_contain_text(LABEL, timeout=WAIT_MS)
        expect(out).not_to_contain_text("kafka-")
        page.get_by_test_id("describe-tab-members").click()
        expect(out).to_contain_text(re.compile(r"MEMBER +STATE +RATE +WINS +BACKLOG +PROCESSED"), timeout=WAIT_MS)
        page.get_by_test_id("config-tab").click()
        expect(page.get_by_test_id("config-panel")).to_contain_text("it has no Kafka configs")
        pv = page.get_by_test_id("protocol-view")
        expect(pv).to_contain_text("not a Kafka mode", timeout=WAIT_MS)
        probe.check_clean()
    finally:
        context.close()
        stop()


@pytest.mark.parametrize("name, viewport", [("dispatch-desktop", DESKTOP), ("dispatch-phone", PHONE)])
def test_dispatch_screenshots(browser, live_server, name, viewport):
    context, probe = _probe(browser, live_server, viewport)
    try:
        assert live_server.live.apply({"op": "reset", "scenario": "competition"})["ok"]
        page = probe.open()
        pick_group(page, "queue")
        expect(page.get_by_test_id("probability-panel").get_by_test_id("model-test")).to_contain_text("χ²",
                                                                                                     timeout=WAIT_MS)
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
        probe.check_clean()
    finally:
        context.close()
