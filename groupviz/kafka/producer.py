"""The producer: writes keyed records at a settable rate and counts the
results that consumers send back (the seed's "result returns to the producer").

Keys go through Kafka's default partitioner (murmur2); null keys use the
sticky partitioner of KIP-480. Records are appended in batches, one batch per
partition per producer tick, as a real producer's accumulator does.
"""

from __future__ import annotations

import random
from collections import Counter, deque

from groupviz.kafka.config import PRODUCER_METADATA_MAX_AGE_MS
from groupviz.kafka.log import Topic
from groupviz.kafka.partitioner import StickyPartitioner, partition_for_key

KEY_MODES = ("uniform", "hot", "null")
LATENCY_SAMPLES = 2048
#: Latency percentiles cover the results of the last 30 s of simulated time only: counted from the
#: reset, the first join's wait (seconds) would dominate p95 for minutes on a healthy group.
#: (At most LATENCY_SAMPLES batches of results are kept per group, whichever is shorter.)
LATENCY_WINDOW_MS = 30_000


def _weights(samples) -> dict:
    """{value: total weight} of (arrival ms, value, weight) samples: what a percentile needs, each value once."""
    w: dict = {}
    get = w.get
    for _, v, n in samples:
        w[v] = get(v, 0) + n
    return w


def _latency(weights: dict) -> dict:
    return {"p50": _percentile_of(weights, 0.5), "p95": _percentile_of(weights, 0.95), "window_ms": LATENCY_WINDOW_MS}


def _percentile_of(weights: dict, q: float) -> int | None:
    """Weighted nearest-rank percentile of {value: weight}."""
    total = sum(weights.values())
    if total == 0:
        return None
    rank = q * total
    acc = 0
    values = sorted(weights)
    for v in values:
        acc += weights[v]
        if acc >= rank:
            return int(v)
    return int(values[-1])


