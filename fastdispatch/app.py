"""``App``: the WSGI callable, Flask's request pipeline on the compiled router.

Every request is matched once, by ``__call__`` (the short path,
``shortpath``) or, where ``wsgi_app`` is wrapped or overridden, by
``wsgi_app``; the match result goes to ``dispatch_matched``, the one
pipeline: a lazy ``Request``, one context variable, the before-request
hooks (``preprocess_request``), the view or the routing exception
(``dispatch_request``), the error handlers (``handle_user_exception``,
``handle_exception``), the response and after-request hooks
(``finalize_request``), the teardown (``do_teardown_request``): Flask's
names at Flask's points.  A hit in an app nothing hooks into is served by
the short path itself, which calls the same handlers.  ``# PERF:`` marks
where speed dictates the shape.
"""

from __future__ import annotations

import inspect
import logging
import os
import sys
import typing as t
import weakref
from contextvars import Token
from datetime import timedelta
from urllib.parse import quote

from ._async import async_to_sync, iscoroutinefunction
from .app_templates import AppTemplates
from .blueprints import Blueprint
from .config import Config
from .paths import instance_path_of
from .ctx import AppContext, RequestContext, _AppCtxGlobals, _cv, _g_of
from .environ import _wsgi_decode
from .exceptions import Aborter, BadRequest, BadRequestKeyError, HTTPException, InternalServerError, werkzeug_http_class
from .helpers import get_debug_flag
from .http import APPLICATION_JSON, TEXT_HTML
from .json.provider import DefaultJSONProvider, compact_json, writes_compact_json
from .request import MAX_JSON_DEPTH, Request, blueprint_names
from .response import PLAIN_RESPONSE_CLASSES, Response, response_from_view
from .response import redirect as _redirect
from ._shortpath_py import _plain
from .routing import BuildError, MethodNotAllowed, RequestRedirect, Router, RoutingException
from .scaffold import F, Scaffold
from .sessions import SecureCookieSessionInterface, SessionInterface
from .shortpath import ShortPathState, WSGICallable

__all__ = ["App"]


def _app_name(import_name: str) -> str:
    """Flask's ``app.name``: the import name, or the script's file name for
    ``__main__``."""
    if import_name != "__main__":
        return import_name
    filename = getattr(sys.modules["__main__"], "__file__", None)
    return "__main__" if filename is None else os.path.splitext(os.path.basename(filename))[0]

_sentinel: t.Any = object()

# Assigning anything but these re-decides what the short path may do
# (App._short_path_state); reading them costs nothing extra.  ``cli``: the
# command line is no concern of the short path (Scaffold.cli).
_NO_RESET = frozenset(("_fast", "_logger", "cli"))

# What the short path skips on a hit it serves itself, or calls as App's:
# an app or subclass with its own of any of these takes the pipeline.
_SKIPPED = ("dispatch_request", "preprocess_request", "make_response", "finalize_request", "process_response", "full_dispatch_request")


