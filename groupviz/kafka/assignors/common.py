"""What every assignor module shares: the error for inputs Kafka itself cannot answer, and the
(topic, partition) pair."""

from __future__ import annotations

from itertools import repeat

TP = tuple  # (topic, partition)


class AssignorError(RuntimeError):
    """Kafka's Java assignor fails on this input (it throws), so there is no answer to copy.

    Only reachable with contradictory member metadata, e.g. a member that claims
    partitions from an older generation for a topic it no longer subscribes to
    while it is the sole owner of all its own topics (Java: NullPointerException
    in ``performReassignments``).
    """


def topic_partitions(t: str, n: int) -> list[TP]:
    """[(t, 0), ..., (t, n - 1)], built at C speed: the output needs one tuple per partition."""
    return list(zip(repeat(t, n), range(n)))


def current_by_topic(member, tps, counts: dict, owner: dict | None = None) -> dict[str, list[int]]:
    """One member's current assignment by topic, partitions in first-seen order without repeats. A partition
    that does not exist is refused; with `owner` ({(topic, p): member}, filled here) an exclusive assignor's
    partition that another member holds too is refused (a share group's simple assignor passes None: a
    partition may be held by several members)."""
    by_topic: dict[str, list[int]] = {}
    for t, p in tps:
        t, p = str(t), int(p)
        if t in counts and not 0 <= p < counts[t]:
            raise AssignorError(f"current assignment of {member!r} names {t}-{p}, which does not exist")
        if owner is not None and owner.setdefault((t, p), member) != member:
            raise AssignorError(f"current assignment gives {t}-{p} to both {owner[(t, p)]!r} and {member!r}")
        parts = by_topic.setdefault(t, [])
        if p not in parts:
            parts.append(p)
    return by_topic
