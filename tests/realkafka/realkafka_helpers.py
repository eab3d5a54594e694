"""Helpers for the tests against librdkafka's embedded mock cluster (real clients, no fakes)."""

from __future__ import annotations

import time


def wait_for(backend, predicate, timeout: float = 30.0, what: str = "condition"):
    """Step `backend` in wall time until predicate(snapshot) holds; return that snapshot."""
    deadline = time.monotonic() + timeout
    snap = None
    while time.monotonic() < deadline:
        backend.step(100)
        snap = backend.snapshot(history=False)
        if predicate(snap):
            return snap
        time.sleep(0.1)
    raise AssertionError(f"{what} not reached within {timeout} s; last groups: {snap and snap['groups']}")


def group(snap, group_id="g1"):
    return next(g for g in snap["groups"] if g["group_id"] == group_id)


def assignment(snap, group_id="g1") -> dict:
    """{member: [partitions]} of the live members."""
    return {m["member_id"]: sorted(p for _, p in m["partitions"]) for m in group(snap, group_id)["members"]
            if m["state"] in ("active", "paused")}


def covers_exactly(snap, members: int, partitions: int = 6, group_id="g1") -> bool:
    a = assignment(snap, group_id)
    owned = sorted(p for ps in a.values() for p in ps)
    return len(a) == members and owned == list(range(partitions)) and all(a.values()) if members <= partitions \
        else len(a) == members and owned == list(range(partitions))
