"""How a consumer spreads its per-poll budget over the partitions that have records (consumer.fair_share)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from groupviz.kafka.classic.consumer import fair_share

lefts = st.lists(st.integers(1, 40), min_size=1, max_size=12)


@settings(max_examples=300, deadline=None)
@given(left=lefts, budget=st.integers(1, 300))
def test_the_budget_is_spent_as_far_as_records_allow_and_no_partition_gives_more_than_it_has(left, budget):
    take = fair_share(left, budget)
    assert len(take) <= len(left)
    take += [0] * (len(left) - len(take))
    assert sum(take) == min(budget, sum(left))
    assert all(0 <= t <= a for t, a in zip(take, left))


@settings(max_examples=300, deadline=None)
@given(left=lefts, budget=st.integers(1, 300))
def test_partitions_with_records_left_get_equal_shares_the_first_ones_one_more(left, budget):
    take = fair_share(left, budget)
    take += [0] * (len(left) - len(take))
    open_ = [t for t, a in zip(take, left) if t < a]          # still had records after this poll
    assert not open_ or max(open_) - min(open_) <= 1
    assert open_ == sorted(open_, reverse=True)               # the extra records go to the first ones
    if open_:                                     # a drained partition got no more than a first one
        assert all(t <= max(open_) + 1 for t, a in zip(take, left) if t == a)


@given(left=lefts, data=st.data())
def test_a_budget_no_larger_than_the_partitions_takes_one_from_each_of_the_first(left, data):
    budget = data.draw(st.integers(1, len(left)))
    assert fair_share(left, budget) == [1] * budget          # Consumer.poll's fast path relies on it


def test_rounds_example():
    assert fair_share([10, 1, 10], 9) == [4, 1, 4]
    assert fair_share([10, 10, 10], 7) == [3, 2, 2]
