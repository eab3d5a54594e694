"""The seed's probability model of competitive consumption, and how to check it.

The seed (section 4): N consumers compete for the records of a batch of M
records, and

    P_win(i) = 1/N x 1/M.

Read literally that is the probability of a (member, record) *pair*: member i
wins one *particular* record of the batch (1/N) *and* that record is the one
we are looking at, among the M of the batch (1/M). The numbers a classroom
can see are the ones around it:

- P(member i wins a given record)          = 1/N
- expected records member i wins per batch = M/N  (binomial, sd sqrt(M/N (1 - 1/N)))
- P(member i wins at least one record)     = 1 - (1 - 1/N)^M
- P_win(i) of the seed, a (member, record) pair = 1/(N M); the N M pairs add up to 1.

`model_panel()` puts the formulas next to what the simulation measured: each
member's share of the records won, a 95% Wilson interval around it, and a
chi-square goodness-of-fit test against uniform shares (``random``: random
dispatch, the seed's idealised queue, groupviz.seed) or capacity-proportional
shares (a share group's older ``first-free`` competition).

The 1/N model is the seed's, and only random dispatch follows it. Kafka's groups
are read against what decides their shares instead (`DECIDED_BY`): a classic
group's member processes the records of the partitions it owns (``sharding``: no test; its model column is the member's share of the partitions);
a share group's members pull batches from the partitions assigned to them, so
who fetches, and how fast each works, decides (``share``: no 1/N test at all).

Pure functions, standard library only: the chi-square survival function is the
regularized upper incomplete gamma Q(df/2, x/2), computed by its series or its
continued fraction (Numerical Recipes, "gammp/gammq").
"""

from __future__ import annotations

import math

#: z for a two-sided 95% interval (the 0.975 quantile of the standard normal).
Z95 = 1.959963984540054
#: A chi-square test is trusted when every expected count is at least this (Cochran's rule).
MIN_EXPECTED = 5.0
ALPHA = 0.05

_EPS = 1e-15
_TINY = 1e-300
_MAX_ITER = 10_000


# -- the seed's model ---------------------------------------------------------
def p_member_wins_record(n: int) -> float:
    """P(a given member wins a given record) with `n` live members competing uniformly: 1/N."""
    return 1.0 / n if n > 0 else 0.0


def expected_wins_per_batch(n: int, m: int) -> float:
    """Expected number of the batch's `m` records one member wins: M/N."""
    return m / n if n > 0 else 0.0


def sd_wins_per_batch(n: int, m: int) -> float:
    """Standard deviation of one member's wins in a batch: Binomial(M, 1/N)."""
    if n <= 0:
        return 0.0
    p = 1.0 / n
    return math.sqrt(m * p * (1.0 - p))


def p_member_wins_at_least_one(n: int, m: int) -> float:
    """P(a given member wins at least one of the batch's `m` records): 1 - (1 - 1/N)^M."""
    if n <= 0:
        return 0.0
    return 1.0 - (1.0 - 1.0 / n) ** m


def p_pair(n: int, m: int) -> float:
    """The seed's P_win(i) = 1/N x 1/M.

    It is the probability of one (member, record) pair: member i wins one
    *particular* record of the batch (probability 1/N) *and* that record is the
    one picked out of the M records of the batch (1/M). Summed over the N x M
    pairs it gives 1. It is *not* the chance that member i wins "something":
    that is 1 - (1 - 1/N)^M, and i wins M/N records of each batch on average.
    """
    return 1.0 / (n * m) if n > 0 and m > 0 else 0.0


# -- measuring ----------------------------------------------------------------
def wilson_interval(k: int, n: int, z: float = Z95) -> tuple[float, float]:
    """Wilson score interval for a proportion k/n (95% by default); (0, 1) when n == 0."""
    if n <= 0:
        return (0.0, 1.0)
    p = k / n
    z2 = z * z
    denom = 1.0 + z2 / n
    center = (p + z2 / (2 * n)) / denom
    half = z * math.sqrt(p * (1.0 - p) / n + z2 / (4 * n * n)) / denom
    return (max(0.0, center - half), min(1.0, center + half))


