"""``fastdispatch.request.Request`` against ``werkzeug.wrappers.Request``
(the test-only oracle) on the same environs, plus the bad-input cases where
fastdispatch answers a precise 4xx while Werkzeug/Flask silently drop data
or fail with a 500, and the laziness the hot path depends on.
"""

from __future__ import annotations

import io
import json
import time
from urllib.parse import unquote_to_bytes
from wsgiref.util import setup_testing_defaults

import pytest
import werkzeug.exceptions
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict as WMultiDict
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request as WRequest

from fastdispatch.datastructures import BadRequestKeyError, FileStorage
from fastdispatch.exceptions import BadRequest, ClientDisconnected, RequestEntityTooLarge, UnsupportedMediaType
from fastdispatch.request import MAX_JSON_DEPTH, Request, _json_depth_exceeds

# -- helpers --------------------------------------------------------------------


def make_environ(
    path="/",
    query="",
    method="GET",
    headers=None,
    body=None,
    content_type=None,
    content_length=None,
    script_name="",
    **extra,
):
    """A WSGI environ as a server builds it: PATH_INFO percent-decoded and
    handed over as latin-1 code points, QUERY_STRING raw."""
    env = {
        "REQUEST_METHOD": method,
        "PATH_INFO": unquote_to_bytes(path).decode("latin-1"),
        "SCRIPT_NAME": script_name,
        "QUERY_STRING": query,
    }
    for name, value in (headers or {}).items():
        env["HTTP_" + name.upper().replace("-", "_")] = value
    if content_type is not None:
        env["CONTENT_TYPE"] = content_type
    if body is not None:
        env["wsgi.input"] = io.BytesIO(body)
        env["CONTENT_LENGTH"] = str(len(body)) if content_length is None else content_length
    elif content_length is not None:
        env["CONTENT_LENGTH"] = content_length
    env.update(extra)
    setup_testing_defaults(env)
    return env


def fresh(env):
    """A copy with its own unread body stream."""
    env = dict(env)
    stream = env.get("wsgi.input")
    if isinstance(stream, io.BytesIO):
        env["wsgi.input"] = io.BytesIO(stream.getvalue())
    return env


def pair(env):
    return Request(fresh(env)), WRequest(fresh(env))


def md(d):
    return list(d.items(multi=True))


def files_view(files):
    out = []
    for key, fs in files.items(multi=True):
        out.append(
            (
                key,
                fs.name,
                fs.filename,
                fs.content_type,
                fs.mimetype,
                fs.mimetype_params,
                fs.read(),
                sorted((k.lower(), v) for k, v in fs.headers.items()),
                bool(fs),
            )
        )
    return out


class FakeApp:
    """What Request needs of the app: its config."""

    def __init__(self, **config):
        self.config = {"MAX_CONTENT_LENGTH": None, "MAX_FORM_MEMORY_SIZE": 500_000, "MAX_FORM_PARTS": 1000, "DEBUG": False}
        self.config.update(config)


class ExplodingInput:
    """A wsgi.input that must not be touched."""

    def read(self, *args):
        raise AssertionError("wsgi.input was read")

    readline = readlines = read

    def __iter__(self):
        raise AssertionError("wsgi.input was iterated")


def raises_http(cls, code, fn, match=None):
    with pytest.raises(cls) as info:
        fn()
    assert info.value.code == code
    if match is not None:
        assert match in info.value.description, info.value.description
    return info.value


# Werkzeug's default 413 description: every 413 uses it, as Flask's do.
TOO_LARGE = "The data value transmitted exceeds the capacity limit."
assert werkzeug.exceptions.RequestEntityTooLarge.description == TOO_LARGE


def raises_413(fn):
    e = raises_http(RequestEntityTooLarge, 413, fn)
    assert e.description == TOO_LARGE, e.description
    return e


# -- request line ---------------------------------------------------------------

QUERIES = [
    "",
    "a=1",
    "a=1&a=2&b=3",
    "a=&b&c=",
    "=x&=y",
    "&&a=1&&",
    "a+b=c+d",
    "a%20b=c%2Bd",
    "q=%E2%9C%93&r=%C3%A9t%C3%A9",
    "bad=%FF&half=%C3&mixed=%C3%A9%FF",  # invalid UTF-8 escapes stay escaped
    "broken=%zz%2&pct=%&x=%2",
    ";a=1;b=2",  # ';' is not a separator
    "a=1;b=2&c=3",
    "a=%3D%26&b==c",
    "k=v#frag",
    "x=" + "%41" * 50,
    "arr[]=1&arr[]=2&obj[k]=v",
    "caf\u00c3\u00a9=th\u00c3\u00a9",  # raw UTF-8 bytes as WSGI latin-1 code points
    "emoji=%F0%9F%98%80&raw=\u00f0\u009f\u0098\u0080",
]


@pytest.mark.parametrize("query", QUERIES)
def test_query_string_matches_werkzeug(query):
    ours, theirs = pair(make_environ("/p", query))
    assert md(ours.args) == md(theirs.args)
    assert ours.query_string == theirs.query_string
    assert ours.full_path == theirs.full_path
    assert ours.url == theirs.url
    assert ours.base_url == theirs.base_url
    assert md(ours.values) == md(theirs.values)


def test_query_string_with_raw_invalid_utf8_is_replaced_not_a_crash():
    env = make_environ("/p", "a=\xff\xfe&b=ok")  # raw bytes 0xFF 0xFE
    with pytest.raises(UnicodeDecodeError):  # Werkzeug: a 500
        WRequest(fresh(env)).args
    req = Request(fresh(env))
    assert md(req.args) == [("a", "\ufffd\ufffd"), ("b", "ok")]
    assert req.full_path == "/p?a=\ufffd\ufffd&b=ok"


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(list("ab=&+%;#?/ 0123456789ABCDEFcdef") + ["é", "✓", "\x00", "%FF", "%C3", "%e2%9c%93"]), max_size=30))
def test_random_query_strings_match_werkzeug(pieces):
    query = "".join(pieces).encode("utf-8").decode("latin-1")
    ours, theirs = pair(make_environ("/", query))
    assert md(ours.args) == md(theirs.args)
    assert ours.full_path == theirs.full_path
    assert ours.url == theirs.url


PATHS = [
    "/",
    "",
    "/a/b/c",
    "/a//b/",
    "//leading/double",
    "no-leading-slash",
    "/caf%C3%A9/%E2%9C%93",
    "/bad/%FF%FE",  # invalid UTF-8: U+FFFD, as Werkzeug
    "/half/%C3",
    "/space%20and%2Fslash",
    "/percent%25sign",
    "/q%3Fmark/h%23sh",
    "/emoji/%F0%9F%98%80",
]


