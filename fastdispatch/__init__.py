"""fastdispatch: a Flask-style WSGI dispatcher with a compiled router.

A Flask app written against the common API ports by changing its imports:
``from fastdispatch import App, Blueprint, request, jsonify, abort, ...``.
"""

__version__ = "0.1.0"

from .app import App
from .blueprints import Blueprint
from .ctx import after_this_request, copy_current_request_context, current_app, g, has_app_context, has_request_context, request, session
from .exceptions import HTTPException, abort
from .helpers import flash, get_flashed_messages, make_response, stream_with_context, url_for
from .request import Request
from .json import jsonify
from .response import Response, redirect

Flask = App  # so that `from fastdispatch import Flask` ports a file unchanged

__all__ = [
    "__version__",
    "App",
    "Flask",
    "Blueprint",
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
    "flash",
    "get_flashed_messages",
    "stream_with_context",
    "after_this_request",
    "copy_current_request_context",
    "HTTPException",
]
