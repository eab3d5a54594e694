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
}
