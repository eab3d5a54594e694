"""The classic protocol's invariants, checked by the group itself (kafka/classic/invariants.py)."""

import pytest

from groupviz.engine import Engine
from groupviz.errors import InvariantViolation


def _leo(eng):
    return {p.tp: p.log_end_offset for p in eng.topic.partitions}


@pytest.fixture
def g1():
    eng = Engine(seed=7)
    eng.step(10_000)
    return eng, eng.groups["g1"]


def test_a_stable_group_passes_and_remembers_what_it_committed(g1):
    eng, g = g1
    seen, owners = {}, {}
    g.check_invariants(_leo(eng), seen, owners)
    assert seen and all(k[0] == "g1" for k in seen)
    assert {k[2] for k in owners} == {p.tp for p in eng.topic.partitions}


def test_two_owners_of_one_partition_in_a_generation_are_caught(g1):
    eng, g = g1
    a, b = list(g.consumers.values())[:2]
    b.assigned = b.assigned + [a.assigned[0]]
    with pytest.raises(InvariantViolation, match="owned by"):
        g.check_invariants(_leo(eng), {})


def test_a_committed_offset_going_backwards_is_caught(g1):
    eng, g = g1
    seen = {}
    g.check_invariants(_leo(eng), seen)
    tp, off = next((tp, off) for tp, off in g.offsets.committed.items() if off > 0)
    seen[("g1", tp)] = off + 1
    with pytest.raises(InvariantViolation, match="went backwards"):
        g.check_invariants(_leo(eng), seen)
