"""The registration side both routers share: the converter registry, rule
validation (malformed rules, duplicates), listing, and URL building.

Matching lives in the trees (``_router_py`` and the compiled ``_router``);
nothing here is on the request path except ``build`` (``url_for``) and, for
tables with rule defaults only, ``default_redirect``.
"""

from __future__ import annotations

import typing as t
from urllib.parse import unquote

from .converters import DEFAULT_CONVERTERS
from .exceptions import BuildError
from .rules import Rule, parse_rule, shared


class RuleInfo(t.NamedTuple):
    """What iterating a router yields, in registration order."""

    rule: str
    endpoint: t.Any
    methods: frozenset


class RuleTable:
    __slots__ = ("router", "merge_slashes", "converters", "rules", "by_endpoint", "by_shape", "has_defaults", "parts")

    def __init__(self, router: t.Any, merge_slashes: bool = False) -> None:
        self.router = router
        self.merge_slashes = merge_slashes
        #: name -> converter class; add custom converters here, as with
        #: Flask's ``app.url_map.converters``.
        self.converters: dict[str, t.Any] = dict(DEFAULT_CONVERTERS)
        self.rules: list[Rule] = []
        # (a key's one rule as itself, several as a list: _append, _all)
        self.by_endpoint: dict[t.Any, t.Any] = {}
        self.by_shape: dict[tuple, t.Any] = {}
        #: some rule has defaults: a match may redirect (``default_redirect``)
        self.has_defaults = False
        #: the rules' equal dynamic parts, made once (rules._part)
        self.parts: dict[tuple, t.Any] = {}

    def parse(
        self,
        rule: str,
        endpoint: t.Any,
        methods: t.Iterable[str],
        automatic: t.Iterable[str] = (),
        defaults: t.Mapping[str, t.Any] | None = None,
        strict_slashes: bool = True,
    ) -> Rule:
        """Parse and validate ``rule``; record it. The caller inserts it.
        ``automatic`` methods (Flask's implicit OPTIONS) never clash."""
        r = parse_rule(rule, endpoint, methods, self.converters, self.router, self.merge_slashes, defaults, strict_slashes, automatic, self.parts)
        shape = r.shape
        for other in _all(self.by_shape.get(shape)):
            clash = r.explicit & other.explicit
            if clash:
                raise ValueError(
                    f"URL rule {rule!r} (endpoint {endpoint!r}) duplicates {other.rule!r} "
                    f"already registered for endpoint {other.endpoint!r} "
                    f"with methods {', '.join(sorted(clash))}"
                )
        _append(self.by_shape, shape, r)
        self.rules.append(r)
        # Werkzeug builds with the rule that uses the most values first,
        # then the most defaults; stable, so registration order breaks ties.
        rules = _append(self.by_endpoint, endpoint, r)
        if type(rules) is list:
            rules.sort(key=lambda x: (-len(x.arguments), -len(x.defaults or ())))
        self.has_defaults = self.has_defaults or r.defaults is not None
        return r

    def default_redirect(self, rule: Rule, method: str, values: dict[str, t.Any]) -> str | None:
        """Werkzeug's ``get_default_redirect``: where a match of ``rule``
        with ``values`` is redirected because a rule built before it
        provides exactly these values as defaults (``/page/1`` -> ``/``).
        The path comes back unquoted, as ``RequestRedirect.location`` is."""
        for r in _all(self.by_endpoint[rule.endpoint]):
            if r is rule:
                break
            if r.provides_defaults_for(rule) and r.suitable_for(values, method):
                try:
                    url = r.build({**values, **r.defaults})  # type: ignore[dict-item]
                except ValueError:
                    # a converter of r refuses a value the match gave (int of
                    # "a"): r cannot stand for this path. Werkzeug raises here,
                    # a 500; the match stands instead
                    continue
                return None if url is None else unquote(url)
        return None

    def __iter__(self) -> t.Iterator[RuleInfo]:
        for r in self.rules:
            yield RuleInfo(r.rule, r.endpoint, r.methods)

    def __len__(self) -> int:
        return len(self.rules)

    def iter_rules(self, endpoint: t.Any = None) -> t.Iterator[Rule]:
        """Werkzeug's ``Map.iter_rules``: the ``Rule`` objects, an
        endpoint's in the order building tries them, the endpoints in the
        order of their first rule; only ``endpoint``'s where it is given (a
        KeyError for an endpoint with none, as Werkzeug's)."""
        if endpoint is None:
            return (r for rules in self.by_endpoint.values() for r in _all(rules))
        return iter(_all(self.by_endpoint[endpoint]))

    def is_endpoint_expecting(self, endpoint: t.Any, *arguments: str) -> bool:
        """Whether a rule of ``endpoint`` takes all of ``arguments``
        (Werkzeug's ``Map.is_endpoint_expecting``, KeyError included)."""
        wanted = set(arguments)
        return any(wanted <= r.arguments for r in _all(self.by_endpoint[endpoint]))

    def build(self, endpoint: t.Any, values: t.Mapping[str, t.Any] | None = None, method: str | None = None) -> str:
        if not values:
            vals = {}
        elif type(values) is not dict and hasattr(values, "lists"):
            # a MultiDict, as Werkzeug takes one: a key's one value as itself,
            # several as a list (the query repeats the key), none dropped
            vals = {k: v[0] if len(v) == 1 else v for k, v in values.lists() if v}
        else:
            vals = {k: v for k, v in values.items() if v is not None}
        rules = self.by_endpoint.get(endpoint)
        if rules is None:
            raise BuildError(endpoint, vals, method, "no rule is registered for this endpoint")
        if type(rules) is not list:
            if not rules.defaults and method is None:
                # PERF: an endpoint's only rule, as the loop below would try it
                # (GET first, then any method: the same one rule either way)
                url = rules.build(vals) if rules.arguments <= vals.keys() else None
                if url is not None:
                    return url
            rules = (rules,)
        # Like Werkzeug: without a method, GET rules are tried first.
        for m in ("GET", None) if method is None else (method,):
            for r in rules:
                if r.suitable_for(vals, m):
                    url = r.build(vals)
                    if url is not None:
                        return url
        reasons = []
        for r in rules:
            if method is not None and method not in r.methods:
                reasons.append(f"{r.rule!r} does not allow {method}")
            elif any(n not in vals and n not in (r.defaults or ()) for n in r.arguments):
                missing = ", ".join(n for n in r.names if n not in vals and n not in (r.defaults or ()))
                reasons.append(f"{r.rule!r} needs {missing}")
            elif not r.suitable_for(vals, method):
                differ = ", ".join(f"{k}={v!r}" for k, v in (r.defaults or {}).items() if k in vals and vals[k] != v)
                reasons.append(f"{r.rule!r} is built only with its defaults {differ}")
            else:
                reasons.append(f"{r.rule!r} refused a value")
        raise BuildError(endpoint, vals, method, "; ".join(reasons))


