"""compression.py: static files gzipped once per version, the page and API gzipped per request,
and the permessage-deflate policy (WS_DEFLATE) against a real eventlet server subprocess.

"shared" (the default) accepts a browser's offer with server_no_context_takeover, so each
message decompresses on its own and a broadcast tick is the same compressed frame for every
viewer; "refuse" never negotiates the extension.
"""

from __future__ import annotations

import base64
import gzip
import json
import os
import socket
import sys
import zlib
from pathlib import Path

import pytest

from groupviz.serve.compression import deflate_frame, text_frame
from groupviz.serve.settings import ROOT

from conftest import make_app

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
from serverproc import ServerProcess  # noqa: E402

pytestmark = pytest.mark.timeout(60)


def test_a_shared_frame_is_one_final_compressed_text_frame_that_inflates_on_its_own():
    message = '42["tick",' + json.dumps({"x": list(range(300))}) + "]"
    frame = deflate_frame(message)
    assert frame[0] == 0x80 | 0x40 | 0x01 and frame[1] == 126           # FIN, RSV1, text; 16-bit length
    body = frame[4:]
    assert int.from_bytes(frame[2:4], "big") == len(body) < len(message)
    assert zlib.decompressobj(-zlib.MAX_WBITS).decompress(body + b"\x00\x00\xff\xff").decode() == message
    assert text_frame(b"hi", False) == bytes((0x81, 2)) + b"hi"


@pytest.fixture(scope="module")
def http():
    return make_app().test_client()


@pytest.mark.parametrize("url, disk", [
    ("/static/app.js", ROOT / "static" / "app.js"),
    ("/static/style.css", ROOT / "static" / "style.css"),
    ("/vendor/socket.io.min.js", ROOT / "node_modules" / "socket.io-client" / "dist" / "socket.io.min.js"),
])
def test_a_browser_that_accepts_gzip_gets_the_same_file_gzipped(http, url, disk):
    r = http.get(url, headers={"Accept-Encoding": "gzip, deflate, br"})
    assert r.status_code == 200 and r.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in r.headers["Vary"]
    assert gzip.decompress(r.data) == disk.read_bytes()
    assert len(r.data) < disk.stat().st_size / 2


def test_plotly_is_served_gzipped_at_well_under_half_its_size_and_cached_for_an_hour(http):
    r = http.get("/vendor/plotly.min.js", headers={"Accept-Encoding": "gzip"})
    raw = gzip.decompress(r.data)
    assert r.headers["Content-Encoding"] == "gzip" and r.mimetype == "text/javascript"
    assert len(r.data) < len(raw) * 0.4 and b"plotly" in raw[:5000].lower()
    assert "max-age=3600" in r.headers["Cache-Control"] and "public" in r.headers["Cache-Control"]


def test_a_client_without_gzip_gets_plain_bytes(http):
    r = http.get("/static/app.js", headers={"Accept-Encoding": "identity"})
    assert "Content-Encoding" not in r.headers and r.data == (ROOT / "static" / "app.js").read_bytes()
    assert r.mimetype == "text/javascript"


