"""fastdispatch: a Flask-style WSGI dispatcher with a compiled router.

A Flask app written against the common API ports by changing its imports:
``from fastdispatch import App, Blueprint, request, jsonify, abort, ...``.
"""

__version__ = "0.1.0"

import typing as t

from .app import App
from .blueprints import Blueprint
from .config import Config
from .ctx import after_this_request, copy_current_request_context, current_app, g, has_app_context, has_request_context, request, session
from .exceptions import HTTPException, abort
from .helpers import flash, get_flashed_messages, make_response, redirect, send_file, send_from_directory, stream_with_context, url_for
from .request import Request
from .json import jsonify
from .response import Response

Flask = App  # so that `from fastdispatch import Flask` ports a file unchanged

_TEMPLATING = ("render_template", "render_template_string", "stream_template", "stream_template_string", "get_template_attribute")
# Flask exports its signals at the top; they live in ``signals`` (blinker),
# imported when one is first asked for
_SIGNALS = (
    "template_rendered",
    "before_render_template",
    "request_started",
    "request_finished",
    "request_tearing_down",
    "got_request_exception",
    "appcontext_tearing_down",
    "appcontext_pushed",
    "appcontext_popped",
    "message_flashed",
)


def __getattr__(name: str) -> object:
    # The template functions come from ``templating``, which imports Jinja2
    # (the ``templates`` extra): loaded when first asked for, so that
    # ``import fastdispatch`` does not.  Without Jinja2 the name still
    # imports, and calling it says what to install.
    if name in _SIGNALS:
        from . import signals

        return getattr(signals, name)
    if name not in _TEMPLATING:
        raise AttributeError(f"module 'fastdispatch' has no attribute {name!r}")
    try:
        from . import templating
    except ImportError as e:
        error = str(e)

        def missing(*args: object, **kwargs: object) -> t.NoReturn:
            raise ImportError(error)

        return missing
    return getattr(templating, name)

__all__ = [
    "__version__",
    "App",
    "Flask",
    "Blueprint",
    "Config",
    "request",
    "session",
    "g",
    "current_app",
    "has_request_context",
    "has_app_context",
    "Request",
    "Response",
    "make_response",
    "jsonify",
    "redirect",
    "abort",
    "url_for",
    "render_template",
    "render_template_string",
    "stream_template",
    "stream_template_string",
    "get_template_attribute",
    *_SIGNALS,
    "flash",
    "get_flashed_messages",
    "stream_with_context",
    "send_file",
    "send_from_directory",
    "after_this_request",
    "copy_current_request_context",
    "HTTPException",
]
