"""The application thread of a classic consumer: its poll loop, its processing and its commits.

Follows Kafka 4.x's `ClassicKafkaConsumer.poll` / `ConsumerCoordinator.poll` and the heartbeat thread of
`AbstractCoordinator` (docs/kafka-fidelity.md names the commits):

- `poll()` first rejoins if a rebalance is pending (the heartbeat thread only *asks* for it), then
  auto-commits every `auto.commit.interval.ms` (`maybeAutoCommitOffsetsAsync`, only when poll is called),
  then returns records. A consumer busy processing does not poll, so it neither rejoins nor auto-commits.
- Processing: by default a budget of `rate` records/s, processed in the 50 ms step that fetched them
  (one poll per step). With a processing time per record (`set_processing_ms`), a poll returns up to
  `max.poll.records` records and the application spends `processing_ms` on each before it polls again.
- `stall_consumer`: the application blocks now, between two polls, for `ms`; the heartbeat thread goes
  on, so the session does not expire.
- The heartbeat thread checks the poll timer: once `max.poll.interval.ms` has passed since the last
  poll it sends LeaveGroup ("consumer poll timeout has expired.") and resets the generation
  (`maybeLeaveGroup`). The application, when it comes back, fails to commit (`CommitFailedException`),
  and its next poll gives the partitions up as lost and joins again.
- Commits as the application makes them (the group's `commit_mode`): `auto`, `sync` (commitSync after
  each batch), `async` (commitAsync after each batch), `none`; and a rebalance listener that commits in
  `onPartitionsRevoked` (`rebalance_listener_commits`).
"""

from __future__ import annotations

from groupviz.kafka.classic import coordinator as C
from groupviz.kafka.member import ACTIVE, fair_share

#: Kafka's CommitFailedException messages: raised locally when the consumer is no longer in an active
#: group (ConsumerCoordinator.sendOffsetCommitRequest), and its default one for a commit the coordinator
#: refused with ILLEGAL_GENERATION / UNKNOWN_MEMBER_ID (OffsetCommitResponseHandler).
NOT_IN_GROUP = ("Offset commit cannot be completed since the consumer is not part of an active group for auto "
                "partition assignment; it is likely that the consumer was kicked out of the group.")
REBALANCED = ("Commit cannot be completed since the group has already rebalanced and assigned the partitions to "
              "another member. This means that the time between subsequent calls to poll() was longer than the "
              "configured max.poll.interval.ms, which typically implies that the poll loop is spending too much "
              "time message processing. You can address this either by increasing max.poll.interval.ms or by "
              "reducing the maximum size of batches returned in poll() with max.poll.records.")
REBALANCING = ("Offset commit cannot be completed since the consumer group is executing a rebalance at the "
               "moment. You can try completing the rebalance by calling poll() and then retry commit again")
POLL_TIMEOUT_REASON = "consumer poll timeout has expired."


