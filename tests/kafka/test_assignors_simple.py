"""SimpleAssignor (groupviz.kafka.assignors.server.simple) against Kafka's ``SimpleAssignorTest``.

Each ``test_java_*`` translates one method of the newest stored SimpleAssignorTest (the 4.2-era file with
``MetadataImageBuilder`` and the incremental tests; search-tool id 3071776646, see docs/kafka-fidelity.md).
Kafka's test draws its topic ids with ``Uuid.randomUuid()``, so its assertions hold whatever the ids'
hash codes: every test here runs with several stand-ins for ``Uuid.hashCode``.  Members go into a
``HashMap`` there too ("A", "B", "C"; "M0".."M100"), which is the order ``simple_assign`` gets here.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from groupviz import assign_server
from groupviz.kafka.assignors import SERVER_ASSIGNORS, AssignorError
from groupviz.kafka.assignors.java import hashmap_order, string_hash
from groupviz.kafka.assignors.server.simple import simple_assign

T1, T2, T3, T4 = "topic1", "topic2", "topic3", "topic4"

# Stand-ins for the random Uuid.hashCode() of Kafka's test topics.
HASHES = [string_hash, lambda t: (string_hash(t) * 2654435761) & 0xFFFFFFFF, lambda t: {T1: 3, T2: 2, T3: 1, T4: 0}[t]]


def run(subs, counts, current=None, allowed=None, topic_hash=string_hash):
    """SimpleAssignor.assign with members in a HashMap; ``allowed`` is the GroupSpec's assignable map."""
    members = hashmap_order(list(subs))
    can = None if allowed is None else (lambda t, p: p in allowed.get(t, ()))
    return simple_assign(members, subs, counts, current, can, topic_hash)


def by_topic(out):
    """{member: {topic: [partitions]}} like mkAssignment, empty members as {}."""
    res = {}
    for m, tps in out.items():
        d = {}
        for t, p in tps:
            d.setdefault(t, []).append(p)
        res[m] = d
    return res


def distinct_partitions(out) -> int:
    """assertEveryPartitionGetsAssignment: the number of distinct partitions assigned."""
    return len({tp for tps in out.values() for tp in tps})


def test_java_testName():
    assert "simple" in SERVER_ASSIGNORS
    assert assign_server("simple", {"A": ["t"]}, {"t": 1}) == {"A": [("t", 0)]}


def test_java_testAssignWithEmptyMembers():
    assert run({}, {}) == {}
    assert assign_server("simple", {}, {}) == {}


def test_java_testAssignWithNoSubscribedTopic():
    assert by_topic(run({"A": []}, {T1: 3})) == {"A": {}}


def test_java_testAssignWithSubscribedToNonExistentTopic():
    with pytest.raises(AssignorError, match="doesn't exist in the topic metadata"):
        assign_server("simple", {"A": [T2]}, {T1: 3})


@pytest.mark.parametrize("th", HASHES)
def test_java_testAssignWithTwoMembersAndTwoTopicsHomogeneous(th):
    out = run({"A": [T1, T3], "B": [T1, T3]}, {T1: 3, T3: 2}, topic_hash=th)
    assert distinct_partitions(out) == 5


@pytest.mark.parametrize("th", HASHES)
def test_java_testAssignWithTwoMembersAndTwoTopicsHomogeneousWithAllowedMap(th):
    out = run({"A": [T1, T3], "B": [T1, T3]}, {T1: 3, T3: 3}, allowed={T1: {0, 1, 2}, T3: {0, 1}}, topic_hash=th)
    assert distinct_partitions(out) == 5
    assert (T3, 2) not in {tp for tps in out.values() for tp in tps}


@pytest.mark.parametrize("th", HASHES)
def test_java_testAssignWithTwoMembersAndTwoTopicsHomogeneousWithNonAssignableTopic(th):
    out = run({"A": [T1, T3], "B": [T1, T3]}, {T1: 3, T3: 2}, allowed={T1: {0, 1, 2}}, topic_hash=th)
    assert distinct_partitions(out) == 3


HETERO = {"A": [T1, T2], "B": [T3], "C": [T2, T3]}


@pytest.mark.parametrize("th", HASHES)
def test_java_testAssignWithThreeMembersThreeTopicsHeterogeneous(th):
    assert distinct_partitions(run(HETERO, {T1: 3, T2: 3, T3: 2}, topic_hash=th)) == 8