def regularized_gamma_q(a: float, x: float) -> float:
    """Q(a, x) = Gamma(a, x) / Gamma(a), the regularized upper incomplete gamma function."""
    if a <= 0:
        raise ValueError("a must be positive")
    if x <= 0:
        return 1.0
    log_prefactor = -x + a * math.log(x) - math.lgamma(a)
    if x < a + 1.0:
        # series for P(a, x): sum_{n>=0} x^n / (a (a+1) ... (a+n))
        term = total = 1.0 / a
        ap = a
        for _ in range(_MAX_ITER):
            ap += 1.0
            term *= x / ap
            total += term
            if abs(term) < abs(total) * _EPS:
                break
        return max(0.0, 1.0 - total * math.exp(log_prefactor))
    # continued fraction for Q(a, x), modified Lentz
    b = x + 1.0 - a
    c = 1.0 / _TINY
    d = 1.0 / b
    h = d
    for i in range(1, _MAX_ITER):
        an = -i * (i - a)
        b += 2.0
        d = an * d + b
        if abs(d) < _TINY:
            d = _TINY
        c = b + an / c
        if abs(c) < _TINY:
            c = _TINY
        d = 1.0 / d
        delta = d * c
        h *= delta
        if abs(delta - 1.0) < _EPS:
            break
    return min(1.0, math.exp(log_prefactor) * h)


def chi2_sf(x: float, df: int) -> float:
    """P(X >= x) for X ~ chi-square with `df` degrees of freedom."""
    if df <= 0:
        raise ValueError("df must be positive")
    if x <= 0:
        return 1.0
    return regularized_gamma_q(df / 2.0, x / 2.0)


def chi_square_gof(observed: list[int], expected_probs: list[float]) -> dict:
    """Pearson's goodness-of-fit test of counts against probabilities.

    Returns {"statistic", "df", "p_value", "min_expected"}; categories with
    expected probability 0 must have 0 observations (else the p-value is 0).
    """
    if len(observed) != len(expected_probs):
        raise ValueError("observed and expected_probs differ in length")
    total = sum(observed)
    psum = sum(expected_probs)
    cats = [(o, p / psum) for o, p in zip(observed, expected_probs)] if psum > 0 else []
    live = [(o, p) for o, p in cats if p > 0]
    df = len(live) - 1
    if any(o > 0 and p == 0 for o, p in cats):
        return {"statistic": math.inf, "df": max(df, 0), "p_value": 0.0, "min_expected": 0.0}
    if total == 0 or df < 1:
        return {"statistic": 0.0, "df": max(df, 0), "p_value": 1.0, "min_expected": 0.0}
    stat = sum((o - total * p) ** 2 / (total * p) for o, p in live)
    return {"statistic": stat, "df": df, "p_value": chi2_sf(stat, df),
            "min_expected": min(total * p for _, p in live)}


#: What decides a member's share, per competition: the panel, the page and the report say it.
DECIDED_BY = {
    "random": {"en": "random dispatch (the seed's idealised queue, not a Kafka mode): each record goes to a "
                     "uniformly random live member, so every share tends to 1/N whatever the members' speeds",
               "zh": "随机分派（种子文档中理想化的队列，不是 Kafka 的模式）：每条记录均匀随机地交给一个存活成员，"
                     "所以无论快慢，每个成员的份额都趋向 1/N"},
    "sharding": {"en": "a classic consumer group: a member processes the records of the partitions it owns, so "
                       "partition ownership and how keys spread over partitions decide its share, not a draw",
                 "zh": "经典消费者组：成员处理它所拥有分区里的记录，所以份额由分区归属和键在分区上的分布决定，"
                       "而不是抽签"},
    "share": {"en": "a share group: members pull batches of records from the partitions assigned to them, so "
                    "who fetches when records are available, and how fast each member works, decides its share; "
                    "there is no 1/N model to test",
              "zh": "共享组：成员从分配给它的分区中成批拉取记录，所以谁在有记录时拉取、每个成员处理得多快决定份额；"
                    "没有可供检验的 1/N 模型"},
    "first-free": {"en": "first-free: the member that is free first takes the record, so shares follow "
                         "capacity, rate_i / sum(rates)",
                   "zh": "先空先得：最先空闲的成员拿走记录，所以份额与处理能力成正比"},
}


