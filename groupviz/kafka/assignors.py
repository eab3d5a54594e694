"""Kafka's four client-side partition assignors, ported from the Java client.

``range``, ``roundrobin``, ``sticky`` and ``cooperative-sticky`` give the same
answer as ``org.apache.kafka.clients.consumer.RangeAssignor``,
``RoundRobinAssignor``, ``StickyAssignor`` and ``CooperativeStickyAssignor``
(``internals.AbstractStickyAssignor`` for the last two) on the same input,
member by member and partition by partition.  Rack awareness is left out: our
members have no ``client.rack``, and with no consumer racks the Java code takes
the non-rack paths ported here.

The sticky assignors are not order-free in Java: the leader builds the group
subscription as a ``java.util.HashMap`` (``ConsumerCoordinator.onLeaderElected``)
and ``AbstractStickyAssignor`` iterates it and a second ``HashMap`` built from
it; who keeps ``maxQuota`` partitions, which of two stale claims wins and
which partition ``PartitionMovements`` swaps back all follow that iteration
order (and one ``HashSet<TopicPartition>`` order).  We reproduce those orders
from ``String.hashCode``/``TopicPartition.hashCode`` and HashMap's bucket
layout, taking the order of ``subscriptions`` as the order the JoinGroup
response listed the members in.  That is deterministic (no Python ``hash()``,
no set iteration, no randomness) and is what makes the output equal to Java's.
docs/assignors.md has the rules and the places where kafka-python differs.
"""

from __future__ import annotations

from bisect import bisect_left, insort
from collections import deque
from itertools import accumulate, chain, product, repeat
from collections.abc import Iterable, Mapping

__all__ = ["STRATEGIES", "PROTOCOLS", "AssignorError", "assign"]

STRATEGIES = ("range", "roundrobin", "sticky", "cooperative-sticky")
PROTOCOLS = {"range": "eager", "roundrobin": "eager", "sticky": "eager",
             "cooperative-sticky": "cooperative"}

DEFAULT_GENERATION = -1          # AbstractStickyAssignor.DEFAULT_GENERATION

TP = tuple  # (topic, partition)


class AssignorError(RuntimeError):
    """Kafka's Java assignor fails on this input (it throws), so there is no answer to copy.

    Only reachable with contradictory member metadata, e.g. a member that claims
    partitions from an older generation for a topic it no longer subscribes to
    while it is the sole owner of all its own topics (Java: NullPointerException
    in ``performReassignments``).
    """


# --------------------------------------------------------------------------------------
# public entry point
# --------------------------------------------------------------------------------------

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
    result, _ = _assign_detailed(strategy, subscriptions, partitions, owned, generations)
    return result


def _assign_detailed(strategy, subscriptions, partitions, owned=None, generations=None):
    """assign() plus, for the sticky assignors, the _StickyResult (used by the tests)."""
    if strategy not in PROTOCOLS:
        raise ValueError(f"unknown assignor {strategy!r}; expected one of {', '.join(STRATEGIES)}")
    members, topics_of, alike = _normalize_subscriptions(subscriptions)
    counts = _normalize_partitions(partitions)
    if not members:
        return {}, None
    # AbstractPartitionAssignor.assign: only subscribed topics whose metadata has partitions.
    ppt = {}
    for topics in ((alike,) if alike is not None else topics_of.values()):
        for t in topics:
            n = counts.get(t, 0)
            if n > 0:
                ppt[t] = n
    jkey = _java_string_key(members, ppt)
    detail = None
    if strategy == "range":
        return _range(members, topics_of, ppt, jkey, alike), None          # built sorted
    if strategy == "roundrobin":
        result = _roundrobin(members, topics_of, ppt, jkey, alike)
        if jkey is _same:
            return result, None                                            # built sorted
    else:
        owned_of = _normalize_owned(members, owned, counts)
        gen_of = _normalize_generations(members, generations)
        detail = _sticky(members, topics_of, ppt, owned_of, gen_of, jkey,
                         cooperative=(strategy == "cooperative-sticky"))
        result = detail.assignment
    return {m: sorted(result[m]) for m in members}, detail


