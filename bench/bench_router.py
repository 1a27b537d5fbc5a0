#!/usr/bin/env python
"""Router benchmark: ns per match for fastdispatch and its peers, one run.

    python bench/bench_router.py [--quick] [--json PATH] [--reuse-strings]
                                 [--scale-max N] [--scale-only]

Each router is built once from the GitHub API table (203 routes) and checked
to match every generated path to the right endpoint and params; then timed:

- uncached: thousands of distinct paths, every route, shuffled;
- hot: one fixed path per route;
- raw: a path-only peer's own lookup, without picking the method's endpoint;
- scaling: fastdispatch on a generated 10,000-route table against the first
  100 routes of the same table, 10,000 distinct paths each;
- scale (``scale.py``): REST tables of 100, 1,000, 10,000 and 100,000 rules
  (``--scale-max``: 10,000 with ``--quick``), fastdispatch, routrie,
  Werkzeug and Falcon, uniform and Zipf traffic, build time and memory per
  rule; ``--scale-only`` runs this section alone.

Times are the minimum over repeats (noise only ever adds time), each repeat
long enough to dwarf the clock, the routers sampled in turn within a repeat.  The target checks at the end are
informational: they print PASS or MISS and never fail the run.
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
try:
    import fastdispatch  # noqa: F401
except ImportError:  # run from a checkout that is not installed
    sys.path.insert(0, str(HERE.parent))

import routers  # noqa: E402
import scale  # noqa: E402
import workload  # noqa: E402
from timing import Timer, columns, measure, store  # noqa: E402

MODES = {
    # per_route: distinct paths per GitHub route (x 203); more than http-router's
    # 1024-entry cache in both modes, so it cannot answer from memory.
    "normal": dict(per_route=25, repeats=9, sample_ms=100),
    "quick": dict(per_route=8, repeats=5, sample_ms=20),
}
SMALL, LARGE = 100, 10_000
# One path per route of the large table, in both modes: how much of the table
# a round touches decides how much of it comes from memory rather than the CPU
# caches, and the ratio with it (2,000 paths measured about half the ratio).
SCALE_PATHS = 10_000
PACKAGES = ("fastdispatch", "werkzeug", "falcon", "routrie", "autoroutes", "http-router")


def bench_github(cfg):
    routes = workload.github_routes()
    uncached = workload.cases(routes, cfg["per_route"])
    hot = workload.hot_cases(routes)
    print(f"GitHub table: {len(routes)} routes; uncached: {len(uncached):,} distinct paths; hot: {len(hot)} paths")
    results, timers = {}, {}
    for adapter in routers.adapters():
        adapter.build(routes, uncached)
        for method, rule, reason in adapter.skipped:
            print(f"note: {adapter.name} cannot express {method} {rule} ({reason}); skipped for it only")
        mine, mine_hot = adapter.usable(uncached), adapter.usable(hot)
        adapter.verify(mine)
        adapter.verify(mine_hot)
        results[adapter.name] = {"paths": len(mine), "skipped": [list(s) for s in adapter.skipped]}
        timers[adapter.name, "uncached_ns"] = Timer(adapter.match, columns(mine), cfg)
        timers[adapter.name, "hot_ns"] = Timer(adapter.match, columns(mine_hot), cfg)
        if adapter.raw is not None:
            timers[adapter.name, "raw_ns"] = Timer(adapter.raw, columns(mine)[1:], cfg)
    print(f"  built and checked: {', '.join(results)}; timing")
    store(results, measure(timers, cfg["repeats"]))
    return results


def bench_scaling(cfg):
    """fastdispatch's ns/match on the 10,000-route table over the 100-route one.

    The target's measure: each table with paths over all its routes.  Also
    timed: the 100-route table's paths on the 10,000-route router, which
    separates the search's own cost of a bigger table (depth, fan-out) from
    the memory cost of visiting 100 times as many routes (cache misses).
    """
    from fastdispatch.routing import CompiledRouter, PythonRouter

    table = workload.generated_routes(LARGE)
    small_cases = workload.cases_for(table[:SMALL], SCALE_PATHS)
    large_cases = workload.cases_for(table, SCALE_PATHS)
    print(f"Scaling tables: generated, {SMALL} and {LARGE:,} routes, {SCALE_PATHS:,} distinct paths each")
    results, timers = {}, {}
    for cls in (CompiledRouter, PythonRouter):
        if cls is None:
            continue
        name = cls.__name__
        small, large = routers.Fastdispatch(cls), routers.Fastdispatch(cls)
        small.build(table[:SMALL])
        large.build(table)
        small.verify(small_cases)
        large.verify(large_cases + small_cases)
        results[name] = {}
        timers[name, "small_ns"] = Timer(small.match, columns(small_cases), cfg)
        timers[name, "large_ns"] = Timer(large.match, columns(large_cases), cfg)
        timers[name, "large_on_small_paths_ns"] = Timer(large.match, columns(small_cases), cfg)
    store(results, measure(timers, cfg["repeats"]))
    for row in results.values():
        row["ratio"] = row["large_ns"] / row["small_ns"]
        row["ratio_same_paths"] = row["large_on_small_paths_ns"] / row["small_ns"]
    return results


def ratio(a, b):
    return None if a is None or b is None else a / b


def best_peer(results):
    present = [p for p in routers.PEERS if p in results]
    return min(present, key=lambda p: results[p]["uncached_ns"], default=None)


def checks(results, scaling):
    """The issue's targets, as (label, measured ratio or None, limit)."""
    def ns(name):
        return results.get(name, {}).get("uncached_ns")

    best = best_peer(results)
    out = [
        ("CompiledRouter <= 0.5x fastest of routrie, autoroutes, Falcon",
         ratio(ns("CompiledRouter"), ns(best) if best else None), 0.5),
        ("PythonRouter <= 1.0x Falcon CompiledRouter", ratio(ns("PythonRouter"), ns("Falcon")), 1.0),
    ]
    for name in ("CompiledRouter", "PythonRouter"):
        out.append((f"10,000 routes <= 1.3x 100 routes ({name})", scaling.get(name, {}).get("ratio"), 1.3))
    return out


