"""A member of a share group: the `KafkaShareConsumer` side.

`poll()` returns the batch the last ShareFetch acquired (at most `max.poll.records`, from the partitions
the member's heartbeat response assigned it); the application works through it record by record at the
member's rate and polls again when it is done.  `share.acknowledgement.mode`:

- `implicit` (Kafka's default): the whole batch is acknowledged (ACCEPT) with the *next* poll, so a batch
  that takes longer than the lock duration is acknowledged too late: its locks expired, the records were
  redelivered (to this member or another) and the late acknowledgements are refused;
- `explicit`: the application calls `acknowledge(record, type)` after each record (ACCEPT, RELEASE or
  REJECT: the member's `ack_type`) and `commitAsync()`, so acknowledgements leave every poll slice.

A member that crashes loses the acknowledgements it had not sent; the records come back when their locks
expire and are processed again: at-least-once, and the duplicate shows up in the producer's results.
"""

from __future__ import annotations

from collections import deque
from typing import TYPE_CHECKING

from groupviz.kafka.member import CRASHED, Member
from groupviz.kafka.classic.group import REPLY_DELAY_MS
from groupviz.kafka.config import (
    SHARE_ACK_MODE as ACK_MODE,
    SHARE_HEARTBEAT_MS as HEARTBEAT_MS,
    SHARE_REJECT_P as REJECT_P,
)
from groupviz.kafka.share.records import ACCEPT, ACQUIRED, REJECT, RELEASE, Record

if TYPE_CHECKING:
    from groupviz.kafka.share.group import ShareGroup


class ShareConsumer(Member):
    """A member of a share group (the `KafkaShareConsumer` side)."""

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
        self.batches = 0               # ShareFetches that acquired records
        self.last_batch = 0            # records the last of them acquired
        self.stale = 0                 # records it processed after their lock had expired
        self.ack_type = ACCEPT         # explicit mode: what the application acknowledges each record with
        self._buffer: deque[tuple[Record, int]] = deque()
        self._pending_acks: list[tuple[Record, int, str]] = []
        self._credit = 0.0
        self.free_since = group.env.now   # when its last batch was done (first-free fetch order)
        self._hb_timer = None
        self._expiry_timer = None
        #: The partitions its last ShareGroupHeartbeat response assigned it: what it fetches from.
        self.assignment: list[tuple[str, int]] = []
        self.sent_assignment: list = []   # the assignment its last heartbeat response carried
        self._rng = group.ctx.rng(f"{group.group_id}:{member_id}")

    # -- lifecycle --------------------------------------------------------
    @property
    def assigned(self) -> list[tuple[str, int]]:
        """What it fetches from: the partitions the SimpleAssignor gave it, as its heartbeat delivered them."""
        return self.assignment if self.alive else []

    @property
    def held(self) -> int:
        """Records of its current batch it has not processed yet."""
        return len(self._buffer)

    @property
    def explicit(self) -> bool:
        return self.group.config[ACK_MODE] == "explicit"

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

    # -- processing -------------------------------------------------------
    def take_acks(self) -> list[tuple[Record, int, str]]:
        """The acknowledgements this poll carries: those of the records the previous poll processed."""
        acks, self._pending_acks = self._pending_acks, []
        return acks

    def earn(self, quantum_ms: int) -> None:
        """A poll slice's processing time: `rate` records/s."""
        self._credit += self.rate * quantum_ms / 1000.0

    def rest(self) -> None:
        """The end of a slice: time a member spent without records to process is not banked."""
        if not self._buffer:
            self._credit = 0.0

    def process(self) -> bool:
        """Work through the batch with the processing time earned (`earn`); True if it finished the batch.  Implicit mode: ACCEPT (REJECT with the group's reject
        probability) and send the result back to the producer; explicit mode: acknowledge with `ack_type`
        (a RELEASEd or REJECTed record sends no result).  The application cannot tell that a lock expired:
        it processes such a record all the same (a duplicate if another member has it by now)."""
        g = self.group
        budget = int(self._credit)
        if budget <= 0 or not self._buffer:
            return False
        now = self.env.now
        buf = self._buffer
        p_reject = float(g.config[REJECT_P])
        reply = [0, 0, {}]                   # results, of which first results, {produce time: records}
        done = 0
        kind = self.ack_type if self.explicit else ACCEPT
        while done < budget and buf:
            rec, acq = buf.popleft()
            if rec.state == ACQUIRED and rec.acq == acq:
                rec.pending = True
            else:
                self.stale += 1              # its lock expired while it waited in the batch
            done += 1
            if kind == RELEASE:
                self._pending_acks.append((rec, acq, RELEASE))
                continue
            if kind == REJECT or (p_reject > 0.0 and g.reject_rng.random() < p_reject):
                self._pending_acks.append((rec, acq, REJECT))
                self.rejected += 1
                continue
            self._accept(rec, acq, now, reply)
        self._credit -= done
        if done:
            self._processed(done, now, reply)
        if not buf:
            self.free_since = now
            return True
        return False

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
            if rec.no_result:    # archived while this member still held it (its lock expired): a result after all
                rec.no_result = False
                g.no_result -= 1
                g.ctx.results.on_no_result(g.group_id, -1)
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
