"""Scripted lessons: steps with narration (en/zh), the actions each step performs,
and what to notice. The presenter's page walks through them; every viewer sees
the same step because the current lesson is part of the snapshot.

A step's `actions` are ordinary commands, applied when the step is entered
going forward (going back only shows the text again). Step 0 of every lesson
resets the engine to the lesson's scenario and seed.

Each lesson lives in a module of this package (one or a few lessons each, written with
`script.T` and `script.step`); this module puts them in the order the lesson picker shows.
"""

from __future__ import annotations

from groupviz.classroom.lessons import competing, core, rolling_restart, share_storm, slow_consumer, two_topics
from groupviz.classroom.lessons.core import FLINK_JOBS
from groupviz.classroom.lessons.script import T, step

__all__ = ["FLINK_JOBS", "LESSONS", "BY_ID", "T", "step", "listing"]

#: In the order of their titles' numbers: 1 (competing.py), 2-7 (core.py), 8 (competing.py), 9-10 (core.py),
#: then the lessons of issue 16, each after the basics it builds on: 11 the slow consumer (another way out of
#: the group, after 3's crash and leave and 7's duplicates), 12 the rolling restart (LeaveGroup and the session
#: timeout again, now with static members), 13 range versus roundrobin across two topics (assignors only),
#: 14 the share group's redelivery storm (the newest protocol, after 1's share group, last).
LESSONS: list[dict] = [competing.COMPETING, *core.LESSONS[:6], competing.SEED_DEMO, *core.LESSONS[6:],
                       *slow_consumer.LESSONS, *rolling_restart.LESSONS, *two_topics.LESSONS,
                       *share_storm.LESSONS]

BY_ID = {lesson["id"]: lesson for lesson in LESSONS}


def listing() -> list[dict]:
    """GET /api/lessons: ids, titles and step counts (both languages), and each step's script
    (narration, what to notice, the commands it applies, how long auto-play waits, what it shows)
    for the lesson player."""
    return [{"id": x["id"], "title": x["title"], "scenario": x["scenario"], "seed": x["seed"],
             "steps": len(x["steps"]),
             "script": [{"narration": s["narration"], "notice": s["notice"], "actions": s["actions"],
                         "wait_ms": s["wait_ms"], "view": s.get("view", {})} for s in x["steps"]]}
            for x in LESSONS]
