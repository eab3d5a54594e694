"""LiveEngine: pacing by an injected clock, broadcasting, and surviving a bug inside a tick."""

from __future__ import annotations

from groupviz.engine import Engine
from groupviz.realtime import LiveEngine


class FakeClock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


def make_live():
    clock = FakeClock()
    sent = []
    live = LiveEngine(Engine(seed=7), lambda ev, data: sent.append((ev, data)), clock=clock)
    return live, clock, sent


def test_tick_advances_simulated_time_by_wall_time_times_speed_and_broadcasts():
    live, clock, sent = make_live()
    live.tick()                      # first tick only sets the reference point
    live.engine.speed = 2.0
    clock.now += 0.1
    payload = live.tick()
    assert payload["time_ms"] == 200
    assert sent[-1][0] == "tick" and sent[-1][1]["time_ms"] == 200
    assert live.timing()["ticks"] == 2


def test_a_bug_inside_a_step_is_reported_pauses_the_run_and_reset_recovers(monkeypatch, caplog):
    live, clock, sent = make_live()
    live.tick()

    def broken(until):
        raise RuntimeError("injected fault")

    monkeypatch.setattr(live.engine.env, "run", broken)   # reset builds a new Environment
    clock.now += 0.1
    payload = live.tick()            # must not raise
    assert "injected fault" in payload["error"]
    assert payload["running"] is False
    assert any("engine step failed" in r.getMessage() and r.exc_info for r in caplog.records)

    ack = live.apply({"op": "reset"})   # a fresh engine: the broken step is gone with the old one
    assert ack["ok"] and ack["reset"]
    assert live.error is None and live.engine.running is True
    assert sent[-1][0] == "snapshot"
    clock.now += 0.1
    payload = live.tick()
    assert payload["error"] is None and payload["time_ms"] == 100


def test_a_pause_by_the_teacher_is_not_undone_by_reset_after_a_fault_free_run():
    live, clock, _ = make_live()
    live.apply({"op": "pause"})
    live.apply({"op": "reset"})
    assert live.engine.running is False
