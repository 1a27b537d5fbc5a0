"""Router behaviour, table-driven, on both twins (the ``router_cls`` fixture).

Expected outcomes here are Werkzeug 3.1's; ``test_werkzeug_diff.py`` checks
the same and much more against Werkzeug itself.
"""

import re
import uuid

import pytest

from fastdispatch.routing import (
    BaseConverter,
    BuildError,
    MethodNotAllowed,
    NotFound,
    RequestRedirect,
    RoutingException,
    RuleInfo,
    ValidationError,
)

from .invariants import check_tree


def outcome(router, method, path):
    try:
        return router.match(method, path)
    except MethodNotAllowed as e:
        return ("405", e.allowed)
    except RequestRedirect as e:
        return ("308", e.location)
    except NotFound:
        return "404"


def make(router_cls, *rules):
    r = router_cls()
    for rule in rules:
        if isinstance(rule, str):
            r.add(rule, rule)
        else:
            r.add(rule[0], rule[1], methods=rule[2]) if len(rule) == 3 else r.add(rule[0], rule[1])
        check_tree(r)
    return r


# (rules, method, path, expected outcome): rules are "rule" (endpoint = rule)
# or (rule, endpoint[, methods]).
CASES = [
    # static and dynamic
    (["/"], "GET", "/", ("/", {})),
    (["/"], "GET", "", ("308", "/")),
    (["/a"], "GET", "", "404"),
    (["/users/<name>"], "GET", "/users/ada", ("/users/<name>", {"name": "ada"})),
    (["/users/<name>"], "GET", "/users/", "404"),
    (["/users/<name>"], "GET", "/users", "404"),
    (["/users/<name>"], "GET", "/Users/ada", "404"),  # case-sensitive
    # static beats a converter, whatever the registration order
    (["/u/<x>", "/u/me"], "GET", "/u/me", ("/u/me", {})),
    (["/u/me", "/u/<x>"], "GET", "/u/you", ("/u/<x>", {"x": "you"})),
    # weights: int before string before path
    (["/v/<path:p>", "/v/<s>", "/v/<int:i>"], "GET", "/v/42", ("/v/<int:i>", {"i": 42})),
    (["/v/<path:p>", "/v/<s>", "/v/<int:i>"], "GET", "/v/x", ("/v/<s>", {"s": "x"})),
    (["/v/<path:p>", "/v/<s>", "/v/<int:i>"], "GET", "/v/x/y", ("/v/<path:p>", {"p": "x/y"})),
    # more static content in a segment first
    (["/f/<a>.<b>", "/f/<a>.json"], "GET", "/f/x.json", ("/f/<a>.json", {"a": "x"})),
    # backtracking
    (["/a/<x>/c", "/a/b/d"], "GET", "/a/b/c", ("/a/<x>/c", {"x": "b"})),
    (["/a/b/d", "/a/<x>/c"], "GET", "/a/b/d", ("/a/b/d", {})),
    # values taken in a branch that failed are dropped
    (["/s/<a>/q", "/<b>/<c>/r"], "GET", "/s/1/r", ("/<b>/<c>/r", {"b": "s", "c": "1"})),
    # trailing slashes: redirect to the slash form, never the reverse
    (["/dir/"], "GET", "/dir", ("308", "/dir/")),
    (["/file"], "GET", "/file/", "404"),
    (["/dir/"], "GET", "//dir", ("308", "/dir/")),
    (["/u/<x>/"], "GET", "/u/y", ("308", "/u/y/")),
    # the redirect only for a method the slash rule allows
    ([("/dir/", "d", ["POST"])], "GET", "/dir", "404"),
    ([("/dir/", "d", ["POST"])], "POST", "/dir", ("308", "/dir/")),
    # methods: GET implies HEAD; 405 lists the methods of the path
    ([("/m", "get"), ("/m", "post", ["POST"])], "HEAD", "/m", ("get", {})),
    ([("/m", "get"), ("/m", "post", ["POST"])], "PUT", "/m", ("405", frozenset({"GET", "HEAD", "POST"}))),
    ([("/m", "get"), ("/m", "post", ["post"])], "post", "/m", ("post", {})),
    # 405 only where the path matches with another method
    ([("/m", "post", ["POST"]), "/n"], "GET", "/x", "404"),
    # a converter refusing a value after its part matched is a 404 ...
    (["/n/<int(max=5):n>", "/n/<x>"], "GET", "/n/6", "404"),
    (["/n/<int(max=5):n>", "/n/<x>"], "GET", "/n/5", ("/n/<int(max=5):n>", {"n": 5})),
    # ... or a 405 if another rule allowed another method on the way
    ([("/k/<int(max=5):n>", "p", ["POST"]), ("/k/<int(max=5):m>", "g")], "GET", "/k/6", ("405", frozenset({"POST"}))),
    # converters
    (["/i/<int:n>"], "GET", "/i/-1", "404"),
    (["/i/<int(signed=True):n>"], "GET", "/i/-1", ("/i/<int(signed=True):n>", {"n": -1})),
    (["/i/<int(fixed_digits=3):n>"], "GET", "/i/007", ("/i/<int(fixed_digits=3):n>", {"n": 7})),
    (["/i/<int(fixed_digits=3):n>"], "GET", "/i/07", "404"),
    (["/i/<int(min=2, max=4):n>"], "GET", "/i/1", "404"),
    (["/i/<int:n>"], "GET", "/i/\u0663\u0664", ("/i/<int:n>", {"n": 34})),  # \d is Unicode, as int() is
    (["/i/<int:n>"], "GET", "/i/12345678901234567890123", ("/i/<int:n>", {"n": 12345678901234567890123})),
    (["/f/<float:x>"], "GET", "/f/1.5", ("/f/<float:x>", {"x": 1.5})),
    (["/f/<float:x>"], "GET", "/f/1", "404"),
    (["/f/<float(signed=True):x>"], "GET", "/f/-0.5", ("/f/<float(signed=True):x>", {"x": -0.5})),
    (["/s/<string(length=2):c>"], "GET", "/s/abc", "404"),
    (["/s/<string(length=2):c>"], "GET", "/s/ab", ("/s/<string(length=2):c>", {"c": "ab"})),
    (["/s/<string(minlength=2, maxlength=3):c>"], "GET", "/s/a", "404"),
    (["/s/<string(minlength=2, maxlength=3):c>"], "GET", "/s/abc", ("/s/<string(minlength=2, maxlength=3):c>", {"c": "abc"})),
    (["/y/<any(a, b, 'c,d'):v>"], "GET", "/y/c,d", ("/y/<any(a, b, 'c,d'):v>", {"v": "c,d"})),
    (["/y/<any(a, b, 'c,d'):v>"], "GET", "/y/c", "404"),
    (["/id/<uuid:u>"], "GET", "/id/0F1e2D3c-0000-4000-8000-00000000000a", ("/id/<uuid:u>", {"u": uuid.UUID("0f1e2d3c-0000-4000-8000-00000000000a")})),
    (["/id/<uuid:u>"], "GET", "/id/0f1e2d3c-0000-4000-8000-00000000000g", "404"),
    (["/p/<path:p>"], "GET", "/p/a/b/", ("/p/<path:p>", {"p": "a/b/"})),
    (["/p/<path:p>"], "GET", "/p//a", "404"),
    (["/p/<path:p>/edit"], "GET", "/p/a/b/edit", ("/p/<path:p>/edit", {"p": "a/b"})),
    (["/p/<path:p>/"], "GET", "/p/a/b", ("308", "/p/a/b/")),
    (["/p/<path:p>/"], "GET", "/p/a/b/", ("/p/<path:p>/", {"p": "a/b"})),
    # converters inside a segment with static text around them
    (["/report-<int:year>.csv"], "GET", "/report-2024.csv", ("/report-<int:year>.csv", {"year": 2024})),
    (["/report-<int:year>.csv"], "GET", "/report-x.csv", "404"),
    (["/<name>.<ext>"], "GET", "/a.b.c", ("/<name>.<ext>", {"name": "a.b", "ext": "c"})),
    # odd paths
    (["/a"], "GET", "a", ("/a", {})),  # Werkzeug prefixes the slash
    (["/a"], "GET", "///a", ("/a", {})),
    (["/a/b"], "GET", "/a//b", "404"),
    (["/<x>"], "GET", "/\x00", ("/<x>", {"x": "\x00"})),
    (["/<x>"], "GET", "/\udcff\u00e9", ("/<x>", {"x": "\udcff\u00e9"})),
    (["/caf\u00e9/<x>"], "GET", "/caf\u00e9/\u4e2d", ("/caf\u00e9/<x>", {"x": "\u4e2d"})),
]


