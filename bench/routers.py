"""One adapter per router in the benchmark.

Each adapter's ``build(routes)`` takes ``(method, flask_rule)`` pairs and sets
``match(method, path)``: the call a dispatcher makes, answering with the
endpoint (method included) and the params.  fastdispatch, Werkzeug and
http-router take the method themselves; for the path-only peers (Falcon,
routrie, autoroutes) the adapter picks the endpoint from a per-path
``{method: endpoint}`` dict, which a dispatcher built on them has to do too,
so that small Python wrapper is part of their time.  ``raw``, where there is
one, is the peer's own lookup by path alone, timed as well so the wrapper's
share is visible.

A route a peer cannot express is left out for that peer only and listed in
``skipped``; its paths are then not asked of that peer.
"""

from __future__ import annotations

from collections import defaultdict

from workload import PARAM, endpoint_name

PEERS = ("routrie", "autoroutes", "Falcon")  # the targets compare against the fastest of these


class Unsupported(Exception):
    pass


def translate(rule, template):
    """``<name>`` -> ``template.format(name)``; only plain string params translate.

    The peers' params match one whole segment without a type, as Werkzeug's
    default ``string`` converter does; a typed converter has no equivalent.
    """
    for m in PARAM.finditer(rule):
        if ":" in m.group(0):
            raise Unsupported(f"converter {m.group(0)}")
    return PARAM.sub(lambda m: template.format(m.group(1)), rule)


def by_path(routes, template):
    """{translated path: {method: endpoint}}, plus the routes that did not translate."""
    paths, skipped = defaultdict(dict), []
    for method, rule in routes:
        try:
            paths[translate(rule, template)][method] = endpoint_name(method, rule)
        except Unsupported as e:
            skipped.append((method, rule, str(e)))
    return paths, skipped


class Adapter:
    name = ""
    raw = None  # peer's path-only lookup, when it has one

    def __init__(self):
        self.skipped = []  # (method, rule, reason)

    def build(self, routes, cases=()):
        """``cases`` are only for the dict floor, which must know the paths."""
        raise NotImplementedError

    def unpack(self, result):
        """(endpoint, params as a dict of str) from what ``match`` returned."""
        endpoint, params = result
        return endpoint, dict(params)

    def usable(self, cases):
        """The cases this adapter can answer: none of the routes it skipped."""
        skipped = {endpoint_name(m, rule) for m, rule, _ in self.skipped}
        return [c for c in cases if c[2] not in skipped]

    def verify(self, cases):
        """Every case must give its endpoint and params, or the timing means nothing."""
        wrong = []
        for method, path, endpoint, params in cases:
            try:
                got = self.unpack(self.match(method, path))
            except Exception as e:  # a miss raises in most routers
                got = f"{type(e).__name__}: {e}"
            if got != (endpoint, params):
                wrong.append(f"  {method} {path}: expected {(endpoint, params)!r}, got {got!r}")
        if wrong:
            head = f"{self.name} matched {len(wrong)} of {len(cases)} paths wrongly:"
            raise AssertionError("\n".join([head] + wrong[:10]))


class Fastdispatch(Adapter):
    def __init__(self, cls):
        super().__init__()
        self.cls = cls
        self.name = cls.__name__

    def build(self, routes, cases=()):
        router = self.cls()
        for method, rule in routes:
            router.add(rule, endpoint_name(method, rule), methods=(method,))
        self.match = router.match  # the bound method itself: no wrapper


class Werkzeug(Adapter):
    name = "Werkzeug Map"

    def build(self, routes, cases=()):
        from werkzeug.routing import Map, Rule

        rules = [Rule(rule, endpoint=endpoint_name(m, rule), methods=[m]) for m, rule in routes]
        # Flask's settings; bound once, as Flask binds per request but that is not routing.
        bound = Map(rules, strict_slashes=True, merge_slashes=False).bind("localhost").match

        def match(method, path):
            return bound(path, method)

        self.match = match


