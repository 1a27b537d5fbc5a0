"""The GitHub API app (203 routes, ``apps.py``) as module-level WSGI apps, for
real HTTP servers.  Serve one with ``bench`` on ``PYTHONPATH`` (``apps.py``
imports ``workload`` as a top-level module, and ``bench/`` is no package)::

    cd /path/to/fastdispatch
    PYTHONPATH=bench python -m fastdispatch serve http_apps:fastdispatch_app --server meinheld

Apps: ``fastdispatch_app`` (compiled router), ``fastdispatch_pure_app``,
``flask_app``, ``falcon_app``, ``bottle_app`` and ``bare_app`` (the floor: a
dict of exactly the requests ``requests()`` lists).  Each is built on first
access (module ``__getattr__``), so a server process only builds the one it
serves.

``requests()`` is the pregenerated list the wrk script (``lua/github.lua``)
sends: ``PER_ROUTE`` distinct concrete paths per route (ids vary: ``owner0``,
``owner1``, ...), shuffled with a fixed seed, every method of the table.
``write_requests(path)`` writes it one ``METHOD PATH`` a line.
"""

from __future__ import annotations

import os
import sys

_HERE = os.path.dirname(os.path.abspath(__file__))
if _HERE not in sys.path:  # also importable as bench.http_apps
    sys.path.insert(0, _HERE)

import apps  # noqa: E402
import workload  # noqa: E402

PER_ROUTE = 20  # 203 routes x 20 = 4,060 distinct requests

_NAMES = {
    "fastdispatch_app": apps.COMPILED,
    "fastdispatch_pure_app": apps.PURE,
    "flask_app": apps.FLASK,
    "falcon_app": apps.FALCON,
    "bottle_app": apps.BOTTLE,
    "bare_app": apps.FLOOR,
}
_built: dict = {}


def routes():
    return workload.github_routes()


def cases():
    return workload.cases(routes(), PER_ROUTE)


def requests():
    """[(method, path)]: what the wrk script sends, in order (it cycles)."""
    return [(method, path) for method, path, _endpoint, _params in cases()]


def expected_body(method, path):
    """The body every app answers for one of ``requests()`` (for checks)."""
    index = apps.endpoints(routes())
    for m, p, endpoint, params in cases():
        if m == method and p == path:
            return apps.body_text(index[endpoint], params)
    raise KeyError((method, path))


def write_requests(path):
    with open(path, "w") as f:
        for method, p in requests():
            f.write(f"{method} {p}\n")
    return path


def __getattr__(name):
    if name not in _NAMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    if name not in _built:
        _built[name] = apps.build(_NAMES[name], routes(), cases())
    return _built[name]
