"""SimpleAssignor (``org.apache.kafka.coordinator.group.assignor``, ``name() == "simple"``): the share
groups' assignor since Kafka 4.1 (KAFKA-18757, KAFKA-19362).

``SimpleAssignor.assign``: no members, no assignment; all members subscribed alike ->
SimpleHomogeneousAssignmentBuilder, else SimpleHeterogeneousAssignmentBuilder.  The group spec is built
as for the other server assignors (see ``__init__``): members in the coordinator's HashMap order, topic
names standing for topic ids (``String.hashCode`` for ``Uuid.hashCode``).  Unlike the consumer groups'
assignors a partition may be in several members' current assignments (a share partition is shared when
members outnumber partitions).
"""

from __future__ import annotations

from groupviz.kafka.assignors.common import TP, current_by_topic
from groupviz.kafka.assignors.java import copy_capacity, hash_order, hashmap_capacity, string_hash
from groupviz.kafka.assignors.server.javahash import JavaHash
from groupviz.kafka.assignors.server.simple_heterogeneous import simple_heterogeneous
from groupviz.kafka.assignors.server.simple_homogeneous import simple_homogeneous


def simple_assign(members, topics_of, counts, current, assignable=None,
                  topic_hash=string_hash) -> dict[str, list[TP]]:
    """SimpleAssignor.assign.  ``members`` in the group spec's order; ``topics_of[m]``: m's topics;
    ``counts``: {topic: partitions} for every subscribed topic; ``current``: {member: [(topic, partition),
    ...]} or None; ``assignable(topic, partition)``: GroupSpec.isPartitionAssignable (share groups: the
    partitions whose share-group state is initialized), every partition when None."""
    if not members:
        return {}
    index = {m: i for i, m in enumerate(members)}
    old_of = share_current(index, current, counts, topic_hash)
    can = assignable or (lambda t, p: True)
    first = set(topics_of[members[0]])
    if all(set(topics_of[m]) == first for m in members):         # SubscriptionType.HOMOGENEOUS
        if not first:
            return {m: [] for m in members}
        topics = _set_order(topics_of[members[0]], topic_hash)
        targets = [(t, p) for t in topics for p in range(counts[t]) if can(t, p)]
        return simple_homogeneous(members, targets, first, old_of, topic_hash)
    union = JavaHash()                                            # new HashSet<>(), addAll per member
    subscribers: dict[str, list[int]] = {}
    for i, m in enumerate(members):
        for t in _set_order(topics_of[m], topic_hash):
            union.put(t, topic_hash(t))
            subscribers.setdefault(t, []).append(i)
    topics = union.order()
    targets_of = {t: [p for p in range(counts[t]) if can(t, p)] for t in topics}
    return simple_heterogeneous(members, topics, targets_of, subscribers, old_of)


def _set_order(topics, topic_hash) -> list[str]:
    """A member's subscribed topic ids as its Set<Uuid> yields them."""
    topics = list(dict.fromkeys(topics))
    return hash_order(topics, [topic_hash(t) for t in topics], copy_capacity(len(topics)))


def share_current(index, current, counts, topic_hash) -> dict[int, list[tuple[str, list[int]]]]:
    """Each member's current assignment as Java iterates it (topics in HashMap<Uuid, ...> order,
    partitions in HashSet<Integer> order), by member index; members not in the group are dropped.
    A partition may appear under several members; one that does not exist is refused."""
    out = {}
    for m, tps in (current or {}).items():
        i = index.get(m)
        if i is None or not tps:
            continue
        by_topic = current_by_topic(m, tps, counts)
        names = list(by_topic)
        names = hash_order(names, [topic_hash(t) for t in names], hashmap_capacity(len(names)))
        out[i] = [(t, _int_set_order(sorted(by_topic[t]))) for t in names]
    return out


def _int_set_order(parts: list[int]) -> list[int]:
    return hash_order(parts, parts, hashmap_capacity(len(parts)))
