"""Static membership (KIP-345, `group.instance.id`) on the classic coordinator.

Follows Kafka 4.x's `GroupMetadataManager` (group-coordinator module): `classicGroupJoinNewMember`
(a JoinGroup without a member id: a process that just started), `updateStaticMemberThenRebalanceOrCompleteJoin`
and `ClassicGroup.replaceStaticMember` (a known instance id gets the new member id and keeps the old one's
place and assignment), `ClassicGroup.validateMember` (the replaced member id is answered
FENCED_INSTANCE_ID), `completeClassicGroupJoin` (static members that did not rejoin stay) and
`ClassicGroup.maybeElectNewJoinedLeader`. A mixin of `Coordinator`: it keeps the instance-id map
(`static_members`, ClassicGroup.staticMembers) and the replaced member ids (`fenced`); the rest of the state
it reads is the coordinator's.
"""

from __future__ import annotations

from dataclasses import replace

from groupviz.kafka.classic.messages import COMPLETING_REBALANCE, FENCED_INSTANCE_ID, STABLE, UNKNOWN_MEMBER, reason

__all__ = ["FENCED_INSTANCE_ID", "UNKNOWN_MEMBER", "MAX_FENCED", "StaticMembers"]
MAX_FENCED = 256        # replaced member ids remembered (each is answered FENCED_INSTANCE_ID)


class StaticMembers:
    """Coordinator methods for JoinGroups without a member id, and static members' replacement."""

    def _static_init(self) -> None:
        self.static_members: dict[str, str] = {}    # group.instance.id -> member id (ClassicGroup.staticMembers)
        self.fenced: dict[str, str] = {}            # member ids a static member replaced -> instance id

    def _register_static(self, m) -> None:
        """ClassicGroup.add: a static member's instance id now names this member id."""
        if m.instance_id is not None:
            self.static_members[m.instance_id] = m.member_id

    def _forget_static(self, m) -> None:
        """ClassicGroup.remove: the instance id is free again (unless another member id took it since)."""
        if m.instance_id is not None and self.static_members.get(m.instance_id) == m.member_id:
            del self.static_members[m.instance_id]

    def _join_new_member(self, req) -> None:
        """classicGroupJoinNewMember: groupviz's member id is the client id (no MEMBER_ID_REQUIRED round trip)."""
        new_id = req.client_id
        self.fenced.pop(new_id, None)
        old_id = self.static_members.get(req.instance_id) if req.instance_id is not None else None
        if old_id is not None:
            self._update_static_member(old_id, new_id, req)
        elif new_id in self.members:    # not expected: a process that restarts sent LeaveGroup or was expelled
            self.handle_join(replace(req, member_id=new_id))
        else:
            self._add_member_and_rebalance(replace(req, member_id=new_id))

    def _replace_static_member(self, old_id: str, new_id: str):
        """ClassicGroup.replaceStaticMember: the member keeps its place (join order), leadership and assignment."""
        m = self.members[old_id]
        self.members = {(new_id if k == old_id else k): v for k, v in self.members.items()}
        m.member_id = new_id
        self.static_members[m.instance_id] = new_id
        if self.leader == old_id:
            self.leader = new_id
        t = self._expiry.pop(old_id, None)
        if t is not None:
            t.cancel()
        if old_id != new_id:
            self.fenced[old_id] = m.instance_id
            while len(self.fenced) > MAX_FENCED:
                del self.fenced[next(iter(self.fenced))]
        self._schedule_expiry(m)        # rescheduleClassicGroupMemberHeartbeat with the new member id
        return m

    def _update_static_member(self, old_id: str, new_id: str, req) -> None:
        """updateStaticMemberThenRebalanceOrCompleteJoin."""
        m = self._replace_static_member(old_id, new_id)
        same_protocol = req.protocol_name == self.protocol_name
        self._update_meta(m, req)
        m.awaiting_join = True
        rebalance = self.state != STABLE or not same_protocol
        self.emit("static_member_rejoined", member_id=new_id, old_member_id=old_id, instance_id=m.instance_id,
                  generation=self.generation, state=self.state, rebalance=rebalance)
        if old_id != new_id:
            self.emit("member_fenced", member_id=old_id, instance_id=m.instance_id, by=new_id)
        fields = {"member": new_id, "instance": m.instance_id}
        if self.state == STABLE and same_protocol:
            # "Static member which joins during Stable stage and doesn't affect the selected protocol will
            # not trigger a rebalance": the current generation, and SyncGroup returns the kept assignment
            m.awaiting_join = False
            self._reply_current(m)
        elif self.state == STABLE:
            self._prepare_rebalance("member_joined", reason("static_protocol", **fields))
        elif self.state == COMPLETING_REBALANCE:
            # the leader may have assigned under the old member id: rebalance again
            self._prepare_rebalance("member_joined", reason("static_completing", **fields))
        else:
            self._try_complete_join()

    def _elect_joined_leader(self) -> bool:
        """ClassicGroup.maybeElectNewJoinedLeader: keep the leader if it rejoined, else the first member that did."""
        lead = self.members.get(self.leader)
        if lead is not None and lead.awaiting_join:
            return True
        joined = next((mid for mid, m in self.members.items() if m.awaiting_join), None)
        if joined is None:
            return False
        self.leader = joined
        return True
