"""Share groups (KIP-932, "queues for Kafka"): consumers that *compete* for records.

The seed's competitive consumption as Kafka 4.1+ runs it. The group coordinator assigns the topic's
partitions with the SimpleAssignor (groupviz.kafka.assignors.server.simple) on every membership
change and delivers each member's share through ShareGroupHeartbeat: the partitions are balanced and a
partition is shared only when members outnumber partitions. A member fetches only from its partitions;
each ShareFetch acquires a batch of up to `max.poll.records` records under a time-limited lock, and the
member acknowledges each record (implicitly with its next poll, or explicitly). Where members share a
partition, whichever fetch the broker serves first acquires the batch.

The protocol's parts, one module each:

- `records.py`: a record's states and legal moves (one table), a share-partition's window;
- `fetch.py`: ShareFetch on the broker: share-partitions created on first fetch, batches of up to
  `max.poll.records` acquired under a lock, fetches served in competition order;
- `acknowledge.py`: ShareAcknowledge and lock timeouts: accept, release, reject, archive;
- `consumer.py`: the member (`KafkaShareConsumer`, implicit or explicit acknowledgement);
- `journeys.py`: the seed demo's table of the first records' journeys;
- `view.py`: the snapshot row and the coordinator's describe view;
- this module: the group (membership, epochs, sessions, config) as the engine's `Group`.

Membership follows the group coordinator: a member joins and its heartbeat
initializes the share-group state of the topic's partitions (start offset -1,
`buildInitializeShareGroupStateRequest`), so `kafka-share-groups.sh --describe`
prints "-" for them, or "has no offset information" for a group no member ever
joined; a crashed member stays until `group.share.session.timeout.ms`; a closing
member sends its acknowledgements, releases what it holds and leaves (epoch -1).

Determinism: integer ms, `ctx.clock.schedule` for lock and session timers, and
`ctx.rng("{group_id}:...")` streams; never the global random.
"""

from __future__ import annotations

from groupviz.errors import DomainError
from groupviz.kafka.assignors import assign_server
from groupviz.kafka.classic.group import NET_DELAY_MS
from groupviz.kafka.wire import WireLog
from groupviz.kafka.config import (
    SHARE_ACK_MODE as ACK_MODE,
    SHARE_CLASSROOM_CONFIG as CLASSROOM_CONFIG,
    SHARE_OFFSET_RESET as OFFSET_RESET,
    SHARE_SESSION_MS as SESSION_MS,
    check_share_config,
)
from groupviz.kafka.group import FLINK_FIELDS, Group, GroupContext
from groupviz.kafka.member import ACTIVE, CRASHED, LEAVING
from groupviz.kafka.share.acknowledge import ShareAcknowledge
from groupviz.kafka.share.consumer import ShareConsumer
from groupviz.kafka.share.fetch import ShareFetch
from groupviz.kafka.share.invariants import check_share
from groupviz.kafka.share.journeys import Journeys
from groupviz.kafka.share.records import ACCEPT, ACQUIRED, REJECT, RELEASE, SharePartition
from groupviz.kafka.share.view import ShareView

#: The order in which the broker serves fetches that compete for a shared partition (see fetch.py).
COMPETITIONS = ("random", "first-free")

#: `SimpleAssignor.name()` in group-coordinator/.../assignor/SimpleAssignor.java
ASSIGNOR = "simple"

#: A fast member may poll several times in one 50 ms slice; this bounds the rounds.
MAX_POLLS_PER_SLICE = 32

# Share group states (`ShareGroup.ShareGroupState`): Stable iff it has members (Dead is not modelled).
EMPTY, STABLE = "Empty", "Stable"


