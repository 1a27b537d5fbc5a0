"""The pure-Python router: the twin of ``src/_router.pyx``
(``fastdispatch.routing._router``).

The compiled twin walks a radix tree; an interpreter pays per node visited,
so this twin runs the rules compiled into Python source instead
(``_codegen``: Werkzeug's state machine unrolled into ``if``s), with a
dict of the static rules in front.  ``PythonRouter`` reads against
``CompiledRouter`` method by method, and ``_finish``/``_convert`` against
the compiled ``_convert``; the compiled search itself has its Python twin
in ``tests/reference_walk.py``, the reference both routers are tested
against.  The semantics are Werkzeug's (``werkzeug/routing/matcher.py``):
at each segment start, the static child first, then the dynamic parts in
weight order, backtracking depth-first; the path plus "/" redirects where
only that has the method; converters' ``to_python`` runs on the rule found
(Werkzeug's quirk: a value refused then is a 404, not a try of the next
rule).
"""

from __future__ import annotations

import linecache
import re
import typing as t
import weakref

from ._codegen import compile_rules
from .adapter import MapAdapter, bind, bind_to_environ
from .exceptions import MethodNotAllowed, NotFound, RequestRedirect
from .rules import C_IDENT, C_INT, Rule
from .table import RuleInfo, RuleTable, is_automatic, method_map

__all__ = ["PythonRouter"]

_UUID_DASHES = (8, 13, 18, 23)
_SLASHES = re.compile("/{2,}")
_HEX = frozenset("0123456789abcdefABCDEF")


class _SlashRequired(Exception):
    """Raised by the generated code where Werkzeug redirects to the path plus "/"."""


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


