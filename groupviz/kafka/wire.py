"""Every request and response between a group's members and its coordinator, on simulated time: what
the page's protocol view draws as arrows. Bounded: the last WIRE_MAX messages of each group.

One message is a dict: `sent_ms`, `arrive_ms`, `member_id`, `dir` ("request": member -> coordinator,
"response": coordinator -> member), `api` (Kafka's request name: JoinGroup, SyncGroup, Heartbeat,
LeaveGroup, OffsetCommit, ConsumerGroupHeartbeat), and where the api has them `error` (Kafka's error
code), `epoch` (generation or member epoch) and `assignment` (the partitions a response carries).
"""

from __future__ import annotations

from collections import deque

WIRE_MAX = 200          # kept per group
WIRE_SHOWN = 60         # in the snapshot row

#: The classic group's coordinator entry points and responses, by Kafka's request name.
CLASSIC_REQUESTS = {"handle_join": "JoinGroup", "handle_sync": "SyncGroup", "handle_heartbeat": "Heartbeat",
                    "leave_arrived": "LeaveGroup", "commit_arrived": "OffsetCommit"}
CLASSIC_RESPONSES = {"join": "JoinGroup", "sync": "SyncGroup", "heartbeat": "Heartbeat", "commit": "OffsetCommit"}


class WireLog:
    def __init__(self, delay_ms: int):
        self.delay_ms = delay_ms
        self.messages: deque[dict] = deque(maxlen=WIRE_MAX)

    def record(self, now: int, member_id: str, direction: str, api: str, **fields) -> None:
        msg = {"sent_ms": now, "arrive_ms": now + self.delay_ms, "member_id": member_id, "dir": direction,
               "api": api}
        for k, v in fields.items():
            if v is not None:
                msg[k] = [list(tp) for tp in v] if k == "assignment" else v
        self.messages.append(msg)

    def snapshot(self) -> list[dict]:
        n = len(self.messages)
        return [dict(m) for i, m in enumerate(self.messages) if i >= n - WIRE_SHOWN]
