"""``fastdispatch.exceptions`` against ``werkzeug.exceptions``: same classes,
same error pages byte for byte, same headers, same ``abort``."""

from __future__ import annotations

import pickle
from datetime import datetime, timezone

import flask
import pytest
import werkzeug.exceptions as wz
import werkzeug.routing
from markupsafe import Markup

from fastdispatch import App
from fastdispatch import exceptions as fd
from fastdispatch.ctx import AppContext
from fastdispatch.response import Response

ENVIRON = {"REQUEST_METHOD": "GET", "SERVER_NAME": "localhost", "SERVER_PORT": "80", "HTTP_HOST": "localhost", "PATH_INFO": "/", "wsgi.url_scheme": "http"}


def wsgi(app, method="GET"):
    seen = {}
    body = b"".join(app({**ENVIRON, "REQUEST_METHOD": method}, lambda s, h, e=None: seen.update(status=s, headers=list(h))))
    return seen["status"], seen["headers"], body


def snapshot(resp):
    return resp.status, resp.status_code, list(resp.headers.items()), resp.get_data()


CODES = sorted(wz.default_exceptions)


def test_same_codes_and_class_names():
    assert sorted(fd.default_exceptions) == CODES
    for code in CODES:
        ours, theirs = fd.default_exceptions[code], wz.default_exceptions[code]
        assert ours.__name__ == theirs.__name__
        assert getattr(fd, theirs.__name__) is ours
        assert ours.code == theirs.code == code
        assert ours.description == theirs.description, code


@pytest.mark.parametrize("code", CODES)
def test_default_error_page(code):
    ours, theirs = fd.default_exceptions[code](), wz.default_exceptions[code]()
    assert ours.name == theirs.name
    assert ours.get_description() == theirs.get_description()
    assert ours.get_body() == theirs.get_body()
    assert ours.get_headers() == theirs.get_headers()
    assert str(ours) == str(theirs) and repr(ours) == repr(theirs)
    assert snapshot(ours.get_response()) == snapshot(theirs.get_response())
    assert isinstance(ours.get_response(), Response)
    for method in ("GET", "HEAD"):
        assert wsgi(ours, method) == wsgi(theirs, method)  # exceptions are WSGI apps


DESCRIPTIONS = [
    "",
    "plain",
    "<b>html & 'quotes' \"too\"</b>",
    "line one\nline two\n",
    "ünïcødé ✓",
    Markup("<em>trusted</em> markup\nwith newline"),
]


@pytest.mark.parametrize("description", DESCRIPTIONS, ids=range(len(DESCRIPTIONS)))
@pytest.mark.parametrize("code", [400, 404, 418, 500, 503])
def test_custom_description(code, description):
    ours, theirs = fd.default_exceptions[code](description), wz.default_exceptions[code](description)
    assert ours.get_body() == theirs.get_body()
    assert snapshot(ours.get_response()) == snapshot(theirs.get_response())
    assert str(ours) == str(theirs)


def test_base_exception_and_subclass_without_code():
    assert fd.HTTPException().get_body() == wz.HTTPException().get_body()
    assert snapshot(fd.HTTPException("x").get_response()) == snapshot(wz.HTTPException("x").get_response())
    assert repr(fd.HTTPException()) == repr(wz.HTTPException())

    class Custom(fd.HTTPException):
        code = 499
        description = "custom"

    class WzCustom(wz.HTTPException):
        code = 499
        description = "custom"

    assert snapshot(Custom().get_response()) == snapshot(WzCustom().get_response())


@pytest.mark.parametrize(
    "valid_methods",
    [None, [], ["GET", "HEAD"], ("POST",), ["DELETE", "GET", "HEAD", "OPTIONS", "PATCH"]],
)
def test_method_not_allowed(valid_methods):
    ours, theirs = fd.MethodNotAllowed(valid_methods), wz.MethodNotAllowed(valid_methods)
    assert ours.valid_methods == theirs.valid_methods
    assert snapshot(ours.get_response()) == snapshot(theirs.get_response())
    assert wsgi(ours) == wsgi(theirs)
    ours, theirs = fd.MethodNotAllowed(valid_methods=valid_methods, description="no"), wz.MethodNotAllowed(valid_methods=valid_methods, description="no")
    assert snapshot(ours.get_response()) == snapshot(theirs.get_response())


