"""App set-up as Flask's: the constructor's paths, the config loaders,
resources; each compared with Flask itself."""

import json
import os

import flask
import pytest

import fastdispatch

NAMES = ["fastdispatch.app", "tests.app.test_setup", "__main__", "no_such_module_here", "flask", "json"]


@pytest.mark.parametrize("import_name", NAMES)
def test_paths_as_flask_finds_them(import_name):
    ours, theirs = fastdispatch.App(import_name), flask.Flask(import_name)
    for attr in ("name", "root_path", "instance_path", "static_folder", "static_url_path", "template_folder", "has_static_folder"):
        assert getattr(ours, attr) == getattr(theirs, attr), attr
    assert ours.config.root_path == theirs.config.root_path


@pytest.mark.parametrize(
    "kwargs",
    [
        {"static_folder": "assets/"},
        {"static_folder": "assets", "static_url_path": "/s/"},
        {"static_folder": None},
        {"static_url_path": ""},
        {"root_path": "/srv/app", "instance_relative_config": True},
        {"instance_path": "/srv/instance", "instance_relative_config": True},
        {"template_folder": "views"},
    ],
)
def test_constructor_arguments_as_flask(kwargs):
    ours, theirs = fastdispatch.App(__name__, **kwargs), flask.Flask(__name__, **kwargs)
    for attr in ("root_path", "instance_path", "static_folder", "static_url_path", "template_folder"):
        assert getattr(ours, attr) == getattr(theirs, attr), attr
    assert ours.config.root_path == theirs.config.root_path


def test_blueprint_arguments_in_flasks_order():
    args = ("bp", __name__, "static", "/bp-static", "templates", "/api")
    ours, theirs = fastdispatch.Blueprint(*args), flask.Blueprint(*args)
    for attr in ("root_path", "static_folder", "static_url_path", "template_folder", "url_prefix"):
        assert getattr(ours, attr) == getattr(theirs, attr), attr


def test_bad_constructor_arguments():
    with pytest.raises(ValueError, match="must be absolute"):
        fastdispatch.App(__name__, instance_path="relative/instance")
    with pytest.raises(NotImplementedError, match="host_matching"):
        fastdispatch.App(__name__, host_matching=True, static_host="example.com")


def _both(tmp_path, **kwargs):
    return [cls(__name__, root_path=str(tmp_path), **kwargs) for cls in (fastdispatch.App, flask.Flask)]


def test_config_from_files_as_flask(tmp_path, monkeypatch):
    (tmp_path / "settings.py").write_text("SECRET = 'x'\nDEBUG = True\nlower = 1\nimport os\nHERE = os.path.basename(__file__)\n")
    (tmp_path / "settings.json").write_text(json.dumps({"FROM_JSON": [1, 2], "lower": 3}))
    monkeypatch.setenv("APP_SETTINGS", "settings.py")
    for app in _both(tmp_path):
        assert app.config.from_pyfile("settings.py") is True
        assert app.config.from_pyfile("missing.py", silent=True) is False
        assert app.config.from_file("settings.json", load=json.load) is True
        assert app.config.from_file("missing.json", load=json.load, silent=True) is False
        assert app.config.from_envvar("APP_SETTINGS") is True
        assert app.config.from_envvar("NOT_SET_ANYWHERE", silent=True) is False
    fd, fl = _both(tmp_path)
    for app in (fd, fl):
        app.config.from_pyfile("settings.py")
        app.config.from_file("settings.json", load=json.load)
    picked = ("SECRET", "DEBUG", "HERE", "FROM_JSON", "lower")
    assert {k: fd.config.get(k) for k in picked} == {k: fl.config.get(k) for k in picked} == {
        "SECRET": "x", "DEBUG": True, "HERE": "settings.py", "FROM_JSON": [1, 2], "lower": None}
    assert fd.debug is True


def test_config_loader_errors_as_flask(tmp_path, monkeypatch):
    monkeypatch.delenv("NOT_SET_ANYWHERE", raising=False)
    for app in _both(tmp_path):
        with pytest.raises(OSError, match="Unable to load configuration file"):
            app.config.from_pyfile("missing.py")
        with pytest.raises(OSError, match="Unable to load configuration file"):
            app.config.from_file("missing.json", load=json.load)
        with pytest.raises(RuntimeError, match="'NOT_SET_ANYWHERE' is not set"):
            app.config.from_envvar("NOT_SET_ANYWHERE")


def test_config_from_prefixed_env_as_flask(tmp_path, monkeypatch):
    for key in [k for k in os.environ if k.startswith("FLASK_")]:
        monkeypatch.delenv(key)
    monkeypatch.setenv("FLASK_SECRET_KEY", "s3cret")
    monkeypatch.setenv("FLASK_COUNT", "5")
    monkeypatch.setenv("FLASK_FLAGS", '{"a": true}')
    monkeypatch.setenv("FLASK_DB__HOST", "localhost")
    monkeypatch.setenv("FLASK_DB__PORT", "5432")
    monkeypatch.setenv("MYAPP_X", "[1, 2]")
    configs = []
    for app in _both(tmp_path):
        assert app.config.from_prefixed_env() is True
        app.config.from_prefixed_env("MYAPP", loads=str.upper)
        configs.append({k: app.config.get(k) for k in ("SECRET_KEY", "COUNT", "FLAGS", "DB", "X")})
    assert configs[0] == configs[1] == {"SECRET_KEY": "s3cret", "COUNT": 5, "FLAGS": {"a": True}, "DB": {"HOST": "localhost", "PORT": 5432}, "X": "[1, 2]"}
    assert _both(tmp_path)[0].secret_key is None


def test_resources(tmp_path):
    (tmp_path / "schema.sql").write_text("create table t;")
    instance = tmp_path / "instance"
    instance.mkdir()
    for app in _both(tmp_path, instance_path=str(instance)):
        with app.open_resource("schema.sql") as f:
            assert f.read() == b"create table t;"
        with app.open_resource("schema.sql", "r") as f:
            assert f.read() == "create table t;"
        with pytest.raises(ValueError, match="only be opened for reading"):
            app.open_resource("schema.sql", "w")
        with app.open_instance_resource("local.cfg", "w") as f:
            f.write("X = 1\n")
        with app.open_instance_resource("local.cfg", "r") as f:
            assert f.read() == "X = 1\n"


def test_secret_key_and_extensions(app_cls):
    app = app_cls(__name__)
    assert app.secret_key is None and app.extensions == {}
    app.secret_key = "k"
    assert app.config["SECRET_KEY"] == "k"
    app.extensions["thing"] = object()  # where extensions register, as on Flask
