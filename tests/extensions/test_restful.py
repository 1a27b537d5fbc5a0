"""Flask-RESTful, used as its documentation shows: the quickstart's todo
API on ``Api(app)`` and a versioned copy on ``Api(blueprint)``, resources
with several URLs, ``reqparse`` (required arguments, types, locations),
``marshal_with`` with ``fields.Url``, ``abort`` with a message, Werkzeug's
HTTP exceptions, unhandled errors, 404 and 405 through the Api's error
router, ``catch_all_404s``, custom ``errors``, representations,
``method_decorators`` and ``api.url_for``."""

from __future__ import annotations

import typing as t

import werkzeug.exceptions
import werkzeug.wrappers

# Flask-RESTful catches and tests for Werkzeug's own classes
# (``except werkzeug.exceptions.HTTPException`` around ``flask.abort``,
# ``isinstance(e, HTTPException)``, ``except MethodNotAllowed`` around the
# URL adapter's ``match``: fastdispatch's exceptions are instances of
# Werkzeug's once it is loaded) and asks ``current_app.create_url_adapter``.

TOKEN = "s3cret"


class TeapotError(Exception):
    """Named in an Api's ``errors`` dict."""


def make_app(w: t.Any, App: type) -> t.Any:  # noqa: N803 (the framework's class)
    flask, fr = w.flask, w.flask_restful
    from flask_restful import fields, inputs, reqparse  # (this world's, as the Api is)
    app = App(__name__)
    api = fr.Api(app, errors={"TeapotError": {"message": "I'm a teapot, short and stout", "status": 418}})
    todos = {"todo1": {"task": "build an API"}, "todo2": {"task": "?????"}, "todo3": {"task": "profit!"}}

    def abort_if_todo_doesnt_exist(todo_id: str) -> None:
        if todo_id not in todos:
            fr.abort(404, message=f"Todo {todo_id} doesn't exist")

    parser = reqparse.RequestParser()
    parser.add_argument("task", required=True, help="Task cannot be blank: {error_msg}", location="json")
    parser.add_argument("priority", type=int, default=1, location="json")

    list_args = reqparse.RequestParser()
    list_args.add_argument("limit", type=int, location="args")
    list_args.add_argument("done", type=inputs.boolean, location="args")

    todo_fields = {
        "id": fields.String,
        "task": fields.String,
        "priority": fields.Integer(default=1),
        "uri": fields.Url("todo_ep"),
        "link": fields.Url("todo_ep", absolute=True),
    }

    def require_token(f: t.Callable[..., t.Any]) -> t.Callable[..., t.Any]:
        def wrapper(*args: t.Any, **kwargs: t.Any) -> t.Any:
            if flask.request.headers.get("X-Token") != TOKEN:
                fr.abort(401, message="token required")
            return f(*args, **kwargs)

        return wrapper

    class Todo(fr.Resource):
        method_decorators = {"delete": [require_token]}

        @fr.marshal_with(todo_fields)
        def get(self, todo_id: str) -> t.Any:
            abort_if_todo_doesnt_exist(todo_id)
            return dict(todos[todo_id], todo_id=todo_id, id=todo_id)

        def delete(self, todo_id: str) -> t.Any:
            abort_if_todo_doesnt_exist(todo_id)
            del todos[todo_id]
            return "", 204

        def put(self, todo_id: str) -> t.Any:
            args = parser.parse_args()
            todos[todo_id] = {"task": args["task"], "priority": args["priority"]}
            return todos[todo_id], 201, {"X-Todo": todo_id}

    class TodoList(fr.Resource):
        def get(self) -> t.Any:
            args = list_args.parse_args()
            items = sorted(todos.items())[: args["limit"]]
            return {"todos": [dict(v, id=k) for k, v in items], "done": args["done"], "self": api.url_for(TodoList, _external=True)}

        def post(self) -> t.Any:
            args = parser.parse_args()
            if args["task"] in (v["task"] for v in todos.values()):
                raise werkzeug.exceptions.Conflict(f"{args['task']!r} is already a todo")
            todo_id = "todo%i" % (int(max(todos.keys()).lstrip("todo")) + 1)
            todos[todo_id] = {"task": args["task"]}
            return todos[todo_id], 201, {"Location": api.url_for(Todo, todo_id=todo_id)}

    class Broken(fr.Resource):
        def get(self) -> t.Any:
            raise RuntimeError("unhandled")

        def post(self) -> t.Any:
            raise TeapotError()

        def put(self) -> t.Any:
            flask.abort(409)

    class Secret(fr.Resource):
        method_decorators = [require_token]

        def get(self) -> t.Any:
            return {"secret": 42}

    # A resource may return a response of its own: Flask-RESTful passes on
    # what is a werkzeug.wrappers.Response (its test is isinstance) and
    # serializes anything else, a tuple's first item too, as data.
    responses = {
        "make_response": lambda: flask.make_response("made", 202, {"X-Made": "make_response"}),
        "response": lambda: flask.Response("plain", status=203, mimetype="text/plain"),
        "response_class": lambda: flask.current_app.response_class('{"a": 1}', mimetype="application/json"),
        "jsonify": lambda: flask.jsonify(made="by jsonify", n=[1, 2]),
        "redirect": lambda: flask.redirect(api.url_for(Todo, todo_id="todo2")),
        "werkzeug": lambda: werkzeug.wrappers.Response("Werkzeug's own", 200, {"X-Made": "werkzeug"}),
        "tuple": lambda: (flask.make_response("in a tuple"), 201),
    }

    class Made(fr.Resource):
        def get(self, how: str) -> t.Any:
            return responses[how]()

        def post(self, how: str) -> t.Any:
            flask.abort(responses[how]())  # (Flask-RESTful's error handler sends it)

    api.add_resource(TodoList, "/todos", "/todos/")
    api.add_resource(Todo, "/todos/<todo_id>", "/tasks/<todo_id>", endpoint="todo_ep")
    api.add_resource(Broken, "/broken")
    api.add_resource(Secret, "/secret")
    api.add_resource(Made, "/made/<how>")

    @app.route("/plain")
    def plain() -> t.Any:
        return "not an api route"

    @app.route("/plain-boom")
    def plain_boom() -> t.Any:
        flask.abort(403)

    # the same resources, version 2, on a blueprint with its own Api
    bp = flask.Blueprint("v2", __name__, url_prefix="/v2")
    api2 = fr.Api(bp, serve_challenge_on_401=True)

    @api2.representation("application/json")
    def output_json(data: t.Any, code: int, headers: t.Any = None) -> t.Any:
        resp = flask.make_response(flask.json.dumps({"data": data, "version": 2}), code)
        resp.headers.extend(headers or {})
        resp.headers["X-Api-Version"] = "2"
        return resp

    @api2.representation("text/csv")
    def output_csv(data: t.Any, code: int, headers: t.Any = None) -> t.Any:
        rows = data.get("todos", [data]) if isinstance(data, dict) else data
        body = "\n".join(",".join(str(v) for _, v in sorted(r.items())) for r in rows)
        return flask.make_response(body, code, headers or {})

    class Hello(fr.Resource):
        representations = {"text/html": lambda data, code, headers: flask.make_response(f"<p>{data['hello']}</p>", code, headers)}

        def get(self, name: str = "world") -> t.Any:
            return {"hello": name, "url": api2.url_for(Hello, name=name)}

    api2.add_resource(TodoList, "/todos")
    api2.add_resource(Hello, "/hello", "/hello/<name>")
    api2.add_resource(Secret, "/secret")
    app.register_blueprint(bp)
    return app


