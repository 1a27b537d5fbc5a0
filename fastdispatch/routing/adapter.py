"""Werkzeug's ``MapAdapter`` over either router: ``url_map.bind(...)``,
``url_map.bind_to_environ(environ)`` and ``app.create_url_adapter``, the
matching and building interface Flask code and extensions call outside the
request path (Flask-RESTful asks one whether a failed request's path is
its API's; Flask-Limiter's CLI looks up a path).

The request path itself does not come here: it matches once, through the
router's ``match`` (the short path and ``App.dispatch_matched``).
"""

from __future__ import annotations

import typing as t
from urllib.parse import quote

from .exceptions import RequestRedirect

__all__ = ["MapAdapter", "matched_rule"]


def matched_rule(router: t.Any, endpoint: t.Any, method: str, values: dict[str, t.Any] | None, path: str) -> t.Any:
    """The ``Rule`` a match of ``path`` found: the routers answer with the
    endpoint, so of the endpoint's rules that allow ``method``, the one that
    builds ``path`` from the matched ``values`` (None where none allows it)."""
    rules = [r for r in router.iter_rules(endpoint) if method in r.methods]
    if len(rules) > 1:
        values = values or {}
        for rule in rules:
            try:
                built = rule.build(values) if rule.arguments <= values.keys() else None
            except ValueError:  # a converter of the app's refusing: not this rule
                continue
            if built is not None and built.partition("?")[0] == path:
                return rule
    return rules[0] if rules else None


class MapAdapter:
    """Werkzeug's: a router bound to a server name and script root, with a
    default path and method, that matches (``match``) and builds URLs
    (``build``).  Its errors are the router's own (``NotFound``,
    ``MethodNotAllowed`` with ``valid_methods``, ``RequestRedirect`` with
    the absolute ``new_url`` Werkzeug's adapter gives)."""

    def __init__(
        self,
        map: t.Any,  # noqa: A002 (Werkzeug's name)
        server_name: str,
        script_name: str = "/",
        subdomain: str | None = None,
        url_scheme: str = "http",
        path_info: str = "/",
        default_method: str = "GET",
        query_args: t.Any = None,
    ) -> None:
        self.map = map
        self.server_name = server_name
        self.script_name = script_name if script_name.endswith("/") else script_name + "/"
        self.subdomain = subdomain
        self.url_scheme = url_scheme
        self.path_info = path_info
        self.default_method = default_method
        self.query_args = query_args

    def match(
        self,
        path_info: str | None = None,
        method: str | None = None,
        return_rule: bool = False,
        query_args: t.Any = None,
        websocket: bool | None = None,
    ) -> tuple[t.Any, dict[str, t.Any]]:
        """``(endpoint, values)`` for the path (the adapter's own where
        None), or ``(rule, values)`` with ``return_rule``."""
        if path_info is None:
            path_info = self.path_info
        method = (method or self.default_method).upper()
        try:
            endpoint, values = self.map.match(method, path_info)
        except RequestRedirect as e:
            query = self.query_args if query_args is None else query_args
            raise RequestRedirect(self._external(e.new_url, query)) from None
        if return_rule:
            return matched_rule(self.map, endpoint, method, values, path_info), values
        return endpoint, values

    def build(
        self,
        endpoint: t.Any,
        values: t.Mapping[str, t.Any] | None = None,
        method: str | None = None,
        force_external: bool = False,
        append_unknown: bool = True,
        url_scheme: str | None = None,
    ) -> str:
        """The URL of ``endpoint``: below the script root, with scheme and
        server name when ``force_external``; a ``BuildError`` where no rule
        builds."""
        path = self.map.build(endpoint, values, method)
        if not force_external:
            return self.script_name.rstrip("/") + path
        return self._external(path, None, url_scheme)

    def _external(self, path: str, query: t.Any, scheme: str | None = None) -> str:
        url = f"{scheme or self.url_scheme}://{self.server_name}{self.script_name.rstrip('/')}{quote(path, safe='/:@&$!*+,;=%?')}"
        if query:
            url += "?" + (query if isinstance(query, str) else "&".join(f"{quote(str(k))}={quote(str(v))}" for k, v in dict(query).items()))
        return url


def bind(
    router: t.Any,
    server_name: str,
    script_name: str | None = None,
    subdomain: str | None = None,
    url_scheme: str = "http",
    default_method: str = "GET",
    path_info: str | None = None,
    query_args: t.Any = None,
) -> MapAdapter:
    """Werkzeug's ``Map.bind``: both routers' ``bind`` is this."""
    return MapAdapter(router, server_name.lower(), script_name or "/", subdomain, url_scheme, path_info or "/", default_method, query_args)


def bind_to_environ(router: t.Any, environ: dict[str, t.Any], server_name: str | None = None, subdomain: str | None = None) -> MapAdapter:
    """Werkzeug's ``Map.bind_to_environ``: the adapter for the request
    ``environ`` describes (its host, script root, path, method, query)."""
    host = server_name
    if not host:
        host = environ.get("HTTP_HOST") or environ.get("SERVER_NAME", "")
        port = environ.get("SERVER_PORT")
        if not environ.get("HTTP_HOST") and port and port != {"https": "443"}.get(environ.get("wsgi.url_scheme"), "80"):
            host = f"{host}:{port}"
    return MapAdapter(
        router,
        host.lower(),
        _text(environ.get("SCRIPT_NAME", "")) or "/",
        subdomain,
        environ.get("wsgi.url_scheme", "http"),
        _text(environ.get("PATH_INFO", "")) or "/",
        environ.get("REQUEST_METHOD", "GET"),
        environ.get("QUERY_STRING", ""),
    )


def _text(wsgi: str) -> str:
    # WSGI's latin-1 str of the URL's bytes, read as UTF-8 as Werkzeug does
    try:
        return wsgi.encode("latin-1").decode("utf-8", "replace")
    except UnicodeEncodeError:
        return wsgi
