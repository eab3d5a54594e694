"""The Kafka layer: a pure, sans-IO port of what a Kafka cluster and its clients do for consumer groups.

It imports nothing above it (no engine, no classroom, no serving layer)."""
