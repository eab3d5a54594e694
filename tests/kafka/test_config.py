"""groupviz.kafka.config: Kafka's config names, defaults and ranges, and the checks that refuse
anything else with a message a student can read."""

from __future__ import annotations

import math

import pytest

from groupviz.errors import DomainError
from groupviz.kafka.config import (
    CLASSROOM_CONFIG, CONFIG_SCHEMA, KAFKA_DEFAULTS, SHARE_CLASSROOM_CONFIG, SHARE_CONFIG_SCHEMA,
    SHARE_DELIVERY_LIMIT, SHARE_HEARTBEAT_MS, SHARE_KAFKA_DEFAULTS, SHARE_OFFSET_RESET, SHARE_SESSION_MS, Field,
    check_config, check_share_config, check_value, config_reference, describe_value,
)

SESSION = Field("session.timeout.ms", "int", True, 6000, 1_800_000)


# -- check_value: one field ---------------------------------------------------------------------

@pytest.mark.parametrize("value,message", [
    (10, "op: field 'session.timeout.ms' must be between 6000 and 1800000, not 10"),
    (1_800_001, "must be between 6000 and 1800000, not 1800001"),
    (6000.5, "must be a whole number, not 6000.5"),
    ("6000", "must be a number, not the string '6000'"),
    (True, "must be a number, not a boolean"),
    (None, "must be a number, not null"),
    (math.inf, "must be a finite number"),
    (math.nan, "must be a finite number"),
    (2 ** 70, "must be between 6000 and 1800000, not a huge number"),
])
def test_an_int_field_refuses_wrong_values_and_says_what_is_allowed(value, message):
    with pytest.raises(DomainError) as err:
        check_value("op", SESSION, value)
    assert message in str(err.value)


def test_an_int_field_accepts_its_bounds_and_integral_floats_as_ints():
    assert check_value("op", SESSION, 6000) == 6000
    assert check_value("op", SESSION, 1_800_000) == 1_800_000
    v = check_value("op", SESSION, 7000.0)
    assert v == 7000 and type(v) is int


def test_a_number_field_converts_to_float_and_an_out_of_range_bound_is_printed_without_decimals():
    f = Field("rate", "number", True, 0.0, 1.0)
    v = check_value("op", f, 1)
    assert v == 1.0 and type(v) is float
    with pytest.raises(DomainError, match=r"must be between 0 and 1, not 1\.5"):
        check_value("op", f, 1.5)


def test_id_enum_bool_and_dict_fields():
    assert check_value("add_group", Field("group_id", "id"), "g-2.x_y") == "g-2.x_y"
    with pytest.raises(DomainError, match="1-64 characters of letters, digits"):
        check_value("add_group", Field("group_id", "id"), "bad id!")
    with pytest.raises(DomainError, match="must be a string, not the number 7"):
        check_value("add_group", Field("group_id", "id"), 7)
    mode = Field("mode", "enum", choices=("uniform", "hot", "null"))
    assert check_value("set_keys", mode, "hot") == "hot"
    with pytest.raises(DomainError, match="must be one of uniform, hot, null, not the string 'cold'"):
        check_value("set_keys", mode, "cold")
    with pytest.raises(DomainError, match="must be true or false, not the number 1"):
        check_value("op", Field("flag", "bool"), 1)
    with pytest.raises(DomainError, match="must be an object, not a list"):
        check_value("set_config", Field("config", "dict"), [1])


def test_the_caller_chooses_the_error_class():
    class Refused(Exception):
        pass
    with pytest.raises(Refused, match="between 6000 and 1800000"):
        check_value("op", SESSION, 1, Refused)


def test_describe_value_keeps_messages_short():
    assert describe_value("x" * 500) == "a string"
    assert describe_value(2 ** 100) == "a huge number"
    assert describe_value({"a": 1}) == "a dict"
    assert len(describe_value(1.0 / 3.0 * 10 ** 300)) <= 60


# -- set_config: a consumer group ---------------------------------------------------------------

def test_check_config_merges_the_named_keys_and_leaves_current_alone():
    current = dict(CLASSROOM_CONFIG)
    merged = check_config({"session.timeout.ms": 10_000, "auto.offset.reset": "latest"}, current)
    assert merged == dict(CLASSROOM_CONFIG, **{"session.timeout.ms": 10_000, "auto.offset.reset": "latest"})
    assert current == CLASSROOM_CONFIG


