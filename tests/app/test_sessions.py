"""Sessions: Flask's cookie read and written both ways, the cookie's
settings, bad cookies, key rotation, expiry, the null session, a session
interface of the app's own, ``session_transaction``; the tagged JSON against
Flask's.  (The request-by-request comparison with Flask is in
``test_flask_diff.py``: the ``session-*`` and ``flash`` cases.)"""

from __future__ import annotations

import datetime
import hashlib
import subprocess
import sys
import typing as t
import uuid

import flask
import flask.json.tag
import itsdangerous
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import fastdispatch
from fastdispatch.json.tag import JSONTag, TaggedJSONSerializer
from fastdispatch.sessions import NullSession, SecureCookieSession, SecureCookieSessionInterface

from .conftest import SIGNING_TIME
from .test_flask_diff import GET, run_steps, snapshot

KEY = "the-secret-key"


def build(App: t.Any, session: t.Any, **config: t.Any) -> t.Any:  # noqa: N803
    """The same small app on either framework."""
    app = App(__name__)
    app.config.update({"SECRET_KEY": KEY, **config})

    @app.route("/set")
    def set_():
        for key, value in fastdispatch_or_flask_args(app).items():
            session[key] = value
        return "set"

    @app.route("/incr")
    def incr():
        session["n"] = session.get("n", 0) + 1
        session["seen"] = [*session.get("seen", ()), "incr"]
        return f"n={session['n']}"

    @app.route("/get")
    def get():
        return repr(sorted(session.items()))

    @app.route("/write")
    def write():
        session["w"] = 1
        return "written"

    @app.route("/plain")
    def plain():
        return "plain"

    return app


def fastdispatch_or_flask_args(app: t.Any) -> t.Any:
    return (flask.request if isinstance(app, flask.Flask) else fastdispatch.request).args


def fd_app(app_cls: type, **config: t.Any) -> t.Any:
    return build(app_cls, fastdispatch.session, **config)


def flask_app(**config: t.Any) -> t.Any:
    return build(flask.Flask, flask.session, **config)


def session_cookie(client: t.Any) -> str | None:
    cookie = client.get_cookie("session")
    return None if cookie is None else cookie.value


# -- Flask's cookie, both ways ---------------------------------------------------


def test_a_flask_cookie_is_read_changed_and_read_back_by_flask(app_cls: type) -> None:
    fl, fd = flask_app(), fd_app(app_cls)
    fl_client, fd_client = fl.test_client(), fd.test_client()
    with fl_client.session_transaction() as sess:
        sess.update(
            user="ann",
            tuple=(1, (2, "x")),
            raw=b"\x00\xffbytes",
            id=uuid.UUID(int=7),
            at=datetime.datetime(2030, 1, 2, 3, 4, 5, tzinfo=datetime.timezone.utc),
            lookalike={" t": [1]},
            markup=flask.json.tag.Markup("<b>bold</b>"),
        )
    fl_client.get("/incr")
    fd_client.set_cookie("session", session_cookie(fl_client))
    assert fd_client.get("/incr").text == "n=2"
    with fd_client.session_transaction() as sess:
        assert sess["tuple"] == (1, (2, "x")) and sess["raw"] == b"\x00\xffbytes" and sess["id"] == uuid.UUID(int=7)
        assert sess["at"] == datetime.datetime(2030, 1, 2, 3, 4, 5, tzinfo=datetime.timezone.utc)
        assert sess["lookalike"] == {" t": [1]} and type(sess["markup"]).__name__ == "Markup"
        assert sess["seen"] == ["incr", "incr"]
    fl_client.set_cookie("session", session_cookie(fd_client))
    assert fl_client.get("/incr").text == "n=3"
    fd_client.set_cookie("session", session_cookie(fl_client))
    assert fl_client.get("/get").text == fd_client.get("/get").text
    assert "('n', 3)" in fd_client.get("/get").text


def test_the_same_session_is_the_same_cookie(app_cls: type) -> None:
    fl, fd = flask_app(), fd_app(app_cls)
    fl_client, fd_client = fl.test_client(), fd.test_client()
    for client in (fl_client, fd_client):
        client.get("/set?a=1&b=%C3%BC")
        client.get("/incr")
    assert session_cookie(fd_client) == session_cookie(fl_client)
    assert session_cookie(fd_client) is not None


