"""A Flink job's settings under Flink's own names, Flink's defaults beside the classroom's, and the checks.

Flink 2.1 (flink-connector-kafka 5.0-SNAPSHOT, whose pom builds against Flink 2.1.0):
- `execution.checkpointing.interval`: no default in Flink (checkpointing is off until set); 5 s here.
- `restart-strategy.fixed-delay.delay`: 1 s in Flink (RestartStrategyOptions); 3 s here, long enough to
  see the job standing still. Flink's default strategy with checkpointing on is exponential-delay
  (initial backoff 1 s); groupviz models the fixed-delay strategy with unlimited attempts.
- `partition.discovery.interval.ms` (KafkaSourceOptions): 5 minutes in Flink; 10 s here.
- `commit.offsets.on.checkpoint` (KafkaSourceOptions): true, as in Flink.
"""

from __future__ import annotations

from groupviz.errors import DomainError
from groupviz.kafka.config import _merge_settings

CHECKPOINT_INTERVAL = "execution.checkpointing.interval"
RESTART_DELAY = "restart-strategy.fixed-delay.delay"
DISCOVERY_INTERVAL = "partition.discovery.interval.ms"
COMMIT_ON_CHECKPOINT = "commit.offsets.on.checkpoint"

#: Settable with set_config: (kind, lo, hi) as kafka.config's schemas.
FLINK_CONFIG_SCHEMA = {
    CHECKPOINT_INTERVAL: ("int", 1000, 600_000),     # Flink's minimum checkpoint interval is 10 ms; 1 s keeps it visible
    RESTART_DELAY: ("int", 0, 600_000),
    DISCOVERY_INTERVAL: ("int", 1000, 3_600_000),
    COMMIT_ON_CHECKPOINT: ("bool", None, None),
}
FLINK_CLASSROOM_CONFIG = {
    CHECKPOINT_INTERVAL: 5000,
    RESTART_DELAY: 3000,
    DISCOVERY_INTERVAL: 10000,
    COMMIT_ON_CHECKPOINT: True,
}
#: Flink's own defaults (None: no default, the feature is off until configured).
FLINK_DEFAULTS = {
    CHECKPOINT_INTERVAL: None,
    RESTART_DELAY: 1000,
    DISCOVERY_INTERVAL: 300_000,
    COMMIT_ON_CHECKPOINT: True,
}

#: Where the job's results go: a plain sink sends each result at once (duplicated after a restart); a
#: two-phase-commit sink (Flink's TwoPhaseCommittingSink, e.g. KafkaSink with EXACTLY_ONCE) pre-commits
#: at each checkpoint and makes the results visible only when that checkpoint completes.
SINKS = ("plain", "two-phase-commit")
MAX_PARALLELISM = 256
#: Subtask ids are "<job>-subtask-<i>": a job id leaves room for them within the 64 characters of an id.
MAX_JOB_ID = 52


def check_flink_config(config: dict, current: dict) -> dict:
    """A set_config payload for a Flink job checked against Flink's names and the ranges above."""
    def unknown(shown, key):
        return f"set_config: '{shown}' is not a setting of a Flink job; settable: {', '.join(FLINK_CONFIG_SCHEMA)}"
    return _merge_settings(config, current, FLINK_CONFIG_SCHEMA, " for a Flink job", unknown)


def check_spec(group_id: str, spec: dict) -> tuple[int, str, dict]:
    """(parallelism, sink, config) from an add_group command's or a scenario's fields, or DomainError."""
    p = spec.get("parallelism")
    if p is None:
        raise DomainError(f"add_group: a Flink job needs a 'parallelism' (its source subtasks), 1 to {MAX_PARALLELISM}")
    if isinstance(p, bool) or not isinstance(p, int) or not 1 <= p <= MAX_PARALLELISM:
        raise DomainError(f"add_group: 'parallelism' must be a whole number from 1 to {MAX_PARALLELISM}")
    sink = spec.get("sink") or "plain"
    if sink not in SINKS:
        raise DomainError(f"add_group: 'sink' must be one of {', '.join(SINKS)}")
    if len(group_id) > MAX_JOB_ID:
        raise DomainError(f"add_group: a Flink job's id has at most {MAX_JOB_ID} characters "
                          f"(its subtasks are named '<job>-subtask-<n>')")
    config = dict(FLINK_CLASSROOM_CONFIG)
    if spec.get("config"):
        config = check_flink_config(spec["config"], config)
    return p, sink, config
