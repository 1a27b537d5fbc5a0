"""``request``, ``g`` and ``current_app``: context-local proxies.

One ``ContextVar`` holds the current request (or, outside a request, an app
context), so they are safe under threads, greenlets (greenlet >= 1.0 keeps
context variables per greenlet) and asyncio.  A request costs one ``set``
and one ``reset``: ``current_app`` and ``g`` are reached through it.
"""

from __future__ import annotations

import typing as t
from contextvars import ContextVar

__all__ = ["request", "session", "g", "current_app", "has_request_context", "has_app_context", "AppContext"]

_cv: ContextVar[t.Any] = ContextVar("fastdispatch.context")


class _AppCtxGlobals:
    """``g``: a plain namespace for the duration of a request or app context."""

    def get(self, name: str, default: t.Any = None) -> t.Any:
        return self.__dict__.get(name, default)

    def pop(self, name: str, *default: t.Any) -> t.Any:
        return self.__dict__.pop(name, *default)

    def setdefault(self, name: str, default: t.Any = None) -> t.Any:
        return self.__dict__.setdefault(name, default)

    def __contains__(self, name: str) -> bool:
        return name in self.__dict__

    def __iter__(self) -> t.Iterator[str]:
        return iter(self.__dict__)

    def __repr__(self) -> str:
        return f"<fastdispatch.g of {current_app.name!r}>"


class AppContext:
    """What ``app.app_context()`` pushes: ``current_app`` and ``g`` work,
    ``request`` does not (as in Flask)."""

    __slots__ = ("app", "_g", "_tokens")

    def __init__(self, app: t.Any) -> None:
        self.app = app
        self._g: _AppCtxGlobals | None = None
        self._tokens: list[t.Any] = []

    @property
    def g(self) -> _AppCtxGlobals:
        if self._g is None:
            self._g = _AppCtxGlobals()
        return self._g

    def push(self) -> None:
        self._tokens.append(_cv.set(self))

    def pop(self) -> None:
        _cv.reset(self._tokens.pop())

    def __enter__(self) -> AppContext:
        self.push()
        return self

    def __exit__(self, *exc: t.Any) -> None:
        self.pop()


class _Proxy:
    """Forwards attribute access to an object found through ``_cv``."""

    __slots__ = ("_get", "_what")

    def __init__(self, get: t.Callable[[t.Any], t.Any], what: str) -> None:
        object.__setattr__(self, "_get", get)
        object.__setattr__(self, "_what", what)

    def _current(self) -> t.Any:
        ctx = _cv.get(None)
        target = None if ctx is None else object.__getattribute__(self, "_get")(ctx)
        if target is None:
            raise RuntimeError(f"Working outside of {object.__getattribute__(self, '_what')} context.")
        return target

    # PERF: __getattribute__, not __getattr__: a view's request.args would
    # otherwise first fail a normal lookup and pay for the AttributeError.
    def __getattribute__(self, name: str) -> t.Any:
        ctx = _cv.get(None)
        if ctx is not None:
            target = object.__getattribute__(self, "_get")(ctx)
            if target is not None:
                return getattr(target, name)
        if name in ("_current", "_get_current_object"):
            return object.__getattribute__(self, name)
        raise RuntimeError(f"Working outside of {object.__getattribute__(self, '_what')} context.")

    def __setattr__(self, name: str, value: t.Any) -> None:
        setattr(_Proxy._current(self), name, value)

    def __delattr__(self, name: str) -> None:
        delattr(_Proxy._current(self), name)

    def __contains__(self, name: str) -> bool:
        return name in _Proxy._current(self)

    def __iter__(self) -> t.Iterator[t.Any]:
        return iter(_Proxy._current(self))

    def __len__(self) -> int:
        return len(_Proxy._current(self))

    def __getitem__(self, key: t.Any) -> t.Any:
        return _Proxy._current(self)[key]

    def __setitem__(self, key: t.Any, value: t.Any) -> None:
        _Proxy._current(self)[key] = value

    def __delitem__(self, key: t.Any) -> None:
        del _Proxy._current(self)[key]

    def __bool__(self) -> bool:
        # unbound: False; bound: the object's own truth (an empty session is false)
        ctx = _cv.get(None)
        target = None if ctx is None else object.__getattribute__(self, "_get")(ctx)
        return target is not None and bool(target)

    def __eq__(self, other: object) -> bool:
        return bool(_Proxy._current(self) == other)

    def __hash__(self) -> int:
        return hash(_Proxy._current(self))

    def __repr__(self) -> str:
        ctx = _cv.get(None)
        target = None if ctx is None else object.__getattribute__(self, "_get")(ctx)
        what = object.__getattribute__(self, "_what")
        return f"<{what} proxy: {target!r}>" if target is not None else f"<unbound {what} proxy>"

    def _get_current_object(self) -> t.Any:
        return _Proxy._current(self)


def _request_of(ctx: t.Any) -> t.Any:
    return None if type(ctx) is AppContext else ctx


request: t.Any = _Proxy(_request_of, "request")


def _session_of(ctx: t.Any) -> t.Any:
    if type(ctx) is AppContext:
        return None
    session = ctx._session
    if session is None:  # opened on first use (App._session_for)
        session = ctx._session = ctx.app._session_for(ctx)
    session.accessed = True  # every use, as Flask 3.1.3 counts it: the response varies on Cookie
    return session


session: t.Any = _Proxy(_session_of, "request")
current_app: t.Any = _Proxy(lambda ctx: ctx.app, "application")


def _g_of(ctx: t.Any) -> _AppCtxGlobals:
    try:
        return ctx.g  # type: ignore[no-any-return]
    except AttributeError:  # a request's g is made on first use
        ctx.g = _AppCtxGlobals()
        return ctx.g  # type: ignore[no-any-return]


g: t.Any = _Proxy(_g_of, "application")


def has_request_context() -> bool:
    return _request_of(_cv.get(None)) is not None


def has_app_context() -> bool:
    return _cv.get(None) is not None