# --------------------------------------------------------------------------------------
# input normalisation
# --------------------------------------------------------------------------------------

def _dedup(items: Iterable) -> list:
    seen = {}
    for x in items:
        seen.setdefault(x, None)
    return list(seen)


def _normalize_subscriptions(subscriptions) -> tuple[list[str], dict[str, list[str]], list[str] | None]:
    """(members in order, {member: its topics, deduplicated, as str}, the one subscription every member
    has if they all subscribe alike, else None)."""
    if not isinstance(subscriptions, Mapping):
        raise TypeError("subscriptions must be a mapping {member_id: [topic, ...]}")
    members = list(subscriptions)
    topics_of = {}
    plain = shared = None          # the last subscription made only of str topics, and its normalised list
    distinct = 0                   # normalised lists made (members that share one count once)
    for m, topics in subscriptions.items():
        if type(m) is not str and not isinstance(m, str):
            raise TypeError(f"member id must be a str, got {m!r}")
        # Members usually subscribe alike: a list of plain str topics equal to the last such list
        # shares its normalised list (read-only everywhere here). This loop runs once per member.
        if type(topics) is list and topics == plain:
            for t in topics:
                if type(t) is not str:
                    break
            else:
                topics_of[m] = shared
                continue
        if isinstance(topics, str):
            raise TypeError(f"subscription of {m!r} must be a list of topics, not a str")
        # A Java client subscribes to a Set of topics: duplicates cannot occur there.
        norm = list(dict.fromkeys(map(str, topics)))
        topics_of[m] = norm
        distinct += 1
        if type(topics) is list and all(type(t) is str for t in topics):
            plain, shared = topics, norm
    alike = shared if distinct == 1 and shared is not None and members else None
    return members, topics_of, alike


def _normalize_partitions(partitions) -> dict[str, int]:
    if not isinstance(partitions, Mapping):
        raise TypeError("partitions must be a mapping {topic: partition_count}")
    out = {}
    for t, n in partitions.items():
        n = int(n)
        if n < 0:
            raise ValueError(f"topic {t!r} has a negative partition count {n}")
        out[str(t)] = n
    return out


def _normalize_owned(members, owned, counts) -> dict[str, list[TP]]:
    """Each member's claimed partitions, in the order given, without duplicates.

    Partitions that do not exist (unknown topic, or a partition number past the
    topic's count) are dropped here.  Java drops unknown topics itself; a claim on a
    partition number that does not exist cannot happen in Kafka (partitions only grow)
    and would send Java's getUnassignedPartitions off the rails, so we refuse to
    model it.
    """
    out = {m: [] for m in members}
    if not owned:
        return out
    for m, tps in owned.items():
        if m not in out or tps is None:
            continue   # the leader only sees the subscriptions of current members
        claims = []
        for tp in tps:
            topic, p = tp
            topic, p = str(topic), int(p)
            if 0 <= p < counts.get(topic, 0):
                claims.append((topic, p))
        out[m] = _dedup(claims)
    return out


def _normalize_generations(members, generations) -> dict[str, int]:
    # Optional.empty() and Optional.of(-1) behave the same everywhere in AbstractStickyAssignor
    # (every use is generation.orElse(DEFAULT_GENERATION) or a comparison with maxGeneration >= -1).
    if not generations:
        return {m: DEFAULT_GENERATION for m in members}
    # Subscription(...): "generationId < 0 ? Optional.empty() : Optional.of(generationId)".
    out = {}
    for m in members:
        g = generations.get(m)
        g = DEFAULT_GENERATION if g is None else int(g)
        out[m] = g if g >= 0 else DEFAULT_GENERATION
    return out


# --------------------------------------------------------------------------------------
# Java compatibility: String ordering, String.hashCode, HashMap/HashSet iteration order
# --------------------------------------------------------------------------------------

