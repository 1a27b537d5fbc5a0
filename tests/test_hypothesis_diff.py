"""Hypothesis: random rule tables and paths, Werkzeug vs both twins.

Rule tables (1-25 rules) come from a small alphabet of static words and
converters so that rules overlap; paths come from the rules' own pieces,
mutated, plus random text.  Every request must have the same outcome on
Werkzeug (``oracle.WerkzeugOracle``), ``PythonRouter`` and
``CompiledRouter``.

Registration: a rule fastdispatch refuses (it refuses more than Werkzeug:
exact duplicates, duplicate parameter names) is dropped from the table for
all three routers.  A rule Werkzeug refuses must be refused by fastdispatch
too, and the twins must accept the same rules.

The examples are not derandomized: every run tries new tables.  A failure
prints the table and the request as code (see ``describe``).
"""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, assume, note, settings
from hypothesis import strategies as st
from hypothesis import given

from fastdispatch.routing import BaseConverter, CompiledRouter, PythonRouter

from .reference_walk import WalkRouter

from .oracle import WerkzeugOracle, describe, outcome, typed
from .test_werkzeug_diff import EvenConverter, HexConverter

PURE_INSTALL = os.environ.get("FASTDISPATCH_NO_EXTENSIONS", "") not in ("", "0")
EXAMPLES = int(os.environ.get("FASTDISPATCH_HYPOTHESIS_EXAMPLES", "500"))

if CompiledRouter is None and not PURE_INSTALL:
    TWINS = None  # every test fails loudly below
else:
    TWINS = [("python", PythonRouter)] + ([("compiled", CompiledRouter)] if CompiledRouter is not None else [])


def twins():
    if TWINS is None:
        pytest.fail("the compiled router fastdispatch._router was not built or does not import")
    return TWINS


# --------------------------------------------------------------------------
# rule tables

STATIC_WORDS = ["a", "b", "ab", "x", ""]
SEGMENT_CONVERTERS = [
    "<{n}>",
    "<string:{n}>",
    "<string(length=1):{n}>",
    "<string(minlength=2):{n}>",
    "<string(minlength=0):{n}>",
    "<string(maxlength=1):{n}>",
    "<int:{n}>",
    "<int(signed=True):{n}>",
    "<int(max=50):{n}>",
    "<int(min=3):{n}>",
    "<int(fixed_digits=2):{n}>",
    "<float:{n}>",
    "<float(signed=True):{n}>",
    "<any(a, b):{n}>",
    "<any(a, ab, x):{n}>",
    "<uuid:{n}>",
]
MIXED = ["a-<int:{n}>", "<{n}>.<{m}>", "<{n}>.x", "x<int:{n}>", "<int:{n}>-<int:{m}>", "a<{n}>", "<{n}>b", "<any(a, b):{n}>.<int:{m}>"]
PATH_TAILS = ["<path:{n}>", "<path:{n}>", "<path:{n}>.x", "a<path:{n}>", "<path:{n}>-<int:{m}>"]
TAIL_AFTER_PATH = [[], [], ["a"], ["x", "b"], ["<int:{m}>"], ["<{m}>"], [""]]

# Rarer static words: more first characters at a node (the pure twin's
# generated code dispatches differently above 4 static children), non-ASCII
# and regex-special text.
MORE_WORDS = ["c", "d", "e.x", "-", "0", "7", "\u00e9", "\u4e2d", "\udcff", "a.b", "a+", "(x)", "'", '"', "\\", "%41", " "]

segment = st.one_of(
    st.sampled_from(STATIC_WORDS).map(lambda w: ("s", w)),
    st.sampled_from(MORE_WORDS).map(lambda w: ("s", w)),
    st.sampled_from(SEGMENT_CONVERTERS).map(lambda c: ("c", c)),
    st.sampled_from(MIXED).map(lambda c: ("c", c)),
)


@st.composite
def rules_st(draw):
    segs = draw(st.lists(segment, min_size=0, max_size=4))
    names = iter(f"v{i}" for i in range(100))
    out = []
    for kind, s in segs:
        out.append(s.format(n=next(names), m=next(names)) if kind == "c" else s)
    if draw(st.integers(0, 3)) == 0:  # a path converter, the last dynamic part
        out.append(draw(st.sampled_from(PATH_TAILS)).format(n=next(names), m=next(names)))
        out += [s.format(m=next(names)) for s in draw(st.sampled_from(TAIL_AFTER_PATH))]
    rule = "/" + "/".join(out)
    if out and draw(st.booleans()):
        rule += "/"
    methods = draw(st.sets(st.sampled_from(["GET", "POST", "PUT", "DELETE"]), min_size=1, max_size=4))
    return rule, tuple(sorted(methods))


