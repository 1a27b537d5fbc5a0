"""The command line of apps (Flask 3.1's ``flask.cli``): ``app.cli`` and
blueprint groups through ``app.test_cli_runner()``, app discovery by
``ScriptInfo`` and its errors, each compared with Flask on a twin app; and
``fastdispatch --app MODULE:APP COMMAND`` in a subprocess."""

from __future__ import annotations

import itertools
import pathlib
import subprocess
import sys
import textwrap
import types

import click
import flask
import flask.cli
import pytest

import fastdispatch
import fastdispatch.cli as fd_cli

ROOT = pathlib.Path(__file__).resolve().parents[2]

FRAMEWORKS = {"flask": (flask, flask.cli), "fastdispatch": (fastdispatch, fd_cli)}


def build(fw: types.ModuleType) -> object:
    """One app, on Flask or on fastdispatch: commands with arguments and
    options, blueprint groups of each kind, the app context."""
    app = fw.Flask("demo", static_folder=None)  # Flask would add a static route

    @app.cli.command()
    @click.argument("name")
    @click.option("--count", "-c", default=1, type=int, help="How many times.")
    @click.option("--shout", is_flag=True)
    def greet(name: str, count: int, shout: bool) -> None:
        """Greet NAME."""
        text = f"hello {name}"
        for _ in range(count):
            click.echo(text.upper() if shout else text)

    @app.cli.command("whoami")
    def whoami() -> None:
        fw.g.seen = "g works"
        click.echo(f"{fw.current_app.name} {fw.g.seen}")

    @app.cli.command("fail", with_appcontext=False)
    def fail() -> None:
        click.echo(f"context: {fw.has_app_context()}")
        raise SystemExit(3)

    @app.cli.group()
    def db() -> None:
        """Database commands."""

    @db.command()
    @click.option("--force/--no-force", default=False)
    def init(force: bool) -> None:
        click.echo(f"init {fw.current_app.name} force={force}")

    @app.get("/")
    def index() -> str:
        return ""

    tools = fw.Blueprint("tools", "demo")
    tools.cli.command("sync")(lambda: click.echo("tools sync"))
    tools.get("/sync")(lambda: "")
    admin = fw.Blueprint("admin_bp", "demo", cli_group="admin")
    admin.cli.command("purge")(lambda: click.echo(f"admin purge in {fw.current_app.name}"))
    merged = fw.Blueprint("merged", "demo", cli_group=None)
    merged.cli.command("top")(lambda: click.echo("merged into the app's group"))
    renamed = fw.Blueprint("renamed", "demo")
    renamed.cli.command("x")(lambda: click.echo("renamed x"))
    outer = fw.Blueprint("outer", "demo")
    inner = fw.Blueprint("inner", "demo")
    inner.cli.command("deep")(lambda: click.echo("inner deep"))
    outer.register_blueprint(inner)
    silent = fw.Blueprint("silent", "demo")  # no commands: no group
    for bp in (tools, admin, merged, silent, outer):
        app.register_blueprint(bp)
    app.register_blueprint(renamed, cli_group="other")

    @app.shell_context_processor
    def extra() -> dict[str, object]:
        return {"answer": 42, "db": "the db"}

    return app


@pytest.fixture(scope="module")
def twins() -> dict[str, object]:
    return {name: build(fw) for name, (fw, _) in FRAMEWORKS.items()}


def both(twins: dict[str, object], args: list[str], **kwargs: object) -> dict[str, tuple[int, str]]:
    results = {}
    for name, app in twins.items():
        r = app.test_cli_runner().invoke(args=args, **kwargs)
        if r.exception is not None and not isinstance(r.exception, SystemExit):
            raise r.exception
        results[name] = (r.exit_code, r.output)
    return results


