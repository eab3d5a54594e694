"""sockets.py: a connect gets its role and a snapshot, every `command` gets an `{"ok": ...}` ack.

Through Flask-SocketIO's test client first (roles, the rate limit, the connection cap, faults),
then over real sockets (python-socketio, websocket-client) for what only a real handshake shows,
and last a fuzz: FUZZ_COUNT random and malformed commands from CLIENTS real clients at once
(bench/fuzz.py's generator, the rate limit out of the way); every ack must be a dict with a
boolean `ok` (and an `error` string when not ok), and afterwards /healthz is ok with no engine
error, ticks still arrive and the engine's invariants hold.
"""

from __future__ import annotations

import json
import logging
import random
import sys
import threading
import time
from pathlib import Path

import pytest
import requests
import socketio

from groupviz.engine.invariants import check_snapshot as check_invariants
from groupviz.serve.app import socketio_of
from groupviz.serve.fullticks import follow
from groupviz.serve.security import COOKIE_NAME, READ_ONLY_ERROR
from groupviz.serve.sockets import INTERNAL_ERROR

from conftest import TOKEN, FakeClock, Peer, make_app, received, role_of, start_live_server

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
from fuzz import command  # noqa: E402  (bench/fuzz.py: the same generator as the big fuzz)

FUZZ_COUNT = 2000
CLIENTS = 3
WINDOW = 4          # commands in flight per client
SEED = 20240607


def test_snapshot_and_role_on_connect(app_and_client):
    app, client = app_and_client
    msgs = client.get_received()
    names = [m["name"] for m in msgs]
    assert "snapshot" in names and "role" in names
    snap = next(m["args"][0] for m in msgs if m["name"] == "snapshot")
    assert snap["groups"][0]["group_id"] == "g1" and "history" in snap


def test_command_ack_ok(app_and_client):
    _, client = app_and_client
    ack = client.emit("command", {"op": "add_consumer"}, callback=True)
    assert ack == {"ok": True, "member_id": "consumer-4"}


def test_command_ack_error_for_bad_input(app_and_client):
    _, client = app_and_client
    assert client.emit("command", {"op": "nope"}, callback=True)["ok"] is False
    assert client.emit("command", None, callback=True)["ok"] is False
    assert client.emit("command", "text", callback=True)["ok"] is False
    assert client.emit("command", [1, 2], callback=True)["ok"] is False
    ack = client.emit("command", {"op": "kill_consumer", "member_id": "ghost"}, callback=True)
    assert ack == {"ok": False, "error": "no consumer 'ghost'; consumers: consumer-1, consumer-2, consumer-3"}


def test_tick_is_broadcast_to_every_client(app_and_client):
    app, client = app_and_client
    other = app.extensions["groupviz.socketio"].test_client(app)
    client.get_received(); other.get_received()
    live = app.extensions["groupviz"]
    live.tick()
    a, b = received(client, "tick"), received(other, "tick")
    assert len(a) == len(b) == 1 and a[0]["time_ms"] == b[0]["time_ms"]
    assert "history" not in a[0]
    other.disconnect()


def test_reset_broadcasts_a_fresh_snapshot(app_and_client):
    app, client = app_and_client
    client.get_received()
    assert client.emit("command", {"op": "reset", "seed": 9}, callback=True)["ok"]
    snaps = received(client, "snapshot")
    assert snaps and snaps[-1]["seed"] == 9 and snaps[-1]["time_ms"] == 0


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
    with caplog.at_level(logging.WARNING, logger="groupviz.serve.sockets"):
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


def test_undecodable_packets_get_no_answer_but_the_connection_survives(live_server):
    """python-engineio's JSON refuses integers over 100 digits; deep nesting overflows the decoder.

    Such a packet cannot be parsed, so it has no ack id to answer: the server logs it
    ("message handler error") and keeps the connection, and the next command is answered.
    """
    import websocket

    ws_url = live_server.url.replace("http://", "ws://") + "/socket.io/?EIO=4&transport=websocket"
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
    assert requests.get(live_server.url + "/healthz", timeout=5).json()["ok"] is True


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
        # viewers watch the change live (the tick already on its way may predate the adds: wait for a later one)
        end = time.monotonic() + 5
        while len(viewer.got["tick"][-1]["groups"][0]["members"]) != members + 2:
            assert time.monotonic() < end, "the viewer never saw the two new members"
            viewer.wait_for("tick", n=len(viewer.got["tick"]) + 1)
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


