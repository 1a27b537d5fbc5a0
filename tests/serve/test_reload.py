"""Development serving: ``serve --reload`` restarts the serving process
when a source file of the app changes; ``serve --debug`` (or
``FLASK_DEBUG``, or the app's own ``debug`` on wsgiref) answers an
unhandled exception with Werkzeug's debugger, and nothing else does.
Real processes on wsgiref, each twin (``FASTDISPATCH_PURE``), each in its
own session, killed with its process group whatever the outcome."""

from __future__ import annotations

import os
import pathlib
import signal
import time
import urllib.error
import urllib.request

import pytest

from .conftest import in_checkout_on_linux, run_cli

pytestmark = in_checkout_on_linux

APP_SOURCE = '''
import fastdispatch

app = fastdispatch.App(__name__)
app.debug = {debug}

@app.route("/")
def index():
    return {version!r}

@app.route("/boom")
def boom():
    raise RuntimeError("kaboom")
'''


@pytest.fixture(params=["compiled", "pure"])
def twin(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """The served app's short path (and router): the compiled twin, or the
    pure one (``FASTDISPATCH_PURE=1``), in the child processes."""
    monkeypatch.setenv("FASTDISPATCH_PURE", "1" if request.param == "pure" else "0")
    monkeypatch.delenv("FLASK_DEBUG", raising=False)
    monkeypatch.delenv("FASTDISPATCH_DEBUG", raising=False)
    return str(request.param)


def write_app(folder: pathlib.Path, version: str, debug: bool = False) -> pathlib.Path:
    path = folder / "devapp.py"
    path.write_text(APP_SOURCE.format(version=version, debug=debug))
    return path


def get(port: int, path: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10) as resp:
            return resp.status, resp.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


def wait_for(predicate, what: str, server, timeout: float = 30) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            pytest.fail(f"{what} not within {timeout}s:\n{server.output()}")
        time.sleep(0.1)


def test_reload_restarts_on_a_changed_source_file(twin: str, tmp_path: pathlib.Path, start_server) -> None:  # type: ignore[no-untyped-def]
    source = write_app(tmp_path, "one")
    server = start_server("wsgiref", "--reload", app="devapp:app", cwd=tmp_path)
    assert get(server.port, "/") == (200, "one")
    supervisor = server.proc.pid
    serving = server.children()
    assert len(serving) == 1  # the process that serves, under the one that restarts it

    write_app(tmp_path, "two")
    stat = source.stat()
    os.utime(source, (stat.st_atime, stat.st_mtime + 5))  # a change even where mtime has coarse steps

    def answers_two() -> bool:
        try:
            return get(server.port, "/") == (200, "two")
        except OSError:  # between the two processes
            return False

    wait_for(answers_two, "the new source served", server)
    assert server.proc.pid == supervisor and server.proc.poll() is None
    assert server.children().isdisjoint(serving)  # a new serving process
    assert "devapp.py changed, restarting" in server.output()
    assert server.terminate() == 0
    assert not server.children()


def test_no_debugger_without_debug(twin: str, tmp_path: pathlib.Path, start_server) -> None:  # type: ignore[no-untyped-def]
    write_app(tmp_path, "one")
    server = start_server("wsgiref", app="devapp:app", cwd=tmp_path)
    status, body = get(server.port, "/boom")
    assert status == 500
    assert "Internal Server Error" in body and "Werkzeug Debugger" not in body and "kaboom" not in body
    assert "debugger is active" not in server.output()


@pytest.mark.parametrize("how", ["--debug", "FLASK_DEBUG", "FASTDISPATCH_DEBUG", "app.debug"])
def test_debugger_with_debug(twin: str, how: str, tmp_path: pathlib.Path, start_server, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    write_app(tmp_path, "one", debug=how == "app.debug")
    if how in ("FLASK_DEBUG", "FASTDISPATCH_DEBUG"):
        monkeypatch.setenv(how, "1")
    server = start_server("wsgiref", *(["--debug"] if how == "--debug" else []), app="devapp:app", cwd=tmp_path)
    status, body = get(server.port, "/boom")
    assert status == 500
    assert "Werkzeug Debugger" in body and "RuntimeError: kaboom" in body
    assert get(server.port, "/") == (200, "one")
    assert "Werkzeug's debugger is active (development only), PIN: " in server.output()


def test_debug_off_in_the_environment_is_off(twin: str, tmp_path: pathlib.Path, start_server, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    write_app(tmp_path, "one")
    monkeypatch.setenv("FLASK_DEBUG", "0")
    server = start_server("wsgiref", app="devapp:app", cwd=tmp_path)
    assert "Werkzeug Debugger" not in get(server.port, "/boom")[1]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--reload", "--server", "granian"], "--reload: granian serves from worker processes of its own"),
        (["--debug", "--server", "granian"], "--debug: granian serves from worker processes of its own"),
        (["--reload", "--server", "gthread"], "--reload: gthread serves from worker processes of gunicorn's arbiter, even for one"),
        (["--reload", "--debug", "--workers", "2"], "--debug and --reload: one process only, not --workers 2"),
    ],
)
def test_development_serving_is_one_process(args: list[str], message: str) -> None:
    r = run_cli("serve", "examples.api:app", *args)
    assert r.returncode == 2, r
    assert r.stderr == f"fastdispatch: error: {message}; use --server wsgiref, meinheld or bjoern\n" if "serves from" in message else r.stderr == f"fastdispatch: error: {message}\n"


def test_sigterm_stops_the_reloader_and_its_server(twin: str, tmp_path: pathlib.Path, start_server) -> None:  # type: ignore[no-untyped-def]
    write_app(tmp_path, "one")
    server = start_server("wsgiref", "--reload", app="devapp:app", cwd=tmp_path)
    serving = server.children()
    assert len(serving) == 1
    server.proc.send_signal(signal.SIGTERM)
    assert server.terminate(send=False) == 0
    for pid in serving:  # the reloader waited for it before exiting
        assert not pathlib.Path(f"/proc/{pid}").exists()
