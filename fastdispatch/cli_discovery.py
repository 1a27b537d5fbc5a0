"""Finding the app for the command line, as ``flask --app`` finds it:
``MODULE``, ``MODULE:NAME``, ``MODULE:factory(literal args)``, a file path
for MODULE; without a name, ``app``/``application``, the one App in the
module, or a ``create_app``/``make_app`` factory.  ``ScriptInfo`` carries
the choice through click to the commands."""

from __future__ import annotations

import ast
import inspect
import os
import re
import sys
import traceback
import typing as t
from types import ModuleType

import click

# An App is known by its base, WSGICallable: importing App here would tie
# app.py (whose ``cli`` and ``test_cli_runner`` load the command line's
# modules) and this module into a circle.
from .helpers import get_debug_flag
from .shortpath import WSGICallable as _AppBase

App = t.Any  # in annotations: an App

__all__ = ["NoAppException", "ScriptInfo", "find_best_app", "find_app_by_string", "prepare_import", "locate_app"]


class NoAppException(click.UsageError):
    """The app could not be found or loaded (click prints it as a usage error)."""


def _failed_in_call(f: t.Callable[..., t.Any]) -> bool:
    """Whether the TypeError being handled came from calling ``f`` with the
    wrong arguments rather than from inside ``f``: the factory's own errors
    must reach the user as they are."""
    tb = sys.exc_info()[2]
    while tb is not None:
        if tb.tb_frame.f_code is f.__code__:
            return False
        tb = tb.tb_next
    return True


def find_best_app(module: ModuleType) -> App:
    for name in ("app", "application"):
        candidate = getattr(module, name, None)
        if isinstance(candidate, _AppBase):
            return candidate
    apps = [v for v in module.__dict__.values() if isinstance(v, _AppBase)]
    if len(apps) == 1:
        return apps[0]
    if apps:
        raise NoAppException(
            f"Detected multiple Flask applications in module '{module.__name__}'. "
            f"Use '{module.__name__}:name' to specify the correct one."
        )
    for name in ("create_app", "make_app"):
        factory = getattr(module, name, None)
        if inspect.isfunction(factory):
            try:
                candidate = factory()
            except TypeError as exc:
                if not _failed_in_call(factory):
                    raise
                raise NoAppException(
                    f"Detected factory '{name}' in module '{module.__name__}', but could not call it without "
                    f"arguments. Use '{module.__name__}:{name}(args)' to specify arguments."
                ) from exc
            if isinstance(candidate, _AppBase):
                return candidate
    raise NoAppException(f"Failed to find Flask application or factory in module '{module.__name__}'. Use '{module.__name__}:name' to specify one.")


def _parse_name(app_name: str) -> tuple[str, list[t.Any], dict[str, t.Any]]:
    """``name`` or ``name(literal, key=literal)``: never evaluated as code."""
    try:
        expr = ast.parse(app_name.strip(), mode="eval").body
    except SyntaxError:
        raise NoAppException(f"Failed to parse {app_name!r} as an attribute name or function call.") from None
    if isinstance(expr, ast.Name):
        return expr.id, [], {}
    if not isinstance(expr, ast.Call):
        raise NoAppException(f"Failed to parse {app_name!r} as an attribute name or function call.")
    if not isinstance(expr.func, ast.Name):
        raise NoAppException(f"Function reference must be a simple name: {app_name!r}.")
    try:
        args = [ast.literal_eval(a) for a in expr.args]
        kwargs = {k.arg: ast.literal_eval(k.value) for k in expr.keywords if k.arg is not None}
    except ValueError:
        raise NoAppException(f"Failed to parse arguments as literal values: {app_name!r}.") from None
    return expr.func.id, args, kwargs


def find_app_by_string(module: ModuleType, app_name: str) -> App:
    name, args, kwargs = _parse_name(app_name)
    try:
        found = getattr(module, name)
    except AttributeError as exc:
        raise NoAppException(f"Failed to find attribute {name!r} in {module.__name__!r}.") from exc
    if inspect.isfunction(found):
        try:
            found = found(*args, **kwargs)
        except TypeError as exc:
            if not _failed_in_call(found):
                raise
            raise NoAppException(f"The factory {app_name!r} in module {module.__name__!r} could not be called with the specified arguments.") from exc
    if isinstance(found, _AppBase):
        return found
    raise NoAppException(f"A valid Flask application was not obtained from '{module.__name__}:{app_name}'.")


def prepare_import(path: str) -> str:
    """The module name for ``path`` (a dotted name or a file), with the
    folder above its package put first on ``sys.path``."""
    path = os.path.realpath(path)
    stem, ext = os.path.splitext(path)
    if ext == ".py":
        path = stem
    if os.path.basename(path) == "__init__":
        path = os.path.dirname(path)
    parts = []
    while True:
        path, part = os.path.split(path)
        parts.append(part)
        if not os.path.exists(os.path.join(path, "__init__.py")):
            break
    if sys.path[0] != path:
        sys.path.insert(0, path)
    return ".".join(reversed(parts))


def locate_app(module_name: str, app_name: str | None, raise_if_not_found: bool = True) -> App | None:
    try:
        __import__(module_name)
    except ImportError:
        # Only the module itself missing is "could not import"; an import
        # failing inside it is the user's bug and needs its traceback.
        if sys.exc_info()[2].tb_next:  # type: ignore[union-attr]
            raise NoAppException(f"While importing {module_name!r}, an ImportError was raised:\n\n{traceback.format_exc()}") from None
        if raise_if_not_found:
            raise NoAppException(f"Could not import {module_name!r}.") from None
        return None
    module = sys.modules[module_name]
    return find_best_app(module) if app_name is None else find_app_by_string(module, app_name)


class ScriptInfo:
    """What a command needs to load the app: an import path (``--app``,
    ``FASTDISPATCH_APP``, ``FLASK_APP``) or a ``create_app`` callable; the
    app is loaded once, on first use."""

    def __init__(self, app_import_path: str | None = None, create_app: t.Callable[..., App] | None = None, set_debug_flag: bool = True) -> None:
        self.app_import_path = app_import_path
        self.create_app = create_app
        #: anything a command wants to share with another (Flask's)
        self.data: dict[t.Any, t.Any] = {}
        self.set_debug_flag = set_debug_flag
        self._loaded_app: App | None = None

    def load_app(self) -> App:
        if self._loaded_app is not None:
            return self._loaded_app
        app: App | None = None
        if self.create_app is not None:
            app = self.create_app()
        elif self.app_import_path:
            # Not a colon followed by a slash: C:\ and C:/ are paths.
            path, name = (re.split(r":(?![\\/])", self.app_import_path, maxsplit=1) + [None])[:2]
            app = locate_app(prepare_import(path), name)  # type: ignore[arg-type]
        else:
            for path in ("wsgi.py", "app.py"):
                app = locate_app(prepare_import(path), None, raise_if_not_found=False)
                if app is not None:
                    break
        if app is None:
            raise NoAppException(
                "Could not locate a Flask application. Use the 'fastdispatch --app' option, 'FASTDISPATCH_APP' "
                "or 'FLASK_APP' environment variable, or a 'wsgi.py' or 'app.py' file in the current directory."
            )
        if self.set_debug_flag:
            app.debug = get_debug_flag()
        self._loaded_app = app
        return app
