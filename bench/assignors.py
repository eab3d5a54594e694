"""Assignors: groupviz's `assign` vs kafka-python 3.0.12's on identical inputs, in the same run.

Prints one row per (strategy, input): our median time, kafka-python's, the ratio, and
whether the outputs are equal. Exits 1 when outputs differ where the two must agree
(range always; roundrobin with identical subscriptions; sticky and cooperative-sticky
on a fresh group with identical subscriptions -- see tests/test_assignors_kafka_python.py
for where kafka-python is not Java and we follow Java). Timings are reported, never
asserted.

    .venv/bin/python bench/assignors.py            # full: up to 10,000 partitions x 1,000 members
    .venv/bin/python bench/assignors.py --quick    # CI-sized
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from groupviz.assignors import assign  # noqa: E402
from test_assignors_kafka_python import kafka_python_input, kafka_python_result  # noqa: E402


def case(partitions: int, members: int, topics: int = 1):
    names = [f"t{i}" for i in range(topics)]
    counts = {t: partitions // topics for t in names}
    subs = {f"consumer-{i:04d}": list(names) for i in range(members)}
    return subs, counts


def rebalance_input(strategy, subs, counts):
    """The previous assignment with one member gone and one new: what a sticky rebalance sees."""
    first = assign(strategy, subs, counts)
    members = sorted(subs)
    gone, new = members[0], "consumer-new"
    owned = {m: tps for m, tps in first.items() if m != gone}
    subs2 = {m: t for m, t in subs.items() if m != gone}
    subs2[new] = list(next(iter(subs.values())))
    owned[new] = []
    return subs2, owned


def timed(fn, repeat):
    best = []
    out = None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        best.append(time.perf_counter() - t0)
    return statistics.median(best), out


def norm(result):
    return {m: sorted(tuple(tp) for tp in tps) for m, tps in result.items()}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="small inputs only (CI-sized)")
    ap.add_argument("--repeat", type=int, default=3, help="runs per measurement; the median is reported")
    args = ap.parse_args(argv)

    sizes = [(100, 10, 1), (2000, 200, 1), (2000, 200, 4)]
    if not args.quick:
        sizes.append((10000, 1000, 1))
    print(f"# assignors: groupviz vs kafka-python; {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"{time.strftime('%Y-%m-%d')}")
    print(f"{'strategy':<19} {'input':<30} {'groupviz ms':>12} {'kafka-python ms':>16} {'ratio':>7}  outputs")
    wrong = 0
    for strategy in ("range", "roundrobin", "sticky", "cooperative-sticky"):
        for p, m, t in sizes:
            subs, counts = case(p, m, t)
            big = p * m >= 10_000_000
            rep = 1 if big else args.repeat
            ours_s, ours = timed(lambda: assign(strategy, subs, counts), rep)
            k_in = kafka_python_input(strategy, subs, counts)
            theirs_s, theirs = timed(lambda: k_in[0].assign(k_in[1], k_in[2]), rep)
            same = norm(ours) == kafka_python_result(theirs)
            wrong += not same
            label = f"{p}p x {m}m" + (f" x {t}t" if t > 1 else "")
            print(f"{strategy:<19} {label:<30} {ours_s * 1e3:12.1f} {theirs_s * 1e3:16.1f} "
                  f"{theirs_s / ours_s:6.1f}x  {'equal' if same else 'DIFFER'}")
    # A rebalance with owned partitions: sticky keeps what it can. kafka-python's sticky is the
    # pre-2.4 algorithm (not Java's), so outputs are not compared here; only timed.
    for strategy in ("sticky", "cooperative-sticky"):
        for p, m, t in sizes:
            subs, counts = case(p, m, t)
            subs2, owned = rebalance_input(strategy, subs, counts)
            rep = 1 if p * m >= 10_000_000 else args.repeat
            ours_s, _ = timed(lambda: assign(strategy, subs2, counts, owned=owned), rep)
            k_in = kafka_python_input(strategy, subs2, counts, owned=owned, gens={mm: 1 for mm in owned})
            theirs_s, _ = timed(lambda: k_in[0].assign(k_in[1], k_in[2]), rep)
            label = f"rebalance {p}p x {m}m" + (f" x {t}t" if t > 1 else "")
            print(f"{strategy:<19} {label:<30} {ours_s * 1e3:12.1f} {theirs_s * 1e3:16.1f} "
                  f"{theirs_s / ours_s:6.1f}x  (not compared)")
    if wrong:
        print(f"FAIL: {wrong} outputs differ where groupviz and kafka-python must agree")
        return 1
    print("ok: every compared output is equal")
    return 0


if __name__ == "__main__":
    sys.exit(main())
