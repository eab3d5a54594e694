"""A consumer of the classic protocol: the client half of the group.

Models what `KafkaConsumer` + `ConsumerCoordinator` do: JoinGroup / SyncGroup
(the leader runs the assignor), a heartbeat every `heartbeat.interval.ms`,
auto-commit every `auto.commit.interval.ms`, eager revocation of everything
before rejoining (range, roundrobin, sticky) or cooperative revocation of only
the partitions that move, followed by an immediate second rejoin
(cooperative-sticky, KIP-429). Processing is a budget of `rate` records per
second over the owned partitions, taken in offset ranges.
"""

from __future__ import annotations

from groupviz.kafka.classic import coordinator as C
from groupviz.kafka.assignors import REBALANCE_PROTOCOLS, assign
from groupviz.kafka.classic.coordinator import UNKNOWN_MEMBER, JoinGroup
from groupviz.kafka.classic.pollloop import PollLoop
from groupviz.kafka.member import PartitionReader

RETRY_BACKOFF_MS = 100  # retry.backoff.ms


class Consumer(PollLoop, PartitionReader):
    """A member of a classic group: joins through the coordinator, owns the partitions its leader assigned;
    its application polls, processes and commits (PollLoop)."""

    instance_id: str | None = None      # group.instance.id: a static member (KIP-345)
    fresh = True                        # a process that has no member id yet: its JoinGroup carries none
    join_reason: tuple | None = None    # the next JoinGroup's reason (KIP-800), e.g. a metadata change
    last_commit_error: str | None = None

    def __init__(self, group, member_id: str, color: int, rate: float, host: str):
        super().__init__(group, member_id, color, rate, host)
        self.phase = "unjoined"      # unjoined | joining | syncing | stable
        self.prev_assignment: list[tuple[str, int]] = []
        self.prev_generation = -1
        self._init_poll_loop()

    # -- lifecycle --------------------------------------------------------
    def start(self) -> None:
        self._send_join()
        cfg = self.group.config
        self._after(self._rng.randrange(1, cfg["heartbeat.interval.ms"] + 1), self._heartbeat_tick)
        # auto-commit runs inside poll(): the first one once this much time has passed (each client its own phase)
        self.next_auto_commit_ms = self.env.now + self._rng.randrange(1, cfg["auto.commit.interval.ms"] + 1)

    def _leave(self) -> None:
        """LeaveGroup (after close() committed); a crash sends nothing: the coordinator notices after
        session.timeout.ms. A static member sends none either (AbstractCoordinator.maybeLeaveGroup)."""
        if self.instance_id is not None:
            self.group._stopped(self.assigned)
            return
        self.group.to_coordinator(self.group.leave_arrived, self.member_id)

    @property
    def cooperative(self) -> bool:
        return REBALANCE_PROTOCOLS[self.group.assignor] == "cooperative"

    # -- timers -----------------------------------------------------------
    def _heartbeat_tick(self) -> None:
        if not self.alive:
            return
        if self.phase in ("syncing", "stable"):
            self.group.to_coordinator(self.group.coordinator.handle_heartbeat, self.member_id, self.generation)
        self._after(self.group.config["heartbeat.interval.ms"], self._heartbeat_tick)

    # -- the rebalance protocol (client side) -----------------------------
    def _send_join(self) -> None:
        self.phase = "joining"
        assignor = self.group.assignor
        if self.cooperative:
            owned, owned_gen = list(self.assigned), self.generation
        elif assignor == "sticky":
            # StickyAssignor encodes the previous assignment + generation in userData.
            owned, owned_gen = list(self.prev_assignment), self.prev_generation
        else:
            owned, owned_gen = [], -1
        cfg = self.group.config
        topics = self.group.subscriptions.topics_of(self.member_id)
        req = JoinGroup(UNKNOWN_MEMBER if self.fresh else self.member_id, self.client_id, self.host, assignor,
                        topics, owned, owned_gen, int(cfg["session.timeout.ms"]),
                        int(cfg["max.poll.interval.ms"]), self.instance_id, self.join_reason)
        self.join_reason = None
        self.group.to_coordinator(self.group.coordinator.handle_join, req)

    def rejoin(self) -> None:
        """ConsumerCoordinator.onJoinPrepare, then JoinGroup: with auto-commit on, commit what was consumed
        (both protocols); eager protocols then revoke everything (onPartitionsRevoked: a listener may commit)."""
        if self.auto_commit:
            self._commit(self.assigned, "auto")
        elif not self.cooperative and self.group.listener_commits:
            self._commit(self.assigned, "revoke")
        if not self.cooperative:
            if self.assigned:
                self.group.event("revoked", member_id=self.member_id, partitions=list(self.assigned), eager=True)
            self.assigned = []
            self.positions = {}
        self._send_join()

    def _lose_all(self) -> None:
        """onPartitionsLost: the generation is gone, so nothing may be committed."""
        if self.assigned:
            self.group.event("lost", member_id=self.member_id, partitions=list(self.assigned))
        self.assigned = []
        self.positions = {}
        self.generation = -1

    def on_join(self, resp: dict) -> None:
        if not self.alive:
            return
        err = resp["error"]
        if err != C.NONE:
            if err in (C.UNKNOWN_MEMBER_ID, C.ILLEGAL_GENERATION):
                self._lose_all()
            self._after(RETRY_BACKOFF_MS, self._send_join)
            return
        self.generation = resp["generation"]
        self.fresh = False
        self.phase = "syncing"
        assignments = None
        if resp["members"]:
            assignments = self._run_assignor(resp["members"], resp["protocol_name"])
        self.group.to_coordinator(self.group.coordinator.handle_sync, self.member_id, self.generation, assignments)

    def _run_assignor(self, members: list[dict], assignor: str) -> dict:
        subscriptions = {m["member_id"]: m["topics"] for m in members}
        # the leader's metadata: every topic some member subscribes to (ConsumerCoordinator's groupSubscription)
        partitions = self.group.topics.counts(sorted({t for m in members for t in m["topics"]}))
        owned = {m["member_id"]: [tuple(tp) for tp in m["owned"]] for m in members}
        generations = {m["member_id"]: m["owned_generation"] for m in members}
        if assignor in ("range", "roundrobin"):
            return assign(assignor, subscriptions, partitions)
        return assign(assignor, subscriptions, partitions, owned, generations)

    def on_sync(self, resp: dict) -> None:
        if not self.alive:
            return
        err = resp["error"]
        if err == C.REBALANCE_IN_PROGRESS:
            self.rejoin()
            return
        if err != C.NONE:
            self._lose_all()
            self._after(RETRY_BACKOFF_MS, self._send_join)
            return
        new = [tuple(tp) for tp in resp["assignment"]]
        new_set = set(new)
        revoked = [tp for tp in self.assigned if tp not in new_set]
        kept = set(self.assigned)
        added = [tp for tp in new if tp not in kept]
        if revoked:
            # cooperative: onPartitionsRevoked for what moved (Kafka does not auto-commit here; a listener
            # may commit), then rejoin at once
            if self.group.listener_commits:
                self._commit(revoked, "revoke")
            for tp in revoked:
                self.positions.pop(tp, None)
            self.group.event("revoked", member_id=self.member_id, partitions=revoked, eager=False)
        self.assigned = sorted(new)
        for tp in added:
            self.positions[tp] = self.group.start_offset(tp)
        self.prev_assignment, self.prev_generation = list(self.assigned), self.generation
        self.phase = "stable"
        if self.auto_commit:    # onJoinComplete: "Reschedule the auto commit starting from now"
            self.next_auto_commit_ms = self.env.now + int(self.group.config["auto.commit.interval.ms"])
        self.group.event("assigned", member_id=self.member_id, partitions=list(self.assigned), added=added,
                         generation=self.generation)
        if revoked and self.cooperative:
            self._send_join()

    def on_heartbeat(self, resp: dict) -> None:
        if not self.alive:
            return
        err = resp["error"]
        if err == C.REBALANCE_IN_PROGRESS:
            if self.phase == "stable":
                self.request_rejoin()      # the heartbeat thread asks; the application rejoins in poll()
        elif err in (C.ILLEGAL_GENERATION, C.UNKNOWN_MEMBER_ID):
            if self.phase in ("stable", "syncing"):
                if self.busy:
                    self._reset_generation()    # partitions lost at the next poll
                else:
                    self._lose_all()
                    self._send_join()
