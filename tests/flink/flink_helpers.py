"""The world the Flink tests share: the lesson's default scenario (g1) with its two Flink jobs."""

from groupviz.classroom.lessons import FLINK_JOBS
from groupviz.engine.core import Engine


def flink_engine(seed=7):
    """g1 (a consumer group, 3 members) and the Flink jobs 'job' (plain sink) and 'job-2pc', added at time 0."""
    e = Engine(seed=seed)
    for cmd in FLINK_JOBS:
        assert e.apply(cmd)["ok"]
    return e
