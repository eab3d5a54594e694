"""The benchmarks stay runnable and correct in CI: CI-sized runs, results checked, timings not asserted."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench"
pytestmark = [pytest.mark.slow, pytest.mark.timeout(240)]


def run(*args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *map(str, args)], capture_output=True, text=True, timeout=220)


def test_engine_bench_runs_and_the_engine_is_deterministic():
    r = run(BENCH / "engine.py", "--quick")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "ok: deterministic" in r.stdout
    assert "large at speed 10, live server" in r.stdout       # issue 20 item 4, as the product runs it


def test_short_soak_keeps_ticking_with_churning_clients_and_no_internal_errors(tmp_path):
    out = tmp_path / "soak.json"
    r = run(BENCH / "soak.py", "--duration", 25, "--clients", 10, "--sample", 2, "--json", out)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    report = json.loads(out.read_text())["report"]
    assert report["problems"] == []
    c = report["client_stats"]
    assert c["sessions"] > 10 and c["internal_errors"] == 0 and c["acks"] == c["commands"]
    assert report["tick_hz"]["min"] >= 5.0


def test_viewers_bench_delivers_stamped_ticks_to_every_viewer_of_both_servers(tmp_path):
    out = tmp_path / "viewers.json"
    r = run(BENCH / "viewers.py", "--n", 20, "--deflate", "both", "--measure", 2, "--warmup", 1, "--json", out)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    data = json.loads(out.read_text())
    assert data["problems"] == [] and len(data["results"]) == 4
    for res in data["results"]:
        assert res["connected"] == 20 and res["snapshots"] >= 20 and res["ticks_received"] > 0
        assert res["deflate_negotiated"] == (20 if res["deflate_offered"] else 0)


def test_quick_fuzz_of_engine_and_socket_finds_no_exception_or_violation(tmp_path):
    out = tmp_path / "fuzz.json"
    r = run(BENCH / "fuzz.py", "--quick", "--json", out)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    engine, sock = json.loads(out.read_text())
    for rep in (engine, sock):
        assert rep["exception_count"] == 0 and rep["violation_count"] == 0, rep
        assert rep["ok"] > 0 and rep["refused"] > 0 and rep["reasons"]     # both kinds really happened
    assert engine["commands"] == 3000 and engine["steps"] > 100
    assert sock["commands"] == 300 and "/healthz ok" in sock["notes"][0]


@pytest.mark.browser
def test_click_bench_sees_one_new_card_per_click_in_chromium(tmp_path):
    out = tmp_path / "click.json"
    r = run(BENCH / "click_to_screen.py", "--clicks", 8, "--batch", 4, "--json", out)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    data = json.loads(out.read_text())
    assert data["problems"] == [] and data["clicks"] == 8 and len(data["round_trips"]) == 8


@pytest.mark.browser
def test_payload_bench_merges_every_delta_and_serves_the_page_compressed(tmp_path):
    out = tmp_path / "payload.json"
    r = run(BENCH / "payload.py", "--quick", "--json", out)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    data = json.loads(out.read_text())
    assert data["problems"] == []
    for sizes in data["ticks"].values():
        assert sizes["delta"]["p50"] < sizes["full"]["p50"]
    assert data["first_load_wire_bytes"] < data["first_load_raw_bytes"] / 2
    assert data["render_cold_ms"]["ready"] > 0
