"""LiveEngine: steps the engine in wall time and broadcasts ticks.

The one module that paces the sans-IO engine in wall time (like SimPy's `rt.py`
beside `core.py`). The clock, `sleep` and the broadcast functions are handed in
by create_app (app.py), so the same loop runs on eventlet, gevent or plain
threads, and in tests with a fake clock.

All broadcasting goes through `emit(...)` (Flask-SocketIO's `socketio.emit`),
so a message queue can later fan ticks out through several processes.
"""

from __future__ import annotations

import gc
import logging
import threading
import time
import traceback
from typing import Callable

from groupviz.engine import commands
from groupviz.serve import wire
from groupviz.serve.delta import tick_delta
from groupviz.serve.fullticks import full_tick
from groupviz.engine.core import Engine
from groupviz.errors import CommandError

log = logging.getLogger(__name__)

TICK_EVENTS_MAX = 50
STEP_SLICE_MS = 2_000     # a longer `step` command runs in slices of this much simulated time

# Garbage collector thresholds while serving (Python's defaults are 700, 10, 10). With thousands
# of viewers the process holds ~1e6 tracked objects (greenlets, sockets, queues), and a default
# full collection stalls the broadcast for 100+ ms; see BENCHMARKS.md (bench/viewers.py).
GC_THRESHOLDS = (50_000, 20, 100)
NUDGE_POLL_S = 0.01     # run_forever sleeps in slices this long, to tick at once after a command
# With those thresholds the oldest generation is collected only after 100 middle-generation
# collections: hours. Every Engine.IO session leaves reference cycles behind (sockets, queues,
# greenlets, timers), and sessions long enough to be promoted to the oldest generation stayed
# there as garbage: RSS grew ~80 MiB/h in a 1-hour soak with 500 churning clients although the
# live Python heap was flat (tracemalloc: 39-43 MiB after each full collection, 3-9 MiB of
# cycles freed per minute). run_forever therefore collects everything every full_gc_every_s
# (the FULL_GC_EVERY_S setting, settings.py), right after a tick has gone out, and reports how
# long it took (/healthz). The pause grows with what is alive (~270 ms with 3,000 steady viewers
# on a slow day), so when a collection finds little garbage (steady viewers, no churn) the next
# one waits twice as long, up to FULL_GC_MAX_FACTOR periods; a collection that frees much brings
# the period back.
FULL_GC_MAX_FACTOR = 8
FULL_GC_WORTH = 10_000          # objects freed by a full collection that make the next one come soon