@pytest.mark.parametrize("rules, method, path, expected", CASES)
def test_match(router_cls, rules, method, path, expected):
    router = make(router_cls, *rules)
    assert outcome(router, method, path) == expected


def test_exceptions_share_a_base(router):
    router.add("/a/", "a")
    router.add("/m", "m", methods=["POST"])
    for path, cls in (("/a", RequestRedirect), ("/m", MethodNotAllowed), ("/z", NotFound)):
        with pytest.raises(cls) as info:
            router.match("GET", path)
        assert isinstance(info.value, RoutingException)


def test_params_dict_is_fresh(router):
    router.add("/s", "s")
    router.add("/d/<x>", "d")
    router.match("GET", "/s")[1]["poison"] = 1
    router.match("GET", "/d/1")[1]["poison"] = 1
    assert router.match("GET", "/s") == ("s", {})
    assert router.match("GET", "/d/1") == ("d", {"x": "1"})


def test_rejects_non_str(router):
    router.add("/a", "a")
    with pytest.raises(TypeError):
        router.match("GET", b"/a")
    with pytest.raises(TypeError):
        router.match(None, "/a")


class ListConverter(BaseConverter):
    """A Flask-docs style custom converter: comma-separated list."""

    weight = 150

    def __init__(self, map, sep=","):
        super().__init__(map)
        self.sep = sep

    def to_python(self, value):
        if value.startswith(self.sep):
            raise ValidationError()
        return value.split(self.sep)

    def to_url(self, values):
        return self.sep.join(super(ListConverter, self).to_url(v) for v in values)


