"""Flask-Caching, used as its documentation shows: a SimpleCache, a view
cached per query string, a memoized function and its deletion; the views
count their calls so that what the cache served shows in the bodies."""

from __future__ import annotations

import typing as t


def make_app(w: t.Any, App: type) -> t.Any:  # noqa: N803 (the framework's class)
    flask = w.flask
    app = App(__name__)
    cache = w.flask_caching.Cache(app, config={"CACHE_TYPE": "SimpleCache"})
    calls = {"page": 0, "search": 0, "square": 0}

    @app.route("/page")
    @cache.cached(timeout=50)
    def page() -> str:
        calls["page"] += 1
        return f"page rendered {calls['page']} times"

    @app.route("/search")
    @cache.cached(timeout=50, query_string=True)
    def search() -> t.Any:
        calls["search"] += 1
        return flask.jsonify(q=flask.request.args.get("q"), calls=calls["search"])

    @cache.memoize(timeout=50)
    def square(n: int) -> str:
        calls["square"] += 1
        return f"{n * n} (computed {calls['square']} times)"

    @app.route("/square/<int:n>")
    def square_view(n: int) -> str:
        return square(n)

    @app.route("/square/<int:n>", methods=["DELETE"])
    def forget(n: int) -> str:
        cache.delete_memoized(square, n)
        return "forgotten"

    @app.route("/clear", methods=["POST"])
    def clear() -> str:
        cache.clear()
        return "cleared"

    @app.route("/direct")
    def direct() -> t.Any:
        hits = (cache.get("hits") or 0) + 1
        cache.set("hits", hits)
        return {"hits": hits}

    return app


REQUESTS = [
    ("GET", "/page", {}),
    ("GET", "/page", {}),
    ("GET", "/page?x=1", {}),
    ("GET", "/search?q=a", {}),
    ("GET", "/search?q=a", {}),
    ("GET", "/search?q=b", {}),
    ("GET", "/search?q=a", {}),
    ("GET", "/square/3", {}),
    ("GET", "/square/3", {}),
    ("GET", "/square/4", {}),
    ("DELETE", "/square/3", {}),
    ("GET", "/square/3", {}),
    ("GET", "/square/4", {}),
    ("GET", "/direct", {}),
    ("GET", "/direct", {}),
    ("POST", "/clear", {}),
    ("GET", "/page", {}),
    ("GET", "/direct", {}),
]


def test_caching(compare: t.Callable[..., None]) -> None:
    compare(make_app, REQUESTS)
