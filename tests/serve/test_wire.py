"""serve/wire.py: floats rounded to what the page shows, and the bytes a phone gets per tick (issue 20)."""

from __future__ import annotations

import json
import zlib

from groupviz.engine.core import Engine
from groupviz.serve import wire
from groupviz.serve.delta import apply_delta, tick_delta


def test_rounding_keeps_what_the_page_shows_and_leaves_other_values_alone():
    assert wire.rounded({"a": [0.3333333333333333, 19.9999999, 2, "x", None, True]}) == \
        {"a": [0.3333, 20.0, 2, "x", None, True]}
    assert wire.rounded(-0.000123456) == -0.0001235 and wire.rounded(1234.56789) == 1234.568
    nan = wire.rounded(float("nan"))
    assert nan != nan


def test_ticks_leave_the_scenario_catalogue_to_snapshots():
    e = Engine(seed=7)
    e.step(2000)
    snap = e.snapshot(history=False, max_events=0)
    assert "scenarios" in snap and "scenarios" not in wire.tick(snap)


def _deflated(text: str) -> int:
    c = zlib.compressobj(6, zlib.DEFLATED, -15)          # permessage-deflate, no context takeover
    return len(c.compress(text.encode()) + c.flush(zlib.Z_SYNC_FLUSH)) - 4


def test_default_scenario_steady_ticks_fit_the_phone_budget():
    e = Engine(seed=7)
    e.step(5000)
    prev, deltas, fulls = None, [], []
    for _ in range(60):
        e.step(100)
        cur = wire.tick(e.snapshot(history=False, max_events=0))
        if prev is not None:
            d = tick_delta(prev, cur)
            assert {k: v for k, v in apply_delta(prev, d).items()} == cur
            deltas.append(_deflated(json.dumps(d, separators=(",", ":"))))
            fulls.append(_deflated(json.dumps(cur, separators=(",", ":"))))
        prev = cur
    deltas.sort()
    fulls.sort()
    assert deltas[int(0.95 * len(deltas))] <= 800       # what the page receives, on the wire
    assert fulls[int(0.95 * len(fulls))] <= 2500


def _float_lists(obj, list_key=None, out=None):
    """The names of the lists under which `obj` holds a float."""
    out = set() if out is None else out
    if type(obj) is float:
        out.add(list_key)
    elif type(obj) is dict:
        for k, v in obj.items():
            _float_lists(v, k if type(v) is list else list_key, out)
    elif type(obj) is list:
        for v in obj:
            _float_lists(v, list_key, out)
    return out


def test_the_lists_rounding_skips_hold_no_floats_in_any_scenario():
    from groupviz.engine.scenarios import SCENARIOS

    for name in SCENARIOS:
        e = Engine(seed=7, scenario=name)
        e.step(15_000)
        assert not _float_lists(e.snapshot()) & wire.NO_FLOATS, name