def test_a_rotated_key_reads_cookies_of_the_old_one(app_cls: type) -> None:
    fl = flask_app(SECRET_KEY="old-key")
    fl_client = fl.test_client()
    fl_client.get("/incr")
    fd = fd_app(app_cls, SECRET_KEY="new-key", SECRET_KEY_FALLBACKS=["older-key", "old-key"])
    fd_client = fd.test_client()
    fd_client.set_cookie("session", session_cookie(fl_client))
    assert fd_client.get("/incr").text == "n=2"  # read with the fallback, signed with the new key
    new_only = flask_app(SECRET_KEY="new-key").test_client()
    new_only.set_cookie("session", session_cookie(fd_client))
    assert new_only.get("/incr").text == "n=3"
    old_only = fd_app(app_cls, SECRET_KEY="old-key").test_client()
    old_only.set_cookie("session", session_cookie(fd_client))
    assert old_only.get("/incr").text == "n=1"  # the new key's cookie is not the old key's


# -- bad cookies: an empty session, never a 500 -------------------------------------


def _tampered(cookie: str) -> list[str]:
    payload, stamp, signature = cookie.rsplit(".", 2)
    flipped = "A" if signature[0] != "A" else "B"
    return [
        f"{payload}x.{stamp}.{signature}",
        f"{payload}.{stamp}.{flipped}{signature[1:]}",
        f"{payload}.{stamp}",
        f"{payload[:-2]}.{stamp}.{signature}",
        f".{payload}.{stamp}.{signature}",  # claims compression
        f"{payload}.{stamp}.{signature}.{signature}",
        cookie.replace(".", "", 1),
    ]


def test_a_tampered_cookie_is_an_empty_session(app_cls: type) -> None:
    fd, fl = fd_app(app_cls), flask_app()
    client = fd.test_client()
    client.get("/incr")
    good = session_cookie(client)
    assert good is not None
    for bad in _tampered(good):
        environ = {"HTTP_COOKIE": f"session={bad}"}
        resp = fd.test_client(use_cookies=False).get("/get", environ_overrides=environ)
        assert (resp.status_code, resp.text) == (200, "[]"), bad
        # a change in that request writes a fresh, valid session
        resp = fd.test_client(use_cookies=False).get("/incr", environ_overrides=environ)
        assert resp.text == "n=1", bad
    # What base64 skips is not part of what was signed: as Flask, the session reads.
    for junk in ("\xc3\xa9", "!!", "=="):
        environ = {"HTTP_COOKIE": f"session={good}{junk}"}
        assert snapshot(fd.test_client(use_cookies=False).get("/get", environ_overrides=environ)) == snapshot(
            fl.test_client(use_cookies=False).get("/get", environ_overrides=environ)
        )


def test_a_cookie_signed_for_something_else_is_an_empty_session(app_cls: type) -> None:
    fd = fd_app(app_cls)
    other_salt = itsdangerous.URLSafeTimedSerializer(KEY, salt="not-the-session").dumps({"n": 5})
    # Flask's salt, but itsdangerous's default key derivation (not HMAC)
    other_derivation = itsdangerous.URLSafeTimedSerializer(KEY, salt="cookie-session").dumps({"n": 5})
    for value in (other_salt, other_derivation):
        resp = fd.test_client(use_cookies=False).get("/get", environ_overrides={"HTTP_COOKIE": f"session={value}"})
        assert (resp.status_code, resp.text) == (200, "[]")


def test_an_expired_cookie_is_an_empty_session(app_cls: type, monkeypatch: pytest.MonkeyPatch) -> None:
    fd = fd_app(app_cls, PERMANENT_SESSION_LIFETIME=datetime.timedelta(hours=1))
    client = fd.test_client()
    client.get("/incr")
    monkeypatch.setattr(itsdangerous.TimestampSigner, "get_timestamp", lambda self: SIGNING_TIME + 3600)
    assert client.get("/get").text != "[]"  # at the limit: still good
    monkeypatch.setattr(itsdangerous.TimestampSigner, "get_timestamp", lambda self: SIGNING_TIME + 3601)
    assert client.get("/get").text == "[]"
    assert client.get("/incr").text == "n=1"


def test_a_lifetime_in_seconds_is_a_timedelta(app_cls: type) -> None:
    fd = fd_app(app_cls, PERMANENT_SESSION_LIFETIME=90)
    assert fd.permanent_session_lifetime == datetime.timedelta(seconds=90)
    fd.permanent_session_lifetime = datetime.timedelta(minutes=5)
    assert fd.config["PERMANENT_SESSION_LIFETIME"] == datetime.timedelta(minutes=5)


# -- compared with Flask: the cookie's settings, the null session -------------------------


def both(app_cls: type, paths: list[str], **config: t.Any) -> tuple[list[t.Any], list[t.Any]]:
    fl, fd = flask_app(**config), fd_app(app_cls, **config)
    steps = [GET(p) for p in paths]
    return run_steps(fl, fl.test_client(), steps), run_steps(fd, fd.test_client(), steps)


