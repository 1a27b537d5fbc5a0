#!/usr/bin/env python
"""Instructions per request under callgrind: repeatable where the clock is not.

    valgrind --tool=callgrind --callgrind-out-file=OUT python bench/profile_request.py NAME [COUNT] [--environ E]
    python bench/profile_request.py --ir NAME... [COUNT]   # runs callgrind itself: Ir per request

Builds one framework's GitHub API app (``apps.py``), checks it, sends
``workload.cases(routes, 8)`` once untimed (warm-up: imports, caches, the
interpreter's specialization), then ``COUNT`` requests cycling through the
same cases through ``bench_app.requester`` (the benchmark's own harness).
``--ir`` runs each NAME under callgrind collecting only inside the timed
``deque.extendleft`` (start-up, building and warm-up left out) and prints
instructions per request; the files stay for ``callgrind_annotate``.  The
hash seed is fixed (``PYTHONHASHSEED=0``): a random one moves dict probe
lengths, and with them the counts, by a few hundred per request.  NAME is a framework of ``apps.FRAMEWORKS`` (``fastdispatch``,
``fastdispatch (pure)``, ``Falcon``, ``bare WSGI``, ...).
"""

from __future__ import annotations

import argparse
import itertools
import os
import re
import subprocess
import sys
import tempfile
from collections import deque
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import apps  # noqa: E402
import bench_app  # noqa: E402
import workload  # noqa: E402


def serve(name, count, environ):
    routes = workload.github_routes()
    cases = workload.cases(routes, 8)
    app = apps.build(name, routes, cases)
    bench_app.verify(name, app, cases, bench_app.expected(routes, cases), environ)
    request = bench_app.requester(app, environ=environ)
    methods = workload.encoded(c[0] for c in cases)
    paths = workload.encoded(c[1] for c in cases)
    consume = deque(maxlen=0).extend
    consume(map(request, methods, paths))
    # extendleft only here: callgrind collects inside deque_extendleft alone (--toggle-collect)
    deque(maxlen=0).extendleft(map(request, itertools.islice(itertools.cycle(methods), count),
                                   itertools.islice(itertools.cycle(paths), count)))


def total_ir(name, count, environ, out):
    cmd = ["valgrind", "--tool=callgrind", "--collect-atstart=no", "--toggle-collect=deque_extendleft",
           f"--callgrind-out-file={out}", sys.executable, __file__,
           name, str(count), "--environ", environ]
    # A fixed hash seed: with a random one, dict probe lengths (the environ's, the
    # router's, module globals) change from run to run by a few hundred Ir/request.
    proc = subprocess.run(cmd, capture_output=True, text=True, env=dict(os.environ, PYTHONHASHSEED="0"))
    m = re.search(r"Collected : (\d+)", proc.stderr)
    if proc.returncode or not m:
        raise SystemExit(proc.stderr[-2000:])
    return int(m.group(1))


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("names", nargs="+")
    p.add_argument("count", nargs="?", type=int, default=2000)
    p.add_argument("--environ", choices=bench_app.ENVIRONS, default="server")
    p.add_argument("--ir", action="store_true", help="run callgrind: instructions per request")
    p.add_argument("--keep", metavar="DIR", help="with --ir: keep the callgrind files here")
    a = p.parse_args(argv)
    if a.names and a.names[-1].isdigit():  # argparse cannot tell the optional count from a name
        a.count = int(a.names.pop())
    if not a.ir:
        serve(a.names[0], a.count, a.environ)
        return
    keep = a.keep or tempfile.mkdtemp(prefix="callgrind-")
    os.makedirs(keep, exist_ok=True)
    for name in a.names:
        tag = re.sub(r"\W+", "_", name)
        ir = total_ir(name, a.count, a.environ, f"{keep}/{tag}.{a.environ}.out")
        print(f"{name:<21} {a.environ:<8} {ir / a.count:>8,.0f} Ir/request", flush=True)


if __name__ == "__main__":
    main()