@pytest.mark.parametrize("th", HASHES)
def test_java_testAssignWithThreeMembersThreeTopicsHeterogeneousWithAllowedMap(th):
    out = run(HETERO, {T1: 3, T2: 3, T3: 2}, allowed={T1: {0, 1}, T2: {0, 2}, T3: {1}}, topic_hash=th)
    assert distinct_partitions(out) == 5


@pytest.mark.parametrize("th", HASHES)
def test_java_testAssignWithThreeMembersThreeTopicsHeterogeneousWithNonAssignableTopic(th):
    out = run(HETERO, {T1: 3, T2: 3, T3: 2}, allowed={T1: {0, 1, 2}, T2: {0, 1, 2}}, topic_hash=th)
    assert distinct_partitions(out) == 6
    assert by_topic(out) == {"A": {T1: [0, 1, 2], T2: [0, 2]}, "B": {}, "C": {T2: [1]}}


@pytest.mark.parametrize("th", HASHES)
def test_java_testAssignWithOneMemberNoAssignedTopicHeterogeneous(th):
    out = run({"A": [T1, T2], "B": []}, {T1: 3, T2: 2}, topic_hash=th)
    assert distinct_partitions(out) == 5
    assert by_topic(out) == {"A": {T1: [0, 1, 2], T2: [0, 1]}, "B": {}}


def _feed_back(members_subs, out):
    return {m: out[m] for m in members_subs}


@pytest.mark.parametrize("th", HASHES[:2])
def test_java_testIncrementalAssignmentIncreasingMembersHomogeneous(th):
    subs, current = {}, {}
    for member in range(101):
        subs[f"M{member}"] = [T1]
        out = run(subs, {T1: 24}, current, topic_hash=th)
        assert distinct_partitions(out) == 24
        current = _feed_back(subs, out)


@pytest.mark.parametrize("th", HASHES[:2])
def test_java_testIncrementalAssignmentDecreasingMembersHomogeneous(th):
    subs = {f"M{m}": [T1] for m in range(101)}
    out = run(subs, {T1: 24}, topic_hash=th)
    assert distinct_partitions(out) == 24
    current = _feed_back(subs, out)
    for member in range(100, 0, -1):
        del subs[f"M{member}"]
        current.pop(f"M{member}")
        out = run(subs, {T1: 24}, current, topic_hash=th)
        assert distinct_partitions(out) == 24
        current = _feed_back(subs, out)


@pytest.mark.parametrize("th", HASHES)
def test_java_testAssignWithCurrentAssignmentHeterogeneous(th):
    assert distinct_partitions(run(HETERO, {T1: 3, T2: 3, T3: 2}, topic_hash=th)) == 8
    subs2 = {"A": [T1, T2, T3], "B": [T3, T4]}
    cur = {"A": [(T1, 0), (T1, 1), (T1, 2), (T2, 0), (T2, 2)], "B": [(T3, 0), (T3, 1)]}
    assert distinct_partitions(run(subs2, {T1: 3, T2: 3, T3: 2, T4: 1}, cur, topic_hash=th)) == 9


SUBSCRIPTIONS = [[T1, T2, T3], [T2], [T3], [T1, T2]]
HETERO_COUNTS = {T1: 12, T2: 8, T3: 4}


@pytest.mark.parametrize("th", HASHES[:2])
def test_java_testIncrementalAssignmentIncreasingMembersHeterogeneous(th):
    subs, current = {}, {}
    for member in range(101):
        subs[f"M{member}"] = SUBSCRIPTIONS[member % 4]
        out = run(subs, HETERO_COUNTS, current, topic_hash=th)
        assert distinct_partitions(out) == 24
        current = {f"M{m}": out[f"M{m}"] for m in range(member)}   # as the Java test: all but the newest


@pytest.mark.parametrize("th", HASHES[:2])
def test_java_testIncrementalAssignmentDecreasingMembersHeterogeneous(th):
    subs = {f"M{m}": SUBSCRIPTIONS[m % 4] for m in range(101)}
    out = run(subs, HETERO_COUNTS, topic_hash=th)
    assert distinct_partitions(out) == 24
    current = _feed_back(subs, out)
    for member in range(100, 0, -1):
        del subs[f"M{member}"]
        out = run(subs, HETERO_COUNTS, current, topic_hash=th)
        assert distinct_partitions(out) == 24
        current = {f"M{m}": out[f"M{m}"] for m in range(member)}


