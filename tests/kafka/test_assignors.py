"""Kafka's own assignor tests, translated (the Java-compatibility pieces they rest on: test_assignors_java.py).

Every case names the Java test it comes from (``Class#method``, in the param id or a
comment): ``clients/src/test/java/org/apache/kafka/clients/consumer/{RangeAssignorTest,
RoundRobinAssignorTest,StickyAssignorTest,CooperativeStickyAssignorTest}.java`` and
``.../consumer/internals/AbstractStickyAssignorTest.java``.  Rack-aware cases are left
out, except their "non-rack-aware" expectations (brokers or consumers without racks),
which Kafka computes with exactly the code paths ported here.

Kafka's AbstractStickyAssignorTest runs every case against both StickyAssignor and
CooperativeStickyAssignor; for the cooperative one its ``verifyValidityAndBalance``
first replays follow-up rebalances (owned = last assignment) until nothing is revoked,
and the later ``assertEquals`` see that settled assignment.  ``settle()`` below does
the same, so the cooperative cases assert what Kafka asserts.
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from groupviz.kafka.assignors import REBALANCE_PROTOCOLS, STRATEGIES, AssignorError, _assign_detailed, assign  # noqa: E402

STICKY = ("sticky", "cooperative-sticky")
GEN = 1                      # AbstractStickyAssignorTest.generationId


# ----------------------------------------------------------------------------- helpers

def P(spec: str) -> list[tuple[str, int]]:
    """'t1-0 t1-2' or 't1-0, t1-2' -> [('t1', 0), ('t1', 2)]"""
    out = []
    for tok in spec.replace(",", " ").split():
        topic, p = tok.rsplit("-", 1)
        out.append((topic, int(p)))
    return out


def S(spec: str) -> list[tuple[str, int]]:
    return sorted(P(spec))


def detail(strategy, subs, parts, owned=None, gens=None):
    return _assign_detailed(strategy, subs, parts, owned, gens)


def is_fully_balanced(assignment) -> bool:
    """AbstractStickyAssignorTest.isFullyBalanced"""
    sizes = [len(v) for v in assignment.values()]
    return not sizes or max(sizes) - min(sizes) <= 1


def verify_validity_and_balance(subs, assignment, parts=None):
    """AbstractStickyAssignorTest.verifyValidityAndBalance, ported.

    Each partition goes to a subscriber and to one member only; two members whose
    counts differ by 2+ share no topic (else a partition could move to balance them).
    """
    assert set(assignment) == set(subs)
    consumers = sorted(assignment)
    for i, c in enumerate(consumers):
        mine = assignment[c]
        for t, p in mine:
            assert t in subs[c], f"{(t, p)} assigned to {c}, which is not subscribed to {t}"
        for other in consumers[i + 1:]:
            theirs = assignment[other]
            assert not set(mine) & set(theirs), f"{c} and {other} share {set(mine) & set(theirs)}"
            if abs(len(mine) - len(theirs)) <= 1:
                continue
            assert not {t for t, _ in mine} & {t for t, _ in theirs}, (
                f"some partitions can be moved between {c} ({len(mine)}) and {other} ({len(theirs)})")


def cooperative_round_is_valid(owned, assignment) -> bool:
    """CooperativeStickyAssignorTest.verifyCooperativeValidity: True if a follow-up rebalance is needed.

    No partition may be added to one member in the same round another member revokes it.
    """
    added, revoked = set(), set()
    for c, assigned in assignment.items():
        mine = set(owned.get(c, ()))
        revoked |= mine - set(assigned)
        added |= set(assigned) - mine
    assert not added & revoked, f"assigned while still being revoked: {sorted(added & revoked)}"
    return bool(revoked)


def settle(strategy, subs, parts, assignment, owned, gen=GEN, max_rebalances=4):
    """CooperativeStickyAssignorTest.verifyValidityAndBalance's loop: replay follow-up rebalances."""
    if strategy != "cooperative-sticky":
        return assignment
    rebalances = 0
    while cooperative_round_is_valid(owned, assignment):
        owned = {c: list(v) for c, v in assignment.items()}
        assignment = assign(strategy, subs, parts, owned, {c: gen for c in subs})
        rebalances += 1
        assert rebalances <= max_rebalances
    return assignment


def check(strategy, subs, parts, assignment, owned=None):
    """The translated `verifyValidityAndBalance(...)` call: settle (cooperative), then verify."""
    final = settle(strategy, subs, parts, assignment, owned or {})
    verify_validity_and_balance(subs, final, parts)
    return final


def canonical(name: str, i: int, max_num: int) -> str:
    """AbstractStickyAssignorTest.getCanonicalName: 't' + zero-padded number."""
    return name + str(i).zfill(len(str(max_num)))


# ----------------------------------------------------------------------------- the contract

def test_strategies_and_protocols_are_the_documented_constants():
    assert STRATEGIES == ("range", "roundrobin", "sticky", "cooperative-sticky")
    assert REBALANCE_PROTOCOLS == {"range": "eager", "roundrobin": "eager", "sticky": "eager",
                         "cooperative-sticky": "cooperative"}


def test_unknown_strategy_is_a_value_error():
    with pytest.raises(ValueError, match="unknown assignor"):
        assign("uniform", {"consumer-1": ["orders"]}, {"orders": 3})


@pytest.mark.parametrize("strategy", STRATEGIES)
def test_every_member_gets_an_entry_with_sorted_tuples(strategy):
    subs = {"consumer-2": ["b", "a"], "consumer-10": ["a"], "consumer-1": ["zzz"], "consumer-3": []}
    out = assign(strategy, subs, {"a": 5, "b": 3})
    assert list(out) == list(subs)
    for lst in out.values():
        assert lst == sorted(lst)
        assert all(type(t) is str and type(p) is int for t, p in lst)
    assert out["consumer-1"] == [] and out["consumer-3"] == []


@pytest.mark.parametrize("strategy", STRATEGIES)
def test_no_members_means_no_assignment(strategy):
    assert assign(strategy, {}, {"orders": 3}) == {}


@pytest.mark.parametrize("strategy", STRATEGIES)
def test_members_are_ordered_by_id_string_so_consumer_10_sorts_before_consumer_2(strategy):
    subs = {f"consumer-{i}": ["orders"] for i in (1, 2, 10)}
    out = assign(strategy, subs, {"orders": 3})
    # Kafka sorts member ids as strings: consumer-1 < consumer-10 < consumer-2
    assert out == {"consumer-1": [("orders", 0)], "consumer-10": [("orders", 1)], "consumer-2": [("orders", 2)]}


@pytest.mark.parametrize("strategy", STRATEGIES)
def test_topics_without_metadata_or_without_partitions_are_skipped(strategy):
    out = assign(strategy, {"c1": ["orders", "ghost", "empty"]}, {"orders": 2, "empty": 0})
    assert out == {"c1": [("orders", 0), ("orders", 1)]}


@pytest.mark.parametrize("strategy", STRATEGIES)
def test_inputs_are_not_mutated(strategy):
    subs = {"c1": ["t"], "c2": ["t"]}
    owned = {"c1": [("t", 2), ("t", 0)], "c2": [("t", 1)]}
    gens = {"c1": 3, "c2": 3}
    snapshot = (repr(subs), repr(owned), repr(gens))
    assign(strategy, subs, {"t": 4}, owned, gens)
    assert (repr(subs), repr(owned), repr(gens)) == snapshot


@pytest.mark.parametrize("strategy", STICKY)
def test_owned_claims_on_partitions_that_do_not_exist_are_ignored(strategy):
    owned = {"c1": [("t", 7), ("gone", 0), ("t", 0)]}
    assert assign(strategy, {"c1": ["t"], "c2": ["t"]}, {"t": 2}, owned) == {"c1": [("t", 0)], "c2": [("t", 1)]}


def test_negative_generations_mean_no_generation_as_in_kafkas_subscription():
    # Subscription(...): generationId < 0 ? Optional.empty() : Optional.of(generationId)
    subs = {"c1": ["t"], "c2": ["t"]}
    owned = {"c1": [("t", 0), ("t", 1)], "c2": [("t", 0)]}
    assert assign("sticky", subs, {"t": 2}, owned, {"c1": -7, "c2": -1}) == \
        assign("sticky", subs, {"t": 2}, owned, {"c1": -1, "c2": -1})


# ----------------------------------------------------------------------------- RangeAssignorTest

RANGE_CASES = [
    ("RangeAssignorTest#testOneConsumerNoTopic", {"consumer1": []}, {}, {"consumer1": ""}),
    ("RangeAssignorTest#testOneConsumerNonexistentTopic", {"consumer1": ["topic1"]}, {}, {"consumer1": ""}),
    ("RangeAssignorTest#testOneConsumerOneTopic", {"consumer1": ["topic1"]}, {"topic1": 3},
     {"consumer1": "topic1-0 topic1-1 topic1-2"}),
    ("RangeAssignorTest#testOnlyAssignsPartitionsFromSubscribedTopics", {"consumer1": ["topic1"]},
     {"topic1": 3, "other": 3}, {"consumer1": "topic1-0 topic1-1 topic1-2"}),
    ("RangeAssignorTest#testOneConsumerMultipleTopics", {"consumer1": ["topic1", "topic2"]},
     {"topic1": 1, "topic2": 2}, {"consumer1": "topic1-0 topic2-0 topic2-1"}),
    ("RangeAssignorTest#testTwoConsumersOneTopicOnePartition", {"consumer1": ["topic1"], "consumer2": ["topic1"]},
     {"topic1": 1}, {"consumer1": "topic1-0", "consumer2": ""}),
    ("RangeAssignorTest#testTwoConsumersOneTopicTwoPartitions", {"consumer1": ["topic1"], "consumer2": ["topic1"]},
     {"topic1": 2}, {"consumer1": "topic1-0", "consumer2": "topic1-1"}),
    ("RangeAssignorTest#testMultipleConsumersMixedTopics",
     {"consumer1": ["topic1"], "consumer2": ["topic1", "topic2"], "consumer3": ["topic1"]}, {"topic1": 3, "topic2": 2},
     {"consumer1": "topic1-0", "consumer2": "topic1-1 topic2-0 topic2-1", "consumer3": "topic1-2"}),
    ("RangeAssignorTest#testTwoConsumersTwoTopicsSixPartitions",
     {"consumer1": ["topic1", "topic2"], "consumer2": ["topic1", "topic2"]}, {"topic1": 3, "topic2": 3},
     {"consumer1": "topic1-0 topic1-1 topic2-0 topic2-1", "consumer2": "topic1-2 topic2-2"}),
    # Static members instance1..3 sort exactly like their member ids consumer1..3 and come before the
    # dynamic consumer4/consumer5, so the all-dynamic group here gets the same assignment.
    ("RangeAssignorTest#testStaticMemberRangeAssignmentPersistent(mapped)",
     {f"consumer{i}": ["topic1", "topic2"] for i in (1, 2, 3, 4)}, {"topic1": 5, "topic2": 4},
     {"consumer1": "topic1-0 topic1-1 topic2-0", "consumer2": "topic1-2 topic2-1",
      "consumer3": "topic1-3 topic2-2", "consumer4": "topic1-4 topic2-3"}),
    ("RangeAssignorTest#testStaticMemberRangeAssignmentPersistent(mapped, consumer4 replaced by consumer5)",
     {f"consumer{i}": ["topic1", "topic2"] for i in (1, 2, 3, 5)}, {"topic1": 5, "topic2": 4},
     {"consumer1": "topic1-0 topic1-1 topic2-0", "consumer2": "topic1-2 topic2-1",
      "consumer3": "topic1-3 topic2-2", "consumer5": "topic1-4 topic2-3"}),
    ("RangeAssignorTest#testRackAwareAssignmentWithUniformSubscription(non-rack-aware)",
     {f"consumer{i}": ["t1", "t2", "t3"] for i in range(3)}, {"t1": 6, "t2": 7, "t3": 2},
     {"consumer0": "t1-0, t1-1, t2-0, t2-1, t2-2, t3-0", "consumer1": "t1-2, t1-3, t2-3, t2-4, t3-1",
      "consumer2": "t1-4, t1-5, t2-5, t2-6"}),
    ("RangeAssignorTest#testRackAwareAssignmentWithNonEqualSubscription(non-rack-aware)",
     {"consumer0": ["t1", "t2", "t3"], "consumer1": ["t1", "t2", "t3"], "consumer2": ["t1", "t3"]},
     {"t1": 6, "t2": 7, "t3": 2},
     {"consumer0": "t1-0, t1-1, t2-0, t2-1, t2-2, t2-3, t3-0", "consumer1": "t1-2, t1-3, t2-4, t2-5, t2-6, t3-1",
      "consumer2": "t1-4, t1-5"}),
    ("RangeAssignorTest#testRackAwareAssignmentWithUniformPartitions(non-rack-aware)",
     {f"consumer{i}": ["t1", "t2", "t3"] for i in range(3)}, {"t1": 5, "t2": 5, "t3": 5},
     {"consumer0": "t1-0, t1-1, t2-0, t2-1, t3-0, t3-1", "consumer1": "t1-2, t1-3, t2-2, t2-3, t3-2, t3-3",
      "consumer2": "t1-4, t2-4, t3-4"}),
    ("RangeAssignorTest#testRackAwareAssignmentWithUniformPartitionsNonEqualSubscription(non-rack-aware)",
     {"consumer0": ["t1", "t2", "t3"], "consumer1": ["t1", "t2", "t3"], "consumer2": ["t1", "t3"]},
     {"t1": 5, "t2": 5, "t3": 5},
     {"consumer0": "t1-0, t1-1, t2-0, t2-1, t2-2, t3-0, t3-1", "consumer1": "t1-2, t1-3, t2-3, t2-4, t3-2, t3-3",
      "consumer2": "t1-4, t3-4"}),
    ("RangeAssignorTest#testRackAwareAssignmentWithCoPartitioning(non-rack-aware, split subscriptions)",
     {"consumer0": ["t1", "t2"], "consumer1": ["t1", "t2"], "consumer2": ["t3", "t4"], "consumer3": ["t3", "t4"]},
     {"t1": 6, "t2": 6, "t3": 2, "t4": 2},
     {"consumer0": "t1-0, t1-1, t1-2, t2-0, t2-1, t2-2", "consumer1": "t1-3, t1-4, t1-5, t2-3, t2-4, t2-5",
      "consumer2": "t3-0, t4-0", "consumer3": "t3-1, t4-1"}),
    ("RangeAssignorTest#testRackAwareAssignmentWithCoPartitioning(non-rack-aware, all topics)",
     {f"consumer{i}": ["t1", "t2", "t3", "t4"] for i in range(4)}, {"t1": 6, "t2": 6, "t3": 2, "t4": 2},
     {"consumer0": "t1-0, t1-1, t2-0, t2-1, t3-0, t4-0", "consumer1": "t1-2, t1-3, t2-2, t2-3, t3-1, t4-1",
      "consumer2": "t1-4, t2-4", "consumer3": "t1-5, t2-5"}),
    ("RangeAssignorTest#testCoPartitionedAssignmentWithSameSubscription(non-rack-aware)",
     {f"consumer{i}": [f"t{j}" for j in range(1, 10)] for i in range(3)},
     {"t1": 6, "t2": 6, "t3": 2, "t4": 2, "t5": 4, "t6": 4},
     {"consumer0": "t1-0, t1-1, t2-0, t2-1, t3-0, t4-0, t5-0, t5-1, t6-0, t6-1",
      "consumer1": "t1-2, t1-3, t2-2, t2-3, t3-1, t4-1, t5-2, t6-2",
      "consumer2": "t1-4, t1-5, t2-4, t2-5, t5-3, t6-3"}),
    ("RangeAssignor javadoc example", {"C0": ["t0", "t1"], "C1": ["t0", "t1"]}, {"t0": 3, "t1": 3},
     {"C0": "t0-0 t0-1 t1-0 t1-1", "C1": "t0-2 t1-2"}),
]


