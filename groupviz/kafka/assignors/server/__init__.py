"""The group coordinator's assignors (``org.apache.kafka.coordinator.group.assignor``): KIP-848's
``uniform`` (UniformAssignor) and ``range`` (RangeAssignor) for consumer groups, and KIP-932's
``simple`` (SimpleAssignor, simple.py) for share groups, where a partition may go to several members.

``assign_server`` checks the input and builds what the Java assignor sees, a ``GroupSpec``:

* members in the order of the coordinator's ``HashMap<String, MemberSubscriptionAndAssignmentImpl>``
  (TargetAssignmentBuilder), from the member ids' String.hashCode, inserted in join order;
* a topic is its name where Kafka has a topic id: the builders' ``HashSet<Uuid>`` order is taken from
  the name's String.hashCode and ``Uuid.compareTo`` becomes String order (Kafka's own tests fix the
  ids, and tests/kafka/test_assignors_server.py feeds their hash codes and order through the same
  functions);
* each member's current target assignment in ``HashMap``/``HashSet`` order;
* only current members' assignments count (GroupSpec.isPartitionAssigned).

Rack awareness is left out (our members have no rack), as in the client assignors.
"""

from __future__ import annotations

from groupviz.kafka.assignors.client.normalize import normalize_partitions, normalize_subscriptions
from groupviz.kafka.assignors.common import TP, AssignorError, current_by_topic
from groupviz.kafka.assignors.java import (
    copy_capacity, hash_order, hashmap_capacity, hashmap_order, string_hash, string_key,
)
from groupviz.kafka.assignors.server.range import server_range
from groupviz.kafka.assignors.server.simple import simple_assign
from groupviz.kafka.assignors.server.uniform_heterogeneous import uniform_heterogeneous
from groupviz.kafka.assignors.server.uniform_homogeneous import uniform_homogeneous

SERVER_ASSIGNORS = ("uniform", "range", "simple")


def assign_server(name, subscriptions, partitions, current=None) -> dict[str, list[TP]]:
    """The target assignment Kafka's group coordinator computes with assignor ``name``.

    ``subscriptions``: {member_id: [topic, ...]} in join order; ``partitions``: {topic: count}, which
    must list every subscribed topic (Kafka: "Members are subscribed to topic ... which doesn't exist
    in the topic metadata"); ``current``: {member_id: [(topic, partition), ...]}, each member's current
    target assignment, or None.  Returns {member_id: [(topic, partition), ...]} for every member, each
    list sorted.  Raises AssignorError for an unknown assignor, a subscribed topic with no metadata, or
    a current assignment that names a partition that does not exist or (except for ``simple``, whose
    partitions may be shared) gives one partition to two members.
    """
    if name not in SERVER_ASSIGNORS:
        raise AssignorError(f"unknown server-side assignor {name!r}; expected one of {', '.join(SERVER_ASSIGNORS)}")
    members, topics_of, alike = normalize_subscriptions(subscriptions)
    counts = normalize_partitions(partitions)
    if not members:
        return {}
    subscribed = subscribed_counts(topics_of, alike, counts)
    if name == "range":
        return server_range(members, topics_of, subscribed, alike)
    if name == "simple":
        out = simple_assign(hashmap_order(members), topics_of, subscribed, current)
        return {m: out[m] for m in members}
    current_of = java_current(members, current, counts)
    result = uniform_assign(hashmap_order(members), topics_of, subscribed, current_of,
                            string_hash, string_key(members, subscribed))
    return {m: sorted(result.get(m, ())) for m in members}


def subscribed_counts(topics_of, alike, counts) -> dict[str, int]:
    """{topic: partitions} of the subscribed topics; a subscribed topic without metadata is an error."""
    out = {}
    for topics in ((alike,) if alike is not None else topics_of.values()):
        for t in topics:
            if t not in counts:
                raise AssignorError(f"Members are subscribed to topic {t!r} which doesn't exist in the topic metadata.")
            out[t] = counts[t]
    return out


def java_current(members, current, counts) -> dict[str, list[tuple[str, list[int]]]]:
    """Each member's current assignment as the assignor iterates it: topics in HashMap<Uuid, ...> order,
    partitions in HashSet<Integer> order.  Partitions of members not in the group are dropped."""
    out = {}
    if not current:
        return out
    owner = {}
    in_group = set(members)
    for m, tps in current.items():
        if m not in in_group or not tps:
            continue
        by_topic = current_by_topic(m, tps, counts, owner)
        topics = list(by_topic)
        topics = hash_order(topics, [string_hash(t) for t in topics], hashmap_capacity(len(topics)))
        out[m] = [(t, int_set_order(sorted(set(by_topic[t])))) for t in topics]
    return out


def int_set_order(parts: list[int]) -> list[int]:
    """Iteration order of a HashSet<Integer> holding ``parts`` (inserted in ascending order)."""
    return hash_order(parts, parts, hashmap_capacity(len(parts)))


def uniform_assign(members, topics_of, counts, current_of, topic_hash, topic_key) -> dict[str, list[TP]]:
    """UniformAssignor.assign on a group spec: ``members`` in its order, ``current_of`` as
    java_current gives it, ``topic_hash``/``topic_key`` standing for Uuid.hashCode / Uuid.compareTo."""
    first = set(topics_of[members[0]])
    if all(set(topics_of[m]) == first for m in members):          # SubscriptionType.HOMOGENEOUS
        if not first:
            return {}
        topics = list(topics_of[members[0]])
        topics = hash_order(topics, [topic_hash(t) for t in topics], copy_capacity(len(topics)))
        held = {(t, p) for parts in current_of.values() for t, ps in parts for p in ps}
        return uniform_homogeneous(members, topics, counts, current_of, lambda t, p: (t, p) in held)
    return uniform_heterogeneous(members, topics_of, counts, current_of, topic_key)
