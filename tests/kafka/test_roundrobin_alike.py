"""RoundRobin's fast path for members subscribed alike (issue 20: 20 topics x 100 partitions x 200
members): the same answer as the general walk and as kafka-python 3.0.12."""

from __future__ import annotations

import pytest

from groupviz.kafka.assignors import assign
from groupviz.kafka.assignors.client import normalize_partitions, normalize_subscriptions, string_key, \
    subscribed_partition_counts
from groupviz.kafka.assignors.client.roundrobin import roundrobin_assign
from test_assignors_kafka_python import kafka_python_input, kafka_python_result


def _both_paths(subs, counts):
    members, topics_of, alike = normalize_subscriptions(subs)
    assert alike is not None
    ppt = subscribed_partition_counts(topics_of, alike, normalize_partitions(counts))
    jkey = string_key(members, ppt)
    return roundrobin_assign(members, topics_of, ppt, jkey, alike), roundrobin_assign(members, topics_of, ppt, jkey)


@pytest.mark.parametrize("topics,parts,members", [(20, 100, 200), (20, 7, 13), (3, 1, 5), (5, 40, 3)])
def test_alike_subscriptions_match_the_general_walk_and_kafka_python(topics, parts, members):
    names = [f"t{i}" for i in range(topics)]
    counts = {t: parts + (i % 3) for i, t in enumerate(names)}       # uneven topics too
    counts["missing"] = 0                                            # a subscribed topic with no metadata
    subs = {f"c-{i:04d}": names + ["missing"] for i in range(members)}
    fast, walk = _both_paths(subs, counts)
    assert fast == walk and list(fast) == list(subs)
    k_in = kafka_python_input("roundrobin", subs, counts)
    norm = {m: sorted(tps) for m, tps in assign("roundrobin", subs, counts).items()}
    assert norm == kafka_python_result(k_in[0].assign(k_in[1], k_in[2]))
