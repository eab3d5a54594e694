"""The broker's side of ShareAcknowledge and of acquisition locks: accept, release, reject, lock timeout,
archive.

The member acknowledges **ACCEPT** (processed: the record is Acknowledged), **RELEASE** (Available
again, for another delivery) or **REJECT** (Archived, never delivered again) --
`clients/.../consumer/AcknowledgeType.java`. A lock that expires makes the record Available again; a
record released or timed out when its delivery count has reached `group.share.delivery.count.limit` is
Archived instead. An acknowledgement that arrives after its lock expired is refused (Kafka answers
InvalidRecordState).
"""

from __future__ import annotations

from groupviz.kafka.config import SHARE_DELIVERY_LIMIT as DELIVERY_LIMIT
from groupviz.kafka.share.records import (
    ACCEPT,
    ACKNOWLEDGED,
    ACQUIRED,
    ARCHIVED,
    AVAILABLE,
    REJECT,
    RELEASE,
    Record,
)


class ShareAcknowledge:
    """Mixed into ShareGroup: the acknowledgement half of the broker (see ShareGroup.__init__ for the fields)."""

    def _unlock(self, rec: Record) -> None:
        holder = self.consumers.get(rec.member)
        if holder is not None:
            holder.locks -= 1

    def _apply_acks(self, acks) -> None:
        """`acks`: (record, acquisition id, accept|release|reject) as a member's poll carries them."""
        for rec, acq, kind in acks:
            if rec.state != ACQUIRED or rec.acq != acq:
                self.late_acks += 1          # the lock expired first: Kafka answers InvalidRecordState
                continue
            self.acks[kind] += 1
            if self.on_ack is not None:
                self.on_ack(rec.member, (self.topic.name, rec.p), rec.offset, kind, rec.delivery_count)
            self._unlock(rec)
            if kind == ACCEPT:
                rec.move(ACCEPT)
                self.journey_outcome(rec, ACCEPT, ACKNOWLEDGED)
                self._sp[rec.p].finish(rec.offset)
            elif kind == REJECT:
                rec.move(REJECT)
                self.journey_outcome(rec, REJECT, ARCHIVED)
                self._archived(rec)
            else:
                self.journey_outcome(rec, RELEASE)
                self._make_available(rec, RELEASE)

    def _make_available(self, rec: Record, event: str) -> bool:
        """Release or lock timeout: Available again, or Archived at the delivery limit. True if archived."""
        if rec.delivery_count >= int(self.config[DELIVERY_LIMIT]):
            rec.move("delivery_limit")
            self.journey_outcome(rec, event, ARCHIVED)
            self._archived(rec)
            return True
        # a release already recorded its outcome in _apply_acks; a lock timeout records its own here
        self.journey_outcome(rec, event if event == "lock_timeout" else None, AVAILABLE)
        rec.move(event)
        rec.member = None
        rec.pending = False
        sp = self._sp[rec.p]
        sp.acquired.pop(rec.offset, None)
        sp.push_released(rec)
        return False

    def _archived(self, rec: Record) -> None:
        rec.member = None
        self.archived += 1
        self._sp[rec.p].finish(rec.offset)
        if not rec.processed:              # no result ever left for it: the producer counts it as "no result"
            rec.no_result = True
            self.no_result += 1
            self.ctx.results.on_no_result(self.group_id, 1)

    def _locks_expire(self, acq: int, batch: list[Record]) -> None:
        """The locks of one acquisition run out: its records still Acquired become Available (or Archived)."""
        per_member: dict[str, list[int]] = {}
        for rec in batch:
            if rec.state != ACQUIRED or rec.acq != acq:
                continue
            mid = rec.member
            self._unlock(rec)
            self.lock_timeouts += 1
            archived = self._make_available(rec, "lock_timeout")
            counts = per_member.setdefault(mid, [0, 0])
            counts[0] += 1
            counts[1] += archived
        for mid, (n, archived) in per_member.items():
            self.event("locks_expired", member_id=mid, records=n, archived=archived, available=n - archived)
