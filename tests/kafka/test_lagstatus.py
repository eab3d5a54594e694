"""groupviz.kafka.lagstatus: Burrow's partition and group status (linkedin/Burrow
core/internal/evaluator/caching.go calculatePartitionStatus) and lag in time."""

from __future__ import annotations

import pytest

from groupviz.kafka import lagstatus
from groupviz.kafka.log import Partition

# -- Burrow's rules (caching.go calculatePartitionStatus) --------------------------------------

W = [(10, 1000, 5), (20, 2000, 6), (30, 3000, 7)]


@pytest.mark.parametrize("window,lag,now,broker,expected", [
    (W, 0, 3500, (), "OK"),                                          # no lag now
    ([(10, 1000, 5), (20, 2000, 0), (30, 3000, 7)], 7, 3500, (), "OK"),  # lag was 0 in the window
    (W, 7, 3500, (), "WARN"),                                        # offsets move, lag never drops
    ([(10, 1000, 9), (20, 2000, 6), (30, 3000, 7)], 7, 3500, (), "OK"),  # lag decreased once
    ([(30, 1000, 5), (20, 2000, 6), (30, 3000, 7)], 7, 3500, (), "REWIND"),
    ([(30, 1000, 5), (30, 2000, 6), (30, 3000, 7)], 7, 3500, (), "STALL"),
    (W, 7, 5001, (), "STOP"),                                        # silent longer than the window spans
    (W, 7, 5001, (25, 40), "WARN"),                                  # ... but recently caught up: not STOP
    ([(10, 1000, 5)], 7, 9000, (), "OK"),                           # one commit: not evaluated (documented)
])
def test_burrow_partition_status(window, lag, now, broker, expected):
    assert lagstatus.partition_status(window, lag, now, broker) == expected


def test_burrow_group_status_is_the_worst_partition():
    assert lagstatus.group_status(["OK", "WARN"]) == "WARN"
    assert lagstatus.group_status(["OK", "STALL", "WARN"]) == "ERR"
    assert lagstatus.group_status(["OK"]) == "OK"


@pytest.mark.parametrize("bad", lagstatus.PARTITION_ERRORS)
def test_every_partition_error_makes_the_group_err_and_no_partition_means_ok(bad):
    assert lagstatus.group_status(["WARN", bad, "OK"]) == "ERR"
    assert lagstatus.group_status([]) == "OK"


def test_stop_is_decided_at_the_window_boundary():
    # the window spans 2000 ms: silent exactly that long is not yet STOP, a millisecond more is
    assert lagstatus.partition_status(W, 7, 5000, ()) == "WARN"
    assert lagstatus.partition_status(W, 7, 5001, ()) == "STOP"


def test_no_current_lag_or_no_commit_window_is_ok_whatever_the_window_says():
    stalled = [(30, 1000, 5), (30, 2000, 6), (30, 3000, 7)]
    assert lagstatus.partition_status(stalled, None, 3500) == "OK"
    assert lagstatus.partition_status(stalled, 0, 99_999) == "OK"
    assert lagstatus.partition_status([], 7, 99_999) == "OK"


def test_the_window_rules_go_rewind_then_stall_then_warn():
    # an offset going backwards while the rest never moves: REWIND wins over STALL
    assert lagstatus.window_status([(30, 1, 5), (20, 2, 6), (20, 3, 7)]) == "REWIND"
    assert lagstatus.window_status([(30, 1, 5), (30, 2, 4), (30, 3, 3)]) == "STALL"   # stalled, lag dropping
    assert lagstatus.window_status([(10, 1, 5), (20, 2, 5), (30, 3, 5)]) == "WARN"    # lag flat counts as not dropping
    assert lagstatus.window_status([(30, 1, 0), (20, 2, 6), (30, 3, 7)]) == "OK"      # a zero lag clears it


def test_a_cached_window_verdict_is_used_instead_of_evaluating_the_window_again():
    assert lagstatus.partition_status(W, 7, 3500, (), window_verdict="STALL") == "STALL"
    # ... but STOP is still decided from the times, before the verdict is consulted
    assert lagstatus.partition_status(W, 7, 9000, (), window_verdict="OK") == "STOP"


# -- lag in time (kafka-lag-exporter) -----------------------------------------------------------

def _partition() -> Partition:
    p = Partition("orders", 0)
    p.append(10, 1000)      # offsets 0..9 produced at 1000 ms
    p.append(5, 1500)       # offsets 10..14 at 1500 ms
    return p


def test_lag_ms_is_the_age_of_the_next_unconsumed_record():
    p = _partition()
    assert lagstatus.lag_ms(p, None, 2000) is None           # no commit yet
    assert lagstatus.lag_ms(p, 0, 2000) == 1000
    assert lagstatus.lag_ms(p, 9, 2000) == 1000
    assert lagstatus.lag_ms(p, 10, 2000) == 500
    assert lagstatus.lag_ms(p, 15, 2000) == 0                # caught up
    assert lagstatus.lag_ms(p, 10, 1200) == 0                # never negative
