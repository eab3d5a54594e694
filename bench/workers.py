"""Viewers served with socket workers (`app.py --workers K`) against the single process, in one run.

    .venv/bin/python bench/workers.py --quick                 # N = 300, 1000; K = 0 (one process), 1, 2
    .venv/bin/python bench/workers.py --n 1000,2000,3000 --workers 0,1,2,4

The same load generator as bench/viewers.py (bench/viewers_load.mjs: raw WebSockets asking for delta
ticks with permessage-deflate, as pages do) drives, one after the other, the single process (K = 0,
bench/serverproc.py, the path app.py takes) and `app.py --workers K` (one engine process, K eventlet
workers on one SO_REUSEPORT port, a local Redis it starts itself). Per run: ticks per second per
viewer (mean, 5th percentile), delivery delay p50/p95/p99 (viewer's receive time minus the engine's
`sent_ms` stamp: with workers it includes Redis and the worker's relay; the difference to K = 0 at
the same N is what the queue adds), CPU % of one core summed over every server process (engine,
workers, Redis), bytes on the wire per tick and per viewer per second. A run meets the target when
viewers got >= 9.5 ticks/s on average with p99 < 250 ms (bench/viewers.py's ceiling rule).

Loopback only; every run is bounded and stops by itself; the servers it starts are stopped.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(ROOT), str(HERE)]

import serverproc  # noqa: E402
import viewers  # noqa: E402


def tree(pid: int) -> list[int]:
    """pid and all its descendants (Linux /proc)."""
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        try:
            with open(f"/proc/{p}/task/{p}/children") as f:
                todo += [int(x) for x in f.read().split()]
        except OSError:
            pass
    return out


def tree_sum(pid: int, figure) -> float:
    """figure(p) summed over pid and its descendants (processes that went away count 0)."""
    total = 0
    for p in tree(pid):
        try:
            total += figure(p)
        except (OSError, RuntimeError):
            pass
    return total


class Cluster(serverproc.ServerProcess):
    """`app.py --workers K` in a subprocess; /healthz answers from a worker once it is linked."""

    def __init__(self, workers: int):
        super().__init__("eventlet")
        self.workers = workers

    def argv(self) -> list[str]:
        return [sys.executable, str(ROOT / "app.py"), "--workers", str(self.workers), "--port", str(self.port)]

    def stop(self) -> None:
        super().stop()          # SIGTERM: the supervisor ends its engine, workers and Redis


def row(k: int, res: dict) -> str:
    if "error" in res:
        return f"{k:>3} {res['n']:>5}  ERROR {res['error'][:80]}"
    d = res.get("delay_ms") or {}
    per_s = (res.get("wire_bytes_per_tick") or 0) * (res.get("hz_mean") or 0)
    f = lambda v, w=7, p=1: f"{v:>{w}.{p}f}" if isinstance(v, (int, float)) else f"{'-':>{w}}"  # noqa: E731
    return (f"{k:>3} {res['n']:>5} {res['connected']:>5} {f(res['hz_mean'], 6, 2)} {f(res['hz_p5'], 6, 2)} "
            f"{f(d.get('p50'))} {f(d.get('p95'))} {f(d.get('p99'))} {f(res.get('server_cpu_pct'), 6, 0)} "
            f"{f(res.get('rss_mib'), 6, 0)} {f(res.get('wire_bytes_per_tick'), 7, 0)} {f(per_s, 7, 0)} "
            f"{f(res.get('loadavg'), 5, 2)}  {'ok' if viewers.verdict(res) else 'below'}")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--n", default=None, help="viewer counts (default 500,1000,2000,3000; quick 300,1000)")
    ap.add_argument("--workers", default=None, help="worker counts, 0 = the single process (default 0,1,2,4)")
    ap.add_argument("--measure", type=float, default=None)
    ap.add_argument("--warmup", type=float, default=None)
    args = ap.parse_args(argv)
    ns = [int(x) for x in (args.n or ("300,1000" if args.quick else "500,1000,2000,3000")).split(",")]
    ks = [int(x) for x in (args.workers or ("0,1,2" if args.quick else "0,1,2,4")).split(",")]
    measure = args.measure or (6.0 if args.quick else 12.0)
    warmup = args.warmup or 2.0
    viewers.cpu_seconds = lambda pid: tree_sum(pid, serverproc.cpu_seconds)     # count every server process
    viewers.rss_kb = lambda pid: tree_sum(pid, serverproc.rss_kb)
    print(f"# workers: {os.cpu_count()} cores, Python {sys.version.split()[0]}, {time.strftime('%Y-%m-%d %H:%M')}; "
          f"K = 0 is the single process; delta ticks, permessage-deflate")
    print("  K     N  conn  Hz/vw  Hz p5  p50 ms  p95 ms  p99 ms  CPU%  RSS MiB  wire B  B/vw/s  load  target")
    bad = 0
    for k in ks:
        srv = serverproc.ServerProcess("eventlet") if k == 0 else Cluster(k)
        srv.start(timeout=60)
        try:
            for n in ns:
                res = viewers.run_one(srv, n, True, measure, warmup, "delta")
                bad += "error" in res
                print(row(k, res), flush=True)
        finally:
            srv.stop()
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
