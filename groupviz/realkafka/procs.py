"""Child processes as the server sees them: start one with a JSON spec on stdin, read its JSON events
without ever blocking the ticker, kill (SIGKILL), stop (a command) or close it.

Every child is remembered in CHILDREN so `end_all()` (SIGTERM, Ctrl-C, atexit) ends them; a child whose
server dies anyway (SIGKILL, a crash) sees its stdin close and ends itself (worker.Pipe).
"""

from __future__ import annotations

import atexit
import json
import os
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CHILDREN: set["Child"] = set()
MAX_LINE = 1 << 20


class Child:
    def __init__(self, spec: dict, name: str):
        self.name = name
        stderr = None if os.environ.get("GROUPVIZ_CHILD_STDERR") else subprocess.DEVNULL
        self.proc = subprocess.Popen([sys.executable, "-m", "groupviz.realkafka.worker"], cwd=str(ROOT),
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=stderr, close_fds=True)
        self._in = self.proc.stdin.fileno()
        self._out = self.proc.stdout.fileno()
        self._buf = b""
        CHILDREN.add(self)
        self.send(spec)          # on stdin, never argv: the spec may hold SASL or SSL secrets

    @property
    def pid(self) -> int:
        return self.proc.pid

    def send(self, obj: dict) -> bool:
        try:
            os.write(self._in, (json.dumps(obj) + "\n").encode())
            return True
        except OSError:          # the child is gone
            return False

    def events(self) -> list[dict]:
        """Every complete event line the child has written so far; never blocks."""
        if self.proc.stdout.closed:
            return []
        while select.select([self._out], [], [], 0)[0]:
            chunk = os.read(self._out, 65536)
            if not chunk:
                break
            self._buf += chunk
        *lines, self._buf = self._buf.split(b"\n")
        self._buf = self._buf[-MAX_LINE:]
        out = []
        for line in lines:
            try:
                out.append(json.loads(line))
            except ValueError:
                continue
        return out

    def wait_event(self, kind: str, timeout: float) -> dict | None:
        """Block (start-up only) until an event of `kind` arrives; None after `timeout` s or if the child died."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and self.alive():
            for ev in self.events():
                if ev.get("ev") == kind:
                    return ev
            time.sleep(0.02)
        return None

    def alive(self) -> bool:
        return self.proc.poll() is None

    def kill(self) -> None:
        """SIGKILL: no close(), no LeaveGroup; the coordinator finds out through the session timeout."""
        if self.alive():
            os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.poll()

    def close(self, timeout: float = 5.0) -> None:
        """Close stdin (the child ends by itself), wait, then SIGKILL whatever is left."""
        try:
            self.proc.stdin.close()
        except OSError:
            pass
        try:
            self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            self.proc.wait(1.0)
        try:
            self.proc.stdout.close()
        except OSError:
            pass
        CHILDREN.discard(self)


def end_all(children=None, timeout: float = 5.0) -> None:
    """End children in order: the clients first, the cluster last (`children` already in that order)."""
    for child in list(children if children is not None else CHILDREN):
        child.close(timeout)


atexit.register(lambda: end_all(sorted(CHILDREN, key=lambda c: c.name == "cluster")))
