"""The one request pipeline: every request matched exactly once, whatever
its outcome, on both twins (router and short path), with and without
hooks; the router's exceptions are the HTTP ones; the short path's contract
with ``Request``."""

import pytest

import fastdispatch.exceptions as http_exceptions
import fastdispatch.routing as routing
from fastdispatch import request as current_request
from fastdispatch.request import SHORT_PATH_SLOTS, Request

from ..conftest import PURE_INSTALL


class Counting:
    """A router whose matches are counted (wrapping either twin)."""

    def __init__(self, router):
        self.router = router
        self.matches = 0

    def match(self, method, path):
        self.matches += 1
        return self.router.match(method, path)

    def __getattr__(self, name):
        return getattr(self.router, name)

    def __iter__(self):
        return iter(self.router)


OUTCOMES = [
    ("GET", "/items/7", "200 OK"),
    ("HEAD", "/items/7", "200 OK"),
    ("GET", "/json/7", "200 OK"),
    ("GET", "/nope", "404 NOT FOUND"),
    ("DELETE", "/items/7", "405 METHOD NOT ALLOWED"),
    ("GET", "/dir", "308 PERMANENT REDIRECT"),
    ("GET", "/a//b", "308 PERMANENT REDIRECT"),
    ("OPTIONS", "/items/7", "200 OK"),
    ("options", "/items/7", "200 OK"),
    ("GET", "/caf\u00c3\u00a9", "200 OK"),  # WSGI's latin-1 for UTF-8 "café"
    ("GET", "/boom", "500 INTERNAL SERVER ERROR"),
]


@pytest.fixture(params=["nohooks", "hooks", "middleware"])
def counted_app(request, router_cls, app_cls):
    app = app_cls(__name__)
    counting = Counting(router_cls(merge_slashes=True))
    app.url_map = counting

    @app.route("/items/<int:n>", methods=["GET", "PUT"])
    def item(n):
        return f"item {n} at {current_request.endpoint}"

    @app.route("/json/<int:n>")
    def as_json(n):
        return {"n": n}

    @app.route("/dir/")
    def directory():
        return "dir"

    @app.route("/a/b")
    def ab():
        return "ab"

    @app.route("/caf\u00e9")
    def cafe():
        return "caf\u00e9"

    @app.route("/boom")
    def boom():
        raise RuntimeError("boom")

    seen = []
    if request.param == "hooks":
        app.before_request(lambda: seen.append(current_request.endpoint))
    elif request.param == "middleware":
        inner = app.wsgi_app
        app.wsgi_app = lambda environ, start_response: inner(environ, start_response)
    app.logger.disabled = True
    return app, counting, seen


@pytest.mark.parametrize("method, path, status", OUTCOMES, ids=[f"{m}-{p}" for m, p, _ in OUTCOMES])
def test_every_request_is_matched_once(counted_app, method, path, status):
    app, counting, seen = counted_app
    got = []
    environ = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "SERVER_NAME": "localhost",
        "SERVER_PORT": "80",
        "wsgi.url_scheme": "http",
        "wsgi.input": None,
    }
    body = b"".join(app(environ, lambda s, h, e=None: got.append((s, dict(h)))))
    assert got[0][0] == status, body
    assert counting.matches == 1
    if method.upper() == "OPTIONS":
        assert got[0][1]["Allow"] == "GET, HEAD, OPTIONS, PUT"
    if seen:  # the hooks see the endpoint of an automatic OPTIONS, as Flask's
        endpoints = {"/items/7": "item", "/json/7": "as_json", "/caf\u00c3\u00a9": "cafe", "/boom": "boom"}
        assert seen == [None if method == "DELETE" else endpoints.get(path)]


def _answer(app, method, path):
    got = []
    environ = {"REQUEST_METHOD": method, "PATH_INFO": path, "SERVER_NAME": "localhost", "SERVER_PORT": "80",
               "wsgi.url_scheme": "http", "wsgi.input": None}
    body = b"".join(app(environ, lambda s, h, e=None: got.append((s, h))))
    return got, body


