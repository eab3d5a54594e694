"""The downloadable report: one standalone HTML file (plotly.js inlined, so it opens
offline), plus CSV of the metrics and JSON of the events.

Built from the snapshot (with history) only, like the page.
"""

from __future__ import annotations

import csv
import html
import io
import json

from groupviz.classroom.probability import FORMULA_LABELS

# The page's consumer colours (static/palette.js): Okabe & Ito, then two of Paul Tol's muted colours.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#882255", "#44AA99"]


#: Every sentence of the report in English and Chinese (GET /report?lang=zh). Kafka's own names
#: (states, config keys, assignors) stay as Kafka prints them.
TEXT = {
    "en": {
        "title": "groupviz report", "lag": "Lag (records behind)", "throughput": "Throughput",
        "records": "records", "rps": "records/s", "total": "group total", "x": "simulated time (s)",
        "gen": "gen {g}",
        "summary": "seed {seed}, scenario {scenario}, simulated time {t} s; producer sent {sent}, results back "
                   "{results} (including {dups} duplicates)",
        "charts": "Lag and throughput (shaded: rebalances)",
        "rebalances": "{g}: rebalances ({assignor}, {protocol})",
        "reb.cols": ["generation", "start (s)", "took (s)", "partitions moved", "reason"],
        "members": "{g}: members now", "mem.cols": ["member", "state", "partitions", "processed", "lag"],
        "history": "Assignment history", "hist.cols": ["time (s)", "group", "member", "event", "partitions"],
        "model": "Probability model: who wins a record? (the seed's P_win(i) = 1/N × 1/M)",
        "model.head": "{g} ({how}): N = {n} live members, M = {m} records per batch, {wins} wins counted",
        "model.cols": ["formula", "meaning", "value"],
        "model.members": ["member", "wins", "share of wins", "model", "95% interval (Wilson)", "inside it"],
        "yes": "yes", "no": "no", "more": "… and {n} more members.",
        "random": "random dispatch — the seed's idealised queue, not a Kafka mode",
        "share": "share group: who fetches decides (no 1/N model)",
        "first-free": "share group, first free member wins",
        "sharding": "consumer group: partitions decide (sharding)",
        "events": "Event log", "ev.cols": ["time (s)", "type", "text"],
        "log": "Command log (replayable)",
    },
    "zh": {
        "title": "groupviz 报告", "lag": "积压（落后的消息数）", "throughput": "吞吐量",
        "records": "条", "rps": "条/秒", "total": "组合计", "x": "模拟时间（秒）",
        "gen": "第 {g} 代",
        "summary": "种子 {seed}，场景 {scenario}，模拟时间 {t} 秒；生产者已发送 {sent} 条，返回结果 {results} 条"
                   "（其中重复 {dups} 条）",
        "charts": "积压与吞吐量（阴影：再均衡）",
        "rebalances": "{g}：再均衡（{assignor}，{protocol}）",
        "reb.cols": ["代", "开始（秒）", "耗时（秒）", "移动的分区", "原因"],
        "members": "{g}：当前成员", "mem.cols": ["成员", "状态", "分区", "已处理", "积压"],
        "history": "分配历史", "hist.cols": ["时间（秒）", "组", "成员", "事件", "分区"],
        "model": "概率模型：谁赢得一条记录？（种子文档的 P_win(i) = 1/N × 1/M）",
        "model.head": "{g}（{how}）：N = {n} 个存活成员，M = 每批 {m} 条记录，共统计 {wins} 次获胜",
        "model.cols": ["公式", "含义", "数值"],
        "model.members": ["成员", "获胜次数", "获胜份额", "模型", "95% 区间（Wilson）", "是否在区间内"],
        "yes": "是", "no": "否", "more": "……另有 {n} 个成员。",
        "random": "随机分派——种子文档中理想化的队列，不是 Kafka 的模式",
        "share": "共享组：由谁来拉取决定（没有 1/N 模型）", "first-free": "共享组，先空闲者得", "sharding": "消费者组：由分区决定（分片）",
        "events": "事件日志", "ev.cols": ["时间（秒）", "类型", "说明"],
        "log": "命令日志（可重放）",
    },
}
LANGS = tuple(TEXT)


def _tr(lang: str, key: str, **kw):
    v = TEXT.get(lang, TEXT["en"])[key]
    return v.format(**kw) if kw else v


def _color(i: int) -> str:
    return PALETTE[i % len(PALETTE)]


