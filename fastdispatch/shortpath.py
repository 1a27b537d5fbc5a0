"""The short request path twins' selector, the one place that chooses.

``WSGICallable`` (App's base, whose call is the short path),
``ShortPathState`` and ``call`` come from the compiled ``_shortpath``
(``src/_shortpath.pyx``) unless that extension is missing or
``FASTDISPATCH_PURE=1`` was set when this module was first imported; then
from ``_shortpath_py``.  The router has its own selector
(``routing.router``); the short path works with either router.
"""

from __future__ import annotations

import os

from . import _shortpath_py

try:
    from . import _shortpath
except ImportError:  # built without the extension (no compiler, or FASTDISPATCH_NO_EXTENSIONS=1)
    _shortpath = None  # type: ignore[assignment]

PURE = _shortpath is None or os.environ.get("FASTDISPATCH_PURE", "0") not in ("", "0")
_twin = _shortpath_py if PURE else _shortpath

WSGICallable = _twin.WSGICallable
ShortPathState = _twin.ShortPathState
call = _twin.call

__all__ = ["WSGICallable", "ShortPathState", "call"]
