"""A Flink job whose KafkaSource reads the topic: a group to the engine, a job to the class.

Lifecycle (JobStatus names): RUNNING -> (a subtask's TaskManager is lost) RESTARTING -> after
`restart-strategy.fixed-delay.delay`, RUNNING again from the latest completed checkpoint, every reader
rewound to the checkpoint's offsets. Rescaling is stop-with-savepoint (FINISHED) and a restart with the new
parallelism from the savepoint, splits reassigned by getSplitOwner. Offsets reach Kafka only when a
checkpoint completes (`commit.offsets.on.checkpoint`), so Kafka's tools see the job's lag move in steps.
"""

from __future__ import annotations

from collections import deque

from groupviz.errors import DomainError
from groupviz.flink import config as F
from groupviz.flink.checkpoints import CHECKPOINT_ACK_MS, CheckpointCoordinator
from groupviz.flink.enumerator import Enumerator, split_owner
from groupviz.flink.invariants import check_flink
from groupviz.flink.reader import CANCELED, FAILED, SourceReader
from groupviz.flink.sink import SINK_CLASSES
from groupviz.flink.view import JobView
from groupviz.kafka.group import Group, GroupContext
from groupviz.kafka.member import ACTIVE, CRASHED
from groupviz.kafka.offsets import OffsetStore

RUNNING, RESTARTING, FINISHED = "RUNNING", "RESTARTING", "FINISHED"
COMMIT_DELAY_MS = 5       # notifyCheckpointComplete -> the OffsetCommit reaches the broker
REDEPLOY_MS = 1000        # stop-with-savepoint -> the rescaled job runs
RATE = 20.0               # records/s a source subtask processes unless told otherwise
ASSIGNOR = "KafkaSourceEnumerator"
_FLINK_ONLY = "a Flink job takes no '{}': its source subtasks are its 'parallelism' (1 to 256), its splits " \
              "are assigned by KafkaSourceEnumerator.getSplitOwner"