_MASK32 = 0xFFFFFFFF


def _java_string_key(members, topics):
    """Sort key with the order of Java's String.compareTo (UTF-16 code units).

    Python compares code points; the two orders differ only for characters outside
    the BMP, so plain str keys are used unless such a character occurs.
    """
    if "".join(members).isascii() and "".join(topics).isascii():
        return _same

    def non_bmp(s):
        return not s.isascii() and max(s) > "\uffff"
    if any(non_bmp(s) for s in members) or any(non_bmp(s) for s in topics):
        return lambda s: s.encode("utf-16-be")
    return _same


def _same(s):
    """The Java order key when Python's str order already is Java's (no characters outside the BMP)."""
    return s


def _java_string_hash(s: str) -> int:
    """java.lang.String.hashCode() as an unsigned 32-bit value."""
    h = 0
    if s.isascii():
        for c in s.encode("ascii"):
            h = (31 * h + c) & _MASK32
    else:
        b = s.encode("utf-16-be")
        for i in range(0, len(b), 2):
            h = (31 * h + ((b[i] << 8) | b[i + 1])) & _MASK32
    return h


def _spread(h: int) -> int:
    """java.util.HashMap.hash(): h ^ (h >>> 16)."""
    return h ^ (h >> 16)


def _hashmap_capacity(n: int) -> int:
    """Table size of a default-constructed HashMap/HashSet after n insertions (load factor 0.75)."""
    cap = 16
    while n > cap * 3 // 4:
        cap *= 2
    return cap


def _java_hashmap_order(keys: list[str]) -> list[str]:
    """Iteration order of ``new HashMap<>()`` after ``put(k)`` for each key in ``keys``, in order.

    HashMap iterates its table bucket by bucket; a bucket keeps insertion order
    (resizing splits buckets without reordering them).  Not modelled: buckets that
    turn into red-black trees (9+ keys with one bucket index), which never happens
    for realistic member ids (e.g. at most 4 per bucket for consumer-1..consumer-5000).
    """
    mask = _hashmap_capacity(len(keys)) - 1
    decorated = sorted((_spread(_java_string_hash(k)) & mask, i) for i, k in enumerate(keys))
    return [keys[i] for _, i in decorated]


class _JavaHashSet:
    """A ``new HashSet<TopicPartition>()`` that knows which element its iterator yields first."""

    __slots__ = ("_items", "_cap", "_seq")

    def __init__(self):
        self._items = {}      # tp -> insertion sequence number
        self._cap = 16
        self._seq = 0

    def add(self, tp, tp_hash: int) -> None:
        if tp in self._items:
            return
        self._items[tp] = (tp_hash, self._seq)
        self._seq += 1
        if len(self._items) > self._cap * 3 // 4:
            self._cap *= 2    # HashMap.resize(): never shrinks

    def remove(self, tp) -> None:
        del self._items[tp]

    def __len__(self) -> int:
        return len(self._items)

    def first(self):
        mask = self._cap - 1
        best = None
        best_key = None
        for tp, (h, seq) in self._items.items():
            key = (_spread(h) & mask, seq)
            if best_key is None or key < best_key:
                best, best_key = tp, key
        return best

    def __iter__(self):
        return iter(self._items)


# --------------------------------------------------------------------------------------
# RangeAssignor
# --------------------------------------------------------------------------------------

def _topic_partitions(t: str, n: int) -> list[TP]:
    """[(t, 0), ..., (t, n - 1)], built at C speed: the output needs one tuple per partition."""
    return list(zip(repeat(t, n), range(n)))


