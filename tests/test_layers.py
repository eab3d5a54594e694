"""DESIGN.md's import direction: only web.py imports Flask; only realtime.py knows wall time."""

import ast
from pathlib import Path

PKG = Path(__file__).resolve().parent.parent / "groupviz"

FLASK = {"flask", "flask_socketio", "socketio", "engineio", "werkzeug"}
WALL_TIME = {"time", "threading", "eventlet", "gevent", "asyncio", "datetime"}


def imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                names.add("." + (node.module or "").split(".")[0])
            else:
                names.add(node.module.split(".")[0])
    return names


def modules():
    return {p.stem: imports(p) for p in PKG.glob("*.py")}


def test_only_web_imports_flask():
    for name, imps in modules().items():
        if name != "web":
            assert not imps & FLASK, f"groupviz/{name}.py imports {imps & FLASK}"


def test_only_realtime_knows_wall_time_and_threads():
    for name, imps in modules().items():
        if name not in ("realtime", "web"):
            assert not imps & WALL_TIME, f"groupviz/{name}.py imports {imps & WALL_TIME}"


def test_imports_point_down_only():
    mods = modules()
    # the engine and the domain never import the layers above them
    for name, imps in mods.items():
        if name not in ("web",):
            assert ".web" not in imps, f"{name} imports web"
        if name not in ("web", "realtime"):
            assert ".realtime" not in imps, f"{name} imports realtime"


def test_engine_never_uses_str_hash_or_wall_clock_calls():
    for p in PKG.glob("*.py"):
        if p.stem in ("realtime", "web"):
            continue
        tree = ast.parse(p.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                assert node.func.id != "hash", f"{p.name}:{node.lineno} calls hash() (salted per process)"
            if isinstance(node, ast.Attribute):
                assert node.attr not in ("time_ns", "monotonic", "perf_counter"), f"{p.name}:{node.lineno}"
