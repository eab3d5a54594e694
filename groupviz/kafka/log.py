"""Topics and partitions: append-only logs described by offsets.

A partition keeps its log start and log end offsets and a bounded index of
(first offset, produce time) per appended batch, which is enough to know when
any offset was produced (for end-to-end latency and lag in time) without a
Python object per record. Past the index's bound, times are extrapolated the
way kafka-lag-exporter does.
"""

from __future__ import annotations

from array import array
from bisect import bisect_right

#: Batches whose produce time is kept exactly, per partition.
TIME_INDEX_BATCHES = 4096
#: The index arrays hold up to this many batches before the oldest are dropped in one go
#: (amortised: one memmove per TIME_INDEX_SLACK appends); only the newest TIME_INDEX_BATCHES count.
TIME_INDEX_SLACK = 1024


class Partition:
    __slots__ = ("topic", "partition", "tp", "log_start_offset", "log_end_offset", "_batch_offsets", "_batch_times")

    def __init__(self, topic: str, partition: int):
        self.topic = topic
        self.partition = partition
        self.tp = (topic, partition)
        self.log_start_offset = 0
        self.log_end_offset = 0
        # int64 arrays, not deques: bisect on them is O(log n) and they hold no int objects
        self._batch_offsets = array("q")
        self._batch_times = array("q")

    def append(self, count: int, time_ms: int) -> int:
        """Append `count` records produced at `time_ms`; return the first offset."""
        first = self.log_end_offset
        if count > 0:
            offs = self._batch_offsets
            offs.append(first)
            self._batch_times.append(time_ms)
            self.log_end_offset = first + count
            if len(offs) > TIME_INDEX_BATCHES + TIME_INDEX_SLACK:
                del offs[:TIME_INDEX_SLACK]
                del self._batch_times[:TIME_INDEX_SLACK]
        return first

    def _index_start(self) -> int:
        """First index entry that counts: the arrays may hold up to TIME_INDEX_SLACK older ones."""
        n = len(self._batch_offsets)
        return n - TIME_INDEX_BATCHES if n > TIME_INDEX_BATCHES else 0

    def produce_time(self, offset: int) -> int | None:
        """When the record at `offset` was produced (None if nothing was)."""
        offs = self._batch_offsets
        if not offs or offset >= self.log_end_offset:
            return None
        n = len(offs)               # _index_start(), inline: 1,000 partitions' lag in time every snapshot
        lo = n - TIME_INDEX_BATCHES if n > TIME_INDEX_BATCHES else 0
        i = bisect_right(offs, offset, lo) - 1
        if i >= lo:
            return self._batch_times[i]
        # Older than the index: extrapolate from the two oldest points.
        times = self._batch_times
        if len(offs) - lo < 2:
            return times[lo]
        o0, o1 = offs[lo], offs[lo + 1]
        t0, t1 = times[lo], times[lo + 1]
        return int(t0 - (o0 - offset) * (t1 - t0) / max(1, o1 - o0))

    def batches_between(self, start: int, end: int):
        """Yield (count, produce_time) for the records in [start, end)."""
        offs, times = self._batch_offsets, self._batch_times
        if start >= end or not offs:
            return
        lo = self._index_start()
        i = max(lo, bisect_right(offs, start, lo) - 1)
        if start < offs[lo]:
            n = min(end, offs[lo]) - start
            yield n, self.produce_time(start)
            start = offs[lo]
        n_b = len(offs)
        while start < end and i < n_b:
            b_end = offs[i + 1] if i + 1 < n_b else self.log_end_offset
            n = min(end, b_end) - start
            if n > 0:
                yield n, times[i]
                start += n
            i += 1

    def add_latencies(self, start: int, end: int, arrive: int, out: list) -> None:
        """Append (arrive - produce_time, count) to `out` for the records in [start, end).

        The same pairs as `batches_between`, without a generator: this runs for every
        range a consumer processes.
        """
        offs = self._batch_offsets
        if start >= end or not offs:
            return
        n_b = len(offs)
        lo = n_b - TIME_INDEX_BATCHES if n_b > TIME_INDEX_BATCHES else 0
        if start < offs[lo]:
            for n, t in self.batches_between(start, end):
                if t is not None:
                    out.append((arrive - t, n))
            return
        times = self._batch_times
        i = bisect_right(offs, start, lo) - 1
        if end == start + 1:        # one record (most ranges at large scale): its batch's time
            out.append((arrive - times[i], 1))
            return
        last = n_b - 1
        while start < end:
            b_end = offs[i + 1] if i < last else self.log_end_offset
            if b_end > end:
                b_end = end
            if b_end > start:
                out.append((arrive - times[i], b_end - start))
                start = b_end
            i += 1
            if i > last:
                break


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


class Topics:
    """The cluster's topics in creation order: the first is the default topic (`GroupContext.topic`, the one
    every scenario of one topic has). `partition(tp)` finds a (topic, partition)'s log in any of them."""

    def __init__(self, first: Topic):
        self._by_name: dict[str, Topic] = {first.name: first}

    @property
    def first(self) -> Topic:
        return next(iter(self._by_name.values()))

    def add(self, topic: Topic) -> None:
        self._by_name[topic.name] = topic

    def get(self, name: str) -> Topic | None:
        return self._by_name.get(name)

    def names(self) -> list[str]:
        return list(self._by_name)

    def __iter__(self):
        return iter(self._by_name.values())

    def __len__(self) -> int:
        return len(self._by_name)

    def __contains__(self, name) -> bool:
        return name in self._by_name

    def partition(self, tp) -> Partition:
        return self._by_name[tp[0]].partitions[tp[1]]

    def counts(self, names) -> dict[str, int]:
        """{topic: partition count} of the named topics that exist (a client's metadata for its subscription)."""
        return {n: len(self._by_name[n].partitions) for n in names if n in self._by_name}

    def total_partitions(self) -> int:
        return sum(len(t.partitions) for t in self._by_name.values())
