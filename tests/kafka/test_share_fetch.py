"""groupviz/kafka/share/fetch.py: ShareFetch on the broker: members fetch only from their assigned partitions,
each fetch acquires a batch of up to max.poll.records under one lock, competing fetches on a shared partition
are served in competition order, and the lock cap."""

from groupviz.kafka.member import PAUSED
from groupviz.classroom.probability import chi_square_gof
from groupviz.kafka.config import SHARE_LOCK_MS as LOCK_MS, SHARE_MAX_LOCKS as MAX_LOCKS, SHARE_MAX_POLL as MAX_POLL

from share_helpers import acked, make  # noqa: F401  (make is a fixture)


def test_members_fetch_only_from_the_partitions_their_heartbeat_assigned(make):
    eng, g = make(seed=11, producer_rate=30.0, rates=(20.0,) * 3)
    log, dcs = acked(g)
    eng.step(20_000)
    assert [len(c.assignment) for c in g.consumers.values()] == [2, 2, 2]
    owner = {p: mid for mid, c in g.consumers.items() for _, p in c.assignment}
    assert sorted(owner) == list(range(6))
    assert log and all(dcs[key][0] == owner[key[1]] for key in log)


def test_random_competition_on_one_shared_partition_gives_every_member_the_same_chance(make):
    eng, g = make(seed=11, partitions=1, producer_rate=30.0, rates=(20.0,) * 5)
    eng.step(120_000)
    assert all(c.assignment == [("orders", 0)] for c in g.consumers.values())     # 5 members share 1 partition
    wins = [g.wins[m] for m in g.consumers]
    assert sum(wins) > 3000
    assert chi_square_gof(wins, [1.0] * len(wins))["p_value"] > 0.01, wins


def test_on_an_overloaded_shared_partition_each_member_takes_what_its_speed_allows(make):
    # every member polls again as soon as its batch is done, so its share follows its processing rate
    rates = (10.0, 20.0, 40.0)
    eng, g = make(seed=3, partitions=1, producer_rate=100.0, competition="first-free", rates=rates)
    eng.step(60_000)
    wins = [g.wins[m] for m in g.consumers]
    assert all(abs(w / sum(wins) - r / sum(rates)) < 0.02 for w, r in zip(wins, rates)), wins


def test_a_fetch_acquires_a_whole_batch_up_to_max_poll_records_under_one_lock(make):
    eng, g = make(seed=5, partitions=1, producer_rate=200.0, rates=(), config={MAX_POLL: 30, LOCK_MS: 60_000})
    eng.step(2_000)                                  # 400 records wait; nobody reads yet
    c = eng.groups["s1"].consumers[eng.apply({"op": "add_consumer", "group_id": "s1", "rate": 10.0})["member_id"]]
    eng.step(200)
    assert c.batches == 1 and c.last_batch == 30 and c.locks == 30
    expiries = {r.lock_expires_ms for sp in g.partitions for r in sp.acquired.values()}
    assert len(expiries) == 1                        # one acquisition, one lock
    eng.step(1_000)
    assert c.batches == 1                            # the next poll waits until the batch is processed
    eng.step(2_500)
    assert c.batches == 2 and c.accepted >= 30


def test_a_paused_member_does_not_fetch(make):
    eng, g = make(seed=9, partitions=1, producer_rate=40.0, rates=(20.0, 20.0))
    eng.step(5_000)
    eng.apply({"op": "pause_consumer", "member_id": "consumer-1"})
    assert g.consumers["consumer-1"].state == PAUSED
    eng.step(1_000)
    before = g.consumers["consumer-1"].batches
    eng.step(10_000)
    assert g.consumers["consumer-1"].batches == before
    assert g.consumers["consumer-2"].batches > 50


def test_competition_draws_are_seeded_per_engine_seed_and_group(make):
    runs = []
    for seed in (1, 1, 2):
        eng, g = make(seed=seed, partitions=2)
        eng.step(20_000)
        runs.append(dict(g.wins))
    assert runs[0] == runs[1] and runs[0] != runs[2]


def test_max_record_locks_caps_the_share_partition_window(make):
    # one stuck member pins the SPSO with its first batch; the fast one may run at most 100 records ahead of it
    eng, g = make(partitions=1, producer_rate=200.0, competition="first-free", rates=(0.0,),
                  config={MAX_LOCKS: 100, LOCK_MS: 10_000})
    eng.step(100)                                # the stuck member, alone, takes its first batch
    stuck = g.wins["consumer-1"]
    assert 1 <= stuck <= 20
    eng._add_consumer(g, 1000.0)
    eng.step(3_000)
    sp = g.partitions[0]
    assert sp.acquired[sp.spso].member == "consumer-1"
    assert sp.next_offset - sp.spso == 100
    assert g.snapshot()["partitions"][0]["lag"] > 300
    assert g.wins["consumer-1"] == stuck        # rate 0: its batch is never done, so it never polls again
