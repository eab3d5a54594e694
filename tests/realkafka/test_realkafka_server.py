"""app.py --kafka as a user runs it: a real server process with real child processes. SIGTERM or a crash of
the server leaves no child behind; secrets from --kafka-config are never printed, logged or sent to a page;
an unreachable cluster is on the page within 10 s."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from conftest import free_port

ROOT = Path(__file__).resolve().parents[2]
SECRET = "Sup3r-Secret_passw0rd"
pytestmark = pytest.mark.timeout(120)


def children_of(pid: int) -> set[int]:
    """Every descendant of `pid` (from /proc)."""
    parents = {}
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                stat = (d / "stat").read_text()
            except OSError:
                continue
            parents[int(d.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    found, todo = set(), [pid]
    while todo:
        p = todo.pop()
        kids = {c for c, pp in parents.items() if pp == p}
        todo += list(kids - found)
        found |= kids
    return found


def alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def start(*args, out=None):
    port = free_port()
    proc = subprocess.Popen([sys.executable, "app.py", "--port", str(port), *args], cwd=ROOT,
                            stdout=out or subprocess.DEVNULL, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 40
    while time.monotonic() < deadline:
        try:
            if requests.get(url + "/healthz", timeout=2).ok:
                return proc, url
        except requests.ConnectionError:
            time.sleep(0.2)
    proc.kill()
    raise AssertionError("the server did not start")


def state(url: str) -> dict:
    return requests.get(url + "/api/state", timeout=5).json()


@pytest.mark.parametrize("how", [signal.SIGTERM, signal.SIGKILL], ids=["sigterm", "crash"])
def test_the_server_ending_leaves_no_child_process(how):
    proc, url = start("--kafka", "mock")
    try:
        deadline = time.monotonic() + 30
        while len(children_of(proc.pid)) < 6 and time.monotonic() < deadline:    # cluster, monitor, producer, 3
            time.sleep(0.2)
        kids = children_of(proc.pid)
        assert len(kids) >= 6
        assert state(url)["backend"]["kind"] == "kafka"
        os.kill(proc.pid, how)
        proc.wait(20)
        deadline = time.monotonic() + 15
        while any(alive(k) for k in kids) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not [k for k in kids if alive(k)], "orphaned children"
    finally:
        proc.kill()


def test_secrets_stay_secret_and_an_unreachable_cluster_is_on_the_page_within_10_s(tmp_path):
    conf = tmp_path / "client.properties"
    conf.write_text(f"# a cluster with SASL\nsecurity.protocol=SASL_PLAINTEXT\nsasl.mechanism=PLAIN\n"
                    f"sasl.username=alice\nsasl.password={SECRET}\n")
    dead = f"127.0.0.1:{free_port()}"
    log = tmp_path / "server.log"
    with open(log, "w") as out:
        proc, url = start("--kafka", dead, "--kafka-config", str(conf), out=out)
        try:
            t0 = time.monotonic()
            seen = None
            while time.monotonic() - t0 < 10:
                seen = state(url).get("error")
                if seen:
                    break
                time.sleep(0.3)
            assert seen and dead in seen, seen
            pages = [requests.get(url + p, timeout=10).text for p in ("/", "/api/state", "/report/events.json",
                                                                     "/healthz", "/api/describe?group=g1")]
            listing = subprocess.run(["ps", "axww", "-o", "args"], capture_output=True, text=True).stdout
            assert SECRET not in listing          # the spec reaches the children on stdin, not argv
        finally:
            proc.send_signal(signal.SIGTERM)
            proc.wait(20)
    text = log.read_text() + "".join(pages)
    assert SECRET not in text and "alice" not in text
    assert json.loads(pages[1])["backend"]["cluster"] == "external"
