"""A member of a share group: the `KafkaShareConsumer` side, in its default (implicit) acknowledgement mode.

The records a poll returned are acknowledged with the *next* poll. So a member that crashes after
processing but before its next poll loses its acknowledgements; the records come back when their locks
expire and are processed again: at-least-once, and the duplicate shows up in the producer's results.
"""

from __future__ import annotations

from collections import deque
from typing import TYPE_CHECKING

from groupviz.kafka.member import CRASHED, Member
from groupviz.kafka.classic.group import REPLY_DELAY_MS
from groupviz.kafka.config import SHARE_HEARTBEAT_MS as HEARTBEAT_MS, SHARE_REJECT_P as REJECT_P
from groupviz.kafka.share.records import ACCEPT, ACQUIRED, REJECT, Record

if TYPE_CHECKING:
    from groupviz.kafka.share.group import ShareGroup


class ShareConsumer(Member):
    """A member of a share group (the `KafkaShareConsumer` side, implicit acknowledgement)."""

    group: "ShareGroup"

    def __init__(self, group: "ShareGroup", member_id: str, color: int, rate: float, host: str):
        super().__init__(group, member_id, color, rate, host)
        self.phase = "stable"          # share members need no join/sync dance: the broker assigns
        self.generation = -1           # member epoch
        self.last_heartbeat_ms = group.env.now
        self.processed = 0             # records it finished (accepted + rejected)
        self.accepted = 0
        self.rejected = 0
        self.released = 0
        self.wins = 0                  # records it acquired first (delivery count 1)
        self.redelivered = 0           # records it acquired that someone had before
        self.locks = 0                 # records it holds under a lock (acquired, not yet acknowledged)
        self.held = 0                  # of which still waiting in its fetch buffer (not processed)
        self._buffer: deque[tuple[Record, int]] = deque()
        self._pending_acks: list[tuple[Record, int, str]] = []
        self._credit = 0.0
        self._pass = 0.0               # first-free: virtual time at which it is free again
        self._was_active = False
        self._hb_timer = None
        self._expiry_timer = None
        self.sent_assignment: list = []   # the assignment its last heartbeat response carried
        self._rng = group.ctx.rng(f"{group.group_id}:{member_id}")

    # -- lifecycle --------------------------------------------------------
    @property
    def assigned(self) -> list[tuple[str, int]]:
        """What it fetches from: every partition (the share group's SimpleAssignor, see docs/share-groups.md)."""
        return self.group.assigned_partitions() if self.alive else []

    def start(self) -> None:
        hb = int(self.group.config[HEARTBEAT_MS])
        self._hb_timer = self.env.schedule(self._rng.randrange(1, hb + 1), self._heartbeat)

    def _heartbeat(self) -> None:
        if not self.alive:
            return
        self.last_heartbeat_ms = self.env.now
        self.group.heartbeat(self, self.generation)
        self._hb_timer = self.env.schedule(int(self.group.config[HEARTBEAT_MS]), self._heartbeat)

    def _stop_timers(self) -> None:
        if self._hb_timer is not None:
            self._hb_timer.cancel()

    def crash(self) -> None:
        """Killed: no more polls, so no acknowledgements; its locks run out on the broker."""
        self.state = CRASHED
        self._stop_timers()
        self.group.lost_acks += len(self._pending_acks)
        self._pending_acks = []

    def close(self) -> None:
        """Graceful: send the pending acknowledgements, RELEASE what it still holds, leave at once."""
        self.group.close_member(self)

    def capacity(self, quantum_ms: int) -> int:
        """Fetch buffer size: what it can process in one quantum, plus one."""
        return int(self.rate * quantum_ms / 1000.0) + 1

    # -- processing -------------------------------------------------------
    def take_acks(self) -> list[tuple[Record, int, str]]:
        """The acknowledgements this poll carries: those of the records the previous poll processed."""
        acks, self._pending_acks = self._pending_acks, []
        return acks

    def process(self, quantum_ms: int) -> None:
        """Work through the fetch buffer at `rate` records/s: REJECT with the group's reject probability,
        else ACCEPT and send the result back to the producer. The acknowledgements wait for the next poll."""
        g = self.group
        self._credit += self.rate * quantum_ms / 1000.0
        budget = int(self._credit)
        if budget <= 0:
            return
        now = self.env.now
        buf = self._buffer
        p_reject = float(g.config[REJECT_P])
        reply = [0, 0, {}]                   # results, of which first results, {produce time: records}
        done = 0
        while done < budget and buf:
            rec, acq = buf.popleft()
            if rec.state != ACQUIRED or rec.acq != acq:
                continue                     # its lock expired while it waited in the buffer
            self.held -= 1
            rec.pending = True
            done += 1
            if p_reject > 0.0 and g.reject_rng.random() < p_reject:
                self._pending_acks.append((rec, acq, REJECT))
                self.rejected += 1
                continue
            self._accept(rec, acq, now, reply)
        self._credit -= done
        if not buf:
            self._credit = min(self._credit, 1.0)
        if done:
            self._processed(done, now, reply)

    def _accept(self, rec: Record, acq: int, now: int, reply: list) -> None:
        g = self.group
        self._pending_acks.append((rec, acq, ACCEPT))
        self.accepted += 1
        reply[0] += 1
        if rec.processed:
            g.duplicates += 1
        else:
            rec.processed = True
            reply[1] += 1
        g.journey_processed(rec, self.member_id, now)
        t = g.topic.partitions[rec.p].produce_time(rec.offset)
        if t is not None:
            produced_at = reply[2]
            produced_at[t] = produced_at.get(t, 0) + 1

    def _processed(self, done: int, now: int, reply: list) -> None:
        g = self.group
        results, unique, produced_at = reply
        self.processed += done
        g.processed += done
        g.results += results
        self._window.append((now, done))
        if results:
            arrive = now + REPLY_DELAY_MS
            lat = [(arrive - t, n) for t, n in sorted(produced_at.items())]
            self.env.schedule(REPLY_DELAY_MS, g.ctx.results.on_results, g.group_id, results, unique, lat)
