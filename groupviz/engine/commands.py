"""Parse and validate command dicts from browsers (and tests).

Every socket message may be hostile: each op has an explicit schema (types,
ranges, lengths), extra fields are ignored, and anything else is refused with
a `CommandError` whose message says what was wrong and what is allowed.
Booleans are not numbers, NaN and infinities are not numbers, ids are short
and made of Kafka's legal name characters.
"""

from __future__ import annotations

from dataclasses import dataclass

from groupviz.engine.kinds import GROUP_PROTOCOLS, GROUP_TYPES, kind_for
from groupviz.errors import CommandError, DomainError
from groupviz.flink.config import MAX_PARALLELISM, SINKS
from groupviz.kafka import config as kafka_config
from groupviz.kafka.assignors import SERVER_ASSIGNORS, STRATEGIES
from groupviz.kafka.classic.app_controls import COMMIT_MODES, MAX_PROCESSING_MS, MAX_STALL_MS
from groupviz.kafka.consumer_protocol.group import CONSUMER_ASSIGNORS
from groupviz.kafka.config import ID_RE, Field, describe_value
from groupviz.kafka.producer import KEY_MODES
from groupviz.kafka.share.group import COMPETITIONS
from groupviz.kafka.subscription import MAX_PATTERN_LENGTH
from groupviz.kafka.share.records import ACK_TYPES

# Documented limits (README "Limits").
MAX_PARTITIONS = 1024
MAX_TOPICS = 8                 # topics in one run (add_topic)
MAX_TOTAL_PARTITIONS = 2048    # partitions of all topics together
MAX_MEMBERS_PER_GROUP = 256
MAX_GROUPS = 8
MAX_PRODUCER_RATE = 100_000.0
MAX_CONSUMER_RATE = 100_000.0
MAX_KEYS = 100_000
MAX_STEP_MS = 600_000
MAX_DOWN_MS = 600_000    # restart_consumer's down_ms and partition_consumer's ms: up to ten simulated minutes
MIN_SPEED, MAX_SPEED = 0.1, 10.0
MAX_SEED = 2**31 - 1
#: Client assignors (classic groups) and the consumer protocol's server assignors; each kind checks its own.
ASSIGNORS = tuple(dict.fromkeys(STRATEGIES + tuple(a for a in SERVER_ASSIGNORS if a != "simple")))
#: The assignors each consumer-group protocol takes (`group.protocol`): client assignors for classic,
#: `group.consumer.assignors` for consumer. Share and Flink groups take none.
ASSIGNORS_BY_PROTOCOL = {"classic": tuple(STRATEGIES),
                         "consumer": CONSUMER_ASSIGNORS}


def _F(name, kind, required=True, lo=None, hi=None, choices=()):
    return Field(name, kind, required, lo, hi, choices)


