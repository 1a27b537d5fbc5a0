"""Flask-Limiter, used as its documentation shows: ``Limiter`` keyed on the
remote address with default limits and memory storage, per-route limits,
``exempt``, a shared limit, a limited and an exempt blueprint, the
X-RateLimit-* headers, a custom 429 handler, a request filter, a
``deduct_when`` limit, a ``cost``, and the limit as a context manager; the
application-factory pattern configured from ``app.config``; two limiters
on one app with other strategies; the ``limiter`` CLI commands."""

from __future__ import annotations

import email.utils
import importlib
import typing as t

import pytest
import werkzeug.exceptions

from .conftest import _deliberate, _same_clock as _same_cookie_clock
from .worlds import run, world


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

    @app.after_request
    def seen_by_the_app(response: t.Any) -> t.Any:
        # registered after the limiter's, so run before it (Flask runs them last first)
        response.headers["X-Saw-Remaining"] = response.headers.get("X-RateLimit-Remaining", "not yet")
        return response

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
# clock, plus its length) and Retry-After the seconds left until then, or
# that second as an HTTP date: the two runs are milliseconds apart, so they
# may straddle a second.


def _seconds(value: str) -> float | None:
    if value.isdigit():
        return int(value)
    try:
        return email.utils.parsedate_to_datetime(value).timestamp()
    except (TypeError, ValueError):
        return None


def _same_clock(fl: dict[str, t.Any], fd: dict[str, t.Any]) -> tuple[dict[str, t.Any], dict[str, t.Any]]:
    a, b = dict(fl["headers"]), dict(fd["headers"])
    for name in ("x-ratelimit-reset", "retry-after"):
        if name in a and name in b:
            ta, tb = _seconds(a[name]), _seconds(b[name])
            if ta is not None and tb is not None and abs(ta - tb) <= 5 and a[name].isdigit() == b[name].isdigit():
                a[name] = b[name] = "<clock>"
    return dict(fl, headers=sorted(a.items())), dict(fd, headers=sorted(b.items()))


@pytest.fixture
def compare_limiter(app_cls: type) -> t.Callable[..., None]:
    """conftest's ``compare``, with the rate-limit clock normalised too."""

    def check(make_app: t.Callable[..., t.Any], requests: t.Sequence[t.Any]) -> None:
        flask_side = run("flask", make_app, requests)
        ours = run("fastdispatch", make_app, requests, app_cls)
        for req, fl, fd in zip(requests, flask_side, ours):
            # (no header repeated, so _same_clock's dict() keeps them all)
            assert len(fl["headers"]) == len(dict(fl["headers"])) and len(fd["headers"]) == len(dict(fd["headers"])), req
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