@pytest.mark.parametrize("method, path, status", OUTCOMES, ids=[f"{m}-{p}" for m, p, _ in OUTCOMES])
def test_the_router_itself_answers_as_through_a_wrapper(counted_app, method, path, status):
    # the compiled short path calls the compiled router's own match as a C
    # function (MATCH_C), any other match through the method: alike
    app, counting, _ = counted_app
    wrapped = _answer(app, method, path)
    app.url_map = counting.router
    assert _answer(app, method, path) == wrapped
    assert wrapped[0][0][0] == status


def test_a_routers_own_match_is_called(router_cls, app_cls):
    class Routed(router_cls):
        def match(self, method, path):
            endpoint, values = super().match(method, path)
            return endpoint, {**values, "n": values["n"] + 1}

    app = app_cls(__name__)
    app.url_map = Routed()
    app.route("/items/<int:n>")(lambda n: f"item {n}")
    assert _answer(app, "GET", "/items/7")[1] == b"item 8"


def test_the_router_raises_the_http_exceptions():
    assert issubclass(routing.NotFound, http_exceptions.NotFound)
    assert issubclass(routing.MethodNotAllowed, http_exceptions.MethodNotAllowed)
    assert issubclass(routing.RequestRedirect, http_exceptions.HTTPException)
    for cls in (routing.NotFound, routing.MethodNotAllowed, routing.RequestRedirect):
        assert issubclass(cls, routing.RoutingException)
    assert routing.RequestRedirect.code == 308


def test_method_not_allowed_carries_werkzeugs_valid_methods(router):
    router.add("/r", "r", methods=["PUT", "GET"])
    with pytest.raises(http_exceptions.MethodNotAllowed) as info:
        router.match("POST", "/r")
    e = info.value
    assert (e.code, e.valid_methods, e.allowed) == (405, ["GET", "HEAD", "PUT"], {"GET", "HEAD", "PUT"})
    assert dict(e.get_response().headers)["Allow"] == "GET, HEAD, PUT"


def test_request_slots_are_the_short_paths_contract():
    """A slot added to Request must be filled by the compiled short path,
    which writes them in place without calling __init__."""
    assert set(Request.__slots__) == {*SHORT_PATH_SLOTS, "__dict__"}
    req = Request({}, None)
    assert all(hasattr(req, name) for name in SHORT_PATH_SLOTS)
    if routing.CompiledRouter is None and PURE_INSTALL:
        return
    import fastdispatch._shortpath as compiled

    assert compiled.FILLED_SLOTS == SHORT_PATH_SLOTS


def test_the_short_path_fills_every_request_slot(app_cls):
    """Each twin makes the view's Request without calling __init__ (the
    pure one as the compiled one): every slot is set, to what __init__
    and the match would give it."""
    app = app_cls(__name__)
    seen = {}

    @app.route("/items/<name>")
    def item(name):
        req = current_request._get_current_object()
        seen.update({slot: getattr(req, slot) for slot in SHORT_PATH_SLOTS})
        return name

    env = {"REQUEST_METHOD": "GET", "PATH_INFO": "/items/a", "SERVER_NAME": "x", "SERVER_PORT": "80",
           "SERVER_PROTOCOL": "HTTP/1.1", "HTTP_HOST": "x", "wsgi.url_scheme": "http"}
    assert b"".join(app(env, lambda *a: None)) == b"a"
    assert app._fast.serves
    assert seen == {"environ": env, "app": app, "endpoint": "item", "view_args": {"name": "a"},
                    "_form_loaded": False, "_session": None, "_after": None}
    assert seen["environ"] is env


class CallableView:
    """A view that is an object with ``__call__`` (no vectorcall of its own)."""

    def __call__(self, **values):
        return "called " + ",".join(f"{k}={v}" for k, v in values.items())


