"""Click to screen: Chromium clicks `add-consumer`; how long until the page shows the new card?

(Not named click.py: bench/ is put on sys.path by tests and scripts, where a click.py would
shadow the `click` package that Flask imports.)

    .venv/bin/python bench/click_to_screen.py               # 50 clicks in 5 batches of 10
    .venv/bin/python bench/click_to_screen.py --quick       # 20 clicks in 2 batches

Debian's /usr/bin/chromium through Playwright (the flags of tests/browser_helpers.py), against
a groupviz server run the way app.py runs it (bench/serverproc.py: eventlet, loopback, so the
browser is the presenter), default scenario at 1x. Timing is taken inside the page, on the
page's own clock: from the `click` event reaching the document (capture phase, before the
page's handler) to the first animation frame after the new `data-testid="consumer"` card is in
the DOM, i.e. the frame that paints it. The clicks are real input events (Playwright's mouse),
spaced 300-600 ms apart so they land at every phase of the 10 Hz tick; between batches the
page's own `reset` restores the three-consumer group, so the group never nears its limit.

Reference in the same run: the round trip of a command the server refuses at once (an unknown
op: Socket.IO there and back, no engine work), sent through the page's `send`.

Exits non-zero when a result is wrong: a click that did not add exactly one card, or a
command that was not acknowledged. Slow figures are reported, never failed.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT / "tests"))

from serverproc import ServerProcess  # noqa: E402

INSTALL = """() => {
  window.__clk = { t0: null, t1: null, base: 0 };
  const count = () => document.querySelectorAll('[data-testid="consumer"]').length;
  document.addEventListener("click", (e) => {
    if (e.target.closest && e.target.closest('[data-testid="add-consumer"]')) {
      window.__clk.t0 = performance.now(); window.__clk.t1 = null; window.__clk.base = count();
    }
  }, true);
  new MutationObserver(() => {
    const c = window.__clk;
    if (c.t0 !== null && c.t1 === null && !c.pending && count() > c.base) {
      c.pending = true;
      requestAnimationFrame(() => { c.t1 = performance.now(); c.pending = false; });
    }
  }).observe(document.body, { childList: true, subtree: true });
}"""

ROUND_TRIP = """async () => {
  const t0 = performance.now();
  const r = await window.groupviz.send({ op: "no_such_op" });
  return [performance.now() - t0, r.ok === false && typeof r.error === "string"];
}"""


def pct(values: list[float], p: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, max(0, int(round(p / 100 * len(s) + 0.5)) - 1))]


def main(argv=None) -> int:
    from playwright.sync_api import sync_playwright

    from browser_helpers import CHROMIUM, CHROMIUM_ARGS, DESKTOP

    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true", help="20 clicks (2 batches of 10)")
    p.add_argument("--clicks", type=int, default=None, help="clicks in all (default 50, quick 20)")
    p.add_argument("--batch", type=int, default=10, help="clicks between resets")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--json", default=None)
    args = p.parse_args(argv)
    clicks = args.clicks or (20 if args.quick else 50)
    rng = random.Random(args.seed)

    problems, times, rtts = [], [], []
    with ServerProcess() as srv, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_context(viewport=DESKTOP, locale="en-US").new_page()
            page.goto(srv.url + "/")
            page.wait_for_selector("body[data-ready='true']", state="attached", timeout=30_000)
            page.wait_for_function("() => document.querySelectorAll('[data-testid=\"consumer\"]').length >= 3")
            page.evaluate(INSTALL)
            button = page.get_by_test_id("add-consumer")
            done = 0
            while done < clicks:
                ok = page.evaluate("() => window.groupviz.send({ op: 'reset' }).then((r) => r.ok)")
                if not ok:
                    problems.append("reset was not acknowledged")
                    break
                page.wait_for_function("() => document.querySelectorAll('[data-testid=\"consumer\"]').length === 3")
                page.wait_for_timeout(500)
                for _ in range(min(args.batch, clicks - done)):
                    before = page.evaluate("() => document.querySelectorAll('[data-testid=\"consumer\"]').length")
                    button.click()
                    try:
                        page.wait_for_function("() => window.__clk.t1 !== null", timeout=10_000)
                    except Exception:
                        problems.append(f"click {done + 1}: no new consumer card within 10 s")
                        break
                    t0, t1 = page.evaluate("() => [window.__clk.t0, window.__clk.t1]")
                    after = page.evaluate("() => document.querySelectorAll('[data-testid=\"consumer\"]').length")
                    if after != before + 1:
                        problems.append(f"click {done + 1}: {before} cards became {after}")
                    times.append(t1 - t0)
                    done += 1
                    page.wait_for_timeout(rng.randint(300, 600))
                    ms, refused = page.evaluate(ROUND_TRIP)
                    if not refused:
                        problems.append("an unknown op was not refused with an error")
                    rtts.append(ms)
        finally:
            browser.close()

    out = {"clicks": len(times), "click_to_card_ms": {}, "round_trip_ms": {}}
    if times:
        out["click_to_card_ms"] = {"p50": statistics.median(times), "p95": pct(times, 95), "max": max(times),
                                   "min": min(times)}
    if rtts:
        out["round_trip_ms"] = {"p50": statistics.median(rtts), "p95": pct(rtts, 95), "max": max(rtts)}
    print(f"# click: Chromium (Playwright), {len(times)} clicks on add-consumer, eventlet server on 127.0.0.1, "
          f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}")
    if times:
        c, r = out["click_to_card_ms"], out["round_trip_ms"]
        print(f"click -> new card painted      p50 {c['p50']:7.1f} ms   p95 {c['p95']:7.1f} ms   max {c['max']:7.1f} ms")
        print(f"reference: command round trip  p50 {r['p50']:7.1f} ms   p95 {r['p95']:7.1f} ms   max {r['max']:7.1f} ms")
    if args.json:
        Path(args.json).write_text(json.dumps(dict(out, times=times, round_trips=rtts, problems=problems), indent=1))
    if problems or len(times) < clicks:
        print("WRONG:\n  " + "\n  ".join(problems or [f"only {len(times)} of {clicks} clicks measured"]))
        return 1
    print("ok: every click added exactly one consumer card")
    return 0


if __name__ == "__main__":
    sys.exit(main())
