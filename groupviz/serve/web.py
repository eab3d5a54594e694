"""The web layer: Flask app factory and Socket.IO handlers that only translate.

The only module that imports Flask. JSON in, engine calls out, JSON back.

Roles (groupviz.security): with `PRESENTER_TOKEN` None (the default, and what
app.py picks for a loopback bind) every browser is the presenter. With a token,
a browser is the presenter only if it opened `/?token=<token>` (then remembered
in an HttpOnly, SameSite=Strict cookie) or its Socket.IO client sends
`auth={"token": ...}`; everyone else is a read-only viewer. The role of a socket
is decided once, at connect, and kept per sid (not in flask.session).

Hardening: same-origin sockets only (Flask-SocketIO's default
`cors_allowed_origins=None`), messages above `MAX_HTTP_BUFFER_SIZE` drop the
connection, a per-client token bucket on commands, a cap on connections, and a
`command` handler that answers every payload with an `{"ok": ...}` dict.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import mimetypes
import logging
import os
import threading
import time
from pathlib import Path

from flask import Flask, Response, abort, jsonify, make_response, render_template, request
from flask_socketio import ConnectionRefusedError, SocketIO, emit, join_room
from werkzeug.security import safe_join

from groupviz.engine import commands
from groupviz.classroom import lessons
from groupviz.classroom import report
from groupviz.serve import security
from groupviz.engine.core import Engine
from groupviz.serve.realtime import FULL_GC_EVERY_S, LiveEngine, tune_gc

from groupviz.kafka.config import config_reference


log = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parents[2]
ASYNC_MODES = ("eventlet", "threading", "gevent")
#: The choices the page offers, from the one place the server validates them (index.html renders them).
PAGE_CONSTANTS = {"assignors": list(commands.ASSIGNORS), "key_modes": list(commands.KEY_MODES),
                  "group_types": list(commands.GROUP_TYPES), "competitions": list(commands.COMPETITIONS)}

DEFAULTS = {
    "ASYNC_MODE": "eventlet",
    "SEED": 7,
    "SCENARIO": "default",
    "TICK_HZ": 10.0,
    "SPEED": 1.0,
    "START_TICKER": True,
    "MAX_HTTP_BUFFER_SIZE": 64 * 1024,
    "SOCKETIO_CLIENT_JS": str(ROOT / "node_modules" / "socket.io-client" / "dist" / "socket.io.min.js"),
    "PRESENTER_TOKEN": None,      # None: everyone is the presenter (loopback bind); else the secret token
    "VIEWER_URL": None,           # the link students open (for the QR code); None: this request's root URL
    "COMMAND_RATE": 20.0,         # commands per second per client (token bucket) ...
    "COMMAND_BURST": 40,          # ... and the burst it allows
    "MAX_CONNECTIONS": 5000,      # concurrent Socket.IO clients; more are refused
    "WS_DEFLATE": "shared",       # permessage-deflate policy for WebSocket clients (WS_DEFLATE_POLICIES)
    "FULL_GC_EVERY_S": FULL_GC_EVERY_S,   # a full garbage collection this often (0: never); realtime.py
    "CLOCK": time.monotonic,      # the rate limiter's clock (tests inject a fake one)
}

# Socket.IO rooms by tick form: the page connects with ?ticks=delta and merges delta ticks
# (docs/wire.md); every other client gets full ticks.
FULL_TICKS = "ticks:full"
DELTA_TICKS = "ticks:delta"

INTERNAL_ERROR = "internal error while handling the command; the server keeps running"


class RefuseOversizedPosts:
    """WSGI guard: a Socket.IO long-polling POST above the size limit gets 413 before python-engineio sees it.

    python-engineio 4.15.1 refuses such a POST itself (400, then it disconnects the
    session), but that disconnect waits in `Socket.close()` -> `queue.join()` for a
    poll that a client which got the CLOSE packet never sends, so each oversized POST
    would pin one request thread (or greenlet) and its socket forever
    (engineio/server.py handle_request -> disconnect; engineio/socket.py close).
    Refused here, the client sees a failed POST and drops the transport; the session
    ends at the ping timeout. WebSocket messages are checked by python-engineio.
    """

    def __init__(self, app, limit: int, prefix: str = "/socket.io"):
        self.app = app
        self.limit = int(limit)
        self.prefix = prefix

    def __call__(self, environ, start_response):
        if environ.get("REQUEST_METHOD") == "POST" and environ.get("PATH_INFO", "").startswith(self.prefix):
            try:
                length = int(environ.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = self.limit + 1
            if length > self.limit:
                log.warning("refused a %d-byte Socket.IO POST from %s (limit %d)",
                            length, environ.get("REMOTE_ADDR"), self.limit)
                body = f"a message may be at most {self.limit} bytes".encode()
                start_response("413 Content Too Large", [("Content-Type", "text/plain; charset=utf-8"),
                                                         ("Content-Length", str(len(body))),
                                                         ("Connection", "close")])
                return [body]
        return self.app(environ, start_response)


class CompressedFiles:
    """Files served gzip-compressed to browsers that accept it (all do): plotly.min.js is 4.8 MB,
    1.4 MB gzipped, and a lecture hall loads it once per phone. Each file is read and compressed
    once per version (mtime, size) and kept in memory; ETag + conditional GET give 304s."""

    def __init__(self):
        self._cache: dict[str, tuple] = {}
        self._lock = threading.Lock()

    def _entry(self, path: Path) -> tuple:
        st = path.stat()
        version = (st.st_mtime_ns, st.st_size)
        entry = self._cache.get(str(path))
        if entry is None or entry[0] != version:
            raw = path.read_bytes()
            entry = (version, raw, gzip.compress(raw, compresslevel=6, mtime=0), hashlib.sha256(raw).hexdigest()[:24])
            with self._lock:
                self._cache[str(path)] = entry
        return entry

    def response(self, path: Path, mimetype: str | None = None, max_age: int | None = None) -> Response:
        _, raw, gz, etag = self._entry(path)
        zipped = request.accept_encodings["gzip"] > 0 and len(gz) < len(raw)
        mimetype = mimetype or mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        resp = Response(gz if zipped else raw, mimetype=mimetype)
        if zipped:
            resp.headers["Content-Encoding"] = "gzip"
        resp.headers["Vary"] = "Accept-Encoding"
        resp.set_etag(etag + ("-gz" if zipped else ""))
        if max_age:
            resp.cache_control.public = True
            resp.cache_control.max_age = max_age
        else:
            resp.cache_control.no_cache = True       # the page's own files: revalidate (304) every load
        return resp.make_conditional(request)


DYNAMIC_GZIP_TYPES = ("text/html", "application/json", "text/csv")
DYNAMIC_GZIP_MIN = 1024


def gzip_dynamic(resp: Response) -> Response:
    """after_request: gzip the page, the JSON API and the report (built per request; static files
    are compressed once by CompressedFiles) for browsers that accept it: the page is 25 KB, 6 KB
    gzipped, and a lecture hall loads it once per phone."""
    if (resp.status_code != 200 or resp.direct_passthrough or resp.is_streamed
            or "Content-Encoding" in resp.headers or resp.mimetype not in DYNAMIC_GZIP_TYPES):
        return resp
    resp.vary.add("Accept-Encoding")
    if request.accept_encodings["gzip"] <= 0:
        return resp
    body = resp.get_data()
    if len(body) < DYNAMIC_GZIP_MIN:
        return resp
    resp.set_data(gzip.compress(body, compresslevel=6, mtime=0))     # set_data fixes Content-Length
    resp.headers["Content-Encoding"] = "gzip"
    return resp


JS_MIME = "text/javascript"
VENDOR_MAX_AGE = 3600


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
    token = app.config["PRESENTER_TOKEN"] or None

    # cors_allowed_origins is left at None: python-engineio then accepts only an Origin equal to
    # the request's own scheme://Host and answers 400 to any other (tests/test_security.py).
    socketio = SocketIO(app, async_mode=mode, max_http_buffer_size=app.config["MAX_HTTP_BUFFER_SIZE"],
                        json=None)
    app.wsgi_app = RefuseOversizedPosts(app.wsgi_app, app.config["MAX_HTTP_BUFFER_SIZE"])
    apply_ws_deflate_policy(socketio, app.config["WS_DEFLATE"])
    engine = Engine(seed=int(app.config["SEED"]), scenario=app.config["SCENARIO"])
    engine.speed = float(app.config["SPEED"])

    def emit_ticks(full: dict, make_delta) -> None:
        # one serialisation per form and tick, shared by every client in the room; a form nobody
        # listens to is not built or encoded
        rooms = socketio.server.manager.rooms.get("/", {})
        if rooms.get(FULL_TICKS):
            socketio.emit("tick", full, to=FULL_TICKS)
        if rooms.get(DELTA_TICKS):
            socketio.emit("tick", make_delta(), to=DELTA_TICKS)

    live = LiveEngine(engine, socketio.emit, tick_hz=float(app.config["TICK_HZ"]), sleep=socketio.sleep,
                      emit_ticks=emit_ticks, full_gc_every_s=float(app.config["FULL_GC_EVERY_S"] or 0))
    clients = security.Clients(int(app.config["MAX_CONNECTIONS"]))
    limiter = security.RateLimiter(float(app.config["COMMAND_RATE"]), float(app.config["COMMAND_BURST"]),
                                   app.config["CLOCK"], lock=threading.Lock())
    app.extensions["groupviz"] = live
    app.extensions["groupviz.socketio"] = socketio
    app.extensions["groupviz.clients"] = clients
    app.extensions["groupviz.limiter"] = limiter

    def http_role() -> str:
        return security.role_for(token, request.args.get("token"), request.cookies.get(security.COOKIE_NAME))

    def viewer_url() -> str:
        return app.config["VIEWER_URL"] or request.url_root

    @app.get("/")
    def index():
        role = http_role()
        resp = make_response(render_template("index.html", role=role, viewer_url=viewer_url(),
                                             max_message=app.config["MAX_HTTP_BUFFER_SIZE"],
                                             constants=PAGE_CONSTANTS))
        if token is not None and security.token_matches(token, request.args.get("token")):
            resp.set_cookie(security.COOKIE_NAME, token, httponly=True, samesite="Strict", path="/")
        resp.headers["Referrer-Policy"] = "no-referrer"     # the address may still carry ?token=
        resp.headers["Cache-Control"] = "no-store"          # the page differs by role
        return resp

    @app.get("/qr.svg")
    def qr_svg():
        import segno

        buf = io.BytesIO()
        segno.make(viewer_url(), error="m").save(buf, kind="svg", scale=8, border=4, light="#fff",
                                                 xmldecl=False, omitsize=True, title="groupviz viewer link")
        svg = buf.getvalue().decode("utf-8")
        side = svg.split('viewBox="0 0 ', 1)[1].split(" ", 1)[0]
        svg = svg.replace("<svg ", f'<svg width="{side}" height="{side}" ', 1)   # intrinsic size + viewBox
        return Response(svg, mimetype="image/svg+xml", headers={"Cache-Control": "no-cache"})

    @app.get("/healthz")
    def healthz():
        return jsonify({"ok": True, "ticks": live.ticks, "time_ms": live.engine.time_ms, "error": live.error,
                        "running": live.engine.running, "clients": len(clients), **live.timing()})

    @app.get("/api/state")
    def api_state():
        return jsonify(live.full_snapshot())

    @app.get("/api/describe")
    def api_describe():
        # Read-only, so viewers may use it too: what kafka-consumer-groups.sh --describe would print.
        with live.lock:
            result = live.engine.describe(request.args.get("group", ""), request.args.get("view", "offsets"))
        resp = jsonify(result)
        resp.headers["Cache-Control"] = "no-store"
        if not result["ok"]:
            resp.status_code = 400
        return resp

    @app.get("/api/group-configs")
    def api_group_configs():
        return jsonify({"configs": config_reference()})

    @app.get("/api/lessons")
    def api_lessons():
        return jsonify({"lessons": lessons.listing()})

    def attachment(body: str, mimetype: str, filename: str) -> Response:
        return Response(body, mimetype=mimetype, headers={
            "Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"})

    def snapshot_and_log() -> tuple[dict, dict]:
        with live.lock:
            return live.full_snapshot(), live.engine.export_log()

    @app.get("/api/log")
    def api_log():
        _, run_log = snapshot_and_log()
        return attachment(json.dumps(run_log, indent=1), "application/json",
                          f"groupviz-log-seed{run_log['seed']}-{run_log['time_ms']}ms.json")

    @app.get("/report")
    def report_html():
        snap, run_log = snapshot_and_log()
        lang = request.args.get("lang", "en")
        lang = lang if lang in report.LANGS else "en"
        return attachment(report.build_html(snap, run_log, lang=lang), "text/html",
                          f"groupviz-report-{snap['time_ms']}ms{'' if lang == 'en' else '-' + lang}.html")

    @app.get("/report/metrics.csv")
    def report_csv():
        snap, _ = snapshot_and_log()
        return attachment(report.metrics_csv(snap), "text/csv", "groupviz-metrics.csv")

    @app.get("/report/events.json")
    def report_events():
        snap, run_log = snapshot_and_log()
        return attachment(report.events_json(snap, run_log), "application/json", "groupviz-events.json")

    files = CompressedFiles()

    def static_file(filename: str):
        path = safe_join(str(ROOT / "static"), filename)
        if path is None or not os.path.isfile(path):
            abort(404)
        return files.response(Path(path), JS_MIME if filename.endswith(".js") else None)

    app.view_functions["static"] = static_file     # Flask's static route, served compressed
    app.after_request(gzip_dynamic)

    @app.get("/vendor/plotly.min.js")
    def vendor_plotly():
        return files.response(_plotly_js(), JS_MIME, VENDOR_MAX_AGE)

    @app.get("/vendor/socket.io.min.js")
    def vendor_socketio():
        path = app.config["SOCKETIO_CLIENT_JS"]
        if not os.path.exists(path):
            log.error("socket.io client missing at %s: run `make setup` (npm ci)", path)
            abort(404)
        return files.response(Path(path), JS_MIME, VENDOR_MAX_AGE)

    @socketio.on("connect")
    def on_connect(auth=None):
        sid = request.sid
        role = security.role_for(token, security.auth_token(auth), request.cookies.get(security.COOKIE_NAME))
        if not clients.add(sid, role):
            log.warning("refused a connection from %s: %d clients connected, MAX_CONNECTIONS is %d",
                        request.remote_addr, len(clients), clients.limit)
            raise ConnectionRefusedError(f"the server is full ({clients.limit} connections); try again later")
        emit("role", {"role": role})
        room = DELTA_TICKS if request.args.get("ticks") == "delta" else FULL_TICKS

        def send(snap):
            # in the tick order (LiveEngine.send_snapshot): the room is joined and the snapshot
            # queued before any later tick, so no delta reaches the page ahead of its base
            join_room(room)
            emit("snapshot", snap)
        live.send_snapshot(send)

    @socketio.on("disconnect")
    def on_disconnect(*_reason):
        clients.remove(request.sid)
        limiter.forget(request.sid)

    @socketio.on("command")
    def on_command(*args):
        # *args: a client may send no payload or several; only the first is the command.
        return handle_command(request.sid, args[0] if args else None)

    def handle_command(sid: str, data) -> dict:
        if clients.role(sid) != security.PRESENTER:
            return {"ok": False, "error": security.READ_ONLY_ERROR}
        if not limiter.allow(sid):
            return {"ok": False, "error": limiter.error}
        try:
            result = live.apply(data)
        except Exception:
            log.exception("command handler failed")
            return {"ok": False, "error": INTERNAL_ERROR}
        return result if isinstance(result, dict) and "ok" in result else {"ok": False, "error": INTERNAL_ERROR}

    if app.config["START_TICKER"]:
        socketio.start_background_task(live.run_forever)
    return app


def socketio_of(app: Flask) -> SocketIO:
    return app.extensions["groupviz.socketio"]


# -- permessage-deflate on WebSockets (eventlet) ----------------------------------------------
# Browsers offer permessage-deflate. eventlet accepts it and then compresses every message once
# per client, with a compressor per connection: at 1,000 viewers that alone saturates a core
# (BENCHMARKS.md, bench/viewers.py). The policies:
#   "accept"  eventlet's own behaviour (per-client compression, context takeover);
#   "refuse"  never negotiate it: plain frames, no compression cost, ~4x the bytes on the wire;
#   "shared"  negotiate it with server_no_context_takeover (RFC 7692 lets the server add that
#             unasked), so a message compresses to the same bytes for every client: a broadcast
#             (one engineio packet object, encoded once) is compressed ONCE and the same frame
#             is written to every socket. Small messages (< WS_COMPRESS_MIN bytes) go plain.
WS_DEFLATE_POLICIES = ("shared", "refuse", "accept")
WS_COMPRESS_MIN = 512


def _websocket_classes():
    """(refusing, sharing) subclasses of python-engineio's eventlet WebSocket app (built lazily:
    eventlet is imported only when eventlet is the async mode)."""
    import zlib

    from engineio.async_drivers.eventlet import WebSocketWSGI
    from eventlet.websocket import RFC6455WebSocket

    class RefuseDeflate(WebSocketWSGI):
        def _negotiate_permessage_deflate(self, extensions):
            return None

    def text_frame(body: bytes, compressed: bool) -> bytes:
        first = 0x80 | (0x40 if compressed else 0) | 0x01      # FIN, RSV1 = compressed, opcode text
        n = len(body)
        if n < 126:
            return bytes((first, n)) + body
        if n < 65536:
            return bytes((first, 126)) + n.to_bytes(2, "big") + body
        return bytes((first, 127)) + n.to_bytes(8, "big") + body

    class SharedFrameSocket(RFC6455WebSocket):
        last = (None, b"")          # (message, its compressed frame): the broadcast being fanned out

        def _pack_message(self, message, masked=False, continuation=False, final=True, control_code=None):
            if control_code or continuation or not final or masked or not isinstance(message, str):
                return super()._pack_message(message, masked, continuation, final, control_code)
            if len(message) < WS_COMPRESS_MIN:
                return text_frame(message.encode("utf-8"), False)
            cached, frame = SharedFrameSocket.last
            if message is cached or message == cached:
                return frame
            comp = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -zlib.MAX_WBITS)
            body = comp.compress(message.encode("utf-8")) + comp.flush(zlib.Z_SYNC_FLUSH)
            frame = text_frame(body[:-4], True)   # RFC 7692 7.2.1: drop the 00 00 ff ff tail
            SharedFrameSocket.last = (message, frame)
            return frame

    class SharedDeflate(WebSocketWSGI):
        def _negotiate_permessage_deflate(self, extensions):
            config = super()._negotiate_permessage_deflate(extensions)
            if config is None or config.get("server_max_window_bits", zlib.MAX_WBITS) != zlib.MAX_WBITS:
                return None               # a client that limits our window gets plain frames
            config["server_no_context_takeover"] = True
            return config

        def _handle_hybi_request(self, environ):
            ws = super()._handle_hybi_request(environ)
            if "permessage-deflate" in ws.extensions:
                ws.__class__ = SharedFrameSocket
            return ws

    return RefuseDeflate, SharedDeflate


def apply_ws_deflate_policy(socketio: SocketIO, policy: str) -> None:
    """Choose how WebSocket clients' permessage-deflate offers are answered (eventlet mode only;
    other async modes keep their server's behaviour)."""
    if policy not in WS_DEFLATE_POLICIES:
        raise ValueError(f"WS_DEFLATE must be one of {', '.join(WS_DEFLATE_POLICIES)}, not {policy!r}")
    eio = socketio.server.eio
    if socketio.server.async_mode != "eventlet" or policy == "accept":
        return
    refuse, shared = _websocket_classes()
    eio._async = dict(eio._async, websocket=refuse if policy == "refuse" else shared)