class PollLoop:
    """Mixed into the classic Consumer (a PartitionReader): the application's side of the client."""

    def _init_poll_loop(self) -> None:
        self.processing_ms = 0          # per record; 0: the rate budget model
        self.stall_until: int | None = None
        self.batch: dict | None = None  # records returned by the last poll, still being processed
        self.last_poll_ms = self.env.now
        self.next_auto_commit_ms = self.env.now
        self.rejoin_needed = False
        self.poll_timeouts = 0
        self.commit_failures = 0
        self.last_commit_failure: dict | None = None

    # -- what the application is doing -------------------------------------
    @property
    def busy(self) -> bool:
        """Between two polls: processing a batch or blocked (a stall)."""
        return self.batch is not None or (self.stall_until is not None and self.env.now < self.stall_until)

    def in_flight(self) -> int:
        return 0 if self.batch is None else self.batch["n"] - self.batch["done"]

    def app_view(self) -> dict:
        now = self.env.now
        stalled = self.stall_until is not None and now < self.stall_until
        return {"processing_ms": self.processing_ms, "in_flight": self.in_flight(),
                "stalled_ms": self.stall_until - now if stalled else 0,
                "since_poll_ms": now - self.last_poll_ms if self.busy else 0,
                "poll_timeouts": self.poll_timeouts, "commit_failures": self.commit_failures,
                "last_commit_failure": dict(self.last_commit_failure) if self.last_commit_failure else None}

    def stall(self, ms: int) -> None:
        self.stall_until = max(self.stall_until or 0, self.env.now + ms)
        self._arm_poll_timer()

    def set_processing_ms(self, ms: int) -> None:
        self.processing_ms = ms

    # -- the heartbeat thread's poll timer ----------------------------------
    def _arm_poll_timer(self) -> None:
        due = self.last_poll_ms + int(self.group.config["max.poll.interval.ms"])
        self._after(max(due - self.env.now, 1), self._check_poll_timer)

    def _check_poll_timer(self) -> None:
        """AbstractCoordinator.HeartbeatThread: `heartbeat.pollTimeoutExpired(now)` -> maybeLeaveGroup."""
        if not self.alive or self.generation < 0 or self.phase not in ("syncing", "stable") or not self.busy:
            return
        due = self.last_poll_ms + int(self.group.config["max.poll.interval.ms"])
        if self.env.now < due:
            self._after(due - self.env.now, self._check_poll_timer)
            return
        self.poll_timeouts += 1
        self.group.event("poll_timeout", member_id=self.member_id, since_poll_ms=self.env.now - self.last_poll_ms,
                         max_poll_interval_ms=int(self.group.config["max.poll.interval.ms"]),
                         in_flight=self.in_flight())
        self.group.to_coordinator(self.group.leave_arrived, self.member_id, POLL_TIMEOUT_REASON)
        self._reset_generation()

    def _reset_generation(self) -> None:
        """resetGenerationOnLeaveGroup / resetStateOnResponseError: no generation, rejoin at the next poll.
        The partitions stay with the application until then (it may still be processing them)."""
        self.generation = -1
        self.phase = "unjoined"
        self.rejoin_needed = True

    def request_rejoin(self) -> None:
        """A rebalance is needed: rejoin now if the application is in poll(), else at its next poll."""
        if self.busy:
            self.rejoin_needed = True
        else:
            self.rejoin()

    # -- the loop -----------------------------------------------------------
    def poll(self, quantum_ms: int) -> None:
        if not self.alive:
            return
        now = self.env.now
        if self.stall_until is not None:
            if now < self.stall_until:
                self._credit = 0.0
                return
            self.stall_until = None
        if self.batch is not None:
            self._work(quantum_ms)
            if self.batch is None:
                self._after_batch()
            return                      # one poll() per step: the next step polls
        self._kafka_poll()
        if self.processing_ms:
            self._fetch_batch()
            if self.batch is not None:
                self._work(quantum_ms)
                if self.batch is None:
                    self._after_batch()
        else:
            before = self.processed
            super().poll(quantum_ms)    # PartitionReader: the rate budget, processed in this step
            if self.processed > before:
                self._after_batch()

    def _kafka_poll(self) -> None:
        """ConsumerCoordinator.poll: rejoin if needed, then auto-commit if the interval has passed."""
        now = self.env.now
        self.last_poll_ms = now
        if self.rejoin_needed:
            self.rejoin_needed = False
            if self.generation < 0:
                # onJoinPrepare with no generation: the auto-commit fails, the partitions are lost
                if self.auto_commit:
                    self._commit(self.assigned, "auto")
                self._lose_all()
                self._send_join()
            elif self.phase == "stable":
                self.rejoin()
        if now >= self.next_auto_commit_ms and self.auto_commit:     # the clock first: no property call per poll
            self.next_auto_commit_ms = now + int(self.group.config["auto.commit.interval.ms"])
            if self.phase == "stable":
                self._commit(self.assigned, "auto")

    def _fetch_batch(self) -> None:
        """Up to max.poll.records records from the owned partitions that have some; positions move on."""
        if self.state != ACTIVE or not self.assigned:
            return
        parts = self.group.topic.partitions
        tps, left = [], []
        for tp in self.assigned:
            pos = self.positions.get(tp)
            if pos is not None and parts[tp[1]].log_end_offset > pos:
                tps.append(tp)
                left.append(parts[tp[1]].log_end_offset - pos)
        if not tps:
            return
        k = len(tps)
        start = self._rr % k
        self._rr += 1
        order = [(start + j) % k for j in range(k)]
        take = fair_share([left[i] for i in order], int(self.group.config["max.poll.records"]))
        ranges = []
        for i, n in zip(order, take):
            if n:
                tp = tps[i]
                a = self.positions[tp]
                self.positions[tp] = a + n
                ranges.append([tp, a, a + n])
        self.batch = {"ranges": ranges, "n": sum(b - a for _, a, b in ranges), "done": 0, "work_ms": 0,
                      "fetched_ms": self.env.now}
        self._arm_poll_timer()

    def _work(self, quantum_ms: int) -> None:
        """Process the records of the batch whose processing time has passed."""
        b = self.batch
        b["work_ms"] += quantum_ms
        target = min(b["n"], b["work_ms"] // self.processing_ms) if self.processing_ms else b["n"]
        todo = done_now = target - b["done"]
        if todo > 0:
            b["done"] = target
            for r in b["ranges"]:
                tp, a, end = r
                if todo <= 0:
                    break
                n = min(todo, end - a)
                if n > 0:
                    self.group.on_processed(self, tuple(tp), a, a + n)
                    r[1] = a + n
                    todo -= n
            self.processed += done_now
            self._window.append((self.env.now, done_now))
        if b["done"] >= b["n"]:
            self.batch = None

    # -- commits ------------------------------------------------------------
    @property
    def auto_commit(self) -> bool:
        return self.group.commit_mode == "auto"

    def _after_batch(self) -> None:
        """commitSync() / commitAsync() after each batch, as an application with auto-commit off does."""
        mode = self.group.commit_mode
        if mode in ("sync", "async"):
            self._commit(self.assigned, mode)

    def _commit(self, tps, how: str = "leave") -> None:
        """Commit the positions of `tps`. `how`: auto (inside poll), sync / async (after a batch), revoke (the
        listener's onPartitionsRevoked), leave (close(), onJoinPrepare: auto-commit or the listener)."""
        if how == "leave" and not (self.auto_commit or self.group.listener_commits):
            return
        offsets = {tp: self.positions[tp] for tp in tps if tp in self.positions}
        if self.batch is not None:     # closing mid-batch: only what the application has processed
            for tp, nxt, end in self.batch["ranges"]:
                if nxt < end and tuple(tp) in offsets:
                    offsets[tuple(tp)] = min(offsets[tuple(tp)], nxt)
        if not offsets:
            return
        if self.generation < 0:
            # sendOffsetCommitRequest: not part of an active group, so nothing is sent
            self._commit_failed(how, "CommitFailedException", NOT_IN_GROUP, offsets)
            return
        self.group.to_coordinator(self.group.commit_arrived, self.member_id, self.generation, offsets, how)

    def _commit_failed(self, how: str, error: str, message: str, offsets: dict, emit: bool = True) -> None:
        """The application sees the commit fail (sync: thrown; async / auto: the callback's exception).
        `emit`: False when the coordinator's refusal is already an event (commit_rejected)."""
        self.commit_failures += 1
        self.last_commit_failure = {"time_ms": self.env.now, "how": how, "error": error, "message": message,
                                    "records": sum(max(0, off - (self.group.offsets.get(tp) or 0))
                                                   for tp, off in offsets.items())}
        if emit:
            self.group.event("commit_failed", member_id=self.member_id, how=how, error=error, message=message,
                             partitions=sorted(offsets))

    def on_commit(self, resp: dict) -> None:
        """OffsetCommitResponseHandler: ILLEGAL_GENERATION / UNKNOWN_MEMBER_ID -> CommitFailedException,
        REBALANCE_IN_PROGRESS -> RebalanceInProgressException."""
        err = resp["error"]
        if err in (C.ILLEGAL_GENERATION, C.UNKNOWN_MEMBER_ID):
            self._commit_failed(resp.get("how", "auto"), "CommitFailedException", REBALANCED, resp.get("offsets", {}),
                                emit=False)
        elif err == C.REBALANCE_IN_PROGRESS:
            self._commit_failed(resp.get("how", "auto"), "RebalanceInProgressException", REBALANCING,
                                resp.get("offsets", {}), emit=False)
