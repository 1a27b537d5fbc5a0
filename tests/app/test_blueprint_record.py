"""``Blueprint.record`` / ``record_once``, ``BlueprintSetupState`` and
``make_setup_state`` as Flask's: the same blueprint set-up on Flask and on
fastdispatch (both twins), the states the deferred functions see and the
responses compared."""

from __future__ import annotations

import typing as t
from types import SimpleNamespace

import flask
import pytest

import fastdispatch
from fastdispatch.blueprints import BlueprintSetupState

from .test_flask_diff import GET, fd_client, run_steps

FLASK = SimpleNamespace(App=flask.Flask, Blueprint=flask.Blueprint, url_for=flask.url_for)


def fd_ns(app_cls: type) -> SimpleNamespace:
    return SimpleNamespace(App=app_cls, Blueprint=fastdispatch.Blueprint, url_for=fastdispatch.url_for)


def _seen(state: t.Any) -> dict[str, t.Any]:
    return {
        "app": state.app.name,
        "blueprint": state.blueprint.name,
        "options": dict(state.options),
        "first_registration": state.first_registration,
        "url_prefix": state.url_prefix,
        "subdomain": state.subdomain,
        "url_defaults": state.url_defaults,
        "name": state.name,
        "name_prefix": state.name_prefix,
    }


def build(ns: SimpleNamespace, seen: list[t.Any]) -> t.Any:
    app = ns.App("recorded")
    bp = ns.Blueprint("bp", __name__, url_prefix="/bp", url_defaults={"lang": "en"})
    child = ns.Blueprint("child", __name__, url_prefix="/child")

    @bp.route("/<lang>/page")
    def page(lang: str) -> str:
        return f"page {lang} {ns.url_for('.page')}"

    @bp.record
    def every(state: t.Any) -> None:
        seen.append(("record", _seen(state)))
        state.add_url_rule("/added", "added", lambda **kw: f"added {sorted(kw.items())}")
        state.add_url_rule("/with/<int:n>", view_func=_numbered, defaults={"extra": 1})

    @bp.record_once
    def once(state: t.Any) -> None:
        seen.append(("record_once", _seen(state)))
        state.app.config["BP_ONCE"] = state.app.config.get("BP_ONCE", 0) + 1

    @child.record
    def nested(state: t.Any) -> None:
        seen.append(("nested", _seen(state)))
        state.add_url_rule("", "root", lambda **kw: "child root")

    bp.register_blueprint(child)
    app.register_blueprint(bp)
    app.register_blueprint(bp, name="again", url_prefix="/again", url_defaults={"lang": "fr", "x": "1"})

    @app.route("/once")
    def once_count() -> str:
        return str(app.config["BP_ONCE"])

    return app


def _numbered(n: int, **kw: t.Any) -> str:
    return f"numbered {n} {sorted(kw.items())}"


STEPS = [
    GET("/bp/en/page"),
    GET("/bp/de/page"),
    GET("/again/fr/page"),
    GET("/bp/added"),
    GET("/again/added"),
    GET("/bp/with/3"),
    GET("/again/with/4"),
    GET("/bp/child"),
    GET("/again/child"),
    GET("/once"),
]


def test_deferred_functions_as_flask(app_cls: type) -> None:
    fl_seen: list[t.Any] = []
    fd_seen: list[t.Any] = []
    fl, fd = build(FLASK, fl_seen), build(fd_ns(app_cls), fd_seen)
    assert fd_seen == fl_seen
    assert [kind for kind, _ in fd_seen] == ["record", "record_once", "nested", "record", "nested"]
    assert run_steps(fd, fd_client(fd), STEPS) == run_steps(fl, fl.test_client(), STEPS)
    assert {(r.rule, r.endpoint) for r in fd.url_map} == {(r.rule, r.endpoint) for r in fl.url_map.iter_rules()}


def test_app_wide_hooks_once_per_app_as_flask(app_cls: type) -> None:
    """The ``app_*`` hooks are recorded once (Flask's ``record_once``): a
    second registration under another name does not add them again."""
    results = []
    for ns in (FLASK, fd_ns(app_cls)):
        app = ns.App("hooks")
        bp = ns.Blueprint("bp", __name__)
        calls: list[str] = []
        bp.before_app_request(lambda: calls.append("before"))
        bp.route("/x")(lambda: "x")
        app.register_blueprint(bp)
        app.register_blueprint(bp, name="two", url_prefix="/two")
        app.test_client().get("/two/x")
        results.append(calls)
    assert results[1] == results[0] == ["before"]


def test_make_setup_state_may_return_a_subclass(app_cls: type) -> None:
    class State(BlueprintSetupState):
        def add_url_rule(self, rule: str, endpoint: str | None = None, view_func: t.Any = None, **options: t.Any) -> None:
            super().add_url_rule("/v1" + rule, endpoint, view_func, **options)

    class Versioned(fastdispatch.Blueprint):
        def make_setup_state(self, app: t.Any, options: dict[str, t.Any], first_registration: bool = False) -> BlueprintSetupState:
            return State(self, app, options, first_registration)

    app = app_cls(__name__)
    bp = Versioned("api", __name__)
    bp.route("/items")(lambda: "items")
    states: list[t.Any] = []
    bp.record(states.append)
    app.register_blueprint(bp)
    assert type(states[0]) is State
    assert fd_client(app).get("/v1/items").text == "items"


def test_record_after_registration_is_refused_as_flask(app_cls: type) -> None:
    for ns in (FLASK, fd_ns(app_cls)):
        bp = ns.Blueprint("bp", __name__)
        ns.App("late").register_blueprint(bp)
        for method in (bp.record, bp.record_once):
            with pytest.raises(AssertionError, match=f"The setup method '{method.__name__}' can no longer be called on the blueprint 'bp'"):
                method(lambda state: None)


def test_blueprint_arguments_in_flasks_order(app_cls: type) -> None:
    """Positionally as Flask's, through ``cli_group``; ``cli`` and
    ``template_folder`` there as in Flask."""
    args = ("bp", __name__, None, None, "tpl", "/p", None, {"a": 1}, "/root", "grp")
    fl, fd = flask.Blueprint(*args), fastdispatch.Blueprint(*args)
    for name in ("name", "import_name", "template_folder", "url_prefix", "subdomain", "url_values_defaults", "root_path", "cli_group"):
        assert getattr(fd, name) == getattr(fl, name), name
    assert fd.cli.name == fl.cli.name
    app = app_cls(__name__)
    bp = fastdispatch.Blueprint("sub", __name__, subdomain="api")
    bp.route("/")(lambda: "never")
    with pytest.raises(TypeError, match="subdomain"):
        app.register_blueprint(bp)


def test_setup_state_passing_subdomain_none_as_flask(app_cls: type) -> None:
    """A recorded function that adds rules through the setup state with
    ``subdomain=state.subdomain`` (None: no subdomain), as Flask-RESTful's
    does: the rule is added as without it."""
    out = []
    for ns in (FLASK, fd_ns(app_cls)):
        app = ns.App("sub")
        bp = ns.Blueprint("bp", __name__, url_prefix="/bp")
        bp.record(lambda state: state.app.add_url_rule(state.url_prefix + "/r", "bp.r", lambda: "r", subdomain=state.subdomain))
        app.register_blueprint(bp)
        resp = app.test_client().get("/bp/r")
        out.append((resp.status_code, resp.get_data()))
    assert out[1] == out[0] == (200, b"r")
