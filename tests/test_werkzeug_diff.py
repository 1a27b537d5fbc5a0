"""Differential tests: fastdispatch against Werkzeug itself (``oracle.py``).

1. The GitHub and static-site route tables (and a variant of the GitHub one
   with typed converters, trailing slashes and path converters) with many
   generated requests each: hits with odd values, near misses, wrong
   methods, slash variants, odd paths.  Every request's outcome must be
   Werkzeug's, on both twins (the ``router_cls`` fixture).
2. Hand-picked Werkzeug semantics cases, each compared against Werkzeug
   (some also pinned to the outcome Werkzeug is known to give, to keep the
   oracle honest).
"""

from __future__ import annotations

import functools
import random
import re

import pytest

from fastdispatch.routing import BaseConverter, ValidationError

from .conftest import load_routes
from .oracle import WerkzeugOracle, describe, outcome, typed

# --------------------------------------------------------------------------
# helpers


def normalise_rules(rules):
    """Rules as (rule, endpoint, methods[, options]): "rule" means (rule,
    rule, ["GET"]); options (a dict: defaults=...) go to add as keywords."""
    out = []
    for r in rules:
        if isinstance(r, str):
            out.append((r, r, ("GET",)))
        elif len(r) == 2:
            out.append((r[0], r[1], ("GET",)))
        else:
            out.append((r[0], r[1], tuple(r[2]), *r[3:]))
    return out


def build(cls, rules, converters=None, merge_slashes=False):
    router = cls(merge_slashes=True) if merge_slashes else cls()
    for name, conv in (converters or {}).items():
        router.converters[name] = conv
    for rule, endpoint, methods, *options in rules:
        router.add(rule, endpoint, methods=methods, **(options[0] if options else {}))
    return router


def compare(routers, rules, requests, limit=25):
    """Outcomes of ``requests`` on every router in ``routers`` (name ->
    router; the first is the reference).  Returns failure descriptions."""
    failures = []
    names = list(routers)
    for method, path in requests:
        outs = {name: typed(outcome(routers[name], method, path)) for name in names}
        ref = outs[names[0]]
        if any(o != ref for o in outs.values()):
            failures.append(describe(rules, method, path, outs))
            if len(failures) >= limit:
                break
    return failures


# --------------------------------------------------------------------------
# 1. the big tables

VALUES = [
    "42", "0", "007", "-1", "1.5", "-2.25", "1e3", "ada", "Flask-2.x", "a.b", "..", ".", "-", "_",
    "~tilde", "%41", "%2F", "%2f", "a%20b", "%", "%zz", "caf\u00e9", "\u4e2d\u6587", "\u0663\u0664",
    "\uff11\uff12", "\U0001f600", "\x00", "a\x00b", "\udcff", "x\udcffy", "\xff\xfe", "a\nb", "\n",
    "\r", "\t", " ", "a b", "+", ";x=1", "?q=1", "#frag", "@", ":", "x" * 300, "9" * 40,
    "0f1e2d3c-0000-4000-8000-00000000000a", "A", "master", "v1.0.0", "README.md", "a,b",
]

