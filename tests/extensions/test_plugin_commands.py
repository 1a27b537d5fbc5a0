"""Flask's plugin commands (the ``flask.commands`` entry points an
extension installs: Flask-Limiter's ``limiter``) on the command line:
``flask --app app limiter ...`` on Flask and ``fastdispatch --app app
limiter ...`` on the same app through ``fastdispatch.compat`` print the
same, and without compat no plugin is loaded (it would import the real
Flask under the app)."""

from __future__ import annotations

import os
import pathlib
import subprocess
import sys

import pytest

APP = '''\
from flask import Blueprint, Flask
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

app = Flask("limited")
limiter = Limiter(get_remote_address, app=app, default_limits=["100 per day"], storage_uri="memory://")


@app.route("/items")
@limiter.limit("5 per minute")
def items():
    return "items"


@app.route("/health")
@limiter.exempt
def health():
    return "ok"


bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.route("/stats")
def stats():
    return "stats"


limiter.limit("2 per second")(bp)
app.register_blueprint(bp)
'''

COMPAT = "import fastdispatch.compat  # noqa: F401 (first: flask is fastdispatch)\n"


def cli(tool: str, where: pathlib.Path, *args: str) -> subprocess.CompletedProcess:
    # rich draws to the width it is given, in no colour
    env = dict(os.environ, COLUMNS="100", TERM="dumb", NO_COLOR="1")
    env.pop("FLASK_APP", None)
    env.pop("FASTDISPATCH_APP", None)
    return subprocess.run([sys.executable, "-m", tool, "--app", "app", *args], cwd=where, env=env,
                          capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def apps(tmp_path_factory: pytest.TempPathFactory) -> dict[str, pathlib.Path]:
    out = {}
    for kind, head in (("flask", ""), ("fastdispatch", COMPAT), ("plain", "")):
        where = tmp_path_factory.mktemp(kind)
        (where / "app.py").write_text(head + APP)
        out[kind] = where
    return out


@pytest.mark.parametrize("args", [("limiter", "limits"), ("limiter", "limits", "--endpoint", "items"), ("limiter", "config")])
def test_plugin_command_as_flask(apps: dict[str, pathlib.Path], args: tuple[str, ...]) -> None:
    flask = cli("flask", apps["flask"], *args)
    ours = cli("fastdispatch", apps["fastdispatch"], *args)
    assert flask.returncode == 0, flask.stderr
    assert (ours.returncode, ours.stdout) == (0, flask.stdout), ours.stderr


def test_plugin_listed_in_help(apps: dict[str, pathlib.Path]) -> None:
    ours = cli("fastdispatch", apps["fastdispatch"], "--help")
    assert ours.returncode == 0, ours.stderr
    assert any(line.split()[:1] == ["limiter"] for line in ours.stdout.splitlines()), ours.stdout


def test_no_plugin_without_compat(apps: dict[str, pathlib.Path]) -> None:
    """An app that imports the real Flask is not fastdispatch's to run;
    what matters is that fastdispatch loaded no plugin: the command is
    unknown, not half-run on Flask."""
    ours = cli("fastdispatch", apps["plain"], "limiter", "limits")
    assert ours.returncode != 0
    assert "limiter" in ours.stderr and "Traceback" not in ours.stderr, ours.stderr
