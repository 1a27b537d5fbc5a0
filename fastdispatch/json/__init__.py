"""``fastdispatch.json``: Flask's ``flask.json``.  Inside an app context
each function is the current app's provider's (``app.json``); outside one,
``dumps``/``loads``/``dump``/``load`` are the standard library's (``dumps``
and ``dump`` with Flask's ``default`` for dates, ``Decimal``, ...), as in
Flask.  The providers are in ``provider`` (and, on orjson, ``orjson``)."""

from __future__ import annotations

import json as _json
import typing as t

from ..ctx import _cv
from .provider import DefaultJSONProvider, JSONProvider, _default

__all__ = ["DefaultJSONProvider", "JSONProvider", "dump", "dumps", "jsonify", "load", "loads"]


def _provider() -> JSONProvider | None:
    ctx = _cv.get(None)
    return None if ctx is None else ctx.app.json


def dumps(obj: t.Any, **kwargs: t.Any) -> str:
    provider = _provider()
    if provider is not None:
        return provider.dumps(obj, **kwargs)
    kwargs.setdefault("default", _default)
    return _json.dumps(obj, **kwargs)


def dump(obj: t.Any, fp: t.IO[str], **kwargs: t.Any) -> None:
    provider = _provider()
    if provider is not None:
        provider.dump(obj, fp, **kwargs)
    else:
        kwargs.setdefault("default", _default)
        _json.dump(obj, fp, **kwargs)


def loads(s: str | bytes, **kwargs: t.Any) -> t.Any:
    provider = _provider()
    if provider is not None:
        return provider.loads(s, **kwargs)
    return _json.loads(s, **kwargs)


def load(fp: t.IO[t.AnyStr], **kwargs: t.Any) -> t.Any:
    provider = _provider()
    if provider is not None:
        return provider.load(fp, **kwargs)
    return _json.load(fp, **kwargs)


class _Detached:
    """The app ``jsonify`` answers for outside an app context (where Flask
    raises): not in debug mode, the base ``Response``."""

    debug = False
    #: set by ``response``, which imports this module (``use_response_class``)
    response_class: t.ClassVar[type]


def use_response_class(cls: type) -> None:
    """The class ``jsonify`` answers with outside an app context."""
    _Detached.response_class = cls


_DETACHED = _Detached()  # the provider's weak proxy needs it kept alive
_detached_json = DefaultJSONProvider(_DETACHED)


def jsonify(*args: t.Any, **kwargs: t.Any) -> t.Any:
    """``flask.jsonify``: ``app.json.response(*args, **kwargs)`` of the
    current app.  Unlike Flask it also works outside an app context, as
    the default provider of an app out of debug mode."""
    provider = _provider()
    return (_detached_json if provider is None else provider).response(*args, **kwargs)
