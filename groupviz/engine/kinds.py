"""The kinds of group the engine can hold, in one table: (`add_group`'s `type`, its `group_protocol`) -> the class.

Adding a kind means writing a `groupviz.kafka.group.Group` and registering it here; the engine never
asks which kind a group is. A `type` with several protocols (a consumer group: Kafka's client setting
`group.protocol`, classic or consumer) takes its first entry's protocol when none is named.
"""

from __future__ import annotations

from groupviz.errors import CommandError
from groupviz.flink.job import FlinkJob
from groupviz.kafka.classic.group import ConsumerGroup
from groupviz.kafka.consumer_protocol.group import ModernConsumerGroup
from groupviz.kafka.group import Group
from groupviz.kafka.share.group import ShareGroup
from groupviz.seed.dispatch import RandomDispatch

GROUP_KINDS: dict[tuple[str, str | None], type[Group]] = {
    (cls.kind, cls.group_protocol): cls for cls in (ConsumerGroup, ModernConsumerGroup, ShareGroup, FlinkJob,
                                                         RandomDispatch)}
GROUP_TYPES = tuple(dict.fromkeys(kind for kind, _ in GROUP_KINDS))
GROUP_PROTOCOLS = tuple(dict.fromkeys(p for _, p in GROUP_KINDS if p is not None))


def kind_for(type_: str, group_protocol: str | None = None) -> type[Group]:
    """The class of a group spec's (type, group_protocol); a CommandError says what the type takes."""
    if group_protocol is None:
        return next(cls for (kind, _), cls in GROUP_KINDS.items() if kind == type_)
    cls = GROUP_KINDS.get((type_, group_protocol))
    if cls is None:
        takes = [p for kind, p in GROUP_KINDS if kind == type_ and p is not None]
        if not takes:
            raise CommandError(f"add_group: 'group_protocol' is for consumer groups (type \"consumer\"); "
                               f"a {type_} group has no group.protocol to choose")
        raise CommandError(f"add_group: a {type_} group's group_protocol is one of {', '.join(takes)}")
    return cls
