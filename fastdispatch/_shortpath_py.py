"""The short request path: the pure-Python twin of ``src/_shortpath.pyx``
(same names, same order; read one against the other); ``shortpath`` picks
one.

``call`` is ``App.__call__`` (through ``WSGICallable``, App's base).  It
matches the request, once, and hands the result on: a hit in an app that
nothing hooks into (``ShortPathState.serves``) is served here — its
``Request`` and context, the view called, a ``str`` result answered without
a ``Response`` object, any other result and any exception through the
app's own finalizing and error handling; everything else (a routing error:
404, 405, a redirect, an automatic OPTIONS; hooks; overrides) goes with the
match result to ``App.dispatch_matched``, the full pipeline.  Only an app
whose ``wsgi_app`` is wrapped or overridden (not ``matches``) goes to
``wsgi_app`` unmatched, which matches it there.  Before all of it, a
request whose framing looks wrong (``_look``) is judged by
``framing.refusal``, which may answer it with a 400 itself.
"""

from __future__ import annotations

import operator
import typing as t

from .ctx import _cv
from .environ import _wsgi_decode
from .framing import refusal
from .http import APPLICATION_JSON, TEXT_HTML
from .json.provider import compact_json
from .routing import RoutingException

_new = object.__new__

# bytes.translate's table for _look: a character framing.controls refuses
# (C0 but HTAB, and DEL) to 0, any other to 1
_CONTROL_TO_0 = bytes(0 if (b < 32 and b != 9) or b == 127 else 1 for b in range(256))

__all__ = ["ShortPathState", "WSGICallable", "call"]


def _plain(app: t.Any, environ: dict[str, t.Any], req: t.Any) -> bool:
    """Nothing to do but send the answer: no ``after_this_request``
    function, no session to save (none opened, no cookie that may hold one)."""
    return req._after is None and req._session is None and ("HTTP_COOKIE" not in environ or not app.config["SECRET_KEY"])


class _Layout:
    """What ``_look`` knows of every environ with these keys in this order
    (a server sends the same keys in the same order for the same headers):
    ``pick``, the getter of what ``_look`` reads (REQUEST_METHOD,
    PATH_INFO, then the headers' values, HTTP_HOST's first, then
    CONTENT_LENGTH's where ``cl``), or None where a key it reads is missing
    or one is there to refuse (Transfer-Encoding): framing.refusal judges."""

    __slots__ = ("keys", "pick", "cl")

    def __init__(self, keys: tuple[t.Any, ...]) -> None:
        self.keys = keys
        self.cl = "CONTENT_LENGTH" in keys
        self.pick: t.Callable[[dict[str, t.Any]], tuple[t.Any, ...]] | None = None
        if all(k in keys for k in ("REQUEST_METHOD", "PATH_INFO", "HTTP_HOST")) and "HTTP_TRANSFER_ENCODING" not in keys:
            headers = [k for k in keys if isinstance(k, str) and k[:5] == "HTTP_" and k != "HTTP_HOST"]
            self.pick = operator.itemgetter("REQUEST_METHOD", "PATH_INFO", "HTTP_HOST", *headers, *["CONTENT_LENGTH"] * self.cl)


#: the last layout of each environ size (PERF: a list indexed by it, not a
#: dict: an environ of more keys than it holds is judged by framing.refusal)
_layouts: list[_Layout | None] = [None] * 256


def _look(environ: dict[str, t.Any]) -> tuple[t.Any, ...] | None:
    """The request's method and path first (then what else was read); None
    where ``framing.problem`` may object to something (a superset of it).

    PERF: a Python loop over the environ's keys cost more than the rest of
    the request; the compiled twin's walk picks the values out in one pass,
    this twin with a getter made for the environ's layout, which one tuple
    compare finds again.  The header values are scanned by C loops."""
    keys = tuple(environ)
    try:
        layout = _layouts[len(keys)]
        if layout is None or layout.keys != keys:
            layout = _layouts[len(keys)] = _Layout(keys)
    except IndexError:
        return None
    pick = layout.pick
    if pick is None:
        return None
    values = pick(environ)
    if layout.cl:
        cl = values[-1]
        if cl and not (type(cl) is str and cl.isascii() and cl.isdigit()):
            return None
    # (granian passes a missing Host as an empty one)
    if not values[2] and environ.get("SERVER_PROTOCOL") == "HTTP/1.1":
        return None
    try:
        # a control character maps to 0 (latin-1: what the server decoded).
        # PERF: the method and path are scanned too, where no slice leaves
        # them out: a path with %0A in it is judged by framing.refusal
        if 0 in "".join(values).encode("latin-1").translate(_CONTROL_TO_0):
            return None
    except (TypeError, UnicodeError):  # a value that is no str, or beyond latin-1
        return None
    return values


