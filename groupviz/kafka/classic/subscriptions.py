"""What each member of a consumer group subscribes to, and how a change reaches the group.

A member subscribes to a list of topics or to a pattern (groupviz.kafka.subscription); without either it
reads the first topic, as every member did before topics could be added. The topics a member joins with
are its subscription resolved against the topics its client knows (`topics_of`).

How a change reaches a classic group, after Kafka's `ConsumerCoordinator`:
- `subscribe()` with a new list changes the subscription at once; the next `poll()` sees that the
  subscription differs from the one it joined with (`rejoinNeededOrPending`: "subscription has changed
  since joining") and rejoins; the coordinator, seeing new metadata from a known member of a Stable
  group, starts a rebalance.
- a topic created later that matches a member's pattern is found on that member's next metadata refresh
  (`updatePatternSubscription` on a metadata update), every `metadata.max.age.ms` at the member's own
  phase; Kafka's default is 300000 ms (five minutes), the classroom default METADATA_REFRESH_MS below,
  and the group's config wins if it names `metadata.max.age.ms`.
"""

from __future__ import annotations

from groupviz.kafka.subscription import Subscription

#: Classroom default for `metadata.max.age.ms` (Kafka: 300000): how often a client refreshes its metadata.
METADATA_REFRESH_MS = 5000
REJOIN_CHECK_MS = 100     # a member mid-join checks again after this (retry.backoff.ms)


class GroupSubscriptions:
    def __init__(self, group):
        self.group = group
        self._subs: dict[str, Subscription] = {}
        self._joined_with: dict[str, list[str]] = {}     # member -> topics its client currently subscribes to

    # -- what a member reads -------------------------------------------------
    def set(self, member_id: str, sub: Subscription | None) -> None:
        """A member's subscription (None: the first topic); its client resolves it at once."""
        if sub is None:
            self._subs.pop(member_id, None)
            self._joined_with.pop(member_id, None)
            return
        self._subs[member_id] = sub
        self._joined_with[member_id] = sub.resolve(self.group.topics.names())

    def topics_of(self, member_id: str) -> list[str]:
        """The topics this member's JoinGroup / heartbeat names."""
        got = self._joined_with.get(member_id)
        return [self.group.topic.name] if got is None else list(got)

    def describe(self, member_id: str) -> dict | None:
        sub = self._subs.get(member_id)
        return None if sub is None else sub.describe()

    def in_view(self) -> list[str]:
        """Topics some current member subscribes to, in creation order (the default topic if none)."""
        wanted = set()
        for mid in self.group.consumers:
            wanted.update(self.topics_of(mid))
        names = [n for n in self.group.topics.names() if n in wanted]
        return names or [self.group.topic.name]

    # -- changes ------------------------------------------------------------
    def changed(self, member_id: str) -> None:
        """The member's subscription changed: its next poll rejoins if it differs from what it joined with."""
        g = self.group
        c = g.consumers.get(member_id)
        if c is None or not c.alive:
            return
        meta = g.coordinator.members.get(member_id)
        joined = list(meta.topics) if meta is not None else None
        if c.phase == "stable":
            if joined != self.topics_of(member_id):
                c.rejoin()
        else:                   # mid-join: look again once the join is done
            g.env.schedule(REJOIN_CHECK_MS, self.changed, member_id)

    def topic_added(self, name: str) -> None:
        """Members whose pattern matches `name` find it on their next metadata refresh."""
        g = self.group
        period = int(g.config.get("metadata.max.age.ms", METADATA_REFRESH_MS))
        for mid, sub in self._subs.items():
            if sub.pattern is None or name not in sub.resolve([name]):
                continue
            phase = g.ctx.rng(f"{g.group_id}:{mid}:metadata").randrange(period)
            wait = (phase - g.env.now) % period or period
            g.env.schedule(wait, self._refresh, mid)

    def _refresh(self, member_id: str) -> None:
        sub = self._subs.get(member_id)
        c = self.group.consumers.get(member_id)
        if sub is None or c is None or not c.alive:
            return
        now = sub.resolve(self.group.topics.names())
        if now != self._joined_with.get(member_id):
            self._joined_with[member_id] = now
            self.group.event("subscription_updated", member_id=member_id, topics=now, pattern=sub.pattern)
            self.changed(member_id)
