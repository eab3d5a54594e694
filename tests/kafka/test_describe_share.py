"""kafka-share-groups.sh --describe for share groups: groupviz/describe.py against Kafka's ShareGroupCommand.

The expected outputs are built from the Java format strings themselves (copied from
`tools/.../consumer/group/ShareGroupCommand.java`, Kafka 4.2, apache/kafka 0096980326), formatted the way
`System.out.printf` formats `%-Ns` and `%s`, so a width or a column out of place fails here.
"""

import re

import pytest
from conftest import run_until

from groupviz.kafka.describe import (
    describe,
    share_assignment,
    share_describe_members,
    share_describe_offsets,
    share_describe_state,
)
from groupviz.engine.core import Engine


def printf(fmt: str, *args) -> str:
    """Java's printf for the only conversions ShareGroupCommand uses: %-Ns (left-justified), %s and %n."""
    values = iter(args)

    def conv(m):
        if m.group(0) == "%n":
            return "\n"
        s = str(next(values))
        width = int(m.group(1)) if m.group(1) else 0
        return s.ljust(width)

    out = re.sub(r"%-?(\d+)?s|%n", conv, fmt)
    assert next(values, None) is None, "more values than conversions"
    return out


COORD = "localhost:9092  (1)"   # host + ":" + port + "  (" + idString + ")", as printStates builds it

# A hand-made Stable share group: a long topic name widens TOPIC, partitions out of order, one partition
# without a start offset (the admin client maps it to null: "-" and "-"), members out of order
# (Kafka sorts them by consumer id, as strings), one member with partitions of two topics.
GROUP = {
    "group_id": "queue", "type": "share", "state": "Stable", "generation": 7,
    "partitions": [
        {"topic": "orders-from-the-web-shop", "partition": 1, "committed": 40, "lag": 3, "log_end_offset": 45},
        {"topic": "orders-from-the-web-shop", "partition": 0, "committed": 12, "lag": 0, "log_end_offset": 12},
        {"topic": "audit", "partition": 0, "committed": None, "lag": None, "log_end_offset": 0},
    ],
    "members": [
        {"member_id": "consumer-2", "client_id": "consumer-2", "host": "/10.0.0.12", "generation": 7,
         "partitions": [["orders-from-the-web-shop", 1], ["audit", 0], ["orders-from-the-web-shop", 0]]},
        {"member_id": "consumer-10", "client_id": "consumer-10", "host": "/10.0.0.20", "generation": 6,
         "partitions": [["orders-from-the-web-shop", 0]]},
    ],
}
TOPIC_W = len("orders-from-the-web-shop")


# -- --describe [--offsets] -----------------------------------------------------------------------

def test_offsets_view_is_printOffsets_with_START_OFFSET_and_LAG_sorted_by_topic_then_partition():
    # printOffsetFormat, not verbose: "\n%" + (-groupLen) + "s %" + (-maxTopicLen) + "s %-10s %-13s %s"
    fmt = "\n%-15s %-" + str(TOPIC_W) + "s %-10s %-13s %s"
    expected = (printf(fmt, "GROUP", "TOPIC", "PARTITION", "START-OFFSET", "LAG")
                + printf(fmt, "queue", "audit", 0, "-", "-")
                + printf(fmt, "queue", "orders-from-the-web-shop", 0, 12, 0)
                + printf(fmt, "queue", "orders-from-the-web-shop", 1, 40, 3)
                + "\n")                                  # System.out.println() after the rows
    assert share_describe_offsets(GROUP) == expected


def test_verbose_offsets_view_adds_LEADER_EPOCH_which_the_simulation_does_not_have():
    fmt = "\n%-15s %-" + str(TOPIC_W) + "s %-10s %-13s %-13s %s"
    out = share_describe_offsets(GROUP, verbose=True)
    assert out.startswith(printf(fmt, "GROUP", "TOPIC", "PARTITION", "LEADER-EPOCH", "START-OFFSET", "LAG"))
    assert printf(fmt, "queue", "orders-from-the-web-shop", 1, "-", 40, 3) in out