class FlinkJob(JobView, Group):
    kind = "flink"
    narration_protocol = "flink"
    foreign_fields = {name: _FLINK_ONLY.format(name) for name in ("assignor", "competition", "consumers")}

    def __init__(self, ctx: GroupContext, group_id: str, parallelism: int, sink: str, config: dict,
                 rate: float = RATE):
        self.ctx, self.env, self.topic = ctx, ctx.clock, ctx.topic
        self.group_id = group_id
        self.assignor = ASSIGNOR
        self.config = config
        self.parallelism = parallelism
        self.sink = SINK_CLASSES[sink](self)
        self.status = RUNNING
        self.attempt = 1                 # the epoch: +1 on every restart or rescale
        self.offsets = OffsetStore()     # what Kafka has: offsets committed on checkpoint completion
        self.checkpoints = CheckpointCoordinator()
        self.enumerator = Enumerator(self.topic.name, len(self.topic.partitions))
        self.consumers: dict[str, SourceReader] = {}
        self.restarts: deque[dict] = deque(maxlen=20)
        self.restart_count = 0
        self.high_processed: dict = {}
        self.processed = 0
        self.duplicates = 0              # records processed again after a restart
        self.taskmanagers = 0
        self.stopping: int | None = None  # the parallelism a stop-with-savepoint in flight will restart with
        self._timers: list = []
        self._deploy(parallelism, self._starting_offsets(), rate)
        self._arm_timers()

    @classmethod
    def create(cls, ctx: GroupContext, group_id: str, spec: dict) -> "FlinkJob":
        parallelism, sink, config = F.check_spec(group_id, spec)
        return cls(ctx, group_id, parallelism, sink, config, spec.get("consumer_rate", RATE))

    def identity(self) -> dict:
        return {"parallelism": self.parallelism, "sink": self.sink.name}

    def event(self, type_: str, **fields) -> None:
        self.ctx.emit(type_, group_id=self.group_id, protocol="flink", **fields)

    # -- deployment ---------------------------------------------------------
    def _starting_offsets(self, restored: dict | None = None) -> dict:
        """Each split's first offset: the checkpoint's, else OffsetsInitializer.committedOffsets(EARLIEST)."""
        out = {}
        for p in self.topic.partitions[:self.enumerator.known]:
            off = (restored or {}).get(p.tp, self.offsets.get(p.tp))
            out[p.tp] = p.log_start_offset if off is None else off
        return out

    def _deploy(self, parallelism: int, positions: dict, rate: float = RATE) -> None:
        """Subtasks 0..parallelism-1 (new attempts) read the splits getSplitOwner gives them from `positions`;
        a subtask whose TaskManager was lost, or a new one, gets a new TaskManager."""
        for mid in [m for m, r in self.consumers.items() if r.subtask >= parallelism]:
            del self.consumers[mid]
        for i in range(len(self.consumers), parallelism):
            r = SourceReader(self, i, rate)
            self.consumers[r.member_id] = r
        self.parallelism = parallelism
        for r, splits in zip(self.consumers.values(), self.enumerator.assignment(parallelism)):
            tm = r.taskmanager
            if tm == 0 or r.task_state == FAILED:
                self.taskmanagers += 1
                tm = self.taskmanagers
            if r.state == CRASHED:
                r.state = ACTIVE
            r.deploy(tm, splits, positions)

    def _arm_timers(self) -> None:
        for t in self._timers:
            t.cancel()
        cp, disc = self.config[F.CHECKPOINT_INTERVAL], self.config[F.DISCOVERY_INTERVAL]
        self._timers = [self.env.every(cp, self._trigger_checkpoint, offset=cp),
                        self.env.every(disc, self._discover, offset=disc)]

    # -- checkpoints ----------------------------------------------------------
    def _positions(self) -> dict:
        return {tp: off for r in self.consumers.values() for tp, off in r.positions.items()}

    def _trigger_checkpoint(self, savepoint: bool = False) -> None:
        if self.status != RUNNING or (self.checkpoints.pending is not None and not savepoint):
            return
        cp = self.checkpoints.trigger(self.env.now, self._positions(), savepoint)
        self.sink.pre_commit(cp.id)
        self.env.schedule(CHECKPOINT_ACK_MS, self._acknowledged, cp, self.attempt)

    def _acknowledged(self, cp, attempt: int) -> None:
        if cp.status != "pending" or attempt != self.attempt:
            return
        self.checkpoints.complete(cp, self.env.now)
        self.sink.commit(cp.id)
        self.event("checkpoint_completed", checkpoint=cp.id, savepoint=cp.savepoint,
                   duration_ms=self.env.now - cp.trigger_ms)
        if self.config[F.COMMIT_ON_CHECKPOINT]:
            self.env.schedule(COMMIT_DELAY_MS, self._commit, cp.offsets)
        if cp.savepoint:
            self._finish_for_rescale(cp)

    def _commit(self, offsets: dict) -> None:
        parts = self.topic.partitions
        for tp, off in offsets.items():
            if off != self.offsets.get(tp):
                self.offsets.commit(tp, off, self.env.now, parts[tp[1]].log_end_offset)

    # -- failure and restart --------------------------------------------------
    def kill(self, reader: SourceReader) -> None:
        """The subtask's TaskManager is lost: the job fails at once, every subtask is cancelled."""
        reader.state = CRASHED
        reader.task_state = FAILED
        self._fail(f"{reader.member_id} lost (TaskManager {reader.host} gone)")

    def _fail(self, cause: str) -> None:
        now = self.env.now
        cp = self.checkpoints.fail(now, "job failed")
        if cp is not None:
            self.event("checkpoint_failed", checkpoint=cp.id, reason="job failed")
        for r in self.consumers.values():
            if r.task_state != FAILED:
                r.task_state = CANCELED
        aborted = self.sink.abort()
        self.status = RESTARTING
        self.restart_count += 1
        latest = self.checkpoints.latest
        delay = self.config[F.RESTART_DELAY]
        self.restarts.append({"kind": "failure", "failed_ms": now, "running_ms": None, "cause": cause,
                              "checkpoint": latest.id if latest else None, "aborted": aborted})
        self.event("job_failed", cause=cause, delay_ms=delay, checkpoint=latest.id if latest else None,
                   aborted=aborted)
        self.env.schedule(delay, self._restart, self.attempt)

    def _restart(self, attempt: int, parallelism: int | None = None) -> None:
        if attempt != self.attempt:
            return
        latest = self.checkpoints.latest
        rewind = self._rewind(latest)
        self.attempt += 1
        self._deploy(parallelism or self.parallelism, self._starting_offsets(latest.offsets if latest else None))
        self.status = RUNNING
        self.stopping = None
        band = self.restarts[-1]
        band["running_ms"] = self.env.now
        band["rewound"] = rewind
        self.event("job_restarted", checkpoint=latest.id if latest else None, rewound=rewind,
                   parallelism=self.parallelism, rescale=band["kind"] == "rescale")

    def _rewind(self, latest) -> int:
        """Records the readers had read past the checkpoint they restart from: they will be read again."""
        start = self._starting_offsets(latest.offsets if latest else None)
        return sum(max(0, off - start.get(tp, off)) for tp, off in self._positions().items())

    # -- rescaling ------------------------------------------------------------
    def rescale(self, parallelism: int) -> None:
        """stop-with-savepoint, then the job restarts with `parallelism` from the savepoint."""
        if parallelism == self.parallelism:
            raise DomainError(f"{self.group_id} already runs with parallelism {parallelism}")
        if self.status != RUNNING or self.stopping is not None:
            raise DomainError(f"{self.group_id} is {self._busy()}: change its parallelism once it runs again")
        self.stopping = parallelism
        cp = self.checkpoints.fail(self.env.now, "superseded by a savepoint")
        if cp is not None:
            self.event("checkpoint_failed", checkpoint=cp.id, reason=cp.reason)
        self.restarts.append({"kind": "rescale", "failed_ms": self.env.now, "running_ms": None, "aborted": 0,
                              "cause": f"stop-with-savepoint: parallelism {self.parallelism} -> {parallelism}",
                              "checkpoint": None, "parallelism": parallelism})
        self.event("savepoint_started", old=self.parallelism, new=parallelism)
        self._trigger_checkpoint(savepoint=True)
        for r in self.consumers.values():
            r.task_state = CANCELED       # the synchronous savepoint: sources stop emitting

    def _finish_for_rescale(self, savepoint) -> None:
        self.status = FINISHED
        band = self.restarts[-1]
        band["checkpoint"] = savepoint.id
        self.env.schedule(REDEPLOY_MS, self._restart, self.attempt, band["parallelism"])

    # -- members ------------------------------------------------------------
    def check_member_op(self, op: str, member=None) -> None:
        if op == "add_consumer":
            raise DomainError(f"{self.group_id} is a Flink job: its source subtasks are its parallelism; "
                              f"change it with set_parallelism")
        if op == "stop_consumer":
            raise DomainError(f"a Flink subtask is not stopped on its own: stop the job with a savepoint "
                              f"(set_parallelism), or kill the subtask to see a failure")
        if op == "kill_consumer" and (self.status != RUNNING or self.stopping is not None):
            raise DomainError(f"{self.group_id} is {self._busy()}: its subtasks are not running; "
                              f"kill one once the job runs again")

    def _busy(self) -> str:
        return self.status if self.stopping is None else f"stopping with a savepoint (parallelism {self.stopping})"

    def add_consumer(self, member_id: str, color: int, rate: float, host: str):
        self.check_member_op("add_consumer")

    def stop(self, member) -> None:
        self.check_member_op("stop_consumer", member)

    def poll(self, quantum_ms: int) -> None:
        if self.status == RUNNING:
            for r in self.consumers.values():
                r.poll(quantum_ms)

    def on_processed(self, reader: SourceReader, tp, a: int, b: int) -> None:
        high = self.high_processed.get(tp, 0)
        dup = max(0, min(b, high) - a)
        self.duplicates += dup
        if b > high:
            self.high_processed[tp] = b
        self.processed += b - a
        self.sink.write(tp, a, b, dup)

    # -- partitions, assignor, config ----------------------------------------
    def partitions_added(self) -> None:
        """Nothing yet: the enumerator sees new partitions at its next discovery."""

    def _discover(self) -> None:
        new = self.enumerator.discover(len(self.topic.partitions))
        if not new:
            return
        readers = list(self.consumers.values())
        owners = {p: readers[split_owner(self.topic.name, p, self.parallelism)] for p in new}
        if self.status == RUNNING:      # else the restart assigns them with the rest
            for p, r in owners.items():
                r.add_split((self.topic.name, p), self.topic.partitions[p].log_start_offset)
        self.event("splits_discovered", partitions=new, owners={p: r.member_id for p, r in owners.items()})

    def set_assignor(self, assignor: str) -> None:
        raise DomainError(f"{self.group_id} is a Flink job: KafkaSourceEnumerator assigns its splits by a fixed "
                          f"rule (getSplitOwner), there is no assignor to choose")

    def check_config(self, config: dict) -> dict:
        return F.check_flink_config(config, self.config)

    def apply_config(self, merged: dict, changes: dict) -> None:
        self.config.update(merged)
        if F.CHECKPOINT_INTERVAL in changes or F.DISCOVERY_INTERVAL in changes:
            self._arm_timers()

    @property
    def epoch(self) -> int:
        return self.attempt

    def check_invariants(self, log_end_offsets: dict, seen: dict, owners_seen: dict | None = None) -> None:
        check_flink(self, log_end_offsets, seen)

    def model_counts(self) -> dict[str, int]:
        return {mid: r.processed for mid, r in self.consumers.items()}

    def results_sent(self) -> int:
        return self.sink.sent