def report(results, scaling):
    compiled = results.get("CompiledRouter", {}).get("uncached_ns")
    best = best_peer(results)
    best_ns = results[best]["uncached_ns"] if best else None
    print()
    print(f"{'router':<16}{'uncached ns':>12}{'hot ns':>9}{'raw ns':>9}{'x Compiled':>12}{'x best peer':>13}")
    for name, row in results.items():
        ns = row["uncached_ns"]
        print(f"{name:<16}{ns:>12,.0f}{row['hot_ns']:>9,.0f}{scale.fmt(row.get('raw_ns'), ',.0f'):>9}"
              f"{scale.fmt(ratio(ns, compiled), '.2f'):>12}{scale.fmt(ratio(ns, best_ns), '.2f'):>13}")
    print(f"ns per match, min of repeats. Ratios use the uncached column; best peer: {best or '-'}"
          f" (fastest of {', '.join(routers.PEERS)}).")
    print("raw: the peer's own path-only lookup, before picking the method's endpoint.")
    raw_best = min((results[p]["raw_ns"] for p in routers.PEERS if "raw_ns" in results.get(p, {})), default=None)
    if compiled is not None and raw_best is not None:
        print(f"CompiledRouter against the fastest peer's raw lookup: {compiled / raw_best:.2f}x.")
    if "http-router" in results:
        print("http-router's hot figure is its own LRU cache answering.")
    print()
    for name, row in scaling.items():
        print(f"scaling {name}: {row['small_ns']:,.0f} ns at {SMALL} routes,"
              f" {row['large_ns']:,.0f} ns at {LARGE:,} routes: {row['ratio']:.2f}x (the {SMALL}-route paths on the {LARGE:,}-route router:"
              f" {row['large_on_small_paths_ns']:,.0f} ns, {row['ratio_same_paths']:.2f}x)")
    print()
    result = checks(results, scaling)
    print_checks(result)
    return result


def print_checks(result):
    for label, measured, limit in result:
        if measured is None:
            print(f"n/a   {label}: not measured (a router in it is missing)")
        else:
            print(f"{'PASS' if measured <= limit else 'MISS'}  {label}: measured {measured:.3f}x")


def environment(cfg):
    versions = workload.package_versions(PACKAGES)
    return {"settings": cfg, "python": sys.version.split()[0], "implementation": platform.python_implementation(),
            "platform": platform.platform(), "versions": versions, "time": time.strftime("%Y-%m-%dT%H:%M:%S%z")}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help="fewer paths and repeats, the scale section up to 10,000 rules (~1 min)")
    parser.add_argument("--json", metavar="PATH", help="also write the results as JSON")
    parser.add_argument("--reuse-strings", action="store_true",
                        help="match the same str objects every pass, their hashes cached (no server does this)")
    parser.add_argument("--scale-max", type=int, metavar="N",
                        help="largest table of the scale section (100, 1000, 10000 or 100000; 0: no scale section;"
                             " default 100000, 10000 with --quick)")
    parser.add_argument("--scale-only", action="store_true", help="the scale section alone")
    args = parser.parse_args(argv)
    mode = "quick" if args.quick else "normal"
    scale_max = args.scale_max if args.scale_max is not None else (10_000 if args.quick else 100_000)
    cfg = dict(MODES[mode], mode=mode, reuse_strings=args.reuse_strings, scale_max=scale_max)
    env = environment(cfg)
    print(f"fastdispatch router benchmark ({mode}): {env['implementation']} {env['python']} on {env['platform']}")
    print("  " + ", ".join(f"{k} {v}" for k, v in env["versions"].items() if v))
    started = time.perf_counter()
    results, scaling, result = {}, {}, []
    if not args.scale_only:
        results = bench_github(cfg)
        scaling = bench_scaling(cfg)
        result = report(results, scaling)
    at_scale = None
    if scale_max >= scale.SIZES[0]:
        at_scale = scale.bench_scale(cfg, scale_max)
        scale.report(at_scale)
        print()
        print_checks(scale.checks(at_scale))
        result += scale.checks(at_scale)
    print(f"\n({time.perf_counter() - started:.0f} s)")
    if args.json:
        doc = {"environment": env, "github": results, "scaling": scaling, "scale": at_scale,
               "checks": [{"target": label, "measured": m, "limit": lim, "pass": None if m is None else m <= lim}
                          for label, m, lim in result]}
        Path(args.json).write_text(json.dumps(doc, indent=2) + "\n")
        print(f"results written to {args.json}")


if __name__ == "__main__":
    main()
