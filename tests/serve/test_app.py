"""app.py (create_app): settings checked at start, same-origin sockets, the message size limit."""

from __future__ import annotations

import pytest
import requests

from conftest import Peer, make_app


def test_async_mode_is_validated():
    with pytest.raises(ValueError, match="async_mode must be one of"):
        make_app(ASYNC_MODE="asyncio")


def test_foreign_origin_is_refused_at_the_handshake(live_server):
    url = live_server.url + "/socket.io/?EIO=4&transport=polling"
    evil = requests.get(url, headers={"Origin": "http://evil.example"}, timeout=5)
    assert evil.status_code == 400 and "Not an accepted origin" in evil.text
    same = requests.get(url, headers={"Origin": live_server.url}, timeout=5)
    assert same.status_code == 200 and '"sid"' in same.text
    assert same.headers["Access-Control-Allow-Origin"] == live_server.url
    assert requests.get(url, timeout=5).status_code == 200          # non-browser clients send no Origin
    # a port or scheme change is another origin too
    other_port = live_server.url.rsplit(":", 1)[0] + ":1"
    assert requests.get(url, headers={"Origin": other_port}, timeout=5).status_code == 400
    assert requests.get(url, headers={"Origin": live_server.url.replace("http:", "https:")}, timeout=5).status_code == 400


def test_foreign_origin_websocket_is_refused(live_server):
    import websocket

    ws_url = live_server.url.replace("http://", "ws://") + "/socket.io/?EIO=4&transport=websocket"
    with pytest.raises(websocket.WebSocketBadStatusException) as e:
        websocket.create_connection(ws_url, origin="http://evil.example", timeout=5)
    assert e.value.status_code == 400
    ok = websocket.create_connection(ws_url, origin=live_server.url, timeout=5)
    try:
        assert ok.recv().startswith("0{")          # Engine.IO OPEN packet
    finally:
        ok.close()


def test_oversized_websocket_message_drops_the_connection(live_server):
    peer = Peer(live_server.url)
    try:
        assert peer.sio.call("command", {"op": "set_speed", "factor": 2}, timeout=5)["ok"] is True
        assert peer.sio.call("command", {"op": "x" * 60_000}, timeout=5)["ok"] is False   # under 64 KiB: answered
        peer.sio.emit("command", {"op": "x" * (70 * 1024)})
        assert peer.disconnected.wait(5), "the server kept a connection that sent > 64 KiB"
    finally:
        peer.close()
    # the server is fine and serves the next client
    assert requests.get(live_server.url + "/healthz", timeout=5).json()["ok"] is True
    other = Peer(live_server.url)
    try:
        assert other.wait_for("snapshot")["groups"]
    finally:
        other.close()
