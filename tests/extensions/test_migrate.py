"""Flask-Migrate, used as its documentation shows: ``Migrate(app, db)``
and its ``db`` commands on the app's command line (``init``, ``migrate``,
``upgrade``, ``current``, ``history``, ``downgrade``), run through the
app's CLI test runner, on Flask and through ``fastdispatch.compat``."""

from __future__ import annotations

import os
import pathlib
import re
import sqlite3
import typing as t

import pytest

# (the env.py Flask-Migrate writes calls a Flask-SQLAlchemy function it deprecates)
pytestmark = pytest.mark.filterwarnings("ignore:.get_engine. is deprecated:DeprecationWarning")

from .worlds import world

REV = "0123456789ab"


def make_app(w: t.Any, App: type, folder: pathlib.Path) -> t.Any:  # noqa: N803 (the framework's class)
    app = App(__name__)
    app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{folder / 'app.db'}"
    db = w.flask_sqlalchemy.SQLAlchemy(app)
    w.flask_migrate.Migrate(app, db, directory=str(folder / "migrations"))

    class Task(db.Model):  # type: ignore[name-defined]
        id = db.Column(db.Integer, primary_key=True)
        title = db.Column(db.String(80), nullable=False)
        done = db.Column(db.Boolean, default=False)

    return app


COMMANDS = [
    ["db", "init"],
    ["db", "migrate", "-m", "tasks", "--rev-id", REV],
    ["db", "upgrade"],
    ["db", "current"],
    ["db", "history"],
    ["db", "downgrade"],
    ["db", "current"],
    ["db", "upgrade", "nosuchrevision"],
]


def run_commands(kind: str, folder: pathlib.Path, app_cls: type | None) -> list[t.Any]:
    out = []
    with world(kind) as w:
        app = make_app(w, w.flask.Flask if kind == "flask" else app_cls, folder)
        runner = app.test_cli_runner()
        for args in COMMANDS:
            result = runner.invoke(args=args)
            text = result.output.replace(str(folder), "<folder>")
            out.append((args, result.exit_code, re.sub(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+", "<date>", text)))
            if args[1] == "upgrade" and result.exit_code == 0:
                with sqlite3.connect(folder / "app.db") as conn:
                    out.append(sorted(r[0] for r in conn.execute("select name from sqlite_master where type='table'")))
        script = (folder / "migrations" / "versions").glob("*.py")
        out.append([re.sub(r"Create Date: .*", "", p.read_text()) for p in script])
    return out


def test_migrate(app_cls: type, tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    results = {}
    for kind in ("flask", "fastdispatch"):
        folder = tmp_path / kind
        folder.mkdir()
        results[kind] = run_commands(kind, folder, app_cls)
    flask_side = results["flask"]
    assert [r[1] for r in flask_side if isinstance(r, tuple)] == [0, 0, 0, 0, 0, 0, 0, 1]  # the oracle ran
    assert ["alembic_version", "task"] in flask_side
    for fl, fd in zip(flask_side, results["fastdispatch"]):
        assert fd == fl
    assert os.listdir(tmp_path / "fastdispatch" / "migrations" / "versions")
