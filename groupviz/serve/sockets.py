"""Socket.IO handlers that only translate (like Flask-SocketIO's example/app.py): a connect gets
its role and a snapshot, a `command` gets the dict the engine answered as its ack.

Roles (security.py): with `PRESENTER_TOKEN` None (the default, and what app.py picks for a
loopback bind) every browser is the presenter. With a token, a socket is the presenter only if
its client sends `auth={"token": ...}` or carries the cookie the page set (routes.py); everyone
else is a read-only viewer. The role is decided once, at connect, and kept per sid in
`security.Clients` (not in flask.session). Every `command` payload is answered with an
`{"ok": ...}` dict, after the role check and the client's token bucket.

The handlers find the ticker, the clients and the rate limiter in `current_app.extensions`
(create_app puts them there).
"""

from __future__ import annotations

import logging

from flask import current_app, request
from flask_socketio import ConnectionRefusedError, SocketIO, emit, join_room

from groupviz.serve import security

log = logging.getLogger(__name__)

# Socket.IO rooms by tick form: the page connects with ?ticks=delta and merges delta ticks
# (docs/wire.md); every other client gets full ticks.
FULL_TICKS = "ticks:full"
DELTA_TICKS = "ticks:delta"

INTERNAL_ERROR = "internal error while handling the command; the server keeps running"


def register(socketio: SocketIO) -> None:
    socketio.on_event("connect", on_connect)
    socketio.on_event("disconnect", on_disconnect)
    socketio.on_event("command", on_command)


def emit_ticks(socketio: SocketIO, tick: dict, make_delta, make_full) -> None:
    """LiveEngine's broadcast of `tick` (its whole state): one serialisation per form and tick,
    shared by every client in the room; a form nobody listens to is not built or encoded."""
    rooms = socketio.server.manager.rooms.get("/", {})
    if rooms.get(FULL_TICKS):
        socketio.emit("tick", make_full(), to=FULL_TICKS)
    if rooms.get(DELTA_TICKS):
        socketio.emit("tick", make_delta(), to=DELTA_TICKS)


def on_connect(auth=None):
    ext = current_app.extensions
    clients = ext["groupviz.clients"]
    token = current_app.config["PRESENTER_TOKEN"] or None
    role = security.role_for(token, security.auth_token(auth), request.cookies.get(security.COOKIE_NAME))
    if not clients.add(request.sid, role):
        log.warning("refused a connection from %s: %d clients connected, MAX_CONNECTIONS is %d",
                    request.remote_addr, len(clients), clients.limit)
        raise ConnectionRefusedError(f"the server is full ({clients.limit} connections); try again later")
    emit("role", {"role": role}, ignore_queue=True)      # to this client, never through a message queue
    room = DELTA_TICKS if request.args.get("ticks") == "delta" else FULL_TICKS
    live = ext["groupviz"]
    if hasattr(live, "welcome"):         # a worker (relay_worker.RemoteLive): the engine process sends it
        join_room(live.room)
        live.welcome(request.sid, room)
        return

    def send(snap):
        # in the tick order (LiveEngine.send_snapshot): the room is joined and the snapshot
        # queued before any later tick, so no delta reaches the page ahead of its base
        join_room(room)
        emit("snapshot", snap)
    live.send_snapshot(send)


def on_disconnect(*_reason):
    current_app.extensions["groupviz.clients"].remove(request.sid)
    current_app.extensions["groupviz.limiter"].forget(request.sid)
    forget = getattr(current_app.extensions["groupviz"], "forget", None)
    if forget is not None:
        forget(request.sid)


def on_command(*args):
    # *args: a client may send no payload or several; only the first is the command.
    return answer_command(request.sid, args[0] if args else None)


def answer_command(sid: str, data) -> dict:
    """The ack for one `command`: refused for viewers and over the rate, else what the engine said."""
    ext = current_app.extensions
    if ext["groupviz.clients"].role(sid) != security.PRESENTER:
        return {"ok": False, "error": security.READ_ONLY_ERROR}
    limiter = ext["groupviz.limiter"]
    if not limiter.allow(sid):
        return {"ok": False, "error": limiter.error}
    try:
        result = ext["groupviz"].apply(data)
    except Exception:
        log.exception("command handler failed")
        return {"ok": False, "error": INTERNAL_ERROR}
    return result if isinstance(result, dict) and "ok" in result else {"ok": False, "error": INTERNAL_ERROR}
