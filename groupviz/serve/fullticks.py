"""Full ticks for clients that do not ask for deltas (docs/wire.md, "Full ticks"): every value that
changes from tick to tick, none of what only a snapshot needs.

A full tick is the tick's state (serve/wire.py `tick`) with
- the STATIC values left out: labels and tables that change only on a command, a rebalance or a
  membership change (ids, hosts, colours, group configs, assignments, the rebalance history, the
  coordinator's member table, the probability model's formulas and verdict texts ...);
- each bounded log (LOGS: a group's protocol message log `wire`) cut to the rows that are new since
  the previous tick, as `events` already are.

A client rebuilds the state with `follow(state, tick)`: a tick marked `"whole": 1` replaces its state
(it is the tick's whole state; `history` and the
snapshot-only keys of serve/wire.py stay as the snapshot gave them); any other tick merges into it: a dict key by key (a key the tick leaves
out keeps its value), a list of rows (dicts) of the same length row by row, a log (LOGS) appended
and cut to its last LOGS[key] rows, `events` and anything else replaced.

The server makes sure that rule is right: it sends a whole tick first, after any command and
whenever `follow(previous state, compact tick)` would not give the state (a static value changed, a
row came or went, a log did not slide); `full_tick` checks exactly that. So a client that follows
full ticks from its snapshot always holds what the page shows, and what STATIC lists only changes
how many bytes a tick takes, never what the client rebuilds.
"""

from __future__ import annotations

from groupviz.kafka.wire import WIRE_SHOWN
from groupviz.serve.delta import WINDOW, _window
from groupviz.serve.wire import SNAPSHOT_ONLY

WHOLE = "whole"
#: Bounded logs, sent as their new rows: key -> how many rows a client keeps (the snapshot's bound).
LOGS = {"wire": WIRE_SHOWN}
REPLACED = frozenset(("events",))
KEPT = SNAPSHOT_ONLY + ("history",)    # in snapshots only (serve/wire.py)      # new events only, in every tick: replaced, never merged

_ = True
ANY = "*"                              # in STATIC: every key of a dict keyed by ids (producer.groups)
_MEMBER = dict.fromkeys(("member_id", "client_id", "host", "color", "state", "phase", "zombie_processed",
                         "stalled_ms",
                         "rate", "generation", "partitions",
                         "leader", "processing_ms", "poll_timeouts", "commit_failures", "last_commit_failure",
                         "instance_id", "partitioned", "zombie", "commit_error", "member_epoch", "target",
                         "pending_revocation", "kafka_member_id"), _)
_MODEL = dict.fromkeys(("group_id", "competition", "n", "m", "formulas", "members_total", "since_ms"), _)
_MODEL.update(members=dict.fromkeys(("member_id", "color", "rate", "expected_share"), _),
              test=dict.fromkeys(("kind", "against", "applies", "alpha", "df", "verdict"), _))
_GROUP = dict.fromkeys(("group_id", "type", "state", "generation", "zombie_records", "group_protocol", "commit_mode",
                        "rebalance_listener_commits", "assignor", "protocol", "leader", "config", "rebalances",
                        "coordinator_members", "group_epoch", "target_assignment_epoch", "backend",
                        "kafka_group_id", "describe_note"), _)
_GROUP.update(members=_MEMBER, model=_MODEL, partitions=dict.fromkeys(("topic", "partition", "owner"), _))
#: What a full tick leaves out (True: the key; a dict: inside the value, or inside each row of a list;
#: ANY: under every key).
_LATENCY = {"latency_ms": {"window_ms": _}}
STATIC = dict.fromkeys(("seed", "scenario", "backend", "lesson", "running", "speed"), _)
STATIC.update(groups=_GROUP, topics={"name": _, "partitions": {"partition": _, "log_start_offset": _}},
              producer=dict(dict.fromkeys(("rate", "limit", "keys", "known_partitions", "metadata_refreshed_ms"), _),
                            groups={ANY: _LATENCY}, **_LATENCY))


