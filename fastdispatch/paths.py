"""Where an app lives on disk, found from its import name as Flask finds
it: ``root_path`` (the folder of its module, or the package's own folder)
and the default ``instance_path`` (``instance/`` beside the package, or
``PREFIX/var/NAME-instance`` for a package installed under a Python
prefix or into a virtualenv's site-packages)."""

from __future__ import annotations

import importlib.util
import os
import sys

__all__ = ["root_path_of", "instance_path_of"]


def root_path_of(import_name: str) -> str:
    """The folder of the module ``import_name`` (a package's own folder);
    the current directory where it has no file (``__main__`` run
    interactively, an unknown name)."""
    module = sys.modules.get(import_name)
    if module is not None and getattr(module, "__file__", None) is not None:
        return os.path.dirname(os.path.abspath(module.__file__))  # type: ignore[arg-type,type-var]
    spec = _spec(import_name)
    loader = None if spec is None else spec.loader
    if loader is None:
        return os.getcwd()
    if hasattr(loader, "get_filename"):
        filename = loader.get_filename(import_name)
    else:
        __import__(import_name)
        filename = getattr(sys.modules[import_name], "__file__", None)
        if filename is None:
            raise RuntimeError(
                f"No root path can be found for the provided module {import_name!r}. This can happen because the"
                " module came from an import hook that does not provide file name information or because it's a"
                " namespace package. In this case the root path needs to be explicitly provided."
            )
    return os.path.dirname(os.path.abspath(filename))


def instance_path_of(import_name: str, name: str) -> str:
    """The default instance folder of the app ``name`` whose code is the
    module ``import_name``."""
    prefix, package_path = _installed_under(_package_path(import_name))
    if prefix is None:
        return os.path.join(package_path, "instance")
    return os.path.join(prefix, "var", f"{name}-instance")


def _spec(import_name: str) -> importlib.machinery.ModuleSpec | None:
    try:
        return importlib.util.find_spec(import_name)
    except (ImportError, ValueError):  # no such module, "__main__", an invalid name
        return None


def _package_path(import_name: str) -> str:
    """The folder the top-level package or module of ``import_name`` is
    imported from."""
    root = import_name.partition(".")[0]
    spec = _spec(root)
    if spec is None:
        return os.getcwd()
    if not spec.submodule_search_locations:
        return os.path.dirname(spec.origin)  # type: ignore[arg-type,type-var]
    if spec.origin is not None and spec.origin != "namespace":
        return os.path.dirname(os.path.dirname(spec.origin))  # a package with __init__.py
    # a namespace package: the one of its folders that holds the submodule
    locations = list(spec.submodule_search_locations)
    inner = _spec(import_name)
    if inner is not None and inner.submodule_search_locations:
        common = os.path.commonpath(list(inner.submodule_search_locations))
        for location in locations:
            if os.path.commonpath([common, location]) == location:
                return os.path.dirname(location)
    return os.path.dirname(locations[0])


def _installed_under(package_path: str) -> tuple[str | None, str]:
    """``(prefix, package_path)``: the Python prefix or virtualenv the
    package is installed into, or None where it is not installed."""
    py_prefix = os.path.abspath(sys.prefix)
    if os.path.commonpath([py_prefix, os.path.abspath(package_path)]) == py_prefix:
        return py_prefix, package_path
    site_parent, site_folder = os.path.split(package_path)
    if site_folder.lower() == "site-packages":
        parent, folder = os.path.split(site_parent)
        if folder.lower() == "lib":  # Windows: prefix/lib/site-packages
            return parent, package_path
        if os.path.basename(parent).lower() == "lib":  # prefix/lib/pythonX.Y/site-packages
            return os.path.dirname(parent), package_path
        return site_parent, package_path  # prefix/site-packages
    return None, package_path
