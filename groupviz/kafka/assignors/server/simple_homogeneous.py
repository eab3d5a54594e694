"""SimpleHomogeneousAssignmentBuilder (``org.apache.kafka.coordinator.group.assignor``, share groups,
KAFKA-18757 / KAFKA-19362; apache/kafka f1d99eca72): every member subscribes to the same topics.

Each partition gets ``desiredSharing = ceil(M / P)`` holders, so a partition is shared only when members
outnumber partitions; member i wants ``desired[i]`` partitions (they differ by at most one).  Steps: keep
the current assignment of subscribed topics, revoke from overfilled members, revoke from over-shared
partitions, then hand the partitions short of holders to the unfilled members.  Balance before
stickiness.
"""

from __future__ import annotations

from groupviz.kafka.assignors.server.javahash import JavaHash, helper_capacity, tpid_hash
from groupviz.kafka.assignors.server.simple_common import (
    assign_remaining, deep_copy, desired_counts, desired_sharing, result, writable,
)


def simple_homogeneous(members, targets, subscribed, old_of, topic_hash) -> dict[str, list[tuple[str, int]]]:
    """``members``: the group spec's member order; ``targets``: the assignable (topic, partition)s in
    ``computeTargetPartitions`` order; ``subscribed``: the subscribed topics; ``old_of``: {member index:
    [(topic, [partition, ...]), ...]} in the order Java iterates the current assignment;
    ``topic_hash(topic)``: Uuid.hashCode of the topic."""
    m_count = len(members)
    sharing = desired_sharing(m_count, len(targets))
    desired = desired_counts(sharing, len(targets), m_count)
    old = {i: {t: set(ps) for t, ps in old_of.get(i, ())} for i in range(m_count)}
    new: dict[int, dict] = {}
    by_partition = JavaHash(helper_capacity(len(targets)))     # TopicIdPartition -> HashSet<member index>
    by_member = JavaHash(helper_capacity(m_count))             # member index -> HashSet<TopicIdPartition>
    key_hash = lambda tp: tpid_hash(topic_hash(tp[0]), tp[1])  # noqa: E731
    unfilled, overfilled = _revoke_unassignable(old_of, old, new, desired, subscribed, by_partition, by_member,
                                                key_hash)
    for i in sorted(overfilled):                               # revokeOverfilledMembers
        mine = by_member.get(i)
        for tp in mine.order():
            if len(mine) <= desired[i]:
                break
            new[i][tp[0]].discard(tp[1])
            by_partition.get(tp).remove(i)
            mine.remove(tp)
    for tp in by_partition.order():                            # revokeOversharedPartitions
        holders = by_partition.get(tp)
        n = len(holders)
        if n <= sharing:
            continue
        for i in holders.order():
            parts = writable(new, old, i).get(tp[0])
            if parts is not None and tp[1] in parts:
                parts.discard(tp[1])
                n -= 1
                holders.remove(i)
                by_member.get(i).remove(tp)
                unfilled.add(i)
            if n <= sharing:
                break
    for tp in targets:
        if tp not in by_partition:
            by_partition.put(tp, key_hash(tp), JavaHash())

    def give(i, tp):
        writable(new, old, i).setdefault(tp[0], set()).add(tp[1])
    assign_remaining(by_partition, by_member, unfilled, sharing, desired, give, key_hash)
    return result(members, old, new)


def _revoke_unassignable(old_of, old, new, desired, subscribed, by_partition, by_member, key_hash):
    """revokeUnassignablePartitions: keep each member's partitions of subscribed topics (a copy of its
    assignment once it reaches its desired count or loses a topic); (unfilled, overfilled) member indices."""
    unfilled, overfilled = set(), set()
    for i in range(len(desired)):
        count, copied = 0, None
        for t, parts in old_of.get(i, ()):
            if t not in subscribed:
                copied = copied if copied is not None else deep_copy(old[i])
                copied.pop(t, None)
                continue
            for p in parts:
                count += 1
                _hold(by_partition, by_member, (t, p), key_hash((t, p)), i)
                if count >= desired[i] and copied is None:
                    copied = deep_copy(old[i])
        if copied is not None:
            new[i] = copied
        if count < desired[i]:
            unfilled.add(i)
        elif count > desired[i]:
            overfilled.add(i)
    return unfilled, overfilled


def _hold(by_partition: JavaHash, by_member: JavaHash, key, key_h: int, i: int) -> None:
    """Record that member i holds ``key`` in both directions (computeIfAbsent with new HashSet<>())."""
    holders = by_partition.get(key)
    if holders is None:
        holders = by_partition.put(key, key_h, JavaHash())
    holders.put(i, i)
    mine = by_member.get(i)
    if mine is None:
        mine = by_member.put(i, i, JavaHash())
    mine.put(key, key_h)
