"""Honest numbers on the page (issue 18): latency over a recent window and labelled so, partition lag bars
on one scale with a floor, unique results beside results back with duplicates explained, and counts in
the singular and plural, in English and Chinese (screenshots in artifacts/screenshots/)."""

from __future__ import annotations

import math

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.timeout(90)]

from playwright.sync_api import expect  # noqa: E402

from browser_helpers import SCREENSHOTS, WAIT_MS, card, wait_all_owned, wait_stable  # noqa: E402

LAG_BAR_FLOOR = 100      # static/topic.js


def number(locator) -> int:
    return int(locator.inner_text().replace(",", "").split()[0].lstrip("+"))


def pause(page):
    page.get_by_test_id("pause").click()
    expect(page.get_by_test_id("resume")).to_be_visible(timeout=WAIT_MS)
    page.wait_for_timeout(300)          # the last tick has been drawn


def bars(page) -> list[dict]:
    return page.eval_on_selector_all('[data-testid="partition"]', """cells => cells.map(c => ({
        lag: c.querySelector('.p-row.lag .num').textContent,
        width: parseFloat(c.querySelector('.lagbar i').style.width || '0')}))""")


def check_one_scale(page) -> int:
    scale = int(page.get_by_test_id("topic-count").get_attribute("data-lag-scale"))
    rows = [{"lag": int(b["lag"].replace(",", "")), "width": b["width"]} for b in bars(page) if b["lag"] != "-"]
    assert rows
    assert scale == max(LAG_BAR_FLOOR, max(r["lag"] for r in rows))
    for r in rows:
        # Math.round, not Python's round: a tie goes up (4 / 160 = 2.5 % draws 3 %, not 2 %)
        assert r["width"] == min(100, math.floor(r["lag"] / scale * 100 + 0.5)), (r, scale)
    return scale


@pytest.mark.parametrize("lang, label", [("en", "latency p50 / p95, last 30 s"), ("zh", "延迟 p50 / p95（最近 30 秒）")])
def test_latency_is_labelled_with_its_window(page, live_server, lang, label):
    if lang != "en":
        page.get_by_test_id("lang").select_option(lang)
    dt = page.locator(".producer dt[data-i18n='prod.latency']")
    expect(dt).to_have_text(label)
    assert "30" in dt.get_attribute("title")
    snap = live_server.live.full_snapshot()
    assert snap["producer"]["latency_ms"]["window_ms"] == 30_000


def test_partition_lag_bars_share_one_scale_with_a_floor(page, live_server):
    wait_stable(page)
    wait_all_owned(page)
    # lag is "-" until a partition's first commit (issue 16): wait for every partition's first commit
    page.wait_for_function("""() => { const c = [...document.querySelectorAll('[data-testid=partition] .p-row.lag .num')];
                                      return c.length && c.every(n => n.textContent !== '-'); }""", timeout=WAIT_MS)
    pause(page)
    small = check_one_scale(page)
    assert small == LAG_BAR_FLOOR                   # healthy lags are a few records: short bars, not full ones
    assert all(b["width"] < 50 for b in bars(page))
    expect(page.get_by_test_id("topic-count")).to_contain_text(f"lag bars 0–{LAG_BAR_FLOOR}")
    # a backlog on one partition: the others are measured against it
    page.get_by_test_id("resume").click()
    card(page, "consumer-1").get_by_test_id("pause-consumer").click()
    page.wait_for_function("() => +document.querySelector('[data-testid=topic-count]').dataset.lagScale > 150",
                           timeout=WAIT_MS)
    pause(page)
    big = check_one_scale(page)
    widths = sorted(b["width"] for b in bars(page))
    assert big > LAG_BAR_FLOOR and widths[-1] == 100 and widths[0] < 50
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "numbers-lag-bars-1280x800.png"))


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_unique_results_sit_beside_results_back_and_duplicates_are_explained(page, live_server, lang):
    if lang != "en":
        page.get_by_test_id("lang").select_option(lang)
    wait_stable(page)
    wait_all_owned(page)
    dups = page.get_by_test_id("producer-dups")
    expect(dups).to_be_hidden()
    # a crash before the offsets are committed: the next owner re-reads, the producer gets results twice
    # (no commits at all, so the crash always leaves records to re-read, however the kill's timing falls)
    assert live_server.live.apply({"op": "set_commit_mode", "group_id": "g1", "mode": "none"})["ok"]
    page.wait_for_timeout(1500)
    card(page, "consumer-2").get_by_test_id("kill-consumer").click()
    expect(dups).to_be_visible(timeout=WAIT_MS)
    pause(page)
    results, unique = number(page.get_by_test_id("producer-results")), number(page.get_by_test_id("producer-unique"))
    n = number(dups)
    assert n > 0 and results - unique == n
    title = dups.get_attribute("title")
    if lang == "en":
        expect(dups).to_have_text(f"+{n} duplicate" + ("" if n == 1 else "s"))
        assert "redelivery" in title and "At-least-once" in title
    else:
        expect(dups).to_have_text(f"+{n} 条重复")
        assert "重新投递" in title and "至少一次" in title
    snap = live_server.live.full_snapshot()
    assert sum(g["unique"] for g in snap["producer"]["groups"].values()) == unique
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"numbers-duplicates-{lang}-1280x800.png"))


