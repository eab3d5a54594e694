"""The real group's view without a cluster: Burrow's window holds commits, not the monitor's readings."""

from __future__ import annotations

from groupviz.realkafka.view import Offsets, RealGroup


def test_reading_the_same_commit_twice_is_not_a_stall():
    offsets = Offsets(1)
    g = RealGroup("g1", "orders", offsets, configs={})
    offsets.update(0, {"0": 10})
    g.on_offsets({"0": 5}, 0)
    offsets.update(500, {"0": 12})
    g.on_offsets({"0": 5}, 500)                  # the monitor reads again before the next auto-commit
    row = g.partition_rows(600)[0]
    assert row["window"] == 1 and row["status"] == "OK"
    offsets.update(1000, {"0": 14})
    g.on_offsets({"0": 11}, 1000)                # a new commit
    assert g.partition_rows(1100)[0]["window"] == 2


def test_a_consumer_that_stops_committing_is_stop_not_stall():
    offsets = Offsets(1)
    g = RealGroup("g1", "orders", offsets, configs={})
    for t, (end, off) in enumerate([(10, 2), (20, 8), (30, 15)]):
        offsets.update(t * 1000, {"0": end})
        g.on_offsets({"0": off}, t * 1000)
    for t in range(3, 12):                       # no new commit while records keep arriving
        offsets.update(t * 1000, {"0": 30 + 10 * t})
        g.on_offsets({"0": 15}, t * 1000)
    assert g.partition_rows(11_000)[0]["status"] == "STOP"
