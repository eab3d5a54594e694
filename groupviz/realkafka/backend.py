"""The real backend: the engine contract (`apply` / `step` / `snapshot`) over real librdkafka clients.

    be = KafkaBackend()                 # "mock": an embedded librdkafka mock cluster in a child process
    be = KafkaBackend("broker:9092", config={"security.protocol": "SASL_SSL", ...})   # any cluster
    be.apply({"op": "add_consumer"})    # a real consumer in its own OS process
    be.step(100)                        # read what the children reported (wall time goes on regardless)
    be.snapshot()                       # the simulation's wire format, with backend = {"kind": "kafka", ...}

Each consumer, the producer and the monitor (admin client) run in child processes (worker.py); this
process never imports confluent-kafka. `close()` ends them in order: clients first, the cluster last.
"""

from __future__ import annotations

import logging
import time
from collections import deque

from groupviz.classroom.narration import narrate
from groupviz.engine import commands
from groupviz.engine.metrics import SAMPLE_MS, ChartSamples
from groupviz.errors import CommandError, UserError
from groupviz.kafka import describe as kafka_tools
from groupviz.realkafka import procs
from groupviz.realkafka.view import Member, Offsets, RealGroup, known

log = logging.getLogger(__name__)

CLASSROOM_CONFIGS = {"session.timeout.ms": 6000, "heartbeat.interval.ms": 2000, "auto.commit.interval.ms": 1000,
                     "enable.auto.commit": True, "max.poll.interval.ms": 300000, "auto.offset.reset": "earliest"}
MAX_REAL_CONSUMERS = 16         # child processes one server starts (each ~30 MiB, BENCHMARKS.md)
MAX_EVENTS = 300
CLUSTER_START_S = 15.0
UNREACHABLE_AFTER_MS = 8000     # no answer from the cluster this long: the page says so
MONITOR_RESTART_MS = 1000       # a monitor process that ended is started again, at most this often
REFUSED = {"pause": "real Kafka runs in wall time: it cannot be paused (pause a consumer instead)",
           "step": "real Kafka runs in wall time: it cannot be stepped", "set_speed": "real Kafka runs at 1x only",
           "lesson": "lessons run on the simulation; start groupviz without --kafka",
           "replay": "a replay needs the simulation; start groupviz without --kafka",
           "add_partitions": "groupviz does not change the topic on a real cluster",
           "set_config": "the classroom configs are fixed on real clients", "set_parallelism": "no Flink job here",
           "add_topic": "groupviz uses one topic on a real cluster", "set_subscription": "real consumers here "
           "subscribe to the one topic"}
#: Fields of the simulation's commands the real backend does not take (several topics, issue 16).
REFUSED_FIELDS = {"topics": "real consumers here subscribe to the one topic",
                  "topic_pattern": "real consumers here subscribe to the one topic",
                  "topic": "the real producer writes the one topic"}


def redact(text: str, secrets) -> str:
    for s in secrets:
        if s and len(s) >= 3:
            text = text.replace(s, "***")
    return text


