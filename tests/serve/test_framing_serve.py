"""The framing guard (``fastdispatch.framing``) on real servers, over raw
sockets: what a server lets through reaches the app, which answers 400 and
has the connection closed.  Whichever of the two refuses a case, the client
must see a 400, then the end of the connection, never a smuggled request's
answer.  (The issue 16 probes: meinheld serves HTTP/1.1 without Host and
frames ``chunked, identity`` beside a Content-Length by the Content-Length;
granian serves HTTP/1.1 without Host.)"""

from __future__ import annotations

import pytest

from .conftest import Conn, in_checkout_on_linux, running

pytestmark = in_checkout_on_linux

GUARDED = ["meinheld", "granian"]


@pytest.fixture(scope="module", params=GUARDED)
def server(request, tmp_path_factory):
    with running(request.param, tmp_path_factory) as srv:
        yield srv


def refused(server, raw: bytes) -> None:
    with Conn(server.port) as c:
        c.send(raw)
        r = c.read_response()
        assert r.status == 400, (r, server.output())
        assert c.closed_by_server(), "the connection stayed open after the 400"


def test_http11_without_host(server):
    refused(server, b"GET /health HTTP/1.1\r\n\r\n")


def test_te_list_beside_content_length_smuggles_nothing(server):
    smuggled = b"0\r\n\r\nGET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
    refused(server, b"POST /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    b"Content-Length: %d\r\nTransfer-Encoding: chunked, identity\r\n\r\n%s" % (len(smuggled), smuggled))


def test_control_character_in_a_header(server):
    refused(server, b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Request-Id: a\x01b\r\n\r\n")


def test_an_ordinary_request_after(server):
    with Conn(server.port) as c:
        c.send(b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Request-Id: a\tb\r\nConnection: close\r\n\r\n")
        assert c.read_response().status == 200
