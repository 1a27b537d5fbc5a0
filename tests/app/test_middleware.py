"""``fastdispatch.middleware`` against Werkzeug 3.1's: the same environs
through Werkzeug's ``ProxyFix``/``DispatcherMiddleware`` and ours, the
environ the inner app sees compared, and what each framework's request
reads from it (remote_addr, host, scheme, url, script_root, path).  Also
``trusted_hosts`` and ``get_host`` against Werkzeug's, and both
middlewares wrapping an app through the test client, Flask's and ours."""

from __future__ import annotations

import flask
import pytest
import werkzeug.exceptions
import werkzeug.middleware.dispatcher
import werkzeug.middleware.proxy_fix
import werkzeug.sansio.utils
import werkzeug.wrappers
import werkzeug.wsgi
from hypothesis import given
from hypothesis import strategies as st

from fastdispatch.environ import get_host, host_is_trusted
from fastdispatch.exceptions import BadRequest, SecurityError
from fastdispatch.middleware import DispatcherMiddleware, ProxyFix
from fastdispatch.request import Request

from .headers_oracle import SETTINGS, environ, outcome

READ = ("remote_addr", "host", "scheme", "url", "script_root", "path", "is_secure", "access_route", "url_root")


def seen_by(middleware_env, make):
    """The environ (and the requests' reading of it) an inner app gets
    from the middleware ``make(inner)``."""
    got = {}

    def inner(env, start_response):
        got["environ"] = {k: v for k, v in env.items() if not k.startswith("wsgi.input")}
        wz, fd = werkzeug.wrappers.Request(dict(env)), Request(dict(env))
        got["werkzeug"] = {name: outcome(lambda n=name: getattr(wz, n)) for name in READ}
        got["fastdispatch"] = {name: outcome(lambda n=name: getattr(fd, n)) for name in READ}
        return [b""]

    make(inner)(dict(middleware_env), lambda *a: None)
    return got


_ip = st.sampled_from(["1.2.3.4", "10.0.0.1", "::1", "[2001:db8::1]", "unknown", "", " 9.9.9.9 ", '"5.5.5.5"'])
_proto = st.sampled_from(["https", "http", "wss", "HTTPS", "", "ftp"])
_host = st.sampled_from(["example.org", "example.org:8443", "[::1]", "[::1]:8080", "a.b.c:80", "bad host", "", "xn--bcher-kva.example"])
_port = st.sampled_from(["443", "8080", "80", "", "abc", "0"])
_prefix = st.sampled_from(["/app", "/a/b/", "", "/p%20q", "/\u00e9"])


def forwarded(values):
    return values.map(lambda vs: ", ".join(vs))


@st.composite
def proxied_environs(draw):
    headers = {}
    for name, values in [
        ("x_forwarded_for", _ip),
        ("x_forwarded_proto", _proto),
        ("x_forwarded_host", _host),
        ("x_forwarded_port", _port),
        ("x_forwarded_prefix", _prefix),
    ]:
        if draw(st.booleans()):
            headers[name] = draw(forwarded(st.lists(values, max_size=4)))
    env = environ(**headers)
    env["REMOTE_ADDR"] = draw(st.sampled_from(["127.0.0.1", "192.168.0.2"]))
    if draw(st.booleans()):
        env["HTTP_HOST"] = draw(st.sampled_from(["internal:8000", "example.com", "[::1]:5000"]))
    env["PATH_INFO"] = draw(st.sampled_from(["/", "/x/y", "/caf\xc3\xa9"]))
    env["QUERY_STRING"] = draw(st.sampled_from(["", "a=1"]))
    return env


_counts = st.integers(0, 3)


@SETTINGS
@given(env=proxied_environs(), x_for=_counts, x_proto=_counts, x_host=_counts, x_port=_counts, x_prefix=_counts)
def test_proxy_fix_as_werkzeug(env, x_for, x_proto, x_host, x_port, x_prefix):
    counts = dict(x_for=x_for, x_proto=x_proto, x_host=x_host, x_port=x_port, x_prefix=x_prefix)
    theirs = seen_by(env, lambda inner: werkzeug.middleware.proxy_fix.ProxyFix(inner, **counts))
    ours = seen_by(env, lambda inner: ProxyFix(inner, **counts))
    assert ours["environ"] == theirs["environ"]
    assert ours["fastdispatch"] == theirs["werkzeug"]


def test_proxy_fix_defaults_and_originals():
    env = environ(x_forwarded_for="6.6.6.6, 1.2.3.4", x_forwarded_proto="https", x_forwarded_host="evil.example")
    env["REMOTE_ADDR"] = "127.0.0.1"
    got = seen_by(env, ProxyFix)
    assert got["environ"]["REMOTE_ADDR"] == "1.2.3.4"  # one hop trusted: the rightmost
    assert got["environ"]["wsgi.url_scheme"] == "https"
    assert got["environ"]["SERVER_NAME"] == "example.com"  # x_host=0: not trusted
    assert got["environ"]["werkzeug.proxy_fix.orig"]["REMOTE_ADDR"] == "127.0.0.1"
    assert got["fastdispatch"]["url"] == got["werkzeug"]["url"] == ("ok", "https://example.com:80/")  # the server port kept


_segment = st.sampled_from(["", "a", "b", "api", "v1", "x y", "caf\xc3\xa9"])


