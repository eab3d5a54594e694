"""Kafka's partition assignors, ported from Apache Kafka.

``client/`` holds the four client-side assignors the group leader runs in the classic
protocol: ``range``, ``roundrobin``, ``sticky`` and ``cooperative-sticky`` give the same
answer as ``org.apache.kafka.clients.consumer.RangeAssignor``, ``RoundRobinAssignor``,
``StickyAssignor`` and ``CooperativeStickyAssignor`` (``internals.AbstractStickyAssignor``
for the last two) on the same input, member by member and partition by partition.  Rack
awareness is left out: our members have no ``client.rack``, and with no consumer racks the
Java code takes the non-rack paths ported here.  The group coordinator's own assignors
(KIP-848's ``uniform`` and ``range``, ``org.apache.kafka.coordinator.group.assignor``)
take other inputs and give other answers (a server-side ``range`` is not the client's), so
they get a ``server/`` package of their own beside ``client/``: ``assign_server``.

Modules: ``common`` (AssignorError, the (topic, partition) pair), ``java`` (String order,
String.hashCode, HashMap/HashSet iteration order), ``client/normalize``, ``client/range``,
``client/roundrobin``, ``client/sticky`` (with ``sticky_constrained``, ``sticky_general``).

The sticky assignors are not order-free in Java: the leader builds the group
subscription as a ``java.util.HashMap`` (``ConsumerCoordinator.onLeaderElected``)
and ``AbstractStickyAssignor`` iterates it and a second ``HashMap`` built from
it; who keeps ``maxQuota`` partitions, which of two stale claims wins and
which partition ``PartitionMovements`` swaps back all follow that iteration
order (and one ``HashSet<TopicPartition>`` order).  We reproduce those orders
from ``String.hashCode``/``TopicPartition.hashCode`` and HashMap's bucket
layout, taking the order of ``subscriptions`` as the order the JoinGroup
response listed the members in.  That is deterministic (no Python ``hash()``,
no set iteration, no randomness) and is what makes the output equal to Java's.
tests/kafka/test_assignors_kafka_python.py lists the places where kafka-python differs.
"""

from __future__ import annotations

from groupviz.kafka.assignors.client import REBALANCE_PROTOCOLS, STRATEGIES, assign
from groupviz.kafka.assignors.client import assign_detailed as _assign_detailed  # noqa: F401 (tests)
from groupviz.kafka.assignors.common import AssignorError
from groupviz.kafka.assignors.server import SERVER_ASSIGNORS, assign_server

__all__ = ["STRATEGIES", "REBALANCE_PROTOCOLS", "SERVER_ASSIGNORS", "AssignorError", "assign", "assign_server"]
