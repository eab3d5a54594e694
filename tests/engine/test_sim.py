"""The simulated clock: order of events and a heap that does not fill up with cancelled timers."""

from groupviz.engine.sim import COMPACT_MIN, LATE, NORMAL, URGENT, Environment


def test_events_fire_by_time_then_priority_then_insertion_order():
    env = Environment()
    seen = []
    env.schedule(5, seen.append, "late", priority=LATE)
    env.schedule(5, seen.append, "urgent-1", priority=URGENT)
    env.schedule(5, seen.append, "normal", priority=NORMAL)
    env.schedule(5, seen.append, "urgent-2", priority=URGENT)
    env.schedule(1, seen.append, "first", priority=LATE)
    env.run(10)
    assert seen == ["first", "urgent-1", "urgent-2", "normal", "late"]
    assert env.now == 10


def test_a_timer_rearmed_over_and_over_does_not_grow_the_heap():
    # like a session timeout re-armed by every heartbeat: 30 min timeout, a heartbeat every 100 ms
    env = Environment()
    fired = []
    timer = [env.schedule(1_800_000, fired.append, "expired")]

    def heartbeat():
        timer[0].cancel()
        timer[0] = env.schedule(1_800_000, fired.append, "expired")

    env.every(100, heartbeat)
    env.run(600_000)                    # 6,000 re-arms
    assert fired == []
    assert len(env) <= 2 * COMPACT_MIN


def test_compaction_keeps_the_order_of_what_is_left():
    env, seen = Environment(), []
    timers = [env.schedule(1000 - i % 7, seen.append, i) for i in range(3 * COMPACT_MIN)]
    for t in timers[::2]:
        t.cancel()
    env.compact()
    assert len(env) == len(timers) // 2
    env.run(2000)
    expected = sorted(range(1, 3 * COMPACT_MIN, 2), key=lambda i: (1000 - i % 7, i))
    assert seen == expected
