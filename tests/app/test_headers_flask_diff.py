"""The request's parsed headers in views, Flask against fastdispatch (both
twins), with test_flask_diff's ``run_steps``: content negotiation,
credentials, cache directives and a 401 challenge, byte for byte."""

from __future__ import annotations

import base64
import typing as t

import flask
import pytest
import werkzeug.datastructures

import fastdispatch
from fastdispatch.auth import WWWAuthenticate

from .test_flask_diff import GET, fd_client, flask_ns, fastdispatch_ns, run_steps


def make_app(ns: t.Any, www_authenticate: type) -> t.Any:
    app = ns.App("headers")
    if ns.router_cls is not None:
        app.url_map = ns.router_cls(merge_slashes=True)  # before any route, as flask_diff_app
    request = ns.request

    @app.route("/negotiate")
    def negotiate() -> t.Any:
        best = request.accept_mimetypes.best_match(["application/json", "text/html", "text/plain"])
        if best == "application/json":
            return ns.jsonify(best=best, json=request.accept_mimetypes.accept_json)
        lang = request.accept_languages.best_match(["en", "de", "fr-CH"], default="none")
        return f"{best} {lang} {request.accept_encodings.best} {request.accept_charsets.best_match(['utf-8', 'latin-1'])} {request.accept_mimetypes.to_header()}"

    @app.route("/whoami")
    def whoami() -> t.Any:
        auth = request.authorization
        if auth is None:
            resp = ns.make_response("login", 401)
            resp.www_authenticate = www_authenticate("basic", {"realm": "Login Required"})
            return resp
        return f"{auth.type} {auth.username} {auth.password} {auth.token} {sorted(auth.parameters.items())}"

    @app.route("/cache")
    def cache() -> t.Any:
        cc = request.cache_control
        return f"{cc.no_cache} {cc.max_age} {cc.max_stale} {cc.min_fresh} {cc.only_if_cached} {cc.to_header()} {'no-cache' in request.pragma}"

    return app


def basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


STEPS = [
    GET("/negotiate"),
    GET("/negotiate", headers={"Accept": "application/json"}),
    GET("/negotiate", headers={"Accept": "text/html;q=0.9, text/plain", "Accept-Language": "de-DE, en;q=0.5", "Accept-Encoding": "gzip, br;q=0.5"}),
    GET("/negotiate", headers={"Accept": "*/*;q=0.1, text/*", "Accept-Language": "fr", "Accept-Charset": "latin1;q=0.9, utf8;q=0.2"}),
    GET("/negotiate", headers={"Accept": 'text/html;q=2, "broken, image/png;q=x', "Accept-Language": ";;,"}),
    GET("/whoami"),
    GET("/whoami", headers={"Authorization": basic("alice", "s3cr:t")}),
    GET("/whoami", headers={"Authorization": "Basic !!!"}),
    GET("/whoami", headers={"Authorization": "Bearer abc.def"}),
    GET("/whoami", headers={"Authorization": 'Digest username="bob", realm="r", nonce="n", qop=auth'}),
    GET("/cache"),
    GET("/cache", headers={"Cache-Control": "no-cache, max-age=0, max-stale", "Pragma": "no-cache"}),
    GET("/cache", headers={"Cache-Control": "min-fresh=5, only-if-cached, max-age=abc, x=\"a, b\""}),
]


def test_parsed_headers_in_views_as_flask(router_cls: type, app_cls: type) -> None:
    fl = make_app(flask_ns(), werkzeug.datastructures.WWWAuthenticate)
    fd = make_app(fastdispatch_ns(router_cls, app_cls), WWWAuthenticate)
    theirs = run_steps(fl, fl.test_client(), STEPS)
    ours = run_steps(fd, fd_client(fd), STEPS)
    for step, mine, flasks in zip(STEPS, ours, theirs):
        assert mine == flasks, step


@pytest.mark.parametrize("auth", [("alice", "pw"), None])
def test_client_auth_argument(app_cls: type, auth: t.Any) -> None:
    """The test client's ``auth=`` sends what ``request.authorization``
    reads back, as Flask's client does."""
    results = []
    for app, request in ((flask.Flask("fl"), flask.request), (app_cls("fd"), fastdispatch.request)):
        app.add_url_rule("/", "index", lambda request=request: str(request.authorization and request.authorization.username))
        results.append(app.test_client().get("/", auth=auth).get_data())
    assert results[0] == results[1]
