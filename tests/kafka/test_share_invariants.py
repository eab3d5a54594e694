"""The share-group invariants (KIP-932), checked by the group itself (kafka/share/invariants.py)."""

import pytest

from groupviz.engine import Engine
from groupviz.errors import InvariantViolation


def _leo(eng):
    return {p.tp: p.log_end_offset for p in eng.topic.partitions}


@pytest.fixture
def queue():
    eng = Engine(seed=7, scenario="competition")
    eng.step(10_000)
    return eng, eng.groups["share"]      # the competition scenario's share group


def test_a_running_share_group_passes_and_remembers_its_start_offsets(queue):
    eng, g = queue
    seen = {}
    g.check_invariants(_leo(eng), seen)
    assert {k[1] for k in seen} == {"spso"} and len(seen) == len(g.partitions)


def test_a_start_offset_going_backwards_is_caught(queue):
    eng, g = queue
    seen = {}
    g.check_invariants(_leo(eng), seen)
    sp = g.partitions[0]
    seen[(g.group_id, "spso", sp.partition)] = sp.spso + 1
    with pytest.raises(InvariantViolation, match="out of order"):
        g.check_invariants(_leo(eng), seen)


def test_a_lock_count_that_disagrees_with_the_records_is_caught(queue):
    eng, g = queue
    member = next(c for c in g.consumers.values() if c.alive)
    member.locks += 1
    with pytest.raises(InvariantViolation, match="locks"):
        g.check_invariants(_leo(eng), {})
