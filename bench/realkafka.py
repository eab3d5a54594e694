"""Real Kafka (issue 17 item 9) on librdkafka's embedded mock cluster: click -> real assignment (p50/p95),
RSS and CPU per real consumer process, and how many real consumers this machine runs at the default rate.

    .venv/bin/python bench/realkafka.py [--quick]

"click -> real assignment" is timed from `apply({"op": "add_consumer"})` (what a click does) to the first
snapshot in which the new member's own on_assign has given it partitions and the group again covers every
partition once (topic of 12 partitions, so each of the 3 + 8 members gets some); the page shows that snapshot at the next tick (<= 100 ms later at 10 Hz).
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from groupviz.realkafka.backend import KafkaBackend  # noqa: E402

TICK = os.sysconf("SC_CLK_TCK")
PAGE = os.sysconf("SC_PAGE_SIZE")


def proc_usage(pid: int) -> tuple[float, float]:
    """(CPU seconds so far, RSS MiB) from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    cpu = (int(fields[11]) + int(fields[12])) / TICK
    rss = int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE / 2**20
    return cpu, rss


def wait(be, pred, timeout=60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        be.step(20)
        g = be.snapshot(history=False)["groups"][0]
        if pred(g):
            return True
        time.sleep(0.02)
    return False


PARTITIONS = 12     # more than the 3 + 8 members, so every add gets partitions of its own to wait for


def covered(g, n):
    live = [m for m in g["members"] if m["state"] == "active"]
    owned = sorted(p for m in live for _, p in m["partitions"])
    return len(live) == n and owned == list(range(PARTITIONS))


def click_to_assignment(be, adds: int) -> list[float]:
    out = []
    wait(be, lambda g: covered(g, 3))
    for i in range(adds):
        n = 3 + i
        t0 = time.monotonic()
        mid = be.apply({"op": "add_consumer"})["member_id"]
        ok = wait(be, lambda g: covered(g, n + 1) and any(m["member_id"] == mid and m["partitions"]
                                                           for m in g["members"]))
        out.append((time.monotonic() - t0) * 1000 if ok else float("nan"))
    return out


def per_process(be, seconds: float) -> list[tuple[float, float]]:
    members = [m for g in be.groups.values() for m in g.members.values() if m.child.alive()]
    before = {m.name: proc_usage(m.child.pid)[0] for m in members}
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        be.step(100)
        time.sleep(0.1)
    return [((proc_usage(m.child.pid)[0] - before[m.name]) / seconds * 100, proc_usage(m.child.pid)[1])
            for m in members]


def main(argv) -> int:
    quick = "--quick" in argv
    adds = 3 if quick else 8
    be = KafkaBackend("mock", partitions=PARTITIONS, max_consumers=64)
    try:
        times = click_to_assignment(be, adds)
        q = statistics.quantiles(times, n=20, method="inclusive") if len(times) > 1 else times * 19   # within the data
        shown = [round(t) if t == t else "timeout" for t in times]
        print(f"click -> real assignment ({adds} adds, group of 3..{3 + adds}): p50 {statistics.median(times):.0f} ms, "
              f"p95 {q[18]:.0f} ms, all {shown}")
        usage = per_process(be, 5 if quick else 15)
        cpu = [u[0] for u in usage]
        rss = [u[1] for u in usage]
        print(f"per real consumer process ({len(usage)} at 20 records/s max, producer 30 records/s): "
              f"CPU {statistics.mean(cpu):.1f}% of a core (max {max(cpu):.1f}%), RSS {statistics.mean(rss):.1f} MiB "
              f"(max {max(rss):.1f})")
        cores = os.cpu_count() or 1
        print(f"consumers this machine runs at the default rate, by CPU ({cores} cores, half kept for the server "
              f"and the other clients): ~{int(cores * 50 / max(statistics.mean(cpu), 0.1))}; by memory (1/4 of RAM): "
              f"~{int(os.sysconf('SC_PHYS_PAGES') * PAGE / 2**20 / 4 / statistics.mean(rss))}; "
              f"the server caps it at {KafkaBackend.__init__.__kwdefaults__['max_consumers']} (--max, README)")
    finally:
        be.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
