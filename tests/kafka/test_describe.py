"""groupviz/kafka/describe.py against Kafka's ConsumerGroupCommand format strings, Engine.describe, GET /api/describe."""

import pytest
from conftest import run_until, stable

from groupviz.kafka.describe import describe, describe_members, describe_offsets, describe_state
from groupviz.engine.core import Engine
from groupviz.kafka.config import CLASSROOM_CONFIG, KAFKA_DEFAULTS

# A hand-made Stable group: a long member id widens CONSUMER-ID, one committed partition has no owner,
# one owned partition has no commit yet.
GROUP = {
    "group_id": "g1", "state": "Stable", "assignor": "range",
    "partitions": [
        {"topic": "orders", "partition": 0, "committed": 100, "log_end_offset": 120, "lag": 20},
        {"topic": "orders", "partition": 1, "committed": None, "log_end_offset": 7, "lag": None},
        {"topic": "orders", "partition": 2, "committed": 50, "log_end_offset": 55, "lag": 5},
        {"topic": "orders", "partition": 3, "committed": 9, "log_end_offset": 9, "lag": 0},
    ],
    "coordinator_members": [
        {"member_id": "c-1", "host": "/10.0.0.11", "client_id": "c-1", "partitions": [["orders", 2]]},
        {"member_id": "consumer-with-a-long-id-1", "host": "/10.0.0.12", "client_id": "consumer-with-a-long-id-1",
         "partitions": [["orders", 1], ["orders", 0]]},
    ],
}


def kafka_offsets_line(*cols, c=15, h=15):
    # printOffsetFormat (not verbose): "\n%-Gs %-Ts %-10s %-15s %-15s %-15s %-Cs %-Hs %s"
    g, t, p, cur, leo, lag, cid, host, client = cols
    return f"\n{g:<15} {t:<15} {p:<10} {cur:<15} {leo:<15} {lag:<15} {cid:<{c}} {host:<{h}} {client}"


def test_offsets_view_is_kafkas_printOffsets_byte_for_byte():
    c = len("consumer-with-a-long-id-1")
    expected = "".join([
        kafka_offsets_line("GROUP", "TOPIC", "PARTITION", "CURRENT-OFFSET", "LOG-END-OFFSET", "LAG", "CONSUMER-ID",
                           "HOST", "CLIENT-ID", c=c),
        # members with the most partitions first, each member's partitions by topic then partition
        kafka_offsets_line("g1", "orders", "0", "100", "120", "20", "consumer-with-a-long-id-1", "/10.0.0.12",
                           "consumer-with-a-long-id-1", c=c),
        kafka_offsets_line("g1", "orders", "1", "-", "7", "-", "consumer-with-a-long-id-1", "/10.0.0.12",
                           "consumer-with-a-long-id-1", c=c),
        kafka_offsets_line("g1", "orders", "2", "50", "55", "5", "c-1", "/10.0.0.11", "c-1", c=c),
        # then committed partitions that no member owns, with "-" for the consumer
        kafka_offsets_line("g1", "orders", "3", "9", "9", "0", "-", "-", "-", c=c),
        "\n",
    ])
    assert describe_offsets(GROUP) == expected


def test_members_view_is_kafkas_printMembers_with_the_trailing_space():
    c = len("consumer-with-a-long-id-1")
    fmt = "{:<15} {:<%d} {:<15} {:<%d} {:<15} " % (c, c)
    expected = ("\n" + fmt.format("GROUP", "CONSUMER-ID", "HOST", "CLIENT-ID", "#PARTITIONS") + "\n"
                + fmt.format("g1", "c-1", "/10.0.0.11", "c-1", "1") + "\n"
                + fmt.format("g1", "consumer-with-a-long-id-1", "/10.0.0.12", "consumer-with-a-long-id-1", "2") + "\n")
    assert describe_members(GROUP) == expected


def test_state_view_is_kafkas_printStates():
    fmt = "\n{:<15} {:<25} {:<20} {:<20} {}"
    expected = (fmt.format("GROUP", "COORDINATOR (ID)", "ASSIGNMENT-STRATEGY", "STATE", "#MEMBERS")
                + fmt.format("g1", "localhost:9092  (1)", "range", "Stable", "2") + "\n")
    assert describe_state(GROUP) == expected


def test_dead_group_prints_kafkas_error_line():
    dead = dict(GROUP, state="Dead")
    for fn in (describe_offsets, describe_members, describe_state):
        assert fn(dead) == "\nError: Consumer group 'g1' does not exist.\n"


def test_describe_names_the_command_line_it_stands_for():
    d = describe(GROUP, "members")
    assert d["command"] == "kafka-consumer-groups.sh --bootstrap-server localhost:9092 --describe --group g1 --members"
    assert d["output"] == describe_members(GROUP)


# -- Engine.describe ----------------------------------------------------------------------------

