"""The twin trios: the selectors pick the compiled router and request path,
they really are compiled, FASTDISPATCH_PURE switches, and both router twins
build the same tree."""

import json
import os
import subprocess
import sys

import pytest

import fastdispatch.routing as routing

from .conftest import PURE_INSTALL, load_routes
from .invariants import check_tree
from .reference_walk import WalkRouter


def _selected(env_value):
    env = dict(os.environ)
    env.pop("FASTDISPATCH_PURE", None)
    if env_value is not None:
        env["FASTDISPATCH_PURE"] = env_value
    # App's base (its call slot) must come from the twin the selector chose
    code = (
        "import fastdispatch.routing as r, fastdispatch.app as a, fastdispatch.shortpath as s; "
        "base = [c.__module__ for c in a.App.__mro__ if c.__name__ == 'WSGICallable']; "
        "assert base == [s.call.__module__] == [s.ShortPathState.__module__], base; "
        "print(r.Router.__name__, r.Router.__module__, s.call.__module__)"
    )
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout.split()


@pytest.mark.skipif(PURE_INSTALL, reason="installed with FASTDISPATCH_NO_EXTENSIONS=1")
@pytest.mark.skipif(os.environ.get("FASTDISPATCH_PURE", "") not in ("", "0"),
                    reason="FASTDISPATCH_PURE is set: this process chose the pure twins, so the compiled default is "
                           "checked where it is not (make test)")
def test_compiled_router_is_loaded_by_default():
    assert routing.CompiledRouter is not None, "fastdispatch.routing._router was not built"
    import fastdispatch._shortpath as shortpath_ext
    import fastdispatch.routing._router as ext

    assert ext.__file__.endswith((".so", ".pyd")), ext.__file__
    assert routing.CompiledRouter.__module__ == "fastdispatch.routing._router"
    assert shortpath_ext.__file__.endswith((".so", ".pyd")), shortpath_ext.__file__
    assert _selected(None) == ["CompiledRouter", "fastdispatch.routing._router", "fastdispatch._shortpath"]
    assert _selected("0") == ["CompiledRouter", "fastdispatch.routing._router", "fastdispatch._shortpath"]
    from fastdispatch import App

    # a call slot in C, not a Python-level __call__
    assert type(App.__call__).__name__ == "wrapper_descriptor", App.__call__
    # and a vectorcall of its own (Py_TPFLAGS_HAVE_VECTORCALL), set on the
    # subclass as its first instance is made
    App(__name__)
    assert App.__flags__ & (1 << 11)


def test_pure_switch():
    assert _selected("1") == ["PythonRouter", "fastdispatch.routing._router_py", "fastdispatch._shortpath_py"]


@pytest.mark.parametrize("table", ["github", "static"])
def test_compiled_router_builds_the_reference_tree(table):
    """The compiled router's tree is the reference walk's, node for node."""
    if routing.CompiledRouter is None:
        pytest.fail("fastdispatch.routing._router was not built") if not PURE_INSTALL else pytest.skip("pure install")
    trees = []
    for cls in (WalkRouter, routing.CompiledRouter):
        router = cls()
        for method, rule in load_routes(table):
            router.add(rule, f"{method} {rule}", methods=[method])
            check_tree(router)
        trees.append(json.dumps(router._dump(), default=repr, sort_keys=True))
    assert trees[0] == trees[1]
