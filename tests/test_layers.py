"""The import direction, by package (README "Layout").

    groupviz.kafka      the Kafka port          imports nothing above it
    groupviz.flink      a Flink job on Kafka    may import kafka
    groupviz.seed       the seed's own models   may import kafka and flink (random dispatch: not a Kafka mode)
    groupviz.classroom  lessons, narration ...  may import kafka
    groupviz.engine     the simulation          may import kafka and classroom
    groupviz.realkafka  real librdkafka clients may import everything but serve; knows processes and wall time
    groupviz.serve      Flask, sockets, time    may import everything

`groupviz.errors` is the leaf every layer may import. Only the serving layer imports Flask,
Socket.IO, eventlet or gevent, or knows wall time and threads; nothing outside it calls hash()
on a str (salted per process) or reads a clock.
"""

import ast
from pathlib import Path

import pytest

PKG = Path(__file__).resolve().parent.parent / "groupviz"

LAYERS = ("kafka", "flink", "seed", "classroom", "engine", "realkafka", "serve")       # bottom to top
LEAF = {"errors"}
WEB = {"flask", "flask_socketio", "socketio", "engineio", "werkzeug", "eventlet", "gevent"}
WALL_TIME = {"time", "threading", "asyncio", "datetime", "eventlet", "gevent"}


def _absolute(path: Path, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    parts = list(path.relative_to(PKG.parent).with_suffix("").parts)[:-node.level]
    return ".".join(parts + ([node.module] if node.module else []))


def imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = _absolute(path, node)
            names.add(base)
            if base in ("groupviz",) or base.count(".") == 1 and base.startswith("groupviz."):
                names |= {f"{base}.{a.name}" for a in node.names}
    return names


def layer_of(path: Path) -> str | None:
    rel = path.relative_to(PKG).parts
    return rel[0] if len(rel) > 1 else None


MODULES = sorted(p for p in PKG.rglob("*.py"))
IN_LAYERS = [p for p in MODULES if layer_of(p)]


def test_every_module_sits_in_a_layer_or_is_a_named_top_level_module():
    top = {p.stem for p in MODULES if not layer_of(p)}
    # __init__ re-exports the public API; assignors.py keeps the documented `groupviz.assignors.assign`
    assert top <= {"__init__", "errors", "assignors"}, top
    assert {layer_of(p) for p in IN_LAYERS} <= set(LAYERS)


@pytest.mark.parametrize("path", IN_LAYERS, ids=lambda p: str(p.relative_to(PKG)))
def test_imports_point_down_only(path):
    mine = LAYERS.index(layer_of(path))
    for name in imports(path):
        parts = name.split(".")
        if parts[0] != "groupviz" or len(parts) < 2 or parts[1] in LEAF:
            continue
        assert parts[1] in LAYERS, f"{path.relative_to(PKG)} imports {name}, which is in no layer"
        assert LAYERS.index(parts[1]) <= mine, f"{path.relative_to(PKG)} ({LAYERS[mine]}) imports {name} (above it)"


WEB_TIME_FREE = [p for p in MODULES if layer_of(p) not in ("serve", "realkafka")]


@pytest.mark.parametrize("path", [p for p in MODULES if layer_of(p) != "serve"], ids=lambda p: str(p.relative_to(PKG)))
def test_only_the_serving_layer_imports_the_web_stack(path):
    tops = {n.split(".")[0] for n in imports(path)}
    assert not tops & WEB, f"{path.relative_to(PKG)} imports {tops & WEB}"


@pytest.mark.parametrize("path", WEB_TIME_FREE, ids=lambda p: str(p.relative_to(PKG)))
def test_only_the_serving_and_real_kafka_layers_know_flask_sockets_threads_and_wall_time(path):
    tops = {n.split(".")[0] for n in imports(path)}
    assert not tops & WEB, f"{path.relative_to(PKG)} imports {tops & WEB}"
    assert not tops & WALL_TIME, f"{path.relative_to(PKG)} imports {tops & WALL_TIME}"


@pytest.mark.parametrize("path", WEB_TIME_FREE, ids=lambda p: str(p.relative_to(PKG)))
def test_engine_never_uses_str_hash_or_wall_clock_calls(path):
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            assert node.func.id != "hash", f"{path.name}:{node.lineno} calls hash() (salted per process)"
        if isinstance(node, ast.Attribute):
            assert node.attr not in ("time_ns", "monotonic", "perf_counter"), f"{path.name}:{node.lineno}"


def test_the_public_api_is_importable_from_the_top_and_the_named_paths():
    import groupviz
    from groupviz.assignors import assign
    from groupviz.engine import Engine

    assert groupviz.Engine is Engine and groupviz.assign is assign
