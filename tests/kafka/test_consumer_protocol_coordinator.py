"""The KIP-848 coordinator as a state machine: the whole state asserted after each heartbeat, as h11's
test_state.py does (GroupMetadataManagerTest / CurrentAssignmentBuilderTest in Kafka are the models)."""

import pytest

from groupviz.engine.sim import Environment
from groupviz.errors import ProtocolError
from groupviz.kafka.consumer_protocol import coordinator as K
from groupviz.kafka.consumer_protocol.coordinator import Coordinator, Heartbeat, MemberRecord, next_assignment

CONFIG = {"group.consumer.session.timeout.ms": 6000, "group.consumer.heartbeat.interval.ms": 2000}
T = "orders"


def tps(*ps):
    return [(T, p) for p in ps]


@pytest.fixture
def world():
    env = Environment()
    sent, events = [], []
    parts = {"n": 4}
    coord = Coordinator("g", env, lambda mid, kind, payload: sent.append((mid, payload)),
                        lambda t, **f: events.append((t, f)), dict(CONFIG), "uniform", lambda: {T: parts["n"]})
    return env, coord, sent, events, parts


def hb(coord, member, epoch, owned=None, rebalance_timeout_ms=300000):
    coord.handle_heartbeat(Heartbeat(member, epoch, [T], owned, rebalance_timeout_ms))


def state(coord):
    return {"state": coord.state, "group_epoch": coord.group_epoch, "target_epoch": coord.target_epoch,
            "target": {m: sorted(v) for m, v in coord.target.items()},
            "members": {mid: (m.member_epoch, m.state, sorted(m.assigned), sorted(m.pending_revocation))
                        for mid, m in coord.members.items()},
            "owners": dict(sorted(coord.owner_of.items()))}


def test_first_member_joins_with_epoch_0_and_gets_everything_at_once(world):
    env, coord, sent, _, _ = world
    assert state(coord) == {"state": "Empty", "group_epoch": 0, "target_epoch": 0, "target": {}, "members": {},
                            "owners": {}}
    hb(coord, "a", 0)
    assert state(coord) == {"state": "Stable", "group_epoch": 1, "target_epoch": 1, "target": {"a": tps(0, 1, 2, 3)},
                            "members": {"a": (1, "STABLE", tps(0, 1, 2, 3), [])},
                            "owners": {tp: "a" for tp in tps(0, 1, 2, 3)}}
    assert sent[-1] == ("a", {"error": "NONE", "member_id": "a", "member_epoch": 1, "heartbeat_interval_ms": 2000,
                              "assignment": tps(0, 1, 2, 3)})


def test_a_partition_reaches_its_new_owner_only_after_the_old_owner_revoked_it(world):
    env, coord, sent, _, _ = world
    hb(coord, "a", 0)
    hb(coord, "b", 0)                       # b joins: target moves two partitions, still owned by a
    assert state(coord) == {"state": "Reconciling", "group_epoch": 2, "target_epoch": 2,
                            "target": {"a": tps(0, 1), "b": tps(2, 3)},
                            "members": {"a": (1, "STABLE", tps(0, 1, 2, 3), []),
                                        "b": (2, "UNRELEASED_PARTITIONS", [], [])},
                            "owners": {tp: "a" for tp in tps(0, 1, 2, 3)}}
    hb(coord, "a", 1, tps(0, 1, 2, 3))      # a is told to revoke 2 and 3; it keeps epoch 1 until it does
    assert state(coord)["members"]["a"] == (1, "UNREVOKED_PARTITIONS", tps(0, 1), tps(2, 3))
    assert sent[-1][1]["assignment"] == tps(0, 1)
    hb(coord, "b", 2, [])                   # b asks again: 2 and 3 are not released yet
    assert state(coord)["members"]["b"] == (2, "UNRELEASED_PARTITIONS", [], [])
    hb(coord, "a", 1, tps(0, 1))            # a acknowledges the revocation: epoch 2, stable
    assert state(coord)["members"]["a"] == (2, "STABLE", tps(0, 1), [])
    assert state(coord)["owners"] == {(T, 0): "a", (T, 1): "a"}
    hb(coord, "b", 2, [])                   # now b gets them
    assert state(coord) == {"state": "Stable", "group_epoch": 2, "target_epoch": 2,
                            "target": {"a": tps(0, 1), "b": tps(2, 3)},
                            "members": {"a": (2, "STABLE", tps(0, 1), []), "b": (2, "STABLE", tps(2, 3), [])},
                            "owners": {(T, 0): "a", (T, 1): "a", (T, 2): "b", (T, 3): "b"}}


