"""routes.py: the page and its presenter cookie, the read-only JSON API, downloads, the QR code."""

from __future__ import annotations

import json
import re

from flask import template_rendered

from groupviz.serve.app import socketio_of
from groupviz.serve.security import COOKIE_NAME

from conftest import TOKEN, make_app, role_of


def rendered_contexts(app) -> list[dict]:
    """The context of every template `app` renders from now on (the page's role, its viewer URL)."""
    seen = []
    template_rendered.connect(lambda sender, template, context, **kw: seen.append(context), app, weak=False)
    return seen


def test_http_routes():
    app = make_app()
    c = app.test_client()
    assert c.get("/healthz").get_json()["ok"] is True
    st = c.get("/api/state").get_json()
    assert st["groups"][0]["group_id"] == "g1"
    page = c.get("/")
    assert page.status_code == 200 and b"groupviz" in page.data
    js = c.get("/vendor/plotly.min.js")
    assert js.status_code == 200 and len(js.data) > 1_000_000
    js.close()
    sio = c.get("/vendor/socket.io.min.js")
    assert sio.status_code == 200 and b"io" in sio.data
    sio.close()
    # the live page loads npm's partial bundle (issue 20: first load <= 600 KB); the report keeps full plotly
    assert b'src="/vendor/plotly-basic.min.js"' in page.data and b"/vendor/plotly.min.js" not in page.data
    basic = c.get("/vendor/plotly-basic.min.js", headers={"Accept-Encoding": "gzip"})
    assert basic.status_code == 200 and len(basic.data) < 450_000 and basic.headers["Content-Encoding"] == "gzip"
    basic.close()


def test_page_with_the_token_sets_an_httponly_strict_cookie_that_makes_the_socket_a_presenter(token_app):
    app = token_app
    seen = rendered_contexts(app)
    http = app.test_client()
    page = http.get(f"/?token={TOKEN}")
    assert page.status_code == 200 and b'data-role="presenter"' in page.data
    assert seen[-1]["role"] == "presenter" and seen[-1]["viewer_url"] == "http://192.168.1.7:5000/"
    cookie = page.headers["Set-Cookie"]
    assert cookie.startswith(f"{COOKIE_NAME}={TOKEN};")
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/" in cookie
    assert page.headers["Referrer-Policy"] == "no-referrer" and page.headers["Cache-Control"] == "no-store"
    assert TOKEN.encode() not in page.data           # the token is in the cookie, never in the page
    # a reload without ?token= keeps the role through the cookie
    again = http.get("/")
    assert b'data-role="presenter"' in again.data and "Set-Cookie" not in again.headers
    # the Socket.IO handshake carries the same cookie (same origin)
    sock = socketio_of(app).test_client(app, flask_test_client=http)
    assert role_of(sock) == "presenter"
    assert sock.emit("command", {"op": "pause"}, callback=True) == {"ok": True, "running": False}


def test_page_without_the_token_is_a_viewer_page_that_never_contains_it(token_app):
    app = token_app
    seen = rendered_contexts(app)
    http = app.test_client()
    for url in ("/", "/?token=wrong", f"/?token={TOKEN[:-1]}", "/?token="):
        page = http.get(url)
        assert page.status_code == 200 and b'data-role="viewer"' in page.data
        assert "Set-Cookie" not in page.headers and TOKEN.encode() not in page.data
        assert seen[-1]["role"] == "viewer" and TOKEN not in seen[-1]["viewer_url"]
    http.set_cookie(COOKIE_NAME, "forged")
    assert b'data-role="viewer"' in http.get("/").data
    assert role_of(socketio_of(app).test_client(app, flask_test_client=http)) == "viewer"


def _urls(app):
    """Every route of the app as a concrete URL (placeholders filled in), with its rule."""
    for rule in app.url_map.iter_rules():
        url = rule.rule
        for arg in rule.arguments:
            url = re.sub(r"<(?:[^:<>]+:)?" + re.escape(arg) + ">", "app.js" if arg == "filename" else "x", url)
        yield rule, url


def test_http_offers_no_state_changing_route(token_app):
    app = token_app
    live = app.extensions["groupviz"]
    rules = list(_urls(app))
    assert len(rules) >= 10                          # every route, including ones added later, is covered
    for rule, _ in rules:
        assert rule.methods <= {"GET", "HEAD", "OPTIONS"}, (rule.rule, rule.methods)
    http = app.test_client()
    before = (live.full_snapshot(), live.engine.export_log(), live.engine.running)
    for _, url in rules:
        for method in ("POST", "PUT", "PATCH", "DELETE"):
            resp = http.open(url, method=method, json={"op": "add_consumer"})
            assert resp.status_code == 405, (method, url)
    # a viewer GETs (HEADs, OPTIONSes) every route, with and without command-looking query strings
    for _, url in rules:
        for query in ("", "?op=reset", "?op=add_consumer&token=wrong", "?cmd=%7B%22op%22%3A%22pause%22%7D"):
            for method in ("GET", "HEAD", "OPTIONS"):
                resp = http.open(url + query, method=method)
                assert resp.status_code < 500, (method, url + query, resp.status_code)
    assert (live.full_snapshot(), live.engine.export_log(), live.engine.running) == before


