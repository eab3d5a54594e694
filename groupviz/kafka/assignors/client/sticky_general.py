"""AbstractStickyAssignor.GeneralAssignmentBuilder: members subscribe to different topics.

Owned partitions stay where they are while the owner still subscribes to their topic;
unassigned ones go to the least loaded subscriber; then partitions move, one at a time,
from a member to a subscriber with at least two fewer until the assignment is balanced.
If that made the balance score no better, the pre-balance assignment stands.
``PartitionMovements`` keeps the moves so that a partition moving back is the one Java's
HashSet iterator yields first.
"""

from __future__ import annotations

from bisect import bisect_left, insort

from groupviz.kafka.assignors.common import TP, AssignorError
from groupviz.kafka.assignors.java import MASK32, JavaHashSet, string_hash


class PartitionMovements:
    """AbstractStickyAssignor.PartitionMovements, with Java's HashSet order where it leaks out."""

    def __init__(self, topic_hash):
        self.by_topic: dict[str, dict[tuple[str, str], JavaHashSet]] = {}
        self.movements: dict[TP, tuple[str, str]] = {}
        self._topic_hash = topic_hash

    def _tp_hash(self, tp) -> int:
        # TopicPartition.hashCode(): 31 * (31 + partition) + topic.hashCode()
        return (31 * (31 + tp[1]) + self._topic_hash(tp[0])) & MASK32

    def _remove_record(self, tp):
        pair = self.movements.pop(tp)
        per_topic = self.by_topic[tp[0]]
        s = per_topic[pair]
        s.remove(tp)
        if not len(s):
            del per_topic[pair]
        if not per_topic:
            del self.by_topic[tp[0]]
        return pair

    def _add_record(self, tp, pair):
        self.movements[tp] = pair
        per_topic = self.by_topic.setdefault(tp[0], {})
        s = per_topic.get(pair)
        if s is None:
            s = per_topic[pair] = JavaHashSet()
        s.add(tp, self._tp_hash(tp))

    def move_partition(self, tp, old, new):
        if tp in self.movements:
            existing = self._remove_record(tp)
            if existing[0] != new:             # not moving back to where it started
                self._add_record(tp, (existing[0], new))
        else:
            self._add_record(tp, (old, new))

    def actual_partition_to_be_moved(self, tp, old, new):
        per_topic = self.by_topic.get(tp[0])
        if per_topic is None:
            return tp
        if tp in self.movements:
            old = self.movements[tp][0]
        reverse = per_topic.get((new, old))
        if reverse is None:
            return tp
        return reverse.first()                 # HashSet.iterator().next()

    def is_sticky(self) -> bool:
        """PartitionMovements.isSticky(): no topic has partitions moving both A->B and B->A."""
        for per_topic in self.by_topic.values():
            for (src, dst) in per_topic:
                if (dst, src) in per_topic:
                    return False
        return True


class ConsumerTree:
    """The TreeSet<String> sortedCurrentSubscriptions, ordered by (assigned count, member id).

    Besides first()/last() the Java code only ever asks for "the first member in this
    order that subscribes to topic t"; members with the same subscription share a
    sorted list, so that question costs one look per distinct subscription.
    """

    def __init__(self, members, c2t, size_of, jkey):
        self._size_of = size_of
        self._jkey = {c: jkey(c) for c in members}
        self._all: list[tuple[int, object, str]] = []
        sig_index: dict[tuple, int] = {}
        self._group_of: dict[str, int] = {}
        self._groups: list[list] = []
        self._groups_of_topic: dict[str, list[int]] = {}
        for c in members:
            sig = tuple(sorted(c2t[c]))
            gi = sig_index.get(sig)
            if gi is None:
                gi = sig_index[sig] = len(self._groups)
                self._groups.append([])
                for t in sig:
                    self._groups_of_topic.setdefault(t, []).append(gi)
            self._group_of[c] = gi

    def _entry(self, c):
        return (self._size_of(c), self._jkey[c], c)

    def add(self, c):
        e = self._entry(c)
        insort(self._all, e)
        insort(self._groups[self._group_of[c]], e)

    def remove(self, c):
        e = self._entry(c)
        for lst in (self._all, self._groups[self._group_of[c]]):
            i = bisect_left(lst, e)
            if i < len(lst) and lst[i][2] == c:
                del lst[i]
            else:   # pragma: no cover - would mean a size changed while c was in the tree
                raise AssignorError(f"internal: {c} not found in sortedCurrentSubscriptions")

    def last(self):
        return self._all[-1][2]

    def first_size(self):
        return self._all[0][0]

    def last_size(self):
        return self._all[-1][0]

    def first_subscribed(self, topic):
        """First member in tree order whose subscription contains ``topic`` (None if none)."""
        best = None
        for gi in self._groups_of_topic.get(topic, ()):
            lst = self._groups[gi]
            if lst and (best is None or lst[0] < best):
                best = lst[0]
        return None if best is None else best[2]


