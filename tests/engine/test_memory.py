"""Bounded memory: a long lesson with churn leaves every history, queue and table under its bound.

Two simulated hours at classroom scale: consumers added, killed, stopped, paused and resumed every
few simulated seconds, partitions added, a share group beside the consumer group, configs and rates
changed (including a 30-minute session timeout re-armed by a heartbeat every 100 ms). Every five
simulated minutes each structure that could grow is measured against its bound (`sizes` below lists
them, module by module); a structure that grew with time or churn instead of with the demo's size
fails the test. The web layer's tables (rate-limit buckets, client roles) are tested in
tests/test_security.py (forgotten on disconnect) and the ticker keeps no history (realtime.py).
"""

from __future__ import annotations

import random

import pytest

from groupviz.engine import commands
from groupviz.kafka.config import SHARE_MAX_LOCKS
from groupviz.kafka import member
from groupviz.engine import core as engine_mod
from groupviz.kafka import log
from groupviz.engine import metrics
from groupviz.kafka import offsets
from groupviz.kafka import producer
from groupviz.engine import sim
from groupviz.engine.core import Engine

pytestmark = pytest.mark.slow

MINUTE = 60_000
# a throughput window is pruned when read (every metrics sample): one second of quanta plus one sample period
QUANTA_PER_WINDOW = (member.THROUGHPUT_WINDOW_MS + metrics.SAMPLE_MS) // engine_mod.QUANTUM_MS + 2


def sizes(e: Engine) -> dict[str, tuple[int, int]]:
    """name -> (size now, bound) for every structure of the engine that holds more than a few fields."""
    parts = len(e.topic.partitions)
    members = sum(len(g.consumers) for g in e.groups.values())
    out = {
        "engine.events": (len(e.events), engine_mod.MAX_EVENTS),
        "engine.command_log": (len(e.command_log), engine_mod.MAX_LOGGED_COMMANDS),
        "metrics.ChartSamples.samples": (len(e.charts.samples), metrics.MAX_SAMPLES),
        # live timers: a few per member and per group, a few engine-wide; cancelled ones are compacted away
        "sim.Environment heap": (len(e.env), max(2 * sim.COMPACT_MIN, 4 * (8 * members + 8 * len(e.groups) + 16))),
        "producer.by_group": (len(e.producer.by_group), commands.MAX_GROUPS),
        "producer key table": (len(e.producer._key_partitions), commands.MAX_KEYS),
        "log.Partition time index (largest)": (
            max(len(p._batch_offsets) for p in e.topic.partitions), log.TIME_INDEX_BATCHES + log.TIME_INDEX_SLACK),
    }
    for gid, st in e.producer.by_group.items():
        out[f"producer latency samples {gid}"] = (len(st["latency"]), producer.LATENCY_SAMPLES)
    for gid, g in e.groups.items():
        n = len(g.consumers)
        out[f"{gid}.consumers"] = (n, commands.MAX_MEMBERS_PER_GROUP)
        out[f"{gid}: largest throughput window"] = (max((len(c._window) for c in g.consumers.values()), default=0),
                                                    QUANTA_PER_WINDOW)
        if g.kind == "share":
            out[f"{gid}.wins"] = (len(g.wins), n)
            out[f"{gid}.journeys"] = (len(g.journeys), g.journey_limit)
            locks = int(g.config[SHARE_MAX_LOCKS])
            for sp in g.partitions:
                out[f"{gid}-{sp.partition} acquired+released+done"] = (
                    len(sp.acquired) + len(sp.released) + len(sp.done), locks)
            out[f"{gid}: largest fetch buffer"] = (max((len(c._buffer) for c in g.consumers.values()), default=0),
                                                   locks * parts)
            continue
        coord = g.coordinator
        out[f"{gid}.coordinator.history"] = (len(coord.history), 30)
        out[f"{gid}.coordinator.members"] = (len(coord.members), n)
        out[f"{gid}.coordinator expiry timers"] = (len(coord._expiry), n)
        out[f"{gid}.high_processed"] = (len(g.high_processed), parts)
        out[f"{gid}.offsets.committed"] = (len(g.offsets.committed), parts)
        out[f"{gid}.offsets.window (largest)"] = (max((len(w) for w in g.offsets.window.values()), default=0),
                                                  offsets.BURROW_INTERVALS)
        out[f"{gid}.broker_offsets"] = (len(g.broker_offsets), parts)
        out[f"{gid}.broker_offsets (largest)"] = (max((len(d) for d in g.broker_offsets.values()), default=0),
                                                  offsets.BURROW_INTERVALS)
        out[f"{gid}: largest timer list"] = (max((len(c._timers) for c in g.consumers.values()), default=0), 8)
        out[f"{gid}: largest positions"] = (max((len(c.positions) for c in g.consumers.values()), default=0), parts)
    hist = e.charts.snapshot()
    for gid, hg in hist["groups"].items():
        # chart series: one per member that appears in the last MAX_SAMPLES samples, each MAX_SAMPLES long
        out[f"history series {gid}"] = (len(hg["lag"]) + len(hg["throughput"]),
                                        2 * commands.MAX_MEMBERS_PER_GROUP)
    return out


