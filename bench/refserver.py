"""The stack's own ceiling: a minimal Flask-SocketIO eventlet server that only broadcasts a tick.

    python bench/refserver.py PORT PAYLOAD.json [--hz 10] [--no-gc-tuning] [--ws-deflate POLICY]

Reference for bench/viewers.py. No engine, no handlers beyond connect: every 1/hz s it stamps
`sent_ms` (wall ms, like groupviz/realtime.py does) into a fixed payload -- a real groupviz tick
of the scenario under test, so the same size -- and broadcasts it with `socketio.emit`, exactly
as groupviz does. The stack-level choices that groupviz makes (eventlet's connection cap raised,
GC tuning, the permessage-deflate policy) are applied here too, through the same functions, so
the ratio of the two ceilings is groupviz's own overhead (engine step, snapshot, handlers).
Binds 127.0.0.1 only.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import eventlet

eventlet.monkey_patch()

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import time  # noqa: E402

from flask import Flask, jsonify  # noqa: E402
from flask_socketio import SocketIO, emit  # noqa: E402

from groupviz.serve.realtime import tune_gc  # noqa: E402
from groupviz.serve.compression import WS_DEFLATE_POLICIES, apply_ws_deflate_policy  # noqa: E402
from groupviz.serve.run import EVENTLET_MAX_CONNECTIONS  # noqa: E402


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("port", type=int)
    p.add_argument("payload", help="JSON file: the tick to broadcast")
    p.add_argument("--hz", type=float, default=10.0)
    p.add_argument("--no-gc-tuning", action="store_true")
    p.add_argument("--ws-deflate", default="accept", choices=WS_DEFLATE_POLICIES)
    args = p.parse_args()

    payload = json.loads(Path(args.payload).read_text())
    snapshot = dict(payload)
    app = Flask(__name__)
    socketio = SocketIO(app, async_mode="eventlet", json=None)
    apply_ws_deflate_policy(socketio, args.ws_deflate)
    state = {"ticks": 0}

    @app.get("/healthz")
    def healthz():
        return jsonify({"ok": True, "ticks": state["ticks"]})

    @socketio.on("connect")
    def on_connect(auth=None):
        emit("role", {"role": "viewer"})
        emit("snapshot", snapshot)

    def broadcast():
        period = 1.0 / args.hz
        next_at = time.monotonic()
        while True:
            next_at += period
            delay = next_at - time.monotonic()
            socketio.sleep(delay if delay > 0 else 0)
            if time.monotonic() - next_at > 5 * period:
                next_at = time.monotonic()
            payload["sent_ms"] = round(time.time() * 1000.0, 1)
            socketio.emit("tick", payload)
            state["ticks"] += 1

    socketio.start_background_task(broadcast)
    if not args.no_gc_tuning:
        tune_gc()
    print("reference server listening", flush=True)
    socketio.run(app, host="127.0.0.1", port=args.port, log_output=False, max_size=EVENTLET_MAX_CONNECTIONS)
    return 0


if __name__ == "__main__":
    sys.exit(main())
