"""realtime.py: LiveEngine paces the engine by an injected clock, broadcasts ticks in the order their
states were taken, survives a bug inside a tick, runs `run_forever` on a fake clock (a tick every
period, one more at once after a command, full garbage collections between ticks), and tune_gc."""

from __future__ import annotations

import subprocess
import sys

from groupviz.engine.core import Engine
from groupviz.serve.realtime import FULL_GC_MAX_FACTOR, FULL_GC_WORTH, LiveEngine


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
    live.emit_ticks = lambda full, make_delta, make_full: record("tick", make_delta())
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
    """A page merging `messages` like static/app.js ends with exactly the engine's state (rounded for the
    wire as every socket message is: serve/wire.py)."""
    from groupviz.serve import wire
    from groupviz.serve.delta import apply_delta

    state = None
    for kind, msg in messages:
        state = msg if kind == "snapshot" or not msg.get("delta") else apply_delta(state, msg)
    full = wire.rounded(live.full_snapshot())
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


def test_live_engine_steps_by_wall_time_times_speed():
    now = [100.0]
    sent = []
    live = LiveEngine(Engine(seed=1), lambda *a: sent.append(a), clock=lambda: now[0])
    live.tick()
    now[0] += 0.25
    live.tick()
    assert live.engine.time_ms == 250
    live.engine.speed = 2.0
    now[0] += 0.1
    live.tick()
    assert live.engine.time_ms == 450
    live.apply({"op": "pause"})
    now[0] += 1.0
    live.tick()
    assert live.engine.time_ms == 450 and sent[-1][0] == "tick" and sent[-1][1]["running"] is False


def test_tick_carries_only_new_events():
    now = [0.0]
    sent = []
    live = LiveEngine(Engine(seed=1), lambda *a: sent.append(a), clock=lambda: now[0])
    live.tick()
    first = sent[-1][1]["events"]
    now[0] += 0.1
    live.tick()
    assert first and all(e["seq"] > first[-1]["seq"] for e in sent[-1][1]["events"])


class FakeTime:
    def __init__(self):
        self.now = 0.0
        self.sleeps = []

    def clock(self):
        return self.now

    def sleep(self, s):
        self.sleeps.append(s)
        self.now += s


def run(until_s: float, commands: dict[float, list[dict]]):
    """Run the loop until `until_s` of fake time; apply commands when the clock first passes each time."""
    ft = FakeTime()
    ticks = []
    live = LiveEngine(Engine(seed=7), lambda *a: None, clock=ft.clock, sleep=ft.sleep,
                      emit_ticks=lambda full, make_delta, make_full: ticks.append(round(ft.now, 3)))
    pending = sorted(commands.items())
    real_sleep = ft.sleep

    def sleep(s):
        real_sleep(s)
        while pending and ft.now >= pending[0][0]:
            for cmd in pending.pop(0)[1]:
                assert live.apply(cmd)["ok"]
        if ft.now >= until_s:
            live.stop()

    live.sleep = sleep
    live.run_forever()
    return ticks


def test_ticks_come_every_period_without_commands():
    ticks = run(1.0, {})
    assert ticks == [round(0.1 * i, 3) for i in range(1, len(ticks) + 1)] and len(ticks) >= 9


def test_a_command_gets_a_tick_at_once_and_the_schedule_is_kept():
    ticks = run(0.6, {0.25: [{"op": "add_consumer"}]})
    extra = [t for t in ticks if round(t * 10, 6) != round(t * 10)]
    assert len(extra) == 1 and 0.25 <= extra[0] <= 0.27          # within one 10 ms slice
    assert [t for t in ticks if t not in extra][:5] == [0.1, 0.2, 0.3, 0.4, 0.5]


def test_many_commands_in_one_period_cost_one_extra_tick_only():
    burst = {0.21 + 0.01 * i: [{"op": "set_producer_rate", "rate": 10 + i}] for i in range(6)}
    ticks = run(0.6, burst)
    between = [t for t in ticks if 0.2 < t < 0.3]
    assert len(between) == 1


