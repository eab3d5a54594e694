"""The golden run: every scenario and every lesson (seeds 7 and 11) through one fixed script, then the
same run rebuilt by replaying its exported command log. `python -m tests.golden.record` writes the
files; tests/test_golden.py checks that the engine still produces them byte for byte.

Regenerate only when a change of behaviour is meant, in the same commit, and say why in its message.
"""

from __future__ import annotations

import gzip
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SEEDS = (7, 11)
RUN_MS = 120_000


def _first(snap, kind=None):
    for g in snap["groups"]:
        if kind is None or g["type"] == kind:
            return g
    return None


def _members(snap):
    g = _first(snap)
    return [m["member_id"] for m in g["members"]] if g else []


def script(eng) -> list:
    """add, kill, stop, rate change, assignor change, then run to 120 simulated seconds; every ack kept."""
    acks = []
    start = eng.time_ms

    def do(cmd):
        acks.append({"time_ms": eng.time_ms, "cmd": cmd, "ack": eng.apply(cmd)})

    eng.step(8_000)
    do({"op": "add_consumer"})
    eng.step(5_000)
    members = _members(eng.snapshot(history=False))
    do({"op": "kill_consumer", "member_id": members[0]})
    eng.step(7_000)
    do({"op": "stop_consumer", "member_id": members[1]})
    eng.step(5_000)
    do({"op": "set_consumer_rate", "member_id": members[-1], "rate": 35})
    do({"op": "set_producer_rate", "rate": 45})
    classic = _first(eng.snapshot(history=False), "consumer")
    if classic is not None:
        do({"op": "set_assignor", "group_id": classic["group_id"], "assignor": "cooperative-sticky"})
    else:   # no consumer group here: the refusal is part of the record too
        do({"op": "set_assignor", "assignor": "cooperative-sticky"})
    eng.step(start + RUN_MS - eng.time_ms)
    return acks


def describes(eng) -> dict:
    return {f"{g['group_id']}/{view}": eng.describe_group(g["group_id"], view)
            for g in eng.snapshot(history=False)["groups"] for view in ("offsets", "members", "state")}


def run_case(make_engine, start) -> dict:
    eng = make_engine()
    start_ack = start(eng)
    acks = script(eng)
    first = {"start": start_ack, "acks": acks, "snapshot": eng.snapshot(), "describe": describes(eng)}
    log = eng.export_log()
    replay_ack = eng.apply({"op": "replay", "log": log})
    second = {"ack": replay_ack, "snapshot": eng.snapshot(), "describe": describes(eng)}
    return {"log": log, "run": first, "replayed": second}


def cases():
    from groupviz.engine.core import Engine
    from groupviz.classroom.lessons import LESSONS
    from groupviz.engine.scenarios import SCENARIOS

    for seed in SEEDS:
        for name in SCENARIOS:
            yield f"scenario-{name}-{seed}", (lambda s=seed, n=name: Engine(seed=s, scenario=n)), (lambda e: None)
        for lesson in LESSONS:
            def start(e, lesson=lesson, seed=seed):
                acks = [e.apply({"op": "lesson", "lesson": lesson["id"], "step": 0, "seed": seed})]
                for k in range(1, len(lesson["steps"])):     # every step, each after its wait
                    e.step(max(lesson["steps"][k - 1]["wait_ms"], 2_000))
                    acks.append(e.apply({"op": "lesson", "lesson": lesson["id"], "step": k}))
                return acks
            yield f"lesson-{lesson['id']}-{seed}", (lambda: Engine(seed=7)), start


def render(case) -> bytes:
    return json.dumps(case, sort_keys=True, indent=0, ensure_ascii=False).encode()


def path_for(name: str) -> Path:
    return HERE / f"{name}.json.gz"


def write(name: str, data: bytes) -> None:
    path_for(name).write_bytes(gzip.compress(data, mtime=0))


def read(name: str) -> bytes:
    return gzip.decompress(path_for(name).read_bytes())


if __name__ == "__main__":
    only = set(sys.argv[1:])
    for name, make, start in cases():
        if only and name not in only:
            continue
        write(name, render(run_case(make, start)))
        print(name, path_for(name).stat().st_size)