@pytest.mark.parametrize("script_name", ["", "/app", "/app/", "/caf\u00c3\u00a9"])
@pytest.mark.parametrize("path", PATHS)
def test_path_and_urls_match_werkzeug(path, script_name):
    ours, theirs = pair(make_environ(path, "x=1&y=%FF", script_name=script_name))
    for attr in ("path", "script_root", "full_path", "url", "base_url", "url_root", "host_url", "host", "scheme"):
        assert getattr(ours, attr) == getattr(theirs, attr), attr


@pytest.mark.parametrize(
    "env",
    [
        {"HTTP_HOST": "example.com"},
        {"HTTP_HOST": "Example.COM:8080"},
        {"HTTP_HOST": "example.com:80"},
        {"HTTP_HOST": "example.com:443", "wsgi.url_scheme": "https"},
        {"HTTP_HOST": "example.com:80", "wsgi.url_scheme": "https"},
        {"HTTP_HOST": "[::1]:5000"},
        {"HTTP_HOST": "xn--n3h.net"},
        {"HTTP_HOST": "bad host"},
        {"HTTP_HOST": "evil.com/path"},
        {"HTTP_HOST": "example.com:99999"},
        {"HTTP_HOST": "example.com:0"},
        {"HTTP_HOST": ""},
        {"SERVER_NAME": "srv.local", "SERVER_PORT": "8000"},
        {"SERVER_NAME": "::1", "SERVER_PORT": "8000"},
        {"SERVER_NAME": "srv.local", "SERVER_PORT": "443", "wsgi.url_scheme": "https"},
        {"SERVER_NAME": "/tmp/sock", "SERVER_PORT": ""},
    ],
)
def test_host_and_scheme_match_werkzeug(env):
    base = make_environ("/x/y", "a=1")
    base.pop("HTTP_HOST")
    base.update(env)
    ours, theirs = pair(base)
    for attr in ("host", "scheme", "is_secure", "url", "base_url", "url_root", "host_url", "server"):
        assert getattr(ours, attr) == getattr(theirs, attr), attr


@pytest.mark.parametrize("method", ["GET", "post", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "PROPFIND"])
def test_method_matches_werkzeug(method):
    ours, theirs = pair(make_environ(method=method))
    assert ours.method == theirs.method


def test_missing_environ_keys_have_werkzeug_defaults():
    env = {"wsgi.input": io.BytesIO(), "wsgi.url_scheme": "http"}
    ours, theirs = Request(dict(env)), WRequest(dict(env))
    for attr in ("method", "path", "script_root", "full_path", "host", "url", "query_string", "remote_addr", "content_type", "content_length", "mimetype"):
        assert getattr(ours, attr) == getattr(theirs, attr), attr
    assert md(ours.args) == [] and md(ours.form) == [] and ours.get_data() == b""


# -- headers, cookies, client info --------------------------------------------------


def test_headers_match_werkzeug():
    env = make_environ(
        "/",
        headers={"Accept": "text/html", "X-Forwarded-For": "1.2.3.4", "User-Agent": "curl/8.0", "X-Empty": "", "Referer": "http://r/"},
        body=b"{}",
        content_type="application/json",
        REMOTE_ADDR="10.0.0.1",
        REMOTE_USER="bob",
    )
    ours, theirs = pair(env)
    assert list(ours.headers) == list(theirs.headers)
    for key in ("accept", "X-FORWARDED-FOR", "content-type", "Content-Length", "X-Empty", "Missing", "Host"):
        assert ours.headers.get(key) == theirs.headers.get(key)
        assert (key in ours.headers) == (key in theirs.headers)
    assert ours.headers["User-Agent"] == "curl/8.0"
    with pytest.raises(BadRequestKeyError) as info:  # a 400, not a 500
        ours.headers["X-Missing"]
    assert info.value.code == 400
    assert str(ours.user_agent) == theirs.user_agent.string == ours.user_agent.string == ours.user_agent
    for attr in ("remote_addr", "remote_user", "access_route", "referrer", "content_type", "mimetype", "is_json"):
        assert getattr(ours, attr) == getattr(theirs, attr), attr


@pytest.mark.parametrize(
    "forwarded",
    ["1.2.3.4", "1.2.3.4, 5.6.7.8", ' "1.1.1.1" ,, 2.2.2.2 ', "2001:db8::1, 10.0.0.1", '"unterminated, 1.2.3.4', ""],
)
def test_access_route_matches_werkzeug(forwarded):
    ours, theirs = pair(make_environ(headers={"X-Forwarded-For": forwarded}, REMOTE_ADDR="9.9.9.9"))
    assert ours.access_route == list(theirs.access_route)
    ours, theirs = pair(make_environ(REMOTE_ADDR="9.9.9.9"))
    assert ours.access_route == list(theirs.access_route) == ["9.9.9.9"]


COOKIES = [
    "",
    "a=1",
    "a=1; b=2; a=3",
    "a=1;b=2",
    'quoted="hello world"; esc="a\\"b\\\\c"; octal="\\303\\251t\\303\\251"',
    "empty=; novalue; =nokey; ok=1",
    "  spaced  =  value  ; x = y ",
    "bad space=1; good=2",
    'unterminated="abc; next=1',
    "utf8=caf\u00c3\u00a9",  # raw UTF-8 bytes as latin-1 code points
    "a=b=c; d=e;f",
    ";;;a=1;;",
    'x="";y=""z',
]


@pytest.mark.parametrize("cookie", COOKIES)
def test_cookies_match_werkzeug(cookie):
    ours, theirs = pair(make_environ(headers={"Cookie": cookie}))
    assert md(ours.cookies) == md(theirs.cookies)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list('ab=; \t"\\,x012') + ["é"]), max_size=30))
def test_random_cookies_match_werkzeug(cookie):
    ours, theirs = pair(make_environ(headers={"Cookie": cookie}))
    assert md(ours.cookies) == md(theirs.cookies)


CONTENT_TYPES = [
    "text/plain",
    "Text/HTML; Charset=UTF-8",
    "application/json",
    "application/vnd.api+json",
    "application/json-patch+json; charset=utf-8",
    "application/jsonx",
    "text/json",
    'multipart/form-data; boundary="----x y z"',
    "multipart/form-data; boundary=abc; charset=latin-1",
    "text/plain; a=1; b=\"quoted \\\"x\\\"\"; c",
    "text/plain; title*=UTF-8''%E2%9C%93; name*0=a; name*1=b",
    "text/plain;;; x=1",
    "; x=1",
    "",
]


@pytest.mark.parametrize("content_type", CONTENT_TYPES)
def test_content_type_matches_werkzeug(content_type):
    ours, theirs = pair(make_environ(content_type=content_type, body=b""))
    for attr in ("content_type", "mimetype", "mimetype_params", "is_json"):
        assert getattr(ours, attr) == getattr(theirs, attr), attr


