"""Flask-JWT-Extended, used as its documentation shows: ``JWTManager``, a
``/login`` issuing access and refresh tokens (additional claims, a user
identity loader), ``jwt_required`` (plain, optional, fresh, refresh),
``get_jwt_identity``, ``get_jwt``, ``current_user`` through a user lookup
loader, a token blocklist with logout, custom error callbacks, and the
tokens in cookies too, with the CSRF double submit on unsafe methods
(``make_app``); the rest of its configuration (``make_configured_app``).

Tokens carry ``iat``/``nbf``/``exp`` (now) and a ``jti`` and a CSRF value
(``uuid.uuid4()``), which would make every token differ between the Flask
run and the fastdispatch run.  Both are frozen, the same way in both worlds
(``_frozen_tokens``): ``flask_jwt_extended.tokens`` reads the clock through
its module global ``datetime`` (one per world: the extension is imported
once per world), and ``uuid.uuid4`` is shared, counted from zero again by
each ``make_app``.  Then each world issues the same tokens, byte for byte,
and the bodies and Set-Cookie headers that carry them compare equal.  The
requests that send a token back read it from ``ISSUED``, where the app's
own views put what they issued in this world.  The clock is frozen at the
test's start, just past when PyJWT (which reads the real clock) checks
them: they are valid, and an expired token is one issued with a negative
lifetime.
"""

from __future__ import annotations

import datetime as _dt
import itertools
import sys
import typing as t
import uuid

import jwt as pyjwt
import pytest

from .worlds import world

USERS = {"ada": {"password": "lovelace", "admin": True}, "alan": {"password": "turing", "admin": False}}
NOW = _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0)  # each test's start (_frozen_tokens)
ISSUED: dict[str, str] = {}  # what the app issued in the world being run
_uuids = itertools.count()


class _FrozenClock(_dt.datetime):
    @classmethod
    def now(cls, tz: _dt.tzinfo | None = None) -> _dt.datetime:  # type: ignore[override]
        return NOW.astimezone(tz) if tz is not None else NOW.astimezone().replace(tzinfo=None)


@pytest.fixture(autouse=True)
def _frozen_tokens(monkeypatch: pytest.MonkeyPatch) -> None:
    # the test's own start, not the session's: a 15 minutes' token must
    # still be valid for PyJWT, which reads the real clock
    monkeypatch.setattr(sys.modules[__name__], "NOW", _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0))
    for kind in ("flask", "fastdispatch"):
        with world(kind) as w:
            monkeypatch.setattr(w.flask_jwt_extended.tokens, "datetime", _FrozenClock)
    monkeypatch.setattr(uuid, "uuid4", lambda: uuid.UUID(int=next(_uuids)))


