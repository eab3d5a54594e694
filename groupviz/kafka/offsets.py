"""Committed offsets of one group (Kafka's `__consumer_offsets`, per group).

A committed offset is the *next* offset to read ("lastProcessedMessageOffset
+ 1", `KafkaConsumer#commitSync`). Each partition also keeps a bounded window
of its recent commits (offset, time, lag at commit), which is what Burrow
evaluates.
"""

from __future__ import annotations

from collections import deque

#: Burrow's `intervals` default: commits kept per partition for evaluation.
BURROW_INTERVALS = 10


class OffsetStore:
    def __init__(self):
        self.committed: dict[tuple[str, int], int] = {}
        self.window: dict[tuple[str, int], deque] = {}

    def get(self, tp) -> int | None:
        return self.committed.get(tp)

    def commit(self, tp, offset: int, time_ms: int, log_end_offset: int) -> None:
        self.committed[tp] = offset
        w = self.window.get(tp)
        if w is None:
            w = self.window[tp] = deque(maxlen=BURROW_INTERVALS)
        w.append((offset, time_ms, max(0, log_end_offset - offset)))
