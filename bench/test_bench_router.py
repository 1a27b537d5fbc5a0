"""The router benchmark under pytest-benchmark: ``pytest bench/ --benchmark-only``.

The same routers, tables and paths as ``bench_router.py``.  One round
matches a batch of 1,000 paths, so a round's time in microseconds is the
time per match in nanoseconds.  Uncached rounds cycle through 5,000 distinct
paths, more than any result cache holds (http-router's has 1,024 entries);
hot rounds repeat the one fixed path per route.  Each round gets fresh str
objects, made untimed in ``setup``, as a server makes one per request (see
``workload.fresh``).
"""

from __future__ import annotations

import itertools
from collections import deque

import pytest

import routers
import workload

BATCH = 1000
ROUNDS = 100  # fixed, as pedantic() needs: ~0.1 s for the fastest, ~2 s for the slowest
ROUTES = workload.github_routes()
UNCACHED = workload.cases(ROUTES, 25)  # 5,075 distinct paths
HOT = workload.hot_cases(ROUTES)  # 203 paths, repeated to fill a batch
NAMES = ["CompiledRouter", "PythonRouter", "Werkzeug Map", "Falcon", "routrie", "autoroutes", "http-router",
         "dict (floor)"]

_built = {}


@pytest.fixture
def adapter(request):
    """The router, built once per session and checked on every path it will see."""
    name = request.param
    if name not in _built:
        found = {a.name: a for a in routers.adapters()}
        if name not in found:  # CompiledRouter not built, or a peer not installed
            pytest.skip(f"{name} is not available")
        a = found[name]
        a.build(ROUTES, UNCACHED)
        a.verify(a.usable(UNCACHED))
        _built[name] = a
    return _built[name]


def batches(cases):
    """Whole batches of encoded (methods, paths) columns; a short tail is dropped."""
    if len(cases) < BATCH:
        cases = list(itertools.islice(itertools.cycle(cases), BATCH))
    chunks = [cases[i:i + BATCH] for i in range(0, len(cases) - BATCH + 1, BATCH)]
    return [(workload.encoded(c[0] for c in chunk), workload.encoded(c[1] for c in chunk)) for chunk in chunks]


def run(benchmark, adapter, cases, group):
    cycle = itertools.cycle(batches(adapter.usable(cases)))
    consume = deque(maxlen=0).extend  # drives the calls from C: no Python loop in the time

    def setup():
        methods, paths = next(cycle)
        return (workload.fresh(methods), workload.fresh(paths)), {}

    def one_round(methods, paths):
        consume(map(adapter.match, methods, paths))

    benchmark.group = group
    benchmark.extra_info["matches_per_round"] = BATCH
    benchmark.pedantic(one_round, setup=setup, rounds=ROUNDS, warmup_rounds=2)


@pytest.mark.parametrize("adapter", NAMES, indirect=True)
def test_github_uncached(benchmark, adapter):
    run(benchmark, adapter, UNCACHED, "github, 5,000 distinct paths (us per round = ns per match)")


@pytest.mark.parametrize("adapter", NAMES, indirect=True)
def test_github_hot(benchmark, adapter):
    run(benchmark, adapter, HOT, "github, one path per route (us per round = ns per match)")
