"""send_file and send_from_directory: the same app on Flask and on
fastdispatch (both twins), the same requests, the same answers (status,
body, headers; Date and Expires compared as "now" and "now + max-age");
traversal attempts are 404s; the file is closed whatever becomes of the
response; the server's ``wsgi.file_wrapper`` is used when offered."""

from __future__ import annotations

import email.utils
import io
import os
import time
import typing as t
from datetime import datetime, timezone

import flask
import pytest

import fastdispatch
from fastdispatch.files import FileWrapper
from fastdispatch.security import safe_join

from .test_flask_diff import GET, HEAD, Step, fd_client, run_steps

BODY = b"0123456789abcdefghij" * 50  # 1000 bytes
FIXED = datetime(2024, 5, 1, 12, 0, 0, tzinfo=timezone.utc)
FIXED_HTTP = "Wed, 01 May 2024 12:00:00 GMT"


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("files")
    (path / "files").mkdir()
    (path / "files" / "data.bin").write_bytes(BODY)
    (path / "files" / "notes.txt").write_text("some notes\n")
    (path / "files" / "archive.tar.gz").write_bytes(b"gz")
    (path / "files" / "sub").mkdir()
    (path / "files" / "sub" / "page.html").write_text("<p>hi</p>")
    (path / "secret.txt").write_text("do not serve")
    os.utime(path / "files" / "data.bin", (FIXED.timestamp(), FIXED.timestamp()))
    return str(path)


def build(fw: t.Any, root: str, app_cls: t.Any = None, **config: t.Any) -> t.Any:
    """The same views on either framework (``fw`` is the module)."""
    app = (app_cls or fw.Flask)(__name__, root_path=root, static_folder=None)
    app.config.update(config)

    @app.route("/plain")
    def plain():
        return fw.send_file("files/data.bin")

    @app.route("/text")
    def text():
        return fw.send_file(os.path.join(root, "files", "notes.txt"))

    @app.route("/gz")
    def gz():
        return fw.send_file("files/archive.tar.gz", as_attachment=fw.request.args.get("a") == "1")

    @app.route("/attachment")
    def attachment():
        return fw.send_file("files/notes.txt", as_attachment=True, download_name=fw.request.args.get("name", "report.txt"))

    @app.route("/inline-name")
    def inline_name():
        return fw.send_file("files/notes.txt", download_name="Grüße.txt")

    @app.route("/bytes")
    def bytes_():
        return fw.send_file(io.BytesIO(BODY), download_name="data.bin", last_modified=FIXED)

    @app.route("/bytes-mimetype")
    def bytes_mimetype():
        return fw.send_file(io.BytesIO(b"{}"), mimetype="application/json", etag="fixed")

    @app.route("/tagged")
    def tagged():
        return fw.send_file("files/data.bin", etag="v1", last_modified=FIXED)

    @app.route("/no-etag")
    def no_etag():
        return fw.send_file("files/data.bin", etag=False, conditional=fw.request.args.get("c") != "0")

    @app.route("/max-age")
    def max_age():
        return fw.send_file("files/notes.txt", max_age=int(fw.request.args.get("s", "30")))

    @app.route("/max-age-callable")
    def max_age_callable():
        return fw.send_file("files/notes.txt", max_age=lambda path: 77 if path.endswith(".txt") else None)

    @app.route("/dl/<path:name>")
    def download(name):
        return fw.send_from_directory("files", name)

    @app.route("/dl-abs/<path:name>")
    def download_abs(name):
        return fw.send_from_directory(os.path.join(root, "files"), name, as_attachment=True)

    return app


