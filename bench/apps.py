"""The GitHub API app, once per framework, for the WSGI benchmark.

Every app serves the 203 routes of ``tests/data/routes.json`` (each
``[METHOD, rule]``, rules in Flask's ``<name>`` syntax) with one view per
route.  The view's whole work is one f-string of its URL params, the same
source for every framework::

    def view(owner, repo):                       # Flask, fastdispatch, Bottle
        return f"r9 {owner}/{repo}"

    def on_get(self, req, resp, owner, repo):    # Falcon's responder
        resp.text = f"r9 {owner}/{repo}"

``r9`` is the route's index in the table, so a body names the route that
answered as well as the params it got; a static route answers its fixed
``r<index>``.  The functions are generated from source text (``_define``)
rather than wrapped around a shared ``**kwargs`` function, so no framework
pays an extra call or a dict repack that its own users would not write.

Each app answers ``text/html; charset=utf-8`` (Flask's and Bottle's default
for a str; Falcon is given it as its default media type, so no responder sets
it per request).

``bare WSGI`` is the floor: a WSGI callable looking the concrete path up in a
dict made from the very requests the benchmark sends, returning the stored
body.  No framework can route faster than that, and it carries the same
environ building, ``start_response`` and body joining as the others.
"""

from __future__ import annotations

from collections import defaultdict

from workload import PARAM, endpoint_name

TEXT_HTML = "text/html; charset=utf-8"

# (name, module needed): the order of the table.
FRAMEWORKS = (
    ("fastdispatch", "fastdispatch"),
    ("fastdispatch (pure)", "fastdispatch"),
    ("Flask", "flask"),
    ("Falcon", "falcon"),
    ("Bottle", "bottle"),
    ("bare WSGI", None),
)
COMPILED, PURE, FLASK, FALCON, BOTTLE, FLOOR = (name for name, _ in FRAMEWORKS)


# -- the views ----------------------------------------------------------------


def param_names(rule):
    return PARAM.findall(rule)


def body_text(index, params):
    """What route ``index`` answers for ``params`` (a dict in rule order)."""
    if not params:
        return f"r{index}"
    return f"r{index} " + "/".join(params.values())


def _template(index, names):
    """The f-string a view returns, as source: ``f"r9 {owner}/{repo}"``."""
    if not names:
        return repr(f"r{index}")
    return 'f"r%d %s"' % (index, "/".join("{%s}" % n for n in names))


def _define(source, name, index):
    # A file name per route: profilers key functions by (file, line, name),
    # and would fold the 203 views into one entry otherwise.
    namespace = {}
    exec(compile(source, f"<bench view r{index}>", "exec"), namespace)
    return namespace[name]


def make_view(index, rule):
    """``view(**params) -> str`` for Flask, fastdispatch and Bottle."""
    names = param_names(rule)
    src = f"def view({', '.join(names)}):\n    return {_template(index, names)}\n"
    return _define(src, "view", index)


def make_responder(index, method, rule):
    """Falcon's ``on_<method>(self, req, resp, **params)``: the same f-string."""
    names = param_names(rule)
    func = f"on_{method.lower()}"
    src = f"def {func}(self, req, resp{''.join(', ' + n for n in names)}):\n    resp.text = {_template(index, names)}\n"
    return _define(src, func, index)


def endpoints(routes):
    """{"METHOD rule": index}: how the benchmark finds a case's route."""
    return {endpoint_name(m, rule): i for i, (m, rule) in enumerate(routes)}


# -- the apps -----------------------------------------------------------------


def _flask_style(app, routes):
    for i, (method, rule) in enumerate(routes):
        app.add_url_rule(rule, endpoint=f"r{i}", view_func=make_view(i, rule), methods=[method])
    return app


def build_fastdispatch(routes):
    from fastdispatch import App
    from fastdispatch.routing import CompiledRouter

    app = App(__name__)
    # The compiled router explicitly, whatever FASTDISPATCH_PURE says.
    app.url_map = CompiledRouter()
    return _flask_style(app, routes)


def build_fastdispatch_pure(routes):
    import fastdispatch.routing
    from fastdispatch import App, _shortpath_py

    class PureApp(App):
        """Pure throughout: the pure router and the pure short path,
        whatever the twins' selectors chose."""

        __call__ = _shortpath_py.call

    app = PureApp(__name__)
    app.url_map = fastdispatch.routing.PythonRouter()
    return _flask_style(app, routes)


def build_flask(routes):
    from flask import Flask

    return _flask_style(Flask(__name__), routes)


def build_falcon(routes):
    import falcon

    # One resource per path template, a responder per method on it, as a
    # Falcon app is written.  The rule's <name> becomes {name}.
    by_path = defaultdict(dict)
    for i, (method, rule) in enumerate(routes):
        if any(":" in m.group(0) for m in PARAM.finditer(rule)):
            raise ValueError(f"converter in {rule} is not translated for Falcon")
        template = PARAM.sub(lambda m: "{%s}" % m.group(1), rule)
        by_path[template][f"on_{method.lower()}"] = make_responder(i, method, rule)
    app = falcon.App(media_type=TEXT_HTML)
    for n, (template, responders) in enumerate(by_path.items()):
        resource = type(f"Resource{n}", (), responders)()
        app.add_route(template, resource)
    return app


def build_bottle(routes):
    import bottle

    app = bottle.Bottle()
    for i, (method, rule) in enumerate(routes):
        # Bottle's default wildcard, <name>, is Werkzeug's default: one
        # segment, [^/]+.  Typed converters would need translating.
        if any(":" in m.group(0) for m in PARAM.finditer(rule)):
            raise ValueError(f"converter in {rule} is not translated for Bottle")
        app.route(rule, method=method, callback=make_view(i, rule))
    return app


def build_floor(routes, cases):
    """A bare WSGI callable: {path: {method: body}} over the requests sent."""
    index = endpoints(routes)
    table = defaultdict(dict)
    for method, path, endpoint, params in cases:
        table[path][method] = body_text(index[endpoint], params).encode()
    table = dict(table)
    content_type = ("Content-Type", TEXT_HTML)

    def app(environ, start_response):
        body = table[environ["PATH_INFO"]][environ["REQUEST_METHOD"]]
        start_response("200 OK", [content_type, ("Content-Length", str(len(body)))])
        return [body]

    return app


BUILDERS = {
    COMPILED: build_fastdispatch,
    PURE: build_fastdispatch_pure,
    FLASK: build_flask,
    FALCON: build_falcon,
    BOTTLE: build_bottle,
}


def available():
    """The framework names that can be built here; prints why any cannot."""
    out = []
    for name, module in FRAMEWORKS:
        if module is not None:
            try:
                __import__(module)
            except ImportError:
                print(f"note: {module} is not installed; {name} left out")
                continue
        if name == COMPILED:
            from fastdispatch.routing import CompiledRouter

            if CompiledRouter is None:
                print("note: fastdispatch's CompiledRouter is not built; the compiled app is left out")
                continue
        out.append(name)
    return out


def build(name, routes, cases=()):
    """The WSGI app of framework ``name``; ``cases`` only feed the floor's dict."""
    if name == FLOOR:
        return build_floor(routes, cases)
    return BUILDERS[name](routes)


def build_all(routes, cases, names=None):
    """{name: app} for every available framework (or those of ``names``)."""
    names = available() if names is None else names
    return {name: build(name, routes, cases) for name in names}

