"""Fuzz: random and malformed commands into the engine, and over a live socket into a server.

    .venv/bin/python bench/fuzz.py                 # 100,000 engine + 10,000 socket commands
    .venv/bin/python bench/fuzz.py --quick         # CI-sized: 3,000 engine + 300 socket commands

Engine: `Engine.apply` gets random ops with random field types (huge/NaN/negative
numbers, long and non-ASCII strings, nested junk, non-dict payloads), mostly
aimed at real member ids so that many are valid, interleaved with `step`s. After
every command: `apply` returned `{"ok": bool}` (an error string when refused) and
did not raise; a refused command left the snapshot unchanged. After every step:
the protocol invariants of groupviz/invariants.py (the hypothesis test checks the
same ones). The engine is reset when it outgrows a classroom (more than
--max-partitions partitions or --max-consumers consumers), so that the run stays
about the protocol, not about a 1,000-partition benchmark.

Socket: a real server (bench/serverproc.py: eventlet, 127.0.0.1 only, the rate
limit set out of the way) gets the socket commands from several python-socketio
clients at once, pipelined. Every ack must be a dict with a boolean `ok`; none
may be an internal error; the server log must hold no traceback; afterwards
/healthz answers with no engine error, the server still ticks (and its clock
moves once resumed), and /api/state and the ticks satisfy the invariants.

Reports exceptions, invariant violations, how many commands were accepted and
refused, and a histogram of the refusal reasons (numbers and quoted values
blanked). Exits non-zero on any exception, violation or socket failure.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import re
import sys
import tempfile
import threading
import time
import traceback
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from groupviz.engine import commands
from groupviz.classroom import lessons  # noqa: E402
from groupviz.engine.core import Engine  # noqa: E402
from groupviz.engine.invariants import InvariantViolation, check_engine, check_snapshot  # noqa: E402

SEED = 20240607

OPS = ["add_consumer", "kill_consumer", "stop_consumer", "pause_consumer", "resume_consumer", "set_consumer_rate",
       "set_producer_rate", "set_keys", "add_partitions", "add_group", "set_assignor", "set_config", "pause",
       "resume", "step", "set_speed", "reset", "lesson", "replay"]
FIELDS = ["group_id", "member_id", "rate", "mode", "count", "hot_share", "topic", "type", "assignor", "consumers",
          "config", "ms", "factor", "seed", "scenario", "lesson", "step", "log"]
CONFIG_KEYS = ["session.timeout.ms", "heartbeat.interval.ms", "auto.commit.interval.ms", "max.poll.interval.ms",
               "group.initial.rebalance.delay.ms", "enable.auto.commit", "auto.offset.reset", "bogus.key"]
IDS = ["consumer-1", "consumer-2", "consumer-3", "consumer-4", "consumer-9", "g1", "g2", "orders", "ghost"]
STRINGS = ["", " ", "range", "roundrobin", "sticky", "cooperative-sticky", "uniform", "hot", "null", "consumer",
           "share", "default", "cooperative", "hot-key", "earliest", "latest", "../../etc/passwd", "<script>",
           "\u0000", "\u202e\u4e2d\u6587", "🙂" * 10, "a" * 65, "x" * 20_000, "NaN", "1e309", "-0"]
NUMBERS = [0, 1, -1, 2, 7, 100, 6000, 10**6, 2**31 - 1, 2**31, 2**53 + 1, 2**63, -(2**63), 10**99, -(10**98),
           0.5, -0.0, 1e-300, 1e308, -1e308, math.nan, math.inf, -math.inf]
LESSONS = list(lessons.BY_ID)
MAX_PARTITIONS, MAX_CONSUMERS = 64, 48     # past this the fuzz resets the demo: it is about the protocol


# -- the generator (tests/test_fuzz_socket.py uses it too) -------------------------------------
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


def junk_log(rng: random.Random):
    """Something that looks like a command log (export_log) but is usually wrong somewhere."""
    log = {"format": rng.choice(["groupviz-log/1", "groupviz-log/1", "groupviz-log/2", junk(rng)]),
           "seed": rng.choice([1, 7, -1, 2**40, "7", None]), "scenario": rng.choice(["default", "nope", None, 3]),
           "time_ms": rng.choice([0, 1000, 5000, -1, 10**15, "5000"]),
           "commands": rng.choice([[], [{"time_ms": 100, "cmd": {"op": "add_consumer"}}],
                                   [{"time_ms": 9000, "cmd": {"op": "set_producer_rate", "rate": 10}}],
                                   [{"time_ms": 0, "cmd": {"op": "pause"}}], [junk(rng)], junk(rng),
                                   [{"time_ms": 10, "cmd": {"op": "kill_consumer", "member_id": "consumer-1"}}]])}
    if rng.random() < 0.2:
        del log[rng.choice(list(log))]
    return log


def field_value(rng: random.Random, name: str, ids=()):
    r = rng.random()
    if r < 0.3:
        return junk(rng)
    if name == "member_id" and ids and r < 0.8:
        return rng.choice(ids)
    if name in ("group_id", "member_id", "topic", "scenario"):
        return rng.choice(IDS + STRINGS[:16] + ["g" + str(rng.randint(0, 12))])
    if name in ("mode", "type", "assignor"):
        return rng.choice(STRINGS[:16])
    if name == "lesson":
        return rng.choice(LESSONS + ["nope", "a" * 65])
    if name == "log":
        return junk_log(rng)
    if name == "config":
        return {rng.choice(CONFIG_KEYS): rng.choice([rng.choice(NUMBERS), rng.randint(0, 400_000), True, False,
                                                     "earliest", "latest", None, [1], {"a": 1}])
                for _ in range(rng.randint(0, 4))}
    if name in ("ms", "step"):
        return rng.choice([rng.randint(-10, 5_000), rng.choice(NUMBERS)])
    return rng.choice([rng.choice(NUMBERS), rng.randint(-10, 300), rng.uniform(-10, 1e5), str(rng.randint(0, 9))])


def schema_value(rng: random.Random, f: commands.Field, ids=()):
    """A value of the right type for field `f` (commands.SCHEMAS), mostly in range, sometimes at its limits."""
    if f.kind in ("int", "number"):
        lo, hi = int(f.lo or 0), int(f.hi if f.hi is not None else 10**6)
        if rng.random() < 0.1:
            v = rng.choice([lo, hi, lo - 1, hi + 1])
        else:
            v = rng.randint(lo, min(hi, lo + (5 if hi <= 1024 else 200)))     # classroom-sized values
        return float(v) + (0.5 if f.kind == "number" and rng.random() < 0.3 else 0) if f.kind == "number" else v
    if f.kind == "id":
        if f.name == "member_id" and ids:
            return rng.choice(ids)
        if f.name == "lesson":
            return rng.choice(LESSONS)
        return rng.choice(IDS + ["default", "cooperative", "hot-key", "g" + str(rng.randint(0, 12))])
    if f.kind == "enum":
        return rng.choice(f.choices)
    if f.kind == "bool":
        return rng.random() < 0.5
    if f.name == "log":
        return junk_log(rng)
    return field_value(rng, "config")


def schema_command(rng: random.Random, ids=()) -> dict:
    """A well-formed command for a random op, one field in three replaced by junk: reaches the engine's
    own refusals (no such consumer, already paused, too many partitions) and many valid commands."""
    op = rng.choice([o for o in commands.SCHEMAS if o not in ("reset", "lesson", "replay")]
                    if rng.random() < 0.9 else list(commands.SCHEMAS))
    cmd = {"op": op}
    for f in commands.SCHEMAS[op]:
        if f.required or rng.random() < 0.5:
            cmd[f.name] = schema_value(rng, f, ids) if rng.random() < 0.9 else junk(rng)
    if op == "reset" and cmd.get("scenario") == "large":
        cmd["scenario"] = "default"
    return cmd


def command(rng: random.Random, ids=(), well_formed: float = 0.4):
    """One payload as the args tuple of an emit: mostly dicts with an op; sometimes anything at all.
    `ids`: live member ids, so that many commands aim at real consumers; `well_formed`: the share of
    schema_command()s (the rest is junk of every shape)."""
    if rng.random() < well_formed:
        return (schema_command(rng, ids),)
    r = rng.random()
    if r < 0.12:
        return (junk(rng),)                                  # not a command at all
    if r < 0.15:
        return (junk(rng), junk(rng))                        # extra positional arguments
    op = rng.choice(OPS) if rng.random() < 0.9 else junk(rng)
    if op in ("reset", "lesson", "replay") and rng.random() < 0.75:
        # fewer of these: each rebuilds the engine (and over a socket broadcasts a full snapshot)
        op = rng.choice(OPS[:16])
    cmd = {"op": op}
    for name in rng.sample(FIELDS, rng.randint(0, 4)):
        cmd[name] = field_value(rng, name, ids)
    if op == "kill_consumer" and ids and rng.random() < 0.5:
        cmd["member_id"] = rng.choice(ids)
    if rng.random() < 0.05:
        cmd[rng.choice(["extra", "op2", "", "🙂"])] = junk(rng)
    if op == "reset" and cmd.get("scenario") == "large":    # excluded: a 1000-partition reset is a benchmark
        cmd["scenario"] = "default"
    return (cmd,)


# -- reporting --------------------------------------------------------------------------------
def reason(error: str) -> str:
    """A refusal message with its particulars blanked, for the histogram."""
    e = re.sub(r"(?<!field )'[^']*'", "'…'", error)
    e = re.sub(r"\([^)]*\)", "(…)", e)
    e = re.sub(r"consumer-\d+", "consumer-N", e)
    e = re.sub(r"(?<![\w-])-?\d[\d.e+]*", "N", e)
    e = re.sub(r"not (the number|the string|a) .*", "not …", e)
    return e.split(";")[0][:100]


class Tally:
    def __init__(self):
        self.commands = self.ok = self.refused = self.steps = self.resets = 0
        self.reasons: Counter = Counter()
        self.exceptions: list[str] = []
        self.violations: list[str] = []

    def answer(self, cmd, result) -> bool:
        """Check one ack; True when it was a refusal."""
        self.commands += 1
        if not (isinstance(result, dict) and isinstance(result.get("ok"), bool)):
            self.violations.append(f"ack is not {{ok: bool}}: {result!r:.200} for {cmd!r:.200}")
            return False
        if result["ok"]:
            self.ok += 1
            return False
        self.refused += 1
        err = result.get("error")
        if not isinstance(err, str) or not err:
            self.violations.append(f"refusal without an error message: {result!r:.200}")
        elif "internal error" in err:
            self.exceptions.append(f"internal error for {cmd!r:.200}: {err}")
        elif len(err) > 1000:
            self.violations.append(f"refusal message of {len(err)} characters for {cmd!r:.100}")
        else:
            self.reasons[reason(err)] += 1
        return True

    def report(self, title: str) -> dict:
        return {"title": title, "commands": self.commands, "ok": self.ok, "refused": self.refused,
                "steps": self.steps, "resets": self.resets, "exceptions": self.exceptions[:20],
                "exception_count": len(self.exceptions), "violations": self.violations[:20],
                "violation_count": len(self.violations), "reasons": dict(self.reasons.most_common())}


def print_report(r: dict, top: int = 25) -> None:
    print(f"\n{r['title']}: {r['commands']} commands ({r['ok']} accepted, {r['refused']} refused), "
          f"{r['steps']} steps, {r['resets']} resets to classroom size")
    print(f"  exceptions: {r['exception_count']}, invariant violations: {r['violation_count']}")
    for e in r["exceptions"][:5] + r["violations"][:5]:
        print(f"    {e}")
    print(f"  refusal reasons ({len(r['reasons'])} kinds, top {top}):")
    for text, n in list(r["reasons"].items())[:top]:
        print(f"    {n:7d}  {text}")
    for line in r.get("notes", []):
        print(f"  {line}")


# -- the engine -------------------------------------------------------------------------------
def live_ids(engine: Engine) -> list[str]:
    return [m for g in engine.groups.values() for m, c in g.consumers.items() if getattr(c, "alive", True)]


def fuzz_engine(n: int, seed: int, max_partitions: int = MAX_PARTITIONS, max_consumers: int = MAX_CONSUMERS) -> dict:
    rng = random.Random(f"{seed}:engine")
    engine = Engine(seed=seed % 1000)
    committed: dict = {}
    tally = Tally()
    next_step = rng.randint(1, 20)
    for i in range(n):
        ids = live_ids(engine)
        if rng.random() < 0.002 and engine.time_ms < 60_000:
            payload = {"op": "replay", "log": engine.export_log()}       # a valid replay of the run so far
        else:
            payload = command(rng, ids)[0]
        before = engine.snapshot(history=False)
        try:
            result = engine.apply(payload)
        except Exception:  # noqa: BLE001 (the point: apply must never raise)
            tally.commands += 1
            tally.exceptions.append(f"apply raised for {payload!r:.200}: {traceback.format_exc(limit=3)}")
            continue
        if tally.answer(payload, result) and engine.snapshot(history=False) != before:
            tally.violations.append(f"a refused command changed the state: {payload!r:.200} -> {result['error']}")
        if isinstance(result, dict) and result.get("ok") and result.get("reset"):
            committed.clear()                            # a reset legitimately starts the offsets over
        if len(engine.topic.partitions) > max_partitions or len(live_ids(engine)) > max_consumers:
            engine.apply({"op": "reset", "seed": rng.randrange(1000), "scenario": "default"})
            committed.clear()
            tally.resets += 1
        next_step -= 1
        if next_step == 0 or i == n - 1:
            next_step = rng.randint(1, 20)
            tally.steps += 1
            try:
                engine.step(rng.choice([rng.randint(1, 200), rng.randint(200, 3000)]))
                check_engine(engine, committed)
            except InvariantViolation as e:
                tally.violations.append(f"after step {tally.steps} (t={engine.time_ms} ms): {e}")
                engine.apply({"op": "reset"})
                committed.clear()
            except Exception:  # noqa: BLE001
                tally.exceptions.append(f"step raised at t={engine.time_ms} ms: {traceback.format_exc(limit=3)}")
                engine.apply({"op": "reset"})
                committed.clear()
    return tally.report("engine")


# -- the socket -------------------------------------------------------------------------------
def fuzz_socket(n: int, seed: int, clients: int = 4, window: int = 4, mode: str = "eventlet",
                server_nice: int | None = None) -> dict:
    import requests
    import socketio

    from serverproc import ServerProcess

    tally = Tally()
    lock = threading.Lock()
    notes: list[str] = []
    log_path = Path(tempfile.mkdtemp(prefix="groupviz-fuzz-")) / "server.log"
    srv = ServerProcess(mode=mode, log_path=log_path,
                        config={"COMMAND_RATE": 1e9, "COMMAND_BURST": 1e9, "SPEED": 4.0}, nice=server_nice).start()
    socks: list = []
    try:
        for _ in range(clients):
            # delta ticks, as the page takes them: a client that cannot read full ticks as fast as they come
            # gets its acks (and pings) late behind them (the server queues per client, bounded by the ping timeout)
            c = socketio.Client(reconnection=False)
            c.connect(srv.url + "/?ticks=delta", transports=["websocket"], wait_timeout=10)
            socks.append(c)
        ids: list[str] = []

        def run(i: int, c) -> None:
            rng = random.Random(f"{seed}:socket:{i}")
            count = n // clients + (n % clients if i == 0 else 0)
            slots = threading.BoundedSemaphore(window)
            pending: dict[int, str] = {}
            for k in range(count):
                args = command(rng, ids)
                payload = args[0] if len(args) == 1 else args

                def on_ack(*ack, k=k, args=args):
                    with lock:
                        tally.answer(args, ack[0] if len(ack) == 1 else list(ack))
                    pending.pop(k, None)
                    slots.release()

                if not slots.acquire(timeout=20):
                    waiting = "; ".join(f"#{j}: {text}" for j, text in sorted(pending.items()))
                    with lock:
                        tally.violations.append(f"client {i}: no ack for 20 s (connected: {c.connected}); "
                                                f"waiting for {waiting}")
                    return
                pending[k] = repr(payload)[:160]
                c.emit("command", payload, callback=on_ack)
            end = time.monotonic() + 20
            while pending and time.monotonic() < end:
                time.sleep(0.01)
            with lock:
                tally.violations.extend(f"client {i}: command {k} never answered: {text}"
                                        for k, text in sorted(pending.items())[:5])

        def refresh_ids() -> None:
            # aim at real consumers (a student copying ids from the page), and keep the demo classroom-sized
            # as the engine fuzz does: a reset when it outgrows MAX_PARTITIONS or MAX_CONSUMERS
            while any(t.is_alive() for t in threads):
                try:
                    state = requests.get(srv.url + "/api/state", timeout=10).json()
                    ids[:] = [m["member_id"] for g in state["groups"] for m in g["members"]]
                    if len(ids) > MAX_CONSUMERS or sum(len(t["partitions"]) for t in state["topics"]) > MAX_PARTITIONS:
                        if socks[0].call("command", {"op": "reset", "scenario": "default"}, timeout=30).get("ok"):
                            with lock:
                                tally.resets += 1
                except Exception:  # noqa: BLE001
                    pass
                time.sleep(0.5)

        threads = [threading.Thread(target=run, args=(i, c), daemon=True) for i, c in enumerate(socks)]
        [t.start() for t in threads]
        refresher = threading.Thread(target=refresh_ids, daemon=True)
        refresher.start()
        [t.join(600) for t in threads]
        if any(t.is_alive() for t in threads):
            tally.violations.append("socket clients did not finish within 600 s")

        # afterwards: the server still answers, ticks, and its state is consistent
        health = srv.health()
        if health.get("ok") is not True or health.get("error"):
            tally.violations.append(f"/healthz after the fuzz: {health}")
        from groupviz.serve.fullticks import follow

        ticks: list = []                                        # the state after each full tick (docs/wire.md)
        held: list = [None]
        watcher = socketio.Client(reconnection=False)          # a new connection is still accepted

        def on_tick(t):
            held[0] = follow(held[0], t)
            ticks.append(held[0])
        watcher.on("snapshot", lambda snap: held.__setitem__(0, snap))
        watcher.on("tick", on_tick)
        watcher.connect(srv.url, transports=["websocket"], wait_timeout=10)
        try:
            resumed = watcher.call("command", {"op": "resume"}, timeout=30)
            if not (isinstance(resumed, dict) and resumed.get("ok")):
                tally.violations.append(f"resume after the fuzz was answered {resumed!r:.200}")
            ticks.clear()
            end = time.monotonic() + 10
            while len(ticks) < 5 and time.monotonic() < end:
                time.sleep(0.05)
        finally:
            watcher.disconnect()
        later = srv.health()
        if len(ticks) < 5 or ticks[-1]["time_ms"] <= ticks[0]["time_ms"]:
            tally.violations.append(f"the server stopped ticking: {len(ticks)} ticks in 10 s")
        if later["ticks"] <= health["ticks"]:
            tally.violations.append(f"/healthz tick count stuck at {later['ticks']}")
        for snap in [requests.get(srv.url + "/api/state", timeout=10).json()] + ticks:
            try:
                check_snapshot(snap)
            except InvariantViolation as e:
                tally.violations.append(f"after the socket fuzz: {e}")
        notes.append(f"server after the fuzz: /healthz ok, {later['ticks']} ticks, error {later['error']}, "
                     f"simulated time {later['time_ms']} ms, {len(ticks)} ticks watched")
    except Exception:  # noqa: BLE001
        tally.exceptions.append(f"the socket fuzz itself failed: {traceback.format_exc(limit=4)}")
    finally:
        for c in socks:
            if c.connected:
                c.disconnect()
        srv.stop()
    server_log = log_path.read_text(errors="replace") if log_path.exists() else ""
    if "Traceback" in server_log:
        tally.exceptions.append("the server logged a traceback: " + server_log[server_log.index("Traceback"):][:600])
    report = tally.report(f"socket ({clients} clients, {mode} server)")
    report["notes"] = notes
    return report


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--engine", type=int, default=100_000, help="commands into the engine (default 100,000)")
    p.add_argument("--socket", type=int, default=10_000, help="commands over a live socket (default 10,000)")
    p.add_argument("--clients", type=int, default=4, help="socket clients sending at once (default 4)")
    p.add_argument("--seed", type=int, default=SEED)
    p.add_argument("--mode", default="eventlet", choices=["eventlet", "threading"], help="server async mode")
    p.add_argument("--server-nice", type=int, default=None,
                   help="niceness of the server process (default: inherit; see bench/soak.py)")
    p.add_argument("--json", default=None, help="write both reports as JSON here")
    p.add_argument("--quick", action="store_true", help="CI-sized: 3,000 engine and 300 socket commands")
    args = p.parse_args(argv)
    if args.quick:
        args.engine, args.socket = 3_000, 300
    reports = []
    t0 = time.monotonic()
    if args.engine:
        reports.append(fuzz_engine(args.engine, args.seed))
        reports[-1]["seconds"] = round(time.monotonic() - t0, 1)
        print_report(reports[-1])
    t1 = time.monotonic()
    if args.socket:
        reports.append(fuzz_socket(args.socket, args.seed, args.clients, mode=args.mode,
                                   server_nice=args.server_nice))
        reports[-1]["seconds"] = round(time.monotonic() - t1, 1)
        print_report(reports[-1])
    bad = sum(r["exception_count"] + r["violation_count"] for r in reports)
    if args.json:
        Path(args.json).write_text(json.dumps(reports, indent=1))
    print(f"\nfuzz: {sum(r['commands'] for r in reports)} commands in {time.monotonic() - t0:.0f} s; "
          + ("ok: no exception, no invariant violation" if not bad else f"FAILED: {bad} exceptions/violations"))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