def expected_shares(members: list[dict], competition: str) -> dict[str, float]:
    """The model's share of the wins per member: 1/N (random), rate_i / sum(rates) (first-free), or, in a
    consumer group (sharding), the member's share of the partitions it owns (records spread evenly over them);
    none for a share group (who fetches decides, there is no model to compare against)."""
    if not members or competition == "share":
        return {}
    if competition == "sharding":
        owned = [len(m.get("partitions") or []) for m in members]
        total = sum(owned)
        return {m["member_id"]: (k / total if total else 0.0) for m, k in zip(members, owned)}
    if competition == "first-free":
        total = sum(max(0.0, float(m.get("rate", 0.0))) for m in members)
        if total > 0:
            return {m["member_id"]: max(0.0, float(m.get("rate", 0.0))) / total for m in members}
    return {m["member_id"]: 1.0 / len(members) for m in members}


# -- the panel ----------------------------------------------------------------
#: The formulas the panel shows: (key, formula, its value for N and M, label in English and Chinese).
FORMULAS = (
    ("p_record", "1/N", lambda n, m: p_member_wins_record(n),
     {"en": "P(a member wins a given record)", "zh": "某个消费者赢得某条数据的概率"}),
    ("p_pair", "1/N × 1/M", p_pair,
     {"en": "the seed's P_win(i): member i and one particular record of the batch",
      "zh": "种子文档的 P_win(i)：消费者 i 赢得批次中某一条特定数据"}),
    ("expected_wins", "M/N", expected_wins_per_batch,
     {"en": "records a member wins per batch, on average", "zh": "每批数据中一个消费者平均赢得的条数"}),
    ("sd_wins", "√(M·(1/N)·(1−1/N))", sd_wins_per_batch,
     {"en": "standard deviation of a member's wins per batch", "zh": "每批中一个消费者赢得条数的标准差"}),
    ("p_at_least_one", "1 − (1 − 1/N)^M", p_member_wins_at_least_one,
     {"en": "P(a member wins at least one record of the batch)", "zh": "某个消费者在一批中至少赢得一条的概率"}),
)
FORMULA_LABELS = {key: label for key, _, _, label in FORMULAS}

#: The panel's own words (static/share-model.js shows them).
LABELS = {
    "title": {"en": "Who wins a record? The seed's probability model",
              "zh": "谁赢得一条数据？种子文档的概率模型"},
    "n": {"en": "N: live members competing", "zh": "N：参与竞争的消费者数"},
    "m": {"en": "M: records per batch", "zh": "M：每批数据条数"},
    "share": {"en": "share of wins", "zh": "获胜份额"},
    "expected_share": {"en": "model", "zh": "模型"},
    "ci95": {"en": "95% interval (Wilson)", "zh": "95% 区间（Wilson）"},
    "note": {"en": "Wins count first deliveries only; redeliveries after a lock expiry are counted apart.",
             "zh": "获胜只计首次投递；锁超时后的重新投递另行计数。"},
}


def _fmt(x: float) -> str:
    return f"{x:.4g}"


def _member_rows(members: list[dict], counts: list[int], expected: dict[str, float], total: int) -> list[dict]:
    """Each member's wins, share, the model's share and the 95% Wilson interval around the share (`total`:
    the wins of every member tested, shown or not)."""
    rows = []
    for mm, k in zip(members, counts):
        lo, hi = wilson_interval(k, total)
        exp = expected.get(mm["member_id"])
        rows.append({"member_id": mm["member_id"], "color": mm.get("color"), "rate": mm.get("rate"),
                     "wins": k, "share": k / total if total else None, "expected_share": exp, "ci95": [lo, hi],
                     "within_ci": (lo <= exp <= hi) if (total and exp is not None) else None})
    return rows