@pytest.mark.parametrize("config,message", [
    ({"session.timeout.ms": 1000}, "set_config: field 'session.timeout.ms' must be between 6000 and 1800000, not 1000"),
    ({"heartbeat.interval.ms": 7000}, "set_config: heartbeat.interval.ms (7000) must be lower than "
                                      "session.timeout.ms (6000), as Kafka requires"),
    ({"bootstrap.servers": "x"}, "set_config: unknown config 'bootstrap.servers'; settable: session.timeout.ms, "),
    ({}, "set_config: 'config' is empty; settable: session.timeout.ms"),
    ({k: 1 for k in [*CONFIG_SCHEMA, "one.more"]}, "set_config: too many keys"),
    ({"auto.offset.reset": "none"}, "must be one of earliest, latest, not the string 'none'"),
    ({"enable.auto.commit": "yes"}, "must be true or false"),
    ({1: 2}, "unknown config 'the number 1'"),
])
def test_check_config_refuses_with_a_readable_message(config, message):
    with pytest.raises(DomainError) as err:
        check_config(config, dict(CLASSROOM_CONFIG))
    assert message in str(err.value)


def test_heartbeat_must_stay_below_the_session_timeout_whichever_key_moves():
    with pytest.raises(DomainError, match="must be lower than session.timeout.ms"):
        check_config({"session.timeout.ms": 6000, "heartbeat.interval.ms": 6000}, dict(CLASSROOM_CONFIG))
    raised = check_config({"session.timeout.ms": 60_000}, dict(CLASSROOM_CONFIG))
    assert check_config({"heartbeat.interval.ms": 59_999}, raised)["heartbeat.interval.ms"] == 59_999


def test_both_sets_of_defaults_pass_the_checks():
    assert check_config(dict(CLASSROOM_CONFIG), dict(CLASSROOM_CONFIG)) == CLASSROOM_CONFIG
    assert check_config(dict(KAFKA_DEFAULTS), dict(CLASSROOM_CONFIG)) == KAFKA_DEFAULTS
    assert set(CLASSROOM_CONFIG) == set(KAFKA_DEFAULTS) == set(CONFIG_SCHEMA)


def test_config_reference_lists_every_config_with_its_limits_and_both_defaults():
    rows = {r["name"]: r for r in config_reference()}
    assert list(rows) == list(CLASSROOM_CONFIG)
    assert rows["session.timeout.ms"] == {"name": "session.timeout.ms", "kind": "int", "kafka_default": 45000,
                                          "classroom_default": 6000, "min": 6000, "max": 1_800_000}
    assert rows["auto.offset.reset"]["choices"] == ["earliest", "latest"]
    assert "min" not in rows["enable.auto.commit"] and "choices" not in rows["enable.auto.commit"]


# -- set_config: a share group -------------------------------------------------------------------

def test_check_share_config_uses_kafkas_share_group_ranges():
    current = {k: v for k, v in SHARE_CLASSROOM_CONFIG.items() if k in SHARE_CONFIG_SCHEMA}
    assert check_share_config({SHARE_DELIVERY_LIMIT: 10}, current)[SHARE_DELIVERY_LIMIT] == 10
    with pytest.raises(DomainError, match="group.share.delivery.count.limit' must be between 2 and 10, not 11"):
        check_share_config({SHARE_DELIVERY_LIMIT: 11}, current)
    with pytest.raises(DomainError, match=f"{SHARE_HEARTBEAT_MS} \\(6000\\) must be lower than {SHARE_SESSION_MS}"):
        check_share_config({SHARE_HEARTBEAT_MS: 6000}, current)


def test_a_consumer_group_config_on_a_share_group_is_named_as_such():
    with pytest.raises(DomainError) as err:
        check_share_config({"session.timeout.ms": 10_000}, dict(SHARE_CLASSROOM_CONFIG))
    assert str(err.value).startswith("set_config: 'session.timeout.ms' (a consumer-group config) is not settable "
                                     "on a share group; settable: group.share.record.lock.duration.ms")
    with pytest.raises(DomainError, match="set_config: 'nonsense' is not settable on a share group"):
        check_share_config({"nonsense": 1}, dict(SHARE_CLASSROOM_CONFIG))


def test_share_defaults_fit_the_share_ranges_and_the_offset_reset_is_not_settable():
    for defaults in (SHARE_CLASSROOM_CONFIG, SHARE_KAFKA_DEFAULTS):
        settable = {k: v for k, v in defaults.items() if k in SHARE_CONFIG_SCHEMA}
        assert check_share_config(settable, settable) == settable
    assert SHARE_OFFSET_RESET not in SHARE_CONFIG_SCHEMA
    with pytest.raises(DomainError, match="is not settable on a share group"):
        check_share_config({SHARE_OFFSET_RESET: "latest"}, dict(SHARE_CLASSROOM_CONFIG))
