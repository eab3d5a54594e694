"""KafkaSourceEnumerator's split assignment (flink-connector-kafka, `KafkaSourceEnumerator.getSplitOwner`).

No coordinator, no JoinGroup, no rebalance: the enumerator hands each partition (a split) to one source
reader by a fixed rule, and hands partitions it discovers later to readers by the same rule.
"""

from __future__ import annotations

from groupviz.kafka.assignors.java import string_hash


def split_owner(topic: str, partition: int, num_readers: int) -> int:
    """`getSplitOwner`: startIndex = ((topic.hashCode() * 31) & 0x7FFFFFFF) % numReaders, then
    (startIndex + partition) % numReaders. Java's int overflow is the low 32 bits; & keeps 31 of them."""
    start = ((string_hash(topic) * 31) & 0x7FFFFFFF) % num_readers
    return (start + partition) % num_readers


class Enumerator:
    """The partitions the enumerator has discovered, and who reads each at a given parallelism."""

    def __init__(self, topic: str, partitions: int):
        self.topic = topic
        self.known = partitions          # partitions 0..known-1 are splits

    def discover(self, partitions: int) -> list[int]:
        """The periodic partition discovery: the partitions new since the last one."""
        new = list(range(self.known, partitions))
        self.known = max(self.known, partitions)
        return new

    def assignment(self, parallelism: int) -> list[list[tuple[str, int]]]:
        """Splits per reader 0..parallelism-1."""
        out: list[list[tuple[str, int]]] = [[] for _ in range(parallelism)]
        for p in range(self.known):
            out[split_owner(self.topic, p, parallelism)].append((self.topic, p))
        return out
