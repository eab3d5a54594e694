"""groupviz.web.serve: what app.py (and bench/serverproc.py) serve with, beyond Flask-SocketIO's defaults."""

from __future__ import annotations

import subprocess
import sys

from groupviz import web


def test_serve_lifts_eventlets_1024_connection_cap_and_tunes_gc(monkeypatch):
    calls = {}
    app = web.create_app({"ASYNC_MODE": "threading", "START_TICKER": False})
    app.config["ASYNC_MODE"] = "eventlet"          # what serve() reads; nothing is started here
    monkeypatch.setattr(web.SocketIO, "run", lambda self, app, **kw: calls.setdefault("run", kw))
    monkeypatch.setattr(web, "tune_gc", lambda: calls.setdefault("gc", True))
    web.serve(app, "127.0.0.1", 5999)
    assert calls["run"]["max_size"] >= 3000 and calls["run"]["max_size"] == web.EVENTLET_MAX_CONNECTIONS
    assert calls["gc"] is True


def test_serve_can_leave_the_collector_alone(monkeypatch):
    calls = {}
    app = web.create_app({"ASYNC_MODE": "threading", "START_TICKER": False})
    monkeypatch.setattr(web.SocketIO, "run", lambda self, app, **kw: calls.setdefault("run", kw))
    monkeypatch.setattr(web, "tune_gc", lambda: calls.setdefault("gc", True))
    web.serve(app, "127.0.0.1", 5999, gc_tuning=False)
    assert "gc" not in calls and calls["run"]["allow_unsafe_werkzeug"] is True


def test_tune_gc_freezes_what_start_up_made_and_collects_less_often():
    code = ("import gc; from groupviz.realtime import tune_gc, GC_THRESHOLDS; tune_gc(); "
            "assert gc.get_freeze_count() > 1000, gc.get_freeze_count(); "
            "assert gc.get_threshold() == GC_THRESHOLDS and GC_THRESHOLDS[0] > 700; print('ok')")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0 and r.stdout.strip() == "ok", r.stderr
