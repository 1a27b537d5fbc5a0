#!/usr/bin/env python
"""Build benchmark: µs per rule and bytes per rule registering a REST table.

    python bench/bench_build.py [--rules N] [--peer-rules N]

The table is ``workload.generated_routes`` (the scaling table of
``bench_router.py``: resources with a collection, an item with several
methods, nested items and a static action), one ``add`` per (method, rule),
rule parsing included; the pure twin's time includes its first match, where
it generates and compiles its code.  Each twin is built twice in one run:

- timed, in CPU time, whole and by halves: the second half's µs per rule
  over the first's (a quadratic step shows as a ratio well above 1);
- under tracemalloc: bytes per rule of the built router, everything its
  Python objects and PyMem allocations hold.

Peers (Werkzeug; routrie when installed) are built from the first
``--peer-rules`` routes in the same run, for a ratio (Werkzeug needs ~3 ms a
rule at 10,000).  The issue 15 targets are printed PASS/MISS; nothing fails.
"""

from __future__ import annotations

import argparse
import gc
import sys
import time
import tracemalloc
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
try:
    import fastdispatch  # noqa: F401
except ImportError:  # run from a checkout that is not installed
    sys.path.insert(0, str(HERE.parent))

import routers  # noqa: E402
import workload  # noqa: E402

# issue 15 point 2 and 3: µs per rule, bytes per rule at 10,000 rules
TARGETS = {"CompiledRouter": (50, 1024), "PythonRouter": (50, 3072)}


def build(cls, routes):
    router = cls()
    for method, rule in routes:
        router.add(rule, routers.endpoint_name(method, rule), methods=(method,))
    try:
        router.match("GET", "/")  # the pure twin compiles its code at the first match
    except Exception:  # noqa: BLE001 - a 404 is the expected answer
        pass
    return router


def timed_halves(cls, routes):
    """(µs per rule of the first half, of the second half), CPU time: the
    first half's a build of it alone, the second's what building the whole
    table costs more (the first match counted, where the pure twin makes its
    code for the whole table)."""
    half = len(routes) // 2
    first = total_us(cls, routes[:half]) * half
    whole = total_us(cls, routes) * len(routes)
    return first / half, (whole - first) / (len(routes) - half)


def cpu_seconds(make):
    """(CPU seconds ``make()`` took, what it made), after a collection."""
    gc.collect()
    t0 = time.process_time()
    made = make()
    return time.process_time() - t0, made


def traced_bytes(make):
    """Bytes held by what ``make()`` made: everything allocated through
    Python's allocators (objects, PyMem) and still alive after a collection."""
    gc.collect()
    tracemalloc.start()
    try:
        made = make()
        gc.collect()
        size = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    del made
    return size


def total_us(cls, routes):
    return 1e6 * cpu_seconds(lambda: build(cls, routes))[0] / len(routes)


def bytes_per_rule(cls, routes):
    return traced_bytes(lambda: build(cls, routes)) / len(routes)


def peer_us(adapter, routes):
    return 1e6 * cpu_seconds(lambda: adapter.build(routes))[0] / len(routes)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rules", type=int, default=10_000)
    parser.add_argument("--peer-rules", type=int, default=1_000)
    args = parser.parse_args(argv)
    from fastdispatch.routing import CompiledRouter, PythonRouter

    routes = workload.generated_routes(args.rules)
    print(f"Build: {args.rules:,} rules of the generated REST table")
    print(f"{'router':<16}{'µs/rule':>9}{'1st half':>10}{'2nd half':>10}{'ratio':>7}{'B/rule':>9}")
    results = {}
    for cls in (CompiledRouter, PythonRouter):
        if cls is None:
            continue
        us = total_us(cls, routes)
        first, second = timed_halves(cls, routes)
        size = bytes_per_rule(cls, routes)
        results[cls.__name__] = us
        print(f"{cls.__name__:<16}{us:>9.1f}{first:>10.1f}{second:>10.1f}{second / first:>7.2f}{size:>9,.0f}")
        us_target, size_target = TARGETS[cls.__name__]
        print(f"  {'PASS' if us <= us_target else 'MISS'}  <= {us_target} µs a rule;"
              f" {'PASS' if size <= size_target else 'MISS'}  <= {size_target:,} B a rule;"
              f" {'PASS' if second <= 1.5 * first else 'MISS'}  second half <= 1.5x the first")
    peers = routes[: args.peer_rules]
    for adapter in (routers.Werkzeug(), *(a for a in routers.adapters() if a.name == "routrie")):
        try:
            us = peer_us(adapter, peers)
        except ImportError:
            continue
        mine = ", ".join(f"{name} {v / us:.3f}x" for name, v in results.items())
        print(f"{adapter.name}: {us:,.1f} µs a rule at {len(peers):,} rules (fastdispatch at {args.rules:,} rules: {mine} its time)")


if __name__ == "__main__":
    main()
