"""Command logs: a run as data (seed, scenario, every state-changing command at its simulated time),
checked before anything is rebuilt, and replayed into an engine.

    log = eng.export_log()
    eng.apply({"op": "replay", "log": log})     # the same run again: the same snapshot

Same seed + same commands at the same simulated times -> identical snapshots.
"""

from __future__ import annotations

from groupviz.engine import commands
from groupviz.engine.scenarios import SCENARIOS
from groupviz.errors import CommandError

FORMAT = "groupviz-log/1"
MAX_COMMANDS = 10_000
MAX_TIME_MS = 7 * 24 * 3600 * 1000


def export(seed: int, scenario: str, time_ms: int, complete: bool, command_log: list[dict]) -> dict:
    return {"format": FORMAT, "seed": seed, "scenario": scenario, "time_ms": time_ms, "complete": complete,
            "commands": list(command_log)}


def _int(name: str, lo: int, hi: int, value) -> int:
    return commands.check_value("replay", commands.Field(name, "int", True, lo, hi), value)


def check(log: dict, unlogged_ops) -> tuple[int, str, int, list[dict]]:
    """(seed, scenario, end time, commands) of a well-formed log, every command parsed; else CommandError."""
    if log.get("format") != FORMAT:
        raise CommandError(f"replay: 'log' must be a groupviz command log (format {FORMAT})")
    seed, scenario, end, cmds = log.get("seed"), log.get("scenario"), log.get("time_ms"), log.get("commands")
    seed = _int("seed", 0, commands.MAX_SEED, seed)
    if not isinstance(scenario, str) or scenario not in SCENARIOS:
        raise CommandError(f"replay: unknown scenario; known: {', '.join(SCENARIOS)}")
    end = _int("time_ms", 0, MAX_TIME_MS, end)
    if not isinstance(cmds, list) or len(cmds) > MAX_COMMANDS:
        raise CommandError(f"replay: 'commands' must be a list of at most {MAX_COMMANDS} entries")
    last = 0
    for i, entry in enumerate(cmds):
        if not isinstance(entry, dict) or not isinstance(entry.get("cmd"), dict):
            raise CommandError(f"replay: command {i} must be an object with 'time_ms' and 'cmd'")
        t = _int("time_ms", last, end, entry.get("time_ms"))
        if isinstance(entry["cmd"].get("op"), str) and entry["cmd"]["op"] in unlogged_ops:
            raise CommandError(f"replay: command {i} ({entry['cmd'].get('op')}) cannot be replayed")
        commands.parse(entry["cmd"])
        last = t
    return seed, scenario, end, cmds


def run(engine, cmds: list[dict], end: int) -> None:
    """Apply each command at its time, then run to `end`; CommandError on the first that fails."""
    for i, entry in enumerate(cmds):
        engine.step(entry["time_ms"] - engine.env.now)
        r = engine.apply(entry["cmd"])
        if not r["ok"]:
            raise CommandError(f"replay: command {i} failed when replayed: {r['error']}")
    engine.step(end - engine.env.now)
