"""``fastdispatch.testing.TestClient`` against Flask's and Werkzeug's test
clients: the same environ for the same call, the same view of the request
inside a Flask app, the same cookie jar and redirect handling; and every
request validated by ``wsgiref.validate``."""

from __future__ import annotations

import io
import json
import re
import warnings

import flask
import pytest
import werkzeug.test

from fastdispatch.response import Response, redirect
from fastdispatch.testing import ClientRedirectError, Cookie, TestClient, TestResponse, create_environ

# -- request specifications (factories: file objects are consumed per call) ------

SPECS = {
    "root": lambda: ("/", {}),
    "unicode-path": lambda: ("/path/with space/ü/€", {}),
    "quoted-path": lambda: ("/a%2Fb/%C3%BC/%ZZ?x=1&y=%20", {}),
    "bad-utf8": lambda: ("/%FF%FE", {}),
    "empty-path": lambda: ("", {}),
    "qs-dict": lambda: ("/q", {"query_string": {"a": "1", "b": ["2", "3"], "c": None, "d": "ü &=+/?", "e": 5, "f": ("t1", "t2"), "g": []}}),
    "qs-str": lambda: ("/q", {"query_string": "raw=ü&x&y=%41"}),
    "qs-pairs": lambda: ("/q", {"query_string": [("a", "1"), ("b", "x"), ("a", "2")]}),
    "headers-dict": lambda: ("/h", {"headers": {"X-Foo": "bar", "Accept": ["a/b", "c/d"], "X-Num": 3}}),
    "headers-list": lambda: ("/h", {"headers": [("X-Dup", "1"), ("x-dup", "2"), ("Content-Type", "text/plain"), ("Content-Length", "99"), ("X_Under", "u")]}),
    "post-str": lambda: ("/p", {"method": "POST", "data": "hello ü"}),
    "post-bytes-ct": lambda: ("/p", {"method": "POST", "data": b"\x00\xff raw", "content_type": "application/octet-stream"}),
    "post-filelike": lambda: ("/p", {"method": "PUT", "data": io.BytesIO(b"from a file")}),
    "post-empty": lambda: ("/p", {"method": "POST", "data": b""}),
    "form": lambda: ("/f", {"method": "POST", "data": {"a": "1", "b": ["x", "y"], "n": 5, "sp": "a b&c=d", "u": "ü€", "none": None}}),
    "form-explicit-ct": lambda: ("/f", {"method": "POST", "data": {"a": "1"}, "content_type": "application/x-www-form-urlencoded"}),
    "multipart": lambda: (
        "/m",
        {
            "method": "POST",
            "data": {
                "name": "x",
                "f": (io.BytesIO(b"file content\r\n--not a boundary"), "a.txt"),
                "g": (io.BytesIO(b""), "empty.bin", "application/x-custom"),
                "multi": [(io.BytesIO(b"1"), "1.png"), (io.BytesIO(b"2"), "2.json"), "plain"],
                "empty": "",
                "ü": "wert",
                "bare": io.BytesIO(b"no name"),
                "unknown": (io.BytesIO(b"?"), "noext"),
            },
        },
    ),
    "multipart-forced": lambda: ("/m", {"method": "POST", "data": {"a": "1", "b": "2"}, "content_type": "multipart/form-data"}),
    "multipart-unicode-filename": lambda: ("/m", {"method": "PATCH", "data": {"file": (io.BytesIO(b"x" * 20000), "naïve résumé.pdf")}}),
    "dict-other-ct": lambda: ("/f", {"method": "POST", "data": {"a": "1"}, "content_type": "application/json"}),
    "json-ct": lambda: ("/j", {"method": "POST", "json": [1, 2], "content_type": "application/vnd.api+json"}),
    "json-header-ct": lambda: ("/j", {"method": "POST", "json": "s", "headers": {"Content-Type": "application/x-json"}}),
    "mimetype": lambda: ("/t", {"method": "POST", "data": "text", "mimetype": "text/plain"}),
    "content-length-only": lambda: ("/c", {"method": "POST", "content_length": 0}),
    "input-stream": lambda: ("/s", {"method": "POST", "input_stream": io.BytesIO(b"streamed body"), "content_type": "text/plain"}),
    "auth": lambda: ("/a", {"auth": ("user", "pässword")}),
    "environ": lambda: ("/e", {"environ_base": {"REMOTE_ADDR": "10.0.0.1", "X_CUSTOM": "base"}, "environ_overrides": {"SERVER_PROTOCOL": "HTTP/1.0"}}),
    "base-url": lambda: ("/x/y", {"base_url": "http://example.com:8080/root/"}),
    "base-url-https": lambda: ("/x", {"base_url": "https://secure.example.com"}),
    "head": lambda: ("/h", {"method": "HEAD"}),
    "options": lambda: ("/o", {"method": "OPTIONS"}),
    "delete": lambda: ("/d", {"method": "DELETE", "query_string": "x=1"}),
}
# Flask-only: these follow flask.testing.EnvironBuilder, which differs from
# Werkzeug's plain one (absolute paths, subdomain, scheme, fragment dropped,
# JSON dumped with the app's sorted-keys provider).  Our client is Flask's.
FLASK_SPECS = {
    **SPECS,
    "fragment": lambda: ("/p?a=1#frag", {}),
    "json": lambda: ("/j", {"method": "POST", "json": {"b": 1, "a": "ü", "l": [1, None]}}),
    "absolute": lambda: ("https://other.example.com:444/abs?q=1", {}),
    "subdomain": lambda: ("/s", {"subdomain": "api"}),
    "url-scheme": lambda: ("/s", {"url_scheme": "https"}),
}