def test_unauthorized_www_authenticate():
    from werkzeug.datastructures import WWWAuthenticate

    one = WWWAuthenticate("basic", {"realm": "site"})
    two = WWWAuthenticate("bearer", {"realm": "api", "error": "invalid_token"})
    assert snapshot(fd.Unauthorized(www_authenticate=str(one)).get_response()) == snapshot(wz.Unauthorized(www_authenticate=one).get_response())
    assert snapshot(fd.Unauthorized(www_authenticate=[one, two]).get_response()) == snapshot(wz.Unauthorized(www_authenticate=[one, two]).get_response())
    assert snapshot(fd.Unauthorized("desc").get_response()) == snapshot(wz.Unauthorized("desc").get_response())


@pytest.mark.parametrize("length,units", [(None, "bytes"), (0, "bytes"), (1234, "bytes"), (5, "items")])
def test_range_not_satisfiable(length, units):
    ours, theirs = fd.RequestedRangeNotSatisfiable(length, units), wz.RequestedRangeNotSatisfiable(length, units)
    assert snapshot(ours.get_response()) == snapshot(theirs.get_response())


@pytest.mark.parametrize("retry_after", [None, 0, 120, datetime(2030, 1, 2, 3, 4, 5), datetime(2030, 1, 2, 3, 4, 5, tzinfo=timezone.utc)])
@pytest.mark.parametrize("name", ["TooManyRequests", "ServiceUnavailable"])
def test_retry_after(name, retry_after):
    ours, theirs = getattr(fd, name)(retry_after=retry_after), getattr(wz, name)(retry_after=retry_after)
    assert snapshot(ours.get_response()) == snapshot(theirs.get_response())


def test_internal_server_error_keeps_the_original():
    original = ZeroDivisionError("x")
    e = fd.InternalServerError(original_exception=original)
    assert e.original_exception is original
    assert snapshot(e.get_response()) == snapshot(wz.InternalServerError(original_exception=original).get_response())


