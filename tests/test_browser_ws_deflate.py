"""Chromium against the server as app.py runs it (eventlet, WS_DEFLATE "shared"): the browser's
permessage-deflate offer is accepted, every tick is compressed once for all viewers, and the
page decodes and renders them."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from playwright.sync_api import expect

from browser_helpers import DESKTOP, WAIT_MS, PageProbe

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
from serverproc import ServerProcess  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.timeout(90)]

UPGRADED = "() => window.groupviz.state.socket.io.engine.transport.name === 'websocket'"
WS_EXTENSIONS = "() => window.groupviz.state.socket.io.engine.transport.ws.extensions"


@pytest.mark.parametrize("policy", ["shared", "refuse"])
def test_chromium_renders_live_ticks_under_each_deflate_policy(browser, policy):
    with ServerProcess(config={"WS_DEFLATE": policy}) as srv:
        context = browser.new_context(viewport=DESKTOP, locale="en-US")
        try:
            probe = PageProbe(context.new_page(), srv.url)
            page = probe.open()
            page.wait_for_function(UPGRADED, timeout=WAIT_MS)    # upgraded to a WebSocket
            ext = page.evaluate(WS_EXTENSIONS)
            if policy == "shared":
                assert "permessage-deflate" in ext and "server_no_context_takeover" in ext
            else:
                assert ext == ""
            t0 = page.evaluate("() => window.groupviz.state.snap.time_ms")
            page.wait_for_function(f"() => window.groupviz.state.snap.time_ms > {t0} + 1000", timeout=WAIT_MS)
            assert page.evaluate("() => window.groupviz.perf.ticks") >= 10
            expect(page.get_by_test_id("consumer").first).to_be_visible()
            probe.check_clean()
        finally:
            context.close()
