"""Two worlds in one process: the Flask extensions imported on the real
Flask, and the same extensions imported again through
``fastdispatch.compat``, each copy bound to its own ``flask``.

An extension binds ``flask`` when it is imported, and some import from it
again inside functions, at call time: so each side of a comparison runs
entirely inside its world (``world(kind)`` puts that world's ``flask`` and
extension modules into ``sys.modules``, and takes them out again after).
"""

from __future__ import annotations

import contextlib
import importlib
import sys
import time
import typing as t
from types import SimpleNamespace

import fastdispatch

EXTENSIONS = (
    "flask_sqlalchemy",
    "flask_migrate",
    "flask_cors",
    "flask_login",
    "flask_limiter",
    "flask_jwt_extended",
    "flask_httpauth",
    "flask_marshmallow",
    "flask_caching",
    "flask_restful",
)
KINDS = ("flask", "fastdispatch")

_worlds: dict[str, dict[str, t.Any]] = {}


def _bound(name: str) -> bool:
    """Whether module ``name`` belongs to a world: Flask's and the
    extensions' (every other module, Werkzeug's too, is shared)."""
    top = name.partition(".")[0]
    return top == "flask" or top in EXTENSIONS


@contextlib.contextmanager
def world(kind: str) -> t.Iterator[SimpleNamespace]:
    """``flask`` and every extension, as ``kind`` ("flask" or
    "fastdispatch") has them, for the duration of the block."""
    outside = {name: module for name, module in sys.modules.items() if _bound(name)}
    for name in outside:
        del sys.modules[name]
    # compat.install() also makes every App's response_class Werkzeug's
    # too: only inside the fastdispatch world, as the finder
    response_class = fastdispatch.App.response_class
    from fastdispatch import compat  # (installs itself when first imported)

    if compat._finder in sys.meta_path:
        sys.meta_path.remove(compat._finder)
    fastdispatch.App.response_class = response_class
    sys.modules.update(_worlds.get(kind, {}))
    if kind == "fastdispatch":
        compat.install()
    try:
        yield SimpleNamespace(flask=importlib.import_module("flask"), **{e: importlib.import_module(e) for e in EXTENSIONS})
    finally:
        if compat._finder in sys.meta_path:
            sys.meta_path.remove(compat._finder)
        fastdispatch.App.response_class = response_class
        _worlds[kind] = {name: module for name, module in sys.modules.items() if _bound(name)}
        for name in _worlds[kind]:
            del sys.modules[name]
        sys.modules.update(outside)


def snapshot(resp: t.Any) -> dict[str, t.Any]:
    """A response as it goes on the wire, comparable: status, body, the
    headers (sorted; Set-Cookie as an ordered list; Allow as a set, which
    is what Werkzeug writes it from)."""
    headers = [(k.lower(), v) for k, v in resp.headers]
    return {
        "status": resp.status,
        "body": resp.get_data(),
        "headers": sorted((k, v) for k, v in headers if k not in ("set-cookie", "allow")),
        "set-cookie": [v for k, v in headers if k == "set-cookie"],
        "allow": [sorted(m.strip() for m in v.split(",")) for k, v in headers if k == "allow"],
    }


Request = tuple  # (method, path, client.open's keyword arguments)


def run(kind: str, make_app: t.Callable[..., t.Any], requests: t.Sequence[Request], app_cls: type | None = None,
        session: t.Callable[[t.Any, t.Any], None] | None = None) -> list[dict[str, t.Any]]:
    """``make_app(w, App)`` built in world ``kind`` and driven by
    ``requests`` through its own test client (one client: cookies kept);
    fastdispatch's side on ``app_cls`` (a twin's App)."""
    with world(kind) as w:
        app = make_app(w, w.flask.Flask if kind == "flask" else app_cls)
        assert isinstance(app, fastdispatch.App) is (kind == "fastdispatch")
        client = app.test_client()
        # each client names itself (Werkzeug/3.1, fastdispatch/0.1); Flask-Login
        # hashes the User-Agent into the session
        client.environ_base["HTTP_USER_AGENT"] = "tests/extensions"
        out = []
        for method, path, kwargs in requests:
            kwargs = {k: (v() if callable(v) else v) for k, v in kwargs.items()}
            out.append(snapshot(client.open(path, method=method, **kwargs)))
        return out


SIGNING_TIME = int(time.time())
