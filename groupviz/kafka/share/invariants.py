"""The share-group invariants (KIP-932), checked from inside a group (groupviz.engine.invariants drives
them): the share-partition start offset never goes backwards and stays <= the next offset to deliver
<= log end offset; share lag = records not yet Acknowledged/Archived >= 0; a member's lock count is
exactly the Acquired records that name it."""

from __future__ import annotations

from groupviz.errors import fail as _fail


def check_share(g, leo: dict, spso_before: dict) -> None:
    """A share group (KIP-932) from the inside: share-partition offsets and acquisition locks."""
    gid = g.group_id
    held: dict = {}
    for sp in g.partitions:
        end = leo[(g.topic.name, sp.partition)]
        before = spso_before.get((gid, "spso", sp.partition), 0)
        if not before <= sp.spso <= sp.next_offset <= end:
            _fail(f"{gid}: share-partition {sp.partition} offsets out of order: previous start {before}, "
                  f"start {sp.spso}, next to deliver {sp.next_offset}, log end {end}")
        spso_before[(gid, "spso", sp.partition)] = sp.spso
        if sp.lag(end) != end - sp.spso - len(sp.done) or sp.lag(end) < 0:
            _fail(f"{gid}: share lag of partition {sp.partition} is {sp.lag(end)}")
        for rec in sp.acquired.values():
            if rec.state != "Acquired" or rec.member is None:
                _fail(f"{gid}: record {sp.partition}:{rec.offset} is in flight as {rec.state} held by {rec.member}")
            held[rec.member] = held.get(rec.member, 0) + 1
    for mid, c in g.consumers.items():
        if c.locks != held.get(mid, 0):
            _fail(f"{gid}: {mid} counts {c.locks} locks but holds {held.get(mid, 0)}")
