"""Assignors: groupviz's `assign` vs kafka-python 3.0.12's on identical inputs, in the same run.

Prints one row per (strategy, input): our time, kafka-python's, the ratio, and whether the
outputs are equal. Exits 1 when outputs differ where the two must agree (range always;
roundrobin with identical subscriptions; sticky and cooperative-sticky on a fresh group with
identical subscriptions -- see tests/kafka/test_assignors_kafka_python.py for where kafka-python is not
Java and we follow Java). Timings are reported, never asserted.

Timing: each call is repeated (at least --min-runs times, more while under --budget seconds, one
run for kafka-python's sticky on the largest inputs, which takes tens of seconds); the garbage
collector is off during a call and run between calls, as timeit does. The table shows the
minimum and the median, and the spread (median / min - 1); the ratio is of the minimums, the
figure least disturbed by other work on a shared machine.

The "floor" section times only the construction of each side's output for 2,000 x 200 and
10,000 x 1,000: for groupviz one (topic, partition) tuple per partition split into per-member
lists (what `assign` returns), for kafka-python its per-member ConsumerProtocolAssignment of
(topic, [partition, ...]) (what its `assign` returns). No assignor can be faster than building
its own output; the best possible ratio is kafka-python's time over our floor.

    .venv/bin/python bench/assignors.py            # full: up to 10,000 partitions x 1,000 members
    .venv/bin/python bench/assignors.py --quick    # CI-sized
    .venv/bin/python bench/assignors.py --before REV   # range/roundrobin: REV's assign vs ours vs kafka-python
"""

from __future__ import annotations

import argparse
import gc
import importlib
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from itertools import repeat
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "kafka")]

from kafka.protocol.consumer.metadata import ConsumerProtocolAssignment  # noqa: E402

from groupviz.kafka.assignors import STRATEGIES, assign, assign_server  # noqa: E402
from test_assignors_kafka_python import kafka_python_input, kafka_python_result  # noqa: E402

#: partitions x members above which kafka-python's sticky runs once (full mode; quick: above 1,000), and
#: above which its sticky is left out for the multi-topic input (~30 s a call)
SLOW_KAFKA_PYTHON = 2_000_000
TOO_SLOW_KAFKA_PYTHON = 1_000_000


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


def timed(fn, min_runs: int, budget_s: float):
    """(times in s, last output): at least min_runs calls, more while the total is under budget_s."""
    times = []
    out = None
    gc_was = gc.isenabled()
    try:
        while len(times) < min_runs or (sum(times) < budget_s and len(times) < 1000):
            gc.disable()
            t0 = time.perf_counter()
            out = fn()
            times.append(time.perf_counter() - t0)
            if gc_was:
                gc.enable()
            if times[-1] > 0.01:
                gc.collect()      # big calls leave cyclic garbage; don't let the next call pay for it
    finally:
        if gc_was:
            gc.enable()
    return times, out


def norm(result):
    return {m: sorted(tuple(tp) for tp in tps) for m, tps in result.items()}


def label_of(p, m, t, prefix=""):
    return f"{prefix}{p}p x {m}m" + (f" x {t}t" if t > 1 else "")


def fmt(times) -> str:
    lo, med = min(times), statistics.median(times)
    return f"{lo * 1e3:9.3f} {med * 1e3:9.3f} {100 * (med / lo - 1):4.0f}%"


def row(strategy, label, ours, theirs, verdict) -> str:
    return (f"{strategy:<19} {label:<27} {len(ours):4d} {fmt(ours)} {len(theirs):4d} {fmt(theirs)} "
            f"{min(theirs) / min(ours):7.1f}x  {verdict}")


def output_floors(p, m, t, min_runs, budget):
    """Time to build only the outputs: ours (tuples split per member) and kafka-python's."""
    subs, counts = case(p, m, t)
    members = list(subs)
    per = p // t // m

    def ours():
        tps = [list(zip(repeat(tp, n), range(n))) for tp, n in counts.items()]
        first, rest = tps[0], tps[1:]
        out = {}
        for i, mm in enumerate(members):
            a, b = i * per, (i + 1) * per
            mine = first[a:b]
            for more in rest:
                mine += more[a:b]
            out[mm] = mine
        return out

    def theirs():
        ints = {tp: sorted(range(n)) for tp, n in counts.items()}
        return {mm: ConsumerProtocolAssignment(0, [(tp, ints[tp][i * per:(i + 1) * per]) for tp in counts], b"")
                for i, mm in enumerate(members)}

    return timed(ours, min_runs, budget)[0], timed(theirs, min_runs, budget)[0]


