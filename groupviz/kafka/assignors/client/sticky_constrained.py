"""AbstractStickyAssignor.ConstrainedAssignmentBuilder: every member subscribes to the same topics.

Each member keeps up to its quota of the partitions it owned (``minQuota`` or, for the
first ``total % members`` members in HashMap order that can, ``maxQuota``); the rest
are handed out round-robin to the members still under their quota, sorted by id.
"""

from __future__ import annotations

from collections import deque

from groupviz.kafka.assignors.common import TP, AssignorError


class ConstrainedAssignmentBuilder:
    """``build()`` returns ({member: [tp, ...]}, partitionsTransferringOwnership {tp: new owner})."""

    def __init__(self, order, ppt, c2owned, multi, jkey):
        self.order = order                        # the members in Java's HashMap order
        self.ppt = ppt
        self.c2owned = c2owned                    # consumerToOwnedPartitions
        self.multi = multi                        # partitionsWithMultiplePreviousOwners
        self.jkey = jkey
        total = sum(ppt.values())
        n_members = len(c2owned)
        self.min_quota = total // n_members
        self.max_quota = -(-total // n_members)
        self.expected_over = total % n_members    # members that end with maxQuota partitions
        self.current_over = 0
        self.assignment: dict[str, list[TP]] = {c: [] for c in order}
        self.assigned: set[TP] = set()
        self.maybe_revoked: dict[TP, str] = {}    # allRevokedPartitions -> the member that owned it
        self.transferring: dict[TP, str] = {}
        self.under_min: list[str] = []            # unfilledMembersWithUnderMinQuotaPartitions
        self.exactly_min: list[str] = []          # unfilledMembersWithExactlyMinQuotaPartitions

    def build(self) -> tuple[dict[str, list[TP]], dict[TP, str]]:
        self._assign_owned_partitions()
        self._assign_round_robin(self._unassigned_partitions())
        self._verify_unfilled_members()
        return self.assignment, self.transferring

    def _assign_owned_partitions(self) -> None:
        """assignOwnedPartitions(): iterate consumerToOwnedPartitions (a HashMap) in Java order."""
        jkey, multi, assigned, maybe_revoked = self.jkey, self.multi, self.assigned, self.maybe_revoked
        min_quota, max_quota, expected_over = self.min_quota, self.max_quota, self.expected_over
        current_over = self.current_over
        for c in self.order:
            owned = sorted(self.c2owned[c], key=lambda tp: (tp[1], jkey(tp[0])))   # by partition, then topic
            if multi:
                owned = [tp for tp in owned if tp not in multi]
            mine = self.assignment[c]
            k = len(owned)
            if k < min_quota:
                mine.extend(owned)
                assigned.update(owned)
                self.under_min.append(c)
                continue
            if k >= max_quota and current_over < expected_over:
                current_over += 1
                if current_over == expected_over:
                    self.exactly_min.clear()
                keep = max_quota
            else:
                keep = min_quota
                if current_over < expected_over:
                    self.exactly_min.append(c)
            mine.extend(owned[:keep])
            assigned.update(owned[:keep])
            for tp in owned[keep:]:
                maybe_revoked[tp] = c
        self.current_over = current_over

    def _unassigned_partitions(self) -> list[TP]:
        """getUnassignedPartitions(): every partition not kept above, sorted by (topic, partition)."""
        ppt, assigned = self.ppt, self.assigned
        return [(t, p) for t in sorted(ppt, key=self.jkey) for p in range(ppt[t]) if (t, p) not in assigned]

    def _assign_round_robin(self, unassigned) -> None:
        """assignRoundRobin(): a java.util.Iterator over the LinkedList, with remove()."""
        under_min = self.under_min
        under_min.sort(key=self.jkey)
        self.exactly_min.sort(key=self.jkey)
        exact_queue = deque(self.exactly_min)
        assignment, maybe_revoked, multi, transferring = (self.assignment, self.maybe_revoked, self.multi,
                                                          self.transferring)
        min_quota, max_quota = self.min_quota, self.max_quota
        current_over = self.current_over
        idx = 0
        for tp in unassigned:
            if idx < len(under_min):
                c = under_min[idx]
                idx += 1
            elif not under_min and not exact_queue:
                raise AssignorError("No more unfilled consumers to be assigned.")   # IllegalStateException
            elif not under_min:
                c = exact_queue.popleft()
            else:
                idx = 0
                c = under_min[idx]
                idx += 1
            mine = assignment[c]
            mine.append(tp)
            prev = maybe_revoked.get(tp)
            if (prev is not None and prev != c) or tp in multi:
                transferring[tp] = c
            count = len(mine)
            if count == min_quota:
                idx -= 1
                del under_min[idx]                   # unfilledConsumerIter.remove()
                exact_queue.append(c)
            elif count == max_quota:
                current_over += 1
        self.current_over = current_over

    def _verify_unfilled_members(self) -> None:
        """verifyUnfilledMembers()."""
        if not self.under_min:
            return
        if self.current_over != self.expected_over:
            raise AssignorError("We haven't reached the expected number of members with more than the "
                                "minQuota partitions, but no more partitions to be assigned")
        for c in self.under_min:
            if len(self.assignment[c]) != self.min_quota:
                raise AssignorError(f"Consumer: [{c}] doesn't reach minQuota partitions, "
                                    "and no more partitions to be assigned")
