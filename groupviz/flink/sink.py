"""Where the job's results go back to the producer (the seed's "the winner sends the result back").

`PlainSink` sends each result as soon as it is computed: after a restart from a checkpoint the records
processed again send their results again (duplicates at the producer). `TwoPhaseCommitSink` follows
Flink's TwoPhaseCommittingSink: results go into the open transaction, which is pre-committed when the
checkpoint barrier passes and committed (made visible) when that checkpoint completes; a failure aborts
every transaction not yet committed, so each record's result becomes visible exactly once.
"""

from __future__ import annotations

REPLY_DELAY_MS = 20   # sink -> producer, as a consumer's result path (kafka.classic.group.REPLY_DELAY_MS)


class PlainSink:
    name = "plain"

    def __init__(self, job):
        self.job = job
        self.sent = 0          # results put on the reply path
        self.duplicated = 0    # of them, results for a record that had already sent one

    def write(self, tp, a: int, b: int, dup: int) -> None:
        job = self.job
        lat: list = []
        job.topic.partitions[tp[1]].add_latencies(a, b, job.env.now + REPLY_DELAY_MS, lat)
        n = b - a
        self.sent += n
        self.duplicated += dup
        job.env.schedule(REPLY_DELAY_MS, job.ctx.results.on_results, job.group_id, n, n - dup, lat)

    def pre_commit(self, checkpoint_id: int) -> None:
        """A plain sink has nothing to pre-commit."""

    def commit(self, checkpoint_id: int) -> None:
        """Nothing to commit: every result was sent already."""

    def abort(self) -> int:
        return 0

    def pending(self) -> int:
        return 0


class TwoPhaseCommitSink(PlainSink):
    name = "two-phase-commit"

    def __init__(self, job):
        super().__init__(job)
        self.open: list = []                 # [tp, a, b] ranges of the open transaction
        self.precommitted: dict[int, list] = {}
        self.aborted = 0                     # results thrown away with aborted transactions

    def write(self, tp, a: int, b: int, dup: int) -> None:
        last = self.open[-1] if self.open else None
        if last is not None and last[0] == tp and last[2] == a:
            last[2] = b
        else:
            self.open.append([tp, a, b])

    def pre_commit(self, checkpoint_id: int) -> None:
        self.precommitted[checkpoint_id] = self.open
        self.open = []

    def commit(self, checkpoint_id: int) -> None:
        """The checkpoint completed: every transaction up to it becomes visible, its results reach the producer."""
        job = self.job
        arrive = job.env.now + REPLY_DELAY_MS
        n, lat = 0, []
        for cid in sorted(c for c in self.precommitted if c <= checkpoint_id):
            for tp, a, b in self.precommitted.pop(cid):
                job.topic.partitions[tp[1]].add_latencies(a, b, arrive, lat)
                n += b - a
        if n:
            self.sent += n
            job.env.schedule(REPLY_DELAY_MS, job.ctx.results.on_results, job.group_id, n, n, lat)

    def abort(self) -> int:
        """A failure: the open and the pre-committed transactions are aborted; returns the results dropped."""
        n = self.pending()
        self.aborted += n
        self.open, self.precommitted = [], {}
        return n

    def pending(self) -> int:
        return sum(b - a for _, a, b in self.open) + sum(b - a for t in self.precommitted.values() for _, a, b in t)


SINK_CLASSES = {cls.name: cls for cls in (PlainSink, TwoPhaseCommitSink)}
