"""groupviz/kafka/share/journeys.py: the seed demo's table of record journeys."""

import pytest
from conftest import run_until

from groupviz.engine.scenarios import SCENARIOS
from groupviz.classroom.probability import model_panel

from share_helpers import GID, acked, drained, make  # noqa: F401  (make is a fixture)


def test_seed_demo_ten_records_five_competitors_ten_results(make):
    spec = SCENARIOS["seed-demo"]
    g0 = next(g for g in spec["groups"] if g.get("type") == "share")     # beside the seed's random dispatch
    assert spec["partitions"] == 1 and spec["producer_limit"] == 10 and g0["consumers"] == 5
    eng, g = make(seed=7, partitions=spec["partitions"], producer_rate=spec["producer_rate"],
                  rates=(g0["consumer_rate"],) * g0["consumers"])
    log, _ = acked(g)
    run_until(eng, lambda e: e.producer.produced >= spec["producer_limit"])
    eng.apply({"op": "set_producer_rate", "rate": 0})
    assert eng.producer.produced == 10
    run_until(eng, lambda e: drained(g))
    eng.step(100)
    assert sorted(off for _, _, off in log) == list(range(10))
    assert sum(g.wins.values()) == 10 and len(g.wins) == 5
    assert eng.producer.by_group[GID]["results"] == 10
    panel = model_panel(g.snapshot(), spec["model_batch_size"])
    assert panel["n"] == 5 and panel["m"] == 10
    assert panel["formulas"][1]["value"] == pytest.approx(1 / 50)
