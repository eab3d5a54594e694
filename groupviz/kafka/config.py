"""Kafka's configs as groupviz lets a class change them: names, Kafka's defaults, the classroom's
defaults, and the ranges Kafka's ConfigDef accepts, with the checks that refuse anything else.

The engine's command parser (groupviz.engine.commands) imports these; this module imports nothing above
the Kafka layer. A refused value raises `DomainError` (or the error class the caller names) with a
message a student can read.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from groupviz.errors import DomainError

ID_RE = re.compile(r"^[A-Za-z0-9._-]{1,64}$")   # Kafka's legal characters for topic/group names


@dataclass(frozen=True)
class Field:
    name: str
    kind: str                 # int | number | str | id | enum | bool | dict
    required: bool = True
    lo: float | None = None
    hi: float | None = None
    choices: tuple = ()


def describe_value(v) -> str:
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


def check_value(op: str, f: Field, v, error: type[Exception] = DomainError):
    """`v` checked against `f` (kind, range, choices), converted (an int-valued float to int); else `error`
    with a message that says what was wrong and what is allowed (`where`: the op or set_config)."""
    where = f"{op}: field '{f.name}'"
    if f.kind in ("int", "number"):
        if isinstance(v, bool) or not isinstance(v, (int, float)):
            raise error(f"{where} must be a number, not {describe_value(v)}")
        if isinstance(v, float) and not math.isfinite(v):
            raise error(f"{where} must be a finite number")
        if isinstance(v, int) and v.bit_length() > 64:    # float() of it would overflow
            raise error(f"{where} must be between {_num(f.lo)} and {_num(f.hi)}, not a huge number")
        if f.kind == "int":
            if isinstance(v, float):
                if not v.is_integer():
                    raise error(f"{where} must be a whole number, not {v!r}")
                v = int(v)
        else:
            v = float(v)
        if (f.lo is not None and v < f.lo) or (f.hi is not None and v > f.hi):
            raise error(f"{where} must be between {_num(f.lo)} and {_num(f.hi)}, not {_num(v)}")
        return v
    if f.kind == "id":
        if not isinstance(v, str):
            raise error(f"{where} must be a string, not {describe_value(v)}")
        if not ID_RE.match(v):
            raise error(f"{where} must be 1-64 characters of letters, digits, '.', '_' or '-'")
        return v
    if f.kind == "enum":
        if not isinstance(v, str) or v not in f.choices:
            raise error(f"{where} must be one of {', '.join(f.choices)}, not {describe_value(v)}")
        return v
    if f.kind == "bool":
        if not isinstance(v, bool):
            raise error(f"{where} must be true or false, not {describe_value(v)}")
        return v
    if f.kind == "dict":
        if not isinstance(v, dict):
            raise error(f"{where} must be an object, not {describe_value(v)}")
        return v
    raise AssertionError(f.kind)


# Group configs that can be set, by Kafka name: (kind, lo, hi). Cross-field rules in check_config.
CONFIG_SCHEMA = {
    # broker: group.min.session.timeout.ms (6000) .. group.max.session.timeout.ms (1800000)
    "session.timeout.ms": ("int", 6000, 1_800_000),
    "heartbeat.interval.ms": ("int", 100, 600_000),
    "auto.commit.interval.ms": ("int", 100, 600_000),
    "max.poll.interval.ms": ("int", 1000, 3_600_000),
    "max.poll.records": ("int", 1, 100_000),          # ConsumerConfig: atLeast(1); the upper bound is groupviz's
    "group.initial.rebalance.delay.ms": ("int", 0, 300_000),
    # the client's metadata refresh: the leader notices new partitions at its next one (Kafka: atLeast(0))
    "metadata.max.age.ms": ("int", 1000, 3_600_000),
    "enable.auto.commit": ("bool", None, None),
    "auto.offset.reset": ("enum", ("earliest", "latest"), None),
}

#: Classroom defaults; Kafka's own defaults are in KAFKA_DEFAULTS.
CLASSROOM_CONFIG = {
    "session.timeout.ms": 6000,
    "heartbeat.interval.ms": 2000,
    "auto.commit.interval.ms": 1000,
    "enable.auto.commit": True,
    "max.poll.interval.ms": 300000,
    "max.poll.records": 500,
    "group.initial.rebalance.delay.ms": 3000,
    "metadata.max.age.ms": 10000,
    "auto.offset.reset": "earliest",
}
KAFKA_DEFAULTS = {
    "session.timeout.ms": 45000,
    "heartbeat.interval.ms": 3000,
    "auto.commit.interval.ms": 5000,
    "enable.auto.commit": True,
    "max.poll.interval.ms": 300000,
    "max.poll.records": 500,
    "group.initial.rebalance.delay.ms": 3000,
    "metadata.max.age.ms": 300000,
    "auto.offset.reset": "latest",
}
#: The producer's metadata refresh (`metadata.max.age.ms`, ProducerConfig): it writes to new partitions only
#: after its next refresh. Classroom 10000, Kafka 300000.
PRODUCER_METADATA_MAX_AGE_MS = 10000
PRODUCER_KAFKA_METADATA_MAX_AGE_MS = 300000


def config_reference(schema: dict | None = None, classroom: dict | None = None, kafka: dict | None = None) -> list[dict]:
    """Every settable config of one kind of group under its Kafka name: kind, limits, Kafka's default (None
    for a groupviz knob Kafka has not), the classroom default. Default: the classic group's."""
    schema, classroom, kafka = schema or CONFIG_SCHEMA, classroom or CLASSROOM_CONFIG, kafka or KAFKA_DEFAULTS
    out = []
    for name in classroom:
        if name not in schema:
            continue            # chosen when the group is made, not settable
        kind, lo, hi = schema[name]
        row = {"name": name, "kind": kind, "kafka_default": kafka.get(name),
               "classroom_default": classroom[name]}
        if kind == "int":
            row.update(min=lo, max=hi)
        elif kind == "enum":
            row["choices"] = list(lo)
        out.append(row)
    return out


