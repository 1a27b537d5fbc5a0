"""``request``, ``g`` and ``current_app``: context-local proxies.

One ``ContextVar`` holds the current request (or, outside a request, an app
context), so they are safe under threads, greenlets (greenlet >= 1.0 keeps
context variables per greenlet) and asyncio.  A request costs one ``set``
and one ``reset``: ``current_app`` and ``g`` are reached through it.
"""

from __future__ import annotations

import copy
import sys
import typing as t
from contextvars import ContextVar
from functools import update_wrapper

__all__ = [
    "request",
    "session",
    "g",
    "current_app",
    "has_request_context",
    "has_app_context",
    "AppContext",
    "RequestContext",
    "after_this_request",
    "copy_current_request_context",
    "app_ctx",
    "request_ctx",
]

_cv: ContextVar[t.Any] = ContextVar("fastdispatch.context")
_sentinel: t.Any = object()


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
    ``request`` does not (as in Flask).  The last ``pop`` runs the app's
    ``teardown_appcontext`` functions."""

    __slots__ = ("app", "_g", "_tokens")

    def __init__(self, app: t.Any) -> None:
        self.app = app
        self._g: _AppCtxGlobals | None = None
        self._tokens: list[t.Any] = []

    @property
    def g(self) -> _AppCtxGlobals:
        if self._g is None:
            self._g = self.app.app_ctx_globals_class()
        return self._g

    def push(self) -> None:
        self._tokens.append(_cv.set(self))
        self.app._count_context(1)
        if self.app._signalling:
            self.app._send("appcontext_pushed")

    def pop(self, exc: BaseException | None = _sentinel) -> None:
        # checked first: a context popped out of turn is not torn down
        # (Flask tears it down, then raises)
        if _cv.get(None) is not self:
            raise AssertionError(f"Popped wrong app context. ({_cv.get(None)!r} instead of {self!r})")
        try:
            if len(self._tokens) == 1:
                self.app.do_teardown_appcontext(sys.exc_info()[1] if exc is _sentinel else exc)
        finally:
            _cv.reset(self._tokens.pop())
            self.app._count_context(-1)
        if self.app._signalling:
            self.app._send("appcontext_popped")

    def __enter__(self) -> AppContext:
        self.push()
        return self

    def __exit__(self, exc_type: t.Any, exc_value: BaseException | None, tb: t.Any) -> None:
        self.pop(exc_value)


class RequestContext:
    """What ``app.test_request_context()`` and ``app.request_context(environ)``
    push, as Flask's: the request (matched on the first push, its session
    opened as the app opens it), the app context (the one already pushed for
    the same app, or its own, torn down with it), ``g``.  The last ``pop``
    runs the teardown functions.  A request the app serves is its own
    context; this is for code that needs one outside of that."""

    def __init__(self, app: t.Any, environ: dict[str, t.Any], request: t.Any = None, session: t.Any = None) -> None:
        self.app = app
        if request is None:
            request = app.request_class(environ, app)
            app._matched(request, *app._match(environ))
        self.request = request
        request.__dict__["_request_ctx"] = self  # what ``request_ctx`` finds
        if session is not None:
            request._session = session
        self._tokens: list[tuple[t.Any, bool]] = []

    @property
    def session(self) -> t.Any:
        return _session_of(self.request)

    @property
    def g(self) -> _AppCtxGlobals:
        return _g_of(self.request)

    def copy(self) -> RequestContext:
        """The same request in a context of its own (another thread's):
        the request object and session shared, ``g`` not (as Flask)."""
        return type(self)(self.app, self.request.environ, request=_copied(self.request), session=self.request._session)

    def push(self) -> None:
        token = _cv.set(self.request)
        shared = self.app._enter_request(self.request, token)
        self._tokens.append((token, shared))
        self.app._count_context(1)

    def pop(self, exc: BaseException | None = _sentinel) -> None:
        if _cv.get(None) is not self.request:
            raise AssertionError(f"Popped wrong request context. ({_cv.get(None)!r} instead of {self.request!r})")
        token, shared = self._tokens[-1]
        try:
            if len(self._tokens) == 1:
                if exc is _sentinel:
                    exc = sys.exc_info()[1]
                self.app._end_request(self.request, exc, shared)
                if self.request._form_loaded:
                    self.request.close()
        finally:
            self._tokens.pop()
            _cv.reset(token)
            self.app._count_context(-1)

    def __enter__(self) -> RequestContext:
        self.push()
        return self

    def __exit__(self, exc_type: t.Any, exc_value: BaseException | None, tb: t.Any) -> None:
        self.pop(exc_value)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.request.url!r} [{self.request.method}] of {self.app.name}>"


def _copied(req: t.Any) -> t.Any:
    """A shallow copy of a request, with a ``g`` and uploads of its own to
    forget (the original closes them) and no ``after_this_request``; the
    session shared (opened now if it was not: the copy must not open one of
    its own)."""
    if req._session is None:
        req._session = req.app._session_for(req)
    new = copy.copy(req)  # every class's slots, and the __dict__ (a copy of it)
    new.__dict__.pop("g", None)
    new._form_loaded = False
    new._after = None
    return new


def _current_request(what: str) -> t.Any:
    req = _cv.get(None)
    if req is None or type(req) is AppContext:
        raise RuntimeError(f"'{what}' can only be used when a request context is active, such as in a view function.")
    return req


def after_this_request(f: t.Callable[[t.Any], t.Any]) -> t.Callable[[t.Any], t.Any]:
    """Run ``f(response)`` on this request's response, before the
    after-request functions (Flask's); its return value is the response."""
    req = _current_request("after_this_request")
    if req._after is None:
        req._after = []
    req._after.append(req.app.ensure_sync(f))
    return f


def copy_current_request_context(f: t.Callable[..., t.Any]) -> t.Callable[..., t.Any]:
    """``f`` run in a copy of the current request's context, e.g. in a
    thread started by the view (Flask's)."""
    ctx = RequestContext(_current_request("copy_current_request_context").app, {}, request=_copied(_cv.get()))

    def wrapper(*args: t.Any, **kwargs: t.Any) -> t.Any:
        with ctx:
            return ctx.app.ensure_sync(f)(*args, **kwargs)

    return update_wrapper(wrapper, f)


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
                if name == "_get_current_object":
                    return lambda: target
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
        ctx.g = ctx.app.app_ctx_globals_class()
        return ctx.g  # type: ignore[no-any-return]


g: t.Any = _Proxy(_g_of, "application")


def has_request_context() -> bool:
    """Whether a request context is pushed (so that ``request`` and ``session``
    work)."""
    return _request_of(_cv.get(None)) is not None


def has_app_context() -> bool:
    """Whether an app context is pushed (so that ``current_app`` and ``g``
    work)."""
    return _cv.get(None) is not None


# Flask's ``flask.globals.app_ctx`` and ``request_ctx``, which extensions
# read (Flask-SQLAlchemy scopes its session by ``id(app_ctx)``,
# Flask-Limiter keeps per-request state on ``request_ctx``).  A request the
# app serves is its own context, so the objects are made when first asked
# for, one per request, and kept on it.


def _app_ctx_of(ctx: t.Any) -> AppContext:
    if type(ctx) is AppContext:
        return ctx
    found = ctx.__dict__.get("_app_ctx")
    if found is not None and type(found) is not AppContext:
        return _app_ctx_of(found)  # the outer request's, for the same app
    if found is None:
        # a request inside an app context pushed for its app shares that
        # one (App._enter_request), as in Flask; otherwise it has its own
        found = ctx.__dict__["_app_ctx"] = AppContext(ctx.app)
        found._g = _g_of(ctx)
    return found


def _request_ctx_of(ctx: t.Any) -> RequestContext | None:
    if type(ctx) is AppContext:
        return None
    found = ctx.__dict__.get("_request_ctx")
    if found is None:
        found = RequestContext(ctx.app, ctx.environ, request=ctx)
    return found  # type: ignore[no-any-return]


app_ctx: t.Any = _Proxy(_app_ctx_of, "application")
request_ctx: t.Any = _Proxy(_request_ctx_of, "request")
