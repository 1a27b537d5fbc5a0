"""The app's template API, as Flask's: ``jinja_env`` and how it is made,
the template context, and the filters, tests and globals templates see.
Jinja2 (the ``templates`` extra) is imported by ``templating``, on first
use: an app that renders nothing never imports it."""

from __future__ import annotations

import typing as t

from .ctx import AppContext, _cv, _g_of
from .scaffold import F, Scaffold


class AppTemplates:
    """``App``'s template methods (a base of ``App``; it reads the app's
    ``config``, ``json``, ``debug`` and ``_blueprints_of``)."""

    #: the options ``jinja_env`` is made with (Flask's)
    jinja_options: t.ClassVar[dict[str, t.Any]] = {}

    @property
    def jinja_env(self) -> t.Any:
        """The app's Jinja2 environment, made on first use
        (``create_jinja_environment``)."""
        env = self.__dict__.get("_jinja_env")
        if env is None:
            env = self.create_jinja_environment()
            object.__setattr__(self, "_jinja_env", env)  # (no reset of the short path)
        return env

    def create_jinja_environment(self) -> t.Any:
        """Flask's: ``jinja_options``, autoescape by file name
        (``select_jinja_autoescape``), reloading in debug mode or where
        ``TEMPLATES_AUTO_RELOAD`` says, and the globals every template has."""
        from .ctx import g, request, session
        from .helpers import get_flashed_messages, url_for
        from .templating import Environment

        options = dict(self.jinja_options)
        options.setdefault("autoescape", self.select_jinja_autoescape)
        if "auto_reload" not in options:
            auto_reload = self.config["TEMPLATES_AUTO_RELOAD"]
            options["auto_reload"] = self.debug if auto_reload is None else auto_reload
        env = Environment(self, **options)
        env.globals.update(url_for=url_for, get_flashed_messages=get_flashed_messages, config=self.config, request=request, session=session, g=g)
        env.policies["json.dumps_function"] = self.json.dumps
        return env

    def create_global_jinja_loader(self) -> t.Any:
        """The app's template folder, then its blueprints' (Flask's)."""
        from .templating import DispatchingJinjaLoader

        return DispatchingJinjaLoader(self)

    def select_jinja_autoescape(self, filename: str | None) -> bool:
        """Flask's: escaped for a template from a string and for HTML, XML
        and SVG files."""
        if filename is None:
            return True
        return filename.endswith((".html", ".htm", ".xml", ".xhtml", ".svg"))

    def update_template_context(self, context: dict[str, t.Any]) -> None:
        """Flask's: ``g`` and ``request`` (where there is a request), then the context processors' values, the app's first and
        then the blueprints' from the outermost; what the caller gave wins."""
        ctx = _cv.get(None)
        given = context.copy()
        if ctx is not None:
            context["g"] = _g_of(ctx)
        scaffolds: tuple[Scaffold, ...] = (self,)
        if ctx is not None and not isinstance(ctx, AppContext):
            # (not the session: the global proxy stays, so that only a
            # template that uses it makes the response vary on Cookie)
            context["request"] = ctx
            scaffolds = (self, *reversed(self._blueprints_of(ctx.endpoint)))
        for scaffold in scaffolds:
            for func in scaffold.template_context_processors:
                context.update(func())
        context.update(given)

    def template_filter(self, name: str | None = None) -> t.Callable[[F], F]:
        def decorator(f: F) -> F:
            self.add_template_filter(f, name)
            return f

        return decorator

    def add_template_filter(self, f: t.Callable[..., t.Any], name: str | None = None) -> None:
        self.jinja_env.filters[name or f.__name__] = f

    def template_test(self, name: str | None = None) -> t.Callable[[F], F]:
        def decorator(f: F) -> F:
            self.add_template_test(f, name)
            return f

        return decorator

    def add_template_test(self, f: t.Callable[..., bool], name: str | None = None) -> None:
        self.jinja_env.tests[name or f.__name__] = f

    def template_global(self, name: str | None = None) -> t.Callable[[F], F]:
        def decorator(f: F) -> F:
            self.add_template_global(f, name)
            return f

        return decorator

    def add_template_global(self, f: t.Callable[..., t.Any], name: str | None = None) -> None:
        self.jinja_env.globals[name or f.__name__] = f
