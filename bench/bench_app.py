#!/usr/bin/env python
"""WSGI benchmark: us per full request for fastdispatch and its peers, one run.

    python bench/bench_app.py [--quick] [--json PATH] [--gc-off]

The GitHub API app (203 routes, ``apps.py``) is built on fastdispatch with
its compiled router, fastdispatch with the pure-Python router, Flask, Falcon
and Bottle, plus a bare WSGI callable (a dict of the concrete paths) as the
floor.  A request is what a WSGI server does in-process, minus the socket:
build the environ dict, call ``app(environ, start_response)``, join the body
and call its ``close()``.  Every framework goes through the same code for
that (``requester``), so the floor's time is the harness's share of every row.

The requests are thousands of distinct paths over every route of the table
(ids vary per request, as in real traffic: ``workload.cases``), shuffled.
Before timing, every app must answer every one of them with 200 and the
body the route's view makes from the path's params, or the run stops.

Times are the minimum over repeats (noise only ever adds time), each repeat
sampling the frameworks in turn, every pass on fresh path strings as a
server makes them.  The garbage collector stays on while timing, as in
service (Flask leaves reference cycles behind per request; collecting them
is part of its cost), and a collection before each sample keeps one
framework's garbage out of the next one's time; ``--gc-off`` times with it
off, as ``timeit`` does.  The target checks at the end are informational:
they print PASS or MISS and never fail the run.
"""

from __future__ import annotations

import argparse
import gc
import io
import json
import os
import platform
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
    # sample_ms: timed passes per sample fill at least this long.  Many short
    # samples rather than a few long ones: on a shared machine the minimum
    # needs some samples that caught it quiet.
    "normal": dict(per_route=25, repeats=31, sample_ms=150),
    "quick": dict(per_route=8, repeats=13, sample_ms=50),
}
WARM_REQUESTS = 500  # untimed before each sample: the code and tables back in the CPU caches
PACKAGES = ("fastdispatch", "flask", "werkzeug", "falcon", "bottle")
# The issue's measurements (us/request, 2-core box), for scale.
ISSUE_US = {apps.FLASK: 45.0, apps.BOTTLE: 9.1, apps.FALCON: 3.6, apps.FLOOR: 0.65}
TARGETS = (  # (label, framework, limit as a multiple of Falcon's time)
    ("fastdispatch (compiled router) <= 0.4x Falcon", apps.COMPILED, 0.4),
    ("fastdispatch (pure router) <= 0.8x Falcon", apps.PURE, 0.8),
)


# -- one request ----------------------------------------------------------------

_INPUT = io.BytesIO(b"")  # every request is bodiless; no framework reads it
_ERRORS = sys.stderr


def _write(data):
    pass


def _start_response(status, headers, exc_info=None):
    return _write


