"""The framing guard (``fastdispatch.framing``, ``FRAMING_GUARD``): a request
two parsers could frame two ways gets a 400 and ``Connection: close`` before
any hook or view runs, on both twins (the short path's cheap test is each
twin's own); an ordinary request is served as before."""

import io
import sys
from collections.abc import Mapping

import pytest

from fastdispatch import framing


def environ(**extra):
    env = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": "/",
        "SCRIPT_NAME": "",
        "QUERY_STRING": "",
        "SERVER_NAME": "localhost",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "SERVER_SOFTWARE": "test",
        "HTTP_HOST": "localhost",
        "HTTP_USER_AGENT": "Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0",
        "HTTP_ACCEPT": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(b"hello"),
        "wsgi.errors": io.StringIO(),
    }
    for key, value in extra.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


@pytest.fixture
def app(app_cls):
    app = app_cls(__name__)
    app.ran = []

    @app.route("/", methods=["GET", "POST"])
    def index():
        app.ran.append("view")
        return "served"

    return app


@pytest.fixture
def hooked(app):
    @app.before_request
    def before():
        app.ran.append("before_request")

    return app


def call(app, env):
    seen = {}

    def start_response(status, headers, exc_info=None):
        seen["status"] = status
        seen["headers"] = headers

    body = b"".join(app(env, start_response))
    return seen["status"], dict(seen["headers"]), body


REFUSED = {
    "CL and TE": dict(CONTENT_LENGTH="5", HTTP_TRANSFER_ENCODING="chunked"),
    "CL 0 and TE": dict(CONTENT_LENGTH="0", HTTP_TRANSFER_ENCODING="chunked"),
    "TE space chunked": dict(HTTP_TRANSFER_ENCODING=" chunked", CONTENT_LENGTH=None),
    "TE Chunked": dict(HTTP_TRANSFER_ENCODING="Chunked", CONTENT_LENGTH=None),
    "TE chunked, identity": dict(HTTP_TRANSFER_ENCODING="chunked, identity", CONTENT_LENGTH=None),
    "TE xchunked": dict(HTTP_TRANSFER_ENCODING="xchunked", CONTENT_LENGTH=None),
    "TE identity": dict(HTTP_TRANSFER_ENCODING="identity", CONTENT_LENGTH=None),
    "TE gzip, chunked": dict(HTTP_TRANSFER_ENCODING="gzip, chunked", CONTENT_LENGTH=None),
    "TE empty": dict(HTTP_TRANSFER_ENCODING="", CONTENT_LENGTH=None),
    "CL negative": dict(CONTENT_LENGTH="-5"),
    "CL plus": dict(CONTENT_LENGTH="+5"),
    "CL leading space": dict(CONTENT_LENGTH=" 5"),
    "CL trailing space": dict(CONTENT_LENGTH="5 "),
    "CL duplicated, joined": dict(CONTENT_LENGTH="5, 5"),
    "CL duplicated, no space": dict(CONTENT_LENGTH="5,5"),
    "CL hex": dict(CONTENT_LENGTH="0x5"),
    "CL word": dict(CONTENT_LENGTH="five"),
    "CL latin-1 superscript": dict(CONTENT_LENGTH="\xb2"),
    "CL arabic-indic digit": dict(CONTENT_LENGTH="\u0665"),
    "HTTP/1.1 without Host": dict(HTTP_HOST=None),
    "HTTP/1.1 with an empty Host (granian's missing one)": dict(HTTP_HOST=""),
    "NUL": dict(HTTP_X_REQUEST_ID="a\x00b"),
    "SOH": dict(HTTP_X_REQUEST_ID="\x01"),
    "BS": dict(HTTP_X_REQUEST_ID="a\x08"),
    "LF": dict(HTTP_X_REQUEST_ID="a\nX-Injected: 1"),
    "CR": dict(HTTP_X_REQUEST_ID="a\rb"),
    "US": dict(HTTP_X_REQUEST_ID="a\x1f"),
    "DEL": dict(HTTP_X_REQUEST_ID="a\x7f"),
    "NUL after 8-byte words": dict(HTTP_X_REQUEST_ID="0123456789abcdef\x00"),
    "NUL in a word": dict(HTTP_X_REQUEST_ID="0123456789ab\x00def0123"),
    "control after a tab in the same word": dict(HTTP_X_REQUEST_ID="ab\tcd\x00ef"),
    "control in the Host": dict(HTTP_HOST="local\x00host"),
    "control in a non-latin-1 value": dict(HTTP_X_NAME="\u0416\x00"),
}


