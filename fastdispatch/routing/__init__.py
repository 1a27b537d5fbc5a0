"""Routing: Werkzeug's rule syntax and matching semantics on a radix tree.

``Router`` is the compiled ``CompiledRouter`` unless the extension is
missing or ``FASTDISPATCH_PURE=1`` was set when this module was imported;
then it is ``PythonRouter``.  Both behave identically (the test suite runs
every test on both, and a differential test compares them).
"""

from __future__ import annotations

import os

from .._router_py import PythonRouter
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
from .table import RuleInfo

try:
    from .._router import CompiledRouter
except ImportError:  # built without the extension (no compiler, or FASTDISPATCH_NO_EXTENSIONS=1)
    CompiledRouter = None  # type: ignore[assignment,misc]

if CompiledRouter is None or os.environ.get("FASTDISPATCH_PURE", "0") not in ("", "0"):
    Router = PythonRouter
else:
    Router = CompiledRouter  # type: ignore[assignment,misc]

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
