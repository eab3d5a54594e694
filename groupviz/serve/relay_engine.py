"""The engine process of `app.py --workers N`: owns the simulation, serves no sockets.

LiveEngine ticks as in the single process, but its broadcasts go to Flask-SocketIO's message queue
(a write-only RedisManager, as in "Emitting from an external process" in Flask-SocketIO's docs),
and a control loop answers the workers on Redis pub/sub (relay.py): commands (their ack goes back to
the worker that asked, which returns it to its client), a client's hello (enter its tick room, then
its snapshot, in order with the ticks), resyncs after an outage, and read-only queries (state,
describe, log) for the workers' HTTP routes. The command log is kept in Redis, so an engine process
that is restarted replays the run it had.
"""

from __future__ import annotations

import argparse
import json
import logging
import threading
import time

from groupviz.engine.core import Engine
from groupviz.serve import relay
from groupviz.serve.realtime import LiveEngine
from groupviz.serve.sockets import DELTA_TICKS, FULL_TICKS

log = logging.getLogger(__name__)

LOG_EVERY_S = 5.0


class EngineRelay:
    """The control loop and the emitter of the engine process (`run()` until `stop()`)."""

    def __init__(self, url: str, engine: Engine, *, tick_hz: float = 10.0, full_gc_every_s: float = 0):
        self.url = url
        self.mgr = relay.mq_manager(url, "groupviz-engine-mq", write_only=True)
        self.redis = relay.redis_client(url, "groupviz-engine")
        self.link_up = False
        self._stopped = False
        self._saved_seq = None
        self.live = LiveEngine(engine, self.emit, tick_hz=tick_hz, emit_ticks=self.emit_ticks,
                               full_gc_every_s=full_gc_every_s)

    # -- emitting through the message queue ---------------------------------
    def emit(self, event: str, data, room: str | None = None) -> None:
        if self.link_up:                     # while Redis is away nothing is published (no retries, no log spam)
            self.mgr.emit(event, data, namespace="/", room=room)

    def emit_ticks(self, tick: dict, make_delta, make_full) -> None:
        """Both forms every tick: the rooms are on the workers, so the engine cannot see who listens."""
        self.emit("tick", make_full(), FULL_TICKS)
        self.emit("tick", make_delta(), DELTA_TICKS)

    # -- the control loop -------------------------------------------------
    def restore(self) -> bool:
        """Replay the command log a previous engine process left in Redis (True if there was one)."""
        try:
            raw = self.redis.get(relay.LOG_KEY)
        except Exception:
            return False
        if not raw:
            return False
        result = self.live.apply({"op": "replay", "log": json.loads(raw)})
        log.info("replayed the command log left in Redis: %s", result.get("ok"))
        return bool(result.get("ok"))

    def run(self) -> None:
        threading.Thread(target=self.live.run_forever, name="ticker", daemon=True).start()
        while not self._stopped:
            try:
                self._serve_control()
            except Exception as exc:
                if self.link_up:
                    log.warning("lost Redis (%s); the simulation keeps running, retrying", exc)
                self.link_up = False
                time.sleep(0.25)

    def _serve_control(self) -> None:
        pubsub = self.redis.pubsub(ignore_subscribe_messages=True)
        pubsub.subscribe(relay.CONTROL)
        self._heartbeat()
        if not self.link_up:
            self.live.mark_full()            # pages resync from a snapshot; the next delta is against a full tick
            self.link_up = True
            log.info("connected to Redis at %s", self.url)
        next_beat = time.monotonic() + relay.ALIVE_EVERY_S
        try:
            while not self._stopped:
                msg = pubsub.get_message(timeout=0.05)
                if msg and msg.get("type") == "message":
                    self.handle(json.loads(msg["data"]))
                if time.monotonic() >= next_beat:
                    self._heartbeat()
                    next_beat = time.monotonic() + relay.ALIVE_EVERY_S
        finally:
            try:
                pubsub.close()
            except Exception:
                pass

    def _heartbeat(self) -> None:
        self.redis.set(relay.ALIVE_KEY, str(self.live.ticks), px=relay.ALIVE_TTL_MS)
        # the log goes to Redis after every command, and every LOG_EVERY_S so a replay ends near now
        seq = (len(self.live.engine.command_log), int(time.monotonic() / LOG_EVERY_S))
        if seq != self._saved_seq:
            with self.live.lock:
                run_log = self.live.engine.export_log()
            self.redis.set(relay.LOG_KEY, relay.dumps(run_log))
            self._saved_seq = seq

    def handle(self, msg: dict) -> None:
        op = msg.get("op")
        if op == "command":
            self._reply(msg, self.live.apply(msg.get("cmd")))
            self._heartbeat()                # the command is in Redis's copy of the log before its ack
        elif op == "hello":
            self.welcome(list(msg.get("clients") or []))
        elif op == "resync":
            self.welcome(list(msg.get("clients") or []), room=relay.WORKER_ROOM + str(msg.get("worker")))
        elif op == "query":
            self._reply(msg, self.query(msg.get("what"), msg.get("args") or {}))

    def welcome(self, clients: list, room: str | None = None) -> None:
        """Put each (sid, tick room) in its room, then send the snapshot (to each sid, or to `room`):
        in order with the ticks (LiveEngine.send_snapshot), so every delta that follows is against it."""
        def send(snap):
            for sid, tick_room in clients:
                self.mgr.enter_room(sid, "/", tick_room)
            if room is not None:
                self.emit("snapshot", snap, room)
            else:
                for sid, _ in clients:
                    self.emit("snapshot", snap, sid)
        self.live.send_snapshot(send)

    def query(self, what: str, args: dict) -> dict:
        live = self.live
        if what == "state":
            return live.full_snapshot()
        if what == "describe":
            return live.describe(str(args.get("group", "")), str(args.get("view", "offsets")))
        if what == "snapshot_and_log":
            snap, run_log = live.snapshot_and_log()
            return {"snapshot": snap, "log": run_log}
        if what == "health":
            return live.health()
        return {"ok": False, "error": f"unknown query {what!r}"}

    def _reply(self, msg: dict, result) -> None:
        channel = msg.get("reply")
        if isinstance(channel, str) and channel.startswith(relay.REPLY):
            self.redis.publish(channel, relay.dumps({"id": msg.get("id"), "result": result}))

    def stop(self) -> None:
        self._stopped = True
        self.live.stop()


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description="groupviz engine process (started by app.py --workers)")
    p.add_argument("--message-queue", required=True)
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--scenario", default="default")
    p.add_argument("--speed", type=float, default=1.0)
    p.add_argument("--tick-hz", type=float, default=10.0)
    args = p.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s engine: %(message)s")
    engine = Engine(seed=args.seed, scenario=args.scenario)
    engine.speed = args.speed
    er = EngineRelay(args.message_queue, engine, tick_hz=args.tick_hz, full_gc_every_s=120.0)
    er.restore()
    er.run()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
