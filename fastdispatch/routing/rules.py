"""Rule parsing: a Werkzeug rule string becomes the pieces a tree stores.

A rule such as ``/repos/<owner>/<repo>/issues/<int:n>`` becomes alternating
static text and dynamic parts: ``"/repos/", <owner>, "/", <repo>,
"/issues/", <int:n>``.  A dynamic ``Part`` is what Werkzeug's ``RulePart`` is
for a non-static segment: its regex ``content`` (built exactly as Werkzeug
builds it: it is the merge key, and the spec for the regex fallback), whether
it is ``final`` (a converter that spans slashes: it consumes the rest of the
path), and its ``weight`` (the order in which a tree state tries its dynamic
parts).  ``fast_kind`` recognises the built-in converters so the trees can
check them without a regular expression.
"""

from __future__ import annotations

import re
import sys
import typing as t
from urllib.parse import quote, quote_plus

from .converters import DEFAULT_CONVERTERS, AnyConverter, BaseConverter, NumberConverter, ValidationError

__all__ = ["Part", "Rule", "parse_rule", "K_STRING", "K_INT", "K_FLOAT", "K_UUID", "K_ANY", "K_PATH", "K_REGEX"]

# Kinds of dynamic part: how a tree checks a segment (or, for K_PATH and a
# final K_REGEX, the rest of the path).
K_STRING = 1  # [^/]{lo,hi}: length check only
K_INT = 2  # \d+ or -?\d+
K_FLOAT = 3  # \d+\.\d+ or -?\d+\.\d+
K_UUID = 4  # 8-4-4-4-12 hex digits
K_ANY = 5  # one of a set of strings
K_PATH = 6  # [^/].*? to the end of the path
K_REGEX = 7  # anything else: Werkzeug's regex, run by `re`

# How a leaf turns a matched string into the value handed to the view.
C_IDENT = 0  # to_python is the identity
C_INT = 1  # Werkzeug's NumberConverter.to_python with int
C_CALL = 2  # call the converter's to_python; ValueError means "no match"

_part_re = re.compile(
    r"""
    (?:
        (?P<slash>/)
      |
        (?P<static>[^</]+)
      |
        (?:
          <
            (?:
              (?P<converter>[a-zA-Z_][a-zA-Z0-9_]*)
              (?:\((?P<arguments>.*?)\))?
              :
            )?
            (?P<variable>[a-zA-Z_][a-zA-Z0-9_]*)
           >
        )
    )
    """,
    re.VERBOSE,
)

_converter_args_re = re.compile(
    r"""
    \s*
    ((?P<name>\w+)\s*=\s*)?
    (?P<value>
        True|False|
        \d+.\d+|
        \d+.|
        \d+|
        [\w\d_.]+|
        [urUR]?(?P<stringval>"[^"]*?"|'[^']*')
    )\s*,
    """,
    re.VERBOSE,
)

_STRING_RE = re.compile(r"\[\^/\](?:\+|\{(\d+)\}|\{(\d+),(\d*)\})\Z")
_UUID_REGEX = (
    r"[A-Fa-f0-9]{8}-[A-Fa-f0-9]{4}-"
    r"[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{12}"
)


# PERF: equal frozensets (a rule's methods, its arguments, the methods a
# leaf passed over) shared: thousands of rules have a handful of distinct
# ones, and one object each is less to allocate and for the GC to traverse
_FROZENSETS: dict[frozenset, frozenset] = {}
_NO_ITEMS: frozenset = frozenset()
# converters that hold nothing but their arguments: made once per table for
# equal ones, and what a rule may share with another of equal text
_BUILT_IN = frozenset(DEFAULT_CONVERTERS.values())


def shared(fs: frozenset) -> frozenset:
    """The one frozenset equal to ``fs`` that rules and leaves hold."""
    return _FROZENSETS.setdefault(fs, fs)


