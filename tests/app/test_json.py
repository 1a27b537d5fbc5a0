"""``fastdispatch.json`` and ``app.json`` against Flask's: the same text
for the same values (hypothesis), provider settings changed after the app
served requests (the short path's answer for a dict must follow them), the
orjson provider."""

from __future__ import annotations

import dataclasses
import decimal
import io
import os
import subprocess
import sys
import uuid
from datetime import date, datetime, timedelta, timezone

import flask
import flask.json
import flask.json.provider
import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import fastdispatch.json
from fastdispatch import Response
from fastdispatch.json.orjson import OrjsonProvider
from fastdispatch.json.provider import DefaultJSONProvider, JSONProvider

EXAMPLES = int(os.environ.get("FASTDISPATCH_HYPOTHESIS_EXAMPLES", "200"))


@dataclasses.dataclass
class Point:
    x: int
    label: str


class Html:
    def __init__(self, text):
        self.text = text

    def __html__(self):
        return f"<b>{self.text}</b>"


_zones = st.sampled_from([None, timezone.utc, timezone(timedelta(hours=5, minutes=30)), timezone(timedelta(hours=-8))])
_extras = st.one_of(
    st.dates(),
    st.datetimes(timezones=_zones),
    st.decimals(allow_nan=False),
    st.uuids(),
    st.builds(Point, st.integers(), st.text()),
    st.builds(Html, st.text()),
)
_scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(), _extras)
values = st.recursive(
    _scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=5), inner, max_size=4), st.tuples(inner, inner)),
    max_leaves=12,
)
_kwargs = st.fixed_dictionaries(
    {},
    optional={"indent": st.sampled_from([None, 0, 2, "\t"]), "sort_keys": st.booleans(), "ensure_ascii": st.booleans(), "separators": st.just((",", ":"))},
)


def _outcome(func, *args, **kwargs):
    try:
        return func(*args, **kwargs)
    except (TypeError, ValueError) as e:
        return f"{type(e).__name__}: {e}"


@settings(max_examples=EXAMPLES, deadline=None)
@given(values, _kwargs)
def test_dumps_is_flasks(obj, kwargs):
    # outside any app context: the standard library's json with Flask's default
    assert _outcome(fastdispatch.json.dumps, obj, **kwargs) == _outcome(flask.json.dumps, obj, **kwargs)
    with flask.Flask(__name__).app_context(), fastdispatch.App(__name__).app_context():
        assert _outcome(fastdispatch.json.dumps, obj, **kwargs) == _outcome(flask.json.dumps, obj, **kwargs)


@settings(max_examples=EXAMPLES, deadline=None)
@given(values, st.booleans(), st.sampled_from([None, True, False]))
def test_response_is_flasks(obj, debug, compact):
    fl, fd = flask.Flask(__name__), fastdispatch.App(__name__)
    for app in (fl, fd):
        app.debug = debug
        app.json.compact = compact
    with fl.app_context():
        theirs = _outcome(lambda: flask.jsonify(obj).get_data())
    with fd.app_context():
        ours = _outcome(lambda: fastdispatch.jsonify(obj).get_data())
    assert ours == theirs


def test_dump_load_in_and_out_of_context():
    obj = {"b": date(2020, 1, 2), "a": decimal.Decimal("1.0"), "u": uuid.UUID(int=7)}
    out = {}
    for name, module, make in (("flask", flask.json, flask.Flask), ("fd", fastdispatch.json, fastdispatch.App)):
        texts = []
        for inside in (False, True):
            fp = io.StringIO()
            if inside:
                with make(__name__).app_context():
                    module.dump(obj, fp, indent=1)
                    texts.append(module.load(io.StringIO(fp.getvalue())))
            else:
                module.dump(obj, fp, indent=1)
                texts.append(module.load(io.BytesIO(fp.getvalue().encode())))
            texts.append(fp.getvalue())
        out[name] = texts
    assert out["fd"] == out["flask"]
    assert out["fd"][1] != out["fd"][3]  # sorted keys only inside


