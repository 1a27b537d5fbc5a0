"""The application layer on both routers: registration, the request
pipeline, hooks, errors, blueprints, contexts.  Behaviour against Flask
itself is in test_flask_diff.py."""

import threading

import pytest

from fastdispatch import App, Blueprint, abort, current_app, g, make_response, request, url_for
from fastdispatch.exceptions import HTTPException, NotFound


@pytest.fixture
def app(router_cls, app_cls):
    app = app_cls(__name__)
    app.url_map = router_cls(merge_slashes=True)
    return app


def test_text_view_fast_path_and_head(app):
    @app.route("/hi/<name>")
    def hi(name):
        return f"hi {name}"

    c = app.test_client()
    r = c.get("/hi/ada")
    assert (r.status_code, r.data, r.headers["Content-Type"], r.headers["Content-Length"]) == (200, b"hi ada", "text/html; charset=utf-8", "6")
    r = c.head("/hi/ada")
    assert (r.status_code, r.data, r.headers["Content-Length"]) == (200, b"", "6")


def test_short_path_is_taken_by_a_plain_app(app):
    @app.route("/hi/<name>")
    def hi(name):
        return f"hi {request.view_args['name']} at {request.endpoint}"

    c = app.test_client()
    assert c.get("/hi/ada").data == b"hi ada at hi"
    # App.__call__ decided it may serve alone
    assert app._fast.matches and app._fast.serves and app._fast.text


def _mark(tag):
    def middleware(wsgi_app):
        def wrapped(environ, start_response):
            def sr(status, headers, exc_info=None):
                return start_response(status, [*headers, ("X-Via", tag)], exc_info)

            return wsgi_app(environ, sr)

        return wrapped

    return middleware


def _wsgi_call(app, method, path):
    """(status, headers, body) of one raw WSGI call: the method as sent."""
    got = []
    body = b"".join(app({"REQUEST_METHOD": method, "PATH_INFO": path, "SERVER_NAME": "x", "SERVER_PORT": "80",
                         "wsgi.url_scheme": "http"}, lambda status, headers, exc_info=None: got.append((status, headers))))
    (status, headers), = got
    return status, dict(headers), body


@pytest.mark.parametrize("text", ["", "a", "123456789", "1234567890", "x" * 12345, "h\u00e9llo \u2603", "\U0001f600" * 3])
def test_short_path_text_content_length(app, text):
    @app.route("/t", methods=["GET", "POST"])
    def t():
        return text

    body = text.encode()
    for method in ("GET", "POST"):
        assert _wsgi_call(app, method, "/t") == ("200 OK", {"Content-Type": "text/html; charset=utf-8", "Content-Length": str(len(body))}, body)
    status, headers, head_body = _wsgi_call(app, "HEAD", "/t")
    assert (status, headers["Content-Length"], head_body) == ("200 OK", str(len(body)), b"")


@pytest.mark.parametrize("method", ["OPTIONS", "options", "Options"])
def test_short_path_automatic_options_in_any_case(app, method):
    @app.route("/o", methods=["GET", "PUT"])
    def o():
        return "view"

    status, headers, body = _wsgi_call(app, method, "/o")
    assert (status, headers["Allow"], body) == ("200 OK", "GET, HEAD, OPTIONS, PUT", b"")


def test_short_path_methods_of_seven_letters_reach_the_view(app):
    # the automatic-OPTIONS check looks at 7-letter methods first
    @app.route("/c", methods=["CONNECT", "OPTIONZ"])
    def c():
        return request.method

    assert _wsgi_call(app, "CONNECT", "/c")[2] == b"CONNECT"
    assert _wsgi_call(app, "OPTIONZ", "/c")[2] == b"OPTIONZ"


