"""A java.util.HashMap / HashSet reduced to what the share-group builders read from it: membership and
iteration order, through puts and removes.

A HashMap iterates bucket by bucket (bucket = ``spread(hashCode) & (capacity - 1)``), in insertion order
within a bucket; a resize splits buckets without reordering them, and the table never shrinks.  So the
order is "sorted by (bucket at the current capacity, insertion sequence)"; a key removed and put again
goes to the end of its bucket.  Tree bins (8+ keys in one bucket) are not modelled.
"""

from __future__ import annotations

from groupviz.kafka.assignors.java import MASK32, spread


def table_size_for(cap: int) -> int:
    """HashMap.tableSizeFor: the smallest power of two >= cap (1 for cap <= 1)."""
    n = 1
    while n < cap:
        n *= 2
    return n


def helper_capacity(n: int) -> int:
    """Table size of ``AssignorHelpers.newHashMap(n)`` / ``newHashSet(n)`` (``Utils.newHashMap`` in 4.2):
    ``new HashMap<>((int) (((n + 1) / 0.75f) + 1))``."""
    return table_size_for(int((n + 1) / 0.75 + 1))


def tpid_hash(topic_hash: int, partition: int) -> int:
    """``TopicIdPartition`` (a record: hashCode = 31 * topicId.hashCode() + partitionId), unsigned 32-bit."""
    return (31 * topic_hash + partition) & MASK32


class JavaHash:
    """Keys with their Java hashCode (unsigned 32-bit), optionally values, in Java's iteration order."""

    __slots__ = ("cap", "_d", "_seq")

    def __init__(self, capacity: int = 16):
        self.cap = capacity
        self._d: dict = {}           # key -> [hash, insertion sequence, value]
        self._seq = 0

    def put(self, key, h: int, value=None):
        entry = self._d.get(key)
        if entry is not None:
            entry[2] = value if value is not None else entry[2]
            return entry[2]
        self._d[key] = [h & MASK32, self._seq, value]
        self._seq += 1
        if len(self._d) > int(self.cap * 0.75):
            self.cap *= 2
        return value

    def get(self, key, default=None):
        entry = self._d.get(key)
        return default if entry is None else entry[2]

    def remove(self, key) -> bool:
        return self._d.pop(key, None) is not None

    def __contains__(self, key) -> bool:
        return key in self._d

    def __len__(self) -> int:
        return len(self._d)

    def order(self) -> list:
        """The keys as Java's iterator yields them now."""
        mask = self.cap - 1
        return [k for k, _ in sorted(self._d.items(), key=lambda kv: (spread(kv[1][0]) & mask, kv[1][1]))]
