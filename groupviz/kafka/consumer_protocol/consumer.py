"""A consumer of KIP-848's protocol: the client half (Kafka 4.x `ConsumerMembershipManager`,
`AbstractMembershipManager`, `ConsumerHeartbeatRequestManager`).

One request, ConsumerGroupHeartbeat, every `group.consumer.heartbeat.interval.ms` (the interval the
coordinator returns), carrying the member epoch and the partitions the member owns. A new assignment is
reconciled on the client: the partitions no longer assigned are committed and revoked
(`onPartitionsRevoked`), the new ones assigned, and a heartbeat goes at once to acknowledge it. Fenced
(FENCED_MEMBER_EPOCH, UNKNOWN_MEMBER_ID): the member drops everything (`onPartitionsLost`) and rejoins
with epoch 0. Leaving sends epoch -1.

Client states, as `MemberState` names them: UNSUBSCRIBED, JOINING, RECONCILING, ACKNOWLEDGING, STABLE,
FENCED, LEAVING.
"""

from __future__ import annotations

from groupviz.kafka.consumer_protocol import coordinator as K
from groupviz.kafka.member import PartitionReader

JOINING, RECONCILING, ACKNOWLEDGING, STABLE, FENCED, LEAVING_PHASE = (
    "JOINING", "RECONCILING", "ACKNOWLEDGING", "STABLE", "FENCED", "LEAVING")
COMMIT_ROUND_TRIP_MS = 10     # commitSync of the revoked partitions before onPartitionsRevoked (2 x network)


class ModernConsumer(PartitionReader):
    """A member of a KIP-848 group. `generation` is its member epoch (what its commits carry)."""

    def __init__(self, group, member_id: str, color: int, rate: float, host: str):
        super().__init__(group, member_id, color, rate, host)
        self.phase = "UNSUBSCRIBED"
        self.generation = 0
        self._interval = int(group.config["group.consumer.heartbeat.interval.ms"])
        self._hb_timer = None
        self._next_target: list | None = None
        self._sent_owned: list | None = None     # sentFields.localAssignment

    # -- lifecycle -----------------------------------------------------------
    def start(self) -> None:
        self.phase = JOINING
        self._send_heartbeat()
        cfg = self.group.config
        self._after(self._rng.randrange(1, cfg["auto.commit.interval.ms"] + 1), self._auto_commit_tick)

    def _leave(self) -> None:
        """A heartbeat with member epoch -1 (after close() committed); a crash sends nothing: the coordinator
        notices after group.consumer.session.timeout.ms."""
        self.phase = LEAVING_PHASE
        self.group.send_heartbeat(self, K.LEAVE_GROUP_MEMBER_EPOCH, None, False)

    def rejoin(self) -> None:
        """Nothing to do: a KIP-848 member never rejoins to pick up a change; the coordinator reconciles it."""

    # -- heartbeats ------------------------------------------------------------
    def _send_heartbeat(self) -> None:
        if not self.alive:
            return
        # ConsumerHeartbeatRequestManager.HeartbeatState: every field when JOINING; afterwards the owned
        # partitions only when the local assignment changed since the last heartbeat (None: not sent)
        full = self.phase == JOINING
        owned = list(self.assigned) if full or self.assigned != self._sent_owned else None
        if owned is not None:
            self._sent_owned = list(owned)
        self.group.send_heartbeat(self, self.generation, owned, full)
        if self._hb_timer is not None:
            self._hb_timer.cancel()
        self._hb_timer = self.env.schedule(self._interval, self._send_heartbeat)
        self._timers = [t for t in self._timers if not t.cancelled and t.time > self.env.now]
        self._timers.append(self._hb_timer)

    def _auto_commit_tick(self) -> None:
        if not self.alive:
            return
        if self.group.config["enable.auto.commit"] and self.phase == STABLE:
            self._commit(self.assigned)
        self._after(self.group.config["auto.commit.interval.ms"], self._auto_commit_tick)

    def on_heartbeat(self, resp: dict) -> None:
        if not self.alive:
            return
        err = resp["error"]
        if err in (K.FENCED_MEMBER_EPOCH, K.UNKNOWN_MEMBER_ID):
            self._fenced(err)
            return
        if err != K.NONE:
            return
        self._interval = resp["heartbeat_interval_ms"]
        self.generation = resp["member_epoch"]
        if self.phase == JOINING:
            self.phase = STABLE
        if resp["assignment"] is not None:
            target = [tuple(tp) for tp in resp["assignment"]]
            if self.phase == RECONCILING:       # one reconciliation at a time; the newest target waits
                self._next_target = target
            else:
                self._reconcile(target)

    def _fenced(self, err: str) -> None:
        """AbstractMembershipManager.transitionToFenced: partitions lost, rejoin with epoch 0."""
        self.phase = FENCED
        self._next_target = None
        if self.assigned:
            self.group.event("lost", member_id=self.member_id, partitions=list(self.assigned), error=err)
        self.assigned, self.positions = [], {}
        self.generation = 0
        self.phase = JOINING
        self._send_heartbeat()

    # -- reconciliation ----------------------------------------------------------
    def _reconcile(self, target: list) -> None:
        """AbstractMembershipManager.maybeReconcile: revoke (after committing) what is no longer assigned,
        then assign what is new, then acknowledge with a heartbeat at once."""
        target_set = set(target)
        revoked = [tp for tp in self.assigned if tp not in target_set]
        self.phase = RECONCILING
        if revoked:
            self._commit(revoked)
            self._after(COMMIT_ROUND_TRIP_MS, lambda: self._complete(target, revoked))
        else:
            self._complete(target, [])

    def _complete(self, target: list, revoked: list) -> None:
        if not self.alive or self.phase != RECONCILING:
            return
        if revoked:
            for tp in revoked:
                self.positions.pop(tp, None)
            self.group.event("revoked", member_id=self.member_id, partitions=revoked, eager=False)
        owned = set(self.assigned)
        added = [tp for tp in target if tp not in owned]
        self.assigned = sorted(target)
        for tp in added:
            self.positions[tp] = self.group.start_offset(tp)
        if added or revoked:
            self.group.event("assigned", member_id=self.member_id, partitions=list(self.assigned), added=added,
                             generation=self.generation)
        self.phase = ACKNOWLEDGING
        self._send_heartbeat()
        self.phase = STABLE
        nxt, self._next_target = self._next_target, None
        if nxt is not None and nxt != self.assigned:
            self._reconcile(nxt)

    def on_commit(self, resp: dict) -> None:
        pass  # a STALE_MEMBER_EPOCH shows as an event; auto-commit retries on the next interval
