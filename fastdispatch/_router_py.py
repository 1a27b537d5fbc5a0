"""The pure-Python router: the twin of ``src/_router.pyx``.

Same node structure, field and function names, in the same order; read one
against the other.  The tree is a radix tree over the path text.  A node
holds a piece of static text (``prefix``), its static children indexed by
first character (``indices``), the dynamic parts that may follow it
(``dynamic``: only on nodes whose text ends with "/", i.e. at the start of a
segment), and the rules that end exactly there.

``match`` runs the rules compiled into Python source (``_codegen_py``: the
interpreter's cost is per node visited, so the walk is unrolled into
``if``s).  ``_lookup``, the walk itself, is the readable reference, the twin
of the compiled router's, and ``match_by_walk`` runs it so tests can hold
the generated code to it.  It is Werkzeug's state-machine search (``werkzeug/routing/matcher.py``)
over that tree: at each segment start, the static child first, then the
dynamic parts in weight order, backtracking depth-first; a rule found with
the path used up wins, unless the only rule there lacks the method and the
path plus "/" has one: that redirect is raised at once, wherever the search
is.  Converters' ``to_python`` runs after the search, on the rule it found
(Werkzeug's quirk: a value refused then is a 404, not a try of the next rule).
"""

from __future__ import annotations

import re
import typing as t

from ._codegen_py import compile_rules
from .routing.exceptions import MethodNotAllowed, NotFound, RequestRedirect
from .routing.rules import (
    C_IDENT,
    C_INT,
    K_ANY,
    K_FLOAT,
    K_INT,
    K_PATH,
    K_REGEX,
    K_STRING,
    K_UUID,
    Part,
    Rule,
)
from .routing.table import RuleInfo, RuleTable, method_map

__all__ = ["PythonRouter"]

_UUID_DASHES = (8, 13, 18, 23)
_SLASHES = re.compile("/{2,}")
_HEX = frozenset("0123456789abcdefABCDEF")


class _SlashRequired(Exception):
    pass


class Node:
    # in the compiled twin's order (there, the fields its search reads come first)
    __slots__ = ("lax_by_method", "rules", "by_method", "prefix", "indices", "children", "dynamic", "all_methods", "lax_methods")

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix
        self.indices = ""  # first character of each child, in children's order
        self.children: list[Node] = []
        self.dynamic: list[Edge] = []  # sorted by weight; equal weights keep insertion order
        self.rules: list[Rule] = []
        self.by_method: dict[str, tuple[Rule, frozenset]] = {}
        self.all_methods: frozenset = frozenset()
        # the rules here with strict_slashes=False, which also match the
        # path plus "/" (None: no such rule)
        self.lax_by_method: dict[str, tuple[Rule, frozenset]] | None = None
        self.lax_methods: frozenset = frozenset()


class Edge:
    """A dynamic part and the subtree after it."""

    __slots__ = ("key", "weight", "kind", "lo", "hi", "signed", "items", "regex", "groups", "final", "suffixed", "child")

    def __init__(self, part: Part) -> None:
        self.key = part.key
        self.weight = part.weight
        self.kind = part.kind
        self.lo = part.lo
        self.hi = part.hi
        self.signed = part.signed
        self.items = part.items
        self.regex = part.regex
        self.groups = tuple(part.regex.groupindex[f"__werkzeug_{i}"] for i in range(part.nconv)) if part.regex else ()
        self.final = part.final
        self.suffixed = part.suffixed
        self.child = Node("")


def _insert_static(node: Node, text: str) -> Node:
    while text:
        i = node.indices.find(text[0])
        if i < 0:
            child = Node(text)
            node.indices += text[0]
            node.children.append(child)
            return child
        child = node.children[i]
        p = child.prefix
        k = 1
        while k < len(p) and k < len(text) and p[k] == text[k]:
            k += 1
        if k < len(p):
            split = Node(p[:k])
            child.prefix = p[k:]
            split.indices = child.prefix[0]
            split.children.append(child)
            node.children[i] = split
            child = split
        node = child
        text = text[k:]
    return node


def _insert_dynamic(node: Node, part: Part) -> Node:
    for edge in node.dynamic:
        if edge.key == part.key:
            return edge.child
    edge = Edge(part)
    i = len(node.dynamic)
    while i and part.weight < node.dynamic[i - 1].weight:
        i -= 1
    node.dynamic.insert(i, edge)
    return edge.child


