"""Lag status the way Burrow evaluates it, and lag in time.

Burrow (linkedin/Burrow, `core/internal/evaluator/caching.go`,
`calculatePartitionStatus`) looks at a window of the last `intervals` (10)
commits of a partition, each with its offset, time and the lag at commit:

- current lag 0 -> OK
- STOP: commits stopped for longer than the window spans
  (now - last > last - first), unless the broker's recent log end offsets
  show the consumer was caught up (`checkIfRecentLagZero`)
- if some lag in the window was 0 -> OK; otherwise, in order:
  REWIND (an offset went backwards), STALL (offsets never moved),
  WARN (lag never decreased), else OK.

Group status is the worst: a STOP, STALL or REWIND partition makes the group
ERR, a WARN partition makes it WARN.

Deviation (documented in docs/kafka-fidelity.md): Burrow evaluates a window
with a single commit, where every rule is degenerate (one commit is "stalled"
and "stopped" as soon as any time passes); groupviz reports such a window as
OK until it holds two commits, and says how complete it is.

Lag in time follows kafka-lag-exporter's definition (now minus the time the
next unconsumed record was produced); groupviz knows that time exactly where
the exporter interpolates it from sampled log end offsets.
"""

from __future__ import annotations

OK, WARN, ERR, STOP, STALL, REWIND = "OK", "WARN", "ERR", "STOP", "STALL", "REWIND"
PARTITION_ERRORS = (STOP, STALL, REWIND)


def partition_status(window, current_lag: int | None, now_ms: int, broker_offsets=(),
                     window_verdict: str | None = None) -> str:
    """`window`: [(offset, time_ms, lag_at_commit), ...] oldest first.

    `window_verdict`, if given, is `window_status(window)` computed earlier (it only changes
    when a commit is added, so callers that ask ten times a second may cache it).
    """
    if current_lag is None or current_lag <= 0 or len(window) < 2:
        return OK
    first_t, last_t = window[0][1], window[-1][1]
    if (now_ms - last_t) > (last_t - first_t):
        last_offset = window[-1][0]
        if not any(leo <= last_offset for leo in broker_offsets):
            return STOP
    return window_status(window) if window_verdict is None else window_verdict


def window_status(window) -> str:
    """The rules that look only at the window (a partition whose current lag is > 0)."""
    if all(lag != 0 for _, _, lag in window):
        if any(window[i][0] < window[i - 1][0] for i in range(1, len(window))):
            return REWIND
        if all(window[i][0] == window[i - 1][0] for i in range(1, len(window))):
            return STALL
        if all(window[i][2] >= window[i - 1][2] for i in range(1, len(window))):
            return WARN
    return OK


def group_status(statuses) -> str:
    worst = OK
    for s in statuses:
        if s in PARTITION_ERRORS:
            return ERR
        if s == WARN:
            worst = WARN
    return worst


def lag_ms(partition, committed: int | None, now_ms: int) -> int | None:
    """Age of the oldest unconsumed record (0 when caught up, None before any commit)."""
    if committed is None:
        return None
    if committed >= partition.log_end_offset:
        return 0
    t = partition.produce_time(committed)
    return None if t is None else max(0, now_ms - t)
