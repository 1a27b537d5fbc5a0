"""Templates as Flask's: one app on each framework (the templates in
``tests/app/templates`` and ``tests/app/bp_templates``), the same requests,
the responses compared (body, headers, cookies); then what only one side
can show.  Both short-path twins."""

from __future__ import annotations

import subprocess
import sys
import typing as t
from types import SimpleNamespace

import flask
import flask.signals
import jinja2
import pytest

import fastdispatch
import fastdispatch.signals

from .test_flask_diff import GET, run_steps

FLASK = SimpleNamespace(module=flask, App=flask.Flask, Blueprint=flask.Blueprint)


def fd_ns(app_cls: type) -> SimpleNamespace:
    return SimpleNamespace(module=fastdispatch, App=app_cls, Blueprint=fastdispatch.Blueprint)


def build(ns: SimpleNamespace) -> t.Any:
    m = ns.module
    app = ns.App(__name__)
    app.secret_key = "k"
    app.config["SITE_NAME"] = "the site"

    @app.template_filter("shout")
    def shout(s):
        return f"{s}".upper() + "!"

    @app.template_test("lucky")
    def lucky(n):
        return n == 7

    @app.template_global()
    def helper(n):
        return n * 2

    @app.context_processor
    def site():
        return {"site": "Site", "text": "from the processor"}

    shop = ns.Blueprint("shop", __name__, template_folder="bp_templates", url_prefix="/shop")

    @shop.context_processor
    def currency():
        return {"currency": "EUR"}

    @shop.app_context_processor
    def shop_name():
        return {"shop_name": "The Shop"}

    @shop.app_template_filter()
    def reverse(s):
        return s[::-1]

    @shop.route("/item/<item>")
    def item(item):
        return m.render_template("shop/item.html", item=item)

    @shop.route("/only")
    def only():
        return m.render_template("shop/only_here.html", text="<i>")

    @app.route("/page/<name>")
    def page(name):
        m.g.who = name
        if name == "flash":
            m.flash("hello <b>", "info")
        return m.render_template("page.html", title=f"<{name}>", text=f"<{name}> & co", data={"k": ["<v>", 1]})

    @app.route("/txt")
    def txt():
        m.session["user"] = "<ann>"
        return m.render_template("plain.txt", text="<raw>")

    @app.route("/override")
    def override():
        return m.render_template("override.html", text="o")

    @app.route("/select")
    def select():
        return m.render_template(["missing.html", "override.html"], text="selected")

    @app.route("/string")
    def string():
        return m.render_template_string("{{ a }} {{ b|reverse }} {{ site }} {{ request.args.q }}{% if 4 is lucky %}!{% endif %}", a="<a>", b="abc")

    @app.route("/stream")
    def stream():
        return app.response_class(m.stream_template("page.html", title="s", text="streamed", data=[]))

    @app.route("/stream-string")
    def stream_string():
        return app.response_class(m.stream_template_string("{% for i in range(3) %}{{ i }}{{ request.path }}{% endfor %}"))

    @app.route("/missing")
    def missing():
        return m.render_template("nowhere.html")

    @app.route("/broken")
    def broken():
        return m.render_template_string("{{ 1 + }}")

    app.register_blueprint(shop)
    return app


PATHS = [
    "/page/x", "/page/flash", "/txt", "/shop/item/<b>", "/shop/only", "/override", "/select",
    "/string?q=%3Cq%3E", "/stream", "/stream-string", "/missing", "/broken",
]  # fmt: skip


@pytest.mark.parametrize("path", PATHS)
def test_rendered_as_flask(app_cls: type, path: str) -> None:
    fl, fd = build(FLASK), build(fd_ns(app_cls))
    steps = [GET(path), GET("/page/after"), GET(path)]
    assert run_steps(fd, fd.test_client(), steps) == run_steps(fl, fl.test_client(), steps)


def test_flashed_messages_rendered_as_flask(app_cls: type) -> None:
    fl, fd = build(FLASK), build(fd_ns(app_cls))
    steps = [GET("/page/flash"), GET("/page/read"), GET("/page/again")]
    fd_snaps = run_steps(fd, fd.test_client(), steps)
    assert fd_snaps == run_steps(fl, fl.test_client(), steps)
    assert b"<i>info: hello &lt;b&gt;</i>" in fd_snaps[0]["body"]  # flashed and shown in one request
    assert b"<i>" not in fd_snaps[1]["body"]


def test_outside_a_request_as_flask(app_cls: type) -> None:
    out = []
    for ns in (FLASK, fd_ns(app_cls)):
        app = build(ns)
        with app.app_context():
            out.append(ns.module.render_template_string("{{ site }} {{ g.get('x', 'no g.x') }} {{ config.SITE_NAME }} {% if request %}request{% else %}no request{% endif %}"))
    assert out[1] == out[0]
    with pytest.raises(RuntimeError, match="outside of application context"):
        fastdispatch.render_template_string("x")


