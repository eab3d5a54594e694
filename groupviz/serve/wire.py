"""What goes on the socket: snapshots and ticks with floats rounded to what a page can show.

The engine's snapshot keeps full precision (goldens, /api/state, the report); a page never shows
more than 4 significant digits of a fraction (shares, intervals, p-values: at most 0.1 %) nor
more than 3 decimals of anything else (rates, throughput, seconds), so 0.3333333333333333 goes
out as 0.3333 and 19.999999999 as 20.0. Rounding makes repeated values equal, so delta ticks
(delta.py) omit more of them. `scenarios` (the catalogue of scenarios the header offers, which
never changes) travels in snapshots only.
"""

from __future__ import annotations

SNAPSHOT_ONLY = ("scenarios",)
# Lists of rows that hold ints and strings only (docs/wire.md): not walked, 1,000 rows a tick at large scale
NO_FLOATS = frozenset(("partitions", "coordinator_members", "events"))
_PLAIN = frozenset((int, str, bool, type(None)))     # values with nothing to round
_INF = float("inf")


def _round(x: float) -> float:
    if -1.0 < x < 1.0:
        return float(f"{x:.4g}")
    if x != x or x == _INF or x == -_INF:     # NaN and the infinities as they are
        return x
    return round(x, 3)


def rounded(obj):
    """`obj` (JSON-able) with every float rounded for display (see the module docstring). Copy on
    write: a dict or list with nothing to round is returned itself, so values that did not change
    stay cheap to compare in delta.diff (identity first)."""
    t = type(obj)
    if t is float:
        return _round(obj)
    if t is dict:
        return _copy_on_write(obj, obj.items())
    if t is list:
        return _copy_on_write(obj, enumerate(obj))
    return obj


def _copy_on_write(obj, items):
    new = None
    for k, v in items:           # k: a dict's key or a list's index
        tv = type(v)             # rounded(v), inline: a member row has 27 values, 200 rows a tick at large scale
        if tv in _PLAIN:         # most values: one test in C
            continue
        if tv is float:
            r = _round(v)
            if r is v or r == v:
                continue
        elif tv is dict:
            r = _copy_on_write(v, v.items())
            if r is v:
                continue
        elif tv is list and k not in NO_FLOATS:
            r = _copy_on_write(v, enumerate(v))
            if r is v:
                continue
        else:
            continue
        if new is None:
            new = obj.copy()
        new[k] = r
    return obj if new is None else new


def tick(payload: dict) -> dict:
    """A tick as sent: rounded, without the snapshot-only keys."""
    return rounded({k: v for k, v in payload.items() if k not in SNAPSHOT_ONLY})
