"""Differential tests against kafka-python 3.0.12's assignors, and the places where it is not Java.

kafka-python's assignors take a ClusterMetadata and the JoinGroup members; a tiny fake
cluster (``topics()``, ``partitions_for_topic()``) and member tuples stand in for them.

Where kafka-python agrees with the Java client we require equality on random groups:
  * range (dynamic members): always;
  * roundrobin: whenever kafka-python returns at all (see its KeyError below);
  * sticky / cooperative-sticky: a fresh group (no owned partitions) with identical
    subscriptions.
Where it does not, we follow Java and pin the difference on Kafka's own test cases:
  * roundrobin raises KeyError as soon as a member must be skipped (unequal subscriptions);
  * its sticky assignor is the pre-2.4 KIP-54 algorithm: no ConstrainedAssignmentBuilder
    (who keeps maxQuota, which partitions move), no "same-generation claims invalidate
    each other", and Python-set iteration that makes the answer depend on PYTHONHASHSEED;
  * its cooperative-sticky withholds a partition whenever its final owner differs from
    the last member that *claimed* it, stale generation or not; Java withholds only the
    partitions its sticky pass marks as changing owner.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import defaultdict, namedtuple
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from groupviz.kafka.assignors import assign  # noqa: E402

kafka_assignors = pytest.importorskip("kafka.coordinator.assignors.range")
from kafka.coordinator.assignors.cooperative_sticky import CooperativeStickyAssignor  # noqa: E402
from kafka.coordinator.assignors.range import RangePartitionAssignor  # noqa: E402
from kafka.coordinator.assignors.roundrobin import RoundRobinPartitionAssignor  # noqa: E402
from kafka.coordinator.assignors.sticky.sticky_assignor import StickyPartitionAssignor  # noqa: E402
from kafka.coordinator.assignors.sticky.user_data import StickyAssignorUserData  # noqa: E402
from kafka.protocol.consumer.metadata import ConsumerProtocolSubscription  # noqa: E402

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
Member = namedtuple("Member", "member_id group_instance_id metadata")   # JoinGroupResponseMember's fields


class FakeCluster:
    """The two ClusterMetadata methods kafka-python's assignors call."""

    def __init__(self, counts):
        self._counts = dict(counts)

    def topics(self, exclude_internal_topics=True):
        return set(self._counts)

    def partitions_for_topic(self, topic):
        return set(range(self._counts[topic])) if topic in self._counts else None


def _by_topic(tps):
    out = defaultdict(list)
    for t, p in tps:
        out[t].append(p)
    return list(out.items())


def kafka_python(strategy, subs, counts, owned=None, gens=None):
    """Run kafka-python's assignor on our input; returns {member: sorted [(topic, partition)]}."""
    assignor, cluster, members = kafka_python_input(strategy, subs, counts, owned, gens)
    return kafka_python_result(assignor.assign(cluster, members))


def kafka_python_result(result):
    return {m: sorted((tp.topic, tp.partition) for tp in a.partitions()) for m, a in result.items()}


def kafka_python_input(strategy, subs, counts, owned=None, gens=None):
    """(assignor, cluster, members) for kafka-python: our input in its JoinGroup shapes (bench/ uses it too)."""
    owned = owned or {}
    gens = gens or {}
    members = []
    for m, topics in subs.items():
        if strategy in ("range", "roundrobin"):
            md = ConsumerProtocolSubscription(version=0, topics=list(topics), user_data=b"")
        elif strategy == "sticky":
            user_data = (StickyAssignorUserData(previous_assignment=_by_topic(owned[m]), generation=gens.get(m, -1))
                         if m in owned else b"")
            md = ConsumerProtocolSubscription(version=0, topics=list(topics), user_data=user_data)
        else:
            tps = [ConsumerProtocolSubscription.TopicPartition(topic=t, partitions=ps)
                   for t, ps in _by_topic(owned.get(m, []))]
            md = ConsumerProtocolSubscription(version=2, topics=list(topics), user_data=b"",
                                              owned_partitions=tps, generation_id=gens.get(m, -1))
        members.append(Member(m, None, md))
    assignor = {"range": RangePartitionAssignor, "roundrobin": RoundRobinPartitionAssignor,
                "sticky": StickyPartitionAssignor(), "cooperative-sticky": CooperativeStickyAssignor()}[strategy]
    return assignor, FakeCluster(counts), members


def P(spec):
    return sorted((tok.rsplit("-", 1)[0], int(tok.rsplit("-", 1)[1])) for tok in spec.split())


