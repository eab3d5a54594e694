"""What SimpleHomogeneousAssignmentBuilder and SimpleHeterogeneousAssignmentBuilder share: the desired
counts, the copy of a member's assignment, and ``assignRemainingPartitions``.

A member's assignment is ``{topic: set of partitions}`` (only membership is read from it; the order the
builders depend on lives in the ``JavaHash`` tables).
"""

from __future__ import annotations

import math

from groupviz.kafka.assignors.common import AssignorError
from groupviz.kafka.assignors.server.javahash import JavaHash


def desired_sharing(members: int, partitions: int) -> int:
    """ceil(members / partitions): how many members share each partition (0 without partitions)."""
    return 0 if partitions == 0 else (members + partitions - 1) // partitions


def desired_counts(sharing: int, partitions: int, members: int) -> list[int]:
    """``desiredAssignmentCount``: ceil(precise * (i + 1)) - ceil(precise * i), precise = sharing * P / M
    (a double, as in Java), so the counts differ by at most one and add up to sharing * P."""
    precise = sharing * partitions / members
    return [math.ceil(precise * (i + 1)) - math.ceil(precise * i) for i in range(members)]


def deep_copy(assignment: dict) -> dict:
    """AssignorHelpers.deepCopyAssignment."""
    return {t: set(ps) for t, ps in assignment.items()}


def writable(new: dict, old: dict, i: int) -> dict:
    """``newGroupAssignment.get(i)``, made from a deep copy of the old assignment if absent."""
    nm = new.get(i)
    if nm is None:
        nm = new[i] = deep_copy(old[i])
    return nm


def assign_remaining(by_partition: JavaHash, by_member: JavaHash, unfilled: set, sharing: int,
                     desired: list[int], give, key_hash) -> None:
    """assignRemainingPartitions: run once through the partitions (``by_partition`` order); a partition
    shared by fewer than ``sharing`` members takes the next unfilled members (ascending index: a
    ``newHashSet(M)`` of member indices), cycling while the last round assigned something.
    ``give(i, key)`` records the partition in member i's new assignment."""
    if not unfilled:
        return
    order, pos, assigned_this_round = sorted(unfilled), 0, False
    for key in by_partition.order():
        holders = by_partition.get(key)
        to_make = sharing - len(holders)
        while to_make > 0:
            if pos >= len(order):
                if not assigned_this_round:
                    break
                order, pos, assigned_this_round = sorted(unfilled), 0, False
                if not order:       # Java's iterator would throw NoSuchElementException
                    raise AssignorError("simple assignor: no unfilled member left for a partition")
            i = order[pos]
            pos += 1
            if i in holders:        # Java checks membersAssigned, which this loop does not update
                continue
            give(i, key)
            mine = by_member.get(i)
            if mine is None:
                mine = by_member.put(i, i, JavaHash())
            mine.put(key, key_hash(key))
            to_make -= 1
            assigned_this_round = True
            if len(mine) >= desired[i]:
                unfilled.discard(i)
        if not unfilled:
            break


def result(members: list[str], old: dict, new: dict) -> dict[str, list[tuple[str, int]]]:
    """Each member's new assignment if it has one, else its old one, as sorted (topic, partition) lists."""
    out = {}
    for i, m in enumerate(members):
        a = new.get(i)
        a = a if a is not None else old.get(i, {})
        out[m] = sorted((t, p) for t, ps in a.items() for p in ps)
    return out
