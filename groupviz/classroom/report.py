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
from groupviz.classroom.report_text import LANGS, TEXT, event_type, state_name, tr

# The page's consumer colours (static/palette.js): Okabe & Ito, then two of Paul Tol's muted colours.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#882255", "#44AA99"]


__all__ = ["LANGS", "TEXT", "build_html", "events_json", "metrics_csv"]
_tr = tr


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
        test = model.get("test") or {}
        verdict = (test.get("verdict") or {}).get(lang) or (test.get("verdict") or {}).get("en", "")
        head = _tr(lang, "model.head", g=g["group_id"], how=how, n=model.get("n"), m=model.get("m"),
                   wins=_tr(lang, "processed" if test.get("applies") is False else "wins", n=model.get("total_wins", 0)))
        more = model.get("members_total", len(model.get("members", []))) - len(model.get("members", []))
        out.append(f"<h3>{html.escape(head)}</h3>"
                   + (_decided_shares(model, lang) if test.get("applies") is False else
                      _formulas_and_wins(model, lang, labels, yes_no))
                   + (f"<p>{html.escape(_tr(lang, 'more', n=more))}</p>" if more > 0 else "")
                   + _verdict_line(test, verdict, lang))
    return out


def _formulas_and_wins(model: dict, lang: str, labels: dict, yes_no: dict) -> str:
    """A competing group: the seed's formulas for N and M, then each member's wins against the model."""
    formulas = _table(_tr(lang, "model.cols"),
                      [(f["formula"], labels.get(f["key"], f["key"]), f"{f['value']:.4g}")
                       for f in model.get("formulas", [])])
    return formulas + _table(_tr(lang, "model.members"),
                             [(m["member_id"], m["wins"], _pct(m.get("share")), _pct(m.get("expected_share")),
                               "" if not m.get("ci95") or m.get("share") is None else
                               f"{_pct(m['ci95'][0])} – {_pct(m['ci95'][1])}", yes_no[m.get("within_ci")])
                              for m in model.get("members", [])])


def _decided_shares(model: dict, lang: str) -> str:
    """A consumer group: each member's share of the records beside its share of the partitions (no 1/N)."""
    return _table(_tr(lang, "model.sharding"),
                  [(m["member_id"], m["wins"], _pct(m.get("share")), _pct(m.get("expected_share")))
                   for m in model.get("members", [])])


def _verdict_line(test: dict, verdict: str, lang: str) -> str:
    if test.get("applies") is False:
        return f'<p class="no-test">{html.escape(verdict)}</p>'
    return f"<p>{html.escape(_tr(lang, 'test.kind'))}: {html.escape(verdict)}</p>"


def _group_sections(snapshot: dict, lang: str) -> list[str]:
    """Per group: its rebalances, then its members now."""
    h = html.escape
    sections = []
    for g in snapshot["groups"]:
        rows = [(r["generation"], f"{r['start_ms'] / 1000:.1f}", "" if r.get("end_ms") is None else
                 f"{(r['end_ms'] - r['start_ms']) / 1000:.2f}", r.get("moved", 0),
                 r.get(f"reason_{lang}") or r.get("reason", ""))
                for r in g.get("rebalances", [])]
        if g.get("protocol"):         # random dispatch (not Kafka) has no group protocol and never rebalances
            title = _tr(lang, "rebalances", g=g["group_id"], assignor=g["assignor"], protocol=g["protocol"])
            sections.append(f"<h3>{h(title)}</h3>" + _table(_tr(lang, "reb.cols"), rows))
        assign_rows = [(m["member_id"], state_name(lang, m["state"]), ", ".join(f"{t}-{p}" for t, p in m["partitions"]),
                        m["processed"], "-" if m.get("lag") is None else m["lag"]) for m in g["members"]]
        sections.append(f"<h3>{h(_tr(lang, 'members', g=g['group_id']))}</h3>"
                        + _table(_tr(lang, "mem.cols"), assign_rows))
    return sections


