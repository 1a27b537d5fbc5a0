"""Route tables and the request paths the router benchmark matches.

A case is ``(method, path, endpoint, params)``: the request and the answer
every router must give.  A route's endpoint is ``"METHOD rule"``, so each
adapter can name it without being told.

Parameter values vary per copy (``owner0``, ``owner1``, ...) so a round of
matching visits thousands of distinct paths: no result cache (http-router has
an LRU of 1024) can answer it from memory.  The values never equal a static
segment of the tables, so each path matches its own route under Werkzeug's
rules (the benchmark checks this for every router before timing).
"""

from __future__ import annotations

import json
import pathlib
import random
import re
from importlib import metadata

ROUTES_JSON = pathlib.Path(__file__).resolve().parent.parent / "tests" / "data" / "routes.json"
PARAM = re.compile(r"<(?:[^:<>]+:)?([A-Za-z_][A-Za-z0-9_]*)>")
SEED = 20240613  # fixed, so every run (and every router) sees the same order


def package_versions(packages):
    """{distribution: installed version or None}, for the record of a run."""
    out = {}
    for pkg in packages:
        try:
            out[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            out[pkg] = None
    return out


def endpoint_name(method, rule):
    return f"{method} {rule}"


def github_routes():
    """The 203 GitHub API routes of the test data, as (method, rule)."""
    return [tuple(r) for r in json.loads(ROUTES_JSON.read_text())["github"]]


def concrete(rule, copy):
    """The rule with each ``<name>`` replaced by ``name{copy}``, and the params."""
    params = {}

    def fill(m):
        params[m.group(1)] = value = f"{m.group(1)}{copy}"
        return value

    return PARAM.sub(fill, rule), params


def cases(routes, per_route, seed=SEED):
    """``per_route`` distinct paths for each route, shuffled.

    Shuffled so consecutive matches go down different branches, as traffic
    does; routes in file order would let the CPU's caches and branch
    predictor see the same route many times in a row.
    """
    out = []
    for method, rule in routes:
        for copy in range(per_route):
            path, params = concrete(rule, copy)
            out.append((method, path, endpoint_name(method, rule), params))
    random.Random(seed).shuffle(out)
    return out


def hot_cases(routes):
    """One fixed path per route: the same few hundred strings every round."""
    return cases(routes, 1)


def cases_for(routes, count, seed=SEED):
    """``count`` distinct paths spread evenly over ``routes``.

    Used for the scaling tables: the 100-route and the 10,000-route tables
    get the same number of paths, so only the table size differs.
    """
    per_route = -(-count // len(routes))
    return cases(routes, per_route, seed)[:count]


def zipf_cases(routes, count, s=1.0, seed=SEED):
    """``count`` distinct paths, the routes drawn with Zipf-skewed weights.

    The route of rank ``r`` (ranks in a shuffled order, so the hot routes
    are spread over the table) is drawn with weight ``1 / r**s``, as real
    traffic favours a few endpoints; every draw of a route gets the next
    copy of its values, so the paths stay distinct (no result cache
    decides) while the tree walks concentrate on the hot routes.
    """
    rng = random.Random(seed)
    order = list(range(len(routes)))
    rng.shuffle(order)
    cum, total = [], 0.0
    for rank in range(1, len(routes) + 1):
        total += 1 / rank**s
        cum.append(total)
    copies = [0] * len(routes)
    out = []
    for i in rng.choices(order, cum_weights=cum, k=count):
        method, rule = routes[i]
        path, params = concrete(rule, copies[i])
        copies[i] += 1
        out.append((method, path, endpoint_name(method, rule), params))
    return out


def generated_routes(n, seed=SEED):
    """``n`` routes shaped like a large versioned REST API.

    Resource ``i`` gets a collection (GET, POST), an item (GET, PUT, DELETE),
    a static ``search`` page, one to three sub-collections with items, and
    sometimes a fully static page outside ``/api``.  The mix of static and
    dynamic segments is drawn from the same distribution whatever ``n`` is,
    so the 100- and 10,000-route tables differ only in size (the 100-route
    table is the first 100 routes of the same sequence).
    """
    rng = random.Random(seed)
    routes = []
    i = 0
    while len(routes) < n:
        base = f"/api/v{rng.randint(1, 3)}/resource{i}"
        routes += [("GET", base), ("POST", base), ("GET", f"{base}/search")]
        routes += [(m, f"{base}/<id>") for m in ("GET", "PUT", "DELETE")]
        for j in range(rng.randint(1, 3)):
            routes += [("GET", f"{base}/<id>/sub{j}"), ("GET", f"{base}/<id>/sub{j}/<sub_id>")]
        if rng.random() < 0.3:
            routes.append(("GET", f"/pages/resource{i}/about"))
        i += 1
    return routes[:n]


def encoded(strings):
    return [s.encode("latin-1") for s in strings]


def fresh(raw):
    """New str objects from ``encoded`` bytes, as a WSGI server makes PATH_INFO.

    A str computes its hash once and keeps it, so after the first round a
    router that hashes the path (a dict of static routes, a result cache)
    would get it free; a server hands over a new str per request (PEP 3333:
    decoded as latin-1), so each timed pass gets new ones too.
    """
    return [b.decode("latin-1") for b in raw]
