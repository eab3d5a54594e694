"""Presenter and viewers, rate limit, connection cap, same-origin sockets, message size, faults.

Pure helpers (groupviz.serve.security) first, then the web layer through Flask-SocketIO's
test client, then a live server over real sockets (python-socketio, requests,
websocket-client) for what only a real handshake can show.
"""

from __future__ import annotations

import json
import logging
import re
import string
import threading
import time

import pytest
import requests
import socketio

from groupviz.serve import security
from groupviz.serve.security import COOKIE_NAME, READ_ONLY_ERROR, Clients, RateLimiter
from groupviz.serve.web import INTERNAL_ERROR, create_app, socketio_of

from conftest import start_live_server

TOKEN = "s3cret-Token_for-tests"


# ---------------------------------------------------------------- pure helpers

def test_new_tokens_are_random_url_safe_and_long_enough():
    tokens = {security.new_token() for _ in range(50)}
    assert len(tokens) == 50
    allowed = set(string.ascii_letters + string.digits + "-_")
    assert all(len(t) >= 21 and set(t) <= allowed for t in tokens)


@pytest.mark.parametrize("host", ["127.0.0.1", "127.1.2.3", "::1", "[::1]", "localhost", "LOCALHOST", "a.localhost"])
def test_loopback_hosts(host):
    assert security.is_loopback(host)


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "", "192.168.1.5", "10.0.0.1", "example.com", "localhost.evil.com"])
def test_non_loopback_hosts(host):
    assert not security.is_loopback(host)


@pytest.mark.parametrize("offered", [None, "", "wrong", TOKEN[:-1], TOKEN + "x", TOKEN.upper(), 123, [TOKEN],
                                     {"token": TOKEN}, "\u00e9\u4e2d" * 3, "x" * 10_000])
def test_only_the_exact_token_matches_and_junk_never_raises(offered):
    assert security.token_matches(TOKEN, offered) is False
    assert security.role_for(TOKEN, offered) == "viewer"


def test_role_for():
    assert security.token_matches(TOKEN, TOKEN)
    assert security.role_for(TOKEN, None, TOKEN) == "presenter"      # any offered token may match
    assert security.role_for(None, None) == "presenter"               # no token configured: everyone presents
    assert security.role_for(None, "anything") == "presenter"
    assert security.auth_token({"token": TOKEN}) == TOKEN
    assert security.auth_token({"token": 5}) is None and security.auth_token("tok") is None
    assert security.auth_token(None) is None


def test_server_urls():
    assert security.server_urls("127.0.0.1", 5000, None) == ("http://127.0.0.1:5000/", "http://127.0.0.1:5000/")
    p, v = security.server_urls("0.0.0.0", 8080, "abc-_D", lan_ip="192.168.1.7")
    assert v == "http://192.168.1.7:8080/" and p == "http://192.168.1.7:8080/?token=abc-_D"
    assert security.server_urls("::", 80, None, lan_ip=None)[1] == "http://127.0.0.1:80/"
    assert security.server_urls("fe80::1", 80, None)[1] == "http://[fe80::1]:80/"
    assert security.server_urls("10.0.0.2", 80, "a b/")[0] == "http://10.0.0.2:80/?token=a%20b%2F"


class FakeClock:
    def __init__(self, t: float = 1000.0):
        self.t = t

    def __call__(self) -> float:
        return self.t


def test_rate_limiter_allows_a_burst_then_the_rate():
    clock = FakeClock()
    rl = RateLimiter(20, 40, clock)
    assert all(rl.allow("a") for _ in range(40))
    assert not rl.allow("a")
    assert rl.error == "too many commands: at most 20 per second"
    clock.t += 0.05                     # 1/20 s refills exactly one token
    assert rl.allow("a") and not rl.allow("a")
    clock.t += 10                       # a long quiet spell refills only up to the burst
    assert sum(rl.allow("a") for _ in range(100)) == 40


def test_rate_limiter_keys_are_independent_and_forgotten():
    clock = FakeClock()
    rl = RateLimiter(1, 2, clock)
    assert rl.allow("a") and rl.allow("a") and not rl.allow("a")
    assert rl.allow("b")
    rl.forget("a")
    assert len(rl) == 1 and rl.allow("a")
    clock.t -= 5                        # a clock going backwards never adds tokens
    assert rl.allow("a") and not rl.allow("a")