EVENTLET_MAX_CONNECTIONS = 10000   # eventlet's wsgi server accepts only 1024 at once unless told


def raise_open_files_limit(want: int) -> int:
    """Lift the soft limit on open files towards `want` (never past the hard limit): many Linux
    desktops start programs at 1,024, which would cap a lecture hall at ~1,000 sockets.
    Returns the soft limit in force."""
    try:
        import resource
    except ImportError:          # not POSIX
        return want
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = want if hard == resource.RLIM_INFINITY else min(want, hard)
    if soft != resource.RLIM_INFINITY and soft < target:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
            soft = target
        except (ValueError, OSError):
            log.warning("could not raise the open-files limit from %d to %d", soft, target)
    return soft


def serve(app: Flask, host: str, port: int, *, gc_tuning: bool = True) -> None:
    """Serve `app` until stopped, as app.py does (bench/serverproc.py runs the same path)."""
    kwargs = {}
    mode = app.config["ASYNC_MODE"]
    if mode == "threading":
        kwargs["allow_unsafe_werkzeug"] = True
    if mode == "eventlet":
        kwargs["max_size"] = EVENTLET_MAX_CONNECTIONS
    limit = raise_open_files_limit(int(app.config["MAX_CONNECTIONS"]) + 256)
    if limit < int(app.config["MAX_CONNECTIONS"]):
        log.warning("at most ~%d viewers: the open-files limit is %d (ulimit -n)", limit - 64, limit)
    if gc_tuning:
        tune_gc()
    socketio_of(app).run(app, host=host, port=port, log_output=False, **kwargs)
