#!/usr/bin/env python
"""Why two in-process measures disagree: one factor of the WSGI benchmark at a time.

    python bench/factors.py [--rounds 15] [--sample-ms 60] FACTOR...

Every run builds fastdispatch (compiled and pure), Falcon and the bare floor
in one process and times them in ``--rounds`` rounds, each framework once
per round (order shuffled unless the factor says otherwise).  A factor
changes one thing from the baseline below; each run prints, for compiled and
pure against Falcon, the median of the per-round ratios (with min-max), the
ratio of the minimum times and the ratio of the median times, so the
statistic's share can be read off any run.

Baseline: all 203 routes, 8 paths per route, views building their text from
the URL values, fresh environ dict and fresh path strings per request, 500
warm-up requests before each sample, a gc.collect() before each sample and
the collector on while timing, shuffled order, ~``--sample-ms`` per sample.

Findings on the shared 2-core box (2026-12-02, 15 rounds each; medians move
by about +-0.02 between runs of the same factor): the statistic (median of
per-round ratios, ratio of minimums, ratio of medians), the order (fixed,
reversed, shuffled), warm-up, GC (collected, off, on without collecting),
sample length (one pass, 60 ms, 300 ms), reused path strings, constant
views, routes per table and the other frameworks in the process each move
compiled/Falcon by no more than that noise from 0.34-0.35.  What moves it is
the harness's share: a reused environ 0.30; a server's environ (gunicorn's
keys, method and path decoded per request) 0.44-0.48 (pure 0.66-0.77);
views returning dicts (JSON) 0.75.  ``profile_request.py --ir`` gives the
same split in instructions, without the noise.
"""

from __future__ import annotations

import argparse
import gc
import json
import random
import statistics
import sys
import time
from collections import deque
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import apps  # noqa: E402
import bench_app  # noqa: E402
import workload  # noqa: E402

NAMES = [apps.COMPILED, apps.PURE, apps.FALCON, apps.FLOOR]


def env_for(method, path):
    return {
        "REQUEST_METHOD": method, "PATH_INFO": path, "QUERY_STRING": "", "SERVER_NAME": "localhost",
        "SERVER_PORT": "80", "SERVER_PROTOCOL": "HTTP/1.1", "HTTP_HOST": "localhost", "wsgi.version": (1, 0),
        "wsgi.url_scheme": "http", "wsgi.input": bench_app._INPUT, "wsgi.errors": bench_app._ERRORS,
        "wsgi.multithread": False, "wsgi.multiprocess": False, "wsgi.run_once": False,
    }


def reused_requester(app, sr=bench_app._start_response):
    def request(environ):
        result = app(environ, sr)
        try:
            return b"".join(result)
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()
    return request


def server_requester(app, sr=bench_app._start_response, decode=True, keys="server"):
    """A gunicorn-sync-like environ (its keys and a few headers), method and path decoded per request."""
    inp, err = bench_app._INPUT, bench_app._ERRORS
    if keys == "bench":
        inner = bench_app.requester(app, sr)
        if not decode:
            return inner
        return lambda m, p: inner(m.decode("latin-1"), p.decode("latin-1"))

    def request(method_b, path_b):
        path = path_b.decode("latin-1") if decode else path_b
        result = app({
            "wsgi.errors": err, "wsgi.version": (1, 0), "wsgi.multithread": False, "wsgi.multiprocess": False,
            "wsgi.run_once": False, "wsgi.file_wrapper": None, "wsgi.input_terminated": True,
            "SERVER_SOFTWARE": "gunicorn/23.0.0", "wsgi.input": inp, "gunicorn.socket": None,
            "REQUEST_METHOD": method_b.decode("latin-1") if decode else method_b, "QUERY_STRING": "", "RAW_URI": path,
            "SERVER_PROTOCOL": "HTTP/1.1", "HTTP_HOST": "localhost:8000", "HTTP_USER_AGENT": "wrk",
            "HTTP_ACCEPT": "*/*", "wsgi.url_scheme": "http", "REMOTE_ADDR": "127.0.0.1", "REMOTE_PORT": "51234",
            "SERVER_NAME": "localhost", "SERVER_PORT": "8000", "PATH_INFO": path, "SCRIPT_NAME": "",
        }, sr)
        try:
            return b"".join(result)
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()
    return request


