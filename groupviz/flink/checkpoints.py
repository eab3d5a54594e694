"""The checkpoint bookkeeping of Flink's CheckpointCoordinator, reduced to what a class sees.

A checkpoint is triggered every `execution.checkpointing.interval` while the job runs (at most one in
flight: `execution.checkpointing.max-concurrent-checkpoints` 1). The barrier reaches the sources at once:
each source reader snapshots its split positions then (`KafkaSourceReader.snapshotState`). It completes
when every subtask acknowledged (CHECKPOINT_ACK_MS later here); then `notifyCheckpointComplete` commits
the checkpoint's offsets to Kafka. A checkpoint in flight when a subtask is lost fails (declined), and the
job restarts from the latest *completed* one. Savepoints (stop-with-savepoint) go through the same path.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

PENDING, COMPLETED, FAILED = "pending", "completed", "failed"
CHECKPOINT_ACK_MS = 200      # barrier from the sources through the sink and every acknowledgement back
HISTORY = 40                 # checkpoints kept for the page


@dataclass
class Checkpoint:
    id: int
    trigger_ms: int
    offsets: dict                    # (topic, partition) -> the next offset to read
    savepoint: bool = False
    status: str = PENDING
    end_ms: int | None = None
    reason: str | None = None

    def row(self) -> dict:
        return {"id": self.id, "trigger_ms": self.trigger_ms, "end_ms": self.end_ms, "status": self.status,
                "savepoint": self.savepoint, "reason": self.reason,
                "offsets": sum(self.offsets.values())}


class CheckpointCoordinator:
    def __init__(self):
        self.next_id = 1
        self.pending: Checkpoint | None = None
        self.latest: Checkpoint | None = None        # the latest completed checkpoint or savepoint
        self.history: deque[Checkpoint] = deque(maxlen=HISTORY)
        self.completed = 0
        self.failed = 0

    def trigger(self, now: int, offsets: dict, savepoint: bool = False) -> Checkpoint:
        cp = Checkpoint(self.next_id, now, dict(offsets), savepoint)
        self.next_id += 1
        self.pending = cp
        self.history.append(cp)
        return cp

    def complete(self, cp: Checkpoint, now: int) -> None:
        cp.status, cp.end_ms = COMPLETED, now
        self.pending = None
        self.latest = cp
        self.completed += 1

    def fail(self, now: int, reason: str) -> Checkpoint | None:
        """The checkpoint in flight (if any) fails: declined or aborted."""
        cp = self.pending
        if cp is not None:
            cp.status, cp.end_ms, cp.reason = FAILED, now, reason
            self.pending = None
            self.failed += 1
        return cp

    def rows(self) -> list[dict]:
        return [cp.row() for cp in self.history]
