"""The downloadable report is standalone (plotly.js inside, nothing fetched) and complete."""

import csv
import io
import json
import re
from html import escape as html_escape
from pathlib import Path

from groupviz.classroom import report
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


def test_report_labels_random_dispatch_and_says_what_decides_a_share_groups_shares():
    e = Engine(seed=7, scenario="competition")
    e.step(15_000)
    html = report.build_html(e.snapshot(), e.export_log())
    assert "queue (random dispatch — the seed&#x27;s idealised queue, not a Kafka mode)" in html
    assert "share (share group: who fetches decides (no 1/N model))" in html
    assert "there is no 1/N model to test" in html