def make_factory_app(w: t.Any, App: type) -> t.Any:  # noqa: N803 (the framework's class)
    """The application-factory pattern, configured from ``app.config``:
    application-wide limits, Retry-After as an HTTP date, no 429 handler (the
    default error page), nested blueprints, a class-based view, an
    ``on_breach`` response, ``exempt_when``, limits on some methods only, a
    key of the caller's choosing, an async view."""
    flask, fl = w.flask, w.flask_limiter
    limiter = fl.Limiter(fl.util.get_remote_address)

    def breached(limit: t.Any) -> t.Any:
        return flask.make_response(flask.jsonify(breached=str(limit.limit), key=limit.key), 429)

    api = flask.Blueprint("api", __name__, url_prefix="/api")
    v1 = flask.Blueprint("v1", __name__, url_prefix="/v1")
    v2 = flask.Blueprint("v2", __name__, url_prefix="/v2")

    @api.route("/status")
    def status() -> t.Any:
        return {"status": "ok", "blueprint": flask.request.blueprint}

    @v1.route("/users")
    def users() -> t.Any:
        return {"users": [], "blueprint": flask.request.blueprint, "endpoint": flask.request.endpoint}

    @v2.route("/users")
    def users2() -> t.Any:
        return {"users": [], "blueprint": flask.request.blueprint, "limit": limiter.current_limit}

    @api.errorhandler(fl.RateLimitExceeded)
    def api_breached(e: t.Any) -> t.Any:
        return {"api": "slow down", "limit": str(e.limit.limit), "blueprint": flask.request.blueprint}, 429

    @v1.errorhandler(werkzeug.exceptions.TooManyRequests)
    def v1_breached(e: t.Any) -> t.Any:
        return {"v1": "slow down", "description": e.description}, 429

    limiter.limit("2 per minute")(api)
    limiter.limit("3 per minute", override_defaults=False)(v1)
    limiter.exempt(v2, flags=fl.ExemptionScope.DEFAULT | fl.ExemptionScope.APPLICATION | fl.ExemptionScope.ANCESTORS)
    api.register_blueprint(v1)
    api.register_blueprint(v2)

    class Things(flask.views.MethodView):
        decorators = [limiter.limit("2 per minute", methods=["POST"], on_breach=breached)]

        def get(self) -> t.Any:
            return {"things": "listed"}

        def post(self) -> t.Any:
            return {"things": "made"}, 201

    def create_app() -> t.Any:
        app = App(__name__)
        app.config.update(
            RATELIMIT_DEFAULT="4 per minute",
            RATELIMIT_APPLICATION="40 per minute",
            RATELIMIT_HEADERS_ENABLED=True,
            RATELIMIT_HEADER_RETRY_AFTER_VALUE="http-date",
            RATELIMIT_STORAGE_URI="memory://",
            RATELIMIT_KEY_PREFIX="fd",
        )
        limiter.init_app(app)

        @app.route("/")
        def index() -> str:
            return "index"

        @app.route("/tenant")
        @limiter.limit("1 per minute", key_func=lambda: flask.request.args.get("tenant", "none"))
        def tenant() -> t.Any:
            return {"tenant": flask.request.args.get("tenant")}

        @app.route("/vip")
        @limiter.limit("1 per minute", exempt_when=lambda: flask.request.headers.get("X-Vip") == "1")
        def vip() -> str:
            return "vip"

        @app.route("/async")
        @limiter.limit("1 per minute")
        async def later() -> str:
            return "async"

        @app.route("/broken")
        @limiter.limit("3 per minute")
        def broken() -> str:
            raise RuntimeError("the view fails")

        @app.route("/later")
        @limiter.limit("3 per minute")
        def come_back() -> t.Any:
            return "come back later", 503, {"Retry-After": "120"}

        @app.route("/aborts")
        def aborts() -> str:
            flask.abort(429, description="slow down")

        @app.route("/inner")
        def inner() -> str:
            with limiter.limit("1 per minute"):
                return "inner"

        @app.route("/dynamic")
        @limiter.limit(lambda: flask.current_app.config["DYNAMIC_LIMIT"])
        def dynamic() -> str:
            return "dynamic"

        app.config["DYNAMIC_LIMIT"] = "1/minute"
        app.add_url_rule("/things", view_func=Things.as_view("things"))
        app.register_blueprint(api)
        return app

    return create_app()


FACTORY_REQUESTS = [
    *[("GET", "/", {})] * 5,
    ("GET", "/tenant?tenant=a", {}),
    ("GET", "/tenant?tenant=b", {}),
    ("GET", "/tenant?tenant=a", {}),
    ("GET", "/vip", {}),
    ("GET", "/vip", {"headers": {"X-Vip": "1"}}),
    ("GET", "/vip", {}),
    ("GET", "/async", {}),
    ("GET", "/async", {}),
    *[("GET", "/things", {})] * 3,
    *[("POST", "/things", {})] * 3,
    *[("GET", "/api/status", {})] * 3,
    *[("GET", "/api/v1/users", {})] * 4,
    *[("GET", "/api/v2/users", {})] * 3,
    *[("GET", "/", {"environ_base": {"REMOTE_ADDR": "10.0.0.3"}})] * 2,
    *[("GET", "/broken", {"environ_base": {"REMOTE_ADDR": "10.0.0.4"}})] * 4,
    *[("GET", "/later", {"environ_base": {"REMOTE_ADDR": "10.0.0.4"}})] * 2,
    ("GET", "/aborts", {"environ_base": {"REMOTE_ADDR": "10.0.0.4"}}),
    *[("GET", "/inner", {"environ_base": {"REMOTE_ADDR": "10.0.0.4"}})] * 2,
    *[("GET", "/dynamic", {"environ_base": {"REMOTE_ADDR": "10.0.0.4"}})] * 2,
    *[("OPTIONS", "/tenant", {"environ_base": {"REMOTE_ADDR": "10.0.0.5"}})] * 2,
    *[("HEAD", "/tenant?tenant=c", {"environ_base": {"REMOTE_ADDR": "10.0.0.5"}})] * 2,
    ("DELETE", "/tenant", {"environ_base": {"REMOTE_ADDR": "10.0.0.5"}}),
    ("GET", "/static/missing.css", {"environ_base": {"REMOTE_ADDR": "10.0.0.5"}}),
]


