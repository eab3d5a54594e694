"""Shared fixtures: an engine, a Flask-SocketIO test client, a live server in a thread."""

from __future__ import annotations

import socket
import threading
from dataclasses import dataclass

import pytest

from groupviz.engine.core import Engine


@pytest.fixture
def engine() -> Engine:
    return Engine(seed=7)


def run_until(engine: Engine, predicate, limit_ms: int = 60_000, step_ms: int = 50) -> int:
    """Step `engine` until `predicate(engine)` holds; return the simulated time it took."""
    start = engine.time_ms
    while not predicate(engine):
        if engine.time_ms - start > limit_ms:
            raise AssertionError(f"condition not reached within {limit_ms} simulated ms")
        engine.step(step_ms)
    return engine.time_ms - start


def group(engine: Engine, group_id: str = "g1") -> dict:
    return next(g for g in engine.snapshot(history=False)["groups"] if g["group_id"] == group_id)


def stable(engine: Engine, group_id: str = "g1") -> bool:
    g = engine.groups[group_id]
    return g.coordinator.state == "Stable" and all(c.phase == "stable" for c in g.consumers.values() if c.alive)


@pytest.fixture
def app_and_client():
    from groupviz.serve.web import create_app, socketio_of

    app = create_app({"ASYNC_MODE": "threading", "START_TICKER": False})
    client = socketio_of(app).test_client(app)
    yield app, client
    if client.is_connected():
        client.disconnect()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class LiveServer:
    url: str
    live: object          # groupviz.serve.realtime.LiveEngine
    app: object

    @property
    def engine(self):
        return self.live.engine


def start_live_server(speed: float = 4.0, **config) -> tuple[LiveServer, callable]:
    import logging

    from werkzeug.serving import make_server

    from groupviz.serve.web import create_app

    logging.getLogger("werkzeug").setLevel(logging.WARNING)

    cfg = {"ASYNC_MODE": "threading", "SPEED": speed}
    cfg.update(config)
    app = create_app(cfg)
    port = free_port()
    server = make_server("127.0.0.1", port, app, threaded=True)
    t = threading.Thread(target=server.serve_forever, daemon=True)
    t.start()
    live = app.extensions["groupviz"]

    def stop():
        live.stop()
        server.shutdown()

    return LiveServer(f"http://127.0.0.1:{port}", live, app), stop


@pytest.fixture
def live_server():
    """A real server (threading mode) on a free port; the engine runs at 4x speed."""
    server, stop = start_live_server()
    yield server
    stop()


# Browser fixtures (`browser` per module, `probe`, `page`) for every tests/test_browser*.py.
from browser_helpers import browser, page, probe  # noqa: E402,F401
