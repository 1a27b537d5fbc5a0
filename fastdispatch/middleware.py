"""WSGI middleware, as Werkzeug 3.1's: ``ProxyFix`` (an app behind reverse
proxies sees the client's address, scheme, host, port and prefix from the
``X-Forwarded-*`` headers) and ``DispatcherMiddleware`` (several WSGI apps
under URL prefixes).

Both wrap any WSGI app, ``app.wsgi_app`` included:
``app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1)``.
"""

from __future__ import annotations

import typing as t

from .http import parse_list_header

__all__ = ["DispatcherMiddleware", "ProxyFix"]

_WSGIApp = t.Callable[[dict[str, t.Any], t.Callable[..., t.Any]], t.Iterable[bytes]]


class ProxyFix:
    """Trust ``X-Forwarded-For``, ``-Proto``, ``-Host``, ``-Port`` and
    ``-Prefix`` for as many proxies as each count says (0: ignore that
    header).  Each proxy appends to the header, so the value used is the
    ``n``-th from the right: what the outermost trusted proxy saw; anything
    further left is client-supplied.  A header with fewer values than its
    count is ignored.  The environ's originals are kept in
    ``environ["werkzeug.proxy_fix.orig"]``, under Werkzeug's key, so code
    written for Werkzeug finds them.

    Set the counts to the number of proxies actually in front of the app:
    more lets a client forge its address."""

    def __init__(self, app: _WSGIApp, x_for: int = 1, x_proto: int = 1, x_host: int = 0, x_port: int = 0, x_prefix: int = 0) -> None:
        self.app = app
        self.x_for = x_for
        self.x_proto = x_proto
        self.x_host = x_host
        self.x_port = x_port
        self.x_prefix = x_prefix

    def _get_real_value(self, trusted: int, value: str | None) -> str | None:
        """The ``trusted``-th value from the right of a list header, or None."""
        if not (trusted and value):
            return None
        values = parse_list_header(value)
        if len(values) >= trusted:
            return values[-trusted]
        return None

    def __call__(self, environ: dict[str, t.Any], start_response: t.Callable[..., t.Any]) -> t.Iterable[bytes]:
        get = environ.get
        environ["werkzeug.proxy_fix.orig"] = {
            "REMOTE_ADDR": get("REMOTE_ADDR"),
            "wsgi.url_scheme": get("wsgi.url_scheme"),
            "HTTP_HOST": get("HTTP_HOST"),
            "SERVER_NAME": get("SERVER_NAME"),
            "SERVER_PORT": get("SERVER_PORT"),
            "SCRIPT_NAME": get("SCRIPT_NAME"),
        }
        x_for = self._get_real_value(self.x_for, get("HTTP_X_FORWARDED_FOR"))
        if x_for:
            environ["REMOTE_ADDR"] = x_for
        x_proto = self._get_real_value(self.x_proto, get("HTTP_X_FORWARDED_PROTO"))
        if x_proto:
            environ["wsgi.url_scheme"] = x_proto
        x_host = self._get_real_value(self.x_host, get("HTTP_X_FORWARDED_HOST"))
        if x_host:
            environ["HTTP_HOST"] = environ["SERVER_NAME"] = x_host
            # a trailing "]" is an IPv6 address without a port
            if ":" in x_host and not x_host.endswith("]"):
                environ["SERVER_NAME"], environ["SERVER_PORT"] = x_host.rsplit(":", 1)
        x_port = self._get_real_value(self.x_port, get("HTTP_X_FORWARDED_PORT"))
        if x_port:
            host = get("HTTP_HOST")
            if host:
                if ":" in host and not host.endswith("]"):
                    host = host.rsplit(":", 1)[0]
                environ["HTTP_HOST"] = f"{host}:{x_port}"
            environ["SERVER_PORT"] = x_port
        x_prefix = self._get_real_value(self.x_prefix, get("HTTP_X_FORWARDED_PREFIX"))
        if x_prefix:
            environ["SCRIPT_NAME"] = x_prefix
        return self.app(environ, start_response)


class DispatcherMiddleware:
    """``app`` for every path, except those under a prefix of ``mounts``
    (``{"/api": api_app}``), which go to that app with the prefix moved
    from ``PATH_INFO`` to ``SCRIPT_NAME``.  The longest matching prefix
    wins; a prefix matches whole segments only (``/api`` not ``/apis``)."""

    def __init__(self, app: _WSGIApp, mounts: dict[str, _WSGIApp] | None = None) -> None:
        self.app = app
        self.mounts = mounts or {}

    def __call__(self, environ: dict[str, t.Any], start_response: t.Callable[..., t.Any]) -> t.Iterable[bytes]:
        script = environ.get("PATH_INFO", "")
        path_info = ""
        # Cut a segment at a time from the right: the first prefix found is
        # the longest.
        while "/" in script:
            if script in self.mounts:
                app = self.mounts[script]
                break
            script, last_item = script.rsplit("/", 1)
            path_info = f"/{last_item}{path_info}"
        else:
            app = self.mounts.get(script, self.app)
        environ["SCRIPT_NAME"] = environ.get("SCRIPT_NAME", "") + script
        environ["PATH_INFO"] = path_info
        return app(environ, start_response)
