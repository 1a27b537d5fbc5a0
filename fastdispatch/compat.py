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
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import importlib.metadata
import sys
import types
import typing as t

__all__ = ["install", "MODULES"]

# Each Flask module: where its names come from, in order (a ``module`` or a
# ``module:name`` for a name that differs), as Flask lays them out.
MODULES: dict[str, tuple[tuple[str, ...], dict[str, str]]] = {
    "flask": (
        ("fastdispatch",),
        {
            "Flask": "fastdispatch.app:App",
            "json": "fastdispatch.json",
            "signals_available": "fastdispatch.compat:_TRUE",
        },
    ),
    "flask.app": (("fastdispatch.app",), {"Flask": "fastdispatch.app:App"}),
    "flask.sansio": ((), {}),
    "flask.sansio.app": (("fastdispatch.app",), {}),
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
    "flask.wrappers": (("fastdispatch.request", "fastdispatch.response"), {}),
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


def install() -> None:
    """Alias ``flask`` to fastdispatch (what importing this module does).
    Refused where the real Flask is already imported: the extensions
    imported with it hold Flask's objects, not fastdispatch's."""
    if _finder in sys.meta_path:
        return
    real = sys.modules.get("flask")
    if real is not None and not isinstance(real, _FlaskModule):
        raise RuntimeError("flask was imported before fastdispatch.compat: import fastdispatch.compat first, before Flask and any extension")
    sys.meta_path.insert(0, _finder)


install()