def normalize(environ, body):
    """Replace the random multipart boundary, fixing up the length."""
    m = re.search(r'boundary="([^"]+)"', environ.get("CONTENT_TYPE", ""))
    if m:
        boundary = m.group(1)
        body = body.replace(boundary.encode(), b"BOUNDARY")
        environ["CONTENT_TYPE"] = environ["CONTENT_TYPE"].replace(boundary, "BOUNDARY")
        environ["CONTENT_LENGTH"] = str(len(body))
    return environ, body


# -- a hand-written WSGI app against Werkzeug's plain client ---------------------


def echo_app(environ, start_response):
    length = environ.get("CONTENT_LENGTH")
    body = environ["wsgi.input"].read(int(length)) if length else b""
    env = {k: v for k, v in environ.items() if k not in ("wsgi.input", "wsgi.errors") and not k.startswith("werkzeug.")}
    env["wsgi.version"] = list(env["wsgi.version"])
    env, body = normalize(env, body)
    out = json.dumps({"environ": env, "body": body.decode("latin1")}).encode()
    start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(out)))])
    return [out]


@pytest.mark.parametrize("name", sorted(SPECS))
def test_environ_matches_werkzeug_client(name):
    path, kwargs = SPECS[name]()
    theirs = werkzeug.test.Client(echo_app).open(path, **kwargs)
    path, kwargs = SPECS[name]()
    client = TestClient(echo_app)
    client.environ_base = {}  # Werkzeug's plain client adds nothing
    ours = client.open(path, **kwargs)
    assert ours.json == theirs.json
    assert ours.status == theirs.status and list(ours.headers.items()) == list(theirs.headers.items())


@pytest.mark.parametrize("name", sorted(SPECS))
def test_create_environ_matches_werkzeug(name):
    path, kwargs = SPECS[name]()
    theirs = werkzeug.test.create_environ(path, **kwargs)
    path, kwargs = SPECS[name]()
    ours = create_environ(path, **kwargs)
    their_body, our_body = theirs.pop("wsgi.input").read(), ours.pop("wsgi.input").read()
    assert ours.pop("wsgi.errors") is theirs.pop("wsgi.errors")
    assert normalize(ours, our_body) == normalize(theirs, their_body)


def test_environ_is_pep3333():
    env = create_environ("/ü/a b?q=ü", method="POST", data="x", headers={"X-A": "ü"})
    for key, value in env.items():
        if "." not in key:
            assert type(value) is str, key
            value.encode("latin1")  # "native strings" only
    assert env["PATH_INFO"] == "/ü/a b".encode().decode("latin1")
    assert env["QUERY_STRING"] == "q=ü".encode().decode("latin1")
    assert "HTTP_CONTENT_TYPE" not in env and "HTTP_CONTENT_LENGTH" not in env
    assert env["SERVER_NAME"] == "localhost" and env["SERVER_PORT"] == "80" and env["wsgi.url_scheme"] == "http"
    assert isinstance(env["wsgi.input"], io.BytesIO) and env["wsgi.version"] == (1, 0)