class ShortPathState:
    """What ``App._short_path_state`` worked out for ``call``, kept until
    the app changes (``App.__setattr__``, hook registration).

    ``matches``: ``wsgi_app`` is App's own, unwrapped, so ``call`` may match
    the request itself.  ``serves``: besides, nothing hooks in and nothing
    ``call`` would skip is overridden (``dispatch_request``,
    ``preprocess_request``, ``make_response``, ``finalize_request``,
    ``process_response``, ``full_dispatch_request``, the response class, a
    request class's ``__init__``/``__new__``), so a hit is served here.
    ``text``: a ``str`` result may skip the ``Response`` object (no hooks;
    no response class, ``make_response``, ``finalize_request``,
    ``process_response`` or ``full_dispatch_request`` of the app's own), in
    either path.  ``json``:
    besides, a ``dict`` result may skip it too, written as ``app.json``
    writes it outside debug mode (the default provider with its default
    settings; setting one on ``app.json`` resets the state).  ``match``,
    ``views`` and ``request_class``: the router's ``match``, the app's
    ``view_functions`` and ``request_class``."""

    __slots__ = ("matches", "serves", "text", "json", "match", "views", "request_class")

    def __init__(
        self, matches: bool, serves: bool, text: bool, json: bool, match: t.Callable[..., t.Any], views: dict[str, t.Any], request_class: type
    ) -> None:
        self.matches = matches
        self.serves = serves
        self.text = text
        self.json = json
        self.match = match
        self.views = views
        self.request_class = request_class


def call(app: t.Any, environ: dict[str, t.Any], start_response: t.Callable[..., t.Any]) -> t.Iterable[bytes]:
    found = _look(environ)
    if found is None:
        refused = refusal(app, environ, start_response)
        if refused is not None:
            return refused
        found = environ.get("REQUEST_METHOD", "GET"), environ.get("PATH_INFO", "")
    state = app._fast or app._short_path_state()
    if not state.matches:
        return app.wsgi_app(environ, start_response)  # type: ignore[no-any-return]
    # PERF: straight from the environ; the router upper-cases the method
    # itself.  Paths that are not ASCII are WSGI's latin-1: decoded first.
    method, path = found[0], found[1]
    if not path.isascii():
        path = _wsgi_decode(path)
    try:
        endpoint, args = state.match(method, path)
    except RoutingException as e:
        return app.dispatch_matched(environ, start_response, None, None, e)  # type: ignore[no-any-return]
    if not state.serves:
        return app.dispatch_matched(environ, start_response, endpoint, args, None)  # type: ignore[no-any-return]
    # the Request made as the compiled twin makes it: its slots
    # (request.SHORT_PATH_SLOTS) set without a call of __init__, which
    # ShortPathState.serves says is Request's own
    req = _new(state.request_class)
    req.environ = environ
    req.app = app
    req.endpoint = endpoint
    req.view_args = args
    req._form_loaded = False
    req._session = None
    req._after = None
    token = _cv.set(req)
    try:
        try:
            try:
                rv = state.views[endpoint](**args)
            except Exception as e:
                rv = app.handle_user_exception(e)
            # PERF: the common view returns text, or a dict (a JSON API's
            # answer): no Response object where nothing else is to be done
            # (_plain's test, inline: a call costs as much as the test)
            kind = type(rv)
            if (kind is str or kind is dict) and req._after is None and req._session is None and (
                "HTTP_COOKIE" not in environ or not app.config["SECRET_KEY"]
            ):
                if kind is str:
                    body = rv.encode()
                    start_response("200 OK", [TEXT_HTML, ("Content-Length", str(len(body)))])
                    return [] if method == "HEAD" else [body]  # as Werkzeug's Response: the environ's own value
                # made as app.json makes it outside debug mode
                if state.json and not app.config["DEBUG"]:
                    body = f"{compact_json(rv)}\n".encode()
                    start_response("200 OK", [APPLICATION_JSON, ("Content-Length", str(len(body)))])
                    return [] if method == "HEAD" else [body]
            response = app.finalize_request(rv)
        except Exception as e:
            response = app.handle_exception(e)
        return response(environ, start_response)  # type: ignore[no-any-return]
    finally:
        if req._form_loaded:
            req.close()  # uploads spooled to temporary files
        _cv.reset(token)


class WSGICallable:
    """``App``'s base: ``app(environ, start_response)`` is ``call``;
    ``_fast`` holds the app's ``ShortPathState`` (None until worked out)."""

    __slots__ = ("_fast",)
    __call__ = call
