"""Flask-HTTPAuth, used as its documentation shows: Basic auth with
``verify_password``, a bearer token scheme, roles, a custom error handler,
and the WWW-Authenticate challenges."""

from __future__ import annotations

import base64
import typing as t

USERS = {"john": "hello", "susan": "bye"}
ROLES = {"john": ["admin"], "susan": ["user"]}
TOKENS = {"secret-token-1": "john", "secret-token-2": "susan"}


def make_app(w: t.Any, App: type) -> t.Any:  # noqa: N803 (the framework's class)
    flask = w.flask
    app = App(__name__)
    basic = w.flask_httpauth.HTTPBasicAuth()
    token = w.flask_httpauth.HTTPTokenAuth(scheme="Bearer")

    @basic.verify_password
    def verify_password(username: str, password: str) -> str | None:
        if username in USERS and USERS[username] == password:
            return username
        return None

    @basic.get_user_roles
    def get_user_roles(user: str) -> list[str]:
        return ROLES[user]

    @token.verify_token
    def verify_token(tok: str) -> str | None:
        return TOKENS.get(tok)

    @token.error_handler
    def token_error(status: int) -> t.Any:
        return flask.jsonify(error="token required", status=status), status

    @app.route("/")
    @basic.login_required
    def index() -> str:
        return f"Hello, {basic.current_user()}!"

    @app.route("/admin")
    @basic.login_required(role="admin")
    def admin() -> str:
        return f"Hello {basic.current_user()}, you are an admin!"

    @app.route("/maybe")
    @basic.login_required(optional=True)
    def maybe() -> str:
        return f"user: {basic.current_user()}"

    @app.route("/api/me")
    @token.login_required
    def me() -> t.Any:
        return flask.jsonify(user=token.current_user())

    return app


def _basic(user: str, password: str) -> dict[str, t.Any]:
    return {"headers": {"Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}}


REQUESTS = [
    ("GET", "/", {}),
    ("GET", "/", _basic("john", "hello")),
    ("GET", "/", _basic("john", "wrong")),
    ("GET", "/", {"headers": {"Authorization": "Basic not-base64!"}}),
    ("GET", "/admin", _basic("john", "hello")),
    ("GET", "/admin", _basic("susan", "bye")),
    ("GET", "/admin", {}),
    ("GET", "/maybe", {}),
    ("GET", "/maybe", _basic("susan", "bye")),
    ("GET", "/api/me", {}),
    ("GET", "/api/me", {"headers": {"Authorization": "Bearer secret-token-2"}}),
    ("GET", "/api/me", {"headers": {"Authorization": "Bearer nope"}}),
    ("GET", "/api/me", {"headers": {"Authorization": "Token secret-token-1"}}),
    ("OPTIONS", "/", {}),
    ("HEAD", "/", _basic("john", "hello")),
]


def test_httpauth(compare: t.Callable[..., None]) -> None:
    compare(make_app, REQUESTS)
