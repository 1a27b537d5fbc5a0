"""The `fastdispatch` command: --version, routes (against Flask's own
`flask routes`), and the one-line errors of serve."""

from __future__ import annotations

import socket
import subprocess
import sys

import pytest

import fastdispatch
from fastdispatch import App
from fastdispatch.cli import format_routes
from fastdispatch.routing import Router

from .conftest import ROOT, SERVERS, child_env, free_port, in_checkout_on_linux, need, run_cli

pytestmark = in_checkout_on_linux


def one_line_error(result, code):
    assert result.returncode == code, (result.returncode, result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("fastdispatch: error: "), result.stderr
    assert result.stdout == ""
    return lines[0]


# -- --version ---------------------------------------------------------------------------


def test_version_names_the_router_in_use():
    compiled = Router.__name__ == "CompiledRouter"
    expected = f"fastdispatch {fastdispatch.__version__} (router: {Router.__name__}, {'compiled' if compiled else 'pure Python'})"
    for flag in ("--version", "-V"):
        r = run_cli(flag)
        assert (r.returncode, r.stdout, r.stderr) == (0, expected + "\n", "")


def test_version_pure_python_router():
    r = run_cli("--version", env={"FASTDISPATCH_PURE": "1"})
    assert (r.returncode, r.stdout) == (0, f"fastdispatch {fastdispatch.__version__} (router: PythonRouter, pure Python)\n")


def test_no_command_prints_help():
    r = run_cli()
    assert r.returncode == 2 and "serve" in r.stderr and "routes" in r.stderr


# -- routes ------------------------------------------------------------------------------


def flask_twin(app):
    """A Flask app with the same rules, endpoints and methods, in the same order."""
    flask = pytest.importorskip("flask")
    twin = flask.Flask("twin", static_folder=None)
    for info in app.url_map:
        explicit = sorted(set(info.methods) - {"HEAD"})
        twin.add_url_rule(info.rule, info.endpoint, view_func=lambda **kw: "", methods=explicit)
    return twin


@pytest.mark.parametrize("sort", ["endpoint", "methods", "rule", "match"])
@pytest.mark.parametrize("all_methods", [False, True])
def test_routes_as_flask_prints_them(sort, all_methods):
    from examples.api import app

    twin = flask_twin(app)
    assert [(r.rule, r.endpoint, set(r.methods)) for r in twin.url_map.iter_rules()] == [
        (r.rule, r.endpoint, set(r.methods)) for r in app.url_map
    ]
    args = ["routes", "--sort", sort] + (["--all-methods"] if all_methods else [])
    from flask.cli import routes_command

    expected = twin.test_cli_runner().invoke(routes_command, args=args[1:])
    assert expected.exit_code == 0, expected.output
    assert format_routes(app, sort, all_methods) + "\n" == expected.output


def test_routes_command():
    from examples.api import app

    r = run_cli("routes", "examples.api:app")
    assert (r.returncode, r.stderr) == (0, "")
    assert r.stdout == format_routes(app) + "\n"
    lines = r.stdout.splitlines()
    assert lines[0].split() == ["Endpoint", "Methods", "Rule"]
    assert "notes.update_note  PATCH, PUT  /api/notes/<int:note_id>" in r.stdout
    assert "HEAD" not in r.stdout and "OPTIONS" not in r.stdout
    r = run_cli("routes", "examples.api:app", "--sort", "rule", "--all-methods")
    assert r.returncode == 0 and "GET, HEAD, OPTIONS" in r.stdout
    assert r.stdout.splitlines()[2].split()[-1] == "/"


def test_routes_empty_app():
    # static_folder=None: an app has its static route otherwise, as Flask's
    assert format_routes(App("empty", static_folder=None)) == "No routes were registered."


def test_routes_bad_sort():
    r = run_cli("routes", "examples.api:app", "--sort", "size")
    assert r.returncode == 2 and "invalid choice" in r.stderr


# -- errors: one line, non-zero ------------------------------------------------------------


@pytest.mark.parametrize(
    "args, message",
    [
        (["serve", "examples.api"], "'examples.api' is not MODULE:APP"),
        (["serve", "examples.api:"], "is not MODULE:APP"),
        (["serve", ":app"], "is not MODULE:APP"),
        (["serve", "no_such_module_xyz:app"], "cannot import 'no_such_module_xyz': no module named 'no_such_module_xyz'"),
        (["serve", "examples.nope:app"], "no module named 'examples.nope'"),
        (["serve", "examples.api:nope"], "module 'examples.api' has no attribute 'nope'"),
        (["serve", "examples.api:_notes"], "is a dict, not a WSGI application (not callable)"),
        (["routes", "examples.api:nope"], "has no attribute 'nope'"),
        (["serve", "examples.api:app", "--server", "tornado"], "unknown server 'tornado' (choose from meinheld, granian, gthread, bjoern, wsgiref)"),
        (["serve", "examples.api:app", "--server", "bjoern", "--workers", "2"], "bjoern has no process manager: --workers 2 is not supported"),
        (["serve", "examples.api:app", "--server", "wsgiref", "--workers", "3"], "wsgiref is a single-process development server"),
        (["serve", "examples.api:app", "--workers", "0"], "--workers must be 1 or more"),
        (["serve", "examples.api:app", "--threads", "8"], "--threads is gthread's (--server gthread), not granian's"),
        (["serve", "examples.api:app", "--server", "meinheld", "--threads", "8"], "--threads is gthread's (--server gthread), not meinheld's"),
        (["serve", "examples.api:app", "--server", "gthread", "--threads", "0"], "--threads must be 1 or more, not 0"),
    ],
)
def test_usage_errors(args, message):
    line = one_line_error(run_cli(*args), 2)
    assert message in line


@pytest.mark.parametrize(
    "source, message",
    [
        ("raise RuntimeError('boom')\n", "importing 'broken' failed: RuntimeError: boom"),
        ("def f(:\n", "importing 'broken' failed: SyntaxError"),
        ("import not_installed_dep_xyz\n", "importing 'broken' failed: ModuleNotFoundError: No module named 'not_installed_dep_xyz'"),
    ],
)
def test_module_that_fails_to_import(tmp_path, source, message):
    (tmp_path / "broken.py").write_text(source)
    line = one_line_error(run_cli("serve", "broken:app", "--server", "wsgiref", cwd=tmp_path), 2)
    assert message in line and "broken.py" in line


@pytest.mark.parametrize("server", SERVERS)
def test_port_in_use(server):
    need(server)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", free_port()))
        taken.listen()
        port = taken.getsockname()[1]
        line = one_line_error(run_cli("serve", "examples.api:app", "--server", server, "--port", str(port)), 1)
    assert f"cannot listen on 127.0.0.1:{port}: Address already in use" in line


def test_bad_port():
    r = run_cli("serve", "examples.api:app", "--port", "70000")
    assert r.returncode == 2 and "port must be 1-65535" in r.stderr and "Traceback" not in r.stderr


@pytest.mark.parametrize(
    "hidden, args, message",
    [
        ("meinheld", ["--server", "meinheld"], "meinheld is not installed; install it with: pip install greenlet && pip install --no-deps meinheld"),
        ("gunicorn", ["--server", "meinheld", "--workers", "2"], "gunicorn is not installed; install it with: pip install gunicorn"),
        ("granian", [], "granian is not installed; install it with: pip install 'fastdispatch[granian]'"),
        ("bjoern", ["--server", "bjoern"], "bjoern is not installed; install it with: apt-get install libev-dev && pip install bjoern"),
        ("gunicorn", ["--server", "gthread"], "gthread is not installed; install it with: pip install 'gunicorn>=27'"),
    ],
)
def test_missing_server_says_how_to_install_it(hidden, args, message):
    if hidden == "gunicorn":
        need("meinheld")  # checked first
    # Hide the package (None in sys.modules: importing it fails as if absent).
    code = f"import sys; sys.modules[{hidden!r}] = None; from fastdispatch.cli import main; sys.exit(main(sys.argv[1:]))"
    r = subprocess.run([sys.executable, "-c", code, "serve", "examples.api:app", *args],
                       cwd=ROOT, env=child_env(), capture_output=True, text=True, timeout=30, check=False)
    line = one_line_error(r, 2)
    assert message in line and "scripts/install_servers.sh" in line


def test_gthread_refuses_a_gunicorn_before_27():
    need("gunicorn")
    code = ("import sys, gunicorn; gunicorn.__version__ = '26.2.0'; from fastdispatch.cli import main; "
            "sys.exit(main(sys.argv[1:]))")
    r = subprocess.run([sys.executable, "-c", code, "serve", "examples.api:app", "--server", "gthread"],
                       cwd=ROOT, env=child_env(), capture_output=True, text=True, timeout=30, check=False)
    line = one_line_error(r, 2)
    assert "gthread needs gunicorn 27 or later, not 26.2.0 (before 27 its gthread worker drops pipelined requests)" in line


def test_console_script():
    """`fastdispatch` itself, once pyproject's [project.scripts] entry is installed."""
    import pathlib

    script = pathlib.Path(sys.executable).with_name("fastdispatch")
    if not script.exists():
        pytest.skip("the fastdispatch console script is not installed in this environment")
    r = subprocess.run([str(script), "--version"], capture_output=True, text=True, timeout=30, check=False)
    assert r.returncode == 0 and r.stdout.startswith(f"fastdispatch {fastdispatch.__version__} (router: ")


@pytest.mark.parametrize(("version", "wrapped"), [("2.5.7", True), ("2.8.1", True), ("2.8.2", False), ("2.10.0", False), ("3.0.0rc1", False)])
def test_granian_before_2_8_2_is_told_the_input_is_terminated(monkeypatch, version, wrapped):
    """granian < 2.8.2 (2.5.7 is the last for Python 3.9) ends wsgi.input
    with the body but does not set wsgi.input_terminated: without it a
    chunked upload would reach the app as no body at all."""
    import types

    from fastdispatch import servers

    monkeypatch.setitem(sys.modules, "granian", types.SimpleNamespace(__version__=version))
    seen = {}

    def app(environ, start_response):
        seen.update(environ)
        return [b""]

    monkeypatch.setattr(servers, "load_app", lambda spec: app)
    loaded = servers._granian_loader("x:app")
    assert (loaded is not app) == wrapped
    assert loaded({"HTTP_TRANSFER_ENCODING": "chunked"}, None) == [b""]
    assert seen.get("wsgi.input_terminated", False) is wrapped


# -- bjoern: loopback only unless asked (it smuggles requests: issue 16) ------------------


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.0.2.1"])
def test_bjoern_refuses_a_public_address(host):
    line = one_line_error(run_cli("serve", "examples.api:app", "--server", "bjoern", "--host", host), 2)
    assert "bjoern smuggles requests" in line and f"not {host}" in line and "--allow-public-bjoern" in line


def test_gthread_binds_a_public_address_with_the_threads_asked_for(start_server):
    need("gthread")
    srv = start_server("gthread", "--host", "0.0.0.0", "--threads", "2")
    with srv.conn() as c:
        c.send(b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        assert c.read_response().status == 200
    assert "2 threads each" in srv.output()


@pytest.mark.parametrize("host, loopback", [("127.0.0.1", True), ("127.1.2.3", True), ("::1", True), ("localhost", True),
                                            ("0.0.0.0", False), ("::", False), ("192.0.2.1", False), ("no-such-host.invalid", False)])
def test_loopback_addresses(host, loopback):
    from fastdispatch.servers import _is_loopback

    assert _is_loopback(host) is loopback


def test_bjoern_binds_a_public_address_when_allowed(start_server):
    need("bjoern")
    srv = start_server("bjoern", "--host", "0.0.0.0", "--allow-public-bjoern")
    with srv.conn() as c:
        c.send(b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        assert c.read_response().status == 200


@pytest.mark.parametrize(
    "server, debug, reload, env, chosen",
    [
        (None, False, False, {}, "granian"),
        (None, True, False, {}, "wsgiref"),
        (None, False, True, {}, "wsgiref"),
        (None, False, False, {"FLASK_DEBUG": "1"}, "wsgiref"),
        ("meinheld", True, False, {}, "meinheld"),  # a server named is the one served on
    ],
)
def test_the_server_chosen_when_none_is_named(server, debug, reload, env, chosen, monkeypatch):
    from fastdispatch import servers

    monkeypatch.delenv("FLASK_DEBUG", raising=False)
    monkeypatch.delenv("FASTDISPATCH_DEBUG", raising=False)
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    assert servers.choose_server(server, debug, reload) == chosen
