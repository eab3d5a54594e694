"""Kafka's default partitioner for keyed records.

`partition = toPositive(murmur2(key_bytes)) % num_partitions`, exactly as
`org.apache.kafka.clients.producer.internals.BuiltInPartitioner.partitionForKey`
and `org.apache.kafka.common.utils.Utils.murmur2` (seed 0x9747b28c).
Null keys use the sticky partitioner of KIP-480 (see `StickyPartitioner`).
"""

from __future__ import annotations

_M = 0x5BD1E995
_MASK = 0xFFFFFFFF


def _to_int32(x: int) -> int:
    x &= _MASK
    return x - 0x100000000 if x & 0x80000000 else x


def murmur2(data: bytes) -> int:
    """Kafka's `Utils.murmur2`: a signed 32-bit hash of `data`."""
    length = len(data)
    h = (0x9747B28C ^ length) & _MASK
    length4 = length // 4
    for i in range(length4):
        i4 = i * 4
        k = data[i4] | (data[i4 + 1] << 8) | (data[i4 + 2] << 16) | (data[i4 + 3] << 24)
        k = (k * _M) & _MASK
        k ^= k >> 24
        k = (k * _M) & _MASK
        h = (h * _M) & _MASK
        h ^= k
    rest = length % 4
    base = length & ~3
    if rest == 3:
        h ^= data[base + 2] << 16
    if rest >= 2:
        h ^= data[base + 1] << 8
    if rest >= 1:
        h ^= data[base]
        h = (h * _M) & _MASK
    h ^= h >> 13
    h = (h * _M) & _MASK
    h ^= h >> 15
    return _to_int32(h)


def to_positive(x: int) -> int:
    """Kafka's `Utils.toPositive`: clear the sign bit (not abs())."""
    return x & 0x7FFFFFFF


def partition_for_key(key: bytes, num_partitions: int) -> int:
    return to_positive(murmur2(key)) % num_partitions


class StickyPartitioner:
    """KIP-480: records with a null key stick to one partition until the batch
    is sent, then the producer picks another partition at random (never the
    same one twice in a row when there is a choice)."""

    def __init__(self, rng):
        self._rng = rng
        self.current: int | None = None

    def next_batch(self, num_partitions: int) -> int:
        if num_partitions == 1:
            self.current = 0
        else:
            # the current partition (if it still exists) is left out of the draw
            avoid = self.current is not None and self.current < num_partitions
            choice = self._rng.randrange(num_partitions - 1 if avoid else num_partitions)
            if avoid and choice >= self.current:
                choice += 1
            self.current = choice
        return self.current
