"""``import fastdispatch.compat``: Flask extensions, unchanged, on fastdispatch.

Extensions ``import flask`` themselves, so changing an app's imports cannot
port them.  Imported first (before the extensions), this module makes
``flask`` and the submodules extensions use (``flask.globals``,
``flask.json.provider``, ``flask.views``, ``flask.testing``, ...) resolve to
fastdispatch's own objects: ``flask.Flask`` is ``fastdispatch.App``,
``flask.request`` is ``fastdispatch.request``, and so on.  Flask's
distribution stays installed (extensions depend on it) but is not imported.

Without this import nothing is aliased.  A name Flask has and fastdispatch
does not is an ``AttributeError`` that says so; a Flask submodule not listed
here is an ``ImportError`` naming this module.

Extensions also test what a view gives them against Werkzeug's classes
(Flask-RESTful passes on a resource's ``isinstance(rv,
werkzeug.wrappers.Response)`` and serializes anything else as data), so the
import also makes ``App.response_class``, and ``flask.Response``, this
module's ``Response``: fastdispatch's Response with Werkzeug's as a further
base, the same in everything else.  ``fastdispatch.Response`` itself is left
as it is.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import importlib.metadata
import sys
import types
import typing as t

__all__ = ["install", "MODULES", "Response"]

_RESPONSE = "fastdispatch.compat:Response"  # flask.Response, wherever Flask has the name

# Each Flask module: where its names come from, in order (a ``module`` or a
# ``module:name`` for a name that differs), as Flask lays them out.
MODULES: dict[str, tuple[tuple[str, ...], dict[str, str]]] = {
    "flask": (
        ("fastdispatch",),
        {
            "Flask": "fastdispatch.app:App",
            "json": "fastdispatch.json",
            "signals_available": "fastdispatch.compat:_TRUE",
            "Response": _RESPONSE,
        },
    ),
    "flask.app": (("fastdispatch.app",), {"Flask": "fastdispatch.app:App", "Response": _RESPONSE}),
    "flask.sansio": ((), {}),
    "flask.sansio.app": (("fastdispatch.app",), {"Response": _RESPONSE}),
    "flask.sansio.scaffold": (("fastdispatch.scaffold",), {}),
    "flask.sansio.blueprints": (("fastdispatch.blueprints",), {}),
    "flask.blueprints": (("fastdispatch.blueprints",), {}),
    "flask.config": (("fastdispatch.config",), {}),
    "flask.ctx": (("fastdispatch.ctx",), {}),
    "flask.globals": (("fastdispatch.ctx",), {}),
    "flask.helpers": (
        ("fastdispatch.helpers",),
        {
            "abort": "fastdispatch.exceptions:abort",
            "get_template_attribute": "fastdispatch:get_template_attribute",
        },
    ),
    "flask.json": (("fastdispatch.json",), {"provider": "fastdispatch.json.provider", "tag": "fastdispatch.json.tag"}),
    "flask.json.provider": (("fastdispatch.json.provider",), {}),
    "flask.json.tag": (("fastdispatch.json.tag",), {}),
    "flask.signals": (("fastdispatch.signals",), {}),
    "flask.views": (("fastdispatch.views",), {}),
    "flask.testing": (
        ("fastdispatch.testing", "fastdispatch.cli_groups"),
        {"FlaskClient": "fastdispatch.testing:TestClient"},
    ),
    "flask.cli": (("fastdispatch.cli_groups", "fastdispatch.cli_commands", "fastdispatch.cli_discovery"), {}),
    "flask.wrappers": (("fastdispatch.request", "fastdispatch.response"), {"Response": _RESPONSE}),
    "flask.sessions": (("fastdispatch.sessions",), {}),
    "flask.templating": (("fastdispatch.templating",), {}),
    "flask.typing": (("fastdispatch.typing",), {}),
}

_TRUE = True  # ``flask.signals_available``: blinker is a dependency


def _flask_version() -> str:
    # Extensions read it to choose their code paths; fastdispatch answers
    # as the Flask that is installed beside it (the 3.1 it is tested on).
    try:
        return importlib.metadata.version("flask")
    except importlib.metadata.PackageNotFoundError:
        return "3.1.0"


class _FlaskModule(types.ModuleType):
    """One aliased Flask module: a name is looked up in its sources when
    first asked for (so that ``flask.templating`` imports Jinja2 only when
    used, as ``fastdispatch`` does), then kept."""

    def __getattr__(self, name: str) -> t.Any:
        if name.startswith("__"):
            raise AttributeError(name)
        sources, renames = MODULES[self.__name__]
        where = renames.get(name)
        if where is not None:
            module, _, attr = where.partition(":")
            value = importlib.import_module(module)
            if attr:
                value = getattr(value, attr)
        else:
            for module in sources:
                source = importlib.import_module(module)
                if hasattr(source, name):
                    value = getattr(source, name)
                    break
            else:
                raise AttributeError(f"{self.__name__}.{name} is not provided by fastdispatch (fastdispatch.compat aliases {self.__name__})")
        setattr(self, name, value)
        return value


class _Finder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Serves ``flask`` and its listed submodules; any other ``flask.*``
    is refused by name, never loaded from Flask's own files (it would
    import the real ``flask`` objects beside fastdispatch's)."""

    def find_spec(self, fullname: str, path: t.Any = None, target: t.Any = None) -> importlib.machinery.ModuleSpec | None:
        if fullname != "flask" and not fullname.startswith("flask."):
            return None
        if fullname not in MODULES:
            raise ModuleNotFoundError(f"No module named {fullname!r}: fastdispatch.compat does not provide it", name=fullname)
        is_package = any(name.startswith(fullname + ".") for name in MODULES)
        return importlib.machinery.ModuleSpec(fullname, self, is_package=is_package)

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> types.ModuleType:
        module = _FlaskModule(spec.name)
        if spec.name == "flask":
            module.__version__ = _flask_version()
        return module

    def exec_module(self, module: types.ModuleType) -> None:
        pass


