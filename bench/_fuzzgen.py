"""bench/fuzz.py's command generator: random and malformed commands for the engine and the socket.

`command(rng, ids)` is one emit's args tuple: 40% well-formed commands built from commands.SCHEMAS
(`schema_command`, one field in three replaced by junk), the rest any shape at all (`junk`: huge, NaN,
negative numbers, long and non-ASCII strings, nested and deep values, command logs that are wrong
somewhere). fuzz.py drives it; tests/serve/test_sockets.py uses it through fuzz.py (`from fuzz import
command`). Only the vocabulary of the fuzz lives here; what is checked is in fuzz.py.
"""

from __future__ import annotations

import math
import random

from groupviz.engine import commands
from groupviz.classroom import lessons

OPS = ["add_consumer", "kill_consumer", "stop_consumer", "pause_consumer", "resume_consumer", "set_consumer_rate",
       "set_producer_rate", "set_keys", "add_partitions", "add_group", "set_assignor", "set_config", "pause",
       "resume", "step", "set_speed", "reset", "lesson", "replay"]
FIELDS = ["group_id", "member_id", "rate", "mode", "count", "hot_share", "topic", "type", "assignor", "consumers",
          "config", "ms", "factor", "seed", "scenario", "lesson", "step", "log"]
CONFIG_KEYS = ["session.timeout.ms", "heartbeat.interval.ms", "auto.commit.interval.ms", "max.poll.interval.ms",
               "group.initial.rebalance.delay.ms", "enable.auto.commit", "auto.offset.reset", "bogus.key"]
IDS = ["consumer-1", "consumer-2", "consumer-3", "consumer-4", "consumer-9", "g1", "g2", "orders", "ghost"]
STRINGS = ["", " ", "range", "roundrobin", "sticky", "cooperative-sticky", "uniform", "hot", "null", "consumer",
           "share", "default", "cooperative", "hot-key", "earliest", "latest", "../../etc/passwd", "<script>",
           "\u0000", "\u202e\u4e2d\u6587", "🙂" * 10, "a" * 65, "x" * 20_000, "NaN", "1e309", "-0"]
NUMBERS = [0, 1, -1, 2, 7, 100, 6000, 10**6, 2**31 - 1, 2**31, 2**53 + 1, 2**63, -(2**63), 10**99, -(10**98),
           0.5, -0.0, 1e-300, 1e308, -1e308, math.nan, math.inf, -math.inf]
LESSONS = list(lessons.BY_ID)

def junk(rng: random.Random, depth: int = 0):
    """Any JSON-ish value, nested up to a few levels (with an occasional deep spike)."""
    r = rng.random()
    if depth > 3 or r < 0.35:
        return rng.choice([None, True, False, rng.choice(NUMBERS), rng.choice(STRINGS), rng.randint(-5, 300),
                           rng.uniform(-1e6, 1e6), rng.choice(IDS)])
    if r < 0.5:
        deep = rng.choice(NUMBERS[:8])
        for _ in range(rng.randint(1, 300)):
            deep = [deep] if rng.random() < 0.5 else {"op": deep}
        return deep
    if r < 0.75:
        return [junk(rng, depth + 1) for _ in range(rng.randint(0, 5))]
    return {rng.choice(FIELDS + ["op", "", "__proto__", "x" * 100]): junk(rng, depth + 1)
            for _ in range(rng.randint(0, 5))}


def junk_log(rng: random.Random):
    """Something that looks like a command log (export_log) but is usually wrong somewhere."""
    log = {"format": rng.choice(["groupviz-log/1", "groupviz-log/1", "groupviz-log/2", junk(rng)]),
           "seed": rng.choice([1, 7, -1, 2**40, "7", None]), "scenario": rng.choice(["default", "nope", None, 3]),
           "time_ms": rng.choice([0, 1000, 5000, -1, 10**15, "5000"]),
           "commands": rng.choice([[], [{"time_ms": 100, "cmd": {"op": "add_consumer"}}],
                                   [{"time_ms": 9000, "cmd": {"op": "set_producer_rate", "rate": 10}}],
                                   [{"time_ms": 0, "cmd": {"op": "pause"}}], [junk(rng)], junk(rng),
                                   [{"time_ms": 10, "cmd": {"op": "kill_consumer", "member_id": "consumer-1"}}]])}
    if rng.random() < 0.2:
        del log[rng.choice(list(log))]
    return log


