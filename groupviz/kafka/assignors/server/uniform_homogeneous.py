"""UniformHomogeneousAssignmentBuilder (``org.apache.kafka.coordinator.group.assignor``), no racks.

Every member subscribes to the same topics.  Members are walked in the group spec's order; each
keeps its current partitions up to its quota (``total / members``, plus one for the first
``total % members`` members that can use it) and gives up the rest; then the unfilled members,
in order, take the unassigned partitions from one list.  Since KAFKA-18688 (Kafka 4.1) a member
only claims one of the extra partitions if it already holds it: the others give the claim back,
and the last ``remainingMembersToGetAnExtraPartition`` unfilled members take it, so a balanced
group keeps its assignment whatever the member order.
"""

from __future__ import annotations

from groupviz.kafka.assignors.common import TP, AssignorError


def uniform_homogeneous(members, topics, counts, current_of, is_assigned) -> dict[str, list[TP]]:
    """``members``: the group spec's member order; ``topics``: the subscribed topics in the order the
    builder's ``HashSet`` yields them; ``counts``: {topic: partitions}; ``current_of``: {member:
    [(topic, [partition, ...]), ...]} in the order Java iterates each member's assignment;
    ``is_assigned(topic, partition)``: GroupSpec.isPartitionAssigned.  Returns unsorted lists."""
    unassigned: list[TP] = []
    total = 0
    for t in topics:
        n = counts[t]
        unassigned += [(t, p) for p in range(n) if not is_assigned(t, p)]
        total += n
    min_quota, extra = divmod(total, len(members))
    target, unfilled, extra = _revoke(members, set(topics), current_of, unassigned, min_quota, extra)
    _assign_remaining(target, unfilled, unassigned, extra)
    return target


def _revoke(members, subscribed, current_of, unassigned, min_quota, extra):
    """maybeRevokePartitions: what each member keeps, who is unfilled, the extra partitions left."""
    target = {}
    unfilled = []                       # [member, remaining quota], in member order
    for m in members:
        quota = min_quota
        has_extra = extra > 0
        if has_extra:
            quota += 1
        kept = []
        for t, parts in current_of.get(m, ()):
            if t not in subscribed:
                continue                # the whole topic is revoked
            if len(parts) <= quota:
                quota -= len(parts)
                kept += [(t, p) for p in parts]
                continue
            for p in parts:
                if quota > 0:
                    quota -= 1
                    kept.append((t, p))
                else:
                    unassigned.append((t, p))
        if quota > 0 and has_extra:     # give up the extra partition quota for another member to claim
            quota -= 1
            has_extra = False
        if quota == 0 and has_extra:    # the member holds one of the extra partitions: it keeps it
            extra -= 1
        if quota > 0 or (extra > 0 and not has_extra):
            unfilled.append([m, quota])
        target[m] = kept
    return target, unfilled, extra


def _assign_remaining(target, unfilled, unassigned, extra) -> None:
    """assignRemainingPartitions: the last ``extra`` unfilled members take the extra partitions, then
    each unfilled member in order takes its quota from the unassigned list."""
    for entry in reversed(unfilled):
        if extra <= 0:
            break
        extra -= 1
        entry[1] += 1
    i = 0
    for m, quota in unfilled:
        if quota > 0:
            take = unassigned[i:i + quota]
            i += len(take)
            target[m] += take
    if i < len(unassigned):
        raise AssignorError("Partitions were left unassigned")
