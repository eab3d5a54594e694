"""Compression, three ways: static files gzipped once per version, the page and API gzipped per
request, and the policy for WebSocket clients' permessage-deflate offers (eventlet mode)."""

from __future__ import annotations

import gzip
import hashlib
import mimetypes
import threading
import zlib
from pathlib import Path

from flask import Response, request
from flask_socketio import SocketIO

JS_MIME = "text/javascript"
DYNAMIC_GZIP_TYPES = ("text/html", "application/json", "text/csv")
DYNAMIC_GZIP_MIN = 1024


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


def text_frame(body: bytes, compressed: bool) -> bytes:
    """One final WebSocket text frame, unmasked (server to client), RSV1 set when `compressed`."""
    first = 0x80 | (0x40 if compressed else 0) | 0x01      # FIN, RSV1 = compressed, opcode text
    n = len(body)
    if n < 126:
        return bytes((first, n)) + body
    if n < 65536:
        return bytes((first, 126)) + n.to_bytes(2, "big") + body
    return bytes((first, 127)) + n.to_bytes(8, "big") + body


def deflate_frame(message: str) -> bytes:
    """`message` compressed without context takeover, as a text frame every client can inflate."""
    comp = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -zlib.MAX_WBITS)
    body = comp.compress(message.encode("utf-8")) + comp.flush(zlib.Z_SYNC_FLUSH)
    return text_frame(body[:-4], True)   # RFC 7692 7.2.1: drop the 00 00 ff ff tail


def _websocket_classes():
    """(refusing, sharing) subclasses of python-engineio's eventlet WebSocket app (built lazily:
    eventlet is imported only when eventlet is the async mode)."""
    from engineio.async_drivers.eventlet import WebSocketWSGI
    from eventlet.websocket import RFC6455WebSocket

    class RefuseDeflate(WebSocketWSGI):
        def _negotiate_permessage_deflate(self, extensions):
            return None

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
            frame = deflate_frame(message)
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