def field_value(rng: random.Random, name: str, ids=()):
    r = rng.random()
    if r < 0.3:
        return junk(rng)
    if name == "member_id" and ids and r < 0.8:
        return rng.choice(ids)
    if name in ("group_id", "member_id", "topic", "scenario"):
        return rng.choice(IDS + STRINGS[:16] + ["g" + str(rng.randint(0, 12))])
    if name in ("mode", "type", "assignor"):
        return rng.choice(STRINGS[:16])
    if name == "lesson":
        return rng.choice(LESSONS + ["nope", "a" * 65])
    if name == "log":
        return junk_log(rng)
    if name == "config":
        return {rng.choice(CONFIG_KEYS): rng.choice([rng.choice(NUMBERS), rng.randint(0, 400_000), True, False,
                                                     "earliest", "latest", None, [1], {"a": 1}])
                for _ in range(rng.randint(0, 4))}
    if name in ("ms", "step"):
        return rng.choice([rng.randint(-10, 5_000), rng.choice(NUMBERS)])
    return rng.choice([rng.choice(NUMBERS), rng.randint(-10, 300), rng.uniform(-10, 1e5), str(rng.randint(0, 9))])


def schema_value(rng: random.Random, f: commands.Field, ids=()):
    """A value of the right type for field `f` (commands.SCHEMAS), mostly in range, sometimes at its limits."""
    if f.kind in ("int", "number"):
        lo, hi = int(f.lo or 0), int(f.hi if f.hi is not None else 10**6)
        if rng.random() < 0.1:
            v = rng.choice([lo, hi, lo - 1, hi + 1])
        else:
            v = rng.randint(lo, min(hi, lo + (5 if hi <= 1024 else 200)))     # classroom-sized values
        return float(v) + (0.5 if f.kind == "number" and rng.random() < 0.3 else 0) if f.kind == "number" else v
    if f.kind == "id":
        if f.name == "member_id" and ids:
            return rng.choice(ids)
        if f.name == "lesson":
            return rng.choice(LESSONS)
        return rng.choice(IDS + ["default", "cooperative", "hot-key", "g" + str(rng.randint(0, 12))])
    if f.kind == "enum":
        return rng.choice(f.choices)
    if f.kind == "bool":
        return rng.random() < 0.5
    if f.name == "log":
        return junk_log(rng)
    return field_value(rng, "config")


def schema_command(rng: random.Random, ids=()) -> dict:
    """A well-formed command for a random op, one field in three replaced by junk: reaches the engine's
    own refusals (no such consumer, already paused, too many partitions) and many valid commands."""
    op = rng.choice([o for o in commands.SCHEMAS if o not in ("reset", "lesson", "replay")]
                    if rng.random() < 0.9 else list(commands.SCHEMAS))
    cmd = {"op": op}
    for f in commands.SCHEMAS[op]:
        if f.required or rng.random() < 0.5:
            cmd[f.name] = schema_value(rng, f, ids) if rng.random() < 0.9 else junk(rng)
    if op == "reset" and cmd.get("scenario") == "large":
        cmd["scenario"] = "default"
    return cmd


def command(rng: random.Random, ids=(), well_formed: float = 0.4):
    """One payload as the args tuple of an emit: mostly dicts with an op; sometimes anything at all.
    `ids`: live member ids, so that many commands aim at real consumers; `well_formed`: the share of
    schema_command()s (the rest is junk of every shape)."""
    if rng.random() < well_formed:
        return (schema_command(rng, ids),)
    r = rng.random()
    if r < 0.12:
        return (junk(rng),)                                  # not a command at all
    if r < 0.15:
        return (junk(rng), junk(rng))                        # extra positional arguments
    op = rng.choice(OPS) if rng.random() < 0.9 else junk(rng)
    if op in ("reset", "lesson", "replay") and rng.random() < 0.75:
        # fewer of these: each rebuilds the engine (and over a socket broadcasts a full snapshot)
        op = rng.choice(OPS[:16])
    cmd = {"op": op}
    for name in rng.sample(FIELDS, rng.randint(0, 4)):
        cmd[name] = field_value(rng, name, ids)
    if op == "kill_consumer" and ids and rng.random() < 0.5:
        cmd["member_id"] = rng.choice(ids)
    if rng.random() < 0.05:
        cmd[rng.choice(["extra", "op2", "", "🙂"])] = junk(rng)
    if op == "reset" and cmd.get("scenario") == "large":    # excluded: a 1000-partition reset is a benchmark
        cmd["scenario"] = "default"
    return (cmd,)
