"""Soak: churning Socket.IO clients against a server subprocess; sample its memory and pacing.

    .venv/bin/python bench/soak.py --duration 600 --clients 300
    .venv/bin/python bench/soak.py --quick          # 60 s, 20 clients

A real server (bench/serverproc.py: `create_app` + `socketio.run`, eventlet mode by
default, 127.0.0.1 only) runs the default scenario at 1x with the default limits.
`--clients` slots each run one client after another: connect over a raw WebSocket
(Engine.IO 4 / Socket.IO 5 text frames, via websocket-client: light enough for a
few hundred on one core), read the role and the snapshot, stay 2..`--lifetime` s
reading ticks, then leave: mostly politely (Socket.IO disconnect), sometimes by
dropping the TCP connection (a closed laptop lid).

Like a classroom, the server has a presenter token: `--presenters` slots (default
1) connect with it and change the demo every 0.5..3 s (producer rate, keys,
consumer pause/resume/add/kill/stop, keeping the group between 3 and
`--max-members` consumers; junk too); every other slot is a student's viewer
that now and then tries a command anyway, which must be refused as read-only.
`--members N` first grows the group to N consumers (e.g. 256, the per-group
cap) and keeps it near N, for the "presenter adds every consumer allowed" case.

Every `--sample` seconds the sampler reads the server's RSS (/proc/<pid>/status),
CPU time (/proc/<pid>/stat) and /healthz (ticks, how late the last tick started,
the worst lateness so far, connected clients, simulated time) and the machine's
load average (other work on a shared machine shows up there). The report gives
RSS at start (after a warm-up), end and max, the RSS slope by least squares over
the whole run and over its second half (MiB per hour), tick rate and lateness.

Exits non-zero when the server died, answered a command with an internal error,
reported an engine error, stopped ticking, or the second-half RSS slope is above
`--max-slope` MiB/h (when given), or a viewer's command was accepted (those rules and the printed
report are in bench/_soakreport.py).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import threading
import time
from pathlib import Path

import secrets

import websocket

sys.path.insert(0, str(Path(__file__).resolve().parent))
from serverproc import ServerProcess  # noqa: E402
from _soakreport import print_report, summarise  # noqa: E402


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.c = {"sessions": 0, "connect_failures": 0, "polite_leaves": 0, "dropped": 0, "commands": 0,
                  "acks": 0, "acks_ok": 0, "acks_refused": 0, "internal_errors": 0, "frames": 0, "ticks": 0,
                  "bytes": 0, "errors": 0, "viewer_commands": 0, "viewer_refused": 0, "viewer_accepted": 0}
        self.max_gap_s = 0.0          # longest wait between two frames seen by a connected client
        self.error_samples: list[str] = []

    def add(self, **kw):
        with self.lock:
            for k, v in kw.items():
                self.c[k] += v

    def note_error(self, text: str):
        with self.lock:
            self.c["errors"] += 1
            if len(self.error_samples) < 10:
                self.error_samples.append(text[:300])


class Members:
    """The live member ids, refreshed from /api/state by the sampler (shared by all clients)."""

    def __init__(self):
        self.ids: list[str] = []
        self.paused: list[str] = []


def pick_command(rng: random.Random, members: Members, low: int = 3, high: int = 10) -> dict:
    """The presenter's next command: keeps the group between `low` and `high` live consumers."""
    r = rng.random()
    ids = list(members.ids)
    if r < 0.25:
        return {"op": "set_producer_rate", "rate": rng.choice([10, 20, 30, 40, 50, 60])}
    if r < 0.35:
        return {"op": "set_keys", "mode": rng.choice(["uniform", "hot", "null"])}
    if r < 0.45 and len(ids) < high:
        return {"op": "add_consumer"}
    if r < 0.55 and len(ids) > max(low, high - 8):
        return {"op": rng.choice(["kill_consumer", "stop_consumer"]), "member_id": rng.choice(ids)}
    if r < 0.65 and ids:
        return {"op": "pause_consumer", "member_id": rng.choice(ids)}
    if r < 0.75 and members.paused:
        return {"op": "resume_consumer", "member_id": rng.choice(members.paused)}
    if r < 0.8:
        return {"op": "set_consumer_rate", "member_id": rng.choice(ids or ["ghost"]), "rate": rng.randint(5, 40)}
    return junk_command(rng)