# -- a Flask app: what its views see, through Flask's client and ours -------------

ALL_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]


def make_flask_app(captured):
    app = flask.Flask(__name__)

    @app.route("/", defaults={"p": ""}, methods=ALL_METHODS)
    @app.route("/<path:p>", methods=ALL_METHODS)
    def echo(p):
        req = flask.request
        data = req.get_data(cache=True, parse_form_data=False)
        environ = {k: v for k, v in req.environ.items() if not k.startswith("werkzeug.") and k not in ("wsgi.input", "wsgi.errors")}
        environ, data = normalize(environ, data)
        captured.append(
            {
                "environ": environ,
                "data": data,
                "path": req.path,
                "full_path": req.full_path,
                "script_root": req.script_root,
                "url": req.url,
                "method": req.method,
                "args": req.args.to_dict(flat=False),
                "form": req.form.to_dict(flat=False),
                "files": {k: [(f.filename, f.content_type, f.read()) for f in fs] for k, fs in req.files.lists()},
                "json": req.get_json(silent=True),
                "cookies": req.cookies.to_dict(flat=False),
                # the random multipart boundary is normalized in ``environ`` above
                "headers": [(k, v) for k, v in req.headers.items() if "boundary" not in environ.get("CONTENT_TYPE", "") or k.lower() not in ("content-type", "content-length")],
                "remote_addr": req.remote_addr,
                "authorization": (req.authorization.username, req.authorization.password) if req.authorization else None,
            }
        )
        return "ok"

    return app


def clients(app):
    theirs = app.test_client()
    ours = TestClient(app)
    ours.environ_base["HTTP_USER_AGENT"] = theirs.environ_base["HTTP_USER_AGENT"]
    return ours, theirs


@pytest.mark.parametrize("name", sorted(FLASK_SPECS))
def test_flask_view_sees_the_same_request(name):
    captured = []
    app = make_flask_app(captured)
    if name == "absolute":
        app.config["SERVER_NAME"] = None
    ours, theirs = clients(app)
    path, kwargs = FLASK_SPECS[name]()
    their_response = theirs.open(path, **kwargs)
    path, kwargs = FLASK_SPECS[name]()
    our_response = ours.open(path, **kwargs)
    assert len(captured) == (0 if name == "empty-path" else 2)  # "": a 308 to "/" for both
    assert captured[1:] == captured[:1]
    assert our_response.status == their_response.status
    assert list(our_response.headers.items()) == list(their_response.headers.items())
    assert our_response.data == their_response.data


def test_flask_config_shapes_the_url():
    captured = []
    app = make_flask_app(captured)
    app.config.update(SERVER_NAME="example.org:8000", APPLICATION_ROOT="/app", PREFERRED_URL_SCHEME="https")
    ours, theirs = clients(app)
    assert theirs.get("/x?a=1").status_code == ours.get("/x?a=1").status_code == 200
    assert captured[1] == captured[0]
    assert captured[1]["url"] == "https://example.org:8000/app/x?a=1"


def test_base_url_with_subdomain_is_refused():
    app = make_flask_app([])
    ours, theirs = clients(app)
    with pytest.raises(AssertionError):
        theirs.get("/", base_url="http://x/", subdomain="a")
    with pytest.raises(AssertionError):
        ours.get("/", base_url="http://x/", subdomain="a")


@pytest.mark.parametrize(
    "path,kwargs,exc",
    [
        ("/?a=1", {"query_string": {"b": "2"}}, ValueError),
        ("/", {"json": 1, "data": "x"}, TypeError),
        ("/", {"data": "x", "input_stream": io.BytesIO(b"y")}, TypeError),
        ("/", {"base_url": "http://x/?q"}, ValueError),
        ("/", {"headers": {"X-A": "a\r\nb"}}, ValueError),
    ],
)
def test_bad_arguments_fail_like_flask(path, kwargs, exc):
    app = make_flask_app([])
    ours, theirs = clients(app)
    with pytest.raises(exc):
        theirs.open(path, **kwargs)
    with pytest.raises(exc):
        ours.open(path, **kwargs)


# -- cookies ------------------------------------------------------------------------


