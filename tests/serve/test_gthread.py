"""What fastdispatch's gthread worker class (``fastdispatch/gthread_worker.py``)
changes in gunicorn's, beyond the hostile suite's cases: a connection still
sending its head does not hold up SIGTERM, and bounding reads did not bound
writes (a slow reader still gets a large response whole)."""

from __future__ import annotations

import socket
import time

from .conftest import in_checkout_on_linux, need, request

pytestmark = in_checkout_on_linux

BIG_APP = """
from fastdispatch import App

app = App(__name__)
BODY = b"x" * (32 * 1024 * 1024)

@app.get("/big")
def big():
    return BODY, 200, {"Content-Type": "application/octet-stream"}
"""


def test_a_head_still_arriving_does_not_hold_up_sigterm(start_server):
    need("gthread")
    srv = start_server("gthread")
    half = socket.create_connection(("127.0.0.1", srv.port), timeout=10)
    half.sendall(b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
    time.sleep(0.5)  # waiting in the worker's poller for the rest of its head
    started = time.monotonic()
    assert srv.terminate() == 0, srv.output()
    assert time.monotonic() - started < 10, srv.output()  # not the 30 s head timeout, nor the 30 s graceful one
    try:
        assert half.recv(100) == b""  # closed, nothing sent
    except ConnectionResetError:
        pass  # closed with its unread bytes: a reset
    half.close()


def test_a_slow_reader_gets_a_large_response_whole(start_server, tmp_path):
    """32 MiB, not read at all for longer than the 5 s a read may wait:
    more than loopback's buffers hold, so the server's send blocks that long."""
    need("gthread")
    (tmp_path / "big_app.py").write_text(BIG_APP)
    srv = start_server("gthread", app="big_app:app", cwd=tmp_path)
    with srv.conn() as c:
        c.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 65536)
        c.send(request("GET", "/big", close=True))
        time.sleep(7)
        c.sock.settimeout(30)
        r = c.read_response()
    assert (r.status, len(r.body)) == (200, 32 * 1024 * 1024), srv.output()[-2000:]