def junk_command(rng: random.Random) -> dict:
    """Refused with an error, never an internal error."""
    return rng.choice([{"op": "nope"}, {"op": "set_speed", "factor": "fast"}, {"op": "step", "ms": -5},
                       {"op": "kill_consumer", "member_id": "<script>"}, {"op": "add_partitions", "count": 10**9},
                       {"op": "set_config", "config": {"session.timeout.ms": None}}])


def viewer_command(rng: random.Random, members: Members) -> dict:
    """What a curious student sends from the console: anything, valid or not. Must be refused."""
    if rng.random() < 0.3:
        return junk_command(rng)
    return rng.choice([{"op": "reset"}, {"op": "pause"}, {"op": "add_consumer"}, {"op": "set_speed", "factor": 10},
                       {"op": "kill_consumer", "member_id": rng.choice(members.ids or ["consumer-1"])},
                       {"op": "set_producer_rate", "rate": 100000}])


def run_client(ws_url: str, rng: random.Random, lifetime: float, members: Members, stats: Stats,
               token: str | None = None, band: tuple[int, int] = (3, 10)) -> None:
    """One session; with `token` the presenter (sends the command mix), else a viewer (rarely tries one)."""
    try:
        ws = websocket.create_connection(ws_url, timeout=10, skip_utf8_validation=True)
    except Exception as e:  # noqa: BLE001 (a refused connection is a statistic, not a crash)
        stats.add(connect_failures=1)
        stats.note_error(f"connect: {e!r}")
        return
    stats.add(sessions=1)
    frames = ticks = nbytes = commands = acks = ok = refused = internal = 0
    presenter = token is not None
    max_gap = 0.0
    try:
        opened = ws.recv()
        if not opened.startswith("0{"):
            raise RuntimeError(f"no Engine.IO OPEN: {opened[:80]!r}")
        ws.send("40" + json.dumps({"token": token}) if presenter else "40")
        ws.settimeout(0.25)
        start = last_frame = time.monotonic()
        end = start + lifetime
        gap = (0.5, 3.0) if presenter else (5.0, 60.0)      # a viewer pokes once in a while
        next_cmd = start + rng.uniform(*gap)
        ack_id = 0
        connected = False
        while True:
            now = time.monotonic()
            if now >= end:
                break
            if connected and now >= next_cmd:
                ack_id += 1
                cmd = pick_command(rng, members, *band) if presenter else viewer_command(rng, members)
                ws.send(f"42{ack_id}" + json.dumps(["command", cmd]))
                commands += 1
                next_cmd = now + rng.uniform(*gap)
            try:
                f = ws.recv()
            except websocket.WebSocketTimeoutException:
                continue
            t = time.monotonic()
            if connected:
                max_gap = max(max_gap, t - last_frame)
            last_frame = t
            frames += 1
            nbytes += len(f)
            if f == "2":
                ws.send("3")
            elif f.startswith('42["tick"'):
                ticks += 1
            elif f.startswith("40"):
                connected = True
            elif f.startswith("44"):
                raise RuntimeError(f"connect refused: {f[:200]}")
            elif f.startswith("43"):
                acks += 1
                body = f[f.index("["):]
                if not presenter:
                    accepted = '"ok":true' in body
                    stats.add(viewer_commands=1, viewer_refused=int("read-only" in body), viewer_accepted=int(accepted))
                    if accepted:
                        stats.note_error(f"a viewer's command was accepted: {body[:200]}")
                if '"ok":true' in body:
                    ok += 1
                else:
                    refused += 1
                    if "internal error" in body:
                        internal += 1
                        stats.note_error(f"internal error ack: {body[:200]}")
        if rng.random() < 0.85:
            ws.send("41")
            stats.add(polite_leaves=1)
        else:
            stats.add(dropped=1)           # vanish without a goodbye
    except Exception as e:  # noqa: BLE001
        stats.note_error(f"client: {e!r}")
    finally:
        try:
            ws.close() if rng.random() < 0.85 else ws.sock.close()
        except Exception:  # noqa: BLE001
            pass
        stats.add(frames=frames, ticks=ticks, bytes=nbytes, commands=commands, acks=acks, acks_ok=ok,
                  acks_refused=refused, internal_errors=internal)
        with stats.lock:
            stats.max_gap_s = max(stats.max_gap_s, max_gap)


