"""UniformHeterogeneousAssignmentBuilder (``org.apache.kafka.coordinator.group.assignor``).

Members subscribe to different topics.  Each member keeps its current partitions of the topics it
still subscribes to; the unassigned partitions of each topic go, in ascending order, to its least
loaded subscribers (topics taken by partitions per subscriber, descending, then subscriber count,
then topic id); then topics are balanced one after the other, moving each most loaded
subscriber's highest partition to the least loaded subscriber, for at most 16 rounds.  Members
are numbered in the group spec's order; ties between equally loaded members go to the lower
number.  Deterministic given that order and the topic order (no HashMap order matters here).
"""

from __future__ import annotations

from functools import cmp_to_key

from groupviz.kafka.assignors.common import TP

MAX_ITERATION_COUNT = 16


class _Balancer:
    """MemberAssignmentBalancer: a least loaded range growing right, a most loaded range growing left."""

    def __init__(self, sizes):
        self.sizes = sizes
        self.sorted = []

    def initialize(self, members) -> int:
        s = self.sizes
        self.sorted = sorted(members, key=lambda i: (s[i], i))
        srt = self.sorted
        self.least_end = 0
        self.least_count = s[srt[0]] - 1
        self.next_least = 0
        self.most_start = self.most_end = len(srt)
        self.most_count = s[srt[-1]] + 1
        self.next_most = len(srt) - 1
        return s[srt[-1]] - s[srt[0]]

    def next_least_loaded(self) -> int:
        s, srt = self.sizes, self.sorted
        if self.next_least >= self.least_end:
            self.least_count += 1
            while self.least_end < len(srt) and s[srt[self.least_end]] == self.least_count:
                self.least_end += 1
            self.next_least = 0
        m = srt[self.next_least]
        self.next_least += 1
        return m

    def next_most_loaded(self) -> int:
        s, srt = self.sizes, self.sorted
        if self.next_most < self.most_start:
            if self.most_end <= self.most_start and self.most_start > 0:
                self.most_count = s[srt[self.most_start - 1]]
            else:
                self.most_count -= 1
            while self.most_start > 0 and s[srt[self.most_start - 1]] == self.most_count:
                self.most_start -= 1
            self.next_most = self.most_end - 1
        if self.next_most < 0:
            return -1
        m = srt[self.next_most]
        self.next_most -= 1
        return m

    def exclude_most_loaded(self) -> None:
        srt = self.sorted
        i, j = self.next_most + 1, self.most_end - 1
        srt[i], srt[j] = srt[j], srt[i]
        self.most_end -= 1

    def is_balanced(self) -> bool:
        return self.most_count - self.least_count <= 1


class _Builder:
    def __init__(self, members, topics_of, counts, topic_key):
        self.members = members
        self.counts = counts
        self.subscribers: dict[str, list[int]] = {}
        for i, m in enumerate(members):
            for t in topics_of[m]:
                self.subscribers.setdefault(t, []).append(i)
        self.subscriber_sets = {t: set(s) for t, s in self.subscribers.items()}
        self.sizes = [0] * len(members)
        self.owner = {t: [-1] * counts[t] for t in self.subscribers}
        self.topic_key = topic_key

    def sort_topics(self, topics) -> list[str]:
        counts, subs, key = self.counts, self.subscribers, self.topic_key

        def cmp(a, b):
            # partitions per subscriber descending (Double.compare), subscribers ascending, topic id ascending
            ra, rb = counts[a] / len(subs[a]), counts[b] / len(subs[b])
            if ra != rb:
                return -1 if ra > rb else 1
            if len(subs[a]) != len(subs[b]):
                return len(subs[a]) - len(subs[b])
            ka, kb = key(a), key(b)
            return (ka > kb) - (ka < kb)
        return sorted(topics, key=cmp_to_key(cmp))

    def keep_current(self, current_of) -> None:
        """maybeRevokePartitions: a member keeps what it holds of the topics it still subscribes to."""
        for i, m in enumerate(self.members):
            for t, parts in current_of.get(m, ()):
                if i in self.subscriber_sets.get(t, ()):
                    self.sizes[i] += len(parts)
                    owners = self.owner[t]
                    for p in parts:
                        owners[p] = i

    def assign_remaining(self) -> None:
        unassigned = {}
        for t, owners in self.owner.items():
            free = [p for p, o in enumerate(owners) if o == -1]
            if free:
                unassigned[t] = free
        bal = _Balancer(self.sizes)
        for t in self.sort_topics(unassigned):
            bal.initialize(self.subscribers[t])
            for p in unassigned[t]:
                self.move(t, p, bal.next_least_loaded())

    def move(self, t, p, i) -> None:
        old = self.owner[t][p]
        if old != -1:
            self.sizes[old] -= 1
        self.owner[t][p] = i
        self.sizes[i] += 1

    def balance(self) -> None:
        topics = [t for t, s in self.subscribers.items() if len(s) >= 2]
        if not topics:
            return
        order = self.sort_topics(topics)
        bal = _Balancer(self.sizes)
        last = -1
        for _ in range(MAX_ITERATION_COUNT):
            for index, t in enumerate(order):
                if index == last:
                    return
                if self.balance_topic(t, bal) > 0 or last == -1:
                    last = index

    def balance_topic(self, t, bal) -> int:
        if bal.initialize(self.subscribers[t]) <= 1:
            return 0
        owners = self.owner[t]
        parts = sorted(range(len(owners)), key=lambda p: (owners[p], p))
        start, end = {}, {}
        for i, p in enumerate(parts):
            start.setdefault(owners[p], i)
            end[owners[p]] = i + 1
        moved = 0
        while not bal.is_balanced():
            most = bal.next_most_loaded()
            while most != -1 and end.get(most, 0) - start.get(most, 0) <= 0:
                bal.exclude_most_loaded()
                most = bal.next_most_loaded()
            if most == -1:
                break
            end[most] -= 1
            p = parts[end[most]]
            least = bal.next_least_loaded()
            if bal.is_balanced():
                break
            self.move(t, p, least)
            moved += 1
        return moved


def uniform_heterogeneous(members, topics_of, counts, current_of, topic_key) -> dict[str, list[TP]]:
    """``members`` in the group spec's order, ``topics_of`` {member: topics}, ``counts`` {topic:
    partitions}, ``current_of`` {member: [(topic, [partition, ...]), ...]}, ``topic_key`` the sort key
    standing for ``Uuid.compareTo``.  Returns unsorted lists."""
    b = _Builder(members, topics_of, counts, topic_key)
    if not b.subscribers:
        return {}
    b.keep_current(current_of)
    b.assign_remaining()
    b.balance()
    out = {m: [] for m in members}
    for t in sorted(b.owner):
        for p, o in enumerate(b.owner[t]):
            if o != -1:
                out[members[o]].append((t, p))
    return out
