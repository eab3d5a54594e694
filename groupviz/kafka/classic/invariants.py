"""The classic protocol's invariants, checked from inside a group (groupviz.engine.invariants drives them).

- eager group: no partition has two owners within one generation (over the whole run when the caller
  passes `owners_seen`, which remembers who owned what in each generation)
- cooperative group: no partition is owned by two members at the same moment
- both among the members the coordinator knows: a zombie it expelled (or a fenced static member) may still
  process its old partitions until it hears so, as in Kafka
- committed offsets never go backwards, and stay within 0..log end offset
"""

from __future__ import annotations

from groupviz.errors import fail as _fail
from groupviz.kafka.assignors import REBALANCE_PROTOCOLS


def check_classic(g, leo: dict, committed_before: dict, owners_seen: dict | None = None) -> None:
    """`leo` maps (topic, partition) -> log end offset; `committed_before` (group_id, tp) -> the last
    committed offset seen (updated in place); `owners_seen` (group_id, generation, tp) -> first owner."""
    gid = g.group_id
    cooperative = REBALANCE_PROTOCOLS[g.assignor] == "cooperative"
    owners: dict = {}
    per_generation: dict = {}
    known = g.coordinator.members
    for c in g.consumers.values():
        if c.generation < 0 and c.assigned:
            continue    # left the group (poll timeout) but still processing: it owns nothing it may commit
        if c.assigned and c.member_id not in known:
            continue    # a zombie: expelled or fenced, not told yet; Kafka lets it process (and fails its commits)
        gen = per_generation.setdefault(c.generation, {})
        for tp in c.assigned:
            if tp in gen:
                _fail(f"{gid}: {tp} owned by {gen[tp]} and {c.member_id} in generation {c.generation}")
            gen[tp] = c.member_id
            if owners_seen is not None:
                first = owners_seen.setdefault((gid, c.generation, tp), c.member_id)
                if first != c.member_id:
                    _fail(f"{gid}: {tp} owned by {first} and later by {c.member_id} in generation {c.generation}")
            if cooperative and tp in owners:
                _fail(f"{gid}: {tp} owned by {owners[tp]} and {c.member_id} at once (cooperative)")
            owners[tp] = c.member_id
    check_committed_offsets(g, leo, committed_before)


def check_committed_offsets(g, leo: dict, committed_before: dict) -> None:
    """Committed offsets never go backwards and stay within 0..log end offset (any group with offsets)."""
    gid = g.group_id
    for tp, off in g.offsets.committed.items():
        before = committed_before.get((gid, tp), 0)
        if off < before:
            _fail(f"{gid}: committed offset of {tp} went backwards from {before} to {off}")
        if not 0 <= off <= leo[tp]:
            _fail(f"{gid}: committed offset {off} of {tp} is outside 0..{leo[tp]} (log end offset)")
        committed_before[(gid, tp)] = off
