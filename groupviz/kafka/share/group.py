"""Share groups (KIP-932, "queues for Kafka"): consumers that *compete* for records.

The seed's competitive consumption, made concrete. In a classic consumer group
(`group.py`) the competition is decided once per partition by the assignor
(sharding); in a share group every member may read every partition and the
competition is decided *per record*: the broker hands each record to one
member under a time-limited acquisition lock, and the member acknowledges it.

Kafka's rules, as in `server/.../share/fetch/RecordState.java`,
`InFlightState.java` and `core/.../share/SharePartition.java`:

- a fetch **acquires** Available records for one member; each acquisition adds
  one to the record's **delivery count** and starts a lock of
  `group.share.record.lock.duration.ms`;
- the member acknowledges **ACCEPT** (processed: the record is Acknowledged),
  **RELEASE** (Available again, for another delivery) or **REJECT** (Archived,
  never delivered again) -- `clients/.../consumer/AcknowledgeType.java`;
- a lock that expires makes the record Available again; a record released or
  timed out when its delivery count has reached
  `group.share.delivery.count.limit` is Archived instead;
- a share-partition exists only once a member has fetched from it
  (`SharePartitionManager.getOrCreateSharePartition` on the first ShareFetch);
  `SharePartition.maybeInitialize` then finds no start offset in the persister
  and takes one from `share.auto.offset.reset` *at that moment* (latest: the log
  end offset, earliest: the log start offset). Before that the group
  coordinator has at most initialized the partition's share-group state with
  no start offset (`buildInitializeShareGroupStateRequest`, start offset -1) on
  a member's heartbeat, so `kafka-share-groups.sh --describe` prints "-" for it,
  or "has no offset information" for a group no member ever joined;
- the share-partition start offset (SPSO) is the first offset not yet in a
  terminal state (Acknowledged/Archived); a share-partition may not have more
  than `group.share.partition.max.record.locks` records between the SPSO and the
  last fetched offset (`SharePartition.canAcquireRecords`).

The consumer side follows `KafkaShareConsumer` in its default (implicit)
acknowledgement mode: the records a poll returned are acknowledged with the
*next* poll. So a member that crashes after processing but before its next
poll loses its acknowledgements; the records come back when their locks
expire and are processed again: at-least-once, and the duplicate shows up in
the producer's results.

Who wins a record is this module's "competition" (the seed: "by some
mechanism, e.g. random or sharding"):

- ``random``: each record goes to a uniformly random member among the live
  ones (active, not paused) that have room in their fetch buffer; while the
  group keeps up, every member has room and P(win) = 1/N exactly (the seed's
  model, see `probability.py`);
- ``first-free``: each record goes to the member that would be free first if
  every member worked back to back at its own rate (stride scheduling on
  virtual finish times), so a member's share is rate_i / sum(rates).

Memory stays bounded: Available records that were never delivered are an
offset range per partition; only acquired records and released ones awaiting
redelivery have an object; terminal offsets are kept only until the SPSO
passes them (at most `group.share.partition.max.record.locks` per partition).

Determinism: integer ms, `env.schedule` for lock and session timers, and
`random.Random(f"{seed}:{group_id}:...")` streams; never the global random.
"""

from __future__ import annotations

import heapq
from collections import deque

from groupviz.kafka.classic.consumer import windowed_rate
from groupviz.kafka.group import ACTIVE, CRASHED, LEAVING, PAUSED, Group, GroupContext
from groupviz.kafka.config import (
    SHARE_CLASSROOM_CONFIG as CLASSROOM_CONFIG,
    SHARE_CONFIG_SCHEMA as CONFIG_SCHEMA,
    SHARE_DELIVERY_LIMIT as DELIVERY_LIMIT,
    SHARE_HEARTBEAT_MS as HEARTBEAT_MS,
    SHARE_KAFKA_DEFAULTS as KAFKA_DEFAULTS,
    SHARE_LOCK_MS as LOCK_MS,
    SHARE_MAX_LOCKS as MAX_LOCKS,
    SHARE_OFFSET_RESET as OFFSET_RESET,
    SHARE_REJECT_P as REJECT_P,
    SHARE_SESSION_MS as SESSION_MS,
    check_share_config,
)
from groupviz.errors import DomainError, ProtocolError
from groupviz.kafka.classic.group import NET_DELAY_MS, REPLY_DELAY_MS

#: `SimpleAssignor.name()` in group-coordinator/.../assignor/SimpleAssignor.java
#: How the members of a share group compete for a record.
COMPETITIONS = ("random", "first-free")

ASSIGNOR = "simple"
#: `ShareGroup.PROTOCOL_TYPE`
PROTOCOL = "share"

