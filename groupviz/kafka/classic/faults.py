"""What happens to a classic group's members from outside the protocol: a process bounced
(`restart_consumer`), a network partition between a member and the coordinator (`partition_consumer`),
and a consumer fenced by another process with its `group.instance.id` (the leader's metadata refresh that
notices new partitions is in metadata.py).

Followed (Kafka 4.x clients): `AbstractCoordinator.maybeLeaveGroup` (only a dynamic member sends
LeaveGroup on close; a static one lets its session run out or comes back in time), the heartbeat thread
that keeps a zombie processing while its heartbeats do not arrive (`HeartbeatThread`: the session
timeout only marks the coordinator unknown). A mixin of `ConsumerGroup`.
"""

from __future__ import annotations

from groupviz.errors import DomainError
from groupviz.kafka.member import ACTIVE

RESTARTING = "restarting"       # a member state: the process is down, to start again (docs/wire.md)


class MembershipFaults:
    """ConsumerGroup methods; `self` is the group (consumers, coordinator, env, topic, config, event)."""

    #: Whether this kind takes restart_consumer, partition_consumer and group.instance.id (classic only).
    membership_faults = True

    def _faults_init(self) -> None:
        self.partitioned: dict[str, int] = {}        # member id -> when its network partition heals
        self.zombie_records = 0                      # records processed by members the coordinator expelled
        self.zombie_by_member: dict[str, int] = {}
        self.unsent_commits: dict[str, tuple] = {}   # member id -> its last OffsetCommit lost in a partition

    # -- checks (before anything changes) ----------------------------------
    def _faults_check(self, op: str, c=None) -> None:
        if not self.membership_faults:
            raise DomainError(f"{op}: {self.group_id} uses the consumer protocol (KIP-848); "
                              f"{'group.instance.id' if c is None else op} is modelled for classic groups only")
        if c is not None and c.member_id in self.partitioned:
            raise DomainError(f"{op}: {c.member_id} is cut off from the coordinator until "
                              f"{self.partitioned[c.member_id]} ms; wait for the partition to heal")

    def check_instance_id(self, instance_id: str) -> str | None:
        """add_consumer's group.instance.id, checked before anything is added: the running member it will fence
        (Kafka's classic coordinator lets the newcomer take the instance id; the old one gets FENCED_INSTANCE_ID
        on its next request, a fatal error), or None. Refused while the holder is restarting: it comes back
        with that id and would fence the newcomer in turn."""
        self._faults_check("add_consumer")
        for c in self.consumers.values():
            if getattr(c, "instance_id", None) != instance_id:
                continue
            if c.state == RESTARTING:
                raise DomainError(f"group.instance.id '{instance_id}' belongs to {c.member_id}, which is restarting "
                                  f"and will rejoin with it (then fencing a newcomer with FENCED_INSTANCE_ID); "
                                  f"pick another instance id")
            if c.alive:
                return c.member_id
        return None

    # -- restart_consumer ---------------------------------------------------
    def restart(self, c, down_ms: int) -> None:
        """close() then a new process after `down_ms`: a static member sends no LeaveGroup."""
        self._faults_check("restart_consumer", c)
        static = getattr(c, "instance_id", None) is not None
        self.event("consumer_restarting", member_id=c.member_id, instance_id=getattr(c, "instance_id", None),
                   down_ms=down_ms, static=static, session_timeout_ms=int(self.config["session.timeout.ms"]))
        self._stopped(c.assigned)
        c._commit(c.assigned)               # close() commits what was consumed (auto-commit on)
        for t in c._timers:
            t.cancel()
        if not static:
            c._leave()                       # AbstractCoordinator.maybeLeaveGroup: dynamic members only
        c.state = RESTARTING
        c.incarnation = getattr(c, "incarnation", 0) + 1     # answers on their way were for the old process
        c.assigned, c.positions, c.generation, c.phase = [], {}, -1, "unjoined"
        c.prev_assignment, c.prev_generation = [], -1     # a new process remembers nothing
        self.env.schedule(down_ms, self._restarted, c)

    def _restarted(self, c) -> None:
        if self.consumers.get(c.member_id) is not c or c.state != RESTARTING:
            return
        c.state = ACTIVE
        c.fresh = True                      # its JoinGroup carries no member id
        self.metadata_clock[c.member_id] = self.env.now
        self.event("consumer_restarted", member_id=c.member_id, instance_id=getattr(c, "instance_id", None))
        c.start()

    # -- partition_consumer -------------------------------------------------
    def partition(self, c, ms: int) -> None:
        """Requests and responses between `c` and the coordinator are lost for `ms`; fetching goes on."""
        self._faults_check("partition_consumer", c)
        self.partitioned[c.member_id] = self.env.now + ms
        self.event("consumer_partitioned", member_id=c.member_id, ms=ms,
                   session_timeout_ms=int(self.config["session.timeout.ms"]))
        self.env.schedule(ms, self._healed, c.member_id)

    def _healed(self, member_id: str) -> None:
        commit = self.unsent_commits.pop(member_id, None)
        if self.partitioned.pop(member_id, None) is None or member_id not in self.consumers:
            return
        self.event("consumer_healed", member_id=member_id, expelled=member_id not in self.coordinator.members)
        c = self.consumers[member_id]
        if commit is not None and c.alive:
            # the commit it kept retrying goes first, with the generation it still has: if it was expelled, the
            # coordinator answers UNKNOWN_MEMBER_ID (ClassicGroup.validateOffsetCommit): CommitFailedException
            self.to_coordinator(self.commit_arrived, *commit)
        if c.alive and c.phase in ("joining", "syncing"):
            # its JoinGroup or SyncGroup (or the answer) was lost: the request timed out, the client found the
            # coordinator again and joins again (AbstractCoordinator.joinGroupIfNeeded)
            c._send_join()

    def cut_off(self, member_id: str) -> bool:
        return member_id in self.partitioned

    def is_zombie(self, c) -> bool:
        """Still processing partitions the coordinator no longer gives it (expelled, not told yet). A member
        that left on its own poll timeout knows it left (generation -1; it gives its partitions up at its next
        poll): it is not a zombie."""
        return (bool(c.assigned) and c.alive and c.generation >= 0
                and c.member_id not in self.coordinator.members)

    # -- fencing ------------------------------------------------------------
    def fence(self, c) -> None:
        """FENCED_INSTANCE_ID is fatal to the client: the consumer stops, its partitions stay with the member
        that took its instance id."""
        self.event("consumer_fenced", member_id=c.member_id, instance_id=getattr(c, "instance_id", None))
        c.crash()
        c.assigned, c.positions = [], {}
        self.consumers.pop(c.member_id, None)