class HexConverter(BaseConverter):
    regex = "[0-9a-f]+"

    def to_python(self, value):
        return int(value, 16)

    def to_url(self, value):
        return format(value, "x")


class SlashyConverter(BaseConverter):
    regex = "[a-z]+/[a-z]+"  # contains "/": spans segments unless told otherwise


class BrokenConverter(BaseConverter):
    def to_python(self, value):
        raise ValueError("a plain ValueError, not ValidationError")


def test_custom_converters(router):
    router.converters["list"] = ListConverter
    router.converters["hex"] = HexConverter
    router.converters["slashy"] = SlashyConverter
    router.converters["broken"] = BrokenConverter
    router.add("/l/<list:items>", "l")
    router.add("/l2/<list(sep=';'):items>", "l2")
    router.add("/h/<hex:n>", "h")
    router.add("/s/<slashy:s>", "s")
    router.add("/b/<broken:b>", "b")
    assert SlashyConverter.part_isolating is False
    assert router.match("GET", "/l/a,b") == ("l", {"items": ["a", "b"]})
    assert router.match("GET", "/l2/a;b") == ("l2", {"items": ["a", "b"]})
    assert outcome(router, "GET", "/l/,a") == "404"
    assert router.match("GET", "/h/ff") == ("h", {"n": 255})
    assert outcome(router, "GET", "/h/fg") == "404"
    assert router.match("GET", "/s/ab/cd") == ("s", {"s": "ab/cd"})
    assert outcome(router, "GET", "/b/x") == "404"  # any ValueError means no match
    assert router.build("l", {"items": ["a b", "c"]}) == "/l/a%20b,c"
    assert router.build("h", {"n": 255}) == "/h/ff"


def test_custom_converter_weight_orders_parts(router):
    router.converters["list"] = ListConverter  # weight 150: after string, before path
    router.add("/w/<path:p>", "path")
    router.add("/w/<list:l>", "list")
    router.add("/w/<s>", "string")
    assert router.match("GET", "/w/x")[0] == "string"


