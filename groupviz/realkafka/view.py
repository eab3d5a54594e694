"""What the page sees of a real group: members as their own callbacks reported them, committed and log end
offsets as the monitor read them from Kafka, lag in records and in time, Burrow's status, and rebalance
bands from the callbacks' wall-clock timestamps. Same shapes as the simulation's snapshot (docs/wire.md).
"""

from __future__ import annotations

from collections import deque

from groupviz.kafka import lagstatus
from groupviz.kafka.assignors import REBALANCE_PROTOCOLS

WINDOW = 10             # Burrow's window of committed-offset samples per partition
LEO_HISTORY = 600       # (time, log end offset) samples kept per partition for lag in time
MAX_REBALANCES = 50
LIVE = ("active", "stopping")


def known(generation, before):
    """librdkafka says -1 before the first join completes."""
    return generation if isinstance(generation, int) and generation >= 0 else before


class Member:
    def __init__(self, name: str, child, color: int, rate: float, started_ms: int):
        self.name, self.child, self.color, self.rate = name, child, color, float(rate)
        self.state = "active"           # active | stopping | left | crashed
        self.member_id = None
        self.generation = None
        self.assignment: list[int] = []
        self.processed = 0
        self.throughput = 0.0
        self.paused = False
        self.started_ms = started_ms
        self.last_report_ms = started_ms

    def view(self, topic: str, leader: str | None, lag: int) -> dict:
        phase = "stable" if self.state == "active" and self.generation is not None else "joining"
        return {"member_id": self.name, "client_id": self.name, "kafka_member_id": self.member_id,
                "host": f"pid {self.child.pid}", "color": self.color,
                "state": "paused" if self.paused and self.state == "active" else self.state,
                "phase": phase if self.state == "active" else self.state, "rate": self.rate,
                "generation": self.generation, "partitions": [[topic, p] for p in self.assignment],
                "throughput": self.throughput, "processed": self.processed, "lag": lag,
                "last_heartbeat_ms": self.last_report_ms, "leader": self.name == leader}


class Offsets:
    """The topic as the monitor reads it: log end offsets now and over time."""

    def __init__(self, partitions: int):
        self.partitions = partitions
        self.end: dict[int, int] = {p: 0 for p in range(partitions)}
        self.history: dict[int, deque] = {p: deque(maxlen=LEO_HISTORY) for p in range(partitions)}

    def update(self, now_ms: int, end: dict) -> None:
        for p, off in end.items():
            p = int(p)
            if p in self.end and off >= 0:
                self.end[p] = off
                self.history[p].append((now_ms, off))

    def lag_ms(self, p: int, committed: int | None, now_ms: int) -> int | None:
        """kafka-lag-exporter's lag in time: now minus when the log end passed the committed offset."""
        if committed is None:
            return None
        if committed >= self.end[p]:
            return 0
        for t, leo in self.history[p]:
            if leo > committed:
                return max(0, now_ms - t)
        return None

    def snapshot(self, topic: str) -> dict:
        return {"name": topic, "partitions": [{"partition": p, "log_start_offset": 0, "log_end_offset": self.end[p]}
                                              for p in range(self.partitions)]}


