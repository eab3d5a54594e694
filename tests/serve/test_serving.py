"""groupviz.serve.web.serve: what app.py (and bench/serverproc.py) serve with, beyond Flask-SocketIO's defaults."""

from __future__ import annotations

import subprocess
import sys

from groupviz.serve import web


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
    code = ("import gc; from groupviz.serve.realtime import tune_gc, GC_THRESHOLDS; tune_gc(); "
            "assert gc.get_freeze_count() > 1000, gc.get_freeze_count(); "
            "assert gc.get_threshold() == GC_THRESHOLDS and GC_THRESHOLDS[0] > 700; print('ok')")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0 and r.stdout.strip() == "ok", r.stderr


def test_the_open_files_limit_is_raised_for_a_lecture_hall_but_never_past_the_hard_limit(monkeypatch):
    import resource

    calls = []
    monkeypatch.setattr(resource, "getrlimit", lambda which: (1024, 4096))
    monkeypatch.setattr(resource, "setrlimit", lambda which, lim: calls.append(lim))
    assert web.raise_open_files_limit(5256) == 4096 and calls == [(4096, 4096)]
    calls.clear()
    monkeypatch.setattr(resource, "getrlimit", lambda which: (65536, 65536))
    assert web.raise_open_files_limit(5256) == 65536 and calls == []
