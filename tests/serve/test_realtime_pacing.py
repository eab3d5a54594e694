"""LiveEngine.run_forever pacing on a fake clock: ticks every period, plus one at once after a command."""

from __future__ import annotations

from groupviz.engine.core import Engine
from groupviz.serve.realtime import FULL_GC_MAX_FACTOR, FULL_GC_WORTH, LiveEngine


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
                      emit_ticks=lambda full, make_delta: ticks.append(round(ft.now, 3)))
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
                      emit_ticks=lambda full, make_delta: calls.append(("tick", round(ft.now, 3))),
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