# Share group states (`ShareGroup.ShareGroupState`): Stable iff it has members.
EMPTY, STABLE, DEAD = "Empty", "Stable", "Dead"

# Record states (`RecordState`; ARCHIVING is a KIP-1191 dead-letter step not modelled here).
AVAILABLE, ACQUIRED, ACKNOWLEDGED, ARCHIVED = "Available", "Acquired", "Acknowledged", "Archived"

# Acknowledge types (`AcknowledgeType`, lower case as its toString()).
ACCEPT, RELEASE, REJECT = "accept", "release", "reject"

# A record's legal moves, one table (read like h11's _state.py). Anything else is a bug.
RECORD_TRANSITIONS: dict[str, dict[str, str]] = {
    AVAILABLE: {"acquire": ACQUIRED},
    ACQUIRED: {
        ACCEPT: ACKNOWLEDGED,
        REJECT: ARCHIVED,
        RELEASE: AVAILABLE,
        "lock_timeout": AVAILABLE,
        "delivery_limit": ARCHIVED,   # released or timed out with delivery count >= limit
    },
    ACKNOWLEDGED: {},
    ARCHIVED: {},
}

#: Records listed in a snapshot's `in_flight` (the oldest locks first).
IN_FLIGHT_SHOWN = 50


class _Rec:
    """One delivered record (Acquired, or Available again after a release)."""

    __slots__ = ("p", "offset", "state", "member", "delivery_count", "acq", "lock_expires_ms",
                 "pending", "processed")

    def __init__(self, p: int, offset: int):
        self.p = p
        self.offset = offset
        self.state = AVAILABLE
        self.member: str | None = None
        self.delivery_count = 0
        self.acq = 0                 # id of the acquisition (fetch round) that holds the lock
        self.lock_expires_ms = 0
        self.pending = False         # processed by its holder, acknowledgement not yet sent
        self.processed = False       # a result for it has reached (or is on its way to) the producer

    def move(self, event: str) -> None:
        nxt = RECORD_TRANSITIONS[self.state].get(event)
        if nxt is None:
            raise ProtocolError(f"record {self.p}:{self.offset} cannot '{event}' from {self.state}")
        self.state = nxt


class _SharePartition:
    """Broker-side state of one share-partition: SPSO, next offset, in-flight records."""

    __slots__ = ("partition", "spso", "next_offset", "acquired", "released", "_heap", "done")

    def __init__(self, partition: int, start: int):
        self.partition = partition
        self.spso = start                         # share-partition start offset
        self.next_offset = start                  # first offset never delivered (SPEO + 1)
        self.acquired: dict[int, _Rec] = {}       # offset -> record under an acquisition lock
        self.released: dict[int, _Rec] = {}       # offset -> Available record awaiting redelivery
        self._heap: list[int] = []                # the released offsets, lowest first
        self.done: set[int] = set()               # terminal offsets >= spso (Kafka's deliveryCompleteCount)

    def new_available(self, log_end_offset: int, max_locks: int) -> int:
        """Never-delivered records that may be acquired now (SharePartition.canAcquireRecords)."""
        return max(0, min(log_end_offset, self.spso + max_locks) - self.next_offset)

    def available(self, log_end_offset: int) -> int:
        return len(self.released) + max(0, log_end_offset - self.next_offset)

    def push_released(self, rec: _Rec) -> None:
        self.released[rec.offset] = rec
        heapq.heappush(self._heap, rec.offset)

    def pop_released(self) -> _Rec:
        return self.released.pop(heapq.heappop(self._heap))

    def finish(self, offset: int) -> None:
        """`offset` reached a terminal state: move the SPSO past every leading terminal offset."""
        self.acquired.pop(offset, None)
        self.done.add(offset)
        done = self.done
        spso = self.spso
        while spso in done:
            done.remove(spso)
            spso += 1
        self.spso = spso

    def lag(self, log_end_offset: int) -> int:
        """Records not yet Acknowledged/Archived: LEO - SPSO - terminal records above the SPSO (KIP-1226)."""
        return max(0, log_end_offset - self.spso - len(self.done))


