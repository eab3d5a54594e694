"""Random dispatch: the seed's idealised queue, not a Kafka mode.

The seed (section 3 and 4) lets the members of a group compete for each record "by some mechanism, e.g.
random", and models the outcome as P_win = 1/N: every record goes to one of the N live members, each with
the same chance, whatever their speed. Kafka has no such mode. A classic consumer group shards (one owner
per partition); a share group's members pull batches from the partitions the broker's SimpleAssignor gives
them. This kind keeps the seed's model visible beside them, labelled as what it is.

The model, kept as small as the seed's:

- the queue is the whole topic (every partition, in produce order): each poll the dispatcher takes the new
  records and hands each one to a uniformly random *active* member (`ctx.rng("{group}:dispatch")`); with no
  active member the records wait in the queue;
- a member works through what it was handed at its rate; a slow member's backlog grows (the dispatcher
  does not look at speed: that is what 1/N means);
- a member that crashes or stops hands its backlog back to the queue at once (an idealised queue loses
  nothing and needs no session timeout); a paused member gets nothing new and keeps its backlog;
- each processed record's result goes back to the producer (`ctx.results`), exactly once.

Determinism: integer ms, one random stream per group; backlogs hold (produce time, count) runs, bounded.
"""

from __future__ import annotations

from collections import deque
from typing import NamedTuple

from groupviz.errors import DomainError, InvariantViolation
from groupviz.kafka.classic.group import REPLY_DELAY_MS
from groupviz.kafka.group import FLINK_FIELDS, Group, GroupContext
from groupviz.kafka.member import ACTIVE, CRASHED, LEAVING, Member
from groupviz.kafka.share.journeys import Journeys
from groupviz.seed.view import DispatchView

KIND = "random-dispatch"
#: What the group's assignor field says: no Kafka assignor decides here.
ASSIGNOR = "random"
#: Runs a member's backlog keeps at most; past it the two oldest runs merge (the older produce time stays).
MAX_RUNS = 2048
EMPTY, STABLE = "Empty", "Stable"
DISPATCHED, PROCESSED = "Dispatched", "Processed"
_NOT_KAFKA = "random dispatch is the seed's idealised queue, not a Kafka mode: "
_FOREIGN = {"assignor": _NOT_KAFKA + "no assignor decides, each record goes to a uniformly random live member",
            "competition": _NOT_KAFKA + "its competition is always random (1/N); a share group's members pull "
                                        "batches instead",
            **FLINK_FIELDS}


def push_run(runs: deque, produced_ms: int, n: int, journeys: tuple = (), again: int = 0) -> None:
    """Append a run [produce time, count, journey records, of which handed out before] to `runs`: merged with
    the last run of the same produce time, and past MAX_RUNS the two oldest merge (the older time stays), so
    a queue or a backlog nobody works through stays bounded."""
    last = runs[-1] if runs else None
    if last is not None and last[0] == produced_ms:
        last[1] += n
        last[2] += journeys
        last[3] += again
        return
    runs.append([produced_ms, n, journeys, again])
    if len(runs) > MAX_RUNS:
        a, b = runs.popleft(), runs.popleft()
        runs.appendleft([a[0], a[1] + b[1], a[2] + b[2], a[3] + b[3]])


class _JRec(NamedTuple):
    """What the journeys table needs of a record (groupviz.kafka.share.journeys)."""
    p: int
    offset: int
    delivery_count: int = 1


class Worker(Member):
    """A member of the queue: what it was handed (runs of [produce time, count, journey records])."""

    def __init__(self, group: "RandomDispatch", member_id: str, color: int, rate: float, host: str):
        super().__init__(group, member_id, color, rate, host)
        self.generation = group.generation
        self.backlog: deque[list] = deque()
        self.queued = 0          # records handed to it, not yet processed
        self.wins = 0            # records it was handed first (the seed's model counts these)
        self.processed = 0
        self._credit = 0.0

    def take(self, produced_ms: int, n: int, journeys: tuple = ()) -> None:
        push_run(self.backlog, produced_ms, n, journeys)
        self.queued += n

    def work(self, quantum_ms: int) -> list[tuple[int, int, tuple]]:
        """Process up to rate × quantum records from the head of the backlog: [(produce time, n, journeys)]."""
        self._credit += self.rate * quantum_ms / 1000.0
        budget = int(self._credit)
        done = []
        while budget > 0 and self.backlog:
            run = self.backlog[0]
            n = min(budget, run[1])
            js, run[2] = run[2][:n], run[2][n:]
            done.append((run[0], n, js))
            run[1] -= n
            budget -= n
            if run[1] == 0:
                self.backlog.popleft()
        n_done = sum(n for _, n, _ in done)
        self._credit -= n_done
        if not self.backlog:
            self._credit = min(self._credit, 1.0)
        self.queued -= n_done
        self.processed += n_done
        if n_done:
            self._window.append((self.env.now, n_done))
        return done

    def close(self) -> None:
        self.group.leave(self, "member_left")


