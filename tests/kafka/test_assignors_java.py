"""groupviz.kafka.assignors.java: Java's String order and hashCode, and HashMap iteration order,
checked against what OpenJDK 17 prints."""

from __future__ import annotations

from collections import Counter

from groupviz.kafka.assignors import assign
from groupviz.kafka.assignors import java as J


def test_java_string_hash_matches_the_jvm():
    # Printed by OpenJDK 17: "consumer-1".hashCode() etc.
    expected = {"consumer-1": -166239206, "consumer-10": -858448042, "orders": -1008770331, "": 0,
                "ü-ß": 243790, "\U0001F600x": 54959989}
    for s, h in expected.items():
        assert J.string_hash(s) == h & 0xFFFFFFFF, s


def test_java_hashmap_iteration_order_matches_the_jvm():
    # new HashMap<>() then put() in this order; keySet() order printed by OpenJDK 17.
    keys = [f"consumer-{i}" for i in range(1, 21)]
    assert J.hashmap_order(keys) == [
        "consumer-20", "consumer-11", "consumer-10", "consumer-6", "consumer-17", "consumer-5", "consumer-16",
        "consumer-4", "consumer-19", "consumer-3", "consumer-18", "consumer-2", "consumer-13", "consumer-1",
        "consumer-12", "consumer-15", "consumer-14", "consumer-9", "consumer-8", "consumer-7"]
    assert J.hashmap_order(["consumer-1", "consumer-2", "consumer-3"]) == ["consumer-3", "consumer-2", "consumer-1"]
    # "Aa" and "BB" (and "AaAa", "BBBB", ...) have equal hashes: a shared bucket keeps insertion order.
    keys = ["c9", "c10", "c11", "c1", "Aa", "BB", "AaAa", "BBBB", "AaBB", "BBAa"]
    assert J.hashmap_order(keys) == ["Aa", "BB", "c11", "c10", "c9", "c1", "AaAa", "BBBB", "AaBB", "BBAa"]


def test_java_string_order_is_utf16_code_unit_order():
    # Collections.sort puts U+1F600 (surrogates D83D DE00) before U+FF21; Python's str order does not.
    key = J.string_key(["\uff21", "\U0001F600"], {})
    assert sorted(["\uff21", "\U0001F600"], key=key) == ["\U0001F600", "\uff21"]
    out = assign("range", {"\uff21": ["t"], "\U0001F600": ["t"]}, {"t": 2})
    assert out == {"\uff21": [("t", 1)], "\U0001F600": [("t", 0)]}


def test_member_ids_share_a_hashmap_bucket_at_most_four_at_a_time_for_5000_consumers():
    """Tree bins (9+ keys in one bucket) are not modelled; realistic member ids never get close."""
    keys = [f"consumer-{i}" for i in range(1, 5001)]
    mask = J.hashmap_capacity(len(keys)) - 1
    assert max(Counter(J.spread(J.string_hash(k)) & mask for k in keys).values()) <= 4
