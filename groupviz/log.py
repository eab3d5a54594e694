"""Topics and partitions: append-only logs described by offsets.

A partition keeps its log start and log end offsets and a bounded index of
(first offset, produce time) per appended batch, which is enough to know when
any offset was produced (for end-to-end latency and lag in time) without a
Python object per record. Past the index's bound, times are extrapolated the
way kafka-lag-exporter does.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import deque

#: Batches whose produce time is kept exactly, per partition.
TIME_INDEX_BATCHES = 4096


class Partition:
    __slots__ = ("topic", "partition", "log_start_offset", "log_end_offset", "_batch_offsets", "_batch_times")

    def __init__(self, topic: str, partition: int):
        self.topic = topic
        self.partition = partition
        self.log_start_offset = 0
        self.log_end_offset = 0
        self._batch_offsets: deque[int] = deque(maxlen=TIME_INDEX_BATCHES)
        self._batch_times: deque[int] = deque(maxlen=TIME_INDEX_BATCHES)

    @property
    def tp(self) -> tuple[str, int]:
        return (self.topic, self.partition)

    def append(self, count: int, time_ms: int) -> int:
        """Append `count` records produced at `time_ms`; return the first offset."""
        first = self.log_end_offset
        if count > 0:
            self._batch_offsets.append(first)
            self._batch_times.append(time_ms)
            self.log_end_offset += count
        return first

    def produce_time(self, offset: int) -> int | None:
        """When the record at `offset` was produced (None if nothing was)."""
        if not self._batch_offsets or offset >= self.log_end_offset:
            return None
        i = bisect_right(self._batch_offsets, offset) - 1
        if i >= 0:
            return self._batch_times[i]
        # Older than the index: extrapolate from the two oldest points.
        if len(self._batch_offsets) < 2:
            return self._batch_times[0]
        o0, o1 = self._batch_offsets[0], self._batch_offsets[1]
        t0, t1 = self._batch_times[0], self._batch_times[1]
        return int(t0 - (o0 - offset) * (t1 - t0) / max(1, o1 - o0))

    def batches_between(self, start: int, end: int):
        """Yield (count, produce_time) for the records in [start, end)."""
        offs, times = self._batch_offsets, self._batch_times
        if start >= end or not offs:
            return
        i = max(0, bisect_right(offs, start) - 1)
        if start < offs[0]:
            n = min(end, offs[0]) - start
            yield n, self.produce_time(start)
            start = offs[0]
        n_b = len(offs)
        while start < end and i < n_b:
            b_end = offs[i + 1] if i + 1 < n_b else self.log_end_offset
            n = min(end, b_end) - start
            if n > 0:
                yield n, times[i]
                start += n
            i += 1


class Topic:
    def __init__(self, name: str, partitions: int):
        self.name = name
        self.partitions: list[Partition] = [Partition(name, p) for p in range(partitions)]

    def add_partitions(self, count: int) -> None:
        base = len(self.partitions)
        self.partitions.extend(Partition(self.name, base + i) for i in range(count))

    def snapshot(self) -> dict:
        return {
            "name": self.name,
            "partitions": [
                {"partition": p.partition, "log_start_offset": p.log_start_offset, "log_end_offset": p.log_end_offset}
                for p in self.partitions
            ],
        }