@pytest.mark.parametrize("value", ["0", "5", " 7 ", "0012", "\t3"])
def test_valid_content_length_matches_werkzeug(value):
    ours, theirs = pair(make_environ(body=b"x" * 20, content_length=value, method="POST"))
    assert ours.content_length == theirs.content_length
    assert ours.get_data() == theirs.get_data()


def test_content_length_with_many_leading_zeros():
    # Werkzeug: int() hits Python's 4300-digit limit and it reads 0.
    env = make_environ(body=b"x" * 20, content_length="0" * 5000 + "9", method="POST")
    assert Request(env).content_length == 9


def test_chunked_transfer_encoding_means_unknown_length():
    env = make_environ(body=b"abc", headers={"Transfer-Encoding": "gzip, chunked"}, method="POST")
    ours, theirs = pair(env)
    assert ours.content_length is None and theirs.content_length is None


# -- bodies ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "content_type,body",
    [
        ("text/plain", b"hello"),
        ("application/octet-stream", bytes(range(256))),
        ("application/json", b'{"a": [1, 2, {"b": null}]}'),
        (None, b"no content type"),
        ("application/x-www-form-urlencoded", b"a=1&b=2"),
        ("text/plain; charset=utf-8", "caf\u00e9 \u2713".encode()),
        ("text/plain", b"bad utf8 \xff\xfe"),
    ],
)
def test_data_and_get_data_match_werkzeug(content_type, body):
    env = make_environ(method="POST", content_type=content_type, body=body)
    for call in (
        lambda r: r.data,
        lambda r: r.get_data(),
        lambda r: r.get_data(as_text=True),
        lambda r: r.get_data(parse_form_data=True),
        lambda r: (r.get_data(), r.get_data(), md(r.form)),
        lambda r: (md(r.form), r.get_data()),
        lambda r: (r.get_data(cache=False), r.get_data()),
        lambda r: (r.stream.read(3), r.get_data()),
    ):
        ours, theirs = pair(env)
        assert call(ours) == call(theirs)


def test_stream_never_reads_past_content_length():
    raw = io.BytesIO(b"hello" + b"GET /next-request HTTP/1.1\r\n")
    env = make_environ(method="POST", content_type="text/plain", body=b"", content_length="5")
    env["wsgi.input"] = raw
    req = Request(env)
    assert req.stream.read(100) == b"hello"
    assert req.stream.read() == b""
    assert req.get_data() == b""
    assert raw.tell() == 5
    raw.seek(0)
    req = Request(dict(env))
    assert req.get_data() == b"hello" and raw.tell() == 5
    raw.seek(0)
    req = Request(dict(env))
    assert req.stream.readline() == b"hello" and raw.tell() == 5
    raw.seek(0)
    assert list(Request(dict(env)).stream) == [b"hello"]


def test_unknown_length_body_is_read_only_if_the_server_terminates_it():
    body = b"x" * 100_000
    env = make_environ(method="POST", content_type="application/octet-stream")
    env["wsgi.input"] = io.BytesIO(body)
    env.pop("CONTENT_LENGTH", None)
    ours, theirs = pair(env)
    assert ours.get_data() == theirs.get_data() == b""  # could block forever
    env["wsgi.input_terminated"] = True
    ours, theirs = pair(env)
    assert ours.get_data() == theirs.get_data() == body


def test_empty_content_length_is_unknown_length():
    env = make_environ(method="POST", content_type="text/plain", body=b"abc", content_length="")
    assert Request(fresh(env)).content_length is None  # Werkzeug: 0
    assert Request(fresh(env)).get_data() == b""
    env["wsgi.input_terminated"] = True
    assert Request(fresh(env)).get_data() == b"abc"


def test_missing_wsgi_input_is_an_empty_body():
    env = make_environ(method="POST", content_type="text/plain", content_length="10")
    env.pop("wsgi.input")
    assert Request(env).get_data() == b""


# -- JSON -----------------------------------------------------------------------

JSON_BODIES = [
    b'{"a": 1}',
    b"[1, 2.5, true, null]",
    b'"string"',
    b"42",
    b"null",
    '{"k": "caf\u00e9 \u2713 \U0001f600"}'.encode(),
    '{"k": "\u00e9"}'.encode("utf-16"),
    b'\xef\xbb\xbf{"bom": true}',
    b'{"big": 123456789012345678901234567890, "f": 1e400}',
    b'{"nan": NaN}',
]


@pytest.mark.parametrize("content_type", ["application/json", "application/json; charset=utf-8", "application/problem+json"])
@pytest.mark.parametrize("body", JSON_BODIES)
def test_json_matches_werkzeug(body, content_type):
    env = make_environ(method="POST", content_type=content_type, body=body)
    ours, theirs = pair(env)
    assert json.dumps(ours.json) == json.dumps(theirs.json)
    assert ours.is_json and theirs.is_json
    ours, theirs = pair(env)
    assert json.dumps(ours.get_json(cache=False)) == json.dumps(theirs.get_json(cache=False))
    assert ours.get_data() == theirs.get_data() == b""  # uncached: the body was consumed


@pytest.mark.parametrize("content_type", [None, "text/plain", "application/x-www-form-urlencoded", "application/jsonx"])
def test_json_needs_a_json_content_type_415(content_type):
    env = make_environ(method="POST", content_type=content_type, body=b'{"a": 1}')
    ours, theirs = pair(env)
    e = raises_http(UnsupportedMediaType, 415, lambda: ours.json)
    assert e.description == pytest.raises(Exception, lambda: theirs.json).value.description
    ours, theirs = pair(env)
    assert ours.get_json(silent=True) is theirs.get_json(silent=True) is None
    ours, theirs = pair(env)
    assert ours.get_json(force=True) == theirs.get_json(force=True) == {"a": 1}


@pytest.mark.parametrize(
    "body",
    [b"", b"{", b"{'single': 1}", b"[1, 2,]", b"\xff\xfe\xfd", b'{"a": 1} trailing', b"undefined"],
)
def test_malformed_json_is_400_and_silent_is_none(body):
    env = make_environ(method="POST", content_type="application/json", body=body)
    e = raises_http(BadRequest, 400, lambda: Request(fresh(env), FakeApp()).get_json())
    assert e.description == BadRequest.description  # Flask outside debug: no parser details
    e = raises_http(BadRequest, 400, lambda: Request(fresh(env), FakeApp(DEBUG=True)).json)
    with pytest.raises(Exception) as theirs:
        WRequest(fresh(env)).json
    assert e.description == theirs.value.description  # debug: Werkzeug's message
    req = Request(fresh(env))
    assert req.get_json(silent=True) is None
    assert req.get_json(silent=True) is None  # cached
    raises_http(BadRequest, 400, req.get_json)  # silent result not reused


def _nested(depth, inner=b""):
    return b"[" * depth + inner + b"]" * depth


