"""Class-based views (fastdispatch.views) beyond what the Flask
differential suite compares: the attributes extensions read, instance
reuse, the methods MethodView works out, as Flask's."""

import flask.views
import pytest

from fastdispatch import views


def test_methods_as_flask_works_them_out():
    def methods(module):
        class A(module.MethodView):
            def get(self):
                pass

        class B(A):
            def post(self):
                pass

        class C(B):
            methods = ["PATCH"]

        class D(C):
            def delete(self):
                pass

        return [sorted(cls.methods) if cls.methods else None for cls in (A, B, C, D, module.MethodView, module.View)]

    assert methods(views) == methods(flask.views) == [["GET"], ["GET", "POST"], ["PATCH"], ["DELETE", "GET", "PATCH", "POST"], None, None]


def test_as_view_attributes_and_instances(app_cls):
    made = []

    class Shared(views.View):
        init_every_request = False
        methods = ["GET", "PUT"]
        provide_automatic_options = False

        def __init__(self, tag):
            made.append(tag)

        def dispatch_request(self):
            return f"{id(self)}"

    class Fresh(Shared):
        init_every_request = True

    app = app_cls(__name__)
    shared, fresh = Shared.as_view("shared", "s"), Fresh.as_view("fresh", "f")
    app.add_url_rule("/s", view_func=shared)
    app.add_url_rule("/f", view_func=fresh)
    assert (shared.__name__, shared.view_class, shared.methods, shared.provide_automatic_options) == ("shared", Shared, ["GET", "PUT"], False)
    assert app.view_functions["fresh"].view_class is Fresh
    c = app.test_client()
    assert c.get("/s").data == c.get("/s").data  # one instance
    c.get("/f"), c.get("/f")
    assert made == ["s", "f", "f"]  # one per request
    assert c.open("/s", method="OPTIONS").status_code == 405  # no automatic OPTIONS


def test_listed_but_unimplemented_method_is_flasks_assertion(app_cls):
    class Half(views.MethodView):
        methods = ["GET", "POST"]

        def get(self):
            return "got"

    app = app_cls(__name__)
    app.config["PROPAGATE_EXCEPTIONS"] = True
    app.add_url_rule("/h", view_func=Half.as_view("half"))
    with pytest.raises(AssertionError, match="Unimplemented method 'POST'"):
        app.test_client().post("/h")
