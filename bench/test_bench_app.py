"""The WSGI benchmark under pytest-benchmark: ``pytest bench/test_bench_app.py --benchmark-only``.

The same apps, requests and request harness as ``bench_app.py``: the GitHub
API app on each framework, a full in-process WSGI request per call (environ
built, app called, body joined and closed).  One round sends a batch of
1,000 requests, so a round's time in milliseconds is the time per request in
microseconds.  Rounds cycle through 5,075 distinct paths (25 per route,
shuffled), sent as the request line's bytes, which the requester decodes per
request into new str objects, as a server does.  Every app is checked first
to answer every one of those requests with 200 and its route's body.

``test_json_and_report`` (not a benchmark) runs ``bench_app.py`` briefly and
checks that its JSON has the shape ``report.py`` reads, and that report.py
renders it.
"""

from __future__ import annotations

import itertools
import json
import statistics
from collections import deque

import pytest

import apps
import bench_app
import workload

BATCH = 1000
ROUNDS = 30  # fixed, as pedantic() needs: ~0.1 s for the fastest, a few s for Flask
ROUTES = workload.github_routes()
CASES = workload.cases(ROUTES, 25)  # 5,075 distinct requests
NAMES = [name for name, _ in apps.FRAMEWORKS]

_built = {}


@pytest.fixture
def app(request):
    """The framework's app, built once per session and checked on every request it will get."""
    name = request.param
    if name not in _built:
        if name not in apps.available():  # CompiledRouter not built, or a peer not installed
            pytest.skip(f"{name} is not available")
        built = apps.build(name, ROUTES, CASES)
        bench_app.verify(name, built, CASES, bench_app.expected(ROUTES, CASES))
        _built[name] = built
    return _built[name]


def batches(cases):
    """Whole batches of encoded (methods, paths) columns; a short tail is dropped."""
    chunks = [cases[i:i + BATCH] for i in range(0, len(cases) - BATCH + 1, BATCH)]
    return [(workload.encoded(c[0] for c in chunk), workload.encoded(c[1] for c in chunk)) for chunk in chunks]


@pytest.mark.parametrize("app", NAMES, indirect=True)
def test_github_requests(benchmark, app):
    cycle = itertools.cycle(batches(CASES))
    request = bench_app.requester(app)
    consume = deque(maxlen=0).extend  # drives the requests from C: no Python loop in the time

    def setup():
        methods, paths = next(cycle)
        return (methods, paths), {}

    def one_round(methods, paths):
        consume(map(request, methods, paths))

    benchmark.group = "github app, full WSGI request (ms per round = us per request)"
    benchmark.extra_info["requests_per_round"] = BATCH
    benchmark.pedantic(one_round, setup=setup, rounds=ROUNDS, warmup_rounds=2)


def test_json_and_report(tmp_path, monkeypatch):
    """bench_app --json writes what report.py reads: per-round ratios, medians, checks on the median."""
    import report

    monkeypatch.setitem(bench_app.MODES, "quick", dict(per_route=1, rounds=3, sample_ms=1))
    out = tmp_path / "app.json"
    bench_app.main(["--quick", "--json", str(out)])
    doc = json.loads(out.read_text())
    res = doc["results"]
    assert apps.FALCON in res and apps.FLOOR in res
    for name, row in res.items():
        assert len(row["rounds_us"]) == 3
        assert row["us"] == statistics.median(row["rounds_us"])
        for key in ("x_falcon", "x_floor"):
            s = row[key]
            assert s["min"] <= s["median"] <= s["max"]
    assert res[apps.FALCON]["x_falcon"] == {"median": 1.0, "min": 1.0, "max": 1.0}
    labels = [c["target"] for c in doc["checks"]]
    assert labels == [label for label, _, _ in bench_app.TARGETS]
    for c, (_, name, _) in zip(doc["checks"], bench_app.TARGETS):
        if name in res:
            assert c["measured"] == res[name]["x_falcon"]["median"]
    env = {"date": "today", "cpu": "cpu", "cpus": 2, "platform": "p", "python": "3", "implementation": "CPython",
           "versions": {}, "wrk": None}
    md = report.build_markdown({"quick": True, "environment": env, "router": None, "inproc": doc, "http": None,
                                "soak": None, "elapsed_s": 1.0})
    assert "## In-process WSGI" in md and "3 interleaved rounds" in md
    assert f"| Falcon | {res[apps.FALCON]['us']:.2f} | 1.000 (1.000-1.000) |" in md
