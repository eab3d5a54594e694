"""The seed's probability model and the statistics that check it (standard library only)."""

import json
import math

import pytest

from groupviz.classroom import probability as P


# -- the chi-square survival function against closed forms and tables ----------
def _sf_closed_form(x: float, df: int) -> float:
    """Chi-square survival function for small df, by its closed forms."""
    if df == 1:
        return math.erfc(math.sqrt(x / 2))
    if df == 2:
        return math.exp(-x / 2)
    if df == 3:
        return math.erfc(math.sqrt(x / 2)) + math.sqrt(2 * x / math.pi) * math.exp(-x / 2)
    if df == 4:
        return math.exp(-x / 2) * (1 + x / 2)
    if df == 5:
        return math.erfc(math.sqrt(x / 2)) + math.sqrt(2 * x / math.pi) * math.exp(-x / 2) * (1 + x / 3)
    if df == 6:
        return math.exp(-x / 2) * (1 + x / 2 + x * x / 8)
    raise AssertionError(df)


@pytest.mark.parametrize("df", [1, 2, 3, 4, 5, 6])
@pytest.mark.parametrize("x", [0.01, 0.5, 1.0, 2.5, 3.0, 7.0, 12.0, 30.0, 80.0])
def test_chi2_sf_matches_the_closed_forms_on_both_branches(x, df):
    assert P.chi2_sf(x, df) == pytest.approx(_sf_closed_form(x, df), rel=1e-9, abs=1e-300)


@pytest.mark.parametrize("x, df, p", [
    # critical values from the standard chi-square table (upper tail)
    (3.841458820694124, 1, 0.05), (6.634896601021214, 1, 0.01),
    (5.991464547107979, 2, 0.05), (9.210340371976184, 2, 0.01),
    (11.070497693516351, 5, 0.05), (15.08627246938899, 5, 0.01),
    (18.307038053275146, 10, 0.05), (23.20925115681505, 10, 0.01),
    (31.410432844230918, 20, 0.05), (124.34211340400407, 100, 0.05),
])
def test_chi2_sf_reproduces_table_critical_values(x, df, p):
    assert P.chi2_sf(x, df) == pytest.approx(p, rel=1e-7)


def test_regularized_gamma_q_edges():
    assert P.regularized_gamma_q(1.0, 2.0) == pytest.approx(math.exp(-2.0))
    assert P.regularized_gamma_q(3.0, 0.0) == 1.0
    assert P.chi2_sf(0.0, 4) == 1.0
    assert 0.0 <= P.chi2_sf(1e4, 3) < 1e-300 or P.chi2_sf(1e4, 3) == 0.0
    with pytest.raises(ValueError):
        P.chi2_sf(1.0, 0)


# -- Wilson intervals -----------------------------------------------------------
@pytest.mark.parametrize("k, n, lo, hi", [
    (5, 10, 0.236593, 0.763407),
    (0, 10, 0.0, 0.277533),
    (10, 10, 0.722467, 1.0),
    (1, 10, 0.017875, 0.404149),
])
def test_wilson_interval_known_values(k, n, lo, hi):
    a, b = P.wilson_interval(k, n)
    assert a == pytest.approx(lo, abs=2e-6) and b == pytest.approx(hi, abs=2e-6)


def test_wilson_interval_without_data_is_everything():
    assert P.wilson_interval(0, 0) == (0.0, 1.0)


# -- the seed's formulas ---------------------------------------------------------
def test_the_seeds_formula_is_the_probability_of_a_member_record_pair():
    n, m = 5, 10
    assert P.p_member_wins_record(n) == 0.2
    assert P.p_pair(n, m) == pytest.approx(0.02)
    # the N*M (member, record) pairs are the whole sample space
    assert n * m * P.p_pair(n, m) == pytest.approx(1.0)
    # and summing the pair probability over the M records gives back 1/N per member
    assert m * P.p_pair(n, m) == pytest.approx(P.p_member_wins_record(n))
    assert P.expected_wins_per_batch(n, m) == 2.0
    assert P.sd_wins_per_batch(n, m) == pytest.approx(math.sqrt(10 * 0.2 * 0.8))
    assert P.p_member_wins_at_least_one(n, m) == pytest.approx(1 - 0.8 ** 10)


def test_formulas_are_zero_without_members():
    assert P.p_member_wins_record(0) == 0.0
    assert P.p_pair(0, 10) == 0.0
    assert P.expected_wins_per_batch(0, 10) == 0.0
    assert P.sd_wins_per_batch(0, 10) == 0.0


# -- goodness of fit ---------------------------------------------------------------
def test_chi_square_gof_of_a_die():
    obs = [16, 18, 16, 14, 12, 12]          # 88 rolls, expected 88/6 each
    r = P.chi_square_gof(obs, [1 / 6] * 6)
    e = 88 / 6
    assert r["statistic"] == pytest.approx(sum((o - e) ** 2 / e for o in obs))
    assert r["df"] == 5
    assert r["p_value"] == pytest.approx(_sf_closed_form(r["statistic"], 5))
    assert r["min_expected"] == pytest.approx(e)


