#!/usr/bin/env python
"""WSGI benchmark: full in-process requests, fastdispatch against its peers, one run.

    python bench/bench_app.py [--quick] [--rounds N] [--environ server|pep3333] [--json PATH] [--gc-off]

The GitHub API app (203 routes, ``apps.py``) is built on fastdispatch with
its compiled router, fastdispatch with the pure-Python router, Flask, Falcon
and Bottle, plus a bare WSGI callable (a dict of the concrete paths) as the
floor, all in this one process.  A request is what a WSGI server does
in-process, minus the socket: decode the method and path from the request
line's bytes (a new str per request, as PEP 3333's latin-1), build a fresh
environ dict (``--environ server``, the default: the keys gunicorn's sync
worker sets for a bodiless GET carrying three headers; ``pep3333``: only the
keys PEP 3333 requires), call ``app(environ, start_response)``, join the
body and call its ``close()``.  Every framework goes through the same code
for that (``requester``), so the floor's time is the harness's share of
every row.

The requests are thousands of distinct paths over every route of the table
(ids vary per request, as in real traffic: ``workload.cases``), shuffled.
Each view builds its text from the path's params (``apps.py``: the same
f-string for every framework).  Before timing, every app must answer every
request with 200 and the body the route's view makes from the path's
params, or the run stops.

Timing is interleaved: ``--rounds`` rounds (default 15), each round one
sample of every framework in a freshly shuffled order, so a slow spell of
the shared machine lands on one round's frameworks alike and cancels out of
that round's ratios.  Each round gives every framework's time per request
divided by Falcon's and by the floor's of the same round; the figures
reported are the medians of those per-round ratios, with their minimum and
maximum across rounds, and the targets are checked on the median.  (The
ratio of minimum times, this script's measure before, takes each
framework's luckiest sample from a different moment of the machine.)  The
garbage collector stays on while timing, as in service (Flask leaves
reference cycles behind per request; collecting them is part of its cost),
and a collection before each sample keeps one framework's garbage out of
the next one's time; ``--gc-off`` times with it off, as ``timeit`` does.
The target checks are informational: PASS or MISS, never a failed run.
"""

from __future__ import annotations

import argparse
import gc
import io
import json
import os
import platform
import random
import statistics
import sys
import time
from collections import deque
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
try:
    import fastdispatch  # noqa: F401
except ImportError:  # run from a checkout that is not installed
    sys.path.insert(0, str(HERE.parent))

import apps  # noqa: E402
import workload  # noqa: E402

MODES = {
    # per_route: distinct paths per GitHub route (x 203 routes).
    # sample_ms: timed passes per sample fill at least this long.
    "normal": dict(per_route=25, rounds=15, sample_ms=120),
    "quick": dict(per_route=8, rounds=15, sample_ms=40),
}
WARM_REQUESTS = 500  # untimed before each sample: the code and tables back in the CPU caches
SEED = 20261202  # the rounds' orders: fixed, so two runs shuffle alike
PACKAGES = ("fastdispatch", "flask", "werkzeug", "falcon", "bottle")
# The issue's measurements (us/request, 2-core box), for scale.
ISSUE_US = {apps.FLASK: 45.0, apps.BOTTLE: 9.1, apps.FALCON: 3.6, apps.FLOOR: 0.65}
TARGETS = (  # (label, framework, limit as a multiple of Falcon's time, median of per-round ratios)
    ("fastdispatch (compiled router) <= 0.4x Falcon", apps.COMPILED, 0.4),
    ("fastdispatch (pure router) <= 0.8x Falcon", apps.PURE, 0.8),
)
ENVIRONS = ("server", "pep3333")


# -- one request ----------------------------------------------------------------

_INPUT = io.BytesIO(b"")  # every request is bodiless; no framework reads it
_ERRORS = sys.stderr


def _write(data):
    pass


def _start_response(status, headers, exc_info=None):
    return _write


