"""run.py: what app.py (and bench/serverproc.py) serve with beyond Flask-SocketIO's defaults, and
the WSGI guard that refuses oversized long-polling POSTs before python-engineio sees them."""

from __future__ import annotations

import json
import threading
import time

import requests

from groupviz.serve import realtime, run
from groupviz.serve.app import socketio_of

from conftest import Peer, make_app


def test_serve_lifts_eventlets_1024_connection_cap_and_tunes_gc(monkeypatch):
    calls = {}
    app = make_app()
    app.config["ASYNC_MODE"] = "eventlet"          # what serve() reads; nothing is started here
    monkeypatch.setattr(socketio_of(app), "run", lambda app, **kw: calls.setdefault("run", kw))
    monkeypatch.setattr(realtime, "tune_gc", lambda: calls.setdefault("gc", True))
    run.serve(app, "127.0.0.1", 5999)
    assert calls["run"]["max_size"] >= 3000 and calls["run"]["max_size"] == run.EVENTLET_MAX_CONNECTIONS
    assert calls["gc"] is True


def test_serve_can_leave_the_collector_alone(monkeypatch):
    calls = {}
    app = make_app()
    monkeypatch.setattr(socketio_of(app), "run", lambda app, **kw: calls.setdefault("run", kw))
    monkeypatch.setattr(realtime, "tune_gc", lambda: calls.setdefault("gc", True))
    run.serve(app, "127.0.0.1", 5999, gc_tuning=False)
    assert "gc" not in calls and calls["run"]["allow_unsafe_werkzeug"] is True


def test_the_open_files_limit_is_raised_for_a_lecture_hall_but_never_past_the_hard_limit(monkeypatch):
    import resource

    calls = []
    monkeypatch.setattr(resource, "getrlimit", lambda which: (1024, 4096))
    monkeypatch.setattr(resource, "setrlimit", lambda which, lim: calls.append(lim))
    assert run.raise_open_files_limit(5256) == 4096 and calls == [(4096, 4096)]
    calls.clear()
    monkeypatch.setattr(resource, "getrlimit", lambda which: (65536, 65536))
    assert run.raise_open_files_limit(5256) == 65536 and calls == []


def request_threads_stuck_in_queue_join() -> int:
    import sys
    import traceback

    frames = sys._current_frames()
    return sum(any("queue.join()" in line for line in traceback.format_stack(frames[t.ident]))
               for t in threading.enumerate() if t.ident in frames and t is not threading.current_thread())


def test_oversized_polling_post_is_refused_with_413(live_server):
    base = live_server.url + "/socket.io/?EIO=4&transport=polling"
    s = requests.Session()
    sid = json.loads(s.get(base, timeout=5).text[1:])["sid"]
    assert s.post(f"{base}&sid={sid}", data="40", timeout=5).status_code == 200      # join namespace "/"
    big = '42["command",{"op":"' + "x" * (70 * 1024) + '"}]'
    r = requests.post(f"{base}&sid={sid}", data=big, timeout=5)
    assert r.status_code == 413 and "at most 65536 bytes" in r.text
    # just under the limit still reaches the handler (the engine refuses the op)
    assert requests.post(f"{base}&sid={sid}", data='42["command",{"op":"' + "x" * 60_000 + '"}]',
                         timeout=5).status_code == 200


def test_oversized_message_over_polling_disconnects_the_client_and_pins_no_thread(live_server):
    for _ in range(3):
        peer = Peer(live_server.url, transports=("polling",))
        try:
            assert peer.sio.call("command", {"op": "set_speed", "factor": 2}, timeout=5)["ok"] is True
            peer.sio.emit("command", {"op": "x" * (70 * 1024)})
            assert peer.disconnected.wait(10)
        finally:
            peer.close()
    time.sleep(0.5)
    assert request_threads_stuck_in_queue_join() == 0
    assert requests.get(live_server.url + "/healthz", timeout=5).json()["ok"] is True