def parse_converter_args(argstr: str) -> tuple[tuple[t.Any, ...], dict[str, t.Any]]:
    argstr += ","
    args: list[t.Any] = []
    kwargs: dict[str, t.Any] = {}
    position = 0
    for item in _converter_args_re.finditer(argstr):
        if item.start() != position:
            raise ValueError(f"cannot parse converter argument {argstr[position : item.start()]!r}")
        value = item.group("stringval")
        if value is None:
            value = item.group("value")
        value = _pythonize(value)
        if not item.group("name"):
            args.append(value)
        else:
            kwargs[item.group("name")] = value
        position = item.end()
    if argstr[position:-1].strip():
        raise ValueError(f"cannot parse converter argument {argstr[position:-1]!r}")
    return tuple(args), kwargs


def _pythonize(value: str) -> t.Any:
    constants = {"None": None, "True": True, "False": False}
    if value in constants:
        return constants[value]
    for convert in int, float:
        try:
            return convert(value)
        except ValueError:
            pass
    if value[:1] == value[-1:] and value[0] in "\"'":
        value = value[1:-1]
    return str(value)


class Part:
    """A dynamic part: one segment with converters in it, or (``final``) the
    rest of the path.  Two rules' parts with equal ``key`` share one tree
    edge, as Werkzeug's states share equal RuleParts."""

    __slots__ = ("content", "final", "suffixed", "weight", "key", "nconv", "kind", "lo", "hi", "signed", "items", "regex")

    def __init__(self, content: str, final: bool, suffixed: bool, weight: tuple, convs: list) -> None:
        self.content = content
        self.final = final
        self.suffixed = suffixed
        self.weight = weight
        self.key = (content, final, suffixed, weight)
        self.nconv = len(convs)
        self.kind = K_REGEX
        self.lo, self.hi, self.signed, self.items = 0, -1, False, _NO_ITEMS
        self.regex: t.Pattern[str] | None = None
        if len(convs) == 1 and not suffixed:
            self._fast_kind(convs[0])
        if self.kind == K_REGEX:
            self.regex = re.compile(content)

    def _fast_kind(self, conv: t.Any) -> None:
        regex = conv.regex
        if self.final:
            if regex == "[^/].*?" and self.content == "(?P<__werkzeug_0>[^/].*?)\\Z":
                self.kind = K_PATH
            return
        if self.content != f"(?P<__werkzeug_0>{regex})\\Z":
            return  # static text around the converter: the regex decides
        m = _STRING_RE.match(regex)
        if m is not None:
            self.kind = K_STRING
            if m.group(1) is not None:
                self.lo = self.hi = int(m.group(1))
            elif m.group(2) is not None:
                self.lo = int(m.group(2))
                self.hi = int(m.group(3)) if m.group(3) else -1
            else:
                self.lo = 1
        elif regex in (r"\d+", r"-?\d+"):
            self.kind, self.signed = K_INT, regex[0] == "-"
        elif regex in (r"\d+\.\d+", r"-?\d+\.\d+"):
            self.kind, self.signed = K_FLOAT, regex[0] == "-"
        elif regex == _UUID_REGEX:
            self.kind = K_UUID
        elif type(conv).__init__ is AnyConverter.__init__:
            self.kind, self.items = K_ANY, frozenset(conv.items)

    def __repr__(self) -> str:
        return f"Part({self.content!r}, final={self.final})"


