"""groupviz/kafka/share/acknowledge.py: accept, release, reject, lock timeouts and the delivery limit."""

from conftest import run_until
from hypothesis import strategies as st

from groupviz.kafka.config import (
    SHARE_DELIVERY_LIMIT as DELIVERY_LIMIT,
    SHARE_LOCK_MS as LOCK_MS,
    SHARE_REJECT_P as REJECT_P,
)
from groupviz.kafka.share.records import ACQUIRED

from share_helpers import GID, acked, drained, held_by, make, produce_then_drain  # noqa: F401  (make is a fixture)


def test_exactly_one_accept_per_record_and_one_result_each_when_nothing_fails(make):
    eng, g = make(seed=2, producer_rate=60.0, rates=(20.0, 20.0, 30.0, 40.0))
    log, _ = acked(g)
    produced = produce_then_drain(eng, g)
    assert set(k for k, _, _ in log) == {"accept"}
    assert len(log) == produced and set(log.values()) == {1}
    assert sum(g.topic.partitions[p].log_end_offset for p in range(6)) == produced
    assert g.acks == {"accept": produced, "release": 0, "reject": 0}
    assert g.redeliveries == 0 and g.duplicates == 0 and g.archived == 0 and g.lock_timeouts == 0
    st = eng.producer.by_group[GID]
    assert st["results"] == st["unique"] == g.results == produced
    # the reply takes 20 ms; processing inside one 50 ms poll slice is not timed finer than the slice
    assert eng.producer.snapshot([GID])["groups"][GID]["latency_ms"]["p50"] >= 20
    assert sum(g.wins.values()) == produced
    assert g.snapshot()["lag"] == 0


def test_killed_members_records_come_back_when_their_locks_expire_with_delivery_count_two(make):
    eng, g = make(seed=3, partitions=1, producer_rate=60.0, rates=(40.0, 40.0))
    log, dcs = acked(g)
    run_until(eng, lambda e: len(held_by(g, "consumer-1")) >= 2)
    held = held_by(g, "consumer-1")
    expires = max(r.lock_expires_ms for sp in g.partitions for r in sp.acquired.values() if r.member == "consumer-1")
    eng.apply({"op": "kill_consumer", "member_id": "consumer-1"})
    run_until(eng, lambda e: e.time_ms >= expires - 50)
    assert not any(("accept",) + k in log for k in held)     # still locked by the dead member
    run_until(eng, lambda e: all(("accept",) + k in log for k in held), limit_ms=2_000)
    for k in held:
        assert dcs[("accept",) + k] == ("consumer-2", 2)
    assert g.lock_timeouts >= len(held) and g.redeliveries >= len(held)
    ev = [e for e in eng.events if e["type"] == "locks_expired"]
    assert ev and ev[0]["member_id"] == "consumer-1" and ev[0]["time_ms"] <= expires


def test_reject_knob_archives_records_without_a_result(make):
    eng, g = make(seed=6, producer_rate=40.0, rates=(20.0,) * 4, config={REJECT_P: 0.25})
    log, _ = acked(g)
    produced = produce_then_drain(eng, g)
    rejected = g.acks["reject"]
    assert 0.18 < rejected / produced < 0.32
    assert g.archived == rejected and g.acks["accept"] + rejected == produced
    assert eng.producer.by_group[GID]["results"] == g.acks["accept"] == g.results
    assert len(log) == produced and set(log.values()) == {1}


def test_a_record_is_archived_when_its_delivery_count_reaches_the_limit(make):
    # explicit mode, the application RELEASEs every record: each release makes it Available for another
    # delivery until the delivery count reaches the limit, then it is Archived
    eng, g = make(partitions=1, producer_rate=10.0, rates=(),
                  config={DELIVERY_LIMIT: 2, "share.acknowledgement.mode": "explicit"})
    mid = eng.apply({"op": "add_consumer", "group_id": GID, "rate": 50.0})["member_id"]
    assert eng.apply({"op": "set_ack_type", "member_id": mid, "type": "release"})["ok"]
    log, dcs = acked(g)
    eng.step(100)
    eng.apply({"op": "set_producer_rate", "rate": 0})
    produced = eng.producer.produced
    assert produced >= 1
    run_until(eng, lambda e: drained(g), limit_ms=30_000)
    assert g.archived == produced and g.results == 0 and g.acks["accept"] == 0
    assert g.acks["release"] == 2 * produced and g.redeliveries == produced
    assert {dc for _, dc in dcs.values()} == {2}          # the last release came at delivery count 2
    assert eng.producer.by_group.get(GID, {"results": 0})["results"] == 0


def test_repeated_crashes_archive_a_record_at_the_delivery_limit(make):
    eng, g = make(partitions=1, producer_rate=10.0, rates=(0.0,), config={DELIVERY_LIMIT: 3, LOCK_MS: 1000})
    eng.step(100)
    eng.apply({"op": "set_producer_rate", "rate": 0})
    rec = g.partitions[0].acquired[0]
    for attempt in (1, 2, 3):
        assert rec.delivery_count == attempt and rec.state == ACQUIRED
        holder = rec.member
        eng.apply({"op": "kill_consumer", "member_id": holder})
        eng._add_consumer(g, 0.0)
        run_until(eng, lambda e: rec.state != ACQUIRED or rec.member != holder)
        eng.step(50)
    assert rec.state == "Archived" and g.archived >= 1
