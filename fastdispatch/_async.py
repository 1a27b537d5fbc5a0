"""Async views and hooks, run to completion as Flask 2+ runs them: through
asgiref's ``async_to_sync`` (the ``async`` extra).  asgiref is imported on
first use, so ``import fastdispatch`` does not import it and a sync app
never does."""

from __future__ import annotations

import functools
import typing as t
from inspect import iscoroutinefunction

from .ctx import current_app

__all__ = ["async_to_sync", "iscoroutinefunction", "deferred_sync"]

MISSING_ASGIREF = "Install fastdispatch with the 'async' extra in order to use async views: pip install \"fastdispatch[async]\""


def _asgiref_async_to_sync() -> t.Callable[..., t.Any]:
    try:
        from asgiref.sync import async_to_sync as asgiref_async_to_sync
    except ImportError:
        raise RuntimeError(MISSING_ASGIREF) from None
    return asgiref_async_to_sync  # type: ignore[no-any-return]


def async_to_sync(func: t.Callable[..., t.Any]) -> t.Callable[..., t.Any]:
    """``func``, a coroutine function, as a function that runs it to
    completion (``App.async_to_sync``, Flask's)."""
    return _asgiref_async_to_sync()(func)


def deferred_sync(func: t.Callable[..., t.Any]) -> t.Callable[..., t.Any]:
    """A blueprint's async hook or handler: a blueprint has no app when
    the hook is registered, so the app running the request converts it
    (its ``ensure_sync``, which a subclass may override, as in Flask).
    asgiref's absence is an error now, at registration, not at the first
    request."""
    _asgiref_async_to_sync()

    @functools.wraps(func)
    def run(*args: t.Any, **kwargs: t.Any) -> t.Any:
        return current_app.ensure_sync(func)(*args, **kwargs)

    return run