def _verdict(enough: bool, p: float, against: str | None, competition: str = "") -> dict:
    """The test's outcome in words, English and Chinese (or, with no model to test, what decides shares)."""
    if against is None:
        return dict(DECIDED_BY.get(competition) or DECIDED_BY["share"])
    model_en = "uniform shares (1/N each)" if against == "uniform" else "shares proportional to each member's rate"
    model_zh = "均匀份额（每人 1/N）" if against == "uniform" else "与各消费者处理速率成正比的份额"
    if not enough:
        return {"en": f"not enough wins yet to test against {model_en} (need ≥ {MIN_EXPECTED:g} expected per member)",
                "zh": f"获胜次数还不够，暂不能检验是否符合{model_zh}（每人期望值需 ≥ {MIN_EXPECTED:g}）"}
    if p >= ALPHA:
        return {"en": f"consistent with {model_en} (p = {_fmt(p)} ≥ {ALPHA:g})",
                "zh": f"与{model_zh}一致（p = {_fmt(p)} ≥ {ALPHA:g}）"}
    return {"en": f"differs from {model_en} (p = {_fmt(p)} < {ALPHA:g})",
            "zh": f"与{model_zh}不符（p = {_fmt(p)} < {ALPHA:g}）"}


#: Why a consumer group gets no goodness-of-fit test (the report and the page say it instead of a p-value).
SHARDING_NO_TEST = {
    "en": "not tested against 1/N: in a consumer group every partition has exactly one owner, so a member's "
          "share of the records follows the partitions it owns (and the keys that land on them), not a draw; "
          "compare it with the member's share of the partitions",
    "zh": "不做 1/N 检验：消费者组中每个分区只有一个拥有者，成员处理的份额取决于它拥有的分区"
          "（以及落在这些分区上的键），而不是随机抽取；请把份额与它所拥有的分区比例对照",
}


def _sharding_test() -> dict:
    """The `test` entry of a consumer group: not run (its shares are decided, not drawn)."""
    return {"kind": "chi-square goodness of fit", "against": "partitions", "applies": False,
            "statistic": None, "df": 0, "p_value": None, "alpha": ALPHA, "enough_data": False,
            "verdict": dict(SHARDING_NO_TEST)}


def model_panel(group_snapshot: dict, batch_size: int, rows_shown: int | None = None) -> dict:
    """The probability-model panel for one group's snapshot; labels in English and Chinese; a row for
    each active member, or for the first `rows_shown` of them (the test still uses every member).

    N is the number of live competing members (state "active"), M the batch
    size. The chi-square test runs over the active members' wins; it assumes
    they were all competing the whole time (add or remove members and the
    shares mix regimes: reset the counts by resetting the scenario).
    """
    competition = group_snapshot.get("competition", "random")
    wins = group_snapshot.get("wins", {})
    members = [m for m in group_snapshot.get("members", []) if m.get("state") == "active"]
    n = len(members)
    m = max(1, int(batch_size))
    expected = expected_shares(members, competition)
    counts = [int(wins.get(mm["member_id"], 0)) for mm in members]
    against = None if not expected and members else "capacity" if competition == "first-free" else "uniform"
    tested = n >= 2 and against is not None and competition != "sharding"
    gof = chi_square_gof(counts, [expected[mm["member_id"]] for mm in members]) if tested else \
        {"statistic": 0.0, "df": 0, "p_value": 1.0, "min_expected": 0.0}
    enough = n >= 2 and against is not None and gof["min_expected"] >= MIN_EXPECTED
    p = gof["p_value"]
    members_rows = _member_rows(members[:rows_shown], counts[:rows_shown], expected, sum(counts))
    if competition == "sharding":
        for r in members_rows:
            r["within_ci"] = None            # an interval around a decided share tests nothing
    return {
        "group_id": group_snapshot.get("group_id"),
        "competition": competition,
        "n": n, "m": m,
        "formulas": [{"key": key, "formula": formula, "value": value(n, m), "label": label}
                     for key, formula, value, label in FORMULAS],
        "members": members_rows,
        "total_wins": sum(counts),
        "test": _sharding_test() if competition == "sharding" else
        {"kind": "chi-square goodness of fit" if against else None, "against": against, "applies": against is not None,
         "statistic": gof["statistic"] if math.isfinite(gof["statistic"]) else None,
         "df": gof["df"], "p_value": p if against else None,
         "alpha": ALPHA, "enough_data": enough, "verdict": _verdict(enough, p, against, competition)},
        "labels": LABELS,
    }