@SETTINGS
@given(
    mounts=st.lists(st.lists(_segment, min_size=1, max_size=3).map(lambda s: "/" + "/".join(s)), max_size=4),
    path=st.lists(_segment, max_size=4).map(lambda s: "/" + "/".join(s)),
    script=st.sampled_from(["", "/root"]),
    empty_mount=st.booleans(),
)
def test_dispatcher_as_werkzeug(mounts, path, script, empty_mount):
    names = {m: f"app{i}" for i, m in enumerate(mounts)}
    if empty_mount:
        names[""] = "empty"

    def run(cls):
        hit = []

        def app_named(name):
            def app(env, start_response):
                hit.append((name, env["SCRIPT_NAME"], env["PATH_INFO"]))
                return [b""]

            return app

        env = environ()
        env["PATH_INFO"], env["SCRIPT_NAME"] = path, script
        cls(app_named("default"), {m: app_named(n) for m, n in names.items()})(env, lambda *a: None)
        return hit

    assert run(DispatcherMiddleware) == run(werkzeug.middleware.dispatcher.DispatcherMiddleware)


def test_dispatcher_mounts_apps_through_the_client(app_cls):
    from fastdispatch import request

    api = app_cls("api")
    api.add_url_rule("/items/<int:n>", "items", lambda n: f"{request.script_root}|{request.path}|{n}")
    main = app_cls("main")
    main.add_url_rule("/", "index", lambda: "main")
    main.wsgi_app = DispatcherMiddleware(main.wsgi_app, {"/api": api})
    client = main.test_client()
    assert client.get("/api/items/3").get_data() == b"/api|/items/3|3"
    assert client.get("/").get_data() == b"main"
    assert client.get("/apix/items/3").status_code == 404  # whole segments only


def test_proxy_fix_wraps_an_app_as_flask(app_cls):
    """The same app behind ProxyFix in Flask and in fastdispatch, both
    through their test clients."""
    from fastdispatch import request as fd_request

    def build(app, req):
        app.add_url_rule("/where", "where", lambda: f"{req.remote_addr} {req.scheme} {req.host} {req.url} {req.script_root}")
        return app

    fl = build(flask.Flask("fl"), flask.request)
    fl.wsgi_app = werkzeug.middleware.proxy_fix.ProxyFix(fl.wsgi_app, x_for=1, x_proto=1, x_host=1, x_port=1, x_prefix=1)
    fd = build(app_cls("fd"), fd_request)
    fd.wsgi_app = ProxyFix(fd.wsgi_app, x_for=1, x_proto=1, x_host=1, x_port=1, x_prefix=1)
    headers = {
        "X-Forwarded-For": "203.0.113.9, 10.0.0.2",
        "X-Forwarded-Proto": "https",
        "X-Forwarded-Host": "public.example",
        "X-Forwarded-Port": "8443",
        "X-Forwarded-Prefix": "/svc",
    }
    theirs = fl.test_client().get("/where", headers=headers).get_data()
    ours = fd.test_client().get("/where", headers=headers).get_data()
    assert ours == theirs == b"10.0.0.2 https public.example:8443 https://public.example:8443/svc/where /svc"


# -- trusted hosts -----------------------------------------------------------------

TRUSTED = [None, [], ["example.com"], [".example.com"], ["example.com:8080", "b\u00fccher.example"], "example.com", ["xn--bcher-kva.example"]]
HOSTS = [None, "example.com", "EXAMPLE.com", "a.example.com", "example.com:8080", "evil.com", "bad host", "[::1]:80", "example.com:99999", "b\u00fccher.example", "xn--bcher-kva.example", ""]


@pytest.mark.parametrize("trusted", TRUSTED)
@pytest.mark.parametrize("host", HOSTS)
def test_trusted_hosts_as_werkzeug(trusted, host):
    env = environ() if host is None else environ(host=host)

    class TheirRequest(werkzeug.wrappers.Request):
        trusted_hosts = trusted

    class OurRequest(Request):
        trusted_hosts = trusted

    def normalize(o):
        kind, value = o
        if kind == "raised":
            return kind, {"SecurityError": "SecurityError"}.get(value, value)
        return o

    theirs = normalize(outcome(lambda: TheirRequest(dict(env)).host))
    assert normalize(outcome(lambda: OurRequest(dict(env)).host)) == theirs
    assert normalize(outcome(lambda: get_host(dict(env), trusted))) == normalize(outcome(lambda: werkzeug.wsgi.get_host(dict(env), trusted)))
    if host:
        assert host_is_trusted(host, trusted) == werkzeug.sansio.utils.host_is_trusted(host, trusted)


def test_untrusted_host_is_a_400(app_cls):
    class Trusting(Request):
        trusted_hosts = [".example.com"]

    from fastdispatch import request

    app = app_cls("t")
    app.request_class = Trusting
    app.add_url_rule("/", "index", lambda: request.host)
    client = app.test_client()
    assert client.get("/", headers={"Host": "api.example.com"}).get_data() == b"api.example.com"
    resp = client.get("/", headers={"Host": "evil.com"})
    assert resp.status_code == 400
    assert issubclass(SecurityError, BadRequest) and werkzeug.exceptions.SecurityError.code == SecurityError.code
