"""One source subtask: a KafkaSourceReader with the splits the enumerator gave it.

It reads its splits from its own positions (not from the group's committed offsets: those are only
what the last completed checkpoint told Kafka) and hands every record to the job's sink. Killing it kills
its TaskManager (one slot per TaskManager here), which fails the whole job.
"""

from __future__ import annotations

from groupviz.kafka.member import ACTIVE, Member, fair_share

#: Flink's ExecutionState names for a subtask, shown beside the member state.
RUNNING, CANCELED, FAILED, DEPLOYING = "RUNNING", "CANCELED", "FAILED", "DEPLOYING"


class SourceReader(Member):
    def __init__(self, job, subtask: int, rate: float):
        super().__init__(job, f"{job.group_id}-subtask-{subtask}", subtask, rate, "")
        self.subtask = subtask
        self.task_state = DEPLOYING
        self.attempt = 0
        self.taskmanager = 0
        self.splits: list[tuple[str, int]] = []
        self.positions: dict[tuple[str, int], int] = {}
        self.processed = 0
        self._credit = 0.0

    def deploy(self, taskmanager: int, splits, positions: dict) -> None:
        """A new attempt of this subtask on `taskmanager`, reading `splits` from `positions`."""
        self.attempt += 1
        self.taskmanager = taskmanager
        self.host = f"/10.0.1.{taskmanager}"
        self.splits = list(splits)
        self.positions = {tp: positions[tp] for tp in self.splits}
        self.task_state = RUNNING
        self._credit = 0.0

    def add_split(self, tp, offset: int) -> None:
        self.splits.append(tp)
        self.positions[tp] = offset

    def poll(self, quantum_ms: int) -> None:
        if self.state != ACTIVE or self.task_state != RUNNING:
            self._credit = 0.0
            return
        parts = self.group.topic.partitions
        backlog = [(tp, parts[tp[1]].log_end_offset - self.positions[tp]) for tp in self.splits]
        backlog = [(tp, n) for tp, n in backlog if n > 0]
        credit = self._credit + self.rate * quantum_ms / 1000.0
        budget = int(credit)
        self._credit = min(credit - budget, 1.0) if backlog else min(credit, 1.0)
        if budget <= 0 or not backlog:
            return
        take = fair_share([n for _, n in backlog], budget)
        done = 0
        for (tp, _), n in zip(backlog, take):
            if n:
                a = self.positions[tp]
                self.positions[tp] = a + n
                self.group.on_processed(self, tp, a, a + n)
                done += n
        self.processed += done
        self._window.append((self.env.now, done))