class Producer:
    def __init__(self, topic: Topic, seed, rate: float = 30.0, limit: int | None = None, name: str = "producer"):
        """`name` names the random streams: "producer" for the first topic, "producer:<topic>" for the others
        (one producer application writing each topic at its own rate; results come back to the first)."""
        self.topic = topic
        self.rate = float(rate)
        self.limit = limit          # stop after this many records (the seed's demo sends exactly 10)
        self.key_mode = "uniform"
        self.key_count = 1000
        self.hot_share = 0.0
        self.produced = 0
        self.results = 0
        self.now = 0                # simulated ms of the last tick: when results arrive (latency window)
        self.by_group: dict[str, dict] = {}
        self._credit = 0.0
        self._rng = random.Random(f"{seed}:{name}")
        sticky = "sticky-partitioner" if name == "producer" else f"{name}:sticky-partitioner"
        self._sticky = StickyPartitioner(random.Random(f"{seed}:{sticky}"))
        self._key_partitions: list[int] = []
        self._key_partitions_for = -1
        # The partitions its metadata knows: refreshed every metadata.max.age.ms (from its start at 0 ms), so new
        # partitions get records only after the next refresh (Kafka's producer `Metadata`).
        self.metadata_max_age_ms = PRODUCER_METADATA_MAX_AGE_MS
        self.known_partitions = len(topic.partitions)
        # its clock started somewhere in the last interval (seeded), not with the consumers' at 0 ms
        self.metadata_refreshed_ms = -random.Random(f"{seed}:producer-metadata").randrange(self.metadata_max_age_ms)

    # -- keys ------------------------------------------------------------
    def set_keys(self, mode: str, count: int | None = None, hot_share: float | None = None) -> None:
        self.key_mode = mode
        if count is not None:
            self.key_count = count
        if hot_share is not None:
            self.hot_share = hot_share
        self._key_partitions_for = -1

    def _refresh_metadata(self, now: int) -> None:
        if now - self.metadata_refreshed_ms >= self.metadata_max_age_ms:
            self.metadata_refreshed_ms = now - (now - self.metadata_refreshed_ms) % self.metadata_max_age_ms
            self.known_partitions = len(self.topic.partitions)

    def _partition_table(self) -> list[int]:
        n = self.known_partitions
        if self._key_partitions_for != n or len(self._key_partitions) != self.key_count:
            self._key_partitions = [partition_for_key(f"key-{i}".encode(), n) for i in range(self.key_count)]
            self._key_partitions_for = n
        return self._key_partitions

    def hot_partition(self) -> int:
        """The partition the hot key ("key-0") lands on."""
        return self._partition_table()[0]

    # -- producing -------------------------------------------------------
    def tick(self, now: int, quantum_ms: int) -> int:
        self.now = now
        self._forget_old_latencies(now - LATENCY_WINDOW_MS)
        self._credit += self.rate * quantum_ms / 1000.0
        n = int(self._credit)
        if self.limit is not None and n > self.limit - self.produced:
            n = self.limit - self.produced
            self._credit = float(n)
        if n <= 0:
            return 0
        self._credit -= n
        self._refresh_metadata(now)
        parts = self.topic.partitions[:self.known_partitions]
        if self.key_mode == "null":
            counts = {self._sticky.next_batch(len(parts)): n}
        else:
            table = self._partition_table()
            rnd = self._rng.random
            k = self.key_count
            hot = self.hot_share if self.key_mode == "hot" else 0.0
            if hot:     # the hot key ("key-0") with probability hot_share, else a uniform key: two draws
                picks = [table[0] if rnd() < hot else table[int(rnd() * k)] for _ in range(n)]
            else:
                picks = [table[int(rnd() * k)] for _ in range(n)]
            counts = Counter(picks)
        for i, c in counts.items():     # one batch per partition (each partition's log is its own)
            parts[i].append(c, now)
        self.produced += n
        return n

    # -- results coming back ---------------------------------------------
    def group_stats(self, group_id: str) -> dict:
        st = self.by_group.get(group_id)
        if st is None:
            st = self.by_group[group_id] = {"results": 0, "unique": 0, "no_result": 0,
                                            "latency": deque(maxlen=LATENCY_SAMPLES)}
        return st

    def on_results(self, group_id: str, count: int, unique: int, latencies: list) -> None:
        """`count` results arrived from `group_id`; `latencies` is [(ms, n), ...]."""
        st = self.group_stats(group_id)
        st["results"] += count
        st["unique"] += unique
        now = self.now
        st["latency"].extend([(now, ms, n) for ms, n in latencies])
        self.results += count

    def _forget_old_latencies(self, before: int) -> None:
        """Drop results that arrived before `before` (simulated ms) from the percentiles' window."""
        for st in self.by_group.values():
            q = st["latency"]
            while q and q[0][0] < before:
                q.popleft()

    def on_no_result(self, group_id: str, count: int) -> None:
        """`count` records of `group_id` ended without a result (rejected, or archived at the delivery limit);
        -1 when such a record's result comes after all (a member still processed it after its lock expired)."""
        self.group_stats(group_id)["no_result"] += count

    def snapshot(self, group_ids, sent_by_group: dict | None = None, produced_by_group: dict | None = None) -> dict:
        """`produced_by_group`: records produced to the topics each group reads (several topics); else all."""
        groups = {}
        outstanding = 0
        merged: dict = {}
        for gid in group_ids:
            st = self.group_stats(gid)
            produced = self.produced if produced_by_group is None else produced_by_group[gid]
            out = max(0, produced - st["unique"] - st["no_result"])
            outstanding = max(outstanding, out)
            w = _weights(st["latency"])
            for v, n in w.items():
                merged[v] = merged.get(v, 0) + n
            groups[gid] = {
                "sent": produced,
                "results": st["results"],
                "unique": st["unique"],
                "no_result": st["no_result"],
                "outstanding": out,
                "latency_ms": _latency(w),
            }
            if sent_by_group is not None and gid in sent_by_group:
                groups[gid]["in_transit"] = max(0, sent_by_group[gid] - st["results"])
        return {
            "rate": self.rate,
            "produced": self.produced,
            "limit": self.limit,
            "results": self.results,
            "outstanding": outstanding,
            "keys": {"mode": self.key_mode, "count": self.key_count, "hot_share": self.hot_share},
            "known_partitions": self.known_partitions, "metadata_refreshed_ms": self.metadata_refreshed_ms,
            "latency_ms": _latency(merged),
            "groups": groups,
        }
