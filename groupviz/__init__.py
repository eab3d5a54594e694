"""groupviz: a live classroom dashboard for consumer groups (a simulated Kafka-style cluster).

The public API, as h11 exports its own from the top:

    import groupviz
    eng = groupviz.Engine(seed=7)          # the sans-IO engine (groupviz.engine)
    groupviz.assign("range", subs, parts)  # Kafka's client assignors (groupviz.kafka.assignors)

The packages, bottom to top (imports point down only; tests/test_layers.py checks it):
`kafka` (the Kafka port: log, producer, assignors, classic and share groups), `classroom` (lessons,
narration, the probability model, the report), `engine` (the deterministic simulation: commands,
scenarios, replay, metrics, invariants), `serve` (Flask, Socket.IO, the real-time ticker).
"""

from groupviz.engine import Engine
from groupviz.kafka.assignors import assign, assign_server

__all__ = ["Engine", "assign", "assign_server"]
__version__ = "0.1.0"
