"""groupviz/kafka/share/records.py: a share-partition record's legal moves (RECORD_TRANSITIONS) and the
broker's window over a share-partition (SPSO, next offset, released records, lag).

State-machine tests in the manner of h11's tests/test_state.py: after every event, the whole state."""

import pytest

from groupviz.errors import ProtocolError
from groupviz.kafka.share.records import (
    ACCEPT,
    ACKNOWLEDGED,
    ACQUIRED,
    ARCHIVED,
    AVAILABLE,
    RECORD_TRANSITIONS,
    REJECT,
    RELEASE,
    Record,
    SharePartition,
)

EVENTS = ("acquire", ACCEPT, REJECT, RELEASE, "lock_timeout", "delivery_limit")

LEGAL = [
    (AVAILABLE, "acquire", ACQUIRED),
    (ACQUIRED, ACCEPT, ACKNOWLEDGED),
    (ACQUIRED, REJECT, ARCHIVED),
    (ACQUIRED, RELEASE, AVAILABLE),
    (ACQUIRED, "lock_timeout", AVAILABLE),
    (ACQUIRED, "delivery_limit", ARCHIVED),
]


def state(r: Record) -> dict:
    return {name: getattr(r, name) for name in Record.__slots__}


def record_in(s: str) -> Record:
    r = Record(0, 7)
    r.state = s
    return r


def test_the_table_is_exactly_kafkas_moves_and_terminal_states_have_none():
    assert {(s, e, t) for s, moves in RECORD_TRANSITIONS.items() for e, t in moves.items()} == set(LEGAL)
    assert RECORD_TRANSITIONS[ACKNOWLEDGED] == {} and RECORD_TRANSITIONS[ARCHIVED] == {}


def test_a_new_record_is_available_and_unheld():
    assert state(Record(2, 41)) == {"p": 2, "offset": 41, "state": AVAILABLE, "member": None, "delivery_count": 0,
                                    "acq": 0, "lock_expires_ms": 0, "pending": False, "processed": False,
                                    "no_result": False}


@pytest.mark.parametrize("before,event,after", LEGAL)
def test_every_legal_move_changes_the_state_and_nothing_else(before, event, after):
    r = record_in(before)
    expected = dict(state(r), state=after)
    r.move(event)
    assert state(r) == expected


@pytest.mark.parametrize("before,event", [(s, e) for s in RECORD_TRANSITIONS for e in EVENTS
                                          if e not in RECORD_TRANSITIONS[s]])
def test_every_illegal_move_raises_a_protocol_error_and_leaves_the_record_as_it_was(before, event):
    r = record_in(before)
    expected = state(r)
    with pytest.raises(ProtocolError, match=f"record 0:7 cannot '{event}' from {before}"):
        r.move(event)
    assert state(r) == expected


def test_a_record_timed_out_is_acquired_again_then_accepted_and_stays_acknowledged():
    r = Record(0, 0)
    r.move("acquire")
    assert r.state == ACQUIRED
    r.move("lock_timeout")
    assert r.state == AVAILABLE
    r.move("acquire")
    r.move(ACCEPT)
    assert r.state == ACKNOWLEDGED
    with pytest.raises(ProtocolError):
        r.move(RELEASE)


# -- the share-partition window ----------------------------------------------------------------
def window(sp: SharePartition) -> dict:
    return {"spso": sp.spso, "next_offset": sp.next_offset, "acquired": sorted(sp.acquired),
            "released": sorted(sp.released), "done": sorted(sp.done)}


def test_take_hands_out_released_records_lowest_first_then_never_delivered_ones():
    sp = SharePartition(3, 10)
    first = sp.take(4)
    assert [(r.p, r.offset, r.state) for r in first] == [(3, o, AVAILABLE) for o in (10, 11, 12, 13)]
    assert window(sp) == {"spso": 10, "next_offset": 14, "acquired": [], "released": [], "done": []}
    sp.push_released(first[2])
    sp.push_released(first[0])
    assert window(sp) == {"spso": 10, "next_offset": 14, "acquired": [], "released": [10, 12], "done": []}
    assert [r.offset for r in sp.take(3)] == [10, 12, 14]
    assert window(sp) == {"spso": 10, "next_offset": 15, "acquired": [], "released": [], "done": []}


def test_finish_moves_the_spso_past_every_leading_terminal_offset_only():
    sp = SharePartition(0, 0)
    for r in sp.take(4):
        sp.acquired[r.offset] = r
    sp.finish(1)
    assert window(sp) == {"spso": 0, "next_offset": 4, "acquired": [0, 2, 3], "released": [], "done": [1]}
    assert sp.lag(10) == 9
    sp.finish(0)
    assert window(sp) == {"spso": 2, "next_offset": 4, "acquired": [2, 3], "released": [], "done": []}
    assert sp.lag(10) == 8


def test_the_lock_cap_limits_new_records_and_available_counts_released_ones_too():
    sp = SharePartition(0, 5)
    assert sp.new_available(log_end_offset=100, max_locks=20) == 20      # SPSO + max locks
    assert sp.new_available(log_end_offset=8, max_locks=20) == 3         # the log end
    released = sp.take(2)
    sp.push_released(released[1])
    assert sp.new_available(100, 20) == 18 and sp.available(100) == 1 + 93
    assert sp.lag(100) == 95
