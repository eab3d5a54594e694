"""Static files and vendor bundles: gzip for browsers that accept it, ETag revalidation, cache lifetimes."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from groupviz.serve.web import create_app

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def http():
    return create_app({"ASYNC_MODE": "threading", "START_TICKER": False}).test_client()


@pytest.mark.parametrize("url, disk", [
    ("/static/app.js", ROOT / "static" / "app.js"),
    ("/static/style.css", ROOT / "static" / "style.css"),
    ("/vendor/socket.io.min.js", ROOT / "node_modules" / "socket.io-client" / "dist" / "socket.io.min.js"),
])
def test_a_browser_that_accepts_gzip_gets_the_same_file_gzipped(http, url, disk):
    r = http.get(url, headers={"Accept-Encoding": "gzip, deflate, br"})
    assert r.status_code == 200 and r.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in r.headers["Vary"]
    assert gzip.decompress(r.data) == disk.read_bytes()
    assert len(r.data) < disk.stat().st_size / 2


def test_plotly_is_served_gzipped_at_well_under_half_its_size_and_cached_for_an_hour(http):
    r = http.get("/vendor/plotly.min.js", headers={"Accept-Encoding": "gzip"})
    raw = gzip.decompress(r.data)
    assert r.headers["Content-Encoding"] == "gzip" and r.mimetype == "text/javascript"
    assert len(r.data) < len(raw) * 0.4 and b"plotly" in raw[:5000].lower()
    assert "max-age=3600" in r.headers["Cache-Control"] and "public" in r.headers["Cache-Control"]


def test_a_client_without_gzip_gets_plain_bytes(http):
    r = http.get("/static/app.js", headers={"Accept-Encoding": "identity"})
    assert "Content-Encoding" not in r.headers and r.data == (ROOT / "static" / "app.js").read_bytes()
    assert r.mimetype == "text/javascript"


def test_the_pages_own_files_revalidate_and_a_matching_etag_gets_304(http):
    r = http.get("/static/app.js", headers={"Accept-Encoding": "gzip"})
    assert "no-cache" in r.headers["Cache-Control"]
    again = http.get("/static/app.js", headers={"Accept-Encoding": "gzip", "If-None-Match": r.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""


@pytest.mark.parametrize("url", ["/static/../app.py", "/static/%2e%2e/app.py", "/static/nope.js", "/static/"])
def test_paths_outside_static_or_missing_files_are_404(http, url):
    assert http.get(url).status_code == 404


@pytest.mark.parametrize("url, mimetype", [
    ("/", "text/html"), ("/api/lessons", "application/json"), ("/api/state", "application/json"),
    ("/report", "text/html"), ("/report/metrics.csv", "text/csv"),
])
def test_the_page_the_api_and_the_report_are_gzipped_for_browsers_that_accept_it(url, mimetype):
    app = create_app({"ASYNC_MODE": "threading", "START_TICKER": False})
    assert app.extensions["groupviz"].apply({"op": "step", "ms": 30_000})["ok"]      # half a minute of metrics
    http = app.test_client()
    plain = http.get(url)
    zipped = http.get(url, headers={"Accept-Encoding": "gzip, deflate, br"})
    assert plain.status_code == zipped.status_code == 200 and zipped.mimetype == mimetype
    assert "Content-Encoding" not in plain.headers and "Accept-Encoding" in plain.headers["Vary"]
    assert zipped.headers["Content-Encoding"] == "gzip" and "Accept-Encoding" in zipped.headers["Vary"]
    assert int(zipped.headers["Content-Length"]) == len(zipped.data) < len(plain.data) / 2
    body = gzip.decompress(zipped.data)
    if url == "/report":        # the report carries the time it was made
        assert len(body) == pytest.approx(len(plain.data), rel=0.01)
    else:
        assert body == plain.data


def test_small_answers_and_errors_stay_plain(http):
    r = http.get("/healthz", headers={"Accept-Encoding": "gzip"})
    assert r.status_code == 200 and "Content-Encoding" not in r.headers         # under 1 KB
    r = http.get("/api/describe?group=g1&view=nonsense", headers={"Accept-Encoding": "gzip"})
    assert "Content-Encoding" not in r.headers and r.get_json()["ok"] is False
