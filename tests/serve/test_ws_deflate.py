"""permessage-deflate policy (groupviz.serve.web WS_DEFLATE) against a real eventlet server subprocess.

"shared" (the default) accepts a browser's offer with server_no_context_takeover, so each
message decompresses on its own and a broadcast tick is the same compressed frame for every
viewer; "refuse" never negotiates the extension.
"""

from __future__ import annotations

import base64
import json
import os
import socket
import sys
import zlib
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
from serverproc import ServerProcess  # noqa: E402

pytestmark = pytest.mark.timeout(60)


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
    from groupviz.serve.web import create_app

    with pytest.raises(ValueError, match="WS_DEFLATE"):
        create_app({"ASYNC_MODE": "threading", "START_TICKER": False, "WS_DEFLATE": "sometimes"})
