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

The commands come from bench/_fuzzgen.py (the generator; `command` is importable from here too).

Reports exceptions, invariant violations, how many commands were accepted and
refused, and a histogram of the refusal reasons (numbers and quoted values
blanked). Exits non-zero on any exception, violation or socket failure.
"""

from __future__ import annotations

import argparse
import json
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

from groupviz.engine.core import Engine  # noqa: E402
from groupviz.engine.invariants import InvariantViolation, check_engine, check_snapshot  # noqa: E402
# the generator (tests/serve/test_sockets.py imports `command` from here)
from _fuzzgen import command  # noqa: E402

SEED = 20240607

MAX_PARTITIONS, MAX_CONSUMERS = 64, 48     # past this the fuzz resets the demo: it is about the protocol


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
