"""What the teacher changes about a classic group's *applications* (not the protocol): how they commit,
how long they take per record, and a stall. Mixed into ConsumerGroup; the engine reaches these through
the Group interface (a kind that has no such application refuses with a DomainError)."""

from __future__ import annotations

from groupviz.errors import DomainError

#: How the application commits: Kafka's auto-commit inside poll(), commitSync / commitAsync after each
#: batch, or never.
COMMIT_MODES = ("auto", "sync", "async", "none")
MAX_STALL_MS = 600_000
MAX_PROCESSING_MS = 60_000


class AppControls:
    """Mixed into the classic ConsumerGroup."""

    app_commit = "none"            # with enable.auto.commit=false: what the application does instead
    listener_commits = False       # Kafka's default: no ConsumerRebalanceListener that commits

    @property
    def commit_mode(self) -> str:
        return "auto" if self.config["enable.auto.commit"] else self.app_commit

    def set_commit_mode(self, mode: str, listener_commits: bool | None = None) -> None:
        """`auto` is enable.auto.commit=true; the others turn it off and commit as the application says."""
        if mode not in COMMIT_MODES:
            raise DomainError(f"set_commit_mode: mode must be one of {', '.join(COMMIT_MODES)}, not {mode!r}")
        self.config["enable.auto.commit"] = mode == "auto"
        if mode != "auto":
            self.app_commit = mode
        if listener_commits is not None:
            self.listener_commits = bool(listener_commits)
        self.event("commit_mode", mode=mode, rebalance_listener_commits=self.listener_commits)

    def commit_view(self) -> dict:
        return {"commit_mode": self.commit_mode, "rebalance_listener_commits": self.listener_commits}

    def stall(self, member, ms: int) -> None:
        self._check_app(member)
        member.stall(ms)
        self.event("consumer_stalled", member_id=member.member_id, ms=ms,
                   max_poll_interval_ms=int(self.config["max.poll.interval.ms"]))

    def set_processing_ms(self, member, ms: int) -> None:
        self._check_app(member)
        member.set_processing_ms(ms)
        self.event("processing_time", member_id=member.member_id, ms=ms,
                   max_poll_records=int(self.config["max.poll.records"]))

    def _check_app(self, member) -> None:
        if member.state != "active":
            raise DomainError(f"{member.member_id} is {member.state}: only an active consumer's application "
                              "can be slowed or stalled")
