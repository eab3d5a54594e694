"""librdkafka's mock cluster, reached with ctypes in the librdkafka that ships inside the confluent-kafka wheel.

The mock speaks the Kafka protocol on 127.0.0.1 and other processes connect to it like to any broker.
It has no CreateTopics, ListGroups or DescribeGroups handlers: topics are created here, through
`rd_kafka_mock_topic_create`. Destroying it while a client of the same process is alive aborts the
process, so groupviz runs it alone in its own child process (worker.py `cluster`) and ends it last.
"""

from __future__ import annotations

import ctypes
import glob
import os

RD_KAFKA_PRODUCER = 0


def find_librdkafka() -> str:
    """The librdkafka shared library bundled with confluent-kafka (confluent_kafka.libs/)."""
    import confluent_kafka

    pkg = os.path.dirname(confluent_kafka.__file__)
    found = sorted(glob.glob(os.path.join(pkg, os.pardir, "confluent_kafka.libs", "librdkafka*.so*")))
    if not found:
        raise RuntimeError("confluent-kafka ships no librdkafka in confluent_kafka.libs/; "
                           "install the manylinux wheel pinned in requirements.txt")
    return os.path.abspath(found[0])


def _lib() -> ctypes.CDLL:
    lib = ctypes.CDLL(find_librdkafka())
    vp, cp, i = ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int
    lib.rd_kafka_conf_new.restype = vp
    lib.rd_kafka_new.restype = vp
    lib.rd_kafka_new.argtypes = [i, vp, ctypes.c_char_p, ctypes.c_size_t]
    lib.rd_kafka_mock_cluster_new.restype = vp
    lib.rd_kafka_mock_cluster_new.argtypes = [vp, i]
    lib.rd_kafka_mock_cluster_bootstraps.restype = cp
    lib.rd_kafka_mock_cluster_bootstraps.argtypes = [vp]
    lib.rd_kafka_mock_topic_create.restype = i
    lib.rd_kafka_mock_topic_create.argtypes = [vp, cp, i, i]
    lib.rd_kafka_mock_broker_set_down.argtypes = [vp, ctypes.c_int32]
    lib.rd_kafka_mock_broker_set_up.argtypes = [vp, ctypes.c_int32]
    lib.rd_kafka_mock_cluster_destroy.argtypes = [vp]
    lib.rd_kafka_destroy.argtypes = [vp]
    return lib


class MockCluster:
    """`MockCluster(brokers=1)`: .bootstrap ("127.0.0.1:port,..."), .create_topic(name, partitions), .close()."""

    def __init__(self, brokers: int = 1):
        self._lib = _lib()
        err = ctypes.create_string_buffer(512)
        self._rk = self._lib.rd_kafka_new(RD_KAFKA_PRODUCER, self._lib.rd_kafka_conf_new(), err, len(err))
        if not self._rk:
            raise RuntimeError(f"rd_kafka_new failed: {err.value.decode(errors='replace')}")
        self._mc = self._lib.rd_kafka_mock_cluster_new(self._rk, int(brokers))
        if not self._mc:
            self._lib.rd_kafka_destroy(self._rk)
            raise RuntimeError("rd_kafka_mock_cluster_new failed")
        self.brokers = int(brokers)
        self.bootstrap = self._lib.rd_kafka_mock_cluster_bootstraps(self._mc).decode()

    def create_topic(self, name: str, partitions: int, replication: int = 1) -> None:
        code = self._lib.rd_kafka_mock_topic_create(self._mc, name.encode(), int(partitions), int(replication))
        if code != 0:
            raise RuntimeError(f"rd_kafka_mock_topic_create({name!r}, {partitions}) failed with error {code}")

    def broker_down(self, broker_id: int) -> None:
        self._lib.rd_kafka_mock_broker_set_down(self._mc, int(broker_id))

    def broker_up(self, broker_id: int) -> None:
        self._lib.rd_kafka_mock_broker_set_up(self._mc, int(broker_id))

    def close(self) -> None:
        """The cluster first, then the handle that made it; no client of this process may be alive."""
        if self._mc:
            self._lib.rd_kafka_mock_cluster_destroy(self._mc)
            self._mc = None
        if self._rk:
            self._lib.rd_kafka_destroy(self._rk)
            self._rk = None