def test_short_path_steps_aside_for_later_changes(app):
    """Whatever is set up after the first request (a wrapped wsgi_app,
    hooks on the app or on a registered blueprint) takes effect."""
    @app.route("/x")
    def x():
        return "x"

    bp = Blueprint("bp", __name__)

    @bp.route("/y")
    def y():
        return "y"

    app.register_blueprint(bp)
    c = app.test_client()
    assert c.get("/x").data == b"x" and "X-Via" not in c.get("/x").headers
    app.wsgi_app = _mark("mw")(app.wsgi_app)  # ProxyFix-style
    assert c.get("/x").headers["X-Via"] == "mw"
    del app.wsgi_app  # back to plain, short path again
    assert "X-Via" not in c.get("/x").headers

    seen = []
    bp.url_value_preprocessor(lambda endpoint, values: seen.append(f"bp-url {endpoint}"))
    assert c.get("/y").data == b"y" and seen == ["bp-url bp.y"]
    del seen[:]
    bp.before_request(lambda: seen.append("bp-before"))
    assert c.get("/y").data == b"y" and seen == ["bp-url bp.y", "bp-before"]
    app.after_request(lambda r: (r.headers.__setitem__("X-After", "1"), r)[1])
    assert c.get("/x").headers["X-After"] == "1"


def test_short_path_honours_custom_classes(router_cls, app_cls):
    from fastdispatch import Request, Response

    class MyResponse(Response):
        default_mimetype = "text/plain"

    class MyRequest(Request):
        def __init__(self, environ, app=None):
            super().__init__(environ, app)
            self.made_here = True

    class MyApp(app_cls):
        response_class = MyResponse
        request_class = MyRequest

    app = MyApp(__name__)
    app.url_map = router_cls()

    @app.route("/t")
    def t():
        return f"made here: {request.made_here}"

    r = app.test_client().get("/t")
    assert (r.data, r.headers["Content-Type"]) == (b"made here: True", "text/plain; charset=utf-8")


def test_endpoint_clash_raises_like_flask(app):
    @app.route("/a")
    def view():
        return "a"

    with pytest.raises(AssertionError, match="View function mapping is overwriting an existing endpoint function: view"):
        @app.route("/b", endpoint="view")
        def other():
            return "b"

    app.add_url_rule("/c", "view", view)  # the same function again is fine
    assert app.test_client().get("/c").data == b"a"


def test_methods_given_as_string_is_a_type_error(app):
    with pytest.raises(TypeError, match="Allowed methods must be a list of strings"):
        app.add_url_rule("/x", "x", lambda: "", methods="POST")


def test_method_decorators_and_listing(app):
    @app.get("/r")
    def read():
        return "r"

    @app.post("/r")
    def write():
        return "w", 201

    with pytest.raises(TypeError):
        app.get("/x", methods=["POST"])
    c = app.test_client()
    assert c.get("/r").data == b"r"
    assert c.post("/r").status_code == 201
    rules = {(r.rule, r.endpoint): r.methods for r in app.url_map}
    assert rules == {("/r", "read"): frozenset({"GET", "HEAD", "OPTIONS"}), ("/r", "write"): frozenset({"POST", "OPTIONS"})}


def test_none_return_is_a_500_with_a_clear_log(app, caplog):
    @app.route("/none")
    def none():
        pass

    r = app.test_client().get("/none")
    assert r.status_code == 500
    assert b"Internal Server Error" in r.data and b"did not return" not in r.data  # not leaked
    assert "did not return a valid response" in caplog.text and "Exception on /none [GET]" in caplog.text


def test_debug_propagates(app):
    app.config["DEBUG"] = True

    @app.route("/boom")
    def boom():
        raise KeyError("boom")

    with pytest.raises(KeyError):
        app.test_client().get("/boom")


def test_error_handlers_most_specific_first(app):
    class AppError(Exception):
        pass

    class SubError(AppError):
        pass

    @app.errorhandler(AppError)
    def app_error(e):
        return f"app {type(e).__name__}", 409

    @app.errorhandler(SubError)
    def sub_error(e):
        return "sub", 410

    @app.errorhandler(404)
    def not_found(e):
        return {"error": e.description}, 404

    @app.errorhandler(HTTPException)
    def any_http(e):
        return f"http {e.code}", e.code

    @app.route("/raise/<kind>")
    def raiser(kind):
        if kind == "app":
            raise AppError()
        if kind == "sub":
            raise SubError()
        abort(403)

    c = app.test_client()
    assert (c.get("/raise/app").status_code, c.get("/raise/app").data) == (409, b"app AppError")
    assert (c.get("/raise/sub").status_code, c.get("/raise/sub").data) == (410, b"sub")
    assert (c.get("/raise/x").status_code, c.get("/raise/x").data) == (403, b"http 403")
    r = c.get("/missing")
    assert r.status_code == 404 and r.get_json() == {"error": NotFound.description}
    assert c.post("/raise/x").data == b"http 405"


