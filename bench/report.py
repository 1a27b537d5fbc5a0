#!/usr/bin/env python
"""The whole benchmark, one command: router, in-process WSGI, HTTP, soak.

    python bench/report.py [--quick] [--steps router,inproc,http,soak] [--servers S,...]
                           [--workers N,...] [--pipeline-depth N]

Writes ``bench/results.md`` (tables: machine, versions, date, ratios) and
``bench/results.png`` (matplotlib chart).  Steps:

1. router ns/match, uncached, against Werkzeug, Falcon, routrie, autoroutes
   and http-router, and its scale section (REST tables of 100 to 100,000
   rules, ``scale.py``; up to 10,000 with ``--quick``): ``bench_router.py
   --json`` (``--quick`` passed on);
2. in-process us/request against Flask, Falcon and Bottle, interleaved
   rounds, ratios as the median of per-round ratios: ``bench_app.py --json``;
3. HTTP requests/s with ``wrk`` for fastdispatch, Flask, Falcon and the bare
   WSGI callable (``http_apps.py``), each on meinheld, granian, gunicorn's
   gthread worker and bjoern with 1 and 2 workers (bjoern: 1 only), without
   and with HTTP pipelining (``--pipeline-depth``, 16 as TechEmpower's
   plaintext test: that many requests written together per connection;
   bjoern, which answers only the last of them, is left out there).  Each server is ``python -m
   fastdispatch serve http_apps:<app>`` on a free port; once it accepts
   connections and answers a known path correctly, wrk warms it up (1 s) and
   then measures ``wrk -t1 -c32 -d3s`` (``--quick``: 2 s) with
   ``lua/github.lua`` cycling through 4,060 distinct GitHub-API requests; then
   SIGTERM, and wait.  Five rounds (``--quick``: one), the frameworks taking
   turns within each; every figure is its framework's best round, and each
   ratio is also given as the median over rounds of that round's ratio (the
   targets use the median).  Then the same for a JSON endpoint
   (``json_apps.py``: ``/users/<int:user_id>`` and its posts, a small object
   built from the URL values), without pipelining only; the targets are on
   the GitHub app, on meinheld and on the default server
   (``fastdispatch.servers.DEFAULT_SERVER``);
4. a soak of ``examples.api:app`` on the default server (granian) with 2 workers
   (``soak.py``, 60 s as the issue asks; ``--quick``: 5 s).

``--steps``, ``--servers`` and ``--workers`` run a part of it (a quick look
at one server: ``--quick --steps http --servers gthread --workers 1``); the
report then says what was left out.  All ratios come from this one run.  Targets are printed as PASS/MISS; they do
not change the exit status (a failed step does: exit 1).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import NamedTuple

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
PY = sys.executable
sys.path.insert(0, str(BENCH))

import http_apps  # noqa: E402
import json_apps  # noqa: E402
import scale  # noqa: E402
import workload  # noqa: E402
from soak import stop_server as stop  # noqa: E402

from fastdispatch.servers import DEFAULT_SERVER  # noqa: E402 (soak.py reads it so too)

FRAMEWORKS = (("fastdispatch", "fastdispatch_app"), ("Flask", "flask_app"),
              ("Falcon", "falcon_app"), ("bare WSGI", "bare_app"))
SERVERS = ("meinheld", "granian", "gthread", "bjoern")
WORKERS = (1, 2)
STEPS = ("router", "inproc", "http", "soak")
#: requests written together per connection in the pipelined runs (0: none)
PIPELINE_DEPTH = 16
#: servers left out of the pipelined runs, and why
NO_PIPELINING = {"bjoern": "bjoern answers only the last of the requests that arrive together"}
ROUTERS = ("CompiledRouter", "Werkzeug Map", "Falcon", "routrie", "autoroutes", "http-router")
INPROC = ("fastdispatch", "fastdispatch (pure)", "Flask", "Falcon", "Bottle", "bare WSGI")
PACKAGES = ("fastdispatch", "werkzeug", "flask", "falcon", "bottle", "routrie", "autoroutes", "http-router",
            "meinheld", "gunicorn", "granian", "bjoern", "matplotlib")


def log(msg=""):
    print(msg, flush=True)


# -- steps 1 and 2: the in-process benchmarks --------------------------------------


def run_json_bench(script, quick, tmp):
    out = Path(tmp) / (Path(script).stem + ".json")
    cmd = [PY, str(BENCH / script), "--json", str(out)] + (["--quick"] if quick else [])
    log(f"$ {' '.join(cmd[1:])}")
    started = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    if proc.returncode != 0 or not out.exists():
        log(proc.stdout[-2000:] + proc.stderr[-2000:])
        log(f"{script} failed (exit {proc.returncode})")
        return None
    log(f"  done in {time.perf_counter() - started:.0f} s")
    return json.loads(out.read_text())


# -- step 3: HTTP with wrk ----------------------------------------------------------------


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_accepting(proc, port, timeout=20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return False
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return True
        except OSError:
            time.sleep(0.05)
    return False


def check_answer(port, method, path, expected, timeout=10.0):
    """One request, the answer its route must give; retried while workers
    boot.  ``expected``: the body text, or (a dict) the JSON object an
    ``application/json`` body must parse to (json_apps: the frameworks'
    bodies differ in whitespace)."""
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request(method, path)
            resp = conn.getresponse()
            got = resp.read().decode()
            conn.close()
            if resp.status == 200 and _same_answer(resp.getheader("Content-Type", ""), got, expected):
                return None
            return f"{method} {path}: {resp.status} {got[:80]!r}, expected 200 {expected!r}"
        except OSError as exc:
            last = f"{method} {path}: {exc}"
            time.sleep(0.1)
    return last


def _same_answer(content_type, body, expected):
    if isinstance(expected, str):
        return body == expected
    if content_type.split(";")[0].strip() != json_apps.JSON_MIMETYPE:
        return False
    try:
        return json.loads(body) == expected
    except ValueError:
        return False


WRK_RPS = re.compile(r"Requests/sec:\s+([\d.]+)")
WRK_NON2XX = re.compile(r"Non-2xx or 3xx responses:\s+(\d+)")
WRK_SOCKET = re.compile(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)")
WRK_TOTAL = re.compile(r"(\d+) requests in")


def wrk(port, seconds, requests_file, depth=1):
    cmd = ["wrk", "-t1", "-c32", f"-d{seconds}s", "-s", str(BENCH / "lua" / "github.lua"),
           f"http://127.0.0.1:{port}"]
    env = dict(os.environ, WRK_REQUESTS=str(requests_file), WRK_PIPELINE=str(depth))
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=seconds + 30)
    out = proc.stdout + proc.stderr
    m = WRK_RPS.search(out)
    if not m:
        raise RuntimeError(f"wrk gave no Requests/sec: {out[-500:]}")
    non2xx = WRK_NON2XX.search(out)
    sock = WRK_SOCKET.search(out)
    total = WRK_TOTAL.search(out)
    return {"rps": float(m.group(1)), "requests": int(total.group(1)) if total else None,
            "non_2xx": int(non2xx.group(1)) if non2xx else 0,
            "socket_errors": sum(map(int, sock.groups())) if sock else 0}


class Workload(NamedTuple):
    """An app served on every server: ``module`` (``http_apps`` or
    ``json_apps``) has one attribute per framework of ``FRAMEWORKS``."""

    label: str
    module: str
    requests_file: Path  # the list lua/github.lua cycles through
    distinct: int
    probe: tuple  # (method, path, expected) for check_answer
    depths: tuple  # 1: no pipelining; more: requests written together


def github_workload(tmp, pipeline_depth):
    """The GitHub API app, without and with pipelining."""
    method, path = next((m, p) for m, p in http_apps.requests() if m == "GET")
    return Workload("GitHub app", "http_apps", http_apps.write_requests(Path(tmp) / "github_requests.txt"),
                    len(http_apps.requests()), (method, path, http_apps.expected_body(method, path)),
                    (1, pipeline_depth) if pipeline_depth > 1 else (1,))


def json_workload(tmp):
    """The JSON endpoint; without pipelining only, to keep the report short."""
    path, doc = json_apps.requests()[0]
    return Workload("JSON endpoint", "json_apps", json_apps.write_requests(Path(tmp) / "json_requests.txt"),
                    len(json_apps.requests()), ("GET", path, doc), (1,))


def http_run(load, server, workers, name, attr, env, tmp, seconds, warm, depth=1):
    """One server started, checked, warmed up and measured: wrk's figures, or {"error": ...}."""
    port = free_port()
    cmd = [PY, "-m", "fastdispatch", "serve", f"{load.module}:{attr}", "--server", server,
           "--workers", str(workers), "--port", str(port), "--graceful-timeout", "2"]
    logfile = Path(tmp) / f"server-{load.module}-{name.replace(' ', '_')}-{server}-{workers}-p{depth}.log"
    with open(logfile, "w") as lf:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=lf, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        if not wait_accepting(proc, port):
            raise RuntimeError("server did not accept connections: " + logfile.read_text()[-400:].replace("\n", " | "))
        problem = check_answer(port, *load.probe)
        if problem:
            raise RuntimeError(f"wrong answer: {problem}")
        wrk(port, warm, load.requests_file, depth)  # warm-up, discarded
        return wrk(port, seconds, load.requests_file, depth)
    except Exception as exc:  # noqa: BLE001 - reported in the table
        return {"error": str(exc)[:300]}
    finally:
        stop(proc)


