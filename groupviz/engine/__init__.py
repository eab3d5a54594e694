"""The engine: a deterministic, sans-IO simulation driven by `apply(command)` and `step(ms)`."""

from groupviz.engine.core import Engine

__all__ = ["Engine"]