# Share-group configs that can be set, by Kafka name: (kind, lo, hi), Kafka's ConfigDef ranges where it has them.
# Broker configs (ShareGroupConfig, GroupCoordinatorConfig) applied to the one group; docs/kafka-fidelity.md.
SHARE_LOCK_MS = "group.share.record.lock.duration.ms"
SHARE_DELIVERY_LIMIT = "group.share.delivery.count.limit"
SHARE_MAX_LOCKS = "group.share.partition.max.record.locks"
SHARE_SESSION_MS = "group.share.session.timeout.ms"
SHARE_HEARTBEAT_MS = "group.share.heartbeat.interval.ms"
SHARE_REJECT_P = "groupviz.reject.probability"      # a groupviz knob, not a Kafka config
# Consumer configs of a KafkaShareConsumer (ConsumerConfig), set here for every member of the group.
SHARE_MAX_POLL = "max.poll.records"                  # atLeast(1); a soft limit on a ShareFetch's batch
SHARE_ACK_MODE = "share.acknowledgement.mode"        # implicit | explicit (ShareAcknowledgementMode)
SHARE_ACK_MODES = ("implicit", "explicit")
SHARE_MAX_POLL_LIMIT = 10_000                        # classroom ceiling (Kafka: no upper bound)
SHARE_CONFIG_SCHEMA = {
    SHARE_LOCK_MS: ("int", 1000, 3_600_000),        # ShareGroupConfig: between(1000, 3600000)
    SHARE_DELIVERY_LIMIT: ("int", 2, 10),           # ShareGroupConfig: between(2, 10)
    SHARE_MAX_LOCKS: ("int", 100, 10_000),          # ShareGroupConfig: between(100, 10000)
    SHARE_SESSION_MS: ("int", 6000, 1_800_000),     # classroom floor: Kafka's group.share.min.session.timeout.ms is 45000
    SHARE_HEARTBEAT_MS: ("int", 100, 600_000),
    SHARE_REJECT_P: ("number", 0.0, 1.0),
    SHARE_MAX_POLL: ("int", 1, SHARE_MAX_POLL_LIMIT),
    SHARE_ACK_MODE: ("enum", SHARE_ACK_MODES, None),
}

#: Chosen when the share group is made (share/group.py checks it), not by set_config: no entry in
#: SHARE_CONFIG_SCHEMA.
SHARE_OFFSET_RESET = "share.auto.offset.reset"

#: Classroom defaults (short enough to watch); Kafka's own are in SHARE_KAFKA_DEFAULTS.
SHARE_CLASSROOM_CONFIG = {
    SHARE_LOCK_MS: 5000,
    SHARE_DELIVERY_LIMIT: 5,
    SHARE_MAX_LOCKS: 2000,
    SHARE_SESSION_MS: 6000,
    SHARE_HEARTBEAT_MS: 2000,
    SHARE_OFFSET_RESET: "earliest",
    SHARE_REJECT_P: 0.0,
    SHARE_MAX_POLL: 20,                # Kafka 500: at a classroom 20 records/s a batch of 500 outlasts any lock
    SHARE_ACK_MODE: "implicit",
}
#: Broker defaults in Apache Kafka's source (ShareGroupConfig, GroupCoordinatorConfig, GroupConfig).
SHARE_KAFKA_DEFAULTS = {
    SHARE_LOCK_MS: 30000,              # group.share.record.lock.duration.ms (group override: share.record.lock.duration.ms)
    SHARE_DELIVERY_LIMIT: 5,           # group.share.delivery.count.limit (group override: share.delivery.count.limit)
    SHARE_MAX_LOCKS: 2000,             # group.share.partition.max.record.locks (200 in Kafka 4.0)
    SHARE_SESSION_MS: 45000,           # group.share.session.timeout.ms (group override: share.session.timeout.ms)
    SHARE_HEARTBEAT_MS: 5000,          # group.share.heartbeat.interval.ms (group override: share.heartbeat.interval.ms)
    SHARE_OFFSET_RESET: "latest",      # share.auto.offset.reset (group config)
    SHARE_MAX_POLL: 500,               # max.poll.records (ConsumerConfig.DEFAULT_MAX_POLL_RECORDS)
    SHARE_ACK_MODE: "implicit",        # share.acknowledgement.mode (ConsumerConfig)
}