@st.composite
def groups(draw, identical=None):
    topics = draw(st.lists(st.sampled_from(["orders", "payments", "clicks", "t0", "t1"]),
                           min_size=1, max_size=4, unique=True))
    counts = {t: draw(st.integers(0, 25)) for t in topics}
    if draw(st.booleans()):
        counts.pop(topics[-1])                                 # a subscribed topic without metadata
    members = draw(st.lists(st.integers(1, 40).map(lambda i: f"consumer-{i}"), min_size=1, max_size=14, unique=True))
    if identical is None:
        identical = draw(st.booleans())
    subs = {m: (list(topics) if identical else
                draw(st.lists(st.sampled_from(topics), min_size=1, max_size=len(topics), unique=True)))
            for m in members}
    return subs, counts


# ----------------------------------------------------------------------------- where they agree

@SETTINGS
@given(data=groups())
def test_range_equals_kafka_python(data):
    subs, counts = data
    assert assign("range", subs, counts) == kafka_python("range", subs, counts)


@SETTINGS
@given(data=groups())
def test_roundrobin_equals_kafka_python_whenever_kafka_python_answers(data):
    subs, counts = data
    try:
        theirs = kafka_python("roundrobin", subs, counts)
    except KeyError:
        # kafka-python's skip loop does `member_id = next(member_iter)` on an iterator of
        # (group_instance_id, member_id) tuples: it can only get here by having to skip a member.
        assert len({tuple(sorted(t)) for t in subs.values()}) > 1
        return
    assert assign("roundrobin", subs, counts) == theirs


@SETTINGS
@given(data=groups(identical=True), strategy=st.sampled_from(["sticky", "cooperative-sticky"]))
def test_sticky_fresh_group_with_identical_subscriptions_equals_kafka_python(data, strategy):
    subs, counts = data
    assert assign(strategy, subs, counts) == kafka_python(strategy, subs, counts)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=groups(identical=True))
def test_sticky_rebalance_both_valid_and_balanced_even_where_they_differ(data):
    """After one member leaves, both answers are valid and fully balanced (they may differ)."""
    subs, counts = data
    first = assign("sticky", subs, counts)
    survivors = {m: t for m, t in list(subs.items())[1:]} or subs
    owned = {m: first[m] for m in survivors}
    gens = {m: 3 for m in survivors}
    for result in (assign("sticky", survivors, counts, owned, gens),
                   kafka_python("sticky", survivors, counts, owned, gens)):
        flat = [tp for tps in result.values() for tp in tps]
        assert len(flat) == len(set(flat)) == sum(counts.get(t, 0) for t in next(iter(survivors.values())))
        sizes = [len(v) for v in result.values()]
        assert max(sizes) - min(sizes) <= 1


# ----------------------------------------------------------------------------- where kafka-python is not Java

def test_kafka_python_roundrobin_raises_where_java_skips_a_member():
    """RoundRobinAssignorTest#testMultipleConsumersMixedTopics: Java skips consumer1 for topic2."""
    subs = {"consumer1": ["topic1"], "consumer2": ["topic1", "topic2"], "consumer3": ["topic1"]}
    counts = {"topic1": 3, "topic2": 2}
    assert assign("roundrobin", subs, counts) == {
        "consumer1": P("topic1-0"), "consumer2": P("topic1-1 topic2-0 topic2-1"), "consumer3": P("topic1-2")}
    with pytest.raises(KeyError):
        kafka_python("roundrobin", subs, counts)


KAFKA_STICKY_CASES = [
    # (Java test, subscriptions, partitions, owned, generations, Java's expected StickyAssignor result)
    ("AbstractStickyAssignorTest#testMaxQuotaConsumerMoreThanNumExpectedMaxCapacityMembers",
     {c: ["topic1", "topic2"] for c in ("consumer1", "consumer2", "consumer3")}, {"topic1": 2, "topic2": 2},
     {"consumer1": P("topic1-0 topic2-0"), "consumer2": P("topic1-1 topic2-1"), "consumer3": []},
     {"consumer1": 1, "consumer2": 1, "consumer3": 1},
     {"consumer1": P("topic1-0"), "consumer2": P("topic1-1 topic2-1"), "consumer3": P("topic2-0")}),
    ("AbstractStickyAssignorTest#testAddRemoveTwoConsumersTwoTopics (add 2 consumers)",
     {f"consumer{i}": ["topic1", "topic2"] for i in range(1, 5)}, {"topic1": 3, "topic2": 4},
     {"consumer1": P("topic1-0 topic1-2 topic2-1 topic2-3"), "consumer2": P("topic1-1 topic2-0 topic2-2")},
     {f"consumer{i}": 1 for i in range(1, 5)},
     {"consumer1": P("topic1-0 topic2-1"), "consumer2": P("topic2-0 topic1-1"),
      "consumer3": P("topic1-2 topic2-3"), "consumer4": P("topic2-2")}),
    ("StickyAssignorTest#testAllConsumersHaveOwnedPartitionInvalidatedWhenClaimedByMultipleConsumersInSameGenerationWithEqualPartitionsPerConsumer",
     {c: ["topic"] for c in ("consumer1", "consumer2", "consumer3")}, {"topic": 3},
     {"consumer1": P("topic-0 topic-1"), "consumer2": P("topic-0 topic-2"), "consumer3": []},
     {"consumer1": 1, "consumer2": 1, "consumer3": 1},
     {"consumer1": P("topic-1"), "consumer2": P("topic-2"), "consumer3": P("topic-0")}),
]


