"""``Request.authorization`` and ``Response.www_authenticate`` against
Werkzeug 3.1's: Basic, Bearer, Digest and other schemes, malformed values
(None, never an error), ``to_header``/``from_header`` round trips, and the
response header rewritten by every change to its challenge."""

from __future__ import annotations

import base64

import pytest
import werkzeug.datastructures as wd
import werkzeug.wrappers
from hypothesis import given
from hypothesis import strategies as st

from fastdispatch import Response
from fastdispatch.auth import Authorization, WWWAuthenticate

from .headers_oracle import SETTINGS, both, environ, outcome


def auth_summary(auth):
    if auth is None:
        return None
    return {
        "type": auth.type,
        "token": auth.token,
        "parameters": dict(auth.parameters),
        "username": auth.username,
        "password": auth.password,
        "realm": auth["realm"],
        "get": auth.get("nonce", "dflt"),
        "in": "username" in auth,
        "header": outcome(auth.to_header),
        "str": outcome(lambda: str(auth)),
    }


def compare_authorization(value):
    wz, fd = both(environ(authorization=value))
    kind, theirs = outcome(lambda: wz.authorization)
    if kind == "raised":
        # deliberate: Werkzeug lets non-ASCII Basic credentials raise (a
        # 500); they are the client's error, so there is no authorization
        assert theirs == "ValueError" and fd.authorization is None, value
        return
    assert auth_summary(fd.authorization) == auth_summary(theirs), value
    assert fd.authorization is fd.authorization  # computed once


def b64(s: bytes) -> str:
    return base64.b64encode(s).decode()


@pytest.mark.parametrize(
    "value",
    [
        "",
        "Basic " + b64(b"user:pass"),
        "basic " + b64(b"user:pa:ss"),
        "BASIC   " + b64(b"nocolon"),
        "Basic " + b64("jos\u00e9:\u00fc".encode()),
        "Basic " + b64(b"\xff\xfe:x"),  # not UTF-8
        "Basic not-base64!",
        "Basic \u00e9\u00e9\u00e9\u00e9",  # not ASCII
        "Basic " + b64(b"u:p")[:-1],  # bad padding
        "Basic",
        "Basic ",
        "Bearer abc.def.ghi",
        "Bearer abc==",
        "bearer  token with spaces ",
        'Digest username="Mufasa", realm="testrealm@host.com", nonce="dcd98b", uri="/dir/index.html", qop=auth, nc=00000001, response="6629fae4"',
        'Digest realm="unterminated',
        "Digest a=1, =2, b",
        "Digest title*=UTF-8''%e2%82%ac%20rates",
        "Token",
        "Custom k=v, k2=\"v 2\"",
        "\t",
        " Basic " + b64(b"u:p"),
    ],
)
def test_authorization_cases(value):
    compare_authorization(value)


_scheme = st.sampled_from(["Basic", "basic", "Bearer", "Digest", "Negotiate", "x", ""])
_rest = st.one_of(
    st.binary(max_size=20).map(lambda b: base64.b64encode(b).decode()),
    st.text(st.characters(min_codepoint=0x20, max_codepoint=0xFF), max_size=20),
    st.lists(
        st.tuples(st.sampled_from(["realm", "nonce", "username", "a", "b*", ""]), st.sampled_from(["v", '"q v"', '"a,b"', "", "UTF-8''%41", '"x'])),
        max_size=4,
    ).map(lambda kv: ", ".join(f"{k}={v}" for k, v in kv)),
)


@SETTINGS
@given(scheme=_scheme, sep=st.sampled_from([" ", "  ", "\t", ""]), rest=_rest)
def test_authorization_as_werkzeug(scheme, sep, rest):
    compare_authorization(f"{scheme}{sep}{rest}")


@pytest.mark.parametrize(
    "args",
    [
        ("basic", {"username": "u", "password": "p w"}),
        ("bearer", None, "tok"),
        ("digest", {"username": "a b", "realm": "r", "nc": "1"}),
    ],
)
def test_authorization_to_header_round_trip(args):
    ours, theirs = Authorization(*args), wd.Authorization(*args)
    assert ours.to_header() == theirs.to_header()
    assert Authorization.from_header(ours.to_header()) == ours
    assert repr(ours) == repr(theirs).replace("werkzeug", "")


def www_summary(w):
    return {"type": w.type, "token": w.token, "parameters": dict(w.parameters), "header": w.to_header(), "realm": w.realm, "in": "realm" in w}


@pytest.mark.parametrize(
    "value",
    [
        None,
        "",
        'Basic realm="Login Required"',
        'Digest realm="r", nonce=abc, qop="auth,auth-int", algorithm=MD5, stale=FALSE',
        "Bearer",
        "Bearer abc=",
        'Bearer realm="example", error="invalid_token"',
        'Newauth realm="apps", type=1, title="Login to \\"apps\\""',
        "Basic realm",
    ],
)
def test_www_authenticate_parsed_as_werkzeug(value):
    ours, theirs = Response("x"), werkzeug.wrappers.Response("x")
    if value is not None:
        ours.headers["WWW-Authenticate"] = value
        theirs.headers["WWW-Authenticate"] = value
    assert www_summary(ours.www_authenticate) == www_summary(theirs.www_authenticate)
    assert outcome(lambda: WWWAuthenticate.from_header(value) and www_summary(WWWAuthenticate.from_header(value))) == outcome(
        lambda: wd.WWWAuthenticate.from_header(value) and www_summary(wd.WWWAuthenticate.from_header(value))
    )


def www_steps(resp, cls):
    """The same changes on either framework's response; the header after each."""
    seen = []
    w = resp.www_authenticate
    w["realm"] = "Login Required"
    seen.append(resp.headers.getlist("WWW-Authenticate"))
    w.parameters["charset"] = "UTF-8"
    seen.append(resp.headers.getlist("WWW-Authenticate"))
    w["charset"] = None
    seen.append(resp.headers.getlist("WWW-Authenticate"))
    del w["realm"]
    seen.append(resp.headers.getlist("WWW-Authenticate"))
    resp.www_authenticate = cls("digest", {"realm": "r", "nonce": "n", "algorithm": "MD5"})
    seen.append(resp.headers.getlist("WWW-Authenticate"))
    resp.www_authenticate.nonce = "other"
    seen.append(resp.headers.getlist("WWW-Authenticate"))
    resp.www_authenticate = [cls("basic", {"realm": "a"}), cls("bearer", None, "t")]
    seen.append(resp.headers.getlist("WWW-Authenticate"))
    resp.www_authenticate = None
    seen.append(resp.headers.getlist("WWW-Authenticate"))
    resp.www_authenticate = cls("bearer", {"realm": "x y"})
    del resp.www_authenticate
    seen.append(resp.headers.getlist("WWW-Authenticate"))
    del resp.www_authenticate  # absent: nothing to do
    return seen


def test_www_authenticate_writes_back_as_werkzeug():
    assert www_steps(Response("x"), WWWAuthenticate) == www_steps(werkzeug.wrappers.Response("x"), wd.WWWAuthenticate)


def test_www_authenticate_token_and_equality():
    w = WWWAuthenticate("Bearer", token="abc")
    assert w.type == "bearer" and w.to_header() == "Bearer abc" == str(w)
    assert w == WWWAuthenticate("bearer", None, "abc") and w != WWWAuthenticate("basic")
    w.token = "def"
    assert w.get("missing", "d") == "d" and w.missing is None
    assert repr(w) == "<WWWAuthenticate Bearer def>"
