"""Twin mode: the same commands to a simulated group and a real one; they end on the same partitions per member."""

from __future__ import annotations

import pytest

from groupviz.realkafka.twin import TwinBackend
from realkafka_helpers import assignment, covers_exactly, wait_for

pytestmark = pytest.mark.timeout(150)


def _layout(a: dict) -> list:
    """The partition sets, whoever holds them: the mock's member ids order range's members differently."""
    return sorted(a.values())


@pytest.mark.parametrize("assignor", ["range", "cooperative-sticky"])
def test_twin_mode_agrees_with_the_simulation_on_the_final_partitions_per_member(assignor):
    twin = TwinBackend("mock", seed=7, assignor=assignor)
    try:
        def both(n):
            return lambda s: covers_exactly(s, n) and covers_exactly(s, n, group_id="g1.kafka")
        snap = wait_for(twin, both(3), timeout=40, what="both groups stable with 3")
        assert snap["backend"]["twin"] is True and {g["backend"] for g in snap["groups"]} == {"simulation", "kafka"}
        assert twin.apply({"op": "add_consumer"})["member_id"] == "consumer-4"
        snap = wait_for(twin, both(4), timeout=40, what="both groups stable with 4")
        before = {"g1": assignment(snap), "g1.kafka": assignment(snap, "g1.kafka")}
        assert twin.apply({"op": "stop_consumer", "member_id": "consumer-2.kafka"})["ok"]    # the real card: both
        snap = wait_for(twin, both(3), timeout=40, what="both groups stable after stop")
        sim, real = assignment(snap), assignment(snap, "g1.kafka")
        assert {m + ".kafka" for m in sim} == set(real)
        assert [len(p) for p in _layout(sim)] == [len(p) for p in _layout(real)] == [2, 2, 2]
        if assignor == "range":
            assert _layout(sim) == _layout(real)
        else:       # sticky: in both, every survivor keeps what it had (which ones: the member-id order, above)
            for gid, after in (("g1", sim), ("g1.kafka", real)):
                assert all(set(before[gid][m]) <= set(ps) for m, ps in after.items()), (gid, before[gid], after)
        assert snap["twin"]["differences"]
        assert twin.apply({"op": "pause"})["ok"] is False
    finally:
        twin.close()
