"""settings.py: the async modes and the defaults create_app starts from."""

from __future__ import annotations

import pytest

from groupviz.serve.compression import WS_DEFLATE_POLICIES
from groupviz.serve.settings import ASYNC_MODES, DEFAULTS, ROOT, check_async_mode


def test_every_async_mode_is_accepted_and_another_is_refused_with_the_choices():
    assert [check_async_mode(m) for m in ASYNC_MODES] == list(ASYNC_MODES)
    with pytest.raises(ValueError, match="one of eventlet, threading, gevent, not 'asyncio'"):
        check_async_mode("asyncio")


def test_the_defaults_pick_a_known_async_mode_and_deflate_policy():
    assert DEFAULTS["ASYNC_MODE"] == "eventlet" and DEFAULTS["ASYNC_MODE"] in ASYNC_MODES
    assert DEFAULTS["WS_DEFLATE"] in WS_DEFLATE_POLICIES
    assert DEFAULTS["PRESENTER_TOKEN"] is None           # everyone presents unless app.py picks a token


def test_root_is_the_repository_with_the_page_and_its_files():
    assert (ROOT / "templates" / "index.html").is_file() and (ROOT / "static").is_dir()
