"""Twin mode: every command goes to a simulated group and to a real group of the same size and configs,
and the page shows both, one above the other (group `g1` simulated, `g1.kafka` real).

The real members are named after their simulated twins (`consumer-2` <-> `consumer-2.kafka`), so kill,
stop, pause and rate act on both. What differs because of the cluster is named in `snapshot()["twin"]`.
"""

from __future__ import annotations

from groupviz.engine.core import Engine
from groupviz.errors import CommandError
from groupviz.realkafka.backend import REFUSED, KafkaBackend

SUFFIX = ".kafka"
MEMBER_OPS = ("kill_consumer", "stop_consumer", "pause_consumer", "resume_consumer", "set_consumer_rate")
DIFFERENCES = [
    "librdkafka's mock cluster keeps a fixed join window of about session.timeout.ms - 1 s for every rebalance; "
    "a real broker waits group.initial.rebalance.delay.ms for an empty group's first join, then only for the members",
    "member ids: a Kafka broker makes them client.id + '-' + a UUID, the mock a number, the simulation the client id; "
    "range and roundrobin sort members by member id, so the same partitions may go to differently named twins",
    "wall time: the real group cannot be paused, stepped or sped up, so twin mode runs at 1x",
]


class TwinBackend:
    def __init__(self, kafka: str = "mock", config: dict | None = None, *, seed: int = 7, assignor: str = "range",
                 consumers: int = 3, clock=None):
        self.sim = Engine(seed=seed, scenario="default")
        self.sim.apply({"op": "set_assignor", "assignor": assignor}) if assignor != "range" else None
        kw = {"clock": clock} if clock else {}
        self.real = KafkaBackend(kafka, config, consumers=0, assignor=assignor, label="g1" + SUFFIX,
                                 event_sink=self.sim.event, **kw)
        self.sim.command_log.clear()
        for mid in list(self.sim.groups["g1"].consumers)[:consumers]:
            self.real._add_consumer(self._real_group(), 20.0, name=mid + SUFFIX)

    # the contract, as LiveEngine and the routes use it: the simulation's clock and events, the cluster's fault
    events = property(lambda self: self.sim.events)
    time_ms = property(lambda self: self.sim.time_ms)
    running = property(lambda self: self.sim.running, lambda self, v: setattr(self.sim, "running", v))
    speed = property(lambda self: self.sim.speed, lambda self, v: setattr(self.sim, "speed", v))
    fault = property(lambda self: self.real.fault)
    bootstrap = property(lambda self: self.real.bootstrap)

    def _real_group(self):
        return self.real.groups["g1" + SUFFIX]

    def step(self, ms: int) -> list[dict]:
        self.real.step(ms)
        return self.sim.step(ms)

    def apply(self, cmd) -> dict:
        op = cmd.get("op") if isinstance(cmd, dict) else None
        if op in REFUSED or op == "reset":
            return {"ok": False, "error": REFUSED.get(op, "real Kafka keeps its log: restart groupviz to start over")}
        if op in MEMBER_OPS and isinstance(cmd.get("member_id"), str) and cmd["member_id"].endswith(SUFFIX):
            cmd = {**cmd, "member_id": cmd["member_id"][: -len(SUFFIX)]}      # a click on the real card: both
        if isinstance(cmd.get("group_id"), str) and cmd["group_id"].endswith(SUFFIX):
            cmd = {**cmd, "group_id": cmd["group_id"][: -len(SUFFIX)]}
        if op == "add_group":
            return {"ok": False, "error": "twin mode mirrors one group (g1): add consumers to it instead"}
        result = self.sim.apply(cmd)
        if result.get("ok"):
            mirrored = self._mirror(op, cmd, result)
            if not mirrored.get("ok"):
                result = {**result, "kafka": mirrored}
        return result

    def _mirror(self, op: str, cmd: dict, result: dict) -> dict:
        if op == "add_consumer":
            try:
                self.real._add_consumer(self._real_group(), cmd.get("rate", 20.0), name=result["member_id"] + SUFFIX)
            except CommandError as e:
                return {"ok": False, "error": str(e)}
            return {"ok": True}
        if op in MEMBER_OPS:
            return self.real.apply({**cmd, "member_id": cmd["member_id"] + SUFFIX})
        if op == "set_assignor":
            return self.real.apply({**cmd, "group_id": "g1" + SUFFIX})
        if op in ("set_producer_rate", "set_keys"):
            return self.real.apply(cmd)
        return {"ok": True}

    def agreement(self) -> dict:
        """Each twin's partitions: {"simulation": {member: [p...]}, "kafka": {...}}, live members only."""
        sim = {m["member_id"]: sorted(p for _, p in m["partitions"]) for m in self.sim.snapshot(history=False)["groups"][0]["members"]
               if m["state"] == "active"}
        real = {m["member_id"][: -len(SUFFIX)]: sorted(p for _, p in m["partitions"])
                for m in self._real_group().snapshot(self.real.time_ms)["members"] if m["state"] in ("active", "paused")}
        return {"simulation": sim, "kafka": real}

    def describe_group(self, group_id, view="offsets") -> dict:
        if isinstance(group_id, str) and group_id.endswith(SUFFIX):
            return self.real.describe_group(group_id, view)
        return self.sim.describe_group(group_id, view)

    def export_log(self) -> dict:
        return self.sim.export_log()

    def backend_info(self) -> dict:
        return {**self.real.backend_info(), "twin": True}

    def snapshot(self, history: bool = True, max_events: int | None = None) -> dict:
        snap = self.sim.snapshot(history=history, max_events=max_events)
        for g in snap["groups"]:
            g["backend"] = "simulation"
        real = self.real.snapshot(history=False, max_events=0)
        snap["groups"] += real["groups"]
        snap["backend"] = self.backend_info()
        snap["twin"] = {"simulation": "g1", "kafka": "g1" + SUFFIX, "differences": DIFFERENCES,
                        "kafka_topic": real["topics"][0], "kafka_producer": real["producer"],
                        "kafka_time_ms": real["time_ms"]}
        snap["fault"] = real["fault"]
        return snap

    def close(self) -> None:
        self.real.close()