def make_app(w: t.Any, App: type) -> t.Any:  # noqa: N803 (the framework's class)
    global _uuids
    _uuids = itertools.count()
    ISSUED.clear()
    flask, jx = w.flask, w.flask_jwt_extended
    app = App(__name__)
    app.config["JWT_SECRET_KEY"] = "super-secret, and long enough for HS256"
    app.config["JWT_TOKEN_LOCATION"] = ["headers", "cookies"]
    app.config["JWT_ACCESS_TOKEN_EXPIRES"] = _dt.timedelta(hours=1)
    jwt = jx.JWTManager(app)
    blocklist: set[str] = set()

    class User:
        def __init__(self, name: str) -> None:
            self.name = name
            self.admin = USERS[name]["admin"]

    @jwt.user_identity_loader
    def user_identity_lookup(user: t.Any) -> str:
        return user.name if isinstance(user, User) else user

    @jwt.user_lookup_loader
    def user_lookup_callback(_jwt_header: dict, jwt_data: dict) -> t.Any:
        name = jwt_data["sub"]
        return User(name) if name in USERS else None

    @jwt.token_in_blocklist_loader
    def check_if_token_revoked(_jwt_header: dict, jwt_payload: dict) -> bool:
        return jwt_payload["jti"] in blocklist

    @jwt.expired_token_loader
    def my_expired_token_callback(_jwt_header: dict, jwt_payload: dict) -> t.Any:
        return flask.jsonify(code="expired", err=f"the {jwt_payload['type']} token has expired"), 401

    @jwt.unauthorized_loader
    def my_unauthorized_callback(reason: str) -> t.Any:
        return flask.jsonify(code="unauthorized", err=reason), 401

    @app.route("/login", methods=["POST"])
    def login() -> t.Any:
        username = flask.request.json.get("username", None)
        password = flask.request.json.get("password", None)
        if username not in USERS or USERS[username]["password"] != password:
            return flask.jsonify({"msg": "Bad username or password"}), 401
        user = User(username)
        access_token = jx.create_access_token(identity=user, fresh=True, additional_claims={"is_admin": user.admin})
        refresh_token = jx.create_refresh_token(identity=user)
        ISSUED.update(access=access_token, refresh=refresh_token)
        return flask.jsonify(access_token=access_token, refresh_token=refresh_token)

    @app.route("/expired-token")
    def expired_token() -> t.Any:
        ISSUED["expired"] = jx.create_access_token(identity="ada", expires_delta=_dt.timedelta(seconds=-1))
        return {"issued": ISSUED["expired"]}

    @app.route("/ghost-token")
    def ghost_token() -> t.Any:
        ISSUED["ghost"] = jx.create_access_token(identity="nobody")
        return {"issued": ISSUED["ghost"]}

    @app.route("/protected")
    @jx.jwt_required()
    def protected() -> t.Any:
        claims = jx.get_jwt()
        return flask.jsonify(logged_in_as=jx.get_jwt_identity(), is_admin=claims["is_admin"] if "is_admin" in claims else None,
                             fresh=claims["fresh"], type=claims["type"], where=jx.get_jwt_request_location(), header=jx.get_jwt_header())

    @app.route("/who_am_i")
    @jx.jwt_required()
    def who_am_i() -> t.Any:
        return flask.jsonify(name=jx.current_user.name, admin=jx.current_user.admin)

    @app.route("/optionally_protected")
    @jx.jwt_required(optional=True)
    def optionally_protected() -> t.Any:
        current_identity = jx.get_jwt_identity()
        if current_identity:
            return flask.jsonify(logged_in_as=current_identity)
        return flask.jsonify(logged_in_as="anonymous user", user=repr(jx.get_current_user()))

    @app.route("/fresh")
    @jx.jwt_required(fresh=True)
    def fresh() -> t.Any:
        return flask.jsonify(fresh_for=jx.get_jwt_identity())

    @app.route("/refresh", methods=["POST"])
    @jx.jwt_required(refresh=True)
    def refresh() -> t.Any:
        identity = jx.get_jwt_identity()
        ISSUED["access"] = jx.create_access_token(identity=identity, fresh=False)
        return flask.jsonify(access_token=ISSUED["access"])

    @app.route("/logout", methods=["DELETE"])
    @jx.jwt_required(verify_type=False)
    def logout() -> t.Any:
        token = jx.get_jwt()
        blocklist.add(token["jti"])
        return flask.jsonify(msg=f"{token['type'].capitalize()} token successfully revoked")

    @app.route("/login_with_cookies", methods=["POST"])
    def login_with_cookies() -> t.Any:
        response = flask.jsonify({"msg": "login successful"})
        access_token = jx.create_access_token(identity="alan")
        ISSUED["csrf"] = jx.get_csrf_token(access_token)
        jx.set_access_cookies(response, access_token)
        jx.set_refresh_cookies(response, jx.create_refresh_token(identity="alan"))
        return response

    @app.route("/cookie_post", methods=["POST"])
    @jx.jwt_required(locations=["cookies"])
    def cookie_post() -> t.Any:
        return flask.jsonify(posted_by=jx.get_jwt_identity(), csrf=jx.get_jwt()["csrf"])

    @app.route("/logout_with_cookies", methods=["POST"])
    def logout_with_cookies() -> t.Any:
        response = flask.jsonify({"msg": "logout successful"})
        jx.unset_jwt_cookies(response)
        return response

    return app


def forged() -> str:
    """The issued access token's claims, signed with another key."""
    claims = pyjwt.decode(ISSUED["access"], options={"verify_signature": False})
    return pyjwt.encode(claims, "another key, long enough for HS256 too", algorithm="HS256")


def bearer(name: str) -> t.Callable[[], dict[str, str]]:
    return lambda: {"Authorization": f"Bearer {ISSUED[name]}"}


