"""The web layer: Flask app factory and Socket.IO handlers that only translate.

The only module that imports Flask. JSON in, engine calls out, JSON back.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from flask import Flask, abort, jsonify, render_template, send_file
from flask_socketio import SocketIO, emit

from .engine import Engine
from .realtime import LiveEngine

log = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parent.parent
ASYNC_MODES = ("eventlet", "threading", "gevent")

DEFAULTS = {
    "ASYNC_MODE": "eventlet",
    "SEED": 7,
    "SCENARIO": "default",
    "TICK_HZ": 10.0,
    "SPEED": 1.0,
    "START_TICKER": True,
    "MAX_HTTP_BUFFER_SIZE": 64 * 1024,
    "SOCKETIO_CLIENT_JS": str(ROOT / "node_modules" / "socket.io-client" / "dist" / "socket.io.min.js"),
}


def _plotly_js() -> Path:
    import plotly

    return Path(plotly.__file__).resolve().parent / "package_data" / "plotly.min.js"


def create_app(config: dict | None = None) -> Flask:
    app = Flask(__name__, template_folder=str(ROOT / "templates"), static_folder=str(ROOT / "static"))
    app.config.from_mapping(DEFAULTS)
    if config:
        app.config.update(config)
    mode = app.config["ASYNC_MODE"]
    if mode not in ASYNC_MODES:
        raise ValueError(f"async_mode must be one of {', '.join(ASYNC_MODES)}, not {mode!r}")

    socketio = SocketIO(app, async_mode=mode, max_http_buffer_size=app.config["MAX_HTTP_BUFFER_SIZE"],
                        json=None)
    engine = Engine(seed=int(app.config["SEED"]), scenario=app.config["SCENARIO"])
    engine.speed = float(app.config["SPEED"])
    live = LiveEngine(engine, socketio.emit, tick_hz=float(app.config["TICK_HZ"]), sleep=socketio.sleep)
    app.extensions["groupviz"] = live
    app.extensions["groupviz.socketio"] = socketio

    @app.get("/")
    def index():
        return render_template("index.html", role="presenter")

    @app.get("/healthz")
    def healthz():
        return jsonify({"ok": True, "ticks": live.ticks, "time_ms": live.engine.time_ms, "error": live.error})

    @app.get("/api/state")
    def api_state():
        return jsonify(live.full_snapshot())

    @app.get("/vendor/plotly.min.js")
    def vendor_plotly():
        return send_file(_plotly_js(), mimetype="text/javascript", max_age=3600)

    @app.get("/vendor/socket.io.min.js")
    def vendor_socketio():
        path = app.config["SOCKETIO_CLIENT_JS"]
        if not os.path.exists(path):
            log.error("socket.io client missing at %s: run `make setup` (npm ci)", path)
            abort(404)
        return send_file(path, mimetype="text/javascript", max_age=3600)

    @socketio.on("connect")
    def on_connect(auth=None):
        emit("role", {"role": "presenter"})
        emit("snapshot", live.full_snapshot())

    @socketio.on("command")
    def on_command(data=None):
        return live.apply(data)

    if app.config["START_TICKER"]:
        socketio.start_background_task(live.run_forever)
    return app


def socketio_of(app: Flask) -> SocketIO:
    return app.extensions["groupviz.socketio"]
