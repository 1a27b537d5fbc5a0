"""Contexts as Flask's: ``teardown_appcontext``, an app context pushed
around requests (``g`` shared, its teardown left to it),
``test_request_context``, ``after_this_request``,
``copy_current_request_context``, ``stream_with_context``, and the order
in which all of it runs; each built on Flask and on fastdispatch, the same
calls made, what happened compared.  Both short-path twins."""

from __future__ import annotations

import threading
import typing as t
from types import SimpleNamespace

import flask
import pytest

import fastdispatch

from .test_flask_diff import GET, HEAD, POST, run_steps

FLASK = SimpleNamespace(
    App=flask.Flask,
    request=flask.request,
    g=flask.g,
    session=flask.session,
    current_app=flask.current_app,
    url_for=flask.url_for,
    after_this_request=flask.after_this_request,
    copy_current_request_context=flask.copy_current_request_context,
    stream_with_context=flask.stream_with_context,
    has_request_context=flask.has_request_context,
    has_app_context=flask.has_app_context,
)


def fd_ns(app_cls: type) -> SimpleNamespace:
    return SimpleNamespace(**{name: getattr(fastdispatch, name) for name in vars(FLASK) if name != "App"}, App=app_cls)


def build(ns: SimpleNamespace, hooks: bool = True) -> t.Any:
    """One app; ``app.log`` records what ran, in order."""
    app = ns.App(__name__)
    app.secret_key = "k"
    app.log = log = []
    request, g = ns.request, ns.g

    @app.teardown_appcontext
    def appctx_down(exc):
        log.append(f"teardown_appcontext {type(exc).__name__ if exc else None} g.x={g.get('x')}")

    if hooks:

        @app.teardown_request
        def request_down(exc):
            log.append(f"teardown_request {type(exc).__name__ if exc else None}")

        @app.after_request
        def after(response):
            log.append("after_request")
            response.headers["X-After"] = "1"
            return response

    @app.route("/plain")
    def plain():
        g.x = "plain"
        return "plain"

    @app.route("/boom")
    def boom():
        g.x = "boom"
        raise KeyError("boom")

    @app.route("/after")
    def after_view():
        @ns.after_this_request
        def first(response):
            log.append("after_this_request 1")
            response.headers["X-This"] = "1"
            return response

        @ns.after_this_request
        def second(response):
            log.append("after_this_request 2")
            response.headers.add("X-This", "2")
            return response

        return "after"

    @app.route("/after.json")
    def after_json():
        ns.after_this_request(lambda r: (r.headers.__setitem__("X-Json", "yes"), r)[1])
        return {"json": True}

    @app.route("/stream")
    def stream():
        g.x = "stream"

        @ns.stream_with_context
        def gen():
            log.append(f"stream start {request.args.get('q')} {g.x}")
            yield "a"
            ns.session["streamed"] = True  # too late for the cookie: it is sent
            yield f"{request.path}"
            log.append("stream end")

        return gen()

    @app.route("/g")
    def show_g():
        return f"g.outer={g.get('outer')} has_app={ns.has_app_context()} has_req={ns.has_request_context()}"

    @app.route("/thread")
    def in_thread():
        g.x = "view"
        out = {}

        @ns.copy_current_request_context
        def work():
            out["path"] = request.path
            out["args"] = request.args.get("q")
            out["g"] = g.get("x")
            out["session"] = ns.session.get("who")

        ns.session["who"] = "ann"
        thread = threading.Thread(target=work)
        thread.start()
        thread.join()
        return out

    return app


@pytest.fixture(params=[True, False], ids=["hooks", "nohooks"])
def apps(request: pytest.FixtureRequest, app_cls: type) -> tuple[t.Any, t.Any]:
    return build(FLASK, hooks=request.param), build(fd_ns(app_cls), hooks=request.param)


def both(apps: tuple[t.Any, t.Any], *steps: t.Any) -> tuple[t.Any, t.Any]:
    fl, fd = apps
    fl_snaps = run_steps(fl, fl.test_client(), steps)
    fd_snaps = run_steps(fd, fd.test_client(), steps)
    return (fl_snaps, fl.log), (fd_snaps, fd.log)


@pytest.mark.parametrize(
    "path", ["/plain", "/boom", "/after", "/after.json", "/stream?q=1", "/g", "/thread?q=t", "/nope", "/plain/"]
)
def test_requests_as_flask(apps: tuple[t.Any, t.Any], path: str) -> None:
    fl, fd = both(apps, GET(path), GET(path))
    assert fd == fl


def test_a_post_and_a_head_as_flask(apps: tuple[t.Any, t.Any]) -> None:
    fl, fd = both(apps, POST("/plain"), HEAD("/after"), HEAD("/stream"))
    assert fd == fl


def test_requests_inside_an_app_context_share_it(apps: tuple[t.Any, t.Any]) -> None:
    """Flask pushes an app context for a request only where there is none
    for the app: inside one, the request shares its ``g`` and leaves its
    teardown to it."""
    out = []
    for app, ns in zip(apps, (FLASK, fastdispatch)):
        with app.app_context():
            ns.g.outer = "outer"
            client = app.test_client()
            bodies = [client.get("/g").get_data(), client.get("/plain").get_data()]
            ns.g.x = "set outside"
            app.log.append("leaving")
        out.append((bodies, app.log))
    assert out[1] == out[0]
    assert out[0][1][-1].startswith("teardown_appcontext")


def test_another_apps_context_is_not_shared(app_cls: type) -> None:
    other = fastdispatch.App("other")
    app = build(fd_ns(app_cls))
    with other.app_context():
        fastdispatch.g.outer = "other app"
        assert app.test_client().get("/g").text == "g.outer=None has_app=True has_req=True"
        assert fastdispatch.current_app._get_current_object() is other


