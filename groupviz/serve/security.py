"""Who may change the demo, how often, and how many may watch: pure helpers.

No Flask and no clock of its own: create_app hands in `time.monotonic` (the
CLOCK setting) and tests hand in a fake clock.

- Presenter token: bound to a loopback address, every local browser is the
  presenter (no token). Bound to anything else, a random token is printed at
  start-up (like Jupyter); only a browser that shows it is the presenter,
  everyone else is a read-only viewer.
- `RateLimiter`: a token bucket per client for `command` messages.
- `Clients`: the role of each connected socket and a cap on how many there are.
"""

from __future__ import annotations

import contextlib
import hmac
import ipaddress
import secrets
from typing import Callable
from urllib.parse import quote

PRESENTER = "presenter"
VIEWER = "viewer"
COOKIE_NAME = "groupviz_presenter"
READ_ONLY_ERROR = "this view is read-only: only the presenter can change the demo"
MAX_TOKEN_LENGTH = 256          # longer offers are refused before comparing
WILDCARD_HOSTS = ("0.0.0.0", "::", "")


def new_token() -> str:
    """A fresh presenter token: 16 random bytes, URL-safe (no escaping needed in a link)."""
    return secrets.token_urlsafe(16)


def is_loopback(host: str) -> bool:
    """True for 127.0.0.0/8, ::1 and localhost: only this machine can reach the server."""
    h = (host or "").strip().strip("[]").lower()
    if h == "localhost" or h.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(h).is_loopback
    except ValueError:
        return False


def token_matches(expected: str | None, offered) -> bool:
    """Constant-time comparison of an offered token (any type, from a hostile client) with ours."""
    if not expected or not isinstance(offered, str) or not offered or len(offered) > MAX_TOKEN_LENGTH:
        return False
    return hmac.compare_digest(offered.encode("utf-8"), expected.encode("utf-8"))


def role_for(expected: str | None, *offered) -> str:
    """`presenter` if no token is configured or any offered token matches; else `viewer`."""
    if expected is None:
        return PRESENTER
    return PRESENTER if any(token_matches(expected, o) for o in offered) else VIEWER


def auth_token(auth) -> str | None:
    """The token a Socket.IO client offered in `auth={"token": ...}` (anything else: None)."""
    if isinstance(auth, dict):
        t = auth.get("token")
        return t if isinstance(t, str) else None
    return None


def display_host(host: str, lan_ip: str | None = None) -> str:
    """The host to print in a URL: the LAN address for a wildcard bind, IPv6 in brackets."""
    h = (host or "").strip()
    if h in WILDCARD_HOSTS:
        h = lan_ip or "127.0.0.1"
    if ":" in h and not h.startswith("["):
        h = f"[{h}]"
    return h


def server_urls(host: str, port: int, token: str | None, lan_ip: str | None = None) -> tuple[str, str]:
    """(presenter URL, viewer URL). Without a token both are the same plain URL."""
    viewer = f"http://{display_host(host, lan_ip)}:{int(port)}/"
    presenter = viewer if token is None else f"{viewer}?token={quote(token, safe='')}"
    return presenter, viewer


class RateLimiter:
    """A token bucket per key: `rate` commands per second on average, bursts up to `burst`.

    `clock` is a monotonic clock in seconds (the web layer passes time.monotonic).
    `lock` is any context manager guarding the buckets (a threading.Lock in the
    web layer, where handlers of one client may run concurrently).
    """

    def __init__(self, rate: float, burst: float, clock: Callable[[], float], lock=None):
        if not rate > 0 or not burst >= 1:
            raise ValueError(f"rate must be > 0 and burst >= 1, not rate={rate!r} burst={burst!r}")
        self.rate = float(rate)
        self.burst = float(burst)
        self.clock = clock
        self.lock = lock if lock is not None else contextlib.nullcontext()
        self._buckets: dict[object, list[float]] = {}     # key -> [tokens, last time]

    @property
    def error(self) -> str:
        return f"too many commands: at most {self.rate:g} per second"

    def allow(self, key) -> bool:
        """Take one token from `key`'s bucket; False when it is empty (the command is refused)."""
        now = self.clock()
        with self.lock:
            b = self._buckets.get(key)
            if b is None:
                b = self._buckets[key] = [self.burst, now]
            tokens = min(self.burst, b[0] + max(0.0, now - b[1]) * self.rate)
            b[1] = now
            if tokens >= 1.0 - 1e-9:                  # float slack: 0.05 s x 20/s is one token
                b[0] = max(0.0, tokens - 1.0)
                return True
            b[0] = tokens
            return False

    def forget(self, key) -> None:
        with self.lock:
            self._buckets.pop(key, None)

    def __len__(self) -> int:
        return len(self._buckets)


class Clients:
    """The role of each connected socket (sid -> role) and a cap on their number.

    Lock-free and never above the cap: `add` inserts first and checks after
    (dict operations are atomic), so two racing connects at the limit are both
    refused rather than both admitted.
    """

    def __init__(self, limit: int):
        if limit < 1:
            raise ValueError(f"the connection limit must be at least 1, not {limit!r}")
        self.limit = int(limit)
        self._roles: dict[str, str] = {}

    def add(self, sid: str, role: str) -> bool:
        """Register a connection; False (and nothing registered) when the server is full."""
        self._roles[sid] = role
        if len(self._roles) > self.limit:
            self._roles.pop(sid, None)
            return False
        return True

    def remove(self, sid: str) -> None:
        self._roles.pop(sid, None)

    def role(self, sid: str) -> str:
        """The role of `sid`; an unknown sid is a viewer (fail closed)."""
        return self._roles.get(sid, VIEWER)

    def count(self, role: str | None = None) -> int:
        roles = list(self._roles.values())
        return len(roles) if role is None else sum(r == role for r in roles)

    def __len__(self) -> int:
        return len(self._roles)