def run_key(name, server, workers, depth):
    """The results' key: pipelined runs get their depth appended."""
    return f"{name}|{server}|{workers}" + (f"|p{depth}" if depth > 1 else "")


def http_bench(quick, tmp, servers=SERVERS, workers_counts=WORKERS, pipeline_depth=PIPELINE_DEPTH):
    if shutil.which("wrk") is None:
        log("wrk is not installed: the HTTP benchmark is skipped.  Install it with: apt-get install wrk"
            " (or build it from https://github.com/wg/wrk)")
        return None
    seconds, warm, rounds = (2, 1, 1) if quick else (3, 1, 5)
    github, endpoint = github_workload(tmp, pipeline_depth), json_workload(tmp)
    timing = (seconds, warm, rounds)
    results = measure(github, timing, tmp, servers, workers_counts)
    json_results = measure(endpoint, timing, tmp, servers, workers_counts)
    return {"seconds": seconds, "warmup_seconds": warm, "rounds": rounds, "connections": 32, "threads": 1,
            "distinct_requests": github.distinct, "results": results,
            "servers": list(servers), "workers": list(workers_counts), "pipeline_depth": pipeline_depth if pipeline_depth > 1 else None,
            "json": {"distinct_requests": endpoint.distinct, "results": json_results}}


