"""The engine: a sans-IO, deterministic simulated Kafka-style cluster.

    eng = Engine(seed=7)
    eng.apply({"op": "add_consumer"})   # -> {"ok": True, "member_id": "consumer-4"}
    eng.step(1000)                      # advance simulated time by 1000 ms
    eng.snapshot()                      # JSON-serialisable dict (docs/wire.md)

No sockets, threads or wall clock here: `realtime.py` drives it in real time.
Same seed + same commands at the same simulated times -> identical snapshots.
"""

from __future__ import annotations

import logging
from collections import deque

from groupviz.classroom import lessons
from groupviz.classroom.narration import narrate
from groupviz.engine import commands, replay
from groupviz.engine.kinds import kind_for
from groupviz.engine.member_faults import MemberFaultOps
from groupviz.engine.metrics import SAMPLE_MS, ChartSamples
from groupviz.engine.model import model_view
from groupviz.engine.scenarios import SCENARIOS
from groupviz.engine.sim import LATE, NORMAL, Environment
from groupviz.engine.member_ops import MemberOps
from groupviz.engine.topics import TopicOps
from groupviz.errors import CommandError, UserError
from groupviz.kafka import describe as kafka_tools
from groupviz.kafka.group import Group, GroupContext

log = logging.getLogger(__name__)

BROKER_OFFSETS_MS = 1000  # how often log end offsets are sampled for Burrow's STOP rule
#: Ops that change only the pacing (or start a new run), not the simulated world: not logged for replay.
UNLOGGED_OPS = frozenset({"pause", "resume", "step", "set_speed", "reset", "replay", "lesson"})
MAX_LOGGED_COMMANDS = replay.MAX_COMMANDS
QUANTUM_MS = 50          # producer and consumer work happens in 50 ms slices
MAX_EVENTS = 300
DEFAULT_SEED = 7
MODEL_BATCH_SIZE = 10    # M of the seed's model when a scenario does not say


#: What `_build` makes anew: a replay that fails puts these back.
_RUN_STATE = ("seed", "scenario", "env", "events", "_members_created", "topic", "topics", "producer", "producers",
              "model_batch_size",
              "groups", "group_context", "charts", "command_log", "log_truncated", "lesson", "_model_regimes")


def _jsonable(v):
    if isinstance(v, tuple):
        return [_jsonable(x) for x in v]
    if isinstance(v, list):
        return [_jsonable(x) for x in v]
    if isinstance(v, dict):
        return {str(k) if not isinstance(k, tuple) else f"{k[0]}-{k[1]}": _jsonable(x) for k, x in v.items()}
    return v


