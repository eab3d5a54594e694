"""The group coordinator of Kafka's classic rebalance protocol.

Follows `kafka.coordinator.group.GroupCoordinator` / `GroupMetadata` (Kafka
2.x-3.x; `ClassicGroup` in 4.x): JoinGroup, SyncGroup, Heartbeat, LeaveGroup
and OffsetCommit handled per group state; generations; the initial rebalance
delay (`InitialDelayedJoin`), the rebalance timeout (`DelayedJoin`) and the
session timeout (`DelayedHeartbeat`). The assignment itself is computed by
the leader consumer (client side), as in Kafka.

The state machine is one table, read like h11's `_state.py`: for each state,
the events that are legal in it and the state each one leads to. Anything else
is a `ProtocolError`, i.e. a bug in groupviz, never bad input.

Beside it: messages.py (the states, error codes, rebalance reasons, JoinGroup and MemberMeta; re-exported
here) and static_members.py (group.instance.id: a join with a known instance id, replacing the member,
fencing the old member id), a mixin of Coordinator.
"""

from __future__ import annotations

from typing import Callable

from groupviz.errors import ProtocolError
# the protocol's vocabulary lives in messages.py; the names stay importable from here (coordinator.STABLE, ...)
from groupviz.kafka.classic.messages import (  # noqa: F401
    COMPLETING_REBALANCE, COORDINATOR_NOT_AVAILABLE, DEAD, EMPTY, FENCED_INSTANCE_ID, ILLEGAL_GENERATION, NONE,
    PREPARING_REBALANCE, REASONS, REBALANCE_IN_PROGRESS, STABLE, UNKNOWN_MEMBER, UNKNOWN_MEMBER_ID, JoinGroup,
    MemberMeta, reason)
from groupviz.kafka.classic.static_members import StaticMembers

# The classic protocol's legal moves (GroupMetadata.validPreviousStates, read forwards).
TRANSITIONS: dict[str, dict[str, str]] = {
    EMPTY: {
        "member_joined": PREPARING_REBALANCE,
        "group_deleted": DEAD,
    },
    PREPARING_REBALANCE: {
        "join_completed": COMPLETING_REBALANCE,
        "join_completed_without_members": EMPTY,
        "group_deleted": DEAD,
    },
    COMPLETING_REBALANCE: {
        "leader_synced": STABLE,
        "member_joined": PREPARING_REBALANCE,
        "member_left": PREPARING_REBALANCE,
        "member_expired": PREPARING_REBALANCE,
        "metadata_changed": PREPARING_REBALANCE,
        "group_deleted": DEAD,
    },
    STABLE: {
        "member_joined": PREPARING_REBALANCE,
        "member_left": PREPARING_REBALANCE,
        "member_expired": PREPARING_REBALANCE,
        "metadata_changed": PREPARING_REBALANCE,
        "group_deleted": DEAD,
    },
    DEAD: {"group_deleted": DEAD},
}


