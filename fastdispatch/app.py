"""``App``: the WSGI callable, Flask's request pipeline on the compiled router.

The request path (``wsgi_app``) is kept short and visible: build a lazy
``Request``, set one context variable, route, call the view, and turn its
return value into a response, with the hooks and handlers Flask runs where
any are registered.  ``# PERF:`` marks where speed dictates the shape.
"""

from __future__ import annotations

import logging
import sys
import typing as t
from urllib.parse import quote, urlunsplit

from . import _wsgi_py
from .blueprints import Blueprint
from .config import Config
from .ctx import AppContext, _cv
from .environ import _wsgi_decode
from .exceptions import HTTPException, InternalServerError, MethodNotAllowed, NotFound, RoutingRedirect
from .request import Request, blueprint_names
from .response import Response, make_response
from .routing import CompiledRouter, Router, RoutingException
from .routing import MethodNotAllowed as _RouteMethodNotAllowed
from .routing import RequestRedirect as _RouteRedirect
from .scaffold import Scaffold

try:
    from . import _wsgi
except ImportError:  # built without the extension (no compiler, or FASTDISPATCH_NO_EXTENSIONS=1)
    _wsgi = None  # type: ignore[assignment]

__all__ = ["App"]

# The request path without hooks (``App.__call__``): compiled unless the
# extension is missing or FASTDISPATCH_PURE=1, as the router.
_twin = _wsgi_py if _wsgi is None or Router is not CompiledRouter else _wsgi
_call = _twin.call

# Assigning any of these (or anything else) re-decides whether __call__ may
# take its short path; reading them costs nothing extra.
_NO_RESET = frozenset(("_fast", "_logger"))