def test_qr_code_encodes_the_viewer_url(token_app):
    import io

    import segno

    resp = token_app.test_client().get("/qr.svg")
    assert resp.status_code == 200 and resp.mimetype == "image/svg+xml"
    svg = resp.get_data(as_text=True)
    assert svg.startswith("<svg ") and 'width="' in svg and "viewBox=" in svg
    # the same symbol segno draws for the viewer URL (and not for another URL)
    def path_of(url):
        buf = io.BytesIO()
        segno.make(url, error="m").save(buf, kind="svg", scale=8, border=4, xmldecl=False)
        return buf.getvalue().decode().split(' d="', 1)[1].split('"', 1)[0]

    assert f'd="{path_of("http://192.168.1.7:5000/")}"' in svg
    assert f'd="{path_of("http://192.168.1.7:5001/")}"' not in svg
    # without VIEWER_URL, the request's own root URL
    plain = make_app().test_client().get("/qr.svg", base_url="http://10.1.2.3:5000").get_data(as_text=True)
    assert f'd="{path_of("http://10.1.2.3:5000/")}"' in plain


def test_api_lessons_lists_every_lesson_with_both_languages(app_and_client):
    app, _ = app_and_client
    r = app.test_client().get("/api/lessons")
    assert r.status_code == 200
    listed = r.get_json()["lessons"]
    assert len(listed) >= 8
    for lesson in listed:
        assert lesson["id"] and lesson["steps"] >= 1
        assert lesson["title"]["en"] and lesson["title"]["zh"]


def test_command_log_downloads_as_json_and_replays_to_the_same_snapshot(app_and_client):
    app, client = app_and_client
    live = app.extensions["groupviz"]
    live.engine.step(3000)
    assert client.emit("command", {"op": "add_consumer"}, callback=True)["ok"]
    live.engine.step(9000)
    r = app.test_client().get("/api/log")
    assert r.status_code == 200 and r.mimetype == "application/json"
    assert r.headers["Content-Disposition"].startswith("attachment;")
    run_log = json.loads(r.data)
    assert [c["cmd"]["op"] for c in run_log["commands"]] == ["add_consumer"]
    before = live.engine.snapshot(history=False)
    assert client.emit("command", {"op": "replay", "log": run_log}, callback=True)["ok"]
    assert without_seq(live.engine.snapshot(history=False)) == without_seq(before)


def without_seq(snap: dict) -> dict:
    """A snapshot minus its events' `seq`, which keeps counting up across a replay (issue 14)."""
    return {**snap, "events": [{k: v for k, v in e.items() if k != "seq"} for e in snap["events"]]}


def test_report_is_a_standalone_html_download_and_csv_json_exports(app_and_client):
    app, _ = app_and_client
    app.extensions["groupviz"].engine.step(5000)
    http = app.test_client()
    r = http.get("/report?download=1")
    assert r.status_code == 200 and r.mimetype == "text/html"
    assert r.headers["Content-Disposition"].startswith("attachment;")
    page = r.get_data(as_text=True)
    assert 'data-testid="report-download"' not in page                  # the downloaded file needs no link
    assert "<h1>groupviz report</h1>" in page and 'src="http' not in page
    csv = http.get("/report/metrics.csv")
    assert csv.status_code == 200 and csv.mimetype == "text/csv" and csv.get_data(as_text=True).count("\n") > 2
    events = http.get("/report/events.json")
    assert events.status_code == 200 and json.loads(events.data)


def test_the_page_says_whether_phones_can_reach_the_viewer_url(token_app):
    lan = token_app.test_client().get("/").get_data(as_text=True)
    assert 'data-viewer-url="http://192.168.1.7:5000/"' in lan and 'data-share-loopback=""' in lan
    local = make_app().test_client().get("/", base_url="http://127.0.0.1:5000").get_data(as_text=True)
    assert 'data-share-loopback="1"' in local
    named = make_app(VIEWER_URL="http://localhost:5000/").test_client().get("/").get_data(as_text=True)
    assert 'data-share-loopback="1"' in named


def test_report_opens_inline_in_a_tab_with_a_separate_download_link(app_and_client):
    app, _ = app_and_client
    app.extensions["groupviz"].engine.step(5000)
    http = app.test_client()
    for url, lang_href in (("/report", "/report?download=1"), ("/report?lang=zh", "/report?download=1&amp;lang=zh")):
        r = http.get(url)
        assert r.status_code == 200 and r.mimetype == "text/html"
        assert r.headers["Content-Disposition"].startswith("inline;")
        page = r.get_data(as_text=True)
        assert f'data-testid="report-download" href="{lang_href}" download' in page
    other = http.get("/report?download=yes")                            # only download=1 downloads
    assert other.headers["Content-Disposition"].startswith("inline;")