class Coordinator(StaticMembers):
    """One classic group's coordinator. Messages in, replies out via `send`.

    `send(member_id, kind, payload)` delivers a response to a member after the
    network delay (the group wires it); `emit(type, **fields)` records an event.
    """

    def __init__(self, group_id: str, env, send: Callable, emit: Callable, config: dict):
        self.group_id = group_id
        self.env = env
        self.send = send
        self.emit = emit
        self.config = config
        self.state = EMPTY
        self.previous_state = EMPTY
        self.generation = 0
        self.leader: str | None = None
        self.protocol_name: str | None = None
        self.members: dict[str, MemberMeta] = {}   # insertion order = join order
        self.new_member_added = False
        self._join_timer = None
        self._join_is_initial = False
        self._expiry: dict[str, object] = {}
        self._static_init()
        self.history: list[dict] = []               # per-rebalance phases, for the timeline
        self.on_stable: Callable[[dict], None] | None = None

    # -- the table ------------------------------------------------------
    def _transition(self, event: str) -> None:
        nxt = TRANSITIONS.get(self.state, {}).get(event)
        if nxt is None:
            raise ProtocolError(f"group {self.group_id}: event {event!r} is illegal in state {self.state}")
        prev, self.state = self.state, nxt
        self.previous_state = prev
        self.emit("state", state=nxt, previous=prev, reason=event, generation=self.generation)

    @property
    def rebalance_timeout_ms(self) -> int:
        return max((m.rebalance_timeout_ms for m in self.members.values()), default=0)

    # -- timers ---------------------------------------------------------
    def _schedule_expiry(self, m: MemberMeta) -> None:
        """completeAndScheduleNextHeartbeatExpiration."""
        old = self._expiry.pop(m.member_id, None)
        if old is not None:
            old.cancel()
        m.last_heartbeat_ms = self.env.now
        self._expiry[m.member_id] = self.env.schedule(m.session_timeout_ms, self._on_expire_heartbeat, m.member_id)

    def _on_expire_heartbeat(self, member_id: str) -> None:
        m = self.members.get(member_id)
        if m is None:
            return
        # MemberMetadata.hasSatisfiedHeartbeat: members waiting in a join or sync are kept alive.
        if m.awaiting_join or m.awaiting_sync:
            return
        self._expiry.pop(member_id, None)
        self.emit("member_expired", member_id=member_id, session_timeout_ms=m.session_timeout_ms,
                  last_heartbeat_ms=m.last_heartbeat_ms, generation=self.generation)
        self._remove_member_and_update(member_id, "member_expired",
                                       reason("expired", member=member_id, ms=m.session_timeout_ms))

    # -- rebalance ------------------------------------------------------
    def _prepare_rebalance(self, event: str, why: tuple[str, str]) -> None:
        """`why`: the reason in English (as Kafka's log prints it) and in Chinese, from reason()."""
        if self.state == COMPLETING_REBALANCE:
            # resetAndPropagateAssignmentError(REBALANCE_IN_PROGRESS)
            for m in self.members.values():
                m.assignment = []
                if m.awaiting_sync:
                    m.awaiting_sync = False
                    self.send(m.member_id, "sync", {"error": REBALANCE_IN_PROGRESS})
        was_empty = self.state == EMPTY
        en, zh = why
        if self._join_timer is not None:
            self._join_timer.cancel()
        self._join_is_initial = was_empty
        if was_empty:
            delay = int(self.config["group.initial.rebalance.delay.ms"])
            remaining = max(self.rebalance_timeout_ms - delay, 0)
            self._join_timer = self.env.schedule(delay, self._initial_delayed_join, delay, remaining)
        else:
            self._join_timer = self.env.schedule(self.rebalance_timeout_ms, self._delayed_join_expired)
        self._transition(event)
        self.history.append({"generation": self.generation + 1, "start_ms": self.env.now, "join_ms": None,
                             "end_ms": None, "reason": en, "reason_zh": zh, "moved": 0, "members": 0})
        del self.history[:-30]
        self.emit("rebalance_started", reason=en, reason_zh=zh, generation=self.generation)
        # rebalancePurgatory.tryCompleteElseWatch: a DelayedJoin may complete at once
        self._try_complete_join()

    def _initial_delayed_join(self, delay: int, remaining: int) -> None:
        """InitialDelayedJoin.onComplete (KIP-134)."""
        if self.state != PREPARING_REBALANCE:
            return
        if self.new_member_added and remaining != 0:
            self.new_member_added = False
            d = min(int(self.config["group.initial.rebalance.delay.ms"]), remaining)
            self._join_timer = self.env.schedule(d, self._initial_delayed_join, d, max(remaining - d, 0))
        else:
            self._complete_join()

    def _delayed_join_expired(self) -> None:
        if self.state == PREPARING_REBALANCE:
            self._complete_join()

    def _try_complete_join(self) -> None:
        """DelayedJoin.tryComplete: every known member has rejoined."""
        if self.state != PREPARING_REBALANCE:
            return
        # An InitialDelayedJoin never completes early (its tryComplete is false).
        if self._join_is_initial:
            return
        if self.members and all(m.awaiting_join for m in self.members.values()):
            self._complete_join()
        elif not self.members:
            self._complete_join()

    def _complete_join(self) -> None:
        """GroupCoordinator.onCompleteJoin."""
        if self._join_timer is not None:
            self._join_timer.cancel()
            self._join_timer = None
        self._join_is_initial = False
        # completeClassicGroupJoin: only dynamic members that did not rejoin are removed; a static one stays
        # (and is assigned partitions) until its session times out
        for m in [m for m in self.members.values() if not m.awaiting_join and m.instance_id is None]:
            self.emit("member_removed", member_id=m.member_id,
                      why=f"did not rejoin within the rebalance timeout ({m.rebalance_timeout_ms} ms, max.poll.interval.ms)")
            self._remove(m.member_id)
        if self.members and not self._elect_joined_leader():
            # every member left is a static one that has not rejoined: wait another rebalance timeout
            self._join_timer = self.env.schedule(self.rebalance_timeout_ms, self._delayed_join_expired)
            return
        self.generation += 1
        rec = self.history[-1] if self.history else None
        if not self.members:
            self.protocol_name = None
            self.leader = None
            self._transition("join_completed_without_members")
            if rec is not None:
                rec.update(join_ms=self.env.now, end_ms=self.env.now, generation=self.generation)
            self.emit("group_empty", generation=self.generation)
            return
        self.protocol_name = self.members[self.leader].protocol_name
        self._transition("join_completed")
        if rec is not None:
            rec.update(join_ms=self.env.now, generation=self.generation, members=len(self.members))
        self.emit("join_completed", generation=self.generation, leader=self.leader,
                  members=list(self.members), protocol=self.protocol_name)
        everyone = self._members_metadata()
        for m in self.members.values():
            if m.awaiting_join:     # a static member that has not rejoined has no JoinGroup to answer
                m.awaiting_join = False
                self.send(m.member_id, "join", {
                    "error": NONE, "generation": self.generation, "leader": self.leader,
                    "protocol_name": self.protocol_name, "member_id": m.member_id,
                    "members": everyone if m.member_id == self.leader else [],
                })
            self._schedule_expiry(m)

    def _remove(self, member_id: str) -> None:
        m = self.members.pop(member_id, None)
        t = self._expiry.pop(member_id, None)
        if t is not None:
            t.cancel()
        if m is not None:
            self._forget_static(m)
        if m is not None and self.leader == member_id:
            self.leader = next(iter(self.members), None)

    def _remove_member_and_update(self, member_id: str, event: str, why: tuple[str, str]) -> None:
        self._remove(member_id)
        if self.state in (STABLE, COMPLETING_REBALANCE):
            self._prepare_rebalance(event, why)
        elif self.state == PREPARING_REBALANCE:
            self._try_complete_join()

    # -- requests -------------------------------------------------------
    def handle_join(self, req: JoinGroup) -> None:
        if self.state == DEAD:
            self.send(req.member_id or req.client_id, "join", {"error": COORDINATOR_NOT_AVAILABLE})
            return
        if req.member_id == UNKNOWN_MEMBER:
            self._join_new_member(req)
            return
        if req.member_id in self.fenced:
            self.send(req.member_id, "join", {"error": FENCED_INSTANCE_ID})
            return
        m = self.members.get(req.member_id)
        if m is None:
            self._add_member_and_rebalance(req)
            return
        changed = (m.protocol_name != req.protocol_name or m.topics != req.topics or m.owned != req.owned)
        self._update_meta(m, req)
        if self.state == PREPARING_REBALANCE:
            m.awaiting_join = True
            self._try_complete_join()
        elif self.state == COMPLETING_REBALANCE and not changed:
            self._reply_current(m)
        elif self.state == STABLE and not changed and m.member_id != self.leader:
            self._reply_current(m)
        else:
            m.awaiting_join = True
            self._prepare_rebalance("member_joined", req.reason or reason("rejoined", member=m.member_id))

    def _members_metadata(self) -> list[dict]:
        """What the leader's JoinGroup response carries (currentClassicGroupMembers)."""
        return [{"member_id": m.member_id, "topics": list(m.topics), "owned": list(m.owned),
                 "owned_generation": m.owned_generation} for m in self.members.values()]

    def _reply_current(self, m: MemberMeta) -> None:
        """The current generation for a member that rejoined with the same metadata (it may have lost the first
        answer): in CompletingRebalance the leader gets the members again, or nobody would assign."""
        lead = self.state == COMPLETING_REBALANCE and m.member_id == self.leader
        self.send(m.member_id, "join", {"error": NONE, "generation": self.generation, "leader": self.leader,
                                        "protocol_name": self.protocol_name, "member_id": m.member_id,
                                        "members": self._members_metadata() if lead else []})

    def _update_meta(self, m: MemberMeta, req: JoinGroup) -> None:
        m.protocol_name, m.topics, m.owned = req.protocol_name, list(req.topics), list(req.owned)
        m.owned_generation = req.owned_generation
        m.session_timeout_ms, m.rebalance_timeout_ms = req.session_timeout_ms, req.rebalance_timeout_ms

    def _add_member_and_rebalance(self, req: JoinGroup) -> None:
        m = MemberMeta(req.member_id, req.client_id, req.host, req.protocol_name, list(req.topics), list(req.owned),
                       req.owned_generation, req.session_timeout_ms, req.rebalance_timeout_ms, req.instance_id,
                       awaiting_join=True)
        self.members[m.member_id] = m
        self._register_static(m)
        if self.leader is None:
            self.leader = m.member_id
        # Kafka 4.x (GroupMetadataManager.addMemberThenRebalanceOrCompleteJoin): the initial delay is extended
        # whenever the rebalance started from Empty, not only at generation 0 (the 3.x Scala coordinator)
        if self.state == PREPARING_REBALANCE and self.previous_state == EMPTY:
            self.new_member_added = True
        self.emit("member_joined", member_id=m.member_id)
        m.last_heartbeat_ms = self.env.now
        if self.state == PREPARING_REBALANCE:
            self._try_complete_join()
        else:
            self._prepare_rebalance("member_joined", reason("joined", member=m.member_id))

    def handle_sync(self, member_id: str, generation: int, assignments: dict | None) -> None:
        m = self.members.get(member_id)
        if self.state == DEAD:
            self.send(member_id, "sync", {"error": COORDINATOR_NOT_AVAILABLE})
        elif member_id in self.fenced:
            self.send(member_id, "sync", {"error": FENCED_INSTANCE_ID})
        elif m is None:
            self.send(member_id, "sync", {"error": UNKNOWN_MEMBER_ID})
        elif generation != self.generation:
            self.send(member_id, "sync", {"error": ILLEGAL_GENERATION})
        elif self.state == PREPARING_REBALANCE:
            self.send(member_id, "sync", {"error": REBALANCE_IN_PROGRESS})
        elif self.state == COMPLETING_REBALANCE:
            m.awaiting_sync = True
            if member_id == self.leader and assignments is not None:
                for mid, mm in self.members.items():
                    mm.assignment = list(assignments.get(mid, []))
                self._transition("leader_synced")
                rec = self.history[-1] if self.history else None
                if rec is not None:
                    rec["end_ms"] = self.env.now
                for mm in self.members.values():
                    if mm.awaiting_sync:
                        mm.awaiting_sync = False
                        self.send(mm.member_id, "sync", {"error": NONE, "assignment": list(mm.assignment)})
                        self._schedule_expiry(mm)
                self.emit("rebalance_completed", generation=self.generation,
                          assignment={mid: list(mm.assignment) for mid, mm in self.members.items()})
                if self.on_stable is not None:
                    self.on_stable(rec)
        elif self.state == STABLE:
            self.send(member_id, "sync", {"error": NONE, "assignment": list(m.assignment)})
            self._schedule_expiry(m)
        else:
            self.send(member_id, "sync", {"error": UNKNOWN_MEMBER_ID})

    def handle_heartbeat(self, member_id: str, generation: int) -> None:
        m = self.members.get(member_id)
        if self.state == DEAD:
            err = COORDINATOR_NOT_AVAILABLE
        elif member_id in self.fenced:
            err = FENCED_INSTANCE_ID
        elif self.state == EMPTY or m is None:
            err = UNKNOWN_MEMBER_ID
        elif generation != self.generation:
            err = ILLEGAL_GENERATION
        else:
            self._schedule_expiry(m)
            err = REBALANCE_IN_PROGRESS if self.state == PREPARING_REBALANCE else NONE
        self.send(member_id, "heartbeat", {"error": err})

    def handle_leave(self, member_id: str, why: str | None = None) -> None:
        """`why`: the LeaveGroup's reason (KIP-800), e.g. the heartbeat thread's poll timeout."""
        if member_id not in self.members:
            return
        if why is None:
            self.emit("member_left", member_id=member_id)
            self._remove_member_and_update(member_id, "member_left", reason("left", member=member_id))
            return
        self.emit("member_left", member_id=member_id, reason=why)
        self._remove_member_and_update(member_id, "member_left", reason("left_poll", member=member_id))

    def validate_commit(self, member_id: str, generation: int) -> str:
        """GroupCoordinator.validateOffsetCommit for a classic group."""
        if self.state == DEAD:
            return COORDINATOR_NOT_AVAILABLE
        if member_id in self.fenced:     # validateMember: the instance id now belongs to another member id
            return FENCED_INSTANCE_ID
        if generation < 0 and self.state == EMPTY:
            return NONE  # a commit from outside the group protocol (admin / manual assignment)
        if self.state == COMPLETING_REBALANCE:
            return REBALANCE_IN_PROGRESS
        if member_id not in self.members:
            return UNKNOWN_MEMBER_ID
        if generation != self.generation:
            return ILLEGAL_GENERATION
        return NONE

    def metadata_changed(self, why: tuple[str, str]) -> None:
        """A subscribed topic's partition count changed (the leader notices on its metadata refresh)."""
        if self.state in (STABLE, COMPLETING_REBALANCE):
            self._prepare_rebalance("metadata_changed", why)

    def update_session_timeouts(self, session_timeout_ms: int) -> None:
        for m in self.members.values():
            m.session_timeout_ms = session_timeout_ms
