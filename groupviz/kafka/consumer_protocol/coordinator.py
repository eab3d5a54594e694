"""The group coordinator of KIP-848's consumer rebalance protocol (`group.protocol=consumer`).

Follows Kafka 4.x's group coordinator (apache/kafka, group-coordinator/src/main/java/org/apache/kafka/
coordinator/group; docs/kafka-fidelity.md names the commits): `GroupMetadataManager.consumerGroupHeartbeat`
(join with member epoch 0, leave with -1, `throwIfMemberEpochIsInvalid`, the group epoch bumped on a
membership or subscription change, the target assignment recomputed when the group epoch is ahead of it,
session and rebalance timeouts that fence a member), `modern.consumer.ConsumerGroup` (the state derived
from the epochs, `validateOffsetCommit`), `ConsumerGroupMember` and `CurrentAssignmentBuilder` (a member
reconciled one heartbeat at a time: a partition goes to its new owner only once the old owner has stopped
reporting it).

Two tables, read like h11's `_state.py`: the group states and the states each may move to
(`GROUP_TRANSITIONS`), and the member states of CurrentAssignmentBuilder (`MEMBER_TRANSITIONS`).
Kafka derives the group state from the epochs after every change (`maybeUpdateGroupState`); here every
such move is checked against the table, and an illegal one is a `ProtocolError` (a bug in groupviz).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from groupviz.errors import ProtocolError
from groupviz.kafka.assignors import assign_server

# ConsumerGroup.ConsumerGroupState (toString)
EMPTY, ASSIGNING, RECONCILING, STABLE, DEAD = "Empty", "Assigning", "Reconciling", "Stable", "Dead"

GROUP_TRANSITIONS: dict[str, frozenset] = {
    EMPTY: frozenset({EMPTY, ASSIGNING, RECONCILING, STABLE, DEAD}),
    ASSIGNING: frozenset({ASSIGNING, RECONCILING, STABLE, EMPTY, DEAD}),
    RECONCILING: frozenset({RECONCILING, ASSIGNING, STABLE, EMPTY, DEAD}),
    STABLE: frozenset({STABLE, ASSIGNING, RECONCILING, EMPTY, DEAD}),
    DEAD: frozenset({DEAD}),
}

# modern.consumer.MemberState, as Kafka names them
M_STABLE, UNREVOKED, UNRELEASED, UNKNOWN = "STABLE", "UNREVOKED_PARTITIONS", "UNRELEASED_PARTITIONS", "UNKNOWN"
MEMBER_TRANSITIONS: dict[str, frozenset] = {
    M_STABLE: frozenset({M_STABLE, UNREVOKED, UNRELEASED}),
    UNREVOKED: frozenset({UNREVOKED, UNRELEASED, M_STABLE}),
    UNRELEASED: frozenset({UNRELEASED, UNREVOKED, M_STABLE}),
    UNKNOWN: frozenset({UNREVOKED, UNRELEASED, M_STABLE}),
}

# org.apache.kafka.common.protocol.Errors used by ConsumerGroupHeartbeat and OffsetCommit
NONE = "NONE"
UNKNOWN_MEMBER_ID = "UNKNOWN_MEMBER_ID"
FENCED_MEMBER_EPOCH = "FENCED_MEMBER_EPOCH"
STALE_MEMBER_EPOCH = "STALE_MEMBER_EPOCH"
COORDINATOR_NOT_AVAILABLE = "COORDINATOR_NOT_AVAILABLE"

LEAVE_GROUP_MEMBER_EPOCH = -1       # ConsumerGroupHeartbeatRequest.LEAVE_GROUP_MEMBER_EPOCH
JOIN_GROUP_MEMBER_EPOCH = 0

REASONS = {
    "joined": ("{member} joined (ConsumerGroupHeartbeat, member epoch 0)", "{member} 加入了组（ConsumerGroupHeartbeat，成员纪元 0）"),
    "left": ("{member} left the group (member epoch -1)", "{member} 离开了组（成员纪元 -1）"),
    "expired": ("{member} sent no heartbeat for {ms} ms (group.consumer.session.timeout.ms)",
                "{member} 连续 {ms} ms 没有心跳（group.consumer.session.timeout.ms）"),
    "revocation": ("{member} did not revoke its partitions within {ms} ms (max.poll.interval.ms)",
                   "{member} 没有在 {ms} ms 内交出分区（max.poll.interval.ms）"),
    "partitions": ("topic {topic} now has {n} partitions", "主题 {topic} 现在有 {n} 个分区"),
    "assignor": ("the group's assignor is now {assignor}", "组的分配器改为 {assignor}"),
    "subscription": ("{member} changed its subscription", "{member} 改变了订阅"),
}


def reason(key: str, **fields) -> tuple[str, str]:
    en, zh = REASONS[key]
    return en.format(**fields), zh.format(**fields)


@dataclass
class Heartbeat:
    """ConsumerGroupHeartbeatRequest, the fields groupviz uses."""
    member_id: str
    member_epoch: int
    topics: list[str] | None = None                  # subscribedTopicNames (None: unchanged)
    owned: list[tuple[str, int]] | None = None       # topicPartitions the member owns (None: not sent)
    rebalance_timeout_ms: int = -1                   # -1: unchanged (sent only when joining)
    client_id: str = ""
    host: str = ""


@dataclass
class MemberRecord:
    """ConsumerGroupMember: what the coordinator holds about one member."""
    member_id: str
    client_id: str
    host: str
    topics: list[str]
    rebalance_timeout_ms: int
    member_epoch: int = 0
    previous_member_epoch: int = -1
    state: str = M_STABLE
    assigned: list[tuple[str, int]] = field(default_factory=list)
    pending_revocation: list[tuple[str, int]] = field(default_factory=list)
    last_heartbeat_ms: int = 0

    @property
    def assignment(self) -> list[tuple[str, int]]:
        return self.assigned


def next_assignment(m: MemberRecord, target_epoch: int, target: list, owned, partition_owner: Callable) -> tuple:
    """CurrentAssignmentBuilder.build for one member: (state, member epoch, assigned, pending revocation).

    `owned` is what the member's last heartbeat reported (None: not reported); `partition_owner(tp)` the
    member that holds tp (assigned or pending revocation), or None.
    """
    def owns_revoked(pending):
        return owned is None or any(tp in pending for tp in owned)

    if m.state == M_STABLE and m.member_epoch == target_epoch:
        return m.state, m.member_epoch, m.assigned, m.pending_revocation
    if m.state == UNREVOKED and owns_revoked(set(m.pending_revocation)):
        return m.state, m.member_epoch, m.assigned, m.pending_revocation
    target_set = set(target)
    kept = [tp for tp in m.assigned if tp in target_set]
    revoke = [tp for tp in m.assigned if tp not in target_set]
    if revoke and owns_revoked(set(revoke)):
        return UNREVOKED, m.member_epoch, kept, revoke
    kept_set, pending = set(kept), set(m.pending_revocation)
    free, unreleased = [], False
    for tp in target:
        if tp in kept_set:
            continue
        holder = partition_owner(tp)
        if holder is not None and holder != m.member_id and not tp in pending:
            unreleased = True
        else:
            free.append(tp)
    return (UNRELEASED if unreleased else M_STABLE), target_epoch, sorted(kept + free), []


class Coordinator:
    """One KIP-848 group's coordinator. Heartbeats in, responses out via `send(member_id, kind, payload)`;
    `emit(type, **fields)` records an event."""

    def __init__(self, group_id: str, env, send: Callable, emit: Callable, config: dict, assignor: str,
                 topic_partitions: Callable[[], dict]):
        self.group_id, self.env, self.config, self.assignor = group_id, env, config, assignor
        self.send, self.emit = send, emit            # the network and the event log
        self.topic_partitions = topic_partitions    # {topic: partition count}, from the metadata image
        self.state = EMPTY
        self.group_epoch = 0
        self.target_epoch = 0
        self.target: dict[str, list[tuple[str, int]]] = {}
        self.members: dict[str, MemberRecord] = {}  # insertion order = join order
        self.owner_of: dict[tuple[str, int], str] = {}   # partition epochs: who holds each partition
        self._session: dict[str, object] = {}
        self._revocation: dict[str, object] = {}
        self.history: list[dict] = []
        self.leader = None                           # no leader in KIP-848
        self.on_stable: Callable[[dict | None], None] | None = None

    @property
    def generation(self) -> int:
        return self.group_epoch

    # -- the table -------------------------------------------------------
    def _derive_state(self) -> str:
        """ConsumerGroup.maybeUpdateGroupState."""
        if not self.members:
            return EMPTY
        if self.group_epoch > self.target_epoch:
            return ASSIGNING
        if any(m.state != M_STABLE or m.member_epoch != self.target_epoch for m in self.members.values()):
            return RECONCILING
        return STABLE

    def _update_state(self, why: str) -> None:
        nxt = self._derive_state()
        if nxt == self.state:
            return
        if nxt not in GROUP_TRANSITIONS[self.state]:
            raise ProtocolError(f"group {self.group_id}: {self.state} -> {nxt} is illegal ({why})")
        prev, self.state = self.state, nxt
        self.emit("state", state=nxt, previous=prev, reason=why, generation=self.group_epoch)
        rec = self.history[-1] if self.history else None
        if rec is not None and rec["end_ms"] is None and nxt in (STABLE, EMPTY):
            rec["end_ms"] = self.env.now
            self.emit("rebalance_completed", generation=self.group_epoch,
                      assignment={mid: list(m.assigned) for mid, m in self.members.items()})
            if self.on_stable is not None:
                self.on_stable(rec)

    def _set_member_state(self, m: MemberRecord, state: str) -> None:
        if state != m.state and state not in MEMBER_TRANSITIONS[m.state]:
            raise ProtocolError(f"member {m.member_id}: {m.state} -> {state} is illegal")
        m.state = state

    def _bump_group_epoch(self, why: tuple[str, str]) -> None:
        """A membership, subscription or metadata change: a new group epoch, a target to compute."""
        self.group_epoch += 1
        en, zh = why
        for rec in self.history:
            if rec["end_ms"] is None:        # superseded: the next epoch's rebalance carries on from here
                rec["end_ms"] = self.env.now
        self.history.append({"generation": self.group_epoch, "start_ms": self.env.now, "join_ms": None,
                             "end_ms": None, "reason": en, "reason_zh": zh, "moved": 0,
                             "members": len(self.members)})
        del self.history[:-30]
        self.emit("rebalance_started", reason=en, reason_zh=zh, generation=self.group_epoch)

    def _compute_target(self) -> None:
        """GroupMetadataManager.updateTargetAssignment: the server-side assignor, sticky to the current target."""
        subs = {mid: list(m.topics) for mid, m in self.members.items()}
        current = {mid: list(self.target.get(mid, [])) for mid in self.members}
        self.target = assign_server(self.assignor, subs, self.topic_partitions(), current) if subs else {}
        self.target_epoch = self.group_epoch
        if self.history and self.history[-1]["join_ms"] is None:
            self.history[-1].update(join_ms=self.env.now, members=len(self.members))
        self.emit("target_assignment", generation=self.target_epoch, assignor=self.assignor,
                  assignment={mid: list(tps) for mid, tps in self.target.items()})

    # -- timers ------------------------------------------------------------
    def _arm_session(self, m: MemberRecord) -> None:
        old = self._session.pop(m.member_id, None)
        if old is not None:
            old.cancel()
        m.last_heartbeat_ms = self.env.now
        ms = int(self.config["group.consumer.session.timeout.ms"])
        self._session[m.member_id] = self.env.schedule(ms, self._fence, m.member_id, "member_expired",
                                                       reason("expired", member=m.member_id, ms=ms))

    def _arm_revocation(self, m: MemberRecord) -> None:
        if m.state == UNREVOKED and m.member_id not in self._revocation:
            ms = m.rebalance_timeout_ms
            self._revocation[m.member_id] = self.env.schedule(
                ms, self._fence, m.member_id, "member_removed", reason("revocation", member=m.member_id, ms=ms))
        elif m.state != UNREVOKED:
            t = self._revocation.pop(m.member_id, None)
            if t is not None:
                t.cancel()

    def _fence(self, member_id: str, event: str, why: tuple[str, str]) -> None:
        """Session timeout or rebalance timeout: the member is removed and its partitions released."""
        m = self.members.get(member_id)
        if m is None:
            return
        self.emit(event, member_id=member_id, why=why[0], generation=self.group_epoch)
        self._remove(member_id, why)

    def _remove(self, member_id: str, why: tuple[str, str]) -> None:
        self.members.pop(member_id, None)
        self.target.pop(member_id, None)
        for d in (self._session, self._revocation):
            t = d.pop(member_id, None)
            if t is not None:
                t.cancel()
        for tp in [tp for tp, mid in self.owner_of.items() if mid == member_id]:
            del self.owner_of[tp]
        self._bump_group_epoch(why)
        if not self.members:
            self.target_epoch = self.group_epoch
        self._update_state(why[0])

    # -- requests ------------------------------------------------------------
    def handle_heartbeat(self, req: Heartbeat) -> None:
        """GroupMetadataManager.consumerGroupHeartbeat; the response goes back through `send`."""
        if self.state == DEAD:
            self._reply(req.member_id, COORDINATOR_NOT_AVAILABLE)
            return
        if req.member_epoch == LEAVE_GROUP_MEMBER_EPOCH:
            if req.member_id in self.members:
                self.emit("member_left", member_id=req.member_id)
                self._remove(req.member_id, reason("left", member=req.member_id))
            self._reply(req.member_id, NONE, epoch=LEAVE_GROUP_MEMBER_EPOCH)
            return
        m = self.members.get(req.member_id)
        if m is None and req.member_epoch != JOIN_GROUP_MEMBER_EPOCH:
            self._reply(req.member_id, UNKNOWN_MEMBER_ID)
            return
        if m is not None:
            # getOrMaybeSubscribeDynamicConsumerGroupMember: a known member is checked even with epoch 0
            err = self._check_epoch(m, req)
            if err != NONE:
                self._reply(req.member_id, err)
                return
            self._update_member(m, req)
        else:
            m = self._add_member(req)
        self._arm_session(m)
        if self.group_epoch > self.target_epoch:
            self._compute_target()
        before = list(m.assigned)
        self._reconcile(m, req.owned)
        # the assignment goes back on a full request (epoch 0, or every optional field set) or when it changed
        full = req.member_epoch == JOIN_GROUP_MEMBER_EPOCH or (
            req.rebalance_timeout_ms != -1 and req.topics is not None and req.owned is not None)
        send_assignment = full or m.assigned != before
        self._reply(m.member_id, NONE, epoch=m.member_epoch, assignment=list(m.assigned) if send_assignment else None)
        self._update_state("heartbeat")

    def _add_member(self, req: Heartbeat) -> MemberRecord:
        timeout = req.rebalance_timeout_ms if req.rebalance_timeout_ms != -1 else 300000
        m = MemberRecord(req.member_id, req.client_id or req.member_id, req.host, list(req.topics or []), timeout)
        self.members[m.member_id] = m
        self.emit("member_joined", member_id=m.member_id)
        self._bump_group_epoch(reason("joined", member=m.member_id))
        return m

    def _update_member(self, m: MemberRecord, req: Heartbeat) -> None:
        """ConsumerGroupMember.Builder.maybeUpdate*: a field sent replaces the one held (-1 / None: unchanged);
        a subscription change bumps the group epoch (hasMemberSubscriptionChanged)."""
        if req.rebalance_timeout_ms != -1:
            m.rebalance_timeout_ms = req.rebalance_timeout_ms
        if req.topics is not None and list(req.topics) != m.topics:
            m.topics = list(req.topics)
            self._bump_group_epoch(reason("subscription", member=m.member_id))

    def _check_epoch(self, m: MemberRecord, req: Heartbeat) -> str:
        """GroupMetadataManager.throwIfMemberEpochIsInvalid."""
        if req.member_epoch > m.member_epoch:
            return FENCED_MEMBER_EPOCH
        if req.member_epoch < m.member_epoch:
            # a lost response: the previous epoch is accepted if the member owns nothing it should not
            if req.member_epoch != m.previous_member_epoch or req.owned is None or \
                    any(tp not in m.assigned for tp in req.owned):
                return FENCED_MEMBER_EPOCH
        return NONE

    def _reconcile(self, m: MemberRecord, owned) -> None:
        state, epoch, assigned, pending = next_assignment(
            m, self.target_epoch, self.target.get(m.member_id, []), owned, self.owner_of.get)
        if epoch != m.member_epoch:
            m.previous_member_epoch = m.member_epoch
        m.member_epoch = epoch
        for tp in m.pending_revocation + m.assigned:
            if self.owner_of.get(tp) == m.member_id:
                del self.owner_of[tp]
        m.assigned, m.pending_revocation = list(assigned), list(pending)
        for tp in m.assigned + m.pending_revocation:
            self.owner_of[tp] = m.member_id
        self._set_member_state(m, state)
        self._arm_revocation(m)

    def _reply(self, member_id: str, error: str, epoch: int | None = None, assignment=None) -> None:
        self.send(member_id, "heartbeat", {
            "error": error, "member_id": member_id, "member_epoch": epoch,
            "heartbeat_interval_ms": int(self.config["group.consumer.heartbeat.interval.ms"]),
            "assignment": assignment})

    def validate_commit(self, member_id: str, member_epoch: int) -> str:
        """ConsumerGroup.validateOffsetCommit: the commit carries the member epoch."""
        if self.state == DEAD:
            return COORDINATOR_NOT_AVAILABLE
        if member_epoch < 0 and not self.members:
            return NONE     # a commit from outside the group protocol (admin / manual assignment)
        m = self.members.get(member_id)
        if m is None:
            return UNKNOWN_MEMBER_ID
        if member_epoch != m.member_epoch:
            return STALE_MEMBER_EPOCH
        return NONE

    def metadata_changed(self, why: tuple[str, str]) -> None:
        """The metadata image changed a subscribed topic: the coordinator notices at once (no client
        metadata refresh as in the classic protocol) and bumps the group epoch."""
        if self.members:
            self._bump_group_epoch(why)
            self._update_state("metadata")

    def set_assignor(self, assignor: str) -> None:
        """A new server assignor (group.remote.assignor): the subscription metadata changed."""
        self.assignor = assignor
        if self.members:
            self._bump_group_epoch(reason("assignor", assignor=assignor))
            self._update_state("assignor")
