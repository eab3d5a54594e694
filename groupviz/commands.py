"""Parse and validate command dicts from browsers (and tests).

Every socket message may be hostile: each op has an explicit schema (types,
ranges, lengths), extra fields are ignored, and anything else is refused with
a `CommandError` whose message says what was wrong and what is allowed.
Booleans are not numbers, NaN and infinities are not numbers, ids are short
and made of Kafka's legal name characters.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from .errors import CommandError

# Documented limits (README "Limits").
MAX_PARTITIONS = 1024
MAX_MEMBERS_PER_GROUP = 256
MAX_GROUPS = 8
MAX_PRODUCER_RATE = 100_000.0
MAX_CONSUMER_RATE = 100_000.0
MAX_KEYS = 100_000
MAX_STEP_MS = 600_000
MIN_SPEED, MAX_SPEED = 0.1, 10.0
MAX_SEED = 2**31 - 1
ID_RE = re.compile(r"^[A-Za-z0-9._-]{1,64}$")   # Kafka's legal characters for topic/group names

ASSIGNORS = ("range", "roundrobin", "sticky", "cooperative-sticky")
KEY_MODES = ("uniform", "hot", "null")
GROUP_TYPES = ("consumer", "share")
#: How the members of a share group compete for a record (groupviz/share.py).
COMPETITIONS = ("random", "first-free")


@dataclass(frozen=True)
class Field:
    name: str
    kind: str                 # int | number | str | id | enum | bool | dict
    required: bool = True
    lo: float | None = None
    hi: float | None = None
    choices: tuple = ()


def _F(name, kind, required=True, lo=None, hi=None, choices=()):
    return Field(name, kind, required, lo, hi, choices)


SCHEMAS: dict[str, tuple[Field, ...]] = {
    "add_consumer": (_F("group_id", "id", False), _F("rate", "number", False, 0, MAX_CONSUMER_RATE)),
    "kill_consumer": (_F("member_id", "id"),),
    "stop_consumer": (_F("member_id", "id"),),
    "pause_consumer": (_F("member_id", "id"),),
    "resume_consumer": (_F("member_id", "id"),),
    "set_consumer_rate": (_F("member_id", "id"), _F("rate", "number", True, 0, MAX_CONSUMER_RATE)),
    "set_producer_rate": (_F("rate", "number", True, 0, MAX_PRODUCER_RATE),),
    "set_keys": (_F("mode", "enum", True, choices=KEY_MODES), _F("count", "int", False, 1, MAX_KEYS),
                 _F("hot_share", "number", False, 0, 1)),
    "add_partitions": (_F("topic", "id", False), _F("count", "int", True, 1, MAX_PARTITIONS)),
    "add_group": (_F("group_id", "id"), _F("type", "enum", False, choices=GROUP_TYPES),
                  _F("assignor", "enum", False, choices=ASSIGNORS), _F("consumers", "int", False, 0, 16),
                  _F("competition", "enum", False, choices=COMPETITIONS)),
    "set_assignor": (_F("group_id", "id", False), _F("assignor", "enum", True, choices=ASSIGNORS)),
    "set_config": (_F("group_id", "id", False), _F("config", "dict")),
    "pause": (),
    "resume": (),
    "step": (_F("ms", "int", False, 1, MAX_STEP_MS),),
    "set_speed": (_F("factor", "number", True, MIN_SPEED, MAX_SPEED),),
    "reset": (_F("seed", "int", False, 0, MAX_SEED), _F("scenario", "id", False)),
    "replay": (_F("log", "dict"),),
    "lesson": (_F("lesson", "id"), _F("step", "int", False, 0, 99), _F("seed", "int", False, 0, MAX_SEED)),
}

# Group configs that can be set, by Kafka name: (kind, lo, hi). Cross-field rules in check_config.
CONFIG_SCHEMA = {
    # broker: group.min.session.timeout.ms (6000) .. group.max.session.timeout.ms (1800000)
    "session.timeout.ms": ("int", 6000, 1_800_000),
    "heartbeat.interval.ms": ("int", 100, 600_000),
    "auto.commit.interval.ms": ("int", 100, 600_000),
    "max.poll.interval.ms": ("int", 1000, 3_600_000),
    "group.initial.rebalance.delay.ms": ("int", 0, 300_000),
    "enable.auto.commit": ("bool", None, None),
    "auto.offset.reset": ("enum", ("earliest", "latest"), None),
}

# Share-group configs that can be set, by Kafka name: (kind, lo, hi), Kafka's ConfigDef ranges where it has them.
# Broker configs (ShareGroupConfig, GroupCoordinatorConfig) applied to the one group; docs/kafka-fidelity.md.
SHARE_LOCK_MS = "group.share.record.lock.duration.ms"
SHARE_DELIVERY_LIMIT = "group.share.delivery.count.limit"
SHARE_MAX_LOCKS = "group.share.partition.max.record.locks"
SHARE_SESSION_MS = "group.share.session.timeout.ms"
SHARE_HEARTBEAT_MS = "group.share.heartbeat.interval.ms"
SHARE_REJECT_P = "groupviz.reject.probability"      # a groupviz knob, not a Kafka config
SHARE_CONFIG_SCHEMA = {
    SHARE_LOCK_MS: ("int", 1000, 3_600_000),        # ShareGroupConfig: between(1000, 3600000)
    SHARE_DELIVERY_LIMIT: ("int", 2, 10),           # ShareGroupConfig: between(2, 10)
    SHARE_MAX_LOCKS: ("int", 100, 10_000),          # ShareGroupConfig: between(100, 10000)
    SHARE_SESSION_MS: ("int", 6000, 1_800_000),     # classroom floor: Kafka's group.share.min.session.timeout.ms is 45000
    SHARE_HEARTBEAT_MS: ("int", 100, 600_000),
    SHARE_REJECT_P: ("number", 0.0, 1.0),
}


@dataclass(frozen=True)
class Command:
    op: str
    args: dict


def _describe(v) -> str:
    if isinstance(v, bool):
        return "a boolean"
    if isinstance(v, int) and v.bit_length() > 64:
        return "a huge number"
    if isinstance(v, (int, float)):
        return f"the number {v!r}"[:60]
    if isinstance(v, str):
        return "a string" if len(v) > 40 else f"the string {v!r}"
    if v is None:
        return "null"
    return f"a {type(v).__name__}"


def _num(x) -> str:
    if isinstance(x, int) and x.bit_length() > 64:
        return "a huge number"
    if isinstance(x, float) and x.is_integer() and abs(x) < 1e15:
        x = int(x)
    text = str(x)
    return text if len(text) <= 20 else text[:8] + "..." + f"({len(text)} digits)"


def check_value(op: str, f: Field, v):
    where = f"{op}: field '{f.name}'"
    if f.kind in ("int", "number"):
        if isinstance(v, bool) or not isinstance(v, (int, float)):
            raise CommandError(f"{where} must be a number, not {_describe(v)}")
        if isinstance(v, float) and not math.isfinite(v):
            raise CommandError(f"{where} must be a finite number")
        if isinstance(v, int) and v.bit_length() > 64:    # float() of it would overflow
            raise CommandError(f"{where} must be between {_num(f.lo)} and {_num(f.hi)}, not a huge number")
        if f.kind == "int":
            if isinstance(v, float):
                if not v.is_integer():
                    raise CommandError(f"{where} must be a whole number, not {v!r}")
                v = int(v)
        else:
            v = float(v)
        if (f.lo is not None and v < f.lo) or (f.hi is not None and v > f.hi):
            raise CommandError(f"{where} must be between {_num(f.lo)} and {_num(f.hi)}, not {_num(v)}")
        return v
    if f.kind == "id":
        if not isinstance(v, str):
            raise CommandError(f"{where} must be a string, not {_describe(v)}")
        if not ID_RE.match(v):
            raise CommandError(f"{where} must be 1-64 characters of letters, digits, '.', '_' or '-'")
        return v
    if f.kind == "enum":
        if not isinstance(v, str) or v not in f.choices:
            raise CommandError(f"{where} must be one of {', '.join(f.choices)}, not {_describe(v)}")
        return v
    if f.kind == "bool":
        if not isinstance(v, bool):
            raise CommandError(f"{where} must be true or false, not {_describe(v)}")
        return v
    if f.kind == "dict":
        if not isinstance(v, dict):
            raise CommandError(f"{where} must be an object, not {_describe(v)}")
        return v
    raise AssertionError(f.kind)


def _check_add_group(args: dict) -> None:
    kind = args.get("type", "consumer")
    if kind == "share" and "assignor" in args:
        raise CommandError("add_group: a share group takes no 'assignor' (the broker assigns every partition to "
                           "every member); choose its 'competition': " + ", ".join(COMPETITIONS))
    if kind != "share" and "competition" in args:
        raise CommandError("add_group: 'competition' is only for share groups (type \"share\"); a consumer group "
                           "shards its partitions with an 'assignor': " + ", ".join(ASSIGNORS))


#: Rules across the fields of one op, after each field passed its own check.
CROSS_CHECKS = {"add_group": _check_add_group}


def parse(cmd) -> Command:
    """Validate a command dict; raise CommandError with a readable message."""
    if not isinstance(cmd, dict):
        raise CommandError(f"a command must be an object like {{\"op\": \"add_consumer\"}}, not {_describe(cmd)}")
    op = cmd.get("op")
    if not isinstance(op, str):
        raise CommandError("a command needs an 'op' string, e.g. {\"op\": \"add_consumer\"}")
    if op not in SCHEMAS:
        shown = op if len(op) <= 40 and op.isprintable() else op[:40].encode("unicode_escape").decode() + "..."
        raise CommandError(f"unknown op '{shown}'; known ops: {', '.join(sorted(SCHEMAS))}")
    args = {}
    for f in SCHEMAS[op]:
        if f.name not in cmd or (cmd[f.name] is None and not f.required):
            if f.required:
                raise CommandError(f"{op}: field '{f.name}' is required")
            continue
        args[f.name] = check_value(op, f, cmd[f.name])
    cross = CROSS_CHECKS.get(op)
    if cross is not None:
        cross(args)
    return Command(op, args)


def _merge_settings(config, current: dict, schema: dict, settable: str, unknown) -> dict:
    """Check each key of a set_config payload against `schema` ({name: (kind, lo, hi)}; an enum's
    choices in lo) and return `current` updated with the checked values. `unknown(shown, key)`
    words the error for a key the schema lacks; `settable` names who the keys are for."""
    if not isinstance(config, dict) or not config:
        raise CommandError(f"set_config: 'config' is empty; settable{settable}: " + ", ".join(schema))
    if len(config) > len(schema):
        raise CommandError(f"set_config: too many keys; settable{settable}: " + ", ".join(schema))
    merged = dict(current)
    for key, v in config.items():
        if not isinstance(key, str) or key not in schema:
            raise CommandError(unknown(key[:40] if isinstance(key, str) else _describe(key), key))
        kind, lo, hi = schema[key]
        if kind == "enum":
            merged[key] = check_value("set_config", Field(key, "enum", True, choices=lo), v)
        else:
            merged[key] = check_value("set_config", Field(key, kind, True, lo, hi), v)
    return merged


def check_config(config: dict, current: dict) -> dict:
    """Validate a set_config payload against Kafka's names and rules; return the merged config."""
    merged = _merge_settings(config, current, CONFIG_SCHEMA, "",
                             lambda shown, key: f"set_config: unknown config '{shown}'; "
                                                f"settable: {', '.join(CONFIG_SCHEMA)}")
    if merged["heartbeat.interval.ms"] >= merged["session.timeout.ms"]:
        # Kafka's client refuses this (GroupRebalanceConfig / Heartbeat): "heartbeat must be lower than the session timeout"
        raise CommandError(
            f"set_config: heartbeat.interval.ms ({merged['heartbeat.interval.ms']}) must be lower than "
            f"session.timeout.ms ({merged['session.timeout.ms']}), as Kafka requires")
    return merged


def _not_for_share(shown: str, key) -> str:
    hint = " (a consumer-group config)" if isinstance(key, str) and key in CONFIG_SCHEMA else ""
    return f"set_config: '{shown}'{hint} is not settable on a share group; settable: {', '.join(SHARE_CONFIG_SCHEMA)}"


def check_share_config(config: dict, current: dict) -> dict:
    """Validate a `set_config` payload for a share group against Kafka's names and ranges; return the merged config."""
    merged = _merge_settings(config, current, SHARE_CONFIG_SCHEMA, " for a share group", _not_for_share)
    if merged[SHARE_HEARTBEAT_MS] >= merged[SHARE_SESSION_MS]:
        # GroupConfig.validateValues: "share.session.timeout.ms must be greater than share.heartbeat.interval.ms"
        raise CommandError(f"set_config: {SHARE_HEARTBEAT_MS} ({merged[SHARE_HEARTBEAT_MS]}) must be lower than "
                           f"{SHARE_SESSION_MS} ({merged[SHARE_SESSION_MS]}), as Kafka requires")
    return merged