def _summary(snapshot: dict, lang: str) -> str:
    """Seed, scenario, time; sent, results back (unique and duplicates); latency over its recent window."""
    p = snapshot["producer"]
    per_group = (p.get("groups") or {}).values()
    unique = sum(g.get("unique", 0) for g in per_group)
    dups = max(0, p["results"] - unique) if per_group else sum(g.get("duplicates", 0) for g in snapshot["groups"])
    text = _tr(lang, "summary", seed=snapshot["seed"], scenario=snapshot.get("scenario"),
               t=f"{snapshot['time_ms'] / 1000:.1f}", sent=p["produced"], results=p["results"],
               unique=p["results"] - dups, dups=_tr(lang, "dups", n=dups) if dups else _tr(lang, "dups.none"))
    lat = p.get("latency_ms") or {}
    if lat.get("p50") is not None:
        text += _tr(lang, "sep") + _tr(lang, "latency", w=f"{lat.get('window_ms', 30_000) / 1000:g}", p50=lat["p50"],
                           p95=lat["p95"])
    return text


def build_html(snapshot: dict, log: dict | None = None, lang: str = "en", download_href: str | None = None) -> str:
    """A standalone report in `lang` ("en" or "zh"); the probability-model tables come from each
    group's `model` in the snapshot. `download_href`: a link to download the same report (the copy
    opened in a browser tab has it; the downloaded file does not)."""
    import plotly.offline

    lang = lang if lang in TEXT else "en"
    h = html.escape
    parts = ["<div>" + f.to_html(full_html=False, include_plotlyjs=False, default_width="100%",
                                 config={"responsive": True}) + "</div>" for f in _figures(snapshot, lang)]
    sections = _group_sections(snapshot, lang)
    assigned = [e for e in snapshot.get("events", []) if e["type"] in ("assigned", "revoked")]
    sections.append(f"<h2>{h(_tr(lang, 'history'))}</h2>" + _table(
        _tr(lang, "hist.cols"),
        [(f"{e['time_ms'] / 1000:.2f}", e.get("group_id"), e.get("member_id"), event_type(lang, e["type"]),
          ", ".join(f"{t}-{p}" for t, p in e.get("partitions", []))) for e in assigned]))
    model_sections = _probability_sections(snapshot, lang)
    if model_sections:
        sections.append(f"<h2>{h(_tr(lang, 'model'))}</h2>" + "".join(model_sections))
    text_key = "text" if lang == "en" else f"text_{lang}"
    sections.append(f"<h2>{h(_tr(lang, 'events'))}</h2>" + _table(
        _tr(lang, "ev.cols"),
        [(f"{e['time_ms'] / 1000:.2f}", event_type(lang, e["type"]), e.get(text_key) or e.get("text", ""))
         for e in snapshot.get("events", [])]))
    summary = _summary(snapshot, lang)
    log_json = h(json.dumps(log)) if log else ""
    download = (f'<p><a class="download" data-testid="report-download" href="{h(download_href)}" download>'
                f'{h(_tr(lang, "open.download"))}</a></p>' if download_href else "")
    html_lang = "zh-CN" if lang == "zh" else "en"
    return f"""<!doctype html>
<html lang="{html_lang}"><head><meta charset="utf-8"><title>{h(_tr(lang, "title"))}</title>
<script type="text/javascript">{plotly.offline.get_plotlyjs()}</script>
<style>body{{font-family:system-ui,"Noto Sans CJK SC","PingFang SC","Microsoft YaHei",sans-serif;margin:24px;color:#222}}
table{{border-collapse:collapse;margin:8px 0 20px}}
td,th{{border:1px solid #ccc;padding:3px 8px;font-size:13px;text-align:left}} th{{background:#f3f3f3}}
.charts>div{{max-width:1100px}} pre{{white-space:pre-wrap;word-break:break-all;font-size:12px}}</style></head>
<body><h1>{h(_tr(lang, "title"))}</h1>{download}<p>{h(summary)}</p>
<h2>{h(_tr(lang, "charts"))}</h2><div class="charts">{''.join(parts)}</div>
{''.join(sections)}
<h2>{h(_tr(lang, "log"))}</h2><pre id="command-log">{log_json}</pre>
</body></html>"""
