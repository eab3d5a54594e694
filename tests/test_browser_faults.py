"""Faults, as the class sees them: a bug inside a tick, a dropped connection, a server restart.

- A bug that raises inside the engine's step is logged with its traceback, the page shows the
  error banner (`server-error`), the server keeps serving, and Reset recovers: the banner goes.
  The fault is injected by patching the live engine's producer (no test hook in production code);
  reset builds a new producer, so the fault goes away as a corrupted state would.
- A page whose connection is dropped by the server reconnects by itself and shows the state as it
  is now (changed while it was away), from the fresh snapshot, and the connection banner clears.
- After a server restart on the same port (a real server process: bench/serverproc.py), open pages
  reconnect by themselves and show the new server's state.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import pytest
import requests
from playwright.sync_api import expect

from browser_helpers import DESKTOP, PHONE, SCREENSHOTS, WAIT_MS, PageProbe, cards, wait_stable

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
from serverproc import ServerProcess  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.timeout(180)]


def slow_reconnection(page, ms: int) -> None:
    """Make the page wait `ms` before reconnecting, so the test can change the state meanwhile."""
    page.evaluate(f"""() => {{ const m = window.groupviz.state.socket.io;
        m.reconnectionDelay({ms}); m.reconnectionDelayMax({ms}); m.randomizationFactor(0); }}""")


def drop_every_connection(app) -> int:
    """Close every Engine.IO session from the server side (what a network blip looks like to the page)."""
    eio = app.extensions["groupviz.socketio"].server.eio
    sockets = list(eio.sockets.items())
    for sid, socket in sockets:
        # Not eio.disconnect(sid): it closes with wait=True, a queue.join() that can block for good
        # (python-engineio 4.15.1, threading mode). Its writer consumes one None and exits, but the
        # page answers the CLOSE by closing its websocket and the reader thread then puts a second
        # None that nobody takes; a join that wakes after that put never returns (seen in CI and
        # here under load, about 1 run in 10). The product never closes a session from the server.
        socket.close(wait=False, reason=eio.reason.SERVER_DISCONNECT)
        eio.sockets.pop(sid, None)
    return len(sockets)


def test_a_bug_inside_a_tick_shows_the_banner_keeps_serving_and_reset_recovers(page, live_server, caplog,
                                                                                  monkeypatch):
    wait_stable(page)
    banner = page.get_by_test_id("server-error")
    expect(banner).to_be_hidden()

    def broken_tick(now, quantum_ms):
        raise RuntimeError("injected fault in Producer.tick")

    with caplog.at_level(logging.ERROR, logger="groupviz.serve.realtime"):
        monkeypatch.setattr(live_server.engine.producer, "tick", broken_tick)
        expect(banner).to_be_visible(timeout=WAIT_MS)
    expect(banner).to_contain_text("RuntimeError: injected fault in Producer.tick")
    expect(banner).to_contain_text("Reset")
    logged = [r for r in caplog.records if r.name == "groupviz.serve.realtime" and r.exc_info]
    assert logged, "the fault was not logged with its traceback"
    assert "injected fault" in "".join(logging.Formatter().formatException(logged[0].exc_info))
    assert "broken_tick" in "".join(logging.Formatter().formatException(logged[0].exc_info))

    # the server keeps serving: health answers (and names the error), the page stays connected
    health = requests.get(live_server.url + "/healthz", timeout=5).json()
    assert health["ok"] is True and "injected fault" in health["error"] and health["running"] is False
    expect(page.locator("body[data-conn='ok']")).to_be_attached()
    for name, viewport in (("desktop-1280x800", DESKTOP), ("phone-390x844", PHONE)):
        page.set_viewport_size(viewport)
        page.screenshot(path=str(SCREENSHOTS / f"fault-banner-{name}.png"))

    page.get_by_test_id("reset").click()          # on the phone too, the banner leaves Reset clickable
    page.set_viewport_size(DESKTOP)
    expect(banner).to_be_hidden(timeout=WAIT_MS)
    wait_stable(page)
    sim_time = page.get_by_test_id("sim-time")
    before = sim_time.inner_text()
    expect(sim_time).not_to_have_text(before, timeout=WAIT_MS)       # running again
    assert requests.get(live_server.url + "/healthz", timeout=5).json()["error"] is None


def test_a_dropped_page_reconnects_and_shows_what_changed_while_it_was_away(page, live_server):
    wait_stable(page)
    expect(cards(page)).to_have_count(3)
    expect(page.locator("body[data-running='true']")).to_be_attached()
    slow_reconnection(page, 2500)
    assert drop_every_connection(live_server.app) >= 1
    expect(page.locator("body[data-conn='lost']")).to_be_attached(timeout=WAIT_MS)
    expect(page.get_by_test_id("connection")).to_be_visible()

    # meanwhile the teacher (another browser) pauses the demo and adds two consumers
    live = live_server.live
    assert live.apply({"op": "pause"})["ok"]
    assert live.apply({"op": "add_consumer"})["ok"] and live.apply({"op": "add_consumer"})["ok"]
    expect(cards(page)).to_have_count(3)                 # still the old picture: the page is offline

    expect(page.locator("body[data-conn='ok']")).to_be_attached(timeout=WAIT_MS)
    expect(page.get_by_test_id("connection")).to_be_hidden()
    expect(cards(page)).to_have_count(5, timeout=WAIT_MS)
    expect(page.locator("body[data-running='false']")).to_be_attached(timeout=WAIT_MS)
    ids = page.eval_on_selector_all('[data-testid="consumer"]', "cs => cs.map(c => c.dataset.memberId)")
    assert ids == [m["member_id"] for m in live.full_snapshot()["groups"][0]["members"]]


def test_open_pages_reconnect_by_themselves_after_a_server_restart_on_the_same_port(browser, tmp_path):
    first = ServerProcess(log_path=tmp_path / "first.log").start()
    port = first.port
    context = browser.new_context(viewport=DESKTOP, locale="en-US")
    second = None
    try:
        probe = PageProbe(context.new_page(), first.url)
        page = probe.open()
        wait_stable(page)
        page.get_by_test_id("add-consumer").click()
        expect(cards(page)).to_have_count(4, timeout=WAIT_MS)

        first.stop()
        expect(page.locator("body[data-conn='lost']")).to_be_attached(timeout=WAIT_MS)
        banner = page.get_by_test_id("connection")
        expect(banner).to_be_visible()
        page.screenshot(path=str(SCREENSHOTS / "reconnecting-desktop-1280x800.png"))

        second = ServerProcess(port=port, log_path=tmp_path / "second.log").start()
        expect(page.locator("body[data-conn='ok']")).to_be_attached(timeout=WAIT_MS)
        expect(banner).to_be_hidden()
        expect(cards(page)).to_have_count(3, timeout=WAIT_MS)      # the new server's fresh demo
        wait_stable(page)
        sim_time = page.get_by_test_id("sim-time")
        before = sim_time.inner_text()
        expect(sim_time).not_to_have_text(before, timeout=WAIT_MS)
        # the page itself never threw (console noise about the refused reconnects is the browser's)
        assert not [e for e in probe.errors if e.startswith("pageerror")], probe.errors
    finally:
        context.close()
        first.stop()
        if second is not None:
            second.stop()
