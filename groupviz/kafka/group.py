"""What the engine asks of any group, and the small world a group is given.

Every kind of group (a classic consumer group, a share group, and those later issues add) is a
`Group`: the engine adds and controls members, steps the group, changes its config and reads its
snapshot row, its describe view and its counts through this interface only, and never asks which kind
it holds. A kind is one class registered in one table (groupviz.engine.kinds).

A group does not see the engine. It gets a `GroupContext`: the simulated clock (now, schedule, every),
the event sink, the topic log, where results go back (the producer), and random streams derived from
the seed, one per component name (`ctx.rng("g1:consumer-3")` is `random.Random("7:g1:consumer-3")`).
"""

from __future__ import annotations

import random
from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Any, Callable, ClassVar, Protocol

from groupviz.errors import DomainError
from groupviz.kafka.describe import describe as describe_tool
from groupviz.kafka.log import Topic, Topics
from groupviz.kafka.member import ACTIVE, PAUSED


class Clock(Protocol):
    """The simulated clock (groupviz.engine.sim.Environment): integer milliseconds, a deterministic order."""

    now: int

    def schedule(self, delay: int, fn: Callable, *args, priority: int = ...) -> Any: ...

    def every(self, period: int, fn: Callable, *args, priority: int = ..., start: int | None = ...) -> Any: ...


class ResultSink(Protocol):
    """Where results go back: the seed's "the winner sends the result back to the producer"."""

    def on_results(self, group_id: str, n: int, unique: int, latencies: list) -> None: ...

    def on_no_result(self, group_id: str, n: int) -> None: ...


@dataclass(frozen=True)
class GroupContext:
    clock: Clock
    topic: Topic
    emit: Callable[..., None]        # emit(type_, **fields): one event, numbered and narrated by the engine
    results: ResultSink
    seed: int
    #: Every topic of the cluster (creation order); `topic` is the first, the default one. None: just `topic`.
    topics: Topics | None = None

    def __post_init__(self):
        if self.topics is None:
            object.__setattr__(self, "topics", Topics(self.topic))

    def rng(self, name: str) -> random.Random:
        """The random stream of one component: the same seed and name give the same draws, in any process."""
        return random.Random(f"{self.seed}:{name}")


#: The add_group fields only a Flink job takes, refused with this reason by the Kafka kinds.
FLINK_FIELDS = {name: f"'{name}' is only for a Flink job (type \"flink\")" for name in ("parallelism", "sink")}


