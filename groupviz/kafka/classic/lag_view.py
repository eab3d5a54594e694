"""A classic group's lag as `kafka-consumer-groups.sh` and Burrow see it: each partition's lag from its
committed offset, the backlog before a partition's first commit, the log end offsets Burrow's cluster module
samples, the metrics the charts sample, and the snapshot's per-partition rows with Burrow's status.

Followed: Burrow's `evaluateGroup` window rules (groupviz.kafka.lagstatus) over the commits kept by
groupviz.kafka.offsets. A mixin of `ConsumerGroup` (a KIP-848 group inherits it unchanged); `self` is the
group: offsets, broker_offsets, _window_status (the rules' cache), view_partitions(), _by_membership().
"""

from __future__ import annotations

from collections import deque

from groupviz.kafka import lagstatus
from groupviz.kafka.offsets import BURROW_INTERVALS

_UNSEEN = object()      # member_lag: a partition the lag map does not cover


class LagViews:
    """ConsumerGroup methods for lag and the per-partition rows."""

    def _lag_init(self) -> None:
        self.broker_offsets: dict[tuple[str, int], deque] = {}
        self._window_status: dict = {}    # tp -> (newest commit in its window, lagstatus.window_status)

    def uncommitted_gap(self) -> int | None:
        """Before a partition's first commit its lag is "-" (kafka-consumer-groups.sh prints LAG -), but the
        backlog is real: the records between where the group would start (auto.offset.reset, as start_offset
        says) and the log end. Their sum over the partitions the group reads and has not committed yet is
        drawn beside the lag (issue 18); None once every partition has a committed offset."""
        committed = self.offsets.committed
        gaps = [p.log_end_offset - self.start_offset(p.tp) for p in self.view_partitions() if p.tp not in committed]
        return sum(gaps) if gaps else None

    def partition_lag(self, tp) -> int | None:
        off = self.offsets.get(tp)
        if off is None:
            return None
        return max(0, self.part(tp).log_end_offset - off)

    def member_lag(self, assigned, lag_of: dict) -> int | None:
        """A member's lag: the sum over its `assigned` partitions, each read from `lag_of` (the partitions'
        lags, computed once for the rows) or computed here for one outside it (another topic's). 0 with no
        partition; None while none of them has a committed offset (kafka-consumer-groups.sh: "-"), never 0."""
        lag = None
        for tp in assigned:
            x = lag_of.get(tp, _UNSEEN)
            if x is _UNSEEN:
                x = self.partition_lag(tp)
            if x is not None:
                lag = x if lag is None else lag + x
        return 0 if lag is None and not assigned else lag

    def sample_broker_offsets(self) -> None:
        """What Burrow's cluster module does every offset-refresh: remember recent log end offsets."""
        for p in self.view_partitions():
            d = self.broker_offsets.get(p.tp)
            if d is None:
                d = self.broker_offsets[p.tp] = deque(maxlen=BURROW_INTERVALS)
            d.append(p.log_end_offset)

    def sample_metrics(self) -> dict:
        # each partition's lag once, for its row and its owner's sum
        lag_of = {p.tp: self.partition_lag(p.tp) for p in self.view_partitions()}
        lag, thr = {}, {}
        for c in self.consumers.values():
            lag[c.member_id] = self.member_lag(c.assigned, lag_of)    # None: a gap in the chart, never 0
            thr[c.member_id] = round(c.throughput(), 2)
        plag = {f"{tp[0]}-{tp[1]}": x for tp, x in lag_of.items()}
        return {"lag": lag, "throughput": thr, "partition_lag": plag, "uncommitted_gap": self.uncommitted_gap()}

    def _partition_rows(self, now: int):
        """The snapshot's per-partition rows, and what the group totals need from them.

        Runs ten times a second for every viewer tick, over every partition: plain loops and
        local names here, and Burrow's window rules cached until the partition's next commit.
        """
        owner_of = {tp: c for c in self._by_membership() for tp in c.assigned}
        committed_of = self.offsets.committed
        windows = self.offsets.window
        broker = self.broker_offsets
        cache = self._window_status
        parts, lag_of = [], {}
        total = 0
        max_lag_ms = None
        worst = OK = lagstatus.OK
        for p in self.view_partitions():
            tp = p.tp
            leo = p.log_end_offset
            committed = committed_of.get(tp)
            if committed is None:
                lag = lms = None
            else:
                lag = leo - committed if leo > committed else 0
                total += lag
                if committed >= leo:
                    lms = 0
                else:
                    t = p.produce_time(committed)
                    lms = None if t is None else (now - t if now > t else 0)
                if lms is not None and (max_lag_ms is None or lms > max_lag_ms):
                    max_lag_ms = lms
            lag_of[tp] = lag
            c = owner_of.get(tp)
            window = windows.get(tp, ())
            # Burrow knows a partition only from its commits: none yet, no status (the page shows "-").
            status = None if committed is None else OK
            if lag and len(window) >= 2:
                last = window[-1]
                hit = cache.get(tp)
                if hit is None or hit[0] is not last:
                    hit = cache[tp] = (last, lagstatus.window_status(window))
                if now - last[1] > last[1] - window[0][1]:      # Burrow's STOP rule may apply
                    status = lagstatus.partition_status(window, lag, now, broker.get(tp, ()), hit[1])
                else:
                    status = hit[1]
                if status != OK and worst != lagstatus.ERR:
                    worst = lagstatus.group_status((worst, status))
            parts.append({"topic": tp[0], "partition": tp[1], "owner": c.member_id if c else None,
                          "committed": committed, "lag": lag, "lag_ms": lms, "status": status,
                          "window": len(window), "log_end_offset": leo,
                          "position": c.positions.get(tp) if c else None})
        if not committed_of:
            worst = None
        return parts, lag_of, total, worst, max_lag_ms