@pytest.mark.parametrize(
    "config",
    [
        {"SESSION_COOKIE_NAME": "sid", "SESSION_COOKIE_DOMAIN": "example.com", "SESSION_COOKIE_PATH": "/app"},
        {"SESSION_COOKIE_SECURE": True, "SESSION_COOKIE_HTTPONLY": False, "SESSION_COOKIE_SAMESITE": "Lax"},
        {"SESSION_COOKIE_PARTITIONED": True, "SESSION_COOKIE_SECURE": True, "SESSION_COOKIE_SAMESITE": "None"},
        {"APPLICATION_ROOT": "/root"},
        {"SESSION_REFRESH_EACH_REQUEST": False},
        {"SESSION_COOKIE_NAME": "s"},  # a name inside other cookies' names
    ],
    ids=lambda c: ",".join(c),
)
def test_cookie_settings_as_flask(app_cls: type, config: dict[str, t.Any]) -> None:
    fl, fd = both(app_cls, ["/incr", "/plain", "/get", "/incr", "/get"], **config)
    assert fd == fl


def test_no_secret_key_is_the_null_session_as_flask(app_cls: type) -> None:
    fl, fd = both(app_cls, ["/get", "/plain", "/write", "/get"], SECRET_KEY=None)
    assert fd == fl
    assert fd[2]["status"] == "500 INTERNAL SERVER ERROR"
    app = fd_app(app_cls, SECRET_KEY=None, TESTING=True)
    with pytest.raises(RuntimeError, match="no secret key was set"):
        app.test_client().get("/write")


def test_the_null_session_reads_empty_and_refuses_changes() -> None:
    s = NullSession()
    assert not s and s.get("x") is None and not s.permanent
    for change in (lambda: s.__setitem__("a", 1), s.clear, lambda: s.update(a=1), lambda: s.setdefault("a"), lambda: s.pop("a")):
        with pytest.raises(RuntimeError):
            change()


def test_modified_is_set_by_every_change_only() -> None:
    for change in (
        lambda s: s.__setitem__("b", 1),
        lambda s: s.__delitem__("a"),
        lambda s: s.clear(),
        lambda s: s.pop("a"),
        lambda s: s.popitem(),
        lambda s: s.update(b=1),
        lambda s: s.setdefault("b", 2),
        lambda s: s.__ior__({"b": 1}),
    ):
        s = SecureCookieSession({"a": 1})
        assert not s.modified
        change(s)
        assert s.modified
    s = SecureCookieSession({"a": 1})
    s.get("a")
    s.setdefault("a", 5)
    s.pop("zz", None)
    assert list(s.items()) == [("a", 1)] and "a" in s
    assert not s.modified


# -- the short path -------------------------------------------------------------------------


def test_a_plain_view_refreshes_a_permanent_session(app_cls: type) -> None:
    """The short path answers a text view without a Response object; not
    when the request sent a session cookie that must be sent again."""
    fd = fd_app(app_cls)

    @fd.route("/perm")
    def perm():
        fastdispatch.session.permanent = True
        return "perm"

    client = fd.test_client()
    assert client.get("/plain").headers.get("Set-Cookie") is None
    client.get("/perm")
    resp = client.get("/plain")
    assert resp.text == "plain" and resp.headers["Set-Cookie"].startswith("session=") and resp.headers["Vary"] == "Cookie"
    other = fd.test_client(use_cookies=False).get("/plain", headers={"Cookie": "unrelated=1; mysession=2"})
    assert other.headers.get("Set-Cookie") is None and other.headers.get("Vary") is None