SCHEMAS: dict[str, tuple[Field, ...]] = {
    "add_consumer": (_F("group_id", "id", False), _F("rate", "number", False, 0, MAX_CONSUMER_RATE),
                     _F("topics", "topics", False), _F("topic_pattern", "text", False, 1, MAX_PATTERN_LENGTH),
                     _F("instance_id", "id", False)),
    "set_subscription": (_F("member_id", "id"), _F("topics", "topics", False),
                         _F("topic_pattern", "text", False, 1, MAX_PATTERN_LENGTH)),
    "add_topic": (_F("name", "id"), _F("partitions", "int", True, 1, MAX_PARTITIONS),
                  _F("rate", "number", False, 0, MAX_PRODUCER_RATE)),
    "restart_consumer": (_F("member_id", "id"), _F("down_ms", "int", True, 1, MAX_DOWN_MS)),
    "partition_consumer": (_F("member_id", "id"), _F("ms", "int", True, 1, MAX_DOWN_MS)),
    "kill_consumer": (_F("member_id", "id"),),
    "stop_consumer": (_F("member_id", "id"),),
    "pause_consumer": (_F("member_id", "id"),),
    "resume_consumer": (_F("member_id", "id"),),
    "set_consumer_rate": (_F("member_id", "id"), _F("rate", "number", True, 0, MAX_CONSUMER_RATE)),
    "set_ack_type": (_F("member_id", "id"), _F("type", "enum", True, choices=ACK_TYPES)),
    "stall_consumer": (_F("member_id", "id"), _F("ms", "int", True, 1, MAX_STALL_MS)),
    "set_processing_ms": (_F("member_id", "id"), _F("ms", "int", True, 0, MAX_PROCESSING_MS)),
    "set_commit_mode": (_F("group_id", "id", False), _F("mode", "enum", True, choices=COMMIT_MODES),
                        _F("rebalance_listener_commits", "bool", False)),
    "set_producer_rate": (_F("rate", "number", True, 0, MAX_PRODUCER_RATE), _F("topic", "id", False)),
    "set_keys": (_F("mode", "enum", True, choices=KEY_MODES), _F("count", "int", False, 1, MAX_KEYS),
                 _F("hot_share", "number", False, 0, 1)),
    "add_partitions": (_F("topic", "id", False), _F("count", "int", True, 1, MAX_PARTITIONS)),
    "add_group": (_F("group_id", "id"), _F("type", "enum", False, choices=GROUP_TYPES),
                  _F("group_protocol", "enum", False, choices=GROUP_PROTOCOLS),
                  _F("assignor", "enum", False, choices=ASSIGNORS), _F("consumers", "int", False, 0, 16),
                  _F("competition", "enum", False, choices=COMPETITIONS),
                  _F("parallelism", "int", False, 1, MAX_PARALLELISM), _F("sink", "enum", False, choices=SINKS)),
    "set_parallelism": (_F("group_id", "id"), _F("parallelism", "int", True, 1, MAX_PARALLELISM)),
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

@dataclass(frozen=True)
class Command:
    op: str
    args: dict


def _check_add_group(args: dict) -> None:
    """Each kind names the fields it does not take (Group.foreign_fields)."""
    cls = kind_for(args.get("type", "consumer"), args.get("group_protocol"))
    for name, why in cls.foreign_fields.items():
        if name in args:
            raise CommandError(f"add_group: {why}")


def _check_subscription(op: str, required: bool):
    def check(args: dict) -> None:
        if "topics" in args and "topic_pattern" in args:
            raise CommandError(f"{op}: give 'topics' or 'topic_pattern', not both")
        if required and "topics" not in args and "topic_pattern" not in args:
            raise CommandError(f"{op}: give 'topics' (a list of topic names) or 'topic_pattern' (a regular expression)")
    return check


#: Rules across the fields of one op, after each field passed its own check.
CROSS_CHECKS = {"add_group": _check_add_group, "add_consumer": _check_subscription("add_consumer", False),
                "set_subscription": _check_subscription("set_subscription", True)}


def parse(cmd) -> Command:
    """Validate a command dict; raise CommandError with a readable message."""
    if not isinstance(cmd, dict):
        raise CommandError(f"a command must be an object like {{\"op\": \"add_consumer\"}}, not {describe_value(cmd)}")
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


def check_value(op: str, f: Field, v):
    """One command field checked (kafka.config.check_value; here the list of topic names and free text),
    refused with a CommandError."""
    where = f"{op}: field '{f.name}'"
    if f.kind == "topics":
        if not isinstance(v, list) or not 1 <= len(v) <= MAX_TOPICS:
            raise CommandError(f"{where} must be a list of 1 to {MAX_TOPICS} topic names, not {describe_value(v)}")
        names = [check_value(op, Field(f.name, "id", True, None, None, ()), x) for x in v]
        if len(set(names)) != len(names):
            raise CommandError(f"{where} names a topic twice")
        return names
    if f.kind == "text":
        if not isinstance(v, str):
            raise CommandError(f"{where} must be a string, not {describe_value(v)}")
        if not f.lo <= len(v) <= f.hi or not v.isprintable():
            raise CommandError(f"{where} must be {f.lo}-{f.hi} printable characters")
        return v
    return kafka_config.check_value(op, f, v, CommandError)


def _as_command_error(check):
    def checked(config: dict, current: dict) -> dict:
        try:
            return check(config, current)
        except DomainError as e:
            raise CommandError(str(e)) from None
    checked.__doc__ = check.__doc__
    return checked


#: set_config payloads checked against Kafka's names and ranges (groupviz.kafka.config), as CommandErrors.
check_config = _as_command_error(kafka_config.check_config)
check_share_config = _as_command_error(kafka_config.check_share_config)
