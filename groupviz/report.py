"""The downloadable report: one standalone HTML file (plotly.js inlined, so it opens
offline), plus CSV of the metrics and JSON of the events.

Built from the snapshot (with history) only, like the page.
"""

from __future__ import annotations

import csv
import html
import io
import json

# The page's consumer colours (static/palette.js): Okabe & Ito, then two of Paul Tol's muted colours.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#882255", "#44AA99"]


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


def _figures(snapshot: dict):
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
        for metric, title, unit in (("lag", "Lag (records behind)", "records"),
                                    ("throughput", "Throughput", "records/s")):
            fig = go.Figure()
            for name, series in gh.get(metric, {}).items():
                fig.add_trace(go.Scatter(x=xs, y=series, name=name, mode="lines",
                                         line={"color": color_of(name)}))
            if metric == "lag" and gh.get("total_lag"):
                fig.add_trace(go.Scatter(x=xs, y=gh["total_lag"], name="group total", mode="lines",
                                         line={"color": "#333", "dash": "dot"}))
            for r in g.get("rebalances", []):
                start = r["start_ms"] / 1000
                end = (r["end_ms"] if r.get("end_ms") is not None else snapshot["time_ms"]) / 1000
                fig.add_vrect(x0=start, x1=max(end, start + 0.05), fillcolor="#888", opacity=0.18, line_width=0,
                              annotation_text=f"gen {r['generation']}", annotation_position="top left")
            fig.update_layout(title=f"{gid}: {title}", xaxis_title="simulated time (s)", yaxis_title=unit,
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


def _probability_sections(snapshot: dict) -> list[str]:
    """The seed's probability model beside what each group measured (the snapshot's `model`,
    from groupviz.probability.model_panel): the formulas for N and M, then each member's wins."""
    from .probability import model_panel

    labels = {f["key"]: f["label"]["en"] for f in model_panel({"members": [], "wins": {}}, 1)["formulas"]}
    out = []
    for g in snapshot["groups"]:
        model = g.get("model")
        if not model:
            continue
        how = {"random": "share group, random competition", "first-free": "share group, first free member wins",
               "sharding": "consumer group: partitions decide (sharding)"}.get(model.get("competition"),
                                                                               str(model.get("competition")))
        formulas = _table(["formula", "meaning", "value"],
                          [(f["formula"], labels.get(f["key"], f["key"]), f"{f['value']:.4g}")
                           for f in model.get("formulas", [])])
        members = _table(["member", "wins", "share of wins", "model", "95% interval (Wilson)", "inside it"],
                         [(m["member_id"], m["wins"], _pct(m.get("share")), _pct(m.get("expected_share")),
                           "" if not m.get("ci95") or m.get("share") is None else
                           f"{_pct(m['ci95'][0])} – {_pct(m['ci95'][1])}",
                           {True: "yes", False: "no", None: ""}[m.get("within_ci")])
                          for m in model.get("members", [])])
        more = model.get("members_total", len(model.get("members", []))) - len(model.get("members", []))
        test = model.get("test") or {}
        verdict = (test.get("verdict") or {}).get("en", "")
        out.append(f"<h3>{html.escape(g['group_id'])} ({html.escape(how)}): N = {model.get('n')} live members, "
                   f"M = {model.get('m')} records per batch, {model.get('total_wins', 0)} wins counted</h3>"
                   + formulas + members
                   + (f"<p>… and {more} more members.</p>" if more > 0 else "")
                   + f"<p>{html.escape(str(test.get('kind', 'test')))}: {html.escape(verdict)}</p>")
    return out


def build_html(snapshot: dict, log: dict | None = None, probability: list | None = None) -> str:
    """A standalone report. The probability-model tables come from each group's `model` in the
    snapshot; `probability`: optional extra rows for one more table."""
    import plotly.offline

    parts = ["<div>" + f.to_html(full_html=False, include_plotlyjs=False, default_width="100%",
                                 config={"responsive": True}) + "</div>" for f in _figures(snapshot)]
    sections = []
    for g in snapshot["groups"]:
        rows = [(r["generation"], f"{r['start_ms'] / 1000:.1f}", "" if r.get("end_ms") is None else
                 f"{(r['end_ms'] - r['start_ms']) / 1000:.2f}", r.get("moved", 0), r.get("reason", ""))
                for r in g.get("rebalances", [])]
        sections.append(f"<h3>{html.escape(g['group_id'])}: rebalances ({html.escape(g['assignor'])}, "
                        f"{html.escape(str(g.get('protocol', '')))})</h3>"
                        + _table(["generation", "start (s)", "took (s)", "partitions moved", "reason"], rows))
        assign_rows = [(m["member_id"], m["state"], ", ".join(f"{t}-{p}" for t, p in m["partitions"]),
                        m["processed"], m.get("lag")) for m in g["members"]]
        sections.append(f"<h3>{html.escape(g['group_id'])}: members now</h3>"
                        + _table(["member", "state", "partitions", "processed", "lag"], assign_rows))
    assigned = [e for e in snapshot.get("events", []) if e["type"] in ("assigned", "revoked")]
    sections.append("<h2>Assignment history</h2>" + _table(
        ["time (s)", "group", "member", "event", "partitions"],
        [(f"{e['time_ms'] / 1000:.2f}", e.get("group_id"), e.get("member_id"), e["type"],
          ", ".join(f"{t}-{p}" for t, p in e.get("partitions", []))) for e in assigned]))
    model_sections = _probability_sections(snapshot)
    if model_sections or probability:
        sections.append("<h2>Probability model: who wins a record? (the seed's P_win(i) = 1/N × 1/M)</h2>"
                        + "".join(model_sections))
    if probability:
        sections.append(_table(list(probability[0].keys()), [list(r.values()) for r in probability]))
    sections.append("<h2>Event log</h2>" + _table(
        ["time (s)", "type", "text"],
        [(f"{e['time_ms'] / 1000:.2f}", e["type"], e.get("text", "")) for e in snapshot.get("events", [])]))
    p = snapshot["producer"]
    summary = (f"seed {snapshot['seed']}, scenario {html.escape(str(snapshot.get('scenario')))}, "
               f"simulated time {snapshot['time_ms'] / 1000:.1f} s; producer sent {p['produced']}, "
               f"results back {p['results']} (including "
               f"{sum(g.get('duplicates', 0) for g in snapshot['groups'])} duplicates)")
    log_json = html.escape(json.dumps(log)) if log else ""
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>groupviz report</title>
<script type="text/javascript">{plotly.offline.get_plotlyjs()}</script>
<style>body{{font-family:system-ui,sans-serif;margin:24px;color:#222}} table{{border-collapse:collapse;margin:8px 0 20px}}
td,th{{border:1px solid #ccc;padding:3px 8px;font-size:13px;text-align:left}} th{{background:#f3f3f3}}
.charts>div{{max-width:1100px}} pre{{white-space:pre-wrap;word-break:break-all;font-size:12px}}</style></head>
<body><h1>groupviz report</h1><p>{summary}</p>
<h2>Lag and throughput (shaded: rebalances)</h2><div class="charts">{''.join(parts)}</div>
{''.join(sections)}
<h2>Command log (replayable)</h2><pre id="command-log">{log_json}</pre>
</body></html>"""