def _check_int(seg: str, signed: bool) -> bool:
    if signed and seg[:1] == "-":
        seg = seg[1:]
    return seg.isdecimal()


def _check_float(seg: str, signed: bool) -> bool:
    if signed and seg[:1] == "-":
        seg = seg[1:]
    whole, dot, frac = seg.partition(".")
    return whole.isdecimal() and frac.isdecimal()


def _check_uuid(seg: str) -> bool:
    if len(seg) != 36:
        return False
    for i, c in enumerate(seg):
        if (c != "-") if i in _UUID_DASHES else (c not in _HEX):
            return False
    return True


def _lookup(node: Node, path: str, pos: int, n: int, method: str, values: list, have: set, inner: bool = False) -> Rule | None:
    # PERF: the last alternative at a node is a tail call, so it loops
    # instead of recursing; a recursion is left only where there is
    # something to come back to.
    while True:
        if node.lax_by_method is not None and not inner and pos == n - 1 and path[pos] == "/":
            # Werkzeug's last resort with only a trailing slash left: the
            # rules here without strict slashes, once all else has failed
            mark = len(values)
            rule = _lookup(node, path, pos, n, method, values, have, True)
            if rule is not None:
                return rule
            del values[mark:]
            hit = node.lax_by_method.get(method)
            if hit is not None:
                have.update(hit[1])
                return hit[0]
            have.update(node.lax_methods)
            return None
        inner = False
        if pos == n:
            if node.rules:
                hit = node.by_method.get(method)
                if hit is not None:
                    have.update(hit[1])
                    return hit[0]
                have.update(node.all_methods)
            i = node.indices.find("/")
            if i >= 0:
                slash = node.children[i]
                if slash.prefix == "/":
                    hit = slash.by_method.get(method)
                    if hit is not None:
                        if hit[0].strict_slashes:
                            raise _SlashRequired
                        return hit[0]  # strict_slashes=False: the rule itself
        else:
            i = node.indices.find(path[pos])
            if i >= 0:
                child = node.children[i]
                p = child.prefix
                if path.startswith(p, pos):
                    if not node.dynamic:
                        node = child
                        pos += len(p)
                        continue
                    mark = len(values)
                    rule = _lookup(child, path, pos + len(p), n, method, values, have)
                    if rule is not None:
                        return rule
                    del values[mark:]  # a tail call below may have left values
                elif len(p) == n - pos + 1 and p[-1] == "/" and path.startswith(p[:-1], pos):
                    # the path ends one "/" short of this child's rules
                    hit = child.by_method.get(method)
                    if hit is not None:
                        if hit[0].strict_slashes:
                            raise _SlashRequired
                        return hit[0]
        dynamic = node.dynamic
        if not dynamic:
            return None
        end = path.find("/", pos)
        if end < 0:
            end = n
        mark = len(values)
        last = len(dynamic) - 1
        for k, edge in enumerate(dynamic):
            kind = edge.kind
            nxt = end
            if kind == K_STRING:
                length = end - pos
                if length < edge.lo or (edge.hi >= 0 and length > edge.hi):
                    continue
                values.append(path[pos:end])
            elif kind == K_PATH:
                if pos == n or path[pos] == "/" or path.find("\n", pos + 1) >= 0:
                    continue
                values.append(path[pos:])
                nxt = n
            elif kind == K_REGEX:
                m = edge.regex.match(path[pos:] if edge.final else path[pos:end])
                if m is None:
                    continue
                values.extend(m.group(g) for g in edge.groups)
                if edge.final:
                    nxt = n - 1 if edge.suffixed and m.group(m.re.groups) == "/" else n
            else:
                seg = path[pos:end]
                if kind == K_INT:
                    ok = _check_int(seg, edge.signed)
                elif kind == K_ANY:
                    ok = seg in edge.items
                elif kind == K_FLOAT:
                    ok = _check_float(seg, edge.signed)
                else:
                    assert kind == K_UUID
                    ok = _check_uuid(seg)
                if not ok:
                    continue
                values.append(seg)
            if k == last:
                break
            rule = _lookup(edge.child, path, nxt, n, method, values, have)
            if rule is not None:
                return rule
            del values[mark:]
        else:
            return None
        node = edge.child
        pos = nxt


