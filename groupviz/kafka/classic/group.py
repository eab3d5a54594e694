"""One classic consumer group: its coordinator, its consumers and its offsets.

The group wires messages between consumers and the coordinator with a small
simulated network delay, records what was processed (and what was processed
twice: at-least-once made visible) and renders itself as the snapshot's group.

Its mixins, each in a module of its own: app_controls (how the applications commit, process, stall),
faults (restarts, network partitions, fencing), metadata (subscriptions, the topics the group reads and
the leader's metadata refresh) and lag_view (lag, Burrow's status, the per-partition rows).
"""

from __future__ import annotations

from groupviz.kafka.classic import coordinator as C
from groupviz.kafka.classic.app_controls import AppControls
from groupviz.kafka.assignors import REBALANCE_PROTOCOLS, STRATEGIES
from groupviz.kafka.classic.consumer import Consumer
from groupviz.kafka.classic.invariants import check_classic
from groupviz.kafka.classic.subscriptions import GroupSubscriptions
from groupviz.kafka.member import CRASHED, LEAVING
from groupviz.kafka.classic.coordinator import Coordinator
from groupviz.kafka.classic.faults import MembershipFaults
from groupviz.kafka.classic.lag_view import LagViews
from groupviz.kafka.classic.metadata import TopicMetadata
from groupviz.errors import DomainError
from groupviz.kafka.config import CLASSROOM_CONFIG, check_config
from groupviz.kafka.group import FLINK_FIELDS, Group, GroupContext
from groupviz.kafka.offsets import OffsetStore
from groupviz.kafka.wire import CLASSIC_REQUESTS, CLASSIC_RESPONSES, WireLog

NET_DELAY_MS = 5      # one way, client <-> broker
REPLY_DELAY_MS = 20   # consumer -> producer result path

def _check_classic_assignor(assignor: str) -> None:
    if assignor not in STRATEGIES:
        raise DomainError(f"{assignor} is a server-side assignor of the consumer protocol (group_protocol "
                          f"\"consumer\"); a classic group takes: {', '.join(STRATEGIES)}")