class PythonRouter:
    """Werkzeug-compatible router in pure Python (see the module docstring)."""

    __slots__ = ("_table", "_static", "_static_rules", "_matcher", "_has_defaults", "merge_slashes", "__weakref__")

    def __init__(self, merge_slashes: bool = False) -> None:
        #: as Werkzeug's Map(merge_slashes=...): rules are read with repeated
        #: slashes merged, and a path that matches only once its slashes are
        #: merged is redirected there (Flask's Map does this; the router's
        #: default is the issue's Map(merge_slashes=False))
        self.merge_slashes = merge_slashes
        self._table = RuleTable(self, merge_slashes)
        # the rules without dynamic parts by their path: method -> (rule, before)
        self._static: dict[str, dict[str, tuple[Rule, frozenset]]] = {}
        self._static_rules: dict[str, list[Rule]] = {}
        self._matcher: t.Callable | None = None  # the tree compiled, made on first match
        self._has_defaults = False  # a rule has defaults: a match may redirect to it

    @property
    def converters(self) -> dict[str, t.Any]:
        """The converter classes rule syntax names (``int``, ``path``, ...),
        Werkzeug's ``Map.converters``: add a class here before adding the
        rules that name it."""
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
        """Register ``rule`` (Werkzeug's rule syntax) for ``endpoint`` and
        ``methods``; ``automatic``: methods answered for the rule without a
        view of their own (OPTIONS), ``defaults`` and ``strict_slashes`` as
        Werkzeug's ``Rule``.  A malformed or duplicated rule raises here,
        naming the rule."""
        r = self._table.parse(rule, endpoint, methods, automatic, defaults, strict_slashes)
        pieces = r.pieces
        text = pieces[0]  # the rule as read (slashes merged if merging)
        if len(pieces) == 1 and text[1:2] != "/":  # "//x" paths become "/x" first
            rules = self._static_rules.setdefault(text, [])
            rules.append(r)
            self._static[text] = {m: hit for m, hit in method_map(rules)[0].items() if not is_automatic(m, hit)}
        self._has_defaults = self._table.has_defaults
        self._matcher = None

    def _compile(self) -> t.Callable:
        helpers = {"_check_float": _check_float, "_check_uuid": _check_uuid, "_finish": _finish_rule if self._has_defaults else _finish}
        filename = f"<fastdispatch routes of router {id(self):#x}>"
        first = filename not in linecache.cache
        self._matcher = compile_rules(self._table.rules, _SlashRequired, helpers, self._has_defaults, filename)
        if first:
            weakref.finalize(self, linecache.cache.pop, filename, None)  # the source goes with the router
        return self._matcher

    @property
    def source(self) -> str:
        """The Python source the rules are compiled into (what ``match``
        runs after its static shortcut): ``print(router.source)``."""
        return (self._matcher or self._compile()).source  # type: ignore[attr-defined,no-any-return]

    def match(self, method: str, path: str) -> tuple[t.Any, dict[str, t.Any]]:
        """``(endpoint, values)`` for ``method`` and ``path``, the values
        converted; ``NotFound``, ``MethodNotAllowed`` (with
        ``valid_methods``) or ``RequestRedirect`` (308) otherwise, as
        Werkzeug's ``MapAdapter.match``."""
        # PERF: a static rule allowing the method is what the search would
        # find first; one dict lookup settles it (a third of the generated
        # code's time for such paths; the compiled twin walks its tree as fast).
        by_method = self._static.get(path)
        if by_method is not None:
            hit = by_method.get(method)
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
        auto: list[tuple[tuple[Rule, frozenset], tuple]] = []  # the first automatic one
        matcher = self._matcher or self._compile()
        try:
            found = matcher(parts, n, method, have, auto)
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
                found = matcher(parts, len(parts), method, have, [])  # its values are of the other path
            except _SlashRequired:
                raise RequestRedirect(merged + "/") from None
            if found is not None:
                raise RequestRedirect(merged)
        allowed = set().union(*have)
        if not allowed:
            raise NotFound(path)
        e = MethodNotAllowed(allowed, method, path)
        if auto:
            (rule, _), values = auto[0]
            params = _convert(rule, values)
            if params is None:
                raise NotFound(path)  # a converter refused: Werkzeug's 404
            if rule.defaults:
                params.update(rule.defaults)
            e.automatic_match = (rule.endpoint, params)
        raise e

    def build(self, endpoint: t.Any, values: t.Mapping[str, t.Any] | None = None, method: str | None = None) -> str:
        """The path of ``endpoint`` with ``values`` (those no rule takes
        become the query string); ``BuildError`` where no rule builds."""
        return self._table.build(endpoint, values, method)

    def is_endpoint_expecting(self, endpoint: t.Any, *arguments: str) -> bool:
        """Whether a rule of ``endpoint`` takes all of ``arguments``
        (Werkzeug's ``Map.is_endpoint_expecting``)."""
        return self._table.is_endpoint_expecting(endpoint, *arguments)

    def iter_rules(self, endpoint: t.Any = None) -> t.Iterator[Rule]:
        """The ``Rule`` objects, only ``endpoint``'s where given, as
        Werkzeug's ``Map.iter_rules``."""
        return self._table.iter_rules(endpoint)

    def bind(self, server_name: str, *args: t.Any, **kwargs: t.Any) -> MapAdapter:
        """Werkzeug's ``Map.bind``: a ``MapAdapter`` (``routing.adapter``)."""
        return bind(self, server_name, *args, **kwargs)

    def bind_to_environ(self, environ: dict[str, t.Any], server_name: str | None = None, subdomain: str | None = None) -> MapAdapter:
        """Werkzeug's ``Map.bind_to_environ``: a ``MapAdapter`` for the request."""
        return bind_to_environ(self, environ, server_name, subdomain)

    def __iter__(self) -> t.Iterator[RuleInfo]:
        return iter(self._table)

    def __len__(self) -> int:
        return len(self._table)

    def __repr__(self) -> str:
        return f"<PythonRouter with {len(self._table)} rules>"


def _finish(hit: tuple[Rule, frozenset], values: tuple, have: list) -> tuple[t.Any, dict[str, t.Any]] | bool:
    """The answer for the rule found, or False where a converter refuses."""
    rule, before = hit
    params = _convert(rule, values)
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
    """The params dict, or None where a converter refuses its value."""
    if rule.all_ident:
        return dict(zip(rule.names, values))
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
