"""The pure router's speed: its rules compiled into Python source.

A walk over node objects costs the interpreter a dozen attribute loads and
calls per node; Falcon's answer, followed here, is to turn the routes into
nested ``if`` statements with every segment, bound and set inlined as a
constant, and matched values held in local variables instead of a list.

The code is Werkzeug's state machine (``werkzeug/routing/matcher.py``)
unrolled: the path is split once on "/" (the leading "" included, as
Werkzeug splits it) and each state compares whole segments.  At a state
whose segments are used up: its rules (the method's rule returns, the
others' methods are noted for a 405), then the redirect to the trailing
slash; otherwise the static child named by the segment first, then the
dynamic parts in weight order, each failure falling through to the next
alternative.  A converter refusing its value ends the search (``False``),
as in Werkzeug.  Where nesting would grow past what CPython's parser
accepts, a subtree becomes a function of its own, called from its parent.

So does each child of a segment with many (a big table's resources), looked
up in a dict.  A function's constants are named by their order in it, so
the children alike but for their endpoints have one source: CPython
compiles it once (``compile()`` took two thirds of building 10,000 REST
rules when each had its own code), and each child is a function made from
that code with its own constants as its defaults.  A function of a kind of
its own (``match`` among them) has them as its globals instead, as a
default costs a copy at every call.
"""

from __future__ import annotations

import linecache
import types
import typing as t

from .rules import K_ANY, K_FLOAT, K_INT, K_PATH, K_REGEX, K_STRING, K_UUID, Part, Rule
from .table import is_automatic, method_map

# CPython refuses more than 100 levels of indentation; a segment takes up to 4.
_MAX_INDENT = 80
# Above this many static children, the segment is looked up in a dict first:
# its index in a binary search over the children's code, and above
# _CALL_AT, the child's function (a call costs about the binary search over
# some 30 children: the GitHub table, fan-outs 10 to 28, matched 3% slower
# with calls; at 10,000 REST rules, ~280 children, 16% faster).
_DISPATCH_AT = 6
_CALL_AT = 32

# Positions other than a segment index: after a part that takes the rest of
# the path, nothing is left (END), or, where its trailing "/" matched
# separately, one empty segment (SLASH: Werkzeug's ``remaining = [""]``).
END = -1
SLASH = -2


class State:
    """A state of Werkzeug's machine: static children by segment text,
    dynamic ones as (Part, State) in weight order, and the rules ending here."""

    __slots__ = ("static", "dynamic", "rules")

    def __init__(self) -> None:
        self.static: dict[str, State] = {}
        self.dynamic: list[tuple[Part, State]] = []
        self.rules: list[Rule] = []


def build_states(rules: t.Iterable[Rule]) -> State:
    """The machine for ``rules``, added in order (as Werkzeug's ``add``)."""
    root = State()
    for rule in rules:
        state = root
        for seg in rule.segments:
            if isinstance(seg, str):
                state = state.static.setdefault(seg, State())
                continue
            for part, child in state.dynamic:
                if part.key == seg.key:
                    state = child
                    break
            else:
                # sorted by weight; equal weights keep insertion order
                i = len(state.dynamic)
                while i and seg.weight < state.dynamic[i - 1][0].weight:
                    i -= 1
                child = State()
                state.dynamic.insert(i, (seg, child))
                state = child
        state.rules.append(rule)
    return root


class _Ref:
    """A generated function not made yet: the ``i``-th of ``_Gen.instances``."""

    __slots__ = ("i",)

    def __init__(self, i: int) -> None:
        self.i = i


class _Table(dict):
    """Segment -> ``_Ref``: a dispatch dict whose functions are not made yet."""

    __slots__ = ()


class _Shape:
    """One function's source but for its name and the values of its constants."""

    __slots__ = ("name", "vals", "consts", "body", "uses")

    def __init__(self, name: str, vals: list[str], consts: list[str], body: list[str]) -> None:
        self.name, self.vals, self.consts, self.body = name, vals, consts, body
        self.uses = 0

    def source(self) -> str:
        # PERF: a default is copied into the frame at every call, a global
        # not; a function of its own has its constants as its globals
        consts = [f"{c}=None" for c in self.consts] if self.uses > 1 else []
        return f"def {self.name}({', '.join(['parts', 'n', 'method', 'have', 'auto', *self.vals, *consts])}):\n" + "\n".join(self.body)