class GeneralAssignmentBuilder:
    """``build()`` returns {member: [tp, ...]} in Java's member order (lists unsorted)."""

    def __init__(self, order, topics_of, ppt, c2owned, owned_of, gen_of, max_generation, jkey):
        self.order = order
        self.ppt = ppt
        self.owned_of = owned_of
        self.gen_of = gen_of
        self.max_generation = max_generation
        self.total = sum(ppt.values())
        self.subscribed = {c: set(topics_of[c]) for c in order}       # subscription.topics()

        self.topic2consumers: dict[str, list[str]] = {t: [] for t in ppt}
        self.c2t: dict[str, list[str]] = {}
        for c in order:
            mine = [t for t in topics_of[c] if t in ppt]
            self.c2t[c] = mine
            for t in mine:
                self.topic2consumers[t].append(c)

        # currentAssignment: member -> ordered set of partitions (dict keys; order never matters)
        self.ca: dict[str, dict[TP, None]] = {c: dict.fromkeys(c2owned.get(c, ())) for c in order}
        self.cpc: dict[TP, str] = {}                                   # currentPartitionConsumer
        for c in order:
            for tp in self.ca[c]:
                self.cpc[tp] = c
        self.held: dict[str, dict[str, int]] = {c: {} for c in order}  # member -> topic -> #partitions held
        for c in order:
            h = self.held[c]
            for tp in self.ca[c]:
                h[tp[0]] = h.get(tp[0], 0) + 1

        sorted_topics = sorted(ppt, key=lambda t: (len(self.topic2consumers[t]), jkey(t)))   # TopicComparator
        self.sorted_all_partitions = [(t, p) for t in sorted_topics for p in range(ppt[t])]
        self.max_size = {c: self._max_assignment_size(self.c2t[c]) for c in order}
        topic_hashes = {}

        def topic_hash(t):
            h = topic_hashes.get(t)
            if h is None:
                h = topic_hashes[t] = string_hash(t)
            return h
        self.movements = PartitionMovements(topic_hash)
        self.tree = ConsumerTree(order, self.c2t, lambda c: len(self.ca[c]), jkey)
        self.revocation_required = False
        self._version = 0
        self._balanced_cache = (-1, False)

    def _max_assignment_size(self, topics):
        if len(topics) == len(self.ppt):
            return self.total
        return sum(self.ppt[t] for t in topics)

    def _size(self, c) -> int:
        lst = self.ca.get(c)
        if lst is None:
            # Java: currentAssignment.get(c) is null for a member set aside as "fixed" -> NullPointerException
            raise AssignorError(f"Kafka's AbstractStickyAssignor throws NullPointerException here: member {c!r} "
                                "was set aside as fixed but still holds a stale claim")
        return len(lst)

    # ---- build() ----
    def build(self) -> dict[str, list[TP]]:
        prev = self._prepopulate_previous_assignment()
        assigned = self._assign_owned_partitions()
        unassigned = [tp for tp in self.sorted_all_partitions if tp not in assigned]
        for c in self.order:
            self.tree.add(c)
        self._balance(prev, unassigned)
        return {c: list(self.ca[c]) for c in self.order}

    def _prepopulate_previous_assignment(self):
        """prepopulateCurrentAssignments(): claims from generations older than the newest one."""
        prev: dict[TP, tuple[str, int]] = {}
        for c in self.order:
            g = self.gen_of[c]
            if g < self.max_generation:
                for tp in self.owned_of[c]:
                    old = prev.get(tp)
                    if old is None or g > old[1]:
                        prev[tp] = (c, g)
        return prev

    def _assign_owned_partitions(self) -> set:
        assigned = set()
        for c in self.order:
            mine = self.ca[c]
            subscribed = self.subscribed[c]
            for tp in list(mine):
                if tp[0] not in self.topic2consumers:          # cannot happen: claims were filtered by topic
                    self._drop(c, tp)
                    del self.cpc[tp]
                elif tp[0] not in subscribed:
                    # no longer subscribed: revoke (currentPartitionConsumer keeps the stale entry, as in Java)
                    self._drop(c, tp)
                    self.revocation_required = True
                else:
                    assigned.add(tp)
        return assigned

    def _drop(self, c, tp):
        del self.ca[c][tp]
        h = self.held[c]
        n = h[tp[0]] - 1
        if n:
            h[tp[0]] = n
        else:
            del h[tp[0]]

    def _put(self, c, tp):
        self.ca[c][tp] = None
        h = self.held[c]
        h[tp[0]] = h.get(tp[0], 0) + 1

    # ---- balance() ----
    def _balance(self, prev, unassigned):
        tree = self.tree
        initializing = len(self.ca[tree.last()]) == 0

        # maybeAssign(): each unassigned partition goes to the least loaded subscriber
        for tp in unassigned:
            if not self.topic2consumers[tp[0]]:
                continue
            c = tree.first_subscribed(tp[0])
            if c is None:
                continue
            tree.remove(c)
            self._put(c, tp)
            self.cpc[tp] = c
            tree.add(c)
        self._version += 1

        # narrow down to partitions and members that can move at all
        fixed_topics = {t for t, cs in self.topic2consumers.items() if len(cs) < 2}
        if fixed_topics:
            self.sorted_all_partitions = [tp for tp in self.sorted_all_partitions if tp[0] not in fixed_topics]
            unassigned = [tp for tp in unassigned if tp[0] not in fixed_topics]
        fixed_assignments = {}
        for c in self.order:
            if not self._can_consumer_participate(c):
                tree.remove(c)
                fixed_assignments[c] = self.ca.pop(c)
        self._version += 1

        pre_balance = {c: dict(tps) for c, tps in self.ca.items()}

        if not self.revocation_required:
            self._perform_reassignments(unassigned, prev)
        performed = self._perform_reassignments(self.sorted_all_partitions, prev)

        if (not initializing and performed
                and _balance_score(self.ca) >= _balance_score(pre_balance)):
            # revert; Java leaves the TreeSet and the movement records as they are (unused from here on)
            self.ca = pre_balance
        for c, tps in fixed_assignments.items():
            self.ca[c] = tps
        # restore Java's member order in the result map (irrelevant for the content)
        self.ca = {c: self.ca[c] for c in self.order}

    def _can_consumer_participate(self, c) -> bool:
        mine = self.ca[c]
        if len(mine) < self.max_size[c]:
            return True
        t2c = self.topic2consumers
        return any(len(t2c[t]) >= 2 for t in self.held[c])

    def _is_balanced(self) -> bool:
        if self._balanced_cache[0] == self._version:
            return self._balanced_cache[1]
        result = self._compute_is_balanced()
        self._balanced_cache = (self._version, result)
        return result

    def _compute_is_balanced(self) -> bool:
        tree = self.tree
        if tree.first_size() >= tree.last_size() - 1:
            return True
        # "for each consumer that does not have all the partitions it can get, make sure none of the
        # partitions it could but did not get can be moved to it": the largest other holder per topic decides.
        top1_size: dict[str, int] = {}
        top1_owner: dict[str, str] = {}
        top2_size: dict[str, int] = {}
        for c, tps in self.ca.items():
            s = len(tps)
            for t in self.held[c]:
                s1 = top1_size.get(t, -1)
                if s > s1:
                    top2_size[t] = s1
                    top1_size[t] = s
                    top1_owner[t] = c
                elif s > top2_size.get(t, -1):
                    top2_size[t] = s
        for c, tps in self.ca.items():          # the members still in the TreeSet
            count = len(tps)
            if count == self.max_size[c]:
                continue
            for t in self.c2t[c]:
                s1 = top1_size.get(t)
                if s1 is None:
                    continue
                other = top2_size.get(t, -1) if top1_owner[t] == c else s1
                if count + 1 < other:
                    return False
        return True

    def _perform_reassignments(self, reassignable, prev) -> bool:
        performed = False
        tree = self.tree
        t2c = self.topic2consumers
        while True:
            modified = False
            for tp in reassignable:
                if self._is_balanced():
                    break
                consumer = self.cpc.get(tp)
                if consumer is None:
                    raise AssignorError(f"Kafka's AbstractStickyAssignor throws here: {tp} has no consumer")
                size = self._size(consumer)
                claim = prev.get(tp)
                if claim is not None and size > self._size(claim[0]) + 1:
                    self._reassign(tp, claim[0])
                    performed = modified = True
                    continue
                # a better-suited consumer exists if any subscriber has 2+ fewer partitions
                if len(t2c[tp[0]]) and self._min_subscriber_size(tp[0]) + 1 < size:
                    new = tree.first_subscribed(tp[0])
                    self._reassign(tp, new)
                    performed = modified = True
            if not modified:
                return performed

    def _min_subscriber_size(self, topic) -> int:
        c = self.tree.first_subscribed(topic)
        if c is None:
            # every potential consumer was set aside as fixed: Java would dereference a missing entry
            for other in self.topic2consumers[topic]:
                self._size(other)
            return 1 << 60
        return len(self.ca[c])

    def _reassign(self, tp, new):
        old = self.cpc[tp]
        to_move = self.movements.actual_partition_to_be_moved(tp, old, new)
        self._process_partition_movement(to_move, new)

    def _process_partition_movement(self, tp, new):
        tree = self.tree
        old = self.cpc[tp]
        tree.remove(old)
        tree.remove(new)
        self.movements.move_partition(tp, old, new)
        self._drop(old, tp)
        self._put(new, tp)
        self.cpc[tp] = new
        tree.add(new)
        tree.add(old)
        self._version += 1


def _balance_score(assignment) -> int:
    """getBalanceScore(): sum over all member pairs of |size difference| (computed in O(n log n))."""
    sizes = sorted(len(v) for v in assignment.values())
    n = len(sizes)
    return sum(s * (2 * i - n + 1) for i, s in enumerate(sizes))