def _json_request(body, **config):
    return Request(fresh(make_environ(method="POST", content_type="application/json", body=body)), FakeApp(**config))


def test_json_nesting_limit_is_fastdispatchs_own():
    """MAX_JSON_DEPTH (default 512): a body nested deeper is a 400 before the
    parser runs, on every CPython.  A deliberate difference from Flask, which
    has no limit: its json module decides, so the same body is a
    RecursionError (a 500) on 3.9-3.12 near 1,000 levels (less the stack in
    use) or 1,500, and parses on 3.13 up to about 10,000."""
    assert MAX_JSON_DEPTH == 512 and Request(fresh(make_environ())).max_json_depth == 512
    at_limit = _json_request(_nested(512, b"1")).get_json()
    for _ in range(512):
        (at_limit,) = at_limit
    assert at_limit == 1
    e = raises_http(BadRequest, 400, _json_request(_nested(513)).get_json)
    assert e.description == "Failed to decode JSON object: nested more than 512 levels deep."
    assert _json_request(_nested(513)).get_json(silent=True) is None
    # objects count as arrays do; brackets inside strings do not
    deep_obj = b'{"a":' * 513 + b"1" + b"}" * 513
    raises_http(BadRequest, 400, _json_request(deep_obj).get_json, match="nested more than 512 levels")
    in_strings = b"[" + b",".join([rb'"[{\\"', rb'"\\\"[["'] * 2000) + b"]"  # "[{\\" and "\\\"[["
    assert len(_json_request(in_strings).get_json()) == 4000
    # UTF-16 is measured in characters, not bytes
    raises_http(BadRequest, 400, _json_request(_nested(513).decode().encode("utf-16")).get_json, match="nested more than")
    assert _json_request(_nested(512).decode().encode("utf-16")).get_json() == _json_request(_nested(512)).get_json()


def test_json_nesting_limit_is_configurable():
    raises_http(BadRequest, 400, _json_request(_nested(11), MAX_JSON_DEPTH=10).get_json, match="nested more than 10 levels deep")
    assert _json_request(_nested(10), MAX_JSON_DEPTH=10).get_json() is not None
    req = _json_request(_nested(600))
    req.max_json_depth = 1000  # per request, as Flask 3.1's max_content_length
    assert req.get_json() is not None
    # None: no limit of fastdispatch's; the json module's RecursionError is still a 400
    deep = _nested(100_000)
    raises_http(BadRequest, 400, _json_request(deep, MAX_JSON_DEPTH=None).get_json, match="nested too deeply")


def test_json_nested_200000_levels_is_400_fast():
    """Deep JSON never reaches the parser (on 3.13 it would recurse in C, on
    a server thread's small stack): the 400 comes from a linear scan."""
    env = make_environ(method="POST", content_type="application/json", body=_nested(200_000))
    with pytest.raises(Exception) as theirs:  # Werkzeug/Flask: RecursionError, a 500
        WRequest(fresh(env)).get_json()
    assert isinstance(theirs.value, RecursionError)
    for body in (_nested(200_000), b"[[]" * 200_000 + b"]" * 200_000, b'{"a":' * 200_000 + b"1" + b"}" * 200_000):
        start = time.perf_counter()
        raises_http(BadRequest, 400, _json_request(body).get_json, match="nested more than 512 levels deep")
        assert time.perf_counter() - start < 0.5
    assert _json_request(_nested(200_000)).get_json(silent=True) is None


def test_json_depth_scan_is_linear():
    """Bodies the scan cannot cut short (brackets that never nest deep, or
    strings full of escapes): time grows with the length, not its square."""
    def cost(n):
        bodies = [b"[" + b"[]," * n + b"[]]", b'["' + b'\\"[' * n + b'"]', b"[" + b'"\\\\",' * n + b"1]"]
        start = time.perf_counter()
        for body in bodies:
            assert not _json_depth_exceeds(body, 512)
        return time.perf_counter() - start

    cost(1000)  # warm up
    small, big = min(cost(50_000) for _ in range(3)), min(cost(400_000) for _ in range(3))
    assert big < small * 8 * 3, (small, big)  # 8x the length: 8x the time, with room for noise


def test_json_cache():
    env = make_environ(method="POST", content_type="application/json", body=b'{"a": [1]}')
    req = Request(fresh(env))
    first = req.get_json()
    assert req.get_json() is first and req.json is first
    assert req.get_json(silent=True) is first
    req, theirs = pair(env)
    assert req.get_json(cache=False) == theirs.get_json(cache=False) == {"a": [1]}
    # as Werkzeug: an uncached read consumed the body
    assert req.get_json(silent=True) is theirs.get_json(silent=True) is None


# -- urlencoded forms -----------------------------------------------------------

FORM_BODIES = [
    b"",
    b"a=1",
    b"a=1&a=2&b=",
    b"a+b=c+d&e=%26%3D",
    b"name=caf%C3%A9&check=%E2%9C%93",
    b"bad=%FF&ok=1",
    b"x&y=&=z&&",
    "raw=caf\u00e9".encode(),
    b"semi=1;2&x=3",
]


@pytest.mark.parametrize("content_type", ["application/x-www-form-urlencoded", "application/x-www-form-urlencoded; charset=utf-8"])
@pytest.mark.parametrize("body", FORM_BODIES)
@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE", "GET"])
def test_urlencoded_form_matches_werkzeug(body, content_type, method):
    env = make_environ(method=method, content_type=content_type, body=body, query="q=1&a=0")
    ours, theirs = pair(env)
    assert md(ours.form) == md(theirs.form)
    assert md(ours.files) == md(theirs.files) == []
    assert md(ours.values) == md(theirs.values)
    assert ours.data == theirs.data == b""
    assert ours.get_data() == theirs.get_data()


def test_values_for_get_are_args_only():
    env = make_environ(method="GET", content_type="application/x-www-form-urlencoded", body=b"f=1", query="a=1")
    ours, theirs = pair(env)
    assert md(ours.values) == md(theirs.values) == [("a", "1")]
    assert md(ours.form) == [("f", "1")]
    ours, theirs = pair(dict(env, REQUEST_METHOD="POST"))
    assert md(ours.values) == md(theirs.values) == [("a", "1"), ("f", "1")]
    assert ours.values["f"] == "1"
    with pytest.raises(BadRequestKeyError):
        ours.values["missing"]


def test_form_missing_key_is_a_400():
    req = Request(make_environ(method="POST", content_type="application/x-www-form-urlencoded", body=b"a=1"))
    with pytest.raises(BadRequestKeyError) as info:
        req.form["missing"]
    assert info.value.code == 400 and isinstance(info.value, KeyError)
    with pytest.raises(BadRequestKeyError):
        req.args["missing"]
    with pytest.raises(BadRequestKeyError):
        req.files["missing"]
    with pytest.raises(BadRequestKeyError):
        req.cookies["missing"]