class _Gen:
    """Source for a tree of functions.  A function's constants are named by
    what they hold and their order in it, so subtrees alike but for their
    constants (a REST table's resources) have the same source: it is
    compiled once, and each subtree is a function made from that code with
    its own constants as its defaults (``instances``)."""

    def __init__(self, helpers: dict, rule_answers: bool) -> None:
        self.rule_answers = rule_answers  # _finish answers (rule, params): no inlined answers
        self.helpers = dict(helpers)  # the globals of the generated code
        self.shapes: dict[str, _Shape] = {}  # by the text that makes a shape: all but its name
        self.instances: list[tuple[_Shape, list]] = []  # (shape, its constants' values), callees first
        self.ids: dict[int, str] = {}
        self.names: list[tuple[str, t.Any]] = []
        self.lines: list[str] = []

    def const(self, value: t.Any, what: str) -> str:
        """The name the function being made reads ``value`` by: what it
        holds and a number (``ENDPOINT_BY_METHOD_3``), one name per object."""
        name = self.ids.get(id(value))
        if name is None:
            name = self.ids[id(value)] = f"{what}_{len(self.names)}"
            self.names.append((name, value))  # which keeps it alive while its id is a key
        return name

    def emit(self, indent: int, line: str) -> None:
        self.lines.append("    " * indent + line)

    def function(self, name: str | None, state: State, pos: int, vals: list[str]) -> _Ref:
        """A function for standing at ``state``, called with the values matched
        so far; its source is shared with the alike subtrees'."""
        outer = self.lines, self.ids, self.names
        self.lines, self.ids, self.names = [], {}, []
        self.state(state, pos, 1, vals, top=True)
        self.emit(1, "return None")
        consts = [c for c, _ in self.names]
        key = f"{vals}{consts}\n" + "\n".join(self.lines)
        shape = self.shapes.get(key)
        if shape is None:
            shape = self.shapes[key] = _Shape(name or f"_s{len(self.shapes) + 1}", vals, consts, self.lines)
        shape.uses += 1
        self.instances.append((shape, [v for _, v in self.names]))
        self.lines, self.ids, self.names = outer
        return _Ref(len(self.instances) - 1)

    def call(self, func: str, ind: int, vals: list[str]) -> None:
        """Calls the subtree function named ``func``: its answer is this one's."""
        self.emit(ind, f"r = {func}({', '.join(['parts', 'n', 'method', 'have', 'auto', *vals])})")
        self.emit(ind, "if r is not None:")
        self.emit(ind + 1, "return r")

    def state(self, state: State, pos: int, ind: int, vals: list[str], top: bool = False) -> None:
        """Code for standing at ``state`` with ``parts[pos:]`` left (or END,
        SLASH); it returns on an answer and falls through otherwise."""
        w = self.emit
        if ind > _MAX_INDENT and not top:
            self.call(self.const(self.function(None, state, pos, vals), "SUBTREE"), ind, vals)
        elif pos == END:
            self.terminal(state, ind, vals)
        elif pos == SLASH:
            # a suffixed part is the rule's last but for its "" (rules.py)
            assert not state.dynamic and not state.rules and list(state.static) == [""]
            self.state(state.static[""], END, ind, vals)
        else:
            mark = len(self.lines)
            self.terminal(state, ind + 1, vals)
            lax = [r for r in state.rules if not r.strict_slashes]
            if len(self.lines) > mark:
                self.lines.insert(mark, "    " * ind + f"if n == {pos}:")
                if state.static or state.dynamic or lax:
                    w(ind, "else:")
                    self.segment(state, pos, ind + 1, vals)
                    self.lax(lax, pos, ind + 1, vals)
            elif state.static or state.dynamic or lax:
                w(ind, f"if n > {pos}:")
                self.segment(state, pos, ind + 1, vals)
                self.lax(lax, pos, ind + 1, vals)

    def terminal(self, state: State, ind: int, vals: list[str]) -> None:
        """The segments used up: the rules here, then the slash redirect."""
        w = self.emit
        if state.rules:
            by_method, all_methods = method_map(state.rules)
            automatic = by_method
            by_method = {m: hit for m, hit in by_method.items() if not is_automatic(m, hit)}
            names = {r.names for r in state.rules}
            if not self.rule_answers and len(names) == 1 and all(r.all_ident and r.endpoint is not None for r in state.rules):
                # PERF: the answer built here, the params as a dict display
                ends = {m: hit[0].endpoint for m, hit in by_method.items()}
                params = ", ".join(f"{name!r}: {v}" for name, v in zip(names.pop(), vals))
                w(ind, f"e = {self.const(ends, 'ENDPOINT_BY_METHOD')}.get(method)")
                w(ind, "if e is not None:")
                w(ind + 1, f"return e, {{{params}}}")
            else:
                w(ind, f"hit = {self.const(by_method, 'RULE_BY_METHOD')}.get(method)")
                w(ind, "if hit is not None:")
                w(ind + 1, f"return _finish(hit, ({''.join(v + ', ' for v in vals)}), have)")
            # PERF: after the hit (a method is automatic or not: the two
            # lookups never both find it), where only a miss pays for it
            self.automatic(automatic, ind, vals)
            w(ind, f"have.append({self.const(all_methods, 'METHODS')})")
        slash = state.static.get("")
        if slash is not None and slash.rules:
            # the first rule with the method decides: strict slashes
            # redirect (automatic methods too), strict_slashes=False matches
            # here (no methods noted)
            by_method, _ = method_map(slash.rules)
            strict = frozenset(m for m, (r, _) in by_method.items() if r.strict_slashes)
            lax = {m: (r, frozenset()) for m, (r, _) in by_method.items() if not r.strict_slashes and not is_automatic(m, (r, _))}
            if strict:
                w(ind, f"if method in {self.const(strict, 'SLASH_METHODS')}:")
                w(ind + 1, "raise _SlashRequired")
            if lax:
                w(ind, f"hit = {self.const(lax, 'LAX_RULE_BY_METHOD')}.get(method)")
                w(ind, "if hit is not None:")
                w(ind + 1, f"return _finish(hit, ({''.join(v + ', ' for v in vals)}), have)")

    def automatic(self, by_method: dict[str, tuple[Rule, frozenset]], ind: int, vals: list[str]) -> None:
        """The first rule passed whose method is automatic, noted in ``auto``
        (``MethodNotAllowed.automatic_match``), unless one was already."""
        automatic = {m: hit for m, hit in by_method.items() if is_automatic(m, hit)}
        if automatic:
            self.emit(ind, f"if not auto and method in {self.const(automatic, 'AUTOMATIC_RULE_BY_METHOD')}:")
            self.emit(ind + 1, f"auto.append(({self.const(automatic, 'AUTOMATIC_RULE_BY_METHOD')}[method], ({''.join(v + ', ' for v in vals)})))")

    def lax(self, rules: list[Rule], pos: int, ind: int, vals: list[str]) -> None:
        """Werkzeug's last resort where only a trailing slash is left: the
        rules here with strict_slashes=False."""
        if not rules:
            return
        w = self.emit
        by_method, all_methods = method_map(rules)
        w(ind, f"if n == {pos + 1} and not parts[{pos}]:")
        hits = {m: hit for m, hit in by_method.items() if not is_automatic(m, hit)}
        w(ind + 1, f"hit = {self.const(hits, 'LAX_RULE_BY_METHOD')}.get(method)")
        w(ind + 1, "if hit is not None:")
        w(ind + 2, f"return _finish(hit, ({''.join(v + ', ' for v in vals)}), have)")
        self.automatic(by_method, ind + 1, vals)
        w(ind + 1, f"have.append({self.const(all_methods, 'METHODS')})")

    def segment(self, state: State, pos: int, ind: int, vals: list[str]) -> None:
        """Segments left: the static child for this one, then the dynamic parts."""
        s = f"s{pos}"
        self.emit(ind, f"{s} = parts[{pos}]")
        kids = sorted(state.static.items())
        if len(kids) > _CALL_AT:
            # PERF: one dict lookup for the child, whose subtree is a function
            # (of a source shared with the alike children's: less to compile)
            table = _Table({seg: self.function(None, child, pos + 1, vals) for seg, child in kids})
            self.emit(ind, f"f = {self.const(table, 'SUBTREE_BY_SEGMENT')}.get({s})")
            self.emit(ind, "if f is not None:")
            self.call("f", ind + 1, vals)
        elif len(kids) > _DISPATCH_AT:
            # PERF: one dict lookup and a binary search on small ints, not a
            # chain of string comparisons
            k = f"k{pos}"
            index = {seg: i for i, (seg, _) in enumerate(kids)}
            self.emit(ind, f"{k} = {self.const(index, 'SEGMENT_INDEX')}.get({s}, -1)")
            self.dispatch(k, list(enumerate(kids)), pos, ind, vals)
        else:
            for i, (seg, child) in enumerate(kids):
                self.emit(ind, f"{'if' if i == 0 else 'elif'} {s} == {seg!r}:")
                self.state(child, pos + 1, ind + 1, vals)
        for part, child in state.dynamic:
            self.dynamic(part, child, s, pos, ind, vals)

    def dispatch(self, k: str, kids: list[tuple[int, tuple[str, State]]], pos: int, ind: int, vals: list[str]) -> None:
        if len(kids) <= 3:
            for j, (i, (_, child)) in enumerate(kids):
                self.emit(ind, f"{'if' if j == 0 else 'elif'} {k} == {i}:")
                self.state(child, pos + 1, ind + 1, vals)
            return
        half = len(kids) // 2
        self.emit(ind, f"if {k} < {kids[half][0]}:")
        self.dispatch(k, kids[:half], pos, ind + 1, vals)
        self.emit(ind, "else:")
        self.dispatch(k, kids[half:], pos, ind + 1, vals)

    def dynamic(self, part: Part, child: State, s: str, pos: int, ind: int, vals: list[str]) -> None:
        w = self.emit
        kind = part.kind
        if kind == K_PATH:
            # [^/].*? over the rest: a first segment that is not empty, no
            # newline after the first character
            r = f"r{pos}"
            w(ind, f"if {s}:")
            w(ind + 1, f"{r} = {s} if n == {pos + 1} else '/'.join(parts[{pos}:])")
            w(ind + 1, f"if {r}.find('\\n', 1) < 0:")
            self.state(child, END, ind + 2, vals + [r])
        elif kind == K_REGEX:
            m = f"m{pos}"
            target = s
            if part.final:
                target = f"r{pos}"
                w(ind, f"{target} = '/'.join(parts[{pos}:])")
            w(ind, f"{m} = {self.const(part.regex, 'REGEX')}.match({target})")
            w(ind, f"if {m} is not None:")
            assert part.regex is not None
            groups = [part.regex.groupindex[f"__werkzeug_{i}"] for i in range(part.nconv)]
            new_vals = vals + [f"g{pos}_{i}" for i in range(len(groups))]
            for name, g in zip(new_vals[len(vals):], groups):
                w(ind + 1, f"{name} = {m}.group({g})")
            if not part.final:
                self.state(child, pos + 1, ind + 1, new_vals)
            elif part.suffixed:
                w(ind + 1, f"if {m}.group({part.regex.groups}) == '/':")
                self.state(child, SLASH, ind + 2, new_vals)
                w(ind + 1, "else:")
                self.state(child, END, ind + 2, new_vals)
            else:
                self.state(child, END, ind + 1, new_vals)
        else:
            if kind == K_STRING:
                if part.lo == 1 and part.hi < 0:
                    test = s
                elif part.hi < 0:
                    test = f"len({s}) >= {part.lo}"
                else:
                    test = f"{part.lo} <= len({s}) <= {part.hi}"
            elif kind == K_INT:
                test = f"({s}[1:] if {s}[:1] == '-' else {s}).isdecimal()" if part.signed else f"{s}.isdecimal()"
            elif kind == K_ANY:
                test = f"{s} in {self.const(part.items, 'ANY_OF')}"
            elif kind == K_FLOAT:
                test = f"_check_float({s}, {part.signed})"
            else:
                assert kind == K_UUID
                test = f"_check_uuid({s})"
            w(ind, f"if {test}:")
            self.state(child, pos + 1, ind + 1, vals + [s])