def test_500_handler_gets_original_exception(app):
    @app.errorhandler(500)
    def server_error(e):
        return f"oops {type(e.original_exception).__name__}", 500

    @app.route("/boom")
    def boom():
        raise ZeroDivisionError()

    r = app.test_client().get("/boom")
    assert (r.status_code, r.data) == (500, b"oops ZeroDivisionError")


def test_hooks_order_and_short_circuit(app):
    calls = []

    @app.before_request
    def first():
        calls.append("before1")

    @app.before_request
    def second():
        calls.append("before2")
        if request.path == "/blocked":
            return "blocked", 403

    @app.after_request
    def after1(response):
        calls.append("after1")
        response.headers["X-After"] = "1"
        return response

    @app.after_request
    def after2(response):
        calls.append("after2")
        return response

    @app.teardown_request
    def teardown(exc):
        calls.append(f"teardown {type(exc).__name__ if exc else None}")

    @app.route("/ok")
    def ok():
        calls.append("view")
        g.seen = True
        return "ok"

    c = app.test_client()
    r = c.get("/ok")
    assert r.headers["X-After"] == "1"
    assert calls == ["before1", "before2", "view", "after2", "after1", "teardown None"]
    calls.clear()
    r = c.get("/blocked")
    assert (r.status_code, r.data) == (403, b"blocked")
    assert calls == ["before1", "before2", "after2", "after1", "teardown None"]
    calls.clear()
    assert c.get("/nowhere").status_code == 404  # hooks run for 404s too, as in Flask
    assert calls[:2] == ["before1", "before2"]


def test_blueprint_prefix_handlers_hooks_and_url_for(app):
    bp = Blueprint("api", __name__, url_prefix="/api/")
    seen = []

    @bp.before_request
    def bp_before():
        seen.append(request.endpoint)

    @bp.errorhandler(404)
    def bp_404(e):
        return "api 404", 404

    @bp.route("/items/<int:item_id>")
    def item(item_id):
        return {"id": item_id, "self": url_for(".item", item_id=item_id), "ext": url_for("api.item", item_id=1, _external=True)}

    @bp.route("/missing")
    def missing():
        abort(404)

    @app.route("/")
    def index():
        return url_for("api.item", item_id=3, q="x y")

    app.register_blueprint(bp)
    c = app.test_client()
    assert c.get("/api/items/7").get_json() == {"id": 7, "self": "/api/items/7", "ext": "http://localhost/api/items/1"}
    assert seen == ["api.item"]
    assert c.get("/api/missing").data == b"api 404"
    assert c.get("/nowhere").status_code == 404 and c.get("/nowhere").data != b"api 404"
    assert c.get("/").data == b"/api/items/3?q=x+y"
    with pytest.raises(ValueError):
        app.register_blueprint(Blueprint("api", __name__))


def test_redirect_for_missing_slash_keeps_query(app):
    @app.route("/dir/")
    def d():
        return "d"

    r = app.test_client().get("/dir", query_string="a=1&b=%20")
    assert r.status_code == 308
    assert r.headers["Location"] == "http://localhost/dir/?a=1&b=%20"


def test_make_response_and_return_conventions(app):
    @app.route("/conv/<kind>")
    def conv(kind):
        if kind == "tuple3":
            return "t", 201, {"X-A": "1"}
        if kind == "headers":
            return "h", [("X-B", "2")]
        if kind == "status-str":
            return "s", "202 ACCEPTED"
        if kind == "list":
            return [1, 2]
        if kind == "bytes":
            return b"\x00\xff"
        if kind == "gen":
            return (f"{i}," for i in range(3))
        resp = make_response("m", 418)
        resp.headers["X-C"] = "3"
        return resp

    c = app.test_client()
    r = c.get("/conv/tuple3")
    assert (r.status_code, r.data, r.headers["X-A"]) == (201, b"t", "1")
    assert c.get("/conv/headers").headers["X-B"] == "2"
    assert c.get("/conv/status-str").status == "202 ACCEPTED"
    assert c.get("/conv/list").get_json() == [1, 2]
    assert c.get("/conv/bytes").data == b"\x00\xff"
    assert c.get("/conv/gen").data == b"0,1,2,"
    r = c.get("/conv/other")
    assert (r.status_code, r.headers["X-C"]) == (418, "3")


