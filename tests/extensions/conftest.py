from __future__ import annotations

import typing as t

import itsdangerous
import pytest

from .worlds import SIGNING_TIME, run


@pytest.fixture(autouse=True)
def _fixed_signing_time(monkeypatch: pytest.MonkeyPatch) -> None:
    # session cookies (Flask-Login) are stamped with the current second
    monkeypatch.setattr(itsdangerous.TimestampSigner, "get_timestamp", lambda self: SIGNING_TIME)


@pytest.fixture
def compare(app_cls: type) -> t.Callable[..., None]:
    """``compare(make_app, requests)``: the responses of the app built on
    Flask and on fastdispatch (this twin) are the same."""

    def check(make_app: t.Callable[..., t.Any], requests: t.Sequence[t.Any]) -> None:
        flask_side = run("flask", make_app, requests)
        ours = run("fastdispatch", make_app, requests, app_cls)
        for req, fl, fd in zip(requests, flask_side, ours):
            assert fd == fl, req

    return check