@pytest.mark.parametrize("extra", REFUSED.values(), ids=REFUSED.keys())
def test_refused_with_400_and_close_before_any_hook_or_view(hooked, extra):
    status, headers, body = call(hooked, environ(**extra))
    assert status == "400 BAD REQUEST"
    assert headers["Connection"] == "close"
    assert headers["Content-Length"] == str(len(body))
    assert b"<title>400 Bad Request</title>" in body
    assert hooked.ran == []


@pytest.mark.parametrize("extra", REFUSED.values(), ids=REFUSED.keys())
def test_refused_on_the_short_path_too(app, extra):
    # no hook: a hit the short path serves itself
    status, headers, _ = call(app, environ(**extra))
    assert (status, headers["Connection"]) == ("400 BAD REQUEST", "close")
    assert app.ran == []


SERVED = {
    "ordinary": {},
    "no body headers": dict(CONTENT_LENGTH=None),
    "CL": dict(CONTENT_LENGTH="5"),
    "CL leading zeros": dict(CONTENT_LENGTH="005"),
    "CL empty (PEP 3333)": dict(CONTENT_LENGTH=""),
    "TE chunked alone": dict(HTTP_TRANSFER_ENCODING="chunked", CONTENT_LENGTH=None),
    "TE chunked, CL empty": dict(HTTP_TRANSFER_ENCODING="chunked", CONTENT_LENGTH=""),
    "HTTP/1.0 without Host": dict(HTTP_HOST=None, SERVER_PROTOCOL="HTTP/1.0"),
    "HTTP/2 without Host": dict(HTTP_HOST=None, SERVER_PROTOCOL="HTTP/2"),
    "tab in a value": dict(HTTP_X_REQUEST_ID="a\tb"),
    "latin-1 in a value": dict(HTTP_X_NAME="caf\xe9 \xa0\xff"),
    "non-latin-1 value": dict(HTTP_X_NAME="\u0416\u0416\u0416"),
    "long value": dict(HTTP_COOKIE="k=" + "v" * 4000),
    "control outside the headers": dict(QUERY_STRING="a\x00b", REMOTE_USER="\x01"),
}


@pytest.mark.parametrize("extra", SERVED.values(), ids=SERVED.keys())
def test_ordinary_requests_are_served(hooked, extra):
    status, headers, body = call(hooked, environ(**extra))
    assert (status, body) == ("200 OK", b"served")
    assert "Connection" not in headers
    assert hooked.ran == ["before_request", "view"]


@pytest.mark.parametrize("extra", SERVED.values(), ids=SERVED.keys())
def test_ordinary_requests_on_the_short_path(app, extra):
    assert call(app, environ(**extra))[::2] == ("200 OK", b"served")


def test_the_twins_agree_with_the_full_check():
    # each twin's cheap test must flag (at least) what framing.problem refuses
    from fastdispatch import _shortpath_py

    for extra in REFUSED.values():
        assert framing.problem(environ(**extra)) is not None
        assert _shortpath_py._look(environ(**extra)) is None
    for extra in SERVED.values():
        assert framing.problem(environ(**extra)) is None
    # and nothing on an ordinary request (a chunked body is looked at)
    assert _shortpath_py._look(environ()) is not None


