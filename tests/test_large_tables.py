"""Hypothesis at scale (issue 15, item 5): tables of 1,000+ rules.

The small tables of ``test_hypothesis_diff.py`` reach every branch of the
search, but not what only a big table has: nodes with dozens of children
and dynamic parts, arrays that grow many times, a pure twin whose generated
code bisects hundreds of segments, thousands of rules sharing endpoints.
Here the strategies of that module build the tables and the paths, at
1,000+ rules:

- ``mounted_tables``: a few drawn tables (random rules, or rules with
  options), each mounted under many prefixes (static, dynamic, and the root
  for some, so that copies overlap one another);
- ``rest_tables``: REST-shaped resources, as ``bench/workload.py``'s
  ``generated_routes`` makes them (a collection, an item with several
  methods, nested items, a static action, pagination through ``defaults``),
  with drawn converters, methods and slashes, mounted under hundreds of
  resource names.

The rules are registered in a drawn order (shuffled: copies interleave, so
nodes grow at any point of the build).  The requests: drawn ones
(``requests_for``) plus a sweep of every rule's own path, its converters
filled with values of ``VALUES`` (``likely_value``), with and without a
trailing slash, under one of its methods or of ``METHODS``.  Werkzeug, both twins and the reference walk must
agree on each (``check``); Werkzeug builds a 1,000-rule table in about
0.3 s here, so it takes part at this size; at 10,000 rules (REST-shaped),
the twins and the walk only.  Between 2 and 10 examples
(``FASTDISPATCH_HYPOTHESIS_EXAMPLES // 100``: 5 by default; a fifth of it
at 10,000 rules) keep each test to seconds.
"""

from __future__ import annotations

import random

from hypothesis import Phase, assume, given, settings
from hypothesis import strategies as st

from .test_hypothesis_diff import (
    EXAMPLES, MIXED, MORE_WORDS, PATH_TAILS, SEGMENT_CONVERTERS, SETTINGS, STATIC_WORDS, VALUES, acceptable, check,
    fill, option_tables, requests_for, tables,
)