def metrics_csv(snapshot: dict) -> str:
    h = snapshot.get("history") or {"time_ms": [], "groups": {}}
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(["time_ms", "group", "metric", "name", "value"])
    times = h["time_ms"]
    for gid, g in h["groups"].items():
        for metric in ("lag", "throughput", "partition_lag"):
            for name, series in g.get(metric, {}).items():
                for t, v in zip(times, series):
                    w.writerow([t, gid, metric, name, "" if v is None else v])
        for t, v in zip(times, g.get("total_lag", [])):
            w.writerow([t, gid, "total_lag", "", "" if v is None else v])
    return out.getvalue()


def events_json(snapshot: dict, log: dict | None = None) -> str:
    return json.dumps({"events": snapshot.get("events", []), "command_log": log}, ensure_ascii=False, indent=1)


def _figures(snapshot: dict, lang: str = "en"):
    import plotly.graph_objects as go

    h = snapshot.get("history") or {"time_ms": [], "groups": {}}
    xs = [t / 1000 for t in h["time_ms"]]
    colors = {m["member_id"]: _color(m.get("color", 0)) for g in snapshot["groups"] for m in g["members"]}

    def color_of(name):   # members that already left keep the colour of their creation order
        if name in colors:
            return colors[name]
        tail = name.rsplit("-", 1)[-1]
        return _color(int(tail) - 1) if tail.isdigit() else "#555"

    figs = []
    for g in snapshot["groups"]:
        gid = g["group_id"]
        gh = h["groups"].get(gid, {})
        for metric, title, unit in (("lag", _tr(lang, "lag"), _tr(lang, "records")),
                                    ("throughput", _tr(lang, "throughput"), _tr(lang, "rps"))):
            fig = go.Figure()
            for name, series in gh.get(metric, {}).items():
                fig.add_trace(go.Scatter(x=xs, y=series, name=name, mode="lines",
                                         line={"color": color_of(name)}))
            if metric == "lag" and gh.get("total_lag"):
                fig.add_trace(go.Scatter(x=xs, y=gh["total_lag"], name=_tr(lang, "total"), mode="lines",
                                         line={"color": "#333", "dash": "dot"}))
            for r in g.get("rebalances", []):
                start = r["start_ms"] / 1000
                end = (r["end_ms"] if r.get("end_ms") is not None else snapshot["time_ms"]) / 1000
                fig.add_vrect(x0=start, x1=max(end, start + 0.05), fillcolor="#888", opacity=0.18, line_width=0,
                              annotation_text=_tr(lang, "gen", g=r["generation"]), annotation_position="top left")
            fig.update_layout(title=f"{gid}: {title}", xaxis_title=_tr(lang, "x"), yaxis_title=unit,
                              height=320, autosize=True, margin={"l": 50, "r": 20, "t": 50, "b": 40}, template="plotly_white")
            figs.append(fig)
    return figs


def _table(headers, rows) -> str:
    head = "".join(f"<th>{html.escape(str(h))}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{html.escape('' if c is None else str(c))}</td>" for c in r) + "</tr>"
                   for r in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _pct(x) -> str:
    return "" if x is None else f"{100 * x:.1f}%"


def _probability_sections(snapshot: dict, lang: str = "en") -> list[str]:
    """The seed's probability model beside what each group measured (the snapshot's `model`,
    from probability.model_panel): the formulas for N and M, then each member's wins."""
    labels = {key: label.get(lang, label["en"]) for key, label in FORMULA_LABELS.items()}
    yes_no = {True: _tr(lang, "yes"), False: _tr(lang, "no"), None: ""}
    out = []
    for g in snapshot["groups"]:
        model = g.get("model")
        if not model:
            continue
        competition = str(model.get("competition"))
        how = _tr(lang, competition) if competition in TEXT["en"] else competition
        formulas = _table(_tr(lang, "model.cols"),
                          [(f["formula"], labels.get(f["key"], f["key"]), f"{f['value']:.4g}")
                           for f in model.get("formulas", [])])
        members = _table(_tr(lang, "model.members"),
                         [(m["member_id"], m["wins"], _pct(m.get("share")), _pct(m.get("expected_share")),
                           "" if not m.get("ci95") or m.get("share") is None else
                           f"{_pct(m['ci95'][0])} – {_pct(m['ci95'][1])}", yes_no[m.get("within_ci")])
                          for m in model.get("members", [])])
        more = model.get("members_total", len(model.get("members", []))) - len(model.get("members", []))
        test = model.get("test") or {}
        verdict = (test.get("verdict") or {}).get(lang) or (test.get("verdict") or {}).get("en", "")
        head = _tr(lang, "model.head", g=g["group_id"], how=how, n=model.get("n"), m=model.get("m"),
                   wins=model.get("total_wins", 0))
        out.append(f"<h3>{html.escape(head)}</h3>" + formulas + members
                   + (f"<p>{html.escape(_tr(lang, 'more', n=more))}</p>" if more > 0 else "")
                   + (f"<p>{html.escape(str(test['kind']))}: {html.escape(verdict)}</p>" if test.get("kind")
                      else f"<p>{html.escape(verdict)}</p>"))
    return out