def test_views_get_their_values_as_keywords_however_called(app_cls):
    # the compiled short path passes a rule's values with the router's tuple
    # of names (a vectorcall) where that tuple is the dict's keys, and the
    # dict itself otherwise: every view gets the same keywords either way
    app = app_cls(__name__)
    app.logger.disabled = True
    nine = "/".join(f"<p{i}>" for i in range(9))
    app.add_url_rule("/many/" + nine, "many", lambda **v: ",".join(v))
    app.add_url_rule("/two/<a>/<int:b>", "two", lambda a, b: f"{a}+{b + 1}")
    app.add_url_rule("/dflt/<a>", "dflt", lambda a, extra: f"{a} {extra}", defaults={"extra": "x"})
    app.add_url_rule("/obj/<a>/<b>", "obj", CallableView())
    app.add_url_rule("/kw/<a>", "kw", lambda **v: repr(sorted(v.items())))
    app.add_url_rule("/bad/<a>", "bad", lambda b: b)

    @app.route("/mutating/<a>/<b>")
    def mutating(a, b):
        current_request.view_args.clear()  # the values are the call's own by now
        return f"{a}-{b}"

    assert _answer(app, "GET", "/many/" + "/".join("abcdefghi"))[1] == b",".join(f"p{i}".encode() for i in range(9))
    assert _answer(app, "GET", "/two/x/41")[1] == b"x+42"
    assert _answer(app, "GET", "/dflt/y")[1] == b"y x"
    assert _answer(app, "GET", "/obj/1/2")[1] == b"called a=1,b=2"
    assert _answer(app, "GET", "/kw/z")[1] == b"[('a', 'z')]"
    assert _answer(app, "GET", "/mutating/c/d")[1] == b"c-d"
    got, _ = _answer(app, "GET", "/bad/q")  # TypeError: an unexpected keyword, a 500
    assert got[0][0] == "500 INTERNAL SERVER ERROR"


def test_content_length_of_a_text_answer(app_cls):
    # the compiled short path keeps the headers of lengths below 1024: the
    # second ask of each length is answered from what the first made
    app = app_cls(__name__)
    app.route("/len/<int:n>")(lambda n: "\u00e9" * (n // 2) + "x" * (n % 2))
    for _ in range(2):
        for n in (0, 1, 9, 10, 99, 1022, 1023, 1024, 1025, 100_001):
            got, body = _answer(app, "GET", f"/len/{n}")
            assert (dict(got[0][1])["Content-Length"], len(body)) == (str(n), n)


def test_the_app_is_called_however_a_server_calls_it(app_cls):
    # the compiled App is called through a vectorcall of its own where the
    # call is the plain (environ, start_response); any other call goes to
    # the call slot as before
    app = app_cls(__name__)
    app.route("/")(lambda: "root")
    environ = {"REQUEST_METHOD": "GET", "PATH_INFO": "/", "SERVER_NAME": "localhost", "SERVER_PORT": "80",
               "wsgi.url_scheme": "http", "wsgi.input": None}
    got = []

    def start_response(status, headers, exc_info=None):
        got.append(status)

    assert app(environ, start_response) == [b"root"]
    assert app(environ, start_response=start_response) == [b"root"]
    assert app(environ=environ, start_response=start_response) == [b"root"]

    assert got == ["200 OK"] * 3
    with pytest.raises(TypeError):
        app(environ)
    with pytest.raises(TypeError):
        app(environ, start_response, None)


def test_a_call_set_on_the_class_later_is_called(app_cls):
    class Later(app_cls):
        pass

    app = Later(__name__)
    app.route("/")(lambda: "root")
    environ = {"REQUEST_METHOD": "GET", "PATH_INFO": "/", "SERVER_NAME": "localhost", "SERVER_PORT": "80",
               "wsgi.url_scheme": "http", "wsgi.input": None}
    assert app(environ, lambda s, h, e=None: None) == [b"root"]
    Later.__call__ = lambda self, environ, start_response: ["replaced", environ["PATH_INFO"]]
    assert app(environ, None) == ["replaced", "/"]
    assert app(environ=environ, start_response=None) == ["replaced", "/"]
