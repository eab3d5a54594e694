"""groupviz/kafka/share/consumer.py: the KafkaShareConsumer side (implicit acknowledgement with the next poll)."""

from conftest import run_until
from hypothesis import strategies as st

from share_helpers import GID, drained, make  # noqa: F401  (make is a fixture)


def test_crash_after_processing_but_before_acknowledging_gives_a_duplicate_result(make):
    eng, g = make(seed=5, partitions=1, producer_rate=60.0, rates=(40.0, 40.0))
    run_until(eng, lambda e: len(g.consumers["consumer-1"]._pending_acks) >= 1)
    pending = len(g.consumers["consumer-1"]._pending_acks)
    eng.apply({"op": "kill_consumer", "member_id": "consumer-1"})
    assert g.lost_acks == pending
    eng.step(8_000)
    assert g.duplicates == pending
    eng.apply({"op": "set_producer_rate", "rate": 0})
    run_until(eng, lambda e: drained(g))
    eng.step(100)
    st = eng.producer.by_group[GID]
    assert st["results"] == g.results and st["results"] - st["unique"] == pending