def test_off_with_the_config_key(hooked):
    hooked.config["FRAMING_GUARD"] = False
    status, _, body = call(hooked, environ(CONTENT_LENGTH="5", HTTP_TRANSFER_ENCODING="chunked"))
    assert (status, body) == ("200 OK", b"served")
    # and on again: the key is read per refusal, not cached
    hooked.config["FRAMING_GUARD"] = True
    assert call(hooked, environ(HTTP_HOST=None))[0] == "400 BAD REQUEST"


def test_on_by_default(app_cls):
    assert app_cls(__name__).config["FRAMING_GUARD"] is True


def test_middleware_wrapped_app_is_guarded(app):
    inner = app.wsgi_app
    passed = []

    def middleware(env, start_response):
        passed.append(env["PATH_INFO"])
        return inner(env, start_response)

    app.wsgi_app = middleware
    status, headers, _ = call(app, environ(CONTENT_LENGTH="1,1"))
    assert (status, headers["Connection"], passed, app.ran) == ("400 BAD REQUEST", "close", [], [])
    assert call(app, environ())[0] == "200 OK"
    assert passed == ["/"]


def test_no_connection_header_for_wsgiref(app):
    # wsgiref closes every connection, and turns a hop-by-hop header from the
    # app into an AssertionError (a 500)
    status, headers, _ = call(app, environ(HTTP_HOST=None, SERVER_SOFTWARE="WSGIServer/0.2 CPython/3.11"))
    assert status == "400 BAD REQUEST"
    assert "Connection" not in headers


def test_the_body_is_not_read(app):
    class Exploding:
        def read(self, *args):
            raise AssertionError("wsgi.input was read")

        readline = read

    assert call(app, environ(CONTENT_LENGTH="5", HTTP_TRANSFER_ENCODING="chunked", **{"wsgi.input": Exploding()}))[0] == "400 BAD REQUEST"


def test_the_test_client_sends_ordinary_requests(app):
    assert app.test_client().post("/", data=b"x" * 100).status_code == 200


class Key(str):
    """A str subclass as an environ key: no server sends one, but the
    compiled short path's walk must not read it as the str it equals."""


ODD_ENVIRONS = {
    "a str-subclass key": ({Key("HTTP_X_A"): "ok"}, "200 OK"),
    "a control character behind a str-subclass key": ({Key("HTTP_X_A"): "a\x00"}, "400 BAD REQUEST"),
    "the method behind a str-subclass key": ({"REQUEST_METHOD": None, Key("REQUEST_METHOD"): "GET"}, "200 OK"),
}


@pytest.mark.parametrize("extra, status", ODD_ENVIRONS.values(), ids=ODD_ENVIRONS.keys())
def test_odd_keys_are_judged_in_full(app, extra, status):
    # what the short path picks out by content during its walk (the method,
    # the path, the framing headers) is what the dict lookups would find
    env = environ()
    for key, value in extra.items():
        if value is None:
            del env[key]
        else:
            env[key] = value
    assert call(app, env)[0] == status
    assert app.ran == (["view"] if status == "200 OK" else [])


def test_a_key_that_is_no_str(app):
    # PEP 3333 wants str keys; one that is not is no header, on either twin
    # (the compiled walk skips it and looks up the keys it picks out; the
    # pure twin's layout holds it as any key; framing.controls skips it)
    assert call(app, {**environ(REQUEST_METHOD="GET"), 1: "x"})[::2] == ("200 OK", b"served")
    assert call(app, {**environ(HTTP_HOST=None), 1: "x"})[0] == "400 BAD REQUEST"
    assert call(app, {**environ(CONTENT_LENGTH="5 "), 1: "x"})[0] == "400 BAD REQUEST"
    assert call(app, {**environ(HTTP_X_A="a\x00"), 1: "x"})[0] == "400 BAD REQUEST"


