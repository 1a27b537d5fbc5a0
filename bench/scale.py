"""The router at scale (issue 15): REST tables of 100 to 100,000 rules.

``bench_router.py``'s scale section (``--scale-max N``, ``--scale-only``).
Each size is the first N routes of ``workload.generated_routes`` (the
REST-shaped table: a collection, an item with several methods, nested
items, a static action), so the tables differ only in size.  For each size
and router:

- build: CPU µs per rule, the first match included where a router compiles
  lazily (the pure twin's code, Werkzeug's and Falcon's matchers);
- memory: bytes per rule of a second build, under tracemalloc (what
  Python's allocators hold: objects and PyMem; routrie's Rust heap is not
  seen);
- ns per match over ``PATHS`` distinct paths (ids vary, so no result cache
  decides), uniform (``workload.cases_for``: routes drawn evenly over the
  table) and Zipf-skewed (``workload.zipf_cases``), every path checked
  before timing; routrie's raw lookup (no method pick) too.

All sizes and routers are timed in one ``timing.measure``: interleaved
rounds, so the ratios between sizes compare samples taken minutes apart at
most.  100,000 rules: fastdispatch's twins and routrie only; Werkzeug and
Falcon stop at 10,000 rules, and earlier where their build, extrapolated
from the sizes built before it, would take over ``BUILD_BUDGET_S``.
"""

from __future__ import annotations

import math

import routers
import workload
from bench_build import cpu_seconds, traced_bytes
from timing import Timer, columns, measure

SIZES = (100, 1_000, 10_000, 100_000)
PATHS = 10_000  # per size and traffic, in both modes (see SCALE_PATHS in bench_router.py)
ROUTERS = ("CompiledRouter", "PythonRouter", "routrie", "Werkzeug Map", "Falcon")
# The 100,000 rules are for fastdispatch and routrie; these stop here
CAPPED = {"Werkzeug Map": 10_000, "Falcon": 10_000}
BUILD_BUDGET_S = 60
TRAFFIC = ("uniform", "zipf")


def fresh_adapters():
    """{name: a function making a fresh adapter} for the routers present."""
    out = {}
    for a in routers.adapters():
        if a.name in ROUTERS:
            out[a.name] = (lambda a=a: routers.Fastdispatch(a.cls)) if isinstance(a, routers.Fastdispatch) else type(a)
    return out


def built(make, routes):
    """An adapter built from ``routes`` and asked one path, so that a router
    compiling at its first match has done so."""
    adapter = make()
    adapter.build(routes)
    try:
        adapter.match("GET", "/")
    except Exception:  # noqa: BLE001 - a 404, in each router's own way
        pass
    return adapter


def predicted_s(history, n):
    """Seconds a build of ``n`` rules would take, from the last two built
    (``(rules, seconds)``): t ~ n**e, e fitted to them and at least 1."""
    if not history:
        return 0.0, 1.0
    n1, t1 = history[-1]
    e = 1.0
    if len(history) > 1 and history[-2][1] > 0 and t1 > 0:
        n0, t0 = history[-2]
        e = max(1.0, math.log(t1 / t0) / math.log(n1 / n0))
    return t1 * (n / n1) ** e, e


def skip_reason(name, n, history):
    """Why ``name`` is not built at ``n`` rules, or None."""
    seconds, e = predicted_s(history, n)
    guess = ""
    if history:
        n1, t1 = history[-1]
        guess = f"~{seconds:,.0f} s predicted ({t1:.1f} s at {n1:,} rules, growing as n^{e:.1f})"
    if n > CAPPED.get(name, n):
        return (f"not built: {CAPPED[name]:,} rules at most, the 100,000-rule table is for fastdispatch and"
                f" routrie (issue 15); its build: {guess}")
    if seconds > BUILD_BUDGET_S:
        return f"not built: {guess}, over the {BUILD_BUDGET_S} s limit"
    return None