def test_urlencoded_invalid_utf8_is_400_not_an_empty_form():
    env = make_environ(method="POST", content_type="application/x-www-form-urlencoded", body=b"a=\xff\xfe&b=1")
    assert md(WRequest(fresh(env)).form) == []  # Werkzeug: silently empty
    raises_http(BadRequest, 400, lambda: Request(fresh(env)).form, match="not valid UTF-8")


def test_non_form_content_types_leave_the_body_alone():
    env = make_environ(method="POST", content_type="application/json", body=b'{"a": 1}')
    req = Request(fresh(env))
    assert md(req.form) == [] and md(req.files) == []
    assert req.get_json() == {"a": 1}


# -- multipart forms ------------------------------------------------------------


def builder_environ(data, method="POST", query="", multipart=True):
    """The environ Werkzeug's test client builds (multipart even without files)."""
    ct = "multipart/form-data" if multipart else None
    env = EnvironBuilder(method=method, data=data, query_string=query, content_type=ct).get_environ()
    env["wsgi.input"] = io.BytesIO(env["wsgi.input"].read())  # big bodies come as files
    return env


MULTIPART_DATA = [
    {"a": "1"},
    {"a": ["1", "2"], "b": "", "c": "caf\u00e9 \u2713"},
    {"f": (io.BytesIO(b"file body"), "hello.txt")},
    {"f": (io.BytesIO(b"\x00\x01\x02" * 1000), "bin.dat", "application/octet-stream")},
    {"f": (io.BytesIO(b"unicode name"), "r\u00e9sum\u00e9 \u2713 \U0001f600.txt")},
    {"f": (io.BytesIO(b"q"), 'we"ird\\ na;me.txt')},
    {"f": [(io.BytesIO(b"one"), "1.txt"), (io.BytesIO(b"two"), "2.txt")], "field": "v"},
    {"f": (io.BytesIO(b""), "")},  # a file input submitted without a file
    {"f": (io.BytesIO(b"data"), "x.json", "application/json; charset=utf-8")},
    {"big": (io.BytesIO(b"z" * 700_000), "big.bin")},  # spills to disk
    {"line": "a\r\nb\r\n--notaboundary\r\n", "f": (io.BytesIO(b"\r\n--almost\r\n"), "crlf.txt")},
]


@pytest.mark.parametrize("data", MULTIPART_DATA)
def test_multipart_matches_werkzeug(data):
    env = builder_environ(data, query="q=1")
    ours, theirs = pair(env)
    assert md(ours.form) == md(theirs.form)
    assert files_view(ours.files) == files_view(theirs.files)
    assert md(ours.values) == md(theirs.values)
    assert ours.data == theirs.data == b""
    assert all(isinstance(f, FileStorage) for _, f in ours.files.items(multi=True))
    ours.close()
    theirs.close()


def multipart_body(parts, boundary="BoUnDaRy", preamble=b"", epilogue=b"\r\n"):
    out = [preamble]
    for headers, body in parts:
        out.append(b"--" + boundary.encode() + b"\r\n")
        for h in headers:
            out.append(h.encode("utf-8") + b"\r\n")
        out.append(b"\r\n" + body + b"\r\n")
    out.append(b"--" + boundary.encode() + b"--" + epilogue)
    return b"".join(out)


def multipart_environ(body, boundary="BoUnDaRy", **kw):
    ct = kw.pop("content_type", f"multipart/form-data; boundary={boundary}")
    return make_environ(method="POST", content_type=ct, body=body, **kw)


HAND_BUILT = [
    # filename quoting variants as browsers and other clients send them
    [(['Content-Disposition: form-data; name="f"; filename="a%22b.txt"'], b"x")],
    [(["Content-Disposition: form-data; name=\"f\"; filename*=UTF-8''%E2%9C%93.txt"], b"x")],
    [(['Content-Disposition: form-data; name="f"; filename="fallback.txt"; filename*=UTF-8\'\'r%C3%A9el.txt'], b"x")],
    [(["Content-Disposition: form-data; name=token; filename=plain.txt"], b"x")],
    [(['Content-Disposition: form-data; name="f"; filename="C:\\\\dir\\\\file.txt"'], b"x")],
    # field charsets: only ascii/utf-8/latin-1 honoured, as Werkzeug
    [(['Content-Disposition: form-data; name="t"', "Content-Type: text/plain; charset=iso-8859-1"], "caf\u00e9".encode("latin-1"))],
    [(['Content-Disposition: form-data; name="t"', "Content-Type: text/plain; charset=utf-16"], "x".encode("utf-8"))],
    [(['Content-Disposition: form-data; name="t"'], b"bad \xff utf8")],
    [(['Content-Disposition: form-data; name=""'], b"empty name")],
    [(['content-disposition: form-data; name="lower"', "X-Custom: 1"], b"headers any case")],
    [(['Content-Disposition: form-data; name="a"'], b""), (['Content-Disposition: form-data; name="a"'], b"second")],
    [(['Content-Disposition: form-data; name="\u00e9\u2713"'], b"unicode field name")],
]


@pytest.mark.parametrize("parts", HAND_BUILT)
def test_hand_built_multipart_matches_werkzeug(parts):
    env = multipart_environ(multipart_body(parts, preamble=b"ignored preamble\r\n"))
    ours, theirs = pair(env)
    assert md(ours.form) == md(theirs.form)
    assert files_view(ours.files) == files_view(theirs.files)


@pytest.mark.parametrize(
    "content_type",
    [
        'multipart/form-data; boundary="BoUnDaRy"',
        "Multipart/Form-Data; Boundary=BoUnDaRy; charset=utf-8",
        "multipart/form-data; charset=utf-8; boundary=BoUnDaRy",
    ],
)
def test_multipart_content_type_params(content_type):
    body = multipart_body([(['Content-Disposition: form-data; name="a"'], b"1")])
    ours, theirs = pair(multipart_environ(body, content_type=content_type))
    assert md(ours.form) == md(theirs.form) == [("a", "1")]


def test_multipart_chunked_upload_with_terminated_input():
    body = builder_environ({"f": (io.BytesIO(b"y" * 200_000), "y.bin"), "a": "1"})
    env = dict(body)
    env.pop("CONTENT_LENGTH")
    env["wsgi.input_terminated"] = True
    ours, theirs = pair(env)
    assert md(ours.form) == md(theirs.form) == [("a", "1")]
    assert files_view(ours.files) == files_view(theirs.files)


def test_multipart_after_get_data_uses_the_cached_body():
    env = builder_environ({"a": "1", "f": (io.BytesIO(b"x"), "x.txt")})
    ours, theirs = pair(env)
    assert ours.get_data() == theirs.get_data()
    assert md(ours.form) == md(theirs.form) == [("a", "1")]
    assert files_view(ours.files) == files_view(theirs.files)