@pytest.mark.parametrize(
    "args",
    [
        ["greet", "bob"],
        ["greet", "bob", "--count", "3", "--shout"],
        ["greet", "-c", "2", "ann"],
        ["greet"],  # missing argument: usage error, exit 2
        ["greet", "bob", "--count", "many"],
        ["greet", "--help"],
        ["--help"],
        [],
        ["whoami"],
        ["fail"],
        ["db", "init", "--force"],
        ["db", "--help"],
        ["tools", "sync"],
        ["tools", "--help"],
        ["admin", "purge"],
        ["admin_bp", "purge"],  # named by cli_group, not by the blueprint
        ["top"],
        ["merged", "top"],
        ["other", "x"],
        ["renamed", "x"],
        ["outer.inner", "deep"],
        ["silent"],
        ["nope"],
    ],
)
def test_app_commands_as_flask(twins, args):
    results = both(twins, args)
    assert results["fastdispatch"] == results["flask"]


def test_the_groups_are_flasks(twins):
    fd, fl = twins["fastdispatch"], twins["flask"]
    assert isinstance(fd.cli, fd_cli.AppGroup)
    assert sorted(fd.cli.commands) == sorted(fl.cli.commands)
    assert fd.cli.name == fl.cli.name == "demo"
    assert "silent" not in fd.cli.commands and "silent" not in fastdispatch.Blueprint("silent", "demo").__dict__


def test_with_appcontext_on_a_plain_command(twins):
    def make(fw, cli):
        @click.command()
        @cli.with_appcontext
        def where() -> None:
            click.echo(f"in {fw.current_app.name}")

        return where

    out = {name: twins[name].test_cli_runner().invoke(make(*FRAMEWORKS[name])).output for name in twins}
    assert out["fastdispatch"] == out["flask"] == "in demo\n"


def test_pass_script_info(twins):
    seen = {}
    for name, (_, cli) in FRAMEWORKS.items():
        @click.command()
        @cli.pass_script_info
        def info(script_info) -> None:
            seen[name] = script_info.load_app()

        assert twins[name].test_cli_runner().invoke(info).exit_code == 0
    assert seen == twins


@pytest.mark.parametrize("args", [[], ["--sort", "rule"], ["-s", "methods", "--all-methods"], ["--sort", "size"]])
def test_routes_command_as_flasks(twins, args):
    out = {name: twins[name].test_cli_runner().invoke(cli.routes_command, args) for name, (_, cli) in FRAMEWORKS.items()}
    assert (out["fastdispatch"].exit_code, out["fastdispatch"].output) == (out["flask"].exit_code, out["flask"].output)


def test_shell_context(twins):
    contexts = {name: app.make_shell_context() for name, app in twins.items()}
    assert sorted(contexts["fastdispatch"]) == sorted(contexts["flask"]) == ["answer", "app", "db", "g"]
    assert contexts["fastdispatch"]["app"] is twins["fastdispatch"] and contexts["fastdispatch"]["g"] is fastdispatch.g
    assert contexts["fastdispatch"]["answer"] == 42


def test_shell_command_starts_in_the_app_context(twins, monkeypatch):
    """code.interact, stubbed: what it is given."""
    import code

    for name, app in twins.items():
        seen = {}
        monkeypatch.setattr(code, "interact", lambda banner, local, seen=seen, fw=FRAMEWORKS[name][0]: seen.update(
            banner=banner.splitlines()[-2:], names=sorted(local), app=fw.current_app.name))
        r = app.test_cli_runner().invoke(FRAMEWORKS[name][1].shell_command)
        assert r.exit_code == 0, r.output
        assert seen["names"] == ["answer", "app", "db", "g"] and seen["app"] == "demo"
        assert seen["banner"] == [f"App: {app.import_name}", f"Instance: {app.instance_path}"]


def test_run_command_serves_the_app(twins, monkeypatch):
    app = twins["fastdispatch"]
    calls = []
    monkeypatch.setattr(type(app), "run", lambda self, host, port: calls.append((self, host, port)))
    r = app.test_cli_runner().invoke(fd_cli.run_command, ["--port", "5001"])
    assert (r.exit_code, calls) == (0, [(app, "127.0.0.1", 5001)])