class KafkaBackend:
    def __init__(self, kafka: str = "mock", config: dict | None = None, *, topic: str = "orders", partitions: int = 6,
                 group_id: str = "g1", consumers: int = 3, producer_rate: float = 30.0, assignor: str = "range",
                 group_protocol: str = "classic", observe: list[str] | None = None,
                 max_consumers: int = MAX_REAL_CONSUMERS, clock=time.time, label: str | None = None,
                 event_sink=None):
        self._config = dict(config or {})          # librdkafka properties: may hold secrets, never shown
        self._secrets = [str(v) for v in self._config.values()]
        self.clock, self.t0 = clock, clock()
        self.running, self.speed, self.scenario, self.seed, self.lesson = True, 1.0, "default", 0, None
        self.topic, self.observe, self.max_consumers = topic, list(observe or []), max_consumers
        self.events: deque[dict] = deque(maxlen=MAX_EVENTS)
        self.event_sink = event_sink        # twin mode: events go to the simulation's stream (one sequence)
        self._seq = self._made = 0
        self.fault: str | None = None
        self._last_answer_ms = 0
        self.charts, self._next_sample = ChartSamples(), 0
        self.cluster = None
        self.embedded = kafka == "mock"
        if self.embedded:
            self.cluster = procs.Child({"role": "cluster", "topics": {topic: partitions}}, "cluster")
            ready = self.cluster.wait_event("ready", CLUSTER_START_S)
            if ready is None:
                self.cluster.close()
                raise RuntimeError("librdkafka's mock cluster did not start")
            self.bootstrap = ready["bootstrap"]
        else:
            self.bootstrap = kafka
        self.offsets = Offsets(partitions)
        self.groups: dict[str, RealGroup] = {}
        for gid in self.observe:
            self.groups[gid] = RealGroup(gid, topic, self.offsets, configs={}, backend="kafka")
            self.groups[gid].observed = True
        self._monitor_spec = {"role": "monitor", "topic": topic, "partitions": partitions,
                              "groups": self.observe or [group_id], "create": not self.embedded}
        self.monitor, self._monitor_started = self._child(self._monitor_spec, "monitor"), self.time_ms
        self.producer = None
        self.produced = {"sent": 0, "acked": 0, "failed": 0, "rate": producer_rate,
                         "keys": {"mode": "uniform", "count": 1000, "hot_share": 0.0}}
        if not self.observe:
            self.producer = self._child({"role": "producer", "topic": topic, "rate": producer_rate,
                                         "keys": self.produced["keys"]}, "producer")
            g = self._new_group(label or group_id, assignor, group_protocol, kafka_id=group_id)
            for _ in range(consumers):
                self._add_consumer(g, 20.0)

    # -- children ----------------------------------------------------------------------------------
    def _child(self, spec: dict, name: str) -> procs.Child:
        return procs.Child({**spec, "bootstrap": self.bootstrap, "config": self._config}, name)

    def _new_group(self, group_id: str, assignor: str, group_protocol: str, **kw) -> RealGroup:
        g = self.groups[group_id] = RealGroup(group_id, self.topic, self.offsets, assignor=assignor,
                                              group_protocol=group_protocol, configs=dict(CLASSROOM_CONFIGS), **kw)
        self._monitor_spec["groups"] = sorted({x.kafka_id for x in self.groups.values()})
        self.monitor.send({"op": "groups", "groups": self._monitor_spec["groups"]})
        return g

    def _members(self):
        return [(g, m) for g in self.groups.values() for m in g.members.values()]

    def _add_consumer(self, g: RealGroup, rate: float, name: str | None = None) -> str:
        if sum(1 for _, m in self._members() if m.child.alive()) >= self.max_consumers:
            raise CommandError(f"this server runs at most {self.max_consumers} real consumer processes; "
                               "stop or kill one first")
        self._made += 1
        name = name or f"consumer-{self._made}"
        child = self._child({"role": "consumer", "topic": self.topic, "group_id": g.kafka_id, "client_id": name,
                             "assignor": g.assignor, "group_protocol": g.group_protocol, "rate": rate,
                             "configs": CLASSROOM_CONFIGS}, name)
        g.members[name] = Member(name, child, self._made - 1, rate, self.time_ms)
        g.open_band(self.time_ms, f"{name} joined")
        self.event("consumer_added", group_id=g.group_id, member_id=name, protocol="classic", pid=child.pid)
        return name

    # -- time --------------------------------------------------------------------------------------
    @property
    def time_ms(self) -> int:
        return int((self.clock() - self.t0) * 1000)

    def step(self, ms: int = 0) -> list[dict]:
        """Take in what the children reported (wall time runs on its own; `ms` is only how long it was)."""
        first, now = self._seq, self.time_ms
        for ev in self.monitor.events():
            self._on_monitor(ev, now)
        if not self.monitor.alive() and now - self._monitor_started >= MONITOR_RESTART_MS:
            self.monitor.close(0.5)     # it gave up on a handle a broker restart left stuck, or crashed
            self.monitor, self._monitor_started = self._child(self._monitor_spec, "monitor"), now
        if self.producer is not None:
            for ev in self.producer.events():
                if ev["ev"] == "produced":
                    self.produced.update({k: ev[k] for k in ("sent", "acked", "failed", "rate", "keys")})
        for g, m in self._members():
            self._read_member(g, m, now)
        if now - self._last_answer_ms > UNREACHABLE_AFTER_MS and self.fault is None:
            self.fault = f"no answer from the Kafka cluster at {self.bootstrap} for {UNREACHABLE_AFTER_MS // 1000} s; retrying"
        if now >= self._next_sample:
            self._next_sample = now + SAMPLE_MS
            self.charts.sample(now, self.groups.values())
        return [e for e in self.events if e["seq"] > first]

    def _read_member(self, g: RealGroup, m: Member, now: int) -> None:
        for ev in m.child.events():
            kind = ev["ev"]
            if kind == "stats":
                m.processed, m.throughput, m.paused = ev["processed"], ev["throughput"], ev["paused"]
                m.member_id, m.generation = ev.get("member_id") or m.member_id, known(ev.get("generation"), m.generation)
                m.last_report_ms = now
            elif kind in ("assign", "revoke", "lost"):
                g.on_callback(m, ev, now)
                self.event("rebalance_callback", group_id=g.group_id, member_id=m.name, callback=f"on_{kind}",
                           partitions=ev.get("partitions", []), generation=ev.get("generation"),
                           text=f"{m.name}: on_{kind} {ev.get('partitions', [])} (generation {ev.get('generation')})")
            elif kind == "error":
                self.event("consumer_error", group_id=g.group_id, member_id=m.name,
                           text=f"{m.name}: {redact(ev['error'], self._secrets)}")
        if m.state in ("active", "stopping") and not m.child.alive():
            was = m.state
            m.state, m.assignment, m.throughput = ("left" if was == "stopping" else "crashed"), [], 0.0
            g.open_band(now, f"{m.name} {'left' if was == 'stopping' else 'died'}") if was == "stopping" else None
            self.event("consumer_left" if was == "stopping" else "consumer_crashed", group_id=g.group_id,
                       member_id=m.name, text=f"{m.name} {'closed (LeaveGroup)' if was == 'stopping' else 'died by itself'}")
            m.child.close(0.5)
            g.maybe_close_band(now)

    def _on_monitor(self, ev: dict, now: int) -> None:
        kind = ev["ev"]
        if kind == "offsets":
            self._last_answer_ms, self.fault = now, None
            self.offsets.update(now, ev["end"])
            for g in self.groups.values():
                g.on_offsets(ev["committed"].get(g.kafka_id, {}), now)
        elif kind == "unreachable":
            self.fault = f"Kafka at {self.bootstrap} does not answer: {redact(ev['error'], self._secrets)}; retrying"
        elif kind == "describe":
            for g in self.groups.values():
                g.described = ev["groups"].get(g.kafka_id)
        elif kind == "describe_unsupported":
            note = ("this cluster cannot describe groups (no DescribeGroups handler"
                    f"{' in librdkafka' + chr(39) + 's mock' if self.embedded else ''}): members come from the "
                    f"consumers' own rebalance callbacks [{redact(ev['error'], self._secrets)}]")
            for g in self.groups.values():
                g.describe_note = note
        elif kind == "creating_topic":
            self.event("topic_created", topic=ev["topic"], partitions=ev["partitions"],
                       text=f"topic {ev['topic']} did not exist: creating it with {ev['partitions']} partitions")

    # -- events ------------------------------------------------------------------------------------
    def event(self, type_: str, **fields) -> None:
        if self.event_sink is not None:
            self.event_sink(type_, backend="kafka", **fields)
            return
        self._seq += 1
        ev = {"seq": self._seq, "time_ms": self.time_ms, "type": type_, **fields}
        text = narrate(ev) if "text" not in ev else None
        if text is not None:
            ev["text"], ev["text_zh"] = text
        ev.setdefault("text_zh", ev.get("text"))
        self.events.append(ev)

    # -- commands ----------------------------------------------------------------------------------
    def apply(self, cmd) -> dict:
        """The simulation's commands, on real clients; bad input or an op real Kafka has no use for is
        refused with {"ok": False, "error": ...} and changes nothing."""
        try:
            c = commands.parse(cmd)
            if c.op in REFUSED:
                raise CommandError(REFUSED[c.op])
            extra = next((f for f in REFUSED_FIELDS if f in c.args), None)
            if extra is not None:
                raise CommandError(f"{c.op}: {REFUSED_FIELDS[extra]}")
            if self.observe and c.op not in ("resume",):
                raise CommandError("observer mode only watches: it never joins, produces or commits")
            handler = getattr(self, "_op_" + c.op)
            result = handler(**c.args) or {}
        except UserError as e:
            return {"ok": False, "error": str(e)}
        except Exception as e:          # a bug: say so, keep serving
            log.exception("real-Kafka command failed")
            return {"ok": False, "error": f"internal error while applying the command ({type(e).__name__})"}
        return {"ok": True, **result}

    def _group(self, group_id):
        if group_id is None:
            return next(iter(self.groups.values()))
        if group_id not in self.groups:
            raise CommandError(f"no group '{group_id}'; groups: {', '.join(self.groups)}")
        return self.groups[group_id]

    def _live(self, member_id: str):
        for g, m in self._members():
            if m.name == member_id:
                if m.state != "active":
                    raise CommandError(f"{member_id} is {m.state}: it can no longer be controlled")
                return g, m
        raise CommandError(f"no consumer '{member_id}'; consumers: {', '.join(m.name for _, m in self._members())}")

    def _op_add_consumer(self, group_id=None, rate=20.0):
        return {"member_id": self._add_consumer(self._group(group_id), rate)}

    def _op_kill_consumer(self, member_id):
        g, m = self._live(member_id)
        self.event("consumer_killed", group_id=g.group_id, member_id=member_id, protocol="classic")
        m.child.kill()                  # SIGKILL: the coordinator notices after session.timeout.ms
        m.state, m.throughput = "crashed", 0.0
        m.assignment = []
        return {"member_id": member_id}

    def _op_stop_consumer(self, member_id):
        g, m = self._live(member_id)
        self.event("consumer_stopping", group_id=g.group_id, member_id=member_id, protocol="classic")
        m.child.send({"op": "stop"})    # close(): commit, LeaveGroup, an immediate rebalance
        m.state = "stopping"
        return {"member_id": member_id}

    def _member_op(self, member_id, payload, event):
        g, m = self._live(member_id)
        m.child.send(payload)
        if event:
            self.event(event, group_id=g.group_id, member_id=member_id)
        return m

    def _op_pause_consumer(self, member_id):
        self._member_op(member_id, {"op": "pause"}, "consumer_paused").paused = True
        return {"member_id": member_id}

    def _op_resume_consumer(self, member_id):
        self._member_op(member_id, {"op": "resume"}, "consumer_resumed").paused = False
        return {"member_id": member_id}

    def _op_set_consumer_rate(self, member_id, rate):
        self._member_op(member_id, {"op": "rate", "rate": rate}, None).rate = rate
        return {"member_id": member_id, "rate": rate}

    def _op_set_producer_rate(self, rate):
        self.producer.send({"op": "rate", "rate": rate})
        self.produced["rate"] = rate
        self.event("producer_rate", rate=rate)
        return {"rate": rate}

    def _op_set_keys(self, mode, count=None, hot_share=None):
        keys = {"mode": mode, "count": count or self.produced["keys"]["count"],
                "hot_share": hot_share if hot_share is not None else (0.5 if mode == "hot" else 0.0)}
        self.producer.send({"op": "keys", **keys})
        self.produced["keys"] = keys
        self.event("keys_changed", mode=mode, count=keys["count"], hot_share=keys["hot_share"], hot_partition=None)
        return {"keys": keys}

    def _op_add_group(self, group_id, type="consumer", assignor="range", consumers=0, **_):
        if type != "consumer":
            raise CommandError(f"real Kafka groups here are consumer groups; '{type}' runs on the simulation")
        if group_id in self.groups:
            raise CommandError(f"group '{group_id}' already exists")
        if len(self.groups) >= commands.MAX_GROUPS:
            raise CommandError(f"at most {commands.MAX_GROUPS} groups are allowed")
        g = self._new_group(group_id, assignor, "classic")
        self.event("group_added", group_id=group_id, group_type=type, assignor=assignor)
        for _ in range(consumers):
            self._add_consumer(g, 20.0)
        return {"group_id": group_id, "type": type}

    def _op_set_assignor(self, assignor, group_id=None):
        """partition.assignment.strategy is read when a client starts: a rolling restart of the live members."""
        g = self._group(group_id)
        if g.group_protocol == "consumer":
            raise CommandError(f"{g.group_id} is a KIP-848 group: the broker assigns (group.remote.assignor)")
        if g.assignor == assignor:
            raise CommandError(f"{g.group_id} already uses {assignor}")
        g.assignor = assignor
        self.event("assignor_changed", group_id=g.group_id, assignor=assignor, protocol=g.protocol)
        for m in [m for m in g.live() if m.state == "active"]:
            self._op_stop_consumer(m.name)
            self._add_consumer(g, m.rate)
        return {"group_id": g.group_id, "assignor": assignor}

    def _op_resume(self):
        return {"running": True}

    def _op_reset(self, seed=None, scenario=None):
        raise CommandError("real Kafka keeps its log: restart groupviz to start over")

    # -- the view ----------------------------------------------------------------------------------
    def backend_info(self) -> dict:
        return {"kind": "kafka", "cluster": "embedded" if self.embedded else "external", "bootstrap": self.bootstrap,
                "observe": self.observe or None}

    def describe_group(self, group_id, view="offsets") -> dict:
        g = self.groups.get(group_id) if isinstance(group_id, str) else None
        if g is None or view not in kafka_tools.VIEWS:
            return {"ok": False, "error": f"no group '{group_id}' here or view not one of {', '.join(kafka_tools.VIEWS)}"}
        snap = g.snapshot(self.time_ms)
        row = {**snap, "coordinator_members": snap["coordinator_members"] or
               [{"member_id": m["kafka_member_id"] or m["member_id"], "client_id": m["client_id"], "host": m["host"],
                 "partitions": m["partitions"]} for m in snap["members"] if m["state"] in ("active", "paused")]}
        out = {"ok": True, "group_id": group_id, "view": view, **kafka_tools.describe(row, view)}
        if g.describe_note:
            out["note"] = g.describe_note
        return out

    def export_log(self) -> dict:
        return {"version": 1, "backend": "kafka", "complete": False, "commands": []}

    def snapshot(self, history: bool = True, max_events: int | None = None) -> dict:
        now = self.time_ms
        events = list(self.events) if max_events is None else (list(self.events)[-max_events:] if max_events else [])
        snap = {"time_ms": now, "running": True, "speed": 1.0, "seed": 0, "scenario": "default",
                "scenarios": {}, "lesson": None, "backend": self.backend_info(),
                "topics": [self.offsets.snapshot(self.topic)],
                "producer": self._producer_view(), "groups": [g.snapshot(now) for g in self.groups.values()],
                "events": events, "fault": self.fault}
        if history:
            snap["history"] = self.charts.snapshot()
        return snap

    def _producer_view(self) -> dict:
        p = self.produced
        none = {"p50": None, "p95": None}
        return {"rate": p["rate"], "produced": p["acked"], "limit": None, "results": 0, "outstanding": 0,
                "keys": p["keys"], "latency_ms": none, "failed": p["failed"],
                "groups": {gid: {"sent": p["acked"], "results": 0, "unique": 0, "no_result": 0, "outstanding": 0,
                                 "latency_ms": none, "in_transit": 0} for gid in self.groups}}

    def close(self) -> None:
        """Clients first (consumers close() and leave, the producer flushes), the cluster last."""
        clients = [m.child for _, m in self._members()] + [c for c in (self.producer, self.monitor) if c]
        procs.end_all(clients + ([self.cluster] if self.cluster else []))
