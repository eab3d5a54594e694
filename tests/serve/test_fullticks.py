"""fullticks.py: full ticks leave out what only a snapshot needs and send logs as their new rows, and a
client following them (fullticks.follow, the rule of docs/wire.md "Full ticks") holds every tick's state."""

from __future__ import annotations

import json

import pytest

from groupviz.serve.app import socketio_of
from groupviz.serve.delta import apply_delta
from groupviz.serve.fullticks import LOGS, WHOLE, follow, full_tick

from conftest import live_forms, make_app, received


def live_full_ticks(scenario: str, commands: dict[int, dict], n: int = 150) -> list[tuple[dict, dict]]:
    """(the tick's whole state, what the full-tick room got) for n ticks (conftest.live_forms)."""
    return [(tick, full) for tick, _, full in live_forms(scenario, commands, n)]


COMMANDS = {20: {"op": "add_consumer"}, 70: {"op": "kill_consumer", "member_id": "consumer-2"},
            90: {"op": "pause"}, 92: {"op": "resume"},
            110: {"op": "stall_consumer", "member_id": "consumer-1", "ms": 3000},
            120: {"op": "set_producer_rate", "rate": 120}}


@pytest.mark.parametrize("scenario", ["default", "cooperative", "three-protocols", "competition", "flink",
                                      "seed-demo", "two-topics", "hot-key"])
def test_following_the_full_ticks_gives_every_ticks_state(scenario):
    pairs = live_full_ticks(scenario, COMMANDS)
    assert pairs[0][1][WHOLE] == 1                          # the first tick is whole
    state = None
    for i, (tick, full) in enumerate(pairs):
        state = follow(state, full)
        assert state == tick, f"tick {i}"
        if i in COMMANDS:
            assert full.get(WHOLE) == 1, f"tick {i} follows a command"


def test_steady_full_ticks_leave_out_the_static_values_and_carry_the_new_log_rows():
    pairs = live_full_ticks("default", {}, n=150)
    compact = [(t, f) for t, f in pairs[100:] if WHOLE not in f]
    assert len(compact) > 45                               # steady state: nearly every tick compact
    for tick, full in compact:
        g = full["groups"][0]
        assert not {"group_id", "config", "rebalances", "coordinator_members"} & set(g)
        assert not {"member_id", "host", "partitions"} & set(g["members"][0])
        assert "formulas" not in g["model"] and "seed" not in full and "scenario" not in full
        assert "lag" in g and "throughput" in g["members"][0] and "log_end_offset" in g["partitions"][0]
        assert len(g["wire"]) < LOGS["wire"] and g["wire"] == tick["groups"][0]["wire"][len(tick["groups"][0]["wire"])
                                                                                        - len(g["wire"]):]
        assert len(json.dumps(full, separators=(",", ":"))) < len(json.dumps(tick, separators=(",", ":"))) / 3


def test_a_static_value_that_changed_makes_the_tick_whole():
    prev = {"time_ms": 1, "groups": [{"group_id": "g1", "lag": 3, "config": {"a": 1}, "wire": [{"n": 1}]}]}
    same = {"time_ms": 2, "groups": [{"group_id": "g1", "lag": 4, "config": {"a": 1}, "wire": [{"n": 1}, {"n": 2}]}]}
    assert full_tick(same, prev) == {"time_ms": 2, "groups": [{"lag": 4, "wire": [{"n": 2}]}]}
    changed = {"time_ms": 2, "groups": [{"group_id": "g1", "lag": 4, "config": {"a": 2}, "wire": []}]}
    assert full_tick(changed, prev) == dict(changed, whole=1)
    two = {"time_ms": 2, "groups": [prev["groups"][0], dict(prev["groups"][0], group_id="g2")]}
    assert full_tick(two, prev) == dict(two, whole=1)          # a row came: its static values are needed
    assert full_tick(prev, two) == dict(prev, whole=1)
    assert full_tick(same, prev, whole=True)[WHOLE] == 1 and WHOLE not in same
    restarted = {"time_ms": 2, "groups": [dict(same["groups"][0], wire=[{"n": 7}])]}     # the log did not slide
    assert full_tick(restarted, prev)[WHOLE] == 1
    shrank = {"time_ms": 2, "groups": [dict(same["groups"][0], wire=[])]}               # follow would keep {"n": 1}
    assert full_tick(shrank, prev)[WHOLE] == 1


def test_a_whole_tick_keeps_the_history_and_catalogue_of_the_snapshot():
    snap = {"time_ms": 1, "history": {"time_ms": [0]}, "scenarios": {"default": {}}, "lag": 3}
    assert follow(snap, {"time_ms": 2, "lag": 5, WHOLE: 1}) == {"time_ms": 2, "lag": 5, "history": {"time_ms": [0]},
                                                                 "scenarios": {"default": {}}}
    assert follow(snap, {"time_ms": 2, "events": [{"seq": 1}]})["history"] == {"time_ms": [0]}


def test_over_the_socket_a_full_tick_client_rebuilds_what_the_page_holds():
    app = make_app()
    sio = socketio_of(app)
    plain = sio.test_client(app)
    page = sio.test_client(app, query_string="ticks=delta")
    live = app.extensions["groupviz"]
    states = {}
    for name, client in (("plain", plain), ("page", page)):
        states[name] = received(client, "snapshot")[-1]
    for i in range(60):
        if i == 30:
            assert plain.emit("command", {"op": "add_consumer"}, callback=True)["ok"]
        live.engine.step(100)
        live.tick()
        for t in received(plain, "tick"):
            states["plain"] = follow(states["plain"], t)
        for t in received(page, "tick"):
            states["page"] = apply_delta(states["page"], t) if t.get("delta") else \
                dict(t, history=states["page"]["history"], scenarios=states["page"]["scenarios"])
        assert states["plain"] == states["page"], f"tick {i}"
    assert states["plain"]["history"] and len(states["plain"]["groups"][0]["members"]) == 4
    plain.disconnect()
    page.disconnect()
