"""The seed's idealised models that are not Kafka (or Flink): kept apart so nobody mistakes them for a Kafka mode.

`dispatch.py`: "random dispatch", the seed's competition by random (section 4, P_win = 1/N): one queue,
each record handed to a uniformly random live member, the result sent back to the producer. Kafka has no
per-record random dispatch; its two real mechanisms are the classic group (sharding) and the share group
(members pull batches from the partitions assigned to them).
"""