class Engine(TopicOps, MemberOps, MemberFaultOps):
    def __init__(self, seed: int = DEFAULT_SEED, scenario: str = "default"):
        self.running = True
        self.speed = 1.0
        self._seq = 0          # event numbers: they keep increasing across reset, lesson and replay
        self._build(seed, scenario)

    # -- building ---------------------------------------------------------
    def _build(self, seed: int, scenario: str) -> None:
        if scenario not in SCENARIOS:
            raise CommandError(f"unknown scenario '{scenario}'; known: {', '.join(SCENARIOS)}")
        spec = SCENARIOS[scenario]
        self.seed = seed
        self.scenario = scenario
        self.env = Environment()
        self.events: deque[dict] = deque(maxlen=MAX_EVENTS)
        self._members_created = 0
        self._build_topics(spec, seed)
        self.model_batch_size = int(spec.get("model_batch_size", MODEL_BATCH_SIZE))
        keys = spec.get("keys", {})
        self.producer.set_keys(keys.get("mode", "uniform"), keys.get("count"), keys.get("hot_share"))
        for extra in spec.get("more_topics", ()):
            self._new_topic(extra["name"], extra["partitions"], extra.get("rate", 0.0))
        self.groups: dict[str, Group] = {}
        self.group_context = GroupContext(clock=self.env, topic=self.topic, emit=self.event, results=self.producer,
                                          seed=seed, topics=self.topics)
        self.charts = ChartSamples()
        self.command_log: list[dict] = []
        self.log_truncated = False
        self.lesson: dict | None = None
        self.env.every(QUANTUM_MS, self._tick, priority=NORMAL)
        self.env.every(SAMPLE_MS, self._sample, priority=LATE)
        self.env.every(SAMPLE_MS, self._sample_model_regimes, priority=LATE)
        self._model_regimes: dict[str, dict] = {}
        self.env.every(BROKER_OFFSETS_MS, self._sample_broker_offsets, priority=LATE)
        for g in spec["groups"]:
            group = self._new_group(g["group_id"], g.get("type", "consumer"), g)
            rates = g.get("consumer_rates") or [g.get("consumer_rate", 20.0)] * g.get("consumers", 0)
            subs = g.get("subscriptions") or [None] * len(rates)      # a scenario's members' own topics
            for rate, sub in zip(rates, subs):
                self._add_consumer(group, rate, None if sub is None else self._subscription(**sub))
        self.event("reset", scenario=scenario, seed=seed)

    def _new_group(self, group_id: str, kind: str, spec: dict) -> Group:
        g = kind_for(kind, spec.get("group_protocol")).create(self.group_context, group_id, spec)
        self.groups[group_id] = g
        return g

    def _add_consumer(self, group: Group, rate: float, subscription=None, instance_id: str | None = None) -> str:
        self._members_created += 1
        n = self._members_created
        member_id = f"consumer-{n}"
        static = {} if instance_id is None else {"instance_id": instance_id}
        self.event("consumer_added", group_id=group.group_id, member_id=member_id,
                   protocol=group.narration_protocol, **static)
        more = {} if subscription is None else {"subscription": subscription}
        group.add_consumer(member_id, color=n - 1, rate=rate, host=f"/10.0.0.{10 + n}", **more, **static)
        return member_id

    # -- the clock --------------------------------------------------------
    def _tick(self) -> None:
        for p in self.producers.values():
            p.tick(self.env.now, QUANTUM_MS)
        for g in self.groups.values():
            g.poll(QUANTUM_MS)

    def _sample_broker_offsets(self) -> None:
        for g in self.groups.values():
            g.sample_broker_offsets()

    def _sample_model_regimes(self) -> None:
        """Restart a group's model counts when its competition changes: membership (generation), a member's
        state or rate. Mixing regimes would make the chi-square test compare against the wrong shares."""
        for gid, g in self.groups.items():
            sig = (g.epoch, tuple((mid, c.state, c.rate) for mid, c in g.consumers.items()))
            entry = self._model_regimes.get(gid)
            if entry is None or entry["sig"] != sig:
                self._model_regimes[gid] = {"sig": sig, "since_ms": self.env.now, "base": g.model_counts()}

    def _sample(self) -> None:
        self.charts.sample(self.env.now, self.groups.values())

    @property
    def time_ms(self) -> int:
        return self.env.now

    def step(self, ms: int) -> list[dict]:
        """Advance simulated time by `ms`; return the events that happened."""
        if isinstance(ms, bool) or not isinstance(ms, int) or ms < 0:
            raise ValueError(f"step(ms) needs a non-negative int, got {ms!r}")
        first = self._seq
        self.env.run(self.env.now + ms)
        return [e for e in self.events if e["seq"] > first]

    # -- events -----------------------------------------------------------
    def event(self, type_: str, **fields) -> None:
        reserved = {"seq", "time_ms", "type"} & fields.keys()
        if reserved:   # a field named like these would silently replace the event's own (say, its type)
            raise ValueError(f"event {type_!r}: fields {sorted(reserved)} are reserved")
        self._seq += 1
        ev = {"seq": self._seq, "time_ms": self.env.now, "type": type_}
        ev.update(_jsonable(fields))
        text = narrate(ev)
        if text is not None:
            ev["text"], ev["text_zh"] = text
        self.events.append(ev)

    # -- commands ---------------------------------------------------------
    def apply(self, cmd) -> dict:
        """Apply one command dict. Never raises: bad input gets {"ok": False, "error": ...}."""
        try:
            c = commands.parse(cmd)
            handler = getattr(self, "_op_" + c.op)
            result = handler(**c.args)
        except UserError as e:          # a bad command, or a request the simulated Kafka refuses
            return {"ok": False, "error": str(e)}
        except Exception as e:  # a bug in groupviz: say so, keep serving
            log.exception("command %r failed", cmd if isinstance(cmd, dict) else type(cmd))
            return {"ok": False, "error": f"internal error while applying the command ({type(e).__name__}); "
                                          "the server keeps running"}
        if c.op not in UNLOGGED_OPS:
            if len(self.command_log) < MAX_LOGGED_COMMANDS:
                self.command_log.append({"time_ms": self.env.now, "cmd": {"op": c.op, **c.args}})
            else:
                self.log_truncated = True
        out = {"ok": True}
        if result:
            out.update(result)
        return out

    def _group(self, group_id: str | None) -> Group:
        if group_id is None:
            if not self.groups:
                raise CommandError("there is no group; add one with add_group")
            return next(iter(self.groups.values()))
        g = self.groups.get(group_id)
        if g is None:
            raise CommandError(f"no group '{group_id}'; groups: {', '.join(self.groups) or 'none'}")
        return g

    def _consumer(self, member_id: str):
        for g in self.groups.values():
            c = g.consumers.get(member_id)
            if c is not None:
                return g, c
        known = [m for g in self.groups.values() for m in g.consumers]
        raise CommandError(f"no consumer '{member_id}'; consumers: {', '.join(known) or 'none'}")

    def _live_consumer(self, member_id: str):
        g, c = self._consumer(member_id)
        if not c.alive:
            raise CommandError(f"{member_id} is {c.state}: it can no longer be controlled")
        return g, c

    def _op_add_consumer(self, group_id=None, rate=20.0, topics=None, topic_pattern=None, instance_id=None):
        g = self._group(group_id)
        g.check_member_op("add_consumer")
        if len(g.consumers) >= commands.MAX_MEMBERS_PER_GROUP:
            raise CommandError(f"{g.group_id} already has {commands.MAX_MEMBERS_PER_GROUP} consumers, the limit")
        sub = self._subscription(topics, topic_pattern)
        if sub is not None:
            g.check_subscription(sub)
        fences = None if instance_id is None else g.check_instance_id(instance_id)
        out = {"member_id": self._add_consumer(g, rate, sub, instance_id)}
        return out if fences is None else {**out, "fences": fences}

    def _end_member(self, op: str, member_id: str, event: str, end) -> dict:
        """kill_consumer / stop_consumer: the kind may refuse first; the event is told before the member ends."""
        g, c = self._live_consumer(member_id)
        g.check_member_op(op, c)
        self.event(event, group_id=g.group_id, member_id=member_id, protocol=g.narration_protocol)
        end(g, c)
        return {"member_id": member_id}

    def _op_kill_consumer(self, member_id):
        return self._end_member("kill_consumer", member_id, "consumer_killed", lambda g, c: g.kill(c))

    def _op_stop_consumer(self, member_id):
        return self._end_member("stop_consumer", member_id, "consumer_stopping", lambda g, c: g.stop(c))

    def _op_pause_consumer(self, member_id):
        g, c = self._live_consumer(member_id)
        g.pause(c)
        self.event("consumer_paused", group_id=g.group_id, member_id=member_id)
        return {"member_id": member_id}

    def _op_resume_consumer(self, member_id):
        g, c = self._live_consumer(member_id)
        g.resume(c)
        self.event("consumer_resumed", group_id=g.group_id, member_id=member_id)
        return {"member_id": member_id}

    def _op_set_consumer_rate(self, member_id, rate):
        g, c = self._live_consumer(member_id)
        g.set_rate(c, rate)
        return {"member_id": member_id, "rate": rate}

    def _op_set_producer_rate(self, rate, topic=None):
        if topic is not None:       # a topic of its own (several topics: groupviz/engine/topics.py)
            return self._set_topic_rate(rate, topic)
        self.producer.rate = rate
        self.event("producer_rate", rate=rate)
        return {"rate": rate}

    def _op_set_keys(self, mode, count=None, hot_share=None):
        if mode == "hot" and hot_share is None and self.producer.hot_share == 0:
            hot_share = 0.5
        for p in self.producers.values():
            p.set_keys(mode, count, hot_share)
        self.event("keys_changed", mode=mode, count=self.producer.key_count, hot_share=self.producer.hot_share,
                   hot_partition=self.producer.hot_partition())
        return {"keys": {"mode": mode, "count": self.producer.key_count, "hot_share": self.producer.hot_share}}

    def _op_add_partitions(self, count, topic=None):
        t = self._topic_named(topic)
        total = len(t.partitions) + count
        if total > commands.MAX_PARTITIONS:
            raise CommandError(f"{t.name} has {len(t.partitions)} partitions; "
                               f"at most {commands.MAX_PARTITIONS} are allowed")
        self._check_total_partitions(count)
        t.add_partitions(count)
        self.event("partitions_added", topic=t.name, partitions=total)
        for g in self.groups.values():
            if t is self.topic:
                g.partitions_added()
            else:
                g.topic_partitions_added(t.name)
        return {"partitions": total}

    def _op_add_group(self, group_id, type="consumer", assignor=None, consumers=0, competition=None, **more):
        if group_id in self.groups:
            raise CommandError(f"group '{group_id}' already exists")
        if len(self.groups) >= commands.MAX_GROUPS:
            raise CommandError(f"at most {commands.MAX_GROUPS} groups are allowed")
        g = self._new_group(group_id, type, {"assignor": assignor, "competition": competition, **more})
        self.event("group_added", group_id=group_id, group_type=type, **g.identity())
        for _ in range(consumers):
            self._add_consumer(g, 20.0)
        return {"group_id": group_id, "type": type, **g.identity()}

    def _op_set_assignor(self, assignor, group_id=None):
        g = self._group(group_id)
        if g.assignor == assignor:
            raise CommandError(f"{g.group_id} already uses {assignor}")
        g.set_assignor(assignor)
        self.event("assignor_changed", group_id=g.group_id, assignor=assignor, protocol=g.rebalance_protocol())
        return {"group_id": g.group_id, "assignor": assignor}

    def _op_set_parallelism(self, group_id, parallelism):
        g = self._group(group_id)
        g.rescale(parallelism)
        return {"group_id": g.group_id, "parallelism": parallelism}

    def _op_set_config(self, config, group_id=None):
        g = self._group(group_id)
        merged = g.check_config(config)
        changes = {k: v for k, v in merged.items() if g.config.get(k) != v}
        g.apply_config(merged, changes)
        self.event("config_changed", group_id=g.group_id, changes=changes)
        return {"group_id": g.group_id, "config": dict(g.config)}

    def _op_pause(self):
        self.running = False
        return {"running": False}

    def _op_resume(self):
        self.running = True
        return {"running": True}

    def _op_step(self, ms=100):
        self.step(ms)
        return {"time_ms": self.env.now}

    def _op_set_speed(self, factor):
        self.speed = factor
        return {"speed": factor}

    def _op_reset(self, seed=None, scenario=None):
        scenario = self.scenario if scenario is None else scenario
        if scenario not in SCENARIOS:
            raise CommandError(f"unknown scenario '{scenario}'; known: {', '.join(SCENARIOS)}")
        self._build(self.seed if seed is None else seed, scenario)
        return {"seed": self.seed, "scenario": self.scenario, "reset": True}

    # -- lessons ----------------------------------------------------------
    def _op_lesson(self, lesson, step=0, seed=None):
        """Go to `step` of `lesson`. Starting a lesson (or step 0) rebuilds its scenario with the lesson's
        seed, or `seed` when given (a shareable URL `/?lesson=crash-vs-leave&seed=3`)."""
        spec = lessons.BY_ID.get(lesson)
        if spec is None:
            raise CommandError(f"no lesson '{lesson}'; lessons: {', '.join(lessons.BY_ID)}")
        if step >= len(spec["steps"]):
            raise CommandError(f"lesson '{lesson}' has steps 0 to {len(spec['steps']) - 1}")
        current = self.lesson if self.lesson and self.lesson["id"] == lesson else None
        skipped = []
        reset = False
        if current is None or step == 0:
            if spec["scenario"] not in SCENARIOS:
                raise CommandError(f"lesson '{lesson}' needs scenario '{spec['scenario']}', which is not available")
            running, speed = self.running, self.speed
            self._build(spec["seed"] if seed is None else seed, spec["scenario"])
            self.running, self.speed = running, speed
            reset = True
            todo = range(0, step + 1)
        elif step > current["step"]:
            todo = range(current["step"] + 1, step + 1)
        else:
            todo = range(0)
        for k in todo:
            for action in spec["steps"][k]["actions"]:
                r = self.apply(action)
                if not r["ok"]:
                    skipped.append({"step": k, "op": action["op"], "error": r["error"]})
        self.lesson = {"id": lesson, "step": step, "steps": len(spec["steps"])}
        self.event("lesson_step", lesson=lesson, step=step, title=spec["title"],
                   narration=spec["steps"][step]["narration"])
        out = {"lesson": dict(self.lesson), "skipped": skipped}
        if reset:
            out["reset"] = True
        return out

    # -- replay -----------------------------------------------------------
    def export_log(self) -> dict:
        """The run as data: seed, scenario and every state-changing command at its simulated time."""
        return replay.export(self.seed, self.scenario, self.env.now, not self.log_truncated, self.command_log)

    def _op_replay(self, log):
        """Rebuild, in place, the run that `log` (from export_log) describes: same seed, scenario, commands
        and times. If a command fails when replayed, the run on screen stays as it was."""
        seed, scenario, end, cmds = replay.check(log, UNLOGGED_OPS)
        before = {name: getattr(self, name) for name in _RUN_STATE}
        self._build(seed, scenario)
        try:
            replay.run(self, cmds, end)
        except CommandError:
            for name, value in before.items():
                setattr(self, name, value)
            raise
        return {"reset": True, "time_ms": self.env.now, "replayed": len(cmds)}

    # -- the view ---------------------------------------------------------
    def describe_group(self, group_id, view="offsets") -> dict:
        """What Kafka's tool prints for one group: {"ok", "command", "output"} or an error.

        A classic group gets `kafka-consumer-groups.sh --describe`, a share group `kafka-share-groups.sh
        --describe`; `view` is offsets, members or state.
        """
        if not isinstance(view, str) or view not in kafka_tools.VIEWS:
            return {"ok": False, "error": f"view must be one of {', '.join(kafka_tools.VIEWS)}"}
        if not isinstance(group_id, str) or not commands.ID_RE.match(group_id):
            return {"ok": False, "error": "group must be 1-64 characters of letters, digits, '.', '_' or '-'"}
        g = self.groups.get(group_id)
        # A group the cluster does not know: DescribeGroups answers Dead, and the tool prints that.
        out = kafka_tools.describe({"group_id": group_id, "state": "Dead"}, view) if g is None else g.describe(view)
        return {"ok": True, "group_id": group_id, "view": view, **out}

    def snapshot(self, history: bool = True, max_events: int | None = None) -> dict:
        groups = [g.snapshot() for g in self.groups.values()]
        for gs in groups:
            g = self.groups[gs["group_id"]]
            gs["model"] = model_view(gs, g.model_counts(), self._model_regimes.get(gs["group_id"]),
                                     self.model_batch_size)
        if max_events is None:
            events = list(self.events)
        else:           # not events[-0:], which is all of them
            events = list(self.events)[-max_events:] if max_events > 0 else []
        snap = {
            "time_ms": self.env.now, "running": self.running, "speed": self.speed, "seed": self.seed,
            "scenario": self.scenario, "scenarios": {k: v["title"] for k, v in SCENARIOS.items()},
            "lesson": dict(self.lesson) if self.lesson else None, "backend": {"kind": "simulation"},
            "topics": self._topics_snapshot(),
            "producer": self._producer_snapshot(),
            "groups": groups,
            "events": events,
        }
        if history:
            snap["history"] = self.charts.snapshot()
        return snap
