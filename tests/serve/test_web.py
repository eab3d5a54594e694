"""The web layer with Flask-SocketIO's test client: snapshot on connect, acks, HTTP routes."""

import json

from groupviz.serve.web import create_app


def received(client, name):
    return [m["args"][0] for m in client.get_received() if m["name"] == name]


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


def test_live_engine_steps_by_wall_time_times_speed():
    from groupviz.serve.realtime import LiveEngine
    from groupviz.engine.core import Engine

    now = [100.0]
    sent = []
    live = LiveEngine(Engine(seed=1), lambda *a: sent.append(a), clock=lambda: now[0])
    live.tick()
    now[0] += 0.25
    live.tick()
    assert live.engine.time_ms == 250
    live.engine.speed = 2.0
    now[0] += 0.1
    live.tick()
    assert live.engine.time_ms == 450
    live.apply({"op": "pause"})
    now[0] += 1.0
    live.tick()
    assert live.engine.time_ms == 450 and sent[-1][0] == "tick" and sent[-1][1]["running"] is False


def test_tick_carries_only_new_events():
    from groupviz.serve.realtime import LiveEngine
    from groupviz.engine.core import Engine

    now = [0.0]
    sent = []
    live = LiveEngine(Engine(seed=1), lambda *a: sent.append(a), clock=lambda: now[0])
    live.tick()
    first = sent[-1][1]["events"]
    now[0] += 0.1
    live.tick()
    assert first and all(e["seq"] > first[-1]["seq"] for e in sent[-1][1]["events"])


def test_http_routes():
    app = create_app({"ASYNC_MODE": "threading", "START_TICKER": False})
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


def test_async_mode_is_validated():
    import pytest

    with pytest.raises(ValueError, match="async_mode must be one of"):
        create_app({"ASYNC_MODE": "asyncio", "START_TICKER": False})


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
    assert live.engine.snapshot(history=False) == before


def test_report_is_a_standalone_html_download_and_csv_json_exports(app_and_client):
    app, _ = app_and_client
    app.extensions["groupviz"].engine.step(5000)
    http = app.test_client()
    r = http.get("/report")
    assert r.status_code == 200 and r.mimetype == "text/html"
    assert r.headers["Content-Disposition"].startswith("attachment;")
    page = r.get_data(as_text=True)
    assert "<h1>groupviz report</h1>" in page and 'src="http' not in page
    csv = http.get("/report/metrics.csv")
    assert csv.status_code == 200 and csv.mimetype == "text/csv" and csv.get_data(as_text=True).count("\n") > 2
    events = http.get("/report/events.json")
    assert events.status_code == 200 and json.loads(events.data)