def test_header_injection_is_refused(app):
    @app.route("/inject")
    def inject():
        resp = make_response("x")
        resp.headers["X-Evil"] = "a\r\nSet-Cookie: pwned=1"
        return resp

    r = app.test_client().get("/inject")
    assert r.status_code == 500
    assert "pwned" not in str(r.headers)


def test_request_context_is_per_thread(app):
    barrier = threading.Barrier(2)

    @app.route("/who/<name>")
    def who(name):
        g.name = name
        barrier.wait(timeout=5)  # both requests are in flight at once
        return f"{request.view_args['name']} {g.name} {current_app.name}"

    results = {}

    def run(name):
        results[name] = app.test_client().get(f"/who/{name}").data

    threads = [threading.Thread(target=run, args=(n,)) for n in ("ann", "bob")]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert results == {"ann": f"ann ann {__name__}".encode(), "bob": f"bob bob {__name__}".encode()}


def test_outside_contexts(app):
    with pytest.raises(RuntimeError, match="outside of request context"):
        request.method
    with app.app_context():
        assert current_app.name == __name__
        g.x = 1
        assert g.get("x") == 1
        with pytest.raises(RuntimeError, match="outside of request context"):
            request.path


def test_url_for_outside_request_needs_server_name(app):
    @app.route("/p/<int:n>")
    def p(n):
        return ""

    with app.app_context():
        with pytest.raises(RuntimeError, match="SERVER_NAME"):
            url_for("p", n=1)
        app.config["SERVER_NAME"] = "example.com"
        assert url_for("p", n=1) == "http://example.com/p/1"
        assert url_for("p", n=1, _external=False, _anchor="x y") == "/p/1#x%20y"


def test_nested_blueprint_setup_errors(app):
    parent, child = Blueprint("parent", __name__), Blueprint("child", __name__)
    with pytest.raises(ValueError, match="on itself"):
        parent.register_blueprint(parent)
    parent.register_blueprint(child, url_prefix="/c")
    app.register_blueprint(parent)
    assert {"parent", "parent.child"} <= app.blueprints.keys()
    with pytest.raises(AssertionError, match="'register_blueprint' can no longer be called"):
        parent.register_blueprint(Blueprint("late", __name__))
    # as Flask 2.3+: the same blueprint under the same name twice is refused too
    with pytest.raises(ValueError, match="already registered for this blueprint"):
        app.register_blueprint(parent)
    other = Blueprint("other", __name__)
    other.register_blueprint(Blueprint("child", __name__))
    app.register_blueprint(other, name="parent2")
    assert "parent2.child" in app.blueprints
    with pytest.raises(ValueError, match="The name 'parent' is already registered for a different blueprint"):
        app.register_blueprint(Blueprint("x", __name__), name="parent")


def test_dict_views_answer_as_jsonify(app):
    """A dict is answered on the short path without a Response object, as
    jsonify makes it: compact and sorted, indented in debug mode, HEAD
    without the body, an unserializable value a 500."""
    from collections import OrderedDict

    @app.route("/d/<int:n>")
    def d(n):
        return {"n": n, "a": [1, "\u00e9"]}

    @app.route("/bad")
    def bad():
        return {"x": object()}

    @app.route("/ordered")
    def ordered():
        return OrderedDict(b=1, a=2)

    c = app.test_client()
    r = c.get("/d/3")
    assert (r.status_code, r.data, r.headers["Content-Type"], r.headers["Content-Length"]) == (
        200, b'{"a":[1,"\\u00e9"],"n":3}\n', "application/json", str(len(r.data)))
    r = c.head("/d/3")
    assert (r.data, r.headers["Content-Length"]) == (b"", "25")
    assert c.get("/ordered").data == b'{"a":2,"b":1}\n'
    assert c.get("/bad").status_code == 500
    app.config["DEBUG"] = True
    assert c.get("/d/3").data == b'{\n  "a": [\n    1,\n    "\\u00e9"\n  ],\n  "n": 3\n}\n'
