"""Socket fuzz (CI-sized): random and malformed `command` messages from several real clients.

A live server (threading mode, real Socket.IO over websockets) gets FUZZ_COUNT
commands from CLIENTS python-socketio clients at once: random ops, random field
types, huge/NaN/negative numbers, long and non-ASCII strings, nested junk,
non-dict payloads and extra arguments. Every ack must be a dict with a boolean
`ok` (and an `error` string when not ok); afterwards /healthz is ok with no
engine error, ticks still arrive, and the engine's invariants hold.

The rate limit is set out of the way here (it would answer most of these);
tests/test_security.py tests the limiter itself.
"""

from __future__ import annotations

import random
import sys
import threading
import time
from pathlib import Path

import requests
import socketio

from conftest import start_live_server
from groupviz.engine.invariants import check_snapshot as check_invariants

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
from fuzz import command  # noqa: E402  (bench/fuzz.py: the same generator as the big fuzz)

FUZZ_COUNT = 2000
CLIENTS = 3
WINDOW = 4          # commands in flight per client
SEED = 20240607


def test_fuzz_commands_over_real_sockets():
    srv, stop = start_live_server(speed=4.0, COMMAND_RATE=1e9, COMMAND_BURST=1e9)
    clients = []
    try:
        for _ in range(CLIENTS):
            c = socketio.Client(reconnection=False)
            c.connect(srv.url, transports=["websocket"], wait_timeout=5)
            clients.append(c)
        acks: list = []
        failures: list = []
        per_client = FUZZ_COUNT // CLIENTS

        def check(i, k, args, ack):
            acks.append(ack)
            if not (isinstance(ack, dict) and isinstance(ack.get("ok"), bool)
                    and (ack["ok"] or (isinstance(ack.get("error"), str) and ack["error"]))):
                failures.append((i, k, repr(args)[:200], repr(ack)[:200]))

        def run(i: int, c: socketio.Client):
            # pipelined, WINDOW commands in flight per client: fast, and handlers really run concurrently
            rng = random.Random(f"{SEED}:{i}")
            n = per_client + (FUZZ_COUNT - per_client * CLIENTS if i == 0 else 0)
            window = threading.BoundedSemaphore(WINDOW)
            pending = set(range(n))
            for k in range(n):
                args = command(rng, well_formed=0.15)    # mostly junk: this test is about the socket
                payload = args[0] if len(args) == 1 else args

                def on_ack(*ack, k=k, args=args):
                    check(i, k, args, ack[0] if len(ack) == 1 else list(ack))
                    pending.discard(k)
                    window.release()

                assert window.acquire(timeout=10), f"client {i}: no ack for 10 s (command {k})"
                c.emit("command", payload, callback=on_ack)
            end = time.monotonic() + 10
            while pending and time.monotonic() < end:
                time.sleep(0.01)
            failures.extend((i, k, "never answered", "") for k in sorted(pending)[:5])

        threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(clients)]
        [t.start() for t in threads]
        [t.join(60) for t in threads]
        assert not any(t.is_alive() for t in threads), "fuzz clients did not finish"
        assert not failures, failures[:5]
        assert len(acks) == FUZZ_COUNT
        oks = sum(a["ok"] for a in acks)
        assert 0 < oks < FUZZ_COUNT                       # both kinds really happened
        assert not any("internal error" in a.get("error", "") for a in acks), \
            [a for a in acks if "internal error" in a.get("error", "")][:3]

        # afterwards: the server is healthy, ticks flow, the state is consistent
        health = requests.get(srv.url + "/healthz", timeout=5).json()
        assert health["ok"] is True and health["error"] is None, health
        assert clients[0].call("command", {"op": "resume"}, timeout=5)["ok"] is True
        ticks = []
        watcher = socketio.Client(reconnection=False)
        watcher.on("tick", ticks.append)
        watcher.connect(srv.url, transports=["websocket"], wait_timeout=5)
        try:
            end = time.monotonic() + 5
            while len(ticks) < 3 and time.monotonic() < end:
                time.sleep(0.02)
            assert len(ticks) >= 3 and ticks[-1]["time_ms"] > ticks[0]["time_ms"]
        finally:
            watcher.disconnect()
        check_invariants(requests.get(srv.url + "/api/state", timeout=5).json())
        for t in ticks:
            check_invariants(t)
    finally:
        for c in clients:
            if c.connected:
                c.disconnect()
        stop()


def test_invariant_checker_catches_a_double_owner():
    snap = {"topics": [], "groups": [{"group_id": "g", "type": "consumer", "lag": 0, "partitions": [],
                                      "members": [{"member_id": "a", "lag": 0, "partitions": [["t", 0]]},
                                                  {"member_id": "b", "lag": 0, "partitions": [["t", 0]]}]}]}
    try:
        check_invariants(snap)
    except AssertionError as e:
        assert "two owners" in str(e)
    else:
        raise AssertionError("a double owner went unnoticed")
