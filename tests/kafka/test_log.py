"""The partition's time index: which produce time each offset has, and the batches of a range.

The index is kept in int64 arrays that are trimmed in chunks (for speed), but it must answer
exactly as a bounded index of the newest TIME_INDEX_BATCHES batches would: the reference model
below is that definition, written plainly.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from groupviz.kafka import log
from groupviz.kafka.log import Partition


class ReferenceIndex:
    """Every batch ever appended; only the newest `keep` are known exactly, older times extrapolated."""

    def __init__(self, keep: int):
        self.keep = keep
        self.batches: list[tuple[int, int]] = []     # (first offset, produce time)
        self.end = 0

    def append(self, count: int, time_ms: int) -> None:
        if count > 0:
            self.batches.append((self.end, time_ms))
            self.end += count

    def produce_time(self, offset: int):
        known = self.batches[-self.keep:]
        if not known or offset >= self.end:
            return None
        older = [t for o, t in known if o <= offset]
        if older:
            return older[-1]
        if len(known) < 2:
            return known[0][1]
        (o0, t0), (o1, t1) = known[0], known[1]
        return int(t0 - (o0 - offset) * (t1 - t0) / max(1, o1 - o0))


# the fixture only swaps two module constants for the whole test: safe to share across examples
SMALL_INDEX_SETTINGS = settings(max_examples=200, deadline=None,
                                suppress_health_check=[HealthCheck.function_scoped_fixture])
appends = st.lists(st.tuples(st.integers(0, 4), st.integers(0, 3)), max_size=60)


@SMALL_INDEX_SETTINGS
@given(appends=appends)
def test_produce_time_equals_a_plain_bounded_index_after_any_appends(monkeypatch_small_index, appends):
    p, ref = Partition("t", 0), ReferenceIndex(log.TIME_INDEX_BATCHES)
    now = 0
    for count, dt in appends:
        now += dt
        p.append(count, now)
        ref.append(count, now)
    assert p.log_end_offset == ref.end
    assert len(p._batch_offsets) <= log.TIME_INDEX_BATCHES + log.TIME_INDEX_SLACK   # trimmed: bounded memory
    for offset in range(-1, ref.end + 2):
        assert p.produce_time(offset) == ref.produce_time(offset)


@SMALL_INDEX_SETTINGS
@given(appends=appends, data=st.data())
def test_latencies_of_a_range_are_its_batches_with_counts_that_add_up(monkeypatch_small_index, appends, data):
    p = Partition("t", 0)
    now = 0
    for count, dt in appends:
        now += dt
        p.append(count, now)
    start = data.draw(st.integers(0, p.log_end_offset))
    end = data.draw(st.integers(start, p.log_end_offset))
    out: list = []
    p.add_latencies(start, end, now + 20, out)
    assert out == [(now + 20 - t, n) for n, t in p.batches_between(start, end) if t is not None]
    assert sum(n for _, n in out) == end - start


def test_a_range_inside_one_batch_has_that_batch_time():
    p = Partition("t", 0)
    p.append(5, 100)
    p.append(3, 150)
    out: list = []
    p.add_latencies(1, 7, 200, out)
    assert out == [(100, 4), (50, 2)]


def test_index_memory_stays_bounded_over_a_long_run():
    p = Partition("t", 0)
    for i in range(3 * (log.TIME_INDEX_BATCHES + log.TIME_INDEX_SLACK)):
        p.append(1, i)
    assert len(p._batch_offsets) <= log.TIME_INDEX_BATCHES + log.TIME_INDEX_SLACK
    assert p.produce_time(p.log_end_offset - 1) == p.log_end_offset - 1


@pytest.fixture
def monkeypatch_small_index():
    """A tiny index (5 batches, trimmed 3 at a time) so that short runs go past its bound."""
    saved = log.TIME_INDEX_BATCHES, log.TIME_INDEX_SLACK
    log.TIME_INDEX_BATCHES, log.TIME_INDEX_SLACK = 5, 3
    yield
    log.TIME_INDEX_BATCHES, log.TIME_INDEX_SLACK = saved
