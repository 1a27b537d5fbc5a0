"""`fastdispatch serve` on real servers, over raw sockets.

Each server runs examples.api:app in a subprocess on a free port.  What a
server does not do is skipped with the reason (documented in
fastdispatch/servers.py): wsgiref has no keep-alive, pipelining or chunked
request bodies; bjoern answers only the last of pipelined requests.
"""

from __future__ import annotations

import json
import os
import signal
import time

import pytest

from .conftest import Conn, SERVERS, in_checkout_on_linux, need, request, running

pytestmark = in_checkout_on_linux

NO_KEEPALIVE = {"wsgiref": "wsgiref (development server) closes the connection after each response"}
NO_PIPELINING = {
    **NO_KEEPALIVE,
    "bjoern": "bjoern does not support HTTP pipelining (it answers only the last request of a batch)",
}
NO_CHUNKED_BODY = {"wsgiref": "wsgiref does not decode chunked request bodies"}


def _wait_for(predicate, timeout=20, what="condition"):
    deadline = time.monotonic() + timeout
    while not (value := predicate()):
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.05)
    return value


@pytest.fixture(scope="module", params=SERVERS)
def server(request, tmp_path_factory):
    """One running server per name, shared by this module's tests."""
    with running(request.param, tmp_path_factory) as srv:
        yield srv


def skip_if(table, server):
    if server.name in table:
        pytest.skip(table[server.name])


def test_get(server):
    with server.conn() as c:
        c.send(request("GET", "/health", close=True))
        r = c.read_response()
    assert r.status == 200
    assert r.headers["content-type"] == "application/json"
    assert r.json()["ok"] is True
    assert len(r.headers["x-request-id"]) == 32  # the app's after_request hook


def test_keep_alive_two_requests_one_connection(server):
    skip_if(NO_KEEPALIVE, server)
    with server.conn() as c:
        c.send(request("GET", "/health"))
        first = c.read_response()
        c.send(request("GET", "/api/notes/42"))
        second = c.read_response()
    assert first.status == 200 and first.json()["ok"] is True
    assert first.headers.get("connection", "keep-alive").lower() != "close"
    assert second.status == 404
    assert second.json() == {"error": "Not Found", "status": 404, "message": "no note 42"}


def test_pipelined_requests_in_one_write(server):
    skip_if(NO_PIPELINING, server)
    with server.conn() as c:
        c.send(request("GET", "/health") + request("GET", "/tags/home") + request("GET", "/api/notes/x", close=True))
        responses = [c.read_response() for _ in range(3)]
        assert c.closed_by_server()
    assert [r.status for r in responses] == [200, 200, 404]
    assert responses[0].json()["ok"] is True
    assert isinstance(responses[1].json(), list)


def test_head_has_no_body(server):
    with server.conn() as c:
        c.send(request("HEAD", "/health", close=True))
        r = c.read_response(head=True)
        rest = c.read_to_close()
    assert r.status == 200
    assert r.headers["content-type"] == "application/json"
    assert rest == b""


def test_json_errors_from_the_app(server):
    with server.conn() as c:
        c.send(request("DELETE", "/health", close=True))
        r = c.read_response()
    assert r.status == 405
    assert r.json()["error"] == "Method Not Allowed"


