"""What the engine process and the socket workers share (`app.py --workers N`, docs/scaling.md).

Two paths through one Redis:

- Flask-SocketIO's message queue (channel MQ_CHANNEL): the engine process publishes ticks and
  snapshots through a write-only `socketio.RedisManager`; every worker's Socket.IO server relays
  them to its own clients. One publisher on one channel: every viewer on every worker sees the
  same ticks in the same order.
- The control channel (CONTROL, plain Redis pub/sub): workers send the engine commands, a
  client's hello (which room to join and a snapshot) and resync requests; the engine answers
  on the worker's REPLY channel. ALIVE_KEY, refreshed by the engine, says it is running; LOG_KEY
  keeps its command log so a restarted engine replays the run.
"""

from __future__ import annotations

import json

MQ_CHANNEL = "groupviz"
CONTROL = "groupviz:control"
REPLY = "groupviz:reply:"           # + worker id
ALIVE_KEY = "groupviz:engine-alive"
LOG_KEY = "groupviz:command-log"
ALIVE_EVERY_S = 0.25                 # the engine refreshes ALIVE_KEY this often ...
ALIVE_TTL_MS = 1500                  # ... and it expires this long after the engine stopped
WORKER_ROOM = "worker:"              # + worker id: every client of that worker (resync snapshots)

# The page's link status ("link" event, sent by a worker to its own clients only)
LINK_OK = "ok"
LINK_QUEUE = "queue"                 # Redis cannot be reached: the page keeps the last state
LINK_ENGINE = "engine"               # the engine process is not running

ENGINE_GONE = "the simulation process is not running; the page shows the last state it received"
QUEUE_GONE = "the message queue (Redis) cannot be reached; the page shows the last state it received"
NO_ANSWER = "the simulation process did not answer in time; try again"


def dumps(obj) -> str:
    return json.dumps(obj, separators=(",", ":"), default=str)


def redis_client(url: str, name: str):
    """A redis-py client that fails fast (the monitors notice an outage within a second)."""
    import redis

    return redis.Redis.from_url(url, client_name=name, socket_timeout=2.0, socket_connect_timeout=1.0,
                                health_check_interval=0, decode_responses=False)


def mq_manager(url: str, name: str, write_only: bool = False):
    """Flask-SocketIO's Redis message queue, its connections named `name` (CLIENT LIST shows whether
    a worker's subscription is back after Redis restarted: relay_worker.mq_subscribed)."""
    import socketio

    return socketio.RedisManager(url, channel=MQ_CHANNEL, write_only=write_only,
                                 redis_options={"client_name": name, "socket_connect_timeout": 1.0})
