"""The page on real Kafka: a "real Kafka" label naming the cluster, the controls real Kafka cannot honour
disabled with a tooltip saying why; twin mode's simulated and real group one above the other (assignment,
rebalance timeline, the named differences); observer mode's page. Screenshots at 1280x800 and 390x844."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from browser_helpers import DESKTOP, PHONE, SCREENSHOTS, _probe
from conftest import start_live_server
from groupviz.realkafka.backend import KafkaBackend
from groupviz.realkafka.twin import DIFFERENCES, TwinBackend

pytestmark = [pytest.mark.browser, pytest.mark.timeout(180)]
REAL_WAIT_MS = 40_000
OFF = {"pause": "wall time", "step": "wall time", "speed": "wall time", "reset": "wall time",
       "lesson-select": "simulation", "scenario": "simulation", "add-partition": "topic"}


def _side(page, side):
    return page.locator(f'[data-testid="twin-side"][data-side="{side}"]')


def _shoot(browser, server, name, ready):
    for viewport, suffix in ((DESKTOP, "desktop"), (PHONE, "phone")):
        context, probe = _probe(browser, server, viewport)
        try:
            page = probe.open()
            ready(page)
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SCREENSHOTS / f"{name}-{suffix}.png"))
            probe.check_clean()
        finally:
            context.close()


def test_twin_mode_shows_both_groups_one_above_the_other_and_real_kafka_controls_say_why_they_are_off(browser):
    backend = TwinBackend("mock")
    server, stop = start_live_server(speed=1.0, ENGINE=backend)
    try:
        context, probe = _probe(browser, server, DESKTOP)
        try:
            page = probe.open()
            label = page.get_by_test_id("backend-label")
            expect(label).to_have_text(re.compile(r"real Kafka · embedded mock cluster 127\.0\.0\.1:\d+ · twin"))
            for testid, why in OFF.items():
                node = page.get_by_test_id(testid)
                expect(node).to_be_disabled()
                expect(node).to_have_attribute("title", re.compile(why))
            expect(page.get_by_test_id("add-consumer")).to_be_enabled()
            expect(page.get_by_test_id("twin-side")).to_have_count(2)
            box = [_side(page, s).bounding_box() for s in ("simulation", "kafka")]
            assert box[0]["y"] + box[0]["height"] <= box[1]["y"]              # one above the other
            for side in ("simulation", "kafka"):
                expect(_side(page, side).get_by_test_id("twin-cell")).to_have_count(6)
                expect(_side(page, side).locator('[data-testid="twin-cell"][data-owner=""]')).to_have_count(
                    0, timeout=REAL_WAIT_MS)
                expect(_side(page, side).get_by_test_id("twin-band").first).to_be_attached(timeout=REAL_WAIT_MS)
            expect(page.get_by_test_id("twin-difference")).to_have_count(len(DIFFERENCES))
            expect(page.get_by_test_id("twin-difference").first).to_contain_text("join window")
            expect(page.get_by_test_id("chart-group")).to_contain_text("g1 (simulated)")
            page.get_by_test_id("add-consumer").click()
            expect(_side(page, "simulation").locator('[data-owner="consumer-4"]').first).to_be_attached()
            expect(_side(page, "kafka").locator('[data-owner="consumer-4.kafka"]').first).to_be_attached(
                timeout=REAL_WAIT_MS)
            probe.check_clean()
        finally:
            context.close()
        _shoot(browser, server, "realkafka-twin", lambda p: expect(
            p.locator('[data-side="kafka"] [data-testid="twin-cell"][data-owner=""]')).to_have_count(0, timeout=REAL_WAIT_MS))
    finally:
        stop()
        backend.close()


def test_the_observer_page_says_real_kafka_and_offers_no_control_that_would_join(browser):
    committer = KafkaBackend("mock", consumers=1, producer_rate=20)
    observer = KafkaBackend(committer.bootstrap, observe=["g1"])
    server, stop = start_live_server(speed=1.0, ENGINE=observer)
    try:
        def ready(page):
            expect(page.get_by_test_id("backend-label")).to_have_text(
                re.compile(r"real Kafka · cluster 127\.0\.0\.1:\d+ · observing g1"))
            add = page.get_by_test_id("add-consumer")
            expect(add).to_be_disabled()
            expect(add).to_have_attribute("title", re.compile("only watches"))
            page.wait_for_function("() => window.groupviz.state.snap.groups[0].partitions.every(p => p.committed > 0)",
                                   timeout=REAL_WAIT_MS)           # the committer's offsets, read by the observer
            expect(page.get_by_test_id("lag-status")).to_have_text(re.compile("OK|WARN"))
        _shoot(browser, server, "realkafka-observer", ready)
    finally:
        stop()
        observer.close()
        committer.close()