def test_fuzz_commands_over_real_sockets():
    srv, stop = start_live_server(speed=4.0, COMMAND_RATE=1e9, COMMAND_BURST=1e9)
    clients = []
    try:
        for _ in range(CLIENTS):
            c = socketio.Client(reconnection=False)
            c.connect(srv.url, transports=["websocket"], wait_timeout=5)
            clients.append(c)
        acks: list = []
        failures: list = []
        per_client = FUZZ_COUNT // CLIENTS

        def check(i, k, args, ack):
            acks.append(ack)
            if not (isinstance(ack, dict) and isinstance(ack.get("ok"), bool)
                    and (ack["ok"] or (isinstance(ack.get("error"), str) and ack["error"]))):
                failures.append((i, k, repr(args)[:200], repr(ack)[:200]))

        def run(i: int, c: socketio.Client):
            # pipelined, WINDOW commands in flight per client: fast, and handlers really run concurrently
            rng = random.Random(f"{SEED}:{i}")
            n = per_client + (FUZZ_COUNT - per_client * CLIENTS if i == 0 else 0)
            window = threading.BoundedSemaphore(WINDOW)
            pending = set(range(n))
            for k in range(n):
                args = command(rng, well_formed=0.15)    # mostly junk: this test is about the socket
                payload = args[0] if len(args) == 1 else args

                def on_ack(*ack, k=k, args=args):
                    check(i, k, args, ack[0] if len(ack) == 1 else list(ack))
                    pending.discard(k)
                    window.release()

                assert window.acquire(timeout=10), f"client {i}: no ack for 10 s (command {k})"
                c.emit("command", payload, callback=on_ack)
            end = time.monotonic() + 10
            while pending and time.monotonic() < end:
                time.sleep(0.01)
            failures.extend((i, k, "never answered", "") for k in sorted(pending)[:5])

        threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(clients)]
        [t.start() for t in threads]
        [t.join(60) for t in threads]
        assert not any(t.is_alive() for t in threads), "fuzz clients did not finish"
        assert not failures, failures[:5]
        assert len(acks) == FUZZ_COUNT
        oks = sum(a["ok"] for a in acks)
        assert 0 < oks < FUZZ_COUNT                       # both kinds really happened
        assert not any("internal error" in a.get("error", "") for a in acks), \
            [a for a in acks if "internal error" in a.get("error", "")][:3]

        # afterwards: the server is healthy, ticks flow, the state is consistent
        health = requests.get(srv.url + "/healthz", timeout=5).json()
        assert health["ok"] is True and health["error"] is None, health
        assert clients[0].call("command", {"op": "resume"}, timeout=5)["ok"] is True
        ticks, got = [], []
        watcher = socketio.Client(reconnection=False)
        watcher.on("snapshot", lambda snap: got.append(snap))
        watcher.on("tick", lambda t: (ticks.append(t), got.append(follow(got[-1] if got else None, t))))
        watcher.connect(srv.url, transports=["websocket"], wait_timeout=5)
        try:
            end = time.monotonic() + 5
            while len(ticks) < 3 and time.monotonic() < end:
                time.sleep(0.02)
            assert len(ticks) >= 3 and ticks[-1]["time_ms"] > ticks[0]["time_ms"]
        finally:
            watcher.disconnect()
        check_invariants(requests.get(srv.url + "/api/state", timeout=5).json())
        for state in got:                         # the snapshot, then each full tick followed (docs/wire.md)
            check_invariants(state)
    finally:
        for c in clients:
            if c.connected:
                c.disconnect()
        stop()