def test_rate_limiter_validates_its_settings():
    with pytest.raises(ValueError):
        RateLimiter(0, 10, FakeClock())
    with pytest.raises(ValueError):
        RateLimiter(5, 0.5, FakeClock())
    assert RateLimiter(2.5, 1, FakeClock()).error == "too many commands: at most 2.5 per second"


def test_clients_cap_and_roles():
    c = Clients(2)
    assert c.add("s1", "presenter") and c.add("s2", "viewer")
    assert not c.add("s3", "viewer") and len(c) == 2 and c.role("s3") == "viewer"
    assert c.count("presenter") == 1 and c.count("viewer") == 1
    c.remove("s1")
    assert c.role("s1") == "viewer"          # unknown sids are viewers: fail closed
    assert c.add("s3", "presenter") and c.role("s3") == "presenter"
    with pytest.raises(ValueError):
        Clients(0)


def test_clients_never_exceed_the_cap_under_racing_adds():
    c = Clients(50)
    results = []
    barrier = threading.Barrier(8)

    def connect(i):
        barrier.wait()
        for j in range(100):
            results.append(c.add(f"{i}-{j}", "viewer"))

    threads = [threading.Thread(target=connect, args=(i,)) for i in range(8)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    assert len(c) == sum(results) <= 50


# ---------------------------------------------------------------- web layer (test client)

def make_app(**config):
    cfg = {"ASYNC_MODE": "threading", "START_TICKER": False}
    cfg.update(config)
    return create_app(cfg)


def received(client, name):
    return [m["args"][0] for m in client.get_received() if m["name"] == name]


def role_of(client):
    return received(client, "role")[0]["role"]


@pytest.fixture
def token_app():
    app = make_app(PRESENTER_TOKEN=TOKEN, VIEWER_URL="http://192.168.1.7:5000/")
    yield app
    app.extensions["groupviz"].stop()


def test_without_a_token_everyone_is_the_presenter():
    app = make_app()
    a = socketio_of(app).test_client(app)
    assert role_of(a) == "presenter"
    assert a.emit("command", {"op": "add_consumer"}, callback=True)["ok"] is True
    page = app.test_client().get("/")
    assert b'data-role="presenter"' in page.data and COOKIE_NAME not in page.headers.get("Set-Cookie", "")


def test_viewer_sees_everything_but_every_command_is_refused(token_app):
    app = token_app
    live = app.extensions["groupviz"]
    viewer = socketio_of(app).test_client(app)
    msgs = viewer.get_received()
    assert [m["args"][0] for m in msgs if m["name"] == "role"] == [{"role": "viewer"}]
    assert any(m["name"] == "snapshot" for m in msgs)
    before = live.full_snapshot()
    for cmd in ({"op": "add_consumer"}, {"op": "reset", "seed": 9}, {"op": "pause"}, {"op": "step", "ms": 1000},
                {"op": "kill_consumer", "member_id": "consumer-1"}, None, "x"):
        assert viewer.emit("command", cmd, callback=True) == {"ok": False, "error": READ_ONLY_ERROR}
    assert live.full_snapshot() == before
    live.tick()
    assert received(viewer, "tick")          # ...and still sees the ticks


def test_presenter_by_auth_token_and_wrong_tokens_are_viewers(token_app):
    app = token_app
    sio = socketio_of(app)
    presenter = sio.test_client(app, auth={"token": TOKEN})
    assert role_of(presenter) == "presenter"
    assert presenter.emit("command", {"op": "add_consumer"}, callback=True)["ok"] is True
    for auth in ({"token": "nope"}, {"token": TOKEN.upper()}, {"token": None}, {"tok": TOKEN}, {"token": [TOKEN]}):
        c = sio.test_client(app, auth=auth)
        assert role_of(c) == "viewer", auth
        assert c.emit("command", {"op": "pause"}, callback=True)["error"] == READ_ONLY_ERROR


def test_page_with_the_token_sets_an_httponly_strict_cookie_that_makes_the_socket_a_presenter(token_app):
    from flask import template_rendered

    app = token_app
    seen = []
    def record(sender, template, context, **kw):
        seen.append(context)

    template_rendered.connect(record, app)
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
    from flask import template_rendered

    app = token_app
    seen = []
    def record(sender, template, context, **kw):
        seen.append(context)

    template_rendered.connect(record, app)
    http = app.test_client()
    for url in ("/", "/?token=wrong", f"/?token={TOKEN[:-1]}", "/?token="):
        page = http.get(url)
        assert page.status_code == 200 and b'data-role="viewer"' in page.data
        assert "Set-Cookie" not in page.headers and TOKEN.encode() not in page.data
        assert seen[-1]["role"] == "viewer" and TOKEN not in seen[-1]["viewer_url"]
    http.set_cookie(COOKIE_NAME, "forged")
    assert b'data-role="viewer"' in http.get("/").data
    assert role_of(socketio_of(app).test_client(app, flask_test_client=http)) == "viewer"


def test_the_token_is_never_broadcast(token_app):
    app = token_app
    sio = socketio_of(app)
    live = app.extensions["groupviz"]
    viewer = sio.test_client(app)
    presenter = sio.test_client(app, auth={"token": TOKEN})
    presenter.emit("command", {"op": "add_consumer"}, callback=True)
    presenter.emit("command", {"op": "reset", "seed": 3}, callback=True)
    live.tick()
    for c in (viewer, presenter):
        text = json.dumps(c.get_received())
        assert '"tick"' in text and '"snapshot"' in text and TOKEN not in text
    http = app.test_client()
    for url in ("/api/state", "/healthz", "/qr.svg"):
        assert TOKEN.encode() not in http.get(url).data


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


def test_rate_limit_answers_too_many_commands_per_client():
    clock = FakeClock()
    app = make_app(COMMAND_RATE=20, COMMAND_BURST=40, CLOCK=clock)
    sio = socketio_of(app)
    a, b = sio.test_client(app), sio.test_client(app)
    acks = [a.emit("command", {"op": "set_speed", "factor": 1.5}, callback=True) for _ in range(41)]
    assert all(ack["ok"] for ack in acks[:40])
    assert acks[40] == {"ok": False, "error": "too many commands: at most 20 per second"}
    assert b.emit("command", {"op": "pause"}, callback=True)["ok"] is True      # per client
    clock.t += 0.1
    assert [a.emit("command", {"op": "resume"}, callback=True)["ok"] for _ in range(3)] == [True, True, False]
    # bad commands count too (a flood of junk is still a flood)
    clock.t += 100
    assert sum(a.emit("command", "junk", callback=True)["error"].startswith("too many") for _ in range(50)) == 10


def test_rate_limit_buckets_are_dropped_on_disconnect():
    app = make_app()
    limiter = app.extensions["groupviz.limiter"]
    c = socketio_of(app).test_client(app)
    c.emit("command", {"op": "pause"}, callback=True)
    assert len(limiter) == 1
    c.disconnect()
    assert len(limiter) == 0 and len(app.extensions["groupviz.clients"]) == 0


def test_connection_cap_refuses_extra_clients_with_a_log_line(caplog):
    app = make_app(MAX_CONNECTIONS=2)
    sio = socketio_of(app)
    a, b = sio.test_client(app), sio.test_client(app)
    with caplog.at_level(logging.WARNING, logger="groupviz.serve.web"):
        c = sio.test_client(app)
    assert a.is_connected() and b.is_connected() and not c.is_connected()
    assert "refused a connection" in caplog.text and "MAX_CONNECTIONS is 2" in caplog.text
    assert app.test_client().get("/healthz").get_json()["clients"] == 2
    a.disconnect()
    d = sio.test_client(app)
    assert d.is_connected() and role_of(d) == "presenter"


@pytest.mark.parametrize("args", [
    (), (None,), ("text",), (12,), (3.5,), (True,), ([1, 2],), ({},), ({"op": None},), ({"op": 5},),
    ({"op": "x" * 100_000},), ({"op": "add_consumer", "rate": float("nan")},),
    ({"op": "set_producer_rate", "rate": float("inf")},), ({"op": "set_producer_rate", "rate": 10 ** 99},),
    ({"op": "step", "ms": -1},), ({"op": "set_config", "config": {"session.timeout.ms": [[[]]]}},),
    ({"op": "pause"}, "extra", {"more": 1}), ("a", "b", "c"),
])
def test_command_handler_answers_every_payload_with_ok(app_and_client, args):
    _, client = app_and_client
    ack = client.emit("command", *args, callback=True)
    assert isinstance(ack, dict) and isinstance(ack["ok"], bool)
    if ack["ok"] is False:
        assert isinstance(ack["error"], str) and ack["error"]


def test_deeply_nested_junk_is_refused(app_and_client):
    _, client = app_and_client
    junk = {"op": "set_config", "config": {}}
    node = junk["config"]
    for _ in range(400):
        node["session.timeout.ms"] = {}
        node = node["session.timeout.ms"]
    ack = client.emit("command", junk, callback=True)
    assert ack["ok"] is False and "session.timeout.ms" in ack["error"]
    deep = []
    for _ in range(400):
        deep = [deep]
    assert client.emit("command", deep, callback=True)["ok"] is False


def test_a_failing_apply_still_answers(app_and_client, monkeypatch):
    app, client = app_and_client
    live = app.extensions["groupviz"]

    def boom(cmd):
        raise RuntimeError("bug")

    monkeypatch.setattr(live, "apply", boom)
    assert client.emit("command", {"op": "pause"}, callback=True) == {"ok": False, "error": INTERNAL_ERROR}


def test_engine_fault_in_a_tick_shows_in_healthz_and_reset_recovers(app_and_client, monkeypatch):
    app, client = app_and_client
    live = app.extensions["groupviz"]
    http = app.test_client()
    now = [0.0]
    monkeypatch.setattr(live, "clock", lambda: now[0])
    live.tick()

    def broken_step(ms):
        raise ZeroDivisionError("simulated engine bug")

    monkeypatch.setattr(live.engine, "step", broken_step)
    now[0] += 0.1
    client.get_received()
    payload = live.tick()
    assert payload["error"] == "ZeroDivisionError: simulated engine bug"
    assert received(client, "tick")[-1]["error"] == payload["error"]
    health = http.get("/healthz").get_json()
    assert health["error"] == "ZeroDivisionError: simulated engine bug" and health["running"] is False
    assert http.get("/api/state").get_json()["error"] == health["error"]
    # the server keeps serving: commands still answer, other ticks still go out
    assert client.emit("command", {"op": "nope"}, callback=True)["ok"] is False
    monkeypatch.undo()                 # the bug is "fixed"; the teacher presses reset
    assert client.emit("command", {"op": "reset"}, callback=True)["ok"] is True
    assert http.get("/healthz").get_json()["error"] is None
    assert received(client, "snapshot"), "reset re-sends the full snapshot"
    # reset keeps the engine paused (realtime.py / engine): resume and time runs again
    assert client.emit("command", {"op": "resume"}, callback=True)["ok"] is True
    t0 = live.engine.time_ms
    live.tick()
    time.sleep(0.12)
    payload = live.tick()
    assert payload["error"] is None and live.engine.time_ms > t0


# ---------------------------------------------------------------- live server, real sockets

@pytest.fixture
def server():
    srv, stop = start_live_server()
    yield srv
    stop()


@pytest.fixture
def token_server():
    srv, stop = start_live_server(PRESENTER_TOKEN=TOKEN)
    yield srv
    stop()


class Peer:
    """A python-socketio client that records what it receives."""

    def __init__(self, url, transports=("websocket",), **connect_kwargs):
        self.sio = socketio.Client(reconnection=False)
        self.got: dict[str, list] = {"role": [], "snapshot": [], "tick": []}
        self.disconnected = threading.Event()
        self.connect_errors: list = []
        self.sio.on("connect_error", lambda data: self.connect_errors.append(data))
        for name in self.got:
            self.sio.on(name, lambda data, name=name: self.got[name].append(data))
        self.sio.on("disconnect", lambda *a: self.disconnected.set())
        self.sio.connect(url, transports=list(transports), wait_timeout=5, **connect_kwargs)

    def wait_for(self, name, n=1, timeout=5.0):
        end = time.monotonic() + timeout
        while len(self.got[name]) < n:
            assert time.monotonic() < end, f"no {name} within {timeout}s"
            time.sleep(0.01)
        return self.got[name][-1]

    def close(self):
        if self.sio.connected:
            self.sio.disconnect()


def test_foreign_origin_is_refused_at_the_handshake(server):
    url = server.url + "/socket.io/?EIO=4&transport=polling"
    evil = requests.get(url, headers={"Origin": "http://evil.example"}, timeout=5)
    assert evil.status_code == 400 and "Not an accepted origin" in evil.text
    same = requests.get(url, headers={"Origin": server.url}, timeout=5)
    assert same.status_code == 200 and '"sid"' in same.text
    assert same.headers["Access-Control-Allow-Origin"] == server.url
    assert requests.get(url, timeout=5).status_code == 200          # non-browser clients send no Origin
    # a port or scheme change is another origin too
    other_port = server.url.rsplit(":", 1)[0] + ":1"
    assert requests.get(url, headers={"Origin": other_port}, timeout=5).status_code == 400
    assert requests.get(url, headers={"Origin": server.url.replace("http:", "https:")}, timeout=5).status_code == 400


def test_foreign_origin_websocket_is_refused(server):
    import websocket

    ws_url = server.url.replace("http://", "ws://") + "/socket.io/?EIO=4&transport=websocket"
    with pytest.raises(websocket.WebSocketBadStatusException) as e:
        websocket.create_connection(ws_url, origin="http://evil.example", timeout=5)
    assert e.value.status_code == 400
    ok = websocket.create_connection(ws_url, origin=server.url, timeout=5)
    try:
        assert ok.recv().startswith("0{")          # Engine.IO OPEN packet
    finally:
        ok.close()


def test_oversized_websocket_message_drops_the_connection(server):
    peer = Peer(server.url)
    try:
        assert peer.sio.call("command", {"op": "set_speed", "factor": 2}, timeout=5)["ok"] is True
        assert peer.sio.call("command", {"op": "x" * 60_000}, timeout=5)["ok"] is False   # under 64 KiB: answered
        peer.sio.emit("command", {"op": "x" * (70 * 1024)})
        assert peer.disconnected.wait(5), "the server kept a connection that sent > 64 KiB"
    finally:
        peer.close()
    # the server is fine and serves the next client
    assert requests.get(server.url + "/healthz", timeout=5).json()["ok"] is True
    other = Peer(server.url)
    try:
        assert other.wait_for("snapshot")["groups"]
    finally:
        other.close()


def request_threads_stuck_in_queue_join() -> int:
    import sys
    import traceback

    frames = sys._current_frames()
    return sum(any("queue.join()" in line for line in traceback.format_stack(frames[t.ident]))
               for t in threading.enumerate() if t.ident in frames and t is not threading.current_thread())


def test_oversized_polling_post_is_refused_with_413(server):
    base = server.url + "/socket.io/?EIO=4&transport=polling"
    s = requests.Session()
    sid = json.loads(s.get(base, timeout=5).text[1:])["sid"]
    assert s.post(f"{base}&sid={sid}", data="40", timeout=5).status_code == 200      # join namespace "/"
    big = '42["command",{"op":"' + "x" * (70 * 1024) + '"}]'
    r = requests.post(f"{base}&sid={sid}", data=big, timeout=5)
    assert r.status_code == 413 and "at most 65536 bytes" in r.text
    # just under the limit still reaches the handler (the engine refuses the op)
    assert requests.post(f"{base}&sid={sid}", data='42["command",{"op":"' + "x" * 60_000 + '"}]',
                         timeout=5).status_code == 200


def test_oversized_message_over_polling_disconnects_the_client_and_pins_no_thread(server):
    for _ in range(3):
        peer = Peer(server.url, transports=("polling",))
        try:
            assert peer.sio.call("command", {"op": "set_speed", "factor": 2}, timeout=5)["ok"] is True
            peer.sio.emit("command", {"op": "x" * (70 * 1024)})
            assert peer.disconnected.wait(10)
        finally:
            peer.close()
    time.sleep(0.5)
    assert request_threads_stuck_in_queue_join() == 0
    assert requests.get(server.url + "/healthz", timeout=5).json()["ok"] is True


def test_undecodable_packets_get_no_answer_but_the_connection_survives(server):
    """python-engineio's JSON refuses integers over 100 digits; deep nesting overflows the decoder.

    Such a packet cannot be parsed, so it has no ack id to answer: the server logs it
    ("message handler error") and keeps the connection, and the next command is answered.
    """
    import websocket

    ws_url = server.url.replace("http://", "ws://") + "/socket.io/?EIO=4&transport=websocket"
    ws = websocket.create_connection(ws_url, timeout=5)
    try:
        assert ws.recv().startswith("0{")
        ws.send("40")
        frames = []
        while not any(f.startswith("40{") for f in frames):
            frames.append(ws.recv())
        for junk in ('421["command",{"op":"set_producer_rate","rate":' + "9" * 150 + "}]",
                     '422["command",' + "[" * 20_000 + "]" * 20_000 + "]",
                     '423["command",{"op":', "42garbage", "4", "49", '424["command",NaN]'):
            ws.send(junk)
        ws.send('425["command",{"op":"pause"}]')
        end = time.monotonic() + 5
        acks = []
        while time.monotonic() < end and not any(a.startswith("435") for a in acks):
            f = ws.recv()
            if f == "2":
                ws.send("3")           # answer Engine.IO pings
            if f.startswith("43"):
                acks.append(f)
        assert any(a.startswith("435") for a in acks), acks
        assert '435[{"ok":true,"running":false}]' in acks
        answered = {a[2:a.index("[")] for a in acks}
        assert answered <= {"4", "5"}, answered        # 424: NaN is not a dict -> an ok:false answer
        assert '"ok":false' in next(a for a in acks if a.startswith("434"))
    finally:
        ws.close()
    # an empty frame is an Engine.IO protocol error: that one connection is closed, the server serves on
    ws = websocket.create_connection(ws_url, timeout=5)
    ws.recv()
    ws.send("")
    with pytest.raises(Exception):
        for _ in range(100):
            ws.recv()
    ws.close()
    assert requests.get(server.url + "/healthz", timeout=5).json()["ok"] is True


def test_viewer_over_a_real_socket_is_read_only_and_presenter_by_auth_or_cookie(token_server):
    viewer = Peer(token_server.url)
    by_auth = Peer(token_server.url, auth={"token": TOKEN})
    by_cookie = Peer(token_server.url, transports=("polling", "websocket"),
                     headers={"Cookie": f"{COOKIE_NAME}={TOKEN}"})
    try:
        assert viewer.wait_for("role") == {"role": "viewer"}
        assert by_auth.wait_for("role") == {"role": "presenter"}
        assert by_cookie.wait_for("role") == {"role": "presenter"}
        members = len(token_server.engine.groups["g1"].consumers)
        assert viewer.sio.call("command", {"op": "add_consumer"}, timeout=5) == {"ok": False, "error": READ_ONLY_ERROR}
        assert len(token_server.engine.groups["g1"].consumers) == members
        assert by_auth.sio.call("command", {"op": "add_consumer"}, timeout=5)["ok"] is True
        assert by_cookie.sio.call("command", {"op": "add_consumer"}, timeout=5)["ok"] is True
        assert len(token_server.engine.groups["g1"].consumers) == members + 2
        tick = viewer.wait_for("tick", n=len(viewer.got["tick"]) + 1)
        assert len(tick["groups"][0]["members"]) == members + 2      # viewers watch the change live
        page = requests.get(token_server.url + "/", timeout=5)
        assert 'data-role="viewer"' in page.text and TOKEN not in page.text
        for method in (requests.post, requests.put, requests.delete):
            assert method(token_server.url + "/api/state", json={"op": "reset"}, timeout=5).status_code == 405
    finally:
        for p in (viewer, by_auth, by_cookie):
            p.close()


def test_connection_cap_over_a_real_socket():
    srv, stop = start_live_server(MAX_CONNECTIONS=1)
    first = Peer(srv.url)
    try:
        refused = socketio.Client(reconnection=False)
        errors = []
        refused.on("connect_error", lambda data: errors.append(data))
        with pytest.raises(socketio.exceptions.ConnectionError):
            refused.connect(srv.url, transports=["websocket"], wait_timeout=5)
        assert errors == [{"message": "the server is full (1 connections); try again later"}]
        first.close()
        time.sleep(0.2)
        again = Peer(srv.url)
        assert again.wait_for("role") == {"role": "presenter"}
        again.close()
    finally:
        first.close()
        stop()