def test_test_request_context_as_flask(app_cls: type) -> None:
    out = []
    for ns in (FLASK, fd_ns(app_cls)):
        app = build(ns)
        seen = []
        with app.test_request_context("/after?q=1", method="POST", headers={"X-H": "v"}, data={"f": "x"}):
            r = ns.request
            seen.append((r.path, r.method, r.args["q"], r.form["f"], r.headers["X-H"], r.endpoint, r.view_args))
            seen.append((ns.url_for("plain"), ns.url_for("plain", _external=True), ns.has_request_context()))
            ns.session["s"] = 1
            ns.g.x = "trc"
            seen.append(sorted(ns.session.items()))
        seen.append((ns.has_request_context(), ns.has_app_context()))
        with app.test_request_context("/nope"):
            seen.append((ns.request.endpoint, type(ns.request.routing_exception).__name__))
        with app.test_request_context("/plain", method="OPTIONS"):  # an automatic OPTIONS: the rule's endpoint
            seen.append((ns.request.endpoint, ns.request.view_args))
        out.append((seen, app.log))
    assert out[1] == out[0]


def test_a_request_context_ended_by_an_exception(app_cls: type) -> None:
    out = []
    for ns in (FLASK, fd_ns(app_cls)):
        app = build(ns)
        with pytest.raises(ZeroDivisionError):
            with app.test_request_context("/plain"):
                1 / 0  # noqa: B018
        with pytest.raises(ValueError):
            with app.app_context():
                raise ValueError
        out.append(app.log)
    assert out[1] == out[0] == [
        "teardown_request ZeroDivisionError",
        "teardown_appcontext ZeroDivisionError g.x=None",
        "teardown_appcontext ValueError g.x=None",
    ]


def test_contexts_pushed_by_hand_nest_and_pop_in_order(app_cls: type) -> None:
    app = build(fd_ns(app_cls))
    outer, inner = app.app_context(), app.test_request_context("/plain")
    outer.push()
    inner.push()
    with pytest.raises(AssertionError, match="Popped wrong app context"):
        outer.pop()
    inner.pop()
    outer.pop()
    assert not fastdispatch.has_app_context()
    assert app.log == ["teardown_request None", "teardown_appcontext None g.x=None"]


def test_the_short_path_serves_again_once_the_contexts_are_popped(app_cls: type) -> None:
    app = fastdispatch.App(__name__) if app_cls is fastdispatch.App else app_cls(__name__)
    app.route("/")(lambda: "hi")
    client = app.test_client()
    client.get("/")
    assert app._fast.serves
    with app.app_context():
        assert client.get("/").text == "hi"
        assert not app._fast.serves
    client.get("/")
    assert app._fast.serves


def test_helpers_outside_a_request_say_so() -> None:
    for helper in (fastdispatch.after_this_request, fastdispatch.copy_current_request_context):
        with pytest.raises(RuntimeError, match="request context is active"):
            helper(lambda r: r)
    with pytest.raises(RuntimeError, match="request context is active"):
        fastdispatch.stream_with_context(iter(()))
    with fastdispatch.App(__name__).app_context():
        with pytest.raises(RuntimeError, match="request context is active"):
            fastdispatch.after_this_request(lambda r: r)


@pytest.mark.parametrize("read", [0, 1, 3])
def test_a_stream_closed_early_as_flask(app_cls: type, read: int) -> None:
    """The client went away after ``read`` chunks: the server closes the body."""
    out = []
    for ns in (FLASK, fd_ns(app_cls)):
        app = build(ns)
        environ = fastdispatch.testing.create_environ("/stream?q=2", app)
        chunks = app(environ, lambda status, headers, exc_info=None: None)
        app.log.append("returned")
        it = iter(chunks)
        for _ in range(read):
            next(it, None)
        chunks.close()
        out.append(app.log)
    assert out[1] == out[0]


def test_a_copied_context_of_a_request_class_with_slots_of_its_own(app_cls: type) -> None:
    class SlottedRequest(fastdispatch.Request):
        __slots__ = ("extra",)

    app = app_cls(__name__)
    app.request_class = SlottedRequest

    @app.route("/t")
    def view():
        fastdispatch.request.extra = "own slot"
        fastdispatch.g.x = "the view's g"
        out = {}

        @fastdispatch.copy_current_request_context
        def work():
            out.update(extra=fastdispatch.request.extra, g=fastdispatch.g.get("x"), path=fastdispatch.request.path)

        thread = threading.Thread(target=work)
        thread.start()
        thread.join()
        return out

    assert app.test_client().get("/t").json == {"extra": "own slot", "g": None, "path": "/t"}


@pytest.mark.parametrize("server_name", [None, "example.org"])
@pytest.mark.parametrize("external", [None, False, True])
def test_url_for_in_app_context_as_flask(app_cls: type, server_name: t.Any, external: t.Any) -> None:
    """Outside a request, url_for needs SERVER_NAME whether external or not,
    and is external unless told otherwise (Flask 3.1's app.url_for)."""

    def outcome(ns: SimpleNamespace) -> t.Any:
        app = ns.App(__name__)
        app.config.update(SERVER_NAME=server_name, APPLICATION_ROOT="/root")
        app.add_url_rule("/page/<int:n>", "page", lambda n: "")
        with app.app_context():
            try:
                return ns.url_for("page", n=3, _external=external), app.url_for("page", n=4, q=[])
            except RuntimeError as e:
                return str(e)

    assert outcome(fd_ns(app_cls)) == outcome(FLASK)
