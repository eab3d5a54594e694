"""A groupviz server in a subprocess on 127.0.0.1, for bench/fuzz.py and bench/soak.py.

The server is started like app.py does it (eventlet monkey-patched first, then
`socketio.run`), but through `create_app(config)` so a benchmark can set what the
CLI does not expose (e.g. the per-client command rate). Loopback only: these
scripts never bind another address.

    srv = ServerProcess(config={"COMMAND_RATE": 1e9}).start()
    srv.health()         # /healthz as a dict
    srv.rss_kb()         # resident set size of the server process, from /proc
    srv.stop()
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from groupviz.serve.redisproc import stop_process  # noqa: E402
HOST = "127.0.0.1"

# Runs inside the child; argv[1] = async mode, argv[2] = port, argv[3] = JSON config.
LAUNCHER = r"""
import json, logging, sys
mode, port, cfg = sys.argv[1], int(sys.argv[2]), json.loads(sys.argv[3])
from groupviz.serve.run import patch_for, serve
patch_for(mode)                             # as app.py: eventlet patches before the web layer loads
logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
from groupviz.serve.app import create_app
cfg["ASYNC_MODE"] = mode
gc_tuning = cfg.pop("GC_TUNING", True)      # bench/viewers.py measures with and without
app = create_app(cfg)
print("groupviz bench server listening", flush=True)
serve(app, "127.0.0.1", port, gc_tuning=gc_tuning)     # the same path as app.py
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def rss_kb(pid: int) -> int:
    """VmRSS of a process in KiB (Linux /proc)."""
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for pid {pid}")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process, from /proc/<pid>/stat."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class ServerProcess:
    def __init__(self, mode: str = "eventlet", port: int | None = None, config: dict | None = None,
                 log_path: str | os.PathLike | None = None, nice: int | None = None):
        """`nice`: the server's niceness (None: inherit). A load generator that stands for hundreds of
        devices runs nice'd on a shared machine; the server it measures need not be (root may lower it)."""
        self.mode = mode
        self.nice = nice
        self.port = port or free_port()
        self.config = dict(config or {})
        self.log_path = log_path
        self.proc: subprocess.Popen | None = None
        self._log = None

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    @property
    def pid(self) -> int:
        return self.proc.pid

    def argv(self) -> list[str]:
        """The child's command line (bench/viewers.py's reference server overrides it)."""
        return [sys.executable, "-c", LAUNCHER, self.mode, str(self.port), json.dumps(self.config)]

    def start(self, timeout: float = 30.0) -> "ServerProcess":
        env = dict(os.environ, PYTHONPATH=str(ROOT))
        self._log = open(self.log_path, "w") if self.log_path else subprocess.DEVNULL
        self.proc = subprocess.Popen(self.argv(), cwd=str(ROOT), env=env, stdout=self._log, stderr=subprocess.STDOUT,
                                     preexec_fn=self._renice)
        end = time.monotonic() + timeout
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the server exited with {self.proc.returncode} (log: {self.log_path})")
            try:
                if self.health(timeout=1.0)["ok"]:
                    return self
            except OSError:
                pass
            if time.monotonic() > end:
                self.stop()
                raise RuntimeError(f"the server did not answer /healthz within {timeout} s")
            time.sleep(0.1)

    def _renice(self) -> None:
        if self.nice is not None:
            try:
                os.setpriority(os.PRIO_PROCESS, 0, self.nice)
            except PermissionError:     # not root: keep the inherited niceness
                pass

    def get_json(self, path: str, timeout: float = 5.0) -> dict:
        with urllib.request.urlopen(self.url + path, timeout=timeout) as r:
            return json.loads(r.read())

    def health(self, timeout: float = 5.0) -> dict:
        return self.get_json("/healthz", timeout)

    def rss_kb(self) -> int:
        return rss_kb(self.pid)

    def cpu_seconds(self) -> float:
        return cpu_seconds(self.pid)

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def stop(self) -> None:
        if self.proc is not None:
            stop_process(self.proc, 10)
        if self._log not in (None, subprocess.DEVNULL):
            self._log.close()
            self._log = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
