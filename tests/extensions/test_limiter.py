"""Flask-Limiter, used as its documentation shows: ``Limiter`` keyed on the
remote address with default limits and memory storage, per-route limits,
``exempt``, a shared limit, a limited and an exempt blueprint, the
X-RateLimit-* headers, a custom 429 handler, a request filter, a
``deduct_when`` limit, a ``cost``, and the limit as a context manager."""

from __future__ import annotations

import re
import typing as t

import pytest

from .conftest import _deliberate, _same_clock as _same_cookie_clock
from .worlds import run


def make_app(w: t.Any, App: type) -> t.Any:  # noqa: N803 (the framework's class)
    flask, fl = w.flask, w.flask_limiter
    app = App(__name__)
    limiter = fl.Limiter(
        fl.util.get_remote_address,
        app=app,
        default_limits=["5 per minute"],
        storage_uri="memory://",
        headers_enabled=True,
    )
    shared = limiter.shared_limit("3 per minute", scope="reports")

    @limiter.request_filter
    def internal() -> bool:
        return flask.request.headers.get("X-Internal") == "yes"

    @app.errorhandler(429)
    def too_many(e: t.Any) -> t.Any:
        return flask.jsonify(error="ratelimit exceeded", description=e.description, limit=str(e.limit.limit)), 429

    @app.route("/")
    def index() -> str:
        return "default limits"

    @app.route("/slow")
    @limiter.limit("2 per minute")
    def slow() -> str:
        return "slow"

    @app.route("/ping")
    @limiter.exempt
    def ping() -> str:
        return "pong"

    @app.route("/reports/daily")
    @shared
    def daily() -> str:
        return "daily"

    @app.route("/reports/weekly")
    @shared
    def weekly() -> str:
        return "weekly"

    @app.route("/login", methods=["POST"])
    @limiter.limit("2 per minute", deduct_when=lambda response: response.status_code == 401)
    def login() -> t.Any:
        if flask.request.form.get("password") != "secret":
            return {"error": "bad password"}, 401
        return {"ok": True}

    @app.route("/expensive")
    @limiter.limit("5 per minute", cost=2, error_message="too expensive")
    def expensive() -> str:
        return "expensive"

    @app.route("/block")
    def block() -> t.Any:
        try:
            with limiter.limit("1 per minute", scope="block"):
                return {"block": "ran"}
        except fl.RateLimitExceeded as e:
            return {"block": "skipped", "why": e.description}

    @app.route("/method", methods=["GET", "POST"])
    @limiter.limit("1 per minute", per_method=True)
    def method() -> str:
        return flask.request.method

    api = flask.Blueprint("api", __name__, url_prefix="/api")

    @api.route("/items")
    def items() -> t.Any:
        return {"items": [1, 2]}

    @api.route("/items/<int:n>")
    def item(n: int) -> t.Any:
        return {"item": n}

    limiter.limit("3 per minute")(api)
    app.register_blueprint(api)

    public = flask.Blueprint("public", __name__, url_prefix="/public")

    @public.route("/about")
    def about() -> str:
        return "about"

    limiter.exempt(public)
    app.register_blueprint(public)

    @app.route("/limits")
    @limiter.exempt
    def limits() -> t.Any:
        return {"limiter": len(flask.current_app.extensions["limiter"])}

    return app


REQUESTS = [
    *[("GET", "/", {})] * 6,
    *[("GET", "/slow", {})] * 3,
    *[("GET", "/ping", {})] * 7,
    ("GET", "/reports/daily", {}),
    ("GET", "/reports/weekly", {}),
    ("GET", "/reports/daily", {}),
    ("GET", "/reports/weekly", {}),
    ("POST", "/login", {"data": {"password": "secret"}}),
    ("POST", "/login", {"data": {"password": "secret"}}),
    ("POST", "/login", {"data": {"password": "secret"}}),
    ("POST", "/login", {"data": {"password": "wrong"}}),
    ("POST", "/login", {"data": {"password": "wrong"}}),
    ("POST", "/login", {"data": {"password": "secret"}}),
    *[("GET", "/expensive", {})] * 3,
    ("GET", "/block", {}),
    ("GET", "/block", {}),
    ("GET", "/method", {}),
    ("POST", "/method", {}),
    ("GET", "/method", {}),
    ("GET", "/api/items", {}),
    ("GET", "/api/items/1", {}),
    ("GET", "/api/items/2", {}),
    ("GET", "/api/items", {}),
    *[("GET", "/public/about", {})] * 6,
    *[("GET", "/slow", {"headers": {"X-Internal": "yes"}})] * 2,
    ("GET", "/slow", {"environ_base": {"REMOTE_ADDR": "10.0.0.2"}}),
    ("GET", "/missing", {}),
    ("GET", "/limits", {}),
]

# X-RateLimit-Reset is the second a window ends (its start, on each run's
# clock, plus a minute) and Retry-After the seconds left until then: the two
# runs are milliseconds apart, so they may straddle a second.
_RESET = re.compile(r"^\d+$")


def _same_clock(fl: dict[str, t.Any], fd: dict[str, t.Any]) -> tuple[dict[str, t.Any], dict[str, t.Any]]:
    a, b = dict(fl["headers"]), dict(fd["headers"])
    for name in ("x-ratelimit-reset", "retry-after"):
        if name in a and name in b and _RESET.match(a[name]) and _RESET.match(b[name]) and abs(int(a[name]) - int(b[name])) <= 5:
            a[name] = b[name] = "<clock>"
    return dict(fl, headers=sorted(a.items())), dict(fd, headers=sorted(b.items()))


@pytest.fixture
def compare_limiter(app_cls: type) -> t.Callable[..., None]:
    def check(make_app: t.Callable[..., t.Any], requests: t.Sequence[t.Any]) -> None:
        flask_side = run("flask", make_app, requests)
        ours = run("fastdispatch", make_app, requests, app_cls)
        for req, fl, fd in zip(requests, flask_side, ours):
            assert len(fl["headers"]) == len(dict(fl["headers"])), req  # (none repeated, so dict() keeps them all)
            fl, fd = _same_clock(*_same_cookie_clock(_deliberate(fl), fd))
            assert fd == fl, req

    return check


def test_limiter(compare_limiter: t.Callable[..., None]) -> None:
    compare_limiter(make_app, REQUESTS)


def test_limits_were_hit() -> None:
    # the comparison means something only if Flask's side both passes and refuses
    statuses = [snap["status"] for snap in run("flask", make_app, REQUESTS)]
    assert statuses.count("429 TOO MANY REQUESTS") >= 5
    assert statuses.count("200 OK") >= 20
