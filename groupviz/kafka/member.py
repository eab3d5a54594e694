"""What a member of any kind of group is, and the arithmetic every kind of member shares.

Member states (docs/wire.md): `active` processing, `paused` by the teacher, `crashed` (killed, not yet
expelled by its coordinator), `leaving` (a graceful stop on its way).
"""

from __future__ import annotations

from collections import deque
from operator import itemgetter

ACTIVE, PAUSED, CRASHED, LEAVING = "active", "paused", "crashed", "leaving"
THROUGHPUT_WINDOW_MS = 1000
_count = itemgetter(1)


class RateWindow(deque):
    """A deque of (time_ms, count) that keeps the sum of its counts: a rate costs no walk over the
    window (200 members x 10 snapshots a second in the large scenario)."""

    def __init__(self):
        super().__init__()
        self.total = 0

    def append(self, item) -> None:
        super().append(item)
        self.total += item[1]

    def popleft(self):
        item = super().popleft()
        self.total -= item[1]
        return item


def windowed_rate(window, now: int) -> float:
    """Records/s over the last THROUGHPUT_WINDOW_MS from a deque of (time_ms, count); drops older entries."""
    cutoff = now - THROUGHPUT_WINDOW_MS
    while window and window[0][0] <= cutoff:
        window.popleft()
    total = window.total if type(window) is RateWindow else sum(map(_count, window))
    return total * 1000.0 / THROUGHPUT_WINDOW_MS


def fair_share(left: list[int], budget: int) -> list[int]:
    """Records to take from each partition, given how many each has (`left`, all > 0, in the order
    this poll visits them): `budget` handed out in rounds of equal shares, the first partitions
    taking what does not divide evenly. The list may be shorter than `left` (the rest take 0)."""
    k = len(left)
    if budget <= k:
        return [1] * budget       # the rounds below give exactly this: one each from the first ones
    left = list(left)
    take = [0] * k
    remaining = budget
    live = range(k)
    while remaining > 0 and live:
        share = max(1, remaining // len(live))
        nxt = []
        for i in live:
            if remaining <= 0:
                nxt.append(i)
                continue
            n = min(share, left[i], remaining)
            take[i] += n
            left[i] -= n
            remaining -= n
            if left[i] > 0:
                nxt.append(i)
        live = nxt
    return take


class Member:
    """What a member of any kind of group is: who it is (client id = member id), its colour on the page,
    the records/s it can process, its state, and its throughput over the last second."""

    def __init__(self, group, member_id: str, color: int, rate: float, host: str):
        self.group = group
        self.env = group.env
        self.member_id = member_id
        self.client_id = member_id
        self.host = host
        self.color = color
        self.rate = float(rate)
        self.state = ACTIVE
        self._window: RateWindow = RateWindow()   # (time_ms, records processed)

    @property
    def alive(self) -> bool:
        return self.state in (ACTIVE, PAUSED)

    def throughput(self) -> float:
        return windowed_rate(self._window, self.env.now)


