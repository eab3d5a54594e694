"""security.py: presenter tokens, loopback hosts, the printed URLs, the rate limiter, the client table.

Pure helpers; how the server uses them is tested where it does: the page and its cookie in
test_routes.py, socket roles, the rate limit and the connection cap in test_sockets.py.
"""

from __future__ import annotations

import string
import threading

import pytest

from groupviz.serve import security
from groupviz.serve.security import Clients, RateLimiter

from conftest import TOKEN, FakeClock


def test_new_tokens_are_random_url_safe_and_long_enough():
    tokens = {security.new_token() for _ in range(50)}
    assert len(tokens) == 50
    allowed = set(string.ascii_letters + string.digits + "-_")
    assert all(len(t) >= 21 and set(t) <= allowed for t in tokens)


@pytest.mark.parametrize("host", ["127.0.0.1", "127.1.2.3", "::1", "[::1]", "localhost", "LOCALHOST", "a.localhost"])
def test_loopback_hosts(host):
    assert security.is_loopback(host)


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "", "192.168.1.5", "10.0.0.1", "example.com", "localhost.evil.com"])
def test_non_loopback_hosts(host):
    assert not security.is_loopback(host)


@pytest.mark.parametrize("offered", [None, "", "wrong", TOKEN[:-1], TOKEN + "x", TOKEN.upper(), 123, [TOKEN],
                                     {"token": TOKEN}, "\u00e9\u4e2d" * 3, "x" * 10_000])
def test_only_the_exact_token_matches_and_junk_never_raises(offered):
    assert security.token_matches(TOKEN, offered) is False
    assert security.role_for(TOKEN, offered) == "viewer"


def test_role_for():
    assert security.token_matches(TOKEN, TOKEN)
    assert security.role_for(TOKEN, None, TOKEN) == "presenter"      # any offered token may match
    assert security.role_for(None, None) == "presenter"               # no token configured: everyone presents
    assert security.role_for(None, "anything") == "presenter"
    assert security.auth_token({"token": TOKEN}) == TOKEN
    assert security.auth_token({"token": 5}) is None and security.auth_token("tok") is None
    assert security.auth_token(None) is None


def test_server_urls():
    assert security.server_urls("127.0.0.1", 5000, None) == ("http://127.0.0.1:5000/", "http://127.0.0.1:5000/")
    p, v = security.server_urls("0.0.0.0", 8080, "abc-_D", lan_ip="192.168.1.7")
    assert v == "http://192.168.1.7:8080/" and p == "http://192.168.1.7:8080/?token=abc-_D"
    assert security.server_urls("::", 80, None, lan_ip=None)[1] == "http://127.0.0.1:80/"
    assert security.server_urls("fe80::1", 80, None)[1] == "http://[fe80::1]:80/"
    assert security.server_urls("10.0.0.2", 80, "a b/")[0] == "http://10.0.0.2:80/?token=a%20b%2F"


def test_rate_limiter_allows_a_burst_then_the_rate():
    clock = FakeClock()
    rl = RateLimiter(20, 40, clock)
    assert all(rl.allow("a") for _ in range(40))
    assert not rl.allow("a")
    assert rl.error == "too many commands: at most 20 per second"
    clock.t += 0.05                     # 1/20 s refills exactly one token
    assert rl.allow("a") and not rl.allow("a")
    clock.t += 10                       # a long quiet spell refills only up to the burst
    assert sum(rl.allow("a") for _ in range(100)) == 40


def test_rate_limiter_keys_are_independent_and_forgotten():
    clock = FakeClock()
    rl = RateLimiter(1, 2, clock)
    assert rl.allow("a") and rl.allow("a") and not rl.allow("a")
    assert rl.allow("b")
    rl.forget("a")
    assert len(rl) == 1 and rl.allow("a")
    clock.t -= 5                        # a clock going backwards never adds tokens
    assert rl.allow("a") and not rl.allow("a")


def test_rate_limiter_validates_its_settings():
    with pytest.raises(ValueError):
        RateLimiter(0, 10, FakeClock())
    with pytest.raises(ValueError):
        RateLimiter(5, 0.5, FakeClock())
    assert RateLimiter(2.5, 1, FakeClock()).error == "too many commands: at most 2.5 per second"


def test_clients_cap_and_roles():
    c = Clients(2)
    assert c.add("s1", "presenter") and c.add("s2", "viewer")
    assert not c.add("s3", "viewer") and len(c) == 2 and c.role("s3") == "viewer"
    assert c.count("presenter") == 1 and c.count("viewer") == 1
    c.remove("s1")
    assert c.role("s1") == "viewer"          # unknown sids are viewers: fail closed
    assert c.add("s3", "presenter") and c.role("s3") == "presenter"
    with pytest.raises(ValueError):
        Clients(0)


def test_clients_never_exceed_the_cap_under_racing_adds():
    c = Clients(50)
    results = []
    barrier = threading.Barrier(8)

    def connect(i):
        barrier.wait()
        for j in range(100):
            results.append(c.add(f"{i}-{j}", "viewer"))

    threads = [threading.Thread(target=connect, args=(i,)) for i in range(8)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    assert len(c) == sum(results) <= 50
