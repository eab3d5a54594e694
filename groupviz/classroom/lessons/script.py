"""The two helpers every lesson module writes its steps with, and the vocabulary of a step's `view`.

A step's `view` says what the page shows while the step is on screen; the lesson player (static/lessons.js,
static/lesson-view.js) applies it on the presenter's page and on every viewer's whenever the step is entered,
forward or back. Every key is optional:

- ``group``: a group id of the lesson's scenario, or one the step's actions (or an earlier step's) create.
  The page shows that group: the header, the consumer cards, the charts, the probability panel, the Kafka
  details' describe and configs, and the Now strip (which shows only that group's events and the topic's).
- ``tab``: which screen, one of `TABS`: ``"board"`` (producer, topic, group, charts, rebalances, event log)
  or ``"kafka"`` (the Kafka details: every group, rebalance phases, describe, configs, protocol view).
  On a narrow screen (a phone) both are one page; the tab is then left to the reader.
- ``member``: a member of that group the step talks about ("consumer-7 is idle"): its card is scrolled into
  view when the cards overflow their panel.
- ``chart``: what the step points at, one of `CHARTS` (each belongs to one tab, which it implies when ``tab``
  is left out): the player outlines it and, on a desktop screen, scrolls it into view; ``describe``, ``members``,
  ``state`` and ``configs`` also open that tab of the Kafka details' tools.

`view_problems` names an unknown key, tab or chart, or a chart on the other tab;
tests/classroom/test_lesson_views.py asserts there is none in any lesson and checks each view's group (and member)
against the engine, step by step.
The page ignores what it does not know (an unknown chart outlines nothing).
"""

from __future__ import annotations

#: The screens a step can show.
TABS = ("board", "kafka")

#: chart id -> (its tab, the CSS selector of what the page outlines, the Kafka-details tab button it presses or "").
#: The page receives this table (PAGE_CONSTANTS["lesson_charts"]); no list of chart ids is kept in JavaScript.
CHARTS: dict[str, tuple[str, str, str]] = {
    "producer": ("board", "article.producer", ""),
    "topic": ("board", '[data-testid="assignment-view"]', ""),
    "consumers": ("board", "article.group", ""),
    "lag": ("board", '[data-testid="lag-chart"]', ""),
    "throughput": ("board", '[data-testid="throughput-chart"]', ""),
    "timeline": ("board", '[data-testid="rebalance-timeline"]', ""),
    "probability": ("board", '[data-testid="probability-panel"]', ""),
    "results": ("board", '[data-testid="results-flow"]', ""),
    "inflight": ("board", '[data-testid="share-inflight"]', ""),
    "flink": ("board", '[data-testid="flink-row"]', ""),
    "overview": ("kafka", '[data-testid="groups-overview"]', ""),
    "gantt": ("kafka", '[data-testid="rebalance-gantt"]', ""),
    "describe": ("kafka", '[data-testid="describe-panel"]', "describe-tab-offsets"),
    "members": ("kafka", '[data-testid="describe-panel"]', "describe-tab-members"),
    "state": ("kafka", '[data-testid="describe-panel"]', "describe-tab-state"),
    "configs": ("kafka", '[data-testid="config-panel"]', "config-tab"),
    "protocol": ("kafka", '[data-testid="protocol-view"]', ""),
    "ownership": ("kafka", '[data-testid="ownership-timeline"]', ""),
}

VIEW_KEYS = ("group", "member", "tab", "chart")


def T(en: str, zh: str) -> dict:
    return {"en": en, "zh": zh}


def view_problems(view: dict) -> list[str]:
    """What is wrong with a step's view: an unknown key, tab or chart, a chart on the other tab, a member
    without its group (tests/classroom/test_lesson_views.py asserts there is nothing, for every lesson)."""
    problems = [f"unknown key {k!r}; a view has {list(VIEW_KEYS)}" for k in sorted(set(view) - set(VIEW_KEYS))]
    for key in ("group", "member"):
        if key in view and not (isinstance(view[key], str) and view[key]):
            problems.append(f"{key} must be an id, not {view[key]!r}")
    if "member" in view and "group" not in view:
        problems.append("a member needs its group")
    if "tab" in view and view["tab"] not in TABS:
        problems.append(f"tab {view['tab']!r} is not one of {list(TABS)}")
    chart = view.get("chart")
    if chart is not None and chart not in CHARTS:
        problems.append(f"chart {chart!r} is not one of {sorted(CHARTS)}")
    elif chart is not None and view.get("tab", CHARTS[chart][0]) != CHARTS[chart][0]:
        problems.append(f"chart {chart!r} is on tab {CHARTS[chart][0]!r}, not {view['tab']!r}")
    return problems


def _with_tab(view) -> dict:
    """A copy of the view with the tab its chart implies, when it names a known chart and no tab."""
    view = dict(view or {})
    if view.get("chart") in CHARTS and "tab" not in view:
        view["tab"] = CHARTS[view["chart"]][0]
    return view


def step(narration, notice, actions=(), wait_ms=0, view=None):
    """One lesson step. `view` (optional) is what the page shows while the step is on screen:
    {"group": group id, "member": member id, "tab": one of TABS, "chart": one of CHARTS} (see the module's
    docstring)."""
    return {"narration": narration, "notice": notice, "actions": list(actions), "wait_ms": wait_ms,
            "view": _with_tab(view)}