@pytest.mark.parametrize("name, subs, parts, expected", RANGE_CASES, ids=[c[0] for c in RANGE_CASES])
def test_range_matches_kafka(name, subs, parts, expected):
    assert assign("range", subs, parts) == {m: S(v) for m, v in expected.items()}


# ----------------------------------------------------------------------------- RoundRobinAssignorTest

ROUNDROBIN_CASES = [
    ("RoundRobinAssignorTest#testOneConsumerNoTopic", {"consumer": []}, {}, {"consumer": ""}),
    ("RoundRobinAssignorTest#testOneConsumerNonexistentTopic", {"consumer": ["topic"]}, {}, {"consumer": ""}),
    ("RoundRobinAssignorTest#testOneConsumerOneTopic", {"consumer": ["topic"]}, {"topic": 3},
     {"consumer": "topic-0 topic-1 topic-2"}),
    ("RoundRobinAssignorTest#testOnlyAssignsPartitionsFromSubscribedTopics", {"consumer": ["topic"]},
     {"topic": 3, "other": 3}, {"consumer": "topic-0 topic-1 topic-2"}),
    ("RoundRobinAssignorTest#testOneConsumerMultipleTopics", {"consumer": ["topic1", "topic2"]},
     {"topic1": 1, "topic2": 2}, {"consumer": "topic1-0 topic2-0 topic2-1"}),
    ("RoundRobinAssignorTest#testTwoConsumersOneTopicOnePartition", {"consumer1": ["topic"], "consumer2": ["topic"]},
     {"topic": 1}, {"consumer1": "topic-0", "consumer2": ""}),
    ("RoundRobinAssignorTest#testTwoConsumersOneTopicTwoPartitions", {"consumer1": ["topic"], "consumer2": ["topic"]},
     {"topic": 2}, {"consumer1": "topic-0", "consumer2": "topic-1"}),
    ("RoundRobinAssignorTest#testMultipleConsumersMixedTopics",
     {"consumer1": ["topic1"], "consumer2": ["topic1", "topic2"], "consumer3": ["topic1"]}, {"topic1": 3, "topic2": 2},
     {"consumer1": "topic1-0", "consumer2": "topic1-1 topic2-0 topic2-1", "consumer3": "topic1-2"}),
    ("RoundRobinAssignorTest#testTwoDynamicConsumersTwoTopicsSixPartitions",
     {"consumer1": ["topic1", "topic2"], "consumer2": ["topic1", "topic2"]}, {"topic1": 3, "topic2": 3},
     {"consumer1": "topic1-0 topic1-2 topic2-1", "consumer2": "topic1-1 topic2-0 topic2-2"}),
    # instance1..3 order like consumer1..3 and precede the dynamic member: same as all-dynamic.
    ("RoundRobinAssignorTest#testStaticMemberRoundRobinAssignmentPersistent(mapped)",
     {f"consumer{i}": ["topic1", "topic2"] for i in (1, 2, 3, 4)}, {"topic1": 3, "topic2": 3},
     {"consumer1": "topic1-0 topic2-1", "consumer2": "topic1-1 topic2-2", "consumer3": "topic1-2",
      "consumer4": "topic2-0"}),
    ("RoundRobinAssignorTest#testStaticMemberRoundRobinAssignmentPersistent(mapped, consumer4 replaced by consumer5)",
     {f"consumer{i}": ["topic1", "topic2"] for i in (1, 2, 3, 5)}, {"topic1": 3, "topic2": 3},
     {"consumer1": "topic1-0 topic2-1", "consumer2": "topic1-1 topic2-2", "consumer3": "topic1-2",
      "consumer5": "topic2-0"}),
    ("RoundRobinAssignorTest#testStaticMemberRoundRobinAssignmentPersistentAfterMemberIdChanges(mapped)",
     {f"consumer{i}": ["topic1", "topic2"] for i in (1, 2, 3)}, {"topic1": 5, "topic2": 5},
     {"consumer1": "topic1-0 topic1-3 topic2-1 topic2-4", "consumer2": "topic1-1 topic1-4 topic2-2",
      "consumer3": "topic1-2 topic2-0 topic2-3"}),
    ("RoundRobinAssignor javadoc example (unequal subscriptions)",
     {"C0": ["t0"], "C1": ["t0", "t1"], "C2": ["t0", "t1", "t2"]}, {"t0": 1, "t1": 2, "t2": 3},
     {"C0": "t0-0", "C1": "t1-0", "C2": "t1-1 t2-0 t2-1 t2-2"}),
]


@pytest.mark.parametrize("name, subs, parts, expected", ROUNDROBIN_CASES, ids=[c[0] for c in ROUNDROBIN_CASES])
def test_roundrobin_matches_kafka(name, subs, parts, expected):
    assert assign("roundrobin", subs, parts) == {m: S(v) for m, v in expected.items()}


def test_roundrobin_iterator_is_not_reset_between_topics():
    # RoundRobinAssignor: one CircularIterator over all partitions of all topics, sorted by topic.
    subs = {"a": ["x", "y"], "b": ["x", "y"], "c": ["x", "y"]}
    assert assign("roundrobin", subs, {"x": 2, "y": 2}) == {
        "a": [("x", 0), ("y", 1)], "b": [("x", 1)], "c": [("y", 0)]}


# ----------------------------------------------------------------------------- AbstractStickyAssignorTest

@pytest.mark.parametrize("strategy", STICKY)
def test_sticky_one_consumer_no_topic(strategy):
    """AbstractStickyAssignorTest#testOneConsumerNoTopic"""
    out, d = detail(strategy, {"consumer": []}, {})
    assert out == {"consumer": []} and d.transferring == {}


@pytest.mark.parametrize("strategy", STICKY)
def test_sticky_one_consumer_nonexistent_topic(strategy):
    """AbstractStickyAssignorTest#testOneConsumerNonexistentTopic (topic with an empty partition list)"""
    out, d = detail(strategy, {"consumer": ["topic"]}, {"topic": 0})
    assert out == {"consumer": []} and d.transferring == {}


@pytest.mark.parametrize("strategy", STICKY)
def test_sticky_one_consumer_one_topic(strategy):
    """AbstractStickyAssignorTest#testOneConsumerOneTopic"""
    out, d = detail(strategy, {"consumer": ["topic"]}, {"topic": 3})
    assert out == {"consumer": S("topic-0 topic-1 topic-2")} and d.transferring == {}


@pytest.mark.parametrize("strategy", STICKY)
def test_sticky_only_assigns_partitions_from_subscribed_topics(strategy):
    """AbstractStickyAssignorTest#testOnlyAssignsPartitionsFromSubscribedTopics"""
    owned = {"consumer": P("topic-0 topic-1 other-0 other-1")}
    out, d = detail(strategy, {"consumer": ["topic"]}, {"topic": 2}, owned, {"consumer": GEN})
    assert out == {"consumer": S("topic-0 topic-1")} and d.transferring == {}


@pytest.mark.parametrize("strategy", STICKY)
def test_sticky_one_consumer_multiple_topics(strategy):
    """AbstractStickyAssignorTest#testOneConsumerMultipleTopics"""
    out = assign(strategy, {"consumer": ["topic1", "topic2"]}, {"topic1": 1, "topic2": 2})
    assert out == {"consumer": S("topic1-0 topic2-0 topic2-1")}


@pytest.mark.parametrize("strategy", STICKY)
def test_sticky_two_consumers_one_topic_one_partition(strategy):
    """AbstractStickyAssignorTest#testTwoConsumersOneTopicOnePartition"""
    subs = {"consumer1": ["topic"], "consumer2": ["topic"]}
    out, d = detail(strategy, subs, {"topic": 1})
    assert d.transferring == {}
    check(strategy, subs, {"topic": 1}, out)
    assert is_fully_balanced(out)


@pytest.mark.parametrize("strategy", STICKY)
def test_sticky_two_consumers_one_topic_two_partitions(strategy):
    """AbstractStickyAssignorTest#testTwoConsumersOneTopicTwoPartitions"""
    out = assign(strategy, {"consumer1": ["topic"], "consumer2": ["topic"]}, {"topic": 2})
    assert out == {"consumer1": [("topic", 0)], "consumer2": [("topic", 1)]}


@pytest.mark.parametrize("strategy", STICKY)
def test_sticky_multiple_consumers_mixed_topic_subscriptions(strategy):
    """AbstractStickyAssignorTest#testMultipleConsumersMixedTopicSubscriptions"""
    subs = {"consumer1": ["topic1"], "consumer2": ["topic1", "topic2"], "consumer3": ["topic1"]}
    out, d = detail(strategy, subs, {"topic1": 3, "topic2": 2})
    assert out == {"consumer1": S("topic1-0 topic1-2"), "consumer2": S("topic2-0 topic2-1"),
                   "consumer3": S("topic1-1")}
    assert not d.constrained                       # assertNull(partitionsTransferringOwnership)
    check(strategy, subs, {"topic1": 3, "topic2": 2}, out)


@pytest.mark.parametrize("strategy", STICKY)
def test_sticky_two_consumers_two_topics_six_partitions(strategy):
    """AbstractStickyAssignorTest#testTwoConsumersTwoTopicsSixPartitions"""
    subs = {"consumer1": ["topic1", "topic2"], "consumer2": ["topic1", "topic2"]}
    out, d = detail(strategy, subs, {"topic1": 3, "topic2": 3})
    assert out == {"consumer1": S("topic1-0 topic1-2 topic2-1"), "consumer2": S("topic1-1 topic2-0 topic2-2")}
    assert d.transferring == {}


@pytest.mark.parametrize("strategy", STICKY)
def test_sticky_consumer_owning_min_quota_expected_max_quota(strategy):
    """AbstractStickyAssignorTest#testConsumerOwningMinQuotaExpectedMaxQuota"""
    subs = {"consumer1": ["topic1", "topic2"], "consumer2": ["topic1", "topic2"]}
    owned = {"consumer1": P("topic1-0 topic2-1"), "consumer2": P("topic1-1 topic2-2")}
    out, d = detail(strategy, subs, {"topic1": 2, "topic2": 3}, owned, {c: GEN for c in subs})
    assert out == {"consumer1": S("topic1-0 topic2-1 topic2-0"), "consumer2": S("topic1-1 topic2-2")}
    assert d.transferring == {}


@pytest.mark.parametrize("strategy", STICKY)
def test_sticky_max_quota_consumer_more_than_num_expected_max_capacity_members(strategy):
    """AbstractStickyAssignorTest#testMaxQuotaConsumerMoreThanNumExpectedMaxCapacityMembers

    Two members own maxQuota (2) partitions but only one may keep them: Java's HashMap
    iterates consumer2 before consumer1, so consumer2 keeps both.
    """
    subs = {c: ["topic1", "topic2"] for c in ("consumer1", "consumer2", "consumer3")}
    parts = {"topic1": 2, "topic2": 2}
    owned = {"consumer1": P("topic1-0 topic2-0"), "consumer2": P("topic1-1 topic2-1"), "consumer3": []}
    out, d = detail(strategy, subs, parts, owned, {c: GEN for c in subs})
    assert d.transferring == {("topic2", 0): "consumer3"}
    final = check(strategy, subs, parts, out, owned)
    assert final == {"consumer1": S("topic1-0"), "consumer2": S("topic1-1 topic2-1"), "consumer3": S("topic2-0")}
    if strategy == "cooperative-sticky":
        assert out["consumer3"] == []              # topic2-0 is revoked by consumer1 first
    assert is_fully_balanced(final)


