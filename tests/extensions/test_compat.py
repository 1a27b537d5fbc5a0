"""``fastdispatch.compat`` itself, each case in a fresh interpreter (it
changes what ``import flask`` means for the whole process)."""

from __future__ import annotations

import subprocess
import sys
import textwrap


def run(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, timeout=120)


def test_flask_is_fastdispatch_after_the_import() -> None:
    r = run("""
        import fastdispatch.compat
        import flask, flask.globals, flask.json.provider, flask.views, flask.testing, flask.cli, flask.typing
        import fastdispatch, fastdispatch.ctx, fastdispatch.views
        assert flask.Flask is fastdispatch.App and flask.request is fastdispatch.request
        assert flask.globals.app_ctx is fastdispatch.ctx.app_ctx
        assert flask.views.MethodView is fastdispatch.views.MethodView
        assert flask.testing.FlaskClient is fastdispatch.testing.TestClient
        from flask.json.provider import DefaultJSONProvider
        import importlib.metadata
        assert flask.__version__ == importlib.metadata.version("flask")
        print("ok")
    """)
    assert r.stdout.strip() == "ok", r.stderr


def test_nothing_is_aliased_without_it() -> None:
    r = run("""
        import fastdispatch, flask
        assert flask.Flask is not fastdispatch.App and flask.__file__.endswith("__init__.py")
        print("ok")
    """)
    assert r.stdout.strip() == "ok", r.stderr


def test_refused_after_the_real_flask() -> None:
    r = run("import flask, fastdispatch.compat")
    assert r.returncode == 1
    assert "RuntimeError: flask was imported before fastdispatch.compat: import fastdispatch.compat first" in r.stderr


def test_what_it_does_not_provide_says_so() -> None:
    r = run("""
        import fastdispatch.compat
        import flask
        try:
            import flask.debughelpers
        except ModuleNotFoundError as e:
            print(e)
        try:
            flask.no_such_name
        except AttributeError as e:
            print(e)
    """)
    assert r.stdout.splitlines() == [
        "No module named 'flask.debughelpers': fastdispatch.compat does not provide it",
        "flask.no_such_name is not provided by fastdispatch (fastdispatch.compat aliases flask)",
    ], r.stderr


def test_templating_loads_jinja_only_when_used() -> None:
    r = run("""
        import sys
        import fastdispatch.compat
        import flask, flask.templating
        assert "jinja2" not in sys.modules
        flask.render_template_string
        assert "jinja2" in sys.modules
        print("ok")
    """)
    assert r.stdout.strip() == "ok", r.stderr


def test_responses_are_werkzeug_responses_too() -> None:
    # Flask-RESTful passes on what isinstance(rv, werkzeug.wrappers.Response)
    # and serializes anything else: every response flask gives must be one
    r = run("""
        import fastdispatch.compat
        import flask, flask.wrappers, flask.app
        import fastdispatch, werkzeug.wrappers
        assert flask.Response is flask.wrappers.Response is flask.app.Response is fastdispatch.App.response_class
        assert issubclass(flask.Response, werkzeug.wrappers.Response) and issubclass(flask.Response, fastdispatch.Response)
        assert not issubclass(fastdispatch.Response, werkzeug.wrappers.Response)  # left as it is
        app = flask.Flask(__name__)

        @app.route("/")
        def index():
            return "text"

        with app.test_request_context():
            made = [flask.make_response("x", 201), flask.jsonify(a=1), flask.redirect("/"), flask.Response("x"), app.response_class()]
            assert all(isinstance(r, werkzeug.wrappers.Response) for r in made), made
            # fastdispatch's own answers for everything: Werkzeug's other names are absent
            r = made[0]
            assert repr(r) == "<Response 1 bytes [201 CREATED]>" and r.headers.__class__ is fastdispatch.datastructures.Headers
            assert not hasattr(r, "stream") and not hasattr(flask.Response, "mimetype_params")
            # the same layout: a fastdispatch Response can be given the class
            assert type(flask.Response.force_type(fastdispatch.Response("y"))) is flask.Response
        assert app.test_client().get("/").data == b"text"
        # it sends what fastdispatch's Response sends: the short path stays on
        assert app._fast.serves and app._fast.text
        print("ok")
    """)
    assert r.stdout.strip() == "ok", r.stderr


def test_responses_are_fastdispatch_own_without_it() -> None:
    r = run("""
        import sys
        import fastdispatch
        app = fastdispatch.App(__name__)
        assert app.response_class is fastdispatch.Response
        with app.test_request_context():
            assert type(fastdispatch.jsonify(a=1)) is fastdispatch.Response
        assert not [m for m in sys.modules if m.startswith(("werkzeug", "flask"))]
        print("ok")
    """)
    assert r.stdout.strip() == "ok", r.stderr