def run_with_fake_gc(freed: int, until_s: float):
    """run_forever with full_gc_every_s=1 on the fake clock, gc.collect() faked: it takes 50 ms and
    frees `freed` objects. Returns (the sends and collections in order, the LiveEngine)."""
    import gc

    ft = FakeTime()
    calls = []
    live = LiveEngine(Engine(seed=7), lambda *a: None, clock=ft.clock, sleep=ft.sleep,
                      emit_ticks=lambda full, make_delta, make_full: calls.append(("tick", round(ft.now, 3))),
                      full_gc_every_s=1.0)
    real_collect = gc.collect
    gc.collect = lambda *a: (calls.append(("gc", round(ft.now, 3))), ft.__setattr__("now", ft.now + 0.05), freed)[2]
    try:
        run_until(live, ft, until_s)
    finally:
        gc.collect = real_collect
    return calls, live


def test_a_full_garbage_collection_runs_every_period_between_ticks_and_is_reported():
    """Cycles promoted to the oldest generation are otherwise collected only after hundreds of
    younger collections (tune_gc's thresholds): run_forever collects everything every
    full_gc_every_s, after a tick, and /healthz shows the count and the pause."""
    calls, live = run_with_fake_gc(freed=FULL_GC_WORTH, until_s=3.55)
    gcs = [t for kind, t in calls if kind == "gc"]
    assert len(gcs) == 3 and 1.0 <= gcs[0] <= 1.1 + 1e-9, calls     # once a period (ticks are 0.1 s apart) ...
    assert all(1.0 <= b - a <= 1.1 + 1e-9 for a, b in zip(gcs, gcs[1:])), gcs
    for t in gcs:                                           # ... each right after a tick
        assert calls[calls.index(("gc", t)) - 1] == ("tick", t)
    timing = live.timing()
    assert timing["full_gcs"] == 3 and timing["full_gc_ms"] == 50.0 and timing["max_full_gc_ms"] == 50.0
    assert timing["full_gc_freed"] == 3 * FULL_GC_WORTH


def test_collections_that_find_little_garbage_come_less_often_up_to_a_limit():
    """Steady viewers leave little garbage: each collection that frees less than FULL_GC_WORTH
    doubles the wait for the next, up to FULL_GC_MAX_FACTOR periods (a 3,000-viewer pause is
    ~270 ms)."""
    calls, _ = run_with_fake_gc(freed=7, until_s=40.0)
    gcs = [t for kind, t in calls if kind == "gc"]
    gaps = [round(b - a) for a, b in zip(gcs, gcs[1:])]
    assert gaps[:4] == [2, 4, 8, 8] and set(gaps[3:]) == {FULL_GC_MAX_FACTOR}, gaps


def test_no_full_collection_unless_asked():
    ft = FakeTime()
    live = LiveEngine(Engine(seed=7), lambda *a: None, clock=ft.clock, sleep=ft.sleep)
    run_until(live, ft, 2.0)
    assert live.timing()["full_gcs"] == 0


def run_until(live: LiveEngine, ft: FakeTime, until_s: float) -> None:
    """live.run_forever() on the fake clock until `until_s`."""
    real_sleep = ft.sleep

    def sleep(s):
        real_sleep(s)
        if ft.now >= until_s:
            live.stop()

    live.sleep = sleep
    live.run_forever()


def test_tune_gc_freezes_what_start_up_made_and_collects_less_often():
    code = ("import gc; from groupviz.serve.realtime import tune_gc, GC_THRESHOLDS; tune_gc(); "
            "assert gc.get_freeze_count() > 1000, gc.get_freeze_count(); "
            "assert gc.get_threshold() == GC_THRESHOLDS and GC_THRESHOLDS[0] > 700; print('ok')")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0 and r.stdout.strip() == "ok", r.stderr