def compile_rules(rules: t.Iterable[Rule], slash_required: type, helpers: dict, rule_answers: bool = False, filename: str = "<fastdispatch routes>") -> t.Callable:
    """``match(parts, n, method, have, auto) -> (endpoint, params) | None |
    False`` for ``parts = path.split("/")`` of a path starting with "/" (or
    empty): None where no rule matches, False where a converter refused a
    value (the search is over); the methods of rules passed over are
    appended to the list ``have``, and the first rule passed whose method is
    automatic to ``auto``, as ``((rule, before), values)``.  Raises ``slash_required`` where Werkzeug redirects to
    the trailing slash.  With ``rule_answers``, every answer is what
    ``helpers["_finish"]`` makes of the rule found (none inlined).

    The source is registered with ``linecache`` under ``filename``, so
    tracebacks and pdb show its lines; ``match.source`` holds it too."""
    root = build_states(rules)
    # every rule starts with "/": its first segment is the "" before it
    assert not root.dynamic and set(root.static) <= {""}
    gen = _Gen({"_SlashRequired": slash_required, **helpers}, rule_answers)
    gen.function("match", root.static.get("", State()), 1, [])
    source = "\n\n".join(shape.source() for shape in reversed(gen.shapes.values())) + "\n"
    namespace = dict(gen.helpers)
    exec(compile(source, filename, "exec"), namespace)
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    funcs: list[t.Callable] = []

    def made(value: t.Any) -> t.Any:
        if type(value) is _Ref:
            return funcs[value.i]
        if type(value) is _Table:
            return {seg: funcs[ref.i] for seg, ref in value.items()}
        return value

    for shape, values in gen.instances:  # callees first: their functions are made
        code = namespace[shape.name].__code__
        if shape.uses > 1:
            funcs.append(types.FunctionType(code, namespace, shape.name, tuple(map(made, values))))
        else:
            # its constants and the helpers: not the other shapes (which would
            # make this quadratic in them)
            own = {"__builtins__": namespace["__builtins__"], **gen.helpers, **dict(zip(shape.consts, map(made, values)))}
            funcs.append(types.FunctionType(code, own, shape.name))
    match = funcs[-1]
    match.source = source
    return match