def test_the_environment_as_flask(app_cls: type) -> None:
    fl, fd = build(FLASK), build(fd_ns(app_cls))
    for app in (fl, fd):
        app.jinja_env.globals.pop("helper", None)
    assert sorted(fd.jinja_env.globals) == sorted(fl.jinja_env.globals)
    assert sorted(fd.jinja_env.list_templates()) == sorted(fl.jinja_env.list_templates())
    for name in (None, "a.html", "a.htm", "a.xml", "a.xhtml", "a.svg", "a.txt", "a.js", "a.HTML"):
        assert fd.select_jinja_autoescape(name) == fl.select_jinja_autoescape(name), name
    assert fd.jinja_env.auto_reload is fl.jinja_env.auto_reload is False


def test_jinja_options_and_auto_reload(app_cls: type) -> None:
    class Custom(app_cls):  # type: ignore[misc, valid-type]
        jinja_options = {"trim_blocks": True, "autoescape": False}

    app = Custom(__name__)
    app.config["TEMPLATES_AUTO_RELOAD"] = True
    assert app.jinja_env.trim_blocks and app.jinja_env.auto_reload and app.jinja_env.autoescape is False
    debug = app_cls(__name__)
    debug.debug = True
    assert debug.jinja_env.auto_reload is True


def test_templates_keep_the_short_path(app_cls: type) -> None:
    app = build(fd_ns(app_cls))
    client = app.test_client()
    client.get("/override")
    state = app._fast
    assert state is not None and state.serves
    app.jinja_env.globals["late"] = 1
    assert client.get("/override").text == "the app's own override: o"
    assert app._fast is state


def test_template_signals_as_flask(app_cls: type, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fastdispatch.App, "_signalling", False)  # (on for good once connected)
    logs = []
    for ns, signals in ((FLASK, flask.signals), (fd_ns(app_cls), fastdispatch.signals)):
        app = build(ns)
        log: list[t.Any] = []

        def before(sender: t.Any, template: t.Any, context: t.Any, log: list[t.Any] = log) -> None:
            log.append(("before", template.name, context.get("item")))

        def rendered(sender: t.Any, template: t.Any, context: t.Any, log: list[t.Any] = log) -> None:
            log.append(("rendered", template.name, sorted(k for k in context if k != "config")))

        with signals.before_render_template.connected_to(before, app), signals.template_rendered.connected_to(rendered, app):
            client = app.test_client()
            log.append(client.get("/shop/item/i").status_code)
            log.append(client.get("/stream").get_data()[:15])
        logs.append(log)
    assert logs[1] == logs[0]


def test_without_jinja2_the_names_say_what_to_install(tmp_path: t.Any) -> None:
    (tmp_path / "jinja2.py").write_text("raise ImportError('No module named jinja2')\n")
    code = (
        "import sys, fastdispatch\n"
        "assert 'fastdispatch.templating' not in sys.modules\n"
        "from fastdispatch import render_template\n"
        "try:\n"
        "    render_template('x.html')\n"
        "except ImportError as e:\n"
        "    assert \"pip install 'fastdispatch[templates]'\" in str(e), e\n"
        "else:\n"
        "    raise AssertionError('no error')\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, env={"PYTHONPATH": str(tmp_path), "PATH": ""})


def test_import_does_not_import_jinja2() -> None:
    code = (
        "import sys, fastdispatch\n"
        "app = fastdispatch.App('x')\n"
        "app.route('/')(lambda: 'hi')\n"
        "assert app.test_client().get('/').text == 'hi'\n"
        "assert 'jinja2' not in sys.modules, 'jinja2 imported'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
    assert issubclass(fastdispatch.templating.Environment, jinja2.Environment)


@pytest.mark.parametrize("name", ["plain.txt", "override.html", "nothing-here.html"])
def test_explain_template_loading_as_flask(app_cls: type, name: str, caplog: pytest.LogCaptureFixture) -> None:
    """EXPLAIN_TEMPLATE_LOADING: the loaders asked and what each found,
    logged in Flask's words."""

    def run(App: t.Any, Blueprint: t.Any, render: t.Any) -> list[str]:  # noqa: N803
        app = App(__name__)
        app.config["EXPLAIN_TEMPLATE_LOADING"] = True
        app.register_blueprint(Blueprint("bp", __name__, template_folder="bp_templates"))
        caplog.clear()
        with caplog.at_level("INFO", logger=app.logger.name), app.test_request_context("/"):
            try:
                render(name)
            except jinja2.TemplateNotFound:
                pass
        return [r.getMessage() for r in caplog.records if r.name == app.logger.name]

    ours = run(app_cls, fastdispatch.Blueprint, lambda n: fastdispatch.render_template(n, title="t"))
    theirs = run(flask.Flask, flask.Blueprint, lambda n: flask.render_template(n, title="t"))
    assert ours == theirs
    assert ours and ours[0].startswith(f"Locating template {name!r}:")