class RealGroup:
    def __init__(self, group_id: str, topic: str, offsets: Offsets, *, assignor: str = "range",
                 group_protocol: str = "classic", configs: dict, backend: str = "kafka", kafka_id: str | None = None):
        self.group_id, self.topic, self.offsets = group_id, topic, offsets
        self.kafka_id = kafka_id or group_id          # group.id on the cluster (a twin shows another name)
        self.assignor, self.group_protocol, self.config, self.backend = assignor, group_protocol, configs, backend
        self.members: dict[str, Member] = {}
        self.committed: dict[int, int] = {}
        self.windows: dict[int, deque] = {p: deque(maxlen=WINDOW) for p in range(offsets.partitions)}
        self.rebalances: deque[dict] = deque(maxlen=MAX_REBALANCES)
        self.band: dict | None = None
        self.owners_before: dict[int, str] = {}
        self.described: dict | None = None
        self.describe_note: str | None = None
        self.observed = False           # observer mode: watched, never joined

    @property
    def protocol(self) -> str:
        return "consumer" if self.group_protocol == "consumer" else REBALANCE_PROTOCOLS.get(self.assignor, "eager")

    def live(self) -> list[Member]:
        return [m for m in self.members.values() if m.state in LIVE]

    def owners(self) -> dict[int, str]:
        return {p: m.name for m in self.live() for p in m.assignment}

    # -- what the children report ------------------------------------------------------------------
    def on_callback(self, m: Member, ev: dict, now_ms: int) -> None:
        """assign / revoke / lost from a member's own rebalance callbacks: they open and close the bands."""
        m.member_id, m.generation = ev.get("member_id") or m.member_id, known(ev.get("generation"), m.generation)
        m.assignment = list(ev.get("assignment", []))
        if self.band is None and (ev["ev"] in ("revoke", "lost") or ev.get("partitions")):
            self.open_band(now_ms, f"{m.name}: {ev['ev']} {ev.get('partitions')}")
        self.maybe_close_band(now_ms)

    def open_band(self, now_ms: int, reason: str) -> None:
        if self.band is None:
            self.band = {"start_ms": now_ms, "reason": reason, "reason_zh": reason, "protocol": self.protocol}

    def maybe_close_band(self, now_ms: int) -> None:
        """The band ends when the live members' assignments cover every partition exactly once."""
        live = self.live()
        owned = [p for m in live for p in m.assignment]
        if self.band is None or not live or sorted(owned) != list(range(self.offsets.partitions)):
            return
        owners = self.owners()
        moved = sum(1 for p, o in owners.items() if self.owners_before.get(p) not in (None, o))
        gens = [m.generation for m in live if m.generation is not None]
        eager = self.protocol == "eager"
        self.rebalances.append({**self.band, "generation": max(gens) if gens else None, "join_ms": now_ms,
                                "end_ms": now_ms, "moved": moved, "members": len(live),
                                "paused_ms": now_ms - self.band["start_ms"] if eager else 0,
                                "paused_partitions": self.offsets.partitions if eager else moved})
        self.owners_before = owners
        self.band = None

    def on_offsets(self, committed: dict, now_ms: int) -> None:
        """Burrow's window holds commits: the monitor reads every REPORT_S, auto-commit runs every second, so
        the same commit read twice is not a second commit (it made two-sample windows look STALLed)."""
        for p, off in committed.items():
            p = int(p)
            self.committed[p] = off
            w = self.windows.get(p)
            if w is not None and (not w or w[-1][0] != off):
                w.append((off, now_ms, max(0, self.offsets.end[p] - off)))

    # -- the view ------------------------------------------------------------------------------------
    def partition_rows(self, now_ms: int) -> list[dict]:
        owners, rows = self.owners(), []
        for p in range(self.offsets.partitions):
            committed = self.committed.get(p)
            end = self.offsets.end[p]
            lag = None if committed is None else max(0, end - committed)
            broker = [leo for _, leo in list(self.offsets.history[p])[-WINDOW:]]
            rows.append({"topic": self.topic, "partition": p, "owner": owners.get(p), "committed": committed,
                         "lag": lag, "lag_ms": self.offsets.lag_ms(p, committed, now_ms),
                         "status": lagstatus.partition_status(list(self.windows[p]), lag, now_ms, broker),
                         "window": len(self.windows[p]), "log_end_offset": end, "position": committed})
        return rows

    def state(self) -> str:
        if self.described and self.described.get("state"):
            return self.described["state"]
        if self.observed:           # its members are not ours and the cluster cannot describe them
            return "Unknown"
        if self.band is not None:
            return "PreparingRebalance"
        return "Stable" if self.live() else "Empty"

    def snapshot(self, now_ms: int) -> dict:
        rows = self.partition_rows(now_ms)
        lag_of = {}
        for r in rows:
            if r["owner"]:
                lag_of[r["owner"]] = lag_of.get(r["owner"], 0) + (r["lag"] or 0)
        live = self.live()
        leader = min((m.name for m in live), default=None) if self.group_protocol == "classic" else None
        gens = [m.generation for m in live if m.generation is not None]
        band = [dict(self.band, end_ms=None, open=True)] if self.band else []
        return {"group_id": self.group_id, "type": "consumer", "backend": self.backend, "kafka_group_id": self.kafka_id,
                "state": self.state(), "generation": max(gens) if gens else 0, "assignor": self.assignor,
                "protocol": self.protocol, "group_protocol": self.group_protocol, "leader": leader,
                "config": dict(self.config),
                "members": [m.view(self.topic, leader, lag_of.get(m.name, 0)) for m in self.members.values()],
                "partitions": rows, "lag": sum(r["lag"] or 0 for r in rows),
                "processed": sum(m.processed for m in self.members.values()), "duplicates": 0,
                "throughput": round(sum(m.throughput for m in live), 1),
                "status": lagstatus.group_status(r["status"] for r in rows),
                "lag_ms": max((r["lag_ms"] or 0 for r in rows), default=0),
                "rebalances": list(self.rebalances) + band,
                "coordinator_members": self.coordinator_members(), "describe_note": self.describe_note,
                "model": None}

    def coordinator_members(self) -> list[dict]:
        """DescribeGroups' members where the broker answers it; else none (describe_note says why)."""
        if not self.described:
            return []
        return [{"member_id": d["member_id"], "client_id": d["client_id"], "host": d["host"],
                 "partitions": [[self.topic, p] for p in d["partitions"]]} for d in self.described["members"]]

    def sample_metrics(self) -> dict:
        """For the charts (engine.metrics.ChartSamples)."""
        rows = {r["partition"]: r for r in self.partition_rows(0)}
        lag = {m.name: sum(rows[p]["lag"] or 0 for p in m.assignment if p in rows) for m in self.members.values()}
        return {"lag": lag, "throughput": {m.name: m.throughput for m in self.members.values()},
                "partition_lag": {f"{self.topic}-{p}": r["lag"] for p, r in rows.items()}}