@pytest.mark.parametrize("strategy", STICKY)
def test_sticky_all_consumers_are_under_min_quota(strategy):
    """AbstractStickyAssignorTest#testAllConsumersAreUnderMinQuota"""
    subs = {c: ["topic1", "topic2"] for c in ("consumer1", "consumer2", "consumer3")}
    owned = {"consumer1": P("topic1-0"), "consumer2": P("topic1-1"), "consumer3": []}
    out, d = detail(strategy, subs, {"topic1": 2, "topic2": 3}, owned, {c: GEN for c in subs})
    assert d.transferring == {}
    assert out == {"consumer1": S("topic1-0 topic2-1"), "consumer2": S("topic1-1 topic2-2"), "consumer3": S("topic2-0")}


@pytest.mark.parametrize("strategy", STICKY)
def test_sticky_add_remove_consumer_one_topic(strategy):
    """AbstractStickyAssignorTest#testAddRemoveConsumerOneTopic"""
    parts = {"topic": 3}
    out = assign(strategy, {"consumer1": ["topic"]}, parts)
    assert out == {"consumer1": S("topic-0 topic-1 topic-2")}

    subs = {"consumer1": ["topic"], "consumer2": ["topic"]}
    owned = {"consumer1": out["consumer1"], "consumer2": []}
    out, d = detail(strategy, subs, parts, owned, {c: GEN for c in subs})
    assert d.transferring == {("topic", 2): "consumer2"}
    out = check(strategy, subs, parts, out, owned)
    assert out == {"consumer1": S("topic-0 topic-1"), "consumer2": S("topic-2")}

    subs = {"consumer2": ["topic"]}
    out, d = detail(strategy, subs, parts, {"consumer2": out["consumer2"]}, {"consumer2": GEN})
    assert out == {"consumer2": S("topic-0 topic-1 topic-2")} and d.transferring == {}


@pytest.mark.parametrize("strategy", STICKY)
def test_sticky_topic_balance_after_reassignment(strategy):
    """AbstractStickyAssignorTest#testTopicBalanceAfterReassignment"""
    topics = ["topic1", "topic2"]
    parts = {"topic1": 12, "topic2": 12}

    def per_topic_counts(assignment, n):
        for tps in assignment.values():
            assert Counter(t for t, _ in tps) == {"topic1": n, "topic2": n}

    subs = {"consumer1": topics}
    out = check(strategy, subs, parts, assign(strategy, subs, parts))
    per_topic_counts(out, 12)

    subs = {"consumer1": topics, "consumer2": topics}
    owned = {"consumer1": out["consumer1"], "consumer2": []}
    out = check(strategy, subs, parts, assign(strategy, subs, parts, owned, {c: GEN for c in subs}), owned)
    per_topic_counts(out, 6)

    subs = {c: topics for c in ("consumer1", "consumer2", "consumer3", "consumer4")}
    owned = {**out, "consumer3": [], "consumer4": []}
    out = check(strategy, subs, parts, assign(strategy, subs, parts, owned, {c: GEN for c in subs}), owned)
    per_topic_counts(out, 3)

    subs = {"consumer3": topics, "consumer4": topics}
    owned = {c: out[c] for c in subs}
    out, d = detail(strategy, subs, parts, owned, {c: GEN for c in subs})
    assert d.transferring == {}
    per_topic_counts(check(strategy, subs, parts, out, owned), 6)


@pytest.mark.parametrize("strategy", STICKY)
def test_sticky_add_remove_two_consumers_two_topics(strategy):
    """AbstractStickyAssignorTest#testAddRemoveTwoConsumersTwoTopics"""
    topics = ["topic1", "topic2"]
    parts = {"topic1": 3, "topic2": 4}
    subs = {"consumer1": topics, "consumer2": topics}
    out, d = detail(strategy, subs, parts)
    assert out == {"consumer1": S("topic1-0 topic1-2 topic2-1 topic2-3"), "consumer2": S("topic1-1 topic2-0 topic2-2")}
    assert d.transferring == {}

    subs = {c: topics for c in ("consumer1", "consumer2", "consumer3", "consumer4")}
    owned = {**out, "consumer3": [], "consumer4": []}
    out, d = detail(strategy, subs, parts, owned, {c: GEN for c in subs})
    assert d.transferring == {("topic1", 2): "consumer3", ("topic2", 3): "consumer3", ("topic2", 2): "consumer4"}
    out = check(strategy, subs, parts, out, owned)
    assert out == {"consumer1": S("topic1-0 topic2-1"), "consumer2": S("topic2-0 topic1-1"),
                   "consumer3": S("topic1-2 topic2-3"), "consumer4": S("topic2-2")}

    subs = {"consumer3": topics, "consumer4": topics}
    owned = {c: out[c] for c in subs}
    out, d = detail(strategy, subs, parts, owned, {c: GEN for c in subs})
    assert out == {"consumer3": S("topic1-2 topic2-3 topic1-0 topic2-1"), "consumer4": S("topic2-2 topic1-1 topic2-0")}
    assert d.transferring == {}


@pytest.mark.parametrize("strategy", STICKY)
def test_sticky_poor_round_robin_assignment_scenario(strategy):
    """AbstractStickyAssignorTest#testPoorRoundRobinAssignmentScenario"""
    parts = {f"topic{i}": (i % 2) + 1 for i in range(1, 6)}
    subs = {"consumer1": ["topic1", "topic2", "topic3", "topic4", "topic5"],
            "consumer2": ["topic1", "topic3", "topic5"],
            "consumer3": ["topic1", "topic3", "topic5"],
            "consumer4": ["topic1", "topic2", "topic3", "topic4", "topic5"]}
    check(strategy, subs, parts, assign(strategy, subs, parts))


@pytest.mark.parametrize("strategy", STICKY)
def test_sticky_add_remove_topic_two_consumers(strategy):
    """AbstractStickyAssignorTest#testAddRemoveTopicTwoConsumers"""
    subs = {"consumer1": ["topic"], "consumer2": ["topic"]}
    parts = {"topic": 3}
    out, d = detail(strategy, subs, parts)
    assert d.transferring == {} and is_fully_balanced(out)
    first = check(strategy, subs, parts, out)
    assert sorted(len(v) for v in first.values()) == [1, 2]

    parts = {"topic": 3, "topic2": 3}
    subs = {"consumer1": ["topic", "topic2"], "consumer2": ["topic", "topic2"]}
    out, d = detail(strategy, subs, parts, first, {c: GEN for c in subs})
    assert d.transferring == {}
    second = check(strategy, subs, parts, out, first)
    assert is_fully_balanced(second)
    assert all(len(second[c]) == 3 and set(first[c]) <= set(second[c]) for c in subs)

    parts = {"topic2": 3}
    subs = {"consumer1": ["topic2"], "consumer2": ["topic2"]}
    out, d = detail(strategy, subs, parts, second, {c: GEN for c in subs})
    assert d.transferring == {}
    third = check(strategy, subs, parts, out, second)
    assert sorted(len(v) for v in third.values()) == [1, 2]
    assert all(set(third[c]) <= set(second[c]) for c in subs)


@pytest.mark.parametrize("strategy", STICKY)
def test_sticky_reassignment_after_one_consumer_leaves(strategy):
    """AbstractStickyAssignorTest#testReassignmentAfterOneConsumerLeaves"""
    parts = {canonical("t", i, 20): i for i in range(1, 20)}
    subs = {canonical("c", i, 20): [canonical("t", j, 20) for j in range(1, i + 1)] for i in range(1, 20)}
    out = check(strategy, subs, parts, assign(strategy, subs, parts))
    owned = dict(out)
    del subs["c10"]
    out, d = detail(strategy, subs, parts, {c: owned[c] for c in subs}, {c: GEN for c in subs})
    check(strategy, subs, parts, out, {c: owned[c] for c in subs})
    assert d.movements.is_sticky()


@pytest.mark.parametrize("strategy", STICKY)
def test_sticky_reassignment_after_one_consumer_added(strategy):
    """AbstractStickyAssignorTest#testReassignmentAfterOneConsumerAdded (no owned partitions sent)"""
    parts = {"topic": 20}
    subs = {canonical("c", i, 10): ["topic"] for i in range(1, 10)}
    out, d = detail(strategy, subs, parts)
    assert d.transferring == {}
    check(strategy, subs, parts, out)
    subs[canonical("c", 10, 10)] = ["topic"]
    out, d = detail(strategy, subs, parts)
    assert d.transferring == {}
    check(strategy, subs, parts, out)


@pytest.mark.parametrize("strategy", STICKY)
def test_sticky_same_subscriptions(strategy):
    """AbstractStickyAssignorTest#testSameSubscriptions"""
    parts = {canonical("t", i, 15): i for i in range(1, 15)}
    topics = list(parts)
    subs = {canonical("c", i, 9): topics for i in range(1, 9)}
    out, d = detail(strategy, subs, parts)
    assert d.transferring == {}
    check(strategy, subs, parts, out)
    owned = dict(out)
    del subs[canonical("c", 5, 9)]
    out, d = detail(strategy, subs, parts, {c: owned[c] for c in subs}, {c: GEN for c in subs})
    assert d.transferring == {}
    check(strategy, subs, parts, out, {c: owned[c] for c in subs})


@pytest.mark.parametrize("strategy", STICKY)
def test_sticky_large_assignment_and_group_with_uniform_subscription(strategy):
    """AbstractStickyAssignorTest#testLargeAssignmentAndGroupWithUniformSubscription

    Scaled down from 500 topics x 2,000 partitions x 2,000 members (1M partitions) to
    50 x 200 x 500 to keep the suite fast; the code path is the same.
    """
    topics = [canonical("t", i, 50) for i in range(50)]
    parts = {t: 200 for t in topics}
    subs = {canonical("c", i, 500): topics for i in range(500)}
    out = assign(strategy, subs, parts)
    owned = {c: out[c] for c in list(subs)[1:]}
    again = assign(strategy, subs, parts, owned, {c: GEN for c in owned})
    assert sum(len(v) for v in again.values()) <= 10_000


@pytest.mark.parametrize("strategy", STICKY)
def test_sticky_large_assignment_and_group_with_non_equal_subscription(strategy):
    """AbstractStickyAssignorTest#testLargeAssignmentAndGroupWithNonEqualSubscription (scaled down to 50x200x500)"""
    topics = [canonical("t", i, 50) for i in range(50)]
    parts = {t: 200 for t in topics}
    subs = {canonical("c", i, 500): (topics[:1] if i == 499 else topics) for i in range(500)}
    out = assign(strategy, subs, parts)
    owned = {c: out[c] for c in list(subs)[1:]}
    assign(strategy, subs, parts, owned, {c: GEN for c in owned})


@pytest.mark.parametrize("strategy", STICKY)
def test_sticky_assignment_and_group_with_non_equal_subscription_not_timeout(strategy):
    """AbstractStickyAssignorTest#testAssignmentAndGroupWithNonEqualSubscriptionNotTimeout (full size: 100x200x500)"""
    topics = [canonical("t", i, 100) for i in range(100)]
    parts = {t: 200 for t in topics}
    subs = {canonical("c", i, 500): (topics[:50] if i % 4 == 0 else topics[50:]) for i in range(500)}
    out = assign(strategy, subs, parts)
    owned = {c: out[c] for c in list(subs)[1:]}
    assign(strategy, subs, parts, owned, {c: GEN for c in owned})


@pytest.mark.parametrize("strategy", STICKY)
def test_sticky_subscription_not_equal_and_assign_same_partition_with_3_generation(strategy):
    """AbstractStickyAssignorTest#testSubscriptionNotEqualAndAssignSamePartitionWith3Generation"""
    parts = {"topic": 6, "topic1": 1}
    for g1, g2, g3 in [(1, 2, 3), (1, 3, 2), (2, 1, 3), (2, 3, 1), (3, 1, 2), (3, 2, 1)]:
        subs = {"consumer1": ["topic"], "consumer2": ["topic"], "consumer3": ["topic"], "consumer4": ["topic1"]}
        owned = {"consumer1": P("topic-0 topic-2"), "consumer2": P("topic-1 topic-2 topic-3"),
                 "consumer3": P("topic-2 topic-4 topic-5"), "consumer4": P("topic1-0")}
        gens = {"consumer1": g1, "consumer2": g2, "consumer3": g3, "consumer4": 2}
        out = assign(strategy, subs, parts, owned, gens)
        flat = [tp for v in out.values() for tp in v]
        assert len(flat) == len(set(flat))
        assert all(1 <= len(v) <= 2 for v in out.values())


@pytest.mark.parametrize("strategy", STICKY)
def test_sticky_large_assignment_with_multiple_consumers_leaving_and_random_subscription(strategy):
    """AbstractStickyAssignorTest#testLargeAssignmentWithMultipleConsumersLeavingAndRandomSubscription

    java.util.Random without a seed there; a fixed seed here.  Java's random topic lists may
    repeat a topic; a real subscription is a Set, and assign() de-duplicates.
    """
    rng = random.Random(20240501)
    topics = [canonical("t", i, 40) for i in range(40)]
    parts = {t: rng.randrange(10) + 1 for t in topics}
    subs = {canonical("c", i, 200): [topics[rng.randrange(40)] for _ in range(rng.randrange(20))]
            for i in range(200)}
    out = check(strategy, subs, parts, assign(strategy, subs, parts))
    for _ in range(50):
        subs.pop(canonical("c", rng.randrange(200), 200), None)
    owned = {c: out[c] for c in subs}
    out, d = detail(strategy, subs, parts, owned, {c: GEN for c in subs})
    check(strategy, subs, parts, out, owned)
    assert d.constrained or d.movements.is_sticky()


