"""Engine speed: wall (CPU) time per simulated second, classroom and large scale.

Reference in the same run: a bare Environment (groupviz.sim) stepping the same 50 ms
quanta with no work, i.e. the cost of the clock alone. Exits 1 if the run is not
deterministic (two runs with one seed must give identical snapshots).

    .venv/bin/python bench/engine.py [--quick]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from groupviz.engine import QUANTUM_MS, Engine  # noqa: E402
from groupviz.sim import Environment  # noqa: E402


def run(scenario: str, sim_s: int, extra_consumers: int = 0, crash_at_s: int | None = None):
    eng = Engine(seed=7, scenario=scenario)
    for _ in range(extra_consumers):
        eng.apply({"op": "add_consumer"})
    t0 = time.process_time()
    for s in range(sim_s):
        if crash_at_s is not None and s == crash_at_s:
            g = next(iter(eng.groups.values()))
            victim = next(m for m, c in g.consumers.items() if c.alive)
            assert eng.apply({"op": "kill_consumer", "member_id": victim})["ok"]
            assert eng.apply({"op": "add_consumer"})["ok"]
        eng.step(1000)
    cpu = time.process_time() - t0
    return cpu, eng


def bare_clock(sim_s: int) -> float:
    env = Environment()
    env.every(QUANTUM_MS, lambda: None)
    t0 = time.process_time()
    env.run(sim_s * 1000)
    return time.process_time() - t0


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args(argv)
    small_s, large_s = (60, 5) if args.quick else (300, 30)
    print(f"# engine: {os.cpu_count()} cores, Python {platform.python_version()}, {time.strftime('%Y-%m-%d')}")
    print(f"{'run':<52} {'sim s':>6} {'CPU s':>8} {'x real time':>12} {'CPU ms / 100 ms tick':>21}")
    rows = [("default: 6p, 3 consumers, 30 rec/s", "default", small_s, 0, None),
            ("default + 7 consumers (10), crash at 20 s", "default", small_s, 7, 20),
            ("large: 1000p, 200 consumers, 10k rec/s, crash", "large", large_s, 0, 2)]
    for label, scen, secs, extra, crash in rows:
        cpu, _ = run(scen, secs, extra, crash)
        print(f"{label:<52} {secs:6d} {cpu:8.3f} {secs / cpu:11.0f}x {cpu / secs * 100:21.2f}")
    ref = bare_clock(small_s)
    print(f"{'reference: bare Environment, 50 ms quanta, no work':<52} {small_s:6d} {ref:8.3f} "
          f"{small_s / ref:11.0f}x {ref / small_s * 100:21.3f}")
    print()
    print(f"{'tick payload (JSON of LiveEngine.tick, what every client gets)':<64} {'bytes':>8} {'ms to build':>12}")
    from groupviz.realtime import LiveEngine
    for label, scen in (("default", "default"), ("large", "large")):
        _, eng = run(scen, 5)
        live = LiveEngine(eng, lambda *a: None)
        live.tick()
        t0 = time.perf_counter()
        payload = live.tick()
        text = json.dumps(payload, separators=(",", ":"))
        build = (time.perf_counter() - t0) * 1e3
        print(f"{label:<64} {len(text.encode()):8d} {build:12.2f}")
    a = json.dumps(run("default", 30, 2, 10)[1].snapshot(), sort_keys=True)
    b = json.dumps(run("default", 30, 2, 10)[1].snapshot(), sort_keys=True)
    if a != b:
        print("FAIL: two runs with the same seed and commands gave different snapshots")
        return 1
    print("ok: deterministic (identical snapshots from two runs)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
