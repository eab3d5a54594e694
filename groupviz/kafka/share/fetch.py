"""The broker's side of ShareFetch: create the share-partitions, and acquire a batch for the member whose
fetch comes first.

A member whose last batch is done polls: its ShareFetch (carrying the acknowledgements of that batch in
implicit mode) asks for up to `max.poll.records` records from the partitions its heartbeat assigned it
(`ShareFetch.maxRecords`; `SharePartition.acquire` hands out Available records, released ones first, up to
that soft limit).  All of them are acquired for it under one lock of `group.share.record.lock.duration.ms`.
Partitions are balanced by the SimpleAssignor, so members compete for records only where they share a
partition (more members than partitions): there, whichever member's fetch the broker serves first takes
the batch.  The order in which the waiting fetches are served is the group's `competition`:

- ``first-free`` (the default): the member whose last batch was done first is served first, as a broker
  serves the fetches in the order they arrive (the longest-waiting fetch);
- ``random``: in a random order each poll slice (a model of network timing between fetches sent together).

Neither is the seed's per-record random dispatch (groupviz.seed): a share group hands out batches.

A share-partition exists only once a member has fetched from it
(`SharePartitionManager.getOrCreateSharePartition` on the first ShareFetch); `SharePartition.maybeInitialize`
then finds no start offset in the persister and takes one from `share.auto.offset.reset` *at that
moment*. A share-partition may not have more than `group.share.partition.max.record.locks` records
between the SPSO and the last fetched offset (`SharePartition.canAcquireRecords`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from groupviz.kafka.member import ACTIVE, fair_share
from groupviz.kafka.config import (
    SHARE_LOCK_MS as LOCK_MS,
    SHARE_MAX_LOCKS as MAX_LOCKS,
    SHARE_MAX_POLL as MAX_POLL,
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

    def _deliver(self, members: list["ShareConsumer"]) -> list["ShareConsumer"]:
        """Every active member whose batch is done polls; the broker serves their fetches in competition order.
        Returns the members that acquired a batch."""
        polling = [c for c in members if c.state == ACTIVE and not c._buffer and c.assignment]
        if not polling:
            return []
        if self.competition == "random":
            self._rng.shuffle(polling)
        else:
            polling.sort(key=lambda c: c.free_since)      # stable: join order breaks ties
        self._load_share_partitions()
        max_poll = int(self.config[MAX_POLL])
        fed = []
        for c in polling:
            if c._pending_acks:
                self._apply_acks(c.take_acks())            # implicit: they ride on this ShareFetch
            recs = self._take_available(max_poll, c.assignment)
            if recs:
                self._hand_out(recs, c)
                fed.append(c)
        return fed

    def _take_available(self, n: int, assignment) -> list[Record]:
        """Up to `n` Available records from the member's partitions, a fair share from each (starting one
        partition further each fetch), released ones first."""
        parts = self.topic.partitions
        max_locks = int(self.config[MAX_LOCKS])
        sps = [self._sp[p] for t, p in assignment if p in self._sp]
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

    def _hand_out(self, recs: list[Record], c: "ShareConsumer") -> None:
        """One acquisition: the whole batch is the member's, under one lock."""
        self._acq_seq += 1
        acq = self._acq_seq
        lock_ms = int(self.config[LOCK_MS])
        expires = self.env.now + lock_ms
        for rec in recs:
            self._acquire(rec, c, acq, expires)
        c.batches += 1
        c.last_batch = len(recs)
        self.env.schedule(lock_ms, self._locks_expire, acq, recs)

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
        c.locks += 1
        self.journey_delivered(rec, c.member_id)