class PythonRouter:
    """Werkzeug-compatible router in pure Python (see the module docstring)."""

    __slots__ = ("_table", "_root", "_static", "_matcher", "_has_defaults", "merge_slashes")

    def __init__(self, merge_slashes: bool = False) -> None:
        #: as Werkzeug's Map(merge_slashes=...): rules are read with repeated
        #: slashes merged, and a path that matches only once its slashes are
        #: merged is redirected there (Flask's Map does this; the router's
        #: default is the issue's Map(merge_slashes=False))
        self.merge_slashes = merge_slashes
        self._table = RuleTable(self, merge_slashes)
        self._root = Node("")
        self._static: dict[str, Node] = {}
        self._matcher: t.Callable | None = None  # the tree compiled, made on first match
        self._has_defaults = False  # a rule has defaults: a match may redirect to it

    @property
    def converters(self) -> dict[str, t.Any]:
        return self._table.converters

    def add(
        self,
        rule: str,
        endpoint: t.Any,
        methods: t.Iterable[str] = ("GET",),
        *,
        automatic: t.Iterable[str] = (),
        defaults: t.Mapping[str, t.Any] | None = None,
        strict_slashes: bool = True,
    ) -> None:
        r = self._table.parse(rule, endpoint, methods, automatic, defaults, strict_slashes)
        node = self._root
        for piece in r.pieces:
            node = _insert_static(node, piece) if isinstance(piece, str) else _insert_dynamic(node, piece)
        node.rules.append(r)
        node.by_method, node.all_methods = method_map(node.rules)
        lax = [x for x in node.rules if not x.strict_slashes]
        node.lax_by_method, node.lax_methods = method_map(lax) if lax else (None, frozenset())
        text = r.pieces[0]  # the rule as read (slashes merged if merging)
        if len(r.pieces) == 1 and text[1:2] != "/":  # "//x" paths become "/x" first
            self._static[text] = node
        self._has_defaults = self._table.has_defaults
        self._matcher = None

    def _compile(self) -> t.Callable:
        helpers = {"_check_float": _check_float, "_check_uuid": _check_uuid, "_finish": _finish_rule if self._has_defaults else _finish}
        self._matcher = compile_rules(self._table.rules, _SlashRequired, helpers, self._has_defaults)
        return self._matcher

    def match(self, method: str, path: str) -> tuple[t.Any, dict[str, t.Any]]:
        # PERF: a static rule allowing the method is what the search would
        # find first; one dict lookup settles it (a third of the generated
        # code's time for such paths; the compiled twin walks its tree as fast).
        node = self._static.get(path)
        if node is not None:
            hit = node.by_method.get(method)
            if hit is not None and not self._has_defaults:
                return hit[0].endpoint, {}
        # PERF: exact types are checked first; isinstance only for the rare subclass
        if (method.__class__ is not str or path.__class__ is not str) and not (isinstance(method, str) and isinstance(path, str)):
            raise TypeError(f"method and path must be str, got {type(method).__name__} and {type(path).__name__}")
        method = method.upper()
        parts = path.split("/")
        n = len(parts)
        if parts[0] or (n > 2 and not parts[1]):  # not "/..." (nor ""), or "//..."
            path = "/" + path.lstrip("/")  # as Werkzeug's MapAdapter does
            parts = path.split("/")
            n = len(parts)
        have: list[frozenset] = []  # the methods of rules passed over, for a 405
        matcher = self._matcher or self._compile()
        try:
            found = matcher(parts, n, method, have)
        except _SlashRequired:
            raise RequestRedirect("/" + (path + "/").lstrip("/")) from None  # as make_redirect_url
        if found:
            if self._has_defaults:  # the matcher answered (rule, params)
                rule, params = found
                target = self._table.default_redirect(rule, method, params)
                if target is not None:
                    raise RequestRedirect(target)
                return rule.endpoint, params
            return found
        if found is None and self.merge_slashes and "//" in path:
            # Werkzeug's second try: a match with the slashes merged redirects there
            merged = _SLASHES.sub("/", path)
            parts = merged.split("/")
            try:
                found = matcher(parts, len(parts), method, have)
            except _SlashRequired:
                raise RequestRedirect(merged + "/") from None
            if found is not None:
                raise RequestRedirect(merged)
        allowed = set().union(*have)
        if allowed:
            raise MethodNotAllowed(allowed, method, path)
        raise NotFound(path)

    def build(self, endpoint: t.Any, values: t.Mapping[str, t.Any] | None = None, method: str | None = None) -> str:
        return self._table.build(endpoint, values, method)

    def is_endpoint_expecting(self, endpoint: t.Any, *arguments: str) -> bool:
        return self._table.is_endpoint_expecting(endpoint, *arguments)

    def __iter__(self) -> t.Iterator[RuleInfo]:
        return iter(self._table)

    def __len__(self) -> int:
        return len(self._table)

    def _dump(self) -> dict:
        """The tree as plain data, for tests (``tests/invariants.py``)."""
        return _dump(self._root)

    def __repr__(self) -> str:
        return f"<PythonRouter with {len(self._table)} rules>"


