"""A socket worker of `app.py --workers N`: serves pages and sockets, holds no simulation.

create_app (app.py) builds a worker when MESSAGE_QUEUE is set: Flask-SocketIO's server relays the
engine's ticks from the message queue (relay.py), and `RemoteLive` stands where the single process
has its LiveEngine: commands, a client's first snapshot and the read-only queries go to the engine
process over Redis pub/sub, with a timeout, so no handler waits forever.

`run_monitor` checks the link every MONITOR_EVERY_S: Redis reachable, this worker's message-queue
subscription live, the engine's heartbeat present. A change is told to this worker's own clients
only (a "link" event, ignore_queue): the page shows a banner and keeps the last state. When all is
well again the worker asks the engine for a resync: one snapshot to every client of this worker,
and rooms for the clients that connected meanwhile.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
import uuid

from flask import abort, jsonify, make_response

from groupviz.serve import relay

log = logging.getLogger(__name__)

MONITOR_EVERY_S = 0.25
CALL_TIMEOUT_S = 5.0


class RemoteLive:
    """The engine process, seen from a worker (the LiveEngine methods that routes.py and sockets.py use)."""

    def __init__(self, url: str, socketio, worker_id: str | None = None, *, sleep=time.sleep):
        self.worker_id = worker_id or uuid.uuid4().hex[:8]
        self.url = url
        self.socketio = socketio
        self.sleep = sleep
        self.mq_name = f"groupviz-mq-{self.worker_id}"
        self.redis = relay.redis_client(url, f"groupviz-worker-{self.worker_id}")
        self.reply_channel = relay.REPLY + self.worker_id
        self.room = relay.WORKER_ROOM + self.worker_id
        self.status = None                   # relay.LINK_*; None until the first check
        self.listening = False               # the reply channel is subscribed
        self._waiting: dict[str, list] = {}  # call id -> [threading.Event, result]
        self.pending: dict[str, str] = {}    # sid -> tick room: clients waiting for their first snapshot
        self._stopped = False
        self.resyncs = 0
        self.error = None

    # -- what sockets.py and routes.py call ---------------------------------
    def apply(self, cmd) -> dict:
        if self.status != relay.LINK_OK:
            return {"ok": False, "error": self.down_error()}
        result = self._call({"op": "command", "cmd": cmd})
        return result if isinstance(result, dict) else {"ok": False, "error": relay.NO_ANSWER}

    def welcome(self, sid: str, room: str) -> None:
        """A client connected: the engine puts it in its tick room and sends its snapshot (in order with
        the ticks). While the link is down it waits in `pending` for the resync."""
        if self.status == relay.LINK_OK:
            try:
                self._publish({"op": "hello", "clients": [[sid, room]]})
                return
            except Exception:
                pass
        self.pending[sid] = room
        self.socketio.emit("link", {"status": self.status or relay.LINK_QUEUE}, to=sid, ignore_queue=True)

    def forget(self, sid: str) -> None:
        self.pending.pop(sid, None)

    def full_snapshot(self) -> dict:
        return self._query("state")

    def describe(self, group: str, view: str) -> dict:
        return self._query("describe", {"group": group, "view": view})

    def snapshot_and_log(self) -> tuple[dict, dict]:
        r = self._query("snapshot_and_log")
        return r["snapshot"], r["log"]

    def health(self) -> dict:
        engine = self._call({"op": "query", "what": "health"}, timeout=1.0) if self.status == relay.LINK_OK else None
        return {**(engine if isinstance(engine, dict) else {"ok": False, "error": self.down_error()}),
                "worker": self.worker_id, "pid": os.getpid(), "link": self.status, "resyncs": self.resyncs}

    def down_error(self) -> str:
        return relay.ENGINE_GONE if self.status == relay.LINK_ENGINE else relay.QUEUE_GONE

    # -- calls to the engine ----------------------------------------------
    def _publish(self, msg: dict) -> None:
        self.redis.publish(relay.CONTROL, relay.dumps(msg))

    def _call(self, msg: dict, timeout: float = CALL_TIMEOUT_S):
        """Publish `msg` with a reply channel and wait for the engine's answer; None after `timeout`."""
        call_id = uuid.uuid4().hex
        slot = self._waiting[call_id] = [threading.Event(), None]
        try:
            self._publish({**msg, "id": call_id, "reply": self.reply_channel})
            slot[0].wait(timeout)
            return slot[1]
        except Exception:
            return None
        finally:
            self._waiting.pop(call_id, None)

    def _query(self, what: str, args: dict | None = None) -> dict:
        r = self._call({"op": "query", "what": what, "args": args or {}}) if self.status == relay.LINK_OK else None
        if not isinstance(r, dict):
            error = self.down_error() if self.status != relay.LINK_OK else relay.NO_ANSWER
            abort(make_response(jsonify({"ok": False, "error": error}), 503))
        return r

    # -- background tasks (create_app starts them) ---------------------------
    def run_listener(self) -> None:
        """Deliver the engine's answers on this worker's reply channel; reconnects by itself."""
        while not self._stopped:
            try:
                pubsub = self.redis.pubsub(ignore_subscribe_messages=True)
                pubsub.subscribe(self.reply_channel)
                self.listening = True
                while not self._stopped:
                    msg = pubsub.get_message(timeout=0.05)
                    if msg and msg.get("type") == "message":
                        data = json.loads(msg["data"])
                        slot = self._waiting.get(data.get("id"))
                        if slot is not None:
                            slot[1] = data.get("result")
                            slot[0].set()
                    elif msg is None:
                        self.sleep(0)
            except Exception:
                self.listening = False
                self.sleep(0.25)

    def mq_subscribed(self) -> bool:
        """This worker's message-queue connection is subscribed (so a snapshot sent now reaches it)."""
        return any(c.get("name") == self.mq_name and str(c.get("sub", "0")) not in ("0", "")
                   for c in self.redis.client_list())

    def check(self) -> str:
        try:
            alive = self.redis.exists(relay.ALIVE_KEY)
            subscribed = self.listening and self.mq_subscribed()
        except Exception:
            return relay.LINK_QUEUE
        if not subscribed:
            return relay.LINK_QUEUE
        return relay.LINK_OK if alive else relay.LINK_ENGINE

    def run_monitor(self) -> None:
        while not self._stopped:
            self.step_monitor()
            self.sleep(MONITOR_EVERY_S)

    def step_monitor(self) -> None:
        status = self.check()
        if status == self.status:
            return
        log.info("link: %s -> %s", self.status, status)
        self.status = status
        if status == relay.LINK_OK:
            clients, self.pending = list(self.pending.items()), {}
            try:
                self._publish({"op": "resync", "worker": self.worker_id, "clients": clients})
                self.resyncs += 1
            except Exception:
                self.pending.update(dict(clients))
                self.status = relay.LINK_QUEUE
                return
        self.socketio.emit("link", {"status": self.status}, to=self.room, ignore_queue=True)

    def stop(self) -> None:
        self._stopped = True


def listen_shared(host: str, port: int):
    """A listening socket with SO_REUSEPORT: every worker binds the same port and the kernel spreads
    new connections over them (a worker that dies simply stops getting any)."""
    import socket

    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    sock.listen(1024)
    return sock


def serve_worker(app, host: str, port: int) -> None:
    """Serve a worker's app on a shared port (eventlet's or werkzeug's server, by async mode)."""
    mode = app.config["ASYNC_MODE"]
    sock = listen_shared(host, port)
    if mode == "eventlet":
        import eventlet
        import eventlet.wsgi

        from groupviz.serve.run import EVENTLET_MAX_CONNECTIONS
        eventlet.wsgi.server(eventlet.greenio.GreenSocket(sock), app, log_output=False,
                             max_size=EVENTLET_MAX_CONNECTIONS)
    else:
        from werkzeug.serving import make_server

        make_server(host, port, app, threaded=True, fd=sock.fileno()).serve_forever()