@pytest.mark.parametrize("strategy", STICKY)
def test_sticky_new_subscription(strategy):
    """AbstractStickyAssignorTest#testNewSubscription"""
    parts = {canonical("t", i, 5): 1 for i in range(1, 5)}
    subs = {canonical("c", i, 3): [canonical("t", j, 5) for j in range(i, 3 * i - 1)] for i in range(3)}
    check(strategy, subs, parts, assign(strategy, subs, parts))
    subs["c0"] = subs["c0"] + [canonical("t", 1, 5)]
    out, d = detail(strategy, subs, parts)
    check(strategy, subs, parts, out)
    assert d.constrained or d.movements.is_sticky()


@pytest.mark.parametrize("strategy", STICKY)
def test_sticky_move_existing_assignments(strategy):
    """AbstractStickyAssignorTest#testMoveExistingAssignments"""
    parts = {f"topic{i}": 1 for i in range(1, 7)}
    subs = {"consumer1": ["topic1", "topic2"], "consumer2": ["topic1", "topic2", "topic3", "topic4"],
            "consumer3": ["topic2", "topic3", "topic4", "topic5", "topic6"]}
    owned = {"consumer1": P("topic1-0"), "consumer2": P("topic2-0 topic3-0"),
             "consumer3": P("topic4-0 topic5-0 topic6-0")}
    out, d = detail(strategy, subs, parts, owned, {c: GEN for c in subs})
    assert not d.constrained
    check(strategy, subs, parts, out, owned)


@pytest.mark.parametrize("strategy", STICKY)
def test_sticky_stickiness(strategy):
    """AbstractStickyAssignorTest#testStickiness"""
    parts = {"topic1": 3}
    subs = {c: ["topic1"] for c in ("consumer1", "consumer2", "consumer3", "consumer4")}
    out, d = detail(strategy, subs, parts)
    assert d.transferring == {}
    check(strategy, subs, parts, out)
    assert all(len(v) <= 1 for v in out.values())
    before = {c: v[0] for c, v in out.items() if v}

    del subs["consumer1"]                              # removing the potential group leader
    owned = {c: out[c] for c in subs}
    out, d = detail(strategy, subs, parts, owned, {c: GEN for c in subs})
    assert d.transferring == {}
    out = check(strategy, subs, parts, out, owned)
    for c, v in out.items():
        assert len(v) == 1
        assert c not in before or before[c] in v, f"stickiness was not honored for {c}"


@pytest.mark.parametrize("strategy", STICKY)
def test_sticky_assignment_updated_for_deleted_topic(strategy):
    """AbstractStickyAssignorTest#testAssignmentUpdatedForDeletedTopic"""
    out, d = detail(strategy, {"consumer": ["topic1", "topic2", "topic3"]}, {"topic1": 1, "topic3": 100})
    assert d.transferring == {}
    assert sum(len(v) for v in out.values()) == 101 and list(out) == ["consumer"]


@pytest.mark.parametrize("strategy", STICKY)
def test_sticky_no_exception_thrown_when_only_subscribed_topic_deleted(strategy):
    """AbstractStickyAssignorTest#testNoExceptionThrownWhenOnlySubscribedTopicDeleted"""
    out = assign(strategy, {"consumer": ["topic"]}, {"topic": 3})
    out, d = detail(strategy, {"consumer": ["topic"]}, {}, out, {"consumer": GEN})
    assert out == {"consumer": []} and d.transferring == {}


@pytest.mark.parametrize("strategy", STICKY)
def test_sticky_reassignment_with_random_subscriptions_and_changes(strategy):
    """AbstractStickyAssignorTest#testReassignmentWithRandomSubscriptionsAndChanges (100 rounds there, 15 here)"""
    rng = random.Random(7)

    def random_sublist(lst):
        selected = list(lst)
        for _ in range(rng.randrange(len(lst))):
            selected.pop(rng.randrange(len(selected)))
        return sorted(selected)

    for _ in range(15):
        topics = [canonical("t", i, 20) for i in range(10 + rng.randrange(10))]
        parts = {t: i + 1 for i, t in enumerate(topics)}
        n = 20 + rng.randrange(20)
        subs = {canonical("c", i, 40): random_sublist(topics) for i in range(n)}
        out = check(strategy, subs, parts, assign(strategy, subs, parts))
        subs = {canonical("c", i, 40): random_sublist(topics) for i in range(n)}
        owned = {c: out[c] for c in subs}
        out, d = detail(strategy, subs, parts, owned, {c: GEN for c in subs})
        check(strategy, subs, parts, out, owned)
        assert d.constrained or d.movements.is_sticky()


@pytest.mark.parametrize("strategy", STICKY)
def test_sticky_all_consumers_reach_expected_quota_and_are_considered_filled(strategy):
    """AbstractStickyAssignorTest#testAllConsumersReachExpectedQuotaAndAreConsideredFilled"""
    subs = {c: ["topic"] for c in ("consumer1", "consumer2", "consumer3")}
    owned = {"consumer1": P("topic-0 topic-1"), "consumer2": P("topic-2"), "consumer3": []}
    out, d = detail(strategy, subs, {"topic": 4}, owned, {c: GEN for c in subs})
    assert out == {"consumer1": S("topic-0 topic-1"), "consumer2": S("topic-2"), "consumer3": S("topic-3")}
    assert d.transferring == {}


@pytest.mark.parametrize("strategy", STICKY)
@pytest.mark.parametrize("stale", [9, -1], ids=["StaleGeneration", "NoGeneration"])
def test_sticky_owned_partitions_are_invalidated_for_consumer_with_stale_or_no_generation(strategy, stale):
    """AbstractStickyAssignorTest#testOwnedPartitionsAreInvalidatedForConsumerWith{StaleGeneration,NoGeneration}"""
    subs = {"consumer1": ["topic", "topic2"], "consumer2": ["topic", "topic2"]}
    owned = {"consumer1": P("topic-0 topic-2 topic2-1"), "consumer2": P("topic-0 topic-2 topic2-1")}
    out, d = detail(strategy, subs, {"topic": 3, "topic2": 3}, owned, {"consumer1": 10, "consumer2": stale})
    assert out == {"consumer1": S("topic-0 topic-2 topic2-1"), "consumer2": S("topic-1 topic2-0 topic2-2")}
    assert d.transferring == {}


@pytest.mark.parametrize("strategy", STICKY)
def test_sticky_partitions_claimed_by_multiple_consumers_in_same_generation(strategy):
    """AbstractStickyAssignorTest#testPartitionsTransferringOwnershipIncludeThePartitionClaimedByMultipleConsumersInSameGeneration
    and {Sticky,CooperativeSticky}AssignorTest#testAllConsumersHaveOwnedPartitionInvalidatedWhenClaimedByMultipleConsumersInSameGenerationWithEqualPartitionsPerConsumer
    """
    subs = {c: ["topic"] for c in ("consumer1", "consumer2", "consumer3")}
    owned = {"consumer1": P("topic-0 topic-1"), "consumer2": P("topic-0 topic-2"), "consumer3": []}
    out, d = detail(strategy, subs, {"topic": 3}, owned, {c: GEN for c in subs})
    assert d.transferring == {("topic", 0): "consumer3"}
    expected_c3 = [] if strategy == "cooperative-sticky" else S("topic-0")   # cooperative: both must revoke first
    assert out == {"consumer1": S("topic-1"), "consumer2": S("topic-2"), "consumer3": expected_c3}
    final = check(strategy, subs, {"topic": 3}, out, owned)
    assert final["consumer3"] == S("topic-0") and is_fully_balanced(final)


@pytest.mark.parametrize("strategy", STICKY)
def test_sticky_partitions_claimed_by_multiple_consumers_in_same_generation_unequal(strategy):
    """{Sticky,CooperativeSticky}AssignorTest#testAllConsumersHaveOwnedPartitionInvalidatedWhenClaimedByMultipleConsumersInSameGenerationWithUnequalPartitionsPerConsumer"""
    subs = {c: ["topic"] for c in ("consumer1", "consumer2", "consumer3")}
    owned = {"consumer1": P("topic-0 topic-1"), "consumer2": P("topic-0 topic-2"), "consumer3": []}
    out = assign(strategy, subs, {"topic": 4}, owned, {c: GEN for c in subs})
    expected_c3 = [] if strategy == "cooperative-sticky" else S("topic-0")
    assert out == {"consumer1": S("topic-1 topic-3"), "consumer2": S("topic-2"), "consumer3": expected_c3}
    final = check(strategy, subs, {"topic": 4}, out, owned)
    assert is_fully_balanced(final)


@pytest.mark.parametrize("strategy", STICKY)
def test_sticky_ensure_partitions_assigned_to_highest_generation(strategy):
    """AbstractStickyAssignorTest#testEnsurePartitionsAssignedToHighestGeneration"""
    topics = ["topic", "topic2", "topic3"]
    subs = {c: topics for c in ("consumer1", "consumer2", "consumer3")}
    owned = {"consumer1": P("topic-0 topic2-0 topic3-0"), "consumer2": P("topic-1 topic2-1 topic3-1"),
             "consumer3": P("topic2-1 topic3-0 topic3-2")}
    out, d = detail(strategy, subs, {t: 3 for t in topics}, owned, {"consumer1": 10, "consumer2": 9, "consumer3": 8})
    assert out == {"consumer1": S("topic-0 topic2-0 topic3-0"), "consumer2": S("topic-1 topic2-1 topic3-1"),
                   "consumer3": S("topic-2 topic2-2 topic3-2")}
    assert d.transferring == {}


@pytest.mark.parametrize("strategy", STICKY)
def test_sticky_no_reassignment_on_current_members(strategy):
    """AbstractStickyAssignorTest#testNoReassignmentOnCurrentMembers"""
    topics = ["topic", "topic2", "topic3", "topic1"]
    subs = {c: topics for c in ("consumer1", "consumer2", "consumer3", "consumer4")}
    owned = {"consumer1": [], "consumer2": P("topic-0 topic2-0 topic1-0"),
             "consumer3": P("topic3-2 topic2-2 topic1-1"), "consumer4": P("topic3-1 topic-1 topic-2")}
    gens = {"consumer1": -1, "consumer2": 9, "consumer3": 8, "consumer4": 7}
    out, d = detail(strategy, subs, {t: 3 for t in topics}, owned, gens)
    assert out["consumer1"] == S("topic1-2 topic2-1 topic3-0")
    assert d.transferring == {}
    assert is_fully_balanced(check(strategy, subs, {t: 3 for t in topics}, out, owned))


@pytest.mark.parametrize("strategy", STICKY)
def test_sticky_owned_partitions_are_invalidated_for_consumer_with_multiple_generation(strategy):
    """AbstractStickyAssignorTest#testOwnedPartitionsAreInvalidatedForConsumerWithMultipleGeneration"""
    subs = {"consumer1": ["topic", "topic2"], "consumer2": ["topic", "topic2"]}
    owned = {"consumer1": P("topic-0 topic2-1 topic-1"), "consumer2": P("topic-0 topic2-1 topic2-2")}
    out, d = detail(strategy, subs, {"topic": 3, "topic2": 3}, owned, {"consumer1": 10, "consumer2": 8})
    assert out == {"consumer1": S("topic-0 topic2-1 topic-1"), "consumer2": S("topic-2 topic2-2 topic2-0")}
    assert d.transferring == {}


UNIFORM = ["t1-0, t1-3, t2-0, t2-3, t2-6", "t1-1, t1-4, t2-1, t2-4, t3-0", "t1-2, t1-5, t2-2, t2-5, t3-1"]
NON_EQUAL = ["t1-5, t2-0, t2-2, t2-4, t2-6", "t1-3, t2-1, t2-3, t2-5, t3-0", "t1-0, t1-1, t1-2, t1-4, t3-1"]
RACK_TOPICS = {"t1": 6, "t2": 7, "t3": 2}


@pytest.mark.parametrize("strategy", STICKY)
def test_sticky_rack_test_non_rack_aware_uniform_assignment(strategy):
    """AbstractStickyAssignorTest#testRackAwareAssignmentWithUniformSubscription: nonRackAwareAssignment,
    fresh and with the same partitions already owned (verifyUniformSubscription)."""
    subs = {f"consumer{i}": ["t1", "t2", "t3"] for i in range(3)}
    expected = {f"consumer{i}": S(v) for i, v in enumerate(UNIFORM)}
    assert assign(strategy, subs, RACK_TOPICS) == expected
    assert assign(strategy, subs, RACK_TOPICS, expected) == expected


@pytest.mark.parametrize("strategy", STICKY)
def test_sticky_rack_test_non_rack_aware_non_equal_assignment(strategy):
    """AbstractStickyAssignorTest#testRackAwareAssignmentWithNonEqualSubscription: nonRackAwareAssignment,
    fresh and already owned (verifyNonEqualSubscription)."""
    subs = {"consumer0": ["t1", "t2", "t3"], "consumer1": ["t1", "t2", "t3"], "consumer2": ["t1", "t3"]}
    expected = {f"consumer{i}": S(v) for i, v in enumerate(NON_EQUAL)}
    assert assign(strategy, subs, RACK_TOPICS) == expected
    assert assign(strategy, subs, RACK_TOPICS, expected) == expected