def test_listing_in_registration_order(router):
    router.add("/b", "b", methods=["post", "PUT"])
    router.add("/a/<int:n>", "a")
    assert list(router) == [
        RuleInfo("/b", "b", frozenset({"POST", "PUT"})),
        RuleInfo("/a/<int:n>", "a", frozenset({"GET", "HEAD"})),
    ]
    rule, endpoint, methods = list(router)[1]
    assert (rule, endpoint) == ("/a/<int:n>", "a")
    assert len(router) == 2


BAD_RULES = [
    ("no-slash", "must be a string starting with a slash"),
    ("", "must be a string starting with a slash"),
    ("/a/<b", "malformed"),
    ("/a/<>", "malformed"),
    ("/a/<1x>", "malformed"),
    ("/a/<nope:x>", "unknown converter 'nope'"),
    ("/a/<int(bogus=1):x>", "bad arguments for converter 'int'"),
    ("/a/<int(fixed_digits=-1):x>", "bad arguments"),
    ("/a/<string(length='x'):x>", "bad arguments"),
    ("/a/<string(minlength=3, maxlength=2):x>", "bad arguments"),
    ("/a/<any():x>", "bad arguments"),
    ("/a/<any(1, 2):x>", "bad arguments"),
    ("/a/<int(max=):x>", "bad arguments"),
    ("/a/<x>/<int:x>", "duplicate parameter name 'x'"),
]


@pytest.mark.parametrize("rule, message", BAD_RULES)
def test_malformed_rules_raise_valueerror(router, rule, message):
    with pytest.raises(ValueError, match=message) as info:
        router.add(rule, "e")
    assert repr(rule) in str(info.value)
    assert list(router) == []


def test_duplicate_rule_names_both(router):
    router.add("/users/<int:id>", "first", methods=["GET", "POST"])
    with pytest.raises(ValueError) as info:
        router.add("/users/<int:user_id>", "second", methods=["POST", "DELETE"])
    msg = str(info.value)
    assert "'/users/<int:user_id>'" in msg and "'/users/<int:id>'" in msg and "'first'" in msg and "POST" in msg
    # the same rule with other methods, or another converter, is fine
    router.add("/users/<int:id>", "third", methods=["DELETE"])
    router.add("/users/<string:id>", "fourth")
    assert router.match("DELETE", "/users/1") == ("third", {"id": 1})


def test_methods_must_be_a_collection(router):
    with pytest.raises(TypeError):
        router.add("/a", "a", methods="GET")
    with pytest.raises(ValueError):
        router.add("/a", "a", methods=[])


BUILD_CASES = [
    ("/repos/<owner>/<repo>/issues/<int:number>", {"owner": "ada", "repo": "x y", "number": 7}, "/repos/ada/x%20y/issues/7"),
    ("/i/<int(fixed_digits=4):n>", {"n": 42}, "/i/0042"),
    ("/f/<float:x>", {"x": 1.25}, "/f/1.25"),
    ("/p/<path:p>", {"p": "a/b c"}, "/p/a/b%20c"),
    ("/y/<any(a, 'b c'):v>", {"v": "b c"}, "/y/b c"),
    ("/id/<uuid:u>", {"u": uuid.UUID(int=5)}, "/id/00000000-0000-0000-0000-000000000005"),
    ("/report-<int:year>.csv", {"year": 2024}, "/report-2024.csv"),
    ("/caf\u00e9/<x>", {"x": "\u4e2d"}, "/caf%C3%A9/%E4%B8%AD"),
    ("/q/<x>", {"x": "1", "page": 2, "tag": ["a", "b"], "none": None}, "/q/1?page=2&tag=a&tag=b"),
]


@pytest.mark.parametrize("rule, values, url", BUILD_CASES)
def test_build_and_round_trip(router, rule, values, url):
    router.add(rule, "e")
    assert router.build("e", values) == url
    path = url.split("?")[0]
    from urllib.parse import unquote

    endpoint, params = router.match("GET", unquote(path))
    assert endpoint == "e"
    assert params == {k: v for k, v in values.items() if k in params}


