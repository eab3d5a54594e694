"""What random dispatch shows: its snapshot row, the charts' samples, and its describe panel.

Everywhere it carries its label, "random dispatch — the seed's idealised queue, not a Kafka mode" (en and
zh): its describe panel is its own table, not kafka-consumer-groups.sh or kafka-share-groups.sh output,
because no Kafka tool knows such a group.
"""

from __future__ import annotations

#: The label the page, the describe panel and the report show beside the group.
LABEL = {"en": "random dispatch — the seed's idealised queue, not a Kafka mode",
         "zh": "随机分派——种子文档中理想化的队列，不是 Kafka 的模式"}
#: The describe panel's first line: what a class would otherwise look for.
DESCRIBE_COMMAND = "# no Kafka tool describes it: random dispatch is the seed's idealised queue, not a Kafka mode"


class DispatchView:
    """Mixed into RandomDispatch (see its __init__ for the fields)."""

    def _partition_rows(self) -> list[dict]:
        """The queue reads every partition; what it has not read yet is the partition's lag."""
        rows = []
        for p in self.topic.partitions:
            pos = self.cursor[p.partition] if p.partition < len(self.cursor) else p.log_start_offset
            rows.append({"topic": p.topic, "partition": p.partition, "owner": None, "committed": None,
                         "position": pos, "lag": p.log_end_offset - pos, "log_end_offset": p.log_end_offset})
        return rows

    def _member_rows(self) -> list[dict]:
        return [{"member_id": w.member_id, "client_id": w.client_id, "host": w.host, "color": w.color,
                 "state": w.state, "phase": "stable", "rate": w.rate, "generation": w.generation,
                 "partitions": [], "throughput": round(w.throughput(), 2), "processed": w.processed,
                 "lag": w.queued, "queued": w.queued, "wins": w.wins, "last_heartbeat_ms": None,
                 "leader": False} for w in self.consumers.values()]

    def snapshot(self) -> dict:
        members = self._member_rows()
        parts = self._partition_rows()
        unread = sum(r["lag"] for r in parts)
        return {
            "group_id": self.group_id, "type": self.kind, "label": dict(LABEL), "state": self.state,
            "generation": self.generation, "assignor": self.assignor, "protocol": None, "leader": None,
            "config": {}, "members": members, "partitions": parts,
            "lag": unread + self._held(), "waiting": self.waiting_count, "redispatched": self.redispatched,
            "processed": self.processed, "duplicates": 0, "results": self.results,
            "throughput": round(sum(m["throughput"] for m in members), 2), "rebalances": [],
            "competition": "random", "wins": dict(self.wins), "journeys": self.journeys_view(), "wire": [],
        }

    def sample_metrics(self) -> dict:
        """Per member what it holds and its throughput; per partition what the queue has not read yet."""
        parts = self._partition_rows()
        return {"lag": {w.member_id: w.queued for w in self.consumers.values()},
                "throughput": {w.member_id: round(w.throughput(), 2) for w in self.consumers.values()},
                "partition_lag": {f"{r['topic']}-{r['partition']}": r["lag"] for r in parts}}

    def describe(self, view: str) -> dict:
        """Its own table, labelled: no Kafka tool describes random dispatch."""
        head = f"{LABEL['en']}\nGroup {self.group_id} ({self.state}): each record goes to a uniformly random " \
               f"live member, P = 1/N.\n"
        if view == "state":
            body = _table([("GROUP", "STATE", "MEMBERS", "WAITING", "REDISPATCHED"),
                           (self.group_id, self.state, str(len(self.consumers)), str(self.waiting_count),
                            str(self.redispatched))])
        elif view == "members":
            body = _table([("MEMBER", "STATE", "RATE", "WINS", "BACKLOG", "PROCESSED")] +
                          [(w.member_id, w.state, f"{w.rate:g}", str(w.wins), str(w.queued), str(w.processed))
                           for w in self.consumers.values()])
        else:
            body = _table([("TOPIC", "PARTITION", "READ-INTO-QUEUE", "LOG-END-OFFSET", "UNREAD")] +
                          [(r["topic"], str(r["partition"]), str(r["position"]), str(r["log_end_offset"]),
                            str(r["lag"])) for r in self._partition_rows()])
        return {"command": DESCRIBE_COMMAND, "output": "\n" + head + "\n" + body, "label": dict(LABEL)}


def _table(rows: list[tuple]) -> str:
    widths = [max(len(r[i]) for r in rows) + 2 for i in range(len(rows[0]))]
    return "\n".join("".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in rows) + "\n"
