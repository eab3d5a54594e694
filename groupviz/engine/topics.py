"""The engine's topic commands: several topics, the producer's rate per topic, consumers' subscriptions.

A run starts with one topic (its scenario's); `add_topic {name, partitions, rate?}` creates more, each
with its own log and its own producer rate (`set_producer_rate {rate, topic?}`; without `topic`, the
first topic's, as before). A consumer of a classic group may subscribe to topics of its own
(`add_consumer {topics}` or `{topic_pattern}`) and change them (`set_subscription`); see
groupviz.kafka.classic.subscriptions for how a change reaches the group. Share groups and Flink jobs read
the first topic only; a KIP-848 group takes a list of topics when its member joins.
"""

from __future__ import annotations

from groupviz.engine import commands
from groupviz.errors import CommandError
from groupviz.kafka.log import Topic, Topics
from groupviz.kafka.producer import Producer
from groupviz.kafka.subscription import Subscription, check_topic_name


class TopicOps:
    """Mixed into Engine: `self.topics`, `self.producers` (topic name -> Producer; the first is `self.producer`)."""

    def _build_topics(self, spec: dict, seed: int) -> None:
        self.topic = Topic(spec["topic"], spec["partitions"])
        self.topics = Topics(self.topic)
        self.producer = Producer(self.topic, seed, spec["producer_rate"], limit=spec.get("producer_limit"))
        self.producers = {self.topic.name: self.producer}

    def _new_topic(self, name: str, partitions: int, rate: float) -> None:
        """A topic and its producer (the first producer's keys; its own random streams)."""
        topic = Topic(name, partitions)
        producer = Producer(topic, self.seed, rate, name=f"producer:{name}")
        keys = self.producer
        producer.set_keys(keys.key_mode, keys.key_count, keys.hot_share)
        self.topics.add(topic)
        self.producers[name] = producer

    def _topic_named(self, name: str | None) -> Topic:
        topic = self.topic if name is None else self.topics.get(name)
        if topic is None:
            raise CommandError(f"no topic '{name}'; topics: {', '.join(self.topics.names())}")
        return topic

    def _subscription(self, topics=None, topic_pattern=None) -> Subscription | None:
        if topics is not None:
            missing = [t for t in topics if t not in self.topics]
            if missing:
                raise CommandError(f"no topic {', '.join(repr(t) for t in missing)}; topics: "
                                   f"{', '.join(self.topics.names())} (create one with add_topic)")
            return Subscription(topics=topics)
        return None if topic_pattern is None else Subscription(pattern=topic_pattern)

    # -- commands -----------------------------------------------------------
    def _op_add_topic(self, name, partitions, rate=0.0):
        if len(self.topics) >= commands.MAX_TOPICS:
            raise CommandError(f"at most {commands.MAX_TOPICS} topics are allowed")
        check_topic_name(name, self.topics.names())
        self._check_total_partitions(partitions)
        self._new_topic(name, partitions, rate)
        self.event("topic_added", topic=name, partitions=partitions, rate=float(rate))
        for g in self.groups.values():
            g.topic_added(name)
        return {"topic": name, "partitions": partitions, "rate": float(rate)}

    def _set_topic_rate(self, rate, topic):
        self.producers[self._topic_named(topic).name].rate = rate
        self.event("producer_rate", rate=rate, topic=topic)
        return {"rate": rate, "topic": topic}

    def _check_total_partitions(self, more: int) -> None:
        if self.topics.total_partitions() + more > commands.MAX_TOTAL_PARTITIONS:
            raise CommandError(f"the topics have {self.topics.total_partitions()} partitions; at most "
                               f"{commands.MAX_TOTAL_PARTITIONS} are allowed across all topics")

    def _op_set_subscription(self, member_id, topics=None, topic_pattern=None):
        g, c = self._live_consumer(member_id)
        sub = self._subscription(topics, topic_pattern)
        g.check_subscription(sub, change=True)
        g.set_subscription(c, sub)
        self.event("subscription_changed", group_id=g.group_id, member_id=member_id, **sub.describe())
        return {"member_id": member_id, **sub.describe()}

    # -- the view -------------------------------------------------------------
    def _topics_snapshot(self) -> list[dict]:
        return [t.snapshot() for t in self.topics]

    def _producer_snapshot(self) -> dict:
        sent = {gid: g.results_sent() for gid, g in self.groups.items()}
        if len(self.producers) == 1:    # one topic: the snapshot as it always was
            return self.producer.snapshot(list(self.groups), sent)
        produced = {name: p.produced for name, p in self.producers.items()}
        by_group = {gid: sum(produced[t] for t in (g.topic_names() or [self.topic.name]))
                    for gid, g in self.groups.items()}
        snap = self.producer.snapshot(list(self.groups), sent, by_group)
        snap["produced"] = sum(produced.values())
        snap["topics"] = {name: {"rate": p.rate, "produced": p.produced} for name, p in self.producers.items()}
        return snap
