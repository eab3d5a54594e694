"""The application factory, as in Flask's tutorial: config, extensions, blueprint, handlers.

The views are in routes.py, the Socket.IO handlers in sockets.py, compression in compression.py,
the WSGI guard and serving in run.py. What the handlers share lives in `app.extensions`:
"groupviz" (the LiveEngine ticker), "groupviz.socketio", "groupviz.clients" (roles and the cap),
"groupviz.limiter" (command rate) and "groupviz.files" (the compressed-file cache).
"""

from __future__ import annotations

import threading
import uuid

from flask import Flask
from flask_socketio import SocketIO

from groupviz.engine.core import Engine
from groupviz.serve import relay, routes, security, sockets
from groupviz.serve.compression import CompressedFiles, apply_ws_deflate_policy, gzip_dynamic
from groupviz.serve.realtime import LiveEngine
from groupviz.serve.relay_worker import RemoteLive
from groupviz.serve.run import RefuseOversizedPosts
from groupviz.serve.settings import DEFAULTS, ROOT, check_async_mode


def create_app(config: dict | None = None) -> Flask:
    app = Flask(__name__, template_folder=str(ROOT / "templates"), static_folder=str(ROOT / "static"))
    app.config.from_mapping(DEFAULTS)
    if config:
        app.config.update(config)
    cfg = app.config

    # cors_allowed_origins is left at None: python-engineio then accepts only an Origin equal to
    # the request's own scheme://Host and answers 400 to any other (tests/serve/test_app.py).
    queue = cfg["MESSAGE_QUEUE"]
    worker_id = cfg["WORKER_ID"] or uuid.uuid4().hex[:8]
    extra = {"client_manager": relay.mq_manager(queue, f"groupviz-mq-{worker_id}")} if queue else {}
    socketio = SocketIO(app, async_mode=check_async_mode(cfg["ASYNC_MODE"]),
                        max_http_buffer_size=cfg["MAX_HTTP_BUFFER_SIZE"], json=None, **extra)
    app.wsgi_app = RefuseOversizedPosts(app.wsgi_app, cfg["MAX_HTTP_BUFFER_SIZE"])
    apply_ws_deflate_policy(socketio, cfg["WS_DEFLATE"])

    live = RemoteLive(queue, socketio, worker_id, sleep=socketio.sleep) if queue else _live_engine(cfg, socketio)
    app.extensions.update({
        "groupviz": live,
        "groupviz.socketio": socketio,
        "groupviz.clients": security.Clients(int(cfg["MAX_CONNECTIONS"])),
        "groupviz.limiter": security.RateLimiter(float(cfg["COMMAND_RATE"]), float(cfg["COMMAND_BURST"]),
                                                 cfg["CLOCK"], lock=threading.Lock()),
        "groupviz.files": CompressedFiles(),
    })

    app.register_blueprint(routes.bp)
    app.view_functions["static"] = routes.static_file     # Flask's static route, served compressed
    app.after_request(gzip_dynamic)
    sockets.register(socketio)

    if queue:                 # a worker (relay_worker.py): the engine runs in its own process
        socketio.server.manager_initialized = True      # listen to the queue now, not at the first client
        socketio.server.manager.initialize()
        socketio.start_background_task(live.run_listener)
        socketio.start_background_task(live.run_monitor)
    elif cfg["START_TICKER"]:
        socketio.start_background_task(live.run_forever)
    return app


def _live_engine(cfg, socketio: SocketIO) -> LiveEngine:
    """The single process: the engine and its ticker live here. The engine is the simulation, or the real
    backend (groupviz.realkafka) that app.py built for --kafka, which keeps the same contract."""
    engine = cfg.get("ENGINE")
    if engine is None:
        engine = Engine(seed=int(cfg["SEED"]), scenario=cfg["SCENARIO"])
        engine.speed = float(cfg["SPEED"])
    return LiveEngine(engine, socketio.emit, tick_hz=float(cfg["TICK_HZ"]), sleep=socketio.sleep,
                      emit_ticks=lambda *forms: sockets.emit_ticks(socketio, *forms),
                      full_gc_every_s=float(cfg["FULL_GC_EVERY_S"] or 0))


def socketio_of(app: Flask) -> SocketIO:
    return app.extensions["groupviz.socketio"]
