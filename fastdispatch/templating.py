"""Templates on Jinja2, as Flask's: ``render_template``,
``render_template_string``, ``stream_template``, ``stream_template_string``;
the app's template folder, then each blueprint's in registration order
(``DispatchingJinjaLoader``); ``config``, ``request``, ``session``, ``g``,
``url_for`` and ``get_flashed_messages`` in every template, then the context
processors' values, then the caller's.

Jinja2 is the ``templates`` extra: this module imports it, and nothing
imports this module until a template is used (``fastdispatch.__getattr__``,
``App.jinja_env``).
"""

from __future__ import annotations

import typing as t

try:
    from jinja2 import BaseLoader, FileSystemLoader, Template, TemplateNotFound
    from jinja2 import Environment as BaseEnvironment
except ImportError as e:  # pragma: no cover (the test extra has it)
    raise ImportError("templates need Jinja2: pip install 'fastdispatch[templates]'") from e

from .ctx import AppContext, _cv, current_app, request
from .helpers import stream_with_context

__all__ = [
    "get_template_attribute",
    "DispatchingJinjaLoader",
    "Environment",
    "render_template",
    "render_template_string",
    "stream_template",
    "stream_template_string",
]


class Environment(BaseEnvironment):
    """A Jinja2 environment that knows its app (and loads the app's and its
    blueprints' templates unless given another loader)."""

    def __init__(self, app: t.Any, **options: t.Any) -> None:
        if "loader" not in options:
            options["loader"] = app.create_global_jinja_loader()
        super().__init__(**options)
        self.app = app


class DispatchingJinjaLoader(BaseLoader):
    """The app's template folder first, then its blueprints', in the order
    they were registered: the first that has the template gives it."""

    def __init__(self, app: t.Any) -> None:
        self.app = app

    def get_source(self, environment: BaseEnvironment, template: str) -> tuple[str, str | None, t.Callable[[], bool] | None]:
        if self.app.config["EXPLAIN_TEMPLATE_LOADING"]:
            return self._get_source_explained(environment, template)
        for _, loader in self._loaders():
            try:
                return loader.get_source(environment, template)
            except TemplateNotFound:
                continue
        raise TemplateNotFound(template)

    def _get_source_explained(self, environment: BaseEnvironment, template: str) -> tuple[str, str | None, t.Callable[[], bool] | None]:
        """``EXPLAIN_TEMPLATE_LOADING``: every loader asked, and what each
        found logged (Flask's lines, on ``app.logger`` at INFO); the first
        found is the template."""
        attempts = []
        first = None
        for scaffold, loader in self._loaders():
            try:
                found = loader.get_source(environment, template)
            except TemplateNotFound:
                found = None
            if first is None:
                first = found
            attempts.append((scaffold, loader, found))
        self.app.logger.info("\n".join(_explained(self.app, template, attempts)))
        if first is None:
            raise TemplateNotFound(template)
        return first

    def _loaders(self) -> t.Iterator[tuple[t.Any, BaseLoader]]:
        for scaffold in (self.app, *self.app.blueprints.values()):
            loader = scaffold.jinja_loader
            if loader is not None:
                yield scaffold, loader

    def list_templates(self) -> list[str]:
        return sorted({name for _, loader in self._loaders() for name in loader.list_templates()})


def _explained(app: t.Any, template: str, attempts: list[tuple[t.Any, BaseLoader, t.Any]]) -> list[str]:
    """The lines Flask's ``explain_template_loading_attempts`` logs."""
    lines = [f"Locating template {template!r}:"]
    for i, (scaffold, loader, found) in enumerate(attempts):
        where = f"application {scaffold.import_name!r}" if scaffold is app else f"blueprint {scaffold.name!r} ({scaffold.import_name})"
        lines.append(f"{i + 1:5}: trying loader of {where}")
        lines.append(f"       class: {type(loader).__module__}.{type(loader).__name__}")
        for key, value in sorted(vars(loader).items()):
            if key.startswith("_"):
                continue
            if isinstance(value, (tuple, list)):
                if all(isinstance(x, str) for x in value):
                    lines.append(f"       {key}:")
                    lines.extend(f"         - {item}" for item in value)
            elif isinstance(value, (str, int, float, bool)):
                lines.append(f"       {key}: {value!r}")
        lines.append("       -> no match" if found is None else f"       -> found ({found[1] or '<string>'!r})")
    total = sum(found is not None for _, _, found in attempts)
    if total == 0:
        lines.append("Error: the template could not be found.")
    elif total > 1:
        lines.append("Warning: multiple loaders returned a match for the template.")
    ctx = _cv.get(None)
    blueprint = ctx.blueprint if ctx is not None and not isinstance(ctx, AppContext) else None
    if blueprint is not None and total != 1:
        lines.append(f"  The template was looked up from an endpoint that belongs to the blueprint {blueprint!r}.")
        lines.append("  Maybe you did not place a template in the right folder?")
        lines.append("  See https://flask.palletsprojects.com/blueprints/#templates")
    return lines


def folder_loader(path: str) -> FileSystemLoader:
    """A scaffold's ``jinja_loader``: its template folder."""
    return FileSystemLoader(path)


def _prepared(app: t.Any, template: Template, context: dict[str, t.Any]) -> None:
    app.update_template_context(context)
    if app._signalling:
        app._send("before_render_template", template=template, context=context)


def _render(app: t.Any, template: Template, context: dict[str, t.Any]) -> str:
    _prepared(app, template, context)
    rv = template.render(context)
    if app._signalling:
        app._send("template_rendered", template=template, context=context)
    return rv


def render_template(template_name_or_list: str | Template | list[str | Template], **context: t.Any) -> str:
    """The template (the first found of a list) rendered with ``context``."""
    app = current_app._get_current_object()
    return _render(app, app.jinja_env.get_or_select_template(template_name_or_list), context)


def render_template_string(source: str, **context: t.Any) -> str:
    """``source`` as a template, rendered with ``context``."""
    app = current_app._get_current_object()
    return _render(app, app.jinja_env.from_string(source), context)


def get_template_attribute(template_name: str, attribute: str) -> t.Any:
    """Flask's: a macro (or any name) a template defines, to call from
    Python: ``get_template_attribute("_macros.html", "hello")("World")``."""
    return getattr(current_app.jinja_env.get_template(template_name).module, attribute)


def _stream(app: t.Any, template: Template, context: dict[str, t.Any]) -> t.Iterator[str]:
    _prepared(app, template, context)

    def generate() -> t.Iterator[str]:
        yield from template.generate(context)
        if app._signalling:
            app._send("template_rendered", template=template, context=context)

    rv = generate()
    return stream_with_context(rv) if request else rv


def stream_template(template_name_or_list: str | Template | list[str | Template], **context: t.Any) -> t.Iterator[str]:
    """The template rendered a piece at a time, for a streamed response
    (in the request's context, as ``stream_with_context``)."""
    app = current_app._get_current_object()
    return _stream(app, app.jinja_env.get_or_select_template(template_name_or_list), context)


def stream_template_string(source: str, **context: t.Any) -> t.Iterator[str]:
    """Render the template source ``source`` with ``context``, as an iterator
    of strings, as ``stream_template``."""
    app = current_app._get_current_object()
    return _stream(app, app.jinja_env.from_string(source), context)
