"""gunicorn's ``gthread`` worker for ``serve --server gthread``, with two
things changed for clients that send malformed or stalled bodies (issue 16):

- A read of the request waits at most ``DEFAULT_WORKER_DATA_TIMEOUT``
  (gunicorn's own 5 s for a stalled client) for the next bytes (gunicorn
  23, the last for Python 3.9, through 27).  gunicorn
  reads on a blocking socket with no timeout, so a chunked body whose chunk
  line never ends (bare LF line ends) or whose chunk size announces more
  than will ever come held a thread, and the client, for good.  Only reads
  are bounded: a timeout on the socket itself would also bound ``sendall``
  of a whole response (Python 3.5+ counts the timeout over the whole call),
  cutting a large download to a slow client.  Now the read raises
  ``TimeoutError`` (an ``OSError``), which the app's body stream turns into
  a 400, or gunicorn into a closed connection.
- gunicorn decodes a chunked body as the app reads it and raises its own
  ``ParseException`` (``InvalidChunkSize``, ``ChunkMissingTerminator``, ...)
  into the app, which is an unhandled exception there: a 500.  Here it is
  the 400 it is.
- ``Expect: 100-continue``: gunicorn sends ``100 Continue`` while it builds
  the environ, before the app has decided; here the app's first read of the
  body sends it (``servers._ContinueOnRead``, as on wsgiref), so a request
  refused from its headers (a 413, a 405) costs the client no upload.

What is not changed: a thread of the pool reads each request's headers, so
enough slow clients still hold every thread; ``serve`` binds gthread to
loopback only, for behind a buffering proxy.
"""

from __future__ import annotations

import select
import socket
import threading
import typing as t

from gunicorn.http.errors import ParseException
from gunicorn.workers import gthread

from .exceptions import BadRequest
from .servers import _ContinueOnRead

__all__ = ["ThreadWorker"]

#: how long a read waits for the client's next bytes: gunicorn 27's own bound
#: for a stalled client; gunicorn 23 (Python 3.9's) has none, and gets the same 5 s
DEFAULT_WORKER_DATA_TIMEOUT: float = getattr(gthread, "DEFAULT_WORKER_DATA_TIMEOUT", 5.0)


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
    and shutdown unchanged), with the bounded reads, the 400 and the 100 on
    read above."""

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
        if type(conn.sock) is socket.socket:
            conn.sock.__class__ = _BoundedReads
        super().enqueue_req(conn)

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
