"""Signals as Flask's: one app on each framework, a receiver on every
signal of each, the same requests; the signals sent, their senders,
arguments and order compared.  Both short-path twins."""

from __future__ import annotations

import subprocess
import sys
import typing as t
from types import SimpleNamespace

import flask
import flask.signals
import pytest

import fastdispatch
import fastdispatch.signals
from fastdispatch import App

from .test_flask_diff import GET, run_steps

NAMES = [
    "request_started",
    "request_finished",
    "request_tearing_down",
    "got_request_exception",
    "appcontext_tearing_down",
    "appcontext_pushed",
    "appcontext_popped",
    "message_flashed",
]


@pytest.fixture(autouse=True)
def _signals_off_after(monkeypatch: pytest.MonkeyPatch) -> None:
    # connecting turns signals on for every app, for good: off again after
    # each test, so that the rest of the suite runs the short path
    monkeypatch.setattr(App, "_signalling", False)


def build(ns: SimpleNamespace, signals: t.Any) -> tuple[t.Any, list[t.Any], list[t.Any]]:
    app = ns.App(__name__)
    app.secret_key = "k"
    log: list[t.Any] = []

    @app.route("/ok")
    def ok():
        log.append("view")
        return "ok"

    @app.route("/json")
    def json_view():
        return {"a": 1}

    @app.route("/boom")
    def boom():
        raise KeyError("boom")

    @app.route("/abort")
    def abort_view():
        ns.abort(418)

    @app.route("/flash")
    def flash_view():
        ns.flash("hello", "info")
        return "flashed"

    def receiver(name: str) -> t.Callable[..., None]:
        def receive(sender: t.Any, **kwargs: t.Any) -> None:
            shown = {k: (v.status if k == "response" else type(v).__name__ if k in ("exc", "exception") and v is not None else v) for k, v in kwargs.items()}
            log.append((name, sender is app, sorted(shown.items())))

        return receive

    receivers = [receiver(name) for name in NAMES]
    for name, func in zip(NAMES, receivers):
        getattr(signals, name).connect(func, app)
    return app, log, receivers


FLASK = SimpleNamespace(App=flask.Flask, abort=flask.abort, flash=flask.flash)


@pytest.mark.parametrize("path", ["/ok", "/json", "/boom", "/abort", "/flash", "/nope", "/ok/"])
def test_signals_as_flask(app_cls: type, path: str) -> None:
    # (the receivers are held: blinker holds them weakly)
    fl, fl_log, fl_receivers = build(FLASK, flask.signals)
    fd, fd_log, fd_receivers = build(SimpleNamespace(App=app_cls, abort=fastdispatch.abort, flash=fastdispatch.flash), fastdispatch.signals)
    steps = [GET(path), GET(path)]
    assert run_steps(fd, fd.test_client(), steps) == run_steps(fl, fl.test_client(), steps)
    assert fd_log == fl_log
    assert any(entry[0] == "request_started" for entry in fd_log if isinstance(entry, tuple))


def test_contexts_pushed_by_hand_send_as_flask(app_cls: type) -> None:
    logs = []
    for ns, signals in ((FLASK, flask.signals), (SimpleNamespace(App=app_cls, abort=None, flash=None), fastdispatch.signals)):
        app, log, receivers = build(ns, signals)
        with app.app_context():
            log.append("inside")
        with app.test_request_context("/ok"):
            log.append("request")
        logs.append(log)
    assert logs[1] == logs[0]


def test_the_first_receiver_switches_every_app_to_the_full_pipeline(app_cls: type) -> None:
    app = app_cls(__name__)
    app.route("/")(lambda: "hi")
    client = app.test_client()
    client.get("/")
    assert app._fast.serves and app._fast.text
    seen = []

    def started(sender: t.Any, **kw: t.Any) -> None:
        seen.append(sender)

    with fastdispatch.signals.request_started.connected_to(started):
        assert app._fast is None
        assert client.get("/").text == "hi"
        assert seen == [app]
        assert not app._fast.serves and not app._fast.text


def test_a_namespace_of_the_apps_own() -> None:
    ns = fastdispatch.signals.Namespace()
    custom = ns.signal("custom")
    got = []

    def receive(sender: t.Any, **kw: t.Any) -> None:
        got.append((sender, kw))

    custom.connect(receive)
    custom.send("me", x=1)
    assert got == [("me", {"x": 1})]


def test_no_signals_until_imported() -> None:
    code = (
        "import sys, fastdispatch\n"
        "app = fastdispatch.App('x')\n"
        "app.route('/')(lambda: 'hi')\n"
        "assert app.test_client().get('/').text == 'hi'\n"
        "assert 'blinker' not in sys.modules and 'fastdispatch.signals' not in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
