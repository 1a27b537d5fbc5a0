"""Async views, hooks, teardown functions, error handlers and MethodView
methods, run to completion as Flask runs them (asgiref, the ``async``
extra): one app built on Flask and on fastdispatch (both twins), the same
requests, the responses compared (``test_flask_diff``'s harness); and,
without asgiref, the clear error Flask gives instead of a coroutine."""

from __future__ import annotations

import asyncio
import builtins
import subprocess
import sys
import typing as t
from types import SimpleNamespace

import flask
import flask.views
import pytest

import fastdispatch
import fastdispatch.views

from .test_flask_diff import DELETE, GET, POST, fd_client, run_steps

FLASK = SimpleNamespace(App=flask.Flask, Blueprint=flask.Blueprint, g=flask.g, request=flask.request, views=flask.views, after_this_request=flask.after_this_request)


def fd_ns(app_cls: type) -> SimpleNamespace:
    return SimpleNamespace(
        App=app_cls,
        Blueprint=fastdispatch.Blueprint,
        g=fastdispatch.g,
        request=fastdispatch.request,
        views=fastdispatch.views,
        after_this_request=fastdispatch.after_this_request,
    )


class Teapot(Exception):
    pass


def build(ns: SimpleNamespace, log: list[str]) -> t.Any:
    app = ns.App(__name__)
    bp = ns.Blueprint("bp", __name__, url_prefix="/bp")

    @app.before_request
    async def before() -> t.Any:
        await asyncio.sleep(0)
        ns.g.seen = "before"
        if ns.request.path == "/stop":
            return "stopped by an async before_request", 203
        return None

    @app.after_request
    async def after(response: t.Any) -> t.Any:
        await asyncio.sleep(0)
        response.headers["X-After"] = "async"
        return response

    @app.teardown_request
    async def teardown(exc: BaseException | None) -> None:
        await asyncio.sleep(0)
        log.append(f"teardown {type(exc).__name__ if exc else None}")

    @app.teardown_appcontext
    async def teardown_ctx(exc: BaseException | None) -> None:
        log.append("appcontext")

    @app.errorhandler(Teapot)
    async def teapot(e: Exception) -> t.Any:
        await asyncio.sleep(0)
        return {"error": "teapot", "g": ns.g.seen}, 418

    @app.errorhandler(404)
    async def not_found(e: Exception) -> t.Any:
        return "async 404", 404

    @app.route("/")
    async def index() -> t.Any:
        await asyncio.sleep(0)
        return f"hello from {ns.g.seen}"

    @app.route("/sync")
    def plain() -> str:
        return "a sync view beside async ones"

    @app.route("/json/<int:n>", methods=["GET", "POST"])
    async def json_view(n: int) -> t.Any:
        await asyncio.sleep(0)
        return {"n": n, "method": ns.request.method}

    @app.route("/raise")
    async def raises() -> t.Any:
        await asyncio.sleep(0)
        raise Teapot()

    @app.route("/later")
    async def later() -> t.Any:
        @ns.after_this_request
        async def add(response: t.Any) -> t.Any:
            response.headers["X-This-Request"] = "async"
            return response

        return "later"

    class Items(ns.views.MethodView):
        async def get(self, item: str) -> t.Any:
            await asyncio.sleep(0)
            return f"get {item}"

        async def post(self, item: str) -> t.Any:
            return {"posted": item}, 201

        def delete(self, item: str) -> t.Any:
            return f"deleted {item}"

    app.add_url_rule("/items/<item>", view_func=Items.as_view("items"))

    class Once(ns.views.View):
        async def dispatch_request(self) -> t.Any:
            return "an async View"

    app.add_url_rule("/once", view_func=Once.as_view("once"))

    @bp.before_request
    async def bp_before() -> None:
        ns.g.seen = "bp before"

    @bp.after_request
    async def bp_after(response: t.Any) -> t.Any:
        response.headers["X-Bp"] = "async"
        return response

    @bp.errorhandler(Teapot)
    async def bp_teapot(e: Exception) -> t.Any:
        return "bp teapot", 418

    @bp.route("/")
    async def bp_index() -> t.Any:
        return f"bp {ns.g.seen}"

    @bp.route("/raise")
    async def bp_raise() -> t.Any:
        raise Teapot()

    @bp.before_app_request
    async def app_wide() -> None:
        ns.g.app_wide = True

    app.register_blueprint(bp)
    return app


STEPS = [
    GET("/"),
    GET("/sync"),
    GET("/json/3"),
    POST("/json/4"),
    GET("/raise"),
    GET("/stop"),
    GET("/missing"),
    GET("/later"),
    GET("/items/a"),
    POST("/items/b"),
    DELETE("/items/c"),
    GET("/once"),
    GET("/bp/"),
    GET("/bp/raise"),
]


def test_async_app_as_flask(app_cls: type) -> None:
    fl_log: list[str] = []
    fd_log: list[str] = []
    fl, fd = build(FLASK, fl_log), build(fd_ns(app_cls), fd_log)
    assert run_steps(fd, fd_client(fd), STEPS) == run_steps(fl, fl.test_client(), STEPS)
    assert fd_log == fl_log
    assert len(fd_log) == 2 * len(STEPS)