class ShareConsumer:
    """A member of a share group (the `KafkaShareConsumer` side, implicit acknowledgement)."""

    def __init__(self, group: "ShareGroup", member_id: str, color: int, rate: float, host: str):
        self.group = group
        self.env = group.env
        self.member_id = member_id
        self.client_id = member_id
        self.host = host
        self.color = color
        self.rate = float(rate)
        self.state = ACTIVE
        self.phase = "stable"          # share members need no join/sync dance: the broker assigns
        self.generation = -1           # member epoch
        self.joined_ms = group.env.now
        self.last_heartbeat_ms = group.env.now
        self.processed = 0             # records it finished (accepted + rejected)
        self.accepted = 0
        self.rejected = 0
        self.released = 0
        self.wins = 0                  # records it acquired first (delivery count 1)
        self.redelivered = 0           # records it acquired that someone had before
        self.locks = 0                 # records it holds under a lock (acquired, not yet acknowledged)
        self.held = 0                  # of which still waiting in its fetch buffer (not processed)
        self._buffer: deque[tuple[_Rec, int]] = deque()
        self._pending_acks: list[tuple[_Rec, int, str]] = []
        self._credit = 0.0
        self._window: deque[tuple[int, int]] = deque()
        self._pass = 0.0               # first-free: virtual time at which it is free again
        self._was_active = False
        self._hb_timer = None
        self._expiry_timer = None
        self._rng = group.ctx.rng(f"{group.group_id}:{member_id}")

    # -- lifecycle --------------------------------------------------------
    @property
    def alive(self) -> bool:
        return self.state in (ACTIVE, PAUSED)

    @property
    def assigned(self) -> list[tuple[str, int]]:
        """What it fetches from: every partition (the share group's SimpleAssignor, see share-groups.md)."""
        return self.group.assigned_partitions() if self.alive else []

    def start(self) -> None:
        hb = int(self.group.config[HEARTBEAT_MS])
        self._hb_timer = self.env.schedule(self._rng.randrange(1, hb + 1), self._heartbeat)

    def _heartbeat(self) -> None:
        if not self.alive:
            return
        self.last_heartbeat_ms = self.env.now
        self._hb_timer = self.env.schedule(int(self.group.config[HEARTBEAT_MS]), self._heartbeat)

    def _stop_timers(self) -> None:
        if self._hb_timer is not None:
            self._hb_timer.cancel()

    def crash(self) -> None:
        """Killed: no more polls, so no acknowledgements; its locks run out on the broker."""
        self.state = CRASHED
        self._stop_timers()
        self.group.lost_acks += len(self._pending_acks)
        self._pending_acks = []

    def close(self) -> None:
        """Graceful: send the pending acknowledgements, RELEASE what it still holds, leave at once."""
        self.group.close_member(self)

    def capacity(self, quantum_ms: int) -> int:
        """Fetch buffer size: what it can process in one quantum, plus one."""
        return int(self.rate * quantum_ms / 1000.0) + 1

    def throughput(self) -> float:
        return windowed_rate(self._window, self.env.now)


