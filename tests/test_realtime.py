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


def test_a_long_step_runs_in_slices_with_the_lock_free_between_them():
    import threading

    from groupviz.realtime import STEP_SLICE_MS

    yields = []
    live = LiveEngine(Engine(seed=7), lambda *a: None, clock=FakeClock(), lock=threading.Lock())

    def sleep(_seconds):
        # what the ticker (or another client's command) would do meanwhile: it gets the lock at once
        assert live.lock.acquire(blocking=False), "the lock was held between slices"
        live.lock.release()
        yields.append(live.engine.time_ms)

    live.sleep = sleep
    assert live.apply({"op": "pause"})["ok"]
    r = live.apply({"op": "step", "ms": 600_000})
    assert r == {"ok": True, "time_ms": 600_000}
    assert live.engine.time_ms == 600_000
    assert len(yields) == 600_000 // STEP_SLICE_MS - 1 and yields[0] == STEP_SLICE_MS
    # a short step and a refused one are applied as before, in one go
    assert live.apply({"op": "step", "ms": STEP_SLICE_MS})["time_ms"] == 600_000 + STEP_SLICE_MS
    assert live.apply({"op": "step", "ms": -5})["ok"] is False
    assert len(yields) == 600_000 // STEP_SLICE_MS - 1