def _append(index: dict, key: t.Any, rule: Rule) -> t.Any:
    """``index[key]`` with ``rule`` added: the rule itself while it is the
    only one, a list of them from the second on."""
    # PERF: most endpoints and shapes have one rule: nothing is made for
    # them but the dict's entry (issue 15: bytes per rule)
    rules = index.get(key)
    if rules is None:
        rules = index[key] = rule
    elif type(rules) is list:
        rules.append(rule)
    else:
        rules = index[key] = [rules, rule]
    return rules


def _all(rules: t.Any) -> t.Sequence[Rule]:
    """What ``_append`` keeps for a key (or None: no rule) as a sequence."""
    return rules if type(rules) is list else () if rules is None else (rules,)


def method_map(rules: list[Rule]) -> tuple[dict[str, tuple[Rule, frozenset]], frozenset]:
    """For the rules ending at one tree node, in registration order: method ->
    (the first rule allowing it, the methods of the rules before it), and all
    their methods.  Werkzeug walks the list; the methods of the rules it
    passes over are what a later 405 reports, so they travel with the rule.

    A rule's automatic methods (Flask's implicit OPTIONS) give way to a
    later rule's explicit one, and are mapped only where no rule has the
    method explicitly.  They never match a request: the search notes them
    for the 405 (``MethodNotAllowed.allowed``, which the app answers an
    automatic OPTIONS from) and only the trailing-slash redirect follows
    them (``is_automatic``).
    """
    by_method: dict[str, tuple[Rule, frozenset]] = {}
    automatic: dict[str, tuple[Rule, frozenset]] = {}
    seen: set[str] = set()
    for r in rules:
        for m in r.methods:
            target = by_method if m in r.explicit else automatic
            if m not in target:
                target[m] = (r, shared(frozenset(seen)))
        seen |= r.methods
    for m, hit in automatic.items():
        by_method.setdefault(m, hit)
    return by_method, shared(frozenset(seen))


def is_automatic(method: str, hit: tuple[Rule, frozenset]) -> bool:
    """Whether ``method_map``'s entry for ``method`` is an automatic method
    of its rule: noted, never matched."""
    return method not in hit[0].explicit
