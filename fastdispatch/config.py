"""``app.config``: a dict with Flask's loading helpers."""

from __future__ import annotations

import errno
import json
import os
import types
import typing as t


class Config(dict):  # type: ignore[type-arg]
    """Flask's ``Config(root_path, defaults)``: relative file names are
    read from ``root_path`` (the app's, or its instance folder with
    ``instance_relative_config``); only upper-case keys are configuration."""

    def __init__(self, root_path: str | os.PathLike[str], defaults: t.Mapping[str, t.Any] | None = None) -> None:
        super().__init__(defaults or {})
        self.root_path = root_path

    def from_envvar(self, variable_name: str, silent: bool = False) -> bool:
        """``from_pyfile`` of the file the environment variable names."""
        filename = os.environ.get(variable_name)
        if not filename:
            if silent:
                return False
            raise RuntimeError(
                f"The environment variable {variable_name!r} is not set and as such configuration could not be"
                " loaded. Set this variable and make it point to a configuration file"
            )
        return self.from_pyfile(filename, silent=silent)

    def from_prefixed_env(self, prefix: str = "FLASK", *, loads: t.Callable[[str], t.Any] = json.loads) -> bool:
        """The environment variables named ``PREFIX_KEY``, in sorted order,
        as ``KEY`` (``A__B`` sets key ``B`` of the dict at ``A``), each value
        through ``loads`` where it takes it (JSON by default: ``"1"`` is 1),
        else the string itself."""
        prefix = f"{prefix}_"
        for name in sorted(os.environ):
            if not name.startswith(prefix):
                continue
            value: t.Any = os.environ[name]
            key = name[len(prefix):]
            try:
                value = loads(value)
            except Exception:
                pass  # not JSON: the string as it is
            *parents, last = key.split("__")
            target: t.Any = self
            for part in parents:
                target = target.setdefault(part, {})
            target[last] = value
        return True

    def from_pyfile(self, filename: str | os.PathLike[str], silent: bool = False) -> bool:
        """The upper-case names a Python file defines, run as a module
        would be; ``silent``: a missing file is no error."""
        filename = os.path.join(self.root_path, filename)
        module = types.ModuleType("config")
        module.__file__ = str(filename)
        try:
            with open(filename, mode="rb") as f:
                exec(compile(f.read(), filename, "exec"), module.__dict__)
        except OSError as e:
            if silent and e.errno in (errno.ENOENT, errno.EISDIR, errno.ENOTDIR):
                return False
            e.strerror = f"Unable to load configuration file ({e.strerror})"
            raise
        self.from_object(module)
        return True

    def from_file(
        self,
        filename: str | os.PathLike[str],
        load: t.Callable[[t.IO[t.Any]], t.Mapping[str, t.Any]],
        silent: bool = False,
        text: bool = True,
    ) -> bool:
        """What ``load`` reads from the file (``json.load``,
        ``tomllib.load`` with ``text=False``), through ``from_mapping``."""
        filename = os.path.join(self.root_path, filename)
        try:
            with open(filename, "r" if text else "rb") as f:
                obj = load(f)
        except OSError as e:
            if silent and e.errno in (errno.ENOENT, errno.EISDIR):
                return False
            e.strerror = f"Unable to load configuration file ({e.strerror})"
            raise
        return self.from_mapping(obj)
    def from_mapping(self, mapping: t.Mapping[str, t.Any] | None = None, **kwargs: t.Any) -> bool:
        """Upper-case keys only, as Flask."""
        for key, value in {**(mapping or {}), **kwargs}.items():
            if key.isupper():
                self[key] = value
        return True

    def from_object(self, obj: object | str) -> None:
        """Upper-case attributes of an object (or of the module or class a
        dotted name refers to)."""
        if isinstance(obj, str):
            import importlib

            module, _, attr = obj.rpartition(":") if ":" in obj else obj.rpartition(".")
            try:
                obj = getattr(importlib.import_module(module), attr) if module else importlib.import_module(attr)
            except (ImportError, AttributeError):
                obj = importlib.import_module(obj)  # type: ignore[arg-type]
        for key in dir(obj):
            if key.isupper():
                self[key] = getattr(obj, key)

    def get_namespace(self, namespace: str, lowercase: bool = True, trim_namespace: bool = True) -> dict[str, t.Any]:
        """The keys starting with ``namespace`` as a dict: the prefix trimmed
        (``trim_namespace``) and the keys lower-cased (``lowercase``), as
        Flask's."""
        rv = {}
        for key, value in self.items():
            if not key.startswith(namespace):
                continue
            key = key[len(namespace):] if trim_namespace else key
            rv[key.lower() if lowercase else key] = value
        return rv

    def __repr__(self) -> str:
        return f"<Config {dict.__repr__(self)}>"