def measure(load, timing, tmp, servers, workers_counts):
    """{run_key: wrk's figures of the best round, with every round's req/s
    in "round_rps"} for ``load`` on each server, worker count and depth."""
    seconds, warm, rounds = timing
    log(f"  {load.label} ({load.module}):")
    results = {}
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(BENCH), str(ROOT)]))
    for server, workers, depth in ((s, w, d) for d in load.depths for s in servers for w in workers_counts):
        # The machines here are shared: throughput drifts by tens of per
        # cent from one minute to the next.  The frameworks take turns,
        # round after round, and each keeps its best round, so a ratio
        # compares runs made under the same conditions.  Five rounds: with
        # three, one lucky round of either side moved a ratio by 0.05.
        for rnd in range(rounds):
            for name, attr in FRAMEWORKS:
                key = run_key(name, server, workers, depth)
                if server == "bjoern" and workers > 1:
                    results[key] = {"skipped": "bjoern has no process manager: 1 worker only"}
                    continue
                if depth > 1 and server in NO_PIPELINING:
                    results[key] = {"skipped": NO_PIPELINING[server]}
                    continue
                if "error" in results.get(key, {}):
                    continue
                row = http_run(load, server, workers, name, attr, env, tmp, seconds, warm, depth)
                piped = f" pipelined x{depth}" if depth > 1 else ""
                if "error" in row:
                    results[key] = row
                    log(f"  {name:<13} {server:<9} {workers}{piped}: FAILED {row['error']}")
                    continue
                got = row["rps"]
                best = results.get(key)
                row["round_rps"] = (best["round_rps"] if best is not None else []) + [got]
                if best is not None:
                    # errors from every round count, not the best one's only
                    row["non_2xx"] += best["non_2xx"]
                    row["socket_errors"] += best["socket_errors"]
                    if best["rps"] >= row["rps"]:
                        row.update(rps=best["rps"], requests=best["requests"])
                results[key] = row
                note = ""
                if row["non_2xx"] or row["socket_errors"]:
                    note = f"  ({row['non_2xx']} non-2xx, {row['socket_errors']} socket errors)"
                log(f"  {name:<13} {server:<9} {workers} worker{'s' if workers > 1 else ' '}{piped}"
                    f" round {rnd + 1}: {got:>10,.0f} req/s{note}")
    return results


# -- step 4: soak -------------------------------------------------------------------------


def run_soak(quick, tmp):
    out = Path(tmp) / "soak.json"
    seconds = 5 if quick else 60
    cmd = [PY, str(BENCH / "soak.py"), "--seconds", str(seconds), "--connections", "64", "--json", str(out)]
    log(f"$ {' '.join(cmd[1:])}")
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=seconds + 120)
    log("  " + proc.stdout.strip().replace("\n", "\n  "))
    if proc.stderr.strip():
        log(proc.stderr[-1500:])
    doc = json.loads(out.read_text()) if out.exists() else None
    if doc is not None:
        doc["exit_code"] = proc.returncode
    return doc