def test_a_long_group_id_widens_the_group_column():
    gid = "a-share-group-with-a-long-name"
    out = share_describe_offsets(dict(GROUP, group_id=gid))
    assert out.split("\n")[1] == printf("%-" + str(len(gid)) + "s %-" + str(TOPIC_W) + "s %-10s %-13s %s",
                                        "GROUP", "TOPIC", "PARTITION", "START-OFFSET", "LAG")


def test_no_share_partitions_prints_has_no_offset_information():
    assert share_describe_offsets(dict(GROUP, partitions=[])) == "\nShare group 'queue' has no offset information.\n"


# -- --members ------------------------------------------------------------------------------------

def test_members_view_is_printMembers_sorted_by_consumer_id_with_kafkas_assignment_string():
    # "\n%" + -groupLen + "s %" + -maxConsumerIdLen + "s %" + -maxHostLen + "s %" + -maxClientIdLen + "s %-12s %s"
    fmt = "\n%-15s %-15s %-15s %-15s %-12s %s"
    expected = (printf(fmt, "GROUP", "CONSUMER-ID", "HOST", "CLIENT-ID", "#PARTITIONS", "ASSIGNMENT")
                + printf(fmt, "queue", "consumer-10", "/10.0.0.20", "consumer-10", 1, "orders-from-the-web-shop:0")
                + printf(fmt, "queue", "consumer-2", "/10.0.0.12", "consumer-2", 3,
                         "audit:0;orders-from-the-web-shop:0,1")
                + "\n")
    assert share_describe_members(GROUP) == expected


def test_verbose_members_view_adds_the_member_epoch():
    fmt = "\n%-15s %-15s %-15s %-15s %-12s %-13s %s"
    out = share_describe_members(GROUP, verbose=True)
    assert out.startswith(printf(fmt, "GROUP", "CONSUMER-ID", "HOST", "CLIENT-ID", "#PARTITIONS", "MEMBER-EPOCH",
                                 "ASSIGNMENT"))
    assert printf(fmt, "queue", "consumer-10", "/10.0.0.20", "consumer-10", 1, 6, "orders-from-the-web-shop:0") in out


def test_assignment_string_is_getAssignmentString():
    # ShareGroupCommandTest.testDescribeMembersOfExistingGroup: {topic1-0, topic1-1, topic2-0}
    assert share_assignment([("topic2", 0), ("topic1", 1), ("topic1", 0)]) == "topic1:0,1;topic2:0"
    assert share_assignment([("t", 10), ("t", 9)]) == "t:9,10"          # partitions sorted as numbers
    assert share_assignment([]) == ""


def test_long_member_ids_hosts_and_client_ids_widen_their_columns():
    member = {"member_id": "m" * 22, "client_id": "console-share-consumer", "host": "/127.0.0.1",
              "generation": 1, "partitions": [["topic1", 0]]}
    out = share_describe_members(dict(GROUP, members=[member]))
    fmt = "\n%-15s %-22s %-15s %-22s %-12s %s"
    assert out == (printf(fmt, "GROUP", "CONSUMER-ID", "HOST", "CLIENT-ID", "#PARTITIONS", "ASSIGNMENT")
                   + printf(fmt, "queue", "m" * 22, "/127.0.0.1", "console-share-consumer", 1, "topic1:0") + "\n")


# -- --state --------------------------------------------------------------------------------------

def test_state_view_is_printStates():
    fmt = "\n%-15s %-25s %-15s %s"
    assert share_describe_state(GROUP) == (printf(fmt, "GROUP", "COORDINATOR (ID)", "STATE", "#MEMBERS")
                                           + printf(fmt, "queue", COORD, "Stable", 2) + "\n")


def test_verbose_state_view_shows_group_and_assignment_epochs():
    fmt = "\n%-15s %-25s %-15s %-12s %-17s %s"
    assert share_describe_state(GROUP, verbose=True) == (
        printf(fmt, "GROUP", "COORDINATOR (ID)", "STATE", "GROUP-EPOCH", "ASSIGNMENT-EPOCH", "#MEMBERS")
        + printf(fmt, "queue", COORD, "Stable", 7, 7, 2) + "\n")


