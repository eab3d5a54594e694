"""groupviz.kafka.producer: rate and limit, Kafka's key modes (murmur2 keys, a hot key, null keys on the
KIP-480 sticky partitioner), and the results consumers send back."""

from __future__ import annotations

import pytest

from groupviz.kafka.log import Topic
from groupviz.kafka.partitioner import partition_for_key
from groupviz.kafka import producer as producer_mod
from groupviz.kafka.producer import KEY_MODES, Producer


def produce(producer: Producer, ticks: int, quantum_ms: int = 50, start: int = 0) -> list[int]:
    """Run `ticks` producer ticks; return what each produced."""
    return [producer.tick(start + i * quantum_ms, quantum_ms) for i in range(ticks)]


def log_end_offsets(topic: Topic) -> list[int]:
    return [p.log_end_offset for p in topic.partitions]


# -- rate and limit ------------------------------------------------------------------------------

def test_the_rate_carries_fractions_over_so_a_second_produces_exactly_rate_records():
    producer = Producer(Topic("orders", 6), seed=7, rate=30)
    got = produce(producer, 20)                      # 1.5 records per 50 ms tick
    assert got[:4] == [1, 2, 1, 2] and sum(got) == 30
    assert producer.produced == 30 == sum(log_end_offsets(producer.topic))


def test_a_limit_stops_the_producer_at_exactly_that_many_records():
    producer = Producer(Topic("orders", 3), seed=7, rate=1000, limit=10)
    assert produce(producer, 3) == [10, 0, 0]
    assert producer.produced == 10 and producer.snapshot([])["limit"] == 10


def test_each_tick_appends_one_batch_per_partition_it_writes_to():
    topic = Topic("orders", 6)
    producer = Producer(topic, seed=7, rate=2000)
    producer.tick(0, 50)                             # 100 records, uniform keys: every partition gets some
    assert all(list(p.batches_between(0, p.log_end_offset)) == [(p.log_end_offset, 0)] for p in topic.partitions)


# -- keys ----------------------------------------------------------------------------------------

def test_uniform_keys_land_where_kafkas_default_partitioner_puts_them():
    topic = Topic("orders", 6)
    producer = Producer(topic, seed=7, rate=1000)
    producer.set_keys("uniform", count=1)            # one key, "key-0": every record on its partition
    produce(producer, 4)
    target = partition_for_key(b"key-0", 6)
    assert [i for i, n in enumerate(log_end_offsets(topic)) if n] == [target]
    assert producer.hot_partition() == target


def test_the_key_table_follows_the_partition_count():
    topic = Topic("orders", 3)
    producer = Producer(topic, seed=7)
    assert producer.hot_partition() == partition_for_key(b"key-0", 3)
    topic.add_partitions(4)
    # the producer learns of new partitions at its next metadata refresh (metadata.max.age.ms)
    assert producer.hot_partition() == partition_for_key(b"key-0", 3)
    producer.rate = 1000.0
    due = producer.metadata_refreshed_ms + producer.metadata_max_age_ms
    producer.tick(due - 1, 50)
    assert producer.known_partitions == 3
    producer.tick(due, 50)
    assert producer.known_partitions == 7 and producer.metadata_refreshed_ms == due
    assert producer.hot_partition() == partition_for_key(b"key-0", 7)


def test_a_hot_key_takes_its_share_plus_its_partitions_share_of_the_rest():
    topic = Topic("orders", 6)
    producer = Producer(topic, seed=7, rate=10_000)
    producer.set_keys("hot", hot_share=0.5)
    produce(producer, 20)
    got = log_end_offsets(topic)
    share = got[producer.hot_partition()] / sum(got)
    assert 0.5 < share < 0.65                        # 50% hot + about 1/6 of the other half


def test_null_keys_stick_to_one_partition_per_batch_and_switch_every_batch():
    topic = Topic("orders", 6)
    producer = Producer(topic, seed=7, rate=400)     # 20 records per 50 ms tick
    producer.set_keys("null")
    chosen = []
    for i in range(30):
        before = log_end_offsets(topic)
        producer.tick(i * 50, 50)
        grew = [p for p, (b, a) in enumerate(zip(before, log_end_offsets(topic))) if a != b]
        assert len(grew) == 1
        chosen.append(grew[0])
    assert all(a != b for a, b in zip(chosen, chosen[1:]))
    assert set(chosen) == set(range(6))


@pytest.mark.parametrize("mode", KEY_MODES)
def test_the_same_seed_writes_the_same_log(mode):
    def run(seed):
        topic = Topic("orders", 6)
        producer = Producer(topic, seed=seed, rate=700)
        producer.set_keys(mode, hot_share=0.3 if mode == "hot" else None)
        produce(producer, 40)
        return log_end_offsets(topic)
    assert run(7) == run(7)
    assert run(7) != run(8)


# -- results coming back -------------------------------------------------------------------------

def test_results_are_counted_per_group_and_outstanding_is_what_no_result_covers_yet():
    producer = Producer(Topic("orders", 2), seed=7, rate=1000, limit=100)
    produce(producer, 2)
    producer.on_results("g1", 60, 55, [(10, 50), (40, 5)])    # 5 duplicates
    producer.on_no_result("g1", 5)
    producer.on_results("g2", 100, 100, [(20, 100)])
    snap = producer.snapshot(["g1", "g2"], {"g1": 70})
    g1, g2 = snap["groups"]["g1"], snap["groups"]["g2"]
    assert g1 == {"sent": 100, "results": 60, "unique": 55, "no_result": 5, "outstanding": 40,
                  "latency_ms": {"p50": 10, "p95": 40, "window_ms": 30_000}, "in_transit": 10}
    assert g2["outstanding"] == 0 and "in_transit" not in g2
    assert snap["results"] == 160 and snap["outstanding"] == 40
    assert snap["latency_ms"] == {"p50": 20, "p95": 20, "window_ms": 30_000}   # 155 samples: 50 at 10, 100 at 20, 5 at 40
    assert snap["keys"] == {"mode": "uniform", "count": 1000, "hot_share": 0.0}


def test_a_group_with_no_results_yet_has_no_latency():
    snap = Producer(Topic("orders", 2), seed=7).snapshot(["g1"])
    assert snap["groups"]["g1"]["latency_ms"] == {"p50": None, "p95": None, "window_ms": 30_000}
    assert snap["latency_ms"] == {"p50": None, "p95": None, "window_ms": 30_000}


def test_latency_percentiles_cover_the_last_30_s_of_simulated_time_only():
    producer = Producer(Topic("orders", 2), seed=7, rate=0)
    producer.tick(1_000, 50)
    producer.on_results("g1", 10, 10, [(5_000, 10)])          # the first join's wait: 5 s
    producer.tick(20_000, 50)
    producer.on_results("g1", 90, 90, [(40, 90)])             # then a healthy group: 40 ms
    lat = producer.snapshot(["g1"])["groups"]["g1"]["latency_ms"]
    assert lat == {"p50": 40, "p95": 5_000, "window_ms": producer_mod.LATENCY_WINDOW_MS}   # both inside 30 s
    producer.tick(31_001, 50)                                 # the join's results arrived over 30 s ago: out
    assert producer.snapshot(["g1"])["groups"]["g1"]["latency_ms"]["p95"] == 40
    producer.tick(50_001, 50)                                 # nothing arrived in the last 30 s
    snap = producer.snapshot(["g1"])
    assert snap["groups"]["g1"]["latency_ms"]["p50"] is None and snap["latency_ms"]["p95"] is None
    assert snap["groups"]["g1"]["results"] == 100             # the counts still count from the start