GOOD_PART = (['Content-Disposition: form-data; name="a"'], b"1")

MALFORMED_MULTIPART = {
    "no boundary parameter": (b"--x\r\n\r\n--x--", "multipart/form-data", "no boundary"),
    "empty boundary": (b"--\r\n--", 'multipart/form-data; boundary=""', "no boundary"),
    "non-ascii boundary": (b"x", 'multipart/form-data; boundary="caf\u00e9"', "ASCII"),
    "wrong boundary": (multipart_body([GOOD_PART], boundary="other"), None, "Unexpected end"),
    "not multipart at all": (b"just some text", None, "Unexpected end"),
    "empty body": (b"", None, "Unexpected end"),
    "truncated in a part": (multipart_body([GOOD_PART])[:-20], None, "Unexpected end"),
    "missing closing boundary": (multipart_body([GOOD_PART]).rpartition(b"--BoUnDaRy--")[0], None, "Unexpected end"),
    "part without name": (multipart_body([(["Content-Disposition: form-data"], b"x")]), None, "no name"),
    "part with filename but no name": (multipart_body([(['Content-Disposition: form-data; filename="a.txt"'], b"x")]), None, "no name"),
    "part without Content-Disposition": (multipart_body([(["Content-Type: text/plain"], b"x")]), None, "Content-Disposition"),
    "wrong disposition type": (multipart_body([(['Content-Disposition: attachment; name="a"'], b"x")]), None, "Content-Disposition"),
    "header without colon": (multipart_body([(['Content-Disposition form-data; name="a"'], b"x")]), None, "header"),
    "LF-only line breaks": (multipart_body([GOOD_PART]).replace(b"\r\n", b"\n"), None, "line break"),
    "undecodable part header": (multipart_body([(['Content-Disposition: form-data; name="a"'], b"x")]).replace(b'name="a"', b'name="\xff"'), None, "decode"),
}


@pytest.mark.parametrize("case", list(MALFORMED_MULTIPART), ids=list(MALFORMED_MULTIPART))
def test_malformed_multipart_is_400_not_an_empty_form(case):
    body, content_type, expected = MALFORMED_MULTIPART[case]
    env = multipart_environ(body, **({"content_type": content_type} if content_type else {}))
    for access in (lambda r: r.form, lambda r: r.files, lambda r: r.values, lambda r: r.data):
        e = raises_http(BadRequest, 400, lambda: access(Request(fresh(env))), match=expected)
        assert e.description.startswith(("Invalid multipart", "The multipart")), e.description


def test_boundary_followed_by_junk():
    # "--BOUNDARYjunk" inside a body: multipart 2.x rejects it, 1.x reads it
    # as data, as Werkzeug does.  Either is fine; anything else is not.
    body = b'--BoUnDaRy\r\nContent-Disposition: form-data; name="a"\r\n\r\nx\r\n--BoUnDaRyjunk\r\n--BoUnDaRy--\r\n'
    env = multipart_environ(body)
    try:
        form = md(Request(fresh(env)).form)
    except BadRequest as e:
        assert e.code == 400 and "boundary" in e.description
    else:
        assert form == md(WRequest(fresh(env)).form) == [("a", "x\r\n--BoUnDaRyjunk")]


def test_werkzeug_silently_drops_what_we_reject():
    # The reason for the 400s above: Flask answers an empty form.
    for case in ("no boundary parameter", "truncated in a part", "wrong boundary"):
        body, content_type, _ = MALFORMED_MULTIPART[case]
        env = multipart_environ(body, **({"content_type": content_type} if content_type else {}))
        assert md(WRequest(fresh(env)).form) == []


# -- limits ---------------------------------------------------------------------


def test_content_length_over_max_is_413_without_reading():
    env = make_environ(method="POST", content_type="application/octet-stream", content_length=str(10**9))
    env["wsgi.input"] = ExplodingInput()
    for access in (lambda r: r.stream, lambda r: r.get_data(), lambda r: r.data, lambda r: r.form, lambda r: r.get_json(force=True)):
        req = Request(dict(env), FakeApp(MAX_CONTENT_LENGTH=1000))
        raises_413(lambda: access(req))
    # the same through the per-request override, and Werkzeug agrees on 413
    req = Request(dict(env))
    req.max_content_length = 1000
    raises_413(req.get_data)
    theirs = WRequest(dict(env))
    theirs.max_content_length = 1000
    with pytest.raises(Exception) as info:
        theirs.get_data()
    assert info.value.code == 413
    assert info.value.description == TOO_LARGE  # the same page as ours


def test_content_length_at_max_is_accepted():
    env = make_environ(method="POST", content_type="text/plain", body=b"x" * 1000)
    assert Request(env, FakeApp(MAX_CONTENT_LENGTH=1000)).get_data() == b"x" * 1000


@pytest.mark.parametrize("limit,ok", [(None, True), (100_000, True), (99_999, False), (1, False), (0, False)])
def test_unknown_length_body_over_max_is_413_as_soon_as_read(limit, ok):
    class CountingInput(io.BytesIO):
        def read(self, n=-1):
            data = super().read(n)
            self.total = getattr(self, "total", 0) + len(data)
            return data

    raw = CountingInput(b"x" * 100_000 + b"tail never to be read" * 10_000)
    raw.truncate(100_000)
    env = make_environ(method="POST", content_type="application/octet-stream", **{"wsgi.input_terminated": True})
    env["wsgi.input"] = raw
    env.pop("CONTENT_LENGTH", None)
    req = Request(env, FakeApp(MAX_CONTENT_LENGTH=limit))
    if ok:
        assert req.get_data() == b"x" * 100_000
    else:
        raises_http(RequestEntityTooLarge, 413, req.get_data)
        assert raw.total <= limit + 1 + 64 * 1024  # stopped right after the limit


def test_chunked_multipart_over_max_is_413():
    env = builder_environ({"f": (io.BytesIO(b"y" * 50_000), "y.bin")})
    env.pop("CONTENT_LENGTH")
    env["wsgi.input_terminated"] = True
    raises_http(RequestEntityTooLarge, 413, lambda: Request(fresh(env), FakeApp(MAX_CONTENT_LENGTH=10_000)).files)
    assert len(Request(fresh(env), FakeApp(MAX_CONTENT_LENGTH=60_000)).files["f"].read()) == 50_000


