"""Body limits before the body is read: a Content-Length over the app's
MAX_CONTENT_LENGTH (examples.api: 64 KiB) gets a 413 without the client
sending a byte of body.  meinheld is given the app's limit plus 1 MiB
(``set_max_content_length``, servers.MEINHELD_READ_MARGIN): left at its own
16 MiB it would wait for, and spool, the whole body first.  Within the margin
it reads the body and the app's 413 follows, on a connection that serves the
next request.  gthread (gunicorn) calls the app before it reads the body:
the app's own 413.  (A bounded wait: the client's timeout.)"""

from __future__ import annotations

import pytest

from .conftest import in_checkout_on_linux, need

pytestmark = in_checkout_on_linux


@pytest.mark.parametrize("name, workers", [("meinheld", 1), ("gunicorn", 2), ("granian", 1), ("gthread", 1), ("gthread", 2)])
def test_over_the_limit_is_413_before_the_body(name, workers, start_server):
    need(name)
    srv = start_server("meinheld" if name == "gunicorn" else name, workers=workers)
    with srv.conn() as c:
        c.send(b"POST /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
               b"Content-Length: %d\r\n\r\n" % (10 * 1024 * 1024))
        r = c.read_response()  # no body sent: only a server that does not wait for it answers
    assert r.status == 413, (r, srv.output())


@pytest.mark.parametrize("name", ["meinheld", "granian", "gthread"])
def test_at_the_limit_is_served(name, start_server):
    need(name)
    srv = start_server(name)
    body = b'{"title": "t", "text": "' + b"x" * (64 * 1024 - 26) + b'"}'
    assert len(body) == 64 * 1024
    with srv.conn() as c:
        c.send(b"POST /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nConnection: close\r\n"
               b"Content-Length: %d\r\n\r\n%s" % (len(body), body))
        r = c.read_response()
    assert r.status == 200, (r.status, r.body[:300])


@pytest.mark.parametrize("name", ["meinheld", "granian"])
def test_a_little_over_the_limit_sent_whole_gets_its_413(name, start_server):
    """Sent as requests sends it, headers and body at once, no Expect: the
    413 arrives whole.  meinheld reads such a body (within its margin), so
    nothing is left unread to reset the connection, and it serves the next
    request; granian answers from the headers and then closes the
    connection (announced or not: its choice), never resets it."""
    need(name)
    srv = start_server(name)
    body = b'{"title": "t", "text": "' + b"x" * (64 * 1024) + b'"}'
    with srv.conn() as c:
        c.send(b"POST /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
               b"Content-Length: %d\r\n\r\n%s" % (len(body), body))
        r = c.read_response()
        assert r.status == 413, (r.status, r.body[:300])
        if name == "meinheld":
            c.send(b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
            assert c.read_response().status == 200
