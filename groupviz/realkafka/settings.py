"""The command line's Kafka options turned into a backend: --kafka, --kafka-config, --twin, --observe."""

from __future__ import annotations

import re

ID_RE = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
HOSTPORT_RE = re.compile(r"^[A-Za-z0-9.\-\[\]:]+:\d{1,5}(,[A-Za-z0-9.\-\[\]:]+:\d{1,5})*$")


def read_properties(path: str) -> dict:
    """librdkafka properties from a Java-style file: `key=value` lines, `#` or `!` comments. Values are
    secrets (sasl.password, ssl.key.password...): errors name the line number, never the text."""
    out = {}
    with open(path, encoding="utf-8") as f:
        for n, raw in enumerate(f, 1):
            line = raw.strip()
            if not line or line[0] in "#!":
                continue
            key, sep, value = line.partition("=")
            if not sep or not key.strip():
                raise ValueError(f"{path}: line {n} is not key=value")
            out[key.strip()] = value.strip()
    return out


def check_kafka_args(kafka: str | None, observe: str | None, twin: bool) -> list[str]:
    """The observed groups; ValueError for a combination that makes no sense."""
    groups = [g for g in (observe or "").split(",") if g]
    if kafka is None:
        if observe or twin:
            raise ValueError("--observe and --twin need --kafka (mock or HOST:PORT)")
        return []
    if kafka != "mock" and not HOSTPORT_RE.match(kafka):
        raise ValueError("--kafka takes 'mock' or HOST:PORT[,HOST:PORT...]")
    if groups and kafka == "mock":
        raise ValueError("--observe watches groups on an existing cluster: use --kafka HOST:PORT")
    if groups and twin:
        raise ValueError("--observe and --twin do not go together: an observer never joins")
    for g in groups:
        if not ID_RE.match(g):
            raise ValueError("--observe takes group ids of letters, digits, '.', '_' or '-', comma-separated")
    return groups


def make_backend(kafka: str, config: dict, *, twin: bool = False, observe=(), topic: str = "orders",
                 group: str = "g1", seed: int = 7):
    from groupviz.realkafka.backend import KafkaBackend

    if twin:
        from groupviz.realkafka.twin import TwinBackend

        return TwinBackend(kafka, config, seed=seed)
    return KafkaBackend(kafka, config, topic=topic, group_id=group, observe=list(observe) or None)