STEPS: dict[str, list[Step]] = {
    "plain": [GET("/plain"), HEAD("/plain"), GET("/text")],
    "encoding": [GET("/gz"), GET("/gz?a=1")],
    "attachment": [GET("/attachment"), GET("/attachment?name=a b;c.txt"), GET("/attachment?name=r%C3%A9sum%C3%A9.txt"), GET("/attachment?name=%E6%97%A5%E6%9C%AC.pdf")],
    "inline-name": [GET("/inline-name")],
    "file-object": [GET("/bytes"), GET("/bytes", headers={"Range": "bytes=10-19"}), GET("/bytes-mimetype")],
    "if-none-match": [
        GET("/tagged", headers={"If-None-Match": '"v1"'}),
        GET("/tagged", headers={"If-None-Match": 'W/"v1"'}),
        GET("/tagged", headers={"If-None-Match": '"x", "v1"'}),
        GET("/tagged", headers={"If-None-Match": "*"}),
        GET("/tagged", headers={"If-None-Match": '"other"'}),
        HEAD("/tagged", headers={"If-None-Match": '"v1"'}),
    ],
    "if-modified-since": [
        GET("/tagged", headers={"If-Modified-Since": FIXED_HTTP}),
        GET("/tagged", headers={"If-Modified-Since": "Thu, 02 May 2024 12:00:00 GMT"}),
        GET("/tagged", headers={"If-Modified-Since": "Tue, 30 Apr 2024 12:00:00 GMT"}),
        GET("/tagged", headers={"If-Modified-Since": "not a date"}),
        GET("/bytes", headers={"If-Modified-Since": FIXED_HTTP}),
    ],
    "if-match": [
        GET("/tagged", headers={"If-Match": '"other"'}),
        GET("/tagged", headers={"If-Match": '"v1"'}),
        GET("/tagged", headers={"If-Match": 'W/"v1"'}),
        GET("/tagged", headers={"If-Match": "*"}),
        GET("/tagged", headers={"If-Unmodified-Since": "Tue, 30 Apr 2024 12:00:00 GMT"}),
    ],
    "range": [
        GET("/tagged", headers={"Range": "bytes=0-9"}),
        GET("/tagged", headers={"Range": "bytes=-7"}),
        GET("/tagged", headers={"Range": "bytes=990-"}),
        GET("/tagged", headers={"Range": "bytes=995-2000"}),
        GET("/tagged", headers={"Range": "bytes=1000-"}),
        GET("/tagged", headers={"Range": "bytes=5-2"}),
        GET("/tagged", headers={"Range": "bytes=0-1,5-6"}),
        GET("/tagged", headers={"Range": "bytes=abc"}),
        GET("/tagged", headers={"Range": "items=0-1"}),
        GET("/tagged", headers={"Range": "bytes=-0"}),
        HEAD("/tagged", headers={"Range": "bytes=0-9"}),
        GET("/plain", headers={"Range": "bytes=100-199"}),
    ],
    "if-range": [
        GET("/tagged", headers={"Range": "bytes=0-9", "If-Range": '"v1"'}),
        GET("/tagged", headers={"Range": "bytes=0-9", "If-Range": '"old"'}),
        GET("/tagged", headers={"Range": "bytes=0-9", "If-Range": FIXED_HTTP}),
        GET("/tagged", headers={"Range": "bytes=0-9", "If-Range": "Tue, 30 Apr 2024 12:00:00 GMT"}),
        GET("/tagged", headers={"If-Range": '"v1"'}),
        GET("/tagged", headers={"Range": "bytes=0-9", "If-None-Match": '"v1"'}),
    ],
    "no-etag": [GET("/no-etag"), GET("/no-etag?c=0", headers={"Range": "bytes=0-1"}), GET("/no-etag", headers={"If-Modified-Since": FIXED_HTTP})],
    "max-age": [GET("/max-age"), GET("/max-age?s=0"), GET("/max-age-callable")],
    "from-directory": [
        GET("/dl/notes.txt"),
        GET("/dl/sub/page.html"),
        GET("/dl/missing.txt"),
        GET("/dl/sub"),
        GET("/dl-abs/notes.txt"),
        GET("/dl/data.bin", headers={"Range": "bytes=0-3"}),
    ],
    "traversal": [
        GET("/dl/../secret.txt"),
        GET("/dl/%2e%2e/secret.txt"),
        GET("/dl/sub/../../secret.txt"),
        GET("/dl/sub/%2E%2E/%2E%2E/secret.txt"),
        GET("/dl/..%2fsecret.txt"),
        GET("/dl/..%5csecret.txt"),
        GET("/dl/..\\secret.txt"),
        GET("/dl/notes.txt%00.png"),
        GET("/dl/%00"),
        GET("/dl//etc/passwd"),
        GET("/dl/%2fetc%2fpasswd"),
        GET("/dl/C:%5cWindows%5cwin.ini"),
        GET("/dl/.."),
    ],
}


