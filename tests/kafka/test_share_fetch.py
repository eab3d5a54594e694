"""groupviz/kafka/share/fetch.py: ShareFetch on the broker: the random and first-free competitions, the lock cap."""

import pytest

from groupviz.kafka.member import PAUSED
from groupviz.classroom.probability import chi_square_gof, model_panel
from groupviz.kafka.config import SHARE_LOCK_MS as LOCK_MS, SHARE_MAX_LOCKS as MAX_LOCKS

from share_helpers import make  # noqa: F401  (make is a fixture)


def test_random_competition_gives_every_live_member_the_same_chance(make):
    eng, g = make(seed=11, producer_rate=30.0, rates=(20.0,) * 5)
    eng.step(120_000)
    wins = [g.wins[m] for m in g.consumers]
    assert sum(wins) > 3000
    gof = chi_square_gof(wins, [1.0] * len(wins))
    assert gof["p_value"] > 0.01, (wins, gof)
    panel = model_panel(g.snapshot(), batch_size=10)
    assert panel["test"]["against"] == "uniform" and panel["test"]["p_value"] == pytest.approx(gof["p_value"])


def test_random_competition_ignores_speed_while_everyone_has_room(make):
    # 20 vs 80 records/s, 20 records/s offered: the slow member still wins half
    eng, g = make(seed=5, partitions=3, producer_rate=20.0, rates=(20.0, 80.0))
    eng.step(60_000)
    a, b = g.wins["consumer-1"], g.wins["consumer-2"]
    assert chi_square_gof([a, b], [1, 1])["p_value"] > 0.01
    assert abs(a / (a + b) - 0.5) < 0.05


def test_first_free_competition_gives_shares_proportional_to_capacity(make):
    rates = (10.0, 20.0, 30.0, 40.0)
    eng, g = make(seed=3, producer_rate=50.0, competition="first-free", rates=rates)
    eng.step(60_000)
    wins = [g.wins[m] for m in g.consumers]
    total = sum(wins)
    gof = chi_square_gof(wins, list(rates))
    assert gof["p_value"] > 0.01, (wins, gof)
    for w, r in zip(wins, rates):
        assert abs(w / total - r / sum(rates)) < 0.01
    assert model_panel(g.snapshot(), 10)["test"]["against"] == "capacity"


def test_first_free_stays_proportional_when_the_group_is_overloaded(make):
    rates = (10.0, 30.0)
    eng, g = make(seed=4, partitions=2, producer_rate=100.0, competition="first-free", rates=rates,
                  config={LOCK_MS: 60_000})
    eng.step(30_000)
    a, b = g.wins["consumer-1"], g.wins["consumer-2"]
    assert abs(a / (a + b) - 0.25) < 0.02
    assert g.lock_timeouts == 0


def test_a_resumed_member_gets_no_burst_for_the_time_it_was_paused_under_first_free(make):
    eng, g = make(seed=9, producer_rate=40.0, competition="first-free", rates=(20.0, 20.0))
    eng.step(5_000)
    eng.apply({"op": "pause_consumer", "member_id": "consumer-1"})
    assert g.consumers["consumer-1"].state == PAUSED
    before = g.wins["consumer-1"]
    eng.step(10_000)
    assert g.wins["consumer-1"] == before           # a paused member does not fetch
    eng.apply({"op": "resume_consumer", "member_id": "consumer-1"})
    w1, w2 = g.wins["consumer-1"], g.wins["consumer-2"]
    eng.step(1_000)
    assert abs((g.wins["consumer-1"] - w1) - (g.wins["consumer-2"] - w2)) <= 2


def test_competition_draws_are_seeded_per_engine_seed_and_group(make):
    runs = []
    for seed in (1, 1, 2):
        eng, g = make(seed=seed)
        eng.step(20_000)
        runs.append(dict(g.wins))
    assert runs[0] == runs[1] and runs[0] != runs[2]


def test_max_record_locks_caps_the_share_partition_window(make):
    # one stuck member pins the SPSO; the fast one may run at most 100 records ahead of it
    eng, g = make(partitions=1, producer_rate=200.0, competition="first-free", rates=(0.0,),
                  config={MAX_LOCKS: 100, LOCK_MS: 10_000})
    eng.step(0)                                  # the stuck member, alone, takes offset 0
    eng._add_consumer(g, 1000.0)
    eng.step(3_000)
    sp = g.partitions[0]
    assert sp.acquired[sp.spso].member == "consumer-1"
    assert sp.next_offset - sp.spso == 100
    assert g.snapshot()["partitions"][0]["lag"] > 300
    assert g.wins["consumer-1"] == 1            # rate 0 is never "free first" while others have room
