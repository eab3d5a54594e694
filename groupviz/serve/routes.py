"""The HTTP views (a Blueprint): the page, the read-only JSON API, downloads, the QR code, and the
page's own and vendored scripts served compressed. No view changes the demo: that takes a socket
`command` (sockets.py).

The page (`GET /`) decides the browser's role from `?token=` or the cookie it set before, and a
page opened with the right token sets that cookie (HttpOnly, SameSite=Strict), so the page's
socket then connects as the presenter.
"""

from __future__ import annotations

import io
import json
import logging
import os
from pathlib import Path
from urllib.parse import urlsplit

from flask import Blueprint, Response, abort, current_app, jsonify, make_response, render_template, request
from werkzeug.security import safe_join

from groupviz.classroom import lessons, report
from groupviz.classroom.lessons.script import CHARTS as LESSON_CHARTS
from groupviz.engine import commands
from groupviz.kafka.config import config_reference, config_references
from groupviz.serve import security, wire
from groupviz.serve.compression import JS_MIME
from groupviz.serve.settings import ROOT

log = logging.getLogger(__name__)

bp = Blueprint("routes", __name__)

#: The choices the page offers, from the one place the server validates them (index.html renders them).
PAGE_CONSTANTS = {"assignors": list(commands.ASSIGNORS), "key_modes": list(commands.KEY_MODES),
                  "assignors_by_protocol": {k: list(v) for k, v in commands.ASSIGNORS_BY_PROTOCOL.items()},
                  "group_types": list(commands.GROUP_TYPES), "competitions": list(commands.COMPETITIONS),
                  "snapshot_only": list(wire.SNAPSHOT_ONLY),
                  "max_producer_rate": int(commands.MAX_PRODUCER_RATE),   # the rate field's max
                  # what a lesson step's view may point at (groupviz/classroom/lessons/script.py)
                  "lesson_charts": {k: {"tab": v[0], "selector": v[1], "press": v[2]}
                                    for k, v in LESSON_CHARTS.items()}}
VENDOR_MAX_AGE = 3600


def _live():
    return current_app.extensions["groupviz"]


def _viewer_url() -> str:
    return current_app.config["VIEWER_URL"] or request.url_root


def _is_loopback_url(url: str) -> bool:
    """True when the viewer URL names this machine only (127.0.0.1, localhost): phones cannot open it."""
    return security.is_loopback(urlsplit(url).hostname or "")


@bp.get("/")
def index():
    token = current_app.config["PRESENTER_TOKEN"] or None
    role = security.role_for(token, request.args.get("token"), request.cookies.get(security.COOKIE_NAME))
    viewer_url = _viewer_url()
    resp = make_response(render_template("index.html", role=role, viewer_url=viewer_url,
                                         share_loopback=_is_loopback_url(viewer_url),
                                         max_message=current_app.config["MAX_HTTP_BUFFER_SIZE"],
                                         constants=PAGE_CONSTANTS,
                                         # workers share one port (SO_REUSEPORT): no long-polling, whose
                                         # requests could land on different workers (docs/scaling.md)
                                         transport="websocket" if current_app.config["MESSAGE_QUEUE"] else ""))
    if token is not None and security.token_matches(token, request.args.get("token")):
        resp.set_cookie(security.COOKIE_NAME, token, httponly=True, samesite="Strict", path="/")
    resp.headers["Referrer-Policy"] = "no-referrer"     # the address may still carry ?token=
    resp.headers["Cache-Control"] = "no-store"          # the page differs by role
    return resp


@bp.get("/qr.svg")
def qr_svg():
    import segno

    buf = io.BytesIO()
    segno.make(_viewer_url(), error="m").save(buf, kind="svg", scale=8, border=4, light="#fff",
                                              xmldecl=False, omitsize=True, title="groupviz viewer link")
    svg = buf.getvalue().decode("utf-8")
    side = svg.split('viewBox="0 0 ', 1)[1].split(" ", 1)[0]
    svg = svg.replace("<svg ", f'<svg width="{side}" height="{side}" ', 1)   # intrinsic size + viewBox
    return Response(svg, mimetype="image/svg+xml", headers={"Cache-Control": "no-cache"})


