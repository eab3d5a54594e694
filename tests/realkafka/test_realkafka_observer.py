"""Observer mode (`--kafka HOST:PORT --observe GROUP`) against the embedded mock cluster: a second backend
commits in group g1 with a real consumer; the observer watches g1 without joining it and shows committed
offsets, log end offsets, lag in records and in time, Burrow's status over time, and one line saying the
cluster has no DescribeGroups."""

from __future__ import annotations

import pytest

from groupviz.realkafka import procs
from groupviz.realkafka.backend import KafkaBackend
from realkafka_helpers import assignment, covers_exactly, group, wait_for

pytestmark = pytest.mark.timeout(120)


def _committed(snap):
    return [r["committed"] for r in group(snap)["partitions"]]


def test_an_observer_watches_a_group_without_joining_it():
    committer = KafkaBackend("mock", consumers=1, producer_rate=20)
    observer = None
    try:
        before = wait_for(committer, lambda s: covers_exactly(s, 1), what="the committing consumer owns all")
        member = group(before)["members"][0]
        children = set(procs.CHILDREN)
        observer = KafkaBackend(committer.bootstrap, observe=["g1"])
        started = set(procs.CHILDREN) - children
        assert [c.name for c in started] == ["monitor"]          # an admin client; no consumer process
        assert observer.apply({"op": "add_consumer"})["ok"] is False
        first = wait_for(observer, lambda s: all(c is not None and c > 0 for c in _committed(s)), timeout=40,
                         what="the observer sees every partition's commit")
        statuses = []
        later = wait_for(observer, lambda s: statuses.append(group(s)["status"]) or
                         sum(_committed(s)) > sum(_committed(first)) + 20 and
                         all(r["window"] >= 3 for r in group(s)["partitions"]), timeout=40,
                         what="commits advance and Burrow's windows fill")
        g = group(later)
        assert g["members"] == [] and g["backend"] == "kafka" and g["state"] == "Unknown"   # no DescribeGroups
        assert later["backend"]["observe"] == ["g1"] and later["backend"]["cluster"] == "external"
        for r in g["partitions"]:
            assert r["log_end_offset"] >= r["committed"] and r["lag"] == r["log_end_offset"] - r["committed"]
            assert r["lag_ms"] is not None and r["status"] in ("OK", "WARN")
        assert g["status"] in ("OK", "WARN") and len(statuses) >= 2 and all(statuses)
        assert "DescribeGroups" in g["describe_note"] and "\n" not in g["describe_note"]
        assert observer.describe_group("g1", "offsets")["ok"]
        now = wait_for(committer, lambda s: True)
        after = group(now)["members"][0]        # the committer's own view: nobody else joined
        assert assignment(now) == {member["member_id"]: list(range(6))}
        assert (after["generation"], after["kafka_member_id"]) == (member["generation"], member["kafka_member_id"])
        assert len(group(now)["rebalances"]) == len(group(before)["rebalances"])
    finally:
        if observer is not None:
            observer.close()
        committer.close()
