"""The group coordinator's RangeAssignor (``org.apache.kafka.coordinator.group.assignor.RangeAssignor``).

Current Kafka's server-side range is not sticky: it ignores the current assignment.  Members are
sorted (static members first by ``group.instance.id``, then the others by member id; we have no
instance ids, so by member id) and, topic by topic, take contiguous ranges: ``partitions //
subscribers`` each, one more for the first ``partitions % subscribers``.  When every member
subscribes to the same topics and they have equal partition counts, member i gets the same
partition numbers of every topic (co-partitioned).  That is what the client's RangeAssignor does
without racks, so the client port computes it.
"""

from __future__ import annotations

from groupviz.kafka.assignors.client.range import range_assign
from groupviz.kafka.assignors.common import TP
from groupviz.kafka.assignors.java import string_key


def server_range(members, topics_of, counts, alike) -> dict[str, list[TP]]:
    """``members`` in any order (they are sorted), ``topics_of`` {member: topics}, ``counts`` {topic:
    partitions} of every subscribed topic, ``alike`` the subscription all members share or None.
    Returns each member's list sorted by (topic, partition)."""
    ppt = {t: n for t, n in counts.items() if n > 0}
    return range_assign(members, topics_of, ppt, string_key(members, ppt), alike)
