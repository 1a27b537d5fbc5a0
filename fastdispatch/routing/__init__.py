"""Routing: Werkzeug's rule syntax and matching semantics on a radix tree.

The package holds the router twins (``_router``, compiled from
``src/_router.pyx``, and ``_router_py``), the code generator of the pure
one (``_codegen``), their selector (``router``: ``Router`` is one of the
two), and what both share: rule parsing (``rules``), registration and URL
building (``table``), converters and exceptions.  Nothing here imports the
app or the request and response wrappers.
"""

from __future__ import annotations

from .converters import (
    DEFAULT_CONVERTERS,
    AnyConverter,
    BaseConverter,
    FloatConverter,
    IntegerConverter,
    PathConverter,
    UnicodeConverter,
    UUIDConverter,
    ValidationError,
)
from .exceptions import BuildError, MethodNotAllowed, NotFound, RequestRedirect, RoutingException
from .router import CompiledRouter, PythonRouter, Router
from .table import RuleInfo

__all__ = [
    "Router",
    "PythonRouter",
    "CompiledRouter",
    "RoutingException",
    "NotFound",
    "MethodNotAllowed",
    "RequestRedirect",
    "BuildError",
    "RuleInfo",
    "BaseConverter",
    "ValidationError",
    "UnicodeConverter",
    "AnyConverter",
    "PathConverter",
    "IntegerConverter",
    "FloatConverter",
    "UUIDConverter",
    "DEFAULT_CONVERTERS",
]