class App(AppTemplates, Scaffold, WSGICallable):
    """A Flask-compatible application: ``App(__name__)``."""

    request_class = Request
    response_class = Response
    json_provider_class = DefaultJSONProvider

    default_config: t.ClassVar[dict[str, t.Any]] = {
        "DEBUG": False,
        "TESTING": False,
        "SECRET_KEY": None,
        "SECRET_KEY_FALLBACKS": None,
        "PERMANENT_SESSION_LIFETIME": timedelta(days=31),
        "PROPAGATE_EXCEPTIONS": None,
        "TRAP_HTTP_EXCEPTIONS": False,
        "TRAP_BAD_REQUEST_ERRORS": None,
        "PROVIDE_AUTOMATIC_OPTIONS": True,
        "MAX_CONTENT_LENGTH": None,
        "MAX_FORM_MEMORY_SIZE": 500_000,
        "MAX_FORM_PARTS": 1_000,
        "MAX_JSON_DEPTH": MAX_JSON_DEPTH,  # fastdispatch's own: see Request.max_json_depth
        "FRAMING_GUARD": True,  # fastdispatch's own: see fastdispatch.framing
        "SERVER_NAME": None,
        "APPLICATION_ROOT": "/",
        "PREFERRED_URL_SCHEME": "http",
        "SESSION_COOKIE_NAME": "session",
        "SESSION_COOKIE_DOMAIN": None,
        "SESSION_COOKIE_PATH": None,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SECURE": False,
        "SESSION_COOKIE_PARTITIONED": False,
        "SESSION_COOKIE_SAMESITE": None,
        "SESSION_REFRESH_EACH_REQUEST": True,
        "MAX_COOKIE_SIZE": 4093,
        "TEMPLATES_AUTO_RELOAD": None,
        "EXPLAIN_TEMPLATE_LOADING": False,
        "USE_X_SENDFILE": False,
        "SEND_FILE_MAX_AGE_DEFAULT": None,
    }

    #: Flask's: what ``test_client()`` and ``test_cli_runner()`` make (None:
    #: fastdispatch's own), the class of ``config`` (``make_config``) and
    #: of ``g`` (``fastdispatch.ctx._AppCtxGlobals``: set before the first
    #: app context)
    test_client_class: t.ClassVar[type[t.Any] | None] = None
    test_cli_runner_class: t.ClassVar[type[t.Any] | None] = None
    config_class: t.ClassVar[type[Config]] = Config
    #: Flask's: the class of ``aborter``, which ``abort`` calls in an app
    aborter_class: t.ClassVar[type[Aborter]] = Aborter
    app_ctx_globals_class: t.ClassVar[type[t.Any]] = _AppCtxGlobals

    #: opens and saves ``session`` (Flask's; see ``sessions``)
    session_interface: SessionInterface = SecureCookieSessionInterface()

    #: a receiver is connected to one of ``fastdispatch.signals``: requests
    #: send them (set by that module, for every app; until then nothing is sent)
    _signalling: t.ClassVar[bool] = False
    #: the apps made, for ``signals`` to send to the full pipeline
    _live: t.ClassVar[weakref.WeakSet[App]] = weakref.WeakSet()

    def __init__(
        self,
        import_name: str,
        static_url_path: str | None = None,
        static_folder: str | os.PathLike[str] | None = "static",
        static_host: str | None = None,
        host_matching: bool = False,
        subdomain_matching: bool = False,
        template_folder: str | os.PathLike[str] | None = "templates",
        instance_path: str | None = None,
        instance_relative_config: bool = False,
        root_path: str | None = None,
    ) -> None:
        """Flask's constructor.  Host matching (and so ``static_host``) is
        refused: the router matches paths only."""
        super().__init__(import_name, static_folder, static_url_path, template_folder, root_path)
        if host_matching or static_host is not None:
            raise NotImplementedError("host_matching and static_host are not supported: fastdispatch's router matches paths only")
        self.subdomain_matching = subdomain_matching
        self.name = _app_name(import_name)
        if instance_path is None:
            instance_path = instance_path_of(import_name, self.name)
        elif not os.path.isabs(instance_path):
            raise ValueError("If an instance path is provided it must be absolute. A relative path was given instead.")
        #: the folder for files that are this deployment's (Flask's)
        self.instance_path = instance_path
        self.config = self.make_config(instance_relative_config)
        #: what ``abort`` raises with in this app (``make_aborter``)
        self.aborter = self.make_aborter()
        #: where extensions keep their state, by name (Flask's)
        self.extensions: dict[str, t.Any] = {}
        #: functions (error, endpoint, values) that may return a URL where
        #: ``url_for`` found no rule (Flask's)
        self.url_build_error_handlers: list[t.Callable[[BuildError, str, dict[str, t.Any]], str | None]] = []
        #: the router; iterable as (rule, endpoint, methods), like Flask's url_map.
        #: Flask's Map merges repeated slashes (a 308 to the merged path).
        self.url_map = Router(merge_slashes=True)
        self.blueprints: dict[str, Blueprint] = {}
        #: what ``make_shell_context`` calls (Flask's)
        self.shell_context_processors: list[t.Callable[[], dict[str, t.Any]]] = []
        #: the JSON provider (Flask's): jsonify and dict/list views use it
        self.json = self.json_provider_class(self)
        self._hooks = False  # any hook registered anywhere: take the full path
        #: Flask's: called with the exception (or None) as each app context ends
        self.teardown_appcontext_funcs: list[t.Callable[[BaseException | None], t.Any]] = []
        self._contexts = 0  # app and request contexts pushed by hand (see _count_context)
        App._live.add(self)
        self._logger: logging.Logger | None = None
        self._fast: ShortPathState | None = None  # see _short_path_state
        # endpoint -> (the async view registered, the function that runs it):
        # dispatch_request calls the second; view_functions has the first, as Flask's
        self._async_views: dict[str, tuple[t.Callable[..., t.Any], t.Callable[..., t.Any]]] = {}
        if self.has_static_folder:
            # a weak reference, as Flask's: the rule's view must not keep the app alive
            self_ref = weakref.ref(self)
            self.add_url_rule(f"{self.static_url_path}/<path:filename>", endpoint="static", view_func=lambda **kw: self_ref().send_static_file(**kw))  # type: ignore[union-attr]

    def make_config(self, instance_relative: bool = False) -> Config:
        """Flask's: a ``config_class`` of ``default_config`` (``DEBUG`` from
        ``FLASK_DEBUG``), relative to the root path or the instance path."""
        defaults = dict(self.default_config)
        defaults["DEBUG"] = get_debug_flag()
        return self.config_class(self.instance_path if instance_relative else self.root_path, defaults)

    def make_aborter(self) -> Aborter:
        """Flask's: the ``aborter_class`` object ``abort`` calls."""
        return self.aborter_class()

    def redirect(self, location: str, code: int = 302) -> Response:
        """Flask's: a redirect response of this app's ``response_class``
        (``fastdispatch.redirect`` calls this in an app context)."""
        return _redirect(location, code, Response=self.response_class)

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
        """Flask's: register ``rule`` (Werkzeug's rule syntax) for
        ``endpoint`` (the view's ``__name__`` by default), answered by
        ``view_func``. ``options``: ``methods`` (the view's own ``methods``
        attribute, else GET; HEAD comes with GET, OPTIONS is answered
        automatically unless ``provide_automatic_options`` is false),
        ``defaults`` and ``strict_slashes``; any other option is a
        TypeError. A second view for an endpoint is an AssertionError, as
        in Flask."""
        if endpoint is None:
            if view_func is None:
                raise TypeError("add_url_rule() needs an endpoint or a view_func")
            endpoint = view_func.__name__
        methods = options.pop("methods", None)
        defaults = options.pop("defaults", None)
        strict_slashes = options.pop("strict_slashes", None)
        for matched_elsewhere in ("subdomain", "host"):
            # None is Werkzeug's "the map's default" (Flask-RESTful passes its
            # blueprint's); a real one is refused below: the router matches paths only
            if options.get(matched_elsewhere, 0) is None:
                del options[matched_elsewhere]
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
            provide_automatic_options = "OPTIONS" not in methods and bool(self.config["PROVIDE_AUTOMATIC_OPTIONS"])
        if provide_automatic_options:
            methods.add("OPTIONS")
        if view_func is not None:
            old = self.view_functions.get(endpoint)
            if old is not None and old != view_func:
                raise AssertionError(f"View function mapping is overwriting an existing endpoint function: {endpoint}")
            # converted now, before the rule exists: without asgiref the
            # registration fails, not the first request
            run = self.ensure_sync(view_func) if iscoroutinefunction(view_func) else None
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
            if run is not None:
                self._async_views[endpoint] = (view_func, run)
                object.__setattr__(self, "_fast", None)  # the short path no longer serves every hit

    def teardown_appcontext(self, f: t.Callable[[BaseException | None], t.Any]) -> t.Callable[[BaseException | None], t.Any]:
        """Flask's: ``f(exc)`` when an app context ends, which a request's
        does with the request (unless it ran inside one already pushed)."""
        self.teardown_appcontext_funcs.append(self._sync(f))
        self._changed()
        return f

    def register_blueprint(self, blueprint: Blueprint, **options: t.Any) -> None:
        """Flask's: the blueprint's rules, hooks, error handlers and
        deferred functions applied to this app; ``options`` (``url_prefix``,
        ``subdomain``, ``url_defaults``, ``name``, ...) override the
        blueprint's own for this registration."""
        blueprint.register(self, options)
        self._changed()

    def _changed(self) -> None:
        parts: list[Scaffold] = [self, *self.blueprints.values()]
        self._hooks = any(
            p.before_request_funcs or p.after_request_funcs or p.teardown_request_funcs or p.url_value_preprocessors for p in parts
        )

    # -- the request path -----------------------------------------------------

    # __call__ is WSGICallable's: ``call(app, environ, start_response)`` of
    # the short path (``shortpath``).  It matches the request and serves a
    # hit itself while nothing hooks in; every other outcome comes to
    # ``dispatch_matched`` with the match result.

    def _short_path_state(self) -> ShortPathState:
        """What the short path may do for this app (``ShortPathState``
        says what each field means), worked out again after any assignment
        to the app (``__setattr__``) or hook registration."""
        cls = type(self)

        def own(name: str) -> bool:
            return name not in self.__dict__ and getattr(cls, name) is getattr(App, name)

        text = (
            not self._hooks
            and not self._signalling
            and self.response_class in PLAIN_RESPONSE_CLASSES
            and all(own(name) for name in ("make_response", "finalize_request", "process_response", "full_dispatch_request"))
        )
        matches = own("wsgi_app")
        serves = (
            matches
            and text
            and all(own(name) for name in _SKIPPED)
            and type(self.session_interface) is SecureCookieSessionInterface  # (others open eagerly)
            and not self.teardown_appcontext_funcs
            and not self._contexts
            # PERF: the short path calls views as they are stored; an app
            # with async views takes the pipeline (dispatch_request runs them)
            and not self._async_views
            and self.request_class.__init__ is Request.__init__
            and self.request_class.__new__ is Request.__new__
        )
        json = text and writes_compact_json(self.json, self)
        state = ShortPathState(matches, serves, text, json, self.url_map.match, self.view_functions, self.request_class)
        object.__setattr__(self, "_fast", state)
        return state

    def wsgi_app(self, environ: dict[str, t.Any], start_response: t.Callable[..., t.Any]) -> t.Iterable[bytes]:
        """Flask's WSGI entry, for middleware to wrap: the request matched,
        then the pipeline.  ``__call__`` comes here only where this is
        wrapped or overridden; otherwise it matches the request itself."""
        return self.dispatch_matched(environ, start_response, *self._match(environ))

    def _match(self, environ: dict[str, t.Any]) -> tuple[str | None, dict[str, t.Any] | None, RoutingException | None]:
        """The match of a request: the endpoint and its values, or what
        the router raised."""
        path = environ.get("PATH_INFO", "")
        try:
            endpoint, args = self.url_map.match(environ.get("REQUEST_METHOD", "GET"), path if path.isascii() else _wsgi_decode(path))
        except RoutingException as e:
            return None, None, e
        return endpoint, args, None

    def _matched(self, req: Request, endpoint: str | None, view_args: dict[str, t.Any] | None, routing_exception: RoutingException | None) -> None:
        """The match result, on the request as Flask has it."""
        if routing_exception is not None:
            req.routing_exception = routing_exception
            # an automatic OPTIONS: the request has the rule's endpoint and
            # values, as Werkzeug matched it for Flask
            endpoint, view_args = getattr(routing_exception, "automatic_match", None) or (None, None)
        req.endpoint = endpoint
        req.view_args = view_args

    def dispatch_matched(
        self,
        environ: dict[str, t.Any],
        start_response: t.Callable[..., t.Any],
        endpoint: str | None,
        view_args: dict[str, t.Any] | None,
        routing_exception: RoutingException | None,
    ) -> t.Iterable[bytes]:
        """The pipeline for a request matched once, given the match result:
        the endpoint and its values, or what the match raised (Flask's
        request from its context's push to its pop)."""
        req = self.request_class(environ, self)
        self._matched(req, endpoint, view_args, routing_exception)
        token = _cv.set(req)
        shared = self._enter_request(req, token)
        error: BaseException | None = None
        try:
            try:
                if type(self).full_dispatch_request is not App.full_dispatch_request:
                    return self.full_dispatch_request()(environ, start_response)  # (an app's own)
                rv = self._run_request()
                # PERF: text, and nothing hooks in (a middleware-wrapped app):
                # no Response object.
                if type(rv) is str and (self._fast or self._short_path_state()).text and _plain(self, environ, req):
                    body = rv.encode()
                    start_response("200 OK", [TEXT_HTML, ("Content-Length", str(len(body)))])
                    return [] if environ["REQUEST_METHOD"] == "HEAD" else [body]  # as Werkzeug's Response
                if type(rv) is dict and (self._fast or self._short_path_state()).json and _plain(self, environ, req) and not self.config["DEBUG"]:
                    body = f"{compact_json(rv)}\n".encode()  # as app.json writes it outside debug mode
                    start_response("200 OK", [APPLICATION_JSON, ("Content-Length", str(len(body)))])
                    return [] if environ["REQUEST_METHOD"] == "HEAD" else [body]
                response = self.finalize_request(rv)
            except Exception as e:
                error = e
                response = self.handle_exception(e)
            return response(environ, start_response)
        finally:
            if self._hooks or self.teardown_appcontext_funcs or self._signalling:
                if error is not None and self.should_ignore_error(error):
                    error = None
                self._end_request(req, error, shared)
            if req._form_loaded:
                req.close()  # uploads spooled to temporary files
            _cv.reset(token)

    def full_dispatch_request(self) -> Response:
        """Flask's: the request in the current context dispatched (the
        ``request_started`` signal, the before-request functions, the view,
        the user-exception handling) and finalized.  ``dispatch_matched``
        calls this where an app overrides it; its own requests take the
        same steps with the fast answers between (``_run_request``)."""
        return self.finalize_request(self._run_request())

    def _run_request(self) -> t.Any:
        """What the request's view (or a before-request function, or an
        error handler) returned: ``full_dispatch_request`` up to
        finalizing."""
        try:
            if self._signalling:
                self._send("request_started")
            rv = self.preprocess_request() if self._hooks else None
            if rv is None:
                rv = self.dispatch_request()
        except Exception as e:
            rv = self.handle_user_exception(e)
        return rv

    def _enter_request(self, req: Request, token: Token[t.Any]) -> bool:
        """A request's start, its context just set (``token``): its session
        opened now unless the interface is the default one (opened on first
        use); whether it runs inside a context already pushed for this app,
        whose ``g`` it then shares and which it leaves to tear down (Flask
        pushes an app context only where there is none for the app)."""
        outer = token.old_value
        shared = outer is not Token.MISSING and getattr(outer, "app", None) is self
        if not shared and self._signalling:
            self._send("appcontext_pushed")  # the request's own app context
        if type(self.session_interface) is not SecureCookieSessionInterface:
            req._session = self._session_for(req)  # opened for every request, as Flask opens it
        if not shared:
            return False
        req.__dict__["g"] = _g_of(outer)
        req.__dict__["_app_ctx"] = outer
        return True

    def _end_request(self, req: Request, exc: BaseException | None, shared: bool) -> None:
        """A request's end, still its context: the teardown functions, the
        app context's too where the request has its own (``shared``: not)."""
        self.do_teardown_request(exc)
        if not shared:
            self.do_teardown_appcontext(exc)
            if self._signalling:
                self._send("appcontext_popped")

    def _send(self, signal: str, **kwargs: t.Any) -> None:
        """Send a signal of ``fastdispatch.signals`` from this app, as
        Flask does.  Only while ``_signalling``, which that module sets: it
        is imported then (and not imported here, which would tie the two
        into a circle)."""
        getattr(sys.modules["fastdispatch.signals"], signal).send(self, _async_wrapper=self.ensure_sync, **kwargs)

    def dispatch_request(self) -> t.Any:
        """Flask's: the view's return value; the routing exception raised
        instead where the match failed, but for an automatic OPTIONS (the
        405 of a method only automatic on a rule: Flask's implicit OPTIONS),
        answered from the methods it allows."""
        req = _cv.get()
        e = req.routing_exception
        if e is not None:
            if isinstance(e, MethodNotAllowed) and e.automatic_match is not None:
                return self.make_default_options_response()
            raise e
        view = self.view_functions[req.endpoint]
        if self._async_views:
            view = self._runner_of(req.endpoint, view)
        return view(**req.view_args)

    def _runner_of(self, endpoint: str, view: t.Callable[..., t.Any]) -> t.Callable[..., t.Any]:
        """What calls ``view``, the endpoint's: the converted async view
        (converted now if it was put in ``view_functions`` by hand), else
        the view itself."""
        entry = self._async_views.get(endpoint)
        if entry is not None and entry[0] is view:
            return entry[1]
        if iscoroutinefunction(view):
            run = self.ensure_sync(view)
            self._async_views[endpoint] = (view, run)
            return run
        return view

    def make_default_options_response(self) -> Response:
        """Flask's: an empty response whose ``Allow`` lists the methods the
        request's path allows.  The pipeline's automatic OPTIONS has them
        from its match; an extension calling this for a matched request
        (Flask-CORS does) costs a second match, as in Flask."""
        req = _cv.get()
        e = req.routing_exception
        if not isinstance(e, MethodNotAllowed):
            try:
                self.url_map.match("--", req.path)
            except MethodNotAllowed as allowed:
                e = allowed
            except RoutingException:
                pass
        rv = self.response_class()
        if isinstance(e, MethodNotAllowed):
            rv.headers["Allow"] = ", ".join(sorted(e.allowed))
        return rv

    def preprocess_request(self) -> t.Any:
        """Flask's: the URL value preprocessors, then the before-request
        functions, the app's first, then the blueprints' from the outermost;
        the first one's return value that is not None replaces the view's."""
        req = _cv.get()
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

    def finalize_request(self, rv: t.Any, from_error_handler: bool = False) -> Response:
        """Flask's: the response made of ``rv``, through ``process_response``;
        then ``request_finished``.  Where this finalizes an error handler's
        answer, a failure here is logged, not raised again."""
        response = self.make_response(rv)
        try:
            response = self.process_response(response)
            if self._signalling:
                self._send("request_finished", response=response)
        except Exception:
            if not from_error_handler:
                raise
            self.logger.exception("Request finalizing failed with an error while handling an error")
        return response

    def process_response(self, response: Response) -> Response:
        """Flask's: ``response`` through the ``after_this_request``
        functions, then the after-request functions (the blueprints' from
        the innermost, then the app's); the session saved to it."""
        req = _cv.get()
        if req._after is not None:  # after_this_request's, first (Flask's order)
            for func in req._after:
                response = func(response)
        if self._hooks:
            for scaffold in (*self._blueprints_of(req.endpoint), self):
                for func in reversed(scaffold.after_request_funcs):
                    response = func(response)
        # PERF: no call where no session was opened nor could be sent
        if req._session is not None or "HTTP_COOKIE" in req.environ:
            self._save_session(req, response)
        return response

    def _session_for(self, req: Request) -> t.Any:
        """The request's session as the interface opens it (the null
        session where it cannot: no secret key)."""
        interface = self.session_interface
        session = interface.open_session(self, req)
        return interface.make_null_session(self) if session is None else session

    def _save_session(self, req: Request, response: Response) -> None:
        """Flask's last step of a response: the session saved to it.  One
        the request never opened is opened now only if the request sent its
        cookie (it may be permanent, to refresh); otherwise it would be
        empty and unchanged, which saves nothing."""
        session = req._session
        if session is None:
            cookie = req.environ["HTTP_COOKIE"]
            if not cookie or not self.secret_key or f"{self.session_interface.get_cookie_name(self)}=" not in cookie:
                return
            session = req._session = self._session_for(req)
        if not self.session_interface.is_null_session(session):
            self.session_interface.save_session(self, session, response)

    def do_teardown_request(self, exc: BaseException | None = _sentinel) -> None:
        """Flask's: the teardown functions, innermost blueprint first, with
        the exception that ended the request (None if none did)."""
        if exc is _sentinel:
            exc = sys.exc_info()[1]
        for scaffold in (*self._blueprints_of(_cv.get().endpoint), self):
            for func in reversed(scaffold.teardown_request_funcs):
                func(exc)
        if self._signalling:
            self._send("request_tearing_down", exc=exc)

    def do_teardown_appcontext(self, exc: BaseException | None = _sentinel) -> None:
        """Flask's: the ``teardown_appcontext`` functions, last registered
        first, with the exception that ended the context (None if none)."""
        if exc is _sentinel:
            exc = sys.exc_info()[1]
        for func in reversed(self.teardown_appcontext_funcs):
            func(exc)
        if self._signalling:
            self._send("appcontext_tearing_down", exc=exc)

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

    def create_url_adapter(self, request: t.Any) -> t.Any:
        """Flask's: a ``MapAdapter`` of ``url_map`` bound to the request
        (``SERVER_NAME`` as its host where set), or outside one to
        ``SERVER_NAME``, ``APPLICATION_ROOT`` and ``PREFERRED_URL_SCHEME``;
        None outside a request without ``SERVER_NAME``."""
        server_name = self.config["SERVER_NAME"]
        if request is not None:
            return self.url_map.bind_to_environ(request.environ, server_name=server_name)
        if server_name is None:
            return None
        return self.url_map.bind(server_name, script_name=self.config["APPLICATION_ROOT"], url_scheme=self.config["PREFERRED_URL_SCHEME"])

    def url_for(
        self,
        endpoint: str,
        *,
        _anchor: str | None = None,
        _method: str | None = None,
        _scheme: str | None = None,
        _external: bool | None = None,
        **values: t.Any,
    ) -> str:
        """The URL of ``endpoint`` (``.name`` is relative to the current
        blueprint); values no rule takes become the query string.  External
        (with scheme and host) outside a request, or when asked; a
        ``BuildError`` goes to ``handle_url_build_error``.  Flask's
        ``url_for`` calls this, as Flask's calls ``app.url_for``."""
        ctx = _cv.get(None)
        req = ctx if ctx is not None and not isinstance(ctx, AppContext) else None
        if endpoint[:1] == ".":
            blueprint = req.endpoint.rpartition(".")[0] if req is not None and req.endpoint else ""
            endpoint = f"{blueprint}{endpoint}" if blueprint else endpoint[1:]
        if req is not None:
            if _external is None:
                _external = _scheme is not None
        else:
            if not self.config["SERVER_NAME"]:
                raise RuntimeError(
                    "Unable to build URLs outside an active request without 'SERVER_NAME' configured."
                    " Also configure 'APPLICATION_ROOT' and 'PREFERRED_URL_SCHEME' as needed."
                )
            if _external is None:
                _external = True
        if _scheme is not None and not _external:
            raise ValueError("When specifying '_scheme', '_external' must be True.")
        # PERF: an endpoint outside blueprints has only the app's defaults
        if self.url_default_functions or "." in endpoint:
            self.inject_url_defaults(endpoint, values)
        try:
            path = self.url_map.build(endpoint, values, method=_method)
        except BuildError as error:
            values.update(_anchor=_anchor, _method=_method, _scheme=_scheme, _external=_external)
            return self.handle_url_build_error(error, endpoint, values)
        if req is not None:
            root = req.script_root
            rv = f"{root}/{path.lstrip('/')}" if root else path  # (built paths start with one "/")
            if _external:  # (the host is read only for an external URL)
                rv = f"{_scheme or req.scheme}://{req.host}{rv}"
        else:
            rv = f"{self.config['APPLICATION_ROOT'].rstrip('/')}/{path.lstrip('/')}"
            if _external:
                rv = f"{_scheme or self.config['PREFERRED_URL_SCHEME']}://{self.config['SERVER_NAME']}{rv}"
        if _anchor is not None:
            rv += f"#{quote(_anchor, safe='%!#$&' + chr(39) + '()*+,/:;=?@')}"
        return rv

    def handle_url_build_error(self, error: BuildError, endpoint: str, values: dict[str, t.Any]) -> str:
        """Flask's: each of ``url_build_error_handlers`` in turn may return
        a URL (or raise another ``BuildError``, which the next one sees);
        with none, the error is raised."""
        for handler in self.url_build_error_handlers:
            try:
                rv = handler(error, endpoint, values)
            except BuildError as e:
                error = e
            else:
                if rv is not None:
                    return rv
        if error is sys.exc_info()[1]:
            raise
        raise error

    # -- errors ---------------------------------------------------------------

    def _find_error_handler(self, e: BaseException) -> t.Callable[..., t.Any] | None:
        mro = type(e).__mro__
        code = getattr(e, "code", None) if isinstance(e, HTTPException) else None
        if code is None and werkzeug_http_class(type(e)) is not None:
            # Werkzeug's own exception: found by the handlers of ours
            code = e.code  # type: ignore[attr-defined]
            mro = tuple(werkzeug_http_class(cls) or cls for cls in mro)
        scaffolds = (*self._blueprints_of(_cv.get().endpoint), self)
        for c in (code, None) if code is not None else (None,):
            for scaffold in scaffolds:
                handlers = scaffold.error_handlers.get(c)
                if not handlers:
                    continue
                for cls in mro:
                    handler = handlers.get(cls)
                    if handler is not None:
                        return handler
        return None

    def trap_http_exception(self, e: Exception) -> bool:
        """Flask's: whether an HTTP exception is treated as any other
        exception (no handler: a 500, or raised in debug and testing):
        all with ``TRAP_HTTP_EXCEPTIONS``; bad requests with
        ``TRAP_BAD_REQUEST_ERRORS``, a missing form or query key in debug
        mode when that is None."""
        if self.config["TRAP_HTTP_EXCEPTIONS"]:
            return True
        trap_bad_request = self.config["TRAP_BAD_REQUEST_ERRORS"]
        if trap_bad_request is None and self.debug and isinstance(e, BadRequestKeyError):
            return True
        if trap_bad_request:
            return isinstance(e, BadRequest)
        return False

    def handle_http_exception(self, e: HTTPException) -> t.Any:
        """Flask's: the error handler's answer for an HTTP exception, or
        the exception itself (its own response) where none is registered.
        Routing redirects skip the handlers (Flask skips every
        RoutingException; of this router's, which are HTTP exceptions, only
        the redirect is one in Werkzeug's)."""
        if e.code is None or isinstance(e, RequestRedirect):
            return e
        handler = self._find_error_handler(e)
        return e if handler is None else handler(e)

    def handle_user_exception(self, e: Exception) -> t.Any:
        """Flask's: the answer for ``e`` raised by a hook or the view: HTTP
        exceptions through ``handle_http_exception`` (unless trapped), any
        other the error handler's answer, or raised again without one."""
        if isinstance(e, BadRequestKeyError) and (self.debug or self.config["TRAP_BAD_REQUEST_ERRORS"]):
            e.show_exception = True  # the key named in the 400's description
        if (isinstance(e, HTTPException) or werkzeug_http_class(type(e)) is not None) and not self.trap_http_exception(e):
            return self.handle_http_exception(e)  # type: ignore[arg-type]
        handler = self._find_error_handler(e)
        if handler is None:
            raise e
        return handler(e)

    def handle_exception(self, e: Exception) -> Response:
        """Flask's: an exception no handler took is logged and answered
        with a 500 (its own handler's, if any), or raised again where
        ``PROPAGATE_EXCEPTIONS`` (testing or debug) says so."""
        if self._signalling:
            self._send("got_request_exception", exception=e)
        propagate = self.config["PROPAGATE_EXCEPTIONS"]
        if propagate is None:
            propagate = self.config["TESTING"] or self.config["DEBUG"]
        if propagate:
            raise e
        self.log_exception((type(e), e, e.__traceback__))
        server_error: t.Any = InternalServerError(original_exception=e)
        handler = self._find_error_handler(server_error)
        if handler is not None:
            server_error = handler(server_error)
        return self.finalize_request(server_error, from_error_handler=True)

    def log_exception(self, exc_info: tuple[type[BaseException], BaseException, t.Any] | tuple[None, None, None]) -> None:
        """Flask's: an unhandled exception on ``logger``, with the request's
        path and method (an app overrides this to log elsewhere)."""
        req = _cv.get()
        self.logger.error(f"Exception on {req.path} [{req.method}]", exc_info=exc_info)

    def should_ignore_error(self, error: BaseException | None) -> bool:
        """Flask's: True keeps ``error`` from the teardown functions (they
        are called with None)."""
        return False

    # -- responses ------------------------------------------------------------

    def make_response(self, rv: t.Any) -> Response:
        """Flask's conversion of a view's return value into a Response
        (``response_from_view``), refusing None and invalid statuses."""
        if rv is None or (type(rv) is tuple and rv and rv[0] is None):
            endpoint = getattr(_cv.get(None), "endpoint", None)
            raise TypeError(
                f"The view function for {endpoint!r} did not return a valid response. "
                "The function either returned None or ended without a return statement."
            )
        try:
            response = response_from_view(rv)
        except TypeError:
            if inspect.iscoroutine(rv):
                # a coroutine function called as a plain one: stored in
                # view_functions by hand in an app with no async view yet
                # (the short path calls what is there)
                rv.close()
                endpoint = getattr(_cv.get(None), "endpoint", None)
                raise TypeError(
                    f"The view function for {endpoint!r} is a coroutine function that was not run: "
                    "register it with add_url_rule or route, which run async views."
                ) from None
            raise
        if not 100 <= response.status_code <= 999:
            # Flask would send "0 abc", which is not HTTP: a 500 here
            raise ValueError(f"The view function returned an invalid HTTP status {response.status!r}.")
        return response

    # -- the rest of the Flask surface ----------------------------------------

    def ensure_sync(self, func: t.Callable[..., t.Any]) -> t.Callable[..., t.Any]:
        """Flask's: ``func`` as a plain function to call, a coroutine
        function run to completion (``async_to_sync``).  The views, hooks
        and handlers registered go through it once, when registered."""
        if iscoroutinefunction(func):
            return self.async_to_sync(func)
        return func

    def async_to_sync(self, func: t.Callable[..., t.Any]) -> t.Callable[..., t.Any]:
        """Flask's: asgiref's ``async_to_sync(func)``; a RuntimeError naming
        the ``async`` extra where asgiref is not installed.  Override it to
        run coroutines another way."""
        return async_to_sync(func)

    def _sync(self, f: t.Callable[..., t.Any]) -> t.Callable[..., t.Any]:
        return self.ensure_sync(f)

    @property
    def debug(self) -> bool:
        """The ``DEBUG`` config key: unhandled exceptions propagate and
        debug-only checks run, as Flask's ``app.debug``."""
        return bool(self.config["DEBUG"])

    @debug.setter
    def debug(self, value: bool) -> None:
        self.config["DEBUG"] = value

    @property
    def permanent_session_lifetime(self) -> timedelta:
        """``PERMANENT_SESSION_LIFETIME`` as a timedelta (seconds allowed)."""
        value = self.config["PERMANENT_SESSION_LIFETIME"]
        return value if value is None or isinstance(value, timedelta) else timedelta(seconds=value)

    @permanent_session_lifetime.setter
    def permanent_session_lifetime(self, value: timedelta | int) -> None:
        self.config["PERMANENT_SESSION_LIFETIME"] = value

    @property
    def secret_key(self) -> t.Any:
        """The ``SECRET_KEY`` config key, which signs the session cookie
        (no key: no session can be saved)."""
        return self.config["SECRET_KEY"]

    @secret_key.setter
    def secret_key(self, value: t.Any) -> None:
        self.config["SECRET_KEY"] = value

    def open_instance_resource(self, resource: str, mode: str = "rb", encoding: str | None = "utf-8") -> t.IO[t.Any]:
        """A file under ``instance_path``, for reading or writing (Flask's)."""
        path = os.path.join(self.instance_path, resource)
        if "b" in mode:
            return open(path, mode)
        return open(path, mode, encoding=encoding)

    @property
    def testing(self) -> bool:
        """The ``TESTING`` config key: exceptions propagate to the test
        client, as in Flask."""
        return bool(self.config["TESTING"])

    @testing.setter
    def testing(self, value: bool) -> None:
        self.config["TESTING"] = value

    @property
    def logger(self) -> logging.Logger:
        """Flask's: the ``logging`` logger named for the app, given a
        stderr handler only where neither it nor the root logger has one."""
        if self._logger is None:
            logger = logging.getLogger(self.name)
            if not logger.handlers and not logging.getLogger().handlers:
                handler = logging.StreamHandler(sys.stderr)
                handler.setFormatter(logging.Formatter("[%(asctime)s] %(levelname)s in %(module)s: %(message)s"))
                logger.addHandler(handler)
            self._logger = logger
        return self._logger

    def app_context(self) -> AppContext:
        """Flask's: an application context (``with app.app_context():``),
        where ``current_app`` and ``g`` work outside a request."""
        return AppContext(self)

    def request_context(self, environ: dict[str, t.Any]) -> RequestContext:
        """Flask's: a context for the request ``environ`` describes, matched
        (``with app.request_context(environ): ...``)."""
        return RequestContext(self, environ)

    def test_request_context(self, *args: t.Any, **kwargs: t.Any) -> RequestContext:
        """Flask's: a request context for a request made of the test
        client's arguments (path, ``method``, ``headers``, ``data``, ...)."""
        from .testing import _build_request

        return self.request_context(_build_request(self, *args, **kwargs).environ())

    def _count_context(self, delta: int) -> None:
        """A context of this app pushed (1) or popped (-1) by hand.  While
        one is, the short path serves none of its requests: the full
        pipeline finds it (``_enter_request``)."""
        object.__setattr__(self, "_contexts", self._contexts + delta)
        object.__setattr__(self, "_fast", None)

    def test_client(self, use_cookies: bool = True, **kwargs: t.Any) -> t.Any:
        """A client for tests: ``test_client_class`` (Flask-Login's
        ``FlaskLoginClient``, say) or ``fastdispatch.testing.TestClient``,
        made as Flask makes it; ``kwargs`` go to the class."""
        cls = self.test_client_class
        if cls is None:
            from .testing import TestClient as cls
        return cls(self, self.response_class, use_cookies=use_cookies, **kwargs)

    # -- the command line (fastdispatch.cli; ``cli`` is Scaffold's) ----------

    def shell_context_processor(self, f: F) -> F:
        """``f()`` returns a dict of names for ``fastdispatch shell``."""
        self.shell_context_processors.append(f)
        return f

    def make_shell_context(self) -> dict[str, t.Any]:
        """The names ``fastdispatch shell`` starts with: ``app``, ``g``,
        then those of the shell context processors, in order."""
        from .ctx import g

        names: dict[str, t.Any] = {"app": self, "g": g}
        for processor in self.shell_context_processors:
            names.update(processor())
        return names

    def test_cli_runner(self, **kwargs: t.Any) -> t.Any:
        """A click ``CliRunner`` whose ``invoke`` runs ``app.cli`` (or the
        command given) with this app: ``test_cli_runner_class``, or
        Flask's ``FlaskCliRunner``."""
        cls = self.test_cli_runner_class
        if cls is None:
            from .cli_groups import FlaskCliRunner as cls
        return cls(self, **kwargs)

    def iter_blueprints(self) -> t.Iterator[Blueprint]:
        """Flask's: the registered blueprints, in registration order."""
        return iter(self.blueprints.values())

    def run(self, host: str = "127.0.0.1", port: int = 5000, debug: bool | None = None, **options: t.Any) -> None:
        """Development server (the standard library's wsgiref); in debug
        mode (``debug``, else the app's own) behind Werkzeug's debugger, as
        Flask's ``run``."""
        from wsgiref.simple_server import make_server

        from .servers import debugged_app

        if debug is not None:
            self.debug = bool(debug)
        with make_server(host, port, debugged_app(self, host) if self.debug else self) as server:
            print(f" * Serving {self.name!r} on http://{host}:{port}/ (development server)", file=sys.stderr)
            server.serve_forever()

    def __repr__(self) -> str:
        return f"<App {self.name!r}>"
