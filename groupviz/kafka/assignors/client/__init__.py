"""Kafka's four client-side assignors: the group leader's ``ConsumerPartitionAssignor``s.

``assign`` checks the input (normalize.py), keeps only subscribed topics with partitions and
hands over to range.py, roundrobin.py or sticky.py (which uses sticky_constrained.py or
sticky_general.py).  Each assignor returns {member: [(topic, partition), ...]} with an entry
for every member; ``assign`` sorts each list.

(This package has a submodule called ``range``: once it is imported, the name ``range`` in
this file is that module, not the builtin.)
"""

from __future__ import annotations

from groupviz.kafka.assignors.client.normalize import (
    normalize_generations, normalize_owned, normalize_partitions, normalize_subscriptions,
    subscribed_partition_counts,
)
from groupviz.kafka.assignors.client.range import range_assign
from groupviz.kafka.assignors.client.roundrobin import roundrobin_assign
from groupviz.kafka.assignors.client.sticky import sticky_assign
from groupviz.kafka.assignors.java import same, string_key

STRATEGIES = ("range", "roundrobin", "sticky", "cooperative-sticky")
#: The rebalance protocol each client assignor speaks: eager (revoke everything) or cooperative (KIP-429).
REBALANCE_PROTOCOLS = {"range": "eager", "roundrobin": "eager", "sticky": "eager",
                       "cooperative-sticky": "cooperative"}


def assign(strategy, subscriptions, partitions, owned=None, generations=None):
    """Assign partitions to the members of one consumer group, exactly as Kafka's Java client does.

    ``subscriptions``: ``{member_id: [topic, ...]}``, in JoinGroup order.
    ``partitions``: ``{topic: partition_count}``; subscribed topics missing here
    (or with 0 partitions) have no metadata and are skipped, as in Kafka.
    ``owned``: ``{member_id: [(topic, partition), ...]}``, each member's previous
    assignment (Subscription.ownedPartitions / the sticky userData), or None.
    ``generations``: ``{member_id: generation}`` the owned partitions come from;
    None (or a missing member) means "no generation" (Java's -1), the same for all.
    Returns ``{member_id: [(topic, partition), ...]}`` for every member, each list
    sorted by (topic, partition).
    """
    result, _ = assign_detailed(strategy, subscriptions, partitions, owned, generations)
    return result


def assign_detailed(strategy, subscriptions, partitions, owned=None, generations=None):
    """assign() plus, for the sticky assignors, the sticky.StickyResult (used by the tests)."""
    if strategy not in REBALANCE_PROTOCOLS:
        raise ValueError(f"unknown assignor {strategy!r}; expected one of {', '.join(STRATEGIES)}")
    members, topics_of, alike = normalize_subscriptions(subscriptions)
    counts = normalize_partitions(partitions)
    if not members:
        return {}, None
    ppt = subscribed_partition_counts(topics_of, alike, counts)
    jkey = string_key(members, ppt)
    detail = None
    if strategy == "range":
        return range_assign(members, topics_of, ppt, jkey, alike), None    # built sorted
    if strategy == "roundrobin":
        result = roundrobin_assign(members, topics_of, ppt, jkey, alike)
        if jkey is same:
            return result, None                                            # built sorted
    else:
        owned_of = normalize_owned(members, owned, counts)
        gen_of = normalize_generations(members, generations)
        detail = sticky_assign(members, topics_of, ppt, owned_of, gen_of, jkey,
                               cooperative=(strategy == "cooperative-sticky"))
        result = detail.assignment
    return {m: sorted(result[m]) for m in members}, detail
