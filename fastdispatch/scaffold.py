"""What ``App`` and ``Blueprint`` share: the decorators that register views,
error handlers and request hooks, with Flask's signatures."""

from __future__ import annotations

import os
import typing as t
from datetime import timedelta

from ._async import deferred_sync, iscoroutinefunction
from .ctx import _current_request
from .exceptions import HTTPException, default_exceptions, werkzeug_http_class
from .helpers import send_from_directory
from .paths import root_path_of

F = t.TypeVar("F", bound=t.Callable[..., t.Any])


def exc_class_and_code(exc_class_or_code: type[BaseException] | int) -> tuple[type[BaseException], int | None]:
    """As Flask's ``_get_exc_class_and_code``: handlers are stored by the
    HTTP code of the class (None for other exceptions), then by class."""
    if isinstance(exc_class_or_code, int):
        try:
            exc_class: type[BaseException] = default_exceptions[exc_class_or_code]
        except KeyError:
            raise ValueError(
                f"'{exc_class_or_code}' is not a recognized HTTP error code. Use a subclass of HTTPException with that code instead."
            ) from None
    else:
        exc_class = exc_class_or_code
    if isinstance(exc_class, Exception):
        raise TypeError(f"{exc_class!r} is an instance, not a class. Handlers can only be registered for Exception classes or HTTP error codes.")
    if not isinstance(exc_class, type) or not issubclass(exc_class, Exception):
        raise ValueError(f"'{getattr(exc_class, '__name__', exc_class)}' is not a subclass of Exception. Handlers can only be registered for Exception classes or HTTP error codes.")
    if issubclass(exc_class, HTTPException):
        return exc_class, exc_class.code
    werkzeug_class = werkzeug_http_class(exc_class)  # errorhandler(werkzeug.exceptions.NotFound)
    if werkzeug_class is not None:
        return werkzeug_class, werkzeug_class.code
    return exc_class, None