# -- the report ---------------------------------------------------------------------------


def versions():
    return workload.package_versions(PACKAGES)


def cpu_model():
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def wrk_version():
    if shutil.which("wrk") is None:
        return None
    proc = subprocess.run(["wrk", "--version"], capture_output=True, text=True)
    return (proc.stdout + proc.stderr).strip().splitlines()[0] if (proc.stdout + proc.stderr).strip() else "wrk"


def verdict(ok):
    return "PASS" if ok else "MISS"


# -- the HTTP tables: one results dict ({run_key: row}) of one workload --------------


def http_cell(r):
    if "rps" in r:
        extra = ""
        if r["non_2xx"] or r["socket_errors"]:
            extra = f" ({r['non_2xx']} non-2xx, {r['socket_errors']} sock. err.)"
        return f"{r['rps']:,.0f}{extra}"
    if "skipped" in r:
        return "unsupported"
    return "failed"


def http_rps(res, name, s, w, d=1):
    return res.get(run_key(name, s, w, d), {}).get("rps")


def paired(res, name, other, s, w, d=1):
    """The median, over rounds, of name's req/s over other's in the same
    round: the two ran back to back, under the same load of the machine."""
    a = res.get(run_key(name, s, w, d), {}).get("round_rps")
    b = res.get(run_key(other, s, w, d), {}).get("round_rps")
    if not a or not b or len(a) != len(b):
        return None
    return statistics.median(x / y for x, y in zip(a, b))


def http_table(res, combos, d):
    """A framework a row, a (server, workers) a column, then the ratio rows."""
    L = ["| framework | " + " | ".join(f"{s} x{w}" for s, w in combos) + " |", "|---|" + "---:|" * len(combos)]
    for name, _ in FRAMEWORKS:
        L.append(f"| {name} | " + " | ".join(http_cell(res.get(run_key(name, s, w, d), {})) for s, w in combos) + " |")
    for label, other in (("fastdispatch / bare WSGI", "bare WSGI"), ("fastdispatch / Flask", "Flask"),
                         ("fastdispatch / Falcon", "Falcon")):
        vals, medians = [], []
        for s, w in combos:
            a, b = http_rps(res, "fastdispatch", s, w, d), http_rps(res, other, s, w, d)
            vals.append(f"{a / b:.2f}x" if a and b else "-")
            m = paired(res, "fastdispatch", other, s, w, d)
            medians.append("-" if m is None else f"{m:.2f}x")
        L.append(f"| _{label}_ (best rounds) | " + " | ".join(vals) + " |")
        L.append(f"| _{label}_ (median of rounds) | " + " | ".join(medians) + " |")
    L.append("")
    return L


def failed_runs(res):
    return [f"- failed: {key.replace('|', ' on ', 1).replace('|', ' x', 1).replace('|p', ' pipelined x')}: {r['error']}"
            for key, r in res.items() if "error" in r]


def http_targets(res, workers_counts):
    """The GitHub app's targets, on meinheld and on the default server."""
    out = []
    for server in dict.fromkeys(("meinheld", DEFAULT_SERVER)):
        where = f"HTTP {server}" + (" (the default server)" if server == DEFAULT_SERVER else "")
        for w in workers_counts:
            vs_bare, vs_flask = paired(res, "fastdispatch", "bare WSGI", server, w), paired(res, "fastdispatch", "Flask", server, w)
            if vs_bare is not None:
                out.append((f"{where} x{w}: fastdispatch >= 0.9x bare WSGI (median of rounds)", vs_bare, vs_bare >= 0.9, "http"))
            if vs_flask is not None:
                out.append((f"{where} x{w}: fastdispatch >= 3x Flask (median of rounds)", vs_flask, vs_flask >= 3, "http"))
    return out


def json_markdown(http, combos):
    """The JSON endpoint's section: its table, measured as the GitHub app's."""
    endpoint = http["json"]
    example = json_apps.requests()[0]
    L = ["## HTTP: a JSON endpoint", ""]
    L.append("`bench/json_apps.py`: `GET /users/<int:user_id>` and `GET /users/<int:user_id>/posts/<int:post_id>`,"
             f" each answering a small object built from its URL values (`{example[0]}`:"
             f" `{json.dumps(example[1], separators=(',', ':'))}`).  fastdispatch and Flask return the dict from"
             " the view (their JSON provider writes it), Falcon sets `resp.media`, the bare WSGI callable"
             " encodes it with `json` itself.  Measured as the GitHub app above (same wrk, rounds and turns),"
             f" `lua/github.lua` cycling through {endpoint['distinct_requests']:,} distinct requests (ids vary),"
             " without pipelining only, to keep this report's length in check.  Each keeps its JSON defaults:"
             " Falcon's handler writes `\", \"` and `\": \"` separators and no final newline, a few bytes more a"
             " body than the others' compact JSON (the check before each run compares the parsed JSON).")
    L.append("")
    L += http_table(endpoint["results"], combos, 1)
    failed = failed_runs(endpoint["results"])
    if failed:
        L += failed + [""]
    return L


