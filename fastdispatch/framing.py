"""The framing guard: a request whose framing two HTTP parsers could read
two ways is refused, with a 400 and ``Connection: close``, before the app
sees it (``FRAMING_GUARD``, on by default).

Servers differ in what they let through (issue 16: bjoern answers a second
request smuggled in a body framed by both Content-Length and
Transfer-Encoding; meinheld frames ``chunked, identity`` by Content-Length
where a front proxy may de-chunk it), so the app does not rely on them.
The short path (both twins) calls ``refusal`` only where its own cheap
test, reading keys the environ already has, finds something to look at.
"""

from __future__ import annotations

import re
import typing as t

from .exceptions import BadRequest

__all__ = ["controls", "problem", "refusal"]

# C0 but HTAB, and DEL: RFC 9110 5.5 allows neither in a field value (the
# WSGI server decoded the bytes as latin-1, so one char is one byte)
_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")


def controls(environ: dict[str, t.Any]) -> bool:
    """A control character in a header value the server passed on."""
    # (a key that is no str is no header: PEP 3333 wants str keys, and a
    # 500 for one would be the guard's own)
    values = [v for k, v in environ.items() if isinstance(k, str) and k[:5] == "HTTP_" and type(v) is str]
    joined = "".join(values)
    # PERF: isprintable (C, one pass) is False for every control character;
    # only then (a tab, a no-break space, ...) the exact search
    return not joined.isprintable() and _CONTROL.search(joined) is not None


def problem(environ: dict[str, t.Any]) -> str | None:
    """What is wrong with the request's framing, or None."""
    te = environ.get("HTTP_TRANSFER_ENCODING")
    cl = environ.get("CONTENT_LENGTH")
    if te is not None:
        if cl:
            return "The request has both Transfer-Encoding and Content-Length."
        if te != "chunked":
            return "The request's Transfer-Encoding is not chunked."
    # a duplicated header arrives joined ("5, 5") or not at all: which one a
    # server keeps is its own choice, so every list is refused
    if cl and not (type(cl) is str and cl.isascii() and cl.isdigit()):
        return "The request's Content-Length is not a number."
    # (granian passes a missing Host as an empty one; an http URI always has
    # a host, so an empty Host is no better)
    if not environ.get("HTTP_HOST") and environ.get("SERVER_PROTOCOL") == "HTTP/1.1":
        return "The HTTP/1.1 request has no Host header."
    if controls(environ):
        return "A request header holds a control character."
    return None


def refusal(app: t.Any, environ: dict[str, t.Any], start_response: t.Callable[..., t.Any]) -> list[bytes] | None:
    """The 400 for a request whose framing has a ``problem``, with the
    guard on (``FRAMING_GUARD``); None to serve the request.  Neither error
    handlers nor hooks run: they are the app's code, and would read the
    headers in question."""
    if not app.config["FRAMING_GUARD"]:
        return None
    why = problem(environ)
    if why is None:
        return None
    body = BadRequest(why).get_body().encode()
    headers = [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(body)))]
    # the rest of the connection cannot be trusted to be framed as the server
    # thinks.  wsgiref closes every connection anyway, and refuses
    # hop-by-hop headers from an app with an AssertionError (a 500)
    if not str(environ.get("SERVER_SOFTWARE", "")).startswith("WSGIServer/"):
        headers.append(("Connection", "close"))
    start_response("400 BAD REQUEST", headers)
    return [body]