def test_engine_describe_renders_a_live_group():
    e = Engine(seed=7)
    run_until(e, stable)
    e.step(2000)
    d = e.describe_group("g1", "offsets")
    assert d["ok"] and d["view"] == "offsets"
    lines = d["output"].split("\n")
    assert lines[1].split() == ["GROUP", "TOPIC", "PARTITION", "CURRENT-OFFSET", "LOG-END-OFFSET", "LAG",
                                "CONSUMER-ID", "HOST", "CLIENT-ID"]
    assert len(lines) == 2 + 6 + 1


def test_engine_describe_of_an_unknown_group_prints_kafkas_does_not_exist_error():
    d = Engine(seed=7).describe_group("nope", "members")
    assert d["ok"] and d["output"] == "\nError: Consumer group 'nope' does not exist.\n"


@pytest.mark.parametrize("group_id, view, error", [
    ("g1", "verbose", "view must be one of offsets, members, state"),
    ("", "offsets", "group must be 1-64 characters"),
    (None, "offsets", "group must be 1-64 characters"),
])
def test_engine_describe_refuses_bad_input_with_a_clear_message(group_id, view, error):
    d = Engine(seed=7).describe_group(group_id, view)
    assert d["ok"] is False and d["error"].startswith(error)


# -- HTTP ---------------------------------------------------------------------------------------

def test_api_describe_answers_each_view_and_viewers_may_read_it():
    from groupviz.serve.app import create_app

    app = create_app({"ASYNC_MODE": "threading", "START_TICKER": False, "PRESENTER_TOKEN": "secret"})
    app.extensions["groupviz"].engine.step(10_000)
    http = app.test_client()          # no token: a viewer
    for view, head in (("offsets", "GROUP"), ("members", "GROUP"), ("state", "GROUP")):
        r = http.get(f"/api/describe?group=g1&view={view}")
        assert r.status_code == 200 and r.headers["Cache-Control"] == "no-store"
        body = r.get_json()
        assert body["ok"] and body["command"].endswith("--group g1" + ("" if view == "offsets" else f" --{view}"))
        assert head in body["output"]
    assert http.get("/api/describe?group=g1").get_json()["view"] == "offsets"
    r = http.get("/api/describe?group=ghost")
    assert r.status_code == 200 and r.get_json()["output"] == "\nError: Consumer group 'ghost' does not exist.\n"
    assert http.get("/api/describe?group=g1&view=x").status_code == 400
    assert http.get("/api/describe").status_code == 400


def test_api_group_configs_lists_kafka_names_with_both_defaults():
    from groupviz.serve.app import create_app

    app = create_app({"ASYNC_MODE": "threading", "START_TICKER": False})
    rows = app.test_client().get("/api/group-configs").get_json()["configs"]
    assert [r["name"] for r in rows] == list(CLASSROOM_CONFIG)
    by = {r["name"]: r for r in rows}
    for name in CLASSROOM_CONFIG:
        assert by[name]["kafka_default"] == KAFKA_DEFAULTS[name]
        assert by[name]["classroom_default"] == CLASSROOM_CONFIG[name]
    assert by["session.timeout.ms"] == {"name": "session.timeout.ms", "kind": "int", "min": 6000, "max": 1_800_000,
                                        "kafka_default": 45000, "classroom_default": 6000}
    assert by["auto.offset.reset"]["choices"] == ["earliest", "latest"]
    assert by["enable.auto.commit"]["kind"] == "bool"


def test_api_group_configs_lists_each_kind_of_groups_own_configs():
    """A KIP-848 group's group.consumer.* and a share group's group.share.* configs, under Kafka's names
    with Kafka's defaults beside the classroom's; a groupviz knob has no Kafka default."""
    from groupviz.kafka.config import (CONSUMER_CLASSROOM_CONFIG, CONSUMER_KAFKA_DEFAULTS, SHARE_KAFKA_DEFAULTS)
    from groupviz.serve.app import create_app

    app = create_app({"ASYNC_MODE": "threading", "START_TICKER": False})
    kinds = app.test_client().get("/api/group-configs").get_json()["by_kind"]
    assert set(kinds) == {"classic", "consumer", "share"}
    consumer = {r["name"]: r for r in kinds["consumer"]}
    assert list(consumer) == list(CONSUMER_CLASSROOM_CONFIG)
    assert consumer["group.consumer.session.timeout.ms"] == {
        "name": "group.consumer.session.timeout.ms", "kind": "int", "min": 6000, "max": 60000,
        "kafka_default": 45000, "classroom_default": 6000}
    assert consumer["group.consumer.heartbeat.interval.ms"]["kafka_default"] == 5000
    assert all(consumer[n]["kafka_default"] == CONSUMER_KAFKA_DEFAULTS[n] for n in consumer)
    share = {r["name"]: r for r in kinds["share"]}
    assert share["group.share.record.lock.duration.ms"]["kafka_default"] == 30000
    assert "share.auto.offset.reset" not in share          # chosen when the group is made
    assert share["groupviz.reject.probability"]["kafka_default"] is None
    assert all(share[n]["kafka_default"] == SHARE_KAFKA_DEFAULTS.get(n) for n in share)