class ConsumerGroup(AppControls, MembershipFaults, TopicMetadata, LagViews, Group):
    kind = "consumer"
    group_protocol = "classic"
    narration_protocol = "classic"
    member_class = Consumer         # a KIP-848 group's members are ModernConsumers
    joining_phase = "joining"       # a member in this phase is not yet known to the coordinator
    foreign_fields = {"competition": "'competition' is only for share groups (type \"share\"); a consumer group "
                                     "shards its partitions with an 'assignor': " + ", ".join(STRATEGIES),
                      **FLINK_FIELDS}
    takes_subscriptions = True

    def __init__(self, ctx: GroupContext, group_id: str, assignor: str = "range", config: dict | None = None):
        self.ctx = ctx
        self.env = ctx.clock
        self.topic = ctx.topic          # the first topic: a member without a subscription of its own reads it
        self.topics = ctx.topics
        self.part = ctx.topics.partition     # (topic, partition) -> its log
        self.group_id = group_id
        self.assignor = assignor
        self.config = dict(CLASSROOM_CONFIG)
        if config:
            self.config.update(config)
        self.offsets = OffsetStore()
        self.consumers: dict[str, Consumer] = {}
        self.subscriptions = GroupSubscriptions(self)
        self.wire = WireLog(NET_DELAY_MS)
        self.coordinator = self._make_coordinator()
        self.coordinator.on_stable = self._on_stable
        self.high_processed: dict[tuple[str, int], int] = {}
        self.processed = 0
        self.duplicates = 0
        # Who last owned each partition in a completed assignment: what "moved" is counted against
        # (a cooperative move spans two rebalances: revoked in the first, assigned in the second).
        self.last_owner: dict[tuple[str, int], str] = {}
        # Partitions that stopped being processed (revoked, lost, owner killed or stopped) and since when;
        # their reassignment closes the pause and is charged to that rebalance's record.
        self.stopped_since: dict[tuple[str, int], int] = {}
        self._lag_init()
        self._reply: list | None = None   # [records, unique, latencies] gathered during poll()
        self._metadata_init()
        self._faults_init()

    def _make_coordinator(self):
        return Coordinator(self.group_id, self.env, self._deliver, self._coordinator_event, self.config)

    def rebalance_protocol(self) -> str:
        """How this group rebalances: eager or cooperative (the assignor's), or consumer (KIP-848)."""
        return REBALANCE_PROTOCOLS[self.assignor]

    # -- events -----------------------------------------------------------
    def event(self, type_: str, **fields) -> None:
        if type_ in ("revoked", "lost"):
            self._stopped(fields["partitions"])
        elif type_ == "assigned":
            self._resumed(fields["added"], fields["generation"])
        self.ctx.emit(type_, group_id=self.group_id, **fields)

    def _stopped(self, tps, since: int | None = None) -> None:
        since = self.env.now if since is None else since
        for tp in tps:
            tp = tuple(tp)
            if tp not in self.stopped_since:
                self.stopped_since[tp] = (since, self.part(tp).log_end_offset)

    def _resumed(self, tps, generation: int) -> None:
        """The rebalance's cost: partitions that waited, the longest wait, the partition-ms without a
        reader (partition_ms_lost) and the records that arrived meanwhile (records_delayed)."""
        rec = next((r for r in reversed(self.coordinator.history) if r["generation"] == generation), None)
        now = self.env.now
        for tp in tps:
            stopped = self.stopped_since.pop(tuple(tp), None)
            # a pause that began after this rebalance completed is not its cost (a static member's restart
            # inside the session timeout gets its partitions back with no rebalance at all)
            ended = None if rec is None else rec["end_ms"]
            if stopped is not None and rec is not None and (ended is None or ended >= stopped[0]):
                since, leo = stopped
                rec["paused_partitions"] += 1
                rec["paused_ms"] = max(rec["paused_ms"], now - since)
                rec["partition_ms_lost"] += now - since
                rec["records_delayed"] += self.part(tuple(tp)).log_end_offset - leo

    def _coordinator_event(self, type_: str, **fields) -> None:
        if type_ in ("member_expired", "member_removed", "member_left"):
            c = self.consumers.get(fields["member_id"])
            # a live member the coordinator dropped stays: it finds out on its next heartbeat and rejoins
            if c is not None and c.state in (CRASHED, LEAVING):
                del self.consumers[c.member_id]
        if type_ == "rebalance_started" and self.coordinator.history:
            self.coordinator.history[-1].update(protocol=self.rebalance_protocol(), paused_ms=0, paused_partitions=0,
                                                partition_ms_lost=0, records_delayed=0)
        self.event(type_, **fields)

    def _on_stable(self, rec: dict | None) -> None:
        after = {tp: mid for mid, m in self.coordinator.members.items() for tp in m.assignment}
        if rec is not None:
            rec["moved"] = sum(1 for tp, mid in after.items() if self.last_owner.get(tp) not in (None, mid))
        self.last_owner.update(after)

    # -- network ----------------------------------------------------------
    def to_coordinator(self, fn, *args) -> None:
        api = CLASSIC_REQUESTS.get(fn.__name__)
        if api is not None:
            member_id = args[0] if isinstance(args[0], str) else (args[0].member_id or args[0].client_id)
            if self.cut_off(member_id):     # a network partition: the request never arrives
                if api == "OffsetCommit":
                    self.unsent_commits[member_id] = args     # the client retries it once it reaches the coordinator
                return
            epoch = args[1] if api in ("SyncGroup", "Heartbeat", "OffsetCommit") else None
            self.wire.record(self.env.now, member_id, "request", api, epoch=epoch)
        self.env.schedule(NET_DELAY_MS, fn, *args)

    def _wire_response(self, member_id: str, kind: str, payload: dict) -> None:
        self.wire.record(self.env.now, member_id, "response", CLASSIC_RESPONSES[kind], error=payload.get("error"),
                         epoch=payload.get("generation"), assignment=payload.get("assignment"))

    def _deliver(self, member_id: str, kind: str, payload: dict) -> None:
        self._wire_response(member_id, kind, payload)
        sent_to = self.consumers.get(member_id)
        process = getattr(sent_to, "incarnation", 0)
        def arrive():
            c = self.consumers.get(member_id)
            if c is None or not c.alive or self.cut_off(member_id) or getattr(c, "incarnation", 0) != process:
                return      # gone, cut off, or restarted since: the answer was for the process that closed
            if payload.get("error") == C.FENCED_INSTANCE_ID:
                self.fence(c)
            else:
                getattr(c, "on_" + kind)(payload)
        self.env.schedule(NET_DELAY_MS, arrive)

    def leave_arrived(self, member_id: str, why: str | None = None) -> None:
        c = self.consumers.get(member_id)
        if c is not None and c.state == LEAVING:
            self._stopped(c.assigned, since=self.env.now - NET_DELAY_MS)   # it stopped when it sent LeaveGroup
        self.coordinator.handle_leave(member_id, why)
        c = self.consumers.get(member_id)
        if c is not None and c.state == LEAVING:
            del self.consumers[member_id]

    def commit_arrived(self, member_id: str, generation: int, offsets: dict, how: str = "auto") -> None:
        err = self.coordinator.validate_commit(member_id, generation)
        if err == C.NONE:
            for tp, off in offsets.items():
                self.offsets.commit(tp, off, self.env.now, self.part(tp).log_end_offset)
        else:
            c = self.consumers.get(member_id)
            if c is not None and hasattr(c, "last_commit_error"):
                c.last_commit_error = err
            self.event("commit_rejected", member_id=member_id, error=err, generation=generation)
        self._deliver(member_id, "commit", {"error": err, "how": how, "offsets": offsets})

    # -- membership -------------------------------------------------------
    def add_consumer(self, member_id: str, color: int, rate: float, host: str, subscription=None,
                     instance_id: str | None = None) -> Consumer:
        """`subscription` (groupviz.kafka.subscription.Subscription): its topics or pattern; None: the first topic.
        `instance_id`: group.instance.id (static membership, KIP-345)."""
        c = self.member_class(self, member_id, color, rate, host)
        if instance_id is not None:
            c.instance_id = instance_id
        self.consumers[member_id] = c
        self.subscriptions.set(member_id, subscription)
        self.metadata_clock[member_id] = self.env.now
        c.start()
        return c

    def kill(self, c: Consumer) -> None:
        self._stopped(c.assigned)
        c.crash()
        if c.member_id not in self.coordinator.members and c.phase != self.joining_phase:
            del self.consumers[c.member_id]

    def start_offset(self, tp) -> int:
        """Where a new owner starts: the committed offset, else auto.offset.reset."""
        off = self.offsets.get(tp)
        p = self.part(tp)
        if off is not None and p.log_start_offset <= off <= p.log_end_offset:
            return off
        return p.log_start_offset if self.config["auto.offset.reset"] == "earliest" else p.log_end_offset

    def set_assignor(self, assignor: str) -> None:
        """Every member switches assignor and rejoins (a rolling restart, compressed)."""
        _check_classic_assignor(assignor)
        old = self.assignor
        self.assignor = assignor
        if REBALANCE_PROTOCOLS[old] != REBALANCE_PROTOCOLS[assignor]:
            self.event("protocol_changed", old=REBALANCE_PROTOCOLS[old], new=REBALANCE_PROTOCOLS[assignor])
        for c in list(self.consumers.values()):
            if c.alive and c.phase == "stable":
                c.request_rejoin()

    # -- processing -------------------------------------------------------
    def poll(self, quantum_ms: int) -> None:
        # Results of everything processed in this quantum travel back to the producer together:
        # one simulated message per group and quantum (they all arrive REPLY_DELAY_MS later anyway).
        self._reply = reply = [0, 0, []]
        try:
            for c in list(self.consumers.values()):
                c.poll(quantum_ms)
        finally:
            self._reply = None
        n, unique, lat = reply
        if n:
            self.env.schedule(REPLY_DELAY_MS, self.ctx.results.on_results, self.group_id, n, unique, lat)

    def on_processed(self, c: Consumer, tp, a: int, b: int) -> None:
        """`c` processed the records [a, b) of `tp`: count duplicates, queue their results."""
        self.on_processed_ranges(c, [(tp, self.part(tp), a, b)])

    def on_processed_ranges(self, c: Consumer, ranges: list) -> None:
        """`c` processed each (tp, its log, a, b) of `ranges`, in order: one poll's worth, counted in one go
        (1,000 records every 100 ms at large scale). Inside poll() the results join the quantum's reply;
        outside it each range replies at once."""
        reply = self._reply
        if reply is not None:
            self._count_processed(c, ranges, reply)
            return
        for r in ranges:
            n, unique, lat = self._count_processed(c, [r], [0, 0, []])
            self.env.schedule(REPLY_DELAY_MS, self.ctx.results.on_results, self.group_id, n, unique, lat)

    def _count_processed(self, c: Consumer, ranges: list, reply: list) -> list:
        """Duplicates (below the partition's high-water mark), zombie records and the results' latencies
        of `ranges`, added to `reply` ([records, unique, latencies]); returns `reply`."""
        high_of = self.high_processed
        arrive = self.env.now + REPLY_DELAY_MS
        lat = reply[2]
        n = dup = 0
        for tp, log, a, b in ranges:
            high = high_of.get(tp, 0)
            if a < high:
                dup += (b if b < high else high) - a
            if b > high:
                high_of[tp] = b
            n += b - a
            log.add_latencies(a, b, arrive, lat)
        self.duplicates += dup
        self.processed += n
        if n and c.member_id not in self.coordinator.members and c.phase == "stable":
            # an expelled member still processing: its partitions have a new owner
            self.zombie_records += n
            self.zombie_by_member[c.member_id] = self.zombie_by_member.get(c.member_id, 0) + n
        reply[0] += n
        reply[1] += n - dup
        return reply

    # -- the Group interface ----------------------------------------------
    @classmethod
    def create(cls, ctx: GroupContext, group_id: str, spec: dict) -> "ConsumerGroup":
        assignor = spec.get("assignor") or "range"
        _check_classic_assignor(assignor)
        return cls(ctx, group_id, assignor, spec.get("config"))

    def identity(self) -> dict:
        return {"assignor": self.assignor}

    def check_config(self, config: dict) -> dict:
        return check_config(config, self.config)

    def apply_config(self, merged: dict, changes: dict) -> None:
        self.config.update(merged)
        if "session.timeout.ms" in changes:
            self.coordinator.update_session_timeouts(merged["session.timeout.ms"])

    @property
    def epoch(self) -> int:
        return self.coordinator.generation

    def check_invariants(self, log_end_offsets: dict, seen: dict, owners_seen: dict | None = None) -> None:
        check_classic(self, log_end_offsets, seen, owners_seen)

    def model_counts(self) -> dict[str, int]:
        """A consumer group's "wins" are the records each member processed: shares set by ownership."""
        return {mid: c.processed for mid, c in self.consumers.items()}

    def results_sent(self) -> int:
        return self.processed

    # -- views ------------------------------------------------------------
    def owners(self) -> dict:
        return {tp: c.member_id for c in self._by_membership() for tp in c.assigned}

    def _by_membership(self):
        """Members, those out of the group first: a consumer that left on its poll timeout may still hold
        partitions (it is processing its batch) but their owner is whoever the group gave them to."""
        cs = self.consumers.values()
        return sorted(cs, key=lambda c: c.generation >= 0) if any(c.generation < 0 and c.assigned for c in cs) else cs

    def snapshot(self) -> dict:
        parts, lag_of, total, status, max_lag_ms = self._partition_rows(self.env.now)
        coord = self.coordinator
        known, leader, partitioned, zombie_of = coord.members, coord.leader, self.partitioned, self.zombie_by_member
        members = []
        thr_total = 0.0
        for c in self.consumers.values():
            mid, assigned = c.member_id, c.assigned
            meta = known.get(mid)
            thr = c.throughput()
            thr_total += thr
            members.append({
                "member_id": mid, "client_id": c.client_id, "host": c.host, "color": c.color,
                "state": c.state, "phase": c.phase, "rate": c.rate, "generation": c.generation,
                "partitions": list(map(list, assigned)),
                "throughput": round(thr, 2), "processed": c.processed,
                "lag": self.member_lag(assigned, lag_of),
                "last_heartbeat_ms": meta.last_heartbeat_ms if meta else None,
                "leader": leader == mid,
                **c.app_view(),
                "instance_id": getattr(c, "instance_id", None), "partitioned": mid in partitioned,
                "zombie": self.is_zombie(c), "zombie_processed": zombie_of.get(mid, 0),
                "commit_error": getattr(c, "last_commit_error", None),
            })
            sub = self.subscriptions.describe(mid)
            if sub is not None:     # only a member with a subscription of its own (one-topic rows stay as they were)
                members[-1]["subscription"] = {**sub, "resolved": self.subscriptions.topics_of(mid)}
        return {
            "group_id": self.group_id, "type": self.kind, "state": coord.state, "generation": coord.generation,
            "group_protocol": self.group_protocol, **self.commit_view(),
            "assignor": self.assignor, "protocol": self.rebalance_protocol(), "leader": coord.leader,
            "config": dict(self.config), "members": members, "partitions": parts,
            "lag": total if self.offsets.committed else None,     # nothing committed yet: "-", not 0
            "uncommitted_gap": self.uncommitted_gap(),
            "processed": self.processed, "duplicates": self.duplicates, "zombie_records": self.zombie_records,
            "throughput": round(thr_total, 2),
            "status": status, "lag_ms": max_lag_ms,
            "rebalances": [dict(r) for r in coord.history[-20:]],
            "wire": self.wire.snapshot(),
            "coordinator_members": [
                {"member_id": m.member_id, "client_id": m.client_id, "host": m.host,
                 "instance_id": getattr(m, "instance_id", None),
                 "partitions": list(map(list, m.assignment)) if coord.state == C.STABLE else []}
                for m in coord.members.values()],
        }
