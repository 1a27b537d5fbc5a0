"""The request path an app takes while nothing hooks in: the pure-Python
twin of ``src/_wsgi.pyx`` (same names, same order; read one against the
other).

``call`` is ``App.__call__`` (through ``WSGICallable``, App's base).  It
routes first and builds nothing for a request it cannot finish itself: a
routing error (404, 405, a redirect), an automatic OPTIONS, a path that is
not ASCII, or an app with hooks or overrides (``App._fast_state`` says
which) goes to ``App.wsgi_app``, the full pipeline, which routes again.  A
matched request gets its ``Request`` and context, its view called, and a
``str`` result answered without a ``Response`` object; any other result, and
any exception, goes through the app's own finalizing and error handling, as
in ``wsgi_app``.
"""

from __future__ import annotations

import typing as t

from .ctx import _cv
from .routing import RoutingException

__all__ = ["WSGICallable", "call"]

_TEXT_HTML = ("Content-Type", "text/html; charset=utf-8")


def call(app: t.Any, environ: dict[str, t.Any], start_response: t.Callable[..., t.Any]) -> t.Iterable[bytes]:
    state = app._fast or app._fast_state()
    if not state[0]:
        return app.wsgi_app(environ, start_response)  # type: ignore[no-any-return]
    _short, _text, match, views, auto_options, request_class, _compiled = state
    # PERF: straight from the environ; the router upper-cases the method
    # itself.  Paths that are not ASCII need decoding: wsgi_app does it.
    method = environ.get("REQUEST_METHOD", "GET")
    path = environ.get("PATH_INFO", "")
    if not path.isascii():
        return app.wsgi_app(environ, start_response)  # type: ignore[no-any-return]
    try:
        endpoint, args = match(method, path)
    except RoutingException:
        return app.wsgi_app(environ, start_response)  # type: ignore[no-any-return]
    if method != "GET" and endpoint in auto_options and method.upper() == "OPTIONS":
        return app.wsgi_app(environ, start_response)  # type: ignore[no-any-return]
    req = request_class(environ, app)
    req.endpoint = endpoint
    req.view_args = args
    token = _cv.set(req)
    try:
        try:
            try:
                rv = views[endpoint](**args)
            except Exception as e:
                rv = app._handle_user_exception(req, e)
            # PERF: the common view returns text: no Response object.
            if type(rv) is str:
                body = rv.encode()
                start_response("200 OK", [_TEXT_HTML, ("Content-Length", str(len(body)))])
                return [] if method == "HEAD" else [body]  # as Werkzeug's Response: the environ's own value
            response = app._finalize(req, rv)
        except Exception as e:
            response = app._handle_exception(req, e)
        return response(environ, start_response)  # type: ignore[no-any-return]
    finally:
        if req._form_loaded:
            req.close()  # uploads spooled to temporary files
        _cv.reset(token)


class WSGICallable:
    """``App``'s base: ``app(environ, start_response)`` is ``call``;
    ``_fast`` holds ``App._fast_state``'s answer (None until worked out)."""

    __slots__ = ("_fast",)
    __call__ = call