def bench_scale(cfg, max_rules):
    """{"sizes", "paths", "routers": {name: {size: row}}, "skipped": {name: {size: reason}}}; sizes as str."""
    sizes = [n for n in SIZES if n <= max_rules]
    table = workload.generated_routes(max(sizes))
    makers = fresh_adapters()
    print(f"Scale: REST tables of {', '.join(f'{n:,}' for n in sizes)} rules; {PATHS:,} distinct paths per size,"
          f" uniform and Zipf; {', '.join(makers)}")
    results = {name: {} for name in makers}
    skipped = {name: {} for name in makers}
    history = {name: [] for name in makers}
    timers = {}
    for n in sizes:
        routes = table[:n]
        traffic = {"uniform": workload.cases_for(routes, PATHS), "zipf": workload.zipf_cases(routes, PATHS)}
        for name, make in makers.items():
            reason = skip_reason(name, n, history[name])
            if reason:
                skipped[name][str(n)] = reason
                print(f"  {name} at {n:,} rules: {reason}")
                continue
            seconds, adapter = cpu_seconds(lambda: built(make, routes))
            history[name].append((n, seconds))
            size = traced_bytes(lambda: built(make, routes))
            row = results[name][str(n)] = {"build_s": seconds, "build_us_per_rule": 1e6 * seconds / n,
                                           "bytes_per_rule": size / n}
            print(f"  {name} at {n:,} rules: built in {seconds:.2f} s ({row['build_us_per_rule']:,.1f} µs a rule),"
                  f" {row['bytes_per_rule']:,.0f} B a rule")
            for kind, cases in traffic.items():
                adapter.verify(cases)
                timers[name, str(n), kind] = Timer(adapter.match, columns(cases), cfg)
                if name == "routrie":
                    timers["routrie raw", str(n), kind] = Timer(adapter.raw, columns(cases)[1:], cfg)
    print(f"  timing {len(timers)} (router, size, traffic) in interleaved rounds")
    for (name, n, kind), (low, median) in measure(timers, cfg["repeats"]).items():
        row = results.setdefault(name, {}).setdefault(n, {})
        row[f"{kind}_ns"], row[f"{kind}_median_ns"] = low, median
    return {"sizes": [str(n) for n in sizes], "paths": PATHS, "routers": results, "skipped": skipped}


def ns(scale, name, n, kind):
    return scale["routers"].get(name, {}).get(str(n), {}).get(f"{kind}_ns")


def build_cells(scale, names, n, cell):
    """One ``cell(row)`` per router at ``n`` rules ("-" where it did not
    build there); routrie's raw lookup has no build of its own."""
    return [cell(row) if (row := scale["routers"][name].get(n)) else "-" for name in names if name != "routrie raw"]


def growth(scale, name, kind, large=10_000, small=100):
    """ns per match at ``large`` rules over ``small``, or None."""
    a, b = ns(scale, name, large, kind), ns(scale, name, small, kind)
    return None if a is None or b is None else a / b


def checks(scale):
    """Issue 15's matching targets measured here, as (label, ratio or None,
    limit); those needing a size this run left out are not listed."""
    out = []
    if "10000" in scale["sizes"]:
        out += [("scale: CompiledRouter uniform 10,000 rules <= 1.5x 100", growth(scale, "CompiledRouter", "uniform"), 1.5),
                ("scale: CompiledRouter Zipf 10,000 rules <= 1.3x 100", growth(scale, "CompiledRouter", "zipf"), 1.3),
                ("scale: PythonRouter uniform 10,000 rules <= 2x 100", growth(scale, "PythonRouter", "uniform"), 2.0)]
    for n in (100, 1_000, 10_000):
        if str(n) in scale["sizes"]:
            mine, raw = ns(scale, "CompiledRouter", n, "uniform"), ns(scale, "routrie raw", n, "uniform")
            out.append((f"scale: CompiledRouter <= 1x routrie's raw lookup at {n:,} rules (uniform)",
                        None if mine is None or raw is None else mine / raw, 1.0))
    return out


def report(scale):
    sizes = scale["sizes"]
    names = [n for n in (*ROUTERS, "routrie raw") if n in scale["routers"]]
    for kind in TRAFFIC:
        print(f"\nscale, ns per match, {kind} traffic ({scale['paths']:,} distinct paths a size, min of rounds)")
        print(f"{'rules':>9}" + "".join(f"{name:>15}" for name in names))
        for n in sizes:
            print(f"{int(n):>9,}" + "".join(f"{fmt(ns(scale, name, n, kind), ',.0f'):>15}" for name in names))
    print("\nscale, build µs a rule / B a rule (tracemalloc)")
    print(f"{'rules':>9}" + "".join(f"{name:>22}" for name in names if name != "routrie raw"))
    for n in sizes:
        cells = build_cells(scale, names, n, lambda row: f"{row['build_us_per_rule']:,.1f} / {row['bytes_per_rule']:,.0f}")
        print(f"{int(n):>9,}" + "".join(f"{c:>22}" for c in cells))
    for name, reasons in scale["skipped"].items():
        for n, reason in reasons.items():
            print(f"{name} at {int(n):,} rules: {reason}")
    for name in ("CompiledRouter", "PythonRouter"):
        ratios = [(kind, growth(scale, name, kind)) for kind in TRAFFIC]
        if all(r is not None for _, r in ratios):
            print(f"{name}: 10,000 rules over 100: " + ", ".join(f"{kind} {r:.2f}x" for kind, r in ratios))


