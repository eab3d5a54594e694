"""A lesson step's view (issue 18): every view of every lesson names a group the engine has at that step (after
the step's actions), a real tab and a real chart; the vocabulary points at elements the page has."""

import re
from pathlib import Path

import pytest

from groupviz.classroom.lessons import LESSONS
from groupviz.classroom.lessons.script import CHARTS, TABS, step, T, view_problems
from groupviz.engine.core import Engine

PAGE = (Path(__file__).resolve().parents[2] / "templates" / "index.html").read_text(encoding="utf-8")

#: The lessons another helper rewrites (issue 18): their views come with the rewrite.
NOT_YET: set = set()


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda x: x["id"])
def test_every_view_names_a_group_of_that_step_a_real_tab_and_a_real_chart(lesson):
    e = Engine(seed=1)
    for k, s in enumerate(lesson["steps"]):
        assert e.apply({"op": "lesson", "lesson": lesson["id"], "step": k})["ok"]
        view = s["view"]
        assert view_problems(view) == [], f"step {k + 1}: {view_problems(view)}"
        groups = [g["group_id"] for g in e.snapshot(history=False)["groups"]]
        if "group" in view:
            assert view["group"] in groups, f"step {k + 1}: no group {view['group']!r}, only {groups}"
        if "member" in view:
            group = next(g for g in e.snapshot(history=False)["groups"] if g["group_id"] == view["group"])
            members = [m["member_id"] for m in group["members"]]
            assert view["member"] in members, f"step {k + 1}: {view['group']} has no {view['member']!r}: {members}"
        if "tab" in view:
            assert view["tab"] in TABS
        if "chart" in view:
            assert view["chart"] in CHARTS and CHARTS[view["chart"]][0] == view["tab"]
        e.step(max(s["wait_ms"], 1000))


@pytest.mark.parametrize("lesson", [x for x in LESSONS if x["id"] not in NOT_YET], ids=lambda x: x["id"])
def test_every_step_says_which_group_and_chart_it_talks_about(lesson):
    for k, s in enumerate(lesson["steps"]):
        assert {"group", "tab", "chart"} <= set(s["view"]), f"{lesson['id']} step {k + 1} has no full view"


def test_every_chart_points_at_an_element_of_the_page():
    for chart, (tab, selector, press) in CHARTS.items():
        assert tab in TABS, chart
        testid = re.fullmatch(r'\[data-testid="([\w-]+)"\]', selector)
        if testid:
            assert f'data-testid="{testid.group(1)}"' in PAGE, chart
        else:
            tag, cls = selector.split(".")
            assert re.search(rf'<{tag} class="[^"]*\b{cls}\b', PAGE), chart
        if press:
            assert f'data-testid="{press}"' in PAGE, chart


@pytest.mark.parametrize("view,message", [
    ({"group": ""}, "group must be an id"),
    ({"member": "consumer-1"}, "a member needs its group"),
    ({"tab": "nope"}, "tab 'nope' is not one of"),
    ({"chart": "pie"}, "chart 'pie' is not one of"),
    ({"tab": "board", "chart": "gantt"}, "chart 'gantt' is on tab 'kafka', not 'board'"),
    ({"groups": "g1"}, "unknown key 'groups'"),
])
def test_a_view_with_a_typo_is_named_by_view_problems(view, message):
    problems = view_problems(step(T("a", "甲"), T("b", "乙"), view=view)["view"])
    assert len(problems) == 1 and message in problems[0], problems


def test_a_chart_implies_its_tab():
    assert step(T("a", "甲"), T("b", "乙"), view={"chart": "gantt"})["view"] == {"chart": "gantt", "tab": "kafka"}
    assert step(T("a", "甲"), T("b", "乙"))["view"] == {}
