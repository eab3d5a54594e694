"""Shared fixtures: an engine, a Flask-SocketIO test client, a live server in a thread."""

from __future__ import annotations

import json
import socket
import threading
import time
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


# -- the serving layer (tests/serve) ------------------------------------------------------------

TOKEN = "s3cret-Token_for-tests"     # a presenter token for tests that need one


def make_app(**config):
    """create_app in threading mode with no ticker running (tests call live.tick() themselves)."""
    from groupviz.serve.app import create_app

    return create_app({"ASYNC_MODE": "threading", "START_TICKER": False, **config})


def live_forms(scenario: str, commands: dict[int, dict], n: int = 120) -> list[tuple[dict, dict, dict]]:
    """(the tick's whole state, its delta tick, its full tick) as JSON, for n ticks of a live engine
    at 10 Hz, with commands applied before some ticks (refused or not, a command makes the next tick whole)."""
    from groupviz.engine.core import Engine
    from groupviz.serve.realtime import LiveEngine

    clock = [0.0]
    out = []
    as_json = lambda x: json.loads(json.dumps(x))      # noqa: E731

    live = LiveEngine(Engine(seed=7, scenario=scenario), lambda *a: None, clock=lambda: clock[0],
                      emit_ticks=lambda tick, make_delta, make_full: out.append(
                          (as_json(tick), as_json(make_delta()), as_json(make_full()))))
    for i in range(n):
        if i in commands:
            live.apply(commands[i])
        clock[0] += 0.1
        live.tick()
    return out


def received(client, name):
    """The payloads of the `name` events a Socket.IO test client has received."""
    return [m["args"][0] for m in client.get_received() if m["name"] == name]


def role_of(client):
    return received(client, "role")[0]["role"]


class FakeClock:
    def __init__(self, t: float = 1000.0):
        self.t = t

    def __call__(self) -> float:
        return self.t


@pytest.fixture
def app_and_client():
    from groupviz.serve.app import socketio_of

    app = make_app()
    client = socketio_of(app).test_client(app)
    yield app, client
    if client.is_connected():
        client.disconnect()


@pytest.fixture
def token_app():
    """An app that requires TOKEN to present, with the viewer URL a classroom would print."""
    app = make_app(PRESENTER_TOKEN=TOKEN, VIEWER_URL="http://192.168.1.7:5000/")
    yield app
    app.extensions["groupviz"].stop()


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

    from groupviz.serve.app import create_app

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


@pytest.fixture
def token_server():
    """A real server that requires TOKEN to present."""
    server, stop = start_live_server(PRESENTER_TOKEN=TOKEN)
    yield server
    stop()


class Peer:
    """A python-socketio client of a live server that records what it receives."""

    def __init__(self, url, transports=("websocket",), **connect_kwargs):
        import socketio

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


# Browser fixtures (`browser` per module, `probe`, `page`) for every tests/test_browser*.py.
from browser_helpers import browser, page, probe  # noqa: E402,F401