def test_counts_are_singular_or_plural_in_both_languages(page):
    forms = page.evaluate("""async () => {
        const i18n = await import('/static/i18n.js');
        const out = {};
        for (const lang of ['en', 'zh']) {
            i18n.setLang(lang);
            out[lang] = [0, 1, 2, 1000].map(n => i18n.plural(n, 'topic.partitions', {}, x => x.toLocaleString('en-US')));
            out[lang + '-dups'] = [1, 3].map(n => i18n.plural(n, 'kz.dups'));
            out[lang + '-keys'] = [1, 1000].map(n => i18n.plural(n, 'prod.keys.uniform'));
        }
        i18n.setLang('en');
        return out;
    }""")
    assert forms["en"] == ["0 partitions", "1 partition", "2 partitions", "1,000 partitions"]
    assert forms["zh"] == ["0 个分区", "1 个分区", "2 个分区", "1,000 个分区"]
    assert forms["en-dups"] == ["1 duplicate", "3 duplicates"] and forms["zh-dups"] == ["重复 1 条", "重复 3 条"]
    assert forms["en-keys"] == ["uniform over 1 key", "uniform over 1000 keys"]
    expect(page.get_by_test_id("topic-count")).to_contain_text("6 partitions")


def test_before_the_first_commit_the_lag_chart_draws_the_backlog_from_the_starting_position(page, live_server):
    """Lag is "-" until a commit (kafka-consumer-groups.sh prints LAG -), but the backlog is drawn: a grey
    dashed "no commit yet" line, log end minus the starting position (auto.offset.reset), never a 0."""
    # from a fresh start with commits off (the server may have auto-committed already on a slow machine: at
    # the test server's 4x the first auto-commit comes after ~1.3 s of wall time)
    for cmd in ({"op": "pause"}, {"op": "reset"}, {"op": "set_commit_mode", "group_id": "g1", "mode": "none"},
                {"op": "resume"}):
        assert live_server.live.apply(cmd)["ok"], cmd
    wait_stable(page)
    trace = """() => { const d = document.getElementById('lag-chart').data || [];
                       const tr = d.find(t => t.name === 'no commit yet');
                       return tr ? tr.y.filter(v => v !== null) : null; }"""
    page.wait_for_function(f"({trace})() && ({trace})().length > 3", timeout=WAIT_MS)
    ys = page.evaluate(trace)
    assert ys[-1] > ys[0] >= 0 and ys[-1] > 0        # the backlog grows: nothing is committed (0 at t=0)
    g1 = next(g for g in live_server.live.full_snapshot()["groups"] if g["group_id"] == "g1")
    assert g1["lag"] is None and g1["uncommitted_gap"] > 0
    expect(card(page, "consumer-1").locator(".c-stats")).to_contain_text("-")


@pytest.mark.parametrize("lang,text", [("en", "from 2 groups"), ("zh", "来自 2 个组")])
def test_with_two_groups_results_back_says_it_counts_each_group(page, live_server, lang, text):
    """Each group sends a result per record: with two, "results back" can reach twice "sent", and the
    panel says why (one group: no note)."""
    note = page.get_by_test_id("producer-groups")
    expect(note).to_be_hidden()
    if lang == "zh":
        page.select_option('[data-testid="lang"]', "zh")
    assert live_server.live.apply({"op": "reset", "scenario": "two-topics"})["ok"]
    expect(note).to_have_text(text, timeout=WAIT_MS)
    assert "2" in note.get_attribute("title")
    page.wait_for_function("() => Number(document.querySelector('[data-testid=producer-results]').textContent"
                           ".replace(/,/g, '')) > Number(document.querySelector('[data-testid=producer-sent]')"
                           ".textContent.replace(/,/g, ''))", timeout=WAIT_MS)   # more results than sent