def test_session_timeout_fences_the_member_and_the_target_waits_for_the_next_heartbeat(world):
    env, coord, sent, events, _ = world
    hb(coord, "a", 0)
    hb(coord, "b", 0)
    hb(coord, "a", 1, tps(0, 1))
    hb(coord, "b", 2, [])
    env.run(5000)
    hb(coord, "a", 2, tps(0, 1))
    env.run(6000)                           # b's session (last heartbeat at 0) expires
    assert state(coord) == {"state": "Assigning", "group_epoch": 3, "target_epoch": 2,
                            "target": {"a": tps(0, 1)}, "members": {"a": (2, "STABLE", tps(0, 1), [])},
                            "owners": {(T, 0): "a", (T, 1): "a"}}
    assert ("member_expired", {"member_id": "b", "why": "b sent no heartbeat for 6000 ms "
                               "(group.consumer.session.timeout.ms)", "generation": 2}) in events
    hb(coord, "a", 2, tps(0, 1))
    assert state(coord)["state"] == "Stable"
    assert state(coord)["members"] == {"a": (3, "STABLE", tps(0, 1, 2, 3), [])}


def test_leave_with_epoch_minus_1_removes_the_member_at_once(world):
    env, coord, sent, _, _ = world
    hb(coord, "a", 0)
    hb(coord, "a", -1, [])
    assert state(coord) == {"state": "Empty", "group_epoch": 2, "target_epoch": 2, "target": {}, "members": {},
                            "owners": {}}
    assert sent[-1][1]["member_epoch"] == -1


@pytest.mark.parametrize("epoch,owned,error", [
    (5, [], "FENCED_MEMBER_EPOCH"),          # ahead of the coordinator
    (1, tps(0, 1, 2, 3), "NONE"),            # the current epoch
])
def test_member_epoch_is_checked(world, epoch, owned, error):
    env, coord, sent, _, _ = world
    hb(coord, "a", 0)
    hb(coord, "a", epoch, owned)
    assert sent[-1][1]["error"] == error


def test_an_unknown_member_with_an_epoch_gets_unknown_member_id_and_nothing_changes(world):
    env, coord, sent, _, _ = world
    hb(coord, "a", 0)
    before = state(coord)
    hb(coord, "ghost", 3, [])
    assert sent[-1][1]["error"] == "UNKNOWN_MEMBER_ID"
    assert state(coord) == before


def test_previous_epoch_is_accepted_only_if_the_member_owns_nothing_it_should_not(world):
    env, coord, sent, _, _ = world
    hb(coord, "a", 0)
    hb(coord, "b", 0)
    hb(coord, "a", 1, tps(0, 1))            # a -> epoch 2
    hb(coord, "a", 1, tps(0, 1))            # a lost response: previous epoch, owns a subset: fine
    assert sent[-1][1]["error"] == "NONE"
    hb(coord, "a", 1, tps(0, 1, 2))         # previous epoch but claims a partition it no longer has
    assert sent[-1][1]["error"] == "FENCED_MEMBER_EPOCH"


def test_offset_commits_carry_the_member_epoch(world):
    env, coord, sent, _, _ = world
    hb(coord, "a", 0)
    assert coord.validate_commit("a", 1) == "NONE"
    assert coord.validate_commit("a", 0) == "STALE_MEMBER_EPOCH"
    assert coord.validate_commit("x", 1) == "UNKNOWN_MEMBER_ID"


def test_revocation_is_bounded_by_the_rebalance_timeout(world):
    env, coord, sent, events, _ = world
    hb(coord, "a", 0, rebalance_timeout_ms=1000)
    hb(coord, "b", 0)
    hb(coord, "a", 1, tps(0, 1, 2, 3), rebalance_timeout_ms=1000)    # told to revoke; never does
    env.run(1000)
    assert "a" not in coord.members
    assert any(t == "member_removed" and f["member_id"] == "a" for t, f in events)