def test_max_form_memory_size_applies_to_fields_not_files():
    env = builder_environ({"field": "v" * 1001, "f": (io.BytesIO(b"z" * 5000), "z.bin")})
    raises_413(lambda: Request(fresh(env), FakeApp(MAX_FORM_MEMORY_SIZE=1000)).form)
    theirs = WRequest(fresh(env))
    theirs.max_form_memory_size = 1000
    with pytest.raises(Exception) as info:
        theirs.form
    assert info.value.code == 413
    assert info.value.description == TOO_LARGE  # the same page as ours
    req = Request(fresh(env), FakeApp(MAX_FORM_MEMORY_SIZE=1001))
    assert len(req.form["field"]) == 1001 and len(req.files["f"].read()) == 5000
    # default limit without an app is Werkzeug's 500_000
    big = builder_environ({"field": "v" * 500_001})
    raises_413(lambda: Request(fresh(big)).form)


def test_max_form_memory_size_does_not_apply_to_urlencoded():
    # Werkzeug 3.1.9 changed this; kept the same.
    env = make_environ(method="POST", content_type="application/x-www-form-urlencoded", body=b"a=" + b"v" * 2000)
    ours, theirs = Request(fresh(env), FakeApp(MAX_FORM_MEMORY_SIZE=1000)), WRequest(fresh(env))
    theirs.max_form_memory_size = 1000
    assert md(ours.form) == md(theirs.form)


def test_max_form_parts():
    data = {f"k{i}": str(i) for i in range(20)}
    env = builder_environ(data)
    raises_413(lambda: Request(fresh(env), FakeApp(MAX_FORM_PARTS=19)).form)
    req = Request(fresh(env))
    req.max_form_parts = 19
    raises_413(lambda: req.form)
    assert len(Request(fresh(env), FakeApp(MAX_FORM_PARTS=20)).form) == 20
    theirs = WRequest(fresh(env))
    theirs.max_form_parts = 19
    with pytest.raises(Exception) as info:
        theirs.form
    assert info.value.code == 413
    assert info.value.description == TOO_LARGE  # the same page as ours


def test_oversized_part_header_is_413():
    body = multipart_body([(['Content-Disposition: form-data; name="' + "n" * 20_000 + '"'], b"x")])
    raises_413(lambda: Request(multipart_environ(body)).form)


def test_limits_come_from_the_app_config_and_the_request_overrides():
    req = Request(make_environ(), FakeApp(MAX_CONTENT_LENGTH=5, MAX_FORM_MEMORY_SIZE=6, MAX_FORM_PARTS=7))
    assert (req.max_content_length, req.max_form_memory_size, req.max_form_parts) == (5, 6, 7)
    req.max_content_length, req.max_form_memory_size, req.max_form_parts = 50, 60, 70
    assert (req.max_content_length, req.max_form_memory_size, req.max_form_parts) == (50, 60, 70)
    req.max_content_length = None  # as Flask: None falls back to the config
    assert req.max_content_length == 5
    bare = Request(make_environ())
    wbare = WRequest(make_environ())
    assert (bare.max_content_length, bare.max_form_memory_size, bare.max_form_parts) == (
        wbare.max_content_length,
        wbare.max_form_memory_size,
        wbare.max_form_parts,
    )


# -- broken framing -------------------------------------------------------------


@pytest.mark.parametrize("value", ["abc", "-1", "-0", "1.5", "+5", "1e3", "5 5", "\u0665", "0x10", "9" * 20, "9" * 5000])
def test_invalid_content_length_is_400(value):
    env = make_environ(method="POST", content_type="application/json", body=b'{"a": 1}', content_length=value)
    for access in (lambda r: r.content_length, lambda r: r.get_data(), lambda r: r.json, lambda r: r.form, lambda r: r.stream):
        raises_http(BadRequest, 400, lambda: access(Request(fresh(env))), match="Content-Length")


def test_invalid_content_length_does_not_matter_if_the_body_is_not_read():
    req = Request(make_environ(method="GET", content_length="garbage", query="a=1"))
    assert req.args["a"] == "1" and req.path == "/"


def test_body_shorter_than_content_length_is_400():
    env = make_environ(method="POST", content_type="text/plain", body=b"only ten b", content_length="100")
    e = raises_http(ClientDisconnected, 400, lambda: Request(fresh(env)).get_data(), match="10 of the 100 bytes")
    assert isinstance(e, BadRequest)
    env = make_environ(method="POST", content_type="application/x-www-form-urlencoded", body=b"a=1", content_length="100")
    raises_http(BadRequest, 400, lambda: Request(fresh(env)).form)
    env = builder_environ({"a": "1"})
    env["CONTENT_LENGTH"] = str(int(env["CONTENT_LENGTH"]) + 50)
    raises_http(BadRequest, 400, lambda: Request(fresh(env)).form)


def test_input_errors_while_reading_are_400():
    class Broken:
        def read(self, *a):
            raise OSError("connection reset")

    env = make_environ(method="POST", content_type="text/plain", content_length="10")
    env["wsgi.input"] = Broken()
    raises_http(ClientDisconnected, 400, lambda: Request(env).get_data())


# -- laziness -------------------------------------------------------------------


class RecordingEnviron(dict):
    """Records which keys were looked up."""

    def __init__(self, *a, **kw):
        super().__init__(*a, **kw)
        self.seen = []

    def get(self, key, default=None):
        self.seen.append(key)
        return super().get(key, default)

    def __getitem__(self, key):
        self.seen.append(key)
        return super().__getitem__(key)

    def __contains__(self, key):
        self.seen.append(key)
        return super().__contains__(key)


def test_constructor_and_routing_attributes_are_lazy():
    base = make_environ(
        "/caf%C3%A9",
        "a=1&b=2",
        method="POST",
        content_type="application/x-www-form-urlencoded",
        content_length="10",
        headers={"Cookie": "a=1", "X-Thing": "1"},
    )
    base["wsgi.input"] = ExplodingInput()
    env = RecordingEnviron(base)
    req = Request(env)
    assert env.seen == []  # the constructor only stores the environ
    assert req.method == "POST" and req.path == "/caf\u00e9"
    assert req.method == "POST" and req.path == "/caf\u00e9"
    assert set(env.seen) == {"REQUEST_METHOD", "PATH_INFO"} and len(env.seen) == 2  # read once each
    assert set(req.__dict__) == {"_method", "_path"}  # nothing else parsed or cached
    assert req.endpoint is None and req.view_args is None
    req.endpoint, req.view_args = "ep", {"x": 1}
    assert "QUERY_STRING" not in env.seen
    assert req.args["a"] == "1"  # parsed now, on demand
    assert "wsgi.input" not in env.seen


def test_lazy_values_are_cached():
    env = make_environ("/p", "a=1", headers={"Cookie": "c=1"})
    req = Request(env)
    assert req.args is req.args
    assert req.cookies is req.cookies
    assert req.headers is req.headers
    assert req.url is req.url
    env["QUERY_STRING"] = "changed=1"
    assert req.args["a"] == "1"


