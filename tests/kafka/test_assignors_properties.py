"""Invariants of the four assignors, checked with hypothesis on random groups.

Inputs are "consistent" the way a real group is: every member subscribes to at least
one topic, ``owned`` is a previous assignment
(from any assignor, computed when the group had other members, subscriptions or
fewer partitions), all surviving members report the same generation, and new members
report none.  (Kafka's Java code itself throws on some contradictory claims; those are
covered by test_assignors.py, not here.)

Balance follows Kafka's own test notions: ``isFullyBalanced`` (counts differ by at most
one) for identical subscriptions, ``verifyValidityAndBalance`` for unequal ones.
"""

from __future__ import annotations

import sys
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from groupviz.kafka.assignors import STRATEGIES, _assign_detailed, assign  # noqa: E402
from groupviz.kafka.assignors.client.normalize import normalize_subscriptions  # noqa: E402
from groupviz.kafka.assignors.client.range import range_assign  # noqa: E402
from groupviz.kafka.assignors.java import string_key  # noqa: E402

SETTINGS = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
TOPICS = ["orders", "payments", "clicks", "t0", "t1"]
MEMBER_POOL = [f"consumer-{i}" for i in range(1, 41)]


# ----------------------------------------------------------------------------- helpers (Kafka's test helpers)

def is_fully_balanced(assignment) -> bool:
    """AbstractStickyAssignorTest.isFullyBalanced"""
    sizes = [len(v) for v in assignment.values()]
    return not sizes or max(sizes) - min(sizes) <= 1


def verify_validity_and_balance(subs, assignment):
    """AbstractStickyAssignorTest.verifyValidityAndBalance"""
    consumers = sorted(assignment)
    for i, c in enumerate(consumers):
        mine = assignment[c]
        assert all(t in subs[c] for t, _ in mine)
        for other in consumers[i + 1:]:
            theirs = assignment[other]
            assert not set(mine) & set(theirs)
            if abs(len(mine) - len(theirs)) > 1:
                assert not {t for t, _ in mine} & {t for t, _ in theirs}, (c, other, assignment)


def subscribed_partitions(subs, counts):
    return {(t, p) for ts in subs.values() for t in ts for p in range(counts.get(t, 0))}


def assert_exactly_once_to_subscribers(subs, counts, assignment):
    flat = [tp for tps in assignment.values() for tp in tps]
    assert len(flat) == len(set(flat)), "a partition is assigned twice"
    assert set(flat) == subscribed_partitions(subs, counts)
    for m, tps in assignment.items():
        assert all(t in subs[m] for t, _ in tps), f"{m} got a partition of a topic it does not subscribe to"


def settle(subs, counts, first, owned, gen, max_rounds=4):
    """Follow-up cooperative rebalances until nothing is revoked (CooperativeStickyAssignorTest)."""
    rounds = 0
    current = first
    while True:
        added = {tp for m, tps in current.items() for tp in tps if tp not in set(owned.get(m, ()))}
        revoked = {tp for m, tps in owned.items() if m in current for tp in tps if tp not in set(current[m])}
        assert not added & revoked, f"assigned while being revoked: {sorted(added & revoked)}"
        if not revoked:
            return current, rounds
        owned = {m: list(v) for m, v in current.items()}
        gen += 1
        current = assign("cooperative-sticky", subs, counts, owned, {m: gen for m in subs})
        rounds += 1
        assert rounds <= max_rounds


# ----------------------------------------------------------------------------- generators

