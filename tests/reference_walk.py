"""The reference search: the compiled router's tree walk (``_lookup`` in
``src/_router.pyx``) in Python, function by function, over the same radix
tree.  The pure router runs generated code instead (``_codegen``); the
tests hold both routers to this walk, and to Werkzeug.

The tree is a radix tree over the path text.  A node holds a piece of
static text (``prefix``), its static children indexed by first character
(``indices``), the dynamic parts that may follow it (``dynamic``: only on
nodes whose text ends with "/", i.e. at the start of a segment), and the
rules that end exactly there.  The search is Werkzeug's state machine
(``werkzeug/routing/matcher.py``) over that tree: at each segment start, the
static child first, then the dynamic parts in weight order, backtracking
depth-first; a rule found with the path used up wins, unless the only rule
there lacks the method and the path plus "/" has one: that redirect is
raised at once, wherever the search is.  A rule's automatic methods are
noted for the 405 and never matched (``table.method_map``).
"""

from __future__ import annotations

import re
import typing as t

from fastdispatch.routing._router_py import _check_float, _check_uuid, _convert
from fastdispatch.routing.exceptions import MethodNotAllowed, NotFound, RequestRedirect
from fastdispatch.routing.rules import K_ANY, K_FLOAT, K_INT, K_PATH, K_REGEX, K_STRING, K_UUID, Part, Rule
from fastdispatch.routing.table import RuleTable, is_automatic, method_map

_SLASHES = re.compile("/{2,}")


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
            if hit is not None and not is_automatic(method, hit):
                have.update(hit[1])
                return hit[0]
            have.update(node.lax_methods)
            return None
        inner = False
        if pos == n:
            if node.rules:
                hit = node.by_method.get(method)
                if hit is not None and not is_automatic(method, hit):
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
                        if not is_automatic(method, hit):
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
                        if not is_automatic(method, hit):
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




def _check_int(seg: str, signed: bool) -> bool:
    if signed and seg[:1] == "-":
        seg = seg[1:]
    return seg.isdecimal()


class WalkRouter:
    """A router that matches by the walk: ``WalkRouter()`` with ``add``
    as the routers', or ``WalkRouter.of(router)`` for a router's rules."""

    def __init__(self, merge_slashes: bool = False) -> None:
        self.merge_slashes = merge_slashes
        self.table = RuleTable(self, merge_slashes)
        self.root = Node("")

    @classmethod
    def of(cls, router: t.Any) -> WalkRouter:
        walk = cls(router.merge_slashes)
        walk.table = router._table
        for r in router._table.rules:
            walk._insert(r)
        return walk

    def add(self, rule: str, endpoint: t.Any, methods: t.Iterable[str] = ("GET",), *, automatic: t.Iterable[str] = (), defaults: t.Any = None, strict_slashes: bool = True) -> None:
        self._insert(self.table.parse(rule, endpoint, methods, automatic, defaults, strict_slashes))

    def _insert(self, r: Rule) -> None:
        node = self.root
        for piece in r.pieces:
            node = _insert_static(node, piece) if isinstance(piece, str) else _insert_dynamic(node, piece)
        node.rules.append(r)
        node.by_method, node.all_methods = method_map(node.rules)
        lax = [x for x in node.rules if not x.strict_slashes]
        node.lax_by_method, node.lax_methods = method_map(lax) if lax else (None, frozenset())

    def match(self, method: str, path: str) -> tuple[t.Any, dict[str, t.Any]]:
        return match_by_walk(self, method, path)

    def build(self, endpoint: t.Any, values: t.Any = None, method: str | None = None) -> str:
        return self.table.build(endpoint, values, method)

    def _dump(self) -> dict:
        """The tree as plain data (``tests/invariants.py``), as the compiled
        router's ``_dump``."""
        return _dump(self.root)


def match_by_walk(router: WalkRouter, method: str, path: str) -> tuple[t.Any, dict[str, t.Any]]:
    """``match`` by ``_lookup``'s walk over the tree."""
    method = method.upper()
    if path and (path[0] != "/" or path[1:2] == "/"):
        path = "/" + path.lstrip("/")
    have: set[str] = set()
    values: list[str] = []
    try:
        rule = _lookup(router.root, path, 0, len(path), method, values, have)
    except _SlashRequired:
        raise RequestRedirect("/" + (path + "/").lstrip("/")) from None
    if rule is None and router.merge_slashes and "//" in path:
        merged = _SLASHES.sub("/", path)
        try:
            rule = _lookup(router.root, merged, 0, len(merged), method, values, have)
        except _SlashRequired:
            raise RequestRedirect(merged + "/") from None
        if rule is not None:
            raise RequestRedirect(merged)
    if rule is not None:
        params = _convert(rule, values)
        if params is not None:
            if rule.defaults:
                params.update(rule.defaults)
            target = router.table.default_redirect(rule, method, params) if router.table.has_defaults else None
            if target is not None:
                raise RequestRedirect(target)
            return rule.endpoint, params
    if have:
        raise MethodNotAllowed(have, method, path)
    raise NotFound(path)




def _dump(node: Node) -> dict:
    return {
        "prefix": node.prefix,
        "indices": node.indices,
        "children": [_dump(c) for c in node.children],
        "dynamic": [(e.key, e.weight, _dump(e.child)) for e in node.dynamic],
        "rules": list(node.rules),
    }
