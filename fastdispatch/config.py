"""``app.config``: a dict with Flask's loading helpers."""

from __future__ import annotations

import typing as t


class Config(dict):  # type: ignore[type-arg]
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
        rv = {}
        for key, value in self.items():
            if not key.startswith(namespace):
                continue
            key = key[len(namespace):] if trim_namespace else key
            rv[key.lower() if lowercase else key] = value
        return rv

    def __repr__(self) -> str:
        return f"<Config {dict.__repr__(self)}>"
