"""Real librdkafka clients, one per child process (worker.py): a consumer, the producer, the monitor.

Each reports what Kafka told it, on stdout (worker.Pipe): a consumer its member id, generation and
assignment from its own rebalance callbacks (on_assign, on_revoke, on_lost) and its throughput; the
producer what it sent; the monitor log end offsets (list_offsets), committed offsets
(list_consumer_group_offsets with explicit partitions) and, where the broker has DescribeGroups,
describe_consumer_groups.
"""

from __future__ import annotations

import os
import random
import time
from collections import deque

from confluent_kafka import Consumer, KafkaException, Producer, TopicPartition
from confluent_kafka.admin import AdminClient, OffsetSpec

from groupviz.realkafka.worker import generation_of

REPORT_S = 0.5
DESCRIBE_EVERY_S = 3.0
ADMIN_TIMEOUT_S = 5.0
RENEW_AFTER_FAILURES = 2     # failed rounds in a row (after the cluster answered once) before a new monitor


def _base(spec: dict) -> dict:
    """The user's librdkafka properties (SASL, SSL...) under groupviz's own."""
    return {**spec.get("config", {}), "bootstrap.servers": spec["bootstrap"]}


def consumer_config(spec: dict) -> dict:
    c = spec["configs"]
    conf = {**_base(spec), "group.id": spec["group_id"], "client.id": spec["client_id"],
            "enable.auto.commit": True, "auto.commit.interval.ms": c["auto.commit.interval.ms"],
            "auto.offset.reset": c["auto.offset.reset"]}
    if spec.get("group_protocol") == "consumer":        # KIP-848: the broker assigns; no client-side timeouts
        conf["group.protocol"] = "consumer"
        if spec.get("remote_assignor"):
            conf["group.remote.assignor"] = spec["remote_assignor"]
    else:
        conf.update({"session.timeout.ms": c["session.timeout.ms"], "heartbeat.interval.ms": c["heartbeat.interval.ms"],
                     "partition.assignment.strategy": spec["assignor"]})
    return conf


class ConsumerState:
    """What one consumer knows of itself: its assignment as its callbacks left it, and its throughput."""

    def __init__(self, pipe, rate: float, incremental: bool):
        self.pipe = pipe
        self.incremental = incremental
        self.rate = float(rate)
        self.paused = False
        self.assignment: set[int] = set()
        self.processed = 0
        self.recent: deque[float] = deque()
        self.consumer = None

    def _ids(self) -> dict:
        c = self.consumer
        return {"member_id": c.memberid(), "generation": generation_of(c.consumer_group_metadata())}

    def _incremental(self) -> bool:
        """COOPERATIVE (cooperative-sticky, or KIP-848's consumer protocol): callbacks carry only the change."""
        return self.incremental

    def holding(self) -> bool:
        return self.paused or self.rate <= 0

    def count(self, msg, now: float) -> int:
        if msg is None or msg.error() is not None:
            return 0
        self.processed += 1
        self.recent.append(now)
        return 1

    def _hold(self) -> None:
        parts = self.consumer.assignment()
        if parts:
            (self.consumer.pause if self.holding() else self.consumer.resume)(parts)

    def on_assign(self, consumer, partitions) -> None:
        got = {tp.partition for tp in partitions}
        incremental = self._incremental()
        self.assignment = self.assignment | got if incremental else got
        (consumer.incremental_assign if incremental else consumer.assign)(partitions)
        if self.holding() and partitions:
            consumer.pause(partitions)
        self.pipe.send("assign", partitions=sorted(got), assignment=sorted(self.assignment), **self._ids())

    def on_revoke(self, consumer, partitions, kind: str = "revoke") -> None:
        gone = {tp.partition for tp in partitions}
        self.assignment = self.assignment - gone if self._incremental() else set()
        self.pipe.send(kind, partitions=sorted(gone), assignment=sorted(self.assignment), **self._ids())

    def on_lost(self, consumer, partitions) -> None:
        self.on_revoke(consumer, partitions, "lost")

    def command(self, cmd: dict) -> bool:
        """Apply one command from the server; False: stop."""
        op = cmd.get("op")
        if op == "stop":
            return False
        if op in ("pause", "resume"):
            self.paused = op == "pause"
        elif op == "rate":
            self.rate = float(cmd["rate"])
        self._hold()
        return True

    def report(self, now: float) -> None:
        while self.recent and self.recent[0] < now - 1.0:
            self.recent.popleft()
        self.pipe.send("stats", processed=self.processed, throughput=float(len(self.recent)), paused=self.paused,
                       rate=self.rate, assignment=sorted(self.assignment), **self._ids())


