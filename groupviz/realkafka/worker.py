"""The child processes of the real backend: `python -m groupviz.realkafka.worker`.

The first line on stdin is a JSON spec ({"role": "cluster" | "consumer" | "producer" | "monitor", ...}:
bootstrap, librdkafka properties, names); it comes on stdin, not argv, so secrets never show in `ps`.
Later stdin lines are commands; stdout carries one JSON event a line. A child ends when its stdin closes
(the server ended, however: Ctrl-C, SIGTERM or a crash) or when its parent changes, so none is orphaned.
Nothing here is imported by the server process: confluent-kafka lives only in the children.
"""

from __future__ import annotations

import json
import os
import select
import sys
import threading
import time

CLOSE_GRACE_S = 5.0      # a close() that hangs (the cluster is gone) ends the process after this long


class Pipe:
    """stdin commands (non-blocking) and stdout events for one child."""

    def __init__(self):
        self.parent = os.getppid()
        self.buf = b""
        self.closed = False

    def send(self, ev: str, **fields) -> None:
        sys.stdout.write(json.dumps({"ev": ev, "t": time.time(), **fields}) + "\n")
        sys.stdout.flush()

    def first(self) -> dict | None:
        """The spec line (read through the same buffer as the commands after it)."""
        while b"\n" not in self.buf:
            chunk = os.read(sys.stdin.fileno(), 65536)
            if not chunk:
                return None
            self.buf += chunk
        line, self.buf = self.buf.split(b"\n", 1)
        return json.loads(line)

    def commands(self, timeout: float = 0.0) -> list[dict]:
        """Commands waiting on stdin; sets .closed on EOF or when the parent is gone."""
        if os.getppid() != self.parent:
            self.closed = True
            return []
        fd = sys.stdin.fileno()
        out = []
        while select.select([fd], [], [], timeout)[0]:
            chunk = os.read(fd, 65536)
            if not chunk:
                self.closed = True
                break
            self.buf += chunk
            timeout = 0.0
        *lines, self.buf = self.buf.split(b"\n")
        for line in lines:
            if line.strip():
                out.append(json.loads(line))
        return out


def _watchdog(seconds: float) -> None:
    t = threading.Timer(seconds, lambda: os._exit(0))
    t.daemon = True
    t.start()


def generation_of(metadata: bytes) -> int | None:
    """The generation id inside librdkafka's serialized ConsumerGroupMetadata ("CGMDv2:" int32 group...)."""
    if isinstance(metadata, bytes) and metadata.startswith(b"CGMDv2:") and len(metadata) >= 11:
        return int.from_bytes(metadata[7:11], sys.byteorder, signed=True)
    return None


def run_cluster(pipe: Pipe, spec: dict) -> None:
    from groupviz.realkafka.mockcluster import MockCluster

    cluster = MockCluster(spec.get("brokers", 1))
    for name, partitions in spec.get("topics", {}).items():
        cluster.create_topic(name, partitions)
    pipe.send("ready", bootstrap=cluster.bootstrap)
    while not pipe.closed:
        for cmd in pipe.commands(0.5):
            if cmd.get("op") == "broker_down":
                cluster.broker_down(cmd["broker"])
            elif cmd.get("op") == "broker_up":
                cluster.broker_up(cmd["broker"])
            elif cmd.get("op") == "stop":
                pipe.closed = True
    cluster.close()


def main() -> int:
    pipe = Pipe()
    spec = pipe.first()
    if spec is None:
        return 0
    role = spec["role"]
    if role == "cluster":
        run_cluster(pipe, spec)
        return 0
    from groupviz.realkafka import clients

    runner = {"consumer": clients.run_consumer, "producer": clients.run_producer, "monitor": clients.run_monitor}[role]
    try:
        runner(pipe, spec)
    except Exception as e:              # tell the server why, then die: it shows the child as crashed
        pipe.send("error", error=f"{type(e).__name__}: {e}")
        _watchdog(CLOSE_GRACE_S)
        raise
    _watchdog(CLOSE_GRACE_S)
    return 0


if __name__ == "__main__":
    sys.exit(main())
