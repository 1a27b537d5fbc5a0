"""``url_for``, ``make_response``, ``flash`` and ``get_flashed_messages``:
the Flask helpers that need the current app or request."""

from __future__ import annotations

import typing as t
from urllib.parse import quote

from .ctx import AppContext, _cv, session


def url_for(
    endpoint: str,
    *,
    _anchor: str | None = None,
    _method: str | None = None,
    _scheme: str | None = None,
    _external: bool | None = None,
    **values: t.Any,
) -> str:
    """The URL of ``endpoint`` (``.name`` is relative to the current
    blueprint); extra values become the query string, as in Flask."""
    ctx = _cv.get(None)
    if ctx is None:
        raise RuntimeError("Attempted to generate a URL without the application context being pushed.")
    app = ctx.app
    req = None if isinstance(ctx, AppContext) else ctx
    if endpoint[:1] == ".":
        blueprint = req.endpoint.rpartition(".")[0] if req is not None and req.endpoint else ""
        endpoint = f"{blueprint}{endpoint}" if blueprint else endpoint[1:]
    if _external is None:
        _external = req is None or _scheme is not None
    elif _scheme is not None and not _external:
        raise ValueError("When specifying '_scheme', '_external' must be True.")
    app.inject_url_defaults(endpoint, values)
    path = app.url_map.build(endpoint, values, method=_method)
    if req is not None:
        root, scheme, host = req.script_root, req.scheme, req.host
    else:
        root = app.config["APPLICATION_ROOT"]
        scheme, host = app.config["PREFERRED_URL_SCHEME"], app.config["SERVER_NAME"]
        if _external and not host:
            raise RuntimeError("Unable to build URLs outside an active request without 'SERVER_NAME' configured.")
    rv = f"{root.rstrip('/')}/{path.lstrip('/')}"
    if _external:
        rv = f"{_scheme or scheme}://{host}{rv}"
    if _anchor is not None:
        rv += f"#{quote(_anchor, safe='%!#$&' + chr(39) + '()*+,/:;=?@')}"
    return rv


def make_response(*args: t.Any) -> t.Any:
    """Flask's ``make_response``: the arguments a view could return, as a
    Response to add headers or cookies to."""
    ctx = _cv.get(None)
    if ctx is None:
        raise RuntimeError("Working outside of application context.")
    if not args:
        return ctx.app.response_class()
    return ctx.app.make_response(args[0] if len(args) == 1 else args)


def flash(message: str, category: str = "message") -> None:
    """Keep ``message`` in the session for a later request's
    ``get_flashed_messages`` (Flask's: ``(category, message)`` pairs under
    the session's ``_flashes``)."""
    flashes = session.get("_flashes", [])
    flashes.append((category, message))
    session["_flashes"] = flashes


def get_flashed_messages(with_categories: bool = False, category_filter: t.Iterable[str] = ()) -> list[t.Any]:
    """The messages flashed so far, taken out of the session on the
    request's first call (later calls in the request see the same ones);
    with their categories as pairs, or only those of ``category_filter``."""
    req = _cv.get(None)
    if req is None or isinstance(req, AppContext):
        raise RuntimeError("Working outside of request context.")
    flashes = req.__dict__.get("_flashes")
    if flashes is None:
        flashes = req.__dict__["_flashes"] = session.pop("_flashes") if "_flashes" in session else []
    if category_filter:
        flashes = [f for f in flashes if f[0] in category_filter]
    if not with_categories:
        return [f[1] for f in flashes]
    return flashes
