"""Live viewers per process: N Socket.IO viewers on loopback against one eventlet server process.

    .venv/bin/python bench/viewers.py --quick            # N = 100, 500
    .venv/bin/python bench/viewers.py                    # N = 100, 500, 1000, 2000, 3000
    .venv/bin/python bench/viewers.py --n 1000 --deflate both --servers groupviz,reference

For each N, the same load generator (bench/viewers_load.mjs: one Node process, raw WebSockets
speaking Engine.IO 4 / Socket.IO 5, `ws` pinned in package.json) drives, one after the other:

- groupviz: `create_app` + `groupviz.serve.run.serve`, the same path as app.py (bench/serverproc.py),
  default scenario at 1x, 10 ticks/s; viewers ask for delta ticks as the page does
  (`--ticks full` for full ones);
- reference: bench/refserver.py, a minimal Flask-SocketIO eventlet server that only broadcasts
  a same-sized tick (a real groupviz tick of the same scenario) at 10 Hz, with the same
  stack-level settings (connection cap, GC tuning, permessage-deflate policy).

The generator offers permessage-deflate as browsers do (`--deflate on`), or not (`off`), or
both. Under server_no_context_takeover (WS_DEFLATE "shared") the generator inflates each
distinct compressed message once and hands byte-identical ones the same text (column `infl%`:
the share it inflated; `--no-memo` inflates every one), so one Node process can stand for
3,000 inflating phones without saturating its core. Reported per run: ticks actually received
per second per viewer (mean, 5th percentile), delivery delay p50/p99/max (viewer's receive wall
time minus the server's `sent_ms` stamp, taken right before the broadcast; so it includes the
fan-out to all N), server CPU % of one core and RSS, tick bytes (JSON) and bytes on the wire
per tick (after compression, framing, pings), the generator's own CPU %, and the load average. The load generator shares the
machine's cores with the server: on 2 cores it is part of the load.

The ceiling of a server is the largest N run whose viewers got >= 9.5 ticks/s on average with
p99 delay < 250 ms; the report gives groupviz's ceiling as a ratio of the reference's.

Exits non-zero only when a result is WRONG: a viewer refused below the connection cap, a
viewer that got no snapshot on connect, a tick without its stamp, or a server that died --
never because a figure is slow. Loopback only; every run is bounded (N <= 5000, fixed windows)
and stops by itself.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

from serverproc import HOST, ServerProcess, cpu_seconds, rss_kb  # noqa: E402

from groupviz.serve.compression import WS_DEFLATE_POLICIES  # noqa: E402

FULL_N = (100, 500, 1000, 2000, 3000)
QUICK_N = (100, 500)
TARGET_HZ = 9.5
TARGET_P99_MS = 250.0


def sample_tick(scenario: str = "default", form: str = "delta", ticks: int = 100) -> dict:
    """A steady-state groupviz tick of `scenario` in `form` (what the reference server broadcasts)."""
    from groupviz.engine.core import Engine
    from groupviz.serve.realtime import LiveEngine

    clock = [0.0]
    got = {}
    live = LiveEngine(Engine(seed=7, scenario=scenario), lambda *a: None, clock=lambda: clock[0],
                      emit_ticks=lambda full, make_delta, make_full: got.update(full=make_full(), delta=make_delta()))
    for _ in range(ticks):
        clock[0] += 0.1
        live.tick()
    return got[form]


class RefServer(ServerProcess):
    """bench/refserver.py in a subprocess (started, probed and stopped like the groupviz server)."""

    def __init__(self, payload_path: Path, gc_tuning: bool, ws_deflate: str):
        super().__init__()
        self.extra = [str(payload_path), "--ws-deflate", ws_deflate] + ([] if gc_tuning else ["--no-gc-tuning"])

    def argv(self) -> list[str]:
        return [sys.executable, str(HERE / "refserver.py"), str(self.port), *self.extra]


def loadavg() -> float:
    return os.getloadavg()[0]


def run_one(server, n: int, deflate: bool, measure_s: float, warmup_s: float, form: str, memo: bool = True) -> dict:
    """Drive `server` (started) with n viewers; return the generator's result plus server figures."""
    cfg = {"url": f"ws://{HOST}:{server.port}", "n": n, "deflate": deflate, "measure_s": measure_s, "ticks": form,
           "warmup_s": warmup_s, "connect_timeout_s": max(30.0, n / 50.0), "memo": memo}
    gen = subprocess.Popen(["node", str(HERE / "viewers_load.mjs"), json.dumps(cfg)], cwd=str(ROOT),
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    marks: dict[str, tuple] = {}

    def sample(tag):
        try:
            marks[tag] = (time.monotonic(), cpu_seconds(server.pid), rss_kb(server.pid), cpu_seconds(gen.pid),
                          server.health().get("ticks", 0), loadavg())
        except (OSError, RuntimeError, ValueError):
            pass

    def sampler():
        # the generator's measuring window starts warmup_s after the last viewer connected; the
        # generator reports connect_s, so sample the server at short intervals and pick afterwards
        while gen.poll() is None:
            sample(time.monotonic())
            time.sleep(0.5)

    th = threading.Thread(target=sampler, daemon=True)
    th.start()
    t_start = time.monotonic()
    try:
        out, err = gen.communicate(timeout=cfg["connect_timeout_s"] + warmup_s + measure_s + 60)
    except subprocess.TimeoutExpired:
        gen.kill()
        out, err = gen.communicate()
    th.join(5)
    lines = [ln for ln in out.splitlines() if ln.startswith("{")]
    if not lines:
        return {"n": n, "error": f"generator failed (exit {gen.returncode}): {err[-500:]}"}
    res = json.loads(lines[-1])
    # the measuring window, in this process's clock: it ended shortly before the generator exited
    win_end = t_start + res["connect_s"] + warmup_s + res["window_s"]
    win_start = win_end - res["window_s"]
    pts = sorted(marks.values())
    inside = [p for p in pts if win_start - 0.25 <= p[0] <= win_end + 0.25]
    if len(inside) >= 2:
        a, b = inside[0], inside[-1]
        dt = b[0] - a[0]
        res["server_cpu_pct"] = 100.0 * (b[1] - a[1]) / dt
        res["gen_cpu_pct"] = 100.0 * (b[3] - a[3]) / dt
        res["server_hz"] = (b[4] - a[4]) / dt
        res["rss_mib"] = max(p[2] for p in inside) / 1024.0
        res["loadavg"] = max(p[5] for p in inside)
    return res


def verdict(res: dict) -> bool:
    p99 = (res.get("delay_ms") or {}).get("p99")
    return bool(res.get("hz_mean", 0) >= TARGET_HZ and p99 is not None and p99 < TARGET_P99_MS
                and res.get("connected") == res.get("n"))


def problems_of(kind: str, res: dict, cap: int) -> list[str]:
    """Results that are wrong (not slow)."""
    out = []
    if "error" in res:
        out.append(f"{kind} n={res['n']}: {res['error']}")
        return out
    refused = [e for e in res.get("error_samples", []) if e.startswith("refused")]
    if refused and res["n"] <= cap:
        out.append(f"{kind} n={res['n']}: a viewer was refused below the cap of {cap}: {refused[0]}")
    if res.get("unstamped"):
        out.append(f"{kind} n={res['n']}: {res['unstamped']} ticks carried no sent_ms stamp")
    if res.get("snapshots", 0) < res.get("connected", 0):
        out.append(f"{kind} n={res['n']}: {res['connected'] - res['snapshots']} viewers got no snapshot on connect")
    return out


def fmt(res: dict, kind: str) -> str:
    if "error" in res:
        return f"{kind:<10} {res['n']:>5}  ERROR {res['error'][:80]}"
    d = res.get("delay_ms") or {}
    f = lambda v, w=7, p=1: f"{v:>{w}.{p}f}" if isinstance(v, (int, float)) else f"{'-':>{w}}"  # noqa: E731
    return (f"{kind:<10} {res['n']:>5} {('on' if res['deflate_offered'] else 'off'):>4} {res['deflate_negotiated']:>5} "
            f"{res['connected']:>5} {f(res['hz_mean'], 6, 2)} {f(res['hz_p5'], 6, 2)} "
            f"{f(d.get('p50'))} {f(d.get('p99'))} {f(d.get('max'), 8)} {f(res.get('server_cpu_pct'), 6, 0)} "
            f"{f(res.get('rss_mib'), 6, 0)} {f(res.get('tick_bytes'), 7, 0)} {f(res.get('wire_bytes_per_tick'), 7, 0)} "
            f"{f(res.get('gen_cpu_pct'), 5, 0)} {f(inflated_pct(res), 5, 1)} {f(res.get('loadavg'), 5, 2)}  "
            f"{'ok' if verdict(res) else 'below'}")


def inflated_pct(res: dict):
    """Share of compressed messages the generator inflated itself (the rest were byte-identical to
    one of the last distinct messages it inflated: viewers_load.mjs memoises under
    server_no_context_takeover)."""
    done, hits = res.get("inflated", 0), res.get("inflate_memo_hits", 0)
    return 100.0 * done / (done + hits) if done + hits else None


HEADER = ("server         N  pmd   neg  conn  Hz/vw  Hz p5  p50 ms  p99 ms   max ms  CPU%   RSS  tick B  wire B"
          "  gen%  infl%  load  target")


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true", help="N = 100, 500 and short windows (CI-sized)")
    p.add_argument("--n", default=None, help="comma-separated viewer counts (default: 100..3000, quick: 100,500)")
    p.add_argument("--deflate", default="on", choices=("on", "off", "both"),
                   help="whether viewers offer permessage-deflate (browsers do): on, off or both")
    p.add_argument("--servers", default="groupviz,reference", help="groupviz, reference, or both (comma-separated)")
    p.add_argument("--ws-deflate", default=None, choices=WS_DEFLATE_POLICIES,
                   help="server's permessage-deflate policy (default: groupviz's WS_DEFLATE default)")
    p.add_argument("--no-gc-tuning", action="store_true", help="serve with Python's default GC (before/after)")
    p.add_argument("--scenario", default="default")
    p.add_argument("--ticks", default="delta", choices=("delta", "full"),
                   help="tick form the viewers ask for (the page asks for delta)")
    p.add_argument("--measure", type=float, default=None, help="seconds measured per run (default 15, quick 6)")
    p.add_argument("--warmup", type=float, default=None, help="seconds after the last connect (default 3, quick 2)")
    p.add_argument("--no-memo", action="store_true",
                   help="the generator inflates every compressed message itself, even byte-identical ones")
    p.add_argument("--json", default=None, help="write all results here")
    args = p.parse_args(argv)

    from groupviz.serve.settings import DEFAULTS

    ns = [int(x) for x in args.n.split(",")] if args.n else list(QUICK_N if args.quick else FULL_N)
    if max(ns) > 5000 or min(ns) < 1:
        p.error("N must be 1..5000")
    measure = args.measure or (6.0 if args.quick else 15.0)
    warmup = args.warmup or (2.0 if args.quick else 3.0)
    policy = args.ws_deflate or DEFAULTS["WS_DEFLATE"]
    gc_tuning = not args.no_gc_tuning
    servers = [s.strip() for s in args.servers.split(",") if s.strip()]
    offers = {"on": [True], "off": [False], "both": [True, False]}[args.deflate]
    cap = int(DEFAULTS["MAX_CONNECTIONS"])

    from groupviz.serve.run import raise_open_files_limit

    raise_open_files_limit(2 * max(ns) + 512)      # the Node generator (a child) holds one socket per viewer
    tick = sample_tick(args.scenario, args.ticks)
    tmp = Path(tempfile.mkdtemp(prefix="groupviz-viewers-"))
    payload_path = tmp / "tick.json"
    payload_path.write_text(json.dumps(tick))
    tick_bytes = len(json.dumps(["tick", tick], separators=(",", ":")))

    print(f"# viewers: {os.cpu_count()} cores, Python {sys.version.split()[0]}, "
          f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; scenario {args.scenario}, WS_DEFLATE={policy}, "
          f"GC {'tuned' if gc_tuning else 'default'}; {args.ticks} ticks, reference tick {tick_bytes} B; "
          f"load generator (Node) shares the cores; load average at start {loadavg():.2f}", flush=True)
    print(HEADER, flush=True)
    results, problems = [], []
    for n in ns:
        for offer in offers:
            for kind in servers:
                if kind == "groupviz":
                    server = ServerProcess(config={"SCENARIO": args.scenario, "WS_DEFLATE": policy,
                                                   "GC_TUNING": gc_tuning})
                elif kind == "reference":
                    server = RefServer(payload_path, gc_tuning, policy)
                else:
                    p.error(f"unknown server {kind!r}")
                server.start()
                try:
                    res = run_one(server, n, offer, measure, warmup, args.ticks, memo=not args.no_memo)
                    if not server.alive():
                        res.setdefault("error", "the server died during the run")
                finally:
                    server.stop()
                res.update(server=kind, ws_deflate=policy, gc_tuned=gc_tuning, scenario=args.scenario, ticks=args.ticks)
                results.append(res)
                problems += problems_of(kind, res, cap)
                print(fmt(res, kind), flush=True)

    # ceilings: largest N meeting the target, per server and offer
    summary = []
    for offer in offers:
        ceil = {}
        for kind in servers:
            ok = [r["n"] for r in results if r["server"] == kind and r.get("deflate_offered") == offer and verdict(r)]
            ceil[kind] = max(ok) if ok else 0
        line = (f"ceiling (viewers {'offering' if offer else 'not offering'} deflate; >= {TARGET_HZ} Hz and "
                f"p99 < {TARGET_P99_MS:.0f} ms, among N tested): " + ", ".join(f"{k} {v}" for k, v in ceil.items()))
        if "groupviz" in ceil and ceil.get("reference"):
            line += f"; groupviz / reference = {ceil['groupviz'] / ceil['reference']:.2f}"
        summary.append(line)
        print(line)
    if args.json:
        Path(args.json).write_text(json.dumps({"results": results, "summary": summary, "problems": problems},
                                              indent=1))
    if problems:
        print("WRONG:\n  " + "\n  ".join(problems))
        return 1
    print("ok: every viewer connected under the cap got its snapshot and stamped ticks")
    return 0


if __name__ == "__main__":
    sys.exit(main())
