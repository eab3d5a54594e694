"""The group coordinator's assignors (groupviz.kafka.assignors.server) against Kafka's own tests.

Each ``test_java_*`` translates one test method of Kafka's group-coordinator tests (named in the
test), same inputs, same expected output.  Kafka's tests fix the topic ids (``Uuid.fromString``)
and put members in a ``TreeMap``; the builders' output depends on the ids' ``hashCode`` (HashSet
order) and ``compareTo``, so these tests feed the ids' hash codes and order through
``uniform_assign``, the function ``assign_server`` calls with topic names standing for ids.
"""

from __future__ import annotations

import base64

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from groupviz import assign_server
from groupviz.kafka.assignors import AssignorError
from groupviz.kafka.assignors.server import int_set_order, uniform_assign
from groupviz.kafka.assignors.java import hash_order, hashmap_capacity

# UniformHomogeneousAssignmentBuilderTest / UniformHeterogeneousAssignmentBuilderTest topic ids
UUIDS = {"topic1": "T1-A4s3VTwiI5CTbEp6POw", "topic2": "T2-B4s3VTwiI5YHbPp6YUe", "topic3": "T3-CU8fVTLCz5YMkLoDQsa"}


def _bits(name):
    raw = base64.urlsafe_b64decode(UUIDS[name] + "==")
    return int.from_bytes(raw[:8], "big", signed=True), int.from_bytes(raw[8:], "big", signed=True)


def uuid_hash(name):
    """org.apache.kafka.common.Uuid.hashCode()."""
    msb, lsb = _bits(name)
    h = (msb ^ lsb) & 0xFFFFFFFFFFFFFFFF
    return ((h >> 32) ^ h) & 0xFFFFFFFF


def uuid_key(name):
    """Uuid.compareTo: most significant bits, then least, as signed longs."""
    return _bits(name)


def java(subs, counts, current=None, ordered=False):
    """UniformAssignor.assign with members in a TreeMap and the current assignment built with
    mkOrderedAssignment (ordered=True: topics in the order given) or mkAssignment (a HashMap<Uuid>)."""
    current_of = {}
    for m, topics in (current or {}).items():
        names = list(topics)
        if not ordered:
            names = hash_order(names, [uuid_hash(t) for t in names], hashmap_capacity(len(names)))
        current_of[m] = [(t, int_set_order(sorted(topics[t]))) for t in names]
    out = uniform_assign(sorted(subs), subs, counts, current_of, uuid_hash, uuid_key)
    return {m: {t: sorted(p for tt, p in tps if tt == t) for t in dict.fromkeys(t for t, _ in tps)}
            for m, tps in out.items() if tps} | {m: {} for m, tps in out.items() if not tps}


def test_java_uniform_homogeneous_testFirstAssignmentTwoMembersTwoTopicsNoMemberRacks():
    subs = {"A": ["topic1", "topic3"], "B": ["topic1", "topic3"]}
    assert java(subs, {"topic1": 3, "topic3": 2}) == {"A": {"topic3": [0, 1]}, "B": {"topic1": [0, 1, 2]}}


def test_java_uniform_homogeneous_testFirstAssignmentNumMembersGreaterThanTotalNumPartitions():
    subs = {m: ["topic3"] for m in "ABC"}
    assert java(subs, {"topic3": 2}) == {"A": {}, "B": {"topic3": [0]}, "C": {"topic3": [1]}}


def test_java_uniform_homogeneous_testReassignmentForTwoMembersTwoTopicsGivenUnbalancedPrevAssignment():
    subs = {m: ["topic1", "topic2"] for m in "AB"}
    cur = {"A": {"topic1": [0, 1], "topic2": [0, 1]}, "B": {"topic1": [2], "topic2": [2]}}
    assert java(subs, {"topic1": 3, "topic2": 3}, cur, ordered=True) == {
        "A": {"topic1": [0, 1], "topic2": [0]}, "B": {"topic1": [2], "topic2": [1, 2]}}


def test_java_uniform_homogeneous_testReassignmentWhenPartitionsAreAddedForTwoMembersTwoTopics():
    subs = {m: ["topic1", "topic2"] for m in "AB"}
    cur = {"A": {"topic1": [0, 2], "topic2": [0]}, "B": {"topic1": [1], "topic2": [1, 2]}}
    assert java(subs, {"topic1": 6, "topic2": 5}, cur, ordered=True) == {
        "A": {"topic1": [0, 2], "topic2": [0, 3, 4]}, "B": {"topic1": [1, 3, 4, 5], "topic2": [1, 2]}}


def test_java_uniform_homogeneous_testReassignmentWhenOneMemberAddedAfterInitialAssignmentWithTwoMembersTwoTopics():
    subs = {m: ["topic1", "topic2"] for m in "ABC"}
    cur = {"A": {"topic1": [0, 2], "topic2": [0]}, "B": {"topic1": [1], "topic2": [1, 2]}}
    assert java(subs, {"topic1": 3, "topic2": 3}, cur, ordered=True) == {
        "A": {"topic1": [0, 2]}, "B": {"topic1": [1], "topic2": [1]}, "C": {"topic2": [0, 2]}}


def test_java_uniform_homogeneous_testReassignmentWhenOneMemberRemovedAfterInitialAssignmentWithThreeMembersTwoTopics():
    subs = {m: ["topic1", "topic2"] for m in "AB"}
    cur = {"A": {"topic1": [0], "topic2": [0]}, "B": {"topic1": [1], "topic2": [1]}}
    assert java(subs, {"topic1": 3, "topic2": 3}, cur) == {
        "A": {"topic1": [0], "topic2": [0, 2]}, "B": {"topic1": [1, 2], "topic2": [1]}}


def test_java_uniform_homogeneous_testReassignmentWhenOneSubscriptionRemovedAfterInitialAssignmentWithTwoMembersTwoTopics():
    subs = {m: ["topic2"] for m in "AB"}
    cur = {"A": {"topic1": [0], "topic2": [0]}, "B": {"topic1": [1], "topic2": [1]}}
    assert java(subs, {"topic1": 2, "topic2": 2}, cur) == {"A": {"topic2": [0]}, "B": {"topic2": [1]}}


def test_java_uniform_homogeneous_testOneMemberNoTopicSubscription():
    assert assign_server("uniform", {"A": []}, {"topic1": 3}) == {"A": []}


def test_java_uniform_homogeneous_testOneMemberSubscribedToNonexistentTopic():
    with pytest.raises(AssignorError, match="doesn't exist in the topic metadata"):
        assign_server("uniform", {"A": ["topic2"]}, {"topic1": 3})