def run_consumer(pipe, spec: dict) -> None:
    incremental = spec.get("group_protocol") == "consumer" or spec.get("assignor") == "cooperative-sticky"
    st = ConsumerState(pipe, spec.get("rate", 20.0), incremental)
    c = st.consumer = Consumer(consumer_config(spec))
    c.subscribe([spec["topic"]], on_assign=st.on_assign, on_revoke=st.on_revoke, on_lost=st.on_lost)
    pipe.send("started", client_id=spec["client_id"])
    tokens, last, next_report = 0.0, time.monotonic(), 0.0
    while not pipe.closed:
        if not all(st.command(cmd) for cmd in pipe.commands()):
            break
        now = time.monotonic()
        tokens = min(tokens + st.rate * (now - last), max(1.0, st.rate))   # at most a second's worth banked
        last = now
        if st.holding() or tokens < 1.0:
            st.count(c.poll(0.05) if st.holding() else None, now)   # poll serves the rebalance callbacks
            if not st.holding():
                time.sleep(0.02)
        else:
            msgs = c.consume(int(tokens), 0.05)
            tokens -= sum(st.count(m, now) for m in msgs)
            if not msgs:
                tokens = min(tokens, 1.0)
        if now >= next_report:
            next_report = now + REPORT_S
            st.report(now)          # monotonic, like the times in st.recent
    c.close()               # LeaveGroup: an immediate rebalance for the others
    pipe.send("closed")


def _key(rng: random.Random, keys: dict) -> bytes | None:
    if keys["mode"] == "null":
        return None
    if keys["mode"] == "hot" and rng.random() < keys.get("hot_share", 0.5):
        return b"key-0"
    return f"key-{rng.randrange(keys.get('count', 1000))}".encode()


def run_producer(pipe, spec: dict) -> None:
    p = Producer({**_base(spec), "client.id": "groupviz-producer", "linger.ms": 5})
    rate, keys = float(spec.get("rate", 30.0)), dict(spec.get("keys", {"mode": "uniform", "count": 1000}))
    rng = random.Random(spec.get("seed", 7))
    sent = acked = failed = 0

    def delivered(err, _msg):
        nonlocal acked, failed
        if err is None:
            acked += 1
        else:
            failed += 1

    tokens, last, next_report = 0.0, time.monotonic(), 0.0
    while not pipe.closed:
        for cmd in pipe.commands():
            if cmd.get("op") == "rate":
                rate = float(cmd["rate"])
            elif cmd.get("op") == "keys":
                keys.update({k: v for k, v in cmd.items() if k != "op" and v is not None})
        now = time.monotonic()
        tokens = min(tokens + rate * (now - last), max(1.0, rate))
        last = now
        while tokens >= 1.0:
            try:
                p.produce(spec["topic"], value=b"x", key=_key(rng, keys), on_delivery=delivered)
                sent += 1
            except BufferError:
                break
            tokens -= 1.0
        p.poll(0.02)
        if now >= next_report:
            next_report = now + REPORT_S
            pipe.send("produced", sent=sent, acked=acked, failed=failed, rate=rate, keys=keys)
    p.flush(2.0)


