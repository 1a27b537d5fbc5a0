"""fastdispatch: a Flask-style WSGI dispatcher with a compiled router."""

__version__ = "0.1.0"
