"""The pure router's speed: its tree compiled into one Python function.

A walk over node objects costs the interpreter a dozen attribute loads and
calls per node; Falcon's answer, followed here, is to turn the tree into
nested ``if`` statements with every prefix, bound and set inlined as a
constant, and matched values held in local variables instead of a list.

The generated function has ``_lookup``'s exact semantics (``_router_py``):
the same tree, read in the same order: at each node the path used up (its
rules, then the one-slash-short redirect), else the static child whose first
character matches (or the redirect where the path ends one "/" short of it),
then the dynamic parts in weight order, each failure falling through to the
next alternative.  Where nesting would grow past what CPython's parser
accepts, the generated code hands the subtree to ``_lookup`` itself.
"""

from __future__ import annotations

import typing as t

from .routing.rules import K_ANY, K_FLOAT, K_INT, K_PATH, K_REGEX, K_STRING, K_UUID

if t.TYPE_CHECKING:
    from ._router_py import Node

# CPython refuses more than 100 levels of indentation; a node takes up to 4.
_MAX_INDENT = 80
# Above this many static children, dispatch on the first character first.
_DISPATCH_AT = 4


class _Gen:
    def __init__(self, lookup: t.Callable, slash_required: type, helpers: dict) -> None:
        self.lines: list[str] = []
        self.consts: dict[str, t.Any] = {"_lookup": lookup, "_SlashRequired": slash_required, **helpers}
        self.ids: dict[int, str] = {}

    def const(self, value: t.Any) -> str:
        name = self.ids.get(id(value))
        if name is None:
            name = self.ids[id(value)] = f"_k{len(self.ids)}"
            self.consts[name] = value
        return name

    def emit(self, indent: int, line: str) -> None:
        self.lines.append("    " * indent + line)

    def node(self, node: Node, pos: str, ind: int, vals: list[str], depth: int) -> None:
        """Code for standing at ``node`` (its prefix consumed) at position
        ``pos``; it returns on a match and falls through otherwise."""
        if ind > _MAX_INDENT:
            self.fallback(node, pos, ind, vals)
            return
        w = self.emit
        mark = len(self.lines)
        self.terminal(node, ind + 1, vals)
        if len(self.lines) > mark:
            self.lines.insert(mark, "    " * ind + f"if {pos} == n:")
            if node.children:
                w(ind, "else:")
                self.children(node, pos, ind + 1, vals, depth)
        elif node.children:
            if len(node.children) > _DISPATCH_AT:
                w(ind, f"if {pos} < n:")
                self.children(node, pos, ind + 1, vals, depth)
            else:
                self.children(node, pos, ind, vals, depth)
        if node.dynamic:
            self.dynamic(node, pos, ind, vals, depth)

    def terminal(self, node: Node, ind: int, vals: list[str]) -> None:
        w = self.emit
        if node.rules:
            w(ind, f"hit = {self.const(node.by_method)}.get(method)")
            w(ind, "if hit is not None:")
            w(ind + 1, "have.update(hit[1])")
            w(ind + 1, f"return hit[0], ({''.join(v + ', ' for v in vals)})")
            w(ind, f"have.update({self.const(node.all_methods)})")
        i = node.indices.find("/")
        if i >= 0 and node.children[i].prefix == "/" and node.children[i].by_method:
            w(ind, f"if method in {self.const(node.children[i].by_method)}:")
            w(ind + 1, "raise _SlashRequired")

    def children(self, node: Node, pos: str, ind: int, vals: list[str], depth: int) -> None:
        kids = sorted(node.children, key=lambda c: c.prefix[0])
        if len(kids) > _DISPATCH_AT:
            self.emit(ind, f"c = path[{pos}]")
            self.dispatch(kids, pos, ind, vals, depth)
        else:
            for k, child in enumerate(kids):
                self.child(child, "if" if k == 0 else "elif", pos, ind, vals, depth)

    def dispatch(self, kids: list[Node], pos: str, ind: int, vals: list[str], depth: int) -> None:
        # PERF: a binary search on the first character, not a chain of ==
        if len(kids) <= 3:
            for k, child in enumerate(kids):
                self.emit(ind, f"{'if' if k == 0 else 'elif'} c == {child.prefix[0]!r}:")
                self.child(child, "if", pos, ind + 1, vals, depth)
            return
        half = len(kids) // 2
        self.emit(ind, f"if c < {kids[half].prefix[0]!r}:")
        self.dispatch(kids[:half], pos, ind + 1, vals, depth)
        self.emit(ind, "else:")
        self.dispatch(kids[half:], pos, ind + 1, vals, depth)

    def child(self, child: Node, kw: str, pos: str, ind: int, vals: list[str], depth: int) -> None:
        w = self.emit
        p = child.prefix
        nxt = f"p{depth + 1}"
        w(ind, f"{kw} path.startswith({p!r}, {pos}):")
        w(ind + 1, f"{nxt} = {pos} + {len(p)}")
        self.node(child, nxt, ind + 1, vals, depth + 1)
        if len(p) > 1 and p[-1] == "/" and child.by_method:
            # the path ends one "/" short of this child's rules
            w(ind, f"elif n - {pos} == {len(p) - 1} and path.startswith({p[:-1]!r}, {pos}):")
            w(ind + 1, f"if method in {self.const(child.by_method)}:")
            w(ind + 2, "raise _SlashRequired")

    def dynamic(self, node: Node, pos: str, ind: int, vals: list[str], depth: int) -> None:
        w = self.emit
        end = f"e{depth}"
        w(ind, f"{end} = path.find('/', {pos})")
        w(ind, f"if {end} < 0:")
        w(ind + 1, f"{end} = n")
        for edge in node.dynamic:
            v = f"v{len(vals)}"
            kind = edge.kind
            nxt = end
            new_vals = vals + [v]
            if kind == K_PATH:
                w(ind, f"if {pos} < n and path[{pos}] != '/' and path.find('\\n', {pos} + 1) < 0:")
                w(ind + 1, f"{v} = path[{pos}:]")
                nxt = "n"
            elif kind == K_REGEX:
                m = f"m{depth}"
                target = f"path[{pos}:]" if edge.final else f"path[{pos}:{end}]"
                w(ind, f"{m} = {self.const(edge.regex)}.match({target})")
                w(ind, f"if {m} is not None:")
                new_vals = vals + [f"v{len(vals) + i}" for i in range(len(edge.groups))]
                for name, g in zip(new_vals[len(vals):], edge.groups):
                    w(ind + 1, f"{name} = {m}.group({g})")
                if edge.final:
                    nxt = f"p{depth + 1}"
                    if edge.suffixed:
                        w(ind + 1, f"{nxt} = n - 1 if {m}.group({edge.regex.groups}) == '/' else n")
                    else:
                        w(ind + 1, f"{nxt} = n")
            else:
                if kind == K_STRING:
                    bound = f" and {end} - {pos} <= {edge.hi}" if edge.hi >= 0 else ""
                    w(ind, f"if {end} - {pos} >= {edge.lo}{bound}:")
                    w(ind + 1, f"{v} = path[{pos}:{end}]")
                else:
                    w(ind, f"{v} = path[{pos}:{end}]")
                    if kind == K_INT:
                        test = f"({v}[1:] if {v}[:1] == '-' else {v})" if edge.signed else v
                        w(ind, f"if {test}.isdecimal():")
                    elif kind == K_ANY:
                        w(ind, f"if {v} in {self.const(edge.items)}:")
                    elif kind == K_FLOAT:
                        w(ind, f"if _check_float({v}, {edge.signed}):")
                    else:
                        assert kind == K_UUID
                        w(ind, f"if _check_uuid({v}):")
            self.node(edge.child, nxt, ind + 1, new_vals, depth + 1)

    def fallback(self, node: Node, pos: str, ind: int, vals: list[str]) -> None:
        w = self.emit
        w(ind, f"values = [{', '.join(vals)}]")
        w(ind, f"rule = _lookup({self.const(node)}, path, {pos}, n, method, values, have)")
        w(ind, "if rule is not None:")
        w(ind + 1, "return rule, values")


def compile_tree(root: Node, lookup: t.Callable, slash_required: type, helpers: dict) -> t.Callable:
    """``match(path, n, method, have) -> (rule, values) | None``; raises
    ``slash_required`` where Werkzeug redirects to the trailing slash."""
    gen = _Gen(lookup, slash_required, helpers)
    gen.emit(0, "def match(path, n, method, have):")
    gen.emit(1, "p0 = 0")
    gen.node(root, "p0", 1, [], 0)
    gen.emit(1, "return None")
    source = "\n".join(gen.lines) + "\n"
    namespace = dict(gen.consts)
    exec(compile(source, "<fastdispatch routes>", "exec"), namespace)
    match = namespace["match"]
    match.source = source  # for debugging: print(router._matcher.source)
    return match
