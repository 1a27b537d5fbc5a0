"""The static folder, as Flask's: the ``static`` endpoint at
``<static_url_path>/<path:filename>``, served by ``send_static_file`` with
``get_send_file_max_age``; a blueprint's own (``bp.static``), below its
prefix; ``url_for('static', ...)``.  The same app on Flask and on
fastdispatch (both twins), the same requests, the same answers."""

from __future__ import annotations

import typing as t
from datetime import timedelta

import flask
import pytest

import fastdispatch

from .test_files import _comparable
from .test_flask_diff import GET, HEAD, fd_client, run_steps


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("static")
    (path / "static" / "css").mkdir(parents=True)
    (path / "static" / "app.js").write_text("console.log(1)\n")
    (path / "static" / "css" / "site.css").write_text("body{}\n")
    (path / "static" / "ünï.txt").write_text("unicode name\n")
    (path / "assets").mkdir()
    (path / "assets" / "logo.svg").write_text("<svg/>")
    (path / "bp_static").mkdir()
    (path / "bp_static" / "bp.js").write_text("bp()\n")
    (path / "private.txt").write_text("secret")
    return str(path)


def build(fw: t.Any, root: str, app_cls: t.Any = None, bp_prefix: str | None = "/bp", **kwargs: t.Any) -> t.Any:
    app = (app_cls or fw.Flask)(__name__, root_path=root, **kwargs)
    bp = fw.Blueprint("bp", __name__, root_path=root, static_folder="bp_static", static_url_path="/files", url_prefix=bp_prefix)

    @bp.route("/where")
    def where():
        return fw.url_for(".static", filename="bp.js")

    @app.route("/urls")
    def urls():
        if not app.has_static_folder:
            return fw.url_for("bp.static", filename="bp.js")
        return " ".join(
            [
                fw.url_for("static", filename="app.js"),
                fw.url_for("static", filename="css/site.css", v="2"),
                fw.url_for("static", filename="ünï.txt"),
                fw.url_for("static", filename="app.js", _external=True),
                fw.url_for("bp.static", filename="bp.js"),
            ]
        )

    app.register_blueprint(bp)
    return app


def _run(fl: t.Any, fd: t.Any, steps: list[t.Any]) -> None:
    expected = _comparable(run_steps(fl, fl.test_client(), steps))
    got = _comparable(run_steps(fd, fd_client(fd), steps))
    assert got == expected
    assert all(s.get("status") != "500 INTERNAL SERVER ERROR" for s in got)


STEPS = [
    GET("/static/app.js"),
    HEAD("/static/app.js"),
    GET("/static/css/site.css"),
    GET("/static/%C3%BCn%C3%AF.txt"),
    GET("/static/css"),
    GET("/static/missing.js"),
    GET("/static/"),
    GET("/static"),
    GET("/static/../private.txt"),
    GET("/static/%2e%2e/private.txt"),
    GET("/static/css/..%2f..%2fprivate.txt"),
    GET("/static/app.js%00"),
    GET("/static/app.js", headers={"Range": "bytes=0-6"}),
    GET("/static/app.js", headers={"If-Modified-Since": "Fri, 01 Jan 2100 00:00:00 GMT"}),
    GET("/bp/files/bp.js"),
    GET("/bp/files/../bp_static/bp.js"),
    GET("/bp/where"),
    GET("/urls"),
]


def test_static_as_flask(root: str, app_cls: type) -> None:
    _run(build(flask, root), build(fastdispatch, root, app_cls), STEPS)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"static_folder": "assets"},
        {"static_folder": "assets", "static_url_path": "/a"},
        {"static_url_path": ""},
        {"static_url_path": "/s/"},
        {"static_folder": None},
    ],
    ids=str,
)
def test_static_folder_options(root: str, app_cls: type, kwargs: dict[str, t.Any]) -> None:
    steps = [GET("/assets/logo.svg"), GET("/a/logo.svg"), GET("/app.js"), GET("/s/app.js"), GET("/static/app.js"), GET("/urls")]
    _run(build(flask, root, **kwargs), build(fastdispatch, root, app_cls, **kwargs), steps)


def test_blueprint_without_prefix(root: str, app_cls: type) -> None:
    steps = [GET("/files/bp.js"), GET("/where"), GET("/urls")]
    _run(build(flask, root, bp_prefix=None), build(fastdispatch, root, app_cls, bp_prefix=None), steps)


@pytest.mark.parametrize("max_age", [None, 60, timedelta(hours=1)])
def test_send_file_max_age_default(root: str, app_cls: type, max_age: object) -> None:
    fl, fd = build(flask, root), build(fastdispatch, root, app_cls)
    for app in (fl, fd):
        app.config["SEND_FILE_MAX_AGE_DEFAULT"] = max_age
    _run(fl, fd, [GET("/static/app.js"), GET("/bp/files/bp.js")])


def test_get_send_file_max_age_override(root: str, app_cls: type) -> None:
    """A subclass caches by file name, as Flask documents."""

    def per_name(self: t.Any, filename: str | None) -> int | None:
        return 3600 if filename and filename.endswith(".css") else 5

    fl_cls = type("FlaskApp", (flask.Flask,), {"get_send_file_max_age": per_name})
    fd_cls = type("FdApp", (app_cls,), {"get_send_file_max_age": per_name})
    _run(build(flask, root, fl_cls), build(fastdispatch, root, fd_cls), [GET("/static/app.js"), GET("/static/css/site.css")])


def test_rules_as_flask(root: str, app_cls: type) -> None:
    fl, fd = build(flask, root), build(fastdispatch, root, app_cls)
    flask_rules = {(r.rule, r.endpoint) for r in fl.url_map.iter_rules()}
    assert {("/static/<path:filename>", "static"), ("/bp/files/<path:filename>", "bp.static")} <= flask_rules
    ours = {(rule, endpoint) for rule, endpoint, _methods in fd.url_map}
    assert ours == flask_rules


def test_send_static_file_without_folder(root: str, app_cls: type) -> None:
    app = build(fastdispatch, root, app_cls, static_folder=None)
    with app.test_request_context(), pytest.raises(RuntimeError, match="'static_folder' must be set"):
        app.send_static_file("app.js")


def test_static_host_is_refused(app_cls: type) -> None:
    with pytest.raises(NotImplementedError):
        app_cls(__name__, static_host="static.example.com", host_matching=True)