@st.composite
def tables(draw, max_rules=25):
    entries = draw(st.lists(rules_st(), min_size=1, max_size=max_rules))
    return [(rule, f"e{i}:{rule}", methods) for i, (rule, methods) in enumerate(entries)]


# --------------------------------------------------------------------------
# paths

VALUES = [
    "a", "b", "ab", "x", "q", "", "0", "7", "07", "50", "51", "3", "-3", "-0", "1.5", "-1.5", "1.", "\u0663",
    "\u0663\u0664", "\uff11", "a-1", "a-", "x1", "1-2", "a.b", "a.x", "a.", ".x", "a.b.x", "ab.1", "a/b",
    "a/b/", "a//b", "/", "\n", "a\n", "\udcff", "\x00", "%41", "caf\u00e9", "0f1e2d3c-0000-4000-8000-00000000000a",
    "0F1E2D3C-0000-4000-8000-00000000000A", "0f1e2d3c-0000-4000-8000-00000000000", "a/x", "a/b.x", "x/a/b",
]

path_text = st.lists(
    st.sampled_from(list("/ab.x-0159") + ["\u0663", "\n", "\udcff", "ab", "//", "a-", ".x", "/a", "/b/"]), max_size=12
).map("".join)


def instantiate(rule, draw):
    """``rule`` with each converter replaced by a drawn value."""
    return fill(rule, lambda _: draw(st.one_of(st.sampled_from(VALUES), path_text)))


def fill(rule, value):
    """``rule`` with each converter ``<...>`` replaced by ``value("<...>")``."""
    out, i = [], 0
    while i < len(rule):
        j = rule.find("<", i)
        if j < 0:
            out.append(rule[i:])
            break
        out.append(rule[i:j])
        k = rule.index(">", j)
        out.append(value(rule[j : k + 1]))
        i = k + 1
    return "".join(out)


def mutate(path, draw):
    ops = draw(st.lists(st.integers(0, 14), max_size=3))
    for op in ops:
        segs = path.split("/")
        pos = draw(st.integers(0, max(len(segs) - 1, 0)))
        if op == 0 and len(segs) > 1:  # drop a segment
            path = "/".join(segs[:pos] + segs[pos + 1 :]) or "/"
        elif op == 1:  # add a segment
            path = "/".join(segs[:pos] + [draw(st.sampled_from(STATIC_WORDS + MORE_WORDS + VALUES[:12]))] + segs[pos:])
        elif op == 2:
            path += "/"
        elif op == 3:
            path = path[:-1] if path.endswith("/") else path
        elif op == 4 and "/" in path:  # double a slash
            idx = [i for i, c in enumerate(path) if c == "/"]
            i = draw(st.sampled_from(idx))
            path = path[:i] + "/" + path[i:]
        elif op == 5:  # swap a static word
            segs[pos] = draw(st.sampled_from(STATIC_WORDS))
            path = "/".join(segs)
        elif op == 6:
            segs[pos] = segs[pos] + "\u0663"
            path = "/".join(segs)
        elif op == 7:
            path += "\n"
        elif op == 8:
            segs[pos] = "\udcff" + segs[pos]
            path = "/".join(segs)
        elif op == 9:
            path = "/" + path
        elif op == 10:
            path = path.lstrip("/")
        elif op == 11:
            path = path.upper()
        elif op == 12:
            segs[pos] = segs[pos] + draw(st.sampled_from([".x", "-1", ".", "a", "1"]))
            path = "/".join(segs)
        elif op == 13:
            path = ""
        elif op == 14:
            path += draw(path_text)
    return path


@st.composite
def requests_for(draw, table, max_requests=30):
    rules = [entry[0] for entry in table]
    reqs = []
    for _ in range(draw(st.integers(1, max_requests))):
        choice = draw(st.integers(0, 11))
        if choice == 0:
            path = draw(path_text)
        elif choice == 1:
            path = "/" + draw(path_text)
        elif choice == 2:
            path = draw(st.sampled_from(["", "/", "//", "///", "/a", "//a", "a", "/\udcff", "/\n"]))
        elif choice == 3:
            path = instantiate(draw(st.sampled_from(rules)), draw)  # a hit, unmutated
        else:
            path = mutate(instantiate(draw(st.sampled_from(rules)), draw), draw)
        method = draw(st.sampled_from(["GET", "GET", "POST", "PUT", "DELETE", "HEAD", "PATCH", "get"]))
        reqs.append((method, path))
    return reqs