class Falcon(Adapter):
    name = "Falcon"

    def build(self, routes, cases=()):
        from falcon.routing import CompiledRouter

        class Resource:  # Falcon dispatches methods by resource; this one just names endpoints
            def __init__(self, endpoints):
                self.endpoints = endpoints

        router = CompiledRouter()
        paths, self.skipped = by_path(routes, "{{{}}}")
        for path, endpoints in paths.items():
            try:
                router.add_route(path, Resource(endpoints))
            except ValueError as e:
                self.skipped += [(m, ep.split(" ", 1)[1], str(e)) for m, ep in endpoints.items()]
        router.find("/")  # Falcon compiles its matcher on the first find: do it now, untimed
        find = self.raw = router.find

        def match(method, path):
            resource, _, params, _ = find(path)
            return resource.endpoints[method], params

        self.match = match


class Routrie(Adapter):
    name = "routrie"

    def build(self, routes, cases=()):
        # The extension's class, not ``routrie.Router``: that is a Python
        # wrapper whose ``find`` only adds a call; the peer gets its best case.
        from routrie._routrie import Router

        router = Router()
        paths, self.skipped = by_path(routes, ":{}")
        for path, endpoints in paths.items():
            router.insert(path, endpoints)
        find = self.raw = router.find

        def match(method, path):
            endpoints, params = find(path)  # params: [(name, value)]
            return endpoints[method], params

        self.match = match


def static_first(path):
    # autoroutes keeps the first-added of a static and a placeholder segment
    # where both could match; adding static segments first gives Werkzeug's
    # "static beats converter" at every segment.
    return [(seg.startswith("{"), seg) for seg in path.split("/")]


class Autoroutes(Adapter):
    name = "autoroutes"

    def build(self, routes, cases=()):
        from autoroutes import Routes

        router = Routes()
        paths, self.skipped = by_path(routes, "{{{}}}")
        for path in sorted(paths, key=static_first):
            router.add(path, **paths[path])
        find = self.raw = router.match

        def match(method, path):
            endpoints, params = find(path)
            return endpoints[method], params

        self.match = match


class HttpRouter(Adapter):
    name = "http-router"

    def build(self, routes, cases=()):
        from http_router import Router

        # The path is already percent-decoded (WSGI), as fastdispatch takes it.
        # Its match() has an lru_cache(1024) with no switch to turn it off; the
        # uncached run's thousands of distinct paths cycle through it, so every
        # lookup misses (and pays the cache's upkeep, as it would in service).
        router = Router(unquote_params=False)
        for method, rule in routes:
            try:
                router.route(translate(rule, "{{{}}}"), methods=[method])(endpoint_name(method, rule))
            except Unsupported as e:
                self.skipped.append((method, rule, str(e)))

        def match(method, path):
            return router(path, method)

        self.match = match

    def unpack(self, result):
        return result.target, dict(result.params or {})  # None for a static route


class DictFloor(Adapter):
    """A dict of every concrete path the run asks for: no router can beat it."""

    name = "dict (floor)"

    def build(self, routes, cases=()):
        table = defaultdict(dict)
        for method, path, endpoint, params in cases:
            table[path][method] = (endpoint, params)
        table = dict(table)
        self.raw = table.__getitem__

        def match(method, path):
            return table[path][method]

        self.match = match


def adapters():
    """Fresh adapters for every router present; prints why any is missing."""
    from fastdispatch.routing import CompiledRouter, PythonRouter

    out = []
    if CompiledRouter is None:
        print("note: fastdispatch CompiledRouter is not built (None); left out of the table")
    else:
        out.append(Fastdispatch(CompiledRouter))
    out.append(Fastdispatch(PythonRouter))
    for cls, module in [(Werkzeug, "werkzeug"), (Falcon, "falcon"), (Routrie, "routrie"),
                        (Autoroutes, "autoroutes"), (HttpRouter, "http_router")]:
        try:
            __import__(module)
        except ImportError:
            print(f"note: {module} is not installed; {cls.name} left out")
            continue
        out.append(cls())
    out.append(DictFloor())
    return out