def make_catch_all_app(w: t.Any, App: type) -> t.Any:  # noqa: N803 (the framework's class)
    fr = w.flask_restful
    app = App(__name__)
    api = fr.Api(app, catch_all_404s=True, prefix="/api")

    class Ping(fr.Resource):
        def get(self) -> t.Any:
            return {"pong": True}

    @api.resource("/ping", "/ping/<int:n>")
    class Pings(fr.Resource):
        def get(self, n: int = 1) -> t.Any:
            return {"pong": [True] * n}

    api.add_resource(Ping, "/ping-once")

    @app.errorhandler(404)
    def not_found(e: t.Any) -> t.Any:
        return "flask's 404", 404

    @app.route("/page")
    def page() -> t.Any:
        return "a page"

    return app


def _json(body: t.Any, **headers: str) -> dict[str, t.Any]:
    return {"json": body, "headers": headers}


REQUESTS = [
    ("GET", "/todos", {}),
    ("GET", "/todos/", {}),
    ("GET", "/todos?limit=2&done=true", {}),
    ("GET", "/todos?limit=two", {}),
    ("GET", "/todos?done=maybe", {}),
    ("GET", "/todos/todo1", {}),
    ("GET", "/tasks/todo2", {}),
    ("GET", "/todos/todo9", {}),
    ("HEAD", "/todos/todo1", {}),
    ("PUT", "/todos/todo4", _json({"task": "write tests", "priority": "3"})),
    ("PUT", "/todos/todo4", _json({"priority": 3})),
    ("PUT", "/todos/todo4", _json({"task": "x", "priority": "high"})),
    ("PUT", "/todos/todo4", {"data": "task=form", "content_type": "application/x-www-form-urlencoded"}),
    ("GET", "/todos/todo4", {}),
    ("POST", "/todos", _json({"task": "profit!"})),
    ("POST", "/todos", _json({"task": "celebrate"})),
    ("POST", "/todos", {}),
    ("GET", "/todos/todo5", {}),
    ("DELETE", "/todos/todo1", {}),
    ("DELETE", "/todos/todo1", {"headers": {"X-Token": TOKEN}}),
    ("DELETE", "/todos/todo1", {"headers": {"X-Token": TOKEN}}),
    ("GET", "/todos", {}),
    ("POST", "/todos/todo2", {}),
    ("PATCH", "/todos", {}),
    ("OPTIONS", "/todos/todo2", {}),
    ("GET", "/broken", {}),
    ("POST", "/broken", {}),
    ("PUT", "/broken", {}),
    ("DELETE", "/broken", {}),
    ("GET", "/secret", {}),
    ("GET", "/secret", {"headers": {"X-Token": TOKEN}}),
    ("GET", "/nowhere", {}),
    ("GET", "/todos/todo2/extra", {}),
    ("GET", "/plain", {}),
    ("POST", "/plain", {}),
    ("GET", "/plain-boom", {}),
    ("GET", "/todos", {"headers": {"Accept": "text/html"}}),
    ("GET", "/v2/todos", {}),
    ("GET", "/v2/todos?limit=1", {"headers": {"Accept": "text/csv"}}),
    ("GET", "/v2/todos", {"headers": {"Accept": "text/csv;q=0.5, application/json"}}),
    ("POST", "/v2/todos", _json({"task": "ship v2"})),
    ("POST", "/v2/todos", _json({})),
    ("DELETE", "/v2/todos", {}),
    ("GET", "/v2/hello", {}),
    ("GET", "/v2/hello/ada", {"headers": {"Accept": "text/csv"}}),
    ("GET", "/v2/secret", {}),
    ("GET", "/v2/secret", {"headers": {"X-Token": TOKEN}}),
    ("GET", "/v2/nowhere", {}),
]

