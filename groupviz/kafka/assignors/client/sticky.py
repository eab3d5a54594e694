"""AbstractStickyAssignor: StickyAssignor and CooperativeStickyAssignor
(``org.apache.kafka.clients.consumer.StickyAssignor``, ``CooperativeStickyAssignor``,
``internals.AbstractStickyAssignor``), without racks.

The leader builds the group subscription as a ``java.util.HashMap``
(``ConsumerCoordinator.onLeaderElected``); AbstractStickyAssignor iterates it and a
second HashMap built from it, so who keeps ``maxQuota`` partitions and which of two
stale claims wins follow that iteration order (``java.hashmap_order``).  When every
member subscribes to the same topics the ConstrainedAssignmentBuilder answers
(sticky_constrained.py), otherwise the GeneralAssignmentBuilder (sticky_general.py).
"""

from __future__ import annotations

from groupviz.kafka.assignors.client.normalize import DEFAULT_GENERATION
from groupviz.kafka.assignors.client.sticky_constrained import ConstrainedAssignmentBuilder
from groupviz.kafka.assignors.client.sticky_general import GeneralAssignmentBuilder
from groupviz.kafka.assignors.common import TP
from groupviz.kafka.assignors.java import hashmap_order


class StickyResult:
    __slots__ = ("assignment", "transferring", "constrained", "movements")

    def __init__(self, assignment, transferring, constrained, movements):
        self.assignment = assignment          # {member: [tp, ...]} after the cooperative adjustment
        self.transferring = transferring      # partitionsTransferringOwnership (cooperative: removed ones)
        self.constrained = constrained        # True: all subscriptions equal (ConstrainedAssignmentBuilder)
        self.movements = movements            # PartitionMovements of the general builder, or None


def sticky_assign(members, topics_of, ppt, owned_of, gen_of, jkey, cooperative: bool) -> StickyResult:
    order = hashmap_order(members)                # iteration order of the leader's subscriptions map
    is_equal, c2owned, multi, max_generation = _all_subscriptions_equal(order, topics_of, ppt, owned_of, gen_of)
    if is_equal:
        assignment, transferring = ConstrainedAssignmentBuilder(order, ppt, c2owned, multi, jkey).build()
        movements = None
    else:
        builder = GeneralAssignmentBuilder(order, topics_of, ppt, c2owned, owned_of, gen_of,
                                           max_generation, jkey)
        assignment = builder.build()
        movements = builder.movements
        transferring = None                     # the cooperative assignor computes it from scratch

    if cooperative:
        if transferring is None:
            transferring = _compute_partitions_transferring_ownership(order, owned_of, assignment)
        # CooperativeStickyAssignor.adjustAssignment: a partition that changes owner is assigned
        # to nobody this round; its old owner revokes it and the next rebalance hands it over.
        for tp, c in transferring.items():
            _list_discard(assignment[c], tp)
    return StickyResult(assignment, transferring, is_equal, movements)


def _all_subscriptions_equal(order, topics_of, all_topics, owned_of, gen_of):
    """allSubscriptionsEqual(), which also collects each member's valid owned partitions.

    Returns (every member subscribes to the same topics, consumerToOwnedPartitions,
    partitionsWithMultiplePreviousOwners, the newest generation).  ``all_topics`` is
    partitionsPerTopic.keySet().
    """
    is_equal = True
    subscribed_topics: set[str] = set()
    prev_owner: dict[TP, str] = {}
    c2owned: dict[str, list[TP]] = {}
    multi: set[TP] = set()
    max_generation = DEFAULT_GENERATION
    for c in order:
        topics = topics_of[c]
        if not subscribed_topics:
            subscribed_topics.update(topics)
        elif is_equal and not (len(topics) == len(subscribed_topics) and subscribed_topics.issuperset(topics)):
            is_equal = False
        g = gen_of[c]
        if g > max_generation:
            max_generation = g
        mine: list[TP] = []
        c2owned[c] = mine
        for tp in owned_of[c]:
            if tp[0] not in all_topics:
                continue
            other = prev_owner.get(tp)
            if other is None:
                mine.append(tp)
                prev_owner[tp] = c
                continue
            g_other = gen_of[other]
            if g == g_other:
                # two members of the same generation claim it: nobody keeps it
                multi.add(tp)
                _list_discard(c2owned[other], tp)
                prev_owner[tp] = c
            elif g > g_other:
                mine.append(tp)
                _list_discard(c2owned[other], tp)
                prev_owner[tp] = c
            # else: the other member's claim is from a newer generation and stands
    return is_equal, c2owned, multi, max_generation


def _list_discard(lst: list, item) -> None:
    try:
        lst.remove(item)                          # java.util.List.remove(Object): first occurrence, if any
    except ValueError:
        pass


def _compute_partitions_transferring_ownership(order, owned_of, assignment) -> dict[TP, str]:
    """CooperativeStickyAssignor.computePartitionsTransferringOwnership (general case).

    Partitions newly assigned to a member that some member (per its raw ownedPartitions)
    is losing.
    """
    added: dict[TP, str] = {}
    revoked: set[TP] = set()
    for c in order:
        owned = owned_of[c]
        owned_set = set(owned)
        assigned = assignment[c]
        for tp in assigned:
            if tp not in owned_set:
                added[tp] = c
        assigned_set = set(assigned)
        for tp in owned:
            if tp not in assigned_set:
                revoked.add(tp)
    return {tp: c for tp, c in added.items() if tp in revoked}