def test_cooperative_rack_test_owned_partitions_go_through_an_intermediate_assignment():
    """AbstractStickyAssignorTest#testRackAwareAssignmentWithNonEqualSubscription, "result is same as
    non-rack-aware assignment if all racks match", CooperativeStickyAssignor branch: owned -> intermediate
    -> assignment.  (The StickyAssignor branch passes these owned partitions only as
    Subscription.ownedPartitions, which StickyAssignor ignores: it reads userData.)"""
    subs = {"consumer0": ["t1", "t2", "t3"], "consumer1": ["t1", "t2", "t3"], "consumer2": ["t1", "t3"]}
    owned = {"consumer0": P("t1-0, t1-1, t1-2, t1-3, t1-4"), "consumer1": P("t1-5, t2-0, t2-1, t2-2, t2-3"),
             "consumer2": P("t2-4, t2-5, t2-6, t3-0, t3-1")}
    intermediate = assign("cooperative-sticky", subs, RACK_TOPICS, owned)
    assert intermediate == {"consumer0": S("t1-2, t1-3, t1-4"), "consumer1": S("t2-0, t2-1, t2-2, t2-3"),
                            "consumer2": S("t3-0, t3-1")}
    final = assign("cooperative-sticky", subs, RACK_TOPICS, intermediate)
    assert final == {"consumer0": S("t1-2, t1-3, t1-4, t2-4, t2-5"), "consumer1": S("t2-0, t2-1, t2-2, t2-3, t2-6"),
                     "consumer2": S("t1-0, t1-1, t1-5, t3-0, t3-1")}
    # StickyAssignor with no previous assignment (userData) gives the fresh answer:
    assert assign("sticky", subs, RACK_TOPICS) == {f"consumer{i}": S(v) for i, v in enumerate(NON_EQUAL)}


# ----------------------------------------------------------------------------- StickyAssignorTest

@pytest.mark.parametrize("all_equal", [True, False], ids=["isAllSubscriptionsEqual", "notAllEqual"])
def test_sticky_assignment_with_multiple_generations_1(all_equal):
    """StickyAssignorTest#testAssignmentWithMultipleGenerations1"""
    all_topics = ["topic", "topic2"]
    c2_topics = all_topics if all_equal else ["topic"]
    parts = {"topic": 6, "topic2": 6}
    subs = {"consumer1": all_topics, "consumer2": c2_topics, "consumer3": all_topics}
    r1 = assign("sticky", subs, parts)
    assert all(len(v) == 4 for v in r1.values())
    verify_validity_and_balance(subs, r1)

    subs2 = {"consumer1": all_topics, "consumer2": c2_topics}
    r2 = assign("sticky", subs2, parts, {"consumer1": r1["consumer1"], "consumer2": r1["consumer2"]},
                {"consumer1": GEN, "consumer2": GEN})
    assert len(r2["consumer1"]) == 6 and len(r2["consumer2"]) == 6
    if all_equal:
        assert set(r1["consumer1"]) <= set(r2["consumer1"])
    assert set(r1["consumer2"]) <= set(r2["consumer2"])
    verify_validity_and_balance(subs2, r2)
    assert set(r2["consumer2"]) & set(r1["consumer3"])

    subs3 = {"consumer2": c2_topics, "consumer3": all_topics}
    r3 = assign("sticky", subs3, parts, {"consumer2": r2["consumer2"], "consumer3": r1["consumer3"]},
                {"consumer2": 2, "consumer3": 1})
    assert len(r3["consumer2"]) == 6 and len(r3["consumer3"]) == 6
    assert not set(r3["consumer2"]) & set(r3["consumer3"])
    verify_validity_and_balance(subs3, r3)


@pytest.mark.parametrize("all_equal", [True, False], ids=["isAllSubscriptionsEqual", "notAllEqual"])
def test_sticky_assignment_with_multiple_generations_2(all_equal):
    """StickyAssignorTest#testAssignmentWithMultipleGenerations2"""
    all_topics = ["topic", "topic2", "topic3"]
    c1_topics = all_topics if all_equal else ["topic"]
    c3_topics = all_topics if all_equal else ["topic", "topic2"]
    parts = {t: 4 for t in all_topics}
    subs = {"consumer1": c1_topics, "consumer2": all_topics, "consumer3": c3_topics}
    r1 = assign("sticky", subs, parts)
    assert all(len(v) == 4 for v in r1.values())
    verify_validity_and_balance(subs, r1)

    r2 = assign("sticky", {"consumer2": all_topics}, parts, {"consumer2": r1["consumer2"]}, {"consumer2": 1})
    assert len(r2["consumer2"]) == 12 and set(r1["consumer2"]) <= set(r2["consumer2"])

    owned = {"consumer1": r1["consumer1"], "consumer2": r2["consumer2"], "consumer3": r1["consumer3"]}
    r3 = assign("sticky", subs, parts, owned, {"consumer1": 1, "consumer2": 2, "consumer3": 1})
    assert all(len(v) == 4 for v in r3.values())
    verify_validity_and_balance(subs, r3)


@pytest.mark.parametrize("all_equal", [True, False], ids=["isAllSubscriptionsEqual", "notAllEqual"])
def test_sticky_assignment_with_conflicting_previous_generations(all_equal):
    """StickyAssignorTest#testAssignmentWithConflictingPreviousGenerations"""
    all_topics = ["topic", "topic2", "topic3"]
    c1_topics = all_topics if all_equal else ["topic"]
    c2_topics = all_topics if all_equal else ["topic", "topic2"]
    parts = {t: 4 for t in all_topics}
    subs = {"consumer1": c1_topics, "consumer2": c2_topics, "consumer3": all_topics}
    c1p0 = P("topic-0 topic-1 topic-2 topic2-2 topic2-3 topic3-0") if all_equal else P("topic-0 topic-1 topic-2 topic-3")
    c2p0 = P("topic-0 topic-1 topic2-0 topic2-1 topic2-2 topic2-3")
    c3p0 = P("topic-2 topic-3 topic3-0 topic3-1 topic3-2 topic3-3")
    out = assign("sticky", subs, parts, {"consumer1": c1p0, "consumer2": c2p0, "consumer3": c3p0},
                 {"consumer1": 1, "consumer2": 2, "consumer3": 2})
    assert all(len(v) == 4 for v in out.values())
    assert set(out["consumer2"]) <= set(c2p0) and set(out["consumer3"]) <= set(c3p0)
    verify_validity_and_balance(subs, out)


def test_sticky_schema_backward_compatibility():
    """StickyAssignorTest#testSchemaBackwardCompatibility: consumer2's userData has no generation"""
    subs = {c: ["topic"] for c in ("consumer1", "consumer2", "consumer3")}
    owned = {"consumer1": P("topic-0 topic-2"), "consumer2": P("topic-1")}
    out = assign("sticky", subs, {"topic": 3}, owned, {"consumer1": 1})
    assert all(len(v) == 1 for v in out.values())
    assert set(out["consumer1"]) <= set(owned["consumer1"]) and set(out["consumer2"]) <= set(owned["consumer2"])


@pytest.mark.parametrize("strategy", STICKY)
def test_sticky_assignor_with_old_version_subscriptions(strategy):
    """{Sticky,CooperativeSticky}AssignorTest#testAssignorWithOldVersionSubscriptions"""
    subs = {c: ["topic1"] for c in ("consumer1", "consumer2", "consumer3")}
    owned = {"consumer1": P("topic1-0"), "consumer2": P("topic1-1"), "consumer3": []}
    out = assign(strategy, subs, {"topic1": 3}, owned, {c: GEN for c in subs})
    assert out == {"consumer1": S("topic1-0"), "consumer2": S("topic1-1"), "consumer3": S("topic1-2")}


# ----------------------------------------------------------------------------- cooperative semantics

def test_cooperative_moving_partition_is_assigned_to_nobody_then_handed_over():
    """KIP-429 / CooperativeStickyAssignor.adjustAssignment: revoke first, assign in the next rebalance."""
    subs = {"consumer-1": ["orders"], "consumer-2": ["orders"]}
    owned = {"consumer-1": P("orders-0 orders-1 orders-2 orders-3"), "consumer-2": []}
    gens = {"consumer-1": 4, "consumer-2": -1}
    eager = assign("sticky", subs, {"orders": 4}, owned, gens)
    first = assign("cooperative-sticky", subs, {"orders": 4}, owned, gens)
    moving = set(owned["consumer-1"]) - set(eager["consumer-1"])
    assert moving and all(not moving & set(v) for v in first.values())
    assert first["consumer-1"] == eager["consumer-1"]
    second = assign("cooperative-sticky", subs, {"orders": 4}, first, {"consumer-1": 5, "consumer-2": 5})
    assert second == eager


# ----------------------------------------------------------------------------- Java's quirks, kept

@pytest.mark.parametrize("strategy", STICKY)
def test_sticky_member_with_empty_subscription_first_in_hashmap_order_gets_partitions(strategy):
    """AbstractStickyAssignor.allSubscriptionsEqual() takes the first *non-empty* topic list as
    the reference ("if (subscribedTopics.isEmpty()) addAll(...)"), so a member subscribed to
    nothing that the HashMap yields first does not make the subscriptions "unequal", and the
    constrained builder hands it partitions.  Output checked on OpenJDK 17."""
    # HashMap order: consumer-2, consumer-1
    assert assign(strategy, {"consumer-1": ["orders"], "consumer-2": []}, {"orders": 2}) == \
        {"consumer-1": [("orders", 0)], "consumer-2": [("orders", 1)]}
    # HashMap order: c1, c2 -> unequal -> general builder, which respects subscriptions
    assert assign(strategy, {"c1": ["orders"], "c2": []}, {"orders": 2}) == \
        {"c1": [("orders", 0), ("orders", 1)], "c2": []}


def test_sticky_can_hand_a_stale_claim_back_to_a_member_not_subscribed_to_it():
    """GeneralAssignmentBuilder.performReassignments moves a partition back to its previous owner
    (prevAssignment: a claim from an older generation) without checking that owner's subscription.
    consumer-17 (no generation) no longer subscribes to orders0 but gets orders0-0 back, in Java too
    (output checked on OpenJDK 17)."""
    subs = {"consumer-17": ["a1", "ghost"], "consumer13": ["a1", "orders0"], "consumer11": ["a1", "orders0"]}
    owned = {"consumer-17": P("a1-4 a1-2 a1-0 orders0-1 a1-1 orders0-0"),
             "consumer13": P("orders0-4 a1-3 a1-1 orders0-3"), "consumer11": P("orders0-2 a1-2")}
    gens = {"consumer-17": -1, "consumer13": 4, "consumer11": 4}
    assert assign("sticky", subs, {"orders0": 5, "a1": 5}, owned, gens) == {
        "consumer-17": S("a1-0 a1-4 orders0-0"), "consumer13": S("a1-1 a1-3 orders0-3 orders0-4"),
        "consumer11": S("a1-2 orders0-1 orders0-2")}


@pytest.mark.parametrize("strategy", STICKY)
def test_where_java_throws_we_raise_assignor_error(strategy):
    """consumer-3 (generation 4) still claims t1-0 from before it switched to t2; it owns all of t2,
    so balance() sets it aside as "fixed" and performReassignments dereferences its missing entry:
    NullPointerException on OpenJDK 17.  There is no Kafka answer to copy, so we raise."""
    subs = {"consumer-1": ["t1"], "consumer-2": ["t1"], "consumer-3": ["t2"]}
    owned = {"consumer-1": P("t1-1 t1-2 t1-3"), "consumer-3": P("t2-0 t1-0")}
    with pytest.raises(AssignorError, match="NullPointerException"):
        assign(strategy, subs, {"t1": 4, "t2": 1}, owned, {"consumer-1": 5, "consumer-2": 5, "consumer-3": 4})
    # the same claims from the current generation are fine (Java agrees)
    assert assign(strategy, subs, {"t1": 4, "t2": 1}, owned, {"consumer-1": 5, "consumer-2": 5, "consumer-3": 5})


def test_result_does_not_depend_on_pythonhashseed():
    code = (
        "import json,sys; sys.path.insert(0, %r)\n"
        "from groupviz.kafka.assignors import assign\n"
        "subs={'c%%d'%%i: (['a','b'] if i%%3 else ['b','c']) for i in range(12)}\n"
        "parts={'a':17,'b':9,'c':23}\n"
        "out=[]\n"
        "for s in ('range','roundrobin','sticky','cooperative-sticky'):\n"
        "    r=assign(s,subs,parts); out.append(r)\n"
        "    owned={m:v for m,v in r.items() if m!='c4'}\n"
        "    out.append(assign(s,{m:t for m,t in subs.items() if m!='c4'},parts,owned,{m:3 for m in owned}))\n"
        "print(json.dumps(out))\n" % str(ROOT))
    results = set()
    for seed in ("0", "1", "12345"):
        env = dict(os.environ, PYTHONHASHSEED=seed)
        results.add(subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                                   check=True).stdout)
    assert len(results) == 1