def _leaves(spec: dict) -> dict | frozenset:
    """The spec with every dict of leaf keys only (all True) as a frozenset: walked faster."""
    out = {k: _leaves(v) if type(v) is dict else v for k, v in spec.items()}
    return frozenset(out) if all(v is True for v in out.values()) and ANY not in out else out


STATIC = _leaves(STATIC)


def full_tick(cur: dict, prev: dict | None, whole: bool = False) -> dict:
    """What the full-tick room gets for the tick `cur` (sent after `prev`): compact when following it
    from `prev` gives `cur` (`follow(prev, compact) == cur`, checked in the same walk that builds it),
    else `cur` marked whole. Neither argument is modified."""
    if not whole and prev is not None:
        compact = _compact(cur, prev, STATIC)
        if compact is not _WHOLE:
            return compact
    out = dict(cur)
    out[WHOLE] = 1
    return out


_WHOLE = object()          # _compact's answer when following a compact tick would not give the tick


def _compact(cur, prev, spec):
    """`cur` without what `spec` leaves out, or _WHOLE unless merging it into `prev` gives `cur`:
    the same keys and rows, equal static values, logs that slid (conservative: any doubt is _WHOLE)."""
    if type(cur) is list:
        if type(prev) is not list or len(prev) != len(cur):
            return _WHOLE
        if not cur or any(type(r) is not dict for r in cur):
            return cur                                     # follow replaces it: cur itself
        out = []
        for c, q in zip(cur, prev):
            r = _compact(c, q, spec)
            if r is _WHOLE:
                return _WHOLE
            out.append(r)
        return out
    if type(cur) is not dict or type(prev) is not dict or prev.keys() != cur.keys():
        return _WHOLE
    if type(spec) is frozenset:                            # leaf keys only: 1,000 partition rows a tick
        out = {}
        for k, v in cur.items():
            if k in spec:
                if prev[k] != v:
                    return _WHOLE
            elif (type(v) is dict or type(v) is list) and _follow(prev[k], v) != v:
                return _WHOLE
            else:
                out[k] = v
        return out
    out = {}
    for k, v in cur.items():
        s = spec.get(k) or spec.get(ANY)
        if s is True:
            if prev[k] != v:
                return _WHOLE
        elif k in LOGS:
            out[k] = _new_rows(prev[k], v, LOGS[k])
        elif s:
            out[k] = _compact(v, prev[k], s)
        elif k in REPLACED or (type(v) is not dict and type(v) is not list) or _follow(prev[k], v) == v:
            out[k] = v
        else:
            return _WHOLE
        if out.get(k, None) is _WHOLE:
            return _WHOLE
    return out


def _new_rows(prev, cur, keep: int):
    """The rows of the log `cur` appended since `prev`; _WHOLE unless appending them to `prev` and
    keeping the last `keep` rows gives `cur`."""
    if type(prev) is not list or type(cur) is not list:
        return _WHOLE
    w = _window(prev, cur) if prev else {WINDOW: [0, cur]}
    if type(w) is not dict:
        return _WHOLE
    tail = w[WINDOW][1]
    return tail if min(len(prev) + len(tail), keep) == len(cur) else _WHOLE


def follow(state: dict | None, tick: dict) -> dict:
    """The state after a full tick (the client's rule above); `state` is not modified."""
    if tick.get(WHOLE) or state is None:
        out = dict(tick)
        out.pop(WHOLE, None)
        for k in KEPT:                 # a tick never carries these: a whole tick keeps the snapshot's
            if k not in out and state is not None and k in state:
                out[k] = state[k]
        return out
    return _follow(state, tick)


def _follow(base, patch):
    if type(patch) is dict and type(base) is dict:
        out = dict(base)
        for k, v in patch.items():
            b = base.get(k)
            if k in LOGS and type(v) is list and type(b) is list:
                out[k] = (b + v)[-LOGS[k]:]
            elif k in REPLACED:
                out[k] = v
            else:
                out[k] = _follow(b, v)
        return out
    if type(patch) is list and type(base) is list and len(patch) == len(base) and patch \
            and all(type(r) is dict for r in patch):
        return [_follow(b, r) for b, r in zip(base, patch)]
    return patch
