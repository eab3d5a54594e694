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
