"""`groupviz.assignors.assign`, the documented path (README "Layout"), kept importable: the assignors live in
groupviz.kafka.assignors."""

from groupviz.kafka.assignors import REBALANCE_PROTOCOLS, STRATEGIES, AssignorError, assign, assign_server

__all__ = ["REBALANCE_PROTOCOLS", "STRATEGIES", "AssignorError", "assign", "assign_server"]