def test_bad_request_line_gets_400_and_close(server):
    with server.conn() as c:
        # four parts (a space in the target): every server's parser refuses it
        # with a status line (to a line with no HTTP version at all, wsgiref
        # answers HTTP/0.9-style, with a bare HTML body)
        c.send(b"GET /no such HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        r = c.read_response()
        assert r.status == 400
        assert c.closed_by_server()
    with server.conn() as c:  # the server is still there
        c.send(request("GET", "/health", close=True))
        assert c.read_response().status == 200


def test_chunked_request_body(server):
    skip_if(NO_CHUNKED_BODY, server)
    note = {"title": "chunked upload", "tags": ["home", "misc"], "text": "x" * 3000}
    body = json.dumps(note).encode()
    head = request("POST", "/echo", headers=[("Content-Type", "application/json"), ("Transfer-Encoding", "chunked")])
    with server.conn() as c:
        c.send(head)
        for i in range(0, len(body), 1000):  # one write per chunk
            piece = body[i : i + 1000]
            c.send(b"%x\r\n%s\r\n" % (len(piece), piece))
        c.send(b"0\r\n\r\n")
        r = c.read_response()
        # and the connection goes on after a chunked body
        if server.name not in NO_KEEPALIVE:
            c.send(request("GET", "/health", close=True))
            assert c.read_response().status == 200
    assert r.status == 200, r.body
    assert r.json() == {"echo": note, "bytes": len(body)}


# -- start, stop --------------------------------------------------------------------------


@pytest.mark.parametrize("name", SERVERS)
def test_sigterm_exits_cleanly_and_access_log_is_off(name, start_server):
    need(name)
    srv = start_server(name)
    with srv.conn() as c:
        c.send(request("GET", "/api/notes/424242", close=True))
        assert c.read_response().status == 404
    idle = srv.conn()  # an idle keep-alive connection must not hold the exit up for long
    started = time.monotonic()
    assert srv.terminate() == 0, srv.output()
    idle.sock.close()
    assert time.monotonic() - started < 15
    assert "424242" not in srv.output()  # no access log by default
    with pytest.raises(OSError):
        Conn(srv.port, timeout=2)


SLOW_APP = """
import os, pathlib, time
from fastdispatch import App

app = App(__name__)

@app.get("/slow")
def slow():
    pathlib.Path(os.environ["SLOW_MARK"]).touch()  # the request has reached the app
    time.sleep(0.3)
    return {"slow": "done"}
"""


@pytest.mark.parametrize("name", SERVERS)
def test_sigterm_lets_the_request_in_progress_finish(name, start_server, tmp_path, monkeypatch):
    need(name)
    (tmp_path / "slow_app.py").write_text(SLOW_APP)
    mark = tmp_path / "entered"
    monkeypatch.setenv("SLOW_MARK", str(mark))
    srv = start_server(name, app="slow_app:app", cwd=tmp_path)
    with srv.conn() as c:
        c.send(request("GET", "/slow", close=True))
        _wait_for(mark.exists, what="the request to reach the app")
        srv.proc.send_signal(signal.SIGTERM)
        r = c.read_response()
    assert (r.status, r.json()) == (200, {"slow": "done"}), srv.output()
    assert srv.terminate(send=False) == 0, srv.output()


@pytest.mark.parametrize("name", SERVERS)
def test_access_log_on(name, start_server):
    need(name)
    srv = start_server(name, "--access-log")
    with srv.conn() as c:
        c.send(request("GET", "/api/notes/535353", close=True))
        assert c.read_response().status == 404
    _wait_for(lambda: "GET /api/notes/535353" in srv.output(), what="the access log line")
    assert srv.terminate() == 0


# -- several workers: a crashed worker is replaced -------------------------------------------------


@pytest.mark.parametrize("name, required", [("meinheld", "gunicorn"), ("granian", "granian"), ("gthread", "gthread")])
def test_workers_killed_worker_is_replaced(name, required, start_server):
    need(required)
    srv = start_server(name, workers=2)
    workers = _wait_for(lambda: (k if len(k := srv.children()) >= 2 else None), what="2 workers")
    assert len(workers) == 2, workers
    victim = min(workers)
    os.kill(victim, signal.SIGKILL)
    replaced = _wait_for(
        lambda: (k if len(k := srv.children()) == 2 and victim not in k else None), what="a replacement worker"
    )
    assert victim not in replaced and len(replaced - workers) == 1
    assert srv.proc.poll() is None, srv.output()
    for _ in range(6):  # new connections: whichever worker takes them answers
        with srv.conn() as c:
            c.send(request("GET", "/health", close=True))
            assert c.read_response().status == 200
    assert srv.terminate() == 0, srv.output()
    assert not srv.children()


FILES_APP = """
from fastdispatch import App

app = App(__name__)  # its static folder: ./static
"""


@pytest.mark.parametrize("name", SERVERS)
def test_static_files_through_the_servers_file_wrapper(name, start_server, tmp_path):
    """A static file, whole, in part, for HEAD and as a 304, on each server
    (through its wsgi.file_wrapper where it has one)."""
    need(name)
    body = bytes(range(256)) * 400  # 100 KiB: more than one block
    (tmp_path / "static").mkdir()
    (tmp_path / "static" / "blob.bin").write_bytes(body)
    (tmp_path / "files_app.py").write_text(FILES_APP)
    srv = start_server(name, app="files_app:app", cwd=tmp_path)

    def get(method="GET", headers=()):
        with srv.conn() as c:
            c.send(request(method, "/static/blob.bin", headers=headers, close=True))
            return c.read_response(head=method == "HEAD")

    whole = get()
    assert (whole.status, whole.body) == (200, body), srv.output()
    assert whole.headers["content-length"] == str(len(body))
    assert whole.headers["accept-ranges"] == "bytes"
    part = get(headers=[("Range", "bytes=1000-1999")])
    assert (part.status, part.body, part.headers["content-range"]) == (206, body[1000:2000], f"bytes 1000-1999/{len(body)}")
    suffix = get(headers=[("Range", "bytes=-10")])
    assert (suffix.status, suffix.body) == (206, body[-10:])
    assert get(headers=[("Range", f"bytes={len(body)}-")]).status == 416
    head = get("HEAD")
    assert (head.status, head.body) == (200, b"")
    assert get(headers=[("If-None-Match", whole.headers["etag"])]).status == 304
    assert get(headers=[("If-Modified-Since", whole.headers["last-modified"])]).status == 304
    with srv.conn() as c:
        c.send(request("GET", "/static/../files_app.py", close=True))
        assert c.read_response().status == 404
    assert srv.terminate() == 0, srv.output()