def test_new_partitions_are_noticed_by_the_coordinator_at_once(world):
    env, coord, sent, _, parts = world
    hb(coord, "a", 0)
    parts["n"] = 6
    coord.metadata_changed(("topic orders now has 6 partitions", "主题"))
    assert (coord.state, coord.group_epoch, coord.target_epoch) == ("Assigning", 2, 1)
    hb(coord, "a", 1, tps(0, 1, 2, 3))
    assert state(coord)["members"]["a"] == (2, "STABLE", tps(0, 1, 2, 3, 4, 5), [])


def test_an_illegal_member_move_is_a_protocol_error(world):
    env, coord, _, _, _ = world
    m = MemberRecord("a", "a", "h", [T], 1000, state=K.M_STABLE)
    with pytest.raises(ProtocolError):
        coord._set_member_state(m, K.UNKNOWN)


def test_current_assignment_builder_keeps_a_stable_member_at_the_target_epoch():
    m = MemberRecord("a", "a", "h", [T], 1000, member_epoch=3, assigned=tps(0))
    assert next_assignment(m, 3, tps(0, 1), tps(0), lambda tp: None) == ("STABLE", 3, tps(0), [])
    assert next_assignment(m, 4, tps(0, 1), tps(0), lambda tp: None) == ("STABLE", 4, tps(0, 1), [])
    assert next_assignment(m, 4, tps(1), tps(0), lambda tp: None) == ("UNREVOKED_PARTITIONS", 3, [], tps(0))
    assert next_assignment(m, 4, tps(0, 1), tps(0), lambda tp: "b") == ("UNRELEASED_PARTITIONS", 4, tps(0), [])


def partial(coord, member, epoch, owned=None):
    """A heartbeat as the client sends it once joined: no topics, rebalance timeout -1, owned only if changed."""
    coord.handle_heartbeat(Heartbeat(member, epoch, None, owned, -1))


def test_a_known_member_rejoining_with_epoch_0_is_fenced_unless_its_previous_epoch_was_0(world):
    """throwIfMemberEpochIsInvalid runs for a known member even with epoch 0 (Kafka keeps the member until
    its session times out); only a member whose previous epoch was 0 and owns nothing else is accepted."""
    env, coord, sent, _, _ = world
    hb(coord, "a", 0)                       # a: epoch 1, previous 0
    hb(coord, "a", 0, [])                   # previous epoch 0, owns a subset: accepted, gets its assignment
    assert sent[-1][1]["error"] == "NONE" and sent[-1][1]["assignment"] == tps(0, 1, 2, 3)
    hb(coord, "b", 0)
    hb(coord, "a", 1, tps(0, 1))            # a -> epoch 2, previous 1
    before = state(coord)
    hb(coord, "a", 0, [])
    assert sent[-1][1]["error"] == "FENCED_MEMBER_EPOCH"
    assert state(coord) == before


def test_the_assignment_goes_back_only_on_a_full_request_or_when_it_changed(world):
    """consumerGroupHeartbeat: isFullRequest (epoch 0, or rebalance timeout, topics and owned all set) or
    hasAssignedPartitionsChanged."""
    env, coord, sent, _, _ = world
    hb(coord, "a", 0)
    partial(coord, "a", 1, tps(0, 1, 2, 3))
    assert sent[-1][1]["assignment"] is None
    partial(coord, "a", 1)
    assert sent[-1][1]["assignment"] is None
    hb(coord, "a", 1, tps(0, 1, 2, 3))      # full request
    assert sent[-1][1]["assignment"] == tps(0, 1, 2, 3)
    hb(coord, "b", 0)
    partial(coord, "a", 1)                  # owned not sent: a still owns what it must revoke
    assert sent[-1][1]["assignment"] == tps(0, 1)
    assert state(coord)["members"]["a"] == (1, "UNREVOKED_PARTITIONS", tps(0, 1), tps(2, 3))