# -- the layout and the assignor's promises ---------------------------------------------------

def test_three_members_six_partitions_get_two_each_and_nothing_is_shared():
    out = assign_server("simple", {f"consumer-{i}": ["orders"] for i in (1, 2, 3)}, {"orders": 6})
    assert [len(v) for v in out.values()] == [2, 2, 2]
    assert distinct_partitions(out) == 6
    assert list(out) == ["consumer-1", "consumer-2", "consumer-3"]


def test_members_outnumbering_partitions_share_them():
    out = assign_server("simple", {f"c{i}": ["q"] for i in range(5)}, {"q": 2})
    holders = {p: sum((("q", p) in tps) for tps in out.values()) for p in range(2)}
    assert holders == {0: 3, 1: 3}                        # ceil(5 / 2) holders each
    assert sorted(len(v) for v in out.values()) == [1, 1, 1, 1, 2]


def test_a_current_assignment_may_share_a_partition_but_not_name_a_missing_one():
    cur = {"a": [("q", 0)], "b": [("q", 0)]}
    assert assign_server("simple", {"a": ["q"], "b": ["q"], "c": ["q"]}, {"q": 1}, cur)["c"] == [("q", 0)]
    with pytest.raises(AssignorError, match="does not exist"):
        assign_server("simple", {"a": ["q"]}, {"q": 1}, {"a": [("q", 3)]})


member_counts = st.integers(min_value=1, max_value=12)
partition_counts = st.integers(min_value=1, max_value=12)


def _holders(out, n):
    return [sum((("q", p) in tps) for tps in out.values()) for p in range(n)]


@settings(max_examples=150, deadline=None)
@given(member_counts, partition_counts)
def test_each_partition_has_ceil_m_over_p_holders_and_counts_differ_by_at_most_one(m, p):
    out = assign_server("simple", {f"c{i}": ["q"] for i in range(m)}, {"q": p})
    assert _holders(out, p) == [-(-m // p)] * p
    sizes = [len(v) for v in out.values()]
    assert max(sizes) - min(sizes) <= 1


@settings(max_examples=150, deadline=None)
@given(member_counts, partition_counts, st.data())
def test_sticky_a_member_joining_or_leaving_moves_only_what_balance_needs(m, p, data):
    subs = {f"c{i}": ["q"] for i in range(m)}
    first = assign_server("simple", subs, {"q": p})
    assert assign_server("simple", subs, {"q": p}, first) == first        # a balanced group keeps it all
    if data.draw(st.booleans(), label="join") or m == 1:
        subs2 = dict(subs, newcomer=["q"])
    else:
        gone = data.draw(st.sampled_from(sorted(subs)), label="leaves")
        subs2 = {k: v for k, v in subs.items() if k != gone}
    second = assign_server("simple", subs2, {"q": p}, first)
    # at most ceil(M/P) holders; Kafka tolerates one short when no unfilled member can take the partition
    # (assignRemainingPartitions' "tricky case", see the test below), never none
    assert all(1 <= h <= -(-len(subs2) // p) for h in _holders(second, p))
    sizes = [len(v) for v in second.values()]
    assert max(sizes) - min(sizes) <= 1
    # stickiness: each staying member keeps min(what it had, what it may have now) of its partitions,
    # unless its partitions had to be spread wider (sharing went up)
    if -(-len(subs2) // p) == -(-m // p):
        for k in subs2:
            if k in first:
                kept = len(set(first[k]) & set(second[k]))
                assert kept >= min(len(first[k]), len(second[k])) - 1


def test_kafkas_tolerated_shortfall_a_partition_one_holder_short_when_the_unfilled_member_already_has_it():
    """assignRemainingPartitions: "a partition wants another assignment, but none of the unfilled members are
    able to take it (because they already have that partition) ... it's harmless tolerating a slight
    imbalance".  10 members on 6 partitions, then c0 leaves: c9 is the only unfilled member and already
    holds q-4, so q-4 keeps one holder where ceil(9/6) = 2 are desired."""
    subs = {f"c{i}": ["q"] for i in range(10)}
    first = assign_server("simple", subs, {"q": 6})
    del subs["c0"]
    second = assign_server("simple", subs, {"q": 6}, first)
    assert _holders(second, 6) == [2, 2, 2, 2, 1, 2]
    assert second["c9"] == [("q", 4)]
