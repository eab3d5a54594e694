"""Running the server: the async mode's monkey-patching, a WSGI guard, and `serve()`.

app.py imports this module before the standard library is patched, so it imports no Flask,
Socket.IO, eventlet or gevent at the top; `patch_for(mode)` patches, then app.py builds the app.
"""

from __future__ import annotations

import logging

log = logging.getLogger(__name__)

EVENTLET_MAX_CONNECTIONS = 10000   # eventlet's wsgi server accepts only 1024 at once unless told
GEVENT_MISSING = ("--async-mode gevent needs the gevent package, which requirements.txt does not install: "
                  "`.venv/bin/pip install gevent`, or use --async-mode eventlet (default) or threading")


def patch_for(mode: str) -> None:
    """Monkey-patch the standard library for `mode` (eventlet or gevent; threading needs nothing).
    Call it first, before the web layer is imported. RuntimeError(GEVENT_MISSING) without gevent."""
    if mode == "eventlet":
        import eventlet

        eventlet.monkey_patch()
    elif mode == "gevent":
        try:
            from gevent import monkey
        except ImportError:
            raise RuntimeError(GEVENT_MISSING) from None
        monkey.patch_all()


class RefuseOversizedPosts:
    """WSGI guard: a Socket.IO long-polling POST above the size limit gets 413 before python-engineio sees it.

    python-engineio 4.15.1 refuses such a POST itself (400, then it disconnects the
    session), but that disconnect waits in `Socket.close()` -> `queue.join()` for a
    poll that a client which got the CLOSE packet never sends, so each oversized POST
    would pin one request thread (or greenlet) and its socket forever
    (engineio/server.py handle_request -> disconnect; engineio/socket.py close).
    Refused here, the client sees a failed POST and drops the transport; the session
    ends at the ping timeout. WebSocket messages are checked by python-engineio.
    """

    def __init__(self, app, limit: int, prefix: str = "/socket.io"):
        self.app = app
        self.limit = int(limit)
        self.prefix = prefix

    def __call__(self, environ, start_response):
        if environ.get("REQUEST_METHOD") == "POST" and environ.get("PATH_INFO", "").startswith(self.prefix):
            try:
                length = int(environ.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = self.limit + 1
            if length > self.limit:
                log.warning("refused a %d-byte Socket.IO POST from %s (limit %d)",
                            length, environ.get("REMOTE_ADDR"), self.limit)
                body = f"a message may be at most {self.limit} bytes".encode()
                start_response("413 Content Too Large", [("Content-Type", "text/plain; charset=utf-8"),
                                                         ("Content-Length", str(len(body))),
                                                         ("Connection", "close")])
                return [body]
        return self.app(environ, start_response)


def raise_open_files_limit(want: int) -> int:
    """Lift the soft limit on open files towards `want` (never past the hard limit): many Linux
    desktops start programs at 1,024, which would cap a lecture hall at ~1,000 sockets.
    Returns the soft limit in force."""
    try:
        import resource
    except ImportError:          # not POSIX
        return want
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = want if hard == resource.RLIM_INFINITY else min(want, hard)
    if soft != resource.RLIM_INFINITY and soft < target:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
            soft = target
        except (ValueError, OSError):
            log.warning("could not raise the open-files limit from %d to %d", soft, target)
    return soft


def serve(app, host: str, port: int, *, gc_tuning: bool = True) -> None:
    """Serve `app` (from create_app) until stopped, as app.py does (bench/serverproc.py runs the same path)."""
    from groupviz.serve import realtime        # here, not at the top: see the module docstring

    kwargs = {}
    mode = app.config["ASYNC_MODE"]
    if mode == "threading":
        kwargs["allow_unsafe_werkzeug"] = True
    if mode == "eventlet":
        kwargs["max_size"] = EVENTLET_MAX_CONNECTIONS
    limit = raise_open_files_limit(int(app.config["MAX_CONNECTIONS"]) + 256)
    if limit < int(app.config["MAX_CONNECTIONS"]):
        log.warning("at most ~%d viewers: the open-files limit is %d (ulimit -n)", limit - 64, limit)
    if gc_tuning:
        realtime.tune_gc()
    app.extensions["groupviz.socketio"].run(app, host=host, port=port, log_output=False, **kwargs)
