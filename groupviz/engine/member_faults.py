"""The engine's ops that bounce a consumer's process or cut it off from its coordinator (issue 16):
`restart_consumer {member_id, down_ms}` and `partition_consumer {member_id, ms}`. A mixin of `Engine`;
the group's kind decides (groupviz.kafka.classic.faults) or refuses with a DomainError before anything
changes.
"""

from __future__ import annotations


class MemberFaultOps:
    def _op_restart_consumer(self, member_id, down_ms):
        g, c = self._live_consumer(member_id)
        g.restart(c, down_ms)
        return {"member_id": member_id, "down_ms": down_ms, "instance_id": getattr(c, "instance_id", None)}

    def _op_partition_consumer(self, member_id, ms):
        g, c = self._live_consumer(member_id)
        g.partition(c, ms)
        return {"member_id": member_id, "ms": ms}