@st.composite
def groups(draw, identical=None):
    """A group now, plus what its members owned after the previous rebalance."""
    topics = draw(st.lists(st.sampled_from(TOPICS), min_size=1, max_size=4, unique=True))
    prev_counts = {t: draw(st.integers(0, 24)) for t in topics}
    counts = {t: n + draw(st.sampled_from([0, 0, 0, 1, 3])) for t, n in prev_counts.items()}   # partitions only grow
    members = draw(st.lists(st.sampled_from(MEMBER_POOL), min_size=1, max_size=14, unique=True))
    if identical is None:
        identical = draw(st.booleans())

    def subscription():
        if identical:
            return list(topics)
        # min_size=1: a member that subscribes to nothing can, in Kafka's Java code, be handed
        # partitions anyway (test_assignors.py::test_sticky_member_with_empty_subscription_...).
        return draw(st.lists(st.sampled_from(topics), min_size=1, max_size=len(topics), unique=True))

    subs = {m: subscription() for m in members}
    # the previous generation: some of today's members, maybe members that left since
    survivors = [m for m in members if draw(st.booleans())]
    gone = draw(st.lists(st.sampled_from(MEMBER_POOL), max_size=3, unique=True))
    prev_members = list(dict.fromkeys(survivors + [g for g in gone if g not in subs]))
    owned, gens = {}, None
    if prev_members:
        prev_subs = {m: (subs[m] if m in subs and draw(st.integers(0, 4)) else subscription()) for m in prev_members}
        prev_strategy = draw(st.sampled_from(["range", "roundrobin", "sticky"]))
        prev = assign(prev_strategy, prev_subs, prev_counts)
        owned = {m: prev[m] for m in survivors}
        generation = draw(st.integers(0, 9))
        gens = {m: generation for m in survivors}        # new members: no generation
    return subs, counts, owned, gens


# ----------------------------------------------------------------------------- properties

@SETTINGS
@given(data=groups(), strategy=st.sampled_from(["range", "roundrobin", "sticky"]))
def test_eager_assignors_assign_every_subscribed_partition_exactly_once_to_a_subscriber(data, strategy):
    subs, counts, owned, gens = data
    out = assign(strategy, subs, counts, owned, gens)
    assert list(out) == list(subs)
    assert all(tps == sorted(tps) for tps in out.values())
    assert_exactly_once_to_subscribers(subs, counts, out)


@SETTINGS
@given(data=groups())
def test_cooperative_assigns_each_partition_at_most_once_and_settles_to_exactly_once(data):
    subs, counts, owned, gens = data
    first = assign("cooperative-sticky", subs, counts, owned, gens)
    flat = [tp for tps in first.values() for tp in tps]
    assert len(flat) == len(set(flat))
    final, _ = settle(subs, counts, first, owned, max((gens or {}).values(), default=0))
    assert_exactly_once_to_subscribers(subs, counts, final)


@SETTINGS
@given(data=groups(identical=True), strategy=st.sampled_from(["roundrobin", "sticky", "cooperative-sticky"]))
def test_identical_subscriptions_are_balanced_within_one(data, strategy):
    subs, counts, owned, gens = data
    out = assign(strategy, subs, counts, owned, gens)
    if strategy == "cooperative-sticky":
        out, _ = settle(subs, counts, out, owned, max((gens or {}).values(), default=0))
    assert is_fully_balanced(out)


@SETTINGS
@given(data=groups(identical=True))
def test_range_balances_each_topic_within_one(data):
    subs, counts, owned, gens = data
    out = assign("range", subs, counts)
    for t in {t for ts in subs.values() for t in ts}:
        per_member = [sum(1 for tt, _ in tps if tt == t) for tps in out.values()]
        assert max(per_member) - min(per_member) <= 1


@SETTINGS
@given(data=groups(identical=False), strategy=st.sampled_from(["sticky", "cooperative-sticky"]))
def test_sticky_unequal_subscriptions_are_as_balanced_as_kafka_requires(data, strategy):
    subs, counts, owned, gens = data
    out = assign(strategy, subs, counts, owned, gens)
    if strategy == "cooperative-sticky":
        out, _ = settle(subs, counts, out, owned, max((gens or {}).values(), default=0))
    verify_validity_and_balance(subs, out)


@SETTINGS
@given(data=groups(identical=True), strategy=st.sampled_from(["sticky", "cooperative-sticky"]))
def test_sticky_members_keep_as_many_owned_partitions_as_balance_allows(data, strategy):
    """With identical subscriptions a member keeps min(|still-valid owned|, its new count) partitions.

    For cooperative-sticky "its new count" is the count of the sticky target (the eager
    StickyAssignor's answer), of which this round's list is the part that is not moving in.
    """
    subs, counts, owned, gens = data
    target = assign("sticky", subs, counts, owned, gens)
    out = assign(strategy, subs, counts, owned, gens)
    for m in subs:
        valid = {(t, p) for t, p in owned.get(m, ()) if t in subs[m] and p < counts.get(t, 0)}
        kept = valid & set(out[m])
        assert len(kept) == min(len(valid), len(target[m])), (m, sorted(valid), out[m])