def set_views(kind):
    """Monkeypatch apps' view source: 'params' (default), 'const' or 'json'."""
    orig = apps._template.__wrapped__ if hasattr(apps._template, "__wrapped__") else apps._template
    if kind == "params":
        apps._template = orig
        apps.make_view.__globals__["_template"] = orig
        return
    if kind == "const":
        def tpl(index, names):
            return repr(f"r{index}")
    elif kind == "json":
        # fastdispatch: a dict (jsonified); Falcon: resp.media (make_responder assigns resp.text, patched below)
        def tpl(index, names):
            return "{%s}" % ", ".join([f'"route": {index}'] + [f'"{n}": {n}' for n in names])
    tpl.__wrapped__ = orig
    apps._template = tpl


def make_responder_json(index, method, rule):
    names = apps.param_names(rule)
    func = f"on_{method.lower()}"
    src = (f"def {func}(self, req, resp{''.join(', ' + n for n in names)}):\n"
           f"    resp.media = {apps._template(index, names)}\n")
    return apps._define(src, func, index)


class Runner:
    def __init__(self, name, app, cases, opt):
        self.name, self.opt = name, opt
        self.methods_raw = workload.encoded(c[0] for c in cases)
        self.paths_raw = workload.encoded(c[1] for c in cases)
        if opt.harness == "server":
            self.request = server_requester(app)
        elif opt.harness == "server-predecoded":
            self.request = server_requester(app, decode=False)
        elif opt.harness == "decode-only":
            self.request = server_requester(app, keys="bench")
        elif opt.environ == "reused":
            self.request = reused_requester(app)
            self.envs = [env_for(m, p) for m, p in zip(workload.fresh(self.methods_raw), workload.fresh(self.paths_raw))]
        else:
            self.request = bench_app.requester(app)
            self.reused_cols = (workload.fresh(self.methods_raw), workload.fresh(self.paths_raw))
        self.count = len(cases)
        self.one_pass()
        if opt.sample_ms:
            self.passes = max(1, -(-opt.sample_ms * 1_000_000 // max(self.one_pass(), 1)))
        else:
            self.passes = 1

    def one_pass(self, limit=None):
        consume = deque(maxlen=0).extend
        if self.opt.environ == "reused":
            envs = self.envs[:limit]
            t0 = time.perf_counter_ns()
            consume(map(self.request, envs))
            return time.perf_counter_ns() - t0
        if self.opt.harness in ("server", "decode-only"):  # raw bytes in, decoded per request inside the clock
            t0 = time.perf_counter_ns()
            consume(map(self.request, self.methods_raw[:limit], self.paths_raw[:limit]))
            return time.perf_counter_ns() - t0
        if self.opt.harness == "server-predecoded":
            methods, paths = workload.fresh(self.methods_raw[:limit]), workload.fresh(self.paths_raw[:limit])
            t0 = time.perf_counter_ns()
            consume(map(self.request, methods, paths))
            return time.perf_counter_ns() - t0
        if self.opt.harness == "loop":
            methods, paths = workload.fresh(self.methods_raw[:limit]), workload.fresh(self.paths_raw[:limit])
            request = self.request
            t0 = time.perf_counter_ns()
            for m, pth in zip(methods, paths):
                request(m, pth)
            return time.perf_counter_ns() - t0
        if self.opt.paths == "reused":
            methods, paths = (c[:limit] for c in self.reused_cols)
        else:
            methods, paths = workload.fresh(self.methods_raw[:limit]), workload.fresh(self.paths_raw[:limit])
        t0 = time.perf_counter_ns()
        consume(map(self.request, methods, paths))
        return time.perf_counter_ns() - t0

    def sample(self):
        opt = self.opt
        if opt.warm:
            self.one_pass(opt.warm)
        if opt.gc in ("collect-on", "collect-off"):
            gc.collect()
        if opt.gc in ("collect-on", "on"):
            gc.enable()
        try:
            total = sum(self.one_pass() for _ in range(self.passes))
        finally:
            gc.disable()
        return total / (self.passes * self.count) / 1000


def run(opt):
    set_views(opt.views)
    routes = workload.github_routes()
    cases = workload.cases(routes, opt.per_route)
    if opt.routes == "static":
        cases = [c for c in cases if not c[3]]
    elif opt.routes == "dynamic":
        cases = [c for c in cases if c[3]]
    elif opt.routes.startswith("params="):
        k = int(opt.routes.split("=")[1])
        cases = [c for c in cases if len(c[3]) == k]
    names = list(NAMES) + (opt.extra or [])
    if opt.views == "json":  # Falcon serializes resp.media with its JSON handler
        saved = apps.make_responder, apps.TEXT_HTML
        apps.make_responder, apps.TEXT_HTML = make_responder_json, "application/json"
    built = apps.build_all(routes, cases, names)
    if opt.views == "json":
        apps.make_responder, apps.TEXT_HTML = saved
        for n, a in built.items():  # status only: the bodies differ in spacing
            st = []
            req = bench_app.requester(a, lambda s, h, e=None: st.append(s))
            for m, path, _, _ in cases[:50]:
                req(m, path)
            assert set(st) == {"200 OK"}, (n, set(st))
    if opt.views == "params":
        bodies = bench_app.expected(routes, cases)
        for n, a in built.items():
            bench_app.verify(n, a, cases, bodies)
    was = gc.isenabled()
    gc.disable()
    runners = {n: Runner(n, a, cases, opt) for n, a in built.items()}
    rng = random.Random(opt.seed)
    rows = []
    for _ in range(opt.rounds):
        order = list(runners)
        if opt.order == "shuffled":
            rng.shuffle(order)
        elif opt.order == "reversed":
            order.reverse()
        rows.append({n: runners[n].sample() for n in order})
    if was:
        gc.enable()
    out = {"requests": len(cases)}
    f = [r[apps.FALCON] for r in rows]
    for n in (apps.COMPILED, apps.PURE, apps.FLOOR):
        ratios = [r[n] / r[apps.FALCON] for r in rows]
        ts = [r[n] for r in rows]
        out[n] = {"median_ratio": statistics.median(ratios), "lo": min(ratios), "hi": max(ratios),
                  "ratio_of_mins": min(ts) / min(f), "ratio_of_medians": statistics.median(ts) / statistics.median(f),
                  "min_us": min(ts)}
    out["falcon_min_us"] = min(f)
    return out


FACTORS = {  # name: overrides of the baseline
    "baseline": {},
    "fixed-order": {"order": "fixed"},
    "reversed-order": {"order": "reversed"},
    "no-warm": {"warm": 0},
    "gc-off": {"gc": "collect-off"},
    "gc-on-nocollect": {"gc": "on"},
    "one-pass-samples": {"sample_ms": 0},
    "long-samples": {"sample_ms": 300},
    "reused-paths": {"paths": "reused"},
    "reused-environ": {"environ": "reused"},
    "const-views": {"views": "const"},
    "json-views": {"views": "json"},
    "static-routes": {"routes": "static"},
    "dynamic-routes": {"routes": "dynamic"},
    "params=1": {"routes": "params=1"},
    "params=2": {"routes": "params=2"},
    "params=3": {"routes": "params=3"},
    "per-route-25": {"per_route": 25},
    "per-route-1": {"per_route": 1},
    "loop-harness": {"harness": "loop"},
    "server-harness": {"harness": "server"},
    "server-keys-only": {"harness": "server-predecoded"},
    "decode-only": {"harness": "decode-only"},
    "with-flask-bottle": {"extra": [apps.FLASK, apps.BOTTLE], "order": "fixed-all"},
}


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("factors", nargs="*", default=["baseline"])
    p.add_argument("--rounds", type=int, default=15)
    p.add_argument("--sample-ms", type=int, default=60)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--json", metavar="PATH")
    a = p.parse_args(argv)
    doc = {}
    for name in a.factors:
        base = dict(rounds=a.rounds, sample_ms=a.sample_ms, seed=a.seed, order="shuffled", warm=500,
                    gc="collect-on", paths="fresh", environ="fresh", views="params", routes="all", per_route=8, harness="map",
                    extra=None)
        base.update(FACTORS[name])
        if base["order"] == "fixed-all":  # the old bench: every framework, in table order
            base["order"] = "fixed"
        opt = argparse.Namespace(**base)
        t0 = time.perf_counter()
        r = run(opt)
        doc[name] = r
        line = f"{name:<18} n={r['requests']:<5} falcon {r['falcon_min_us']:5.2f}us"
        for n, tag in ((apps.COMPILED, "compiled"), (apps.PURE, "pure"), (apps.FLOOR, "floor")):
            x = r[n]
            line += (f" | {tag} med {x['median_ratio']:.3f} [{x['lo']:.3f}-{x['hi']:.3f}]"
                     f" mins {x['ratio_of_mins']:.3f} meds {x['ratio_of_medians']:.3f}")
        print(line + f" ({time.perf_counter() - t0:.0f}s)", flush=True)
    if a.json:
        Path(a.json).write_text(json.dumps(doc, indent=2))


if __name__ == "__main__":
    main()
