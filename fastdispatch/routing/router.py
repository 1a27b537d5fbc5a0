"""The router twins' selector, the one place that chooses.

``Router`` is ``CompiledRouter`` (``src/_router.pyx``, built as
``fastdispatch.routing._router``) unless that extension is missing or
``FASTDISPATCH_PURE=1`` was set when this module was first imported; then
it is ``PythonRouter`` (``_router_py``).  Both behave identically: the test
suite runs every test on both, and differential tests compare them with
each other and with Werkzeug.
"""

from __future__ import annotations

import os

from ._router_py import PythonRouter

try:
    from ._router import CompiledRouter
except ImportError:  # built without the extension (no compiler, or FASTDISPATCH_NO_EXTENSIONS=1)
    CompiledRouter = None  # type: ignore[assignment,misc]

PURE = CompiledRouter is None or os.environ.get("FASTDISPATCH_PURE", "0") not in ("", "0")
Router = PythonRouter if PURE else CompiledRouter

__all__ = ["Router", "CompiledRouter", "PythonRouter"]