def load_assignors_at(rev: str):
    """groupviz's assignors as they were at git revision `rev` (a module, or since the regrouping a
    package, groupviz/kafka/assignors), imported from a copy of that revision's groupviz/ tree."""
    tmp = tempfile.mkdtemp()
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", rev, "groupviz"], capture_output=True, check=True)
    subprocess.run(["tar", "-x", "-C", tmp], input=archive.stdout, check=True)
    ours = {n: m for n, m in sys.modules.items() if n == "groupviz" or n.startswith("groupviz.")}
    for n in ours:
        del sys.modules[n]
    sys.path.insert(0, tmp)
    try:
        nested = Path(tmp, "groupviz", "kafka", "assignors").exists() or Path(tmp, "groupviz", "kafka", "assignors.py").exists()
        return importlib.import_module("groupviz.kafka.assignors" if nested else "groupviz.assignors")
    finally:
        sys.path.remove(tmp)
        for n in [n for n in sys.modules if n == "groupviz" or n.startswith("groupviz.")]:
            del sys.modules[n]
        sys.modules.update(ours)
        shutil.rmtree(tmp, ignore_errors=True)


def before_after(rev: str, sizes, rounds: int) -> int:
    """Range and roundrobin: `rev`'s assign, ours and kafka-python's called in turn on the same input."""
    old = load_assignors_at(rev)
    print(f"# range/roundrobin before ({rev}) / after (working tree) / kafka-python, called in turn; "
          f"{rounds} rounds (a quarter for 10,000 x 1,000); ms min / median; gc off during a call")
    print(f"{'input':<36} {'before':>15} {'after':>15} {'kafka-python':>15}   ratio to k-p (min): before -> after")
    wrong = 0
    for strategy in ("range", "roundrobin"):
        for p, m, t in sizes:
            subs, counts = case(p, m, t)
            k = kafka_python_input(strategy, subs, counts)
            fns = {"before": lambda: old.assign(strategy, subs, counts),
                   "after": lambda: assign(strategy, subs, counts),
                   "kafka-python": lambda: k[0].assign(k[1], k[2])}
            outs = {n: fn() for n, fn in fns.items()}
            same = outs["before"] == outs["after"] and norm(outs["after"]) == kafka_python_result(outs["kafka-python"])
            wrong += not same
            times = {n: [] for n in fns}
            for _ in range(rounds if p * m < 10_000_000 else max(3, rounds // 4)):
                for n, fn in fns.items():
                    times[n] += timed(fn, 1, 0)[0]
            lo = {n: min(v) for n, v in times.items()}
            cells = " ".join(f"{min(v) * 1e3:7.3f}/{statistics.median(v) * 1e3:<7.3f}" for v in times.values())
            print(f"{strategy + ' ' + label_of(p, m, t):<36} {cells}   {lo['kafka-python'] / lo['before']:.1f}x -> "
                  f"{lo['kafka-python'] / lo['after']:.1f}x{'' if same else '  OUTPUTS DIFFER'}", flush=True)
    if wrong:
        print(f"FAIL: {wrong} outputs differ")
        return 1
    print("ok: before, after and kafka-python give equal outputs")
    return 0


def server_section(sizes, min_runs, budget) -> None:
    """KIP-848's server-side assignors (assign_server): there is no Python peer, so each is shown beside
    our client cooperative-sticky on the same input, from scratch and after one member leaves."""
    print()
    print("server-side assignors (assign_server) beside client cooperative-sticky, ms (min / median)")
    print(f"{'input':<32} {'uniform':>19} {'server range':>19} {'coop-sticky':>19}")
    for p, m, t in sizes:
        subs, counts = case(p, m, t)
        firsts = {"uniform": assign_server("uniform", subs, counts), "range": assign_server("range", subs, counts),
                  "coop": assign("cooperative-sticky", subs, counts)}
        gone = sorted(subs)[0]
        left = {mm: tt for mm, tt in subs.items() if mm != gone}
        for label, group, after in (("", subs, False), ("1 left, ", left, True)):
            cells = []
            for name in ("uniform", "range", "coop"):
                prev = {mm: v for mm, v in firsts[name].items() if mm in group} if after else None
                if name == "coop":
                    fn = (lambda: assign("cooperative-sticky", group, counts, owned=prev))
                else:
                    fn = (lambda n=name: assign_server(n, group, counts, current=prev))
                times, _ = timed(fn, min_runs, budget)
                cells.append(f"{min(times) * 1e3:9.2f} {statistics.median(times) * 1e3:9.2f}")
            print(f"{label + label_of(p, m, t):<32} {cells[0]:>19} {cells[1]:>19} {cells[2]:>19}", flush=True)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="small inputs only (CI-sized)")
    ap.add_argument("--min-runs", type=int, default=None, help="calls per measurement at least (default 7, quick 3)")
    ap.add_argument("--budget", type=float, default=None,
                    help="keep repeating a measurement while it has taken less than this many s (default 1, quick 0.2)")
    ap.add_argument("--before", metavar="REV", help="compare range/roundrobin with the assignors at git REV")
    ap.add_argument("--only", default=",".join(STRATEGIES),
                    help="comma-separated strategies to run (default: all four)")
    args = ap.parse_args(argv)
    only = [x.strip() for x in args.only.split(",") if x.strip()]
    unknown = [x for x in only if x not in STRATEGIES]
    if unknown:
        ap.error(f"unknown strategies {unknown}; choose from {', '.join(STRATEGIES)}")
    min_runs = args.min_runs or (3 if args.quick else 7)
    budget = args.budget if args.budget is not None else (0.2 if args.quick else 1.0)

    slow = 1_000 if args.quick else SLOW_KAFKA_PYTHON
    sizes = [(100, 10, 1), (2000, 200, 1), (2000, 200, 4), (2000, 200, 20)]   # 20t: 20 topics x 100 partitions (issue 20)
    if not args.quick:
        sizes += [(10000, 1000, 1), (10000, 1000, 4)]
    if args.before:
        return before_after(args.before, sizes[1:], 10 if args.quick else 40)
    print(f"# assignors: groupviz vs kafka-python; {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"{time.strftime('%Y-%m-%d')}; ms per call (gc off during a call); ratio of the minimums")
    print(f"{'strategy':<19} {'input':<27} {'runs':>4} {'ours min':>9} {'median':>9} {'sprd':>5} "
          f"{'runs':>4} {'k-p min':>9} {'median':>9} {'sprd':>5} {'ratio':>8}  outputs")
    wrong = 0
    range_min = {}
    for strategy in [x for x in STRATEGIES if x in only]:
        for p, m, t in sizes:
            if strategy.endswith("sticky") and t > 1 and p * m > TOO_SLOW_KAFKA_PYTHON:
                continue          # kafka-python's sticky: ~30 s per call here; the 1-topic row shows it
            subs, counts = case(p, m, t)
            once = strategy.endswith("sticky") and p * m > slow
            ours_t, ours = timed(lambda: assign(strategy, subs, counts), min_runs, budget)
            k_in = kafka_python_input(strategy, subs, counts)
            theirs_t, theirs = timed(lambda: k_in[0].assign(k_in[1], k_in[2]), 1 if once else min_runs,
                                     0 if once else budget)
            same = norm(ours) == kafka_python_result(theirs)
            wrong += not same
            if strategy == "range":
                range_min[(p, m, t)] = min(ours_t), min(theirs_t)
            print(row(strategy, label_of(p, m, t), ours_t, theirs_t, "equal" if same else "DIFFER"), flush=True)
    # A rebalance with owned partitions: sticky keeps what it can. kafka-python's sticky is the
    # pre-2.4 algorithm (not Java's), so outputs are not compared here; only timed.
    for strategy in [x for x in ("sticky", "cooperative-sticky") if x in only]:
        for p, m, t in sizes:
            if t > 1 and p * m > TOO_SLOW_KAFKA_PYTHON:
                continue
            subs, counts = case(p, m, t)
            subs2, owned = rebalance_input(strategy, subs, counts)
            once = p * m > slow
            ours_t, _ = timed(lambda: assign(strategy, subs2, counts, owned=owned), min_runs, budget)
            k_in = kafka_python_input(strategy, subs2, counts, owned=owned, gens={mm: 1 for mm in owned})
            theirs_t, _ = timed(lambda: k_in[0].assign(k_in[1], k_in[2]), 1 if once else min_runs,
                                0 if once else budget)
            print(row(strategy, label_of(p, m, t, "rebalance "), ours_t, theirs_t, "(not compared)"), flush=True)

    if range_min:
        print()
        print("output floors for range's answer: building only each side's output, ms (min of runs)")
        print(f"{'input':<27} {'ours: floor':>12} {'assign':>8} {'k-p: floor':>11} {'assign':>8} "
              f"{'best ratio':>11} {'achieved':>9}")
        for p, m, t in [s for s in sizes if s[0] >= 2000 and s in range_min]:
            ours_f, theirs_f = output_floors(p, m, t, min_runs, budget)
            ours_a, theirs_a = range_min[(p, m, t)]
            print(f"{label_of(p, m, t):<27} {min(ours_f) * 1e3:12.3f} {ours_a * 1e3:8.3f} {min(theirs_f) * 1e3:11.3f} "
                  f"{theirs_a * 1e3:8.3f} {theirs_a / min(ours_f):10.1f}x {theirs_a / ours_a:8.1f}x")
        print("(best ratio: kafka-python's range over the time to merely build our output)")
    server_section([s for s in sizes if s[2] == 1 and s[0] >= (100 if args.quick else 2000)], min_runs, budget)
    if wrong:
        print(f"FAIL: {wrong} outputs differ where groupviz and kafka-python must agree")
        return 1
    print("ok: every compared output is equal")
    return 0


if __name__ == "__main__":
    sys.exit(main())
