"""Flask-CORS, used as its documentation shows: app-wide resources, a
route's own ``@cross_origin``, preflights, errors, credentials."""

from __future__ import annotations

import typing as t

ORIGIN = "https://app.example.com"


def make_app(w: t.Any, App: type) -> t.Any:  # noqa: N803 (the framework's class)
    flask = w.flask
    app = App(__name__)
    w.flask_cors.CORS(
        app,
        resources={r"/api/*": {"origins": [ORIGIN, r"https://.*\.trusted\.org"], "expose_headers": ["X-Total"]}},
        supports_credentials=True,
        max_age=600,
    )

    @app.route("/api/items", methods=["GET", "POST"])
    def items() -> t.Any:
        if flask.request.method == "POST":
            return flask.jsonify(created=flask.request.get_json()), 201
        return flask.jsonify([1, 2, 3]), 200, {"X-Total": "3"}

    @app.route("/api/items/<int:item_id>", methods=["GET", "DELETE"])
    def item(item_id: int) -> t.Any:
        if item_id > 10:
            flask.abort(404)
        return {"id": item_id}

    @app.route("/api/boom")
    def boom() -> t.Any:
        raise RuntimeError("boom")

    @app.route("/public")
    @w.flask_cors.cross_origin(origins="*", methods=["GET"])
    def public() -> str:
        return "anyone"

    @app.route("/private")
    def private() -> str:
        return "same origin only"

    return app


def _origin(origin: str, **headers: str) -> dict[str, t.Any]:
    return {"headers": {"Origin": origin, **headers}}


REQUESTS = [
    ("GET", "/api/items", _origin(ORIGIN)),
    ("GET", "/api/items", _origin("https://evil.example.com")),
    ("GET", "/api/items", _origin("https://a.trusted.org")),
    ("GET", "/api/items", {}),
    ("POST", "/api/items", {"json": {"a": 1}, **_origin(ORIGIN)}),
    ("OPTIONS", "/api/items", _origin(ORIGIN, **{"Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "Content-Type, X-Custom"})),
    ("OPTIONS", "/api/items", _origin("https://evil.example.com", **{"Access-Control-Request-Method": "POST"})),
    ("OPTIONS", "/api/items/3", _origin(ORIGIN, **{"Access-Control-Request-Method": "DELETE"})),
    ("DELETE", "/api/items/3", _origin(ORIGIN)),
    ("GET", "/api/items/99", _origin(ORIGIN)),
    ("GET", "/api/nothing-here", _origin(ORIGIN)),
    ("PUT", "/api/items", _origin(ORIGIN)),
    ("GET", "/api/boom", _origin(ORIGIN)),
    ("HEAD", "/api/items", _origin(ORIGIN)),
    ("GET", "/public", _origin("https://anywhere.net")),
    ("OPTIONS", "/public", _origin("https://anywhere.net", **{"Access-Control-Request-Method": "GET"})),
    ("GET", "/private", _origin(ORIGIN)),
]


def test_cors(compare: t.Callable[..., None]) -> None:
    compare(make_app, REQUESTS)
