"""A KIP-848 consumer group (`group.protocol=consumer`): the classic group's offsets, processing and
views, with the consumer protocol's coordinator (coordinator.py) and members (consumer.py).

What stays the classic group's (groupviz.kafka.classic.group.ConsumerGroup): committed offsets, Burrow's
status, duplicates, results back to the producer, the per-partition rows and the rebalance cost. What
changes: one request (ConsumerGroupHeartbeat), the assignment computed by the coordinator with a
server-side assignor (uniform or range), group epoch / target assignment epoch / member epoch instead of a
generation, and no barrier: each member is reconciled on its own heartbeats.
"""

from __future__ import annotations

from groupviz.errors import DomainError, fail
from groupviz.kafka.classic.invariants import check_committed_offsets
from groupviz.kafka.assignors import SERVER_ASSIGNORS
from groupviz.kafka.classic.group import NET_DELAY_MS, ConsumerGroup
from groupviz.kafka.group import Group
from groupviz.kafka.config import CONSUMER_CLASSROOM_CONFIG, check_consumer_protocol_config
from groupviz.kafka.consumer_protocol import coordinator as K
from groupviz.kafka.consumer_protocol.consumer import JOINING, ModernConsumer

#: The server assignors a consumer group may name (`group.consumer.assignors`); `simple` is the share groups'.
CONSUMER_ASSIGNORS = tuple(a for a in ("uniform", "range") if a in SERVER_ASSIGNORS)
DEFAULT_ASSIGNOR = "uniform"


def _check_assignor(assignor: str) -> None:
    if assignor not in CONSUMER_ASSIGNORS:
        raise DomainError(f"'{assignor}' is not a server-side assignor: a consumer-protocol group (group_protocol "
                          f"\"consumer\") takes {' or '.join(CONSUMER_ASSIGNORS)} (group.consumer.assignors)")


def _one_holder(gid: str, what: str, pairs) -> None:
    """Each partition in `pairs` ((tp, member_id), ...) appears under one member at most."""
    held: dict = {}
    for tp, mid in pairs:
        if tp in held:
            fail(f"{gid}: {tp} {what} {held[tp]} and {mid} at once")
        held[tp] = mid


