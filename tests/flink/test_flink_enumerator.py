"""KafkaSourceEnumerator.getSplitOwner, checked against Java's int arithmetic written out independently."""

import pytest

from groupviz.flink.enumerator import Enumerator, split_owner


def java_hash(s: str) -> int:
    h = 0
    for ch in s.encode("utf-16-be").decode("utf-16-be"):
        h = (31 * h + ord(ch)) & 0xFFFFFFFF
    return h - (1 << 32) if h >= 1 << 31 else h      # a signed Java int


def java_owner(topic: str, partition: int, readers: int) -> int:
    product = (java_hash(topic) * 31) & 0xFFFFFFFF      # int * int overflows to the low 32 bits
    start = (product & 0x7FFFFFFF) % readers
    return (start + partition) % readers


@pytest.mark.parametrize("topic", ["orders", "data", "events", "topic-with-a-long-name.v2", "主题"])
@pytest.mark.parametrize("readers", [1, 2, 3, 4, 7, 256])
def test_split_owner_is_getSplitOwner(topic, readers):
    for p in range(40):
        assert split_owner(topic, p, readers) == java_owner(topic, p, readers)


def test_partitions_go_round_robin_clockwise_from_the_topics_start_index():
    start = split_owner("orders", 0, 4)
    assert [split_owner("orders", p, 4) for p in range(6)] == [(start + p) % 4 for p in range(6)]


def test_enumerator_assigns_every_known_partition_once_and_discovers_only_new_ones():
    e = Enumerator("orders", 6)
    splits = e.assignment(4)
    assert sorted(tp for s in splits for tp in s) == [("orders", p) for p in range(6)]
    assert e.discover(6) == []
    assert e.discover(8) == [6, 7]
    assert e.known == 8
    assert len(e.assignment(1)[0]) == 8
