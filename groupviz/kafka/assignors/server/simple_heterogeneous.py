"""SimpleHeterogeneousAssignmentBuilder (``org.apache.kafka.coordinator.group.assignor``, share groups;
apache/kafka 07a283acad): members subscribe to different topics.

Balance is computed for each subscribed topic on its own, among the members that subscribe to it
(``TopicAssignmentPartialBuilder``): the same four steps as the homogeneous builder with that topic's
partitions and subscribers, then the per-topic results are combined.
"""

from __future__ import annotations

from groupviz.kafka.assignors.server.javahash import JavaHash, helper_capacity
from groupviz.kafka.assignors.server.simple_common import (
    assign_remaining, desired_counts, desired_sharing, result, writable,
)


def simple_heterogeneous(members, topics_in_order, targets_of, subscribers_of, old_of):
    """``members``: the group spec's member order; ``topics_in_order``: the union of the subscriptions in
    the order its ``HashSet<Uuid>`` yields it; ``targets_of[t]``: t's assignable partitions ascending;
    ``subscribers_of[t]``: indices of the members subscribed to t, ascending; ``old_of``: {member index:
    [(topic, [partition, ...]), ...]} in Java's iteration order."""
    old = {i: {t: set(ps) for t, ps in old_of.get(i, ())} for i in range(len(members))}
    new: dict[int, dict] = {}
    for t in topics_in_order:
        _topic(t, len(members), targets_of[t], subscribers_of[t], old_of, old, new)
    return result(members, old, new)


def _topic(t, m_count, targets, subs, old_of, old, new) -> None:
    """TopicAssignmentPartialBuilder.build for topic ``t``."""
    sharing = desired_sharing(len(subs), len(targets))
    desired = [0] * m_count
    for k, c in enumerate(desired_counts(sharing, len(targets), len(subs)) if subs else ()):
        desired[subs[k]] = c
    by_partition = JavaHash(helper_capacity(len(targets)))   # partition -> HashSet<member index>
    by_member = JavaHash(helper_capacity(len(subs)))          # member index -> HashSet<partition>
    for i in range(m_count):                                   # revokeUnassignablePartitions
        for topic, parts in old_of.get(i, ()):
            if topic != t:
                continue
            for p in parts:
                holders = by_partition.get(p)
                if holders is None:
                    holders = by_partition.put(p, p, JavaHash())
                holders.put(i, i)
                mine = by_member.get(i)
                if mine is None:
                    mine = by_member.put(i, i, JavaHash())
                mine.put(p, p)
    for i in by_member.order():                                # revokeOverfilledMembers
        mine = by_member.get(i)
        for p in mine.order():
            if len(mine) <= desired[i]:
                break
            by_partition.get(p).remove(i)
            mine.remove(p)
            writable(new, old, i)[t].discard(p)
    for p in by_partition.order():                             # revokeOversharedPartitions
        holders = by_partition.get(p)
        n = len(holders)
        if n <= sharing:
            continue
        for i in holders.order():
            parts = writable(new, old, i).get(t)
            if parts is not None and p in parts:
                parts.discard(p)
                n -= 1
                holders.remove(i)
                by_member.get(i).remove(p)
            if n <= sharing:
                break
    for p in targets:
        if p not in by_partition:
            by_partition.put(p, p, JavaHash(helper_capacity(len(subs))))
    unfilled = {i for i in subs if len(by_member.get(i) or ()) < desired[i]}

    def give(i, p):
        writable(new, old, i).setdefault(t, set()).add(p)
    assign_remaining(by_partition, by_member, unfilled, sharing, desired, give, lambda p: p)
