"""groupviz/kafka/share/group.py: a share group's config, membership, sessions, and what holds whatever members do."""

import json
from collections import Counter

import pytest
from conftest import run_until
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from groupviz.kafka.member import CRASHED, PAUSED
from groupviz.errors import DomainError
from groupviz.kafka.config import (
    SHARE_CLASSROOM_CONFIG as CLASSROOM_CONFIG,
    SHARE_DELIVERY_LIMIT as DELIVERY_LIMIT,
    SHARE_HEARTBEAT_MS as HEARTBEAT_MS,
    SHARE_KAFKA_DEFAULTS as KAFKA_DEFAULTS,
    SHARE_LOCK_MS as LOCK_MS,
    SHARE_MAX_LOCKS as MAX_LOCKS,
    SHARE_REJECT_P as REJECT_P,
    SHARE_SESSION_MS as SESSION_MS,
    check_share_config,
)
from groupviz.kafka.share.group import COMPETITIONS, ShareGroup

from share_helpers import GID, acked, drained, make  # noqa: F401  (make is a fixture)


# -- shape ------------------------------------------------------------------------------
def test_config_uses_kafkas_names_with_classroom_defaults(make):
    _, g = make()
    assert g.config[LOCK_MS] == 5000 and KAFKA_DEFAULTS[LOCK_MS] == 30000
    assert g.config[DELIVERY_LIMIT] == 5 == KAFKA_DEFAULTS[DELIVERY_LIMIT]
    assert g.config[SESSION_MS] == 6000 and g.config[HEARTBEAT_MS] == 2000
    assert g.config[REJECT_P] == 0.0
    assert set(CLASSROOM_CONFIG) == set(g.config)


def test_unknown_competition_and_bad_config_are_refused_with_a_readable_error(make):
    eng, _ = make(rates=())
    with pytest.raises(DomainError, match="competition"):
        ShareGroup(eng.group_context, "x", "fastest")
    with pytest.raises(DomainError, match="between 2 and 10"):
        ShareGroup(eng.group_context, "x", "random", {DELIVERY_LIMIT: 1})
    with pytest.raises(DomainError, match="not settable"):
        check_share_config({"auto.commit.interval.ms": 1000}, CLASSROOM_CONFIG)
    with pytest.raises(DomainError, match="lower than group.share.session"):
        check_share_config({HEARTBEAT_MS: 7000}, CLASSROOM_CONFIG)
    with pytest.raises(DomainError, match="number"):
        check_share_config({REJECT_P: True}, CLASSROOM_CONFIG)
    assert check_share_config({REJECT_P: 0.25, LOCK_MS: 2000.0}, CLASSROOM_CONFIG)[LOCK_MS] == 2000


# -- membership -----------------------------------------------------------------------------
def test_group_is_empty_without_members_and_stable_with_them_and_the_simple_assignor_splits_the_partitions(make):
    eng, g = make(rates=())
    assert g.snapshot()["state"] == "Empty" and g.generation == 0
    eng._add_consumer(g, 20.0)
    eng._add_consumer(g, 20.0)
    s = g.snapshot()
    assert s["state"] == "Stable" and s["group_epoch"] == s["assignment_epoch"] == 2
    assert [len(m["target"]) for m in s["members"]] == [3, 3]
    assert all(m["partitions"] == [] for m in s["members"])        # the heartbeat responses are on their way
    eng.step(10)
    s = g.snapshot()
    everything = sorted(tp for m in s["members"] for tp in m["partitions"])
    assert everything == [["orders", p] for p in range(6)]
    assert all(len(m["partitions"]) == 3 and m["member_epoch"] == 2 for m in s["members"])
    types = [e["type"] for e in eng.events]
    assert types.count("member_joined") == 2 and "state" in types


def test_changing_the_session_timeout_re_arms_a_crashed_members_expiry(make):
    eng, g = make(rates=(20.0,))
    eng.step(3000)
    c = g.consumers["consumer-1"]
    eng.apply({"op": "kill_consumer", "member_id": "consumer-1"})
    merged = g.check_config({SESSION_MS: 10_000})
    g.apply_config(merged, {SESSION_MS: 10_000})
    run_until(eng, lambda e: "consumer-1" not in g.consumers, step_ms=1)
    assert eng.time_ms == c.last_heartbeat_ms + 10_000
    assert g.snapshot()["state"] == "Empty"


