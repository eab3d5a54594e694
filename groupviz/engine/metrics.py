"""Bounded chart history: a sample of lag and throughput every 500 simulated ms.

`snapshot()` is rebuilt only after a new sample: every browser that connects
gets the history, and at 256 members rebuilding it costs ~25 ms, so a burst of
connects (a class opening the page, every page reconnecting after a restart)
would otherwise stall the ticker. The returned dict is shared: read it, don't
change it.
"""

from __future__ import annotations

from collections import deque

SAMPLE_MS = 500
MAX_SAMPLES = 240   # 2 minutes


class ChartSamples:
    """The charts' series (the snapshot's `history`): not to be confused with a coordinator's rebalance records."""

    def __init__(self):
        self.samples: deque[tuple[int, dict]] = deque(maxlen=MAX_SAMPLES)
        self._view: dict | None = None

    def sample(self, now: int, groups) -> None:
        """`groups` are objects with `group_id` and `sample_metrics()` -> {"lag": {member: n},
        "throughput": {member: records/s}, "partition_lag": {"topic-p": n or None}} and, for a classic group,
        "uncommitted_gap": log end minus the starting position over its partitions with no commit yet, or None."""
        per_group = {}
        for g in groups:
            gs = g.sample_metrics()
            known = [x for x in gs["partition_lag"].values() if x is not None]
            gs["total_lag"] = sum(known) if known else None      # before the first commit: a gap, not 0
            per_group[g.group_id] = gs
        self.samples.append((now, per_group))
        self._view = None

    def snapshot(self) -> dict:
        if self._view is None:
            self._view = self._build()
        return self._view

    def _build(self) -> dict:
        times = [t for t, _ in self.samples]
        groups: dict[str, dict] = {}
        n = len(self.samples)
        for i, (_, per_group) in enumerate(self.samples):
            for gid, gs in per_group.items():
                out = groups.setdefault(gid, {"lag": {}, "throughput": {}, "partition_lag": {}, "total_lag": [None] * n})
                out["total_lag"][i] = gs["total_lag"]
                if gs.get("uncommitted_gap") is not None:     # classic groups before a partition's first commit
                    out.setdefault("uncommitted_gap", [None] * n)[i] = gs["uncommitted_gap"]
                for key in ("lag", "throughput", "partition_lag"):
                    for name, v in gs[key].items():
                        series = out[key].get(name)
                        if series is None:
                            series = out[key][name] = [None] * n
                        series[i] = v
        return {"time_ms": times, "groups": groups}
