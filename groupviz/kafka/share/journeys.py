"""The seed demo's table: the journey of each of a share group's first records.

For the first `journey_limit` records delivered (0 = off): who won each, every delivery and how it
ended, when the winner processed it and when its result reached the producer.
"""

from __future__ import annotations

from groupviz.kafka.classic.group import REPLY_DELAY_MS
from groupviz.kafka.share.records import ACQUIRED, AVAILABLE, Record


class Journeys:
    """Mixed into ShareGroup, which sets `journey_limit`, `journeys` {(partition, offset): journey}, `topic`, `env`."""

    journey_limit: int
    journeys: dict[tuple[int, int], dict]

    def journey_delivered(self, rec: Record, member_id: str) -> None:
        """`member_id` acquired `rec`: a new delivery (and a new journey while there is room for one)."""
        j = self.journeys.get((rec.p, rec.offset))
        if j is None and len(self.journeys) < self.journey_limit:
            j = self.journeys[(rec.p, rec.offset)] = self._new_journey(rec)
        if j is not None:
            j["deliveries"].append({"member_id": member_id, "acquired_ms": self.env.now,
                                    "delivery_count": rec.delivery_count, "outcome": None})
            j["state"] = ACQUIRED

    def _new_journey(self, rec: Record) -> dict:
        part = self.topic.partitions[rec.p]
        single = len(self.topic.partitions) == 1
        return {"record": f"data_{rec.offset}" if single else f"{part.topic}-{rec.p}@{rec.offset}",
                "partition": rec.p, "offset": rec.offset, "produced_ms": part.produce_time(rec.offset),
                "deliveries": [], "winner": None, "processed_ms": None, "result_ms": None, "state": AVAILABLE}

    def journey_processed(self, rec: Record, member_id: str, now: int) -> None:
        """The first member to process `rec` is its winner; its result is on the way to the producer."""
        j = self.journeys.get((rec.p, rec.offset))
        if j is not None and j["processed_ms"] is None:
            j["winner"] = member_id
            j["processed_ms"] = now
            j["result_ms"] = now + REPLY_DELAY_MS     # shown once simulated time reaches it

    def journey_outcome(self, rec: Record, outcome: str | None, state: str | None = None) -> None:
        """The last delivery ended with `outcome` (accept, release, reject, lock_timeout); the record is `state`."""
        j = self.journeys.get((rec.p, rec.offset))
        if j is None:
            return
        if outcome is not None and j["deliveries"] and j["deliveries"][-1]["outcome"] is None:
            j["deliveries"][-1]["outcome"] = outcome
        if state is not None:
            j["state"] = state

    def journeys_view(self) -> list[dict]:
        """The journeys for the snapshot: a result still in transit shows no arrival time yet."""
        now = self.env.now
        out = []
        for j in self.journeys.values():
            view = dict(j, deliveries=[dict(d) for d in j["deliveries"]])
            if view["result_ms"] is not None and view["result_ms"] > now:
                view["result_ms"] = None
                view["result_in_transit"] = True
            out.append(view)
        return out