def test_build_prefers_rules_using_more_values(router):
    router.add("/list", "items")
    router.add("/list/<int:page>", "items")
    assert router.build("items") == "/list"
    assert router.build("items", {"page": 2}) == "/list/2"


def test_build_by_method(router):
    router.add("/g", "e")
    router.add("/p", "e", methods=["POST"])
    assert router.build("e") == "/g"
    assert router.build("e", method="POST") == "/p"


def test_build_errors_name_endpoint_and_missing(router):
    router.add("/u/<int:id>/<name>", "user")
    with pytest.raises(BuildError, match=r"'user'.*needs name") as info:
        router.build("user", {"id": 1})
    assert info.value.endpoint == "user"
    with pytest.raises(BuildError, match="no rule is registered"):
        router.build("nobody")
    with pytest.raises(BuildError, match="does not allow POST"):
        router.build("user", {"id": 1, "name": "x"}, method="POST")


def test_build_any_rejects_unknown_value(router):
    """The converter's own ValueError, as Werkzeug's builder lets it out
    (only a ValidationError means "try the next rule")."""
    router.add("/y/<any(a, b):v>", "e")
    with pytest.raises(ValueError, match="^'c' is not one of 'a', 'b'$") as e:
        router.build("e", {"v": "c"})
    assert not isinstance(e.value, BuildError)


# Adversarial paths: each must be answered (match or NotFound), quickly.
ADVERSARIAL = [
    "",
    "/",
    "/" * 65536,
    "/a" * 32768,
    "/x" + "/y" * 10000,
    "/" + "a" * 65536,
    "/\x00" * 1000,
    "/\udcff" * 1000,
    "/repos/" + "/".join(["o"] * 9999),
    "/files/" + "a/" * 20000,
    "/files/" + "\n" * 1000,
    "/n/" + "9" * 5000,
    "/n/" + "\u0669" * 5000,
]


@pytest.mark.parametrize("path", ADVERSARIAL, ids=lambda p: f"{len(p)}:{p[:12]!r}")
def test_adversarial_paths(router, path):
    router.add("/", "root")
    router.add("/<a>/<b>/<c>", "abc")
    router.add("/repos/<owner>/<repo>/issues/<int:n>", "issue")
    router.add("/repos/<owner>/<repo>/<path:rest>", "rest")
    router.add("/files/<path:p>/edit", "edit")
    router.add("/files/<path:p>/", "dir")
    router.add("/n/<int:n>", "n")
    router.add("/n/<float:f>", "f")
    router.add("/<x>.<y>", "xy")
    try:
        router.match("GET", path)
    except (NotFound, RequestRedirect, MethodNotAllowed):
        pass


@pytest.mark.parametrize("rules, method, path, expected", CASES)
def test_match_by_split_functions(monkeypatch, rules, method, path, expected):
    """The pure router compiles its rules to nested ifs; where nesting gets
    too deep a subtree becomes a function of its own. Force that everywhere."""
    from fastdispatch.routing import PythonRouter, _codegen

    monkeypatch.setattr(_codegen, "_MAX_INDENT", 0)
    router = make(PythonRouter, *rules)
    assert outcome(router, method, path) == expected
    assert re.search(r"r = SUBTREE_\d+\(parts, n, method, have", router.source)


@pytest.mark.parametrize("rules, method, path, expected", CASES)
def test_match_by_walk(rules, method, path, expected):
    """The reference walk (the compiled search in Python) on the same table."""
    from .reference_walk import WalkRouter

    assert outcome(make(WalkRouter, *rules), method, path) == expected


def test_deep_rules_split_the_generated_code(router_cls):
    deep = "".join(f"/s{i}/<v{i}>" for i in range(60))
    router = make(router_cls, deep, "/s0/<x>/t")
    path = "".join(f"/s{i}/{i}" for i in range(60))
    assert router.match("GET", path) == (deep, {f"v{i}": str(i) for i in range(60)})
    assert outcome(router, "GET", path + "/") == "404"
    assert router.match("GET", "/s0/1/t") == ("/s0/<x>/t", {"x": "1"})
    if router_cls.__name__ == "PythonRouter":
        assert "def _s1(" in router._matcher.source