def test_crashed_member_stays_until_session_timeout_then_is_expelled(make):
    eng, g = make(rates=(20.0, 20.0))
    eng.step(5000)
    c = g.consumers["consumer-1"]
    last_hb = c.last_heartbeat_ms
    assert eng.apply({"op": "kill_consumer", "member_id": "consumer-1"})["ok"]
    gen = g.generation
    assert g.snapshot()["members"][0]["state"] == CRASHED
    took = run_until(eng, lambda e: "consumer-1" not in g.consumers, step_ms=1)
    assert eng.time_ms == last_hb + 6000, took
    ev = [e for e in eng.events if e["type"] == "member_expired"][-1]
    assert ev["member_id"] == "consumer-1" and ev["session_timeout_ms"] == 6000
    assert g.generation == gen + 1


def test_graceful_close_releases_held_records_at_once_and_leaves_without_the_session_timeout(make):
    eng, g = make(partitions=1, producer_rate=200.0, rates=(100.0, 100.0))
    log, dcs = acked(g)
    run_until(eng, lambda e: len(g.consumers["consumer-1"]._buffer) >= 3)
    held = [(r.p, r.offset) for r, acq in g.consumers["consumer-1"]._buffer if r.acq == acq and not r.pending]
    assert held
    eng.apply({"op": "stop_consumer", "member_id": "consumer-1"})
    eng.step(5)
    assert "consumer-1" not in g.consumers
    assert g.acks["release"] == len(held)
    assert [e for e in eng.events if e["type"] == "member_left"][-1]["released"] == len(held)
    t0 = eng.time_ms
    run_until(eng, lambda e: all(("accept",) + k in log for k in held))
    assert eng.time_ms - t0 < 1000      # redelivered at once, long before a 5 s lock would expire
    assert all(dcs[("accept",) + k] == ("consumer-2", 2) for k in held)


# -- acknowledgements and results ------------------------------------------------------------
def test_nothing_is_lost_through_kills_closes_pauses_and_rejects(make):
    eng, g = make(seed=8, producer_rate=80.0, rates=(20.0, 30.0, 40.0, 10.0), config={REJECT_P: 0.05})
    log, _ = acked(g)
    eng.step(4_000)
    eng.apply({"op": "kill_consumer", "member_id": "consumer-1"})
    eng.step(2_000)
    eng.apply({"op": "pause_consumer", "member_id": "consumer-4"})
    eng.apply({"op": "add_consumer", "group_id": GID})
    eng.step(3_000)
    eng.apply({"op": "stop_consumer", "member_id": "consumer-2"})
    eng.apply({"op": "add_partitions", "count": 2})
    eng.step(3_000)
    eng.apply({"op": "resume_consumer", "member_id": "consumer-4"})
    eng.apply({"op": "set_producer_rate", "rate": 0})
    run_until(eng, lambda e: drained(g), limit_ms=60_000)
    eng.step(100)
    produced = eng.producer.produced
    terminal = Counter()
    for (kind, p, off), n in log.items():
        if kind in ("accept", "reject"):
            terminal[(p, off)] += n
    archived_by_limit = g.archived - g.acks["reject"]
    assert archived_by_limit >= 0
    assert len(terminal) + archived_by_limit == produced
    assert set(terminal.values()) == {1}                # no record is terminal twice
    st = eng.producer.by_group[GID]
    assert st["results"] == g.results                  # every result sent reached the producer
    assert st["unique"] >= g.acks["accept"]
    assert g.snapshot()["lag"] == 0 and g.available_count() == 0 and g.in_flight_count() == 0


OPS = st.lists(st.tuples(st.sampled_from(["kill", "stop", "pause", "resume", "add", "rate", "wait"]),
                         st.integers(0, 7), st.integers(1, 3000)), min_size=1, max_size=10)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=OPS, competition=st.sampled_from(COMPETITIONS), seed=st.integers(0, 10_000))
