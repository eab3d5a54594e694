"""groupviz: a live classroom dashboard for consumer groups (a simulated Kafka-style cluster)."""

__version__ = "0.1.0"
