"""The simulated clock: integer milliseconds and a heap of scheduled calls.

Modelled on SimPy's `Environment` (`now`, a heap, `step()`, `run(until)`), cut
down to what groupviz needs. There is no wall clock here: `realtime.py` is the
only module that maps simulated time to real time.

Order is deterministic: events fire by (time, priority, insertion sequence).

A cancelled call stays in the heap until its time comes (or until it reaches
the top), so code that cancels and re-arms a timer often (a session-timeout
timer re-armed by every heartbeat) would grow the heap by timeout/interval
entries per member. `schedule` therefore drops the cancelled entries whenever
the heap has doubled since the last clean-up: amortised O(1), and the order of
the remaining entries is unchanged (it depends only on their keys).
"""

from __future__ import annotations

import heapq
from typing import Any, Callable

# Lower fires first among events due at the same millisecond.
URGENT = 0      # network deliveries, timeouts
NORMAL = 1      # periodic work (producer, consumers)
LATE = 2        # metrics sampling: sees the state after the millisecond's work

COMPACT_MIN = 1024   # heap size below which cancelled entries are left for step() to skip


class Timer:
    """A handle to a scheduled call; `cancel()` makes it a no-op."""

    __slots__ = ("time", "cancelled")

    def __init__(self, time: int):
        self.time = time
        self.cancelled = False

    def cancel(self) -> None:
        self.cancelled = True


class Environment:
    def __init__(self, start: int = 0):
        self.now: int = start
        self._queue: list[tuple[int, int, int, Timer, Callable[..., Any], tuple]] = []
        self._seq = 0
        self._compact_at = COMPACT_MIN

    def schedule(self, delay: int, fn: Callable[..., Any], *args: Any, priority: int = URGENT) -> Timer:
        """Call `fn(*args)` `delay` simulated ms from now (delay >= 0)."""
        if delay < 0:
            raise ValueError(f"negative delay {delay}")
        t = Timer(self.now + int(delay))
        self._seq += 1
        heapq.heappush(self._queue, (t.time, priority, self._seq, t, fn, args))
        if len(self._queue) >= self._compact_at:
            self.compact()
        return t

    def compact(self) -> None:
        """Drop cancelled calls from the heap (they would be skipped anyway)."""
        self._queue = [e for e in self._queue if not e[3].cancelled]
        heapq.heapify(self._queue)
        self._compact_at = max(COMPACT_MIN, 2 * len(self._queue))

    def every(self, period: int, fn: Callable[[], Any], *, priority: int = NORMAL, offset: int = 0) -> Timer:
        """Call `fn()` every `period` ms, first after `offset` ms; cancel via the handle."""
        handle = Timer(self.now + offset)

        def fire() -> None:
            if handle.cancelled:
                return
            fn()
            handle.time = self.now + period
            self.schedule(period, fire, priority=priority)

        self.schedule(offset, fire, priority=priority)
        return handle

    def peek(self) -> int | None:
        """Time of the next pending event, or None."""
        while self._queue and self._queue[0][3].cancelled:
            heapq.heappop(self._queue)
        return self._queue[0][0] if self._queue else None

    def step(self) -> None:
        """Process the next event (advancing `now` to its time)."""
        time, _prio, _seq, timer, fn, args = heapq.heappop(self._queue)
        self.now = time
        if not timer.cancelled:
            fn(*args)

    def run(self, until: int) -> None:
        """Process every event due at or before `until`, then set now = until."""
        if until < self.now:
            raise ValueError(f"until={until} is in the past (now={self.now})")
        while True:
            nxt = self.peek()
            if nxt is None or nxt > until:
                break
            self.step()
        self.now = until

    def __len__(self) -> int:
        return len(self._queue)