def test_every_record_ends_acknowledged_or_archived_exactly_once_whatever_members_do(make, ops, competition, seed):
    eng, g = make(seed=seed, producer_rate=60.0, competition=competition, rates=(20.0, 30.0, 40.0),
                  config={REJECT_P: 0.05, LOCK_MS: 2000})
    log, _ = acked(g)
    for op, i, ms in ops:
        live = [m for m, c in g.consumers.items() if c.alive]
        target = live[i % len(live)] if live else None
        if op == "add" or target is None:
            eng.apply({"op": "add_consumer", "group_id": GID, "rate": float(10 * i)})
        elif op == "kill":
            eng.apply({"op": "kill_consumer", "member_id": target})
        elif op == "stop":
            eng.apply({"op": "stop_consumer", "member_id": target})
        elif op == "pause":
            eng.apply({"op": "pause_consumer", "member_id": target})
        elif op == "resume":
            eng.apply({"op": "resume_consumer", "member_id": target})
        elif op == "rate":
            eng.apply({"op": "set_consumer_rate", "member_id": target, "rate": [0.0, 5.0, 50.0][i % 3]})
        eng.step(ms)
        sp_ok = all(sp.next_offset - sp.spso <= g.config[MAX_LOCKS] for sp in g.partitions)
        assert sp_ok and all(c.held >= 0 and c.locks >= 0 for c in g.consumers.values())
    for m, c in list(g.consumers.items()):
        if c.state == PAUSED:
            eng.apply({"op": "resume_consumer", "member_id": m})
        if c.alive:            # a stuck member keeps its partitions (it still heartbeats): unstick it
            eng.apply({"op": "set_consumer_rate", "member_id": m, "rate": 50.0})
    eng.apply({"op": "add_consumer", "group_id": GID, "rate": 50.0})
    eng.apply({"op": "set_producer_rate", "rate": 0})
    run_until(eng, lambda e: drained(g), limit_ms=120_000)
    eng.step(100)
    terminal = Counter()
    for (kind, p, off), n in log.items():
        if kind != "release":
            terminal[(p, off)] += n
    assert set(terminal.values()) <= {1}
    assert len(terminal) + (g.archived - g.acks["reject"]) == eng.producer.produced
    st_ = eng.producer.by_group.get(GID, {"results": 0, "unique": 0})
    assert st_["results"] == g.results                      # every result sent reached the producer
    assert st_["results"] - st_["unique"] == g.duplicates
    assert st_["unique"] >= g.acks["accept"]                # every acknowledged record produced a result


# -- scale, determinism, the engine around it -----------------------------------------------------
def test_thousands_of_records_per_second_stay_bounded(make):
    eng, g = make(seed=1, partitions=10, producer_rate=4000.0, competition="random",
                  rates=(500.0,) * 10)
    eng.step(5_000)
    s = g.snapshot()
    assert len(s["in_flight"]) <= 50 and s["in_flight_total"] < 1000
    assert all(len(sp.done) + len(sp.released) + len(sp.acquired) <= g.config[MAX_LOCKS] for sp in g.partitions)
    assert g.processed > 15_000 and s["lag"] < 1000
    json.dumps(eng.snapshot())


def test_same_seed_and_commands_give_identical_snapshots(make):
    def run(seed):
        eng, g = make(seed=seed, producer_rate=50.0, rates=(20.0, 25.0, 30.0), config={REJECT_P: 0.1})
        eng.step(3_000)
        eng.apply({"op": "kill_consumer", "member_id": "consumer-2"})
        eng.step(4_000)
        eng.apply({"op": "add_consumer", "group_id": GID})
        eng.step(9_000)
        return json.dumps(eng.snapshot(), sort_keys=True)

    assert run(4) == run(4)
    assert run(4) != run(5)


def test_share_group_refuses_client_assignors(make):
    eng, _ = make()
    r = eng.apply({"op": "set_assignor", "group_id": GID, "assignor": "roundrobin"})
    assert r["ok"] is False and "share group" in r["error"]


def test_share_group_beside_a_classic_group_each_gets_every_record(make):
    eng, g = make(classic=True, rates=(20.0, 20.0))
    eng.step(15_000)
    eng.apply({"op": "set_producer_rate", "rate": 0})
    eng.step(15_000)
    snap = eng.producer.snapshot(list(eng.groups))
    assert snap["groups"][GID]["results"] == eng.producer.produced
    assert snap["groups"]["g1"]["results"] >= eng.producer.produced