def test_sessions_cost_nothing_until_used() -> None:
    code = (
        "import sys, fastdispatch\n"
        "app = fastdispatch.App('x'); app.secret_key = 'k'\n"
        "app.route('/')(lambda: 'hi')\n"
        "r = app.test_client().get('/', headers={'Cookie': 'other=1'})\n"
        "assert r.text == 'hi', r.text\n"
        "assert 'itsdangerous' not in sys.modules, 'itsdangerous imported'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


# -- an interface of the app's own -------------------------------------------------------------


class DictSessions(fastdispatch.sessions.SessionInterface):
    """Server-side sessions in a dict, keyed by a cookie (as Flask-Session)."""

    def __init__(self) -> None:
        self.store: dict[str, dict[str, t.Any]] = {}
        self.opened = self.saved = 0

    def open_session(self, app: t.Any, request: t.Any) -> t.Any:
        self.opened += 1
        sid = request.cookies.get("sid") or str(len(self.store) + 1)
        session = SecureCookieSession(self.store.get(sid, {}))
        session.sid = sid  # type: ignore[attr-defined]
        return session

    def save_session(self, app: t.Any, session: t.Any, response: t.Any) -> None:
        self.saved += 1
        self.store[session.sid] = dict(session)
        response.set_cookie("sid", session.sid)


def test_an_interface_of_the_apps_own_opens_every_request(app_cls: type) -> None:
    fd = fd_app(app_cls)
    fd.session_interface = DictSessions()
    client = fd.test_client()
    assert client.get("/plain").text == "plain"
    assert client.get("/incr").text == "n=1"
    assert client.get("/incr").text == "n=2"
    assert client.get("/nope").status_code == 404
    assert fd.session_interface.opened == fd.session_interface.saved == 4
    assert fd.session_interface.store == {"1": {"n": 2, "seen": ["incr", "incr"]}}
    assert client.get_cookie("session") is None


def test_a_subclass_of_the_default_interface(app_cls: type) -> None:
    class Salted(SecureCookieSessionInterface):
        salt = "my-salt"

    fd = fd_app(app_cls)
    fd.session_interface = Salted()
    client = fd.test_client()
    client.get("/incr")
    assert client.get("/incr").text == "n=2"
    value = session_cookie(client)
    signer_kwargs = {"key_derivation": "hmac", "digest_method": hashlib.sha1}
    assert itsdangerous.URLSafeTimedSerializer(KEY, salt="my-salt", serializer=TaggedJSONSerializer(), signer_kwargs=signer_kwargs).loads(value)["n"] == 2


# -- session_transaction ----------------------------------------------------------------------------


def test_session_transaction(app_cls: type) -> None:
    fd = fd_app(app_cls)
    client = fd.test_client()
    with client.session_transaction() as sess:
        assert dict(sess) == {}
        sess["n"] = 41
    assert client.get("/incr").text == "n=42"
    with client.session_transaction() as sess:
        assert sess["n"] == 42
    with pytest.raises(TypeError, match="Cookies are disabled"):
        with fd.test_client(use_cookies=False).session_transaction():
            pass


def test_session_transaction_as_flask(app_cls: type) -> None:
    fl, fd = flask_app(), fd_app(app_cls)
    out = []
    for app in (fl, fd):
        client = app.test_client()
        with client.session_transaction() as sess:
            sess["n"] = 1
            sess.permanent = True
        out.append(snapshot(client.get("/incr")))
    assert out[1] == out[0]


def test_outside_a_request_there_is_no_session() -> None:
    with pytest.raises(RuntimeError, match="request context"):
        fastdispatch.session.get("x")
    app = fastdispatch.App(__name__)
    with app.app_context():
        with pytest.raises(RuntimeError, match="request context"):
            fastdispatch.session["x"] = 1
    assert not fastdispatch.session


# -- tagged JSON: Flask's, byte for byte ---------------------------------------------------------------

_leaves = (
    st.none()
    | st.booleans()
    | st.integers(-(2**60), 2**60)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=8)
    | st.binary(max_size=8)
    | st.uuids()
    # (HTTP dates: whole seconds, and two-digit years read as 19xx, in Flask too)
    | st.datetimes(min_value=datetime.datetime(1900, 1, 1), timezones=st.just(datetime.timezone.utc)).map(lambda d: d.replace(microsecond=0))
)
_keys = st.text(max_size=4) | st.sampled_from([" t", " di", " b", " u", " d", " m", " di__", "a"])
_values = st.recursive(
    _leaves,
    lambda inner: st.lists(inner, max_size=4) | st.tuples(inner, inner) | st.dictionaries(_keys, inner, max_size=3),
    max_leaves=12,
)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.text(max_size=6), _values, max_size=4))
def test_tagged_json_is_flasks(value: dict[str, t.Any]) -> None:
    ours, flasks = TaggedJSONSerializer(), flask.json.tag.TaggedJSONSerializer()
    # each in an app context: the tags write through the app's JSON provider
    with flask.Flask(__name__).app_context():
        dumped = flasks.dumps(value)
        theirs = flasks.loads(dumped)
    with fastdispatch.App(__name__).app_context():
        assert ours.dumps(value) == dumped
        assert ours.loads(dumped) == theirs == value


def test_a_tag_of_the_apps_own() -> None:
    class Complex(JSONTag):
        key = " c"

        def check(self, value: t.Any) -> bool:
            return isinstance(value, complex)

        def to_json(self, value: t.Any) -> t.Any:
            return [value.real, value.imag]

        def to_python(self, value: t.Any) -> t.Any:
            return complex(*value)

    s = TaggedJSONSerializer()
    s.register(Complex, index=0)
    assert s.loads(s.dumps({"z": 1 + 2j})) == {"z": 1 + 2j}
    with pytest.raises(KeyError, match="already registered"):
        s.register(Complex)
    s.register(Complex, force=True)

