"""groupviz/kafka/share/view.py: a share group's snapshot row."""

import json

from share_helpers import GID, make  # noqa: F401  (make is a fixture)


def test_snapshot_has_the_consumer_group_keys_plus_the_share_keys(make):
    eng, g = make()
    eng.step(3000)
    s = eng.snapshot()
    json.dumps(s)
    gs = next(x for x in s["groups"] if x["group_id"] == GID)
    for key in ("group_id", "type", "state", "generation", "assignor", "protocol", "leader", "config", "members",
                "partitions", "lag", "processed", "duplicates", "throughput", "rebalances",
                "competition", "in_flight", "acks", "archived", "wins", "redeliveries"):
        assert key in gs, key
    assert gs["type"] == "share" and gs["protocol"] == "share" and gs["assignor"] == "simple"
    assert gs["leader"] is None and gs["rebalances"] == [] and gs["competition"] == "random"
    assert set(gs["acks"]) == {"accept", "release", "reject"}
    for key in ("member_id", "client_id", "host", "color", "state", "rate", "partitions", "throughput",
                "processed", "lag", "generation", "last_heartbeat_ms"):
        assert key in gs["members"][0], key
    for key in ("group_epoch", "assignment_epoch", "max_poll_records", "acknowledgement_mode"):
        assert key in gs, key
    for key in ("member_epoch", "target", "batches", "last_batch", "batch_left", "stale", "ack_type"):
        assert key in gs["members"][0], key
    p0 = gs["partitions"][0]
    assert {"topic", "partition", "committed", "lag", "log_end_offset", "position", "holders"} <= set(p0)
    # the partition's holders (the simple assignor); owner only when exactly one member holds it
    assert p0["holders"] == [m["member_id"] for m in gs["members"] if ["orders", 0] in m["partitions"]]
    assert p0["owner"] == (p0["holders"][0] if len(p0["holders"]) == 1 else None)
    for r in gs["in_flight"]:
        assert set(r) >= {"topic", "partition", "offset", "member_id", "delivery_count", "lock_expires_ms"}
    assert "s1" in s["history"]["groups"] and "orders-0" in s["history"]["groups"]["s1"]["partition_lag"]