def test_provider_attributes_are_flasks():
    fl = flask.json.provider.DefaultJSONProvider
    for name in ("ensure_ascii", "sort_keys", "compact", "mimetype"):
        assert getattr(DefaultJSONProvider, name) == getattr(fl, name), name
    assert isinstance(DefaultJSONProvider.__dict__["default"], staticmethod)
    app = fastdispatch.App(__name__)
    assert fastdispatch.App.json_provider_class is DefaultJSONProvider
    assert type(app.json) is DefaultJSONProvider and app.json._app.name == app.name
    with pytest.raises(NotImplementedError):
        JSONProvider(app).dumps(1)
    with pytest.raises(NotImplementedError):
        JSONProvider(app).loads("1")


class Base(JSONProvider):
    """Only dumps and loads: the base class makes the rest of them."""

    def dumps(self, obj, **kwargs):
        return f"<{obj!r}>"

    def loads(self, s, **kwargs):
        return ("loaded", s)


def test_base_provider_methods_are_flasks():
    def run(app):
        app.json = Base(app)
        with app.app_context():
            r = app.json.response(1, 2)
            fp = io.StringIO()
            app.json.dump({"x": 1}, fp)
            return r.get_data(), r.mimetype, fp.getvalue(), app.json.load(io.StringIO("abc"))

    assert run(fastdispatch.App(__name__)) == run(flask.Flask(__name__))


# -- settings changed after requests were served -------------------------------


def _app(app_cls):
    app = app_cls(__name__)

    @app.route("/d")
    def d():
        return {"b": "é", "a": [1, 2], "when": date(2024, 3, 1)}

    @app.route("/s")
    def s():
        return "text"

    return app, app.test_client()


def _get(client):
    r = client.get("/d")
    return r.status_code, r.headers["Content-Type"], r.data


def test_settings_changed_after_the_first_request(app_cls):
    app, client = _app(app_cls)
    default = (200, "application/json", b'{"a":[1,2],"b":"\\u00e9","when":"Fri, 01 Mar 2024 00:00:00 GMT"}\n')
    assert _get(client) == default
    assert app._fast.json  # the answer without a Response object
    app.json.sort_keys = False
    assert _get(client) == (200, "application/json", b'{"b":"\\u00e9","a":[1,2],"when":"Fri, 01 Mar 2024 00:00:00 GMT"}\n')
    assert not app._fast.json and app._fast.text
    assert client.get("/s").data == b"text"
    app.json.ensure_ascii = False
    assert _get(client)[2] == '{"b":"é","a":[1,2],"when":"Fri, 01 Mar 2024 00:00:00 GMT"}\n'.encode()
    del app.json.sort_keys, app.json.ensure_ascii
    assert _get(client) == default
    assert app._fast.json
    app.json.compact = False
    assert _get(client)[2].startswith(b'{\n  "a": [\n    1,')
    del app.json.compact
    app.json.mimetype = "application/problem+json"
    assert _get(client)[1] == "application/problem+json"
    del app.json.mimetype
    app.json.default = lambda o: o.isoformat()
    assert _get(client)[2].endswith(b'"when":"2024-03-01"}\n')
    del app.json.default
    assert _get(client) == default
    app.config["DEBUG"] = True
    assert _get(client)[2].startswith(b'{\n  "a": [\n    1,')
    app.config["DEBUG"] = False
    assert _get(client) == default and app._fast.json


def test_a_new_provider_after_the_first_request(app_cls):
    app, client = _app(app_cls)
    _get(client)

    class Unsorted(DefaultJSONProvider):
        sort_keys = False

    app.json = Unsorted(app)
    assert _get(client)[2].startswith(b'{"b":')
    app.json = DefaultJSONProvider(app)
    assert _get(client)[2].startswith(b'{"a":')
    assert app._fast.json
    # made for another app: its debug mode and response class, as in Flask
    other = fastdispatch.App("other")
    other.debug = True
    app.json = DefaultJSONProvider(other)
    assert _get(client)[2].startswith(b"{\n")
    assert not app._fast.json