class Rule:
    """One registered rule: what the trees store at a leaf, and its builder.
    What extensions read of Werkzeug's ``Rule`` (``rule``, ``endpoint``,
    ``methods``, ``arguments``, ``defaults``, ``strict_slashes``) is here
    by those names; the router matches paths only, so the host, subdomain
    and redirect of Werkzeug's are always none ("" for the subdomain, as
    a rule's of a Map without subdomains)."""

    subdomain = ""
    host = redirect_to = None
    websocket = False

    # PERF: what the rule's text makes (segments, shape, names, conv_kinds,
    # all_ident) is shared by rules of equal text, and what only
    # registration and building read (pieces, converters, the build ops) is
    # worked out from it when read (issue 15: bytes per rule)
    __slots__ = ("rule", "endpoint", "methods", "defaults", "strict_slashes", "explicit", "segments", "names", "conv_kinds", "all_ident", "arguments", "shape", "_plan")

    def __init__(
        self,
        rule: str,
        endpoint: t.Any,
        methods: frozenset,
        converters: t.Mapping[str, t.Any],
        router: t.Any,
        merge_slashes: bool = False,
        defaults: t.Mapping[str, t.Any] | None = None,
        strict_slashes: bool = True,
        explicit: frozenset | None = None,
        part_cache: dict | None = None,
    ) -> None:
        self.rule = rule
        self.endpoint = endpoint
        self.methods = methods
        #: Werkzeug's Rule(defaults=...): added to the values matched, and
        #: what makes this rule the one built (and redirected to) for them
        self.defaults: dict[str, t.Any] | None = dict(defaults) if defaults else None
        #: Werkzeug's: False lets "/a/" match "/a" and "/a" match "/a/"
        #: instead of the 308 to or the 404 without the slash
        self.strict_slashes = bool(strict_slashes)
        #: the methods a duplicate check compares: all but the automatic ones
        self.explicit = methods if explicit is None else explicit
        self._plan: tuple[t.Any, ...] | None = None  # made by the first build
        cache = {} if part_cache is None else part_cache
        # PERF: a path registered once per method (a REST table's GET, PUT
        # and DELETE of an item) is parsed once: what parsing makes depends
        # only on the text and the converters, never changes, and is shared
        # by the rules of equal text, where their converters are built-in
        # ones (a custom converter is made for each rule, as Werkzeug does,
        # whatever its __init__ does) (issue 15: bytes and µs per rule)
        # (keyed by the text itself: a table's merge_slashes never changes,
        # and the other str keys, static text, have no "/")
        parsed = cache.get(rule) if isinstance(rule, str) else None
        if parsed is None or any(converters.get(name) is not cls for name, cls in parsed[0]):
            parsed = self._parse(converters, router, merge_slashes, cache)
            if parsed[0] is not None:
                cache[rule] = parsed
        _, self.segments, self.shape, self.names, self.conv_kinds, self.all_ident = parsed
        self.arguments = shared(frozenset(self.names) | frozenset(map(str, self.defaults or ())))
        for name, value in (self.defaults or {}).items():
            if name in self.converters:
                # Werkzeug folds such a default into the rule's text when it
                # compiles the builder: a value the converter cannot write
                # is refused here, at registration, as there
                try:
                    self.converters[name].to_url(value)
                except (ValueError, TypeError) as e:
                    raise self._error(f"the default {name}={value!r} does not fit its converter: {e}") from None

    @property
    def pieces(self) -> tuple[t.Any, ...]:
        """The tree pieces (``_pieces``) a router inserts the rule as."""
        return _pieces(self.segments)

    @property
    def converters(self) -> dict[str, t.Any]:
        """name -> converter, in path order."""
        return {name: kind[1] for name, kind in zip(self.names, self.conv_kinds)}

    @property
    def _build_ops(self) -> tuple[t.Any, ...]:
        """``(dynamic, text or name)`` per piece of the rule's text, in order."""
        names = iter(self.names)
        return tuple((False, x) if type(x) is str else (True, next(names)) for x in self.shape)

    def _error(self, why: str) -> ValueError:
        return ValueError(f"invalid URL rule {self.rule!r}: {why}")

    def _parse(self, converters: t.Mapping[str, t.Any], router: t.Any, merge_slashes: bool, cache: dict) -> tuple:
        """(the (name, class) of each converter, or None where one is not
        built-in; segments, shape, names, conv_kinds, all_ident): what the
        rule's text makes, for ``__init__``.  Equal objects that rules of
        other text have too (a name tuple, a converter's entries, text) are
        shared through ``cache``."""
        rule = self.rule
        if not isinstance(rule, str) or not rule.startswith("/"):
            raise ValueError(f"URL rule {rule!r} must be a string starting with a slash")
        if merge_slashes:
            rule = re.sub("/{2,}", "/", rule)  # as Werkzeug's Rule.compile
        try:
            rule.encode("utf-8")
        except UnicodeEncodeError as e:  # a lone surrogate: no URL can be built from it
            raise self._error(f"not encodable as UTF-8 ({e.reason} at position {e.start})") from None
        parts: list[t.Any] = [""]  # the empty segment before the leading slash
        content, static, final, nconv = "", True, False, 0
        static_weights: list[tuple[int, int]] = []
        argument_weights: list[t.Any] = []
        convs: list[t.Any] = []
        shape: list[t.Any] = []
        by_name: dict[str, t.Any] = {}
        kinds: list[tuple] = []
        classes: list[tuple] | None = []
        pos = 1
        while pos < len(rule):
            match = _part_re.match(rule, pos)
            if match is None:
                raise self._error(f"malformed at position {pos} ({rule[pos:pos + 20]!r}); a '<' must open <converter(args):name>")
            data = match.groupdict()
            text = data["static"]
            if text is not None:
                # PERF: one str for equal text ("api", a resource's name) across the table
                text = _same(cache, text)
                static_weights.append((len(static_weights), -len(text)))
                shape.append(text)
                content += text if static else re.escape(text)
            if data["variable"] is not None:
                if static:
                    content = re.escape(content)
                static = False
                cname = data["converter"] or "default"
                conv, entry, kind = self._make_converter(cname, data["arguments"], match.group(0), converters, router, cache)
                shape.append(entry)
                name = data["variable"]
                if name in by_name:
                    raise self._error(f"duplicate parameter name {name!r}")
                by_name[name] = conv
                kinds.append(kind)
                if type(conv) not in _BUILT_IN:
                    classes = None
                elif classes is not None:
                    classes.append((cname, converters[cname]))
                convs.append(conv)
                if not conv.part_isolating:
                    final = True
                content += f"(?P<__werkzeug_{nconv}>{conv.regex})"
                nconv += 1
                argument_weights.append(conv.weight)
            if data["slash"] is not None:
                shape.append("/")
                if final:
                    content += "/"
                else:
                    if not static:
                        content += r"\Z"
                    parts.append(content if static else _part(cache, content, False, False, _weight(static_weights, argument_weights), convs))
                    content, static, nconv = "", True, 0
                    static_weights, argument_weights, convs = [], [], []
            pos = match.end()
        suffixed = False
        if final and content.endswith("/"):
            suffixed = True
            content = content[:-1] + "(?<!/)(/?)"
        if not static:
            content += r"\Z"
        parts.append(content if static else _part(cache, content, final, suffixed, _weight(static_weights, argument_weights), convs))
        if suffixed:
            parts.append("")
        # Werkzeug's RuleParts: the path as path.split("/") cuts it (the
        # leading "" included), a static segment as its text, the rest as Parts
        # PERF: names interned, as the names of a view's parameters are:
        # CPython matches the params dict's keys to them by identity (the
        # view call with **params compares each key's text otherwise)
        kinds_ = tuple(kinds)
        return (
            None if classes is None else _same(cache, tuple(classes)), tuple(parts), tuple(shape),
            _same(cache, tuple(sys.intern(name) for name in by_name)), _same(cache, kinds_), all(k[0] == C_IDENT for k in kinds_),
        )

    def _make_converter(self, cname: str, argstr: str | None, token: str, converters: t.Mapping[str, t.Any], router: t.Any, cache: dict) -> tuple:
        """(the converter, its entry in ``shape``, its ``conv_kinds`` entry)."""
        try:
            cls = converters[cname]
        except KeyError:
            raise self._error(f"unknown converter {cname!r} (known: {', '.join(sorted(converters))})") from None
        # PERF: a built-in converter is made once per table for equal
        # arguments (the REST table's thousands of <id>): it holds nothing
        # but them and the router
        key = ("converter", cls, argstr)
        made = cache.get(key) if cls in _BUILT_IN else None
        if made is not None:
            return made
        try:
            args, kwargs = parse_converter_args(argstr or "")
            conv = cls(router, *args, **kwargs)
            re.compile(conv.regex)
        except (ValueError, TypeError, re.error) as e:
            raise self._error(f"bad arguments for converter {cname!r} in {token}: {e}") from None
        for attr in ("regex", "to_python", "to_url", "part_isolating", "weight"):
            if not hasattr(conv, attr):
                raise self._error(f"converter {cname!r} has no {attr!r}")
        # (kind, converter, fixed_digits, min, max): how a leaf converts the value
        made = (conv, (type(conv), conv.regex, argstr or ""), _conv_kind(conv))
        if type(conv) in _BUILT_IN:
            cache[key] = made
        return made

    def build(self, values: t.Mapping[str, t.Any]) -> str | None:
        """The URL for ``values`` (all of ``arguments`` present), the unused
        values as a query string; None where a converter refuses a value."""
        plan = self._plan if self._plan is not None else self._make_plan()
        try:
            path = "".join([step if type(step) is str else step[0](values[step[1]]) for step in plan])
        except ValidationError:
            # only "this rule does not fit": any other error of a converter
            # (AnyConverter's "'x' is not one of ...", int("abc")) reaches
            # the caller, as from Werkzeug's builder
            return None
        path = "/" + path.lstrip("/")
        if values.keys() <= self.arguments:
            return path
        extra = [(k, v) for k, v in values.items() if k not in self.arguments]
        if extra:
            query = _urlencode(extra)
            if query:  # values that were all None or empty lists add no "?"
                path += "?" + query
        return path

    def _make_plan(self) -> tuple[t.Any, ...]:
        """What ``build`` joins: the static text quoted once, with the
        values that are defaults of this rule written in (as Werkzeug's
        compiled builder folds them), runs of it merged; between, a
        ``(to_url, name)`` per value.  Made on the first build, so that a
        table that is never built from costs nothing more to make."""
        defaults = self.defaults or {}
        plan: list[t.Any] = []
        for dynamic, data in self._build_ops:
            if dynamic and data not in defaults:
                plan.append((self.converters[data].to_url, data))
                continue
            # PERF: quoted here, not on every url_for
            text = self.converters[data].to_url(defaults[data]) if dynamic else quote(data, safe="!$&'()*+,/:;=@")
            if plan and type(plan[-1]) is str:
                plan[-1] += text
            else:
                plan.append(text)
        self._plan = tuple(plan)
        return self._plan

    def suitable_for(self, values: t.Mapping[str, t.Any], method: str | None = None) -> bool:
        """Werkzeug's: the method allowed, every argument given or defaulted,
        and no value given that differs from this rule's default."""
        if method is not None and method not in self.methods:
            return False
        defaults = self.defaults
        if not defaults:  # (nearly every rule: one set comparison, in C)
            return self.arguments <= values.keys()
        if any(key not in defaults and key not in values for key in self.arguments):
            return False
        return all(key not in values or values[key] == value for key, value in defaults.items())

    def provides_defaults_for(self, rule: Rule) -> bool:
        """Werkzeug's: another rule of the same endpoint and arguments,
        with defaults (a match of ``rule`` with exactly these values
        redirects to this one)."""
        return bool(self.defaults) and self.endpoint == rule.endpoint and self._build_ops != rule._build_ops and self.arguments == rule.arguments

    def __str__(self) -> str:
        # Werkzeug's: code that lists routes formats a rule as its string
        # (Flask-Limiter's CLI, ``f"{endpoint}: {rule}"``)
        return self.rule

    def __repr__(self) -> str:
        return f"<Rule {self.rule!r} ({', '.join(sorted(self.methods))}) -> {self.endpoint!r}>"