class Group(ABC):
    """One group as the engine sees it. `consumers` maps member id to a member with `state`, `rate`,
    `alive`; a kind keeps whatever else it needs to itself."""

    #: The snapshot's `type` and the `add_group` command's `type` for this kind.
    kind: ClassVar[str]
    #: How the narration tells this kind's events apart (the events' `protocol` field).
    narration_protocol: ClassVar[str]

    #: Kafka's client setting `group.protocol` for this kind ("classic" or "consumer"); None for kinds
    #: that have no such choice. The kinds table is keyed by (kind, group_protocol).
    group_protocol: ClassVar[str | None] = None

    #: Fields of a group spec (add_group, scenarios) this kind does not take, with the reason a student reads.
    foreign_fields: ClassVar[dict[str, str]] = {}

    #: Whether a member may subscribe to topics of its own (add_consumer's `topics` / `topic_pattern`);
    #: a kind that reads only the first topic leaves it False and is handed no subscription.
    takes_subscriptions: ClassVar[bool] = False

    group_id: str
    consumers: dict
    config: dict
    assignor: str

    # -- building ---------------------------------------------------------
    @classmethod
    @abstractmethod
    def create(cls, ctx: GroupContext, group_id: str, spec: dict) -> "Group":
        """A new group from a scenario's or an add_group command's fields (assignor, competition, config...)."""

    @abstractmethod
    def identity(self) -> dict:
        """What names this group's way of sharing work, for its `group_added` event: {"assignor": ...} or ..."""

    # -- members ----------------------------------------------------------
    @abstractmethod
    def add_consumer(self, member_id: str, color: int, rate: float, host: str):
        """A new member starts (and joins the way its kind joins)."""

    @abstractmethod
    def kill(self, member) -> None:
        """A crash: no leave request; the coordinator notices when the member's session times out."""

    def check_member_op(self, op: str, member=None) -> None:
        """Raise DomainError if this kind does not take `op` (add_consumer, kill_consumer, stop_consumer) on
        `member`: asked before the engine records anything, so a refusal changes nothing."""

    def check_instance_id(self, instance_id: str) -> str | None:
        """Raise DomainError if a new member may not take this group.instance.id (static membership, KIP-345);
        else the member id of the running member it will fence, or None."""
        raise DomainError(f"{self.group_id} is a {self.kind} group: group.instance.id (static membership) is "
                          f"modelled for classic consumer groups only")

    def restart(self, member, down_ms: int) -> None:
        """Bounce the member's process: it is down for `down_ms`, then starts again (restart_consumer)."""
        raise DomainError(f"restart_consumer: {self.group_id} is a {self.kind} group; bouncing a process is "
                          f"modelled for classic consumer groups only")

    def partition(self, member, ms: int) -> None:
        """A network partition between the member and its coordinator for `ms` (partition_consumer)."""
        raise DomainError(f"partition_consumer: {self.group_id} is a {self.kind} group; a partition from the "
                          f"coordinator is modelled for classic consumer groups only")

    def rescale(self, parallelism: int) -> None:
        """Change the group's parallelism (set_parallelism): only a kind with a parallelism has one to change."""
        raise DomainError(f"{self.group_id} is a {self.kind} group: only a Flink job (type \"flink\") has a "
                          f"parallelism to change; a group grows with add_consumer")

    def stop(self, member) -> None:
        """A graceful stop: commit or acknowledge what it can, then leave."""
        member.close()

    def pause(self, member) -> None:
        if member.state == PAUSED:
            raise DomainError(f"{member.member_id} is already paused")
        member.state = PAUSED

    def resume(self, member) -> None:
        if member.state != PAUSED:
            raise DomainError(f"{member.member_id} is not paused")
        member.state = ACTIVE

    def set_rate(self, member, rate: float) -> None:
        member.rate = rate

    def _no_application(self, op: str):
        return DomainError(f"{op}: {self.group_id} is a {self.kind} group ({self.narration_protocol}); the "
                           "application's poll loop, processing time and commits are modelled for classic "
                           "consumer groups (type \"consumer\", group_protocol \"classic\") only")

    def stall(self, member, ms: int) -> None:
        """The member's application blocks for `ms` without calling poll() (classic groups)."""
        raise self._no_application("stall_consumer")

    def set_processing_ms(self, member, ms: int) -> None:
        """Processing time per record of the member's application (classic groups)."""
        raise self._no_application("set_processing_ms")

    def set_commit_mode(self, mode: str, listener_commits: bool | None = None) -> None:
        """How the applications commit: auto | sync | async | none, and a listener committing on revoke."""
        raise self._no_application("set_commit_mode")

    def set_ack_type(self, member, ack_type: str) -> None:
        """set_ack_type: only a share group's members acknowledge records one by one (KIP-932)."""
        raise DomainError(f"{self.group_id} is a {self.kind} group: only share-group members acknowledge records "
                          "(ACCEPT, RELEASE, REJECT); a consumer group commits offsets")

    # -- the group --------------------------------------------------------
    @abstractmethod
    def poll(self, quantum_ms: int) -> None:
        """One quantum of work: every member fetches and processes what its capacity allows."""

    @abstractmethod
    def set_assignor(self, assignor: str) -> None:
        """Switch the partition assignor (or refuse with a DomainError where the kind has none to set)."""

    @abstractmethod
    def check_config(self, config: dict) -> dict:
        """The group's config with `config` applied, checked against Kafka's names and ranges (DomainError)."""

    @abstractmethod
    def apply_config(self, merged: dict, changes: dict) -> None:
        """Take the checked config; `changes` holds the keys whose values changed."""

    @abstractmethod
    def partitions_added(self) -> None:
        """The topic grew: react the way this kind notices new partitions."""

    def check_subscription(self, subscription, change: bool = False) -> None:
        """Raise DomainError if a member of this group may not subscribe to `subscription` (add_consumer's
        `topics` / `topic_pattern`, or, with `change`, set_subscription)."""
        if not self.takes_subscriptions:
            raise DomainError(f"{self.group_id} is a {self.kind} group: here it reads only the first topic, "
                              f"so its members take no 'topics' or 'topic_pattern'")

    def topic_names(self) -> list[str] | None:
        """The topics the group reads, or None for just the first topic."""
        return None

    def topic_partitions_added(self, name: str) -> None:
        """A topic other than the first grew (add_partitions with `topic`); kinds on the first topic ignore it."""

    def topic_added(self, name: str) -> None:
        """A topic was created (add_topic): members whose pattern matches it notice on their metadata refresh.
        Kinds that read only the first topic ignore it."""

    def rebalance_protocol(self) -> str | None:
        """How the group rebalances (eager, cooperative, consumer), or None for a kind without rebalances."""
        return None

    def sample_broker_offsets(self) -> None:
        """Remember recent log end offsets (Burrow's STOP rule); kinds without a lag status skip it."""

    # -- what the engine reads ---------------------------------------------
    @property
    @abstractmethod
    def epoch(self) -> int:
        """The generation (classic) or group epoch (share): it changes whenever membership changes."""

    @abstractmethod
    def snapshot(self) -> dict:
        """The group's row of the snapshot (docs/wire.md)."""

    def describe_view(self) -> dict:
        """What Kafka's describe tool sees of the group (by default the snapshot row)."""
        return self.snapshot()

    def describe(self, view: str) -> dict:
        """The describe panel's {"command", "output"} for `view` (offsets, members, state): by default what
        Kafka's tool prints for `describe_view()`; a kind no Kafka tool knows prints its own, labelled."""
        return describe_tool(self.describe_view(), view)

    @abstractmethod
    def model_counts(self) -> dict[str, int]:
        """Per member, what the seed's probability model counts as a win."""

    @abstractmethod
    def results_sent(self) -> int:
        """Results this group has put on the reply path to the producer."""

    @abstractmethod
    def check_invariants(self, log_end_offsets: dict, seen: dict, owners_seen: dict | None = None) -> None:
        """Raise InvariantViolation (groupviz.errors) if this group is in a state its protocol does not allow.
        `seen` carries what earlier checks saw (offsets that must not go backwards), updated in place."""

    @abstractmethod
    def sample_metrics(self) -> dict:
        """Per-member lag and throughput, per-partition lag: one point of the charts' history."""