def make_cookie_app(captured):
    app = flask.Flask(__name__)

    @app.route("/set")
    def set_():
        a = flask.request.args
        r = flask.make_response("set")
        kw = {}
        if "path" in a:
            kw["path"] = a["path"]
        if "domain" in a:
            kw["domain"] = a["domain"]
        if "max_age" in a:
            kw["max_age"] = int(a["max_age"])
        if "expires" in a:
            kw["expires"] = int(a["expires"])
        r.set_cookie(a["k"], a.get("v", ""), httponly="httponly" in a, secure="secure" in a, samesite=a.get("samesite"), **kw)
        return r

    @app.route("/del")
    def delete():
        r = flask.make_response("deleted")
        r.delete_cookie(flask.request.args["k"], path=flask.request.args.get("path", "/"))
        return r

    @app.route("/", defaults={"p": ""})
    @app.route("/<path:p>")
    def show(p):
        captured.append((flask.request.path, flask.request.cookies.to_dict(flat=False), flask.request.headers.get("Cookie")))
        return "shown"

    return app


COOKIE_STEPS = [
    "/set?k=a&v=1",
    "/set?k=b&v=two words&httponly&secure&samesite=Lax",
    "/set?k=q&v=quo\"te;semi",
    "/set?k=u&v=ünï",
    "/show",
    "/set?k=scoped&v=s&path=/sub",
    "/sub/page",
    "/subway",
    "/set?k=a&v=replaced",
    "/show",
    "/set?k=dom&v=d&domain=localhost",
    "/set?k=other&v=o&domain=example.com",
    "/show",
    "/del?k=b",
    "/show",
    "/set?k=gone&v=x&max_age=0",
    "/set?k=epoch&v=x&expires=0",
    "/set?k=past&v=kept&expires=1000",
    "/show",
    "/del?k=scoped&path=/sub",
    "/sub/page",
    "/set?k=deep&v=1&path=/sub/",
    "/sub",
    "/sub/",
]


@pytest.mark.parametrize("headers", [None, {"Cookie": "manual=1"}])
def test_cookie_jar_matches_flask(headers):
    captured = []
    app = make_cookie_app(captured)
    ours, theirs = clients(app)
    for step in COOKIE_STEPS:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            t = theirs.get(step, headers=headers)
            o = ours.get(step, headers=headers)
        assert o.headers.getlist("Set-Cookie") == t.headers.getlist("Set-Cookie"), step
        assert o.data == t.data
    assert captured[0::2] == captured[1::2]
    assert len(captured) == 2 * sum(1 for s in COOKIE_STEPS if not s.startswith(("/set", "/del")))
    # the jars hold the same cookies
    for key, domain, path in [("a", "localhost", "/"), ("u", "localhost", "/"), ("dom", "localhost", "/"), ("past", "localhost", "/"), ("deep", "localhost", "/sub/"), ("b", "localhost", "/"), ("gone", "localhost", "/")]:
        theirs_cookie, ours_cookie = theirs.get_cookie(key, domain, path), ours.get_cookie(key, domain, path)
        assert (theirs_cookie is None) == (ours_cookie is None), key
        if ours_cookie is not None:
            for field in Cookie.__slots__:
                assert getattr(ours_cookie, field) == getattr(theirs_cookie, field), (key, field)


def test_client_cookie_api_matches_flask():
    captured = []
    app = make_cookie_app(captured)
    ours, theirs = clients(app)
    for client in (theirs, ours):
        client.set_cookie("k1", "v 1")
        client.set_cookie("k2", "v2", path="/sub")
        client.set_cookie("k3", "v3", domain="localhost", origin_only=False)
        client.set_cookie("k4", "v4", domain="example.com")
        client.get("/sub/x")
        client.delete_cookie("k1")
        client.set_cookie("k3", "", max_age=0, domain="localhost")
        client.get("/sub/x")
    assert len(captured) == 4 and captured[:2] == captured[2:]
    assert ours.get_cookie("k2", path="/sub").decoded_value == theirs.get_cookie("k2", path="/sub").decoded_value == "v2"