def build_markdown(doc):
    env, router, inproc, http, soak = doc["environment"], doc["router"], doc["inproc"], doc["http"], doc["soak"]
    L = []
    L.append("# fastdispatch benchmark results")
    L.append("")
    L.append(f"Generated by `python bench/report.py{doc.get('args', ' --quick' if doc['quick'] else '')}` on {env['date']}"
             f" ({doc['elapsed_s']:.0f} s).  All ratios are from this one run.")
    L.append("")
    L.append("| machine | |")
    L.append("|---|---|")
    L.append(f"| CPU | {env['cpu']} ({env['cpus']} CPUs) |")
    L.append(f"| OS | {env['platform']} |")
    L.append(f"| Python | {env['implementation']} {env['python']} |")
    L.append(f"| wrk | {env['wrk'] or 'not installed'} |")
    L.append("| versions | " + ", ".join(f"{k} {v}" for k, v in env["versions"].items() if v) + " |")
    L.append("")
    L.append("Route table everywhere: the GitHub API, 203 routes (`tests/data/routes.json`, apps from `bench/apps.py`).")
    L.append("")
    targets = []
    skipped = doc.get("skipped", ())

    def absent(step, why):
        """The line for a step with no figures: left out by --steps, or why not."""
        return f"_not run this time (`--steps` without {step})._" if step in skipped else why

    # router
    L.append("## Router: ns per match (uncached)")
    L.append("")
    if router:
        gh = router["github"]
        base = gh.get("CompiledRouter", {}).get("uncached_ns")
        L.append("Distinct paths over every route, shuffled, min of repeats (`bench/bench_router.py`).")
        L.append("")
        L.append("| router | ns/match | x fastdispatch |")
        L.append("|---|---:|---:|")
        for name in ROUTERS:
            row = gh.get(name)
            if not row or row.get("uncached_ns") is None:
                L.append(f"| {name} | not measured | | |")
                continue
            ns = row["uncached_ns"]
            label = "fastdispatch (CompiledRouter)" if name == "CompiledRouter" else name
            L.append(f"| {label} | {ns:,.0f} | {ns / base:.2f} |" if base else f"| {label} | {ns:,.0f} | |")
        L.append("")
        for c in router.get("checks", []):
            if c.get("measured") is not None:
                targets.append((c["target"], c["measured"], c["pass"], "router"))
    else:
        L.append(absent("router", "_router benchmark failed; see the console output._"))
        L.append("")
    if router and router.get("scale"):
        L += scale.markdown(router["scale"])

    # in-process
    L.append("## In-process WSGI: us per request")
    L.append("")
    if inproc:
        res = inproc["results"]
        base = res.get("fastdispatch", {}).get("us")
        rounds = inproc.get("environment", {}).get("settings", {}).get("rounds")
        L.append("Method and path decoded, a server's environ built, app called, body joined, no socket"
                 f" (`bench/bench_app.py`); {rounds or 'several'} interleaved rounds, every framework once a round"
                 " in a shuffled order.  us/request: the median over rounds; the ratios: the median over rounds"
                 " of each round's own ratio, with its range across rounds (the targets use the median).")
        L.append("")
        L.append("| framework | us/request | x Falcon (range) | x fastdispatch |")
        L.append("|---|---:|---:|---:|")
        for name in INPROC:
            row = res.get(name)
            if not row:
                L.append(f"| {name} | not measured | | |")
                continue
            x = row.get("x_falcon")
            xf = f"{x['median']:.3f} ({x['min']:.3f}-{x['max']:.3f})" if x else ""
            mine = res.get("fastdispatch", {}).get("rounds_us")
            if mine and row.get("rounds_us"):
                xd = f"{statistics.median(a / b for a, b in zip(row['rounds_us'], mine)):.2f}"
            else:
                xd = f"{row['us'] / base:.2f}" if base else ""
            L.append(f"| {name} | {row['us']:.2f} | {xf} | {xd} |")
        L.append("")
        for c in inproc.get("checks", []):
            if c.get("measured") is not None:
                targets.append((c["target"], c["measured"], c["pass"], "in-process"))
    else:
        L.append(absent("inproc", "_in-process benchmark failed; see the console output._"))
        L.append("")

    # HTTP
    L.append("## HTTP: requests per second (wrk)")
    L.append("")
    if http:
        res = http["results"]
        L.append(f"`wrk -t{http['threads']} -c{http['connections']} -d{http['seconds']}s -s bench/lua/github.lua`"
                 f" after a {http['warmup_seconds']} s warm-up, best of {http.get('rounds', 1)} rounds in which the"
                 f" frameworks take turns (throughput here drifts by tens of per cent from minute to minute); the script cycles through {http['distinct_requests']:,}"
                 " distinct GitHub-API requests (ids vary, all methods of the table).  Server:"
                 " `python -m fastdispatch serve http_apps:<app> --server S --workers N` (2 workers on meinheld:"
                 " gunicorn's arbiter with meinheld workers; gthread: gunicorn's arbiter with its gthread worker,"
                 " 4 threads each).  wrk and the server share the machine's CPUs.")
        L.append("")
        servers, workers_counts = http.get("servers", SERVERS), http.get("workers", WORKERS)
        combos = [(s, w) for s in servers for w in workers_counts]
        depth = http.get("pipeline_depth")
        for d in (1, depth) if depth else (1,):
            if d > 1:
                L.append(f"Pipelined, {d} requests written together per connection (`WRK_PIPELINE={d}`, as"
                         " TechEmpower's plaintext test), otherwise the same:")
                L.append("")
            L += http_table(res, combos, d)
        L.append("Ratios two ways: the best rounds' figures divided, and the median over rounds of each"
                 " round's own ratio (the two frameworks ran back to back in it).  The second holds still"
                 " from run to run on this shared machine, where the first swings by 0.1 with one lucky"
                 " round of either side; the targets below use it.")
        L.append("")
        notes = sorted({r["skipped"] for r in res.values() if "skipped" in r})
        for n in notes:
            L.append(f"- unsupported: {n}" + (" (`--workers 2` is refused by the CLI)." if "1 worker only" in n else "."))
        left_out = [x for x in SERVERS if x not in servers] + [f"{w} workers" for w in WORKERS if w not in workers_counts]
        if left_out:
            L.append(f"- not run this time (`--servers`/`--workers`): {', '.join(left_out)}.")
        L += failed_runs(res)
        L.append("")
        targets += http_targets(res, workers_counts)
        # fastest server
        L.append("Fastest server for fastdispatch:")
        L.append("")
        for w in workers_counts:
            ranked = sorted(((http_rps(res, "fastdispatch", s, w), s) for s in servers if http_rps(res, "fastdispatch", s, w)),
                            reverse=True)
            if not ranked:
                continue
            best, name = ranked[0]
            others = ", ".join(f"{best / v:.2f}x {s} ({v:,.0f})" for v, s in ranked[1:])
            L.append(f"- {w} worker{'s' if w > 1 else ''}: **{name}**, {best:,.0f} req/s"
                     + (f"; that is {others}" if others else " (the only one measured)"))
            doc.setdefault("fastest", {})[w] = name
        L.append("")
        L += json_markdown(http, combos)
    else:
        L.append(absent("http", "_wrk is not installed: skipped.  Install it with `apt-get install wrk`._"))
        L.append("")

    # soak
    L.append(f"## Soak: `examples.api:app` on {soak.get('server', 'meinheld') if soak else 'the default server'}, 2 workers")
    L.append("")
    if soak:
        L.append(f"`python bench/soak.py --seconds {soak['seconds']:g} --connections {soak['connections']}`"
                 f" ({soak['elapsed_s']} s with the last slow requests):"
                 " a Python asyncio load generator on raw sockets, each response's status checked against the"
                 " one its request kind must get.")
        L.append("")
        L.append("| kind | request | expected | count |")
        L.append("|---|---|---:|---:|")
        for kind, row in soak["kinds"].items():
            L.append(f"| {kind} | {row['request']} | {row['expected']} | {row['count']:,} |")
        L.append(f"| **total** | | | **{soak['total']:,}** ({soak['total'] / soak['elapsed_s']:,.0f}/s) |")
        L.append("")
        rss = soak["rss"]
        L.append("| criterion | value | |")
        L.append("|---|---:|---|")
        L.append(f"| unexpected status codes | {soak['unexpected_total']} | {verdict(soak['unexpected_total'] == 0)} (must be 0) |")
        L.append(f"| socket errors | {soak['socket_errors']} | {verdict(soak['socket_errors'] == 0)} (must be 0) |")
        L.append(f"| worker RSS after warm-up -> end | {rss['start_kb'] / 1024:.1f} MB -> {rss['end_kb'] / 1024:.1f} MB"
                 f" ({rss['growth_pct']:+.1f}%) | {verdict(rss['growth_pct'] < 10)} (must be < 10%) |")
        L.append(f"| worker processes unchanged | {soak['workers_unchanged']} | {verdict(soak['workers_unchanged'])} |")
        L.append("")
        L.append(f"Worker RSS at boot (idle): {rss['boot_kb'] / 1024:.1f} MB; the baseline is taken after a"
                 f" {soak['warmup_seconds']} s warm-up under the same load.  " + soak["note"])
        if soak.get("unexpected"):
            L.append("")
            L.append("Unexpected: " + ", ".join(f"{k}: {v}" for k, v in soak["unexpected"].items()))
        L.append("")
        targets.append(("soak: 0 unexpected statuses, 0 socket errors, same workers; measured: worker RSS growth % (< 10)",
                        rss["growth_pct"], soak["passed"], "soak"))
    else:
        L.append(absent("soak", "_soak failed to run; see the console output._"))
        L.append("")

    L.append("## Targets")
    L.append("")
    L.append("| target | measured | |")
    L.append("|---|---:|---|")
    for label, measured, ok, _ in targets:
        L.append(f"| {label} | {measured:.3f} | {verdict(ok)} |")
    L.append("")
    L.append("![chart](results.png)")
    L.append("")
    doc["targets"] = targets
    return "\n".join(L)