def test_rule_with_lone_surrogate_is_refused(router):
    # Werkzeug refuses it too (it cannot quote it for building)
    with pytest.raises(ValueError, match="not encodable as UTF-8"):
        router.add("/\udcff/<x>", "e")


def test_automatic_methods_do_not_clash(router):
    # Flask adds OPTIONS to every rule; two views on one path must not clash on it
    router.add("/r", "read", methods=["GET", "OPTIONS"], automatic=["OPTIONS"])
    router.add("/r", "write", methods=["POST", "OPTIONS"], automatic=["options"])
    with pytest.raises(ValueError, match="duplicates"):
        router.add("/r", "again", methods=["POST"])


def test_automatic_methods_are_noted_never_matched(router):
    """An automatic method (Flask's implicit OPTIONS) is a 405 whose
    ``allowed`` holds it, which the app answers; an explicit one, even of a
    later rule, matches; the trailing-slash redirect follows it too."""
    router.add("/r", "read", methods=["GET", "OPTIONS"], automatic=["OPTIONS"])
    router.add("/r", "write", methods=["POST", "OPTIONS"], automatic=["OPTIONS"])
    with pytest.raises(MethodNotAllowed) as info:
        router.match("OPTIONS", "/r")
    assert info.value.allowed == {"GET", "HEAD", "POST", "OPTIONS"}
    assert info.value.valid_methods == ["GET", "HEAD", "OPTIONS", "POST"]
    router.add("/<x>", "item", methods=["GET", "OPTIONS"], automatic=["OPTIONS"])
    router.add("/<x>", "preflight", methods=["OPTIONS"])
    assert router.match("OPTIONS", "/y") == ("preflight", {"x": "y"})
    router.add("/d/", "dir", methods=["GET", "OPTIONS"], automatic=["OPTIONS"])
    with pytest.raises(RequestRedirect):
        router.match("OPTIONS", "/d")
    router.add("/lax/<int:n>/", "lax", methods=["GET", "OPTIONS"], automatic=["OPTIONS"], strict_slashes=False)
    assert router.match("GET", "/lax/1") == ("lax", {"n": 1})
    with pytest.raises(MethodNotAllowed) as info:
        router.match("OPTIONS", "/lax/1/")
    assert info.value.automatic_match == ("lax", {"n": 1})
    with pytest.raises(NotFound):
        router.match("OPTIONS", "/lax/1")  # nothing noted without the slash, as Werkzeug's "--"


def test_automatic_match_is_the_rule_werkzeug_matches(router):
    """The 405 of an automatic method names the first rule that has it
    (the one Werkzeug matches for Flask) and its converted values."""
    router.add("/u/<int:id>", "user", methods=["GET", "OPTIONS"], automatic=["OPTIONS"], defaults={"fmt": "json"})
    router.add("/u/<name>", "named", methods=["PUT", "OPTIONS"], automatic=["OPTIONS"])
    with pytest.raises(MethodNotAllowed) as info:
        router.match("OPTIONS", "/u/7")
    assert info.value.automatic_match == ("user", {"id": 7, "fmt": "json"})
    assert info.value.allowed == {"GET", "HEAD", "PUT", "OPTIONS"}
    with pytest.raises(MethodNotAllowed) as info:
        router.match("OPTIONS", "/u/ada")
    assert info.value.automatic_match == ("named", {"name": "ada"})
    with pytest.raises(MethodNotAllowed) as info:
        router.match("POST", "/u/7")
    assert info.value.automatic_match is None


def test_is_endpoint_expecting(router):
    """Werkzeug's Map.is_endpoint_expecting (Flask's url_defaults pattern)."""
    router.add("/<lang>/page/<int:n>", "page")
    router.add("/page/<int:n>", "page")
    router.add("/", "index")
    assert router.is_endpoint_expecting("page", "lang")
    assert router.is_endpoint_expecting("page", "lang", "n")
    assert router.is_endpoint_expecting("page")
    assert not router.is_endpoint_expecting("index", "lang")
    assert not router.is_endpoint_expecting("page", "other")
    with pytest.raises(KeyError):
        router.is_endpoint_expecting("missing", "lang")