class ShareGroup(ShareFetch, ShareAcknowledge, Journeys, ShareView, Group):
    """A share group (KIP-932): records handed to members one at a time under acquisition locks."""

    kind = "share"
    narration_protocol = "share"
    foreign_fields = {"assignor": "a share group takes no 'assignor' (its group coordinator assigns partitions with "
                                  "the simple assignor); choose its 'competition': " + ", ".join(COMPETITIONS),
                      **FLINK_FIELDS}

    def __init__(self, ctx: GroupContext, group_id: str, competition: str = "first-free", config: dict | None = None):
        if competition not in COMPETITIONS:
            raise DomainError(f"competition must be one of {', '.join(COMPETITIONS)}, not {competition!r}")
        self.ctx = ctx
        self.env = ctx.clock
        self.topic = ctx.topic
        self.group_id = group_id
        self.competition = competition
        self.assignor = ASSIGNOR
        self.config = _initial_config(config)
        self.consumers: dict[str, ShareConsumer] = {}
        self.state = EMPTY
        self.generation = 0            # the group epoch: +1 on every membership or metadata change
        self.assignment_epoch = 0      # the target assignment's epoch (computed at once: = the group epoch)
        #: The target assignment (SimpleAssignor) by member id, every member the coordinator knows.
        self.target: dict[str, list[tuple[str, int]]] = {}
        #: ShareGroupHeartbeat requests and responses, bounded (the protocol view's data, as consumer groups')
        self.wire = WireLog(NET_DELAY_MS)
        #: The share-partitions that exist (a member fetched from them), by partition number.
        self.partitions: list[SharePartition] = []
        self._sp: dict[int, SharePartition] = {}
        #: Partitions 0..state_partitions-1 have share-group state in the coordinator (start offset -1
        #: until their share-partition exists): kafka-share-groups.sh lists them.
        self.state_partitions = 0
        self._rng = ctx.rng(f"{group_id}:competition")
        self.reject_rng = ctx.rng(f"{group_id}:reject")
        self.acks = {ACCEPT: 0, RELEASE: 0, REJECT: 0}   # acknowledgements the broker applied
        self.archived = 0
        self.redeliveries = 0          # acquisitions with delivery count >= 2
        self.lock_timeouts = 0
        self.late_acks = 0             # acknowledgements that arrived after the lock had expired
        self.lost_acks = 0             # acknowledgements lost in a crash
        self.processed = 0             # records members finished (accepted + rejected)
        self.results = 0               # results sent to the producer (= consumer-side accepts)
        self.duplicates = 0            # results for a record that already had one
        self.no_result = 0             # records that ended without a result (rejected, or archived unprocessed)
        self.wins: dict[str, int] = {}
        self._acq_seq = 0              # id of the latest acquisition (one per fetch)
        self._rr = 0                   # fetches so far: each starts one share-partition further
        #: Optional audit hook: on_ack(member_id, (topic, partition), offset, kind, delivery_count)
        #: for every acknowledgement the broker applies (kind in accept/release/reject).
        self.on_ack = None
        #: Journeys of the first `journey_limit` records delivered (journeys.py). 0 = off.
        self.journey_limit = 0
        self.journeys: dict[tuple[int, int], dict] = {}

    # -- events -----------------------------------------------------------
    def event(self, type_: str, **fields) -> None:
        self.ctx.emit(type_, group_id=self.group_id, **fields)

    def _update_state(self) -> None:
        new = STABLE if self.consumers else EMPTY
        if new != self.state:
            prev, self.state = self.state, new
            self.event("state", previous=prev, state=new)

    def _bump_epoch(self) -> None:
        """A membership or metadata change: the group epoch goes up and the coordinator computes the new target
        assignment (`GroupMetadataManager.shareGroupHeartbeat` → `updateTargetAssignment` with the group's
        SimpleAssignor, sticky to the current target). Members learn it from their next heartbeat response."""
        self.generation += 1
        subs = {mid: [self.topic.name] for mid in self.consumers}
        current = {mid: self.target.get(mid, []) for mid in self.consumers}
        self.target = assign_server(ASSIGNOR, subs, {self.topic.name: self.state_partitions}, current) if subs else {}
        self.assignment_epoch = self.generation

    # -- partitions -------------------------------------------------------
    def _initialize_state(self) -> None:
        """A member joins (or heartbeats after a metadata change): the coordinator initializes the share-group
        state of every partition of the topic it has not yet (`GroupMetadataManager.maybeCreateInitializeShareGroupStateRequest`, start offset -1).
        Where a share-partition starts is decided later, at its first fetch (fetch.py `_load_share_partitions`)."""
        self.state_partitions = len(self.topic.partitions)

    def assigned_partitions(self) -> list[tuple[str, int]]:
        """The partitions the coordinator assigns (GroupSpec.isPartitionAssignable): those whose share-group
        state it has initialized."""
        return [p.tp for p in self.topic.partitions[:self.state_partitions]]

    def set_ack_type(self, c, ack_type: str) -> None:
        """set_ack_type: what member `c`'s application acknowledges each record with (explicit mode only)."""
        if self.config[ACK_MODE] != "explicit":
            raise DomainError(f"{self.group_id} acknowledges implicitly (share.acknowledgement.mode=implicit): every "
                              "record is ACCEPTed with the next poll; set_config {\"share.acknowledgement.mode\": "
                              "\"explicit\"} first")
        c.ack_type = ack_type

    def partitions_added(self) -> None:
        # The coordinator sees the new partitions through a live member's heartbeat; nobody heartbeats in a
        # group without live members, so the next member to join initializes them.
        if any(c.alive for c in self.consumers.values()):
            self._initialize_state()
        self._bump_epoch()

    def set_assignor(self, assignor: str) -> None:
        raise DomainError(f"{self.group_id} is a share group: its group coordinator assigns partitions with the "
                          "simple assignor (group.share.assignors), which a client cannot choose; "
                          "set_assignor applies to consumer groups")

    # -- the Group interface ----------------------------------------------
    @classmethod
    def create(cls, ctx: GroupContext, group_id: str, spec: dict) -> "ShareGroup":
        g = cls(ctx, group_id, spec.get("competition") or "first-free", spec.get("config"))
        g.journey_limit = spec.get("journeys", 0)
        return g

    def identity(self) -> dict:
        return {"competition": self.competition}

    def check_config(self, config: dict) -> dict:
        return check_share_config(config, self.config)

    def apply_config(self, merged: dict, changes: dict) -> None:
        self.config.update(merged)
        if SESSION_MS in changes:
            self._rearm_crashed_expiries()
        if changes.get(ACK_MODE) == "implicit":
            for c in self.consumers.values():
                c.ack_type = ACCEPT

    @property
    def epoch(self) -> int:
        return self.generation

    def check_invariants(self, log_end_offsets: dict, seen: dict, owners_seen: dict | None = None) -> None:
        check_share(self, log_end_offsets, seen)

    def model_counts(self) -> dict[str, int]:
        """A share group's "wins" are first deliveries: who won each record."""
        return dict(self.wins)

    def results_sent(self) -> int:
        return self.results

    # -- the clock --------------------------------------------------------
    def poll(self, quantum_ms: int) -> None:
        """One 50 ms slice: explicit acknowledgements go out (commitAsync), members process, and the members
        whose batch is done poll again (fetch.py; implicit acknowledgements ride on that ShareFetch) -- as
        often as their processing time in the slice allows."""
        members = list(self.consumers.values())
        if self.config[ACK_MODE] == "explicit":
            for c in members:
                if c.alive and c._pending_acks:
                    self._apply_acks(c.take_acks())
        for c in members:
            if c.state == ACTIVE:
                c.earn(quantum_ms)
                c.process()
            else:
                c._credit = 0.0
        polling = members
        for _ in range(MAX_POLLS_PER_SLICE):
            fed = self._deliver(polling)
            polling = [c for c in fed if c.process() and c._credit >= 1.0]
            if not polling:
                break
        for c in members:
            c.rest()

    # -- the wire ---------------------------------------------------------
    def heartbeat(self, c: ShareConsumer, member_epoch: int) -> None:
        """A ShareGroupHeartbeat (epoch 0 joins, -1 leaves) and, a network hop later, its response:
        the member epoch and, on a join or when it changed, the assignment (GroupMetadataManager.
        shareGroupHeartbeat: `memberEpoch == 0 || hasAssignedPartitionsChanged`)."""
        self.wire.record(self.env.now, c.member_id, "request", "ShareGroupHeartbeat", epoch=member_epoch)
        self.env.schedule(NET_DELAY_MS, self._heartbeat_response, c, member_epoch)

    def _heartbeat_response(self, c: ShareConsumer, member_epoch: int) -> None:
        if member_epoch == -1:
            self.wire.record(self.env.now, c.member_id, "response", "ShareGroupHeartbeat", error="NONE", epoch=-1)
            return
        if self.consumers.get(c.member_id) is not c:
            self.wire.record(self.env.now, c.member_id, "response", "ShareGroupHeartbeat", error="UNKNOWN_MEMBER_ID")
            return
        assigned = list(self.target.get(c.member_id, []))
        send = member_epoch == 0 or assigned != c.sent_assignment
        c.sent_assignment = assigned
        c.assignment = assigned          # a share member takes its assignment at once (no revocation step)
        c.generation = self.assignment_epoch
        self.wire.record(self.env.now, c.member_id, "response", "ShareGroupHeartbeat", error="NONE",
                         epoch=c.generation, assignment=assigned if send else None)

    # -- membership -------------------------------------------------------
    def add_consumer(self, member_id: str, color: int, rate: float, host: str) -> ShareConsumer:
        c = ShareConsumer(self, member_id, color, rate, host)
        self.consumers[member_id] = c
        self.wins.setdefault(member_id, 0)
        self._initialize_state()
        self._bump_epoch()
        self.heartbeat(c, 0)
        c.start()
        self.event("member_joined", member_id=member_id, generation=self.generation)
        self._update_state()
        return c

    def kill(self, c: ShareConsumer) -> None:
        """Crash: no acknowledgements any more; the member is removed after its session times out."""
        c.crash()
        self._schedule_expiry(c)

    def _schedule_expiry(self, c: ShareConsumer) -> None:
        if c._expiry_timer is not None:
            c._expiry_timer.cancel()
        deadline = c.last_heartbeat_ms + int(self.config[SESSION_MS])
        c._expiry_timer = self.env.schedule(max(0, deadline - self.env.now), self._session_expired, c)

    def _rearm_crashed_expiries(self) -> None:
        """The session timeout changed: re-arm the expiry of crashed members (live ones keep heartbeating)."""
        for c in self.consumers.values():
            if c.state == CRASHED:
                self._schedule_expiry(c)

    def _session_expired(self, c: ShareConsumer) -> None:
        if self.consumers.get(c.member_id) is not c or c.state != CRASHED:
            return
        self._remove(c)
        self.event("member_expired", member_id=c.member_id,
                   session_timeout_ms=int(self.config[SESSION_MS]), generation=self.generation,
                   still_locked=c.locks)
        self._update_state()

    def _remove(self, c: ShareConsumer) -> None:
        del self.consumers[c.member_id]
        # only live members' wins are compared (probability.model_panel), and the table stays bounded by
        # the members, not by every member there ever was
        self.wins.pop(c.member_id, None)
        self._bump_epoch()

    def close_member(self, c: ShareConsumer) -> None:
        c.state = LEAVING
        c._stop_timers()
        self.heartbeat(c, -1)
        self.env.schedule(NET_DELAY_MS, self._leave_arrived, c)

    def _leave_arrived(self, c: ShareConsumer) -> None:
        """The closing member's last acknowledgements arrive, then it leaves (member epoch -1)."""
        self._apply_acks(c.take_acks())
        released = [(rec, acq, RELEASE) for rec, acq in c._buffer
                    if rec.state == ACQUIRED and rec.acq == acq and not rec.pending]
        c._buffer.clear()
        self._apply_acks(released)     # unlocks each: its `held` and `locks` drop to 0
        c.released += len(released)
        if self.consumers.get(c.member_id) is c:
            self._remove(c)
            self.event("member_left", member_id=c.member_id, released=len(released), generation=self.generation)
            self._update_state()


def _initial_config(config: dict | None) -> dict:
    """The classroom defaults with `config` applied; `share.auto.offset.reset` is only chosen here."""
    merged = dict(CLASSROOM_CONFIG)
    if not config:
        return merged
    extra = {k: v for k, v in config.items() if k != OFFSET_RESET}
    merged = check_share_config(extra, merged) if extra else merged
    if OFFSET_RESET in config:
        if config[OFFSET_RESET] not in ("earliest", "latest"):
            raise DomainError(f"{OFFSET_RESET} must be earliest or latest")
        merged[OFFSET_RESET] = config[OFFSET_RESET]
    return merged