def fmt(x, spec):
    return "-" if x is None else format(x, spec)


# -- for report.py: bench/results.md and bench/results.png ------------------------------

LABELS = {"CompiledRouter": "fastdispatch CompiledRouter", "PythonRouter": "fastdispatch PythonRouter",
          "routrie raw": "routrie (raw lookup)", "Werkzeug Map": "Werkzeug"}
COLORS = {"CompiledRouter": "#d62728", "PythonRouter": "#ff9896", "routrie": "#1f77b4", "routrie raw": "#aec7e8",
          "Werkzeug Map": "#7f7f7f", "Falcon": "#2ca02c"}


def present(scale):
    return [n for n in (*ROUTERS, "routrie raw") if n in scale["routers"]]


def markdown(scale):
    """The scale section of results.md, as lines."""
    names, sizes = present(scale), scale["sizes"]
    L = ["## Router at scale: REST tables of 100 to 100,000 rules", "",
         f"The first N routes of `workload.generated_routes` (`bench/scale.py`), {scale['paths']:,} distinct paths a"
         " size (ids vary), uniform over the table and Zipf-skewed (s = 1, the hot routes spread over it); ns per"
         " match, min of interleaved rounds (all sizes and routers take turns), uniform (Zipf).  routrie (raw): its"
         " own lookup, before picking the method's endpoint.", "",
         "| rules | " + " | ".join(LABELS.get(n, n) for n in names) + " |",
         "|---:|" + "---:|" * len(names)]
    for n in sizes:
        cells = []
        for name in names:
            u, z = ns(scale, name, n, "uniform"), ns(scale, name, n, "zipf")
            cells.append("-" if u is None else f"{u:,.0f} ({z:,.0f})")
        L.append(f"| {int(n):,} | " + " | ".join(cells) + " |")
    L.append("")
    for name in ("CompiledRouter", "PythonRouter"):
        u, z = growth(scale, name, "uniform"), growth(scale, name, "zipf")
        if u is not None:
            L.append(f"- {LABELS[name]}: 10,000 rules cost {u:.2f}x the 100-rule time uniform, {z:.2f}x Zipf.")
    if L[-1]:
        L.append("")
    L += ["Build (CPU µs a rule, the first match included where a router compiles lazily) and memory"
          " (tracemalloc, B a rule: Python's allocators only, so routrie's Rust heap is not counted):", "",
          "| rules | " + " | ".join(LABELS.get(n, n) for n in names if n != "routrie raw") + " |",
          "|---:|" + "---:|" * (len(names) - ("routrie raw" in names))]
    for n in sizes:
        cells = build_cells(scale, names, n, lambda row: f"{row['build_us_per_rule']:,.1f} µs, {row['bytes_per_rule']:,.0f} B")
        L.append(f"| {int(n):,} | " + " | ".join(cells) + " |")
    L.append("")
    for name, reasons in scale["skipped"].items():
        for n, reason in reasons.items():
            L.append(f"- {LABELS.get(name, name)} at {int(n):,} rules: {reason}.")
    if L[-1]:
        L.append("")
    return L


def plot(axes, scale):
    """ns per match against rules (uniform, Zipf) and build µs a rule, on three axes."""
    for ax, kind, title in ((axes[0], "uniform", "uniform traffic"), (axes[1], "zipf", "Zipf traffic")):
        for name in present(scale):
            pts = [(int(n), ns(scale, name, n, kind)) for n in scale["sizes"] if ns(scale, name, n, kind) is not None]
            if pts:
                ax.plot(*zip(*pts), marker="o", label=LABELS.get(name, name), color=COLORS.get(name),
                        linewidth=2.5 if name == "CompiledRouter" else 1.5)
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("rules (log scale)")
        ax.set_ylabel("ns per match (log scale, lower is better)")
        ax.set_title(f"Router at scale, REST table, {title}")
        ax.legend(fontsize=8)
    ax = axes[2]
    for name in present(scale):
        pts = [(int(n), row["build_us_per_rule"]) for n, row in scale["routers"][name].items() if "build_us_per_rule" in row]
        if pts:
            ax.plot(*zip(*sorted(pts)), marker="o", label=LABELS.get(name, name), color=COLORS.get(name))
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("rules (log scale)")
    ax.set_ylabel("build, CPU us per rule (log scale)")
    ax.set_title("Router build at scale")
    ax.legend(fontsize=8)
