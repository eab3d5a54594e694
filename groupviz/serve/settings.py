"""The server's settings: the async modes it runs on and the defaults `create_app(config)` starts from.

Standard library only, so app.py can read ASYNC_MODES before eventlet or gevent patch it.
"""

from __future__ import annotations

import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]          # the repository: templates/, static/, node_modules/
ASYNC_MODES = ("eventlet", "threading", "gevent")    # Flask-SocketIO's async modes that groupviz serves on

DEFAULTS = {
    "ASYNC_MODE": "eventlet",
    "SEED": 7,
    "SCENARIO": "default",
    "TICK_HZ": 10.0,
    "SPEED": 1.0,
    "START_TICKER": True,
    "MAX_HTTP_BUFFER_SIZE": 64 * 1024,
    "SOCKETIO_CLIENT_JS": str(ROOT / "node_modules" / "socket.io-client" / "dist" / "socket.io.min.js"),
    "PLOTLY_BASIC_JS": str(ROOT / "node_modules" / "plotly.js-basic-dist-min" / "plotly-basic.min.js"),
    "ENGINE": None,               # None: the simulation; else a backend with the same contract (app.py --kafka)
    "PRESENTER_TOKEN": None,      # None: everyone is the presenter (loopback bind); else the secret token
    "VIEWER_URL": None,           # the link students open (for the QR code); None: this request's root URL
    "COMMAND_RATE": 20.0,         # commands per second per client (token bucket) ...
    "COMMAND_BURST": 40,          # ... and the burst it allows
    "MAX_CONNECTIONS": 5000,      # concurrent Socket.IO clients; more are refused
    "WS_DEFLATE": "shared",       # permessage-deflate policy for WebSocket clients (compression.WS_DEFLATE_POLICIES)
    "FULL_GC_EVERY_S": 120.0,     # a full garbage collection this often (0: never); why: realtime.py
    "MESSAGE_QUEUE": None,        # redis://...: a socket worker of `app.py --workers N` (relay_worker.py)
    "WORKER_ID": None,            # that worker's name on the queue (None: a random one)
    "CLOCK": time.monotonic,      # the rate limiter's clock (tests inject a fake one)
}


def check_async_mode(mode: str) -> str:
    """`mode` if groupviz serves on it; else ValueError naming the choices."""
    if mode not in ASYNC_MODES:
        raise ValueError(f"async_mode must be one of {', '.join(ASYNC_MODES)}, not {mode!r}")
    return mode