REQUESTS = [
    # no token: the custom unauthorized callback, or anonymous where optional
    ("GET", "/protected", {}),
    ("GET", "/optionally_protected", {}),
    ("GET", "/protected", {"headers": {"Authorization": "Token abc"}}),
    ("POST", "/login", {"json": {"username": "ada", "password": "wrong"}}),
    ("POST", "/login", {"json": {"username": "ada", "password": "lovelace"}}),
    ("GET", "/protected", {"headers": bearer("access")}),
    ("GET", "/who_am_i", {"headers": bearer("access")}),
    ("GET", "/optionally_protected", {"headers": bearer("access")}),
    ("GET", "/fresh", {"headers": bearer("access")}),
    # a refresh token where an access token belongs, and the other way round
    ("GET", "/protected", {"headers": bearer("refresh")}),
    ("POST", "/refresh", {"headers": bearer("access")}),
    ("POST", "/refresh", {"headers": bearer("refresh")}),
    ("GET", "/protected", {"headers": bearer("access")}),
    ("GET", "/fresh", {"headers": bearer("access")}),
    # malformed: not a JWT, a bad signature, two parts, an empty bearer
    ("GET", "/protected", {"headers": {"Authorization": "Bearer not-a-jwt"}}),
    ("GET", "/protected", {"headers": lambda: {"Authorization": f"Bearer {forged()}"}}),
    ("GET", "/protected", {"headers": {"Authorization": "Bearer a.b"}}),
    ("GET", "/protected", {"headers": {"Authorization": "Bearer"}}),
    ("GET", "/optionally_protected", {"headers": {"Authorization": "Bearer not-a-jwt"}}),
    # expired, and a user the lookup loader cannot find
    ("GET", "/expired-token", {}),
    ("GET", "/protected", {"headers": bearer("expired")}),
    ("GET", "/optionally_protected", {"headers": bearer("expired")}),
    ("GET", "/ghost-token", {}),
    ("GET", "/who_am_i", {"headers": bearer("ghost")}),
    # the blocklist: revoke the access token, then the refresh token
    ("DELETE", "/logout", {"headers": bearer("access")}),
    ("GET", "/protected", {"headers": bearer("access")}),
    ("DELETE", "/logout", {"headers": bearer("refresh")}),
    ("POST", "/refresh", {"headers": bearer("refresh")}),
    # OPTIONS is exempt
    ("OPTIONS", "/protected", {}),
    # cookies: set, read on GET, the CSRF double submit on POST
    ("POST", "/login_with_cookies", {}),
    ("GET", "/protected", {}),
    ("GET", "/who_am_i", {}),
    ("POST", "/cookie_post", {}),
    ("POST", "/cookie_post", {"headers": {"X-CSRF-TOKEN": "forged"}}),
    ("POST", "/cookie_post", {"headers": lambda: {"X-CSRF-TOKEN": ISSUED["csrf"]}}),
    ("POST", "/refresh", {}),
    ("POST", "/logout_with_cookies", {}),
    ("GET", "/protected", {}),
    ("POST", "/cookie_post", {"headers": lambda: {"X-CSRF-TOKEN": ISSUED["csrf"]}}),
]


def test_jwt(compare: t.Callable[..., None]) -> None:
    compare(make_app, REQUESTS)


class Money:
    def __init__(self, cents: int) -> None:
        self.cents = cents


