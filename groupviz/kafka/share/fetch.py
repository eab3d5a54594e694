"""The broker's side of ShareFetch: create the share-partitions, take Available records, let the members
compete for them and acquire each for its winner under a lock.

Who wins a record is the group's "competition" (the seed: "by some mechanism, e.g. random or sharding"):

- ``random``: each record goes to a uniformly random member among the live ones (active, not paused)
  that have room in their fetch buffer; while the group keeps up, every member has room and
  P(win) = 1/N exactly (the seed's model, see groupviz/classroom/probability.py);
- ``first-free``: each record goes to the member that would be free first if every member worked back
  to back at its own rate (stride scheduling on virtual finish times), so a member's share is
  rate_i / sum(rates).

A share-partition exists only once a member has fetched from it
(`SharePartitionManager.getOrCreateSharePartition` on the first ShareFetch); `SharePartition.maybeInitialize`
then finds no start offset in the persister and takes one from `share.auto.offset.reset` *at that
moment*. A share-partition may not have more than `group.share.partition.max.record.locks` records
between the SPSO and the last fetched offset (`SharePartition.canAcquireRecords`).
"""

from __future__ import annotations

import heapq
from typing import TYPE_CHECKING, Iterator

from groupviz.errors import ProtocolError
from groupviz.kafka.member import ACTIVE, fair_share
from groupviz.kafka.config import (
    SHARE_LOCK_MS as LOCK_MS,
    SHARE_MAX_LOCKS as MAX_LOCKS,
    SHARE_OFFSET_RESET as OFFSET_RESET,
)
from groupviz.kafka.share.records import Record, SharePartition

if TYPE_CHECKING:
    from groupviz.kafka.share.consumer import ShareConsumer


class ShareFetch:
    """Mixed into ShareGroup: the fetch half of the broker (see ShareGroup.__init__ for the fields)."""

    def _load_share_partitions(self) -> None:
        """A member fetches: the broker creates the share-partitions it does not have yet
        (`SharePartitionManager.getOrCreateSharePartition`) and `SharePartition.maybeInitialize` takes the
        start offset from `share.auto.offset.reset` now: latest = the log end offset, earliest = the log start."""
        if len(self._sp) >= self.state_partitions:
            return
        latest = self.config[OFFSET_RESET] == "latest"
        for p in self.topic.partitions[:self.state_partitions]:
            if p.partition not in self._sp:
                sp = SharePartition(p.partition, p.log_end_offset if latest else p.log_start_offset)
                self._sp[p.partition] = sp
                self.partitions.append(sp)
        self.partitions.sort(key=lambda sp: sp.partition)

    def _deliver(self, members: list["ShareConsumer"], quantum_ms: int) -> None:
        """Every active member with room in its fetch buffer fetches; the records go to the competition."""
        cands = []
        active = []
        for c in members:
            is_active = c.state == ACTIVE
            if is_active:
                if not c._was_active:        # (re)joined the competition: no credit for time away
                    c._pass = max(c._pass, self._vtime)
                active.append(c)
                room = c.capacity(quantum_ms) - c.held
                if room > 0:
                    cands.append([c, room])
            c._was_active = is_active
        if cands:
            self._load_share_partitions()
            recs = self._take_available(sum(r for _, r in cands))
            if recs:
                self._hand_out(recs, cands)
        moving = [c._pass for c in active if c.rate > 0]
        if moving:
            self._vtime = max(self._vtime, min(moving))

    def _take_available(self, n: int) -> list[Record]:
        """Up to `n` Available records, a fair share from each partition (starting one partition further
        each fetch), released ones first."""
        parts = self.topic.partitions
        max_locks = int(self.config[MAX_LOCKS])
        sps = self.partitions
        k = len(sps)
        start = self._rr % k if k else 0
        self._rr += 1
        avail, counts = [], []
        for j in range(k):
            sp = sps[(start + j) % k]
            a = len(sp.released) + sp.new_available(parts[sp.partition].log_end_offset, max_locks)
            if a:
                avail.append(sp)
                counts.append(a)
        out: list[Record] = []
        for sp, m in zip(avail, fair_share(counts, n)):
            if m:
                out.extend(sp.take(m))
        return out

    def _hand_out(self, recs: list[Record], cands: list[list]) -> None:
        """The competition: who wins each record. `cands` holds [member, room in its fetch buffer]."""
        self._acq_seq += 1
        acq = self._acq_seq
        lock_ms = int(self.config[LOCK_MS])
        expires = self.env.now + lock_ms
        winners = self._random_winners if self.competition == "random" else self._first_free_winners
        for rec, c in zip(recs, winners(len(recs), cands)):
            self._acquire(rec, c, acq, expires)
        self.env.schedule(lock_ms, self._locks_expire, acq, recs)

    def _random_winners(self, n: int, cands: list[list]) -> Iterator["ShareConsumer"]:
        randrange = self._rng.randrange
        for _ in range(n):
            i = randrange(len(cands))
            slot = cands[i]
            yield slot[0]
            slot[1] -= 1
            if slot[1] == 0:
                cands[i] = cands[-1]
                cands.pop()

    def _first_free_winners(self, n: int, cands: list[list]) -> Iterator["ShareConsumer"]:
        """The member that is free first, working back to back at its rate."""
        heap = [(slot[0]._pass, i, slot) for i, slot in enumerate(cands) if slot[0].rate > 0]
        stalled = [slot for slot in cands if slot[0].rate <= 0]   # rate 0 is never free first
        heapq.heapify(heap)
        for _ in range(n):
            if heap:
                _, i, slot = heap[0]
                c = slot[0]
                c._pass += 1.0 / c.rate
                slot[1] -= 1
                if slot[1] == 0:
                    heapq.heappop(heap)
                else:
                    heapq.heapreplace(heap, (c._pass, i, slot))
            elif stalled:            # nobody else can take it: the stalled member fetches it anyway
                slot = stalled[0]
                c = slot[0]
                slot[1] -= 1
                if slot[1] == 0:
                    stalled.pop(0)
            else:
                raise ProtocolError("more records taken than the members have room for")
            yield c

    def _acquire(self, rec: Record, c: "ShareConsumer", acq: int, expires: int) -> None:
        rec.move("acquire")
        rec.member = c.member_id
        rec.acq = acq
        rec.lock_expires_ms = expires
        rec.pending = False
        rec.delivery_count += 1
        self._sp[rec.p].acquired[rec.offset] = rec
        if rec.delivery_count == 1:
            self.wins[c.member_id] = self.wins.get(c.member_id, 0) + 1
            c.wins += 1
        else:
            self.redeliveries += 1
            c.redelivered += 1
        c._buffer.append((rec, acq))
        c.held += 1
        c.locks += 1
        self.journey_delivered(rec, c.member_id)