def match_by_walk(router: PythonRouter, method: str, path: str) -> tuple[t.Any, dict[str, t.Any]]:
    """``router.match`` by ``_lookup``'s walk over the tree instead of the
    generated code: the readable twin of the compiled router's search, kept
    as the reference the generated matcher is tested against."""
    method = method.upper()
    if path and (path[0] != "/" or path[1:2] == "/"):
        path = "/" + path.lstrip("/")
    have: set[str] = set()
    values: list[str] = []
    try:
        rule = _lookup(router._root, path, 0, len(path), method, values, have)
    except _SlashRequired:
        raise RequestRedirect("/" + (path + "/").lstrip("/")) from None
    if rule is None and router.merge_slashes and "//" in path:
        merged = _SLASHES.sub("/", path)
        try:
            rule = _lookup(router._root, merged, 0, len(merged), method, values, have)
        except _SlashRequired:
            raise RequestRedirect(merged + "/") from None
        if rule is not None:
            raise RequestRedirect(merged)
    if rule is not None:
        params = dict(zip(rule.names, values)) if rule.all_ident else _convert(rule, values)
        if params is not None:
            if rule.defaults:
                params.update(rule.defaults)
            target = router._table.default_redirect(rule, method, params) if router._has_defaults else None
            if target is not None:
                raise RequestRedirect(target)
            return rule.endpoint, params
    if have:
        raise MethodNotAllowed(have, method, path)
    raise NotFound(path)


def _finish(hit: tuple[Rule, frozenset], values: tuple, have: list) -> tuple[t.Any, dict[str, t.Any]] | bool:
    """The answer for the rule found, or False where a converter refuses."""
    rule, before = hit
    params = dict(zip(rule.names, values)) if rule.all_ident else _convert(rule, values)
    if params is None:
        have.append(before)
        return False
    return rule.endpoint, params


def _finish_rule(hit: tuple[Rule, frozenset], values: tuple, have: list) -> tuple[Rule, dict[str, t.Any]] | bool:
    """``_finish`` for a table with rule defaults: the rule comes back (the
    caller checks Werkzeug's redirect to a rule providing the defaults), and
    its own defaults are added to the values, as Werkzeug adds them."""
    found = _finish(hit, values, have)
    if not found:
        return found
    rule, params = hit[0], found[1]
    if rule.defaults:
        params.update(rule.defaults)
    return rule, params


def _convert(rule: Rule, values: t.Sequence[str]) -> dict[str, t.Any] | None:
    params = {}
    for name, (kind, conv, fixed, lo, hi), value in zip(rule.names, rule.conv_kinds, values):
        if kind == C_IDENT:
            params[name] = value
        elif kind == C_INT:
            if fixed and len(value) != fixed:
                return None
            try:
                num = int(value)
            except ValueError:  # more digits than int() takes: Werkzeug's 404 too
                return None
            if (lo is not None and num < lo) or (hi is not None and num > hi):
                return None
            params[name] = num
        else:
            try:
                params[name] = conv.to_python(value)
            except ValueError:
                return None
    return params


def _dump(node: Node) -> dict:
    return {
        "prefix": node.prefix,
        "indices": node.indices,
        "children": [_dump(c) for c in node.children],
        "dynamic": [(e.key, e.weight, _dump(e.child)) for e in node.dynamic],
        "rules": list(node.rules),
    }
