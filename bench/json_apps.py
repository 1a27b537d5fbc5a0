"""A JSON microservice, once per framework, as module-level WSGI apps for
real HTTP servers (``report.py``'s JSON workload, beside ``http_apps.py``'s
GitHub app).  Serve one with ``bench`` on ``PYTHONPATH``::

    PYTHONPATH=bench python -m fastdispatch serve json_apps:fastdispatch_app --server granian

Two routes, each answering a small JSON object built from its URL values::

    GET /users/<int:user_id>                      -> user_doc(user_id)
    GET /users/<int:user_id>/posts/<int:post_id>  -> post_doc(user_id, post_id)

Apps: ``fastdispatch_app`` (compiled router) and ``flask_app`` return the
dict from the view, so their JSON provider writes it; ``falcon_app`` sets
``resp.media``; ``bare_app`` (the floor) finds the concrete path in a dict
made from the very requests ``requests()`` lists, as ``apps.build_floor``
does, and encodes the object itself.  Each is built on first access.

The bodies: fastdispatch and Flask write compact JSON with sorted keys and a
newline (Flask's DefaultJSONProvider); the floor writes the same bytes.
Falcon's default handler writes ``json.dumps(obj, ensure_ascii=False)``:
``", "`` and ``": "`` separators, keys in insertion order, no newline.  Each
framework keeps its defaults, as its users get them, so the bodies differ in
whitespace only (the objects' keys are written in sorted order, and every
value is ASCII); the checks compare the parsed JSON.
"""

from __future__ import annotations

import json
import random
import re

SEED = 20240613  # workload.SEED: a fixed order, the same every run
USERS = 2000  # 2,000 user paths and 2,000 post paths: 4,000 distinct requests
JSON_MIMETYPE = "application/json"
USER_RULE = "/users/<int:user_id>"
POST_RULE = "/users/<int:user_id>/posts/<int:post_id>"


# -- the views ----------------------------------------------------------------
# Keys in sorted order, so Falcon (insertion order) writes them in the order
# the providers that sort write them.


def user_doc(user_id):
    return {"active": True, "id": user_id, "name": f"user{user_id}", "tags": ["a", "b"]}


def post_doc(user_id, post_id):
    return {"id": post_id, "title": f"post {post_id}", "user_id": user_id}


def requests():
    """[(path, doc)]: what the wrk script sends (it cycles), and the object
    each path answers.  Ids vary, so no cache decides."""
    out = []
    for i in range(1, USERS + 1):
        out.append((f"/users/{i}", user_doc(i)))
        post = (i * 7) % 97 + 1  # varies with the user, so post paths differ too
        out.append((f"/users/{i}/posts/{post}", post_doc(i, post)))
    random.Random(SEED).shuffle(out)
    return out


def write_requests(path):
    """The list for ``lua/github.lua`` ($WRK_REQUESTS): ``GET PATH`` a line."""
    with open(path, "w") as f:
        for p, _doc in requests():
            f.write(f"GET {p}\n")
    return path


# -- the apps -----------------------------------------------------------------


def build_fastdispatch():
    from fastdispatch import App
    from fastdispatch.routing import CompiledRouter

    app = App(__name__)
    app.url_map = CompiledRouter()  # the compiled router, whatever FASTDISPATCH_PURE says
    app.add_url_rule(USER_RULE, view_func=user_doc)
    app.add_url_rule(POST_RULE, view_func=post_doc)
    return app


def build_flask():
    from flask import Flask

    app = Flask(__name__)
    app.add_url_rule(USER_RULE, view_func=user_doc)
    app.add_url_rule(POST_RULE, view_func=post_doc)
    return app


def build_falcon():
    import falcon

    class User:
        def on_get(self, req, resp, user_id):
            resp.media = user_doc(user_id)

    class Post:
        def on_get(self, req, resp, user_id, post_id):
            resp.media = post_doc(user_id, post_id)

    app = falcon.App()  # media type application/json, the default JSON handler
    app.add_route(falcon_template(USER_RULE), User())
    app.add_route(falcon_template(POST_RULE), Post())
    return app


def falcon_template(rule):
    """``/users/<int:user_id>`` as Falcon writes it: ``/users/{user_id:int}``."""
    return re.sub(r"<int:(\w+)>", r"{\1:int}", rule)


def build_floor():
    """A bare WSGI callable: {path: (view, args)} over the requests sent; the
    view builds the object and the callable encodes it, as the frameworks do."""
    table = {}
    for path, doc in requests():
        if "title" in doc:
            table[path] = (post_doc, (doc["user_id"], doc["id"]))
        else:
            table[path] = (user_doc, (doc["id"],))
    # The keys come sorted already (see the views): no sort_keys needed for
    # the providers' bytes.  One encoder, as json.dumps with options would
    # build one per call.
    encode = json.JSONEncoder(separators=(",", ":")).encode
    content_type = ("Content-Type", JSON_MIMETYPE)

    def app(environ, start_response):
        view, args = table[environ["PATH_INFO"]]
        body = (encode(view(*args)) + "\n").encode()
        start_response("200 OK", [content_type, ("Content-Length", str(len(body)))])
        return [body]

    return app


_BUILDERS = {
    "fastdispatch_app": build_fastdispatch,
    "flask_app": build_flask,
    "falcon_app": build_falcon,
    "bare_app": build_floor,
}
_built: dict = {}


def __getattr__(name):
    if name not in _BUILDERS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    if name not in _built:
        _built[name] = _BUILDERS[name]()
    return _built[name]