def make_configured_app(w: t.Any, App: type) -> t.Any:  # noqa: N803 (the framework's class)
    """The rest of the configuration: the token in a JSON body and in the
    query string, claims written by the app's JSON provider, claims and
    headers loaders, issuer and audience, the other error loaders (one
    redirecting browsers), persistent SameSite cookies with the CSRF value
    in a form field and the documentation's implicit refresh in
    ``after_request``, ``current_user`` in templates, a blueprint guarded in
    ``before_request``, a ``MethodView``, an async view, tokens made in an
    app context and verified in a test request context."""
    global _uuids
    _uuids = itertools.count()
    ISSUED.clear()
    flask, jx = w.flask, w.flask_jwt_extended

    class Provider(flask.json.provider.DefaultJSONProvider):
        @staticmethod
        def default(o: t.Any) -> t.Any:
            if isinstance(o, Money):
                return f"{o.cents / 100:.2f} EUR"
            return flask.json.provider.DefaultJSONProvider.default(o)

    class Shop(App):  # type: ignore[misc,valid-type]
        json_provider_class = Provider

    app = Shop(__name__)
    app.config.update(
        JWT_SECRET_KEY="another secret, also long enough for HS256",
        JWT_TOKEN_LOCATION=["headers", "json", "query_string", "cookies"],
        JWT_ERROR_MESSAGE_KEY="error",
        JWT_QUERY_STRING_NAME="token",
        JWT_QUERY_STRING_VALUE_PREFIX="jwt:",
        JWT_SESSION_COOKIE=False,
        JWT_COOKIE_SAMESITE="Lax",
        JWT_ACCESS_COOKIE_PATH="/shop/",
        JWT_CSRF_CHECK_FORM=True,
        JWT_REFRESH_TOKEN_EXPIRES=_dt.timedelta(days=7),
        JWT_ENCODE_ISSUER="shop",
        JWT_DECODE_ISSUER="shop",
        JWT_ENCODE_AUDIENCE="web",
        JWT_DECODE_AUDIENCE="web",
    )
    jwt = jx.JWTManager(app, add_context_processor=True)

    @jwt.additional_claims_loader
    def add_claims(identity: str) -> dict[str, t.Any]:
        return {"balance": Money(1250), "since": _dt.date(2024, 2, 29), "account": uuid.UUID(int=42)}

    @jwt.additional_headers_loader
    def add_headers(identity: str) -> dict[str, str]:
        return {"kid": f"key-of-{identity}"}

    @jwt.token_verification_loader
    def verify_claims(_header: dict, payload: dict) -> bool:
        return payload.get("sub") != "mallory"

    @jwt.token_verification_failed_loader
    def verification_failed(_header: dict, payload: dict) -> t.Any:
        return flask.jsonify(error=f"{payload['sub']} is not welcome"), 403

    @jwt.invalid_token_loader
    def invalid(reason: str) -> t.Any:
        return flask.jsonify(error="invalid", reason=reason), 400

    @jwt.needs_fresh_token_loader
    def needs_fresh(_header: dict, payload: dict) -> t.Any:
        return flask.jsonify(error=f"log in again, {payload['sub']}"), 401

    @jwt.user_lookup_loader
    def lookup(_header: dict, payload: dict) -> t.Any:
        return {"name": payload["sub"]}

    @jwt.unauthorized_loader
    def unauthorized(reason: str) -> t.Any:
        if flask.request.accept_mimetypes.accept_html:
            return flask.redirect(flask.url_for("login_page", next=flask.request.full_path))
        return flask.jsonify(error=reason), 401

    with app.app_context():
        ISSUED["from_context"] = jx.create_access_token("ada", fresh=_dt.timedelta(minutes=5))
        ISSUED["mallory"] = jx.create_access_token("mallory")
        ISSUED["stale"] = jx.create_access_token("alan", fresh=False)
        ISSUED["for_mobile"] = jx.create_access_token("ada", additional_claims={"aud": "mobile"})
        ISSUED["other_issuer"] = jx.create_access_token("ada", additional_claims={"iss": "elsewhere"})

    with app.test_request_context("/check", headers={"Authorization": f"Bearer {ISSUED['from_context']}"}):
        jx.verify_jwt_in_request()
        ISSUED["checked"] = f"{jx.get_jwt_identity()} {jx.get_jwt_request_location()} {jx.current_user['name']}"

    @app.after_request
    def refresh_expiring_jwts(response: t.Any) -> t.Any:
        # the documentation's implicit refresh for cookies
        try:
            exp_timestamp = jx.get_jwt()["exp"]
            now = _dt.datetime.now(_dt.timezone.utc)
            target_timestamp = _dt.datetime.timestamp(now + _dt.timedelta(minutes=30))
            if target_timestamp > exp_timestamp and jx.get_jwt_request_location() == "cookies":
                access_token = jx.create_access_token(identity=jx.get_jwt_identity())
                ISSUED["csrf"] = jx.get_csrf_token(access_token)  # what a browser reads from the new cookie
                jx.set_access_cookies(response, access_token)
            return response
        except (RuntimeError, KeyError):
            # Case where there is not a valid JWT. Just return the original response
            return response

    @app.route("/login-page")
    def login_page() -> t.Any:
        return f"log in, then go to {flask.request.args['next']}"

    @app.route("/checked")
    def checked() -> t.Any:
        return ISSUED["checked"]

    @app.route("/token", methods=["POST"])
    def token() -> t.Any:
        who = flask.request.form["name"]
        ISSUED["access"] = jx.create_access_token(who, additional_claims={"scope": ["read", "buy"]})
        ISSUED["refresh"] = jx.create_refresh_token(who)
        return {"access": ISSUED["access"], "refresh": ISSUED["refresh"]}

    @app.route("/claims", methods=["GET", "POST"])
    @jx.jwt_required()
    def claims() -> t.Any:
        return {"claims": jx.get_jwt(), "header": jx.get_jwt_header(), "where": jx.get_jwt_request_location()}

    @app.route("/json-refresh", methods=["POST"])
    @jx.jwt_required(refresh=True, locations="json")
    def json_refresh() -> t.Any:
        return {"refreshed": jx.get_jwt_identity()}

    @app.route("/fresh")
    @jx.jwt_required(fresh=True)
    def fresh() -> t.Any:
        return {"fresh": jx.get_jwt_identity()}

    @app.route("/greeting")
    @jx.jwt_required()
    def greeting() -> t.Any:
        return flask.render_template_string("Hello {{ current_user.name }}!")

    @app.route("/decode")
    def decode() -> t.Any:
        decoded = jx.decode_token(flask.request.args["t"], allow_expired=True)
        return {"sub": decoded["sub"], "jti": jx.get_jti(flask.request.args["t"]), "headers": jx.get_unverified_jwt_headers(flask.request.args["t"])}

    @app.route("/async")
    @jx.jwt_required()
    async def async_view() -> t.Any:
        return {"async": jx.get_jwt_identity()}

    class Basket(flask.views.MethodView):
        decorators = [jx.jwt_required()]

        def get(self) -> t.Any:
            return {"basket_of": jx.current_user["name"]}

        def put(self) -> t.Any:
            return {"updated_by": jx.current_user["name"]}, 201

    app.add_url_rule("/basket", view_func=Basket.as_view("basket"))

    shop = flask.Blueprint("shop", __name__, url_prefix="/shop")

    @shop.before_request
    def guard() -> None:
        jx.verify_jwt_in_request(locations=["cookies"])

    @shop.route("/cart", methods=["GET", "POST"])
    def cart() -> t.Any:
        return {"cart_of": jx.get_jwt_identity(), "method": flask.request.method}

    @shop.route("/login", methods=["POST"])
    def shop_login() -> t.Any:
        return {"unreachable": True}

    app.register_blueprint(shop)

    @app.route("/cookie-login", methods=["POST"])
    def cookie_login() -> t.Any:
        response = flask.jsonify(ok=True)
        access = jx.create_access_token("alan")
        ISSUED["csrf"] = jx.get_csrf_token(access)
        jx.set_access_cookies(response, access)
        jx.set_refresh_cookies(response, jx.create_refresh_token("alan"), max_age=60)
        return response

    @app.route("/cookie-logout", methods=["POST"])
    def cookie_logout() -> t.Any:
        response = flask.jsonify(ok=False)
        jx.unset_access_cookies(response)
        return response

    return app


