import random

import pytest

from groupviz.kafka.partitioner import StickyPartitioner, murmur2, partition_for_key, to_positive

# org.apache.kafka.common.utils.UtilsTest#testMurmur2
KAFKA_MURMUR2 = [
    (b"21", -973932308),
    (b"foobar", -790332482),
    (b"a-little-bit-long-string", -985981536),
    (b"a-little-bit-longer-string", -1486304829),
    (b"lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8", -58897971),
    (bytes([ord("a"), ord("b"), ord("c")]), 479470107),
]


@pytest.mark.parametrize("data,expected", KAFKA_MURMUR2, ids=[d[:12].decode() for d, _ in KAFKA_MURMUR2])
def test_murmur2_matches_kafkas_test_vectors(data, expected):
    assert murmur2(data) == expected


def test_murmur2_matches_kafka_python_on_random_keys():
    # kafka-python's murmur2 returns the same bits as an unsigned int
    from kafka.partitioner.default import murmur2 as kp_murmur2

    rng = random.Random(1)
    for _ in range(500):
        key = bytes(rng.randrange(256) for _ in range(rng.randrange(0, 40)))
        assert murmur2(key) & 0xFFFFFFFF == kp_murmur2(bytearray(key)) & 0xFFFFFFFF


def test_to_positive_clears_the_sign_bit_instead_of_abs():
    assert to_positive(-1) == 0x7FFFFFFF
    assert to_positive(-973932308) == 1173551340   # Kafka's expected positive value for "21"


def test_partition_for_key_is_positive_murmur2_modulo_partitions():
    assert partition_for_key(b"21", 6) == 1173551340 % 6
    for n in (1, 3, 6, 7, 100):
        assert 0 <= partition_for_key(b"key-42", n) < n


def test_sticky_partitioner_never_repeats_a_partition_when_it_can_switch():
    sp = StickyPartitioner(random.Random(3))
    seen = [sp.next_batch(6) for _ in range(200)]
    assert all(a != b for a, b in zip(seen, seen[1:]))
    assert set(seen) == set(range(6))
    assert StickyPartitioner(random.Random(3)).next_batch(1) == 0
