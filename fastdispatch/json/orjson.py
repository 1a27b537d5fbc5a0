"""``OrjsonProvider``: ``app.json`` on orjson (the ``orjson`` extra),
opt-in: ``app.json = OrjsonProvider(app)``, or ``json_provider_class`` in
an App subclass.  ``import fastdispatch`` never imports this module.

It does not write what Flask's default provider writes (docs/application.md, JSON,
lists the differences): keys in insertion order unless
``sort_keys``, no spaces, non-ASCII as UTF-8, datetimes as ISO 8601."""

from __future__ import annotations

import typing as t

import orjson

from .provider import JSONProvider, _default

__all__ = ["OrjsonProvider"]


class OrjsonProvider(JSONProvider):
    """orjson's ``dumps``/``loads``; objects it has no type for (``Decimal``,
    ``__html__`` objects) go to ``default``, Flask's."""

    default: t.Callable[[t.Any], t.Any] = staticmethod(_default)  # type: ignore[assignment]
    #: orjson ``OPT_*`` flags for every ``dumps`` (e.g. ``orjson.OPT_NON_STR_KEYS``)
    option = 0
    sort_keys = False
    #: True: no indentation; None: indented (2) in debug mode only
    compact: bool | None = None
    mimetype = "application/json"

    def _bytes(self, obj: t.Any, option: int = 0, default: t.Any = None, sort_keys: bool | None = None, indent: int | None = None) -> bytes:
        option |= self.option
        if self.sort_keys if sort_keys is None else sort_keys:
            option |= orjson.OPT_SORT_KEYS
        if indent is not None:
            if indent != 2:
                raise TypeError("orjson indents by 2 only")
            option |= orjson.OPT_INDENT_2
        return orjson.dumps(obj, default=self.default if default is None else default, option=option)

    def dumps(self, obj: t.Any, **kwargs: t.Any) -> str:
        """``option``, ``default``, ``sort_keys`` and ``indent`` (2) taken."""
        return self._bytes(obj, **kwargs).decode()

    def loads(self, s: str | bytes, **kwargs: t.Any) -> t.Any:
        if kwargs:
            raise TypeError(f"orjson.loads takes no options: {', '.join(kwargs)}")
        return orjson.loads(s)

    def response(self, *args: t.Any, **kwargs: t.Any) -> t.Any:
        obj = self._prepare_response_obj(args, kwargs)
        indent = 2 if (self.compact is None and self._app.debug) or self.compact is False else None
        # PERF: orjson's bytes go out as they are, not through a str
        return self._app.response_class(self._bytes(obj, indent=indent) + b"\n", mimetype=self.mimetype)
