"""What a classic group's members read and how the group learns that it changed: the topics of the
members' subscriptions (lists or patterns, kept by subscriptions.GroupSubscriptions), the partitions the
group's rows show, and the leader's metadata refresh that notices new partitions (`metadata.max.age.ms`).

Followed (Kafka 4.x clients): `ConsumerCoordinator.rejoinNeededOrPending` (the leader rejoins when its
metadata snapshot differs from the one it assigned with) and `Metadata` / `metadata.max.age.ms`: the
coordinator does not watch topics, the leader finds new partitions at its next refresh, every
metadata.max.age.ms since its client started. A mixin of `ConsumerGroup` (a KIP-848 group overrides
partitions_added and topic_added: its coordinator notices at once).
"""

from __future__ import annotations

from groupviz.kafka.classic.messages import STABLE, reason
from groupviz.kafka.member import ACTIVE, PAUSED

METADATA_MAX_AGE = "metadata.max.age.ms"


class TopicMetadata:
    """ConsumerGroup methods; `self` is the group (consumers, coordinator, subscriptions, topics, config, env)."""

    def _metadata_init(self) -> None:
        self.metadata_clock: dict[str, int] = {}     # member id -> when its client last fetched metadata
        self._refresh_timer = None

    # -- topics and subscriptions ------------------------------------------
    def topic_partitions_added(self, name: str) -> None:
        """A topic other than the first grew: if some member subscribes to it, the leader notices at its next
        metadata refresh, as for the first topic (partitions_added below)."""
        if name in self.subscriptions.in_view():
            self._schedule_leader_refresh(announce=True)

    def topic_added(self, name: str) -> None:
        self.subscriptions.topic_added(name)

    def topic_names(self) -> list[str]:
        return self.subscriptions.in_view()

    def set_subscription(self, member, subscription) -> None:
        """The application called subscribe() again: the next poll rejoins if the topics differ."""
        self.subscriptions.set(member.member_id, subscription)
        self.subscriptions.changed(member.member_id)

    def view_partitions(self):
        """The partitions the group's rows show: those of the topics its members subscribe to."""
        if len(self.topics) == 1:
            return self.topic.partitions
        return [p for name in self.subscriptions.in_view() for p in self.topics.get(name).partitions]

    # -- the leader's metadata refresh ---------------------------------------
    def _refresh_due(self, member_id: str) -> int:
        """When the member's client next refreshes metadata: every metadata.max.age.ms since it started."""
        age = int(self.config[METADATA_MAX_AGE])
        start = self.metadata_clock.get(member_id, 0)
        elapsed = self.env.now - start
        return start + (elapsed // age + 1) * age

    def partitions_added(self) -> None:
        """The coordinator does not watch topics: the leader notices at its next metadata refresh."""
        self._schedule_leader_refresh(announce=True)

    def _schedule_leader_refresh(self, announce: bool = False) -> None:
        leader = self.coordinator.leader
        if leader is None or self._refresh_timer is not None:
            return
        due = self._refresh_due(leader)
        if announce:
            self.event("metadata_refresh_scheduled", member_id=leader, at_ms=due,
                       max_age_ms=int(self.config[METADATA_MAX_AGE]))
        self._refresh_timer = self.env.schedule(due - self.env.now, self._leader_refresh, leader)

    def _leader_refresh(self, member_id: str) -> None:
        """ConsumerCoordinator.rejoinNeededOrPending: metadata no longer matches the leader's assignment."""
        self._refresh_timer = None
        coord = self.coordinator
        assigned = {tp for m in coord.members.values() for tp in m.assignment}
        if all(p.tp in assigned for p in self.view_partitions()):
            return      # a rebalance assigned them meanwhile (the leader's assignor reads fresh metadata)
        c = self.consumers.get(member_id)
        ready = (coord.leader == member_id and coord.state == STABLE and c is not None
                 and c.state in (ACTIVE, PAUSED) and c.phase == "stable" and not self.cut_off(member_id))
        if not ready:   # another leader, a rebalance under way, or cut off: look again at the next refresh
            self._schedule_leader_refresh()
            return
        grown = next((p.tp[0] for p in self.view_partitions() if p.tp not in assigned), self.topic.name)
        c.join_reason = reason("metadata", member=member_id, topic=grown, n=len(self.topics.get(grown).partitions))
        c.rejoin()