def test_flask_group_with_create_app():
    app = build(fastdispatch)
    group = fd_cli.FlaskGroup(create_app=lambda: app)
    r = click.testing.CliRunner().invoke(group, ["greet", "zed"])
    assert (r.exit_code, r.output) == (0, "hello zed\n")
    r = click.testing.CliRunner().invoke(group, ["--help"])
    assert r.exit_code == 0 and "greet" in r.output and "shell" in r.output and "routes" in r.output
    # click < 8.2 (the last for Python 3.9) does not close the group's
    # context after --help, nor the app context its listing pushed (as with
    # Flask's group): popped here, so that later tests start with none
    while fastdispatch.has_app_context():
        fastdispatch.ctx._cv.get().pop()


# -- the first use of app.cli -------------------------------------------------------------


def test_import_does_not_import_click():
    code = "import fastdispatch, sys; fastdispatch.App('x'); fastdispatch.Blueprint('b', 'x'); assert 'click' not in sys.modules"
    r = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60, check=False)
    assert r.returncode == 0, r.stderr


def test_first_cli_use_keeps_the_short_path_state():
    app = fastdispatch.App("x")
    state = app._short_path_state()
    assert app._fast is state
    group = app.cli
    assert app.cli is group and app._fast is state
    other = fd_cli.AppGroup("other")
    app.cli = other
    assert app.cli is other and app._fast is state


# -- app discovery: ScriptInfo, compared with Flask's -------------------------------------

_names = itertools.count()

MODULES = {
    "one": "app = {fw}.Flask('one')\n",
    "application": "application = {fw}.Flask('named_application')\nother = {fw}.Flask('other')\n",
    "only": "whatever = {fw}.Flask('only')\n",
    "two": "a = {fw}.Flask('a')\nb = {fw}.Flask('b')\n",
    "factory": "def create_app(name='made', *, debug=False):\n    return {fw}.Flask(name)\n",
    "make": "def make_app():\n    return {fw}.Flask('made by make_app')\n",
    "needs_args": "def create_app(name):\n    return {fw}.Flask(name)\n",
    "factory_breaks": "def create_app():\n    return int('x', 'y', 'z')\n",
    "none": "x = 1\n",
    "not_app": "app = {fw}.Flask('real')\nnumber = 3\ndef gives_int():\n    return 3\n",
    "bad_import": "import not_installed_dep_xyz\n",
}

SPECS = [
    ("one", None),
    ("application", None),
    ("only", None),
    ("two", None),
    ("two", "b"),
    ("factory", None),
    ("factory", "create_app()"),
    ("factory", "create_app('given')"),
    ("factory", "create_app(name='kw', debug=True)"),
    ("factory", "create_app(1, 2, 3)"),
    ("factory", "create_app(x)"),
    ("factory", "create_app("),
    ("factory", "os.path"),
    ("factory", "a.b()"),
    ("factory", "nope"),
    ("make", None),
    ("needs_args", None),
    ("needs_args", "create_app"),
    ("needs_args", "create_app('ok')"),
    ("none", None),
    ("not_app", "number"),
    ("not_app", "gives_int()"),
    ("not_app", "app"),
    ("missing_module_xyz", None),
]


@pytest.fixture
def modules(tmp_path, monkeypatch):
    """Each module written twice, on Flask and on fastdispatch, under names
    of their own (fresh for each test: sys.modules keeps what was imported)."""
    monkeypatch.setattr(sys, "path", list(sys.path))
    monkeypatch.chdir(tmp_path)
    n = next(_names)
    names = {}
    for fw in FRAMEWORKS:
        for key, source in MODULES.items():
            name = f"{key}_{fw}_{n}"
            (tmp_path / f"{name}.py").write_text(f"import {fw}\n" + source.format(fw=fw))
            names[fw, key] = name
    yield names
    for name in names.values():
        sys.modules.pop(name, None)


def load(cli, spec):
    try:
        app = cli.ScriptInfo(spec).load_app()
    except cli.NoAppException as exc:
        return ("error", exc.format_message())
    except TypeError as exc:  # from inside the factory: not hidden
        return ("TypeError", str(exc))
    return ("app", app.name)


@pytest.mark.parametrize("module, name", SPECS)
def test_script_info_finds_apps_as_flask(modules, module, name):
    found = {}
    for fw, (_, cli) in FRAMEWORKS.items():
        mod = modules.get((fw, module), module)
        found[fw] = load(cli, mod if name is None else f"{mod}:{name}")
    fl = tuple(s.replace(modules.get(("flask", module), module), "MODULE") for s in found["flask"])
    fd = tuple(s.replace(modules.get(("fastdispatch", module), module), "MODULE") for s in found["fastdispatch"])
    assert fd == fl


