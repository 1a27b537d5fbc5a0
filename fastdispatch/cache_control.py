"""The ``Cache-Control`` header as Werkzeug 3.1's containers: a dict of
directive -> value (``None`` for a bare directive) with a typed property per
directive (``max_age`` an int, ``no_store`` a bool, ...).

``RequestCacheControl`` (``Request.cache_control``) is immutable: it is what
the client sent.  ``ResponseCacheControl`` is mutable and calls its
``on_update`` after every change, which is how a response property writes
the header back.  ``http.parse_cache_control_header`` fills either.
"""

from __future__ import annotations

import typing as t

from .datastructures import CallbackDict
from .http import dump_header, parse_dict_header

__all__ = ["CacheControl", "RequestCacheControl", "ResponseCacheControl", "cache_control_property"]


def cache_control_property(key: str, empty: t.Any, type: type[t.Any] | None, *, doc: str | None = None) -> property:
    """A property for the directive ``key``: a bool property tells whether it
    is present; otherwise the value converted by ``type`` (None if absent or
    if conversion fails), ``empty`` if present without a value.  For
    subclasses that add a cache extension, as Werkzeug's."""
    if doc is None:
        if type is bool:
            doc = f"The ``{key}`` directive: present or not."
        else:
            name = "str" if type is None else type.__name__
            bare = f" ``{empty!r}`` if present with no value," if empty is not None else ""
            doc = f"The ``{key}`` directive: a ``{name}``,{bare} or None if not present."
    return property(
        lambda self: self._get_cache_value(key, empty, type),
        lambda self, value: self._set_cache_value(key, value, type),
        lambda self: self._del_cache_value(key),
        doc=doc,
    )


class CacheControl(CallbackDict):
    """What request and response cache controls share: the directives both
    may carry, the value conversion, and ``on_update`` after each change.
    Values are always ``str | None``."""

    no_store = cache_control_property("no-store", None, bool)
    max_age = cache_control_property("max-age", None, int)
    no_transform = cache_control_property("no-transform", None, bool)
    stale_if_error = cache_control_property("stale-if-error", None, int)

    cache_property = staticmethod(cache_control_property)

    def __init__(
        self,
        values: t.Mapping[str, t.Any] | t.Iterable[tuple[str, t.Any]] | None = (),
        on_update: t.Callable[[CacheControl], t.Any] | None = None,
    ) -> None:
        super().__init__(values if values is not None else ())
        self.on_update = on_update
        self.provided = values is not None

    def _changed(self) -> None:
        if self.on_update is not None:
            self.on_update(self)

    # -- typed access ------------------------------------------------------

    def _get_cache_value(self, key: str, empty: t.Any, type: type[t.Any] | None) -> t.Any:
        if type is bool:
            return key in self
        if key not in self:
            return None
        value = self[key]
        if value is None:
            return empty
        if type is not None:
            try:
                value = type(value)
            except ValueError:
                return None
        return value

    def _set_cache_value(self, key: str, value: t.Any, type: type[t.Any] | None) -> None:
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

    def _del_cache_value(self, key: str) -> None:
        if key in self:
            del self[key]

    def to_header(self) -> str:
        return dump_header(self)

    def __str__(self) -> str:
        return self.to_header()

    def __repr__(self) -> str:
        kv = " ".join(f"{k}={v!r}" for k, v in sorted(self.items()))
        return f"<{type(self).__name__} {kv}>"


def _immutable(self: t.Any, *args: t.Any, **kwargs: t.Any) -> t.NoReturn:
    raise TypeError(f"{type(self).__name__!r} objects are immutable")


class RequestCacheControl(CacheControl):
    """The request's directives, read-only (setting a property or an item
    is a TypeError, as in Werkzeug)."""

    no_cache = cache_control_property("no-cache", None, bool)
    max_stale = cache_control_property("max-stale", True, int)
    min_fresh = cache_control_property("min-fresh", None, int)
    only_if_cached = cache_control_property("only-if-cached", None, bool)

    __setitem__ = __delitem__ = clear = popitem = update = pop = setdefault = __ior__ = _immutable  # type: ignore[assignment]

    def __hash__(self) -> int:  # type: ignore[override]
        return hash(frozenset(self.items()))

    def __reduce_ex__(self, protocol: t.SupportsIndex) -> t.Any:
        # dict's default pickling sets items, which this class refuses
        return type(self), (dict(self),)


class ResponseCacheControl(CacheControl):
    """A response's directives, mutable; with ``on_update`` set, every change
    rewrites the header."""

    no_cache = cache_control_property("no-cache", True, None)
    public = cache_control_property("public", None, bool)
    private = cache_control_property("private", True, None)
    must_revalidate = cache_control_property("must-revalidate", None, bool)
    proxy_revalidate = cache_control_property("proxy-revalidate", None, bool)
    s_maxage = cache_control_property("s-maxage", None, int)
    immutable = cache_control_property("immutable", None, bool)
    must_understand = cache_control_property("must-understand", None, bool)
    stale_while_revalidate = cache_control_property("stale-while-revalidate", None, int)


def parse_cache_control_header(
    value: str | None, on_update: t.Callable[[t.Any], t.Any] | None = None, cls: type[t.Any] | None = None
) -> t.Any:
    """A ``RequestCacheControl`` (or ``cls``) of the header's directives;
    ``on_update`` is called after every change (responses write back).
    Werkzeug's ``http.parse_cache_control_header``, here beside the classes
    it fills."""
    if cls is None:
        cls = RequestCacheControl
    if not value:
        return cls((), on_update)
    return cls(parse_dict_header(value), on_update)
