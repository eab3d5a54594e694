"""The seed's probability model beside what one group measured (classroom.probability.model_panel).

Random dispatch's "wins" are the records the dispatcher handed each member (the seed's 1/N); a share
group's are first deliveries, its shares set by who fetches; a consumer group's are the records each
member processed, its shares set by partition ownership ("sharding"). Both are counted since `since_ms`, the first sample
after the competition last changed (members, states, rates): the engine keeps that regime per group.
Labels live in the page's catalogues, so the wire carries numbers and the verdict only.
"""

from __future__ import annotations

from groupviz.classroom.probability import model_panel

MODEL_ROWS_SHOWN = 32    # per-member rows of the probability model in a snapshot (the test uses every member)


def model_of(row: dict) -> str:
    """Which model a group's shares are read against: "random" (random dispatch, the seed's 1/N), "sharding"
    (a consumer group: partition ownership) or "share" (a share group: the partitions the simple assignor
    gives each member and who fetches first decide, whatever the order its broker serves fetches in; no 1/N
    model)."""
    if row.get("type") == "share":
        return "share"
    return row.get("competition") or "sharding"


def model_view(row: dict, counts: dict[str, int], regime: dict | None, batch_size: int) -> dict:
    """The `model` entry of a group's snapshot row; `counts` are the group's model counts now, `regime`
    {"base": counts when the regime began, "since_ms": ...} or None before the first sample."""
    base = regime["base"] if regime else {}
    wins = {mid: max(0, n - base.get(mid, 0)) for mid, n in counts.items()}
    competition = model_of(row)
    panel = model_panel({"group_id": row["group_id"], "competition": competition,
                         "members": row["members"], "wins": wins}, batch_size, MODEL_ROWS_SHOWN)
    panel["since_ms"] = regime["since_ms"] if regime else 0
    panel.pop("labels", None)
    for f in panel["formulas"]:
        f.pop("label", None)
    panel["competition"] = competition
    panel["members_total"] = panel["n"]       # the active members: a row each, the first MODEL_ROWS_SHOWN shown
    return panel