def _merge_settings(config, current: dict, schema: dict, settable: str, unknown) -> dict:
    """Check each key of a set_config payload against `schema` ({name: (kind, lo, hi)}; an enum's
    choices in lo) and return `current` updated with the checked values. `unknown(shown, key)`
    words the error for a key the schema lacks; `settable` names who the keys are for."""
    if not isinstance(config, dict) or not config:
        raise DomainError(f"set_config: 'config' is empty; settable{settable}: " + ", ".join(schema))
    if len(config) > len(schema):
        raise DomainError(f"set_config: too many keys; settable{settable}: " + ", ".join(schema))
    if "group.protocol" in config:
        raise DomainError("set_config: a live group's group.protocol cannot change; add a group with add_group "
                          "{\"group_protocol\": \"classic\" | \"consumer\"} to compare protocols")
    merged = dict(current)
    for key, v in config.items():
        if not isinstance(key, str) or key not in schema:
            raise DomainError(unknown(key[:40] if isinstance(key, str) else describe_value(key), key))
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
        raise DomainError(
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
        raise DomainError(f"set_config: {SHARE_HEARTBEAT_MS} ({merged[SHARE_HEARTBEAT_MS]}) must be lower than "
                           f"{SHARE_SESSION_MS} ({merged[SHARE_SESSION_MS]}), as Kafka requires")
    return merged


# KIP-848 consumer groups (group.protocol=consumer): the broker's group.consumer.* settings applied to the
# one group (GroupCoordinatorConfig; per-group overrides in GroupConfig), and the client settings that remain.
CONSUMER_SESSION_MS = "group.consumer.session.timeout.ms"
CONSUMER_HEARTBEAT_MS = "group.consumer.heartbeat.interval.ms"
CONSUMER_CONFIG_SCHEMA = {
    # Kafka: group.consumer.min/max.session.timeout.ms 45000..60000; the classroom floor is 6000 (as for share groups)
    CONSUMER_SESSION_MS: ("int", 6000, 60_000),
    # Kafka: group.consumer.min/max.heartbeat.interval.ms 5000..15000; the classroom floor is 1000
    CONSUMER_HEARTBEAT_MS: ("int", 1000, 15_000),
    "max.poll.interval.ms": ("int", 1000, 3_600_000),        # the rebalance timeout the member sends
    "auto.commit.interval.ms": ("int", 100, 600_000),
    "enable.auto.commit": ("bool", None, None),
    "auto.offset.reset": ("enum", ("earliest", "latest"), None),
}
CONSUMER_CLASSROOM_CONFIG = {
    CONSUMER_SESSION_MS: 6000,
    CONSUMER_HEARTBEAT_MS: 2000,
    "max.poll.interval.ms": 300000,
    "auto.commit.interval.ms": 1000,
    "enable.auto.commit": True,
    "auto.offset.reset": "earliest",
}
CONSUMER_KAFKA_DEFAULTS = {
    CONSUMER_SESSION_MS: 45000,
    CONSUMER_HEARTBEAT_MS: 5000,
    "max.poll.interval.ms": 300000,
    "auto.commit.interval.ms": 5000,
    "enable.auto.commit": True,
    "auto.offset.reset": "latest",
}


def _not_for_consumer_protocol(shown: str, key) -> str:
    hint = ""
    if key in ("session.timeout.ms", "heartbeat.interval.ms"):
        hint = f" (a classic-protocol client setting; the consumer protocol's is group.consumer.{key} on the broker)"
    return (f"set_config: '{shown}'{hint} is not settable on a consumer-protocol group; settable: "
            f"{', '.join(CONSUMER_CONFIG_SCHEMA)}")


def check_consumer_protocol_config(config: dict, current: dict) -> dict:
    """A set_config payload for a KIP-848 group, checked against Kafka's names and bounds."""
    merged = _merge_settings(config, current, CONSUMER_CONFIG_SCHEMA, " for a consumer-protocol group",
                             _not_for_consumer_protocol)
    if merged[CONSUMER_HEARTBEAT_MS] >= merged[CONSUMER_SESSION_MS]:
        # GroupConfig.validateValues: "consumer.session.timeout.ms must be greater than consumer.heartbeat.interval.ms"
        raise DomainError(f"set_config: {CONSUMER_HEARTBEAT_MS} ({merged[CONSUMER_HEARTBEAT_MS]}) must be lower than "
                          f"{CONSUMER_SESSION_MS} ({merged[CONSUMER_SESSION_MS]}), as Kafka requires")
    return merged


def config_references() -> dict[str, list[dict]]:
    """The settable configs of each kind of group: classic consumer group, KIP-848 consumer group, share group."""
    return {"classic": config_reference(),
            "consumer": config_reference(CONSUMER_CONFIG_SCHEMA, CONSUMER_CLASSROOM_CONFIG, CONSUMER_KAFKA_DEFAULTS),
            "share": config_reference(SHARE_CONFIG_SCHEMA, SHARE_CLASSROOM_CONFIG, SHARE_KAFKA_DEFAULTS)}
