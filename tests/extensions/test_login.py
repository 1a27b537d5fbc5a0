"""Flask-Login, used as its documentation shows: a user loader, a login
form posting to ``login_user`` (remember me), ``login_required`` with its
redirect to the login view, ``current_user``, a request loader for API
keys, ``fresh_login_required``, logout."""

from __future__ import annotations

import typing as t

USERS = {"ada": "lovelace", "alan": "turing"}
API_KEYS = {"k-123": "alan"}


def make_app(w: t.Any, App: type) -> t.Any:  # noqa: N803 (the framework's class)
    flask, fl = w.flask, w.flask_login
    app = App(__name__)
    app.secret_key = "not so secret"
    manager = fl.LoginManager(app)
    manager.login_view = "login"
    manager.login_message = "Log in first."
    manager.refresh_view = "login"

    class User(fl.UserMixin):
        def __init__(self, name: str) -> None:
            self.id = name

    @manager.user_loader
    def load_user(user_id: str) -> t.Any:
        return User(user_id) if user_id in USERS else None

    @manager.request_loader
    def load_from_key(request: t.Any) -> t.Any:
        name = API_KEYS.get(request.headers.get("X-Api-Key", ""))
        return User(name) if name else None

    @app.route("/login", methods=["GET", "POST"])
    def login() -> t.Any:
        if flask.request.method == "GET":
            return {"next": flask.request.args.get("next"), "flashes": flask.get_flashed_messages(with_categories=True)}
        name = flask.request.form.get("name", "")
        if USERS.get(name) != flask.request.form.get("password"):
            return {"error": "bad credentials"}, 401
        fl.login_user(User(name), remember=flask.request.form.get("remember") == "1")
        return flask.redirect(flask.request.args.get("next") or flask.url_for("me"))

    @app.route("/me")
    @fl.login_required
    def me() -> t.Any:
        return {"user": fl.current_user.get_id(), "fresh": fl.login_fresh(), "authenticated": fl.current_user.is_authenticated}

    @app.route("/settings")
    @fl.fresh_login_required
    def settings() -> t.Any:
        return {"settings": fl.current_user.get_id()}

    @app.route("/whoami")
    def whoami() -> t.Any:
        return {"anonymous": fl.current_user.is_anonymous, "id": fl.current_user.get_id()}

    @app.route("/logout", methods=["POST"])
    def logout() -> t.Any:
        fl.logout_user()
        return flask.redirect(flask.url_for("whoami"))

    return app


REQUESTS = [
    ("GET", "/whoami", {}),
    ("GET", "/me", {}),
    ("GET", "/login?next=%2Fme", {}),
    ("POST", "/login", {"data": {"name": "ada", "password": "wrong"}}),
    ("POST", "/login?next=/settings", {"data": {"name": "ada", "password": "lovelace", "remember": "1"}}),
    ("GET", "/me", {}),
    ("GET", "/settings", {}),
    ("GET", "/whoami", {}),
    ("POST", "/logout", {}),
    ("GET", "/me", {}),
    ("GET", "/me", {"headers": {"X-Api-Key": "k-123"}}),
    ("GET", "/me", {"headers": {"X-Api-Key": "nope"}}),
    ("POST", "/login", {"data": {"name": "alan", "password": "turing"}}),
    ("GET", "/me", {}),
]


def test_login(compare: t.Callable[..., None]) -> None:
    compare(make_app, REQUESTS)
