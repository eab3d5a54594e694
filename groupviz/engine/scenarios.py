"""Named starting points. A scenario is data: the engine builds it."""

from __future__ import annotations

SCENARIOS: dict[str, dict] = {
    "default": {
        "title": {"en": "One topic, one group", "zh": "一个主题，一个消费者组"},
        "topic": "orders", "partitions": 6, "producer_rate": 30.0, "keys": {"mode": "uniform", "count": 1000},
        "groups": [{"group_id": "g1", "assignor": "range", "consumers": 3, "consumer_rate": 20.0}],
    },
    "cooperative": {
        "title": {"en": "Eager beside cooperative", "zh": "eager 与 cooperative 并排"},
        "topic": "orders", "partitions": 6, "producer_rate": 30.0, "keys": {"mode": "uniform", "count": 1000},
        "groups": [{"group_id": "eager", "assignor": "range", "consumers": 3, "consumer_rate": 20.0},
                   {"group_id": "coop", "assignor": "cooperative-sticky", "consumers": 3, "consumer_rate": 20.0}],
    },
    # Issue 15: the three rebalance protocols on one topic, 12 partitions, three fast consumers each.
    "three-protocols": {
        "title": {"en": "Three protocols: eager, cooperative, KIP-848", "zh": "三种协议：eager、cooperative、KIP-848"},
        "topic": "orders", "partitions": 12, "producer_rate": 60.0, "keys": {"mode": "uniform", "count": 1000},
        "groups": [{"group_id": "eager", "assignor": "range", "consumers": 3, "consumer_rate": 40.0},
                   {"group_id": "coop", "assignor": "cooperative-sticky", "consumers": 3, "consumer_rate": 40.0},
                   {"group_id": "kip848", "group_protocol": "consumer", "assignor": "uniform", "consumers": 3,
                    "consumer_rate": 40.0}],
    },
    "hot-key": {
        "title": {"en": "A hot key skews one partition", "zh": "热点键让一个分区倾斜"},
        "topic": "orders", "partitions": 6, "producer_rate": 40.0,
        "keys": {"mode": "hot", "count": 1000, "hot_share": 0.5},
        "groups": [{"group_id": "g1", "assignor": "range", "consumers": 3, "consumer_rate": 20.0}],
    },
    "large": {
        "title": {"en": "Large: 1000 partitions, 200 consumers", "zh": "大规模：1000 个分区，200 个消费者"},
        "topic": "events", "partitions": 1000, "producer_rate": 10000.0, "keys": {"mode": "uniform", "count": 100000},
        "groups": [{"group_id": "big", "assignor": "range", "consumers": 200, "consumer_rate": 60.0}],
    },
    # The seed's "competition by random" beside Kafka's two real mechanisms, on one topic of 3 partitions:
    # 'queue' is random dispatch (the seed's idealised queue, not a Kafka mode: each record to a uniformly
    # random live member); 'g1' is a classic group whose 3 consumers own one partition each (sharding); 'share'
    # is a share group whose 6 members outnumber the 3 partitions, so Kafka 4.1+'s SimpleAssignor gives each
    # partition to 2 of them (shared). Three partitions let the sharding show (one owner each, a 4th consumer
    # idles) and the sharing show (more share members than partitions).
    "competition": {
        "title": {"en": "Competing: the seed's random dispatch beside Kafka's sharding and share groups",
                  "zh": "竞争消费：种子文档的随机分派与 Kafka 的分片、共享组并排"},
        "topic": "orders", "partitions": 3, "producer_rate": 30.0, "keys": {"mode": "uniform", "count": 1000},
        "model_batch_size": 10,
        "groups": [{"group_id": "queue", "type": "random-dispatch", "consumers": 3, "consumer_rate": 20.0},
                   {"group_id": "g1", "assignor": "range", "consumers": 3, "consumer_rate": 20.0},
                   {"group_id": "share", "type": "share", "consumers": 6, "consumer_rate": 10.0}],
    },
    # The seed's other system: a Flink job's KafkaSource reads the same topic as a consumer group, with no
    # group protocol (getSplitOwner), offsets committed at checkpoints and restarts instead of rebalances.
    "flink": {
        "title": {"en": "A Kafka consumer group beside Flink jobs", "zh": "Kafka 消费者组与 Flink 作业并排"},
        "topic": "orders", "partitions": 6, "producer_rate": 30.0, "keys": {"mode": "uniform", "count": 1000},
        "groups": [{"group_id": "g1", "assignor": "range", "consumers": 3, "consumer_rate": 20.0},
                   {"group_id": "job", "type": "flink", "parallelism": 3},
                   {"group_id": "job-2pc", "type": "flink", "parallelism": 3, "sink": "two-phase-commit"}],
    },
    # The seed's own Python demo: 1 producer, a group of 5 competing consumers, exactly 10 records
    # (data_0 .. data_9 on one partition) and the results back to the producer (`producer.results`), read by
    # the seed's model ('seed': random dispatch, not a Kafka mode) and by Kafka's closest real thing ('share':
    # a share group whose 5 members outnumber the one partition, so all five are assigned it). Slow enough
    # to follow each record.
    "seed-demo": {
        "title": {"en": "The seed's demo: 1 producer, 5 competing consumers, 10 records",
                  "zh": "种子示例：1 个生产者、5 个竞争的消费者、10 条数据"},
        "topic": "data", "partitions": 1, "producer_rate": 2.0, "producer_limit": 10,
        "keys": {"mode": "uniform", "count": 1000},
        "model_batch_size": 10,
        "groups": [{"group_id": "seed", "type": "random-dispatch", "consumers": 5, "consumer_rate": 1.0,
                    "journeys": 10},
                   {"group_id": "share", "type": "share", "consumers": 5, "consumer_rate": 1.0, "journeys": 10}],
    },
    # Issue 16: two topics and two groups reading both; range assigns topic by topic, so the first member
    # takes the odd partition of every topic (4 against 2), roundrobin deals all six out in turn (3 and 3).
    "two-topics": {
        "title": {"en": "Two topics: range versus roundrobin", "zh": "两个主题：range 与 roundrobin"},
        "topic": "orders", "partitions": 3, "producer_rate": 30.0, "keys": {"mode": "uniform", "count": 1000},
        "more_topics": [{"name": "payments", "partitions": 3, "rate": 30.0}],
        "groups": [{"group_id": "by-range", "assignor": "range", "consumers": 2, "consumer_rate": 35.0,
                    "subscriptions": [{"topics": ["orders", "payments"]}] * 2},
                   {"group_id": "by-roundrobin", "assignor": "roundrobin", "consumers": 2, "consumer_rate": 35.0,
                    "subscriptions": [{"topics": ["orders", "payments"]}] * 2}],
    },
}