def test_script_info_by_file_path(modules, tmp_path):
    info = fd_cli.ScriptInfo(str(tmp_path / f"{modules['fastdispatch', 'one']}.py"))
    assert info.load_app().name == "one"
    assert info.load_app() is info.load_app()


def test_a_failing_factory_is_not_hidden(modules):
    with pytest.raises(TypeError):
        fd_cli.ScriptInfo(modules["fastdispatch", "factory_breaks"]).load_app()


def test_import_error_inside_the_module(modules):
    found = {fw: load(cli, modules[fw, "bad_import"])[1] for fw, (_, cli) in FRAMEWORKS.items()}
    for fw, message in found.items():
        assert message.startswith(f"While importing {modules[fw, 'bad_import']!r}, an ImportError was raised:\n\nTraceback")
        assert "No module named 'not_installed_dep_xyz'" in message


def test_no_app_anywhere(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "path", list(sys.path))
    with pytest.raises(fd_cli.NoAppException, match="Could not locate a Flask application. Use the 'fastdispatch --app' option"):
        fd_cli.ScriptInfo().load_app()


def test_app_py_in_the_current_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "path", list(sys.path))
    (tmp_path / "app.py").write_text("import fastdispatch\nthe_app = fastdispatch.App('from app.py')\n")
    monkeypatch.delitem(sys.modules, "app", raising=False)
    try:
        assert fd_cli.ScriptInfo().load_app().name == "from app.py"
    finally:
        sys.modules.pop("app", None)


def test_debug_flag_from_the_environment(monkeypatch):
    app = fastdispatch.App("x")
    monkeypatch.setenv("FLASK_DEBUG", "1")
    assert fd_cli.ScriptInfo(create_app=lambda: app).load_app().debug is True
    monkeypatch.setenv("FASTDISPATCH_DEBUG", "0")
    assert fd_cli.ScriptInfo(create_app=lambda: app).load_app().debug is False
    app.debug = True
    assert fd_cli.ScriptInfo(create_app=lambda: app, set_debug_flag=False).load_app().debug is True


# -- fastdispatch --app MODULE:APP COMMAND ----------------------------------------------

APP_MODULE = """\
import click
import fastdispatch

app = fastdispatch.App("cliapp")

@app.get("/hi")
def hi():
    return "hi"

@app.cli.command()
@click.argument("name")
@click.option("--times", default=1, type=int)
def hello(name, times):
    click.echo(" ".join([f"hello {name} from {fastdispatch.current_app.name}"] * times))

@app.shell_context_processor
def names():
    return {"answer": 42}

def create_app(name="made"):
    made = fastdispatch.App(name)
    made.cli.command("who")(lambda: click.echo(fastdispatch.current_app.name))
    return made
"""


