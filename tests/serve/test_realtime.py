"""LiveEngine: pacing by an injected clock, broadcasting, and surviving a bug inside a tick."""

from __future__ import annotations

from groupviz.engine.core import Engine
from groupviz.serve.realtime import LiveEngine


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

    from groupviz.serve.realtime import STEP_SLICE_MS

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


def _held_sender(live, hold: str):
    """Record what LiveEngine sends, in order; the first `hold` send waits until released."""
    import threading

    sent, holding, release = [], threading.Event(), threading.Event()

    def record(kind, data):
        if kind == hold and not holding.is_set():
            holding.set()
            assert release.wait(10), "never released"
        sent.append((kind, data))

    live.emit = lambda ev, data: record(ev, data)
    live.emit_ticks = lambda full, make_delta: record("tick", make_delta())
    return sent, holding, release


def _run_while_held(holding, release, first, then):
    """Start first(); once it is inside the held send, run then() in another thread; release."""
    import threading

    t1 = threading.Thread(target=first)
    t1.start()
    assert holding.wait(10)
    t2 = threading.Thread(target=then)
    t2.start()
    t2.join(0.5)          # unordered sends would overtake the held one here
    release.set()
    t1.join(10)
    t2.join(10)
    assert not t1.is_alive() and not t2.is_alive()


def _ticking(hold: str):
    """A live engine two ticks in (a delta tick comes next), its sends recorded, the first `hold` held."""
    live, clock, _ = make_live()
    live.tick()
    clock.now += 0.1
    live.tick()
    sent, holding, release = _held_sender(live, hold)
    clock.now += 0.1
    return live, clock, sent, holding, release


def _assert_a_page_following_them_ends_in_sync(live, messages):
    """A page merging `messages` like static/app.js ends with exactly the engine's state."""
    from groupviz.serve.delta import apply_delta

    state = None
    for kind, msg in messages:
        state = msg if kind == "snapshot" or not msg.get("delta") else apply_delta(state, msg)
    full = live.full_snapshot()
    assert state["time_ms"] == full["time_ms"] and state["groups"] == full["groups"]


def test_a_reset_snapshot_is_sent_after_a_tick_taken_before_it_even_when_that_tick_is_slow_to_send():
    live, clock, sent, holding, release = _ticking(hold="tick")
    _run_while_held(holding, release, live.tick, lambda: live.apply({"op": "reset"}))
    assert [k for k, _ in sent] == ["tick", "snapshot"]


def test_a_tick_taken_after_a_reset_snapshot_is_sent_after_it_so_deltas_patch_the_right_base():
    live, clock, sent, holding, release = _ticking(hold="snapshot")
    _run_while_held(holding, release, lambda: live.apply({"op": "reset"}), live.tick)
    for _ in range(30):           # the reset's rebalance starts and ends: rebalances patched by index
        clock.now += 0.1
        live.tick()
    assert [k for k, _ in sent][:2] == ["snapshot", "tick"]
    _assert_a_page_following_them_ends_in_sync(live, sent)   # in the order sent


def test_a_connecting_client_gets_its_snapshot_in_order_with_the_ticks():
    live, clock, sent, holding, release = _ticking(hold="tick")
    joined = []
    # the tick being sent was taken before the client joined: it must not reach the client
    _run_while_held(holding, release, live.tick,
                    lambda: live.send_snapshot(lambda snap: (joined.append(len(sent)), sent.append(("snapshot", snap)))))
    for _ in range(10):
        clock.now += 0.1
        live.tick()
    assert joined == [1]                 # joined once the earlier tick had gone out
    _assert_a_page_following_them_ends_in_sync(live, sent[1:])