def test_limiter_factory(compare_limiter: t.Callable[..., None]) -> None:
    compare_limiter(make_factory_app, FACTORY_REQUESTS)


def make_two_limiters_app(w: t.Any, App: type) -> t.Any:  # noqa: N803 (the framework's class)
    """Two limiters on one app (the moving-window and sliding-window
    strategies), one keyed on the user a ``before_request`` put in ``g``,
    per-method defaults, renamed headers, ``reset``, and the limiter's
    request identity read in a ``test_request_context``."""
    flask, fl = w.flask, w.flask_limiter
    app = App(__name__)

    @app.before_request
    def who() -> None:
        flask.g.user = flask.request.headers.get("X-User", "anon")

    users = fl.Limiter(
        lambda: flask.g.user, app=app, default_limits=["3/minute"], default_limits_per_method=True, strategy="moving-window",
        application_limits=["100/minute"], headers_enabled=True, storage_uri="memory://",
        header_name_mapping={fl.HeaderNames.LIMIT: "X-User-Limit"},
    )
    addresses = fl.Limiter(
        fl.util.get_remote_address, app=app, default_limits=["6/minute"], strategy="sliding-window-counter",
        storage_uri="memory://", key_prefix="by-address",
    )
    bp = flask.Blueprint("bp", __name__)

    @bp.before_request
    def in_bp() -> None:
        flask.g.bp = "ran"

    @bp.route("/bp")
    def bp_view() -> t.Any:
        return {"bp": flask.g.get("bp"), "user": flask.g.user}

    app.register_blueprint(bp)

    @app.route("/", methods=["GET", "POST"])
    def index() -> t.Any:
        return {"user": flask.g.user, "limits": [str(limit.limit) for limit in users.current_limits]}

    @app.route("/reset", methods=["POST"])
    @users.exempt
    @addresses.exempt
    def reset() -> str:
        users.reset()
        return "reset"

    @app.route("/identity")
    @users.exempt
    @addresses.exempt
    def identity() -> t.Any:
        with app.test_request_context("/"):
            return {"endpoint": flask.request.endpoint, "identity": users.identify_request()}

    return app


TWO_LIMITERS_REQUESTS = [
    *[("GET", "/", {"headers": {"X-User": "ann"}})] * 4,
    ("GET", "/", {"headers": {"X-User": "bob"}}),
    *[("POST", "/", {"headers": {"X-User": "ann"}})] * 2,
    ("POST", "/reset", {}),
    ("GET", "/", {"headers": {"X-User": "ann"}}),
    ("GET", "/identity", {}),
    *[("GET", "/bp", {"environ_base": {"REMOTE_ADDR": "10.0.0.6"}})] * 4,
    *[("GET", "/", {"headers": {"X-User": "cy"}, "environ_base": {"REMOTE_ADDR": "10.0.0.6"}})] * 3,
]


def test_two_limiters(compare_limiter: t.Callable[..., None]) -> None:
    compare_limiter(make_two_limiters_app, TWO_LIMITERS_REQUESTS)


CLI = [
    ["limiter", "config"],
    ["limiter", "limits"],
    ["limiter", "limits", "--endpoint", "tenant"],
    ["limiter", "limits", "--endpoint", "nope"],
    ["limiter", "limits", "--key", "127.0.0.1"],
    ["limiter", "limits", "--path", "/tenant"],
    ["limiter", "limits", "--path", "/nowhere"],
]


def test_limiter_cli(app_cls: type) -> None:
    """``flask limiter config`` and ``flask limiter limits``, added to
    ``app.cli`` (Flask's test runner invokes ``app.cli``, which loads no
    ``flask.commands`` entry points on either side; the command line
    loads them: test_plugin_commands.py); the commands need the ``cli``
    extra (rich, in the test extra). ``--path`` matches through
    ``url_map.bind``."""
    out = {}
    for kind in ("flask", "fastdispatch"):
        with world(kind) as w:
            app = make_factory_app(w, w.flask.Flask if kind == "flask" else app_cls)
            app.cli.add_command(importlib.import_module("flask_limiter.commands").cli, "limiter")
            runner = app.test_cli_runner()
            out[kind] = [(r.exit_code, r.output) for r in (runner.invoke(args=args) for args in CLI)]
    assert out["fastdispatch"] == out["flask"]
    assert all(code == 0 for code, _ in out["flask"])
