"""Werkzeug itself as the oracle the differential tests compare against.

``WerkzeugOracle`` has fastdispatch's ``add``/``match`` API on top of
``werkzeug.routing.Map(strict_slashes=True, merge_slashes=False)`` (what
Flask uses), matched through ``MapAdapter.match`` as Flask calls it.
``outcome`` turns what a router (either fastdispatch twin or the oracle)
does with a request into one comparable value:

    ("ok", endpoint, params) | ("404",) | ("405", frozenset(allowed)) | ("308", location)

Anything else raised propagates: a crash is a test failure.
"""

from __future__ import annotations

import typing as t
from urllib.parse import unquote, urlsplit

import werkzeug.exceptions as wz_exc
import werkzeug.routing as wz
from werkzeug.routing.exceptions import RequestPath

import fastdispatch.routing as fd

__all__ = ["WerkzeugOracle", "outcome", "typed", "describe", "ORACLE_NOTES"]

ORACLE_NOTES = """
* Converters: the oracle takes fastdispatch converter classes (Werkzeug's
  interface) and subclasses each so that fastdispatch's ValidationError from
  to_python becomes Werkzeug's ValidationError (the only exception
  Werkzeug's matcher turns into a 404).  Everything else about the class
  (regex, weight, part_isolating, to_url) is the same object.
* Method: the adapter is bound with default_method=method, as Flask's
  bind_to_environ binds REQUEST_METHOD, so match(path, method) sees the same
  method Flask would (an empty method stays empty instead of becoming GET).
* Redirects: Werkzeug percent-quotes the redirect target with
  urllib.parse.quote, which cannot encode a lone surrogate ("\\udcff") and
  raises UnicodeEncodeError out of MapAdapter.match.  (Under Flask such a
  path cannot occur: Werkzeug decodes PATH_INFO with errors="replace".)
  Only in that case the oracle asks Werkzeug's own state machine
  (Map._matcher, with MapAdapter's normalisation) for the unquoted target.
"""


class _SurrogateRedirect(Exception):
    def __init__(self, location: str) -> None:
        super().__init__(location)
        self.location = location


def _werkzeug_converter(cls: type) -> type:
    """``cls`` with to_python's fastdispatch ValidationError re-raised as
    Werkzeug's.  A plain ValueError is left alone (Werkzeug lets it escape)."""
    if isinstance(cls, type) and issubclass(cls, wz.BaseConverter):
        return cls
    base_to_python = cls.to_python

    def to_python(self: t.Any, value: str) -> t.Any:
        try:
            return base_to_python(self, value)
        except fd.ValidationError as e:
            raise wz.ValidationError() from e

    return type(cls.__name__, (cls,), {"to_python": to_python, "__module__": __name__})


class _Converters(dict):
    """``oracle.converters[name] = cls``, as with a fastdispatch router."""

    def __init__(self, oracle: "WerkzeugOracle") -> None:
        super().__init__()
        self._oracle = oracle

    def __setitem__(self, name: str, cls: type) -> None:
        super().__setitem__(name, cls)
        self._oracle.map.converters[name] = _werkzeug_converter(cls)


class WerkzeugOracle:
    """fastdispatch's add/match API on a Werkzeug Map."""

    def __init__(self, converters: t.Mapping[str, type] | None = None, merge_slashes: bool = False) -> None:
        self.map = wz.Map(
            strict_slashes=True,
            merge_slashes=merge_slashes,
            converters={k: _werkzeug_converter(v) for k, v in (converters or {}).items()},
        )
        self.converters = _Converters(self)
        for k, v in (converters or {}).items():
            dict.__setitem__(self.converters, k, v)

    def add(self, rule: str, endpoint: t.Any, methods: t.Iterable[str] = ("GET",), **options: t.Any) -> None:
        self.map.add(wz.Rule(rule, endpoint=endpoint, methods=list(methods), **options))

    def build(self, endpoint: t.Any, values: t.Mapping[str, t.Any] | None = None, method: str | None = None) -> str:
        return self.map.bind("localhost").build(endpoint, values, method)

    def match(self, method: str, path: str) -> tuple[t.Any, t.Mapping[str, t.Any]]:
        adapter = self.map.bind("localhost", default_method=method)
        try:
            return adapter.match(path, method)
        except UnicodeEncodeError:
            # See ORACLE_NOTES: the redirect target could not be quoted.
            path_part = f"/{path.lstrip('/')}" if path else ""
            try:
                self.map._matcher.match("", path_part, (method or "").upper(), False)
            except RequestPath as e:
                raise _SurrogateRedirect(e.path_info) from None
            raise

    def __repr__(self) -> str:
        return f"<WerkzeugOracle {self.map!r}>"


def outcome(router: t.Any, method: str, path: str) -> tuple:
    """What ``router`` does with ``method path``, as a comparable tuple."""
    if isinstance(router, WerkzeugOracle):
        try:
            endpoint, params = router.match(method, path)
        except wz_exc.MethodNotAllowed as e:
            return ("405", frozenset(e.valid_methods or ()))
        except wz.RequestRedirect as e:
            return ("308", unquote(urlsplit(e.new_url).path))
        except _SurrogateRedirect as e:
            return ("308", e.location)
        except wz_exc.NotFound:
            return ("404",)
        return ("ok", endpoint, dict(params))
    try:
        endpoint, params = router.match(method, path)
    except fd.MethodNotAllowed as e:
        return ("405", frozenset(e.allowed))
    except fd.RequestRedirect as e:
        return ("308", e.location)
    except fd.NotFound:
        return ("404",)
    return ("ok", endpoint, dict(params))


def typed(o: tuple) -> tuple:
    """``o`` with each param's type next to its value, so that 1, 1.0 and
    True do not compare equal."""
    if o[0] != "ok":
        return o
    return ("ok", o[1], {k: (type(v).__name__, v) for k, v in o[2].items()})


def describe(rules: t.Iterable[tuple[str, t.Any, t.Iterable[str]]], method: str, path: str, outcomes: t.Mapping[str, tuple]) -> str:
    """A failure message: the table, the request and every router's outcome."""
    lines = ["route table:"]
    for rule, endpoint, methods, *options in rules:
        extra = "".join(f", {k}={v!r}" for k, v in (options[0] if options else {}).items())
        lines.append(f"    add({rule!r}, {endpoint!r}, methods={sorted(methods)!r}{extra})")
    lines.append(f"request: match({method!r}, {path!r})")
    for name, o in outcomes.items():
        lines.append(f"    {name:>10}: {o!r}")
    return "\n".join(lines)