class App(Scaffold, _twin.WSGICallable):
    """A Flask-compatible application: ``App(__name__)``."""

    request_class = Request
    response_class = Response

    default_config: t.ClassVar[dict[str, t.Any]] = {
        "DEBUG": False,
        "TESTING": False,
        "PROPAGATE_EXCEPTIONS": None,
        "TRAP_HTTP_EXCEPTIONS": False,
        "MAX_CONTENT_LENGTH": None,
        "MAX_FORM_MEMORY_SIZE": 500_000,
        "MAX_FORM_PARTS": 1_000,
        "SERVER_NAME": None,
        "APPLICATION_ROOT": "/",
        "PREFERRED_URL_SCHEME": "http",
    }

    def __init__(self, import_name: str) -> None:
        super().__init__(import_name)
        self.name = import_name
        self.config = Config(self.default_config)
        #: the router; iterable as (rule, endpoint, methods), like Flask's url_map.
        #: Flask's Map merges repeated slashes (a 308 to the merged path).
        self.url_map = Router(merge_slashes=True)
        self.blueprints: dict[str, Blueprint] = {}
        self._auto_options: set[str] = set()  # endpoints answering OPTIONS themselves
        self._hooks = False  # any hook registered anywhere: take the full path
        self._logger: logging.Logger | None = None
        self._fast: tuple[t.Any, ...] | None = None  # see _fast_state

    def __setattr__(self, name: str, value: t.Any) -> None:
        object.__setattr__(self, name, value)
        if name not in _NO_RESET:
            object.__setattr__(self, "_fast", None)

    def __delattr__(self, name: str) -> None:
        object.__delattr__(self, name)
        object.__setattr__(self, "_fast", None)

    # -- registration ---------------------------------------------------------

    def add_url_rule(
        self,
        rule: str,
        endpoint: str | None = None,
        view_func: t.Callable[..., t.Any] | None = None,
        provide_automatic_options: bool | None = None,
        **options: t.Any,
    ) -> None:
        if endpoint is None:
            if view_func is None:
                raise TypeError("add_url_rule() needs an endpoint or a view_func")
            endpoint = view_func.__name__
        methods = options.pop("methods", None)
        defaults = options.pop("defaults", None)
        strict_slashes = options.pop("strict_slashes", None)
        if options:
            raise TypeError(f"unsupported rule options: {', '.join(sorted(options))}")
        if methods is None:
            methods = getattr(view_func, "methods", None) or ("GET",)
        if isinstance(methods, str):
            raise TypeError('Allowed methods must be a list of strings, for example: @app.route(..., methods=["POST"])')
        methods = {m.upper() for m in methods}
        methods |= set(getattr(view_func, "required_methods", ()))
        if provide_automatic_options is None:
            provide_automatic_options = getattr(view_func, "provide_automatic_options", None)
        if provide_automatic_options is None:
            provide_automatic_options = "OPTIONS" not in methods
        if provide_automatic_options:
            methods.add("OPTIONS")
        if view_func is not None:
            old = self.view_functions.get(endpoint)
            if old is not None and old != view_func:
                raise AssertionError(f"View function mapping is overwriting an existing endpoint function: {endpoint}")
        self.url_map.add(
            rule,
            endpoint,
            methods=sorted(methods),
            automatic=("OPTIONS",) if provide_automatic_options else (),
            defaults=defaults,
            strict_slashes=True if strict_slashes is None else strict_slashes,
        )
        if view_func is not None:
            self.view_functions[endpoint] = view_func
        if provide_automatic_options:
            self._auto_options.add(endpoint)

    def register_blueprint(self, blueprint: Blueprint, **options: t.Any) -> None:
        blueprint.register(self, options)
        self._changed()

    def _changed(self) -> None:
        parts: list[Scaffold] = [self, *self.blueprints.values()]
        self._hooks = any(
            p.before_request_funcs or p.after_request_funcs or p.teardown_request_funcs or p.url_value_preprocessors for p in parts
        )

    # -- the request path -----------------------------------------------------

    # __call__ is WSGICallable's: ``call(app, environ, start_response)`` of
    # ``_wsgi``/``_wsgi_py``.  While nothing hooks in, a matched request is
    # served there without the pipeline below; everything else comes to
    # ``wsgi_app``.

    def _fast_state(self) -> tuple[t.Any, ...]:
        """``(short, text, match, views, auto_options, request_class,
        compiled)``: whether ``__call__`` may serve a request itself (not
        with a ``wsgi_app`` wrapped or overridden, a middleware, nor a
        request class with its own ``__init__`` or ``__new__``), whether a ``str`` result
        may skip the ``Response`` object (no hooks, nor a response class or
        ``make_response`` of the app's own), and what the short path uses.
        Recomputed after any assignment to the app (``__setattr__``) or hook
        registration."""
        cls = type(self)
        text = (
            not self._hooks
            and cls.make_response is App.make_response
            and cls._finalize is App._finalize
            and self.response_class is Response
        )
        short = (
            text
            and "wsgi_app" not in self.__dict__
            and cls.wsgi_app is App.wsgi_app
            and self.request_class.__init__ is Request.__init__
            and self.request_class.__new__ is Request.__new__
        )
        compiled = CompiledRouter is not None and type(self.url_map) is CompiledRouter
        state = (short, text, self.url_map.match, self.view_functions, self._auto_options, self.request_class, compiled)
        object.__setattr__(self, "_fast", state)
        return state

    def wsgi_app(self, environ: dict[str, t.Any], start_response: t.Callable[..., t.Any]) -> t.Iterable[bytes]:
        req = self.request_class(environ, self)
        token = _cv.set(req)
        error: BaseException | None = None
        try:
            try:
                rv = self._dispatch(req, environ)
                # PERF: text, and nothing hooks in (a middleware-wrapped app):
                # no Response object.
                if type(rv) is str and (self._fast or self._fast_state())[1]:
                    body = rv.encode()
                    start_response("200 OK", [_wsgi_py._TEXT_HTML, ("Content-Length", str(len(body)))])
                    return [] if environ["REQUEST_METHOD"] == "HEAD" else [body]  # as Werkzeug's Response
                response = self._finalize(req, rv)
            except Exception as e:
                error = e
                response = self._handle_exception(req, e)
            return response(environ, start_response)
        finally:
            if self._hooks:
                self._teardown(req, error)
            if req._form_loaded:
                req.close()  # uploads spooled to temporary files
            _cv.reset(token)

    def _dispatch(self, req: Request, environ: dict[str, t.Any]) -> t.Any:
        """The view's return value, or what hooks or error handlers put in
        its place (Flask's full_dispatch_request, before finalizing)."""
        try:
            # PERF: straight from the environ; the router upper-cases the
            # method itself and takes ASCII paths as they are.
            method = environ.get("REQUEST_METHOD", "GET")
            path = environ.get("PATH_INFO", "")
            routing_error = None
            try:
                req.endpoint, req.view_args = endpoint, args = self.url_map.match(method, path if path.isascii() else _wsgi_decode(path))
            except RoutingException as e:
                routing_error = e
            if self._hooks:
                rv = self._preprocess(req)
                if rv is not None:
                    return rv
                endpoint, args = req.endpoint, req.view_args  # a hook may have replaced them
            if routing_error is not None:
                raise self._http_error(req, routing_error)
            if method != "GET" and endpoint in self._auto_options and method.upper() == "OPTIONS":
                return self._options_response(req)
            return self.view_functions[endpoint](**args)
        except Exception as e:
            return self._handle_user_exception(req, e)

    def _http_error(self, req: Request, e: RoutingException) -> HTTPException:
        if isinstance(e, _RouteRedirect):
            return RoutingRedirect(self._redirect_url(req, e.location))
        if isinstance(e, _RouteMethodNotAllowed):
            return MethodNotAllowed(valid_methods=sorted(e.allowed))
        return NotFound()

    def _redirect_url(self, req: Request, path: str) -> str:
        # As Werkzeug's MapAdapter.make_redirect_url: absolute, query kept.
        path = quote(path, safe="!$&'()*+,/:;=@")
        path = "/".join((req.script_root.strip("/"), path.lstrip("/")))
        query = _wsgi_decode(req.environ.get("QUERY_STRING", "")) or None
        return urlunsplit((req.scheme, req.host, path, query, None))

    def _options_response(self, req: Request) -> Response:
        rv = self.response_class()
        try:
            self.url_map.match("--", _wsgi_decode(req.environ.get("PATH_INFO", "")))
        except _RouteMethodNotAllowed as e:
            rv.headers["Allow"] = ", ".join(sorted(e.allowed))
        except RoutingException:
            pass
        return rv

    def _preprocess(self, req: Request) -> t.Any:
        scaffolds = (self, *reversed(self._blueprints_of(req.endpoint)))
        for scaffold in scaffolds:
            for url_func in scaffold.url_value_preprocessors:
                url_func(req.endpoint, req.view_args)
        for scaffold in scaffolds:
            for func in scaffold.before_request_funcs:
                rv = func()
                if rv is not None:
                    return rv
        return None

    def _finalize(self, req: Request, rv: t.Any, from_error_handler: bool = False) -> Response:
        response = self.make_response(rv)
        if self._hooks:
            try:
                for scaffold in (*self._blueprints_of(req.endpoint), self):
                    for func in reversed(scaffold.after_request_funcs):
                        response = func(response)
            except Exception:
                if not from_error_handler:
                    raise
                self.logger.exception("Request finalizing failed with an error while handling an error")
        return response

    def _teardown(self, req: Request, error: BaseException | None) -> None:
        for scaffold in (*self._blueprints_of(req.endpoint), self):
            for func in reversed(scaffold.teardown_request_funcs):
                func(error)

    def _blueprints_of(self, endpoint: str | None) -> list[Blueprint]:
        """The endpoint's blueprint, then its parents (Flask's
        ``request.blueprints``, as objects)."""
        return [self.blueprints[name] for name in blueprint_names(endpoint) if name in self.blueprints]

    def inject_url_defaults(self, endpoint: str, values: dict[str, t.Any]) -> None:
        """The ``url_defaults`` functions of the app, then of the endpoint's
        blueprint, fill in ``values`` for ``url_for`` (as Flask's)."""
        for scaffold in (self, *reversed(self._blueprints_of(endpoint))):
            for func in scaffold.url_default_functions:
                func(endpoint, values)

    # -- errors ---------------------------------------------------------------

    def _find_error_handler(self, req: Request, e: BaseException) -> t.Callable[..., t.Any] | None:
        exc_class = type(e)
        code = getattr(e, "code", None) if isinstance(e, HTTPException) else None
        scaffolds = (*self._blueprints_of(req.endpoint), self)
        for c in (code, None) if code is not None else (None,):
            for scaffold in scaffolds:
                handlers = scaffold.error_handlers.get(c)
                if not handlers:
                    continue
                for cls in exc_class.__mro__:
                    handler = handlers.get(cls)
                    if handler is not None:
                        return handler
        return None

    def _handle_user_exception(self, req: Request, e: Exception) -> t.Any:
        if isinstance(e, HTTPException) and not self.config["TRAP_HTTP_EXCEPTIONS"]:
            if isinstance(e, RoutingRedirect):
                return e  # routing redirects skip the error handlers, as in Flask
            handler = self._find_error_handler(req, e)
            return e if handler is None else handler(e)
        handler = self._find_error_handler(req, e)
        if handler is None:
            raise e
        return handler(e)

    def _handle_exception(self, req: Request, e: Exception) -> Response:
        propagate = self.config["PROPAGATE_EXCEPTIONS"]
        if propagate is None:
            propagate = self.config["TESTING"] or self.config["DEBUG"]
        if propagate:
            raise e
        self.logger.error(f"Exception on {req.path} [{req.method}]", exc_info=(type(e), e, e.__traceback__))
        server_error: t.Any = InternalServerError(original_exception=e)
        handler = self._find_error_handler(req, server_error)
        if handler is not None:
            server_error = handler(server_error)
        return self._finalize(req, server_error, from_error_handler=True)

    # -- responses ------------------------------------------------------------

    def make_response(self, rv: t.Any) -> Response:
        """Flask's conversion of a view's return value into a Response."""
        if rv is None or (type(rv) is tuple and rv and rv[0] is None):
            endpoint = getattr(_cv.get(None), "endpoint", None)
            raise TypeError(
                f"The view function for {endpoint!r} did not return a valid response. "
                "The function either returned None or ended without a return statement."
            )
        response = make_response(rv)
        if not 100 <= response.status_code <= 999:
            # Flask would send "0 abc", which is not HTTP: a 500 here
            raise ValueError(f"The view function returned an invalid HTTP status {response.status!r}.")
        return response

    # -- the rest of the Flask surface ----------------------------------------

    @property
    def debug(self) -> bool:
        return bool(self.config["DEBUG"])

    @debug.setter
    def debug(self, value: bool) -> None:
        self.config["DEBUG"] = value

    @property
    def testing(self) -> bool:
        return bool(self.config["TESTING"])

    @testing.setter
    def testing(self, value: bool) -> None:
        self.config["TESTING"] = value

    @property
    def logger(self) -> logging.Logger:
        if self._logger is None:
            logger = logging.getLogger(self.name)
            if not logger.handlers and not logging.getLogger().handlers:
                handler = logging.StreamHandler(sys.stderr)
                handler.setFormatter(logging.Formatter("[%(asctime)s] %(levelname)s in %(module)s: %(message)s"))
                logger.addHandler(handler)
            self._logger = logger
        return self._logger

    def app_context(self) -> AppContext:
        return AppContext(self)

    def test_client(self, use_cookies: bool = True) -> t.Any:
        from .testing import TestClient

        return TestClient(self, use_cookies=use_cookies)

    def iter_rules(self) -> t.Iterator[t.Any]:
        return iter(self.url_map)

    def run(self, host: str = "127.0.0.1", port: int = 5000, **options: t.Any) -> None:
        """Development server (the standard library's wsgiref)."""
        from wsgiref.simple_server import make_server

        with make_server(host, port, self) as server:
            print(f" * Serving {self.name!r} on http://{host}:{port}/ (development server)", file=sys.stderr)
            server.serve_forever()

    def __repr__(self) -> str:
        return f"<App {self.name!r}>"