def run_monitor(pipe, spec: dict) -> None:
    """Offsets every REPORT_S; describe_consumer_groups every DESCRIBE_EVERY_S until the broker says it cannot."""
    from confluent_kafka import ConsumerGroupTopicPartitions

    admin = AdminClient(_base(spec))
    topic, groups, parts = spec["topic"], list(spec["groups"]), None
    describe_ok, next_describe, failures = True, 0.0, 0
    while not pipe.closed:
        if failures >= RENEW_AFTER_FAILURES and parts is not None:
            # A broker that restarted can leave this handle timing out for good, and destroying an AdminClient
            # with requests in flight trips a librdkafka assertion: end the process, the server starts another.
            pipe.send("renew", failures=failures)
            os._exit(3)
        for cmd in pipe.commands(REPORT_S):
            if cmd.get("op") == "groups":
                groups = list(cmd["groups"])
        try:
            if parts is None:       # an unreachable cluster at start: keep asking, never die
                parts = ensure_topic(pipe, admin, topic, spec.get("partitions", 6), spec.get("create", False))
            committed = {}          # commits first, log end offsets after: so committed <= log end, however slow
            for g in groups:
                req = ConsumerGroupTopicPartitions(g, [TopicPartition(topic, p) for p in range(parts)])
                res = admin.list_consumer_group_offsets([req], request_timeout=ADMIN_TIMEOUT_S)[g].result()
                committed[g] = {str(tp.partition): tp.offset for tp in res.topic_partitions if tp.offset >= 0}
            ends = admin.list_offsets({TopicPartition(topic, p): OffsetSpec.latest() for p in range(parts)},
                                      request_timeout=ADMIN_TIMEOUT_S)
            end = {str(tp.partition): f.result().offset for tp, f in ends.items()}
            pipe.send("offsets", end=end, committed=committed)
            failures = 0
        except KafkaException as e:
            pipe.send("unreachable", error=str(e.args[0].str() if e.args else e))
            failures += 1
            continue
        if describe_ok and time.monotonic() >= next_describe and groups:
            next_describe = time.monotonic() + DESCRIBE_EVERY_S
            describe_ok = describe(pipe, admin, groups)


def describe(pipe, admin, groups) -> bool:
    """One describe_consumer_groups; False when the broker cannot answer it (librdkafka's mock: no handler)."""
    try:
        res = admin.describe_consumer_groups(groups, request_timeout=ADMIN_TIMEOUT_S)
        out = {}
        for g, f in res.items():
            d = f.result()
            out[g] = {"state": str(d.state).rsplit(".", 1)[-1].title().replace("_", ""),
                      "assignor": d.partition_assignor, "coordinator": f"{d.coordinator.host}:{d.coordinator.port}",
                      "members": [{"member_id": m.member_id, "client_id": m.client_id, "host": m.host,
                                   "partitions": sorted(tp.partition for tp in m.assignment.topic_partitions)}
                                  for m in d.members]}
        pipe.send("describe", groups=out)
        return True
    except KafkaException as e:
        err = e.args[0] if e.args else e
        pipe.send("describe_unsupported", error=str(err.str() if hasattr(err, "str") else err))
        return False


def ensure_topic(pipe, admin, topic: str, partitions: int, create: bool) -> int:
    """The topic's partition count; on an external cluster a missing topic is created, after saying so."""
    md = admin.list_topics(topic=topic, timeout=ADMIN_TIMEOUT_S * 2)
    t = md.topics.get(topic)
    if t is not None and t.error is None and t.partitions:
        return len(t.partitions)
    if not create:
        return partitions
    from confluent_kafka.admin import NewTopic

    pipe.send("creating_topic", topic=topic, partitions=partitions)
    admin.create_topics([NewTopic(topic, partitions, 1)])[topic].result(ADMIN_TIMEOUT_S * 2)
    return partitions