@bp.get("/healthz")
def healthz():
    return jsonify({**_live().health(), "clients": len(current_app.extensions["groupviz.clients"])})


@bp.get("/api/state")
def api_state():
    return jsonify(_live().full_snapshot())


@bp.get("/api/describe")
def api_describe():
    # Read-only, so viewers may use it too: what kafka-consumer-groups.sh --describe would print.
    result = _live().describe(request.args.get("group", ""), request.args.get("view", "offsets"))
    resp = jsonify(result)
    resp.headers["Cache-Control"] = "no-store"
    if not result["ok"]:
        resp.status_code = 400
    return resp


@bp.get("/api/group-configs")
def api_group_configs():
    return jsonify({"configs": config_reference(), "by_kind": config_references()})


@bp.get("/api/lessons")
def api_lessons():
    return jsonify({"lessons": lessons.listing()})


def _attachment(body: str, mimetype: str, filename: str) -> Response:
    return Response(body, mimetype=mimetype, headers={
        "Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"})


def _snapshot_and_log() -> tuple[dict, dict]:
    return _live().snapshot_and_log()


@bp.get("/api/log")
def api_log():
    _, run_log = _snapshot_and_log()
    return _attachment(json.dumps(run_log, indent=1), "application/json",
                       f"groupviz-log-seed{run_log['seed']}-{run_log['time_ms']}ms.json")


@bp.get("/report")
def report_html():
    """The report opens in a browser tab (inline, with a download link); `?download=1` downloads it."""
    snap, run_log = _snapshot_and_log()
    lang = request.args.get("lang", "en")
    lang = lang if lang in report.LANGS else "en"
    name = f"groupviz-report-{snap['time_ms']}ms{'' if lang == 'en' else '-' + lang}.html"
    if request.args.get("download") == "1":
        return _attachment(report.build_html(snap, run_log, lang=lang), "text/html", name)
    href = "/report?download=1" + ("" if lang == "en" else f"&lang={lang}")
    return Response(report.build_html(snap, run_log, lang=lang, download_href=href), mimetype="text/html",
                    headers={"Content-Disposition": f'inline; filename="{name}"', "Cache-Control": "no-store"})


@bp.get("/report/metrics.csv")
def report_csv():
    snap, _ = _snapshot_and_log()
    return _attachment(report.metrics_csv(snap), "text/csv", "groupviz-metrics.csv")


@bp.get("/report/events.json")
def report_events():
    snap, run_log = _snapshot_and_log()
    return _attachment(report.events_json(snap, run_log), "application/json", "groupviz-events.json")


def static_file(filename: str):
    """Flask's own `static` endpoint (create_app points it here): the page's files, compressed."""
    path = safe_join(str(ROOT / "static"), filename)
    if path is None or not os.path.isfile(path):
        abort(404)
    return _files().response(Path(path), JS_MIME if filename.endswith(".js") else None)


@bp.get("/vendor/plotly.min.js")
def vendor_plotly():
    return _files().response(plotly_js(), JS_MIME, VENDOR_MAX_AGE)


@bp.get("/vendor/plotly-basic.min.js")
def vendor_plotly_basic():
    # the live page's Plotly: npm's partial bundle (scatter, bar, pie), 0.4 MB gzipped instead of 1.5 MB
    return _npm_file("PLOTLY_BASIC_JS")


@bp.get("/vendor/socket.io.min.js")
def vendor_socketio():
    return _npm_file("SOCKETIO_CLIENT_JS")


def _npm_file(setting: str):
    path = current_app.config[setting]
    if not os.path.exists(path):
        log.error("%s missing at %s: run `make setup` (npm ci)", setting, path)
        abort(404)
    return _files().response(Path(path), JS_MIME, VENDOR_MAX_AGE)


def _files():
    return current_app.extensions["groupviz.files"]


def plotly_js() -> Path:
    """plotly.min.js as the plotly package ships it: the full bundle, for the report (the page: plotly-basic)."""
    import plotly

    return Path(plotly.__file__).resolve().parent / "package_data" / "plotly.min.js"
