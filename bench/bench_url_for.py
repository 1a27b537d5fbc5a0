#!/usr/bin/env python
"""``url_for`` against Flask's, in process, interleaved: ns per call.

    python bench/bench_url_for.py [--rounds N] [--calls N] [--json PATH]

The GitHub API table (203 rules) on Flask and on fastdispatch (compiled
router), each in a request context of its own app, as a view or a template
calls ``url_for``.  The calls build distinct URLs: every rule's endpoint with
values that vary per call (``owner17``, ...), plus, for one call in four, an
extra value that goes to the query string.  Each round times both
frameworks over the same calls, in a shuffled order; the figure is the
median over rounds of Flask's ns per call divided by fastdispatch's in the
same round ("x faster"), with the range.
"""

from __future__ import annotations

import argparse
import gc
import json
import random
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from apps import build_fastdispatch, build_flask, endpoints  # noqa: E402
from workload import cases, github_routes  # noqa: E402


def calls(routes, count):
    """(endpoint, values) for ``count`` distinct URLs over ``routes``."""
    index = endpoints(routes)
    out = []
    for i, (_, _, name, params) in enumerate(cases(routes, -(-count // len(routes)))[:count]):
        values = dict(params)
        if i % 4 == 0:
            values["page"] = i
        out.append((f"r{index[name]}", values))
    return out


def sample(url_for, todo):
    """ns per call over ``todo``, the garbage collector on (as in service)."""
    gc.collect()
    gc.enable()
    try:
        t0 = time.perf_counter_ns()
        for endpoint, values in todo:
            url_for(endpoint, **values)
        return (time.perf_counter_ns() - t0) / len(todo)
    finally:
        gc.disable()


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--rounds", type=int, default=11)
    p.add_argument("--calls", type=int, default=4000)
    p.add_argument("--json", help="write the figures here")
    a = p.parse_args(argv)

    import flask

    import fastdispatch

    routes = github_routes()
    frameworks = {"Flask": (build_flask(routes), flask.url_for), "fastdispatch": (build_fastdispatch(routes), fastdispatch.url_for)}
    todo = calls(routes, a.calls)
    contexts = {}
    for name, (app, url_for) in frameworks.items():
        contexts[name] = ctx = app.test_request_context("/")
        ctx.push()
    try:
        urls = {name: [url_for(e, **v) for e, v in todo] for name, (_, url_for) in frameworks.items()}
        assert urls["Flask"] == urls["fastdispatch"], "the frameworks build different URLs"
        rng = random.Random(7)
        rows = []
        gc.disable()
        for _ in range(a.rounds):
            order = list(frameworks)
            rng.shuffle(order)
            # (each framework's url_for reads its own context var: both pushed)
            rows.append({name: sample(frameworks[name][1], todo) for name in order})
    finally:
        gc.enable()
        for ctx in reversed(list(contexts.values())):
            ctx.pop()
    ratios = [row["Flask"] / row["fastdispatch"] for row in rows]
    out = {
        "fastdispatch_ns": statistics.median(row["fastdispatch"] for row in rows),
        "flask_ns": statistics.median(row["Flask"] for row in rows),
        "x": statistics.median(ratios),
        "min": min(ratios),
        "max": max(ratios),
    }
    print(f"url_for, {len(todo)} distinct URLs over {len(routes)} rules: fastdispatch {out['fastdispatch_ns']:.0f} ns,"
          f" Flask {out['flask_ns']:.0f} ns per call: {out['x']:.1f}x ({out['min']:.1f}-{out['max']:.1f})")
    if a.json:
        Path(a.json).write_text(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