def churn(e: Engine, rng: random.Random) -> None:
    """One classroom action, like a teacher clicking through a lesson."""
    live = {gid: [m for m, c in g.consumers.items() if c.state in ("active", "paused")]
            for gid, g in e.groups.items()}
    gid = rng.choice(sorted(live))
    ids = live[gid]
    r = rng.random()
    if r < 0.3 and len(ids) < 12:
        e.apply({"op": "add_consumer", "group_id": gid})
    elif r < 0.5 and len(ids) > 2:
        e.apply({"op": rng.choice(["kill_consumer", "stop_consumer"]), "member_id": rng.choice(ids)})
    elif r < 0.6 and ids:
        e.apply({"op": rng.choice(["pause_consumer", "resume_consumer"]), "member_id": rng.choice(ids)})
    elif r < 0.75:
        e.apply({"op": "set_producer_rate", "rate": rng.choice([5, 20, 40, 80, 150])})
    elif r < 0.8:
        e.apply({"op": "set_keys", "mode": rng.choice(["uniform", "hot", "null"])})
    elif r < 0.85:
        e.apply({"op": "set_assignor", "group_id": gid,
                 "assignor": rng.choice(["range", "roundrobin", "sticky", "cooperative-sticky"])})
    elif r < 0.9 and ids:
        e.apply({"op": "set_consumer_rate", "member_id": rng.choice(ids), "rate": rng.choice([5, 20, 60])})


def test_two_simulated_hours_of_classroom_churn_stay_within_every_bound():
    rng = random.Random("memory")
    e = Engine(seed=3)
    assert e.apply({"op": "add_group", "group_id": "share1", "type": "share", "consumers": 3})["ok"]
    # a 30-minute session timeout re-armed by a heartbeat every 100 ms: the heap must not keep the old timers
    assert e.apply({"op": "set_config", "config": {"session.timeout.ms": 1_800_000,
                                                   "heartbeat.interval.ms": 100}})["ok"]
    worst: dict[str, int] = {}
    for minute in range(1, 121):
        for _ in range(rng.randint(5, 15)):
            churn(e, rng)
            e.step(rng.randint(1000, 8000))
        if e.time_ms < minute * MINUTE:
            e.step(minute * MINUTE - e.time_ms)
        if minute % 20 == 0 and len(e.topic.partitions) < 12:
            assert e.apply({"op": "add_partitions", "count": 2})["ok"]
        if minute == 60:                        # back to the classroom defaults for the second hour
            assert e.apply({"op": "set_config", "config": {"heartbeat.interval.ms": 2000,
                                                           "session.timeout.ms": 6000}})["ok"]
        if minute % 5 == 0:
            for name, (n, bound) in sizes(e).items():
                assert n <= bound, f"after {minute} simulated minutes {name} holds {n} (bound {bound})"
                worst[name] = max(worst.get(name, 0), n)
    assert e.time_ms >= 120 * MINUTE
    assert e._members_created > 60                  # there really was churn
    assert worst["engine.events"] == engine_mod.MAX_EVENTS and worst["metrics.ChartSamples.samples"] == metrics.MAX_SAMPLES