@SETTINGS
@given(data=groups(identical=False))
def test_sticky_general_case_never_moves_partitions_back_and_forth(data):
    """PartitionMovements.isSticky(): no topic has partitions moving both A->B and B->A."""
    subs, counts, owned, gens = data
    _, d = _assign_detailed("sticky", subs, counts, owned, gens)
    assert d.constrained or d.movements.is_sticky()


@SETTINGS
@given(data=groups())
def test_cooperative_round_is_the_sticky_target_minus_partitions_changing_owner(data):
    subs, counts, owned, gens = data
    target = assign("sticky", subs, counts, owned, gens)
    first = assign("cooperative-sticky", subs, counts, owned, gens)
    owner = {tp: m for m, tps in owned.items() for tp in tps}
    for m in subs:
        moving_in = {tp for tp in target[m] if owner.get(tp, m) != m}
        assert set(first[m]) == set(target[m]) - moving_in
    # ...so a partition that changes owner is in nobody's list this round
    assigned = {tp for tps in first.values() for tp in tps}
    for tp, m in owner.items():
        new_owner = next((c for c, tps in target.items() if tp in tps), None)
        if new_owner not in (None, m):
            assert tp not in assigned


@SETTINGS
@given(data=groups(identical=True))
def test_cooperative_second_call_completes_the_move(data):
    subs, counts, owned, gens = data
    generation = max((gens or {}).values(), default=0)
    first = assign("cooperative-sticky", subs, counts, owned, gens)
    second = assign("cooperative-sticky", subs, counts, first, {m: generation + 1 for m in subs})
    for m in subs:
        assert set(first[m]) <= set(second[m]), "the second rebalance revokes nothing"
    assert_exactly_once_to_subscribers(subs, counts, second)
    assert is_fully_balanced(second)


@settings(max_examples=60, deadline=None)
@given(data=groups(), strategy=st.sampled_from(STRATEGIES))
def test_same_input_same_output(data, strategy):
    subs, counts, owned, gens = data
    assert assign(strategy, subs, counts, owned, gens) == assign(strategy, dict(subs), dict(counts), owned, gens)


class _Labelled(str):
    """A str whose str() is not itself, as a `class Topic(str, Enum)` member is: topics are str(t)."""

    def __str__(self):
        return "label-" + str.__str__(self)


@SETTINGS
@given(raw=st.lists(st.lists(st.sampled_from(["t0", "t1", 1, True, _Labelled("t0"), "t0"]), min_size=1, max_size=3),
                    min_size=1, max_size=8),
       alike=st.booleans(), strategy=st.sampled_from(STRATEGIES))
def test_topics_are_taken_by_str_whether_members_subscribe_alike_or_not(raw, alike, strategy):
    # identical subscriptions share one normalised list inside assign(); equal-looking ones that
    # are not the same topics by str() (1 vs True, "t0" vs a labelled "t0") must not share it
    subs = {f"consumer-{i}": list(raw[0] if alike else topics) for i, topics in enumerate(raw)}
    plain = {m: [str(t) for t in topics] for m, topics in subs.items()}
    counts = {"t0": 5, "t1": 3, "1": 2, "True": 4, "label-t0": 2}
    assert assign(strategy, subs, counts) == assign(strategy, plain, counts)


@SETTINGS
@given(members=st.lists(st.text(alphabet="ab\u00e9\U0001f600-", min_size=1, max_size=4), min_size=1, max_size=12,
                        unique=True),
       topics=st.lists(st.sampled_from(TOPICS), min_size=1, max_size=4, unique=True),
       n=st.integers(min_value=1, max_value=30))
def test_range_fast_path_for_alike_subscriptions_equals_the_per_topic_walk(members, topics, n):
    """Everyone subscribed to the same topics, each with n partitions: range_alike builds each member's
    list with one product(topics, range) instead of walking topic by topic; same answer, same member order
    (names outside the BMP included: Java's UTF-16 order)."""
    subs = {m: list(topics) for m in members}
    got = assign("range", subs, {t: n for t in topics})
    norm_members, topics_of, alike = normalize_subscriptions(subs)
    ppt = {t: n for t in topics}
    walked = range_assign(norm_members, topics_of, ppt, string_key(norm_members, ppt), alike=None)
    assert got == walked and list(got) == members
