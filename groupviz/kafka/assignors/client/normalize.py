"""The client assignors' input, checked and put in the shape the Java code sees.

Member ids and topics become str, a subscription loses duplicate topics (a Java
client subscribes to a Set), claims on partitions that do not exist are dropped and
a missing or negative generation becomes Java's "no generation" (-1).
"""

from __future__ import annotations

from collections.abc import Mapping

from groupviz.kafka.assignors.common import TP

DEFAULT_GENERATION = -1          # AbstractStickyAssignor.DEFAULT_GENERATION


def normalize_subscriptions(subscriptions) -> tuple[list[str], dict[str, list[str]], list[str] | None]:
    """(members in order, {member: its topics, deduplicated, as str}, the one subscription every member
    has if they all subscribe alike, else None)."""
    if not isinstance(subscriptions, Mapping):
        raise TypeError("subscriptions must be a mapping {member_id: [topic, ...]}")
    members = list(subscriptions)
    topics_of = {}
    plain = shared = None          # the last subscription made only of str topics, and its normalised list
    distinct = 0                   # normalised lists made (members that share one count once)
    for m, topics in subscriptions.items():
        if type(m) is not str and not isinstance(m, str):
            raise TypeError(f"member id must be a str, got {m!r}")
        # Members usually subscribe alike: a list of plain str topics equal to the last such list
        # shares its normalised list (read-only everywhere here). This loop runs once per member.
        if type(topics) is list and topics == plain:
            for t in topics:
                if type(t) is not str:
                    break
            else:
                topics_of[m] = shared
                continue
        if isinstance(topics, str):
            raise TypeError(f"subscription of {m!r} must be a list of topics, not a str")
        # A Java client subscribes to a Set of topics: duplicates cannot occur there.
        norm = list(dict.fromkeys(map(str, topics)))
        topics_of[m] = norm
        distinct += 1
        if type(topics) is list and all(type(t) is str for t in topics):
            plain, shared = topics, norm
    alike = shared if distinct == 1 and shared is not None and members else None
    return members, topics_of, alike


def normalize_partitions(partitions) -> dict[str, int]:
    if not isinstance(partitions, Mapping):
        raise TypeError("partitions must be a mapping {topic: partition_count}")
    out = {}
    for t, n in partitions.items():
        n = int(n)
        if n < 0:
            raise ValueError(f"topic {t!r} has a negative partition count {n}")
        out[str(t)] = n
    return out


def subscribed_partition_counts(topics_of, alike, counts) -> dict[str, int]:
    """AbstractPartitionAssignor.assign: only subscribed topics whose metadata has partitions."""
    ppt = {}
    for topics in ((alike,) if alike is not None else topics_of.values()):
        for t in topics:
            n = counts.get(t, 0)
            if n > 0:
                ppt[t] = n
    return ppt


def normalize_owned(members, owned, counts) -> dict[str, list[TP]]:
    """Each member's claimed partitions, in the order given, without duplicates.

    Partitions that do not exist (unknown topic, or a partition number past the
    topic's count) are dropped here.  Java drops unknown topics itself; a claim on a
    partition number that does not exist cannot happen in Kafka (partitions only grow)
    and would send Java's getUnassignedPartitions off the rails, so we refuse to
    model it.
    """
    out = {m: [] for m in members}
    if not owned:
        return out
    for m, tps in owned.items():
        if m not in out or tps is None:
            continue   # the leader only sees the subscriptions of current members
        claims = []
        for tp in tps:
            topic, p = tp
            topic, p = str(topic), int(p)
            if 0 <= p < counts.get(topic, 0):
                claims.append((topic, p))
        out[m] = list(dict.fromkeys(claims))
    return out


def normalize_generations(members, generations) -> dict[str, int]:
    """{member: generation}, -1 where there is none.

    Optional.empty() and Optional.of(-1) behave the same everywhere in AbstractStickyAssignor
    (every use is generation.orElse(DEFAULT_GENERATION) or a comparison with maxGeneration >= -1).
    """
    if not generations:
        return {m: DEFAULT_GENERATION for m in members}
    # Subscription(...): "generationId < 0 ? Optional.empty() : Optional.of(generationId)".
    out = {}
    for m in members:
        g = generations.get(m)
        g = DEFAULT_GENERATION if g is None else int(g)
        out[m] = g if g >= 0 else DEFAULT_GENERATION
    return out
