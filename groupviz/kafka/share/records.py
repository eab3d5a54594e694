"""A share-partition's records (KIP-932): their states, their legal moves, and the broker's window.

Kafka's rules, as in `server/.../share/fetch/RecordState.java`, `InFlightState.java` and
`core/.../share/SharePartition.java`: a fetch acquires an Available record (Acquired, one more
delivery); the member's acknowledgement ACCEPTs it (Acknowledged), REJECTs it (Archived) or RELEASEs
it (Available again); a lock that expires makes it Available again; a release or a timeout at
`group.share.delivery.count.limit` archives it instead.

The share-partition start offset (SPSO) is the first offset not yet in a terminal state
(Acknowledged/Archived). Memory stays bounded: Available records never delivered are the offset range
from `next_offset` to the log end; only acquired records and released ones awaiting redelivery have an
object; terminal offsets are kept only until the SPSO passes them.
"""

from __future__ import annotations

import heapq

from groupviz.errors import ProtocolError

# Record states (`RecordState`; ARCHIVING is a KIP-1191 dead-letter step not modelled here).
AVAILABLE, ACQUIRED, ACKNOWLEDGED, ARCHIVED = "Available", "Acquired", "Acknowledged", "Archived"

# Acknowledge types (`AcknowledgeType`, lower case as its toString()).
ACCEPT, RELEASE, REJECT = "accept", "release", "reject"
ACK_TYPES = (ACCEPT, RELEASE, REJECT)

# A record's legal moves, one table (read like h11's _state.py). Anything else is a bug.
RECORD_TRANSITIONS: dict[str, dict[str, str]] = {
    AVAILABLE: {"acquire": ACQUIRED},
    ACQUIRED: {
        ACCEPT: ACKNOWLEDGED,
        REJECT: ARCHIVED,
        RELEASE: AVAILABLE,
        "lock_timeout": AVAILABLE,
        "delivery_limit": ARCHIVED,   # released or timed out with delivery count >= limit
    },
    ACKNOWLEDGED: {},
    ARCHIVED: {},
}


class Record:
    """One delivered record (Acquired, or Available again after a release)."""

    __slots__ = ("p", "offset", "state", "member", "delivery_count", "acq", "lock_expires_ms",
                 "pending", "processed", "no_result")

    def __init__(self, p: int, offset: int):
        self.p = p
        self.offset = offset
        self.state = AVAILABLE
        self.member: str | None = None
        self.delivery_count = 0
        self.acq = 0                 # id of the acquisition (fetch round) that holds the lock
        self.lock_expires_ms = 0
        self.pending = False         # processed by its holder, acknowledgement not yet sent
        self.processed = False       # a result for it has reached (or is on its way to) the producer
        self.no_result = False       # archived unprocessed: counted at the producer as having no result

    def move(self, event: str) -> None:
        nxt = RECORD_TRANSITIONS[self.state].get(event)
        if nxt is None:
            raise ProtocolError(f"record {self.p}:{self.offset} cannot '{event}' from {self.state}")
        self.state = nxt


class SharePartition:
    """Broker-side state of one share-partition: SPSO, next offset, in-flight records."""

    __slots__ = ("partition", "spso", "next_offset", "acquired", "released", "_heap", "done")

    def __init__(self, partition: int, start: int):
        self.partition = partition
        self.spso = start                         # share-partition start offset
        self.next_offset = start                  # first offset never delivered (SPEO + 1)
        self.acquired: dict[int, Record] = {}     # offset -> record under an acquisition lock
        self.released: dict[int, Record] = {}     # offset -> Available record awaiting redelivery
        self._heap: list[int] = []                # the released offsets, lowest first
        self.done: set[int] = set()               # terminal offsets >= spso (Kafka's deliveryCompleteCount)

    def new_available(self, log_end_offset: int, max_locks: int) -> int:
        """Never-delivered records that may be acquired now (SharePartition.canAcquireRecords)."""
        return max(0, min(log_end_offset, self.spso + max_locks) - self.next_offset)

    def available(self, log_end_offset: int) -> int:
        return len(self.released) + max(0, log_end_offset - self.next_offset)

    def push_released(self, rec: Record) -> None:
        self.released[rec.offset] = rec
        heapq.heappush(self._heap, rec.offset)

    def pop_released(self) -> Record:
        return self.released.pop(heapq.heappop(self._heap))

    def take(self, m: int) -> list[Record]:
        """`m` records to acquire: released ones first (lowest offset first), then never-delivered ones."""
        out: list[Record] = []
        while m and self.released:
            out.append(self.pop_released())
            m -= 1
        if m:
            first = self.next_offset
            p = self.partition
            out.extend(Record(p, off) for off in range(first, first + m))
            self.next_offset = first + m
        return out

    def finish(self, offset: int) -> None:
        """`offset` reached a terminal state: move the SPSO past every leading terminal offset."""
        self.acquired.pop(offset, None)
        self.done.add(offset)
        done = self.done
        spso = self.spso
        while spso in done:
            done.remove(spso)
            spso += 1
        self.spso = spso

    def lag(self, log_end_offset: int) -> int:
        """Records not yet Acknowledged/Archived: LEO - SPSO - terminal records above the SPSO (KIP-1226)."""
        return max(0, log_end_offset - self.spso - len(self.done))
