"""RangeAssignor (``org.apache.kafka.clients.consumer.RangeAssignor``) without racks.

Per topic, the subscribers sorted by member id take contiguous ranges of partitions;
the first ``partitions % subscribers`` of them get one more.
"""

from __future__ import annotations

from itertools import accumulate, chain, product, repeat

from groupviz.kafka.assignors.common import TP, topic_partitions
from groupviz.kafka.assignors.java import same


def range_assign(members, topics_of, ppt, jkey, alike=None) -> dict[str, list[TP]]:
    """RangeAssignor.assignPartitions without racks: per topic, contiguous ranges, first members get one more.

    Topics are taken in Python's sorted order (each topic is independent of the others), so each
    member's list comes out sorted by (topic, partition) as assign() returns it. `alike`: the
    subscription every member has, if they all have the same one.
    """
    key = None if jkey is same else jkey
    if alike is not None:
        everyone = sorted(members, key=key)
        if ppt and len(set(ppt.values())) == 1:
            return range_alike(members, everyone, sorted(ppt), next(iter(ppt.values())))
    else:
        consumers_per_topic: dict[str, list[str]] = {}
        for m in members:
            for t in topics_of[m]:
                c = consumers_per_topic.get(t)
                if c is None:
                    consumers_per_topic[t] = [m]
                else:
                    c.append(m)
    assignment = dict.fromkeys(members)           # None until the member gets its first range
    unassigned = len(members)
    for t in sorted(ppt):
        n = ppt[t]
        consumers = everyone if alike is not None else sorted(consumers_per_topic[t], key=key)  # MemberInfo order
        tps = topic_partitions(t, n)
        per, extra = divmod(n, len(consumers))
        start = 0
        for i, c in enumerate(consumers):
            end = start + per + (i < extra)
            if end == start:
                break                              # per == 0 and the extras are handed out: nothing left
            mine = assignment[c]
            if mine is None:
                assignment[c] = tps[start:end]
                unassigned -= 1
            else:
                mine += tps[start:end]
            start = end
    if unassigned:
        for m, mine in assignment.items():
            if mine is None:
                assignment[m] = []
    return assignment


def range_alike(members, everyone, topics, n) -> dict[str, list[TP]]:
    """range_assign when every member subscribes to the same topics and they all have n partitions (the
    usual group): member i of the sorted members gets the same range [start_i, end_i) of every
    topic, so its list is product(topics, range(start_i, end_i)), already sorted by (topic,
    partition), built at C speed without per-topic lists or concatenation."""
    k = min(len(everyone), n)                      # members that get partitions
    per, extra = divmod(n, len(everyone))
    extra = min(extra, k)
    ends = list(accumulate(chain(repeat(per + 1, extra), repeat(per, k - extra))))
    starts = [0]
    starts += ends[:-1]
    if len(topics) == 1:
        tps = topic_partitions(topics[0], n)
        lists = list(map(tps.__getitem__, map(slice, starts, ends)))
    else:
        lists = list(map(list, map(product, repeat(topics, k), map(range, starts, ends))))
    assignment = dict.fromkeys(members)            # the caller's member order, as range_assign keeps it
    assignment.update(zip(everyone, lists))
    for m in everyone[k:]:
        assignment[m] = []
    return assignment