def test_the_pages_own_files_revalidate_and_a_matching_etag_gets_304(http):
    r = http.get("/static/app.js", headers={"Accept-Encoding": "gzip"})
    assert "no-cache" in r.headers["Cache-Control"]
    again = http.get("/static/app.js", headers={"Accept-Encoding": "gzip", "If-None-Match": r.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""


@pytest.mark.parametrize("url", ["/static/../app.py", "/static/%2e%2e/app.py", "/static/nope.js", "/static/"])
def test_paths_outside_static_or_missing_files_are_404(http, url):
    assert http.get(url).status_code == 404


@pytest.mark.parametrize("url, mimetype", [
    ("/", "text/html"), ("/api/lessons", "application/json"), ("/api/state", "application/json"),
    ("/report", "text/html"), ("/report/metrics.csv", "text/csv"),
])
def test_the_page_the_api_and_the_report_are_gzipped_for_browsers_that_accept_it(url, mimetype):
    app = make_app()
    assert app.extensions["groupviz"].apply({"op": "step", "ms": 30_000})["ok"]      # half a minute of metrics
    http = app.test_client()
    plain = http.get(url)
    zipped = http.get(url, headers={"Accept-Encoding": "gzip, deflate, br"})
    assert plain.status_code == zipped.status_code == 200 and zipped.mimetype == mimetype
    assert "Content-Encoding" not in plain.headers and "Accept-Encoding" in plain.headers["Vary"]
    assert zipped.headers["Content-Encoding"] == "gzip" and "Accept-Encoding" in zipped.headers["Vary"]
    assert int(zipped.headers["Content-Length"]) == len(zipped.data) < len(plain.data) / 2
    body = gzip.decompress(zipped.data)
    if url == "/report":        # the report carries the time it was made
        assert len(body) == pytest.approx(len(plain.data), rel=0.01)
    else:
        assert body == plain.data


def test_small_answers_and_errors_stay_plain(http):
    r = http.get("/healthz", headers={"Accept-Encoding": "gzip"})
    assert r.status_code == 200 and "Content-Encoding" not in r.headers         # under 1 KB
    r = http.get("/api/describe?group=g1&view=nonsense", headers={"Accept-Encoding": "gzip"})
    assert "Content-Encoding" not in r.headers and r.get_json()["ok"] is False


class RawViewer:
    """A WebSocket Socket.IO viewer on a bare socket, so the test sees frames and headers as sent."""

    def __init__(self, port: int, offer_deflate: bool = True):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=10)
        key = base64.b64encode(os.urandom(16)).decode()
        lines = [f"GET /socket.io/?EIO=4&transport=websocket HTTP/1.1", f"Host: 127.0.0.1:{port}",
                 "Upgrade: websocket", "Connection: Upgrade", f"Sec-WebSocket-Key: {key}",
                 "Sec-WebSocket-Version: 13", f"Origin: http://127.0.0.1:{port}"]
        if offer_deflate:     # what Chromium sends
            lines.append("Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits")
        self.sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        head = b""
        while b"\r\n\r\n" not in head:
            head += self.sock.recv(1)
        self.headers = head.decode("latin1").lower()
        assert self.headers.startswith("http/1.1 101"), self.headers

    def _read(self, n: int) -> bytes:
        buf = b""
        while len(buf) < n:
            chunk = self.sock.recv(n - len(buf))
            if not chunk:
                raise ConnectionError("closed")
            buf += chunk
        return buf

    def frame(self) -> tuple[bool, bytes]:
        """(compressed?, raw payload) of the next frame."""
        b0, b1 = self._read(2)
        n = b1 & 0x7F
        if n == 126:
            n = int.from_bytes(self._read(2), "big")
        elif n == 127:
            n = int.from_bytes(self._read(8), "big")
        return bool(b0 & 0x40), self._read(n)

    def send_text(self, text: str) -> None:
        data = text.encode()
        mask = os.urandom(4)
        assert len(data) < 126
        self.sock.sendall(bytes((0x81, 0x80 | len(data))) + mask + bytes(c ^ mask[i % 4] for i, c in enumerate(data)))

    def message(self) -> tuple[bool, bytes, str]:
        compressed, raw = self.frame()
        text = zlib.decompressobj(-zlib.MAX_WBITS).decompress(raw + b"\x00\x00\xff\xff") if compressed else raw
        return compressed, raw, text.decode()

    def until(self, prefix: str) -> tuple[bool, bytes, str]:
        for _ in range(200):
            compressed, raw, text = self.message()
            if text.startswith("0"):
                self.send_text("40")
            if text.startswith(prefix):
                return compressed, raw, text
        raise AssertionError(f"no message starting with {prefix!r}")

    def close(self):
        self.sock.close()


@pytest.fixture(scope="module")
def shared_server():
    with ServerProcess(config={"WS_DEFLATE": "shared"}) as srv:
        yield srv


def test_shared_policy_accepts_the_browser_offer_without_server_context_takeover(shared_server):
    v = RawViewer(shared_server.port)
    try:
        ext = [ln for ln in v.headers.splitlines() if ln.startswith("sec-websocket-extensions:")]
        assert ext and "permessage-deflate" in ext[0] and "server_no_context_takeover" in ext[0]
    finally:
        v.close()


def test_shared_policy_sends_each_viewer_the_same_compressed_tick_that_inflates_on_its_own(shared_server):
    a, b = RawViewer(shared_server.port), RawViewer(shared_server.port)
    try:
        a.until('42["snapshot"')
        b.until('42["snapshot"')
        ticks_a = {}
        for _ in range(6):             # each decompressed with a fresh inflater: no shared context needed
            compressed, raw, text = a.until('42["tick"')
            assert compressed
            ticks_a[json.loads(text[2:])[1]["sent_ms"]] = raw
        matched = 0
        for _ in range(6):
            compressed, raw, text = b.until('42["tick"')
            sent = json.loads(text[2:])[1]["sent_ms"]
            if sent in ticks_a:
                assert raw == ticks_a[sent]          # one compression per tick, shared by all
                matched += 1
        assert matched >= 1
    finally:
        a.close()
        b.close()


def test_small_messages_go_uncompressed_under_the_shared_policy(shared_server):
    v = RawViewer(shared_server.port)
    try:
        seen = {}
        for _ in range(50):
            compressed, _, text = v.message()
            if text.startswith("0"):
                v.send_text("40")
            seen[text[:8] if text.startswith("42") else text[:2]] = compressed
            if text.startswith('42["snapshot"'):
                break
        assert seen["0{"] is False and seen['42["role'] is False      # open packet, role
        assert seen['42["snap'] is True          # the snapshot is big: compressed
    finally:
        v.close()


def test_refuse_policy_never_negotiates_deflate_and_ticks_arrive_plain():
    with ServerProcess(config={"WS_DEFLATE": "refuse"}) as srv:
        v = RawViewer(srv.port)
        try:
            assert "sec-websocket-extensions" not in v.headers
            compressed, _, text = v.until('42["tick"')
            assert not compressed and "sent_ms" in text
        finally:
            v.close()


def test_an_unknown_deflate_policy_is_refused_at_start():
    with pytest.raises(ValueError, match="WS_DEFLATE"):
        make_app(WS_DEFLATE="sometimes")
