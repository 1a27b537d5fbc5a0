"""What ``Router.match`` and ``Router.build`` raise.

As in Werkzeug, a failed match raises the HTTP exception itself, so the app
answers with it as it is and an ``errorhandler(404)`` or
``errorhandler(fastdispatch.exceptions.NotFound)`` sees it: ``NotFound`` is
``fastdispatch.exceptions.NotFound`` (404), ``MethodNotAllowed`` its 405 and
``RequestRedirect`` a 308, each also a ``RoutingException``, with what the
router knows added (the path, the methods allowed).  Both router twins
raise these same classes with the same attributes.

The router knows no WSGI: ``fastdispatch.exceptions`` imports only the
HTTP formatting (``http``), and the redirect reads the environ through
``environ``, which imports nothing above the exceptions.
"""

from __future__ import annotations

import typing as t

from .. import exceptions as _http
from ..environ import redirect_url
from ..http import redirect_page

__all__ = ["RoutingException", "NotFound", "MethodNotAllowed", "RequestRedirect", "BuildError"]


class RoutingException(Exception):
    """Base class of the three outcomes of a failed ``match`` (with
    ``HTTPException``: each is both, as Werkzeug's ``RequestRedirect``)."""


class NotFound(_http.NotFound, RoutingException):
    """No rule matches the path (HTTP 404).  ``path`` is the one matched."""

    def __init__(self, path: str = "") -> None:
        super().__init__()
        self.path = path


class MethodNotAllowed(_http.MethodNotAllowed, RoutingException):
    """Some rule matches the path, none with this method (HTTP 405).

    ``allowed`` is the frozenset of methods that would have matched, as
    Werkzeug reports them (HEAD wherever GET is, and a rule's automatic
    methods); ``valid_methods``, Werkzeug's attribute and the ``Allow``
    header, is the same sorted.

    ``automatic_match`` is ``(endpoint, values)`` where the method is an
    automatic one of a rule matching the path (Flask's implicit OPTIONS):
    the rule Werkzeug would have matched, and the app answers the request
    as Flask does, with ``allowed`` as its ``Allow``; None otherwise.
    """

    automatic_match: tuple[t.Any, dict[str, t.Any]] | None = None

    def __init__(self, allowed: t.AbstractSet[str], method: str = "", path: str = "") -> None:
        super().__init__(valid_methods=sorted(allowed))
        self.allowed = frozenset(allowed)
        self.method = method
        self.path = path


class RequestRedirect(_http.HTTPException, RoutingException):
    """The path is the rule's only with a trailing slash (or with its
    slashes merged, or without the values a rule provides as defaults):
    redirect there (HTTP 308, Werkzeug's ``RequestRedirect``).

    ``location`` is the path to go to, not yet percent-quoted.  The router
    knows no host, so ``new_url`` is that path quoted until the response is
    made for a request: ``get_response(environ)`` sends the absolute URL,
    the query string kept, as Werkzeug's ``make_redirect_url`` builds it.
    """

    code = 308

    def __init__(self, location: str) -> None:
        super().__init__()
        self.location = location

    @property
    def new_url(self) -> str:
        """The URL to go to: the path, percent-quoted."""
        return redirect_url(None, self.location)

    @property
    def description(self) -> str:  # type: ignore[override]
        """``new_url``, as Werkzeug's."""
        return self.new_url  # as Werkzeug's

    def get_response(self, environ: t.Any = None, scope: dict[str, t.Any] | None = None) -> t.Any:
        if environ is not None:
            environ = getattr(environ, "environ", environ)  # a request object is fine too
        url = redirect_url(environ, self.location)
        response = _http.make_page(redirect_page(url), self.code)
        response.headers["Location"] = url
        return response


class BuildError(LookupError):
    """No rule of the endpoint can be built from the given values and method."""

    def __init__(self, endpoint: t.Any, values: t.Mapping[str, t.Any], method: str | None, reason: str) -> None:
        where = f" with method {method!r}" if method else ""
        super().__init__(f"could not build a URL for endpoint {endpoint!r}{where}: {reason}")
        self.endpoint = endpoint
        self.values = dict(values)
        self.method = method
        self.reason = reason