# Golden cases computed by Kafka's AbstractStickyAssignor / CooperativeStickyAssignor logic on OpenJDK 17
# (the Java source transcribed, logging and rack-only branches removed; HashMap built like
# ConsumerCoordinator.onLeaderElected).  Each was picked because its answer depends on Java's
# HashMap/HashSet iteration order: with member-dict order and insertion-ordered sets the result differs.
# Members: (member_id, generation, "topic,topic", "owned partitions"); -1 = no generation.
_JAVA_GOLDEN = [
    ('cooperative-sticky', {'t0': 20, 't1': 19, 't2': 56},
     [
         ('c0', -1, 't2', 't2-5'),
         ('c1', -1, 't1', 't1-10 t1-17 t1-5 t1-13'),
         ('c2', -1, 't1,t2', 't2-53'),
         ('c3', -1, 't1', 't1-14'),
         ('c4', -1, 't2', 't2-36 t2-38'),
         ('c5', -1, 't2,t1,t0', 't2-11 t2-46 t0-16 t1-7 t1-15 t2-25 t1-1 t2-27 t2-33 t0-18 t2-18 t2-31 t0-5 t2-52 t2-24 t0-8 t1-11 t0-14 t1-3 t2-43 t2-32 t1-6 t2-10 t0-17 t0-6 t2-49 t2-26 t0-13 t0-3 t2-40 t2-3 t0-12 t0-2 t0-7 t2-28 t1-4 t2-1 t2-23 t1-8 t2-30 t2-47 t1-18 t2-6 t0-11 t2-12 t0-10 t2-50 t1-2 t2-15 t2-20 t2-42 t2-39 t1-9 t0-9 t2-9 t2-2 t2-17 t2-45 t2-37 t1-12 t0-15'),
         ('c6', -1, 't0', 't0-0'),
         ('c7', -1, 't0,t1', 't0-1 t0-19'),
         ('c8', -1, 't1,t2,t0', 't2-19 t0-4 t2-7'),
     ],
     {
         'c0': 't2-0 t2-5 t2-8 t2-16 t2-34 t2-48',
         'c1': 't1-5 t1-10 t1-13 t1-17',
         'c2': 't2-4 t2-13 t2-21 t2-35 t2-51 t2-53',
         'c3': 't1-0 t1-14 t1-16',
         'c4': 't2-14 t2-22 t2-36 t2-38 t2-41 t2-54',
         'c5': 't2-1 t2-2 t2-11 t2-30 t2-31 t2-43 t2-45 t2-47 t2-49 t2-50 t2-52',
         'c6': 't0-0',
         'c7': 't0-1 t0-19',
         'c8': 't2-7 t2-19 t2-29 t2-44 t2-55',
     }),
    ('cooperative-sticky', {'t0': 12, 't1': 75},
     [
         ('c0', -1, 't1,t0', ''),
         ('c1', -1, 't1,t0', ''),
         ('c2', -1, 't0,t1', 't1-15 t1-57 t1-39 t0-4 t1-18 t0-9 t1-48 t1-59 t1-62 t1-2 t1-36 t1-58 t1-23 t1-14 t1-6 t1-56 t1-27 t1-37 t1-30 t1-11 t0-2 t1-26 t1-38 t1-8 t0-5 t1-13 t0-11'),
         ('c3', -1, 't0', 't0-0 t0-7 t0-3 t0-6'),
         ('c4', -1, 't1,t0', 't1-7 t1-55 t1-40 t1-41 t1-3 t1-42 t1-10 t1-29 t1-5 t1-61 t1-53 t1-17 t1-19 t1-9 t1-35 t1-67 t1-63 t1-33 t1-50 t1-54 t0-10 t1-65 t1-72 t1-21 t1-73 t1-70 t1-32 t1-43 t1-68 t1-22 t1-64 t1-51'),
         ('c5', -1, 't1,t0', 't1-66 t0-1'),
         ('c6', -1, 't1,t0', 't1-12'),
         ('c7', -1, 't1,t0', ''),
         ('c8', -1, 't0', ''),
         ('c9', -1, 't0', ''),
         ('c10', -1, 't1', 't1-44'),
         ('c11', -1, 't1,t0', ''),
         ('c12', -1, 't1,t0', ''),
         ('c13', -1, 't1,t0', 't1-74'),
     ],
     {
         'c0': 't1-0 t1-24 t1-49',
         'c1': 't1-1 t1-25 t1-52',
         'c2': 't1-8 t1-57 t1-58 t1-59 t1-62',
         'c3': 't0-3 t0-6 t0-7',
         'c4': 't1-64 t1-65 t1-67 t1-68 t1-70 t1-72 t1-73',
         'c5': 't1-66',
         'c6': 't1-12 t1-46',
         'c7': 't1-20 t1-47',
         'c8': 't0-8',
         'c9': '',
         'c10': 't1-28 t1-44 t1-60',
         'c11': 't1-4 t1-31 t1-69',
         'c12': 't1-16 t1-34 t1-71',
         'c13': 't1-45 t1-74',
     }),
    ('sticky', {'b0': 9, 'b1': 2},
     [
         ('consumer18', -1, 'b0,b1', ''),
         ('member32', -1, 'b0,b1', 'b1-1 b0-4'),
         ('c19', -1, 'b0,b1', ''),
         ('consumer-18', -1, 'b0,b1', ''),
         ('c29', -1, 'b0,b1', ''),
         ('consumer-9', -1, 'b0,b1', ''),
         ('member30', -1, 'b0,b1', ''),
         ('member7', -1, 'b0,b1', 'b1-0 b0-5'),
         ('member18', -1, 'b0,b1', 'b0-5 b0-3 b1-0'),
         ('consumer23', -1, 'b0,b1', 'b0-6 b0-0'),
     ],
     {
         'consumer18': 'b0-7',
         'member32': 'b1-1',
         'c19': 'b0-1',
         'consumer-18': 'b0-4',
         'c29': 'b0-2',
         'consumer-9': 'b0-5',
         'member30': 'b0-8',
         'member7': 'b1-0',
         'member18': 'b0-3',
         'consumer23': 'b0-0 b0-6',
     }),
    ('sticky', {'a0': 5, 't1': 12, 't2': 6},
     [
         ('consumer-13', -1, 'a0,t1,t2', 'a0-3 t2-3 t1-4'),
         ('consumer-1', -1, 'a0,t1,t2', ''),
         ('member26', -1, 'a0,t1,t2', 't1-11'),
         ('consumer1', -1, 'a0,t1,t2', 't1-7 a0-1'),
         ('c7', -1, 'a0,t1,t2', 't2-1 a0-1 t1-2 t1-3'),
         ('consumer-10', -1, 'a0,t1,t2', 't2-2 a0-2'),
         ('c10', -1, 'a0,t1,t2', 't1-1 t2-0 t1-0 a0-0'),
         ('consumer-36', -1, 'a0,t1,t2', 't1-6 t2-5'),
         ('member25', -1, 'a0,t1,t2', 't1-10'),
         ('consumer17', -1, 'a0,t1,t2', ''),
         ('consumer-21', -1, 'a0,t1,t2', 'a0-4 t1-5 t2-4'),
     ],
     {
         'consumer-13': 'a0-3 t2-3',
         'consumer-1': 'a0-1 t1-8',
         'member26': 't1-5 t1-11',
         'consumer1': 't1-1 t1-7',
         'c7': 't1-2 t2-1',
         'consumer-10': 'a0-2 t2-2',
         'c10': 'a0-0 t1-0 t2-0',
         'consumer-36': 't1-6 t2-5',
         'member25': 't1-4 t1-10',
         'consumer17': 't1-3 t1-9',
         'consumer-21': 'a0-4 t2-4',
     }),
    ('cooperative-sticky', {'b0': 0, 'orders1': 1},
     [
         ('c7', 2, 'b0,orders1', ''),
         ('consumer-20', -1, 'b0,orders1', 'orders1-0'),
         ('c25', 2, 'b0,orders1', ''),
         ('consumer25', 2, 'b0,orders1', ''),
         ('consumer-26', -1, 'b0,orders1', 'orders1-0'),
         ('c35', 2, 'b0,orders1', ''),
         ('member15', 0, 'b0,orders1', ''),
         ('member3', 2, 'b0,orders1', ''),
         ('c18', 2, 'b0,orders1', ''),
         ('c11', 0, 'b0,orders1', 'orders1-0'),
         ('member12', 2, 'b0,orders1', ''),
         ('consumer-37', 2, 'b0,orders1', ''),
     ],
     {
         'c7': '',
         'consumer-20': '',
         'c25': '',
         'consumer25': '',
         'consumer-26': '',
         'c35': '',
         'member15': '',
         'member3': '',
         'c18': '',
         'c11': 'orders1-0',
         'member12': '',
         'consumer-37': '',
     }),
    ('sticky', {'t0': 25, 't1': 35, 't2': 28, 't3': 7},
     [
         ('c0', 3, 't2,t0,t3', 't0-12 t2-13'),
         ('c1', 3, 't0,t2', 't0-13'),
         ('c2', 2, 't0,t1,t3,t2', 't1-22 t1-6'),
         ('c3', 2, 't1,t0,t3', 't1-34 t1-24 t1-22'),
         ('c4', 2, 't2,t1', 't2-2 t2-21'),
         ('c5', 2, 't0,t3', ''),
         ('c6', 1, 't3,t1,t2,t0', 't1-31 t2-1 t2-0 t0-4 t0-9 t0-11 t1-19 t0-15 t2-25 t0-10 t0-0 t2-20 t2-26 t1-14 t1-26 t1-28 t2-14 t3-6 t2-12 t1-30 t1-2 t0-6 t2-23 t3-3 t1-6 t2-8 t1-8 t0-1 t1-23 t1-13 t2-10 t0-14 t1-11 t0-19 t1-16 t1-5'),
         ('c7', 3, 't3', ''),
         ('c8', 2, 't2,t3', ''),
         ('c9', 1, 't1,t0,t2,t3', 't3-2 t2-27 t0-8 t0-18 t0-24 t2-24 t3-4 t1-7 t1-25 t1-15 t1-4 t1-9 t2-5 t0-7 t1-33 t2-15 t1-21 t0-23 t2-11 t2-3 t1-12 t1-20 t1-3 t0-16 t2-22 t2-4 t1-18 t1-17 t0-17 t1-27 t0-20 t0-22 t1-29 t2-19 t1-10 t0-3'),
         ('c10', 2, 't1,t3,t0', ''),
     ],
     {
         'c0': 't0-12 t2-4 t2-10 t2-13 t2-14 t2-16 t2-19 t2-23 t2-27',
         'c1': 't0-13 t2-2 t2-5 t2-7 t2-11 t2-15 t2-17 t2-20 t2-24',
         'c2': 't1-4 t1-6 t1-9 t1-13 t1-17 t1-21 t1-22 t1-27 t1-31',
         'c3': 't0-21 t1-10 t1-14 t1-18 t1-23 t1-24 t1-28 t1-33 t1-34',
         'c4': 't1-2 t1-7 t1-11 t1-15 t1-19 t1-25 t1-29 t2-21 t2-25',
         'c5': 't0-0 t0-1 t0-2 t0-3 t0-4 t0-5 t0-6 t0-7',
         'c6': 't0-8 t0-9 t0-10 t0-11 t0-14 t0-15 t0-19 t1-5 t1-30',
         'c7': 't3-0 t3-1 t3-2 t3-3 t3-4 t3-5 t3-6',
         'c8': 't2-0 t2-3 t2-6 t2-8 t2-9 t2-12 t2-18 t2-22 t2-26',
         'c9': 't0-16 t0-17 t0-18 t0-20 t0-22 t0-23 t0-24 t1-12 t2-1',
         'c10': 't1-0 t1-1 t1-3 t1-8 t1-16 t1-20 t1-26 t1-32',
     }),
    ('sticky', {'t0': 17, 't1': 75, 't2': 16},
     [
         ('c0', 3, 't2,t0', 't2-7'),
         ('c1', 1, 't1,t0,t2', 't1-69 t1-52 t1-43 t1-12 t1-37 t1-48 t1-22 t1-40 t1-68 t2-6'),
         ('c2', 2, 't2,t1', 't1-7 t1-58 t2-12 t2-13 t1-14 t2-8 t1-29 t1-36 t1-56 t1-28 t2-0 t1-1 t1-72 t1-18 t1-13 t2-5 t1-44 t1-67 t1-49 t2-3 t1-35 t2-1 t2-11 t1-25 t2-4 t1-65 t1-70 t1-53 t2-10 t1-31 t1-2 t1-8 t1-66 t1-64 t2-2 t2-9 t1-16 t1-51 t1-30 t1-15 t1-19 t1-11 t1-0 t1-73 t1-45 t1-62 t2-15 t1-38 t1-23 t1-21 t1-34 t1-5 t1-47 t2-7 t1-3 t1-57 t1-9 t1-63 t1-32 t1-26 t1-59 t1-20 t1-50 t1-33 t1-41 t1-74'),
         ('c3', 2, 't0', ''),
     ],
     {
         'c0': 't0-15 t2-0 t2-1 t2-2 t2-3 t2-4 t2-5 t2-6 t2-7 t2-8 t2-9 t2-10 t2-11 t2-12 t2-13 t2-14 t2-15',
         'c1': 't1-4 t1-5 t1-6 t1-7 t1-8 t1-9 t1-10 t1-11 t1-12 t1-13 t1-14 t1-15 t1-16 t1-17 t1-18 t1-19 t1-20 t1-21 t1-22 t1-23 t1-24 t1-25 t1-27 t1-37 t1-39 t1-40 t1-42 t1-43 t1-46 t1-48 t1-52 t1-54 t1-55 t1-60 t1-61 t1-68 t1-69 t1-71',
         'c2': 't1-0 t1-1 t1-2 t1-3 t1-26 t1-28 t1-29 t1-30 t1-31 t1-32 t1-33 t1-34 t1-35 t1-36 t1-38 t1-41 t1-44 t1-45 t1-47 t1-49 t1-50 t1-51 t1-53 t1-56 t1-57 t1-58 t1-59 t1-62 t1-63 t1-64 t1-65 t1-66 t1-67 t1-70 t1-72 t1-73 t1-74',
         'c3': 't0-0 t0-1 t0-2 t0-3 t0-4 t0-5 t0-6 t0-7 t0-8 t0-9 t0-10 t0-11 t0-12 t0-13 t0-14 t0-16',
     }),
    ('cooperative-sticky', {'topic0': 7, 't1': 6, 'topic2': 7, 'topic3': 4, 'b4': 5},
     [
         ('consumer2', -1, 'topic0,t1,topic2,topic3,b4', ''),
         ('consumer-40', -1, 'topic0,t1,topic2,topic3,b4', 'topic0-1 topic0-6 topic3-0 b4-4 topic2-3 t1-3 b4-0'),
         ('consumer-6', -1, 'topic0,t1,topic2,topic3,b4', 'b4-1 topic0-2 topic3-1 topic2-0 t1-0 topic2-4 t1-4'),
         ('consumer-22', -1, 'topic0,t1,topic2,topic3,b4', ''),
         ('consumer-12', -1, 'topic0,t1,topic2,topic3,b4', ''),
         ('consumer8', -1, 'topic0,t1,topic2,topic3,b4', 'b4-2 topic2-5 topic3-2 t1-5 topic2-1 t1-1 topic0-4'),
         ('consumer16', -1, 'topic0,t1,topic2,topic3,b4', 'topic0-3'),
     ],
     {
         'consumer2': 'topic0-5 topic3-3',
         'consumer-40': 'b4-0 t1-3 topic0-1 topic3-0',
         'consumer-6': 'b4-1 t1-0 topic2-0 topic3-1',
         'consumer-22': 'topic0-0 topic2-2 topic2-6',
         'consumer-12': 'b4-3',
         'consumer8': 'b4-2 t1-1 topic0-4 topic2-1 topic3-2',
         'consumer16': 't1-2 topic0-3',
     }),
    ('sticky', {'t0': 1, 'b1': 8},
     [
         ('c32', -1, 't0,b1', ''),
         ('member37', -1, 't0,b1', ''),
         ('member36', -1, 't0,b1', 'b1-4'),
         ('member19', -1, 't0,b1', 't0-0 b1-3'),
         ('consumer-8', -1, 't0,b1', ''),
         ('consumer32', -1, 't0,b1', 'b1-5 b1-0'),
         ('member13', -1, 't0,b1', 'b1-7 b1-2'),
     ],
     {
         'c32': 'b1-1',
         'member37': 'b1-6',
         'member36': 'b1-4',
         'member19': 't0-0',
         'consumer-8': 'b1-3',
         'consumer32': 'b1-0 b1-5',
         'member13': 'b1-2 b1-7',
     }),
    ('cooperative-sticky', {'a0': 12, 'a1': 3},
     [
         ('c19', -1, 'a0,a1', ''),
         ('c38', -1, 'a0,a1', 'a1-2 a0-1 a0-8'),
         ('c9', -1, 'a0,a1', ''),
         ('consumer13', -1, 'a0,a1', 'a0-2 a0-9'),
         ('consumer2', -1, 'a0,a1', 'a0-3 a0-10'),
         ('consumer-17', -1, 'a0,a1', ''),
         ('c27', -1, 'a0,a1', 'a0-0 a0-7'),
         ('c20', -1, 'a0,a1', ''),
         ('member33', -1, 'a0,a1', ''),
         ('consumer21', -1, 'a0,a1', ''),
         ('consumer26', -1, 'a0,a1', 'a0-4 a0-11'),
         ('c17', -1, 'a0,a1', ''),
     ],
     {
         'c19': 'a0-6',
         'c38': 'a0-1 a1-2',
         'c9': '',
         'consumer13': 'a0-2',
         'consumer2': 'a0-3 a0-10',
         'consumer-17': '',
         'c27': 'a0-0 a0-7',
         'c20': '',
         'member33': 'a1-1',
         'consumer21': 'a1-0',
         'consumer26': 'a0-4',
         'c17': 'a0-5',
     }),
    ('sticky', {'t0': 7, 'orders1': 5},
     [
         ('member1', -1, '', 'orders1-3 t0-2 t0-6'),
         ('c14', -1, 'ghost,orders1', 'orders1-4 t0-3 orders1-0'),
     ],
     {
         'member1': '',
         'c14': 'orders1-0 orders1-1 orders1-2 orders1-3 orders1-4',
     }),
    ('sticky', {'t0': 6, 't1': 62, 't2': 28, 't3': 19},
     [
         ('c0', 1, 't2,t3', 't2-7 t2-26 t2-22 t2-27'),
         ('c1', 2, 't2,t0,t3', 't0-4 t2-14 t3-4'),
         ('c2', 1, 't1,t2,t3', ''),
         ('c3', 3, 't3', ''),
         ('c4', 3, 't2,t3', 't2-18 t2-17 t3-6 t2-24 t3-14 t2-4 t2-21 t3-4 t2-10 t2-25 t3-8 t2-2 t2-11 t2-12 t2-1 t3-7 t2-15 t3-5 t3-0 t3-17'),
         ('c5', 1, 't1,t2', 't2-8 t1-45 t1-7 t1-40'),
         ('c6', 3, 't1,t2,t3', 't1-41 t1-10 t1-50 t1-39 t3-3 t1-8 t1-5 t1-29 t1-54 t1-27 t1-15 t1-53 t1-42 t1-43 t3-10 t1-19 t3-12 t2-0 t1-48 t2-19 t3-15 t1-16 t1-22 t1-52 t2-3 t1-57 t1-24 t1-56 t1-60 t2-9 t3-16 t3-2 t1-4 t1-14 t2-16 t1-55 t1-23 t1-1 t3-13 t2-20 t1-2 t1-61 t1-11 t1-21 t1-9 t1-59 t1-34 t1-28 t1-20 t1-35 t1-3 t1-46 t1-30 t1-58 t3-1 t1-47 t1-26 t1-36'),
         ('c7', 1, 't2', ''),
     ],
     {
         'c0': 't2-7 t2-16 t2-22 t2-26 t2-27 t3-1 t3-3 t3-6 t3-8 t3-12 t3-15',
         'c1': 't0-0 t0-1 t0-2 t0-3 t0-4 t0-5 t2-14 t2-19 t3-4 t3-13 t3-16',
         'c2': 't1-0 t1-6 t1-10 t1-12 t1-13 t1-14 t1-16 t1-17 t1-20 t1-22 t1-24 t1-25 t1-32 t1-34 t1-36 t1-37 t1-41 t1-43 t1-44 t1-47 t1-51',
         'c3': 't3-0 t3-2 t3-5 t3-7 t3-9 t3-10 t3-11 t3-14 t3-17 t3-18',
         'c4': 't2-8 t2-10 t2-11 t2-12 t2-15 t2-17 t2-18 t2-20 t2-21 t2-24 t2-25',
         'c5': 't1-7 t1-8 t1-9 t1-11 t1-15 t1-18 t1-19 t1-21 t1-23 t1-26 t1-28 t1-31 t1-33 t1-35 t1-38 t1-39 t1-40 t1-42 t1-45 t1-46 t1-49',
         'c6': 't1-1 t1-2 t1-3 t1-4 t1-5 t1-27 t1-29 t1-30 t1-48 t1-50 t1-52 t1-53 t1-54 t1-55 t1-56 t1-57 t1-58 t1-59 t1-60 t1-61',
         'c7': 't2-0 t2-1 t2-2 t2-3 t2-4 t2-5 t2-6 t2-9 t2-13 t2-23',
     }),
    ('cooperative-sticky', {'t0': 56, 't1': 36, 't2': 9},
     [
         ('c0', 3, 't0,t2', ''),
         ('c1', 3, 't2', ''),
         ('c2', 3, 't2,t1', ''),
         ('c3', 3, 't1,t2,t0', 't0-28 t0-51 t0-3 t0-17 t0-45 t0-27 t0-55 t0-33 t0-4 t0-12 t1-20 t0-40 t1-25 t1-16 t0-37 t0-38 t0-22 t1-31 t0-16 t0-49 t1-10 t1-28 t1-13 t2-5 t0-30 t0-15'),
         ('c4', 3, 't0,t2', ''),
         ('c5', 3, 't0,t2', ''),
         ('c6', 3, 't0,t2,t1', 't1-9 t1-14'),
         ('c7', 3, 't1', ''),
         ('c8', 1, 't2,t1', 't1-30 t1-34'),
         ('c9', 3, 't0,t1,t2', 't2-2 t0-35 t0-46 t2-8 t0-1 t0-39 t0-0 t1-12 t2-4 t0-9 t1-3 t1-7 t0-19 t1-1 t0-6 t0-54 t0-31 t1-33 t0-10 t1-19 t1-11 t0-47 t0-14 t1-32 t0-23 t1-27 t0-8 t1-26 t0-20'),
         ('c10', 3, 't0,t2', 't2-6 t0-36'),
         ('c11', 3, 't0,t1,t2', 't0-24 t1-14'),
         ('c12', 2, 't2,t0,t1', 't0-2 t1-17 t0-18 t2-1 t1-4 t2-0 t0-44 t1-2 t0-50 t1-29 t0-5 t2-7 t0-48 t1-0 t1-23 t0-41 t1-8 t0-25 t1-15 t1-21 t0-32 t1-18 t0-34 t1-35 t1-14 t0-29 t0-43 t0-42 t0-38'),
         ('c13', 1, 't0', ''),
     ],
     {
         'c0': 't0-7 t0-26',
         'c1': 't2-3',
         'c2': 't1-5 t1-22',
         'c3': 't0-37 t0-38 t0-40 t0-45 t0-49 t0-51 t0-55',
         'c4': 't0-13 t0-53',
         'c5': 't0-21',
         'c6': 't1-9 t1-24',
         'c7': 't1-6',
         'c8': 't1-30 t1-34',
         'c9': 't0-35 t0-39 t0-46 t0-47 t0-54 t1-1 t2-8',
         'c10': 't0-36',
         'c11': 't1-14',
         'c12': 't0-42 t0-43 t0-44 t0-48 t0-50 t1-21 t2-7',
         'c13': 't0-11 t0-52',
     }),
    ('sticky', {'b0': 7, 'topic1': 5, 'b2': 11, 'topic3': 12, 'orders4': 6},
     [
         ('consumer-19', -1, 'b0,topic1,b2,topic3,orders4', 'b2-7 topic3-0 orders4-4 b0-6 topic3-8'),
         ('consumer-10', -1, 'b0,topic1,b2,topic3,orders4', 'topic1-3 topic3-6 b0-4 orders4-2 b2-5'),
         ('c34', -1, 'b0,topic1,b2,topic3,orders4', 'topic3-5 b0-3 orders4-1 b2-4'),
         ('c33', -1, 'b0,topic1,b2,topic3,orders4', 'orders4-0 b0-2 topic3-4 b2-3 topic1-2'),
         ('c35', -1, 'b0,topic1,b2,topic3,orders4', ''),
         ('consumer-16', -1, 'b0,topic1,b2,topic3,orders4', 'topic3-7 b0-5 orders4-3 topic1-4 b2-6'),
         ('consumer10', -1, 'b0,topic1,b2,topic3,orders4', 'b2-0 orders4-5 topic3-1 b2-8 topic3-9'),
         ('c24', -1, 'b0,topic1,b2,topic3,orders4', 'b2-2 b2-10 topic3-3 topic1-1 topic3-11 b0-1'),
         ('c17', -1, 'b0,topic1,b2,topic3,orders4', 'b0-0 topic3-10 topic1-0 b2-9 topic3-2 b2-1'),
     ],
     {
         'consumer-19': 'b0-6 b2-7 orders4-4 topic3-0',
         'consumer-10': 'b0-4 b2-5 orders4-2 topic1-3 topic3-6',
         'c34': 'b0-3 b2-4 orders4-1 topic3-5',
         'c33': 'b0-2 b2-3 orders4-0 topic1-2 topic3-4',
         'c35': 'topic3-7 topic3-8 topic3-10 topic3-11',
         'consumer-16': 'b0-5 b2-6 orders4-3 topic1-4',
         'consumer10': 'b2-0 b2-8 orders4-5 topic3-1 topic3-9',
         'c24': 'b0-1 b2-2 b2-10 topic1-1 topic3-3',
         'c17': 'b0-0 b2-1 b2-9 topic1-0 topic3-2',
     }),
    ('cooperative-sticky', {'topic0': 12, 'topic1': 0, 't2': 11, 'a3': 7, 'b4': 3},
     [
         ('member36', -1, 'topic0,topic1,t2,a3,b4', ''),
         ('consumer18', -1, 'topic0,topic1,t2,a3,b4', ''),
         ('member5', -1, 'topic0,topic1,t2,a3,b4', 'topic0-11 t2-8 a3-6 topic0-6 a3-5 topic0-10 topic0-9 topic0-8 a3-4 t2-9 a3-5 t2-10 b4-2 t2-7 topic0-7 t2-6'),
         ('consumer12', -1, 'topic0,topic1,t2,a3,b4', 't2-3 topic0-4 a3-2 topic0-0 b4-1 a3-2 t2-2 t2-5 topic0-1 t2-1 a3-3 t2-4 topic0-3 t2-0 topic0-5 a3-1 b4-0 topic0-2 a3-0'),
     ],
     {
         'member36': '',
         'consumer18': '',
         'member5': 'a3-4 a3-5 a3-6 b4-2 t2-6 t2-7 topic0-6 topic0-7',
         'consumer12': 'a3-0 a3-1 a3-2 b4-0 b4-1 t2-0 t2-1 topic0-0 topic0-1',
     }),
    ('sticky', {'t0': 6, 'a1': 9, 'orders2': 10},
     [
         ('member17', 5, 't0,a1,orders2', ''),
         ('member35', 5, 't0,a1,orders2', 't0-3 orders2-5 a1-7'),
         ('consumer-21', 5, 't0,a1,orders2', ''),
         ('consumer-13', 2, 't0,a1,orders2', 'orders2-7 a1-1 t0-5 orders2-0'),
         ('consumer-29', 5, 't0,a1,orders2', 'orders2-8 a1-2 orders2-1'),
         ('c8', 5, 't0,a1,orders2', ''),
         ('c11', 3, 't0,a1,orders2', 'a1-8 a1-0 t0-4 orders2-6'),
         ('consumer-12', 4, 't0,a1,orders2', ''),
         ('consumer-40', 3, 't0,a1,orders2', 'a1-3 orders2-9 orders2-2'),
         ('consumer33', 5, 't0,a1,orders2', 'a1-4 t0-0 orders2-3'),
         ('member21', 5, 't0,a1,orders2', 'orders2-4 a1-5 t0-1'),
         ('member3', 5, 't0,a1,orders2', 'a1-6 t0-2'),
     ],
     {
         'member17': 'orders2-6 t0-5',
         'member35': 'orders2-5 t0-3',
         'consumer-21': 'a1-8 orders2-9',
         'consumer-13': 'a1-1 orders2-0',
         'consumer-29': 'a1-2 orders2-1',
         'c8': 'a1-5 orders2-7',
         'c11': 'a1-0 t0-4',
         'consumer-12': 'a1-7 orders2-8',
         'consumer-40': 'a1-3 orders2-2',
         'consumer33': 'a1-4 orders2-3 t0-0',
         'member21': 'orders2-4 t0-1',
         'member3': 'a1-6 t0-2',
     }),
    ('sticky', {'t0': 8, 't1': 18, 't2': 69, 't3': 24},
     [
         ('c0', -1, 't1,t0,t3', 't3-21 t3-20 t3-0 t3-23 t3-5 t0-1 t3-14 t1-2 t3-12 t3-13 t3-10 t1-14 t1-11 t3-16 t3-19 t0-5 t0-2 t1-0 t3-17 t3-6'),
         ('c1', -1, 't0,t3,t1,t2', 't3-7 t2-63 t2-55 t2-32 t2-2 t3-3'),
         ('c2', -1, 't2,t1', 't2-57 t1-9 t1-7'),
         ('c3', -1, 't1,t0', ''),
         ('c4', -1, 't3,t1,t0,t2', 't2-44 t2-51 t2-52 t2-39 t2-34 t2-61 t2-33 t2-54 t2-40 t2-27 t2-60 t2-5 t3-9 t2-11 t2-8 t2-38 t2-21 t3-8 t3-11 t1-3 t2-18 t2-31 t3-4 t2-65 t2-20 t2-4 t2-48 t2-58 t2-59 t2-36 t2-30 t2-23 t1-5 t0-3 t2-19 t2-15 t2-45 t2-29 t2-49 t3-22 t2-9 t2-62 t3-15 t1-8 t2-26 t2-35 t2-14 t1-4 t2-67 t2-56 t2-37 t2-64 t2-3 t2-24 t3-18 t2-28 t2-10 t2-6 t2-7 t1-6 t2-13'),
         ('c5', -1, 't2,t0,t1,t3', 't1-15 t2-66 t3-1 t3-2'),
         ('c6', -1, 't0,t2', 't2-12 t2-22 t2-46'),
         ('c7', -1, 't1', ''),
         ('c8', -1, 't1', 't1-10'),
     ],
     {
         'c0': 't3-0 t3-1 t3-6 t3-8 t3-10 t3-12 t3-13 t3-14 t3-16 t3-17 t3-18 t3-19 t3-20 t3-21 t3-23',
         'c1': 't2-1 t2-15 t2-21 t2-27 t2-31 t2-32 t2-36 t2-40 t2-47 t2-55 t2-63 t3-3 t3-5 t3-7 t3-22',
         'c2': 't2-0 t2-2 t2-4 t2-6 t2-8 t2-10 t2-16 t2-18 t2-23 t2-28 t2-33 t2-37 t2-41 t2-44 t2-50 t2-57',
         'c3': 't0-0 t0-1 t0-2 t0-3 t0-4 t0-5 t0-6 t0-7 t1-14',
         'c4': 't2-3 t2-13 t2-49 t2-51 t2-52 t2-54 t2-56 t2-58 t2-59 t2-60 t2-61 t2-62 t2-64 t2-65 t2-67 t3-4',
         'c5': 't2-5 t2-17 t2-19 t2-24 t2-29 t2-34 t2-38 t2-42 t2-45 t2-53 t2-66 t3-2 t3-9 t3-11 t3-15',
         'c6': 't2-7 t2-9 t2-11 t2-12 t2-14 t2-20 t2-22 t2-25 t2-26 t2-30 t2-35 t2-39 t2-43 t2-46 t2-48 t2-68',
         'c7': 't1-0 t1-1 t1-3 t1-5 t1-7 t1-9 t1-12 t1-15 t1-16',
         'c8': 't1-2 t1-4 t1-6 t1-8 t1-10 t1-11 t1-13 t1-17',
     }),
    ('sticky', {'t0': 35, 't1': 12, 't2': 52},
     [
         ('c0', -1, 't1,t2,t0', 't0-7 t2-13 t2-37 t1-6 t2-44 t2-23 t2-34 t2-20 t2-40 t2-19 t2-29 t2-32 t0-6 t2-39 t0-0 t0-20 t0-23 t2-0 t0-8 t0-29 t0-5 t2-4 t0-18 t2-7 t2-14 t0-19 t2-43 t2-11 t2-45 t2-9 t0-24 t2-26 t0-27 t0-9 t0-32 t2-51 t1-2 t2-35 t2-31 t0-10 t0-1 t2-49 t2-33 t2-48 t2-24 t0-4 t2-50 t2-12 t2-47 t0-3 t0-22 t2-36 t0-15 t2-25 t2-41 t2-46 t2-15 t1-7 t0-12 t0-13 t0-26 t2-30 t2-28 t0-21 t0-14 t2-1 t0-28 t2-22 t2-5 t1-0 t2-17 t2-21 t2-10'),
         ('c1', -1, 't2', 't2-2'),
         ('c2', -1, 't1,t2,t0', 't0-11'),
         ('c3', -1, 't0,t1', ''),
         ('c4', -1, 't2,t1', 't1-10 t1-5'),
         ('c5', -1, 't2,t1', ''),
         ('c6', -1, 't1', 't1-11 t1-1 t1-4 t1-3'),
         ('c7', -1, 't0,t1', ''),
         ('c8', -1, 't2,t0,t1', 't1-9'),
     ],
     {
         'c0': 't0-5 t2-15 t2-43 t2-44 t2-45 t2-46 t2-47 t2-48 t2-49 t2-50 t2-51',
         'c1': 't2-2 t2-4 t2-6 t2-9 t2-12 t2-16 t2-20 t2-23 t2-28 t2-33 t2-39 t2-42',
         'c2': 't0-9 t0-11 t0-14 t0-17 t0-20 t0-24 t0-29 t0-33 t2-29 t2-34 t2-40',
         'c3': 't0-1 t0-2 t0-6 t0-10 t0-15 t0-21 t0-25 t0-26 t0-32 t0-34 t1-9',
         'c4': 't2-0 t2-5 t2-10 t2-13 t2-17 t2-18 t2-21 t2-24 t2-30 t2-35 t2-41',
         'c5': 't2-1 t2-3 t2-7 t2-8 t2-11 t2-14 t2-19 t2-22 t2-25 t2-27 t2-31 t2-36',
         'c6': 't1-0 t1-1 t1-2 t1-3 t1-4 t1-5 t1-6 t1-7 t1-10 t1-11',
         'c7': 't0-0 t0-3 t0-7 t0-12 t0-16 t0-18 t0-22 t0-27 t0-30 t1-8',
         'c8': 't0-4 t0-8 t0-13 t0-19 t0-23 t0-28 t0-31 t2-26 t2-32 t2-37 t2-38',
     }),
    ('cooperative-sticky', {'t0': 15, 't1': 41},
     [
         ('c0', 2, 't0,t1', 't1-24 t1-20 t1-19 t0-3 t1-12 t1-17 t0-8 t1-7 t1-2 t1-21 t1-11 t0-2 t1-33 t0-9 t1-6 t1-5 t0-11 t0-1 t0-0 t0-12 t0-4 t1-16 t1-39 t0-5 t1-30 t1-29 t1-13 t1-14 t1-23 t1-26 t1-3 t1-38 t1-18 t1-8 t1-37 t1-4 t0-14 t1-35 t0-6 t1-32 t1-40 t0-13 t0-7 t1-22 t0-3'),
         ('c1', 3, 't1,t0', 't1-9 t1-34 t1-1 t1-28'),
         ('c2', 3, 't0', ''),
         ('c3', 3, 't1,t0', 't1-15'),
         ('c4', 3, 't0', 't0-1'),
     ],
     {
         'c0': 't1-2 t1-3 t1-4 t1-5 t1-6 t1-13 t1-26 t1-29 t1-30 t1-35 t1-37 t1-38 t1-39 t1-40',
         'c1': 't1-1 t1-9 t1-27 t1-28 t1-34 t1-36',
         'c2': 't0-10',
         'c3': 't1-0 t1-10 t1-15 t1-25 t1-31',
         'c4': 't0-1',
     }),
    ('sticky', {'t0': 41, 't1': 20, 't2': 36},
     [
         ('c0', 3, 't2,t1,t0', 't0-26 t0-0 t2-25'),
         ('c1', 1, 't1,t2,t0', 't1-13 t1-0 t2-6 t1-1 t2-28 t0-13 t2-25 t1-18 t1-12 t0-2 t0-27 t0-5 t0-1 t2-11 t0-8 t1-16 t1-4 t0-6 t2-35 t0-3 t1-14 t1-2 t0-40 t0-9 t0-17 t0-18 t2-27 t0-7 t1-6 t2-3 t0-4 t0-33 t2-24 t1-15 t2-13 t2-7 t1-5 t0-32 t0-25 t0-11 t1-11 t0-30 t0-10 t2-30 t0-37 t0-39 t0-22 t2-14 t1-19 t0-15 t0-12 t0-29'),
         ('c2', 3, 't2', 't2-1 t2-0 t2-26 t2-29 t2-32 t2-15 t2-9 t2-2 t2-8 t2-31 t2-19 t2-23 t2-5 t2-6'),
         ('c3', 3, 't2,t0,t1', 't1-9 t2-4 t1-17'),
         ('c4', 3, 't1,t2', ''),
         ('c5', 1, 't2,t1,t0', 't0-19 t0-38'),
         ('c6', 3, 't1', 't1-3 t1-10'),
         ('c7', 1, 't2,t1', ''),
         ('c8', 3, 't2', 't2-20 t2-16'),
         ('c9', 2, 't2', 't2-1'),
     ],
     {
         'c0': 't0-0 t0-6 t0-16 t0-17 t0-23 t0-25 t0-26 t0-30 t0-31 t0-36 t0-37',
         'c1': 't0-1 t0-2 t0-3 t0-4 t0-5 t0-9 t0-11 t0-12 t2-30 t2-35',
         'c2': 't2-9 t2-11 t2-15 t2-19 t2-23 t2-26 t2-28 t2-29 t2-31 t2-32',
         'c3': 't0-7 t0-8 t0-10 t0-13 t0-18 t0-20 t0-24 t0-27 t0-32 t0-34 t0-39',
         'c4': 't1-1 t1-5 t1-7 t1-11 t1-14 t1-17 t2-12 t2-13 t2-21',
         'c5': 't0-14 t0-15 t0-19 t0-21 t0-22 t0-28 t0-29 t0-33 t0-35 t0-38 t0-40',
         'c6': 't1-0 t1-2 t1-3 t1-6 t1-10 t1-12 t1-15 t1-18',
         'c7': 't1-4 t1-8 t1-9 t1-13 t1-16 t1-19 t2-14 t2-17 t2-22',
         'c8': 't2-0 t2-2 t2-4 t2-6 t2-8 t2-16 t2-20 t2-24 t2-33',
         'c9': 't2-1 t2-3 t2-5 t2-7 t2-10 t2-18 t2-25 t2-27 t2-34',
     }),
]


@pytest.mark.parametrize("strategy, counts, members, expected", _JAVA_GOLDEN,
                         ids=[f"golden{i}-{c[0]}-{len(c[2])}members" for i, c in enumerate(_JAVA_GOLDEN)])
def test_matches_kafkas_java_code_where_java_iteration_order_decides(strategy, counts, members, expected):
    subs = {m: (topics.split(",") if topics else []) for m, _, topics, _ in members}
    owned = {m: P(o) for m, _, _, o in members}
    gens = {m: g for m, g, _, _ in members}
    assert assign(strategy, subs, counts, owned, gens) == {m: S(v) for m, v in expected.items()}