def requester(app, start_response=_start_response):
    """``request(method, path) -> body``: one request as an in-process server makes it.

    The environ is a fresh dict per request, its keys the ones PEP 3333
    requires of a bodiless GET on a plain server; the body is joined and the
    iterable closed, as a server must.
    """
    def request(method, path):
        result = app({
            "REQUEST_METHOD": method,
            "PATH_INFO": path,
            "QUERY_STRING": "",
            "SERVER_NAME": "localhost",
            "SERVER_PORT": "80",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "HTTP_HOST": "localhost",
            "wsgi.version": (1, 0),
            "wsgi.url_scheme": "http",
            "wsgi.input": _INPUT,
            "wsgi.errors": _ERRORS,
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


def expected(routes, cases):
    """The body each case must get: its route's view applied to its params."""
    index = apps.endpoints(routes)
    return [apps.body_text(index[endpoint], params).encode() for _, _, endpoint, params in cases]


def verify(name, app, cases, bodies):
    """Every request answered 200 with its route's body, or AssertionError.

    Returns the first response's headers (for the record)."""
    calls = []

    def start_response(status, headers, exc_info=None):
        calls.append((status, headers))
        return _write

    request = requester(app, start_response)
    wrong, first_headers = [], None
    for (method, path, endpoint, _), body in zip(cases, bodies):
        calls.clear()
        try:
            got = request(method, path)
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

    Every pass sends fresh str objects for the method and path (made outside
    the clock): a server decodes new ones per request, and a str caches its
    hash, so reused strings would hand the routers' dict lookups a head start.
    ``deque(map(...), maxlen=0)`` drives the requests from C.
    """

    def __init__(self, app, cases, cfg):
        self.request = requester(app)
        self.raw = [workload.encoded(c[0] for c in cases), workload.encoded(c[1] for c in cases)]
        self.count = len(cases)
        self.samples = []
        self.gc = not cfg["gc_off"]
        # The first pass warms up and sizes a sample: enough passes to last sample_ms.
        self.passes = max(1, -(-cfg["sample_ms"] * 1_000_000 // max(self.one_pass(), 1)))

    def one_pass(self, limit=None):
        methods, paths = (workload.fresh(col[:limit]) for col in self.raw)
        consume = deque(maxlen=0).extend
        t0 = time.perf_counter_ns()
        consume(map(self.request, methods, paths))
        return time.perf_counter_ns() - t0

    def sample(self):
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
        self.samples.append(total / (self.passes * self.count) / 1000)


def measure(timers, repeats):
    """{name: (min, median)}, sampling every timer once per repeat, in turn.

    Interleaved so that a slow spell of the machine lands on all the
    frameworks alike rather than on whichever was being timed then.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        for _ in range(repeats):
            for timer in timers.values():
                timer.sample()
    finally:
        if was_enabled:
            gc.enable()
    return {name: (min(t.samples), statistics.median(t.samples)) for name, t in timers.items()}


def bench(cfg):
    routes = workload.github_routes()
    cases = workload.cases(routes, cfg["per_route"])
    bodies = expected(routes, cases)
    print(f"GitHub table: {len(routes)} routes; {len(cases):,} distinct requests "
          f"({cfg['per_route']} per route, shuffled)")
    built = apps.build_all(routes, cases)
    headers = {name: verify(name, app, cases, bodies) for name, app in built.items()}
    print(f"  built and checked (200 and the route's body for every request): {', '.join(built)}; timing")
    timers = {name: Timer(app, cases, cfg) for name, app in built.items()}
    measured = measure(timers, cfg["repeats"])
    results = {}
    for name, (low, median) in measured.items():
        results[name] = {"us": low, "median_us": median, "samples_us": timers[name].samples,
                         "passes_per_sample": timers[name].passes, "requests": len(cases),
                         "first_response_headers": headers[name]}
    return results


# -- report -----------------------------------------------------------------------


def ratio(a, b):
    return None if a is None or b is None else a / b


def fmt(x, spec):
    return "-" if x is None else format(x, spec)


def checks(results):
    """The issue's targets, as (label, measured ratio or None, limit)."""
    falcon = results.get(apps.FALCON, {}).get("us")
    return [(label, ratio(results.get(name, {}).get("us"), falcon), limit) for label, name, limit in TARGETS]


def report(results):
    def us(name):
        return results.get(name, {}).get("us")

    compiled, falcon, flask, floor = us(apps.COMPILED), us(apps.FALCON), us(apps.FLASK), us(apps.FLOOR)
    print()
    print(f"{'framework':<21}{'us/req':>8}{'median':>8}{'x fastdispatch':>16}{'x Falcon':>10}{'x Flask':>9}"
          f"{'- floor':>9}{'issue box':>11}")
    for name, row in results.items():
        t = row["us"]
        net = None if floor is None or name == apps.FLOOR else t - floor
        print(f"{name:<21}{t:>8.2f}{row['median_us']:>8.2f}{fmt(ratio(t, compiled), '.3f'):>16}"
              f"{fmt(ratio(t, falcon), '.3f'):>10}{fmt(ratio(t, flask), '.4f'):>9}{fmt(net, '.2f'):>9}"
              f"{fmt(ISSUE_US.get(name), '.2f'):>11}")
    print("us per request, min of repeats (median beside it); 'x' columns divide the row by that framework's min.")
    print("'- floor': minus the bare WSGI callable's time, i.e. without the harness's own share"
          " (environ dict, start_response, join).")
    print("issue box: the issue's figures from its 2-core machine, for scale.")
    if floor is not None and falcon is not None:
        for name in (apps.COMPILED, apps.PURE):
            if us(name) is not None:
                print(f"{name} over the floor against Falcon over the floor: "
                      f"{(us(name) - floor) / (falcon - floor):.3f}x")
    for name in (apps.COMPILED, apps.PURE):
        if us(name) is not None and flask is not None:
            print(f"{name} against Flask: {us(name) / flask:.4f}x ({flask / us(name):.1f} times as fast)")
    print()
    result = checks(results)
    for label, measured, limit in result:
        if measured is None:
            print(f"n/a   {label}: not measured (a framework in it is missing)")
        else:
            print(f"{'PASS' if measured <= limit else 'MISS'}  {label}: measured {measured:.3f}x")
    return result


def environment(cfg):
    versions = workload.package_versions(PACKAGES)
    try:
        import falcon.app

        # Falcon's wheels are pure Python; built from source with Cython present
        # its modules are compiled, and it runs markedly faster.  Worth knowing.
        falcon_compiled = not falcon.app.__file__.endswith(".py")
    except ImportError:
        falcon_compiled = None
    return {"settings": cfg, "python": sys.version.split()[0], "implementation": platform.python_implementation(),
            "platform": platform.platform(), "cpus": os.cpu_count(), "versions": versions,
            "falcon_compiled": falcon_compiled, "time": time.strftime("%Y-%m-%dT%H:%M:%S%z")}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer requests and repeats (~10 s)")
    parser.add_argument("--json", metavar="PATH", help="also write the results as JSON")
    parser.add_argument("--gc-off", action="store_true", help="time with the garbage collector off, as timeit does")
    args = parser.parse_args(argv)
    mode = "quick" if args.quick else "normal"
    cfg = dict(MODES[mode], mode=mode, gc_off=args.gc_off, warm_requests=WARM_REQUESTS)
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
               "checks": [{"target": label, "measured": m, "limit": lim, "pass": None if m is None else m <= lim}
                          for label, m, lim in result]}
        Path(args.json).write_text(json.dumps(doc, indent=2) + "\n")
        print(f"results written to {args.json}")


if __name__ == "__main__":
    main()
