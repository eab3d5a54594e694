"""The classic coordinator's state machine, driven message by message.

Like h11's test_state.py: feed one event, assert the whole state after it.
"""

import pytest

from groupviz.kafka.classic import coordinator as C
from groupviz.kafka.classic.coordinator import TRANSITIONS, Coordinator, JoinGroup
from groupviz.errors import ProtocolError
from groupviz.kafka.config import CLASSROOM_CONFIG
from groupviz.engine.sim import Environment


class Wire:
    """Collects what the coordinator sends and emits."""

    def __init__(self):
        self.sent = []
        self.events = []

    def send(self, member_id, kind, payload):
        self.sent.append((member_id, kind, payload))

    def emit(self, type_, **fields):
        self.events.append((type_, fields))

    def last(self, member_id, kind):
        return [p for m, k, p in self.sent if m == member_id and k == kind][-1]


@pytest.fixture
def coord():
    env = Environment()
    wire = Wire()
    cfg = dict(CLASSROOM_CONFIG)
    c = Coordinator("g1", env, wire.send, wire.emit, cfg)
    c.wire = wire
    return c


def join(c, mid, assignor="range", owned=(), gen=-1, session=6000, rebalance=300000):
    c.handle_join(JoinGroup(mid, mid, "/h", assignor, ["t"], list(owned), gen, session, rebalance))


def test_transition_table_matches_kafkas_valid_previous_states():
    # GroupMetadata.validPreviousStates, read backwards from our table
    prev = {}
    for src, moves in TRANSITIONS.items():
        for dst in moves.values():
            prev.setdefault(dst, set()).add(src)
    assert prev[C.PREPARING_REBALANCE] == {C.STABLE, C.COMPLETING_REBALANCE, C.EMPTY}
    assert prev[C.COMPLETING_REBALANCE] == {C.PREPARING_REBALANCE}
    assert prev[C.STABLE] == {C.COMPLETING_REBALANCE}
    assert prev[C.EMPTY] == {C.PREPARING_REBALANCE}
    assert prev[C.DEAD] == {C.STABLE, C.PREPARING_REBALANCE, C.COMPLETING_REBALANCE, C.EMPTY, C.DEAD}


def test_illegal_transition_is_a_protocol_error(coord):
    with pytest.raises(ProtocolError):
        coord._transition("leader_synced")   # Empty -> Stable is not a move


def test_first_join_waits_for_the_initial_rebalance_delay(coord):
    join(coord, "a")
    assert coord.state == C.PREPARING_REBALANCE and coord.generation == 0
    coord.env.run(2999)
    assert coord.state == C.PREPARING_REBALANCE
    coord.env.run(3000)
    assert coord.state == C.COMPLETING_REBALANCE
    assert coord.generation == 1 and coord.leader == "a"
    resp = coord.wire.last("a", "join")
    assert resp["error"] == C.NONE and resp["generation"] == 1 and resp["leader"] == "a"
    assert [m["member_id"] for m in resp["members"]] == ["a"]


def test_new_members_during_the_initial_delay_extend_it(coord):
    # InitialDelayedJoin: a member added in the delay restarts it (up to the rebalance timeout)
    join(coord, "a")
    coord.env.run(1000)
    join(coord, "b")
    coord.env.run(3000)
    assert coord.state == C.PREPARING_REBALANCE
    coord.env.run(6000)
    assert coord.state == C.COMPLETING_REBALANCE and list(coord.members) == ["a", "b"]
    assert coord.wire.last("b", "join")["members"] == []          # only the leader gets the metadata
    assert len(coord.wire.last("a", "join")["members"]) == 2


def stable_group(coord, members=("a", "b")):
    for m in members:
        join(coord, m)
    coord.env.run(coord.env.now + 6000)
    assert coord.state == C.COMPLETING_REBALANCE
    coord.handle_sync(members[0], coord.generation, {m: [("t", i)] for i, m in enumerate(members)})
    for m in members[1:]:
        coord.handle_sync(m, coord.generation, None)
    assert coord.state == C.STABLE
    return coord


def test_leader_sync_makes_the_group_stable_and_everyone_gets_its_assignment(coord):
    stable_group(coord)
    assert coord.wire.last("a", "sync") == {"error": C.NONE, "assignment": [("t", 0)]}
    assert coord.wire.last("b", "sync") == {"error": C.NONE, "assignment": [("t", 1)]}


def test_follower_sync_before_the_leader_waits_for_it(coord):
    join(coord, "a"); join(coord, "b")
    coord.env.run(6000)
    coord.handle_sync("b", 1, None)
    assert not [p for m, k, p in coord.wire.sent if k == "sync"]
    coord.handle_sync("a", 1, {"a": [("t", 0)], "b": [("t", 1)]})
    assert coord.wire.last("b", "sync")["assignment"] == [("t", 1)]


