"""What every kind of member shares (kafka/member.py): its states, throughput over the last second, and how
a consumer spreads its per-poll budget over the partitions that have records (fair_share)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from groupviz.kafka.member import fair_share

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


def test_throughput_counts_the_last_second_only_and_forgets_older_entries():
    from collections import deque

    from groupviz.kafka.member import THROUGHPUT_WINDOW_MS, windowed_rate

    window = deque([(100, 5), (600, 10), (1100, 20)])
    assert windowed_rate(window, 1099) == 35.0          # (99, 1099] holds all three
    assert windowed_rate(window, 1100) == 30.0          # (100, 1100]: the entry at 100 has left the window ...
    assert list(window) == [(600, 10), (1100, 20)]      # ... and the deque
    assert windowed_rate(window, 1100 + THROUGHPUT_WINDOW_MS) == 0.0 and not window


def test_a_member_is_alive_while_active_or_paused_only():
    from types import SimpleNamespace

    from groupviz.kafka.member import ACTIVE, CRASHED, LEAVING, PAUSED, Member

    m = Member(SimpleNamespace(env=SimpleNamespace(now=0)), "consumer-1", color=0, rate=20, host="/10.0.0.11")
    assert (m.member_id, m.client_id, m.rate, m.state) == ("consumer-1", "consumer-1", 20.0, ACTIVE)
    for state, alive in ((ACTIVE, True), (PAUSED, True), (CRASHED, False), (LEAVING, False)):
        m.state = state
        assert m.alive is alive
    assert m.throughput() == 0.0