def _comparable(snaps: list[dict[str, t.Any]]) -> list[dict[str, t.Any]]:
    """Date is "now" and Expires "now + max-age" on either framework: each
    checked against the clock, then replaced by what it stands for."""
    now = time.time()
    out = []
    for snap in snaps:
        if "headers" not in snap:
            out.append(snap)
            continue
        headers = []
        max_age = next((v for k, v in snap["headers"] if k == "cache-control"), "")
        seconds = int(max_age.rpartition("max-age=")[2]) if "max-age=" in max_age else 0
        for key, value in snap["headers"]:
            if key in ("date", "expires"):
                when = email.utils.parsedate_to_datetime(value).timestamp()
                expected = now + (seconds if key == "expires" else 0)
                assert abs(when - expected) < 5, (key, value)
                value = f"<now + {seconds}>" if key == "expires" else "<now>"
            headers.append((key, value))
        out.append({**snap, "headers": headers})
    return out


@pytest.mark.parametrize("name", sorted(STEPS))
def test_same_as_flask(name: str, root: str, app_cls: type) -> None:
    steps = STEPS[name]
    fl = build(flask, root)
    fd = build(fastdispatch, root, app_cls)
    expected = _comparable(run_steps(fl, fl.test_client(), steps))
    got = _comparable(run_steps(fd, fd_client(fd), steps))
    assert got == expected
    assert all(s.get("status") != "500 INTERNAL SERVER ERROR" for s in got)


@pytest.mark.parametrize("seconds", [None, 0, 3600])
def test_send_file_max_age_default(seconds: int | None, root: str, app_cls: type) -> None:
    from datetime import timedelta

    steps = [GET("/plain"), GET("/dl/notes.txt")]
    for value in (seconds, None if seconds is None else timedelta(seconds=seconds)):
        fl = build(flask, root, SEND_FILE_MAX_AGE_DEFAULT=value)
        fd = build(fastdispatch, root, app_cls, SEND_FILE_MAX_AGE_DEFAULT=value)
        assert _comparable(run_steps(fd, fd_client(fd), steps)) == _comparable(run_steps(fl, fl.test_client(), steps))


def test_use_x_sendfile(root: str, app_cls: type) -> None:
    steps = [GET("/plain"), GET("/tagged", headers={"If-None-Match": '"v1"'}), GET("/bytes")]
    fl = build(flask, root, USE_X_SENDFILE=True)
    fd = build(fastdispatch, root, app_cls, USE_X_SENDFILE=True)
    assert _comparable(run_steps(fd, fd_client(fd), steps)) == _comparable(run_steps(fl, fl.test_client(), steps))


def test_needs_a_request_context(root: str, app_cls: type) -> None:
    app = build(fastdispatch, root, app_cls)
    with pytest.raises(RuntimeError):
        fastdispatch.send_file(io.BytesIO(b"x"), mimetype="text/plain")
    with app.app_context(), pytest.raises(RuntimeError):
        fastdispatch.send_file(io.BytesIO(b"x"), mimetype="text/plain")


def test_errors_as_flask(root: str, app_cls: type) -> None:
    app = build(fastdispatch, root, app_cls)
    with app.test_request_context():
        with pytest.raises(TypeError, match="Unable to detect the MIME type"):
            fastdispatch.send_file(io.BytesIO(b"x"))
        with pytest.raises(TypeError, match="No name provided for attachment"):
            fastdispatch.send_file(io.BytesIO(b"x"), mimetype="text/plain", as_attachment=True)
        with pytest.raises(ValueError, match="binary mode"):
            fastdispatch.send_file(io.StringIO("x"), mimetype="text/plain")


def test_exposed_where_flask_has_them() -> None:
    import fastdispatch.helpers

    assert fastdispatch.send_file is fastdispatch.helpers.send_file
    assert fastdispatch.send_from_directory is fastdispatch.helpers.send_from_directory
    assert {"send_file", "send_from_directory"} <= set(fastdispatch.__all__)


# -- the file is closed ------------------------------------------------------------