def _group_sections(snapshot: dict, lang: str) -> list[str]:
    """Per group: its rebalances, then its members now."""
    h = html.escape
    sections = []
    for g in snapshot["groups"]:
        rows = [(r["generation"], f"{r['start_ms'] / 1000:.1f}", "" if r.get("end_ms") is None else
                 f"{(r['end_ms'] - r['start_ms']) / 1000:.2f}", r.get("moved", 0),
                 r.get(f"reason_{lang}") or r.get("reason", ""))
                for r in g.get("rebalances", [])]
        title = _tr(lang, "rebalances", g=g["group_id"], assignor=g["assignor"], protocol=g.get("protocol", ""))
        sections.append(f"<h3>{h(title)}</h3>" + _table(_tr(lang, "reb.cols"), rows))
        assign_rows = [(m["member_id"], m["state"], ", ".join(f"{t}-{p}" for t, p in m["partitions"]),
                        m["processed"], m.get("lag")) for m in g["members"]]
        sections.append(f"<h3>{h(_tr(lang, 'members', g=g['group_id']))}</h3>"
                        + _table(_tr(lang, "mem.cols"), assign_rows))
    return sections


def build_html(snapshot: dict, log: dict | None = None, lang: str = "en") -> str:
    """A standalone report in `lang` ("en" or "zh"); the probability-model tables come from each
    group's `model` in the snapshot."""
    import plotly.offline

    lang = lang if lang in TEXT else "en"
    h = html.escape
    parts = ["<div>" + f.to_html(full_html=False, include_plotlyjs=False, default_width="100%",
                                 config={"responsive": True}) + "</div>" for f in _figures(snapshot, lang)]
    sections = _group_sections(snapshot, lang)
    assigned = [e for e in snapshot.get("events", []) if e["type"] in ("assigned", "revoked")]
    sections.append(f"<h2>{h(_tr(lang, 'history'))}</h2>" + _table(
        _tr(lang, "hist.cols"),
        [(f"{e['time_ms'] / 1000:.2f}", e.get("group_id"), e.get("member_id"), e["type"],
          ", ".join(f"{t}-{p}" for t, p in e.get("partitions", []))) for e in assigned]))
    model_sections = _probability_sections(snapshot, lang)
    if model_sections:
        sections.append(f"<h2>{h(_tr(lang, 'model'))}</h2>" + "".join(model_sections))
    text_key = "text" if lang == "en" else f"text_{lang}"
    sections.append(f"<h2>{h(_tr(lang, 'events'))}</h2>" + _table(
        _tr(lang, "ev.cols"),
        [(f"{e['time_ms'] / 1000:.2f}", e["type"], e.get(text_key) or e.get("text", ""))
         for e in snapshot.get("events", [])]))
    p = snapshot["producer"]
    summary = _tr(lang, "summary", seed=snapshot["seed"], scenario=snapshot.get("scenario"),
                  t=f"{snapshot['time_ms'] / 1000:.1f}", sent=p["produced"], results=p["results"],
                  dups=sum(g.get("duplicates", 0) for g in snapshot["groups"]))
    log_json = h(json.dumps(log)) if log else ""
    html_lang = "zh-CN" if lang == "zh" else "en"
    return f"""<!doctype html>
<html lang="{html_lang}"><head><meta charset="utf-8"><title>{h(_tr(lang, "title"))}</title>
<script type="text/javascript">{plotly.offline.get_plotlyjs()}</script>
<style>body{{font-family:system-ui,"Noto Sans CJK SC","PingFang SC","Microsoft YaHei",sans-serif;margin:24px;color:#222}}
table{{border-collapse:collapse;margin:8px 0 20px}}
td,th{{border:1px solid #ccc;padding:3px 8px;font-size:13px;text-align:left}} th{{background:#f3f3f3}}
.charts>div{{max-width:1100px}} pre{{white-space:pre-wrap;word-break:break-all;font-size:12px}}</style></head>
<body><h1>{h(_tr(lang, "title"))}</h1><p>{h(summary)}</p>
<h2>{h(_tr(lang, "charts"))}</h2><div class="charts">{''.join(parts)}</div>
{''.join(sections)}
<h2>{h(_tr(lang, "log"))}</h2><pre id="command-log">{log_json}</pre>
</body></html>"""