CATCH_ALL_REQUESTS = [
    ("GET", "/api/ping", {}),
    ("GET", "/api/ping/3", {}),
    ("GET", "/api/ping/x", {}),
    ("GET", "/api/ping-once", {}),
    ("POST", "/api/ping-once", {}),
    ("GET", "/api/nowhere", {}),
    ("GET", "/nowhere", {}),
    ("GET", "/page", {}),
    ("POST", "/page", {}),
]


def test_restful(compare: t.Callable[..., None]) -> None:
    compare(make_app, REQUESTS)


def test_restful_catch_all_404s(compare: t.Callable[..., None]) -> None:
    compare(make_catch_all_app, CATCH_ALL_REQUESTS)


RESPONSE_REQUESTS = [
    ("GET", "/made/make_response", {}),
    ("HEAD", "/made/make_response", {}),
    ("GET", "/made/response", {}),
    ("GET", "/made/response_class", {}),
    ("GET", "/made/jsonify", {}),
    ("GET", "/made/redirect", {}),
    ("GET", "/made/werkzeug", {}),
    ("GET", "/made/tuple", {}),  # (a 500 on Flask too: the Response is data to serialize)
    ("POST", "/made/make_response", {}),
    ("POST", "/made/jsonify", {}),
    # a resource's own representation making the response
    ("GET", "/v2/hello/ada", {"headers": {"Accept": "text/html"}}),
]


def test_restful_resource_returning_a_response(compare: t.Callable[..., None]) -> None:
    compare(make_app, RESPONSE_REQUESTS)

