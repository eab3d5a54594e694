"""The engine's commands on one member's application (issue 16): what the application does between two
polls (stall, processing time per record), how it commits (a group's commit mode) and how a share-group
member acknowledges its records (explicit mode). Each finds the live member and leaves the rest to its
group's kind, which refuses what its protocol has no such thing for (a DomainError, answered like a
CommandError).
"""

from __future__ import annotations


class MemberOps:
    def _op_set_ack_type(self, member_id, type):
        g, c = self._live_consumer(member_id)
        g.set_ack_type(c, type)
        self.event("ack_type", group_id=g.group_id, member_id=member_id, ack_type=type)
        return {"member_id": member_id, "type": type}

    def _op_stall_consumer(self, member_id, ms):
        g, c = self._live_consumer(member_id)
        g.stall(c, ms)
        return {"member_id": member_id, "ms": ms}

    def _op_set_processing_ms(self, member_id, ms):
        g, c = self._live_consumer(member_id)
        g.set_processing_ms(c, ms)
        return {"member_id": member_id, "ms": ms}

    def _op_set_commit_mode(self, mode, group_id=None, rebalance_listener_commits=None):
        g = self._group(group_id)
        g.set_commit_mode(mode, rebalance_listener_commits)
        return {"group_id": g.group_id, "mode": mode}