class Scaffold:
    """What App and Blueprint share: where they live on disk (``root_path``,
    the static and template folders, ``open_resource``), their views, error
    handlers and hooks."""

    def __init__(
        self,
        import_name: str,
        static_folder: str | os.PathLike[str] | None = None,
        static_url_path: str | None = None,
        template_folder: str | os.PathLike[str] | None = None,
        root_path: str | None = None,
    ) -> None:
        self.import_name = import_name
        #: the folder the app's or blueprint's module is in (Flask's)
        self.root_path = root_path_of(import_name) if root_path is None else root_path
        self.static_folder = static_folder  # type: ignore[assignment]
        self.static_url_path = static_url_path
        #: relative to root_path (``jinja_loader``)
        self.template_folder = template_folder
        #: what ``context_processor`` registered: values for every template
        #: rendered in a request of this app (or blueprint)
        self.template_context_processors: list[t.Callable[[], dict[str, t.Any]]] = []
        self.view_functions: dict[str, t.Callable[..., t.Any]] = {}
        # code (or None) -> exception class -> handler, as Flask's error_handler_spec[name]
        self.error_handlers: dict[int | None, dict[type[BaseException], t.Callable[..., t.Any]]] = {}
        self.before_request_funcs: list[t.Callable[[], t.Any]] = []
        self.after_request_funcs: list[t.Callable[[t.Any], t.Any]] = []
        self.teardown_request_funcs: list[t.Callable[[BaseException | None], t.Any]] = []
        self.url_value_preprocessors: list[t.Callable[[str | None, dict[str, t.Any] | None], t.Any]] = []
        self.url_default_functions: list[t.Callable[[str, dict[str, t.Any]], t.Any]] = []

    def add_url_rule(self, rule: str, endpoint: str | None = None, view_func: t.Callable[..., t.Any] | None = None, **options: t.Any) -> None:
        raise NotImplementedError

    @property
    def jinja_loader(self) -> t.Any:
        """The loader of this template folder (None without one), made on
        first use (Flask's)."""
        loader = self.__dict__.get("_jinja_loader", False)
        if loader is False:
            if self.template_folder is None:
                loader = None
            else:
                from .templating import folder_loader

                loader = folder_loader(os.path.join(self.root_path, self.template_folder))
            object.__setattr__(self, "_jinja_loader", loader)  # (no reset of the app's short path)
        return loader

    def context_processor(self, f: F) -> F:
        """``f()`` returns values for the templates rendered in this app's
        (or this blueprint's) requests (Flask's)."""
        self.template_context_processors.append(f)
        return f

    # -- the command line: made on first use, so that importing fastdispatch
    # does not import click; set with object.__setattr__, which App's
    # __setattr__ would take for a change the short path must see.

    @property
    def cli(self) -> t.Any:
        """The click group (``fastdispatch.cli.AppGroup``) of this app's or
        blueprint's commands, run by ``fastdispatch --app``."""
        group = self.__dict__.get("_cli")
        if group is None:
            from .cli_groups import AppGroup

            group = AppGroup(getattr(self, "name", None))
            object.__setattr__(self, "_cli", group)
        return group

    @cli.setter
    def cli(self, group: t.Any) -> None:
        object.__setattr__(self, "_cli", group)

    @property
    def static_folder(self) -> str | None:
        """The static folder, absolute (as given, relative to ``root_path``)."""
        return None if self._static_folder is None else os.path.join(self.root_path, self._static_folder)

    @static_folder.setter
    def static_folder(self, value: str | os.PathLike[str] | None) -> None:
        self._static_folder = None if value is None else os.fspath(value).rstrip("/\\")

    @property
    def has_static_folder(self) -> bool:
        return self._static_folder is not None

    @property
    def static_url_path(self) -> str | None:
        """The URL prefix of the static files: as given, else the static
        folder's name."""
        if self._static_url_path is not None:
            return self._static_url_path
        if self._static_folder is not None:
            return "/" + os.path.basename(self._static_folder).rstrip("/")
        return None

    @static_url_path.setter
    def static_url_path(self, value: str | None) -> None:
        self._static_url_path = None if value is None else value.rstrip("/")

    def get_send_file_max_age(self, filename: str | None) -> int | None:
        """The ``max_age`` of ``send_file`` when none is given: the app's
        ``SEND_FILE_MAX_AGE_DEFAULT`` (None: browsers revalidate each time),
        as Flask's; override to cache by file name."""
        value = _current_request("get_send_file_max_age").app.config["SEND_FILE_MAX_AGE_DEFAULT"]
        if value is None:
            return None
        if isinstance(value, timedelta):
            return int(value.total_seconds())
        return value  # type: ignore[no-any-return]

    def send_static_file(self, filename: str) -> t.Any:
        """The view of the ``static`` endpoint: ``filename`` from the static
        folder (404 outside it or missing)."""
        if not self.has_static_folder:
            raise RuntimeError("'static_folder' must be set to serve static_files.")
        # the subclass's max age (Flask's order: it may look at filename)
        max_age = self.get_send_file_max_age(filename)
        return send_from_directory(t.cast(str, self.static_folder), filename, max_age=max_age)

    def open_resource(self, resource: str, mode: str = "rb", encoding: str | None = None) -> t.IO[t.Any]:
        """A file under ``root_path``, for reading (``"rb"``, ``"r"``,
        ``"rt"``), as Flask's."""
        if mode not in {"r", "rt", "rb"}:
            raise ValueError("Resources can only be opened for reading.")
        path = os.path.join(self.root_path, resource)
        if mode == "rb":
            return open(path, mode)
        return open(path, mode, encoding=encoding)

    def route(self, rule: str, **options: t.Any) -> t.Callable[[F], F]:
        def decorator(f: F) -> F:
            endpoint = options.pop("endpoint", None)
            self.add_url_rule(rule, endpoint, f, **options)
            return f

        return decorator

    def endpoint(self, endpoint: str) -> t.Callable[[F], F]:
        """Flask's: the decorated function becomes the view of ``endpoint``
        (a rule added with ``add_url_rule(rule, endpoint)`` and no view)."""

        def decorator(f: F) -> F:
            self.view_functions[endpoint] = f
            return f

        return decorator

    def _method_route(self, method: str, rule: str, options: dict[str, t.Any]) -> t.Callable[[F], F]:
        if "methods" in options:
            raise TypeError("Use the 'route' decorator to use the 'methods' argument.")
        return self.route(rule, methods=[method], **options)

    def get(self, rule: str, **options: t.Any) -> t.Callable[[F], F]:
        return self._method_route("GET", rule, options)

    def post(self, rule: str, **options: t.Any) -> t.Callable[[F], F]:
        return self._method_route("POST", rule, options)

    def put(self, rule: str, **options: t.Any) -> t.Callable[[F], F]:
        return self._method_route("PUT", rule, options)

    def patch(self, rule: str, **options: t.Any) -> t.Callable[[F], F]:
        return self._method_route("PATCH", rule, options)

    def delete(self, rule: str, **options: t.Any) -> t.Callable[[F], F]:
        return self._method_route("DELETE", rule, options)

    def errorhandler(self, code_or_exception: type[BaseException] | int) -> t.Callable[[F], F]:
        def decorator(f: F) -> F:
            self.register_error_handler(code_or_exception, f)
            return f

        return decorator

    def register_error_handler(self, code_or_exception: type[BaseException] | int, f: t.Callable[..., t.Any]) -> None:
        exc_class, code = exc_class_and_code(code_or_exception)
        self.error_handlers.setdefault(code, {})[exc_class] = self._sync(f)
        self._changed()

    # The hooks and handlers are stored as the pipeline calls them
    # (``_sync``): a coroutine function converted once, here, so that a
    # request of a sync app never asks whether its hooks are async.

    def before_request(self, f: F) -> F:
        self.before_request_funcs.append(self._sync(f))
        self._changed()
        return f

    def after_request(self, f: F) -> F:
        self.after_request_funcs.append(self._sync(f))
        self._changed()
        return f

    def teardown_request(self, f: F) -> F:
        self.teardown_request_funcs.append(self._sync(f))
        self._changed()
        return f

    def url_value_preprocessor(self, f: F) -> F:
        """``f(endpoint, view_args)`` runs after routing and before the
        ``before_request`` functions; it may change ``view_args`` in place
        (pop a value into ``g``, say), as in Flask."""
        self.url_value_preprocessors.append(f)
        self._changed()
        return f

    def url_defaults(self, f: F) -> F:
        """``f(endpoint, values)`` runs in ``url_for`` before the URL is
        built; it may fill in ``values`` in place, as in Flask."""
        self.url_default_functions.append(f)
        return f

    def _changed(self) -> None:
        """Hook: the app recomputes which per-request work it can skip."""

    def _sync(self, f: t.Callable[..., t.Any]) -> t.Callable[..., t.Any]:
        """``f`` as the pipeline calls it: a coroutine function converted
        by the app of the request (a blueprint's, ``deferred_sync``); the
        app's own converts at once (``App._sync``)."""
        if iscoroutinefunction(f):
            return deferred_sync(f)
        return f
