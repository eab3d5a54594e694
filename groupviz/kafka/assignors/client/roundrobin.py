"""RoundRobinAssignor (``org.apache.kafka.clients.consumer.RoundRobinAssignor``)."""

from __future__ import annotations

from bisect import bisect_left

from groupviz.kafka.assignors.common import TP, topic_partitions
from groupviz.kafka.assignors.java import same


def roundrobin_assign(members, topics_of, ppt, jkey, alike=None) -> dict[str, list[TP]]:
    """RoundRobinAssignor.assign: all partitions sorted by topic, one CircularIterator over sorted members.

    A member not subscribed to a partition's topic is skipped (the iterator moves on);
    the iterator is not reset between topics. Each member's list comes out in (Java topic order,
    partition) order, i.e. sorted whenever Java's and Python's str orders agree.
    """
    key = None if jkey is same else jkey
    ordered = sorted(members, key=key)
    n_members = len(ordered)
    if alike is not None:
        return _alike(members, ordered, sorted(alike, key=key), ppt)
    else:
        subscribers_of: dict[str, int] = {}
        for m in members:
            for t in topics_of[m]:
                subscribers_of[t] = subscribers_of.get(t, 0) + 1
    assignment = dict.fromkeys(members)           # None until the member gets its first partition
    pos = 0                                                    # CircularIterator's next member
    for t in sorted(subscribers_of, key=key):                  # TreeSet<String>
        n = ppt.get(t)
        if n is None:
            continue
        tps = topic_partitions(t, n)
        if subscribers_of[t] == n_members:
            # everyone takes part: the member j places after `pos` gets partitions j, j + M, j + 2M, ...
            for j in range(min(n, n_members)):
                c = ordered[(pos + j) % n_members]
                mine = assignment[c]
                if mine is None:
                    assignment[c] = tps[j::n_members]
                else:
                    mine += tps[j::n_members]
            pos = (pos + n) % n_members
            continue
        subscribers = [i for i, m in enumerate(ordered) if t in topics_of[m]]
        k = len(subscribers)
        j = bisect_left(subscribers, pos)
        for p in range(n):
            if j == k:
                j = 0
            i = subscribers[j]
            c = ordered[i]
            mine = assignment[c]
            if mine is None:
                assignment[c] = [tps[p]]
            else:
                mine.append(tps[p])
            j += 1
            pos = (i + 1) % n_members
        # pos now points just past the last member used, as CircularIterator.next() leaves it
    for m, mine in assignment.items():
        if mine is None:
            assignment[m] = []
    return assignment


def _alike(members, ordered, topics, ppt) -> dict[str, list[TP]]:
    """Every member subscribed to the same topics: the CircularIterator never skips anyone, so across
    all topics (in TreeSet order) the g-th partition goes to the (g mod M)-th member. One list of all
    partitions and one slice per member, not a step per topic and partition (20 topics x 100
    partitions x 200 members: a slice per partition was most of the time)."""
    every: list[TP] = []
    for t in topics:
        n = ppt.get(t)
        if n:
            every += topic_partitions(t, n)
    n_members = len(ordered)
    assignment = dict.fromkeys(members)
    for i, m in enumerate(ordered):
        assignment[m] = every[i::n_members]
    return assignment