def requester(app, start_response=_start_response, environ="server", extra=None):
    """``request(method, path) -> body``: one request as an in-process server makes it.

    ``method`` and ``path`` are the request line's bytes, decoded per
    request (a server hands each request new str objects, whose hashes no
    dict lookup has cached yet).  The environ is a fresh dict per request:
    ``"server"``, what gunicorn's sync worker puts in one for a bodiless
    ``GET`` with ``Host``, ``User-Agent`` and ``Accept`` headers;
    ``"pep3333"``, only the keys PEP 3333 requires.  The body is joined and
    the iterable closed, as a server must.  ``extra``: more environ keys
    (a ``Cookie`` header, say) for every request of the ``"server"`` kind.
    """
    if environ not in ENVIRONS:
        raise ValueError(f"environ must be one of {ENVIRONS}, not {environ!r}")
    inp, err = _INPUT, _ERRORS

    if environ == "pep3333":
        def request(method, path):
            result = app({
                "REQUEST_METHOD": method.decode("latin-1"),
                "PATH_INFO": path.decode("latin-1"),
                "QUERY_STRING": "",
                "SERVER_NAME": "localhost",
                "SERVER_PORT": "80",
                "SERVER_PROTOCOL": "HTTP/1.1",
                "HTTP_HOST": "localhost",
                "wsgi.version": (1, 0),
                "wsgi.url_scheme": "http",
                "wsgi.input": inp,
                "wsgi.errors": err,
                "wsgi.multithread": False,
                "wsgi.multiprocess": False,
                "wsgi.run_once": False,
            }, start_response)
            try:
                return b"".join(result)
            finally:
                close = getattr(result, "close", None)
                if close is not None:
                    close()

        return request

    extra = extra or {}

    def request(method, path):
        path = path.decode("latin-1")
        result = app({**extra,
            # gunicorn 23's sync worker (gunicorn/http/wsgi.py: default_environ, then create),
            # its order; wsgi.file_wrapper and gunicorn.socket are objects there
            "wsgi.errors": err,
            "wsgi.version": (1, 0),
            "wsgi.multithread": False,
            "wsgi.multiprocess": False,
            "wsgi.run_once": False,
            "wsgi.file_wrapper": None,
            "wsgi.input_terminated": True,
            "SERVER_SOFTWARE": "gunicorn/23.0.0",
            "wsgi.input": inp,
            "gunicorn.socket": None,
            "REQUEST_METHOD": method.decode("latin-1"),
            "QUERY_STRING": "",
            "RAW_URI": path,
            "SERVER_PROTOCOL": "HTTP/1.1",
            "HTTP_HOST": "localhost:8000",
            "HTTP_USER_AGENT": "wrk",
            "HTTP_ACCEPT": "*/*",
            "wsgi.url_scheme": "http",
            "REMOTE_ADDR": "127.0.0.1",
            "REMOTE_PORT": "51234",
            "SERVER_NAME": "localhost",
            "SERVER_PORT": "8000",
            "PATH_INFO": path,
            "SCRIPT_NAME": "",
        }, start_response)
        try:
            return b"".join(result)
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()

    return request


def expected(routes, cases):
    """The body each case must get: its route's view applied to its params."""
    index = apps.endpoints(routes)
    return [apps.body_text(index[endpoint], params).encode() for _, _, endpoint, params in cases]


def verify(name, app, cases, bodies, environ="server"):
    """Every request answered 200 with its route's body, or AssertionError.

    Returns the first response's headers (for the record)."""
    calls = []

    def start_response(status, headers, exc_info=None):
        calls.append((status, headers))
        return _write

    request = requester(app, start_response, environ)
    wrong, first_headers = [], None
    for (method, path, endpoint, _), body in zip(cases, bodies):
        calls.clear()
        try:
            got = request(method.encode("latin-1"), path.encode("latin-1"))
            status = calls[0][0] if len(calls) == 1 else f"start_response called {len(calls)} times"
        except Exception as e:
            got, status = None, f"{type(e).__name__}: {e}"
        if status != "200 OK" or got != body:
            wrong.append(f"  {method} {path} ({endpoint}): expected 200 OK {body!r}, got {status} {got!r:.100}")
        elif first_headers is None:
            first_headers = calls[0][1]
    if wrong:
        head = f"{name} answered {len(wrong)} of {len(cases)} requests wrongly:"
        raise AssertionError("\n".join([head] + wrong[:10]))
    return [list(h) for h in first_headers]


# -- timing -----------------------------------------------------------------------