_finder = _Finder()


class _Absent:
    """A name Werkzeug's Response has and fastdispatch's does not, on the
    twin (``Response``): absent there too (``hasattr`` is False), rather
    than Werkzeug's code running on fastdispatch's internals."""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, obj: t.Any, owner: type | None = None) -> t.NoReturn:
        raise AttributeError(f"{self.name!r}: fastdispatch's Response does not provide it")


def _werkzeug_twin() -> type:
    """fastdispatch's Response with ``werkzeug.wrappers.Response`` as a
    further base: first in the MRO, fastdispatch's class answers for every
    name it has (its ``__init__`` does not call Werkzeug's); Werkzeug's
    other names are made absent.  It adds no slots, so its layout is
    fastdispatch's (``force_type`` can assign it as a response's class)."""
    import werkzeug.wrappers

    from . import response

    ours, theirs = response.Response, werkzeug.wrappers.Response
    namespace: dict[str, t.Any] = {"__slots__": (), "__module__": __name__, "__qualname__": "Response", "__doc__": ours.__doc__}
    for name in set(dir(theirs)) - set(dir(ours)):
        namespace[name] = _Absent()
    return type("Response", (ours, theirs), namespace)


Response: type | None = None
"""fastdispatch's Response that is also a ``werkzeug.wrappers.Response``
(``_werkzeug_twin``): ``flask.Response`` and ``App.response_class`` once
``install`` has run (None before)."""


def install() -> None:
    """Alias ``flask`` to fastdispatch (what importing this module does),
    and make ``App.response_class`` the Werkzeug twin ``Response``.
    Refused where the real Flask is already imported: the extensions
    imported with it hold Flask's objects, not fastdispatch's."""
    global Response
    if _finder in sys.meta_path:
        return
    real = sys.modules.get("flask")
    if real is not None and not isinstance(real, _FlaskModule):
        raise RuntimeError("flask was imported before fastdispatch.compat: import fastdispatch.compat first, before Flask and any extension")
    from . import response
    from .app import App

    if Response is None:
        Response = _werkzeug_twin()
        # sends what fastdispatch's Response sends: the short path stays on
        response.PLAIN_RESPONSE_CLASSES.append(Response)
    if App.response_class is response.Response:  # (not one an app set for every App)
        App.response_class = Response
    sys.meta_path.insert(0, _finder)


install()
