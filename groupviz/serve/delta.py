"""Delta ticks: the part of a tick that changed since the previous one (docs/wire.md, "Delta ticks").

Pure functions on the JSON-able snapshot dicts; the page applies a delta with
`applyDelta` in static/delta.js (the exact inverse of `diff`):

- a dict that changed becomes a dict of only its changed keys, each a patch of its own;
  keys that disappeared are listed under "$del";
- a list of the same length whose elements are dicts or lists becomes {"$i": [[index, patch],
  ...]} for the changed elements;
- a sliding window (a key in WINDOWED, e.g. a group's protocol message log `wire`) that dropped its
  first k rows and appended new ones becomes {"$w": [k, [new rows]]};
- any other changed list, and any value whose type changed, is sent whole.

`apply_delta(base, delta)` is the same merge in Python (for Python clients and the benches).

`diff(prev, cur)` assumes `prev != cur` for the value it is given; `tick_delta` handles the
top level: it always carries the keys a viewer needs every tick (ALWAYS) and marks the payload
with "delta": 1 so the page knows to merge it rather than replace its state.
"""

from __future__ import annotations

ALWAYS = ("time_ms", "events", "error")
DELETE = "$del"
INDEXED = "$i"
WINDOW = "$w"
#: Keys whose lists are bounded logs: each tick drops the oldest rows and appends the newest.
WINDOWED = frozenset(("wire",))
_ROWS = frozenset((dict, list))    # a list of these is patched element by element (types checked in C, not a loop)


def diff(prev, cur):
    """The patch that turns `prev` into `cur` (the two differ)."""
    if type(prev) is dict and type(cur) is dict:
        return _dict_patch(prev, cur)
    if type(prev) is list and type(cur) is list and len(prev) == len(cur) and cur and _ROWS.issuperset(map(type, cur)):
        return {INDEXED: _indexed(prev, cur)}
    return cur


def _dict_patch(prev: dict, cur: dict) -> dict:
    """The changed keys of `cur` (each a patch of its own) and "$del"; {} if the two are equal."""
    out = {}
    added = 0
    for k, v in cur.items():
        try:
            p = prev[k]                # one lookup per key (a try costs nothing until a key is new)
        except KeyError:
            out[k] = v
            added += 1
            continue
        if p is not v and p != v:
            tv = type(v)               # a scalar is its own patch: no call (1,000 rows a tick, large scale)
            if k in WINDOWED and tv is list and type(p) is list:
                out[k] = _window(p, v)
            else:
                out[k] = diff(p, v) if tv is dict or tv is list else v
    if len(prev) != len(cur) - added:  # some key of prev is not in cur
        out[DELETE] = [k for k in prev if k not in cur]
    return out


def _window(prev: list, cur: list):
    """{"$w": [k, tail]} when `cur` is `prev` without its first k rows and with `tail` appended; else `cur`."""
    if prev and cur:
        first = cur[0]
        k = next((i for i, row in enumerate(prev) if row == first), None)
        if k is not None:
            kept = len(prev) - k
            if kept <= len(cur) and prev[k:] == cur[:kept]:
                return {WINDOW: [k, cur[kept:]]}
    return cur


def _indexed(prev: list, cur: list) -> list:
    """[[index, patch], ...] for the elements that differ. A dict row is diffed at once (an empty patch:
    equal) rather than compared first and then diffed: 1,000 partition rows a tick at large scale."""
    out = []
    for i, v in enumerate(cur):
        p = prev[i]
        if p is v:
            continue
        if type(p) is dict and type(v) is dict:
            d = _dict_patch(p, v)
            if d:
                out.append([i, d])
        elif p != v:
            out.append([i, diff(p, v)])
    return out


def tick_delta(prev: dict, cur: dict) -> dict:
    """A delta tick: `cur`'s changes since `prev` plus the ALWAYS keys, marked "delta": 1."""
    out = diff(prev, cur) if prev != cur else {}
    for k in ALWAYS:
        if k in cur:
            out[k] = cur[k]
    out["delta"] = 1
    return out


def _merge(base, patch):
    if type(patch) is not dict:
        return patch
    if type(base) is list and type(patch.get(WINDOW)) is list:
        k, tail = patch[WINDOW]
        return base[k:] + tail
    if type(base) is list and type(patch.get(INDEXED)) is list:
        out = list(base)
        for i, p in patch[INDEXED]:
            out[i] = _merge(out[i], p)
        return out
    if type(base) is not dict:
        return patch
    out = dict(base)
    for k, v in patch.items():
        if k != DELETE:
            out[k] = _merge(base.get(k), v)
    for k in patch.get(DELETE, ()):
        out.pop(k, None)
    return out


def apply_delta(base: dict, delta: dict) -> dict:
    """The full state after a delta tick (static/delta.js applyDelta, in Python); `base` is not modified."""
    out = _merge(base, delta)
    out.pop("delta", None)
    return out