# The exact source the pure router generates for a small table (as Falcon's
# router tests pin theirs): a change to the generator shows here, line by line.
PINNED_SOURCE = """\
def match(parts, n, method, have, auto):
    if n > 1:
        s1 = parts[1]
        if s1 == 'docs':
            if n == 2:
                if method in SLASH_METHODS_0:
                    raise _SlashRequired
            else:
                s2 = parts[2]
                if s2 == '':
                    if n == 3:
                        e = ENDPOINT_BY_METHOD_1.get(method)
                        if e is not None:
                            return e, {}
                        have.append(METHODS_2)
        elif s1 == 'files':
            if n > 2:
                s2 = parts[2]
                if s2:
                    r2 = s2 if n == 3 else '/'.join(parts[2:])
                    if r2.find('\\n', 1) < 0:
                        e = ENDPOINT_BY_METHOD_3.get(method)
                        if e is not None:
                            return e, {'p': r2}
                        have.append(METHODS_2)
        elif s1 == 'users':
            if n == 2:
                e = ENDPOINT_BY_METHOD_4.get(method)
                if e is not None:
                    return e, {}
                if not auto and method in AUTOMATIC_RULE_BY_METHOD_5:
                    auto.append((AUTOMATIC_RULE_BY_METHOD_5[method], ()))
                have.append(METHODS_6)
            else:
                s2 = parts[2]
                if s2.isdecimal():
                    if n == 3:
                        hit = RULE_BY_METHOD_7.get(method)
                        if hit is not None:
                            return _finish(hit, (s2, ), have)
                        have.append(METHODS_8)
    return None
"""


def test_generated_source_is_pinned():
    from fastdispatch.routing import PythonRouter

    router = PythonRouter()
    router.add("/users", "users", methods=["GET", "OPTIONS"], automatic=["OPTIONS"])
    router.add("/users/<int:id>", "user", methods=["GET", "PUT"])
    router.add("/files/<path:p>", "file")
    router.add("/docs/", "docs")
    assert router.source == PINNED_SOURCE


def test_alike_subtrees_share_their_code():
    """Issue 15: the children of a segment with many (over _CALL_AT: a REST
    table's resources) are functions; those alike but for their constants (the
    endpoints) are made from one code object, compiled once, each with its
    own constants as its defaults (those of a kind of their own: globals)."""
    from fastdispatch.routing import PythonRouter

    router = PythonRouter()
    for i in range(50):
        router.add(f"/r/res{i}", f"list{i}")
        router.add(f"/r/res{i}/<int:id>", f"item{i}", methods=["GET", "PUT"])
    router.add("/r/odd/<x>/<y>", "odd")
    assert router.match("GET", "/r/res7") == ("list7", {})
    assert router.match("PUT", "/r/res49/3") == ("item49", {"id": 3})
    assert router.match("GET", "/r/odd/a/b") == ("odd", {"x": "a", "y": "b"})
    with pytest.raises(MethodNotAllowed):
        router.match("DELETE", "/r/res0/3")
    table = router._matcher.__globals__["SUBTREE_BY_SEGMENT_0"]
    assert len(table) == 51
    assert len({f.__code__ for f in table.values()}) == 2  # the res children's and odd's
    assert table["res3"].__code__ is table["res4"].__code__
    assert table["res3"] is not table["res4"]
    assert table["res3"].__defaults__ != table["res4"].__defaults__
    # one of a kind: its constants are its globals, not defaults copied per call
    assert table["odd"].__defaults__ is None
    assert "odd" in table["odd"].__globals__["ENDPOINT_BY_METHOD_0"].values()
    assert router.source.count("\ndef ") == 2  # three functions: match and two shapes