def slot(i: int, ws_url: str, deadline: float, args, members: Members, stats: Stats, token: str) -> None:
    rng = random.Random(f"soak:{args.seed}:{i}")
    time.sleep(rng.uniform(0, min(5.0, args.lifetime)))   # stagger the first connects
    presenter = token if i < args.presenters else None
    band = (max(3, args.members - 8), max(args.max_members, args.members)) if args.members else (3, args.max_members)
    while time.monotonic() < deadline - 1.0:
        run_client(ws_url, rng, min(rng.uniform(2.0, args.lifetime), max(0.5, deadline - time.monotonic())),
                   members, stats, presenter, band)
        time.sleep(rng.uniform(0.0, 0.5))


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--duration", type=float, default=600.0, help="seconds of churn (default 600)")
    p.add_argument("--clients", type=int, default=300, help="concurrent churning client slots (default 300)")
    p.add_argument("--lifetime", type=float, default=20.0, help="longest client session in seconds (default 20)")
    p.add_argument("--sample", type=float, default=5.0, help="seconds between samples (default 5)")
    p.add_argument("--warmup", type=float, default=None, help="seconds before the 'start' RSS (default: 10%% of duration)")
    p.add_argument("--mode", default="eventlet", choices=["eventlet", "threading"], help="server async mode")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--server-nice", type=int, default=None,
                   help="niceness of the server process (default: inherit); e.g. run the soak under nice -n 10 "
                        "with --server-nice 0 so 500 client threads do not starve the server they measure")
    p.add_argument("--presenters", type=int, default=1, help="slots that hold the presenter token (default 1)")
    p.add_argument("--max-members", type=int, default=10, help="the presenters keep the group at most this big")
    p.add_argument("--members", type=int, default=0, help="first grow the group to this many consumers (<= 256)")
    p.add_argument("--full-gc-every", type=float, default=None,
                   help="the server's FULL_GC_EVERY_S (default: groupviz's; 0: never, as before the fix)")
    p.add_argument("--max-slope", type=float, default=None, help="fail if the second-half RSS slope (MiB/h) is above this")
    p.add_argument("--json", default=None, help="write the report (and every sample) as JSON here")
    p.add_argument("--log", default=None, help="server log file (default: none)")
    p.add_argument("--quick", action="store_true", help="60 s with 20 clients (CI-sized)")
    args = p.parse_args(argv)
    if args.quick:
        args.duration, args.clients, args.lifetime, args.sample = 60.0, 20, 8.0, 2.0
    warmup = args.duration * 0.1 if args.warmup is None else args.warmup

    token = secrets.token_urlsafe(16)
    config = {"PRESENTER_TOKEN": token}
    if args.full_gc_every is not None:
        config["FULL_GC_EVERY_S"] = args.full_gc_every
    srv = ServerProcess(mode=args.mode, log_path=args.log, config=config,
                        nice=args.server_nice).start()
    ws_url = srv.url.replace("http://", "ws://") + "/socket.io/?EIO=4&transport=websocket"
    if args.members:
        grow_group(ws_url, token, args.members)
    stats, members = Stats(), Members()
    samples: list[dict] = []
    problems: list[str] = []
    t0 = time.monotonic()
    deadline = t0 + args.duration
    threads = [threading.Thread(target=slot, args=(i, ws_url, deadline, args, members, stats, token), daemon=True)
               for i in range(args.clients)]
    print(f"soak: {args.clients} churning clients for {args.duration:.0f} s against {srv.url} "
          f"({args.mode}, pid {srv.pid}; {args.presenters} presenter(s), the rest viewers)", flush=True)
    for t in threads:
        t.start()
    prev = None
    try:
        while True:
            now = time.monotonic()
            if not srv.alive():
                problems.append("the server process died")
                break
            try:
                h = srv.health()
                state = srv.get_json("/api/state")
            except Exception as e:  # noqa: BLE001
                problems.append(f"/healthz or /api/state failed at t={now - t0:.0f}s: {e!r}")
                h, state = None, None
            if state is not None:
                live = [m for g in state["groups"] for m in g["members"] if m["state"] in ("active", "paused")]
                members.ids = [m["member_id"] for m in live]
                members.paused = [m["member_id"] for m in live if m["state"] == "paused"]
            if h is not None:
                s = {"t": round(now - t0, 2), "rss_kb": srv.rss_kb(), "cpu_s": round(srv.cpu_seconds(), 2),
                     "ticks": h["ticks"], "time_ms": h["time_ms"], "clients": h["clients"],
                     "tick_delay_ms": h.get("tick_delay_ms"), "max_tick_delay_ms": h.get("max_tick_delay_ms"),
                     "tick_ms": h.get("tick_ms"), "error": h["error"], "members": len(members.ids),
                     "loadavg": loadavg()}
                if prev is not None and s["t"] > prev["t"]:
                    dt = s["t"] - prev["t"]
                    s["tick_hz"] = round((s["ticks"] - prev["ticks"]) / dt, 2)
                    s["sim_speed"] = round((s["time_ms"] - prev["time_ms"]) / 1000.0 / dt, 3)
                    s["cpu_pct"] = round(100.0 * (s["cpu_s"] - prev["cpu_s"]) / dt, 1)
                samples.append(s)
                prev = s
                if h["error"]:
                    problems.append(f"engine error at t={s['t']}s: {h['error']}")
                    break
                if len(samples) % max(1, int(30 / args.sample)) == 0:
                    print(f"  t={s['t']:6.0f}s rss={s['rss_kb'] / 1024:7.1f} MiB clients={s['clients']:4d} "
                          f"tick_hz={s.get('tick_hz', 0):5.2f} late={s['tick_delay_ms']} ms "
                          f"cpu={s.get('cpu_pct', 0)}% sessions={stats.c['sessions']}", flush=True)
            if now >= deadline:
                break
            time.sleep(max(0.0, min(args.sample, deadline - now)))
        for t in threads:
            t.join(timeout=args.lifetime + 15)
        time.sleep(2.0)                                  # let the server notice the last goodbyes
        try:
            final = srv.health()
        except Exception as e:  # noqa: BLE001
            final = None
            problems.append(f"/healthz failed after the soak: {e!r}")
        end_rss = srv.rss_kb() if srv.alive() else None
    finally:
        srv.stop()

    report = summarise(args, warmup, samples, stats, final, end_rss, problems)
    print_report(report)
    if args.json:
        Path(args.json).write_text(json.dumps({"report": report, "samples": samples}, indent=1))
    return 1 if report["problems"] else 0


def loadavg() -> float:
    """The machine's 1-minute load average (2 cores: above 2 means work is waiting for a core)."""
    with open("/proc/loadavg") as f:
        return float(f.read().split()[0])


def grow_group(ws_url: str, token: str, n: int) -> None:
    """As the presenter, add consumers one by one (within the rate limit) until the group has `n`."""
    ws = websocket.create_connection(ws_url, timeout=30, skip_utf8_validation=True)
    try:
        ws.recv()
        ws.send("40" + json.dumps({"token": token}))
        added, k = 0, 0
        while added < n - 3:
            k += 1
            ws.send(f"42{k}" + json.dumps(["command", {"op": "add_consumer"}]))
            while True:
                f = ws.recv()
                if f == "2":
                    ws.send("3")
                elif f.startswith(f"43{k}["):
                    break
            if '"ok":true' in f:
                added += 1
            elif "too many commands" not in f:
                raise RuntimeError(f"add_consumer refused while growing the group: {f[:200]}")
            time.sleep(0.06)                       # under the default 20 commands/s per client
        ws.send("41")
    finally:
        ws.close()


if __name__ == "__main__":
    sys.exit(main())