class Tracked(io.BytesIO):
    """An open file that records being closed."""

    instances: t.ClassVar[list[Tracked]] = []

    def __init__(self, data: bytes) -> None:
        super().__init__(data)
        Tracked.instances.append(self)


def _tracking_app(app_cls: type, root: str) -> t.Any:
    app = app_cls(__name__, root_path=root, static_folder=None)

    @app.route("/f")
    def f():
        return fastdispatch.send_file(Tracked(BODY), download_name="d.bin", etag="t", last_modified=FIXED)

    return app


def _environ(**extra: t.Any) -> dict[str, t.Any]:
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": "/f",
        "SCRIPT_NAME": "",
        "QUERY_STRING": "",
        "SERVER_NAME": "localhost",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": "localhost",  # HTTP/1.1 without one: the framing guard's 400
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(),
        "wsgi.errors": io.StringIO(),
        "wsgi.multithread": False,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
    }
    environ.update(extra)
    return environ


CLOSE_CASES = {
    "read": ({}, True, "200 OK"),
    "client-gone": ({}, False, "200 OK"),
    "head": ({"REQUEST_METHOD": "HEAD"}, True, "200 OK"),
    "not-modified": ({"HTTP_IF_NONE_MATCH": '"t"'}, True, "304 NOT MODIFIED"),
    "precondition": ({"HTTP_IF_MATCH": '"nope"'}, True, "412 PRECONDITION FAILED"),
    "range": ({"HTTP_RANGE": "bytes=0-9"}, True, "206 PARTIAL CONTENT"),
    "range-gone": ({"HTTP_RANGE": "bytes=0-9"}, False, "206 PARTIAL CONTENT"),
    "unsatisfiable": ({"HTTP_RANGE": "bytes=5000-"}, True, "416 REQUESTED RANGE NOT SATISFIABLE"),
}


@pytest.mark.parametrize("wrapper", [None, "server"])
@pytest.mark.parametrize("name", sorted(CLOSE_CASES))
def test_file_closed(name: str, wrapper: str | None, app_cls: type, root: str) -> None:
    extra, read, status = CLOSE_CASES[name]
    if wrapper:
        extra = {**extra, "wsgi.file_wrapper": ServerWrapper}
    app = _tracking_app(app_cls, root)
    Tracked.instances.clear()
    seen = []
    body = app(_environ(**extra), lambda s, h, exc=None: seen.append(s))
    assert seen == [status]
    (f,) = Tracked.instances
    if read:
        data = b"".join(body)
        if name == "range":
            assert data == BODY[:10]
    else:
        assert not f.closed or name == "unsatisfiable"
    # what a server does (PEP 3333), whether the client stayed or not; a
    # 416's error page is a plain list (its file was closed before it)
    getattr(body, "close", lambda: None)()
    assert f.closed


class ServerWrapper(FileWrapper):
    """A server's ``wsgi.file_wrapper``, known by its class."""


def test_server_file_wrapper_is_used(app_cls: type, root: str) -> None:
    app = _tracking_app(app_cls, root)
    body = app(_environ(**{"wsgi.file_wrapper": ServerWrapper}), lambda s, h, exc=None: None)
    assert isinstance(body, ServerWrapper)
    assert b"".join(body) == BODY
    body.close()
    body = app(_environ(), lambda s, h, exc=None: None)
    assert isinstance(body, FileWrapper) and not isinstance(body, ServerWrapper)
    body.close()


# -- safe_join ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "parts",
    [
        ("a",),
        ("a/b",),
        ("../a",),
        ("a/../../b",),
        ("a/../b",),
        ("/etc/passwd",),
        ("//x",),
        ("..",),
        (".",),
        ("",),
        ("a", "..", "b"),
        ("a", "../b"),
        ("a\\..\\b",),
        ("C:\\x",),
        ("a\x00b",),
        ("./../a",),
        ("a/./b/",),
    ],
)
@pytest.mark.parametrize("directory", ["/srv/files", "", "rel"])
def test_safe_join_as_werkzeug(directory: str, parts: tuple[str, ...]) -> None:
    import werkzeug.security

    assert safe_join(directory, *parts) == werkzeug.security.safe_join(directory, *parts)
