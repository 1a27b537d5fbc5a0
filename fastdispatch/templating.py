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

from .ctx import current_app, request
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
        for loader in self._loaders():
            try:
                return loader.get_source(environment, template)
            except TemplateNotFound:
                continue
        raise TemplateNotFound(template)

    def _loaders(self) -> t.Iterator[BaseLoader]:
        for scaffold in (self.app, *self.app.blueprints.values()):
            loader = scaffold.jinja_loader
            if loader is not None:
                yield loader

    def list_templates(self) -> list[str]:
        return sorted({name for loader in self._loaders() for name in loader.list_templates()})


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
    app = current_app._get_current_object()
    return _stream(app, app.jinja_env.from_string(source), context)
