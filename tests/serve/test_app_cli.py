"""app.py: arguments, environment, who presents, the printed URLs, and a real eventlet server.

The eventlet test is the only one in the suite that runs eventlet itself (in a
subprocess, where app.py monkey-patches before importing the web layer);
everything else uses threading mode.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
import socketio

from conftest import free_port

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import app as cli  # noqa: E402  (app.py lives at the repository root)


# ---------------------------------------------------------------- parse_args

def test_defaults():
    a = cli.parse_args([], environ={})
    assert (a.host, a.port, a.async_mode, a.seed, a.scenario, a.speed) == ("127.0.0.1", 5000, "eventlet", 7, "default", 1.0)
    assert a.token is None and a.open is False


def test_environment_sets_host_port_mode_and_token_and_flags_win():
    env = {"HOST": "0.0.0.0", "PORT": "8081", "ASYNC_MODE": "threading", "GROUPVIZ_TOKEN": "from-env"}
    a = cli.parse_args([], environ=env)
    assert (a.host, a.port, a.async_mode, a.token) == ("0.0.0.0", 8081, "threading", "from-env")
    b = cli.parse_args(["--host", "127.0.0.1", "--port", "9000", "--async-mode", "gevent", "--token", "flag"],
                       environ=env)
    assert (b.host, b.port, b.async_mode, b.token) == ("127.0.0.1", 9000, "gevent", "flag")


@pytest.mark.parametrize("argv", [["--async-mode", "asyncio"], ["--port", "0"], ["--port", "70000"],
                                  ["--port", "http"], ["--token", "  "], ["--token", "t", "--open"]])
def test_bad_arguments_exit_with_a_usage_error(argv, capsys):
    with pytest.raises(SystemExit) as e:
        cli.parse_args(argv, environ={})
    assert e.value.code == 2
    assert "usage:" in capsys.readouterr().err


def test_loopback_means_everyone_presents_and_any_other_host_gets_a_random_token():
    for host in ("127.0.0.1", "localhost", "::1"):
        assert cli.presenter_token(cli.parse_args(["--host", host], environ={})) is None
    t1 = cli.presenter_token(cli.parse_args(["--host", "0.0.0.0"], environ={}))
    t2 = cli.presenter_token(cli.parse_args(["--host", "0.0.0.0"], environ={}))
    assert t1 and t2 and t1 != t2 and len(t1) >= 21
    assert cli.presenter_token(cli.parse_args(["--host", "192.168.1.5"], environ={}))


def test_explicit_token_applies_everywhere_and_open_disables_it():
    assert cli.presenter_token(cli.parse_args(["--token", "mine"], environ={})) == "mine"
    assert cli.presenter_token(cli.parse_args(["--host", "0.0.0.0", "--token", "mine"], environ={})) == "mine"
    assert cli.presenter_token(cli.parse_args(["--host", "0.0.0.0", "--open"], environ={})) is None


def test_banner_prints_presenter_and_viewer_urls(monkeypatch):
    monkeypatch.setattr(cli, "lan_ip", lambda: "192.168.1.7")
    args = cli.parse_args(["--host", "0.0.0.0", "--port", "8080"], environ={})
    presenter, viewer, text = cli.banner(args, "TOK")
    assert presenter == "http://192.168.1.7:8080/?token=TOK" and viewer == "http://192.168.1.7:8080/"
    assert presenter in text and viewer in text and "qr.svg" in text
    local = cli.parse_args([], environ={})
    presenter, viewer, text = cli.banner(local, None)
    assert presenter == viewer == "http://127.0.0.1:5000/" and "token" not in text and viewer in text


def test_lan_binds_to_the_lan_address_with_a_token_and_prints_a_qr_code(monkeypatch):
    monkeypatch.setattr(cli, "lan_ip", lambda: "192.168.1.7")
    args = cli.parse_args(["--lan", "--port", "8080"], environ={"HOST": "127.0.0.1"})
    assert args.host == "192.168.1.7"
    token = cli.presenter_token(args)
    assert token                                           # not loopback: the room watches, one person presents
    presenter, viewer, text = cli.banner(args, token)
    assert presenter == f"http://192.168.1.7:8080/?token={token}" and viewer == "http://192.168.1.7:8080/"
    assert presenter in text and viewer in text and "presenter" in text


def test_lan_without_a_network_exits_with_a_clear_message(monkeypatch, capsys):
    monkeypatch.setattr(cli, "lan_ip", lambda: None)
    with pytest.raises(SystemExit) as e:
        cli.parse_args(["--lan"], environ={})
    assert e.value.code == 2
    err = capsys.readouterr().err
    assert "no LAN address" in err and "make run" in err


def test_lan_and_host_together_are_a_usage_error(capsys):
    with pytest.raises(SystemExit) as e:
        cli.parse_args(["--lan", "--host", "0.0.0.0"], environ={})
    assert e.value.code == 2 and "not allowed with" in capsys.readouterr().err


def test_a_loopback_banner_says_phones_need_make_classroom(monkeypatch):
    monkeypatch.setattr(cli, "lan_ip", lambda: "192.168.1.7")
    _, _, text = cli.banner(cli.parse_args([], environ={}), None)
    assert "make classroom" in text


def test_makefile_has_the_classroom_target():
    make = (ROOT / "Makefile").read_text()
    assert re.search(r"^classroom: setup\n\t\$\(BIN\)/python app.py --lan ", make, re.M)


def test_lan_ip_is_an_address_or_none():
    ip = cli.lan_ip()
    assert ip is None or re.fullmatch(r"\d+\.\d+\.\d+\.\d+", ip)


# ---------------------------------------------------------------- real processes

def start(*argv) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    env.pop("GROUPVIZ_TOKEN", None)
    proc = subprocess.Popen([sys.executable, str(ROOT / "app.py"), "--port", str(port), *argv], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while True:
        if proc.poll() is not None:
            raise AssertionError(f"app.py exited with {proc.returncode}:\n{proc.stdout.read()}")
        try:
            if requests.get(url + "/healthz", timeout=1).json()["ok"]:
                return proc, url
        except requests.RequestException:
            pass
        if time.monotonic() > deadline:
            proc.kill()
            raise AssertionError(f"/healthz did not answer within 20 s:\n{proc.stdout.read()}")
        time.sleep(0.1)


def stop(proc: subprocess.Popen) -> str:
    proc.terminate()
    try:
        out, _ = proc.communicate(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, _ = proc.communicate()
    return out


def collect(url, **connect):
    sio = socketio.Client(reconnection=False)
    got = {"role": [], "snapshot": [], "tick": []}
    for name in got:
        sio.on(name, lambda data, name=name: got[name].append(data))
    sio.connect(url, wait_timeout=10, **connect)
    return sio, got


def wait_until(predicate, timeout=10.0):
    end = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < end, "timed out"
        time.sleep(0.02)


def test_app_serves_snapshot_and_ticks_on_eventlet():
    proc, url = start("--async-mode", "eventlet")
    try:
        sio, got = collect(url)
        try:
            wait_until(lambda: got["snapshot"] and len(got["tick"]) >= 2)
            assert got["role"] == [{"role": "presenter"}]
            assert got["snapshot"][0]["groups"][0]["group_id"] == "g1"
            assert got["tick"][-1]["time_ms"] > got["tick"][0]["time_ms"]
            assert sio.call("command", {"op": "add_consumer"}, timeout=5) == {"ok": True, "member_id": "consumer-4"}
            assert sio.transport() == "websocket"
        finally:
            sio.disconnect()
    finally:
        out = stop(proc)
    assert f"open {url}/" in out and "Traceback" not in out


def test_app_with_a_token_prints_it_and_only_its_holder_presents():
    proc, url = start("--async-mode", "threading", "--token", "class-secret-42")
    try:
        viewer, got_v = collect(url)
        presenter, got_p = collect(url, auth={"token": "class-secret-42"})
        try:
            wait_until(lambda: got_v["role"] and got_p["role"])
            assert got_v["role"] == [{"role": "viewer"}] and got_p["role"] == [{"role": "presenter"}]
            assert viewer.call("command", {"op": "pause"}, timeout=5)["ok"] is False
            assert presenter.call("command", {"op": "pause"}, timeout=5) == {"ok": True, "running": False}
            page = requests.get(url + "/", timeout=5).text
            assert 'data-role="viewer"' in page and "class-secret-42" not in page
            qr = requests.get(url + "/qr.svg", timeout=5)
            assert qr.status_code == 200 and qr.headers["Content-Type"].startswith("image/svg+xml")
        finally:
            viewer.disconnect()
            presenter.disconnect()
    finally:
        out = stop(proc)
    assert f"{url}/?token=class-secret-42" in out and "presenter" in out and "viewers" in out


def test_lan_binds_to_a_non_loopback_address_and_phones_can_reach_it():
    from groupviz.serve import lan

    ip = lan.choose_lan_ip()
    if ip is None:
        pytest.skip("this machine has no LAN address (only loopback is up): nothing for --lan to bind")
    port = free_port()
    env = dict(os.environ, PYTHONUNBUFFERED="1", PYTHONIOENCODING="utf-8")
    env.pop("GROUPVIZ_TOKEN", None)
    proc = subprocess.Popen([sys.executable, str(ROOT / "app.py"), "--lan", "--port", str(port),
                             "--async-mode", "threading"], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    url = f"http://{ip}:{port}"
    try:
        wait_until(lambda: _answers(url + "/healthz") or proc.poll() is not None, timeout=20)
        assert proc.poll() is None, proc.stdout.read()
        assert not lan.usable("127.0.0.1") and lan.usable(ip)
        with pytest.raises(requests.ConnectionError):          # bound to the LAN address, not to loopback
            requests.get(f"http://127.0.0.1:{port}/healthz", timeout=2)
        page = requests.get(url + "/", timeout=5).text
        assert 'data-role="viewer"' in page and 'data-share-loopback=""' in page
        assert f'data-viewer-url="{url}/"' in page
    finally:
        out = stop(proc)
    m = re.search(rf"{re.escape(url)}/\?token=([\w-]+)", out)
    assert m, out
    assert f"{url}/\n" in out and "█" in out                        # the viewer URL and its QR code


def _answers(url) -> bool:
    try:
        return requests.get(url, timeout=1).status_code == 200
    except requests.RequestException:
        return False


def test_gevent_mode_without_gevent_installed_says_what_to_install():
    import importlib.util
    import subprocess
    import sys

    if importlib.util.find_spec("gevent") is not None:
        pytest.skip("gevent is installed here")
    r = subprocess.run([sys.executable, "app.py", "--async-mode", "gevent", "--port", "1"], capture_output=True,
                       text=True, timeout=60, cwd=str(Path(__file__).resolve().parents[2]))
    assert r.returncode == 2
    assert "needs the gevent package" in r.stderr and "Traceback" not in r.stderr
