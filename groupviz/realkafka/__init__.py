"""Real Kafka beside the simulation: the engine contract over real librdkafka clients (backend.py), each
in its own OS process (worker.py, clients.py), on librdkafka's mock cluster (mockcluster.py) or any
cluster; twin.py runs a simulated and a real group side by side. See README "Real Kafka"."""
