"""``url_for``, ``make_response``, ``flash``, ``get_flashed_messages``,
``stream_with_context``, ``send_file`` and ``send_from_directory``: the
Flask helpers that need the current app or request."""

from __future__ import annotations

import os
import typing as t

from functools import update_wrapper

from .ctx import AppContext, _current_request, _cv, session
from .response import redirect as _redirect


def get_debug_flag() -> bool:
    """Flask's: whether ``FLASK_DEBUG`` (here ``FASTDISPATCH_DEBUG`` first)
    asks for debug mode; "0", "false" and "no" do not."""
    value = os.environ.get("FASTDISPATCH_DEBUG", os.environ.get("FLASK_DEBUG", ""))
    return bool(value) and value.lower() not in ("0", "false", "no")


def url_for(
    endpoint: str,
    *,
    _anchor: str | None = None,
    _method: str | None = None,
    _scheme: str | None = None,
    _external: bool | None = None,
    **values: t.Any,
) -> str:
    """The URL of ``endpoint``, as the current app's ``url_for`` builds it
    (Flask's: ``.name`` is relative to the current blueprint, extra values
    become the query string)."""
    ctx = _cv.get(None)
    if ctx is None:
        raise RuntimeError("Attempted to generate a URL without the application context being pushed.")
    return ctx.app.url_for(endpoint, _anchor=_anchor, _method=_method, _scheme=_scheme, _external=_external, **values)


def redirect(location: str, code: int = 302, Response: type[t.Any] | None = None) -> t.Any:  # noqa: N803 (Flask's name)
    """Flask's: a redirect response, made by the current app's
    ``redirect`` (its ``response_class``) unless ``Response`` is given or
    no app context is pushed."""
    ctx = _cv.get(None)
    if ctx is not None and Response is None:
        return ctx.app.redirect(location, code)
    return _redirect(location, code, Response)


def make_response(*args: t.Any) -> t.Any:
    """Flask's ``make_response``: the arguments a view could return, as a
    Response to add headers or cookies to."""
    ctx = _cv.get(None)
    if ctx is None:
        raise RuntimeError("Working outside of application context.")
    if not args:
        return ctx.app.response_class()
    return ctx.app.make_response(args[0] if len(args) == 1 else args)


def _send_file_kwargs(kwargs: dict[str, t.Any]) -> dict[str, t.Any]:
    """Flask's ``_prepare_send_file_kwargs``: the environ, the response
    class, the root of relative paths and the cache time from the app."""
    req = _current_request("send_file")
    app = req.app
    if kwargs.get("max_age") is None:
        kwargs["max_age"] = app.get_send_file_max_age
    kwargs.update(environ=req.environ, use_x_sendfile=app.config["USE_X_SENDFILE"], response_class=app.response_class, _root_path=app.root_path)
    return kwargs


def send_file(
    path_or_file: t.Any,
    mimetype: str | None = None,
    as_attachment: bool = False,
    download_name: str | None = None,
    conditional: bool = True,
    etag: bool | str = True,
    last_modified: t.Any = None,
    max_age: t.Any = None,
) -> t.Any:
    """Flask's ``send_file``: a response of a file (a path relative to the
    app's ``root_path``, or an open binary file); see ``files.send_file``."""
    from . import files

    return files.send_file(
        **_send_file_kwargs(
            dict(
                path_or_file=path_or_file,
                mimetype=mimetype,
                as_attachment=as_attachment,
                download_name=download_name,
                conditional=conditional,
                etag=etag,
                last_modified=last_modified,
                max_age=max_age,
            )
        )
    )


def send_from_directory(directory: t.Any, path: t.Any, **kwargs: t.Any) -> t.Any:
    """Flask's: ``path`` (from the client) under ``directory``; 404 for a
    path that would leave it or a file that is not there."""
    from . import files

    return files.send_from_directory(directory, path, **_send_file_kwargs(kwargs))


def flash(message: str, category: str = "message") -> None:
    """Keep ``message`` in the session for a later request's
    ``get_flashed_messages`` (Flask's: ``(category, message)`` pairs under
    the session's ``_flashes``)."""
    flashes = session.get("_flashes", [])
    flashes.append((category, message))
    session["_flashes"] = flashes
    app = _cv.get().app
    if app._signalling:
        app._send("message_flashed", message=message, category=category)


def get_flashed_messages(with_categories: bool = False, category_filter: t.Iterable[str] = ()) -> list[t.Any]:
    """The messages flashed so far, taken out of the session on the
    request's first call (later calls in the request see the same ones);
    with their categories as pairs, or only those of ``category_filter``."""
    req = _cv.get(None)
    if req is None or isinstance(req, AppContext):
        raise RuntimeError("Working outside of request context.")
    flashes = req.__dict__.get("_flashes")
    if flashes is None:
        flashes = req.__dict__["_flashes"] = session.pop("_flashes") if "_flashes" in session else []
    if category_filter:
        flashes = [f for f in flashes if f[0] in category_filter]
    if not with_categories:
        return [f[1] for f in flashes]
    return flashes


def stream_with_context(generator_or_function: t.Any) -> t.Any:
    """A streamed body that runs in the request's context (``request``,
    ``session``, ``g`` work in it), as Flask 3.1's: the request has ended
    when the body is sent, and the stream's run is a context of its own,
    whose end runs the teardown functions again.  Also a decorator of a
    generator function."""
    try:
        gen = iter(generator_or_function)
    except TypeError:
        func = generator_or_function

        def decorator(*args: t.Any, **kwargs: t.Any) -> t.Any:
            return stream_with_context(func(*args, **kwargs))

        return update_wrapper(decorator, func)
    return _ContextStream(_current_request("stream_with_context"), gen)


class _ContextStream:
    """Each chunk made with the request as the current context (set and
    reset around each, so a server may resume it from any thread).  The
    first chunk asked for starts the stream's context, and its end (the
    last chunk, an error, or ``close`` before either) ends it: the teardown
    functions, with the exception, as Flask's ``with app_ctx, req_ctx``
    around the generator."""

    __slots__ = ("req", "gen", "started", "ended")

    def __init__(self, req: t.Any, gen: t.Iterator[t.Any]) -> None:
        self.req = req
        self.gen = gen
        self.started = self.ended = False

    def __iter__(self) -> _ContextStream:
        return self

    def __next__(self) -> t.Any:
        if self.ended:
            raise StopIteration
        token = _cv.set(self.req)
        try:
            self.started = True
            try:
                return next(self.gen)
            except StopIteration:
                self._end(None)
                raise
            except BaseException as e:
                self._end(e)
                raise
        finally:
            _cv.reset(token)

    def _end(self, exc: BaseException | None) -> None:
        self.ended = True
        close = getattr(self.gen, "close", None)
        if close is not None:
            close()
        app = self.req.app
        app.do_teardown_request(exc)
        app.do_teardown_appcontext(exc)

    def close(self) -> None:
        if self.ended:
            return
        if not self.started:  # never run: its context never began
            self.ended = True
            close = getattr(self.gen, "close", None)
            if close is not None:
                close()
            return
        token = _cv.set(self.req)
        try:
            self._end(GeneratorExit())
        finally:
            _cv.reset(token)