# --------------------------------------------------------------------------
# the comparison


def refused(cls, rules, converters=None):
    """The index of the first rule ``cls`` refuses, or None."""
    router = cls()
    for name, conv in (converters or {}).items():
        router.converters[name] = conv
    for i, (rule, endpoint, methods, *options) in enumerate(rules):
        try:
            router.add(rule, endpoint, methods=methods, **(options[0] if options else {}))
        except Exception as e:  # noqa: BLE001 - Werkzeug raises other types too
            return i, e
    return None, router


def acceptable(table, converters=None):
    """The rules of ``table`` fastdispatch accepts, in order."""
    accepted = []
    probe = PythonRouter()
    for name, conv in (converters or {}).items():
        probe.converters[name] = conv
    for rule, endpoint, methods, *options in table:
        try:
            probe.add(rule, endpoint, methods=methods, **(options[0] if options else {}))
        except ValueError:
            continue  # fastdispatch refuses more than Werkzeug: skip this rule
        accepted.append((rule, endpoint, methods, *options))
    return accepted


def build_all(table, converters=None, werkzeug=True):
    """(accepted rules, {name: router}); fastdispatch refusals dropped.
    ``werkzeug=False``: the twins and the walk only (a table too big for
    Werkzeug to build in seconds)."""
    accepted = acceptable(table, converters)
    routers = {}
    if werkzeug:
        bad, oracle = refused(WerkzeugOracle, accepted, converters)
        assert bad is None, f"Werkzeug refuses {accepted[bad][0]!r}, which fastdispatch accepted ({type(oracle).__name__}: {oracle})"
        routers["werkzeug"] = oracle
    for name, cls in twins():
        bad, router = refused(cls, accepted, converters)
        assert bad is None, f"{cls.__name__} refuses {accepted[bad][0]!r}, which PythonRouter accepted ({type(router).__name__}: {router})"
        routers[name] = router
        if cls is PythonRouter:
            # the reference walk (the compiled search in Python) on its rules
            routers["walk"] = WalkRouter.of(router)
    return accepted, routers


def check(table, requests, converters=None, werkzeug=True):
    """Every request's outcome the same on every router; the accepted rules."""
    accepted, routers = build_all(table, converters, werkzeug)
    assume(accepted)
    for method, path in requests:
        outs = {}
        for name, r in routers.items():
            try:
                outs[name] = typed(outcome(r, method, path))
            except ValueError as e:
                if name != "werkzeug":
                    raise
                # Werkzeug's own crash (a 500 there): its default-rule redirect
                # builds the rule with the matched values, and a converter's
                # to_url refuses one (int of "a"). fastdispatch does not
                # redirect there; the twins must still agree with each other.
                note(f"Werkzeug crashed on {method} {path!r}: {e!r}")
        # Werkzeug is the reference; where it is left out or crashed, the twins agree
        ref_name = "werkzeug" if "werkzeug" in outs else next(iter(outs))
        if any(o != outs[ref_name] for o in outs.values()):
            msg = describe(accepted, method, path, outs)
            note(msg)
            raise AssertionError(f"fastdispatch disagrees with {ref_name}\n" + msg)
    return accepted


SETTINGS = dict(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large], print_blob=True)


@settings(max_examples=EXAMPLES, **SETTINGS)
@given(st.data())
def test_random_tables(data):
    table = data.draw(tables(), label="table")
    requests = data.draw(requests_for(table), label="requests")
    check(table, requests)


