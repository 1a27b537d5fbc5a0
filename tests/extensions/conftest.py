from __future__ import annotations

import email.utils
import re
import typing as t

import itsdangerous
import pytest

from .worlds import SIGNING_TIME, run


@pytest.fixture(autouse=True)
def _fixed_signing_time(monkeypatch: pytest.MonkeyPatch) -> None:
    # session cookies (Flask-Login) are stamped with the current second
    monkeypatch.setattr(itsdangerous.TimestampSigner, "get_timestamp", lambda self: SIGNING_TIME)


_EXPIRES = re.compile(r"(?i)(; Expires=)([^;]+)")


def _same_clock(fl: dict[str, t.Any], fd: dict[str, t.Any]) -> tuple[dict[str, t.Any], dict[str, t.Any]]:
    """Cookies' Expires (now + a lifetime) read from each framework's clock:
    within a few seconds of each other, they are the same."""
    cookies = []
    for a, b in zip(fl["set-cookie"], fd["set-cookie"]):
        ea, eb = _EXPIRES.search(a), _EXPIRES.search(b)
        if ea and eb:
            ta = email.utils.parsedate_to_datetime(ea.group(2)).timestamp()
            tb = email.utils.parsedate_to_datetime(eb.group(2)).timestamp()
            if abs(ta - tb) <= 5:
                a, b = _EXPIRES.sub(r"\1<now + lifetime>", a), _EXPIRES.sub(r"\1<now + lifetime>", b)
        cookies.append((a, b))
    if not cookies:
        return fl, fd
    return dict(fl, **{"set-cookie": [a for a, _ in cookies]}), dict(fd, **{"set-cookie": [b for _, b in cookies]})


def _deliberate(snap: dict[str, t.Any]) -> dict[str, t.Any]:
    """Flask's response as fastdispatch answers it on purpose."""
    if snap["status"].startswith("204 "):
        # deliberate: a 204 carries no Content-Type (tests/app/test_flask_diff.py)
        snap = dict(snap, headers=[(k, v) for k, v in snap["headers"] if k != "content-type"])
    return snap


@pytest.fixture
def compare(app_cls: type) -> t.Callable[..., None]:
    """``compare(make_app, requests)``: the responses of the app built on
    Flask and on fastdispatch (this twin) are the same."""

    def check(make_app: t.Callable[..., t.Any], requests: t.Sequence[t.Any]) -> None:
        flask_side = run("flask", make_app, requests)
        ours = run("fastdispatch", make_app, requests, app_cls)
        for req, fl, fd in zip(requests, flask_side, ours):
            fl, fd = _same_clock(_deliberate(fl), fd)
            assert fd == fl, req

    return check