# -- Empty and Dead (maybePrintEmptyGroupState) -------------------------------------------------------

EMPTY = dict(GROUP, state="Empty", members=[])
DEAD = {"group_id": "queue", "type": "share", "state": "Dead", "generation": 0, "partitions": [], "members": []}


def test_empty_group_members_view_prints_only_has_no_active_members():
    assert share_describe_members(EMPTY) == "\nShare group 'queue' has no active members.\n"


def test_empty_group_state_view_prints_the_warning_then_the_table():
    fmt = "\n%-15s %-25s %-15s %s"
    assert share_describe_state(EMPTY) == ("\nShare group 'queue' has no active members.\n"
                                           + printf(fmt, "GROUP", "COORDINATOR (ID)", "STATE", "#MEMBERS")
                                           + printf(fmt, "queue", COORD, "Empty", 0) + "\n")


def test_empty_group_offsets_view_still_prints_its_start_offsets_without_a_warning():
    # Kafka 4.2's printOffsets does not call maybePrintEmptyGroupState: the share-partition state outlives
    # the members.
    assert share_describe_offsets(EMPTY) == share_describe_offsets(GROUP)


def test_dead_group_prints_kafkas_error_line():
    error = "\nError: Share group 'queue' does not exist.\n"
    assert share_describe_members(DEAD) == error
    # printStates ignores maybePrintEmptyGroupState's answer: the error, then the table anyway
    fmt = "\n%-15s %-25s %-15s %s"
    assert share_describe_state(DEAD) == (error + printf(fmt, "GROUP", "COORDINATOR (ID)", "STATE", "#MEMBERS")
                                          + printf(fmt, "queue", COORD, "Dead", 0) + "\n")
    assert share_describe_offsets(DEAD) == "\nShare group 'queue' has no offset information.\n"


@pytest.mark.parametrize("view, suffix", [("offsets", ""), ("members", " --members"), ("state", " --state")])
def test_describe_names_the_kafka_share_groups_command_line(view, suffix):
    d = describe(GROUP, view)
    assert d["command"] == "kafka-share-groups.sh --bootstrap-server localhost:9092 --describe --group queue" + suffix


# -- Engine.describe on share groups beside a classic group --------------------------------------------------

@pytest.fixture
def competition() -> Engine:
    """Share groups 'queue' and 'work' (3 members each) beside classic 'g1' on one topic of 6 partitions: the
    layout the competition scenario had before issue 16 put the seed's random dispatch in it."""
    e = Engine(seed=7)
    for gid in ("queue", "work"):
        assert e.apply({"op": "add_group", "group_id": gid, "type": "share", "consumers": 3})["ok"]
    e.step(15_000)
    return e


def test_engine_offsets_rows_are_each_share_partitions_spso_and_kip_1226_lag(competition):
    e = competition
    d = e.describe_group("queue", "offsets")
    assert d["ok"] and d["command"] == "kafka-share-groups.sh --bootstrap-server localhost:9092 --describe --group queue"
    lines = d["output"].split("\n")
    assert lines[0] == "" and lines[-1] == ""
    assert lines[1] == printf("\n%-15s %-15s %-10s %-13s %s", "GROUP", "TOPIC", "PARTITION", "START-OFFSET",
                              "LAG")[1:]
    g = e.groups["queue"]
    expected = []
    for sp in g.partitions:
        leo = e.topic.partitions[sp.partition].log_end_offset
        # KIP-1226: partition end offset - SPSO - deliveryCompleteCount (terminal records above the SPSO)
        expected.append(["queue", "orders", str(sp.partition), str(sp.spso), str(leo - sp.spso - len(sp.done))])
    assert [ln.split() for ln in lines[2:-1]] == expected
    assert any(int(row[3]) > 0 for row in expected)        # the group has consumed: SPSOs moved


