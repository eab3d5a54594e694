"""The downloadable report is standalone (plotly.js inside, nothing fetched) and complete."""

import csv
import io
import json
import re
from html import escape as html_escape
from pathlib import Path

from groupviz.classroom import report, report_text
from groupviz.engine.core import Engine


def run():
    e = Engine(seed=7)
    e.step(20_000)
    e.apply({"op": "kill_consumer", "member_id": "consumer-1"})
    e.step(20_000)
    return e


def test_report_html_is_standalone_and_has_charts_tables_and_log():
    e = run()
    html = report.build_html(e.snapshot(), e.export_log())
    import plotly.offline

    assert plotly.offline.get_plotlyjs() in html                 # plotly.js itself is inside the file
    page = html.replace(plotly.offline.get_plotlyjs(), "")
    assert "<script src=" not in page
    assert not re.search(r'<(script|link|img)[^>]+(src|href)="https?://', page)
    assert html.count('class="plotly-graph-div"') == 2          # lag + throughput for g1
    assert "Assignment history" in html and "Event log" in html and "rebalances" in html
    assert "consumer-1 missed heartbeats for 6000 ms" in html
    assert '"format": "groupviz-log/1"' in html.replace("&quot;", '"')


def test_metrics_csv_and_events_json():
    e = run()
    snap = e.snapshot()
    rows = list(csv.DictReader(io.StringIO(report.metrics_csv(snap))))
    assert rows and set(rows[0]) == {"time_ms", "group", "metric", "name", "value"}
    assert {r["metric"] for r in rows} == {"lag", "throughput", "partition_lag", "total_lag"}
    ev = json.loads(report.events_json(snap, e.export_log()))
    assert ev["events"] and ev["command_log"]["commands"][0]["cmd"]["op"] == "kill_consumer"


def test_report_has_the_probability_model_table_for_every_group():
    e = Engine(seed=7, scenario="competition")
    e.step(15_000)
    snap = e.snapshot()
    html = report.build_html(snap, e.export_log())
    assert "Probability model: who wins a record?" in html
    for g in snap["groups"]:
        assert f"<h3>{g['group_id']} (" in html
        for m in g["model"]["members"]:
            assert f"<td>{m['member_id']}</td><td>{m['wins']}</td>" in html
    assert "<td>1/N × 1/M</td>" in html and "0.03333" in html          # N = 3, M = 10
    assert "chi-square goodness of fit: consistent with" in html


def test_report_uses_the_pages_consumer_colours():
    palette = (Path(__file__).resolve().parents[2] / "static" / "palette.js").read_text()
    assert re.findall(r'"(#[0-9A-Fa-f]{6})"', palette) == report.PALETTE


def test_report_in_chinese_translates_headings_tables_and_narration():
    e = run()
    snap = e.snapshot()
    zh = report.build_html(snap, e.export_log(), lang="zh")
    assert '<html lang="zh-CN">' in zh and "<title>groupviz 报告</title>" in zh
    for heading in ("积压与吞吐量（阴影：再均衡）", "分配历史", "事件日志", "命令日志（可重放）", "g1：当前成员"):
        assert heading in zh
    narrated = [ev for ev in snap["events"] if ev.get("text_zh")]
    assert narrated and all(html_escape(ev["text_zh"]) in zh for ev in narrated[-5:])
    unknown = report.build_html(snap, lang="xx")                  # plotly's div ids are random: compare text
    assert '<html lang="en">' in unknown and "<h2>Assignment history</h2>" in unknown


def test_report_route_takes_the_language(app_and_client):
    app, _ = app_and_client
    client = app.test_client()
    zh = client.get("/report?lang=zh")
    assert zh.status_code == 200 and "groupviz 报告" in zh.get_data(as_text=True)
    assert zh.headers["Content-Disposition"].endswith('-zh.html"')
    other = client.get("/report?lang=<script>")
    assert other.status_code == 200 and '<html lang="en">' in other.get_data(as_text=True)


def competition_report(lang):
    e = Engine(seed=7, scenario="competition")
    e.step(20_000)
    return e.snapshot(), report.build_html(e.snapshot(), e.export_log(), lang=lang)


def test_a_classic_group_gets_no_1_over_n_test_and_the_report_says_why():
    snap, html = competition_report("en")
    g1 = next(g for g in snap["groups"] if g["group_id"] == "g1")
    assert g1["model"]["test"]["applies"] is False and g1["model"]["test"]["p_value"] is None
    section = html.split("<h3>g1 (", 1)[1].split("<h3>", 1)[0]
    assert "p =" not in section and "differs" not in section and "goodness of fit" not in section
    assert "every partition has exactly one owner" in section
    assert "share of the partitions it owns" in section and "<td>1/N × 1/M</td>" not in section
    owned = {m["member_id"]: len(m["partitions"]) for m in g1["members"]}
    total = sum(owned.values())
    for row in g1["model"]["members"]:           # the share it is compared with: the partitions it owns
        assert row["expected_share"] == owned[row["member_id"]] / total and row["within_ci"] is None
    # only random dispatch (the seed's model) is tested against 1/N; the share group is not tested either
    assert html.count("chi-square goodness of fit: consistent with") == 1


