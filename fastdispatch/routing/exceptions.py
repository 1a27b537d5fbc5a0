"""What ``Router.match`` and ``Router.build`` raise.

Both router implementations raise these same classes with the same
attributes, so callers (and the differential tests) cannot tell them apart.
"""

from __future__ import annotations

import typing as t

__all__ = ["RoutingException", "NotFound", "MethodNotAllowed", "RequestRedirect", "BuildError"]


class RoutingException(Exception):
    """Base class of the three outcomes of a failed ``match``."""


class NotFound(RoutingException):
    """No rule matches the path (HTTP 404)."""

    code = 404

    def __init__(self, path: str = "") -> None:
        super().__init__(path)
        self.path = path


class MethodNotAllowed(RoutingException):
    """Some rule matches the path, none with this method (HTTP 405).

    ``allowed`` is the frozenset of methods that would have matched, as
    Werkzeug reports it (HEAD included wherever GET is).
    """

    code = 405

    def __init__(self, allowed: t.AbstractSet[str], method: str = "", path: str = "") -> None:
        super().__init__(f"{method} {path}: allowed {', '.join(sorted(allowed))}")
        self.allowed = frozenset(allowed)
        self.method = method
        self.path = path


class RequestRedirect(RoutingException):
    """The rule exists with a trailing slash; redirect there (HTTP 308).

    ``location`` is the requested path with the slash added, not yet
    percent-quoted (the WSGI layer quotes it for the Location header).
    """

    code = 308

    def __init__(self, location: str) -> None:
        super().__init__(location)
        self.location = location


class BuildError(LookupError):
    """No rule of the endpoint can be built from the given values and method."""

    def __init__(self, endpoint: t.Any, values: t.Mapping[str, t.Any], method: str | None, reason: str) -> None:
        where = f" with method {method!r}" if method else ""
        super().__init__(f"could not build a URL for endpoint {endpoint!r}{where}: {reason}")
        self.endpoint = endpoint
        self.values = dict(values)
        self.method = method
        self.reason = reason