def test_view_functions_hold_what_was_registered(app_cls: type) -> None:
    app = app_cls(__name__)

    async def view() -> str:
        return "async"

    app.add_url_rule("/", view_func=view)
    assert app.view_functions["view"] is view  # as Flask's
    assert app.test_client().get("/").text == "async"


def test_an_async_view_put_in_view_functions_by_hand_is_run(app_cls: type) -> None:
    app = app_cls(__name__)
    app.route("/")(lambda: "sync")

    @app.route("/a")
    async def a() -> str:
        return "a"

    async def replaced() -> str:
        return "replaced by hand"

    client = app.test_client()
    assert client.get("/").text == "sync"
    app.view_functions["<lambda>"] = replaced
    assert client.get("/").text == "replaced by hand"


def test_a_coroutine_never_becomes_a_response(app_cls: type) -> None:
    """A coroutine function put in ``view_functions`` by hand in an app with
    no async view (the short path calls what is stored): a clear error,
    not a response made of a coroutine."""
    app = app_cls(__name__)
    app.config["PROPAGATE_EXCEPTIONS"] = True
    app.route("/")(lambda: "sync")

    async def replaced() -> str:
        return "never"

    client = app.test_client()
    assert client.get("/").text == "sync"
    app.view_functions["<lambda>"] = replaced
    with pytest.raises(TypeError, match="coroutine function that was not run"):
        client.get("/")


def test_a_sync_app_is_served_by_the_short_path(app_cls: type) -> None:
    app = app_cls(__name__)
    app.route("/")(lambda: "sync")
    assert app.test_client().get("/").text == "sync"
    assert app._fast.serves
    assert app.ensure_sync(app.view_functions["<lambda>"]) is app.view_functions["<lambda>"]

    @app.route("/a")
    async def a() -> str:
        return "a"

    client = app.test_client()
    assert client.get("/a").text == "a"
    assert not app._fast.serves  # the pipeline runs the async view
    assert client.get("/").text == "sync"


def test_async_to_sync_can_be_overridden(app_cls: type) -> None:
    calls: list[str] = []

    class Loop(app_cls):  # type: ignore[misc,valid-type]
        def async_to_sync(self, func: t.Any) -> t.Any:
            def run(*args: t.Any, **kwargs: t.Any) -> t.Any:
                calls.append(func.__name__)
                return asyncio.run(func(*args, **kwargs))

            return run

    app = Loop(__name__)
    bp = fastdispatch.Blueprint("bp", __name__)

    @app.route("/")
    async def view() -> str:
        return "own loop"

    @bp.before_app_request
    async def hook() -> None:
        pass

    @bp.route("/bp")
    async def bp_view() -> str:
        return "bp"

    app.register_blueprint(bp)
    assert app.test_client().get("/").text == "own loop"
    assert app.test_client().get("/bp").text == "bp"
    assert calls == ["hook", "view", "hook", "bp_view"]


@pytest.fixture
def no_asgiref(monkeypatch: pytest.MonkeyPatch) -> None:
    real_import = builtins.__import__

    def refuse(name: str, *args: t.Any, **kwargs: t.Any) -> t.Any:
        if name == "asgiref" or name.startswith("asgiref."):
            raise ImportError(f"No module named {name!r}")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", refuse)
    for name in [m for m in sys.modules if m == "asgiref" or m.startswith("asgiref.")]:
        monkeypatch.delitem(sys.modules, name)


MESSAGE = r"Install fastdispatch with the 'async' extra in order to use async views: pip install \"fastdispatch\[async\]\""


@pytest.mark.usefixtures("no_asgiref")
def test_without_asgiref_registering_an_async_view_says_what_to_install(app_cls: type) -> None:
    app = app_cls(__name__)

    async def view() -> str:
        return "never"

    with pytest.raises(RuntimeError, match=MESSAGE):
        app.add_url_rule("/", view_func=view)
    assert "view" not in app.view_functions
    assert [r.endpoint for r in app.url_map] == ["static"]  # (every app has its static rule, as Flask's)
    for register in (app.before_request, app.after_request, app.teardown_request, app.teardown_appcontext, app.errorhandler(404)):
        with pytest.raises(RuntimeError, match=MESSAGE):
            register(view)
    bp = fastdispatch.Blueprint("bp", __name__)
    with pytest.raises(RuntimeError, match=MESSAGE):
        bp.before_request(view)


@pytest.mark.usefixtures("no_asgiref")
def test_without_asgiref_an_async_method_view_says_what_to_install(app_cls: type) -> None:
    class Async(fastdispatch.views.MethodView):
        async def get(self) -> str:
            return "never"

    app = app_cls(__name__)
    app.route("/sync")(lambda: "sync apps need no asgiref")
    app.add_url_rule("/a", view_func=Async.as_view("async"))
    client = app.test_client()
    assert client.get("/sync").text == "sync apps need no asgiref"
    app.config["PROPAGATE_EXCEPTIONS"] = True
    with pytest.raises(RuntimeError, match=MESSAGE):
        client.get("/a")


def test_import_does_not_import_asgiref() -> None:
    code = (
        "import sys, fastdispatch\n"
        "app = fastdispatch.App('x')\n"
        "app.route('/')(lambda: 'hi')\n"
        "app.before_request(lambda: None)\n"
        "assert app.test_client().get('/').text == 'hi'\n"
        "assert 'asgiref' not in sys.modules, 'asgiref imported'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
