"""Every claim of the rolling-restart lesson, read off the engine."""

from groupviz.classroom.lessons import BY_ID
from groupviz.engine.core import Engine

LESSON = BY_ID["rolling-restart"]


def _play(e, k):
    r = e.apply({"op": "lesson", "lesson": "rolling-restart", "step": k})
    assert r["ok"] and r["skipped"] == [], r
    e.step(LESSON["steps"][k]["wait_ms"])
    g = e.snapshot(history=False)["groups"][0]
    return g, {m["member_id"]: m for m in g["members"]}


def test_rolling_restart_lesson_claims_hold():
    e = Engine()
    g, _ = _play(e, 0)
    assert g["state"] == "Stable" and g["config"]["session.timeout.ms"] == 6000
    gen0 = g["generation"]
    g, ms = _play(e, 1)                     # dynamic bounce: LeaveGroup, then a new join: two rebalances
    assert g["state"] == "Stable" and g["generation"] == gen0 + 2 and ms["consumer-1"]["partitions"]
    g, ms = _play(e, 2)                     # a new static member: one rebalance
    assert g["generation"] == gen0 + 3 and ms["consumer-4"]["instance_id"] == "app-4"
    gen, owned = g["generation"], ms["consumer-4"]["partitions"]
    g, ms = _play(e, 3)                     # static bounce within the session timeout: nothing moves
    assert g["state"] == "Stable" and g["generation"] == gen and ms["consumer-4"]["partitions"] == owned
    assert not any(ev["type"] == "member_left" and ev.get("member_id") == "consumer-4" for ev in e.events)
    g, ms = _play(e, 4)                     # longer than the session timeout: expelled, then a new member
    assert g["state"] == "Stable" and g["generation"] == gen + 2 and ms["consumer-4"]["partitions"]
    assert any(ev["type"] == "member_expired" and ev["member_id"] == "consumer-4" for ev in e.events)
