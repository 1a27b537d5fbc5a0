import json
import os
import pathlib

import pytest

from fastdispatch import App, _shortpath_py
from fastdispatch.routing import CompiledRouter, PythonRouter

DATA = pathlib.Path(__file__).parent / "data"

# An install made on purpose without the extension (FASTDISPATCH_NO_EXTENSIONS=1)
# may skip the compiled twin; anywhere else its absence is a failure.
PURE_INSTALL = os.environ.get("FASTDISPATCH_NO_EXTENSIONS", "") not in ("", "0")


@pytest.fixture(params=["python", "compiled"])
def router_cls(request):
    """Every router test runs on both twins."""
    if request.param == "python":
        return PythonRouter
    if CompiledRouter is None:
        if PURE_INSTALL:
            pytest.skip("installed with FASTDISPATCH_NO_EXTENSIONS=1")
        pytest.fail("the compiled router fastdispatch._router was not built or does not import")
    return CompiledRouter


@pytest.fixture
def router(router_cls):
    return router_cls()


class PureApp(App):
    """``App`` on the pure short path, whichever twin the selector chose."""

    __call__ = _shortpath_py.call


@pytest.fixture
def app_cls(router_cls):
    """The app class of the twin ``router_cls`` is: every app test runs on
    both, each with its router and its short path (the same parameter)."""
    return App if router_cls is CompiledRouter else PureApp


def load_routes(name):
    """[METHOD, rule] pairs: 'github' (203 routes) or 'static' (157)."""
    return json.loads((DATA / "routes.json").read_text())[name]