class RandomDispatch(Journeys, DispatchView, Group):
    """The seed's idealised queue: each record to a uniformly random live member (P_win = 1/N)."""

    kind = KIND
    narration_protocol = KIND
    foreign_fields = _FOREIGN

    def __init__(self, ctx: GroupContext, group_id: str, journey_limit: int = 0):
        self.ctx, self.env, self.topic = ctx, ctx.clock, ctx.topic
        self.group_id = group_id
        self.assignor = ASSIGNOR
        self.config: dict = {}
        self.consumers: dict[str, Worker] = {}
        self.state = EMPTY
        self.generation = 0                  # +1 whenever the line-up changes
        self.cursor = [p.log_end_offset for p in self.topic.partitions]   # read into the queue up to here
        self.waiting: deque[list] = deque()  # in the queue: runs [produce time, count, journeys, handed out before]
        self.waiting_count = 0
        self.read = 0                        # records read into the queue
        self.processed = 0
        self.results = 0
        self.redispatched = 0                # records handed back by a member that left, and handed out again
        self.wins: dict[str, int] = {}
        self._rng = ctx.rng(f"{group_id}:dispatch")
        self.journey_limit = journey_limit
        self.journeys: dict[tuple[int, int], dict] = {}

    @classmethod
    def create(cls, ctx: GroupContext, group_id: str, spec: dict) -> "RandomDispatch":
        for name, why in _FOREIGN.items():
            if spec.get(name) is not None:
                raise DomainError(f"{group_id}: {why}")
        if spec.get("config"):
            raise DomainError(f"{group_id}: {_NOT_KAFKA}it has no Kafka configs to set")
        return cls(ctx, group_id, int(spec.get("journeys", 0)))

    def identity(self) -> dict:
        return {"competition": "random"}

    def event(self, type_: str, **fields) -> None:
        self.ctx.emit(type_, group_id=self.group_id, protocol=KIND, **fields)

    # -- members ----------------------------------------------------------
    def add_consumer(self, member_id: str, color: int, rate: float, host: str) -> Worker:
        w = Worker(self, member_id, color, rate, host)
        self.consumers[member_id] = w
        self.wins.setdefault(member_id, 0)
        self._changed()
        self.event("member_joined", member_id=member_id, generation=self.generation)
        return w

    def kill(self, member: Worker) -> None:
        member.state = CRASHED
        self.leave(member, "member_removed")

    def leave(self, member: Worker, event: str) -> None:
        """The member is gone: what it had not processed goes back to the queue, to be handed out again."""
        if member.state != CRASHED:
            member.state = LEAVING
        back = member.queued
        for produced_ms, n, js, _ in member.backlog:
            push_run(self.waiting, produced_ms, n, js, n)
        self.waiting_count += back
        member.backlog.clear()
        member.queued = 0
        del self.consumers[member.member_id]
        self.wins.pop(member.member_id, None)
        self._changed()
        self.event(event, member_id=member.member_id, handed_back=back, generation=self.generation,
                   why="crashed: the idealised queue notices at once" if event == "member_removed" else "stopped")

    def _changed(self) -> None:
        self.generation += 1
        for w in self.consumers.values():
            w.generation = self.generation
        new = STABLE if self.consumers else EMPTY
        if new != self.state:
            prev, self.state = self.state, new
            self.event("state", previous=prev, state=new)

    # -- the clock ----------------------------------------------------------
    def poll(self, quantum_ms: int) -> None:
        """Read the new records into the queue, hand them out at random, then every member works."""
        self._read()
        live = [w for w in self.consumers.values() if w.state == ACTIVE]
        if live and self.waiting:
            self._dispatch(live)
        for w in list(self.consumers.values()):
            if w.state == ACTIVE:
                self._reply(w, w.work(quantum_ms))
            else:
                w._credit = 0.0

    def _read(self) -> None:
        for p in self.topic.partitions:
            if p.partition >= len(self.cursor):
                self.cursor.append(p.log_start_offset)
            start, end = self.cursor[p.partition], p.log_end_offset
            if end <= start:
                continue
            off = start
            for n, produced_ms in p.batches_between(start, end):
                traced = max(0, min(n, self.journey_limit - self.read))   # the first records get a journey
                js = tuple(_JRec(p.partition, o) for o in range(off, off + traced))
                push_run(self.waiting, produced_ms, n, js)
                self.waiting_count += n
                self.read += n
                off += n
            self.cursor[p.partition] = end

    def _dispatch(self, live: list[Worker]) -> None:
        randrange = self._rng.randrange
        k = len(live)
        while self.waiting:
            produced_ms, n, js, again = self.waiting.popleft()
            self.waiting_count -= n
            counts, agains = [0] * k, [0] * k
            chosen: list[list] = [[] for _ in range(k)]
            for i in range(n):
                j = randrange(k)
                counts[j] += 1
                if i < again:                # the run's first `again` records were handed out before
                    agains[j] += 1
                if i < len(js):
                    chosen[j].append(js[i])
            for w, c, a, picked in zip(live, counts, agains, chosen):
                if c:
                    self._hand(w, produced_ms, c, tuple(picked), a)

    def _hand(self, w: Worker, produced_ms: int, n: int, js: tuple, again: int) -> None:
        mine = []
        for rec in js:
            if len(self.journeys) < self.journey_limit or (rec.p, rec.offset) in self.journeys:
                j = self.journeys.get((rec.p, rec.offset))
                count = len(j["deliveries"]) + 1 if j else 1
                self.journey_delivered(rec._replace(delivery_count=count), w.member_id)
                self.journey_outcome(rec, None, DISPATCHED)
                mine.append(rec)
        w.take(produced_ms, n, tuple(mine))
        self.redispatched += again
        w.wins += n - again               # the seed's model counts first hand-outs only
        self.wins[w.member_id] = self.wins.get(w.member_id, 0) + n - again

    def _reply(self, w: Worker, done: list) -> None:
        if not done:
            return
        now = self.env.now
        n = sum(c for _, c, _ in done)
        self.processed += n
        self.results += n
        for _, _, js in done:
            for rec in js:
                self.journey_processed(rec, w.member_id, now)
                self.journey_outcome(rec, "processed", PROCESSED)
        arrive = now + REPLY_DELAY_MS
        lat = [(arrive - t, c) for t, c, _ in done]
        self.env.schedule(REPLY_DELAY_MS, self.ctx.results.on_results, self.group_id, n, n, lat)

    # -- what does not apply --------------------------------------------------
    def check_member_op(self, op: str, member=None) -> None:
        """Every member op applies; nothing to refuse here (kept for the interface)."""

    def set_assignor(self, assignor: str) -> None:
        raise DomainError(f"{self.group_id}: {_FOREIGN['assignor']}; set_assignor applies to consumer groups")

    def check_config(self, config: dict) -> dict:
        raise DomainError(f"{self.group_id}: {_NOT_KAFKA}it has no Kafka configs; set_config applies to "
                          f"consumer and share groups")

    def apply_config(self, merged: dict, changes: dict) -> None:
        raise DomainError(f"{self.group_id}: {_NOT_KAFKA}it has no configs")

    def partitions_added(self) -> None:
        """The queue reads new partitions from their start at its next poll (`_read`)."""

    @property
    def epoch(self) -> int:
        return self.generation

    def model_counts(self) -> dict[str, int]:
        return dict(self.wins)

    def results_sent(self) -> int:
        return self.results

    def check_invariants(self, log_end_offsets: dict, seen: dict, owners_seen: dict | None = None) -> None:
        """Every record read into the queue is waiting, in a member's backlog, or processed: none lost, none twice."""
        held = self._held()
        if self.read != held + self.processed:
            raise InvariantViolation(f"{self.group_id}: {self.read} records read, but {held} held and "
                                     f"{self.processed} processed")
        if self.processed != self.results:
            raise InvariantViolation(f"{self.group_id}: {self.processed} processed but {self.results} results")

    def _held(self) -> int:
        return self.waiting_count + sum(w.queued for w in self.consumers.values())
