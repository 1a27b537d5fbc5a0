#!/usr/bin/env python
"""An app built on Flask extensions, on Flask and on fastdispatch (through
``fastdispatch.compat``), in process, interleaved, one run.

    python bench/bench_extensions.py [--rounds N] [--requests N] [--json PATH]

The app: Flask-CORS on every route (``CORS(app)``: its after-request hook
runs for each request) and Flask-SQLAlchemy on sqlite in memory, its view
making one query per request (an item by primary key, the id varying over
100 rows) and answering its JSON; each request sends an ``Origin``, so every
answer carries the CORS headers.  ``cors``: the same app's str view, no
query.  The extensions are the same code on both sides: each framework's
copy of them is imported in its own world (``tests/extensions/worlds.py``),
and each sample runs inside its world.

Each round samples every (framework, request) pair once in a shuffled order;
the figure is the median over rounds of Flask's time per request divided by
fastdispatch's in the same round ("x faster"), with the range across rounds.
"""

from __future__ import annotations

import argparse
import functools
import json
import random
import statistics
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

import bench_app  # noqa: E402
from bench_features import sample  # noqa: E402

from tests.extensions.worlds import world  # noqa: E402

KINDS = ("Flask", "fastdispatch")
FEATURES = ("sqlalchemy+cors", "cors")


def build(w, App):  # noqa: N803 (the framework's class)
    app = App(__name__)
    app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite://"
    db = w.flask_sqlalchemy.SQLAlchemy(app)
    w.flask_cors.CORS(app)

    class Item(db.Model):
        id = db.Column(db.Integer, primary_key=True)
        name = db.Column(db.String(80), nullable=False)
        price = db.Column(db.Integer, nullable=False)

    with app.app_context():
        db.create_all()
        db.session.add_all([Item(id=i, name=f"item {i}", price=i * 3) for i in range(1, 101)])
        db.session.commit()

    @app.route("/items/<int:n>")
    def item(n):
        row = db.session.get(Item, n % 100 + 1)
        return {"id": row.id, "name": row.name, "price": row.price, "asked": n}

    @app.route("/cors/<int:n>")
    def cors(n):
        return f"cors {n}"

    return app


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--rounds", type=int, default=11)
    p.add_argument("--requests", type=int, default=1000)
    p.add_argument("--json", help="write the figures here")
    a = p.parse_args(argv)

    apps, requests = {}, {}
    for kind in KINDS:
        with world(kind.lower()) as w:
            import fastdispatch

            apps[kind] = build(w, w.flask.Flask if kind == "Flask" else fastdispatch.App)
            request = bench_app.requester(apps[kind], extra={"HTTP_ORIGIN": "https://app.example.com"})
            for f in FEATURES:
                requests[kind, f] = functools.partial(request, b"GET")
    ids = random.Random(1).sample(range(10**6), a.requests)
    paths = {"sqlalchemy+cors": [f"/items/{i}".encode() for i in ids], "cors": [f"/cors/{i}".encode() for i in ids]}

    def timed(key):
        with world(key[0].lower()):
            return sample(requests[key], paths[key[1]])

    for f in FEATURES:  # the same answers, or no run
        bodies = {}
        for kind in KINDS:
            with world(kind.lower()):
                bodies[kind] = [requests[kind, f](x) for x in paths[f][:20]]
        assert bodies["Flask"] == bodies["fastdispatch"], f
        for kind in KINDS:
            timed((kind, f))  # warm-up
    rng = random.Random(7)
    rows = []
    for _ in range(a.rounds):
        order = list(requests)
        rng.shuffle(order)
        rows.append({key: timed(key) for key in order})
    out = {}
    print(f"{'request':<20} {'fastdispatch us':>16} {'Flask us':>10} {'x faster (median, range)':>28}")
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