METHODS_ALL = ["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "get", "post", "Delete", ""]
METHODS_FEW = ["GET", "PUT", "PATCH", "get"]

_conv_re = re.compile(r"<(?:([a-zA-Z_][a-zA-Z0-9_]*)(?:\((.*?)\))?:)?([a-zA-Z_][a-zA-Z0-9_]*)>")


def fill(rule, pick):
    """``rule`` with each converter replaced by ``pick(converter_name)``."""
    return _conv_re.sub(lambda m: pick(m.group(1) or "default"), rule)


def typical(conv):
    return {
        "int": "17",
        "float": "2.5",
        "uuid": "0f1e2d3c-0000-4000-8000-00000000000a",
        "path": "a/b.c/d",
        "any": "tarball",
    }.get(conv, "pallets")


def variants(path, rng):
    """Near misses and odd forms of a path that hits."""
    out = [path]
    segs = path.split("/")
    if path.endswith("/"):
        out.append(path.rstrip("/") or "/")
    else:
        out.append(path + "/")
    out.append(path + "//")
    out += ["//" + path.lstrip("/"), "///" + path.lstrip("/"), path.lstrip("/")]
    if path.count("/") >= 2:
        i = path.index("/", 1)
        out.append(path[:i] + "/" + path[i:])  # a double slash inside
        out.append(path[:i] + path[i:].replace("/", "//", 1))
    out.append(path.rstrip("/") + "/extra")
    out.append(path.rstrip("/") + "/extra/")
    if len(segs) > 2:
        out.append("/".join(segs[:-1]))  # drop the last segment
        out.append("/".join(segs[:-2] + segs[-1:]))  # drop the one before
        out.append("/".join(segs[:2] + segs[1:]))  # repeat a segment
    out.append(path.upper())
    out.append(path.swapcase())
    # change one static-looking segment
    words = [i for i, s in enumerate(segs) if s]
    if words:
        i = rng.choice(words)
        for new in (segs[i] + "x", segs[i][:-1], segs[i].capitalize(), segs[i] + ".", "x" + segs[i], ""):
            out.append("/".join(segs[:i] + [new] + segs[i + 1 :]))
    out += [path + "\x00", path + "\n", path + "\udcff", path + "%2F", path + "?", path + "#", path + "/."]
    out.append(path.replace("/", "\\"))
    return out


ODD_PATHS = [
    "", "/", "//", "///", "/" * 100, "/" * 5000, "x", ".", "..", "/.", "/..", "\x00", "/\x00", "/\udcff",
    "\udcff", "/\n", "\n", "/ ", " /", "/\t", "/%", "/%2F", "/repos", "/repos/", "/repos//", "/repos///",
    "/repos/a", "/repos/a/", "/repos/a/b", "/repos/a/b/", "/repos//b", "/repos/a//",
    "/a" * 5000, "/" + "a" * 20000, "/repos/" + "o/" * 3000, "/repos/" + "/".join(["o"] * 2000) + "/issues",
    "/users/" + "\udcff" * 1000, "/users/" + "\u4e2d" * 1000, "/users/" + "9" * 5000,
    "/static/" + "x/" * 1000, "/doc/" + "a" * 3000 + ".html", "/\u0663", "/\uff0f",
    "/repos/\x00/\x00/issues", "/user\x00", "/user/", "/User", "/USER",
]


def table_requests(rules, seed):
    rng = random.Random(seed)
    requests = []
    for rule, _, methods in rules:
        hits = [fill(rule, typical)]
        if "<" in rule:
            hits.append(fill(rule, lambda c: rng.choice(VALUES)))
            hits.append(fill(rule, lambda c: rng.choice(VALUES)))
        for k, hit in enumerate(hits):
            for v in variants(hit, rng):
                ms = METHODS_ALL if v == hit and k == 0 else METHODS_FEW + [rng.choice(METHODS_ALL), methods[0]]
                requests += [(m, v) for m in ms]
    for path in ODD_PATHS:
        requests += [(m, path) for m in ("GET", "POST", "PATCH")]
    # random splices of pieces of the table
    pieces = sorted({s for r, _, _ in rules for s in r.split("/") if s and "<" not in s})
    for _ in range(1500):
        n = rng.randint(0, 7)
        segs = [rng.choice(pieces + VALUES[:20] + [""]) for _ in range(n)]
        path = "/" + "/".join(segs) + rng.choice(["", "", "/"])
        requests.append((rng.choice(METHODS_FEW + ["POST", "DELETE"]), path))
    return requests


def typed_github():
    """The GitHub table with typed converters, trailing slashes, path
    converters and mixed segments, to reach beyond plain strings."""
    conv = {
        "number": "int", "id": "int", "sha": "string(minlength=7)", "ref": "path",
        "path": "path", "client_id": "string(length=20)", "keyword": "any(open, closed, 'a,b')",
    }
    rules = []
    for i, (method, rule) in enumerate(load_routes("github")):
        rule = re.sub(r"<([a-z_]+)>", lambda m: f"<{conv[m.group(1)]}:{m.group(1)}>" if m.group(1) in conv else m.group(0), rule)
        if i % 4 == 0 and method == "GET" and rule != "/" and "<path:" not in rule:
            rule += "/"
        rules.append((method, rule))
    rules += [
        ("GET", "/repos/<owner>/<repo>/contents/<path:path>"),
        ("PUT", "/repos/<owner>/<repo>/contents/<path:path>"),
        ("GET", "/repos/<owner>/<repo>/tree/<path:path>/"),
        ("GET", "/repos/<owner>/<repo>/blob/<path:path>/raw"),
        ("GET", "/repos/<owner>/<repo>/<any(tarball, zipball):archive_format>/<path:ref>"),
        ("GET", "/repos/<owner>/<repo>/archive/<name>.<ext>"),
        ("GET", "/repos/<owner>/<repo>/releases/v<int:major>.<int:minor>"),
        ("GET", "/repos/<owner>/<repo>/issues/<int(min=1, max=999):number>/timeline"),
        ("GET", "/repos/<owner>/<repo>/issues/<int(signed=True):number>/events"),
        ("GET", "/repos/<owner>/<repo>/stats/<float(signed=True):weeks>"),
        ("GET", "/repos/<owner>/<repo>/check-runs/<uuid:run>"),
        ("GET", "/report-<int(fixed_digits=4):year>.csv"),
        ("GET", "/<user>"),
        ("POST", "/<user>/"),
    ]
    return rules


TABLES = {
    "github": lambda: load_routes("github"),
    "static": lambda: load_routes("static"),
    "github-typed": typed_github,
}


@functools.lru_cache(maxsize=None)
def table_case(name, merge_slashes=False):
    """(rules, requests, Werkzeug's outcomes), computed once per table."""
    rules = [(rule, f"{method} {rule}", (method,)) for method, rule in TABLES[name]()]
    oracle = build(WerkzeugOracle, rules, merge_slashes=merge_slashes)
    requests = list(dict.fromkeys(table_requests(rules, seed=f"fastdispatch-{name}")))
    expected = [typed(outcome(oracle, m, p)) for m, p in requests]
    return rules, requests, expected


# merge_slashes=True is Flask's Map (the App routes that way); False is the
# router's default, the Map(strict_slashes=True, merge_slashes=False).
@pytest.mark.parametrize("merge_slashes", [False, True], ids=["strict", "merging"])
@pytest.mark.parametrize("table", list(TABLES))
def test_table_against_werkzeug(router_cls, table, merge_slashes):
    rules, requests, expected = table_case(table, merge_slashes)
    router = build(router_cls, rules, merge_slashes=merge_slashes)
    failures = []
    for (method, path), want in zip(requests, expected):
        got = typed(outcome(router, method, path))
        if got != want:
            failures.append(f"match({method!r}, {path[:200]!r}{'...' if len(path) > 200 else ''}): "
                            f"werkzeug {want!r}, {router_cls.__name__} {got!r}")
    assert not failures, f"{len(failures)} of {len(requests)} requests disagree on table {table!r}:\n" + "\n".join(failures[:40])


def test_tables_are_big_enough():
    for name in TABLES:
        rules, requests, expected = table_case(name)
        kinds = {o[0] for o in expected}
        assert len(requests) > 5000, name
        assert kinds >= ({"ok", "404"} if name == "static" else {"ok", "404", "405"}), (name, kinds)
        if name != "github":  # the plain GitHub table has no slash rules
            assert "308" in kinds, name


# --------------------------------------------------------------------------
# 2. hand-picked semantics cases


class ListConverter(BaseConverter):
    """Flask-docs style: a comma-separated list; weight between string and path."""

    regex = r"[^/]+"
    weight = 150

    def to_python(self, value):
        items = value.split(",")
        if "" in items:
            raise ValidationError()
        return items

    def to_url(self, value):
        return ",".join(super().to_url(v) for v in value)


class HexConverter(BaseConverter):
    """Tried before int (weight 40)."""

    regex = "[0-9a-f]+"
    weight = 40

    def to_python(self, value):
        return int(value, 16)

    def to_url(self, value):
        return format(value, "x")


class EvenConverter(BaseConverter):
    """Matches like int, refuses odd numbers after the match."""

    regex = r"\d+"
    weight = 50

    def to_python(self, value):
        n = int(value)
        if n % 2:
            raise ValidationError()
        return n


class TailConverter(BaseConverter):
    """A regex with "/" spans segments (part_isolating becomes False)."""

    regex = r"[a-z]+(?:/[a-z]+)*"
    weight = 120


class BoxedSlashConverter(BaseConverter):
    """A "/" in the regex but part_isolating kept True: never matches."""

    regex = r"[a-z]+/[a-z]+"
    part_isolating = True


class MaybeEmptyConverter(BaseConverter):
    regex = r"[a-z]*"


class SuffixConverter(BaseConverter):
    """Weight below int's, with static text in its own regex."""

    regex = r"[0-9]+\.v"
    weight = 10

    def to_python(self, value):
        return ("v", value)


CUSTOM = {
    "list": ListConverter,
    "hex": HexConverter,
    "even": EvenConverter,
    "tail": TailConverter,
    "boxed": BoxedSlashConverter,
    "maybe": MaybeEmptyConverter,
    "suffixv": SuffixConverter,
}

U = "0f1e2d3c-0000-4000-8000-00000000000a"

# (id, rules, requests): rules as in normalise_rules; a request is
# (method, path) or (method, path, outcome Werkzeug is known to give).
SEMANTICS = [
    ("static-beats-converter", ["/u/<x>", "/u/me", "/u/<int:n>"], [
        ("GET", "/u/me", ("ok", "/u/me", {})),
        ("GET", "/u/you", ("ok", "/u/<x>", {"x": "you"})),
        ("GET", "/u/7", ("ok", "/u/<int:n>", {"n": 7})),
        ("GET", "/u/Me"), ("GET", "/u/me/"), ("GET", "/u/"), ("GET", "/u"),
    ]),
    ("weights-int-string-path", ["/v/<path:p>", "/v/<s>", "/v/<int:i>", "/v/<float:f>", "/v/<uuid:u>", "/v/<any(x, y):a>"], [
        ("GET", "/v/42", ("ok", "/v/<int:i>", {"i": 42})),
        ("GET", "/v/4.2", ("ok", "/v/<float:f>", {"f": 4.2})),
        ("GET", "/v/x", ("ok", "/v/<s>", {"s": "x"})),
        ("GET", "/v/x/y", ("ok", "/v/<path:p>", {"p": "x/y"})),
        ("GET", "/v/" + U), ("GET", "/v/y"), ("GET", "/v/-1"), ("GET", "/v/"), ("GET", "/v//x"),
        ("GET", "/v/\u0663"), ("GET", "/v/x/"), ("POST", "/v/x"),
    ]),
    ("any-uuid-string-tie-order", ["/t/<any(x, y):a>", "/t/<s>", "/t/<uuid:u>"], [
        ("GET", "/t/x"), ("GET", "/t/z"), ("GET", "/t/" + U),
    ]),
    ("any-uuid-string-tie-order-reversed", ["/t/<uuid:u>", "/t/<s>", "/t/<any(x, y):a>"], [
        ("GET", "/t/x"), ("GET", "/t/z"), ("GET", "/t/" + U),
    ]),
    ("more-static-first", ["/f/<a>.<b>", "/f/<a>.json", "/f/x.<b>", "/f/<a>-<b>.json", "/f/<a>"], [
        ("GET", "/f/x.json", ("ok", "/f/<a>.json", {"a": "x"})),  # longer static text first
        ("GET", "/f/y.json"), ("GET", "/f/y-z.json"), ("GET", "/f/a.b.c"), ("GET", "/f/a"), ("GET", "/f/.json"),
        ("GET", "/f/x."), ("GET", "/f/a-b-c.json"),
    ]),
    ("backtracking", ["/a/<x>/c", "/a/b/d"], [
        ("GET", "/a/b/c", ("ok", "/a/<x>/c", {"x": "b"})),
        ("GET", "/a/b/d", ("ok", "/a/b/d", {})),
        ("GET", "/a/z/d"), ("GET", "/a/b/c/"), ("GET", "/a/b"), ("GET", "/a/b/"),
    ]),
    # values matched in a static branch that then fails must not leak into
    # the dynamic alternative tried next (found by the hypothesis test)
    ("failed-static-branch-values", ["/a/<v0>/<path:v2>", "/<path:v0>", "/a/<x>/b", "/<y>/<z>/c", "/a/<int:i>/<j>/d", "/<k>/<l>/<m>/e"], [
        ("GET", "/a/a/", ("ok", "/<path:v0>", {"v0": "a/a/"})),
        ("GET", "/a/1/c"), ("GET", "/a/b/c/"), ("GET", "/a/a"), ("GET", "/a/1/2/e"), ("GET", "/a/1/2/d"), ("GET", "/a/x/2/e"),
        ("GET", "/b/1/c"), ("GET", "/a/1/b"), ("GET", "/a//c"),
    ]),
    ("backtracking-deep", ["/a/b/c/d", "/a/<x>/c/e", "/a/<x>/<y>/f", "/<p>/b/<q>/g", "/a/<path:rest>"], [
        ("GET", "/a/b/c/d"), ("GET", "/a/b/c/e"), ("GET", "/a/b/c/f"), ("GET", "/a/b/c/g"), ("GET", "/a/b/c/h"),
        ("GET", "/z/b/c/g"), ("GET", "/a/b/c"), ("GET", "/a/b/c/d/"),
    ]),
    ("trailing-slash", ["/dir/", "/file", "/u/<x>/", "/", ("/p/", "p", ["POST"])], [
        ("GET", "/dir", ("308", "/dir/")),
        ("GET", "/file/", ("404",)),
        ("GET", "//dir", ("308", "/dir/")),
        ("GET", "dir", ("308", "/dir/")),
        ("GET", "/u/y", ("308", "/u/y/")),
        ("GET", "/u/y/", ("ok", "/u/<x>/", {"x": "y"})),
        ("GET", "", ("308", "/")),
        ("GET", "/", ("ok", "/", {})),
        ("GET", "//", ("ok", "/", {})),
        ("GET", "/dir//"), ("GET", "/u/y//"), ("GET", "/u//"), ("GET", "/u/"),
        ("GET", "/p", ("404",)),  # redirect only when the method matches ...
        ("POST", "/p", ("308", "/p/")),
        ("PUT", "/p/", ("405", frozenset({"POST"}))),
        ("PUT", "/p", ("404",)),  # ... and no 405 either
        ("HEAD", "/dir", ("308", "/dir/")),
        ("get", "/dir", ("308", "/dir/")),
        ("GET", "/dir\udcff"), ("GET", "/u/\udcff", ("308", "/u/\udcff/")),
        ("GET", "/u/caf\u00e9 %2F", ("308", "/u/caf\u00e9 %2F/")),
    ]),
    ("redirect-wins-once-found", ["/a/", "/<x>"], [
        ("GET", "/a", ("308", "/a/")),
        ("GET", "/b", ("ok", "/<x>", {"x": "b"})),
    ]),
    ("redirect-needs-method", [("/a/", "slash", ["POST"]), "/<x>"], [
        ("GET", "/a", ("ok", "/<x>", {"x": "a"})),
        ("POST", "/a", ("308", "/a/")),
    ]),
    ("redirect-after-405-method", [("/a", "post", ["POST"]), "/<x>/"], [
        ("GET", "/a", ("308", "/a/")),
        ("POST", "/a", ("ok", "post", {})),
        ("PUT", "/a", ("405", frozenset({"POST"}))),
    ]),
    ("redirect-via-dynamic", ["/s/<int:n>/", "/s/<name>"], [
        ("GET", "/s/5", ("308", "/s/5/")),
        ("GET", "/s/x"), ("GET", "/s/5/"), ("GET", "/s/x/"),
    ]),
    ("405-allowed-sets", [("/m", "get"), ("/m", "post", ["POST"]), ("/<x>", "put", ["PUT"]), ("/m/", "del", ["DELETE"])], [
        ("HEAD", "/m", ("ok", "get", {})),
        ("PATCH", "/m", ("405", frozenset({"GET", "HEAD", "POST", "PUT"}))),
        ("DELETE", "/m", ("308", "/m/")),
        ("GET", "/z", ("405", frozenset({"PUT"}))),
        ("OPTIONS", "/m/", ("405", frozenset({"DELETE"}))),
        ("post", "/m", ("ok", "post", {})),
        ("", "/m"), ("\x00", "/m"), ("G\u00c9T", "/m"), ("GET ", "/m"),
    ]),
    ("405-only-on-path", [("/m", "post", ["POST"]), "/n"], [
        ("GET", "/x", ("404",)), ("GET", "/m/", ("404",)), ("GET", "/m", ("405", frozenset({"POST"}))),
    ]),
    ("converter-refusal-is-404", ["/n/<int(max=5):n>", "/n/<x>", "/n/<int(max=5):n>/a", "/n/<x>/a"], [
        ("GET", "/n/6", ("404",)),
        ("GET", "/n/5", ("ok", "/n/<int(max=5):n>", {"n": 5})),
        ("GET", "/n/x", ("ok", "/n/<x>", {"x": "x"})),
        ("GET", "/n/6/a", ("404",)),
        ("GET", "/n/\u0663"), ("GET", "/n/99999999999999999999"), ("GET", "/n/" + "9" * 5000),
    ]),
    ("converter-refusal-shared-state", ["/n/<int(max=5):n>", ("/n/<int:m>", "any-int")], [
        ("GET", "/n/6", ("404",)), ("GET", "/n/3"),
    ]),
    ("converter-refusal-405", [("/k/<int(max=5):n>", "p", ["POST"]), ("/k/<int(max=5):m>", "g")], [
        ("GET", "/k/6", ("405", frozenset({"POST"}))), ("GET", "/k/5"), ("POST", "/k/6", ("404",)),
    ]),
    ("int-args", [
        "/i/<int:n>", "/s/<int(signed=True):n>", "/d/<int(fixed_digits=3):n>", "/r/<int(min=2, max=4):n>",
        "/m/<int(min=3, signed=True):n>", "/z/<int(max=0):n>",
    ], [
        ("GET", "/i/-1", ("404",)),
        ("GET", "/s/-1", ("ok", "/s/<int(signed=True):n>", {"n": -1})),
        ("GET", "/d/007", ("ok", "/d/<int(fixed_digits=3):n>", {"n": 7})),
        ("GET", "/d/07", ("404",)),
        ("GET", "/r/1", ("404",)), ("GET", "/r/4"), ("GET", "/r/5"),
        ("GET", "/i/\u0663\u0664", ("ok", "/i/<int:n>", {"n": 34})),
        ("GET", "/i/12345678901234567890123"), ("GET", "/i/00"), ("GET", "/i/+1"), ("GET", "/i/1_000"),
        ("GET", "/i/ 1"), ("GET", "/i/1\n"), ("GET", "/i/\uff11"), ("GET", "/i/\u00b2"), ("GET", "/i/\u2155"),
        ("GET", "/s/--1"), ("GET", "/s/-"), ("GET", "/s/-0"), ("GET", "/s/-\u0663"),
        ("GET", "/m/-4"), ("GET", "/m/3"), ("GET", "/z/0"), ("GET", "/z/00"), ("GET", "/z/1"),
        ("GET", "/d/\u0660\u0660\u0667"),
    ]),
    ("float-args", ["/f/<float:x>", "/g/<float(signed=True):x>", "/h/<float(min=0.5, max=2):x>"], [
        ("GET", "/f/1.5", ("ok", "/f/<float:x>", {"x": 1.5})),
        ("GET", "/f/1", ("404",)),
        ("GET", "/g/-0.5", ("ok", "/g/<float(signed=True):x>", {"x": -0.5})),
        ("GET", "/f/-0.5"), ("GET", "/f/.5"), ("GET", "/f/5."), ("GET", "/f/1.2.3"), ("GET", "/f/1e5"),
        ("GET", "/f/inf"), ("GET", "/f/nan"), ("GET", "/f/\u0663.\u0663"), ("GET", "/f/" + "9" * 400 + ".0"),
        ("GET", "/h/0.4"), ("GET", "/h/2.0"), ("GET", "/h/2.01"), ("GET", "/g/-0.0"), ("GET", "/g/--1.0"),
    ]),
    ("string-args", ["/s/<string(length=2):c>", "/m/<string(minlength=2, maxlength=3):c>", "/z/<string(minlength=0):c>/end", "/x/<string(maxlength=1):c>"], [
        ("GET", "/s/abc", ("404",)),
        ("GET", "/s/ab", ("ok", "/s/<string(length=2):c>", {"c": "ab"})),
        ("GET", "/m/a", ("404",)),
        ("GET", "/m/abc", ("ok", "/m/<string(minlength=2, maxlength=3):c>", {"c": "abc"})),
        ("GET", "/m/abcd"), ("GET", "/s/\U0001f600\U0001f600"), ("GET", "/s/\udcff\udcff"), ("GET", "/s/a\n"),
        ("GET", "/z//end"), ("GET", "/z/q/end"), ("GET", "/z/end"), ("GET", "/x/"), ("GET", "/x/a"), ("GET", "/x/ab"),
    ]),
    ("any-args", ["/y/<any(a, b, 'c,d'):v>", "/e/<any('', x):v>/z", "/r/<any('a.b', 'a+b', \"q\"):v>"], [
        ("GET", "/y/c,d", ("ok", "/y/<any(a, b, 'c,d'):v>", {"v": "c,d"})),
        ("GET", "/y/c", ("404",)),
        ("GET", "/y/a"), ("GET", "/y/A"), ("GET", "/y/ab"), ("GET", "/e//z"), ("GET", "/e/x/z"),
        ("GET", "/r/a.b"), ("GET", "/r/aXb"), ("GET", "/r/a+b"), ("GET", "/r/aab"), ("GET", "/r/q"),
    ]),
    ("uuid", ["/id/<uuid:u>"], [
        ("GET", "/id/0F1e2D3c-0000-4000-8000-00000000000a"),
        ("GET", "/id/0f1e2d3c-0000-4000-8000-00000000000g", ("404",)),
        ("GET", "/id/0f1e2d3c000040008000000000000000"), ("GET", "/id/{" + U + "}"),
        ("GET", "/id/" + U + "0"), ("GET", "/id/" + U.replace("-", "_")), ("GET", "/id/" + U.upper()),
        ("GET", "/id/\uff10" + U[1:]),
    ]),
    ("path-converter", ["/p/<path:p>", "/e/<path:p>/edit", "/d/<path:p>/", "/r/<path:p>/<int:n>", "/two/<path:a>/x/<path:b>", "/<path:everything>"], [
        ("GET", "/p/a/b/", ("ok", "/p/<path:p>", {"p": "a/b/"})),
        ("GET", "/p//a", ("ok", "/<path:everything>", {"everything": "p//a"})),
        ("GET", "/e/a/b/edit", ("ok", "/e/<path:p>/edit", {"p": "a/b"})),
        ("GET", "/d/a/b", ("308", "/d/a/b/")),
        ("GET", "/d/a/b/", ("ok", "/d/<path:p>/", {"p": "a/b"})),
        ("GET", "/d/a/b//"), ("GET", "/d/a//"), ("GET", "/d/"), ("GET", "/d"), ("GET", "/e/edit"), ("GET", "/e//edit"),
        ("GET", "/e/a/edit/edit"), ("GET", "/e/a/edit/"), ("GET", "/r/a/b/7"), ("GET", "/r/a/b/x"),
        ("GET", "/two/a/x/b"), ("GET", "/two/a/x/x/b/x/c"), ("GET", "/p/a\nb"), ("GET", "/p/\nb"), ("GET", "/p/a\n"),
        ("GET", "/p/\n"), ("GET", "/"), ("GET", "/p"), ("GET", "/p/"), ("GET", "/\udcff/x"), ("GET", "/p/" + "a/" * 2000),
    ]),
    ("path-suffix-redirect-vs-static", ["/d/<path:p>/", "/d/x", ("/d/<path:p>", "post", ["POST"])], [
        ("GET", "/d/x"), ("GET", "/d/x/"), ("GET", "/d/y"), ("POST", "/d/y"), ("POST", "/d/y/"), ("PUT", "/d/y"),
    ]),
    ("path-weight-with-static-after", ["/<x>", "/<path:p>/edit", "/<path:p>"], [
        ("GET", "/a"), ("GET", "/edit"), ("GET", "/a/edit"), ("GET", "/a/b"), ("GET", "/edit/edit"),
    ]),
    ("mixed-segments", ["/report-<int:year>.csv", "/<name>.<ext>", "/<name>", "/v<int:major>.<int:minor>", "/<a>-<b>"], [
        ("GET", "/report-2024.csv", ("ok", "/report-<int:year>.csv", {"year": 2024})),
        ("GET", "/report-x.csv"),
        ("GET", "/a.b.c", ("ok", "/<name>.<ext>", {"name": "a.b", "ext": "c"})),
        ("GET", "/v1.2"), ("GET", "/v1.x"), ("GET", "/a-b-c"), ("GET", "/a-b.c"), ("GET", "/.c"), ("GET", "/a."),
        ("GET", "/report-2024.csv/"), ("GET", "/report-\u0663.csv"), ("GET", "/x\n.y"), ("GET", "/x.y\n"),
    ]),
    ("duplicate-converters-same-state", [("/q/<a>", "first", ["GET"]), ("/q/<string:b>", "second", ["POST"]), ("/q/<default:c>", "third", ["PUT"])], [
        ("GET", "/q/1"), ("POST", "/q/1"), ("PUT", "/q/1"), ("DELETE", "/q/1"),
    ]),
    ("custom-converters", [
        "/l/<list:items>", "/l/<path:p>", "/h/<hex:n>", "/h/<int:n>", "/e/<even:n>", "/e/<x>",
        "/t/<tail:t>", "/t/<tail:t>/end", "/b/<boxed:b>", "/b/<x>/<y>", "/m/<maybe:m>/z", "/s/<suffixv:s>", "/s/<int:n>.v",
    ], [
        ("GET", "/l/a,b", ("ok", "/l/<list:items>", {"items": ["a", "b"]})),
        ("GET", "/l/,a", ("404",)),
        ("GET", "/l/a/b"),
        ("GET", "/h/ff", ("ok", "/h/<hex:n>", {"n": 255})),
        ("GET", "/h/10", ("ok", "/h/<hex:n>", {"n": 16})),
        ("GET", "/h/fg"),
        ("GET", "/e/4", ("ok", "/e/<even:n>", {"n": 4})),
        ("GET", "/e/5", ("404",)),  # refused after the match: no fall-through to /e/<x>
        ("GET", "/e/x"),
        ("GET", "/t/ab/cd"), ("GET", "/t/ab/cd/end"), ("GET", "/t/ab/end"), ("GET", "/t/ab/"), ("GET", "/t/AB"),
        ("GET", "/b/ab/cd"), ("GET", "/m//z"), ("GET", "/m/a/z"), ("GET", "/m/A/z"),
        ("GET", "/s/12.v"), ("GET", "/s/12.x"),
    ], CUSTOM),
    ("normalisation", ["/a", "/a/b", "/<x>/<y>", "/"], [
        ("GET", "a", ("ok", "/a", {})),
        ("GET", "///a", ("ok", "/a", {})),
        ("GET", "/a//b"), ("GET", "//a//b"), ("GET", "a/b"), ("GET", "\\a"), ("GET", " /a"), ("GET", "/a "),
        ("GET", "/\x00"), ("GET", "\x00/a"), ("GET", "/A"), ("GET", "/a/"), ("GET", "/" * 3 + "a/b"),
    ]),
    ("unicode-and-nul", ["/<x>", "/caf\u00e9/<x>", "/\u4e2d/<int:n>"], [
        ("GET", "/\x00", ("ok", "/<x>", {"x": "\x00"})),
        ("GET", "/\udcff\u00e9", ("ok", "/<x>", {"x": "\udcff\u00e9"})),
        ("GET", "/caf\u00e9/\u4e2d", ("ok", "/caf\u00e9/<x>", {"x": "\u4e2d"})),
        ("GET", "/cafe\u0301/x"), ("GET", "/caf\xc3\xa9/x"), ("GET", "/\u4e2d/\u0663"), ("GET", "/\u4e2d/x"),
        ("GET", "/caf\u00e9"), ("GET", "/\udcff/\udcff"), ("GET", "/\ud800"),
    ]),
    # Rules whose text starts with "//" can never match in Werkzeug (the path
    # is normalised to one leading slash first).
    ("leading-double-slash-static-rule", ["//x", "/y"], [
        ("GET", "//x", ("404",)), ("GET", "/x", ("404",)), ("GET", "///x"), ("POST", "//x"), ("GET", "//y"),
    ]),
    ("double-slash-root-rule", ["//"], [
        ("GET", "//"), ("GET", "/"), ("GET", ""), ("GET", "///"),
    ]),
    ("redirect-to-double-slash", ["/<string(minlength=0):s>/"], [
        ("GET", "/"), ("GET", ""), ("GET", "/a"), ("GET", "//"),
    ]),
    ("inner-double-slash-rules", ["/a//b", "/<x>//<y>", "/c/<string(minlength=0):e>/d"], [
        ("GET", "/a//b"), ("GET", "/a/b"), ("GET", "/q//r"), ("GET", "/q/r"), ("GET", "/q///r"),
        ("GET", "/c//d"), ("GET", "/c/e/d"), ("GET", "/c//d/"),
    ]),
    ("many-405-sources", [(r, f"e{i}", [m]) for i, (r, m) in enumerate([
        ("/<int:a>", "POST"), ("/<int(signed=True):a>", "PUT"), ("/<a>", "DELETE"), ("/<string(minlength=0):a>", "PATCH"),
        ("/<string(maxlength=5):a>", "OPTIONS"), ("/<string(maxlength=6):a>", "FOO"), ("/<any('7', '8'):a>", "BAR"),
        ("/<path:a>", "BAZ"), ("/<string(length=1):a>", "QUX"), ("/<int(max=9):a>", "ONE"), ("/<float(signed=True):a>", "TWO"),
        ("/<int:a>", "THREE"), ("/7", "SEVEN"), ("/<path:a>/", "SLASH"), ("/<int(min=1):a>", "MIN"),
    ])], [
        ("GET", "/7"), ("HEAD", "/7"), ("GET", "/x"), ("GET", "/7/"), ("GET", "/7/7"), ("SLASH", "/7"), ("THREE", "/7"),
        ("POST", "/7"), ("MIN", "/0"),
    ]),
    ("many-values", [
        "/" + "/".join(f"<v{i}>" for i in range(40)),
        "/i/" + "/".join(f"<int:v{i}>" for i in range(70)),
        "/m/" + "-".join(f"<int:v{i}>" for i in range(40)),
    ], [
        ("GET", "/" + "/".join(str(i) for i in range(40))),
        ("GET", "/" + "/".join(str(i) for i in range(39))),
        ("GET", "/i/" + "/".join(str(i) for i in range(70))),
        ("GET", "/i/" + "/".join(str(i) for i in range(69)) + "/x"),
        ("GET", "/m/" + "-".join(str(i) for i in range(40))),
    ]),
    # deep tables: the pure twin's generated code hands deep subtrees to its tree walk
    ("deep", [
        "/" + "/".join(["s"] * 30) + "/<x>", "/" + "/".join(["s"] * 29) + "/<y>/z", "/" + "/".join(["<p%d>" % i for i in range(31)]),
        "/" + "/".join(["s"] * 31) + "/", "/" + "/".join("s/<int:q%d>" % i for i in range(15)) + "/", ("/" + "/".join(["s"] * 32), "deep-post", ["POST"]),
    ], [
        ("GET", "/" + "/".join(["s"] * 31)), ("GET", "/" + "/".join(["s"] * 30) + "/z"), ("GET", "/" + "/".join(["s"] * 29) + "/t/z"),
        ("GET", "/" + "/".join(["s"] * 31) + "/"), ("GET", "/" + "/".join(["t"] * 31)), ("GET", "/" + "/".join(["s"] * 32)),
        ("GET", "/" + "/".join(["s", "7"] * 15)), ("GET", "/" + "/".join(["s", "7"] * 15) + "/"), ("GET", "/" + "/".join(["s", "x"] * 15)),
        ("PUT", "/" + "/".join(["s"] * 32)), ("POST", "/" + "/".join(["s"] * 32)), ("GET", "/" + "/".join(["s"] * 30)),
    ]),
    ("deeper", [
        "/" + "/".join("<p%d>" % i for i in range(45)), "/" + "/".join("<p%d>" % i for i in range(44)) + "/end/",
        ("/" + "/".join(["s"] * 45), "static-post", ["POST"]), "/" + "/".join("<int:p%d>" % i for i in range(44)) + "/<path:rest>",
    ], [
        ("GET", "/" + "/".join(["s"] * 45)), ("POST", "/" + "/".join(["s"] * 45)), ("PUT", "/" + "/".join(["s"] * 45)),
        ("GET", "/" + "/".join(["s"] * 44) + "/end"), ("GET", "/" + "/".join(["s"] * 44) + "/end/"),
        ("GET", "/" + "/".join(["1"] * 44) + "/a/b"), ("GET", "/" + "/".join(["1"] * 44) + "/end"),
        ("GET", "/" + "/".join(["s"] * 46)), ("GET", "/" + "/".join(["s"] * 44)), ("GET", "/" + "/".join(["1"] * 45) + "/"),
    ]),
    ("string-kinds", ["/\u00e9/<x>", "/\u4e2d/<int:n>", "/\U0001f600/<any(\u00e9, b):a>", "/a\U0001f600/<x>", "/<x>/\u00e9"], [
        ("GET", "/\u00e9/\U0001f600"), ("GET", "/\u4e2d/\U0001d7d9"), ("GET", "/\U0001f600/\u00e9"), ("GET", "/\U0001f600/b"),
        ("GET", "/a\U0001f600/\x00"), ("GET", "/a\U0001f600"), ("GET", "/\U0001f600/\u00e9/"), ("GET", "/\u00e9\u00e9/x"),
        ("GET", "/\U0001f600/\u00e9"), ("GET", "/\udcff/\u00e9"), ("GET", "/a/\u00e9"), ("GET", "/a/\u00e9\U0001f600"),
        ("GET", "/\u4e2d/\u0663\U0001d7d9"),
    ]),
    # Rule(defaults=...): added to the values; a match giving exactly a
    # defaults rule's values redirects to it (Map.redirect_defaults)
    ("defaults", [("/users/", "users", ["GET"], {"defaults": {"page": 1}}), ("/users/page/<int:page>", "users"),
                  ("/x/<a>", "x", ["GET", "POST"], {"defaults": {"b": "B"}}), ("/x/<a>/<b>", "x"),
                  ("/d", "d", ["GET"], {"defaults": {"k": 1}}), ("/e", "d", ["GET"], {"defaults": {"k": 1}}),
                  ("/s/<path:p>", "s", ["GET"], {"defaults": {"p": "a b"}}), ("/t/<path:p>", "s"),
                  ("/m", "m", ["POST"], {"defaults": {"v": 0}}), ("/m/<int:v>", "m", ["GET", "POST"])], [
        ("GET", "/users/", ("ok", "users", {"page": 1})),
        ("GET", "/users/page/1", ("308", "/users/")),
        ("GET", "/users/page/2", ("ok", "users", {"page": 2})),
        ("GET", "/users", ("308", "/users/")),
        ("GET", "/x/q", ("ok", "x", {"a": "q", "b": "B"})), ("POST", "/x/q"),
        ("GET", "/x/q/B", ("308", "/x/q")), ("GET", "/x/q/C"), ("POST", "/x/q/B"),
        ("GET", "/d"), ("GET", "/e", ("308", "/d")), ("POST", "/e"),
        ("GET", "/t/a b", ("308", "/s/a b")), ("GET", "/t/a%20b"), ("GET", "/s/x"),
        ("GET", "/m/0"), ("POST", "/m/0", ("308", "/m")), ("POST", "/m"), ("GET", "/m"),
    ]),
    # Rule(strict_slashes=False): "/a/" matches "/a" where the method
    # fits, "/b" matches "/b/" once all else fails
    ("strict-slashes-false", [("/a/", "a", ["GET"], {"strict_slashes": False}), ("/a/", "a-post", ["POST"]),
                              ("/b", "b", ["GET"], {"strict_slashes": False}), ("/b/<x>", "bx"),
                              ("/c/<int:n>", "c", ["GET"], {"strict_slashes": False}), ("/c/<int:n>/", "c-slash", ["POST"]),
                              ("/d/<x>", "d", ["PUT"], {"strict_slashes": False}), ("/d/<x>/", "d-slash", ["GET"], {"strict_slashes": False}),
                              ("/e/", "e", ["GET"], {"strict_slashes": False}), ("/e/<path:p>", "ep"),
                              ("/f/<path:p>/", "fp", ["GET"], {"strict_slashes": False}),
                              ("/g/", "g", ["GET"], {"strict_slashes": False})], [
        ("GET", "/a", ("ok", "a", {})), ("GET", "/a/", ("ok", "a", {})), ("POST", "/a", ("308", "/a/")),
        ("PUT", "/a"), ("GET", "/b/", ("ok", "b", {})), ("GET", "/b", ("ok", "b", {})), ("POST", "/b/"),
        ("GET", "/b/x", ("ok", "bx", {"x": "x"})), ("GET", "/b//"),
        ("GET", "/c/1/", ("ok", "c", {"n": 1})), ("POST", "/c/1", ("308", "/c/1/")), ("GET", "/c/x/"), ("PUT", "/c/1/"),
        ("PUT", "/d/x/"), ("GET", "/d/x"), ("GET", "/d/x/"), ("DELETE", "/d/x/"), ("PUT", "/d/x//"),
        ("GET", "/e"), ("GET", "/e/"), ("GET", "/e/x"), ("GET", "/e//"),
        ("GET", "/f/x/y"), ("GET", "/f/x/y/"), ("GET", "/f/x"),
        ("GET", "/g"), ("GET", "/g//"), ("GET", "/g/x"), ("HEAD", "/g"),
    ]),
    ("empty-segment-rules", ["/a//", "/b/<x>//", "/c//d"], [
        ("GET", "/a"), ("GET", "/a/"), ("GET", "/a//"), ("GET", "/b/x"), ("GET", "/b/x/"), ("GET", "/b/x//"),
        ("GET", "/c/d"), ("GET", "/c//d"), ("GET", "/c//d/"),
    ]),
]


@pytest.mark.parametrize("merge_slashes", [False, True], ids=["strict", "merging"])
@pytest.mark.parametrize("case", SEMANTICS, ids=[c[0] for c in SEMANTICS])
def test_semantics_against_werkzeug(router_cls, case, merge_slashes):
    name, rules, requests = case[:3]
    converters = case[3] if len(case) > 3 else None
    rules = normalise_rules(rules)
    oracle = build(WerkzeugOracle, rules, converters, merge_slashes)
    router = build(router_cls, rules, converters, merge_slashes)
    failures = []
    for req in requests:
        method, path = req[:2]
        want = typed(outcome(oracle, method, path))
        got = typed(outcome(router, method, path))
        if len(req) > 2 and not merge_slashes:
            # keep the oracle (and this table) honest
            assert want == typed(req[2]), f"Werkzeug itself gives {want!r} for {method} {path!r}, table says {req[2]!r}"
        if got != want:
            failures.append(describe(rules, method, path, {"werkzeug": want, router_cls.__name__: got}))
    assert not failures, "\n\n".join(failures)


def test_registration_refusals_agree(router_cls):
    """What Werkzeug refuses at registration, fastdispatch refuses too."""
    for rule in ["no-slash", "", "/a/<b", "/a/<>", "/a/<1x>", "/a/<nope:x>", "/a/<int(bogus=1):x>",
                 "/a/<any():x>", "/a/<int(max=):x>", "/a/<string(length=2, lenght=3):x>",
                 # lone surrogates in static text: Werkzeug's URL builder cannot quote them
                 "/\udcff", "/a/<x>/\udcff", "/a\udcff<x>", "/<path:p>/\udcff", "/<any(a, b):x>\udcff"]:
        try:
            build(WerkzeugOracle, [(rule, "e", ("GET",))])
        except Exception as e:
            with pytest.raises(ValueError):
                try:
                    build(router_cls, [(rule, "e", ("GET",))])
                except ValueError:
                    raise
                else:
                    pytest.fail(f"Werkzeug refuses {rule!r} ({type(e).__name__}: {e}); {router_cls.__name__} accepts it")


DEFAULTS_RULES = normalise_rules([
    ("/users/", "users", ["GET"], {"defaults": {"page": 1}}), ("/users/page/<int:page>", "users"),
    ("/x/<a>", "x", ["GET", "POST"], {"defaults": {"b": "B"}}), ("/x/<a>/<b>", "x"),
    ("/m", "m", ["POST"], {"defaults": {"v": 0}}), ("/m/<int:v>", "m", ["GET", "POST"]),
    ("/in/<int:n>", "in", ["GET"], {"defaults": {"n": 5}}),
])
DEFAULTS_BUILDS = [
    ("users", {}, None), ("users", {"page": 1}, None), ("users", {"page": 2}, None), ("users", {"page": 1, "q": "z"}, None),
    ("x", {"a": "1"}, None), ("x", {"a": "1", "b": "B"}, None), ("x", {"a": "1", "b": "C"}, None), ("x", {"a": "1"}, "POST"),
    ("m", {}, None), ("m", {}, "POST"), ("m", {"v": 0}, None), ("m", {"v": 0}, "POST"), ("m", {"v": 3}, "POST"),
    ("in", {}, None), ("in", {"n": 5}, None), ("in", {"n": 6}, None),
    ("x", {}, None), ("users", {"page": 2}, "PUT"),
]


@pytest.mark.parametrize("endpoint, values, method", DEFAULTS_BUILDS)
def test_build_with_defaults_against_werkzeug(router_cls, endpoint, values, method):
    """url_for with rule defaults: the rule built, or the refusal, as Werkzeug's."""
    from werkzeug.routing import BuildError as WzBuildError

    from fastdispatch.routing import BuildError

    oracle = build(WerkzeugOracle, DEFAULTS_RULES)
    router = build(router_cls, DEFAULTS_RULES)
    try:
        want = oracle.build(endpoint, values, method)
    except WzBuildError:
        with pytest.raises(BuildError):
            router.build(endpoint, values, method)
    else:
        assert router.build(endpoint, values, method) == want


BUILD_RULES = normalise_rules([
    ("/<any(patient, provider):kind>/x", "any"), ("/<int:n>", "int"), ("/f/<float:n>", "float"),
    ("/a", "a"), ("/caf\u00e9/<x>", "cafe"), ("/\u00fcber", "uber"), ("/sp ace/<x>", "space"),
])
BUILD_CASES = [
    # a converter's to_url raising ValueError: the error itself, as Werkzeug's
    ("any", {"kind": "invalid"}), ("any", {"kind": "patient"}), ("int", {"n": "abc"}), ("float", {"n": "x"}),
    # None and empty lists add nothing, not a stray "?"
    ("a", {"q": None}), ("a", {"q": []}), ("a", {"q": [None]}), ("a", {"q": [], "r": 1}), ("a", {"q": [1, None, 2]}),
    # non-ASCII static text percent-quoted as Werkzeug's builder quotes it
    ("cafe", {"x": "\u00e9"}), ("uber", {}), ("space", {"x": "a b?"}),
]


def _build_outcome(router, endpoint, values):
    try:
        return router.build(endpoint, values)
    except ValueError as e:  # (not BuildError: that is a LookupError in both)
        return (type(e).__name__, str(e))


@pytest.mark.parametrize("endpoint, values", BUILD_CASES)
def test_build_against_werkzeug(router_cls, endpoint, values):
    """URLs built, and converters' errors raised, as Werkzeug's MapAdapter.build."""
    oracle = build(WerkzeugOracle, BUILD_RULES)
    router = build(router_cls, BUILD_RULES)
    assert _build_outcome(router, endpoint, values) == _build_outcome(oracle, endpoint, values)


@pytest.mark.parametrize("values", [{"q": ["1", "2"], "r": ["x"]}, {"q": []}, {}])
def test_build_from_multidict_as_werkzeug(router_cls, values):
    """A MultiDict of values: several values repeat the key, one is itself,
    none adds nothing (Werkzeug's MapAdapter.build)."""
    import werkzeug.datastructures

    from fastdispatch.datastructures import MultiDict

    oracle = build(WerkzeugOracle, BUILD_RULES)
    router = build(router_cls, BUILD_RULES)
    want = oracle.build("a", werkzeug.datastructures.MultiDict(values))
    assert router.build("a", MultiDict(values)) == want