def fastdispatch_command(tmp_path, *args, env=None, stdin=None):
    import os

    (tmp_path / "cliapp.py").write_text(APP_MODULE)
    environ = {k: v for k, v in os.environ.items() if k not in ("FASTDISPATCH_APP", "FLASK_APP")}
    environ["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), environ.get("PYTHONPATH", "")) if p)
    environ.update(env or {})
    return subprocess.run([sys.executable, "-m", "fastdispatch", *args], cwd=tmp_path, env=environ, input=stdin,
                          capture_output=True, text=True, timeout=60, check=False)


def test_entry_point_runs_app_commands(tmp_path):
    r = fastdispatch_command(tmp_path, "--app", "cliapp:app", "hello", "bob", "--times", "2")
    assert (r.returncode, r.stdout, r.stderr) == (0, "hello bob from cliapp hello bob from cliapp\n", "")
    r = fastdispatch_command(tmp_path, "-A", "cliapp", "hello", "ann")
    assert (r.returncode, r.stdout) == (0, "hello ann from cliapp\n")
    r = fastdispatch_command(tmp_path, "--app", "cliapp:create_app('given')", "who")
    assert (r.returncode, r.stdout) == (0, "given\n")


@pytest.mark.parametrize("var", ["FASTDISPATCH_APP", "FLASK_APP"])
def test_entry_point_app_from_the_environment(tmp_path, var):
    r = fastdispatch_command(tmp_path, "hello", "env", env={var: "cliapp:app"})
    assert (r.returncode, r.stdout) == (0, "hello env from cliapp\n")
    r = fastdispatch_command(tmp_path, "routes", env={var: "cliapp:app"})
    assert r.returncode == 0 and r.stdout.splitlines()[2].split() == ["hi", "GET", "/hi"]
    r = fastdispatch_command(tmp_path, "--help", env={var: "cliapp:app"})
    assert r.returncode == 0 and "--app MODULE:APP" in r.stdout


def test_entry_point_help_lists_app_commands(tmp_path):
    r = fastdispatch_command(tmp_path, "--app", "cliapp:app", "--help")
    assert r.returncode == 0
    commands = [line.split()[0] for line in r.stdout.split("Commands:")[1].strip().splitlines()]
    assert commands == ["hello", "routes", "run", "serve", "shell"]


def test_entry_point_routes_under_app(tmp_path):
    r = fastdispatch_command(tmp_path, "--app", "cliapp:app", "routes", "--all-methods")
    assert r.returncode == 0 and "hi        GET, HEAD, OPTIONS  /hi" in r.stdout


def test_entry_point_shell(tmp_path):
    r = fastdispatch_command(tmp_path, "--app", "cliapp:app", "shell",
                             stdin="print(answer, app.name, g is not None)\nfrom fastdispatch import current_app; print(current_app.name)\n")
    assert r.returncode == 0, r.stderr
    # input() writes the prompts to stdout when it is not a terminal
    assert r.stdout.replace(">>> ", "").splitlines()[:2] == ["42 cliapp True", "cliapp"]
    assert "App: cliapp" in r.stderr


def test_entry_point_serve_under_app_is_serve(tmp_path):
    r = fastdispatch_command(tmp_path, "--app", "cliapp:app", "serve", "--port", "70000")
    assert r.returncode == 2 and r.stderr.splitlines()[-1] == "fastdispatch: error: argument --port/-p: port must be 1-65535, not 70000"
    r = fastdispatch_command(tmp_path, "serve", "--server", "tornado", env={"FASTDISPATCH_APP": "cliapp:app"})
    assert (r.returncode, r.stderr) == (2, "fastdispatch: error: unknown server 'tornado' (choose from meinheld, granian, gthread, bjoern, wsgiref)\n")
    r = fastdispatch_command(tmp_path, "serve", "--server", "tornado")
    assert r.returncode == 2 and "the following arguments are required: MODULE:APP" in r.stderr


def test_entry_point_errors(tmp_path):
    r = fastdispatch_command(tmp_path, "--app", "cliapp:app", "nope")
    assert r.returncode == 2 and "Error: No such command 'nope'." in r.stderr
    r = fastdispatch_command(tmp_path, "--app", "missing_xyz", "hello")
    assert r.returncode == 2 and "Error: Could not import 'missing_xyz'." in r.stderr
    r = fastdispatch_command(tmp_path, "hello")
    assert r.returncode == 2 and "Error: Could not locate a Flask application." in r.stderr
    r = fastdispatch_command(tmp_path, "--app", "cliapp:app", "hello")
    assert r.returncode == 2 and "Error: Missing argument 'NAME'." in r.stderr
    r = fastdispatch_command(tmp_path, "--app", "cliapp:app", "--version")
    assert (r.returncode, r.stdout) == (0, fd_cli.version_string() + "\n")


def test_main_returns_the_exit_code(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "path", list(sys.path))
    (tmp_path / "cliapp_main.py").write_text(APP_MODULE)
    try:
        assert fd_cli.main(["--app", "cliapp_main:app", "hello", "x"]) == 0
        assert capsys.readouterr().out == "hello x from cliapp\n"
        assert fd_cli.main(["--app", "cliapp_main:app", "nope"]) == 2
    finally:
        sys.modules.pop("cliapp_main", None)
