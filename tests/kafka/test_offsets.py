"""groupviz.kafka.offsets: a group's committed offsets and the window of recent commits Burrow evaluates."""

from __future__ import annotations

from groupviz.kafka import lagstatus
from groupviz.kafka.offsets import BURROW_INTERVALS, OffsetStore

TP = ("orders", 0)


def test_a_partition_has_no_offset_until_it_is_committed():
    store = OffsetStore()
    assert store.get(TP) is None and store.window == {}
    store.commit(TP, 12, 1000, 20)
    assert store.get(TP) == 12
    assert store.get(("orders", 1)) is None


def test_each_commit_adds_offset_time_and_lag_at_commit_to_the_window():
    store = OffsetStore()
    store.commit(TP, 12, 1000, 20)
    store.commit(TP, 20, 2000, 20)
    store.commit(TP, 25, 3000, 21)
    assert list(store.window[TP]) == [(12, 1000, 8), (20, 2000, 0), (25, 3000, 0)]   # lag never below 0
    assert store.committed == {TP: 25}


def test_the_window_keeps_burrows_last_ten_commits_per_partition():
    store = OffsetStore()
    for i in range(BURROW_INTERVALS + 5):
        store.commit(TP, i, i * 100, 100)
    store.commit(("orders", 1), 7, 50, 9)
    w = store.window[TP]
    assert BURROW_INTERVALS == 10 and len(w) == BURROW_INTERVALS
    assert w[0] == (5, 500, 95) and w[-1] == (14, 1400, 86)
    assert list(store.window[("orders", 1)]) == [(7, 50, 2)]


def test_a_consumer_falling_behind_reads_warn_and_one_that_stops_committing_stop():
    store = OffsetStore()
    for i in range(5):                       # moving, but the log grows faster: lag rises
        store.commit(TP, 10 * i, 1000 * i, 10 * i + 5 + i)
    window = list(store.window[TP])
    assert lagstatus.partition_status(window, 9, 4500) == "WARN"
    assert lagstatus.partition_status(window, 9, 8001) == "STOP"