def _part(cache: dict, content: str, final: bool, suffixed: bool, weight: tuple, convs: list) -> Part:
    """A ``Part``, the one already made for an equal segment where there is
    one: a Part is never changed once made, and what it reads of its
    converters is in the key (an ``any`` converter's items are not: those
    Parts are not shared)."""
    if any(type(c).__init__ is AnyConverter.__init__ for c in convs):
        return Part(content, final, suffixed, weight, convs)
    # PERF: REST tables repeat "<id>" thousands of times; one Part (and one
    # regex compile, where one is needed) for all of them
    key = (content, final, suffixed, weight, len(convs))
    part = cache.get(key)
    if part is None:
        part = cache[key] = Part(content, final, suffixed, weight, convs)
    return part


def _same(cache: dict, value: t.Any) -> t.Any:
    """The one object equal to ``value`` the rules of a table share.  What
    is shared here is a str or a tuple of strs or of tuples, which never
    equals one of the cache's other keys: a rule's text starts with "/",
    a static segment's text never has one; ``("converter", class, args)``
    and a Part's ``(content, bool, ...)`` hold a class or a bool where a
    tuple of names holds a str, and start with a str where the others
    start with a tuple."""
    return cache.setdefault(value, value)


def _weight(static_weights: list, argument_weights: list) -> tuple:
    return (-len(static_weights), tuple(static_weights), -len(argument_weights), tuple(argument_weights))