def test_heartbeat_answers_per_state(coord):
    stable_group(coord)
    coord.handle_heartbeat("a", 1)
    assert coord.wire.last("a", "heartbeat")["error"] == C.NONE
    coord.handle_heartbeat("a", 0)
    assert coord.wire.last("a", "heartbeat")["error"] == C.ILLEGAL_GENERATION
    coord.handle_heartbeat("zz", 1)
    assert coord.wire.last("zz", "heartbeat")["error"] == C.UNKNOWN_MEMBER_ID
    join(coord, "c")
    assert coord.state == C.PREPARING_REBALANCE
    coord.handle_heartbeat("a", 1)
    assert coord.wire.last("a", "heartbeat")["error"] == C.REBALANCE_IN_PROGRESS


def test_crashed_member_is_expelled_exactly_after_session_timeout(coord):
    stable_group(coord)
    t0 = coord.env.now
    # "a" keeps heartbeating every 2 s; "b" goes silent at t0
    for k in range(1, 3):
        coord.env.run(t0 + 2000 * k)
        coord.handle_heartbeat("a", 1)
    coord.env.run(t0 + 5999)
    assert "b" in coord.members and coord.state == C.STABLE
    coord.env.run(t0 + 6000)
    assert "b" not in coord.members
    assert coord.state == C.PREPARING_REBALANCE
    assert ("member_expired", {"member_id": "b", "session_timeout_ms": 6000, "last_heartbeat_ms": t0,
                               "generation": coord.generation}) in coord.wire.events


def test_leave_group_rebalances_at_once(coord):
    stable_group(coord)
    coord.handle_leave("b")
    assert list(coord.members) == ["a"] and coord.state == C.PREPARING_REBALANCE
    join(coord, "a")          # the only remaining member rejoins: the join completes immediately
    assert coord.state == C.COMPLETING_REBALANCE and coord.generation == 2


def test_members_that_do_not_rejoin_in_the_rebalance_timeout_are_removed(coord):
    join(coord, "a", rebalance=10_000); join(coord, "b", rebalance=10_000)
    coord.env.run(6000)
    coord.handle_sync("a", 1, {"a": [], "b": []}); coord.handle_sync("b", 1, None)
    join(coord, "c", rebalance=10_000)     # triggers a rebalance; a rejoins, b never does
    start = coord.env.now
    join(coord, "a", rebalance=10_000)
    for k in range(1, 5):                  # b heartbeats (so no session expiry) but never rejoins
        coord.env.run(start + 2000 * k)
        coord.handle_heartbeat("b", 1)
    coord.env.run(start + 10_000)
    assert coord.state == C.COMPLETING_REBALANCE
    assert list(coord.members) == ["a", "c"] and coord.generation == 2


def test_last_member_leaving_empties_the_group_and_bumps_the_generation(coord):
    stable_group(coord, ("a",))
    coord.handle_leave("a")
    assert coord.state == C.EMPTY and coord.generation == 2 and coord.leader is None


def test_offset_commit_validation_follows_kafka(coord):
    assert coord.validate_commit("x", -1) == C.NONE            # outside the group protocol, group Empty
    join(coord, "a"); join(coord, "b")
    coord.env.run(6000)
    assert coord.validate_commit("a", 1) == C.REBALANCE_IN_PROGRESS   # CompletingRebalance
    coord.handle_sync("a", 1, {"a": [], "b": []})
    assert coord.validate_commit("a", 1) == C.NONE
    assert coord.validate_commit("a", 0) == C.ILLEGAL_GENERATION
    assert coord.validate_commit("nobody", 1) == C.UNKNOWN_MEMBER_ID
    coord.handle_leave("b")
    assert coord.state == C.PREPARING_REBALANCE
    assert coord.validate_commit("a", 1) == C.NONE              # commits allowed while preparing (eager revoke)


def test_stable_follower_rejoining_with_same_metadata_gets_the_current_generation(coord):
    stable_group(coord)
    join(coord, "b")
    assert coord.state == C.STABLE
    assert coord.wire.last("b", "join")["generation"] == 1


def test_member_rejoining_with_changed_owned_partitions_triggers_a_rebalance(coord):
    # the cooperative follow-up: a member that revoked partitions rejoins with new ownedPartitions
    stable_group(coord)
    join(coord, "b", assignor="range", owned=[("t", 1)], gen=1)
    assert coord.state == C.PREPARING_REBALANCE


def test_crashed_leader_in_completing_rebalance_expires_and_the_group_rebalances(coord):
    join(coord, "a"); join(coord, "b")
    coord.env.run(6000)
    assert coord.state == C.COMPLETING_REBALANCE and coord.leader == "a"
    coord.handle_sync("b", 1, None)        # b waits for a's SyncGroup, which never comes
    for t in (8000, 10000):                # b's heartbeat thread keeps running meanwhile
        coord.env.run(t)
        coord.handle_heartbeat("b", 1)
    coord.env.run(6000 + 6000)
    assert "a" not in coord.members
    assert coord.state == C.PREPARING_REBALANCE
    assert coord.wire.last("b", "sync")["error"] == C.REBALANCE_IN_PROGRESS
