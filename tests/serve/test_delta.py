"""Delta ticks: groupviz/delta.py `diff` and the page's static/delta.js `applyDelta` are inverses.

The JS merge is run for real (node imports static/delta.js) over ticks of a live engine with
commands in between; the Python merge (`apply_delta`, the same rules) checks `diff` on arbitrary JSON.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from groupviz.serve.delta import INDEXED, _merge, apply_delta, diff, tick_delta

from conftest import live_forms

ROOT = Path(__file__).resolve().parents[2]


keys = st.sampled_from(["a", "b", "c", "lag", "members", "0"])
json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 5) | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=3),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(keys, inner, max_size=4),
    max_leaves=20)


@settings(max_examples=300, deadline=None)
@given(json_values, json_values)
def test_merging_the_diff_into_the_old_value_gives_the_new_value(old, new):
    if old != new:
        assert _merge(old, diff(old, new)) == new


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(keys, json_values, max_size=5), st.dictionaries(keys, json_values, max_size=5))
def test_a_delta_tick_always_carries_time_events_and_error_and_is_marked(old, new):
    new = dict(new, time_ms=1, events=[], error=None)
    d = tick_delta(old, new)
    assert d["delta"] == 1 and d["time_ms"] == 1 and d["events"] == [] and d["error"] is None
    assert apply_delta(old, d) == new


def test_unchanged_parts_are_left_out():
    old = {"time_ms": 1, "scenarios": {"default": "x"}, "groups": [{"id": "g1", "lag": 3, "config": {"a": 1}}]}
    new = {"time_ms": 2, "scenarios": {"default": "x"}, "groups": [{"id": "g1", "lag": 4, "config": {"a": 1}}]}
    assert diff(old, new) == {"time_ms": 2, "groups": {INDEXED: [[0, {"lag": 4}]]}}


def live_ticks(scenario: str, commands: dict[int, dict], n: int = 120) -> list[tuple[dict, dict]]:
    """(the tick's whole state, what the delta room got) for n ticks of a live engine (conftest.live_forms)."""
    return [(tick, delta) for tick, delta, _ in live_forms(scenario, commands, n)]


COMMANDS = {5: {"op": "add_consumer"}, 30: {"op": "kill_consumer", "member_id": "consumer-2"},
            50: {"op": "pause"}, 52: {"op": "resume"}, 70: {"op": "set_assignor", "group_id": "g1",
                                                             "assignor": "cooperative-sticky"},
            90: {"op": "set_producer_rate", "rate": 120}}


@pytest.mark.parametrize("scenario", ["default", "cooperative"])
def test_the_pages_merge_of_delta_ticks_equals_the_full_ticks(tmp_path, scenario):
    node = shutil.which("node")
    assert node, "node is needed (it also installs the page's assets)"
    pairs = live_ticks(scenario, COMMANDS)
    assert "delta" not in pairs[0][1]                       # the first tick is whole
    assert sum(1 for _, d in pairs if d.get("delta")) > len(pairs) / 2
    (tmp_path / "in.json").write_text(json.dumps([d for _, d in pairs]))
    script = (f"import {{ applyDelta }} from {json.dumps((ROOT / 'static' / 'delta.js').as_uri())};\n"
              "import { readFileSync, writeFileSync } from 'node:fs';\n"
              f"const ticks = JSON.parse(readFileSync({json.dumps(str(tmp_path / 'in.json'))}, 'utf8'));\n"
              "let state = null; const states = [];\n"
              "for (const t of ticks) { const before = JSON.stringify(state);\n"
              "  state = t.delta ? applyDelta(state, t) : t;\n"
              "  if (states.length && JSON.stringify(states[states.length - 1]) !== before) throw new Error('base modified');\n"
              "  states.push(state); }\n"
              f"writeFileSync({json.dumps(str(tmp_path / 'out.json'))}, JSON.stringify(states));\n")
    (tmp_path / "merge.mjs").write_text(script)
    r = subprocess.run([node, str(tmp_path / "merge.mjs")], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    states = json.loads((tmp_path / "out.json").read_text())
    for i, ((full, _), state) in enumerate(zip(pairs, states)):
        assert state == full, f"tick {i}: the merged state differs from the full tick"


def test_after_a_command_the_next_delta_tick_is_whole():
    pairs = live_ticks("default", {10: {"op": "pause"}}, n=15)
    assert all(d.get("delta") for _, d in pairs[1:10])
    assert "delta" not in pairs[10][1] and pairs[10][1] == pairs[10][0]
    assert pairs[11][1].get("delta") == 1


def test_a_steady_default_delta_tick_is_well_under_4_kb():
    pairs = live_ticks("default", {}, n=100)
    sizes = sorted(len(json.dumps(d, separators=(",", ":"))) for _, d in pairs[50:])
    full = sorted(len(json.dumps(f, separators=(",", ":"))) for f, _ in pairs[50:])
    assert sizes[len(sizes) // 2] < 4096 and sizes[len(sizes) // 2] < full[len(full) // 2] / 2


def test_a_sliding_log_travels_as_the_rows_it_dropped_and_the_rows_it_appended():
    from groupviz.serve.delta import WINDOW, apply_delta, tick_delta

    rows = [{"seq": i, "kind": "Heartbeat"} for i in range(60)]
    prev = {"time_ms": 1, "groups": [{"group_id": "g1", "wire": rows[:50]}]}
    grown = {"time_ms": 2, "groups": [{"group_id": "g1", "wire": rows[:52]}]}           # still filling up
    slid = {"time_ms": 3, "groups": [{"group_id": "g1", "wire": rows[3:55]}]}            # full: slides
    fresh = {"time_ms": 4, "groups": [{"group_id": "g1", "wire": [{"seq": 99, "kind": "JoinGroup"}]}]}  # a reset
    for a, b, k, tail in ((prev, grown, 0, rows[50:52]), (grown, slid, 3, rows[52:55])):
        d = tick_delta(a, b)
        assert d["groups"]["$i"][0][1]["wire"] == {WINDOW: [k, tail]}
        assert apply_delta(a, d) == b
    d = tick_delta(slid, fresh)
    assert d["groups"]["$i"][0][1]["wire"] == fresh["groups"][0]["wire"] and apply_delta(slid, d) == fresh