def test_generated_source_is_debuggable():
    """Registered with linecache under a name of its own: tracebacks, pdb
    and inspect show the generated lines; it goes with the router."""
    import gc
    import inspect
    import linecache

    from fastdispatch.routing import PythonRouter

    router = PythonRouter()
    router.add("/users/<int:id>", "user")
    assert router.match("GET", "/users/1") == ("user", {"id": 1})  # compiled on the first match
    filename = router._matcher.__code__.co_filename
    assert filename.startswith("<fastdispatch routes of router ")
    assert linecache.getline(filename, 1) == "def match(parts, n, method, have, auto):\n"
    assert inspect.getsource(router._matcher) == router.source
    del router
    gc.collect()
    assert filename not in linecache.cache


def rest_table(n):
    """``n`` (method, rule) pairs shaped like a big REST API (as
    ``bench/workload.generated_routes``, without its randomness): per
    resource a collection, an item with several methods, nested items and
    a static action."""
    routes = []
    i = 0
    while len(routes) < n:
        base = f"/api/v{i % 3 + 1}/resource{i}"
        routes += [("GET", base), ("POST", base), ("GET", f"{base}/search")]
        routes += [(m, f"{base}/<int:id>") for m in ("GET", "PUT", "DELETE")]
        for j in range(i % 3 + 1):
            routes += [("GET", f"{base}/<int:id>/sub{j}"), ("GET", f"{base}/<int:id>/sub{j}/<sub_id>")]
        if i % 3 == 0:
            routes.append(("GET", f"/pages/resource{i}/about"))
        i += 1
    return routes[:n]


def build_cost(router_cls, routes):
    """(Python and builtin calls made, objects left for the GC) building a
    router from ``routes`` and matching once (the pure twin generates its
    code there)."""
    import gc
    import sys

    calls = 0

    def count(frame, event, arg):
        nonlocal calls
        if event in ("call", "c_call"):
            calls += 1

    gc.collect()
    objects = len(gc.get_objects())
    sys.setprofile(count)
    try:
        router = router_cls()
        for method, rule in routes:
            router.add(rule, f"{method} {rule}", methods=(method,))
        router.match("GET", "/api/v1/resource0/7/sub0/x")
    finally:
        sys.setprofile(None)
    gc.collect()
    objects = len(gc.get_objects()) - objects
    del router
    return calls, objects


def test_build_cost_is_linear(router_cls):
    """Issue 15: no quadratic step in building a router. The second 10,000
    rules of a 20,000-rule REST table cost at most 1.5x the first 10,000, in
    calls made (parsing, registration and the pure twin's code generation,
    which would repeat work per rule added if it were not done once) and in
    objects kept.  (Work inside the compiled twin's C code is not counted
    here: bench/bench_router.py's build section times it by halves.)"""
    routes = rest_table(20_000)
    first_calls, first_objects = build_cost(router_cls, routes[:10_000])
    all_calls, all_objects = build_cost(router_cls, routes)
    assert all_calls - first_calls <= 1.5 * first_calls, (first_calls, all_calls)
    assert all_objects - first_objects <= 1.5 * first_objects, (first_objects, all_objects)


def test_router_in_a_cycle_is_collected(router_cls):
    """The compiled twin keeps its children, dynamic parts and method tables
    in C arrays (issue 15): the collector must still see through them, or a
    router in a reference cycle (an endpoint holding the app that holds the
    router; every converter holds its router) would never be freed."""
    import gc
    import weakref

    class Endpoint:
        pass

    endpoint = Endpoint()
    router = router_cls()
    endpoint.router = router
    router.add("/x/<id>", endpoint)
    router.add("/x/<id>/y", "y", methods=("POST",))
    router.add("/a/", endpoint, strict_slashes=False)
    assert router.match("GET", "/x/1")[0] is endpoint
    ref = weakref.ref(endpoint)
    del endpoint, router
    gc.collect()
    assert ref() is None


def test_default_redirect_a_converter_refuses(router):
    """A rule whose defaults would redirect a match, but whose converter
    refuses a value the match gave: the match stands. (Werkzeug raises
    the converter's ValueError there, a 500; hypothesis found the table.)"""
    router.add("/<path:v0>-<int:v1>/<v2>", "e1")
    router.add("/<v0>/<int:v2>", "e1", defaults={"v1": 0})
    assert router.match("GET", "/a-0/a") == ("e1", {"v0": "a", "v1": 0, "v2": "a"})