class SecureEnviron(dict):
    """A dict subclass as the environ, as gevent's ``WSGISecureEnviron``."""


class MappingEnviron(Mapping):
    """No dict at all (PEP 3333 asks for one; Flask takes any mapping)."""

    def __init__(self, env):
        self.env = env

    def __getitem__(self, key):
        return self.env[key]

    def __iter__(self):
        return iter(self.env)

    def __len__(self):
        return len(self.env)


@pytest.mark.parametrize("kind", [SecureEnviron, MappingEnviron])
def test_an_environ_that_is_no_dict(hooked, kind):
    assert call(hooked, kind(environ()))[::2] == ("200 OK", b"served")
    assert hooked.ran == ["before_request", "view"]
    for extra in REFUSED.values():
        assert call(hooked, kind(environ(**extra)))[0] == "400 BAD REQUEST"
    assert hooked.ran == ["before_request", "view"]


def test_the_pure_twin_knows_a_layout_again():
    # _look's getter is made once per layout; what it picks out on the
    # second request of a layout is that request's, and a layout of the
    # same size with another header in place of one is found out
    from fastdispatch import _shortpath_py

    for extra in (*REFUSED.values(), *SERVED.values()):
        first, second = _shortpath_py._look(environ(**extra)), _shortpath_py._look(environ(**extra))
        assert (first is None) == (second is None)
        if framing.problem(environ(**extra)) is not None:
            assert second is None
    assert _shortpath_py._look(environ(HTTP_X_A="ok"))[:2] == ("POST", "/")
    assert _shortpath_py._look(environ(HTTP_X_A="ok", PATH_INFO="/b"))[:2] == ("POST", "/b")
    assert _shortpath_py._look(environ(HTTP_X_A=None, HTTP_X_B="a\x00")) is None
    assert _shortpath_py._look(environ(HTTP_X_A=None, HTTP_X_B="ok")) is not None
    assert _shortpath_py._look(environ(HTTP_X_A="a\x1f")) is None
    # more keys than the layouts kept: judged in full, as any odd request
    many = {f"HTTP_X_{i}": "v" for i in range(len(_shortpath_py._layouts))}
    assert _shortpath_py._look(environ(**many)) is None


def test_an_environ_of_many_keys(app):
    many = {f"HTTP_X_{i}": "v" for i in range(300)}
    assert call(app, environ(**many))[::2] == ("200 OK", b"served")
    assert call(app, environ(**{**many, "HTTP_X_299": "a\x00"}))[0] == "400 BAD REQUEST"


def test_deleted_keys_leave_the_walk_whole(app):
    # a dict's deleted entries are holes in its table: the walk steps over
    # them to the keys behind
    env = environ(**{f"HTTP_X_{i}": "v" for i in range(30)})
    for i in range(0, 30, 2):
        del env[f"HTTP_X_{i}"]
    env["HTTP_X_LAST"] = "a\x7f"
    assert call(app, env)[0] == "400 BAD REQUEST"
    del env["HTTP_X_LAST"], env["REQUEST_METHOD"]
    env["PATH_INFO"] = "".join(["/"])  # a fresh str, not the interned one
    env["REQUEST_METHOD"] = "GET"
    assert call(app, env)[::2] == ("200 OK", b"served")


def test_the_compiled_walk_reads_the_environ_in_place():
    # _dictwalk.h mirrors CPython 3.11-3.13's dict layout (default build);
    # its check at import must find it is this interpreter's there
    import sysconfig

    from tests.conftest import PURE_INSTALL

    if PURE_INSTALL:
        pytest.skip("installed with FASTDISPATCH_NO_EXTENSIONS=1")
    from fastdispatch import _shortpath

    known = sys.implementation.name == "cpython" and (3, 11) <= sys.version_info[:2] <= (3, 13)
    assert _shortpath.DIRECT_WALK == (known and not sysconfig.get_config_var("Py_GIL_DISABLED"))