def test_cookies_disabled():
    captured = []
    app = make_cookie_app(captured)
    ours = TestClient(app, use_cookies=False)
    ours.get("/set?k=a&v=1")
    ours.get("/show", headers={"Cookie": "manual=1"})
    assert captured == [("/show", {"manual": ["1"]}, "manual=1")]
    with pytest.raises(TypeError):
        ours.get_cookie("a")
    with pytest.raises(TypeError):
        ours.set_cookie("a", "b")


# -- redirects --------------------------------------------------------------------


def make_redirect_app():
    app = flask.Flask(__name__)

    @app.route("/r1", methods=["GET", "POST", "HEAD"])
    def r1():
        return flask.redirect("/r2?from=r1")

    @app.route("/r2", methods=["GET", "POST"])
    def r2():
        return flask.redirect(flask.url_for("r3", q="ü x"), 307)

    @app.route("/r3", methods=["GET", "POST"])
    def r3():
        return {"method": flask.request.method, "args": flask.request.args.to_dict(), "ct": flask.request.content_type}

    @app.route("/dir/")
    def directory():
        return "dir"

    @app.route("/loop")
    def loop():
        return flask.redirect("/loop")

    @app.route("/external")
    def external():
        return flask.redirect("http://elsewhere.example/")

    @app.route("/sub")
    def sub():
        return flask.redirect("http://api.localhost/r3")

    @app.route("/absolute")
    def absolute():
        return flask.redirect("http://localhost/r3?abs=1", 301)

    @app.route("/see-other", methods=["POST"])
    def see_other():
        return flask.redirect("/r3", 303)

    return app


@pytest.mark.parametrize(
    "method,path,kwargs",
    [
        ("GET", "/r1", {}),
        ("POST", "/r1", {"data": {"a": "1"}}),
        ("HEAD", "/r1", {}),
        ("GET", "/dir", {}),
        ("GET", "/dir?x=1", {}),
        ("GET", "/absolute", {}),
        ("POST", "/see-other", {"data": "x"}),
        ("GET", "/r3", {}),
    ],
)
def test_follow_redirects_matches_flask(method, path, kwargs):
    app = make_redirect_app()
    ours, theirs = clients(app)
    t = theirs.open(path, method=method, follow_redirects=True, **kwargs)
    o = ours.open(path, method=method, follow_redirects=True, **kwargs)
    assert [(r.status, r.location) for r in o.history] == [(r.status, r.location) for r in t.history]
    assert o.status == t.status and o.data == t.data
    assert list(o.headers.items()) == list(t.headers.items())
    assert o.request.path == t.request.path
    assert ours.open(path, method=method, **kwargs).status == theirs.open(path, method=method, **kwargs).status


def test_redirect_307_keeps_method_and_body():
    app = make_redirect_app()
    ours, _ = clients(app)
    r = ours.post("/r2", data={"a": "1"}, follow_redirects=True)
    # Werkzeug would resend the consumed (empty) input stream; we resend the body.
    assert r.json == {"method": "POST", "args": {"q": "ü x"}, "ct": "application/x-www-form-urlencoded"}


@pytest.mark.parametrize("path,exc", [("/loop", None), ("/external", RuntimeError), ("/sub", RuntimeError)])
def test_redirect_errors_match_flask(path, exc):
    app = make_redirect_app()
    ours, theirs = clients(app)
    their_exc = exc or werkzeug.test.ClientRedirectError
    our_exc = exc or ClientRedirectError
    with pytest.raises(their_exc) as t:
        theirs.get(path, follow_redirects=True)
    with pytest.raises(our_exc) as o:
        ours.get(path, follow_redirects=True)
    assert str(o.value) == str(t.value)


def test_subdomain_redirects_when_allowed():
    app = make_redirect_app()
    app.config["SERVER_NAME"] = "localhost"
    app.url_map.default_subdomain = ""
    ours = TestClient(app, allow_subdomain_redirects=True)
    r = ours.get("/sub", follow_redirects=True)
    assert [h.status_code for h in r.history] == [302]
    assert r.request.environ["HTTP_HOST"] == "api.localhost"


# -- validation ---------------------------------------------------------------------


def test_responses_pass_validation():
    cases = [
        Response("ok"),
        Response(b"bytes", 201, {"X-A": "1"}),
        Response(iter(["a", b"b"])),
        Response("", 204),
        Response("gone", 304, {"ETag": '"x"', "Expires": "0"}),
        Response(None, 404),
        Response("x", "299 Custom"),
        redirect("/ü x"),
        Response("{}", mimetype="application/json"),
    ]
    for resp in cases:
        for method in ("GET", "HEAD", "POST"):
            r = TestClient(resp).open("/", method=method)  # validate=True is the default
            assert r.status == resp.status


