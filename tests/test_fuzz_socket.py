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

import math
import random
import threading
import time

import requests
import socketio

from conftest import start_live_server

FUZZ_COUNT = 2000
CLIENTS = 3
WINDOW = 4          # commands in flight per client
SEED = 20240607

OPS = ["add_consumer", "kill_consumer", "stop_consumer", "pause_consumer", "resume_consumer", "set_consumer_rate",
       "set_producer_rate", "set_keys", "add_partitions", "add_group", "set_assignor", "set_config", "pause",
       "resume", "step", "set_speed", "reset"]
FIELDS = ["group_id", "member_id", "rate", "mode", "count", "hot_share", "topic", "type", "assignor", "consumers",
          "config", "ms", "factor", "seed", "scenario"]
CONFIG_KEYS = ["session.timeout.ms", "heartbeat.interval.ms", "auto.commit.interval.ms", "max.poll.interval.ms",
               "group.initial.rebalance.delay.ms", "enable.auto.commit", "auto.offset.reset", "bogus.key"]
IDS = ["consumer-1", "consumer-2", "consumer-3", "consumer-4", "consumer-9", "g1", "g2", "orders", "ghost"]
STRINGS = ["", " ", "range", "roundrobin", "sticky", "cooperative-sticky", "uniform", "hot", "null", "consumer",
           "share", "default", "cooperative", "hot-key", "earliest", "latest", "../../etc/passwd", "<script>",
           "\u0000", "\u202e\u4e2d\u6587", "🙂" * 10, "a" * 65, "x" * 20_000, "NaN", "1e309", "-0"]
NUMBERS = [0, 1, -1, 2, 7, 100, 6000, 10**6, 2**31 - 1, 2**31, 2**53 + 1, 2**63, -(2**63), 10**99, -(10**98),
           0.5, -0.0, 1e-300, 1e308, -1e308, math.nan, math.inf, -math.inf]


def junk(rng: random.Random, depth: int = 0):
    """Any JSON-ish value, nested up to a few levels (with an occasional deep spike)."""
    r = rng.random()
    if depth > 3 or r < 0.35:
        return rng.choice([None, True, False, rng.choice(NUMBERS), rng.choice(STRINGS), rng.randint(-5, 300),
                           rng.uniform(-1e6, 1e6), rng.choice(IDS)])
    if r < 0.5:
        deep = rng.choice(NUMBERS[:8])
        for _ in range(rng.randint(1, 300)):
            deep = [deep] if rng.random() < 0.5 else {"op": deep}
        return deep
    if r < 0.75:
        return [junk(rng, depth + 1) for _ in range(rng.randint(0, 5))]
    return {rng.choice(FIELDS + ["op", "", "__proto__", "x" * 100]): junk(rng, depth + 1)
            for _ in range(rng.randint(0, 5))}


def field_value(rng: random.Random, name: str):
    r = rng.random()
    if r < 0.3:
        return junk(rng)
    if name in ("group_id", "member_id", "topic", "scenario"):
        return rng.choice(IDS + STRINGS[:16] + ["g" + str(rng.randint(0, 12))])
    if name in ("mode", "type", "assignor"):
        return rng.choice(STRINGS[:16])
    if name == "config":
        return {rng.choice(CONFIG_KEYS): rng.choice([rng.choice(NUMBERS), rng.randint(0, 400_000), True, False,
                                                     "earliest", "latest", None, [1], {"a": 1}])
                for _ in range(rng.randint(0, 4))}
    if name == "ms":
        return rng.choice([rng.randint(-10, 5_000), rng.choice(NUMBERS)])
    return rng.choice([rng.choice(NUMBERS), rng.randint(-10, 300), rng.uniform(-10, 1e5), str(rng.randint(0, 9))])


def command(rng: random.Random):
    """One payload: (args tuple for emit). Mostly dicts with an op; sometimes anything at all."""
    r = rng.random()
    if r < 0.12:
        return (junk(rng),)                                  # not a command at all
    if r < 0.15:
        return (junk(rng), junk(rng))                        # extra positional arguments
    op = rng.choice(OPS) if rng.random() < 0.9 else junk(rng)
    if op == "reset" and rng.random() < 0.75:
        # fewer resets: each one broadcasts a full snapshot before its ack, and over localhost TCP
        # that costs a Nagle/delayed-ACK round (~40 ms), which would dominate the test's time
        op = rng.choice(OPS)
    cmd = {"op": op}
    for name in rng.sample(FIELDS, rng.randint(0, 4)):
        cmd[name] = field_value(rng, name)
    if rng.random() < 0.05:
        cmd[rng.choice(["extra", "op2", "", "🙂"])] = junk(rng)
    if op == "reset" and cmd.get("scenario") == "large":    # excluded: a 1000-partition reset is a benchmark
        cmd["scenario"] = "default"
    return (cmd,)


def check_invariants(snap: dict) -> None:
    for g in snap["groups"]:
        owners_by_member = [tuple(tp) for m in g["members"] for tp in m["partitions"]]
        if g["type"] == "consumer":
            assert len(owners_by_member) == len(set(owners_by_member)), f"{g['group_id']}: a partition has two owners"
        owners = {}
        for p in g["partitions"]:
            key = (p["topic"], p["partition"])
            assert key not in owners, f"{g['group_id']}: {key} listed twice"
            owners[key] = p["owner"]
            assert p["lag"] is None or p["lag"] >= 0, p
            assert p["committed"] is None or p["committed"] >= 0, p
        if g["type"] == "consumer":
            for m in g["members"]:
                for tp in m["partitions"]:
                    assert owners.get(tuple(tp)) in (m["member_id"], None), (g["group_id"], m["member_id"], tp)
        for m in g["members"]:
            assert m["lag"] is None or m["lag"] >= 0, m
        assert g["lag"] is None or g["lag"] >= 0
    for t in snap["topics"]:
        for p in t["partitions"]:
            assert p["log_end_offset"] >= p.get("log_start_offset", 0) >= 0


def test_fuzz_commands_over_real_sockets():
    srv, stop = start_live_server(speed=4.0, COMMAND_RATE=1e9, COMMAND_BURST=1e9)
    started = time.monotonic()
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
                args = command(rng)
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
    assert time.monotonic() - started < 30


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