def chart(doc, path):
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        log("matplotlib is not installed: no chart (pip install matplotlib, or the 'bench' extra)")
        return False
    at_scale = (doc["router"] or {}).get("scale")
    # a second row for the scale section's line charts, when it ran
    fig, grid = plt.subplots(2 if at_scale else 1, 3, figsize=(18, 11 if at_scale else 5.5), squeeze=False)
    axes = grid[0]
    if at_scale:
        scale.plot(grid[1], at_scale)
    hl = "#d62728"
    if doc["router"] and doc["router"]["github"]:  # empty after bench_router.py --scale-only
        gh = doc["router"]["github"]
        names = [n for n in ROUTERS if gh.get(n, {}).get("uncached_ns") is not None]
        vals = [gh[n]["uncached_ns"] for n in names]
        labels = ["fastdispatch" if n == "CompiledRouter" else n for n in names]
        ax = axes[0]
        ax.barh(labels, vals, color=[hl if n == "CompiledRouter" else "#7f7f7f" for n in names])
        ax.invert_yaxis()
        ax.set_xscale("log")
        ax.set_xlabel("ns per match (log scale, lower is better)")
        ax.set_title("Router, 203 GitHub routes, uncached")
        for i, v in enumerate(vals):
            ax.text(v, i, f" {v:,.0f}", va="center", fontsize=8)
    if doc["inproc"]:
        res = doc["inproc"]["results"]
        names = [n for n in INPROC if n in res]
        vals = [res[n]["us"] for n in names]
        ax = axes[1]
        ax.barh(names, vals, color=[hl if n == "fastdispatch" else "#7f7f7f" for n in names])
        ax.invert_yaxis()
        ax.set_xscale("log")
        ax.set_xlabel("us per request (log scale, lower is better)")
        ax.set_title("In-process WSGI request")
        for i, v in enumerate(vals):
            ax.text(v, i, f" {v:.2f}", va="center", fontsize=8)
    ax = axes[2]
    if doc["http"]:
        res = doc["http"]["results"]
        combos = [(s, w) for s in doc["http"].get("servers", SERVERS) for w in doc["http"].get("workers", WORKERS)
                  if not (s == "bjoern" and w > 1)]
        width = 0.8 / len(FRAMEWORKS)
        colors = {"fastdispatch": hl, "Flask": "#1f77b4", "Falcon": "#2ca02c", "bare WSGI": "#7f7f7f"}
        for i, (name, _) in enumerate(FRAMEWORKS):
            xs = [j + (i - (len(FRAMEWORKS) - 1) / 2) * width for j in range(len(combos))]
            ys = [res.get(f"{name}|{s}|{w}", {}).get("rps", 0) / 1000 for s, w in combos]
            ax.bar(xs, ys, width, label=name, color=colors[name])
        ax.set_xticks(range(len(combos)))
        ax.set_xticklabels([f"{s}\n{w} worker{'s' if w > 1 else ''}" for s, w in combos], fontsize=8)
        ax.set_ylabel("thousand requests/s (higher is better)")
        ax.set_title("HTTP, wrk -c32 (bjoern: 1 worker only)")
        ax.legend(fontsize=8)
    else:
        ax.text(0.5, 0.5, "wrk not installed", ha="center")
    env = doc["environment"]
    fig.suptitle(f"fastdispatch {env['versions'].get('fastdispatch')} - {env['implementation']} {env['python']},"
                 f" {env['cpu']} ({env['cpus']} CPUs) - {env['date']}", fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return True


def _choices(allowed):
    """An argparse type: a comma-separated list of ``allowed`` names, in ``allowed``'s order."""

    def parse(text):
        names = [n.strip() for n in text.split(",") if n.strip()]
        wrong = [n for n in names if n not in allowed]
        if wrong or not names:
            raise argparse.ArgumentTypeError(f"choose from {','.join(allowed)}, not {text!r}")
        return tuple(n for n in allowed if n in names)

    return parse


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="shorter runs (about 2 minutes instead of about 5)")
    parser.add_argument("--out", default=str(BENCH), help="directory for results.md and results.png (default: bench/)")
    parser.add_argument("--steps", default=",".join(STEPS), type=_choices(STEPS),
                        help=f"the steps to run, comma-separated (default: all: {','.join(STEPS)})")
    parser.add_argument("--servers", default=",".join(SERVERS), type=_choices(SERVERS),
                        help=f"HTTP step: the servers (default: {','.join(SERVERS)})")
    parser.add_argument("--workers", default=",".join(map(str, WORKERS)), type=_choices(tuple(map(str, WORKERS))),
                        help=f"HTTP step: the worker counts (default: {','.join(map(str, WORKERS))})")
    parser.add_argument("--pipeline-depth", type=int, default=PIPELINE_DEPTH, metavar="N",
                        help=f"HTTP step: also measure with N pipelined requests per connection; 0 or 1: not (default: {PIPELINE_DEPTH})")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    out = Path(args.out)
    env = {"date": time.strftime("%Y-%m-%d %H:%M:%S %Z"), "cpu": cpu_model(), "cpus": os.cpu_count(),
           "platform": platform.platform(), "python": platform.python_version(),
           "implementation": platform.python_implementation(), "versions": versions(), "wrk": wrk_version()}
    log(f"fastdispatch benchmark{' (quick)' if args.quick else ''}: {env['implementation']} {env['python']},"
        f" {env['cpu']}, {env['cpus']} CPUs")
    failed = []
    skipped = [step for step in STEPS if step not in args.steps]
    router = inproc = http = soak = None
    with tempfile.TemporaryDirectory(prefix="fastdispatch-bench-") as tmp:
        if "router" in args.steps:
            log("\n[1/4] router")
            router = run_json_bench("bench_router.py", args.quick, tmp)
        if "inproc" in args.steps:
            log("\n[2/4] in-process WSGI")
            inproc = run_json_bench("bench_app.py", args.quick, tmp)
        if "http" in args.steps:
            log("\n[3/4] HTTP (wrk)")
            http = http_bench(args.quick, tmp, args.servers, tuple(int(w) for w in args.workers), args.pipeline_depth)
        if "soak" in args.steps:
            log("\n[4/4] soak")
            soak = run_soak(args.quick, tmp)
    failed += [n for n, step, d in (("router", "router", router), ("in-process", "inproc", inproc), ("soak", "soak", soak))
               if d is None and step not in skipped]
    doc = {"quick": args.quick, "environment": env, "router": router, "inproc": inproc, "http": http, "soak": soak,
           "elapsed_s": time.perf_counter() - started, "skipped": skipped,
           "args": "".join(f" {a}" for a in (sys.argv[1:] if argv is None else argv) if not a.startswith("--out"))}
    md = build_markdown(doc)
    (out / "results.md").write_text(md)
    has_chart = chart(doc, out / "results.png")
    log("\nTargets:")
    for label, measured, ok, _ in doc["targets"]:
        log(f"  {verdict(ok)}  {label}: {measured:.3f}")
    for w, name in sorted(doc.get("fastest", {}).items()):
        log(f"  fastest server for fastdispatch, {w} worker{'s' if w > 1 else ''}: {name}")
    log(f"\nwrote {out / 'results.md'}" + (f" and {out / 'results.png'}" if has_chart else "")
        + f" in {time.perf_counter() - started:.0f} s")
    if failed:
        log("failed steps: " + ", ".join(failed))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
