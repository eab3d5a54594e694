"""What a share group shows: its snapshot row (docs/wire.md), the charts' samples and the coordinator's
view for `kafka-share-groups.sh --describe`.

A partition whose share-partition does not exist yet has no start offset and no lag (Kafka's tool
prints "-"); the SPSO stands in the row's `committed`, and a member's `lag` is the records it holds
under a lock.
"""

from __future__ import annotations

import heapq

from groupviz.kafka.config import (
    SHARE_ACK_MODE as ACK_MODE,
    SHARE_DELIVERY_LIMIT as DELIVERY_LIMIT,
    SHARE_LOCK_MS as LOCK_MS,
    SHARE_MAX_POLL as MAX_POLL,
)
from groupviz.kafka.share.records import REJECT

#: `ShareGroup.PROTOCOL_TYPE`
PROTOCOL = "share"

#: Records listed in a snapshot's `in_flight` (the oldest locks first).
IN_FLIGHT_SHOWN = 50


class ShareView:
    """Mixed into ShareGroup: its views (see ShareGroup.__init__ for the fields)."""

    def partition_lag(self, tp) -> int | None:
        """KIP-1226 lag of a share-partition; None while it does not exist (no offset information)."""
        sp = self._sp.get(tp[1])
        return None if sp is None else sp.lag(self.topic.partitions[tp[1]].log_end_offset)

    def in_flight_count(self) -> int:
        return sum(len(sp.acquired) for sp in self.partitions)

    def available_count(self) -> int:
        parts = self.topic.partitions
        return sum(sp.available(parts[sp.partition].log_end_offset) for sp in self.partitions)

    def sample_metrics(self) -> dict:
        """For the charts: per member its locked records ("lag"), per partition the share lag."""
        lag = {c.member_id: c.locks for c in self.consumers.values()}
        thr = {c.member_id: round(c.throughput(), 2) for c in self.consumers.values()}
        parts = self.topic.partitions
        plag = {f"{parts[sp.partition].topic}-{sp.partition}": sp.lag(parts[sp.partition].log_end_offset)
                for sp in self.partitions}
        return {"lag": lag, "throughput": thr, "partition_lag": plag}

    def describe_view(self) -> dict:
        """The coordinator's view (ShareGroupDescribe): every member it still knows, a crashed one until its
        session times out, with the target assignment. The snapshot empties a crashed member's partitions
        because it no longer fetches."""
        snap = self.snapshot()
        snap["coordinator_members"] = [dict(m, partitions=[list(tp) for tp in self.target.get(m["member_id"], [])])
                                       for m in snap["members"]]
        return snap

    # -- the snapshot row -----------------------------------------------------
    def _partition_rows(self) -> tuple[list[dict], int | None]:
        """One row per partition of the topic, and the group's lag (None while no share-partition exists)."""
        rows = []
        total = None
        holders: dict[int, list[str]] = {}
        for c in self.consumers.values():
            for _, part in c.assigned:
                holders.setdefault(part, []).append(c.member_id)
        for p in self.topic.partitions:
            sp = self._sp.get(p.partition)
            who = holders.get(p.partition, [])
            owner = who[0] if len(who) == 1 else None       # a shared partition has no single owner
            if sp is None:     # no share-partition yet: no start offset, no lag (Kafka's tool prints "-")
                rows.append({"topic": p.topic, "partition": p.partition, "owner": owner, "holders": who,
                             "committed": None,
                             "lag": None, "log_end_offset": p.log_end_offset, "position": None,
                             "in_flight": 0, "available": None,
                             "initialized": p.partition < self.state_partitions})
                continue
            lag = sp.lag(p.log_end_offset)
            total = lag if total is None else total + lag
            rows.append({"topic": p.topic, "partition": sp.partition, "owner": owner, "holders": who,
                         "committed": sp.spso,
                         "lag": lag, "log_end_offset": p.log_end_offset, "position": sp.next_offset,
                         "in_flight": len(sp.acquired), "available": sp.available(p.log_end_offset),
                         "initialized": True})
        return rows, total

    def _member_rows(self) -> tuple[list[dict], float]:
        """One row per member, and the group's throughput. `partitions` is what the member fetches from (its
        last heartbeat's assignment), `target` what the coordinator assigns it now; `generation` and
        `member_epoch` are its member epoch."""
        rows = []
        thr_total = 0.0
        for c in self.consumers.values():
            thr = c.throughput()
            thr_total += thr
            rows.append({
                "member_id": c.member_id, "client_id": c.client_id, "host": c.host, "color": c.color,
                "state": c.state, "phase": c.phase, "rate": c.rate, "generation": c.generation,
                "member_epoch": c.generation,
                "partitions": [list(tp) for tp in c.assigned],
                "target": [list(tp) for tp in self.target.get(c.member_id, [])],
                "batches": c.batches, "last_batch": c.last_batch, "batch_left": c.held, "stale": c.stale,
                "ack_type": c.ack_type,
                "throughput": round(thr, 2), "processed": c.processed, "lag": c.locks,
                "last_heartbeat_ms": c.last_heartbeat_ms, "leader": False,
                "in_flight": c.locks, "wins": c.wins, "redelivered": c.redelivered,
                "accepted": c.accepted, "rejected": c.rejected, "released": c.released,
            })
        return rows, thr_total

    def _in_flight(self) -> dict:
        """The records under a lock: the first IN_FLIGHT_SHOWN of them, and counts of all."""
        recs = [r for sp in self.partitions for r in sp.acquired.values()]
        # redelivered records first (what a class should see after a kill), then the oldest locks
        shown = heapq.nsmallest(IN_FLIGHT_SHOWN, recs,
                                key=lambda r: (r.delivery_count == 1, r.lock_expires_ms, r.p, r.offset))
        return {
            "in_flight": [{"topic": self.topic.name, "partition": r.p, "offset": r.offset, "member_id": r.member,
                           "state": r.state, "delivery_count": r.delivery_count,
                           "lock_expires_ms": r.lock_expires_ms, "processed": r.pending} for r in shown],
            "in_flight_total": len(recs),
            "in_flight_redelivered": sum(1 for r in recs if r.delivery_count > 1),
            "in_flight_processed": sum(1 for r in recs if r.pending),
        }

    def snapshot(self) -> dict:
        parts, total = self._partition_rows()
        members, thr_total = self._member_rows()
        return {
            "group_id": self.group_id, "type": self.kind, "state": self.state, "generation": self.generation,
            "group_epoch": self.generation, "assignment_epoch": self.assignment_epoch,
            "assignor": self.assignor, "protocol": PROTOCOL, "leader": None,
            "config": dict(self.config), "members": members, "partitions": parts, "lag": total,
            "processed": self.processed, "duplicates": self.duplicates, "throughput": round(thr_total, 2),
            "rebalances": [],
            "competition": self.competition,
            **self._in_flight(),
            "available": self.available_count(),
            "acks": dict(self.acks),
            "archived": self.archived,
            "wins": dict(self.wins),
            "redeliveries": self.redeliveries,
            "lock_timeouts": self.lock_timeouts,
            "late_acks": self.late_acks,
            "lost_acks": self.lost_acks,
            "results": self.results,
            "rejected": self.acks[REJECT],
            "no_result": self.no_result,
            "delivery_count_limit": int(self.config[DELIVERY_LIMIT]),
            "record_lock_duration_ms": int(self.config[LOCK_MS]),
            "max_poll_records": int(self.config[MAX_POLL]),
            "acknowledgement_mode": self.config[ACK_MODE],
            "journeys": self.journeys_view(),
            "wire": self.wire.snapshot(),
        }
