"""The kinds of group the engine can hold, in one table: `add_group`'s `type` -> the class.

Adding a kind means writing a `groupviz.kafka.group.Group` and registering it here; the engine never
asks which kind a group is.
"""

from __future__ import annotations

from groupviz.flink.job import FlinkJob
from groupviz.kafka.classic.group import ConsumerGroup
from groupviz.kafka.group import Group
from groupviz.kafka.share.group import ShareGroup

GROUP_KINDS: dict[str, type[Group]] = {cls.kind: cls for cls in (ConsumerGroup, ShareGroup, FlinkJob)}