def test_engine_members_view_lists_the_coordinators_members_with_the_simple_assignors_assignment(competition):
    e = competition
    out = e.describe_group("queue", "members")["output"]
    rows = [ln.split() for ln in out.split("\n")[2:-1]]
    ids = sorted(e.groups["queue"].consumers)
    assert [r[1] for r in rows] == ids
    g = e.groups["queue"]
    for r in rows:
        c = g.consumers[r[1]]
        parts = sorted(p for _, p in g.target[c.member_id])
        assert r == ["queue", c.member_id, c.host, c.client_id, "2", "orders:" + ",".join(map(str, parts))]

    # a crashed member stays in ShareGroupDescribe, with its assignment, until its session times out
    victim = ids[0]
    assert e.apply({"op": "kill_consumer", "member_id": victim})["ok"]
    e.step(100)
    rows = [ln.split() for ln in e.describe_group("queue", "members")["output"].split("\n")[2:-1]]
    assert [r[1] for r in rows] == ids and rows[0][4] == "2"     # still holding its 2 partitions
    assert e.describe_group("queue", "state")["output"].split("\n")[2].split()[-1] == "3"
    run_until(e, lambda e: victim not in e.groups["queue"].consumers)
    rows = [ln.split() for ln in e.describe_group("queue", "members")["output"].split("\n")[2:-1]]
    assert [r[1] for r in rows] == ids[1:]


def test_engine_state_view(competition):
    out = competition.describe_group("work", "state")["output"]
    fmt = "\n%-15s %-25s %-15s %s"
    assert out == (printf(fmt, "GROUP", "COORDINATOR (ID)", "STATE", "#MEMBERS")
                   + printf(fmt, "work", COORD, "Stable", 3) + "\n")


def test_engine_share_group_without_members_is_empty():
    e = Engine(seed=7, scenario="competition")
    assert e.apply({"op": "add_group", "group_id": "idle", "type": "share"})["ok"]
    e.step(1000)
    assert e.describe_group("idle", "members")["output"] == "\nShare group 'idle' has no active members.\n"
    assert e.describe_group("idle", "state")["output"].startswith("\nShare group 'idle' has no active members.\n\nGROUP")
    # No member ever heartbeated: the coordinator initialized no share-group state (Kafka prints no table).
    assert e.describe_group("idle", "offsets")["output"] == "\nShare group 'idle' has no offset information.\n"


def test_engine_keeps_kafka_consumer_groups_sh_for_the_classic_group(competition):
    d = competition.describe_group("g1", "offsets")
    assert d["ok"] and d["command"].startswith("kafka-consumer-groups.sh ")
    assert "CURRENT-OFFSET" in d["output"]


@pytest.mark.parametrize("group_id, view", [("queue", "verbose"), ("queue", ["offsets"]), ("queue", None),
                                            ("que ue", "offsets"), (7, "state")])
def test_engine_refuses_bad_input_for_share_groups_with_a_message(competition, group_id, view):
    d = competition.describe_group(group_id, view)
    assert d["ok"] is False and isinstance(d["error"], str) and d["error"]


# -- HTTP: viewers read it too ---------------------------------------------------------------------------

def test_api_describe_answers_share_groups_for_viewers():
    from groupviz.serve.app import create_app

    app = create_app({"ASYNC_MODE": "threading", "START_TICKER": False, "PRESENTER_TOKEN": "secret",
                      "SCENARIO": "competition"})
    app.extensions["groupviz"].engine.step(10_000)
    http = app.test_client()          # no token: a viewer
    heads = {"offsets": "START-OFFSET", "members": "ASSIGNMENT", "state": "COORDINATOR (ID)"}
    for view, head in heads.items():
        r = http.get(f"/api/describe?group=share&view={view}")
        assert r.status_code == 200 and r.headers["Cache-Control"] == "no-store"
        body = r.get_json()
        assert body["ok"] and body["group_id"] == "share" and body["view"] == view
        assert body["command"].startswith("kafka-share-groups.sh --bootstrap-server localhost:9092 --describe "
                                          "--group share")
        assert head in body["output"] and "\nshare " in body["output"]
    r = http.get("/api/describe?group=share&view=nope")
    assert r.status_code == 400 and r.get_json() == {"ok": False,
                                                     "error": "view must be one of offsets, members, state"}
