"""``Cache-Control`` as a dictionary with attributes, as Werkzeug 3.1's:
``RequestCacheControl`` (immutable: what the client asked) and
``ResponseCacheControl`` (every change written back to the response's
header through ``on_update``).  ``parse_cache_control_header`` makes either.
Imports only ``http`` and ``environ``.
"""

from __future__ import annotations

import re
import typing as t

from .environ import _parse_list_header
from .http import dump_header

__all__ = ["RequestCacheControl", "ResponseCacheControl", "parse_cache_control_header", "parse_dict_header"]

_UNSLASH = re.compile(r"\\(.)", re.ASCII)


def parse_dict_header(value: str) -> dict[str, str | None]:
    """``key=value, key`` items, as Werkzeug's (without RFC 2231 ``key*=``
    charsets, which no Cache-Control directive uses)."""
    result: dict[str, str | None] = {}
    for item in _parse_list_header(value):
        key, has_value, val = item.partition("=")
        key = key.strip(" \t")
        if not key:
            continue
        if not has_value:
            result[key] = None
            continue
        val = val.strip(" \t")
        if len(val) >= 2 and val[0] == val[-1] == '"':
            val = _UNSLASH.sub(r"\g<1>", val[1:-1])
        result[key] = val
    return result


def _directive(key: str, empty: t.Any, type: type | None) -> property:  # noqa: A002 (Werkzeug's name)
    """A directive as an attribute: a bool for a flag, an int or str for a
    valued one (``empty`` when present without a value)."""

    def fget(self: _CacheControl) -> t.Any:
        if type is bool:
            return key in self
        if key not in self:
            return None
        value = self[key]
        if value is None:
            return empty
        if type is not None:
            try:
                return type(value)
            except ValueError:
                return None
        return value

    def fset(self: _CacheControl, value: t.Any) -> None:
        if type is bool:
            if value:
                self[key] = None
            else:
                self.pop(key, None)
        elif value is None or value is False:
            self.pop(key, None)
        elif value is True:
            self[key] = None
        else:
            if type is not None:
                value = type(value)
            self[key] = str(value)

    def fdel(self: _CacheControl) -> None:
        if key in self:
            del self[key]

    return property(fget, fset, fdel, doc=f"The ``{key}`` directive.")


class _CacheControl(dict):  # type: ignore[type-arg]
    no_store = _directive("no-store", None, bool)
    max_age = _directive("max-age", None, int)
    no_transform = _directive("no-transform", None, bool)
    stale_if_error = _directive("stale-if-error", None, int)
    cache_property = staticmethod(_directive)

    def __init__(self, values: t.Any = (), on_update: t.Callable[[t.Any], None] | None = None) -> None:
        super().__init__(values or ())
        self.on_update = on_update
        self.provided = values is not None

    def _changed(self) -> None:
        if self.on_update is not None:
            self.on_update(self)

    def __setitem__(self, key: str, value: t.Any) -> None:
        super().__setitem__(key, value)
        self._changed()

    def __delitem__(self, key: str) -> None:
        super().__delitem__(key)
        self._changed()

    def pop(self, key: str, *default: t.Any) -> t.Any:
        had = key in self
        rv = super().pop(key, *default)
        if had:
            self._changed()
        return rv

    def setdefault(self, key: str, default: t.Any = None) -> t.Any:
        had = key in self
        rv = super().setdefault(key, default)
        if not had:
            self._changed()
        return rv

    def update(self, *args: t.Any, **kwargs: t.Any) -> None:
        super().update(*args, **kwargs)
        self._changed()

    def clear(self) -> None:
        super().clear()
        self._changed()

    def popitem(self) -> tuple[str, t.Any]:
        rv = super().popitem()
        self._changed()
        return rv

    def to_header(self) -> str:
        return dump_header(self)

    def __str__(self) -> str:
        return self.to_header()

    def __repr__(self) -> str:
        kv_str = " ".join(f"{k}={v!r}" for k, v in sorted(self.items()))
        return f"<{type(self).__name__} {kv_str}>"


class RequestCacheControl(_CacheControl):
    """What the client's ``Cache-Control`` asks; read-only."""

    no_cache = _directive("no-cache", None, bool)
    max_stale = _directive("max-stale", True, int)
    min_fresh = _directive("min-fresh", None, int)
    only_if_cached = _directive("only-if-cached", None, bool)

    def _readonly(self, *args: t.Any, **kwargs: t.Any) -> t.NoReturn:
        raise TypeError(f"{type(self).__name__!r} objects are immutable")

    __setitem__ = __delitem__ = pop = setdefault = update = clear = popitem = _readonly  # type: ignore[assignment]

    def __init__(self, values: t.Any = (), on_update: t.Callable[[t.Any], None] | None = None) -> None:
        dict.__init__(self, values or ())
        self.on_update = on_update
        self.provided = values is not None


class ResponseCacheControl(_CacheControl):
    """A response's ``Cache-Control``; each change rewrites the header."""

    no_cache = _directive("no-cache", True, None)
    public = _directive("public", None, bool)
    private = _directive("private", True, None)
    must_revalidate = _directive("must-revalidate", None, bool)
    proxy_revalidate = _directive("proxy-revalidate", None, bool)
    s_maxage = _directive("s-maxage", None, int)
    immutable = _directive("immutable", None, bool)
    must_understand = _directive("must-understand", None, bool)
    stale_while_revalidate = _directive("stale-while-revalidate", None, int)


CC = t.TypeVar("CC", bound=_CacheControl)


def parse_cache_control_header(value: str | None, on_update: t.Callable[[t.Any], None] | None = None, cls: type[CC] | None = None) -> CC:
    if cls is None:
        cls = RequestCacheControl  # type: ignore[assignment]
    if not value:
        return cls((), on_update)  # type: ignore[misc]
    return cls(parse_dict_header(value), on_update)  # type: ignore[misc]
