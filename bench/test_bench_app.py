"""The WSGI benchmark under pytest-benchmark: ``pytest bench/test_bench_app.py --benchmark-only``.

The same apps, requests and request harness as ``bench_app.py``: the GitHub
API app on each framework, a full in-process WSGI request per call (environ
built, app called, body joined and closed).  One round sends a batch of
1,000 requests, so a round's time in milliseconds is the time per request in
microseconds.  Rounds cycle through 5,075 distinct paths (25 per route,
shuffled); each round gets fresh str objects, made untimed in ``setup``, as a
server decodes new ones per request (see ``workload.fresh``).  Every app is
checked first to answer every one of those requests with 200 and its
route's body.
"""

from __future__ import annotations

import itertools
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
        return (workload.fresh(methods), workload.fresh(paths)), {}

    def one_round(methods, paths):
        consume(map(request, methods, paths))

    benchmark.group = "github app, full WSGI request (ms per round = us per request)"
    benchmark.extra_info["requests_per_round"] = BATCH
    benchmark.pedantic(one_round, setup=setup, rounds=ROUNDS, warmup_rounds=2)
