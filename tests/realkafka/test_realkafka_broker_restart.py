"""Faults: a broker that restarts is survived (the mock cluster's broker goes down through
rd_kafka_mock_broker_set_down, the snapshot shows the fault, the broker comes back, the fault clears, the
consumers own every partition again and their commits advance), and a cluster unreachable from the start
is retried by a monitor that stays alive."""

from __future__ import annotations

import time

import pytest

from groupviz.realkafka.backend import KafkaBackend
from realkafka_helpers import covers_exactly, group, wait_for

pytestmark = pytest.mark.timeout(150)


def _committed(snap):
    return sum(r["committed"] or 0 for r in group(snap)["partitions"])


def test_a_broker_restart_shows_as_a_fault_and_is_survived():
    be = KafkaBackend("mock", consumers=2, producer_rate=20)
    try:
        wait_for(be, lambda s: covers_exactly(s, 2) and _committed(s) > 0, timeout=40, what="stable, committing")
        be.cluster.send({"op": "broker_down", "broker": 1})
        down = wait_for(be, lambda s: s["fault"] is not None, timeout=20, what="the fault on the snapshot")
        assert be.bootstrap in down["fault"]
        stalled = _committed(down)
        time.sleep(1.0)
        be.cluster.send({"op": "broker_up", "broker": 1})
        up = wait_for(be, lambda s: s["fault"] is None, timeout=30, what="the fault clears")
        wait_for(be, lambda s: covers_exactly(s, 2) and _committed(s) > max(stalled, _committed(up)) + 10,
                 timeout=60, what="consumers resume and commits advance again")
        assert all(m.child.alive() for m in be.groups["g1"].members.values())
    finally:
        be.close()


def test_a_cluster_unreachable_from_the_start_is_retried_by_a_monitor_that_stays_alive():
    from conftest import free_port

    be = KafkaBackend(f"127.0.0.1:{free_port()}", consumers=0, producer_rate=1)
    try:
        snap = wait_for(be, lambda s: s["fault"] is not None and "does not answer" in s["fault"], timeout=40,
                        what="the monitor's own report of the unreachable cluster")
        assert be.bootstrap in snap["fault"]
        time.sleep(1.0)
        assert be.monitor.alive()               # it keeps asking (it used to die in its first list_topics)
    finally:
        be.close()