CONFIGURED_REQUESTS = [
    ("GET", "/checked", {}),
    ("GET", "/claims", {"headers": {"Accept": "text/html"}}),
    ("GET", "/claims", {"headers": {"Accept": "application/json"}}),
    ("GET", "/claims", {"headers": bearer("for_mobile")}),
    ("GET", "/claims", {"headers": bearer("other_issuer")}),
    ("POST", "/token", {"data": {"name": "ada"}}),
    ("GET", "/claims", {"headers": bearer("access")}),
    ("GET", "/claims", {"query_string": lambda: {"token": f"jwt:{ISSUED['access']}"}}),
    ("GET", "/claims", {"query_string": lambda: {"token": ISSUED["access"]}}),
    ("POST", "/claims", {"json": lambda: {"access_token": ISSUED["access"]}}),
    ("POST", "/claims", {"data": "{not json", "content_type": "application/json"}),
    ("POST", "/claims", {"json": {"other": 1}}),
    ("POST", "/claims", {"data": {"access_token": "x"}}),
    ("POST", "/json-refresh", {"json": lambda: {"refresh_token": ISSUED["refresh"]}}),
    ("POST", "/json-refresh", {"json": lambda: {"refresh_token": ISSUED["access"]}}),
    ("POST", "/json-refresh", {"headers": bearer("refresh")}),
    ("GET", "/fresh", {"headers": bearer("from_context")}),
    ("GET", "/fresh", {"headers": bearer("stale")}),
    ("GET", "/claims", {"headers": bearer("mallory")}),
    ("GET", "/claims", {"headers": {"Authorization": "Bearer a.b.c"}}),
    ("GET", "/greeting", {"headers": bearer("access")}),
    ("GET", "/decode", {"query_string": lambda: {"t": ISSUED["refresh"]}}),
    ("GET", "/async", {"headers": bearer("access")}),
    ("GET", "/async", {}),
    ("GET", "/basket", {"headers": bearer("access")}),
    ("PUT", "/basket", {"headers": bearer("access")}),
    ("PUT", "/basket", {}),
    ("GET", "/shop/cart", {}),
    ("POST", "/cookie-login", {}),
    ("GET", "/shop/cart", {}),
    ("POST", "/shop/cart", {}),
    ("POST", "/shop/cart", {"data": lambda: {"csrf_token": ISSUED["csrf"]}}),
    ("POST", "/shop/cart", {"headers": lambda: {"X-CSRF-TOKEN": ISSUED["csrf"]}}),
    ("GET", "/claims", {}),
    ("POST", "/shop/login", {}),
    ("POST", "/cookie-logout", {}),
    ("GET", "/shop/cart", {}),
]


def test_jwt_configured(compare: t.Callable[..., None]) -> None:
    compare(make_configured_app, CONFIGURED_REQUESTS)
