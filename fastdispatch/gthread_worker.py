"""gunicorn's ``gthread`` worker for ``serve --server gthread`` (gunicorn
27+), with four things changed, each a failure of tests/serve
(test_hostile.py, test_expect.py) on gunicorn's own worker (issue 16):

- A connection gets a thread of the pool only once its request's head
  (request line and headers) has arrived whole; until then it waits in the
  worker's poller, as gunicorn's own idle connections do, for at most
  ``HEAD_TIMEOUT``.  gunicorn gives a thread to any connection that has sent
  a byte, and the thread then reads the rest blocking: 50 clients sending
  their headers slowly (slowloris) held every thread, and every other
  client waited behind them.
- A read of the body waits at most ``DEFAULT_WORKER_DATA_TIMEOUT``
  (gunicorn's own 5 s for a stalled client) for the next bytes.  gunicorn
  reads on a blocking socket with no timeout, so a chunked body whose chunk
  line never ends (bare LF line ends) or whose chunk size announces more
  than will ever come held a thread, and the client, for good.  Now the
  read raises ``TimeoutError`` (an ``OSError``), which the app's body
  stream turns into a 400, or gunicorn into a closed connection.  Only
  reads are bounded: a timeout on the socket itself would also bound
  ``sendall`` of a whole response (Python 3.5+ counts it over the whole
  call), cutting a large download to a slow client.
- gunicorn decodes a chunked body as the app reads it and raises its own
  ``ParseException`` (``InvalidChunkSize``, ``ChunkMissingTerminator``, ...)
  into the app, which is an unhandled exception there: a 500.  Here it is
  the 400 it is.
- ``Expect: 100-continue``: gunicorn sends ``100 Continue`` while it builds
  the environ, before the app has decided; here the app's first read of the
  body sends it (``servers._ContinueOnRead``, as on wsgiref), so a request
  refused from its headers (a 413, a 405) costs the client no upload.

TLS (which ``serve`` does not configure) is left to gunicorn as it is: its
bytes cannot be looked at for the end of a head.
"""

from __future__ import annotations

import select
import selectors
import socket
import threading
import time
import typing as t
from functools import partial

from gunicorn.http.errors import ParseException
from gunicorn.workers import gthread

from .exceptions import BadRequest
from .servers import _ContinueOnRead

__all__ = ["ThreadWorker"]

#: how long a read waits for the client's next bytes: gunicorn's own bound
#: for a stalled client
DEFAULT_WORKER_DATA_TIMEOUT: float = gthread.DEFAULT_WORKER_DATA_TIMEOUT

#: how long a connection may take to send its request's head (or, kept
#: alive, the next one's) before it is closed; granian's is 30 s too
HEAD_TIMEOUT = 30.0

#: a head not ended within this many bytes goes to gunicorn as it is, which
#: refuses it by its own limits (limit_request_line, _field_size: 8 KiB)
HEAD_PEEK = 65536


class _BoundedReads(socket.socket):
    """A socket whose ``recv`` waits at most ``DEFAULT_WORKER_DATA_TIMEOUT``
    for data when the socket itself has no timeout (gunicorn sets one of its
    own only to drain an unread body).  An accepted socket is given this
    class in place (same layout, no new slots), so gunicorn's code, which
    holds the socket, is unchanged."""

    __slots__ = ()

    def recv(self, bufsize: int, flags: int = 0) -> bytes:
        if self.gettimeout() is None:
            poller = select.poll()
            poller.register(self, select.POLLIN)
            if not poller.poll(DEFAULT_WORKER_DATA_TIMEOUT * 1000):
                raise TimeoutError(f"no data from the client for {DEFAULT_WORKER_DATA_TIMEOUT:g} s")
        return super().recv(bufsize, flags)


class _ChunkedInput:
    """gunicorn's ``wsgi.input`` for a chunked body: its parse errors are a 400."""

    __slots__ = ("_raw",)

    def __init__(self, raw: t.Any) -> None:
        self._raw = raw

    def _call(self, name: str, *args: t.Any) -> t.Any:
        try:
            return getattr(self._raw, name)(*args)
        except ParseException as exc:
            raise BadRequest(description=f"The chunked request body is malformed: {exc}") from None

    def read(self, *args: t.Any) -> bytes:
        return t.cast(bytes, self._call("read", *args))

    def readline(self, *args: t.Any) -> bytes:
        return t.cast(bytes, self._call("readline", *args))

    def readlines(self, *args: t.Any) -> list[bytes]:
        return t.cast("list[bytes]", self._call("readlines", *args))

    def __iter__(self) -> t.Iterator[bytes]:
        while line := self.readline():
            yield line