def test_response_argument_replaces_the_page():
    r = Response("custom", 409)
    assert fd.Conflict(response=r).get_response() is r
    assert wsgi(fd.NotFound(response=r)) == ("409 CONFLICT", [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", "6")], b"custom")


def test_bad_request_key_error():
    e = fd.BadRequestKeyError("missing")
    w = wz.BadRequestKeyError("missing")
    assert isinstance(e, KeyError) and isinstance(e, fd.BadRequest)
    assert e.args == w.args and e.code == 400
    assert e.description == w.description
    assert snapshot(e.get_response()) == snapshot(w.get_response())
    assert str(e) == str(w)
    e.show_exception = w.show_exception = True
    assert e.description == w.description
    assert snapshot(e.get_response()) == snapshot(w.get_response())
    e2, w2 = fd.BadRequestKeyError(), wz.BadRequestKeyError()
    assert e2.args == w2.args and snapshot(e2.get_response()) == snapshot(w2.get_response())
    e3, w3 = fd.BadRequestKeyError("k", "custom description"), wz.BadRequestKeyError("k", "custom description")
    assert e3.description == w3.description == "custom description"
    with pytest.raises(KeyError):
        raise fd.BadRequestKeyError("k")


def test_bad_request_family():
    for name in ("ClientDisconnected", "SecurityError", "BadHost"):
        ours = getattr(fd, name)
        assert issubclass(ours, fd.BadRequest) and ours.code == 400
        assert snapshot(ours().get_response()) == snapshot(getattr(wz, name)().get_response())


# -- abort ----------------------------------------------------------------------------------


@pytest.mark.parametrize("code", CODES)
def test_abort_raises_the_class_for_the_code(code):
    with pytest.raises(fd.HTTPException) as ours:
        fd.abort(code)
    with pytest.raises(wz.HTTPException) as theirs:
        wz.abort(code)
    # Werkzeug is loaded here: the class for the code, made Werkzeug's too
    assert type(ours.value).__bases__ == (fd.default_exceptions[code], type(theirs.value))
    assert type(ours.value).__name__ == type(theirs.value).__name__
    assert snapshot(ours.value.get_response()) == snapshot(theirs.value.get_response())


@pytest.mark.parametrize(
    "args,kwargs",
    [
        ((404, "gone fishing"), {}),
        ((404,), {"description": "by keyword"}),
        ((405, ["GET", "POST"]), {}),
        ((405,), {"valid_methods": ["GET"], "description": "nope"}),
        ((401,), {"www_authenticate": None}),
        ((429,), {"retry_after": 30}),
        ((416,), {"length": 10}),
    ],
)
def test_abort_forwards_arguments(args, kwargs):
    with pytest.raises(fd.HTTPException) as ours:
        fd.abort(*args, **kwargs)
    with pytest.raises(wz.HTTPException) as theirs:
        wz.abort(*args, **kwargs)
    assert snapshot(ours.value.get_response()) == snapshot(theirs.value.get_response())


def test_abort_with_a_response_and_unknown_codes():
    r = Response("teapot time", 418)
    with pytest.raises(fd.HTTPException) as info:
        fd.abort(r)
    assert info.value.get_response() is r and type(info.value).__bases__ == (fd.HTTPException, wz.HTTPException)
    for code in (200, 302, 999):
        with pytest.raises(LookupError) as ours:
            fd.abort(code)
        with pytest.raises(LookupError) as theirs:
            wz.abort(code)
        assert str(ours.value) == str(theirs.value)


def test_abort_inside_flask_matches_flask_abort():
    app = flask.Flask(__name__)
    with app.app_context():
        for code in (400, 404, 500):
            with pytest.raises(wz.HTTPException) as theirs:
                flask.abort(code, "d")
            with pytest.raises(fd.HTTPException) as ours:
                fd.abort(code, "d")
            assert snapshot(ours.value.get_response()) == snapshot(theirs.value.get_response())


def test_abort_uses_the_apps_aborter():
    class Custom(fd.HTTPException):
        code = 499

    app = App(__name__)
    app.aborter = fd.Aborter(extra={499: Custom})
    with AppContext(app):
        with pytest.raises(Custom):
            fd.abort(499)
    with pytest.raises(LookupError):
        fd.abort(499)


# -- the routing redirect ------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    ["http://localhost/users", "http://localhost/a%20b?q=1", "http://localhost/%C3%BC", "https://Example.COM:8443/x?a=1&b=2", "http://localhost/%3Cx%3E"],
)
def test_request_redirect_matches_werkzeug(url):
    """The router's redirect is an HTTP exception of its own: made for a
    request, it answers as Werkzeug's bound MapAdapter does."""
    from werkzeug.test import EnvironBuilder

    from fastdispatch import routing

    environ = EnvironBuilder(url).get_environ()
    path = environ["PATH_INFO"].encode("latin-1").decode()
    with pytest.raises(werkzeug.routing.RequestRedirect) as info:
        werkzeug.routing.Map([werkzeug.routing.Rule(path + "/")]).bind_to_environ(environ).match()
    theirs = info.value
    ours = routing.RequestRedirect(path + "/")
    assert isinstance(ours, fd.HTTPException) and isinstance(ours, routing.RoutingException)
    assert ours.code == 308 and ours.location == path + "/"
    assert str(ours) == str(werkzeug.routing.RequestRedirect(ours.new_url))
    assert snapshot(ours.get_response(environ)) == snapshot(theirs.get_response(environ))
    got = []
    body = b"".join(ours(environ, lambda st, h, e=None: got.append((st, list(h)))))
    want = []
    assert (got, body) == (want, b"".join(theirs(environ, lambda st, h, e=None: want.append((st, list(h))))))
    assert type(ours) not in fd.default_exceptions.values()


def test_public_names():
    for name in fd.__all__:
        assert hasattr(fd, name), name
    missing = {c.__name__ for c in wz.default_exceptions.values()} - set(fd.__all__)
    assert not missing


def test_raised_as_werkzeugs_namesake_too():
    # Werkzeug is loaded here: code written for Flask catches ours by
    # Werkzeug's classes; an app's subclass too, its mixins' __new__ kept
    class Gone(fd.NotFound, OSError):
        description = "moved"

    with pytest.raises(wz.Forbidden) as aborted:
        fd.abort(403, "no")
    for exc, theirs in ((aborted.value, wz.Forbidden), (fd.BadRequestKeyError("k"), wz.BadRequestKeyError), (Gone(), wz.NotFound)):
        assert isinstance(exc, theirs) and type(exc).__name__ == type(exc).__mro__[1].__name__
    gone = Gone()
    assert isinstance(gone, OSError) and (gone.code, gone.description) == (404, "moved")
    assert pickle.loads(pickle.dumps(fd.BadRequestKeyError("k"))).args == ("k",)
    assert type(pickle.loads(pickle.dumps(fd.InternalServerError()))) is type(fd.InternalServerError())