def test_chi_square_gof_perfect_fit_and_impossible_category():
    assert P.chi_square_gof([10, 20, 30], [1, 2, 3])["p_value"] == pytest.approx(1.0)
    bad = P.chi_square_gof([5, 5], [1.0, 0.0])
    assert bad["p_value"] == 0.0
    assert P.chi_square_gof([0, 0], [0.5, 0.5])["p_value"] == 1.0


def test_expected_shares_uniform_for_random_and_by_rate_for_first_free():
    ms = [{"member_id": "a", "rate": 10.0}, {"member_id": "b", "rate": 30.0}]
    assert P.expected_shares(ms, "random") == {"a": 0.5, "b": 0.5}
    assert P.expected_shares(ms, "first-free") == {"a": 0.25, "b": 0.75}


# -- the panel ----------------------------------------------------------------------
def _snap(wins, rates, competition="random", states=None):
    members = [{"member_id": mid, "color": i, "rate": r, "state": (states or {}).get(mid, "active")}
               for i, (mid, r) in enumerate(rates.items())]
    return {"group_id": "s1", "competition": competition, "members": members, "wins": wins}


def test_model_panel_shows_formulas_measures_and_a_bilingual_verdict():
    panel = P.model_panel(_snap({"a": 101, "b": 99, "c": 100, "d": 98, "e": 102},
                                dict.fromkeys("abcde", 20.0)), batch_size=10)
    json.dumps(panel)
    assert panel["n"] == 5 and panel["m"] == 10 and panel["total_wins"] == 500
    f = {x["key"]: x for x in panel["formulas"]}
    assert f["p_pair"]["value"] == pytest.approx(0.02) and f["p_pair"]["formula"] == "1/N × 1/M"
    assert f["p_record"]["value"] == 0.2 and f["expected_wins"]["value"] == 2.0
    for x in panel["formulas"]:
        assert x["label"]["en"] and x["label"]["zh"]
    assert all(r["within_ci"] for r in panel["members"])
    t = panel["test"]
    assert t["against"] == "uniform" and t["enough_data"] and t["p_value"] > 0.9
    assert "consistent" in t["verdict"]["en"] and "一致" in t["verdict"]["zh"]


def test_model_panel_rejects_a_skewed_split_and_tests_first_free_against_capacity():
    skewed = P.model_panel(_snap({"a": 300, "b": 100}, {"a": 20.0, "b": 20.0}), 10)
    assert skewed["test"]["p_value"] < 1e-6 and "differs" in skewed["test"]["verdict"]["en"]
    prop = P.model_panel(_snap({"a": 100, "b": 300}, {"a": 10.0, "b": 30.0}, "first-free"), 10)
    assert prop["test"]["against"] == "capacity" and prop["test"]["p_value"] == pytest.approx(1.0)
    assert [r["expected_share"] for r in prop["members"]] == [0.25, 0.75]


def test_model_panel_counts_only_active_members_and_says_when_data_is_thin():
    panel = P.model_panel(_snap({"a": 3, "b": 2, "c": 40}, {"a": 20.0, "b": 20.0, "c": 20.0},
                                states={"c": "crashed"}), 10)
    assert panel["n"] == 2 and [r["member_id"] for r in panel["members"]] == ["a", "b"]
    assert not panel["test"]["enough_data"] and "not enough" in panel["test"]["verdict"]["en"]
    empty = P.model_panel({"group_id": "s1", "members": [], "wins": {}}, 10)
    assert empty["n"] == 0 and empty["test"]["p_value"] == 1.0
    json.dumps(empty)


def test_a_share_group_has_no_1_over_n_model_the_panel_says_what_decides_its_shares():
    """Issue 16: only random dispatch follows the seed's 1/N; a share group's members pull batches."""
    from groupviz.classroom.probability import DECIDED_BY
    panel = P.model_panel(_snap({"a": 90, "b": 10}, {"a": 20.0, "b": 20.0}, competition="share"), 10)
    assert panel["test"]["against"] is None and panel["test"]["kind"] is None
    assert not panel["test"]["enough_data"] and panel["test"]["verdict"] == DECIDED_BY["share"]
    assert all(r["expected_share"] is None and r["within_ci"] is None for r in panel["members"])
    assert [r["share"] for r in panel["members"]] == [0.9, 0.1]          # what was measured is still shown
    for how in ("random", "sharding", "share", "first-free"):
        assert DECIDED_BY[how]["en"] and DECIDED_BY[how]["zh"]
    assert "not a Kafka mode" in DECIDED_BY["random"]["en"] and "不是 Kafka" in DECIDED_BY["random"]["zh"]


def test_which_model_each_kind_of_group_is_read_against():
    from groupviz.engine.model import model_of
    assert model_of({"type": "random-dispatch", "competition": "random"}) == "random"
    assert model_of({"type": "share"}) == "share"
    assert model_of({"type": "share", "competition": "random"}) == "share"      # a share group never draws lots
    assert model_of({"type": "share", "competition": "first-free"}) == "share"  # nor is it read against capacity
    assert model_of({"type": "consumer"}) == "sharding"