def test_request_accepts_user_attributes_and_has_flask_extras():
    req = Request(make_environ("/p"))
    req.current_user = "alice"  # Werkzeug requests allow this; so does ours
    assert req.current_user == "alice"
    assert req.blueprint is None and req.blueprints == []
    req.endpoint = "admin.users.list"
    assert req.blueprint == "admin.users"
    assert req.blueprints == ["admin.users", "admin"]
    assert req.url_rule is None
    assert repr(req) == "<Request 'http://127.0.0.1/p' [GET]>"
    with Request(builder_environ({"f": (io.BytesIO(b"x"), "x.txt")})) as r:
        f = r.files["f"]
    assert f.stream.closed


# -- multipart streaming: any chunking, both ways of encoding an empty part --------


class TrickleInput(io.BytesIO):
    """A wsgi.input whose reads return at most ``step`` bytes: every chunk
    boundary a slow client can produce."""

    def __init__(self, data, step):
        super().__init__(data)
        self.step = step

    def read(self, n=-1):
        return super().read(self.step if n is None or n < 0 else min(n, self.step))


def browser_body(fields, boundary):
    """How browsers encode: every part has a body, possibly empty."""
    return multipart_body([([f'Content-Disposition: form-data; name="{k}"'], v.encode()) for k, v in fields], boundary=boundary)


field_values = st.lists(st.sampled_from(["", "x", "\r\n", "a\r\n", "\r\n\r\n", "--", "--B", "\r\n--", "-", "é✓"]), max_size=4).map("".join)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.tuples(st.sampled_from(["a", "b", "c"]), field_values), min_size=1, max_size=5),
    st.sampled_from(["werkzeug", "browser"]),
    st.integers(min_value=1, max_value=80),
)
def test_multipart_any_chunking_matches_werkzeug(fields, encoding, step):
    if encoding == "werkzeug":
        env = builder_environ(WMultiDict(fields))
    else:
        boundary = "----WebKitFormBoundaryB7xQ"
        env = multipart_environ(browser_body(fields, boundary), boundary=boundary)
    body = env["wsgi.input"].getvalue()
    theirs = WRequest(fresh(env))
    ours_env = dict(env)
    ours_env["wsgi.input"] = TrickleInput(body, step)
    ours = Request(ours_env)
    assert md(ours.form) == md(theirs.form) == md(WMultiDict(fields))


@pytest.mark.parametrize("step", [1, 2, 3, 7, 64, 10_000])
def test_werkzeug_encoded_empty_parts_any_chunking(step):
    data = {"empty": "", "f": (io.BytesIO(b""), ""), "g": (io.BytesIO(b"\r\n"), "g.txt"), "last": ""}
    env = builder_environ(data)
    body = env["wsgi.input"].getvalue()
    theirs = WRequest(fresh(env))
    ours = Request(dict(env, **{"wsgi.input": TrickleInput(body, step)}))
    assert md(ours.form) == md(theirs.form) == [("empty", ""), ("last", "")]
    assert files_view(ours.files) == files_view(theirs.files)


# -- robustness: broken input is a 4xx, never a crash -----------------------------

VALID_MULTIPART = multipart_body(
    [
        (['Content-Disposition: form-data; name="a"'], b"value"),
        (['Content-Disposition: form-data; name="f"; filename="x.txt"', "Content-Type: text/plain"], b"file\r\ndata"),
    ]
)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["delete", "insert", "replace", "truncate"]),
            st.integers(min_value=0, max_value=len(VALID_MULTIPART)),
            st.binary(min_size=1, max_size=4) | st.sampled_from([b"\r\n", b"--", b"--BoUnDaRy", b'"', b"\n", b":", b"\xff"]),
        ),
        min_size=1,
        max_size=4,
    ),
    st.sampled_from(
        [
            "multipart/form-data; boundary=BoUnDaRy",
            'multipart/form-data; boundary="BoUnDaRy"; charset=utf-8',
            "multipart/form-data; boundary=BoUnDa",
            "multipart/form-data",
            "application/x-www-form-urlencoded",
        ]
    ),
    st.integers(min_value=1, max_value=4096),
    st.booleans(),
)
def test_mangled_bodies_give_a_4xx_or_a_result(edits, content_type, step, lie_about_length):
    body = VALID_MULTIPART
    for op, pos, piece in edits:
        pos = min(pos, len(body))
        if op == "delete":
            body = body[:pos] + body[pos + len(piece) :]
        elif op == "insert":
            body = body[:pos] + piece + body[pos:]
        elif op == "replace":
            body = body[:pos] + piece + body[pos + len(piece) :]
        else:
            body = body[:pos]
    length = str(len(body) + (7 if lie_about_length else 0))
    env = make_environ(method="POST", content_type=content_type, body=b"", content_length=length)
    env["wsgi.input"] = TrickleInput(body, step)
    req = Request(env, FakeApp(MAX_FORM_PARTS=10, MAX_FORM_MEMORY_SIZE=1000))
    try:
        form, files = req.form, req.files
    except (BadRequest, RequestEntityTooLarge) as e:
        assert e.code in (400, 413) and e.description
    else:
        assert not lie_about_length  # a body shorter than announced never passes
        for key, value in form.items(multi=True):
            assert isinstance(key, str) and isinstance(value, str)
        for key, value in files.items(multi=True):
            assert isinstance(key, str) and isinstance(value.read(), bytes)


@pytest.mark.parametrize(
    "args, kwargs",
    [
        (("/a?x=1&x=2",), {"method": "POST", "data": {"f": "v"}, "headers": {"X-H": "1"}}),
        (("/j",), {"json": {"k": [1, 2]}}),
        ((), {"base_url": "https://example.org:8443/root", "query_string": "q=%C3%BC"}),
    ],
)
def test_from_values_and_wsgi_flags_as_werkzeug(args, kwargs) -> None:
    def seen(r):
        return (
            r.method, r.path, r.full_path, r.url, r.host, r.scheme, r.args.to_dict(flat=False), r.form.to_dict(flat=False), r.get_data(),
            r.headers.get("X-H"), r.is_multithread, r.is_multiprocess, r.is_run_once, r.want_form_data_parsed,
        )

    assert seen(Request.from_values(*args, **kwargs)) == seen(WRequest.from_values(*args, **kwargs))


def test_application_decorator_as_werkzeug() -> None:
    """Request.application: f(request) as a WSGI app, its HTTPException its
    answer; a method's self passed through."""
    from werkzeug.test import Client

    from fastdispatch import Response
    from fastdispatch.exceptions import NotFound

    class Service:
        greeting = "hi"

        @Request.application
        def __call__(self, request):
            if request.args.get("missing"):
                raise NotFound()
            return Response(f"{self.greeting} {request.path}")

    client = Client(Service())
    assert (client.get("/x").status_code, client.get("/x").get_data()) == (200, b"hi /x")
    assert client.get("/x?missing=1").status_code == 404