class ModernConsumerGroup(ConsumerGroup):
    kind = "consumer"
    group_protocol = "consumer"
    narration_protocol = "consumer"
    member_class = ModernConsumer
    joining_phase = JOINING
    # not modelled here yet (docs/kafka-fidelity.md): the application's poll loop, stalls and commit modes
    stall, set_processing_ms, set_commit_mode = Group.stall, Group.set_processing_ms, Group.set_commit_mode
    membership_faults = False       # static membership, restarts and partitions: classic groups only (issue 16)

    def __init__(self, ctx, group_id: str, assignor: str = DEFAULT_ASSIGNOR, config: dict | None = None):
        self._assignor_at_start = assignor
        super().__init__(ctx, group_id, assignor, None)
        self.config = dict(CONSUMER_CLASSROOM_CONFIG)
        if config:
            self.config.update(config)
        self.coordinator.config = self.config

    def _make_coordinator(self):
        topics = self.topics      # the metadata image: every topic (one-topic runs: {topic: count} as before)
        return K.Coordinator(self.group_id, self.env, self._deliver, self._coordinator_event, self.config,
                             self._assignor_at_start, lambda: topics.counts(topics.names()))

    def rebalance_protocol(self) -> str:
        return "consumer"

    def partitions_added(self) -> None:
        """The coordinator notices new partitions in its metadata image at once (no client refresh)."""
        self.coordinator.metadata_changed(
            K.reason("partitions", topic=self.topic.name, n=len(self.topic.partitions)))

    def event(self, type_: str, **fields) -> None:
        fields.setdefault("protocol", "consumer")      # the narration tells KIP-848 events apart by it
        super().event(type_, **fields)

    # -- network ----------------------------------------------------------
    def send_heartbeat(self, c: ModernConsumer, member_epoch: int, owned: list | None, full: bool) -> None:
        """`full`: a joining member's request (subscribed topics, rebalance timeout); `owned` None: not sent."""
        if member_epoch == K.LEAVE_GROUP_MEMBER_EPOCH:
            self._stopped(c.assigned)
        req = K.Heartbeat(c.member_id, member_epoch, self.subscriptions.topics_of(c.member_id) if full else None,
                          None if owned is None else list(owned),
                          int(self.config["max.poll.interval.ms"]) if full else -1, c.client_id, c.host)
        self.wire.record(self.env.now, c.member_id, "request", "ConsumerGroupHeartbeat", epoch=member_epoch,
                         owned=None if owned is None else len(owned))
        self.env.schedule(NET_DELAY_MS, self.coordinator.handle_heartbeat, req)

    def _wire_response(self, member_id: str, kind: str, payload: dict) -> None:
        api = "ConsumerGroupHeartbeat" if kind == "heartbeat" else "OffsetCommit"
        self.wire.record(self.env.now, member_id, "response", api, error=payload["error"],
                         epoch=payload.get("member_epoch"), assignment=payload.get("assignment"))

    # -- membership -------------------------------------------------------
    def set_assignor(self, assignor: str) -> None:
        _check_assignor(assignor)
        self.assignor = assignor
        self.coordinator.set_assignor(assignor)

    # -- subscriptions ------------------------------------------------------
    def check_subscription(self, subscription, change: bool = False) -> None:
        """A list of topics when the member joins; not a pattern (KIP-848 resolves it on the broker,
        subscribedTopicRegex with RE2J, not modelled) nor a later change (not modelled either)."""
        if subscription.pattern is not None:
            raise DomainError(f"{self.group_id} uses the consumer protocol (KIP-848), whose brokers resolve a "
                              "pattern themselves (subscribedTopicRegex, RE2J), which groupviz does not model: "
                              "name the topics with 'topics'")
        if change:
            raise DomainError(f"{self.group_id}: changing a KIP-848 member's subscription is not modelled; "
                              "a classic group's members can (group_protocol \"classic\")")

    def topic_added(self, name: str) -> None:
        """No pattern subscriptions here (check_subscription): a new topic changes nothing."""

    # -- the Group interface ----------------------------------------------
    @classmethod
    def create(cls, ctx, group_id: str, spec: dict) -> "ModernConsumerGroup":
        assignor = spec.get("assignor") or DEFAULT_ASSIGNOR
        _check_assignor(assignor)
        return cls(ctx, group_id, assignor, spec.get("config"))

    def identity(self) -> dict:
        return {"assignor": self.assignor, "group_protocol": self.group_protocol}

    def check_config(self, config: dict) -> dict:
        return check_consumer_protocol_config(config, self.config)

    def apply_config(self, merged: dict, changes: dict) -> None:
        self.config.update(merged)

    @property
    def epoch(self) -> int:
        return self.coordinator.group_epoch

    def check_invariants(self, log_end_offsets: dict, seen: dict, owners_seen: dict | None = None) -> None:
        """No partition has two owners at any moment, on the clients or in the coordinator; a client owns
        only what the coordinator has it holding (assigned or pending revocation); offsets as classic."""
        _one_holder(self.group_id, "owned by", ((tp, c.member_id) for c in self.consumers.values() for tp in c.assigned))
        _one_holder(self.group_id, "the coordinator gives it to", (
            (tp, m.member_id) for m in self.coordinator.members.values() for tp in m.assigned + m.pending_revocation))
        check_committed_offsets(self, log_end_offsets, seen)

    # -- views ------------------------------------------------------------
    def snapshot(self) -> dict:
        row = super().snapshot()
        coord = self.coordinator
        row.update(generation=coord.group_epoch, group_epoch=coord.group_epoch,
                   target_assignment_epoch=coord.target_epoch, leader=None)
        for m in row["members"]:
            rec = coord.members.get(m["member_id"])
            m.update(member_epoch=m.pop("generation"), client_state=m["phase"],
                     member_state=rec.state if rec else None,
                     target=[list(tp) for tp in coord.target.get(m["member_id"], [])],
                     pending_revocation=[list(tp) for tp in rec.pending_revocation] if rec else [])
        row["coordinator_members"] = [
            {"member_id": r.member_id, "client_id": r.client_id, "host": r.host, "member_epoch": r.member_epoch,
             "state": r.state, "partitions": [list(tp) for tp in r.assigned],
             "target": [list(tp) for tp in coord.target.get(r.member_id, [])]}
            for r in coord.members.values()]
        return row