class ShareGroup(Group):
    """A share group (KIP-932): records handed to members one at a time under acquisition locks."""

    kind = "share"
    narration_protocol = "share"

    def __init__(self, ctx: GroupContext, group_id: str, competition: str = "random", config: dict | None = None):
        if competition not in COMPETITIONS:
            raise DomainError(f"competition must be one of {', '.join(COMPETITIONS)}, not {competition!r}")
        self.ctx = ctx
        self.env = ctx.clock
        self.topic = ctx.topic
        self.group_id = group_id
        self.competition = competition
        self.assignor = ASSIGNOR
        self.config = dict(CLASSROOM_CONFIG)
        if config:
            extra = {k: v for k, v in config.items() if k != OFFSET_RESET}
            self.config = check_share_config(extra, self.config) if extra else self.config
            if OFFSET_RESET in config:
                if config[OFFSET_RESET] not in ("earliest", "latest"):
                    raise DomainError(f"{OFFSET_RESET} must be earliest or latest")
                self.config[OFFSET_RESET] = config[OFFSET_RESET]
        self.consumers: dict[str, ShareConsumer] = {}
        self.state = EMPTY
        self.generation = 0            # the group epoch: +1 on every membership or metadata change
        #: The share-partitions that exist (a member fetched from them), by partition number.
        self.partitions: list[_SharePartition] = []
        self._sp: dict[int, _SharePartition] = {}
        #: Partitions 0..state_partitions-1 have share-group state in the coordinator (start offset -1
        #: until their share-partition exists): kafka-share-groups.sh lists them.
        self.state_partitions = 0
        self._rng = ctx.rng(f"{group_id}:competition")
        self._reject_rng = ctx.rng(f"{group_id}:reject")
        self.acks = {ACCEPT: 0, RELEASE: 0, REJECT: 0}   # acknowledgements the broker applied
        self.archived = 0
        self.redeliveries = 0          # acquisitions with delivery count >= 2
        self.lock_timeouts = 0
        self.late_acks = 0             # acknowledgements that arrived after the lock had expired
        self.lost_acks = 0             # acknowledgements lost in a crash
        self.processed = 0             # records members finished (accepted + rejected)
        self.results = 0               # results sent to the producer (= consumer-side accepts)
        self.duplicates = 0            # results for a record that already had one
        self.wins: dict[str, int] = {}
        self._acq_seq = 0
        self._vtime = 0.0
        self._rr = 0
        #: Optional audit hook: on_ack(member_id, (topic, partition), offset, kind, delivery_count)
        #: for every acknowledgement the broker applies (kind in accept/release/reject).
        self.on_ack = None
        #: Journeys of the first `journey_limit` records delivered (the seed demo's table): who won each,
        #: each delivery, when it was processed and when its result reached the producer. 0 = off.
        self.journey_limit = 0
        self.journeys: dict[tuple[int, int], dict] = {}
        self.no_result = 0             # records that ended without a result (rejected, or archived unprocessed)

    # -- events -----------------------------------------------------------
    def event(self, type_: str, **fields) -> None:
        self.ctx.emit(type_, group_id=self.group_id, **fields)

    def _update_state(self) -> None:
        new = STABLE if self.consumers else EMPTY
        if new != self.state:
            prev, self.state = self.state, new
            self.event("state", previous=prev, state=new)

    def _bump_epoch(self) -> None:
        self.generation += 1
        for c in self.consumers.values():
            if c.alive:
                c.generation = self.generation

    # -- partitions -------------------------------------------------------
    def _initialize_state(self) -> None:
        """A member joins (or heartbeats after a metadata change): the coordinator initializes the share-group
        state of every partition of the topic it has not yet (`GroupMetadataManager.maybeCreateInitializeShareGroupStateRequest`, start offset -1).
        Where a share-partition starts is decided later, at its first fetch (`_load_share_partitions`)."""
        self.state_partitions = len(self.topic.partitions)

    def _load_share_partitions(self) -> None:
        """A member fetches: the broker creates the share-partitions it does not have yet
        (`SharePartitionManager.getOrCreateSharePartition`) and `SharePartition.maybeInitialize` takes the
        start offset from `share.auto.offset.reset` now: latest = the log end offset, earliest = the log start."""
        if len(self._sp) >= self.state_partitions:
            return
        latest = self.config[OFFSET_RESET] == "latest"
        for p in self.topic.partitions[:self.state_partitions]:
            if p.partition not in self._sp:
                sp = _SharePartition(p.partition, p.log_end_offset if latest else p.log_start_offset)
                self._sp[p.partition] = sp
                self.partitions.append(sp)
        self.partitions.sort(key=lambda sp: sp.partition)

    def assigned_partitions(self) -> list[tuple[str, int]]:
        """The partitions the coordinator assigns: those whose share-group state it has initialized."""
        return [p.tp for p in self.topic.partitions[:self.state_partitions]]

    def partitions_added(self) -> None:
        # The coordinator sees the new partitions through a live member's heartbeat; nobody heartbeats in a
        # group without live members, so the next member to join initializes them.
        if any(c.alive for c in self.consumers.values()):
            self._initialize_state()
        self._bump_epoch()

    def set_assignor(self, assignor: str) -> None:
        raise DomainError(f"{self.group_id} is a share group: the broker hands records to its members one by one "
                          f"('{self.competition}' competition), so there is no partition assignor to set; "
                          "set_assignor applies to consumer groups")

    # -- the Group interface ----------------------------------------------
    @classmethod
    def create(cls, ctx: GroupContext, group_id: str, spec: dict) -> "ShareGroup":
        g = cls(ctx, group_id, spec.get("competition") or "random", spec.get("config"))
        g.journey_limit = spec.get("journeys", 0)
        return g

    def identity(self) -> dict:
        return {"competition": self.competition}

    def check_config(self, config: dict) -> dict:
        return check_share_config(config, self.config)

    def apply_config(self, merged: dict, changes: dict) -> None:
        self.config.update(merged)
        if SESSION_MS in changes:
            self.update_session_timeouts(merged[SESSION_MS])

    @property
    def epoch(self) -> int:
        return self.generation

    def model_counts(self) -> dict[str, int]:
        """A share group's "wins" are first deliveries: who won each record."""
        return dict(self.wins)

    def results_sent(self) -> int:
        return self.results

    def describe_view(self) -> dict:
        """The coordinator's view (ShareGroupDescribe): every member it still knows, a crashed one until its
        session times out, with the target assignment. The snapshot empties a crashed member's partitions
        because it no longer fetches."""
        snap = self.snapshot()
        assignment = [list(tp) for tp in self.assigned_partitions()]
        snap["coordinator_members"] = [dict(m, partitions=assignment) for m in snap["members"]]
        return snap

    # -- membership -------------------------------------------------------
    def add_consumer(self, member_id: str, color: int, rate: float, host: str) -> ShareConsumer:
        c = ShareConsumer(self, member_id, color, rate, host)
        self.consumers[member_id] = c
        self.wins.setdefault(member_id, 0)
        self._bump_epoch()
        self._initialize_state()
        c.start()
        self.event("member_joined", member_id=member_id, generation=self.generation)
        self._update_state()
        return c

    def kill(self, c: ShareConsumer) -> None:
        """Crash: no acknowledgements any more; the member is removed after session.timeout.ms."""
        c.crash()
        self._schedule_expiry(c)

    def _schedule_expiry(self, c: ShareConsumer) -> None:
        if c._expiry_timer is not None:
            c._expiry_timer.cancel()
        deadline = c.last_heartbeat_ms + int(self.config[SESSION_MS])
        c._expiry_timer = self.env.schedule(max(0, deadline - self.env.now), self._session_expired, c)

    def update_session_timeouts(self, session_timeout_ms: int) -> None:
        """session.timeout.ms changed: re-arm the expiry of crashed members (live ones keep heartbeating)."""
        for c in self.consumers.values():
            if c.state == CRASHED:
                self._schedule_expiry(c)

    def _session_expired(self, c: ShareConsumer) -> None:
        if self.consumers.get(c.member_id) is not c or c.state != CRASHED:
            return
        del self.consumers[c.member_id]
        self.wins.pop(c.member_id, None)      # only live members' wins are compared (probability.model_panel)
        self._bump_epoch()
        self.event("member_expired", member_id=c.member_id,
                   session_timeout_ms=int(self.config[SESSION_MS]), generation=self.generation,
                   still_locked=c.locks)
        self._update_state()

    def close_member(self, c: ShareConsumer) -> None:
        c.state = LEAVING
        c._stop_timers()
        self.env.schedule(NET_DELAY_MS, self._leave_arrived, c)

    def _leave_arrived(self, c: ShareConsumer) -> None:
        """The closing member's last acknowledgements arrive, then it leaves (member epoch -1)."""
        self._apply_acks(c._pending_acks)
        c._pending_acks = []
        released = [(rec, acq, RELEASE) for rec, acq in c._buffer
                    if rec.state == ACQUIRED and rec.acq == acq and not rec.pending]
        c._buffer.clear()
        self._apply_acks(released)     # unlocks each: its `held` and `locks` drop to 0
        c.released += len(released)
        if self.consumers.get(c.member_id) is c:
            del self.consumers[c.member_id]
            self.wins.pop(c.member_id, None)  # bounded by the members, not by every member there ever was
            self._bump_epoch()
            self.event("member_left", member_id=c.member_id, released=len(released), generation=self.generation)
            self._update_state()

    # -- the broker: acquire, acknowledge, release, archive -------------------
    def _acquire(self, rec: _Rec, c: ShareConsumer, acq: int, expires: int) -> None:
        rec.move("acquire")
        rec.member = c.member_id
        rec.acq = acq
        rec.lock_expires_ms = expires
        rec.pending = False
        rec.delivery_count += 1
        self._sp[rec.p].acquired[rec.offset] = rec
        if rec.delivery_count == 1:
            self.wins[c.member_id] = self.wins.get(c.member_id, 0) + 1
            c.wins += 1
        else:
            self.redeliveries += 1
            c.redelivered += 1
        c._buffer.append((rec, acq))
        c.held += 1
        c.locks += 1
        j = self.journeys.get((rec.p, rec.offset))
        if j is None and len(self.journeys) < self.journey_limit:
            j = self.journeys[(rec.p, rec.offset)] = self._new_journey(rec)
        if j is not None:
            j["deliveries"].append({"member_id": c.member_id, "acquired_ms": self.env.now,
                                    "delivery_count": rec.delivery_count, "outcome": None})
            j["state"] = ACQUIRED

    def _new_journey(self, rec: _Rec) -> dict:
        part = self.topic.partitions[rec.p]
        single = len(self.topic.partitions) == 1
        return {"record": f"data_{rec.offset}" if single else f"{part.topic}-{rec.p}@{rec.offset}",
                "partition": rec.p, "offset": rec.offset, "produced_ms": part.produce_time(rec.offset),
                "deliveries": [], "winner": None, "processed_ms": None, "result_ms": None, "state": AVAILABLE}

    def _journey_outcome(self, rec: _Rec, outcome: str, state: str | None = None) -> None:
        j = self.journeys.get((rec.p, rec.offset))
        if j is None:
            return
        if j["deliveries"] and j["deliveries"][-1]["outcome"] is None:
            j["deliveries"][-1]["outcome"] = outcome
        if state is not None:
            j["state"] = state

    def _unlock(self, rec: _Rec) -> None:
        holder = self.consumers.get(rec.member)
        if holder is not None:
            holder.locks -= 1
            if not rec.pending:
                holder.held -= 1

    def _apply_acks(self, acks) -> None:
        for rec, acq, kind in acks:
            if rec.state != ACQUIRED or rec.acq != acq:
                self.late_acks += 1          # the lock expired first: Kafka answers InvalidRecordState
                continue
            self.acks[kind] += 1
            if self.on_ack is not None:
                self.on_ack(rec.member, (self.topic.name, rec.p), rec.offset, kind, rec.delivery_count)
            self._unlock(rec)
            if kind == ACCEPT:
                rec.move(ACCEPT)
                self._journey_outcome(rec, ACCEPT, ACKNOWLEDGED)
                self._sp[rec.p].finish(rec.offset)
            elif kind == REJECT:
                rec.move(REJECT)
                self._journey_outcome(rec, REJECT, ARCHIVED)
                self._archived(rec)
            else:
                self._journey_outcome(rec, RELEASE)
                self._make_available(rec, RELEASE)

    def _make_available(self, rec: _Rec, event: str) -> bool:
        """Release or lock timeout: Available again, or Archived at the delivery limit. True if archived."""
        if rec.delivery_count >= int(self.config[DELIVERY_LIMIT]):
            rec.move("delivery_limit")
            self._journey_outcome(rec, event, ARCHIVED)
            self._archived(rec)
            return True
        if event == "lock_timeout":
            self._journey_outcome(rec, event, AVAILABLE)
        else:
            j = self.journeys.get((rec.p, rec.offset))
            if j is not None:
                j["state"] = AVAILABLE
        rec.move(event)
        rec.member = None
        rec.pending = False
        sp = self._sp[rec.p]
        sp.acquired.pop(rec.offset, None)
        sp.push_released(rec)
        return False

    def _archived(self, rec: _Rec) -> None:
        rec.member = None
        self.archived += 1
        self._sp[rec.p].finish(rec.offset)
        if not rec.processed:              # no result ever left for it: the producer counts it as "no result"
            self.no_result += 1
            self.ctx.results.on_no_result(self.group_id, 1)

    def _locks_expire(self, acq: int, batch: list[_Rec]) -> None:
        per_member: dict[str, list[int]] = {}
        for rec in batch:
            if rec.state != ACQUIRED or rec.acq != acq:
                continue
            mid = rec.member
            self._unlock(rec)
            self.lock_timeouts += 1
            archived = self._make_available(rec, "lock_timeout")
            counts = per_member.setdefault(mid, [0, 0])
            counts[0] += 1
            counts[1] += archived
        for mid, (n, archived) in per_member.items():
            self.event("locks_expired", member_id=mid, records=n, archived=archived, available=n - archived)

    # -- the clock --------------------------------------------------------
    def poll(self, quantum_ms: int) -> None:
        """One 50 ms slice: acknowledgements ride on this poll, members process, then fetch."""
        members = list(self.consumers.values())
        for c in members:
            if c.alive and c._pending_acks:
                acks, c._pending_acks = c._pending_acks, []
                self._apply_acks(acks)
        for c in members:
            if c.state == ACTIVE:
                self._process(c, quantum_ms)
            else:
                c._credit = 0.0
        self._deliver(members, quantum_ms)

    def _process(self, c: ShareConsumer, quantum_ms: int) -> None:
        c._credit += c.rate * quantum_ms / 1000.0
        budget = int(c._credit)
        if budget <= 0:
            return
        now = self.env.now
        buf = c._buffer
        p_reject = float(self.config[REJECT_P])
        parts = self.topic.partitions
        done = results = unique = 0
        produced_at: dict[int, int] = {}
        while done < budget and buf:
            rec, acq = buf.popleft()
            if rec.state != ACQUIRED or rec.acq != acq:
                continue                     # its lock expired while it waited in the buffer
            c.held -= 1
            rec.pending = True
            done += 1
            if p_reject > 0.0 and self._reject_rng.random() < p_reject:
                c._pending_acks.append((rec, acq, REJECT))
                c.rejected += 1
                continue
            c._pending_acks.append((rec, acq, ACCEPT))
            c.accepted += 1
            results += 1
            if rec.processed:
                self.duplicates += 1
            else:
                rec.processed = True
                unique += 1
            j = self.journeys.get((rec.p, rec.offset))
            if j is not None and j["processed_ms"] is None:
                j["winner"] = c.member_id
                j["processed_ms"] = now
                j["result_ms"] = now + REPLY_DELAY_MS     # shown once simulated time reaches it
            t = parts[rec.p].produce_time(rec.offset)
            if t is not None:
                produced_at[t] = produced_at.get(t, 0) + 1
        c._credit -= done
        if not buf:
            c._credit = min(c._credit, 1.0)
        if not done:
            return
        c.processed += done
        self.processed += done
        self.results += results
        c._window.append((now, done))
        if results:
            arrive = now + REPLY_DELAY_MS
            lat = [(arrive - t, n) for t, n in sorted(produced_at.items())]
            self.env.schedule(REPLY_DELAY_MS, self.ctx.results.on_results, self.group_id, results, unique, lat)

    def _deliver(self, members: list[ShareConsumer], quantum_ms: int) -> None:
        cands = []
        active = []
        for c in members:
            is_active = c.state == ACTIVE
            if is_active:
                if not c._was_active:        # (re)joined the competition: no credit for time away
                    c._pass = max(c._pass, self._vtime)
                active.append(c)
                room = c.capacity(quantum_ms) - c.held
                if room > 0:
                    cands.append([c, room])
            c._was_active = is_active
        if cands:
            self._load_share_partitions()
            recs = self._take_available(sum(r for _, r in cands))
            if recs:
                self._hand_out(recs, cands)
        moving = [c._pass for c in active if c.rate > 0]
        if moving:
            self._vtime = max(self._vtime, min(moving))

    def _take_available(self, n: int) -> list[_Rec]:
        """Up to `n` Available records, a fair share from each partition, released ones first."""
        parts = self.topic.partitions
        max_locks = int(self.config[MAX_LOCKS])
        sps = self.partitions
        k = len(sps)
        start = self._rr % k if k else 0
        self._rr += 1
        avail = []
        for j in range(k):
            sp = sps[(start + j) % k]
            a = len(sp.released) + sp.new_available(parts[sp.partition].log_end_offset, max_locks)
            if a:
                avail.append([sp, a])
        take: dict[int, int] = {}
        order: list[_SharePartition] = []
        remaining = n
        while remaining > 0 and avail:
            share = max(1, remaining // len(avail))
            nxt = []
            for item in avail:
                if remaining <= 0:
                    break
                sp = item[0]
                m = min(share, item[1], remaining)
                if sp.partition not in take:
                    take[sp.partition] = 0
                    order.append(sp)
                take[sp.partition] += m
                item[1] -= m
                remaining -= m
                if item[1] > 0:
                    nxt.append(item)
            avail = nxt
        out: list[_Rec] = []
        for sp in order:
            m = take[sp.partition]
            while m and sp.released:
                out.append(sp.pop_released())
                m -= 1
            if m:
                first = sp.next_offset
                p = sp.partition
                out.extend(_Rec(p, off) for off in range(first, first + m))
                sp.next_offset = first + m
        return out

    def _hand_out(self, recs: list[_Rec], cands: list[list]) -> None:
        """The competition: who wins each record."""
        self._acq_seq += 1
        acq = self._acq_seq
        lock_ms = int(self.config[LOCK_MS])
        expires = self.env.now + lock_ms
        if self.competition == "random":
            randrange = self._rng.randrange
            for rec in recs:
                i = randrange(len(cands))
                slot = cands[i]
                self._acquire(rec, slot[0], acq, expires)
                slot[1] -= 1
                if slot[1] == 0:
                    cands[i] = cands[-1]
                    cands.pop()
        else:  # first-free: the member that is free first, working back to back at its rate
            heap = [(slot[0]._pass, i, slot) for i, slot in enumerate(cands) if slot[0].rate > 0]
            stalled = [slot for slot in cands if slot[0].rate <= 0]   # rate 0 is never free first
            heapq.heapify(heap)
            for rec in recs:
                if heap:
                    _, i, slot = heap[0]
                    c = slot[0]
                    c._pass += 1.0 / c.rate
                    slot[1] -= 1
                    if slot[1] == 0:
                        heapq.heappop(heap)
                    else:
                        heapq.heapreplace(heap, (c._pass, i, slot))
                elif stalled:            # nobody else can take it: the stalled member fetches it anyway
                    slot = stalled[0]
                    c = slot[0]
                    slot[1] -= 1
                    if slot[1] == 0:
                        stalled.pop(0)
                else:
                    raise ProtocolError("more records taken than the members have room for")
                self._acquire(rec, c, acq, expires)
        self.env.schedule(lock_ms, self._locks_expire, acq, recs)

    # -- views ------------------------------------------------------------
    def partition_lag(self, tp) -> int | None:
        """KIP-1226 lag of a share-partition; None while it does not exist (no offset information)."""
        sp = self._sp.get(tp[1])
        return None if sp is None else sp.lag(self.topic.partitions[tp[1]].log_end_offset)

    def in_flight_count(self) -> int:
        return sum(len(sp.acquired) for sp in self.partitions)

    def available_count(self) -> int:
        parts = self.topic.partitions
        return sum(sp.available(parts[sp.partition].log_end_offset) for sp in self.partitions)

    def sample_metrics(self) -> dict:
        """For the charts: per member its locked records ("lag"), per partition the share lag."""
        lag = {c.member_id: c.locks for c in self.consumers.values()}
        thr = {c.member_id: round(c.throughput(), 2) for c in self.consumers.values()}
        parts = self.topic.partitions
        plag = {f"{parts[sp.partition].topic}-{sp.partition}": sp.lag(parts[sp.partition].log_end_offset)
                for sp in self.partitions}
        return {"lag": lag, "throughput": thr, "partition_lag": plag}

    def snapshot(self) -> dict:
        tparts = self.topic.partitions
        assigned = [list(tp) for tp in self.assigned_partitions()]
        parts = []
        total = None
        for p in tparts:
            sp = self._sp.get(p.partition)
            if sp is None:     # no share-partition yet: no start offset, no lag (Kafka's tool prints "-")
                parts.append({"topic": p.topic, "partition": p.partition, "owner": None, "committed": None,
                              "lag": None, "log_end_offset": p.log_end_offset, "position": None,
                              "in_flight": 0, "available": None,
                              "initialized": p.partition < self.state_partitions})
                continue
            lag = sp.lag(p.log_end_offset)
            total = lag if total is None else total + lag
            parts.append({"topic": p.topic, "partition": sp.partition, "owner": None, "committed": sp.spso,
                          "lag": lag, "log_end_offset": p.log_end_offset, "position": sp.next_offset,
                          "in_flight": len(sp.acquired), "available": sp.available(p.log_end_offset),
                          "initialized": True})
        members = []
        thr_total = 0.0
        for c in self.consumers.values():
            thr = c.throughput()
            thr_total += thr
            members.append({
                "member_id": c.member_id, "client_id": c.client_id, "host": c.host, "color": c.color,
                "state": c.state, "phase": c.phase, "rate": c.rate, "generation": c.generation,
                "partitions": assigned if c.alive else [],
                "throughput": round(thr, 2), "processed": c.processed, "lag": c.locks,
                "last_heartbeat_ms": c.last_heartbeat_ms, "leader": False,
                "in_flight": c.locks, "wins": c.wins, "redelivered": c.redelivered,
                "accepted": c.accepted, "rejected": c.rejected, "released": c.released,
            })
        recs = [r for sp in self.partitions for r in sp.acquired.values()]
        # redelivered records first (what a class should see after a kill), then the oldest locks
        shown = heapq.nsmallest(IN_FLIGHT_SHOWN, recs,
                                key=lambda r: (r.delivery_count == 1, r.lock_expires_ms, r.p, r.offset))
        in_flight = [{"topic": self.topic.name, "partition": r.p, "offset": r.offset, "member_id": r.member,
                      "state": r.state, "delivery_count": r.delivery_count, "lock_expires_ms": r.lock_expires_ms,
                      "processed": r.pending} for r in shown]
        now = self.env.now
        journeys = []
        for j in self.journeys.values():
            view = dict(j, deliveries=[dict(d) for d in j["deliveries"]])
            if view["result_ms"] is not None and view["result_ms"] > now:
                view["result_ms"] = None
                view["result_in_transit"] = True
            journeys.append(view)
        return {
            "group_id": self.group_id, "type": self.kind, "state": self.state, "generation": self.generation,
            "assignor": self.assignor, "protocol": PROTOCOL, "leader": None,
            "config": dict(self.config), "members": members, "partitions": parts, "lag": total,
            "processed": self.processed, "duplicates": self.duplicates, "throughput": round(thr_total, 2),
            "rebalances": [],
            "competition": self.competition,
            "in_flight": in_flight,
            "in_flight_total": len(recs),
            "in_flight_redelivered": sum(1 for r in recs if r.delivery_count > 1),
            "in_flight_processed": sum(1 for r in recs if r.pending),
            "available": self.available_count(),
            "acks": dict(self.acks),
            "archived": self.archived,
            "wins": dict(self.wins),
            "redeliveries": self.redeliveries,
            "lock_timeouts": self.lock_timeouts,
            "late_acks": self.late_acks,
            "lost_acks": self.lost_acks,
            "results": self.results,
            "rejected": self.acks[REJECT],
            "no_result": self.no_result,
            "delivery_count_limit": int(self.config[DELIVERY_LIMIT]),
            "record_lock_duration_ms": int(self.config[LOCK_MS]),
            "journeys": journeys,
        }
