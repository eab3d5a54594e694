"""The protocol invariants of a running engine, as checks that tests and bench/fuzz.py share.

- eager group: no partition has two owners within one generation (over the whole run when the caller
  passes `owners_seen`, which remembers who owned what in each generation)
- cooperative group: no partition is owned by two members at the same moment
- committed offsets never go backwards (between resets; the caller forgets them on a reset)
- 0 <= committed <= log end offset; lag = log end offset - committed >= 0, or null before the first commit,
  and then no Burrow status either
- produced records = sum of log end offsets
- share groups: the share-partition start offset never goes backwards and stays <= the next offset
  to deliver <= log end offset; share lag = records not yet Acknowledged/Archived >= 0; a member's
  lock count is exactly the Acquired records that name it; per group, records with a result plus
  records that ended without one never exceed what was produced

`check_engine` looks inside an `Engine` (each group checks its own kind's rules: `Group.check_invariants`); `check_snapshot` checks what a browser
receives (a snapshot or a tick), so a fuzzer on the far side of a socket can
use it too. Both raise `InvariantViolation` (an AssertionError) with a message
that names the group, the partition and the numbers.
"""

from __future__ import annotations

from groupviz.errors import InvariantViolation, fail as _fail

__all__ = ["InvariantViolation", "check_engine", "check_snapshot"]


def check_engine(engine, committed_before: dict, owners_seen: dict | None = None) -> None:
    """Check `engine` now. `committed_before` maps (group_id, tp) -> the last committed offset seen;
    it is updated in place (clear it after a reset, which legitimately starts over). `owners_seen`,
    if given, maps (group_id, generation, tp) -> the member that owned tp in that generation, so a
    partition handed to a second member later in the same generation is caught too (clear it on reset)."""
    s = engine.snapshot(history=False, max_events=0)
    leo = {(t["name"], p["partition"]): p["log_end_offset"] for t in s["topics"] for p in t["partitions"]}
    if s["producer"]["produced"] != sum(leo.values()):
        _fail(f"produced {s['producer']['produced']} records but the log end offsets add up to {sum(leo.values())}")
    for gid, res in s["producer"].get("groups", {}).items():
        if res.get("unique", 0) + res.get("no_result", 0) > s["producer"]["produced"]:
            _fail(f"{gid}: {res['unique']} records with a result + {res['no_result']} without exceed "
                  f"the {s['producer']['produced']} produced")
    for g in engine.groups.values():
        g.check_invariants(leo, committed_before, owners_seen)
    _check_lag(s, leo)


def _check_lag(s: dict, leo: dict) -> None:
    """Consumer groups: lag = log end offset - committed. (A share group's lag counts the records not yet
    in a terminal state, docs/wire.md; check_snapshot checks that it is not negative.)"""
    for g in s["groups"]:
        if g.get("type", "consumer") != "consumer":
            continue
        for p in g["partitions"]:
            key = (p["topic"], p["partition"])
            if p["committed"] is None:
                if p["lag"] is not None:
                    _fail(f"{g['group_id']}: {key} has lag {p['lag']} but nothing committed")
                if p.get("status") is not None:
                    _fail(f"{g['group_id']}: {key} has Burrow status {p['status']} but nothing committed")
            elif key in leo and p["lag"] != leo[key] - p["committed"]:
                _fail(f"{g['group_id']}: lag of {key} is {p['lag']}, not log end offset {leo[key]} - "
                      f"committed {p['committed']}")
            elif p["lag"] < 0:
                _fail(f"{g['group_id']}: lag of {key} is negative ({p['lag']})")


def check_snapshot(snap: dict) -> None:
    """Check a snapshot or a tick as a client received it (JSON: partitions are lists)."""
    leo = {}
    for t in snap["topics"]:
        for p in t["partitions"]:
            if not p["log_end_offset"] >= p.get("log_start_offset", 0) >= 0:
                _fail(f"{t['name']}-{p['partition']}: log end offset {p['log_end_offset']} below the log start")
            leo[(t["name"], p["partition"])] = p["log_end_offset"]
    for g in snap["groups"]:
        gid = g["group_id"]
        consumer = g.get("type", "consumer") == "consumer"
        by_member = [tuple(tp) for m in g["members"] for tp in m.get("partitions", ())]
        if consumer and len(by_member) != len(set(by_member)):
            _fail(f"{gid}: a partition has two owners")
        owners = {}
        for p in g["partitions"]:
            key = (p["topic"], p["partition"])
            if key in owners:
                _fail(f"{gid}: {key} listed twice")
            owners[key] = p.get("owner")
            if p.get("lag") is not None and p["lag"] < 0:
                _fail(f"{gid}: lag of {key} is negative ({p['lag']})")
            if p.get("committed") is not None and p["committed"] < 0:
                _fail(f"{gid}: committed offset of {key} is negative ({p['committed']})")
        if consumer:
            for m in g["members"]:
                for tp in m["partitions"]:
                    if owners.get(tuple(tp)) not in (m["member_id"], None):
                        _fail(f"{gid}: {m['member_id']} lists {tp}, whose owner is {owners.get(tuple(tp))}")
        for m in g["members"]:
            if m.get("lag") is not None and m["lag"] < 0:
                _fail(f"{gid}: lag of {m['member_id']} is negative ({m['lag']})")
        if g.get("lag") is not None and g["lag"] < 0:
            _fail(f"{gid}: group lag is negative ({g['lag']})")
    _check_lag(snap, leo)