def test_the_chinese_report_is_chinese_apart_from_kafkas_names():
    e = Engine(seed=7, scenario="competition")
    e.step(20_000)
    e.apply({"op": "kill_consumer", "member_id": "consumer-4"})
    e.step(10_000)
    zh = report.build_html(e.snapshot(), e.export_log(), lang="zh")
    body = zh.split("<body>", 1)[1].split('<pre id="command-log">', 1)[0]
    body = re.sub(r"<script.*?</script>", "", body, flags=re.S)
    text = re.sub(r"<[^>]+>", " ", body).replace("&#x27;", "'")
    for english in ("chi-square", "goodness of fit", "active", "assigned", "revoked", "crashed", "member_joined",
                    "duplicates", "not tested", "consistent with", "wins"):
        assert not re.search(rf"\b{english}\b", text), english
    assert "卡方拟合优度检验" in text and "活跃" in text and "分配" in text and "撤销" in text
    assert "不做 1/N 检验" in text
    kafka_names = {"CompletingRebalance", "Empty", "JoinGroup", "P_win", "PreparingRebalance", "ShareGroupHeartbeat",
                   "Stable", "Wilson", "competition", "eager", "groupviz", "queue", "range", "share", "simple",
                   "work", "Kafka", "group.share.record.lock.duration.ms", "session.timeout.ms", "LeaveGroup", "Heartbeat"}
    words = set(re.findall(r"[A-Za-z][A-Za-z_.]{2,}", re.sub(r"(consumer|orders)-\d+", "", text)))
    assert words <= kafka_names, words - kafka_names


def test_counts_in_the_report_use_singular_and_plural():
    assert report_text.tr("en", "dups", n=1).startswith("1 duplicate (")
    assert report_text.tr("en", "dups", n=2).startswith("2 duplicates (")
    assert report_text.tr("en", "more", n=1) == "… and 1 more member."
    assert report_text.tr("en", "more", n=3) == "… and 3 more members."
    assert report_text.tr("en", "wins", n=1) == "1 win counted" and report_text.tr("en", "wins", n=0) == "0 wins counted"
    assert report_text.tr("en", "processed", n=1) == "1 record processed"
    assert "N = 1 live member," in report_text.tr("en", "model.head", g="g", how="h", n=1, m=10, wins="1 win")
    assert report_text.tr("zh", "dups", n=1).startswith("重复 1 条")


def test_the_summary_shows_unique_results_duplicates_and_the_latency_window():
    e = Engine(seed=7, scenario="competition")
    e.step(20_000)
    snap = e.snapshot()
    html = report.build_html(snap, lang="en")
    p = snap["producer"]
    unique = sum(g["unique"] for g in p["groups"].values())
    dups = p["results"] - unique
    assert f"results back {p['results']}: {unique} unique, " + (f"{dups} duplicate" if dups else "no duplicates") in html
    assert "over the last 30 s of simulated time" in html
    zh = report.build_html(snap, lang="zh")
    assert f"不重复 {unique} 条" in zh and "最近 30 秒模拟时间" in zh


def test_duplicates_after_a_crash_are_counted_and_explained_in_the_summary():
    e = run()                                   # consumer-1 killed before its offsets were committed
    snap = e.snapshot()
    p = snap["producer"]
    dups = p["results"] - sum(g["unique"] for g in p["groups"].values())
    assert dups > 0
    html = report.build_html(snap, lang="en")
    assert f"{dups} duplicate{'s' if dups > 1 else ''} (record" in html and "after a redelivery" in html
    assert f"重复 {dups} 条（重新投递后再次处理的记录）" in report.build_html(snap, lang="zh")


def test_lag_before_any_commit_is_a_dash_and_a_gap_in_the_report_never_zero():
    e = Engine(seed=7)
    e.apply({"op": "set_commit_mode", "group_id": "g1", "mode": "none"})
    e.step(15_000)
    snap = e.snapshot()
    html = report.build_html(snap, e.export_log())
    rows = re.findall(r"<tr><td>(consumer-\d)</td><td>active</td><td>[^<]*</td><td>\d+</td><td>([^<]*)</td></tr>", html)
    assert len(rows) == 3 and all(lag == "-" for _, lag in rows)
    total = [r for r in csv.DictReader(io.StringIO(report.metrics_csv(snap))) if r["metric"] == "total_lag"]
    assert total and all(r["value"] == "" for r in total)       # a gap in the chart, not 0


def test_report_labels_random_dispatch_and_says_what_decides_a_share_groups_shares():
    e = Engine(seed=7, scenario="competition")
    e.step(15_000)
    html = report.build_html(e.snapshot(), e.export_log())
    assert "queue (random dispatch — the seed&#x27;s idealised queue, not a Kafka mode)" in html
    assert "share (share group: who fetches decides (no 1/N model))" in html
    assert "there is no 1/N model to test" in html
