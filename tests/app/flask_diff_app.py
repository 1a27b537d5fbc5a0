"""One realistic application, written once against the Flask API.

``make_app(ns)`` builds it from the names in ``ns`` (``ns.App``,
``ns.request``, ``ns.jsonify``, ``ns.exceptions``, ...), so the very same
code runs on Flask and on fastdispatch; ``test_flask_diff.py`` drives both
with the same requests and compares the responses byte for byte.

``ns.router_cls`` (fastdispatch only; None for Flask) replaces the router
right after the app is made, before any route is added.
"""

from __future__ import annotations

import datetime
import uuid

__all__ = ["make_app"]

# A fixed date, so that Set-Cookie headers compare byte for byte.
COOKIE_EXPIRES = datetime.datetime(2031, 5, 17, 12, 30, 0, tzinfo=datetime.timezone.utc)
MAX_CONTENT_LENGTH = 4096
MAX_FORM_MEMORY_SIZE = 1000
MAX_FORM_PARTS = 4
SECRET_KEY = "diff-secret-key"
PERMANENT_SESSION_LIFETIME = 7200  # seconds (the config takes an int as Flask's)
UUID_VALUE = "12345678-1234-5678-1234-567812345678"


def make_app(ns, hooks=True):  # noqa: C901 (one app, on purpose)
    """``hooks=False``: the same app without its app-level request hooks
    (fastdispatch answers a plain ``str`` view on a shorter path then)."""
    App, Blueprint, request, g = ns.App, ns.Blueprint, ns.request, ns.g
    jsonify, abort, redirect, url_for = ns.jsonify, ns.abort, ns.redirect, ns.url_for
    make_response, Response, current_app = ns.make_response, ns.Response, ns.current_app
    exc = ns.exceptions

    app = App(__name__)
    if ns.router_cls is not None:
        app.url_map = ns.router_cls(merge_slashes=True)  # before any route; Flask merges slashes
    app.config["MAX_CONTENT_LENGTH"] = MAX_CONTENT_LENGTH
    app.config["MAX_FORM_MEMORY_SIZE"] = MAX_FORM_MEMORY_SIZE
    app.config["MAX_FORM_PARTS"] = MAX_FORM_PARTS
    app.teardown_log = []  # (path, exception name or None) per request

    class ListConverter(ns.BaseConverter):
        """``/list/a,b,c`` -> ["a", "b", "c"]."""

        def to_python(self, value):
            return value.split(",")

        def to_url(self, value):
            return ",".join(super(ListConverter, self).to_url(v) for v in value)

    app.url_map.converters["list"] = ListConverter

    # -- exceptions of the application's own --------------------------------

    class AppError(Exception):
        pass

    class SubAppError(AppError):
        pass

    class LeafError(SubAppError):
        pass

    class PaymentRequired(Exception):
        def __init__(self, amount):
            super().__init__(amount)
            self.amount = amount

    class SlowDown(exc.TooManyRequests):
        description = "Slow down, please."

    # -- hooks ---------------------------------------------------------------

    def load_user():
        g.hook = "before"
        g.user = request.headers.get("X-User", "anonymous")
        if request.path == "/blocked" or request.path.startswith("/blocked/"):
            return "blocked by before_request", 403, {"X-Blocked": "yes"}
        if request.args.get("hook") == "json":
            return {"short_circuit": True, "path": request.path}
        if request.args.get("before") == "raise":
            raise AppError("raised in before_request")
        return None

    def add_header(response):
        if request.args.get("after") == "raise":
            raise RuntimeError("raised in after_request")
        response.headers["X-After"] = "app"
        response.headers.add("X-Hook-User", g.get("user", "?"))
        return response

    def record_teardown(error):
        app.teardown_log.append([request.path, None if error is None else type(error).__name__])

    if hooks:
        app.before_request(load_user)
        app.after_request(add_header)
        app.teardown_request(record_teardown)

    # -- plain views, return conventions -------------------------------------

    @app.route("/")
    def index():
        return "Hello, World!"

    @app.route("/ret/<kind>")
    def ret(kind):
        if kind == "str":
            return "text ü"
        if kind == "bytes":
            return b"\x00\x01bytes\xff"
        if kind == "dict":
            return {"b": 1, "a": [1, 2.5, None, True], "u": "ü✓"}
        if kind == "list":
            return [1, "two", {"three": 3}]
        if kind == "response":
            return Response("made", status=202, mimetype="text/plain")
        if kind == "tuple-status":
            return "created", 201
        if kind == "tuple-headers":
            return "with headers", {"X-Extra": "1", "X-Other": "two"}
        if kind == "tuple-header-list":
            return "with header list", [("X-Extra", "1"), ("X-Extra", "2")]
        if kind == "tuple3":
            return "all three", 202, {"X-Extra": "3"}
        if kind == "status-str":
            return "string status", "201 CREATED"
        if kind == "status-digits":
            return "digits only", "201"
        if kind == "status-custom":
            return "custom", "299 Something Else"
        if kind == "status-unknown-int":
            return "unknown", 299
        if kind == "dict-status":
            return {"ok": False}, 400
        if kind == "list-status-headers":
            return ["x"], 207, {"X-Extra": "l"}
        if kind == "response-tuple":
            return Response("resp", status=200), 203, {"X-Extra": "r"}
        if kind == "make-response":
            resp = make_response("made by make_response", 201)
            resp.headers["X-Made"] = "1"
            resp.mimetype = "text/plain"
            return resp
        if kind == "make-response-dict":
            return make_response({"k": "v"}, 202)
        if kind == "jsonify-args":
            return jsonify(1, "two", [3])
        if kind == "jsonify-kwargs":
            return jsonify(msg="héllo ✓ 日本", n=1, nested={"z": 1, "a": 2})
        if kind == "jsonify-one":
            return jsonify("just a string")
        if kind == "empty-204":
            return "", 204
        if kind == "body-204":
            return "a body that must not be sent", 204
        if kind == "body-304":
            return Response("not modified body", status=304, headers={"ETag": '"abc"', "X-Extra": "1"})
        if kind == "tuple-none-status":
            return "none status", None
        if kind == "tuple3-none-status":
            return "none status", None, {"X-Extra": "n"}
        if kind == "bytearray":
            return bytearray(b"bytearray body")
        if kind == "generator-status":
            return (x for x in ["gen", "erated"]), 201, {"X-Extra": "g"}
        if kind == "status-lower":
            return "lower", "201 created"
        if kind == "status-garbage":
            return "garbage", "abc"
        if kind == "header-int":
            resp = make_response("int header")
            resp.headers["X-Int"] = 5
            resp.headers.add("X-Float", 1.5)
            return resp
        if kind == "jsonify-empty":
            return jsonify()
        if kind == "jsonify-none":
            return jsonify(None)
        if kind == "cookie-odd-values":
            resp = make_response("odd cookies")
            resp.set_cookie("comma", "a,b")
            resp.set_cookie("equals", "k=v")
            resp.set_cookie("empty", "")
            resp.set_cookie("ünï", "key")
            resp.set_cookie("td", "t", max_age=datetime.timedelta(hours=1))
            resp.set_cookie("pathy", "p", path="/a b/ü")
            return resp
        if kind == "none":
            return None
        if kind == "int":
            return 42
        if kind == "bad-tuple":
            return "a", 200, {}, "extra"
        abort(404)

    @app.route("/stream")
    def stream():
        n = request.args.get("n", 3, type=int)

        def generate():
            for i in range(n):
                yield f"chunk {i}\n"

        return Response(generate(), mimetype="text/plain")

    @app.route("/stream-bare")
    def stream_bare():
        def generate():
            yield "a"
            yield b"b"
            yield "ü"

        return generate()

    # -- converters ----------------------------------------------------------

    @app.route("/int/<int:n>")
    def conv_int(n):
        return {"n": n, "type": type(n).__name__}

    @app.route("/range/<int(min=1, max=10):n>")
    def conv_range(n):
        return {"n": n}

    @app.route("/signed/<int(signed=True):n>")
    def conv_signed(n):
        return {"n": n}

    @app.route("/float/<float:x>")
    def conv_float(x):
        return {"x": x, "type": type(x).__name__}

    @app.route("/path/<path:p>")
    def conv_path(p):
        return {"p": p if len(p) < 200 else f"{len(p)} chars"}

    @app.route("/path/<path:p>/edit")
    def conv_path_edit(p):
        return {"edit": p}

    @app.route("/uuid/<uuid:u>")
    def conv_uuid(u):
        return {"u": str(u), "type": type(u).__name__, "is_uuid": isinstance(u, uuid.UUID)}

    @app.route("/color/<any(red, green, blue):color>")
    def conv_any(color):
        return f"color={color}"

    @app.route("/code/<string(length=3):code>")
    def conv_length(code):
        return f"code={code}"

    @app.route("/list/<list:items>")
    def conv_list(items):
        return {"items": items, "back": url_for("conv_list", items=items)}

    @app.route("/user/<name>")
    def user(name):
        return f"user {name}"

    @app.route("/user/me")
    def user_me():
        return "static wins"

    @app.route("/files/<name>.<ext>")
    def file_ext(name, ext):
        return {"name": name, "ext": ext}

    @app.route("/report-<int:year>.csv")
    def report(year):
        return Response(f"year,{year}\n", mimetype="text/csv")

    @app.route("/slash/")
    def slash():
        return "with slash"

    @app.route("/noslash")
    def noslash():
        return "without slash"

    @app.route("/tag/<name>/")
    def tag(name):
        return {"tag": name, "url": url_for("tag", name=name)}

    # -- methods -------------------------------------------------------------

    items = {1: {"id": 1, "name": "one"}, 2: {"id": 2, "name": "two"}}

    @app.route("/items", methods=["GET", "POST"])
    def item_list():
        if request.method == "POST":
            data = request.get_json()
            if not isinstance(data, dict) or "name" not in data:
                abort(400, description="A JSON object with a 'name' is required.")
            new = {"id": 3, "name": data["name"]}
            return new, 201, {"Location": url_for("item", item_id=3, _external=True)}
        page = request.args.get("page", 1, type=int)
        tags = request.args.getlist("tag")
        return jsonify(items=list(items.values()), page=page, tags=tags)

    @app.route("/items/<int:item_id>", methods=["GET", "PUT", "PATCH", "DELETE"])
    def item(item_id):
        found = items.get(item_id)
        if found is None:
            abort(404, description=f"No item {item_id}.")
        if request.method in ("GET", "HEAD"):
            return found
        if request.method == "DELETE":
            return "", 204
        data = request.get_json(silent=True)
        if data is None:
            abort(400)
        merged = {**found, **data} if request.method == "PATCH" else {"id": item_id, **data}
        return {"method": request.method, "item": merged}

    @app.post("/only-post")
    def only_post():
        return "posted", 201

    @app.put("/only-put")
    def only_put():
        return "put"

    @app.route("/own-options", methods=["GET", "OPTIONS"])
    def own_options():
        if request.method == "OPTIONS":
            return "", 200, {"Allow": "GET, OPTIONS", "X-Own-Options": "1"}
        return "get"

    # -- query strings -------------------------------------------------------

    @app.route("/q")
    def query():
        return {
            "x": request.args["x"],  # missing: 400
            "all": request.args.to_dict(flat=False),
            "first": request.args.to_dict(),
            "n": request.args.get("n", type=int),
            "tags": request.args.getlist("tag"),
            "empty": request.args.get("empty"),
        }

    @app.route("/values", methods=["GET", "POST"])
    def values():
        return {"values": request.values.to_dict(flat=False), "v": request.values.get("v")}

    # -- request attributes --------------------------------------------------

    @app.route("/echo", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
    @app.route("/echo/<path:rest>", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
    def echo(rest=None):
        return jsonify(
            path=request.path,
            full_path=request.full_path,
            url=request.url,
            base_url=request.base_url,
            url_root=request.url_root,
            host_url=request.host_url,
            host=request.host,
            scheme=request.scheme,
            method=request.method,
            content_type=request.content_type,
            mimetype=request.mimetype,
            content_length=request.content_length,
            is_json=request.is_json,
            remote_addr=request.remote_addr,
            view_args=request.view_args,
            endpoint=request.endpoint,
            blueprint=request.blueprint,
            script_root=request.script_root,
            query_string=request.query_string.decode("latin-1"),
            args=request.args.to_dict(flat=False),
            is_secure=request.is_secure,
        )

    @app.route("/data", methods=["POST", "PUT"])
    def data():
        return jsonify(
            data=request.data.decode("latin-1"),
            text=request.get_data(as_text=True),
            content_type=request.content_type,
            mimetype=request.mimetype,
            content_length=request.content_length,
            is_json=request.is_json,
            form=request.form.to_dict(flat=False),
        )

    @app.route("/raw", methods=["POST"])
    def raw():
        body = request.get_data()
        return jsonify(length=len(body), head=body[:20].decode("latin-1"))

    @app.route("/ua")
    def ua():
        return request.user_agent.string

    # -- JSON ----------------------------------------------------------------

    @app.route("/json", methods=["POST"])
    def json_in():
        data = request.get_json()
        return jsonify(got=data, type=type(data).__name__)

    @app.route("/json-prop", methods=["POST"])
    def json_prop():
        return {"json": request.json}

    @app.route("/json-silent", methods=["POST"])
    def json_silent():
        return {"json": request.get_json(silent=True), "again": request.get_json(silent=True)}

    @app.route("/json-force", methods=["POST"])
    def json_force():
        return {"json": request.get_json(force=True)}

    # -- forms ---------------------------------------------------------------

    @app.route("/form", methods=["POST", "PUT"])
    def form():
        files = {}
        for key, f in request.files.items(multi=True):
            files.setdefault(key, []).append(
                {
                    "filename": f.filename,
                    "content_type": f.content_type,
                    "mimetype": f.mimetype,
                    "content": f.read().decode("latin-1"),
                    "name": f.name,
                }
            )
        return {
            "form": request.form.to_dict(flat=False),
            "files": files,
            "mimetype": request.mimetype,
            "data": request.get_data(as_text=True),
        }

    # -- cookies -------------------------------------------------------------

    @app.route("/cookies/set")
    def cookies_set():
        resp = make_response("cookies set")
        resp.set_cookie("plain", "1")
        resp.set_cookie("spaced", "a b;c\"d", path="/cookies")
        resp.set_cookie(
            "full",
            "ü✓",
            expires=COOKIE_EXPIRES,
            path="/",
            secure=True,
            httponly=True,
            samesite="Lax",
        )
        resp.set_cookie("aged", "x", max_age=3600)
        resp.set_cookie("dom", "d", domain="localhost")
        resp.set_cookie("strict", "s", samesite="Strict", partitioned=True, secure=True)
        return resp

    @app.route("/cookies/read")
    def cookies_read():
        return {"cookies": request.cookies.to_dict(flat=False)}

    @app.route("/cookies/delete")
    def cookies_delete():
        resp = make_response("cookies deleted")
        resp.delete_cookie("plain")
        resp.delete_cookie("spaced", path="/cookies")
        resp.delete_cookie("full", secure=True, httponly=True, samesite="Lax")
        return resp

    # -- headers -------------------------------------------------------------

    @app.route("/headers")
    def headers():
        h = request.headers
        resp = jsonify(
            lower=h.get("x-custom"),
            upper=h.get("X-CUSTOM"),
            index=h["X-Custom"] if "x-custom" in h else None,
            contains="X-CUSTOM" in h,
            missing=h.get("X-Missing", "default"),
            as_int=h.get("X-Number", type=int),
            accept=h.get("Accept"),
            host=h.get("Host"),
            content_type=h.get("Content-Type"),
            multi=h.getlist("X-Multi"),
        )
        resp.headers["X-Response"] = "one"
        resp.headers.add("X-Repeated", "a")
        resp.headers.add("X-Repeated", "b")
        resp.headers["Cache-Control"] = "no-store"
        return resp

    # -- redirects and URL building ------------------------------------------

    @app.route("/go/<where>")
    def go(where):
        if where == "index":
            return redirect(url_for("index"))
        if where == "external":
            return redirect(url_for("index", _external=True, q="1 2"), code=301)
        if where == "absolute":
            return redirect("http://example.com/elsewhere?x=1")
        if where == "unicode":
            return redirect("/ünï/cödé?q=ä")
        if where == "see-other":
            return redirect(url_for("item", item_id=2), 303)
        if where == "temporary":
            return redirect(url_for("item", item_id=1), code=307)
        if where == "anchor":
            return redirect(url_for("index", _anchor="top part"))
        if where == "html":
            return redirect('/x?a=<b>&c="d"\'e')
        if where == "relative":
            return redirect("../up")
        if where == "spaces":
            return redirect("/a b/c d?e f=g h")
        if where == "idna":
            return redirect("http://bücher.example/ü")
        abort(404)

    @app.route("/urls")
    def urls():
        return jsonify(
            index=url_for("index"),
            item=url_for("item", item_id=7, extra="y z", multi=["a", "b"]),
            item_ext=url_for("item", item_id=7, _external=True),
            item_https=url_for("item", item_id=7, _external=True, _scheme="https"),
            path=url_for("conv_path", p="a b/ü/c"),
            anchor=url_for("index", _anchor="sec 1"),
            api=url_for("api.user", uid=5),
            api_ext=url_for("api.user", uid=5, _external=True),
            color=url_for("conv_any", color="green"),
            uuid=url_for("conv_uuid", u=uuid.UUID("12345678-1234-5678-1234-567812345678")),
            float=url_for("conv_float", x=1.5),
            list=url_for("conv_list", items=["a", "b c"]),
            report=url_for("report", year=2024),
            method=url_for("item_list", _method="POST"),
        )

    @app.route("/urls/<what>")
    def urls_more(what):
        if what == "odd-values":
            return jsonify(
                slash=url_for("user", name="a/b"),
                question=url_for("user", name="a?b#c%d"),
                unicode=url_for("user", name="ü ✓"),
                plus=url_for("user", name="a+b"),
                query=url_for("index", q="ü", none=None, n=1, b=True, lst=[1, "x y"], amp="a&b=c"),
                anchor=url_for("index", _anchor="ü #?"),
                int_str=url_for("conv_int", n="5"),
                float_int=url_for("conv_float", x=2),
                path_slashes=url_for("conv_path", p="/leading/and/trailing/"),
            )
        if what == "unknown-endpoint":
            return url_for("no_such_endpoint")
        if what == "missing-value":
            return url_for("item")
        if what == "bad-value":
            return url_for("conv_any", color="purple")
        if what == "bad-value-message":
            try:
                url_for("conv_any", color="purple")
            except ValueError as e:  # the converter's own error, not a BuildError
                return f"{type(e).__name__}: {e}"
        if what == "empty-values":
            return jsonify(empty=url_for("index", q=[]), nones=url_for("index", q=[None], r=None), mixed=url_for("index", q=[], n=1))
        if what == "build-error-handler":
            def handler(error, endpoint, values):
                return f"/fallback/{endpoint}?{sorted(values)}" if endpoint == "legacy" else None

            app.url_build_error_handlers.append(handler)
            try:
                return jsonify(legacy=url_for("legacy", a=1), item=url_for("item", item_id=1))
            finally:
                app.url_build_error_handlers.remove(handler)
        abort(404)

    @app.route("/wsgi-return/<what>")
    def wsgi_return(what):
        # any WSGI application a view returns is run for the request (what
        # an extension built on Werkzeug returns)
        import werkzeug.wrappers

        if what == "werkzeug-response":
            return werkzeug.wrappers.Response("from werkzeug", status=201, headers={"X-A": "1"})
        if what == "werkzeug-with-status":
            return werkzeug.wrappers.Response("x"), 203, {"X-B": "2"}

        def inner(environ, start_response):
            write = start_response("202 Accepted", [("Content-Type", "text/plain"), ("X-Path", environ["PATH_INFO"])])
            write(b"written ")
            yield b"gen "
            yield b"body"

        return inner

    # -- errors --------------------------------------------------------------

    @app.route("/abort/<int:code>")
    def do_abort(code):
        if request.args.get("description"):
            abort(code, description=request.args["description"])
        abort(code)

    @app.route("/abort-args/<what>")
    def abort_args(what):
        if what == "positional-description":
            abort(400, "positional description")
        if what == "valid-methods":
            abort(405, valid_methods=["GET", "POST"])
        if what == "retry-after":
            abort(429, retry_after=30)
        if what == "unauthorized":
            raise exc.Unauthorized(www_authenticate=['Basic realm="x"'])
        if what == "exception-response":
            raise exc.BadRequest(response=Response("from response", status=418))
        abort(404)

    @app.route("/raise/<what>")
    def do_raise(what):
        if what == "app-error":
            raise AppError("plain app error")
        if what == "sub-app-error":
            raise SubAppError("sub app error")
        if what == "leaf-error":
            raise LeafError("leaf error")
        if what == "value-error":
            raise ValueError("a value error")
        if what == "payment":
            raise PaymentRequired(42)
        if what == "slow":
            raise SlowDown()
        if what == "too-many":
            abort(429)
        if what == "zero":
            return str(1 / 0)
        if what == "conflict":
            raise exc.Conflict("it conflicts <b>here</b>")
        if what == "http-instance":
            raise exc.NotFound()
        if what == "abort-response":
            abort(make_response("custom abort body", 409))
        if what == "bad-request-key":
            return request.form["absent"]
        abort(404)

    @app.errorhandler(403)
    def forbidden(e):
        return f"forbidden: {e.description}", 403

    @app.errorhandler(AppError)
    def app_error(e):
        return {"error": "app", "kind": type(e).__name__, "msg": str(e)}, 422

    @app.errorhandler(SubAppError)
    def sub_app_error(e):
        return {"error": "sub-app", "kind": type(e).__name__, "msg": str(e)}, 409

    @app.errorhandler(PaymentRequired)
    def payment(e):
        return jsonify(error="payment required", amount=e.amount), 402, {"X-Payment": "needed"}

    @app.errorhandler(429)
    def too_many(e):
        return f"429 handler: {e.description}", 429, {"Retry-After": "10"}

    @app.errorhandler(SlowDown)
    def slow_down(e):
        return f"SlowDown handler: {e.description}", e.code

    @app.errorhandler(exc.Conflict)
    def conflict(e):
        resp = e.get_response()
        resp.headers["X-Conflict"] = "handled"
        return resp

    # -- g and current_app ---------------------------------------------------

    @app.route("/g")
    def use_g():
        g.view = "view"
        return jsonify(
            hook=g.hook,
            user=g.user,
            view=g.view,
            missing=g.get("missing", "default"),
            has_hook="hook" in g,
            has_missing="missing" in g,
            popped=g.pop("view"),
            app_name=current_app.name,
            max_len=current_app.config["MAX_CONTENT_LENGTH"],
        )

    @app.route("/teardown-log")
    def teardown_log():
        return jsonify(app.teardown_log)

    # -- header injection attempts -------------------------------------------

    @app.route("/inject/<how>")
    def inject(how):
        if how == "header":
            resp = make_response("x")
            resp.headers["X-Evil"] = "a\r\nSet-Cookie: pwned=1"
            return resp
        if how == "header-lf":
            resp = make_response("x")
            resp.headers["X-Evil"] = "a\nX-Injected: 1"
            return resp
        if how == "header-cr":
            resp = make_response("x")
            resp.headers["X-Evil"] = "a\rX-Injected: 1"
            return resp
        if how == "header-add":
            resp = make_response("x")
            resp.headers.add("X-Evil", "a\r\nX-Injected: 1")
            return resp
        if how == "tuple":
            return "x", {"X-Evil": "a\r\nX-Injected: 1"}
        if how == "name":
            resp = make_response("x")
            resp.headers["X-Evil\r\nX-Injected"] = "1"
            return resp
        if how == "redirect":
            return redirect("/target\r\nSet-Cookie: pwned=1")
        if how == "cookie":
            resp = make_response("x")
            resp.set_cookie("k", "v\r\nX-Injected: 1")
            return resp
        if how == "cookie-path":
            resp = make_response("x")
            resp.set_cookie("k", "v", path="/\r\nX-Injected: 1")
            return resp
        if how == "content-type":
            return Response("x", content_type="text/plain\r\nX-Injected: 1")
        if how == "mimetype":
            return Response("x", mimetype="text/plain\r\nX-Injected: 1")
        if how == "status":
            return "x", "200 OK\r\nX-Injected: 1"
        if how == "caught":
            resp = make_response("x")
            try:
                resp.headers["X-Evil"] = "a\r\nX-Injected: 1"
            except ValueError as e:
                return f"refused: {type(e).__name__}: {e}"
            return "accepted"
        abort(404)

    # -- a blueprint ---------------------------------------------------------

    api = Blueprint("api", __name__, url_prefix="/api")

    @api.before_request
    def api_before():
        g.bp = "api"
        if request.args.get("deny"):
            abort(401)

    @api.after_request
    def api_after(response):
        response.headers["X-BP"] = request.blueprint or "?"
        return response

    @api.route("/")
    def api_index():
        return {"api": True, "self": url_for(".api_index"), "ping": url_for(".ping")}

    @api.route("/ping")
    def ping():
        return jsonify(pong=True, bp=g.bp, blueprint=request.blueprint, endpoint=request.endpoint)

    @api.route("/users/<int:uid>", methods=["GET", "DELETE"])
    def user(uid):  # noqa: F811 (the same function name as the app's: endpoint api.user)
        if uid == 0:
            abort(404)
        if request.method == "DELETE":
            return "", 204
        return {
            "uid": uid,
            "self": url_for(".user", uid=uid),
            "ext": url_for(".user", uid=uid, _external=True),
            "app_user": url_for("user", name="x"),
        }

    @api.route("/go")
    def api_go():
        return redirect(url_for(".ping", a="1"))

    @api.route("/key")
    def api_key():
        return request.args["x"]

    @api.route("/boom")
    def api_boom():
        raise RuntimeError("bp boom")

    @api.errorhandler(404)
    def api_not_found(e):
        return jsonify(error="not found in api", description=e.description), 404

    @api.errorhandler(KeyError)
    def api_key_error(e):
        return jsonify(error="key error", kind=type(e).__name__), 400

    app.register_blueprint(api)
    app.register_blueprint(api, name="api2", url_prefix="/v2")

    # -- class-based views (flask.views) ---------------------------------------

    views = ns.views

    def tagged(view):
        def wrapper(**kwargs):
            rv = make_response(view(**kwargs))
            rv.headers["X-Decorated"] = view.__name__
            return rv

        return wrapper

    class Hello(views.View):
        decorators = [tagged]

        def __init__(self, greeting):
            self.greeting = greeting

        def dispatch_request(self, name):
            return f"{self.greeting}, {name} ({request.endpoint})"

    app.add_url_rule("/cbv/hello/<name>", view_func=Hello.as_view("hello", "Hi"))

    class Counter(views.View):
        init_every_request = False
        methods = ["GET", "POST"]

        def __init__(self):
            self.made = 0

        def dispatch_request(self):
            return {"method": request.method, "same": type(self).__name__}

    app.add_url_rule("/cbv/counter", view_func=Counter.as_view("counter"))

    class ThingAPI(views.MethodView):
        def get(self, thing_id=None):
            return {"get": thing_id, "class": current_app.view_functions[request.endpoint].view_class.__name__}

        def post(self):
            return {"posted": request.get_json(silent=True)}, 201

        def delete(self, thing_id):
            return "", 204

    class LoudThingAPI(ThingAPI):
        def put(self, thing_id):
            return {"put": thing_id}

    things = ThingAPI.as_view("things")
    app.add_url_rule("/cbv/things", view_func=things, methods=["GET", "POST"])
    app.add_url_rule("/cbv/things/<int:thing_id>", view_func=things, methods=["GET", "DELETE"])
    app.add_url_rule("/cbv/loud/<int:thing_id>", view_func=LoudThingAPI.as_view("loud"))

    class NoHead(views.MethodView):
        def get(self):
            return "got"

    app.add_url_rule("/cbv/nohead", view_func=NoHead.as_view("nohead"))

    # -- sessions and flashed messages -------------------------------------------

    session, flash, get_flashed_messages = ns.session, ns.flash, ns.get_flashed_messages
    app.secret_key = SECRET_KEY
    app.config["PERMANENT_SESSION_LIFETIME"] = PERMANENT_SESSION_LIFETIME

    @app.route("/session/set")
    def session_set():
        for key, value in request.args.items():
            session[key] = value
        return "set"

    @app.route("/session/get")
    def session_get():
        return {"session": {k: repr(v) for k, v in session.items()}, "permanent": session.permanent, "len": len(session)}

    @app.route("/session/types")
    def session_types():
        session["tuple"] = (1, "two", (3,))
        session["bytes"] = b"\x00\xff binary"
        session["uuid"] = uuid.UUID(UUID_VALUE)
        session["when"] = datetime.datetime(2024, 2, 29, 23, 59, 1, tzinfo=datetime.timezone.utc)
        session["tag-lookalike"] = {" t": ["not", "a", "tuple"]}
        session["nested"] = {"list": [1, (2, 3), {"b": b"x"}], "none": None, "unicode": "ü€😀"}
        return "typed"

    @app.route("/session/types/read")
    def session_types_read():
        return "\n".join(f"{k}: {type(v).__name__} {v!r}" for k, v in sorted(session.items()))

    @app.route("/session/permanent")
    def session_permanent():
        session.permanent = request.args.get("on", "1") == "1"
        session["p"] = "permanent"
        return "permanent"

    @app.route("/session/untouched")
    def session_untouched():
        return "untouched"

    @app.route("/session/untouched.json")
    def session_untouched_json():
        return {"untouched": True}

    @app.route("/session/peek")
    def session_peek():
        return f"peek {'p' in session} {bool(session)}"

    @app.route("/session/clear")
    def session_clear():
        session.clear()
        return "cleared"

    @app.route("/session/pop/<key>")
    def session_pop(key):
        return f"popped {session.pop(key, None)!r}"

    @app.route("/session/append")
    def session_append():
        # a change inside a value is not seen unless the view says so
        session.setdefault("items", []).append(len(session["items"]))
        if request.args.get("mark"):
            session.modified = True
        return f"items {session['items']}"

    @app.route("/session/raise")
    def session_raise():
        session["before-error"] = True
        raise ZeroDivisionError("after setting the session")

    @app.route("/session/abort")
    def session_abort():
        session["aborted"] = True
        abort(409)

    @app.route("/flash/<category>/<message>")
    def flash_message(category, message):
        flash(message, category)
        return "flashed"

    @app.route("/flash/plain/<message>")
    def flash_plain(message):
        flash(message)
        return "flashed"

    @app.route("/flash/read")
    def flash_read():
        kw = {}
        if request.args.get("with"):
            kw["with_categories"] = True
        if request.args.get("filter"):
            kw["category_filter"] = request.args.getlist("filter")
        first = get_flashed_messages(**kw)
        again = get_flashed_messages()
        return jsonify(first=first, again=again, left="_flashes" in session)

    # Werkzeug's own exceptions, raised and handled as code written for
    # Flask (and extensions) does: answered as the framework's own
    import werkzeug.exceptions as wx

    class Gone(wx.Gone):
        description = "moved on"

    @app.route("/werkzeug-raise/<what>")
    def werkzeug_raise(what):
        if what == "abort":
            wx.abort(418)
        if what == "forbidden":
            raise wx.Forbidden("no entry")
        if what == "conflict":
            raise wx.Conflict()
        if what == "subclass":
            raise Gone()
        raise wx.NotFound()

    @app.errorhandler(wx.Conflict)
    def werkzeug_conflict(e):
        return jsonify(handled=type(e).__name__, code=e.code), 409

    @app.errorhandler(Gone)
    def werkzeug_gone(e):
        return "gone: " + e.description, 410

    return app


def make_porting_app(ns, feature):
    """Small apps for Flask features outside ``make_app`` (so that one
    missing feature does not stop the whole table): the app and the paths
    to request."""
    App, request, g, url_for, abort = ns.App, ns.request, ns.g, ns.url_for, ns.abort
    app = App(__name__)
    if ns.router_cls is not None:
        app.url_map = ns.router_cls(merge_slashes=True)

    if feature == "route-defaults":

        @app.route("/page/", defaults={"n": 1})
        @app.route("/page/<int:n>")
        def page(n):
            return f"page {n} {url_for('page', n=n)} {url_for('page', n=1, q='x')}"

        bp = ns.Blueprint("bp", __name__, url_prefix="/bp")

        @bp.route("/", defaults={"slug": "home"})
        @bp.route("/<slug>")
        def show(slug):
            return f"show {slug} {url_for('.show')} {url_for('.show', slug='x y')}"

        app.register_blueprint(bp)
        return app, ["/page/", "/page/2", "/page/1", "/page/1?keep=1", "/page", "/bp/", "/bp/home", "/bp/other"]

    if feature == "strict-slashes-false":

        @app.route("/a/", strict_slashes=False)
        def a():
            return f"a {request.path} {url_for('a')}"

        @app.route("/b", strict_slashes=False, methods=["GET", "POST"])
        def b():
            return f"b {request.path}"

        @app.route("/c/")
        def c():
            return "c"

        bp = ns.Blueprint("bp", __name__, url_prefix="/bp")

        @bp.route("/<int:n>/", strict_slashes=False)
        def item(n):
            return f"item {n}"

        app.register_blueprint(bp)
        return app, ["/a", "/a/", "/a?x=1", "/b", "/b/", "/c", "/c/", "/bp/1", "/bp/1/", "/bp/x"]

    if feature == "blueprint-app-wide-hooks":
        bp = ns.Blueprint("bp", __name__)

        @bp.before_app_request
        def before():
            g.x = "set by bp.before_app_request"

        @bp.after_app_request
        def after(response):
            response.headers["X-App-Wide"] = "1"
            return response

        @bp.app_errorhandler(404)
        def not_found(e):
            return "bp.app_errorhandler(404)", 404

        @bp.route("/in")
        def inside():
            return g.x

        @app.route("/out")
        def outside():
            return g.get("x", "none")

        app.register_blueprint(bp)
        return app, ["/in", "/out", "/nope"]

    if feature == "url-processors":

        @app.url_value_preprocessor
        def pull_lang(endpoint, values):
            g.lang = values.pop("lang", None) if values else None

        @app.url_defaults
        def add_lang(endpoint, values):
            values.setdefault("lang", g.get("lang") or "en")

        @app.route("/<lang>/about")
        def about():
            return f"{g.lang} {url_for('about')}"

        return app, ["/de/about"]

    if feature == "catch-werkzeug-exceptions":
        # What the framework raises, caught by Werkzeug's classes as code
        # written for Flask (and extensions) does, and Flask's generic
        # handler that lets HTTP errors through by Werkzeug's HTTPException
        import werkzeug.exceptions as wx

        @app.route("/bad-json")
        def bad_json():
            try:
                request.get_json(force=True)
            except wx.BadRequest as e:
                return f"caught {type(e).__name__} {e.code}"
            return "not caught"

        @app.route("/not-json")
        def not_json():
            try:
                request.get_json()
            except wx.UnsupportedMediaType as e:
                return f"caught {type(e).__name__} {e.code} {isinstance(e, wx.HTTPException)}"
            return "not caught"

        @app.route("/missing-arg")
        def missing_arg():
            try:
                return request.args["nope"]
            except wx.BadRequestKeyError as e:
                return f"caught {type(e).__name__} {e.code} {isinstance(e, KeyError)} {e.args}"

        @app.route("/abort")
        def aborted():
            abort(403)

        @app.route("/boom")
        def boom():
            raise ValueError("boom")

        @app.route("/post-only", methods=["POST"])
        def post_only():
            return "posted"

        @app.errorhandler(Exception)
        def generic(e):
            if isinstance(e, wx.HTTPException):
                return e
            return f"generic {type(e).__name__}", 500

        return app, ["/bad-json", "/not-json", "/missing-arg", "/abort", "/boom", "/post-only", "/nowhere"]

    if feature == "nested-blueprints":
        parent = ns.Blueprint("parent", __name__, url_prefix="/parent")
        child = ns.Blueprint("child", __name__, url_prefix="/child")
        grandchild = ns.Blueprint("grand", __name__)
        trail = []

        @app.before_request
        def app_before():
            trail[:] = ["app"]

        @parent.before_request
        def parent_before():
            trail.append("parent")

        @child.before_request
        def child_before():
            trail.append("child")

        @parent.after_request
        def parent_after(response):
            response.headers["X-Trail"] = " ".join(trail)
            return response

        @parent.errorhandler(404)
        def parent_404(e):
            return f"parent 404 for {request.blueprint}", 404

        @child.errorhandler(ValueError)
        def child_value_error(e):
            return f"child caught {e}", 400

        @child.route("/")
        def index():
            return f"{request.blueprint} {request.blueprints} {url_for('.item', n=2)} {url_for('parent.top')}"

        @child.route("/item/<int:n>")
        def item(n):
            if n == 0:
                abort(404)
            if n == 1:
                raise ValueError("one")
            return f"{request.endpoint} {n}"

        @grandchild.route("/deep")
        def deep():
            return f"{request.endpoint} {url_for('.deep')} {url_for('parent.child.index')}"

        @parent.route("/")
        def top():
            return f"{request.endpoint} {url_for('.child.index')}"

        child.register_blueprint(grandchild, url_prefix="/g")
        parent.register_blueprint(child)
        app.register_blueprint(parent)
        app.register_blueprint(parent, name="alt", url_prefix="/alt")
        return app, ["/parent/", "/parent/child/", "/parent/child/item/3", "/parent/child/item/0",
                     "/parent/child/item/1", "/parent/child/g/deep", "/alt/child/item/3", "/alt/child/g/deep",
                     "/parent/nothing", "/alt/"]

    if feature == "blueprint-url-processors":
        # Flask's documented pattern: a language code in the blueprint's prefix
        bp = ns.Blueprint("frontend", __name__, url_prefix="/<lang_code>")
        order = []

        @bp.url_defaults
        def add_language_code(endpoint, values):
            if "lang_code" in values or not g.get("lang_code"):
                return
            if app.url_map.is_endpoint_expecting(endpoint, "lang_code"):
                values["lang_code"] = g.lang_code

        @bp.url_value_preprocessor
        def pull_lang_code(endpoint, values):
            order.append("bp")
            g.lang_code = values.pop("lang_code")

        @app.url_value_preprocessor
        def app_first(endpoint, values):
            order.append("app")

        @bp.before_request
        def after_preprocessors():
            order.append("before")

        @bp.app_url_defaults
        def app_wide(endpoint, values):
            values.setdefault("via", "app")

        @bp.route("/")
        def index():
            return f"{g.lang_code} {url_for('.index')} {url_for('.page', n=3)} {url_for('plain')}"

        @bp.route("/page/<int:n>")
        def page(n):
            del order[:]
            return f"{g.lang_code} {n} {url_for('.page', n=n + 1)}"

        @app.route("/plain")
        def plain():
            return f"{url_for('frontend.index', lang_code='fr')} {' '.join(order)}"

        app.register_blueprint(bp)
        return app, ["/de/", "/en/page/2", "/plain", "/de/page/x"]

    if feature in ("json-provider", "json-debug", "json-settings"):
        return _json_app(ns, app, feature)

    raise KeyError(feature)


class _Money:
    """A type neither provider knows: the custom provider's ``default`` does."""

    def __init__(self, cents):
        self.cents = cents


class _Html:
    def __html__(self):
        return "<b>bold</b> & co"


def _json_app(ns, app, feature):
    """``app.json``: a provider subclass, its settings, debug indentation,
    the types Flask's provider writes, and ``app.json`` used in views."""
    import dataclasses
    import decimal

    jsonify, request = ns.jsonify, ns.request

    @dataclasses.dataclass
    class Point:
        x: int
        tags: list

    values = {
        "date": datetime.date(2024, 2, 29),
        "naive": datetime.datetime(2024, 1, 2, 3, 4, 5, 678),
        "aware": datetime.datetime(2024, 1, 2, 3, 4, 5, tzinfo=datetime.timezone(datetime.timedelta(hours=-5))),
        "decimal": decimal.Decimal("-12.500"),
        "uuid": uuid.UUID("12345678-1234-5678-1234-567812345678"),
        "point": Point(3, ["b", "a"]),
        "html": _Html(),
        "text": "héllo ✓ 日本 </script>",
        "z": 1,
        "a": [None, True, 1.5, 10**20],
    }

    if feature == "json-provider":

        class Provider(ns.json.provider.DefaultJSONProvider):
            sort_keys = False

            @staticmethod
            def default(o):
                if isinstance(o, _Money):
                    return f"{o.cents / 100:.2f} EUR"
                return ns.json.provider.DefaultJSONProvider.default(o)

        app.json = Provider(app)

    if feature == "json-debug":
        app.debug = True
        app.config["PROPAGATE_EXCEPTIONS"] = False  # a 500 page, not the debugger's raise

    if feature == "json-settings":
        app.json.compact = True
        app.json.ensure_ascii = False
        app.json.mimetype = "application/vnd.api+json"
        app.json.sort_keys = False

    @app.route("/types")
    def types():
        return jsonify(values)

    @app.route("/dict")
    def as_dict():
        return {"z": 1, "a": {"y": [2, 1], "b": "ü"}, "m": values["decimal"]}

    @app.route("/list")
    def as_list():
        return [3, {"b": 1, "a": values["uuid"]}, [], "ü"]

    @app.route("/money")
    def money():
        return {"price": _Money(1999), "when": values["date"]}

    @app.route("/dumps")
    def dumps():
        text = app.json.dumps({"b": values["naive"], "a": [1, 2]})
        return f"{text} | {ns.json.dumps(values['point'])} | {app.json.dumps('ü', ensure_ascii=False)}"

    @app.route("/loads")
    def loads():
        doc = app.json.loads(request.args.get("doc", "null"))
        return jsonify(doc=doc, type=type(doc).__name__, again=ns.json.loads(b'{"k": "\\u00fc"}'))

    @app.route("/jsonify-args")
    def jsonify_args():
        return jsonify(values["date"], "two", [3])

    @app.route("/status")
    def status():
        return {"created": True}, 201, {"X-Extra": "1"}

    return app, ["/types", "/dict", "/list", "/money", "/dumps", "/loads?doc=%7B%22b%22%3A%5B1%2C2.5%5D%2C%22a%22%3A%22%C3%BC%22%7D",
                 "/loads?doc=bad", "/jsonify-args", "/status"]