def _pieces(parts: t.Sequence[t.Any]) -> tuple[t.Any, ...]:
    """Werkzeug's segment list as tree pieces: static segments joined with
    their slashes into one string, dynamic parts between them."""
    pieces: list[t.Any] = []
    text = ""
    for i, part in enumerate(parts):
        if i:
            text += "/"
        if isinstance(part, str):
            text += part
        else:
            pieces.append(text)
            pieces.append(part)
            text = ""
    if text:
        pieces.append(text)
    return tuple(pieces)


def _conv_kind(conv: t.Any) -> tuple:
    cls = type(conv)
    if getattr(cls, "to_python", None) is BaseConverter.to_python:
        return (C_IDENT, conv, 0, None, None)
    if getattr(cls, "to_python", None) is NumberConverter.to_python and getattr(cls, "num_convert", None) is int:
        return (C_INT, conv, conv.fixed_digits, conv.min, conv.max)
    return (C_CALL, conv, 0, None, None)


_QUERY_SAFE = "!$'()*,/:;?@"
# what quote_plus(..., safe=_QUERY_SAFE) leaves unchanged
_NOTHING_TO_QUOTE_PLUS = re.compile(r"[A-Za-z0-9_.\-~" + re.escape(_QUERY_SAFE) + "]*").fullmatch


