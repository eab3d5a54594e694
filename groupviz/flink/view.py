"""What the page and Kafka's tools see of a Flink job: its snapshot row, its describe view, chart samples."""

from __future__ import annotations

from groupviz.kafka.member import CRASHED


class JobView:
    """Mixed into FlinkJob: reads its readers, checkpoints, restarts, sink and committed offsets."""

    def partition_lag(self, tp) -> int | None:
        """Lag as Kafka's tools see it: log end offset - the offset the last completed checkpoint committed."""
        off = self.offsets.get(tp)
        return None if off is None else max(0, self.topic.partitions[tp[1]].log_end_offset - off)

    def _owners(self) -> dict:
        return {tp: r for r in self.consumers.values() for tp in r.splits}

    def _partition_rows(self) -> list[dict]:
        owners = self._owners()
        latest = self.checkpoints.latest
        rows = []
        for p in self.topic.partitions:
            r = owners.get(p.tp)
            lag = self.partition_lag(p.tp)
            t = None if lag in (None, 0) else p.produce_time(self.offsets.get(p.tp))
            rows.append({"topic": p.topic, "partition": p.partition, "owner": r.member_id if r else None,
                         "committed": self.offsets.get(p.tp), "lag": lag, "status": None,
                         "lag_ms": 0 if lag == 0 else (None if t is None else max(0, self.env.now - t)),
                         "log_end_offset": p.log_end_offset, "position": r.positions.get(p.tp) if r else None,
                         "checkpointed": latest.offsets.get(p.tp) if latest else None})
        return rows

    def _member_row(self, r) -> dict:
        lags = [self.partition_lag(tp) for tp in r.splits]
        known = [x for x in lags if x is not None]
        return {"member_id": r.member_id, "client_id": r.client_id, "host": r.host, "color": r.color,
                "state": r.state, "subtask": r.subtask, "task_state": r.task_state, "attempt": r.attempt,
                "taskmanager": r.taskmanager, "rate": r.rate, "partitions": [list(tp) for tp in r.splits],
                "positions": [r.positions[tp] for tp in r.splits],
                "throughput": round(r.throughput(), 2), "processed": r.processed,
                "lag": sum(known) if known or not r.splits else None}

    def snapshot(self) -> dict:
        parts = self._partition_rows()
        members = [self._member_row(r) for r in self.consumers.values()]
        lags = [p["lag_ms"] for p in parts if p["lag_ms"] is not None]
        sink = self.sink
        return {
            "group_id": self.group_id, "type": self.kind, "state": self.status, "generation": self.attempt,
            "assignor": self.assignor, "protocol": "flink", "leader": None, "config": dict(self.config),
            "parallelism": self.parallelism, "members": members, "partitions": parts,
            "lag": sum(p["lag"] or 0 for p in parts), "lag_ms": max(lags) if lags else None, "status": None,
            "processed": self.processed, "duplicates": self.duplicates,
            "throughput": round(sum(m["throughput"] for m in members), 2),
            "sink": {"type": sink.name, "sent": sink.sent, "duplicated": sink.duplicated,
                     "pending": sink.pending(), "aborted": getattr(sink, "aborted", 0)},
            "checkpoints": self.checkpoints.rows(),
            "checkpoint_counts": {"completed": self.checkpoints.completed, "failed": self.checkpoints.failed,
                                  "latest": self.checkpoints.latest.id if self.checkpoints.latest else None},
            "restarts": [dict(b) for b in self.restarts], "restart_count": self.restart_count,
            "rebalances": [], "coordinator_members": [],
        }

    def describe_view(self) -> dict:
        """kafka-consumer-groups.sh sees a group with no members that only commits offsets (the source reads
        with assign(), not subscribe()): Empty once something is committed, unknown (Dead) before."""
        parts = [p for p in self._partition_rows() if p["committed"] is not None]
        return {"group_id": self.group_id, "type": "consumer", "state": "Empty" if parts else "Dead",
                "assignor": "", "members": [], "coordinator_members": [], "partitions": parts}

    def sample_metrics(self) -> dict:
        lag, thr = {}, {}
        for r in self.consumers.values():
            lags = [self.partition_lag(tp) for tp in r.splits]
            lag[r.member_id] = sum(x for x in lags if x is not None)
            thr[r.member_id] = 0.0 if r.state == CRASHED else round(r.throughput(), 2)
        plag = {f"{p.topic}-{p.partition}": self.partition_lag(p.tp) for p in self.topic.partitions}
        return {"lag": lag, "throughput": thr, "partition_lag": plag}