MIN_RULES = 1_000
# The strategies go this far past MIN_RULES: a rule of one copy may still
# duplicate one of another (a root rule "/7/a", copy 7's "/a" under "/7").
MARGIN = 20
LARGE_EXAMPLES = min(10, max(2, EXAMPLES // 100))
# No shrinking: every call builds Werkzeug's map of 1,000+ rules (~0.3 s),
# and a first try shrank for the five minutes Hypothesis allows.  A failure
# prints the whole table, then the request and every router's answer.
LARGE_SETTINGS = dict(SETTINGS, phases=[Phase.explicit, Phase.reuse, Phase.generate])
METHODS = ["GET", "GET", "POST", "PUT", "DELETE", "HEAD", "PATCH", "OPTIONS"]
# Resource names with many first characters, so that the compiled tree's
# nodes get many children (it indexes them by first character), and names
# that are prefixes of one another (user, users), so that nodes split.
RESOURCE_WORDS = ["users", "user", "repos", "orgs", "gists", "teams", "issues", "labels", "keys", "hooks",
                  "events", "milestones", "notifications", "pulls", "commits", "zones", "\u00e9t\u00e9", "a", "x", "0"]
# Where a mounted copy of a table goes ({w}: a resource word, {k}: the copy):
# static prefixes of many first characters, a prefix after a dynamic part,
# and the root (copies there overlap each other and every other mount).
MOUNTS = ["/{w}{k}", "/{w}{k}", "/<g>/{w}{k}", "/{k}"]


def shuffled(entries, seed):
    out = list(entries)
    random.Random(seed).shuffle(out)
    return out


@st.composite
def mounted_tables(draw, blocks=tables(max_rules=25), min_rules=MIN_RULES):
    """``min_rules`` or more: copies of 1-4 drawn tables under prefixes.

    Copy ``k`` of a table goes under ``MOUNTS[k % 4]``, its endpoints
    prefixed with ``k`` (a shared endpoint stays shared within a copy, as
    ``option_tables``' defaults need); the first ``at_root`` tables are also
    added unprefixed.  A table's rules fastdispatch refuses (duplicates)
    are left out of its copies, so that the copies add up to ``min_rules``
    accepted rules.
    """
    drawn = [acceptable(block) for block in draw(st.lists(blocks, min_size=1, max_size=4))]
    drawn = [block for block in drawn if block]
    assume(drawn)
    at_root = draw(st.integers(0, len(drawn)))
    out = [entry for block in drawn[:at_root] for entry in block]
    k = 0
    while len(out) < min_rules + MARGIN:
        block = drawn[k % len(drawn)]
        prefix = MOUNTS[k % len(MOUNTS)].format(w=RESOURCE_WORDS[k % len(RESOURCE_WORDS)], k=k)
        for rule, endpoint, *rest in block:
            out.append((prefix + rule, f"{k}|{endpoint}", *rest))
        k += 1
    return shuffled(out, draw(st.integers(0, 2**32 - 1)))


ITEM_METHODS = ["GET", "PUT", "PATCH", "DELETE"]


@st.composite
def rest_shapes(draw):
    """One resource's rules as (suffix, name, methods, options): the suffix
    goes after the resource's path, the name after its endpoint prefix."""
    names = iter(f"v{i}" for i in range(100))
    item = draw(st.sampled_from(SEGMENT_CONVERTERS + MIXED)).format(n=next(names), m=next(names))
    slash = draw(st.sampled_from(["", "/"]))
    lax = {"strict_slashes": False} if draw(st.booleans()) else {}
    out = [(slash, "list", tuple(sorted(draw(st.sets(st.sampled_from(["GET", "POST"]), min_size=1)))), lax)]
    if draw(st.booleans()):
        # Flask's pagination: page 1 is the collection itself (a request for
        # .../page/1 redirects there), shared endpoint, defaults
        page = next(names)
        out[0] = (slash, "list", out[0][2], {**lax, "defaults": {page: 1}})
        out.append((f"/page/<int:{page}>", "list", ("GET",), {}))
    out.append((f"/{item}{draw(st.sampled_from(['', '', '/']))}", "item",
                tuple(sorted(draw(st.sets(st.sampled_from(ITEM_METHODS), min_size=1)))), {}))
    for j in range(draw(st.integers(0, 3))):
        sub = draw(st.sampled_from(STATIC_WORDS + MORE_WORDS))
        sub_item = draw(st.sampled_from(SEGMENT_CONVERTERS + PATH_TAILS)).format(n=next(names), m=next(names))
        out.append((f"/{item}/{sub}", f"sub{j}", ("GET",), {}))
        out.append((f"/{item}/{sub}/{sub_item}", f"sub{j}_item",
                    tuple(sorted(draw(st.sets(st.sampled_from(ITEM_METHODS), min_size=1)))), {}))
    action = draw(st.sampled_from(STATIC_WORDS + MORE_WORDS + ["search"]))
    out.append((f"/{action}", "action", ("GET",), {}))  # static, beside the item converter
    return out


def accepted_shape(shape):
    """The rules of ``shape`` fastdispatch accepts under one resource path
    (it refuses duplicates: two subs or an action drawn alike)."""
    probe = [("/r" + suffix, i, methods, options) for i, (suffix, _, methods, options) in enumerate(shape)]
    return [shape[i] for _, i, *_ in acceptable(probe)]


@st.composite
def rest_tables(draw, min_rules=MIN_RULES):
    """``min_rules`` or more REST-shaped rules: 1-6 drawn resource shapes,
    resource ``i`` taking shape ``i % len(shapes)`` under
    ``{version}/{word}{i}``, plus a drawn random table at the root that
    overlaps them."""
    shapes = [accepted_shape(shape) for shape in draw(st.lists(rest_shapes(), min_size=1, max_size=6))]
    versions = draw(st.lists(st.sampled_from(["/api/v1", "/api/v2", "/api/<any(v1, v3):version>", "", "/<g>"]),
                             min_size=1, max_size=3, unique=True))
    out = [(rule, f"root|{endpoint}", methods) for rule, endpoint, methods in draw(tables(max_rules=10))]
    i = 0
    while len(out) < min_rules + MARGIN:
        base = f"{versions[i % len(versions)]}/{RESOURCE_WORDS[i % len(RESOURCE_WORDS)]}{i}"
        for suffix, name, methods, options in shapes[i % len(shapes)]:
            out.append((base + suffix, f"{i}.{name}", methods, options))
        i += 1
    return shuffled(out, draw(st.integers(0, 2**32 - 1)))


# Values of VALUES a converter takes, by its name in the placeholder: a
# sweep's path matches its rule more often than with any value
LIKELY = [("int", ["0", "7", "07", "50", "51", "3", "-3"]), ("float", ["1.5", "-1.5", "1."]),
          ("uuid", VALUES[40:43]), ("path", ["a", "a/b", "a/b/", "x/a/b", "a/b.x"]), ("", VALUES[:6])]


def likely_value(placeholder, rng):
    """A value of ``VALUES``: half the time one ``placeholder``'s converter
    takes (``any``: one of its words), half the time any."""
    if rng.random() < 0.5:
        return rng.choice(VALUES)
    if placeholder.startswith("<any("):
        return rng.choice(placeholder[5 : placeholder.index(")")].split(", "))
    return rng.choice(next(values for name, values in LIKELY if name in placeholder))


def sweep(table, seed):
    """Two requests per rule: its own path (``likely_value`` in each
    converter) and the same with its trailing slash toggled, each under one
    of the rule's methods or, a third of the time, of ``METHODS``: a hit, a
    405, a redirect or a 404 for every rule of the table, not only for the
    few the drawn requests reach."""
    rng = random.Random(seed)
    out = []
    for rule, _, methods, *_ in table:
        path = fill(rule, lambda placeholder: likely_value(placeholder, rng))
        for p in (path, path[:-1] if path.endswith("/") else path + "/"):
            out.append((rng.choice(METHODS if rng.random() < 1 / 3 else methods), p))
    return out


def check_large(data, table):
    requests = data.draw(requests_for(table, max_requests=100), label="requests")
    requests += sweep(table, data.draw(st.integers(0, 2**32 - 1), label="sweep seed"))
    accepted = check(table, requests)
    # the strategies must deliver a large table, duplicates left out
    assert len(accepted) >= MIN_RULES, f"only {len(accepted)} of {len(table)} rules accepted"


@settings(max_examples=LARGE_EXAMPLES, **LARGE_SETTINGS)
@given(st.data())
def test_mounted_random_tables(data):
    check_large(data, data.draw(mounted_tables(), label="table"))


@settings(max_examples=LARGE_EXAMPLES, **LARGE_SETTINGS)
@given(st.data())
def test_mounted_option_tables(data):
    """strict_slashes=False and defaults, a shared endpoint in each copy."""
    check_large(data, data.draw(mounted_tables(blocks=option_tables()), label="table"))


@settings(max_examples=LARGE_EXAMPLES, **LARGE_SETTINGS)
@given(st.data())
def test_rest_tables(data):
    check_large(data, data.draw(rest_tables(), label="table"))


# one example by default: ~4 s of CPU, most of it the pure twin compiling
# its code for 10,000 rules at the first match
@settings(max_examples=max(1, LARGE_EXAMPLES // 5), **LARGE_SETTINGS)
@given(st.data())
def test_rest_tables_at_10000_rules(data):
    """The issue's size: the twins and the walk only (Werkzeug takes tens
    of seconds to build it)."""
    table = data.draw(rest_tables(min_rules=10_000), label="table")
    requests = data.draw(requests_for(table, max_requests=100), label="requests")
    requests += sweep(table, data.draw(st.integers(0, 2**32 - 1), label="sweep seed"))
    assert len(check(table, requests, werkzeug=False)) >= 10_000