def _urlencode(items: list[tuple[str, t.Any]]) -> str:
    """urlencode's query (Werkzeug's safe characters), a list's values one
    pair each, None dropped."""
    flat = []
    for key, value in items:
        if isinstance(value, (list, tuple, set)):
            flat.extend((key, v) for v in value if v is not None)
        elif value is not None:
            flat.append((key, value))
    out = []
    for key, value in flat:
        if type(value) is bytes or type(key) is bytes:  # urlencode quotes bytes as they are
            from urllib.parse import urlencode

            return urlencode(flat, safe=_QUERY_SAFE)
        key, value = str(key), str(value)
        # PERF: as urlencode writes each, with quote_plus only where it changes something
        out.append(
            f"{key if _NOTHING_TO_QUOTE_PLUS(key) else quote_plus(key, safe=_QUERY_SAFE)}"
            f"={value if _NOTHING_TO_QUOTE_PLUS(value) else quote_plus(value, safe=_QUERY_SAFE)}"
        )
    return "&".join(out)


def parse_rule(
    rule: str,
    endpoint: t.Any,
    methods: t.Iterable[str],
    converters: t.Mapping[str, t.Any],
    router: t.Any,
    merge_slashes: bool = False,
    defaults: t.Mapping[str, t.Any] | None = None,
    strict_slashes: bool = True,
    automatic: t.Iterable[str] = (),
    part_cache: dict | None = None,
) -> Rule:
    """A ``Rule`` from what ``add`` was given; ``automatic`` methods (Flask's
    implicit OPTIONS) are not counted when looking for duplicates."""
    if isinstance(methods, str):
        raise TypeError(f"methods must be a collection of strings, not the string {methods!r}")
    ms = {sys.intern(m.upper()) for m in methods}  # PERF: the short path looks them up by these objects
    if not ms:
        raise ValueError(f"URL rule {rule!r} needs at least one method")
    if "GET" in ms:
        ms.add("HEAD")
    if defaults is not None and not isinstance(defaults, t.Mapping):
        raise TypeError(f"defaults must be a mapping, not {type(defaults).__name__}")
    allowed = shared(frozenset(ms))
    auto = {m.upper() for m in automatic}
    explicit = shared(allowed - auto) if auto else allowed
    return Rule(rule, endpoint, allowed, converters, router, merge_slashes, defaults, strict_slashes, explicit, part_cache)