@settings(max_examples=EXAMPLES // 2, **SETTINGS)
@given(st.data())
def test_small_dense_tables(data):
    """Few segments, many rules: the overlaps where ordering, backtracking
    and slash redirects decide."""
    table = data.draw(tables(max_rules=12), label="table")
    table = [(r, e, m) for r, e, m in table if r.count("/") <= 3] or table[:1]
    requests = data.draw(requests_for(table), label="requests")
    check(table, requests)


@st.composite
def option_tables(draw):
    """Tables whose rules may have strict_slashes=False or defaults (the
    same endpoint shared by a few rules, so that a defaults rule can be
    the one a match is redirected to)."""
    table = draw(tables(max_rules=12))
    out = []
    for rule, _endpoint, methods in table:
        options = {}
        if draw(st.integers(0, 2)) == 0:
            options["strict_slashes"] = False
        if draw(st.integers(0, 3)) == 0:
            options["defaults"] = {draw(st.sampled_from(["v0", "v1", "k"])): draw(st.sampled_from(["a", "", 0, 7]))}
        out.append((rule, draw(st.sampled_from(["e0", "e1", "e2", rule])), methods, options))
    return out


@settings(max_examples=EXAMPLES // 2, **SETTINGS)
@given(st.data())
def test_rule_option_tables(data):
    table = data.draw(option_tables(), label="table")
    requests = data.draw(requests_for(table), label="requests")
    check(table, requests)


# custom converters (Werkzeug's interface; fastdispatch's ValidationError)


class TailConverter(BaseConverter):
    regex = r"[a-z]+(?:/[a-z]+)*"  # spans segments: part_isolating False


class MaybeConverter(BaseConverter):
    regex = r"[ab]*"
    weight = 150


CUSTOM = {"even": EvenConverter, "hex": HexConverter, "tail": TailConverter, "maybe": MaybeConverter}
CUSTOM_SEGMENTS = ["<even:{n}>", "<hex:{n}>", "<maybe:{n}>", "a-<even:{n}>", "<{n}>", "<int:{n}>", "<path:{n}>", "<tail:{n}>"]


@st.composite
def custom_rules(draw):
    names = iter(f"v{i}" for i in range(100))
    segs = draw(st.lists(st.one_of(st.sampled_from(STATIC_WORDS[:4]), st.sampled_from(CUSTOM_SEGMENTS)), min_size=1, max_size=3))
    segs = [s.format(n=next(names)) for s in segs]
    rule = "/" + "/".join(segs) + draw(st.sampled_from(["", "", "/"]))
    methods = draw(st.sets(st.sampled_from(["GET", "POST"]), min_size=1))
    return rule, tuple(sorted(methods))


@settings(max_examples=EXAMPLES // 4, **SETTINGS)
@given(st.data())
def test_custom_converter_tables(data):
    entries = data.draw(st.lists(custom_rules(), min_size=1, max_size=10), label="rules")
    table = [(rule, f"e{i}:{rule}", methods) for i, (rule, methods) in enumerate(entries)]
    requests = data.draw(requests_for(table), label="requests")
    check(table, requests, CUSTOM)


# wide tables: many static children per node, so that the pure twin's
# generated code takes its first-character dispatch (above 4 children)

wide_word = st.text(alphabet="abcdefghijkl.-\u00e9", min_size=1, max_size=3)


@st.composite
def wide_rules(draw):
    names = iter(f"v{i}" for i in range(100))
    segs = draw(st.lists(st.one_of(wide_word, wide_word, st.sampled_from(["<{n}>", "<int:{n}>", "<path:{n}>", "<{n}>.x"])), min_size=1, max_size=3))
    segs = [s.format(n=next(names)) if "<" in s else s for s in segs]
    rule = "/" + "/".join(segs) + draw(st.sampled_from(["", "", "/"]))
    methods = draw(st.sets(st.sampled_from(["GET", "POST"]), min_size=1))
    return rule, tuple(sorted(methods))


@settings(max_examples=EXAMPLES // 4, **SETTINGS)
@given(st.data())
def test_wide_tables(data):
    entries = data.draw(st.lists(wide_rules(), min_size=5, max_size=25), label="rules")
    table = [(rule, f"e{i}:{rule}", methods) for i, (rule, methods) in enumerate(entries)]
    requests = data.draw(requests_for(table), label="requests")
    check(table, requests)


BUILD_TABLE = [("/p/<x>", "string"), ("/path/<path:x>", "path"), ("/q", "query")]
_build_values = st.one_of(st.text(max_size=6), st.integers(), st.booleans(), st.lists(st.one_of(st.none(), st.text(max_size=4)), max_size=3))


@settings(max_examples=EXAMPLES // 2, **SETTINGS)
@given(endpoint=st.sampled_from(["string", "path", "query"]), x=st.text(min_size=1, max_size=8),
       extra=st.dictionaries(st.text(max_size=4), _build_values, max_size=3))
def test_built_urls(endpoint, x, extra):
    """Built URLs, quoting and query strings included, as Werkzeug builds
    them, from either twin."""
    values = {**extra, "x": x} if endpoint != "query" else extra
    want = WerkzeugOracle()
    for rule, name in BUILD_TABLE:
        want.add(rule, name, ("GET",))
    try:
        expected = want.build(endpoint, values)
    except Exception as e:  # noqa: BLE001 (the oracle's own refusal is compared)
        expected = type(e).__name__
    for _, cls in TWINS:
        router = cls()
        for rule, name in BUILD_TABLE:
            router.add(rule, name, ("GET",))
        try:
            got = router.build(endpoint, values)
        except Exception as e:  # noqa: BLE001
            got = type(e).__name__
        assert got == expected, cls.__name__