def test_a_custom_response_class_gets_the_dict(app_cls):
    class MyResponse(Response):
        pass

    app, client = _app(app_cls)
    seen = []

    @app.after_request
    def after(response):
        seen.append(type(response))
        return response

    _get(client)
    app.response_class = MyResponse
    assert _get(client)[0] == 200 and seen == [Response, MyResponse]


def test_request_get_json_uses_the_provider(app_cls):
    app = app_cls(__name__)

    class Loud(DefaultJSONProvider):
        def loads(self, s, **kwargs):
            return {"loud": super().loads(s, **kwargs)}

    app.json = Loud(app)

    @app.route("/p", methods=["POST"])
    def p():
        return fastdispatch.request.get_json()

    assert app.test_client().post("/p", json={"a": 1}).data == b'{"loud":{"a":1}}\n'


# -- orjson ------------------------------------------------------------------------


def _orjson_app(app_cls, **settings):
    app = app_cls(__name__)
    app.json = OrjsonProvider(app)
    for name, value in settings.items():
        setattr(app.json, name, value)
    doc = {"b": "é", "a": [1, 2.5, None], "when": datetime(2024, 3, 1, 12, 0), "d": decimal.Decimal("1.50"), "u": uuid.UUID(int=1), "p": Point(1, "x"), "h": Html("x")}

    @app.route("/d", methods=["GET", "POST"])
    def d():
        if fastdispatch.request.method == "POST":
            return fastdispatch.jsonify(got=fastdispatch.request.get_json())
        return doc

    @app.route("/l")
    def l():  # noqa: E741
        return [3, 2, 1]

    return app, app.test_client()


def test_orjson_provider(app_cls):
    app, client = _orjson_app(app_cls)
    r = client.get("/d")
    assert r.headers["Content-Type"] == "application/json"
    assert r.data == (
        '{"b":"é","a":[1,2.5,null],"when":"2024-03-01T12:00:00","d":"1.50",'
        '"u":"00000000-0000-0000-0000-000000000001","p":{"x":1,"label":"x"},"h":"<b>x</b>"}\n'
    ).encode()
    assert client.get("/l").data == b"[3,2,1]\n"
    assert client.post("/d", json={"z": [1]}).data == b'{"got":{"z":[1]}}\n'
    bad = client.post("/d", data=b"{", content_type="application/json")
    assert bad.status_code == 400
    with app.app_context():
        assert fastdispatch.json.dumps({"b": 1, "a": 2}) == '{"b":1,"a":2}'
        assert fastdispatch.json.dumps({"b": 1, "a": 2}, sort_keys=True, indent=2) == '{\n  "a": 2,\n  "b": 1\n}'
        assert fastdispatch.json.dumps({1: 2}, option=orjson.OPT_NON_STR_KEYS) == '{"1":2}'
        assert fastdispatch.json.loads(b'{"a": "\\u00fc"}') == {"a": "ü"}
        fp = io.StringIO()
        fastdispatch.json.dump([1], fp)
        assert fp.getvalue() == "[1]" and fastdispatch.json.load(io.BytesIO(b"[2]")) == [2]
        with pytest.raises(TypeError):
            fastdispatch.json.dumps(1, indent=4)
        with pytest.raises(TypeError):
            fastdispatch.json.loads("1", parse_float=decimal.Decimal)
        with pytest.raises(TypeError):
            fastdispatch.json.dumps(object())


def test_orjson_provider_settings(app_cls):
    app, client = _orjson_app(app_cls, sort_keys=True, mimetype="application/vnd.x+json")
    r = client.get("/d")
    assert r.data.startswith(b'{"a":[1,2.5,null],"b":"\xc3\xa9","d":"1.50"') and r.headers["Content-Type"] == "application/vnd.x+json"
    app.debug = True
    assert client.get("/l").data == b"[\n  3,\n  2,\n  1\n]\n"
    app.json.compact = True
    assert client.get("/l").data == b"[3,2,1]\n"


def test_import_fastdispatch_does_not_import_orjson():
    code = "import fastdispatch, fastdispatch.json, sys; fastdispatch.App('x').json.dumps(1); assert 'orjson' not in sys.modules, 'orjson imported'"
    subprocess.run([sys.executable, "-c", code], check=True)