def test_a_204_from_flask_needs_validation_off():
    # Werkzeug keeps Content-Type on a 204, which wsgiref.validate rejects;
    # ours drops it on the wire (the one deliberate difference).
    flask_204 = flask.Response("", 204)
    with pytest.raises(AssertionError, match="Content-Type header found in a 204"):
        TestClient(flask_204).get("/")
    assert TestClient(flask_204, validate=False).get("/").status_code == 204
    assert "Content-Type" not in TestClient(Response("", 204)).get("/").headers


def bad_str_body(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain")])
    return ["not bytes"]


def bad_no_content_type(environ, start_response):
    start_response("200 OK", [("Content-Length", "0")])
    return [b""]


def bad_header_tuple(environ, start_response):
    start_response("200 OK", (("Content-Type", "text/plain"),))
    return [b"x"]


def bad_read_without_size(environ, start_response):
    environ["wsgi.input"].read()
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"x"]


def bad_status(environ, start_response):
    start_response("20 OK", [("Content-Type", "text/plain")])
    return [b"x"]


@pytest.mark.parametrize("app", [bad_str_body, bad_no_content_type, bad_header_tuple, bad_read_without_size, bad_status])
def test_invalid_apps_are_caught(app):
    with pytest.raises(AssertionError):
        TestClient(app).post("/", data="x")


def test_validation_can_be_turned_off():
    assert TestClient(bad_no_content_type, validate=False).get("/").status_code == 200
    assert TestClient(bad_read_without_size, validate=False).post("/", data="x").data == b"x"


def test_app_exceptions_propagate():
    def boom(environ, start_response):
        raise ZeroDivisionError

    with pytest.raises(ZeroDivisionError):
        TestClient(boom).get("/")


def test_write_callable_and_closing():
    closed = []

    class Body:
        def __iter__(self):
            return iter([b"-iter"])

        def close(self):
            closed.append(True)

    def app(environ, start_response):
        write = start_response("200 OK", [("Content-Type", "text/plain")])
        write(b"written")
        return Body()

    r = TestClient(app).get("/")
    assert r.data == b"written-iter" and closed == [True]


# -- the TestResponse ------------------------------------------------------------------


def test_test_response_api():
    def app(environ, start_response):
        body = json.dumps({"path": environ["PATH_INFO"]}).encode()
        start_response("201 CREATED", [("Content-Type", "application/json"), ("Location", "/ü"), ("X-Multi", "1"), ("X-Multi", "2")])
        return [body]

    r = TestClient(app).post("/x?y=1", data="z")
    assert isinstance(r, TestResponse) and isinstance(r, Response)
    assert r.status == "201 CREATED" and r.status_code == 201
    assert r.json == r.get_json() == {"path": "/x"}
    assert r.text == r.get_data(as_text=True) == '{"path": "/x"}'
    assert r.mimetype == "application/json" and r.is_json and r.location == "/ü"
    assert r.headers.getlist("X-Multi") == ["1", "2"]
    assert r.content_length is None  # the app sent none, and none is invented
    assert r.request.method == "POST" and r.request.path == "/x" and r.request.url == "http://localhost/x?y=1"
    assert r.request.environ["QUERY_STRING"] == "y=1" and r.history == ()


def test_head_has_no_body_and_same_headers():
    app = make_flask_app([])
    ours, theirs = clients(app)
    o, t = ours.head("/x"), theirs.head("/x")
    assert o.data == t.data == b""
    assert list(o.headers.items()) == list(t.headers.items())


def test_context_manager_and_repr():
    with TestClient(echo_app) as client:
        assert client.get("/").status_code == 200
    assert repr(client).startswith("<TestClient")
    assert TestClient.__test__ is False and TestResponse.__test__ is False


def test_every_method_helper():
    client = TestClient(echo_app)
    for name in ("get", "post", "put", "patch", "delete", "options", "trace"):
        r = getattr(client, name)("/m")
        assert r.json["environ"]["REQUEST_METHOD"] == name.upper()
    assert client.head("/m").request.method == "HEAD"
