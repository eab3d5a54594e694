"""Payload and page weight: bytes per tick, first-load bytes of the page, first render time.

    .venv/bin/python bench/payload.py            # 3 scenarios x 300 ticks, 5 cold + 5 warm loads
    .venv/bin/python bench/payload.py --quick    # 100 ticks, 2 + 2 loads

1. Bytes per tick (default, cooperative, large; steady state after 5 simulated s), as JSON the
   way python-socketio encodes it: the full tick (what non-page clients get), the delta tick
   (what the page gets, docs/wire.md) and that delta after permessage-deflate as the server
   sends it (WS_DEFLATE "shared": raw deflate, no context takeover). Correctness: every delta,
   merged into the previous tick's state, must give the tick's state, and a client following the
   full ticks (serve/fullticks.py `follow`) must hold the tick's state at every tick (else exit 1).
   Also: ms to step + build a tick, ms to compute its delta (p50), the full tick deflated (p50) and
   how many full ticks were whole (the rest leave out what only a snapshot needs, docs/wire.md).
2. First-load bytes: Chromium (Playwright, tests/browser_helpers.py flags) opens the page of a
   server run as app.py runs it; every response is listed with its body size on the wire, its
   Content-Encoding and Cache-Control. Reference: the same files' raw sizes on disk.
3. First render: navigation start -> body[data-ready=true] (the page's first full render from
   its first snapshot), p50 of cold loads (a fresh browser context: empty cache) and warm loads
   (reload in the same context), with DOMContentLoaded and the load event for reference.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
import zlib
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT / "tests"))

from serverproc import ServerProcess  # noqa: E402

SCENARIOS = ("default", "cooperative", "large")


def encoded(payload: dict) -> str:
    return "42" + json.dumps(["tick", payload], separators=(",", ":"))


def deflated(text: str) -> int:
    c = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -zlib.MAX_WBITS)
    return len(c.compress(("4" + text).encode()) + c.flush(zlib.Z_SYNC_FLUSH)) - 4


def tick_sizes(scenario: str, ticks: int) -> tuple[dict, list[str]]:
    from groupviz.serve.delta import apply_delta
    from groupviz.serve.fullticks import follow
    from groupviz.engine.core import Engine
    from groupviz.serve.realtime import LiveEngine

    clock = [0.0]
    rows, problems = [], []
    state = {}

    def emit_ticks(whole, make_delta, make_full):
        t0 = time.perf_counter()
        delta = make_delta()
        state["delta_ms"] = (time.perf_counter() - t0) * 1000
        state["emit_s"] = time.perf_counter()
        full = make_full()
        whole_j, full_j, delta_j = encoded(whole), encoded(full), encoded(delta)
        cur = json.loads(whole_j[2:])[1]
        if delta.get("delta"):
            if apply_delta(state["prev"], json.loads(delta_j[2:])[1]) != cur:
                problems.append(f"{scenario}: a delta tick merged into the previous tick is not the tick")
        # a client following full ticks (fullticks.follow) holds the tick's state
        state["followed"] = follow(state.get("followed"), json.loads(full_j[2:])[1])
        if state["followed"] != cur:
            problems.append(f"{scenario}: following the full ticks does not give the tick")
        state["prev"] = cur
        rows.append((len(full_j), len(delta_j), deflated(delta_j), deflated(full_j[2:]), int("whole" in full)))

    live = LiveEngine(Engine(seed=7, scenario=scenario), lambda *a: None, clock=lambda: clock[0],
                      emit_ticks=emit_ticks)
    warm = 50
    build, deltas = [], []
    for i in range(warm + ticks):
        clock[0] += 0.1
        t0 = time.perf_counter()
        live.tick()
        if i >= warm:
            build.append((state["emit_s"] - t0) * 1000)        # step + snapshot, up to the broadcast
            deltas.append(state["delta_ms"])
    rows = rows[warm:]
    out = {}
    for name, idx in (("full", 0), ("delta", 1), ("delta_deflated", 2), ("full_deflated", 3)):
        vals = sorted(r[idx] for r in rows)
        out[name] = {"p50": vals[len(vals) // 2], "p95": vals[int(len(vals) * 0.95)], "max": vals[-1]}
    out["whole_ticks"] = sum(r[4] for r in rows)
    out["tick_ms_p50"] = statistics.median(build)
    out["delta_ms_p50"] = statistics.median(deltas)
    return out, problems


def page_weight(loads: int) -> dict:
    from playwright.sync_api import sync_playwright

    from browser_helpers import CHROMIUM, CHROMIUM_ARGS, DESKTOP

    ready_probe = """() => {
      window.__ready = null;
      new MutationObserver(() => {
        if (window.__ready === null && document.body && document.body.dataset.ready === "true")
          window.__ready = performance.now();
      }).observe(document, { attributes: true, subtree: true, attributeFilter: ["data-ready"] });
    }"""
    timing = """() => { const n = performance.getEntriesByType("navigation")[0];
      return { ready: window.__ready, dcl: n.domContentLoadedEventEnd, load: n.loadEventEnd }; }"""
    result = {"files": [], "cold": [], "warm": []}
    with ServerProcess() as srv, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for i in range(loads):
                ctx = browser.new_context(viewport=DESKTOP, locale="en-US")
                ctx.add_init_script(f"({ready_probe})()")
                page = ctx.new_page()
                responses = []
                page.on("response", lambda r: responses.append(r))
                page.goto(srv.url + "/")
                page.wait_for_selector("body[data-ready='true']", state="attached", timeout=60_000)
                page.wait_for_load_state("load")
                result["cold"].append(page.evaluate(timing))
                if i == 0:
                    for r in responses:
                        if r.url.startswith("ws") or "/socket.io/" in r.url:
                            continue
                        sizes = r.request.sizes()
                        h = r.headers
                        result["files"].append({"url": r.url.replace(srv.url, ""), "status": r.status,
                                                "wire_bytes": sizes["responseBodySize"],
                                                "encoding": h.get("content-encoding", "-"),
                                                "cache": h.get("cache-control", "-")})
                page.reload()
                page.wait_for_selector("body[data-ready='true']", state="attached", timeout=60_000)
                page.wait_for_load_state("load")
                result["warm"].append(page.evaluate(timing))
                ctx.close()
        finally:
            browser.close()
    return result


VENDOR_SETTINGS = {"/vendor/socket.io.min.js": "SOCKETIO_CLIENT_JS", "/vendor/plotly-basic.min.js": "PLOTLY_BASIC_JS"}


def disk_size(url: str) -> int | None:
    path = url.split("?")[0]
    if path.startswith("/static/"):
        f = ROOT / "static" / path[len("/static/"):]
    elif path == "/vendor/plotly.min.js":
        from groupviz.serve.routes import plotly_js
        f = plotly_js()
    elif path in VENDOR_SETTINGS:
        from groupviz.serve.settings import DEFAULTS
        f = Path(DEFAULTS[VENDOR_SETTINGS[path]])
    else:
        return None
    return f.stat().st_size if f.exists() else None


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true")
    p.add_argument("--no-browser", action="store_true", help="tick sizes only")
    p.add_argument("--json", default=None)
    args = p.parse_args(argv)
    ticks = 100 if args.quick else 300
    loads = 2 if args.quick else 5

    print(f"# payload: Python {sys.version.split()[0]}, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}")
    print(f"{'scenario':<12} {'full B p50':>10} {'p95':>8} {'delta B p50':>11} {'p95':>8} {'max':>8} "
          f"{'deflated p50':>12} {'p95':>8}  {'tick ms':>7} {'delta ms':>8}  {'full defl p50':>13} {'whole':>5}")
    out, problems = {"ticks": {}}, []
    for sc in SCENARIOS:
        sizes, probs = tick_sizes(sc, ticks if sc != "large" else max(20, ticks // 10))
        problems += probs
        out["ticks"][sc] = sizes
        f, d, z = sizes["full"], sizes["delta"], sizes["delta_deflated"]
        print(f"{sc:<12} {f['p50']:>10} {f['p95']:>8} {d['p50']:>11} {d['p95']:>8} {d['max']:>8} "
              f"{z['p50']:>12} {z['p95']:>8}  {sizes['tick_ms_p50']:>7.2f} {sizes['delta_ms_p50']:>8.2f}  "
              f"{sizes['full_deflated']['p50']:>13} {sizes['whole_ticks']:>5}", flush=True)

    if not args.no_browser:
        w = page_weight(loads)
        out["page"] = w
        total_wire = sum(f["wire_bytes"] for f in w["files"] if f["wire_bytes"] > 0)
        total_disk = 0
        print(f"\nfirst load (Chromium, cold cache): {len(w['files'])} responses")
        print(f"{'url':<28} {'status':>6} {'wire B':>9} {'on disk B':>10}  {'encoding':<8} cache-control")
        for f in w["files"]:
            d = disk_size(f["url"])
            total_disk += d or f["wire_bytes"]
            print(f"{f['url'][:28]:<28} {f['status']:>6} {f['wire_bytes']:>9} {d if d is not None else '-':>10}  "
                  f"{f['encoding']:<8} {f['cache']}")
        print(f"{'total':<28} {'':>6} {total_wire:>9} {total_disk:>10}")
        out["first_load_wire_bytes"] = total_wire
        out["first_load_raw_bytes"] = total_disk
        for kind in ("cold", "warm"):
            vals = w[kind]
            med = {k: statistics.median(v[k] for v in vals) for k in ("ready", "dcl", "load")}
            out[f"render_{kind}_ms"] = med
            print(f"first render, {kind} cache ({len(vals)} loads, p50): navigation -> data-ready "
                  f"{med['ready']:.0f} ms (DOMContentLoaded {med['dcl']:.0f} ms, load {med['load']:.0f} ms)")
    if args.json:
        Path(args.json).write_text(json.dumps(dict(out, problems=problems), indent=1))
    if problems:
        print("WRONG:\n  " + "\n  ".join(problems[:10]))
        return 1
    print("ok: every delta tick merges into the tick, and following the full ticks gives every tick")
    return 0


if __name__ == "__main__":
    sys.exit(main())
