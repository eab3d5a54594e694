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


class PartitionReader(Member):
    """A member that owns partitions and reads them (a classic consumer, a KIP-848 consumer): its
    positions, its timers, its commits (`generation` is the classic generation or the KIP-848 member
    epoch the commit carries), and processing as a budget of `rate` records per second over the owned
    partitions, taken in offset ranges."""

    def __init__(self, group, member_id: str, color: int, rate: float, host: str):
        super().__init__(group, member_id, color, rate, host)
        self.generation = -1
        self.assigned: list[tuple[str, int]] = []
        self.positions: dict[tuple[str, int], int] = {}
        self.processed = 0
        self._credit = 0.0
        self._rr = 0
        self._logs_for: tuple = (None, [])     # (the assigned list, its partitions' logs): built once per assignment
        self._timers: list = []
        # Real consumers are not in lock-step: each starts its heartbeat and
        # auto-commit clocks at its own phase (deterministic per seed and id).
        self._rng = group.ctx.rng(member_id)

    def app_view(self) -> dict:
        """What the member's application is doing, for the snapshot (the classic consumer's poll loop)."""
        return {}

    def crash(self) -> None:
        """Killed: no commit, no leave request. The coordinator notices when the session times out."""
        self.state = CRASHED
        for t in self._timers:
            t.cancel()

    def close(self) -> None:
        """Graceful: commit what it owns, then leave the way its protocol leaves (`_leave`)."""
        self._commit(self.assigned)
        self.state = LEAVING
        for t in self._timers:
            t.cancel()
        self._leave()

    def _leave(self) -> None:
        raise NotImplementedError

    def _after(self, delay: int, fn) -> None:
        self._timers = [t for t in self._timers if not t.cancelled and t.time > self.env.now]
        self._timers.append(self.env.schedule(delay, fn))

    def _commit(self, tps) -> None:
        offsets = {tp: self.positions[tp] for tp in tps if tp in self.positions}
        if offsets and self.group.config["enable.auto.commit"]:
            self.group.to_coordinator(self.group.commit_arrived, self.member_id, self.generation, offsets)

    # -- processing -------------------------------------------------------
    def poll(self, quantum_ms: int) -> None:
        if self.state != ACTIVE or not self.assigned:
            self._credit = 0.0
            return
        credit = self._credit + self.rate * quantum_ms / 1000.0
        budget = int(credit)
        if budget <= 0:
            self._credit = credit
            return
        assigned, logs_for = self.assigned, self._logs_for
        if logs_for[0] is not assigned:     # a new assignment (always a new list, never changed in place)
            logs_for = self._logs_for = (assigned, list(map(self.group.part, assigned)))
        positions = self.positions
        tps, logs, left = [], [], []    # partitions with records to read, their logs, how many each has
        for tp, log in zip(assigned, logs_for[1]):
            pos = positions.get(tp)
            if pos is not None:
                a = log.log_end_offset - pos
                if a > 0:
                    tps.append(tp)
                    logs.append(log)
                    left.append(a)
        if not tps:
            self._credit = min(credit, 1.0)
            return
        # fair share across partitions with data (a fetch returns from several partitions)
        k = len(tps)
        start = self._rr % k          # start one partition further each poll
        self._rr += 1
        ranges = []     # (tp, its log, first, end) in the order processed: the group counts them in one call
        if budget <= k:
            # fair_share() is [1] * budget here: one record from each of the first partitions
            for j in range(start, start + budget):
                i = j % k
                tp = tps[i]
                a = positions[tp]
                positions[tp] = a + 1
                ranges.append((tp, logs[i], a, a + 1))
            done = budget
        else:
            take = fair_share([left[(start + j) % k] for j in range(k)], budget)
            done = 0
            for j, n in enumerate(take):
                if n:
                    i = (start + j) % k
                    tp = tps[i]
                    a = positions[tp]
                    positions[tp] = a + n
                    ranges.append((tp, logs[i], a, a + n))
                    done += n
        self.group.on_processed_ranges(self, ranges)
        remaining = budget - done
        credit -= done
        if remaining > 0:
            credit = min(credit, 1.0)
        self._credit = credit
        self.processed += done
        self._window.append((self.env.now, done))
