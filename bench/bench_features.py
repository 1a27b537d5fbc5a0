#!/usr/bin/env python
"""Feature requests against Flask's, in process, interleaved: what a view
using a Flask feature costs on each framework, one run.

    python bench/bench_features.py [--rounds N] [--requests N] [--json PATH]

One small app, the same code on Flask and on fastdispatch (compiled), with a
view per feature, each request to a distinct path (the id varies):

- ``text``: a str view (the short path's answer, the baseline), no cookie;
- ``jsonify``: ``jsonify`` of a dict made from the id, no cookie;
- ``session``: the request sends a session cookie (Flask's format, the same
  bytes for both); the view reads a counter from it and writes it back, so
  every answer signs and sets a new cookie;
- ``session-untouched``: the same cookie sent to a str view that never
  touches the session (Flask opens and checks it on every request;
  fastdispatch only looks whether the cookie is there);
- ``template``: ``render_template`` of ``bench/templates/bench_item.html``
  (a loop, a filter, autoescaping, a ``url_for``), no cookie.

The requests are ``bench_app``'s (its environ of gunicorn's sync worker),
plus the cookie.  Each round samples every (framework, feature) pair once in a
shuffled order; the figure is the median over rounds of Flask's time per
request divided by fastdispatch's in the same round ("x faster"), with the
range across rounds.
"""

from __future__ import annotations

import argparse
import functools
import gc
import json
import random
import statistics
import sys
import time
from collections import deque
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

import bench_app  # noqa: E402

FEATURES = ("text", "jsonify", "session", "session-untouched", "template")
SECRET = "bench-secret"


def build(ns):
    """The app on one framework (``ns``: its module: flask or fastdispatch)."""
    app = ns.Flask(__name__)
    app.secret_key = SECRET

    @app.route("/text/<int:n>")
    def text(n):
        return f"text {n}"

    @app.route("/jsonify/<int:n>")
    def jsonify_view(n):
        return ns.jsonify(id=n, name=f"item {n}", tags=["a", "b"], price=n / 100)

    @app.route("/session/<int:n>")
    def session_view(n):
        ns.session["count"] = ns.session.get("count", 0) + 1
        ns.session["last"] = n
        return f"count {ns.session['count']}"

    @app.route("/session-untouched/<int:n>")
    def untouched(n):
        return f"untouched {n}"

    @app.route("/template/<int:n>")
    def template_view(n):
        item = {"id": n, "name": f"item <{n}>", "tags": ["a", "b & c", "d"], "price": n / 100}
        return ns.render_template("bench_item.html", item=item)

    return app


def session_cookie(app):
    """A cookie the app itself wrote (both frameworks write the same)."""
    client = app.test_client()
    client.get("/session/0")
    return client.get_cookie("session").value


def requester(app, cookie):
    """``request(path) -> body``: ``bench_app``'s server request, with the
    session cookie where ``cookie`` is given."""
    request = bench_app.requester(app, extra={"HTTP_COOKIE": f"session={cookie}"} if cookie else None)
    return functools.partial(request, b"GET")


def sample(request, paths):
    """us per request over ``paths``, the garbage collector on (as in service)."""
    gc.collect()
    gc.enable()
    try:
        t0 = time.perf_counter_ns()
        deque(map(request, paths), maxlen=0)
        return (time.perf_counter_ns() - t0) / len(paths) / 1000
    finally:
        gc.disable()


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--rounds", type=int, default=11)
    p.add_argument("--requests", type=int, default=2000)
    p.add_argument("--json", help="write the figures here")
    a = p.parse_args(argv)

    import flask

    import fastdispatch

    apps = {"Flask": build(flask), "fastdispatch": build(fastdispatch)}
    cookie = session_cookie(apps["Flask"])
    paths = {f: [f"/{f}/{i}".encode() for i in random.Random(1).sample(range(10**6), a.requests)] for f in FEATURES}
    requests = {(name, f): requester(app, cookie if f.startswith("session") else None) for name, app in apps.items() for f in FEATURES}
    for f in FEATURES:  # the same answers, or no run
        bodies = {name: [requests[name, f](x) for x in paths[f][:20]] for name in apps}
        assert bodies["Flask"] == bodies["fastdispatch"], f
        for name in apps:
            sample(requests[name, f], paths[f])  # warm-up
    rng = random.Random(7)
    rows = []
    gc.disable()
    for _ in range(a.rounds):
        order = list(requests)
        rng.shuffle(order)
        rows.append({key: sample(requests[key], paths[key[1]]) for key in order})
    out = {}
    print(f"{'feature':<20} {'fastdispatch us':>16} {'Flask us':>10} {'x faster (median, range)':>28}")
    for f in FEATURES:
        ratios = [row[("Flask", f)] / row[("fastdispatch", f)] for row in rows]
        fd = statistics.median(row[("fastdispatch", f)] for row in rows)
        fl = statistics.median(row[("Flask", f)] for row in rows)
        out[f] = {"fastdispatch_us": fd, "flask_us": fl, "x": statistics.median(ratios), "min": min(ratios), "max": max(ratios)}
        print(f"{f:<20} {fd:>16.2f} {fl:>10.2f} {out[f]['x']:>14.1f} ({min(ratios):.1f}-{max(ratios):.1f})")
    if a.json:
        Path(a.json).write_text(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