def tune_gc(thresholds: tuple[int, int, int] = GC_THRESHOLDS) -> None:
    """Call once after start-up, right before serving: move everything alive now (modules,
    the app, the engine) out of the collector's sight and collect less often."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*thresholds)


class LiveEngine:
    def __init__(self, engine: Engine, emit: Callable[..., None], *, tick_hz: float = 10.0,
                 clock: Callable[[], float] = time.monotonic, sleep: Callable[[float], None] = time.sleep,
                 lock=None, emit_ticks: Callable[..., None] | None = None,
                 full_gc_every_s: float | None = None):
        self.engine = engine
        self.emit = emit
        # emit_ticks(tick, make_delta, make_full) broadcasts a tick both ways (sockets.emit_ticks:
        # make_full() to the clients that want full ticks (fullticks.py), make_delta() to the pages that
        # merge deltas); `tick` is the whole state. None: emit("tick", tick)
        self.emit_ticks = emit_ticks
        self._prev_tick: dict | None = None
        self._full_next = True          # after a command, the next delta tick carries everything
        self._nudged = False
        self.tick_hz = float(tick_hz)
        self.clock = clock
        self.sleep = sleep
        self.lock = lock if lock is not None else threading.RLock()
        # Sends go out in the order their states were taken. A page merges each delta tick into the
        # state it holds, so a snapshot computed before a tick but sent after it (or the other way
        # round) leaves the page patching the wrong base: under load a reset's snapshot overtaken by
        # the first tick after it made every following delta patch a rebalance into a list that
        # did not have it (bands without start_ms: NaN in Plotly) until the next full tick.
        # Taken while self.lock is still held, released once the message is queued (_send_taken).
        self._send_lock = threading.Lock()
        self._carry_ms = 0.0
        self._last_wall: float | None = None
        self._last_seq = 0
        self._stopped = False
        self.ticks = 0
        self.error: str | None = None
        self._stopped_by_fault = False
        self._failed_ticks = 0
        # pacing, for /healthz and bench/soak.py: how late the last tick started (ms after its
        # scheduled time), the worst lateness so far, and how long the last tick itself took
        self.last_tick_delay_ms = 0.0
        self.max_tick_delay_ms = 0.0
        self.last_tick_ms = 0.0
        # periodic full garbage collection (every full_gc_every_s; None or 0: never, as in most tests)
        self.full_gc_every_s = full_gc_every_s or None
        self.full_gcs = 0
        self.last_full_gc_ms = 0.0
        self.max_full_gc_ms = 0.0
        self.full_gc_freed = 0

    # -- commands ---------------------------------------------------------
    def apply(self, cmd) -> dict:
        """Apply a command under the lock; a reset re-sends the full snapshot to everyone."""
        sliced = self._sliced_step(cmd)
        if sliced is not None:
            return sliced
        with self.lock:
            result = self.engine.apply(cmd)
            self._full_next = True
            self._nudged = bool(result.get("ok"))      # run_forever ticks at once to show the change
            if result.get("ok") and result.get("reset"):
                self.error = None
                if self._stopped_by_fault:        # the fault paused the run; reset is the way out: run again
                    self.engine.running = True
                    self._stopped_by_fault = False
                snap = wire.rounded(self.engine.snapshot())
                self._last_seq = self.engine.events[-1]["seq"] if self.engine.events else 0
                self._send_lock.acquire()
            else:
                snap = None
        if snap is not None:
            self._send_taken(self.emit, "snapshot", snap)
        return result

    def _send_taken(self, send: Callable[..., None], *args) -> None:
        """send(*args), then release the send lock that was taken while self.lock was held."""
        try:
            send(*args)
        finally:
            self._send_lock.release()

    def _sliced_step(self, cmd) -> dict | None:
        """A long `step` (up to commands.MAX_STEP_MS: half a minute of CPU in the large scenario) runs in
        slices of STEP_SLICE_MS, the lock released and the loop yielded between them, so ticks, pings
        and other clients are served meanwhile instead of every viewer timing out. None: not one."""
        try:
            c = commands.parse(cmd)
        except CommandError:
            return None
        left = c.args.get("ms", 0) if c.op == "step" else 0
        if left <= STEP_SLICE_MS:
            return None
        while True:
            n = min(left, STEP_SLICE_MS)
            result = self.apply({"op": "step", "ms": n})
            left -= n
            if left <= 0 or not result.get("ok"):
                return result
            self.sleep(0)

    def mark_full(self) -> None:
        """The next delta tick carries everything (after an outage, pages resync from a snapshot)."""
        self._full_next = True

    def describe(self, group: str, view: str) -> dict:
        """What kafka-consumer-groups.sh --describe prints for `group` (routes.api_describe)."""
        with self.lock:
            return self.engine.describe_group(group, view)

    def snapshot_and_log(self) -> tuple[dict, dict]:
        """A full snapshot and the command log, taken together (the report and downloads)."""
        with self.lock:
            return self._full_snapshot(), self.engine.export_log()

    def health(self) -> dict:
        """/healthz: ticks, simulated time, the error if any, and the pacing figures."""
        return {"ok": True, "ticks": self.ticks, "time_ms": self.engine.time_ms, "error": self.error,
                "running": self.engine.running, **self.timing()}

    def full_snapshot(self) -> dict:
        with self.lock:
            return self._full_snapshot()

    def _full_snapshot(self) -> dict:
        snap = self.engine.snapshot()
        snap["error"] = self.error or getattr(self.engine, "fault", None)
        return snap

    def send_snapshot(self, send: Callable[[dict], None]) -> None:
        """Take a full snapshot and hand it to `send` in order with the ticks: every tick taken
        before it is sent before it, every tick taken after it is sent after it. A connecting page
        joins the delta room inside `send`, so the first delta it gets is against this snapshot."""
        with self.lock:
            snap = wire.rounded(self._full_snapshot())
            self._send_lock.acquire()
        self._send_taken(send, snap)

    # -- the loop ---------------------------------------------------------
    def tick(self) -> dict:
        """Advance the engine by the wall time since the last tick (x speed) and broadcast."""
        now = self.clock()
        with self.lock:
            if self._last_wall is None:
                self._last_wall = now
            wall_ms = (now - self._last_wall) * 1000.0
            self._last_wall = now
            eng = self.engine
            if eng.running:
                self._carry_ms += wall_ms * eng.speed
                ms = int(self._carry_ms + 1e-6)
                self._carry_ms -= ms
                if ms > 0:
                    try:
                        eng.step(ms)
                    except Exception:
                        self.error = traceback.format_exc(limit=5).strip().splitlines()[-1]
                        log.exception("engine step failed; the server keeps serving (send reset to recover)")
                        eng.running = False
                        self._stopped_by_fault = True
            else:
                self._carry_ms = 0.0
            payload = wire.tick(eng.snapshot(history=False, max_events=0))
            payload["events"] = [e for e in list(eng.events)[-TICK_EVENTS_MAX:] if e["seq"] > self._last_seq]
            if eng.events:
                self._last_seq = eng.events[-1]["seq"]
            payload["error"] = self.error or getattr(eng, "fault", None)   # the real backend: cluster unreachable
            self.ticks += 1
            prev, self._prev_tick = self._prev_tick, payload
            full, self._full_next = self._full_next or prev is None, False
            self._send_lock.acquire()
        self._send_taken(self._broadcast, payload, prev, full)
        return payload

    def _broadcast(self, payload: dict, prev: dict | None, full: bool) -> None:
        payload["sent_ms"] = round(time.time() * 1000.0, 1)    # wall clock, for delivery delay (bench)
        if self.emit_ticks is None:
            self.emit("tick", payload)
        else:
            self.emit_ticks(payload, lambda: payload if full else tick_delta(prev, payload),
                            lambda: full_tick(payload, prev, whole=full))

    def run_forever(self) -> None:
        """Tick every 1/tick_hz s; a command in between gets one extra tick at once (apply()
        nudges), so the clicker sees the change without waiting up to a whole period."""
        period = 1.0 / self.tick_hz
        next_at = self.clock() + period
        extra_done = False                 # at most one extra tick between two regular ones
        last_gc = self.clock()
        gc_every = self.full_gc_every_s
        while not self._stopped:
            delay = next_at - self.clock()
            if delay > 0 and (extra_done or not self._nudged):
                self.sleep(min(delay, NUDGE_POLL_S))
                continue
            if delay <= 0:
                self.sleep(0)              # yield at every tick, even when behind: the writers need the hub
            started = self.clock()
            self._nudged = False
            extra_done = delay > 0
            if delay <= 0:                 # the regular tick (an extra one keeps the schedule)
                late = max(0.0, started - next_at)
                self.last_tick_delay_ms = late * 1000.0
                self.max_tick_delay_ms = max(self.max_tick_delay_ms, self.last_tick_delay_ms)
                next_at = started + period if late > 5 * period else next_at + period   # after a pause: no burst
            try:
                self.tick()
                self._failed_ticks = 0
            except Exception:
                # a bug outside engine.step (say, in snapshot()): log its traceback once per run of
                # failures (and every 100th), not ten times a second, and keep the loop alive
                self._failed_ticks += 1
                if self._failed_ticks % 100 == 1:
                    log.exception("tick failed (%d in a row); continuing", self._failed_ticks)
            self.last_tick_ms = (self.clock() - started) * 1000.0
            if self.full_gc_every_s and started - last_gc >= gc_every:
                last_gc = started
                freed = self.collect_garbage()
                gc_every = (self.full_gc_every_s if freed >= FULL_GC_WORTH
                            else min(gc_every * 2, self.full_gc_every_s * FULL_GC_MAX_FACTOR))

    def collect_garbage(self) -> int:
        """A full collection (all generations), timed; run_forever calls it between two ticks.
        Returns the number of objects it freed."""
        t0 = self.clock()
        freed = gc.collect()
        ms = (self.clock() - t0) * 1000.0
        self.full_gcs += 1
        self.full_gc_freed += freed
        self.last_full_gc_ms = ms
        self.max_full_gc_ms = max(self.max_full_gc_ms, ms)
        return freed

    def timing(self) -> dict:
        """Pacing figures for /healthz: ticks so far and how late / how long they are, in ms."""
        return {"ticks": self.ticks, "tick_delay_ms": round(self.last_tick_delay_ms, 3),
                "max_tick_delay_ms": round(self.max_tick_delay_ms, 3), "tick_ms": round(self.last_tick_ms, 3),
                "full_gcs": self.full_gcs, "full_gc_ms": round(self.last_full_gc_ms, 3),
                "max_full_gc_ms": round(self.max_full_gc_ms, 3), "full_gc_freed": self.full_gc_freed}

    def stop(self) -> None:
        self._stopped = True