@pytest.mark.parametrize("name, subs, counts, owned, gens, java", KAFKA_STICKY_CASES,
                         ids=[c[0].split("#")[1][:60] for c in KAFKA_STICKY_CASES])
def test_kafka_python_sticky_is_not_javas_algorithm(name, subs, counts, owned, gens, java):
    assert assign("sticky", subs, counts, owned, gens) == java
    assert kafka_python("sticky", subs, counts, owned, gens) != java


def test_kafka_python_cooperative_holds_back_partitions_claimed_with_a_stale_generation():
    """AbstractStickyAssignorTest#testOwnedPartitionsAreInvalidatedForConsumerWithStaleGeneration, cooperative.

    consumer2's claims are from generation 9, consumer1's from 10: Java keeps them with
    consumer1 in the same round; kafka-python treats consumer2 as their owner and withholds them.
    """
    subs = {"consumer1": ["topic", "topic2"], "consumer2": ["topic", "topic2"]}
    owned = {"consumer1": P("topic-0 topic-2 topic2-1"), "consumer2": P("topic-0 topic-2 topic2-1")}
    gens = {"consumer1": 10, "consumer2": 9}
    java = {"consumer1": P("topic-0 topic-2 topic2-1"), "consumer2": P("topic-1 topic2-0 topic2-2")}
    assert assign("cooperative-sticky", subs, {"topic": 3, "topic2": 3}, owned, gens) == java
    assert kafka_python("cooperative-sticky", subs, {"topic": 3, "topic2": 3}, owned, gens)["consumer1"] == []


# A group where kafka-python's StickyPartitionAssignor answers differently under different
# PYTHONHASHSEEDs (it pops from and iterates Python sets of TopicPartition namedtuples).
_SEED_SENSITIVE = {
    "subs": {"c0": ["t0", "ghost"], "c1": ["t0"], "c2": ["t0"], "c3": ["t0"], "c4": ["t0"], "c5": ["t0"]},
    "counts": {"t0": 9},
    "owned": {"c3": [["t0", 5], ["t0", 8], ["t0", 2]], "c5": [["t0", 6], ["t0", 7], ["t0", 0], ["t0", 4], ["t0", 3],
                                                                   ["t0", 1]],
              "c2": [["t0", 2], ["t0", 4], ["t0", 1]], "c1": [["t0", 1], ["t0", 0], ["t0", 4], ["t0", 3]],
              "c4": [["t0", 6]]},
    "gens": {"c0": 3, "c1": 2, "c2": 1, "c3": 3, "c4": 3, "c5": 3},
}


def _run_with_hash_seed(which: str, seed: str) -> str:
    code = (
        "import json, sys\n"
        f"sys.path.insert(0, {str(ROOT)!r}); sys.path.insert(0, {str(Path(__file__).parent)!r})\n"
        "case = json.loads(sys.stdin.read())\n"
        "owned = {m: [tuple(tp) for tp in v] for m, v in case['owned'].items()}\n"
        f"if {which!r} == 'ours':\n"
        "    from groupviz.kafka.assignors import assign as f\n"
        "else:\n"
        "    from test_assignors_kafka_python import kafka_python\n"
        "    f = lambda *a: kafka_python('sticky', *a[1:])\n"
        "print(json.dumps(f('sticky', case['subs'], case['counts'], owned, case['gens']), sort_keys=True))\n")
    env = dict(os.environ, PYTHONHASHSEED=seed)
    return subprocess.run([sys.executable, "-W", "ignore", "-c", code], input=json.dumps(_SEED_SENSITIVE), env=env,
                          capture_output=True, text=True, check=True).stdout


def test_kafka_python_sticky_depends_on_pythonhashseed_ours_does_not():
    seeds = ("0", "3")
    assert len({_run_with_hash_seed("kafka-python", s) for s in seeds}) == 2
    assert len({_run_with_hash_seed("ours", s) for s in seeds}) == 1
