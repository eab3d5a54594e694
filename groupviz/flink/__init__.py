"""A Flink job reading the topic with flink-connector-kafka's KafkaSource (docs/flink-fidelity.md).

The seed's other system. Flink does not use Kafka's group protocol: the source enumerator assigns
partitions (splits) to the parallel source subtasks by a fixed rule (enumerator.py), reader positions live
in checkpoints (checkpoints.py) and offsets reach Kafka only when a checkpoint completes, and a failure
restarts the whole job from its last completed checkpoint (job.py) instead of rebalancing.

This layer may import groupviz.kafka and groupviz.errors only (tests/test_layers.py).
"""