class _SocketWriter:
    """What ``_ContinueOnRead`` writes the 100 to: the connection's socket."""

    __slots__ = ("_sock",)

    def __init__(self, sock: socket.socket) -> None:
        self._sock = sock

    def write(self, data: bytes) -> None:
        self._sock.sendall(data)

    def flush(self) -> None:
        pass


class ThreadWorker(gthread.ThreadWorker):  # type: ignore[misc]
    """``gunicorn.workers.gthread.ThreadWorker`` (its loop, pool, keep-alive
    and shutdown unchanged), with the four changes above."""

    def __init__(self, *args: t.Any, **kwargs: t.Any) -> None:
        super().__init__(*args, **kwargs)
        # set in handle_request, read by the app wrapper: same thread, same request
        self._continue = threading.local()

    def handle_request(self, req: t.Any, conn: t.Any) -> t.Any:
        # gunicorn 27 sends the 100 from wsgi.create() when this is set
        self._continue.pending = bool(getattr(req, "_expected_100_continue", False))
        req._expected_100_continue = False
        return super().handle_request(req, conn)

    def enqueue_req(self, conn: t.Any) -> None:
        # every connection passes here before a thread reads from it (new,
        # kept alive, or deferred); TLS sockets are left as they are
        if type(conn.sock) is socket.socket and not self.cfg.is_ssl:
            conn.sock.__class__ = _BoundedReads
        if type(conn.sock) is _BoundedReads and not self._head_arrived(conn):
            self._wait_for_head(conn)
            return
        conn.head_deadline = None
        super().enqueue_req(conn)

    def handle_exit(self, sig: t.Any, frame: t.Any) -> None:
        # SIGTERM: a connection still sending its head has no request in
        # progress, so it does not hold the stop up (murder_pending closes it)
        for conn in self.pending_conns:
            conn.timeout = conn.head_deadline = 0.0
        super().handle_exit(sig, frame)

    def _head_arrived(self, conn: t.Any) -> bool:
        """Whether the next request's head is all there: in what gunicorn's
        parser has buffered already (a pipelined request) and the socket's
        unread bytes, looked at without reading them (MSG_PEEK).  The end
        of the connection, or more than ``HEAD_PEEK`` bytes, count as
        arrived: gunicorn answers those itself."""
        parser = getattr(conn, "parser", None)
        unreader = getattr(parser, "unreader", None)
        buffered = unreader.buf.getvalue() if unreader is not None else b""
        try:
            peeked = socket.socket.recv(conn.sock, HEAD_PEEK, socket.MSG_PEEK | socket.MSG_DONTWAIT)
        except BlockingIOError:
            peeked = None  # nothing more yet
        except OSError:
            return True  # reset: gunicorn's read sees it and closes
        if peeked == b"":
            return True
        head = buffered + (peeked or b"")
        return b"\n\r\n" in head or b"\n\n" in head or len(head) >= HEAD_PEEK

    def _wait_for_head(self, conn: t.Any) -> None:
        """Back to the poller until more arrives, as gunicorn parks a
        connection that sent nothing (``pending_conns``, closed by its
        ``murder_pending`` at ``conn.timeout``), with one deadline for the
        whole head however many times it comes back (one that came back is
        appended behind later deadlines: closed at its next byte after its
        own, or when those before it go)."""
        now = time.monotonic()
        deadline = getattr(conn, "head_deadline", None)
        if deadline is None:
            deadline = conn.head_deadline = now + HEAD_TIMEOUT
        if now >= deadline:
            self.nr_conns -= 1
            conn.close()
            return
        if not self.alive:
            # the worker is retiring (--max-requests, SIGHUP, SIGTERM) and
            # its loop ends: parked, the connection would be dropped with
            # its request.  A thread reads the head instead (its reads
            # bounded, the exit waiting for it), as gunicorn's worker does.
            conn.head_deadline = None
            super().enqueue_req(conn)
            return
        conn.sock.setblocking(False)
        conn.timeout = deadline
        self.pending_conns.append(conn)
        self.poller.register(conn.sock, selectors.EVENT_READ, partial(self.on_pending_socket_readable, conn))

    def load_wsgi(self) -> None:
        super().load_wsgi()
        app = self.wsgi

        def wsgi_app(environ: dict[str, t.Any], start_response: t.Callable[..., t.Any]) -> t.Any:
            # only a chunked body has chunks to get wrong: the others pay one lookup
            if "HTTP_TRANSFER_ENCODING" in environ:
                environ["wsgi.input"] = _ChunkedInput(environ["wsgi.input"])
            if getattr(self._continue, "pending", False):
                self._continue.pending = False
                environ["wsgi.input"] = _ContinueOnRead(environ["wsgi.input"], _SocketWriter(environ["gunicorn.socket"]))
            return app(environ, start_response)

        self.wsgi = wsgi_app