def _range(members, topics_of, ppt, jkey, alike=None) -> dict[str, list[TP]]:
    """RangeAssignor.assignPartitions without racks: per topic, contiguous ranges, first members get one more.

    Topics are taken in Python's sorted order (each topic is independent of the others), so each
    member's list comes out sorted by (topic, partition) as assign() returns it. `alike`: the
    subscription every member has, if they all have the same one.
    """
    key = None if jkey is _same else jkey
    if alike is not None:
        everyone = sorted(members, key=key)
        if ppt and len(set(ppt.values())) == 1:
            return _range_alike(members, everyone, sorted(ppt), next(iter(ppt.values())))
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
        tps = _topic_partitions(t, n)
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


def _range_alike(members, everyone, topics, n) -> dict[str, list[TP]]:
    """_range when every member subscribes to the same topics and they all have n partitions (the
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
        tps = _topic_partitions(topics[0], n)
        lists = list(map(tps.__getitem__, map(slice, starts, ends)))
    else:
        lists = list(map(list, map(product, repeat(topics, k), map(range, starts, ends))))
    assignment = dict.fromkeys(members)            # the caller's member order, as _range keeps it
    assignment.update(zip(everyone, lists))
    for m in everyone[k:]:
        assignment[m] = []
    return assignment


# --------------------------------------------------------------------------------------
# RoundRobinAssignor
# --------------------------------------------------------------------------------------

def _roundrobin(members, topics_of, ppt, jkey, alike=None) -> dict[str, list[TP]]:
    """RoundRobinAssignor.assign: all partitions sorted by topic, one CircularIterator over sorted members.

    A member not subscribed to a partition's topic is skipped (the iterator moves on);
    the iterator is not reset between topics. Each member's list comes out in (Java topic order,
    partition) order, i.e. sorted whenever Java's and Python's str orders agree.
    """
    key = None if jkey is _same else jkey
    ordered = sorted(members, key=key)
    n_members = len(ordered)
    if alike is not None:
        subscribers_of = dict.fromkeys(alike, n_members)
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
        tps = _topic_partitions(t, n)
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


# --------------------------------------------------------------------------------------
# AbstractStickyAssignor (StickyAssignor / CooperativeStickyAssignor)
# --------------------------------------------------------------------------------------

class _StickyResult:
    __slots__ = ("assignment", "transferring", "constrained", "movements")

    def __init__(self, assignment, transferring, constrained, movements):
        self.assignment = assignment          # {member: [tp, ...]} after the cooperative adjustment
        self.transferring = transferring      # partitionsTransferringOwnership (cooperative: removed ones)
        self.constrained = constrained        # True: all subscriptions equal (ConstrainedAssignmentBuilder)
        self.movements = movements            # _PartitionMovements of the general builder, or None


def _sticky(members, topics_of, ppt, owned_of, gen_of, jkey, cooperative: bool) -> _StickyResult:
    order = _java_hashmap_order(members)          # iteration order of the leader's subscriptions map
    all_topics = ppt                               # partitionsPerTopic.keySet()

    # ---- allSubscriptionsEqual(): also collects each member's valid owned partitions ----
    is_equal = True
    subscribed_topics: set[str] = set()
    prev_owner: dict[TP, str] = {}
    c2owned: dict[str, list[TP]] = {}
    multi: set[TP] = set()                         # partitionsWithMultiplePreviousOwners
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

    if is_equal:
        assignment, transferring = _constrained_assign(order, ppt, c2owned, multi, jkey)
        movements = None
    else:
        builder = _GeneralAssignmentBuilder(order, topics_of, ppt, c2owned, owned_of, gen_of,
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
    return _StickyResult(assignment, transferring, is_equal, movements)


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


# ---- ConstrainedAssignmentBuilder (all members subscribe to the same topics) ----

def _constrained_assign(order, ppt, c2owned, multi, jkey):
    total = sum(ppt.values())
    n_members = len(c2owned)
    min_quota = total // n_members
    max_quota = -(-total // n_members)
    expected_over = total % n_members             # members that end with maxQuota partitions
    current_over = 0

    assignment: dict[str, list[TP]] = {c: [] for c in order}
    assigned: set[TP] = set()
    maybe_revoked: dict[TP, str] = {}
    transferring: dict[TP, str] = {}
    under_min: list[str] = []                     # unfilledMembersWithUnderMinQuotaPartitions
    exactly_min: list[str] = []                   # unfilledMembersWithExactlyMinQuotaPartitions

    # assignOwnedPartitions(): iterate consumerToOwnedPartitions (a HashMap) in Java order
    for c in order:
        owned = sorted(c2owned[c], key=lambda tp: (tp[1], jkey(tp[0])))   # by partition, then topic
        if multi:
            owned = [tp for tp in owned if tp not in multi]
        mine = assignment[c]
        k = len(owned)
        if k < min_quota:
            mine.extend(owned)
            assigned.update(owned)
            under_min.append(c)
        elif k >= max_quota and current_over < expected_over:
            current_over += 1
            if current_over == expected_over:
                exactly_min.clear()
            mine.extend(owned[:max_quota])
            assigned.update(owned[:max_quota])
            for tp in owned[max_quota:]:
                maybe_revoked[tp] = c
        else:
            mine.extend(owned[:min_quota])
            assigned.update(owned[:min_quota])
            for tp in owned[min_quota:]:
                maybe_revoked[tp] = c
            if current_over < expected_over:
                exactly_min.append(c)

    # getUnassignedPartitions(): every partition not kept above, sorted by (topic, partition)
    unassigned = [(t, p) for t in sorted(ppt, key=jkey) for p in range(ppt[t]) if (t, p) not in assigned]

    under_min.sort(key=jkey)
    exactly_min.sort(key=jkey)
    exact_queue = deque(exactly_min)

    def assign_new(tp, c) -> int:
        mine = assignment[c]
        mine.append(tp)
        prev = maybe_revoked.get(tp)
        if (prev is not None and prev != c) or tp in multi:
            transferring[tp] = c
        return len(mine)

    # assignRoundRobin(): a java.util.Iterator over the LinkedList, with remove()
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
        count = assign_new(tp, c)
        if count == min_quota:
            idx -= 1
            del under_min[idx]                   # unfilledConsumerIter.remove()
            exact_queue.append(c)
        elif count == max_quota:
            current_over += 1

    # verifyUnfilledMembers()
    if under_min:
        if current_over != expected_over:
            raise AssignorError("We haven't reached the expected number of members with more than the "
                                "minQuota partitions, but no more partitions to be assigned")
        for c in under_min:
            if len(assignment[c]) != min_quota:
                raise AssignorError(f"Consumer: [{c}] doesn't reach minQuota partitions, "
                                    "and no more partitions to be assigned")
    return assignment, transferring


# ---- GeneralAssignmentBuilder (subscriptions differ) ----

class _PartitionMovements:
    """AbstractStickyAssignor.PartitionMovements, with Java's HashSet order where it leaks out."""

    def __init__(self, topic_hash):
        self.by_topic: dict[str, dict[tuple[str, str], _JavaHashSet]] = {}
        self.movements: dict[TP, tuple[str, str]] = {}
        self._topic_hash = topic_hash

    def _tp_hash(self, tp) -> int:
        # TopicPartition.hashCode(): 31 * (31 + partition) + topic.hashCode()
        return (31 * (31 + tp[1]) + self._topic_hash(tp[0])) & _MASK32

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
            s = per_topic[pair] = _JavaHashSet()
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


class _ConsumerTree:
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

    def first(self):
        return self._all[0][2]

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


class _GeneralAssignmentBuilder:
    def __init__(self, order, topics_of, ppt, c2owned, owned_of, gen_of, max_generation, jkey):
        self.order = order
        self.ppt = ppt
        self.owned_of = owned_of
        self.gen_of = gen_of
        self.max_generation = max_generation
        self.jkey = jkey
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
                h = topic_hashes[t] = _java_string_hash(t)
            return h
        self.movements = _PartitionMovements(topic_hash)
        self.tree = _ConsumerTree(order, self.c2t, lambda c: len(self.ca[c]), jkey)
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
