"""``JSONProvider`` and ``DefaultJSONProvider``: Flask 3.1's ``app.json``,
the one JSON implementation of the package (``fastdispatch.json`` and the
short path's answer for a dict use it).  Output is Flask's byte for byte;
``tests/app/test_json.py`` holds it to that."""

from __future__ import annotations

import dataclasses
import decimal
import json
import typing as t
import uuid
import weakref
from datetime import date

from ..http import http_date

__all__ = ["DefaultJSONProvider", "JSONProvider"]


class JSONProvider:
    """The JSON operations of an app (``app.json``); a subclass implements
    at least ``dumps`` and ``loads``.  ``_app`` is a weak proxy to the app,
    as in Flask (the app holds its provider)."""

    def __init__(self, app: t.Any) -> None:
        self._app: t.Any = weakref.proxy(app)

    def dumps(self, obj: t.Any, **kwargs: t.Any) -> str:
        """``obj`` as a JSON string."""
        raise NotImplementedError

    def dump(self, obj: t.Any, fp: t.IO[str], **kwargs: t.Any) -> None:
        """``obj`` as JSON, written to the text file ``fp``."""
        fp.write(self.dumps(obj, **kwargs))

    def loads(self, s: str | bytes, **kwargs: t.Any) -> t.Any:
        """The JSON string or bytes ``s`` parsed."""
        raise NotImplementedError

    def load(self, fp: t.IO[t.AnyStr], **kwargs: t.Any) -> t.Any:
        """The JSON in the file ``fp`` parsed."""
        return self.loads(fp.read(), **kwargs)

    def _prepare_response_obj(self, args: tuple[t.Any, ...], kwargs: dict[str, t.Any]) -> t.Any:
        if args and kwargs:
            raise TypeError("app.json.response() takes either args or kwargs, not both")
        if not args and not kwargs:
            return None
        if len(args) == 1:
            return args[0]
        return args or kwargs

    def response(self, *args: t.Any, **kwargs: t.Any) -> t.Any:
        """``jsonify``: one value, several (a list) or keywords (a dict) as
        an ``application/json`` response of the app's ``response_class``."""
        obj = self._prepare_response_obj(args, kwargs)
        return self._app.response_class(self.dumps(obj), mimetype="application/json")


def _default(o: t.Any) -> t.Any:
    """Flask's ``default``: what ``json`` cannot write itself (dates as HTTP
    dates, ``Decimal``, ``UUID``, dataclasses, ``__html__`` objects) as JSON
    values; anything else raises ``TypeError``."""
    if isinstance(o, date):
        return http_date(o)
    if isinstance(o, (decimal.Decimal, uuid.UUID)):
        return str(o)
    if dataclasses.is_dataclass(o):
        return dataclasses.asdict(o)  # type: ignore[arg-type]
    if hasattr(o, "__html__"):
        return str(o.__html__())
    raise TypeError(f"Object of type {type(o).__name__} is not JSON serializable")


class DefaultJSONProvider(JSONProvider):
    """The standard library's ``json`` with Flask's additions: dates as
    HTTP dates, ``Decimal`` and ``UUID`` as strings, dataclasses as dicts,
    ``__html__`` objects as their HTML; sorted keys, ASCII output."""

    default: t.Callable[[t.Any], t.Any] = staticmethod(_default)  # type: ignore[assignment]
    ensure_ascii = True
    sort_keys = True
    #: True: no indentation; None: indented (2) in debug mode only
    compact: bool | None = None
    mimetype = "application/json"

    def __setattr__(self, name: str, value: t.Any) -> None:
        object.__setattr__(self, name, value)
        _settings_changed(self)

    def __delattr__(self, name: str) -> None:
        object.__delattr__(self, name)
        _settings_changed(self)

    def dumps(self, obj: t.Any, **kwargs: t.Any) -> str:
        """``obj`` as a JSON string, with the provider's ``default``,
        ``ensure_ascii`` and ``sort_keys``."""
        if kwargs == _COMPACT and self.default is _default and self.ensure_ascii is True and self.sort_keys is True:
            return compact_json(obj)  # response's case, without an encoder made per call
        kwargs.setdefault("default", self.default)
        kwargs.setdefault("ensure_ascii", self.ensure_ascii)
        kwargs.setdefault("sort_keys", self.sort_keys)
        return json.dumps(obj, **kwargs)

    def loads(self, s: str | bytes, **kwargs: t.Any) -> t.Any:
        """The JSON string or bytes ``s`` parsed (the standard library's
        ``json.loads``)."""
        return json.loads(s, **kwargs)

    def response(self, *args: t.Any, **kwargs: t.Any) -> t.Any:
        obj = self._prepare_response_obj(args, kwargs)
        if (self.compact is None and self._app.debug) or self.compact is False:
            body = self.dumps(obj, indent=2)
        else:
            body = self.dumps(obj, separators=(",", ":"))
        return self._app.response_class(f"{body}\n", mimetype=self.mimetype)


def _settings_changed(provider: DefaultJSONProvider) -> None:
    # The app's short path decided once whether this provider writes what
    # compact_json writes (App._short_path_state): make it decide again.
    app = provider.__dict__.get("_app")
    try:
        if getattr(app, "_fast", None) is not None:
            app._fast = None
    except ReferenceError:
        pass  # the app is gone


# PERF: json.dumps makes a JSONEncoder per call when given any option; the
# short path's answer for a dict, and DefaultJSONProvider.dumps with the
# options its response passes outside debug mode, use this one, built once.
_COMPACT = {"separators": (",", ":")}
compact_json: t.Callable[[t.Any], str] = json.JSONEncoder(sort_keys=True, default=_default, separators=(",", ":")).encode


def writes_compact_json(provider: t.Any, app: t.Any) -> bool:
    """Whether ``provider.response`` for ``app`` outside debug mode writes
    ``compact_json`` + newline as ``application/json`` (the default
    provider, with its default settings, made for ``app``).  Class
    attributes of DefaultJSONProvider itself changed after this was asked
    are not seen: set them on ``app.json`` or in a subclass."""
    if type(provider) is not DefaultJSONProvider:
        return False
    try:
        same_app = provider._app == app
    except ReferenceError:
        return False
    return (
        same_app
        and provider.default is _default
        and provider.ensure_ascii is True
        and provider.sort_keys is True
        and provider.compact is None
        and provider.mimetype == "application/json"
    )