class Timer:
    """us per request over ``cases``, a sample at a time.

    The requests go in as bytes and the requester decodes them inside the
    clock, so every request gets new str objects, as from a server.
    ``deque(map(...), maxlen=0)`` drives the requests from C.
    """

    def __init__(self, app, cases, cfg):
        self.request = requester(app, environ=cfg["environ"])
        self.methods = workload.encoded(c[0] for c in cases)
        self.paths = workload.encoded(c[1] for c in cases)
        self.count = len(cases)
        self.gc = not cfg["gc_off"]
        # The first pass warms up and sizes a sample: enough passes to last sample_ms.
        self.one_pass()
        self.passes = max(1, -(-cfg["sample_ms"] * 1_000_000 // max(self.one_pass(), 1)))

    def one_pass(self, limit=None):
        methods, paths = self.methods[:limit], self.paths[:limit]
        consume = deque(maxlen=0).extend
        t0 = time.perf_counter_ns()
        consume(map(self.request, methods, paths))
        return time.perf_counter_ns() - t0

    def sample(self):
        """One sample's us per request."""
        # The frameworks sampled in between evicted this one's code and
        # tables from the CPU caches: some untimed requests first.
        self.one_pass(WARM_REQUESTS)
        gc.collect()  # the garbage left so far is not this sample's
        if self.gc:
            gc.enable()
        try:
            total = sum(self.one_pass() for _ in range(self.passes))
        finally:
            gc.disable()
        return total / (self.passes * self.count) / 1000


def measure(timers, rounds, seed=SEED):
    """[{name: us per request}, ...]: one dict per round, every timer sampled once per round.

    Each round takes the frameworks in a new shuffled order, so that none is
    always the one sampled after Flask (or first, or last).
    """
    rng = random.Random(seed)
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        out = []
        for _ in range(rounds):
            order = list(timers)
            rng.shuffle(order)
            out.append({name: timers[name].sample() for name in order})
    finally:
        if was_enabled:
            gc.enable()
    return out


def spread(values):
    """{"median", "min", "max"} of a list of per-round figures."""
    return {"median": statistics.median(values), "min": min(values), "max": max(values)}


def summarize(rows, names):
    """Per framework: its us per request and its per-round ratios, as medians with their range."""
    results = {}
    for name in names:
        us = [row[name] for row in rows]
        r = {"us": statistics.median(us), "min_us": min(us), "rounds_us": us}
        if apps.FALCON in names:
            r["x_falcon"] = spread([row[name] / row[apps.FALCON] for row in rows])
        if apps.FLOOR in names:
            r["x_floor"] = spread([row[name] / row[apps.FLOOR] for row in rows])
            if apps.FALCON in names and name not in (apps.FLOOR, apps.FALCON):
                # without the harness's share: (t - floor) / (Falcon - floor), per round
                r["net_x_falcon"] = spread([(row[name] - row[apps.FLOOR]) / (row[apps.FALCON] - row[apps.FLOOR])
                                            for row in rows])
        results[name] = r
    return results


def bench(cfg):
    routes = workload.github_routes()
    cases = workload.cases(routes, cfg["per_route"])
    bodies = expected(routes, cases)
    print(f"GitHub table: {len(routes)} routes; {len(cases):,} distinct requests "
          f"({cfg['per_route']} per route, shuffled); environ: {cfg['environ']}")
    built = apps.build_all(routes, cases)
    headers = {name: verify(name, app, cases, bodies, cfg["environ"]) for name, app in built.items()}
    print(f"  built and checked (200 and the route's body for every request): {', '.join(built)}")
    timers = {name: Timer(app, cases, cfg) for name, app in built.items()}
    print(f"  timing: {cfg['rounds']} rounds, every framework once per round in a shuffled order,"
          f" ~{cfg['sample_ms']} ms a sample")
    rows = measure(timers, cfg["rounds"])
    results = summarize(rows, list(built))
    for name, r in results.items():
        r.update(passes_per_sample=timers[name].passes, requests=len(cases), first_response_headers=headers[name])
    return results


# -- report -----------------------------------------------------------------------


def fmt(x, spec):
    return "-" if x is None else format(x, spec)


def fmt_spread(s, spec=".3f"):
    if s is None:
        return "-"
    return f"{s['median']:{spec}} ({s['min']:{spec}}-{s['max']:{spec}})"


def checks(results):
    """The issue's targets, as (label, median of the per-round ratios or None, limit)."""
    out = []
    for label, name, limit in TARGETS:
        x = results.get(name, {}).get("x_falcon")
        out.append((label, None if x is None else x["median"], limit))
    return out


def report(results):
    print()
    print(f"{'framework':<21}{'us/req':>8}{'x Falcon (min-max)':>24}{'x floor (min-max)':>25}"
          f"{'net x Falcon (min-max)':>26}{'issue box':>11}")
    for name, row in results.items():
        print(f"{name:<21}{row['us']:>8.2f}{fmt_spread(row.get('x_falcon')):>24}"
              f"{fmt_spread(row.get('x_floor'), '.2f'):>25}{fmt_spread(row.get('net_x_falcon')):>26}"
              f"{fmt(ISSUE_US.get(name), '.2f'):>11}")
    print("us/req: median over rounds.  x Falcon, x floor: the median over rounds of each round's own ratio"
          " (its min-max across rounds).")
    print("net x Falcon: (framework - floor) / (Falcon - floor) per round, i.e. without the harness's share"
          " (environ dict, start_response, join).")
    print("issue box: the issue's figures (us) from its 2-core machine, for scale.")
    flask = results.get(apps.FLASK)
    for name in (apps.COMPILED, apps.PURE):
        if name in results and flask is not None:
            x = statistics.median(a / b for a, b in zip(results[name]["rounds_us"], flask["rounds_us"]))
            print(f"{name} against Flask: {x:.4f}x ({1 / x:.1f} times as fast), median of rounds")
    print()
    result = checks(results)
    for label, measured, limit in result:
        if measured is None:
            print(f"n/a   {label}: not measured (a framework in it is missing)")
        else:
            print(f"{'PASS' if measured <= limit else 'MISS'}  {label}: median of rounds {measured:.3f}x")
    return result


def environment(cfg):
    versions = workload.package_versions(PACKAGES)
    try:
        import falcon.app

        # Falcon's wheels compile only falcon.cyutil; built from source with
        # Cython present its app and request modules are compiled too, and it
        # runs markedly faster.  Worth knowing.
        falcon_compiled = not falcon.app.__file__.endswith(".py")
    except ImportError:
        falcon_compiled = None
    return {"settings": cfg, "python": sys.version.split()[0], "implementation": platform.python_implementation(),
            "platform": platform.platform(), "cpus": os.cpu_count(), "versions": versions,
            "falcon_compiled": falcon_compiled, "time": time.strftime("%Y-%m-%dT%H:%M:%S%z")}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer requests, shorter samples (~10 s)")
    parser.add_argument("--rounds", type=int, metavar="N", help="interleaved rounds (default 15)")
    parser.add_argument("--environ", choices=ENVIRONS, default="server",
                        help="the environ built per request: a server's (default) or PEP 3333's minimum")
    parser.add_argument("--json", metavar="PATH", help="also write the results as JSON")
    parser.add_argument("--gc-off", action="store_true", help="time with the garbage collector off, as timeit does")
    args = parser.parse_args(argv)
    mode = "quick" if args.quick else "normal"
    cfg = dict(MODES[mode], mode=mode, gc_off=args.gc_off, warm_requests=WARM_REQUESTS, environ=args.environ,
               seed=SEED)
    if args.rounds is not None:
        if args.rounds < 1:
            parser.error("--rounds must be at least 1")
        cfg["rounds"] = args.rounds
    env = environment(cfg)
    print(f"fastdispatch WSGI benchmark ({mode}{', gc off' if args.gc_off else ''}): "
          f"{env['implementation']} {env['python']} on {env['platform']}")
    print("  " + ", ".join(f"{k} {v}" for k, v in env["versions"].items() if v)
          + {True: " (Falcon Cython-compiled)", False: " (Falcon pure Python)"}.get(env["falcon_compiled"], "")
          + f"; {env['cpus']} CPUs")
    started = time.perf_counter()
    results = bench(cfg)
    result = report(results)
    print(f"\n({time.perf_counter() - started:.0f} s)")
    if args.json:
        doc = {"environment": env, "results": results,
               "checks": [{"target": label, "measured": m, "limit": lim, "pass": None if m is None else m <= lim,
                           "statistic": "median of per-round ratios"}
                          for label, m, lim in result]}
        Path(args.json).write_text(json.dumps(doc, indent=2) + "\n")
        print(f"results written to {args.json}")


if __name__ == "__main__":
    main()
