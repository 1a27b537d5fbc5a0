"""Werkzeug-compatible containers: ``MultiDict`` and friends, ``Headers``,
``EnvironHeaders`` and ``FileStorage``.

Only the behaviour Flask applications rely on is kept, with Werkzeug's
semantics, so code that reads ``request.args``, ``request.headers`` or
``request.files`` ports unchanged.
"""

from __future__ import annotations

import typing as t
from collections.abc import Mapping
from copy import deepcopy
from io import BytesIO
from os import fsdecode, fspath

# BadRequestKeyError: a KeyError for Python code and a 400 for the framework,
# so request.form["missing"] answers like Flask.  Re-exported from here.
from .exceptions import BadRequestKeyError
from .http import dump_options_header, parse_list_header, parse_options_header, quote_header_value

__all__ = [
    "BadRequestKeyError",
    "CallbackDict",
    "MultiDict",
    "ImmutableMultiDict",
    "CombinedMultiDict",
    "Headers",
    "EnvironHeaders",
    "FileStorage",
    "HeaderSet",
    "parse_set_header",
    "iter_multi_items",
]

_missing: t.Any = object()


def _is_multidict(obj: t.Any) -> bool:
    # Ours or Werkzeug's (an app may still build some with Werkzeug): both
    # have lists() and items(multi=True).
    return isinstance(obj, MultiDict) or (isinstance(obj, Mapping) and callable(getattr(obj, "lists", None)))


def iter_multi_items(mapping: t.Any) -> t.Iterator[tuple[t.Any, t.Any]]:
    """(key, value) pairs of a MultiDict, a mapping whose list/tuple/set
    values mean several values, or an iterable of pairs."""
    if _is_multidict(mapping):
        yield from mapping.items(multi=True)
    elif isinstance(mapping, Mapping):
        for key, value in mapping.items():
            if isinstance(value, (list, tuple, set)):
                for v in value:
                    yield key, v
            else:
                yield key, value
    else:
        yield from mapping


class MultiDict(dict):  # type: ignore[type-arg]
    """A dict of key -> list of values; plain access gives the first value.

    Stored as a ``dict`` of lists (as Werkzeug does) so ``in``, ``len`` and
    key iteration are the C implementations.
    """

    def __init__(self, mapping: t.Any = None) -> None:
        if mapping is None:
            super().__init__()
        elif type(mapping) is list:  # PERF: pairs from a parser; skip the ABC checks
            tmp: dict[t.Any, list[t.Any]] = {}
            for key, value in mapping:
                values = tmp.get(key)
                if values is None:
                    tmp[key] = [value]
                else:
                    values.append(value)
            dict.update(self, tmp)
        elif _is_multidict(mapping):
            super().__init__((k, list(vs)) for k, vs in mapping.lists())
        elif isinstance(mapping, Mapping):
            tmp = {}
            for key, value in mapping.items():
                if isinstance(value, (list, tuple, set)):
                    value = list(value)
                    if not value:
                        continue
                else:
                    value = [value]
                tmp[key] = value
            super().__init__(tmp)
        else:
            tmp = {}
            for key, value in mapping:
                tmp.setdefault(key, []).append(value)
            super().__init__(tmp)

    def __iter__(self) -> t.Iterator[t.Any]:
        # Overridden so dict(md) goes through keys()/__getitem__ (first values)
        # instead of CPython's fast path that copies the lists
        # (https://github.com/python/cpython/issues/87412).
        return super().__iter__()

    def __getitem__(self, key: t.Any) -> t.Any:
        try:
            return dict.__getitem__(self, key)[0]
        except (KeyError, IndexError):
            raise BadRequestKeyError(key) from None

    def __setitem__(self, key: t.Any, value: t.Any) -> None:
        dict.__setitem__(self, key, [value])

    def __reduce_ex__(self, protocol: t.SupportsIndex) -> t.Any:
        # dict's default pickling would go through items(), keeping only
        # the first value of each key.
        return type(self), (list(self.items(multi=True)),)

    def get(self, key: t.Any, default: t.Any = None, type: t.Callable[[t.Any], t.Any] | None = None) -> t.Any:
        try:
            rv = dict.__getitem__(self, key)[0]
        except (KeyError, IndexError):
            return default
        if type is None:
            return rv
        try:
            return type(rv)
        except (ValueError, TypeError):
            return default

    def getlist(self, key: t.Any, type: t.Callable[[t.Any], t.Any] | None = None) -> list[t.Any]:
        try:
            rv = dict.__getitem__(self, key)
        except KeyError:
            return []
        if type is None:
            return list(rv)
        result = []
        for item in rv:
            try:
                result.append(type(item))
            except (ValueError, TypeError):
                pass
        return result

    def add(self, key: t.Any, value: t.Any) -> None:
        dict.setdefault(self, key, []).append(value)

    def setlist(self, key: t.Any, new_list: t.Iterable[t.Any]) -> None:
        dict.__setitem__(self, key, list(new_list))

    def setdefault(self, key: t.Any, default: t.Any = None) -> t.Any:
        if key not in self:
            self[key] = default
        return self[key]

    def setlistdefault(self, key: t.Any, default_list: t.Iterable[t.Any] | None = None) -> list[t.Any]:
        if key not in self:
            dict.__setitem__(self, key, list(default_list or ()))
        return dict.__getitem__(self, key)  # type: ignore[no-any-return]

    def items(self, multi: bool = False) -> t.Iterator[tuple[t.Any, t.Any]]:  # type: ignore[override]
        for key, values in dict.items(self):
            if multi:
                for value in values:
                    yield key, value
            elif values:
                yield key, values[0]

    def lists(self) -> t.Iterator[tuple[t.Any, list[t.Any]]]:
        for key, values in dict.items(self):
            yield key, list(values)

    def values(self) -> t.Iterator[t.Any]:  # type: ignore[override]
        for values in dict.values(self):
            if values:
                yield values[0]

    def listvalues(self) -> t.Iterator[list[t.Any]]:
        return iter(dict.values(self))

    def to_dict(self, flat: bool = True) -> dict[t.Any, t.Any]:
        if flat:
            return dict(self.items())
        return dict(self.lists())

    def update(self, mapping: t.Any = (), **kwargs: t.Any) -> None:  # type: ignore[override]
        # Adds rather than replaces, as Werkzeug's MultiDict.update does.
        for key, value in iter_multi_items(mapping):
            self.add(key, value)
        for key, value in iter_multi_items(kwargs):
            self.add(key, value)

    def pop(self, key: t.Any, default: t.Any = _missing) -> t.Any:
        try:
            lst = dict.pop(self, key)
            if not lst:
                raise KeyError(key)
            return lst[0]
        except KeyError:
            if default is not _missing:
                return default
            raise BadRequestKeyError(key) from None

    def popitem(self) -> tuple[t.Any, t.Any]:
        try:
            key, lst = dict.popitem(self)
        except KeyError as e:
            raise BadRequestKeyError(e.args[0] if e.args else None) from None
        if not lst:
            raise BadRequestKeyError(key)
        return key, lst[0]

    def poplist(self, key: t.Any) -> list[t.Any]:
        return dict.pop(self, key, [])  # type: ignore[no-any-return]

    def copy(self) -> MultiDict:
        """A mutable copy (of an immutable one too, as Werkzeug)."""
        return MultiDict(self)

    def deepcopy(self, memo: t.Any = None) -> MultiDict:
        return MultiDict(deepcopy(self.to_dict(flat=False), memo))

    def __copy__(self) -> MultiDict:
        return self.copy()

    def __deepcopy__(self, memo: t.Any) -> MultiDict:
        return self.deepcopy(memo)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({list(self.items(multi=True))!r})"


def _immutable(self: t.Any, *args: t.Any, **kwargs: t.Any) -> t.NoReturn:
    raise TypeError(f"{type(self).__name__!r} objects are immutable")


class ImmutableMultiDict(MultiDict):
    """Request data: views must not change what the client sent."""

    __setitem__ = __delitem__ = add = setlist = setdefault = setlistdefault = _immutable
    update = pop = popitem = poplist = clear = _immutable
    __ior__ = _immutable  # type: ignore[assignment]

    def __hash__(self) -> int:  # type: ignore[override]
        return hash(tuple(self.items(multi=True)))

    def copy(self) -> MultiDict:
        return MultiDict(self)

    def __copy__(self) -> ImmutableMultiDict:
        return self


class CombinedMultiDict(ImmutableMultiDict):
    """A read-only view over several MultiDicts (``request.values``): the
    first dict holding a key wins for single-value access."""

    def __init__(self, dicts: t.Iterable[MultiDict] | None = None) -> None:
        super().__init__()
        self.dicts: list[MultiDict] = list(dicts or ())

    def __reduce_ex__(self, protocol: t.SupportsIndex) -> t.Any:
        return type(self), (self.dicts,)

    def __getitem__(self, key: t.Any) -> t.Any:
        for d in self.dicts:
            if key in d:
                return d[key]
        raise BadRequestKeyError(key)

    def get(self, key: t.Any, default: t.Any = None, type: t.Callable[[t.Any], t.Any] | None = None) -> t.Any:
        for d in self.dicts:
            if key in d:
                if type is not None:
                    try:
                        return type(d[key])
                    except (ValueError, TypeError):
                        continue
                return d[key]
        return default

    def getlist(self, key: t.Any, type: t.Callable[[t.Any], t.Any] | None = None) -> list[t.Any]:
        rv: list[t.Any] = []
        for d in self.dicts:
            rv.extend(d.getlist(key, type))
        return rv

    def _keys(self) -> list[t.Any]:
        # Ordered, unlike Werkzeug's set(): deterministic iteration order.
        return list(dict.fromkeys(k for d in self.dicts for k in d))

    def keys(self) -> list[t.Any]:  # type: ignore[override]
        return self._keys()

    def __iter__(self) -> t.Iterator[t.Any]:
        return iter(self._keys())

    def __len__(self) -> int:
        return len(self._keys())

    def __contains__(self, key: object) -> bool:
        return any(key in d for d in self.dicts)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, CombinedMultiDict):
            return self.dicts == other.dicts
        return self.to_dict(flat=False) == (other.to_dict(flat=False) if isinstance(other, MultiDict) else other)

    __hash__ = None  # type: ignore[assignment]

    def items(self, multi: bool = False) -> t.Iterator[tuple[t.Any, t.Any]]:  # type: ignore[override]
        found = set()
        for d in self.dicts:
            for key, value in d.items(multi):
                if multi:
                    yield key, value
                elif key not in found:
                    found.add(key)
                    yield key, value

    def values(self) -> t.Iterator[t.Any]:  # type: ignore[override]
        for _, value in self.items():
            yield value

    def lists(self) -> t.Iterator[tuple[t.Any, list[t.Any]]]:
        rv: dict[t.Any, list[t.Any]] = {}
        for d in self.dicts:
            for key, values in d.lists():
                rv.setdefault(key, []).extend(values)
        return iter(rv.items())

    def listvalues(self) -> t.Iterator[list[t.Any]]:
        return (v for _, v in self.lists())

    def to_dict(self, flat: bool = True) -> dict[t.Any, t.Any]:
        if flat:
            return dict(self.items())
        return dict(self.lists())

    def copy(self) -> MultiDict:
        return MultiDict(list(self.items(multi=True)))

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.dicts!r})"


# -- headers ------------------------------------------------------------------


def _header_str(value: t.Any, what: str = "Header values") -> str:
    # Refused at assignment, not when the response is sent: a CR or LF that
    # reached the wire would let a client-controlled value inject headers.
    if type(value) is not str:
        value = str(value)
    if "\n" in value or "\r" in value:
        raise ValueError(f"{what} must not contain newline characters.")  # Werkzeug's words
    if "\0" in value:
        raise ValueError(f"{what} must not contain NUL characters.")
    return value


def _with_options(value: t.Any, kw: dict[str, t.Any]) -> str:
    # add("Content-Disposition", "attachment", filename="a.txt"), as Werkzeug.
    return dump_options_header(value, {k.replace("_", "-"): v for k, v in kw.items()})


class CallbackDict(dict):  # type: ignore[type-arg]
    """A dict that calls ``_changed()`` after every change made through
    it (Werkzeug's ``UpdateDictMixin``): the parsed header objects
    (cache-control directives, a challenge's parameters) write themselves
    back to the header they came from."""

    def _changed(self) -> None:
        pass

    def __setitem__(self, key: t.Any, value: t.Any) -> None:
        super().__setitem__(key, value)
        self._changed()

    def __delitem__(self, key: t.Any) -> None:
        super().__delitem__(key)
        self._changed()

    def clear(self) -> None:
        super().clear()
        self._changed()

    def popitem(self) -> tuple[t.Any, t.Any]:
        rv = super().popitem()
        self._changed()
        return rv

    def update(self, *args: t.Any, **kwargs: t.Any) -> None:
        super().update(*args, **kwargs)
        self._changed()

    def __ior__(self, other: t.Any) -> CallbackDict:  # type: ignore[override]
        self.update(other)
        return self

    def pop(self, key: t.Any, *default: t.Any) -> t.Any:
        modified = key in self
        rv = super().pop(key, *default)
        if modified:
            self._changed()
        return rv

    def setdefault(self, key: t.Any, default: t.Any = None) -> t.Any:
        modified = key not in self
        rv = super().setdefault(key, default)
        if modified:
            self._changed()
        return rv


class Headers:
    """Ordered, multi-valued, case-insensitive HTTP headers, stored as a
    list of (name, value) pairs in the order they were added."""

    def __init__(self, defaults: t.Any = None) -> None:
        self._list: list[tuple[str, str]] = []
        if defaults is not None:
            self.extend(defaults)

    def _get_key(self, key: str) -> str:
        ikey = key.lower()
        for k, v in self._list:
            if k.lower() == ikey:
                return v
        raise BadRequestKeyError(key)

    def __getitem__(self, key: t.Any) -> t.Any:
        if isinstance(key, str):
            return self._get_key(key)
        if isinstance(key, int):
            return self._list[key]
        if isinstance(key, slice):
            return self.__class__(self._list[key])
        raise BadRequestKeyError(key)

    def get(self, key: str, default: t.Any = None, type: t.Callable[[str], t.Any] | None = None) -> t.Any:
        try:
            rv = self._get_key(key)
        except KeyError:
            return default
        if type is None:
            return rv
        try:
            return type(rv)
        except ValueError:
            return default

    def getlist(self, key: str, type: t.Callable[[str], t.Any] | None = None) -> list[t.Any]:
        ikey = key.lower()
        if type is None:
            return [v for k, v in self if k.lower() == ikey]
        result = []
        for k, v in self:
            if k.lower() == ikey:
                try:
                    result.append(type(v))
                except ValueError:
                    continue
        return result

    get_all = getlist

    def __contains__(self, key: object) -> bool:
        if not isinstance(key, str):
            return False
        try:
            self._get_key(key)
        except KeyError:
            return False
        return True

    def __iter__(self) -> t.Iterator[tuple[str, str]]:
        return iter(self._list)

    def __len__(self) -> int:
        return len(self._list)

    def __bool__(self) -> bool:
        return len(self) > 0

    def items(self, lower: bool = False) -> t.Iterator[tuple[str, str]]:
        for key, value in self:
            yield (key.lower() if lower else key), value

    def keys(self, lower: bool = False) -> t.Iterator[str]:
        for key, _ in self.items(lower):
            yield key

    def values(self) -> t.Iterator[str]:
        for _, value in self:
            yield value

    def add(self, key: str, value: t.Any, /, **kwargs: t.Any) -> None:
        if kwargs:
            value = _with_options(value, kwargs)
        self._list.append((_header_str(key, "Header names"), _header_str(value)))

    add_header = add

    def set(self, key: str, value: t.Any, /, **kwargs: t.Any) -> None:
        """Replace the first ``key`` header in place and drop the others, or
        append one if there was none."""
        if kwargs:
            value = _with_options(value, kwargs)
        item = (_header_str(key, "Header names"), _header_str(value))
        ikey = key.lower()
        lst = self._list
        for idx, (old, _) in enumerate(lst):
            if old.lower() == ikey:
                lst[idx] = item
                lst[idx + 1 :] = [kv for kv in lst[idx + 1 :] if kv[0].lower() != ikey]
                return
        lst.append(item)

    def setlist(self, key: str, values: t.Iterable[t.Any]) -> None:
        # Validate everything first: a rejected value must leave no change.
        values = [_header_str(v) for v in values]
        if not values:
            self.remove(key)
            return
        self.set(key, values[0])
        for value in values[1:]:
            self.add(key, value)

    def setdefault(self, key: str, default: t.Any) -> str:
        try:
            return self._get_key(key)
        except KeyError:
            pass
        self.set(key, default)
        return self._get_key(key)

    def __setitem__(self, key: t.Any, value: t.Any) -> None:
        if isinstance(key, str):
            self.set(key, value)
        elif isinstance(key, int):
            self._list[key] = (_header_str(value[0], "Header names"), _header_str(value[1]))
        else:
            self._list[key] = [(_header_str(k, "Header names"), _header_str(v)) for k, v in value]

    def extend(self, arg: t.Any = None, /, **kwargs: t.Any) -> None:
        """Add every (key, value) of ``arg`` and ``kwargs``, keeping what is there."""
        items = list(iter_multi_items(arg)) if arg is not None else []
        items.extend(iter_multi_items(kwargs))
        self._list.extend([(_header_str(k, "Header names"), _header_str(v)) for k, v in items])

    def update(self, arg: t.Any = None, /, **kwargs: t.Any) -> None:
        """Replace the headers named in ``arg`` and ``kwargs``."""
        saved = self._list[:]
        try:
            self._update(arg, kwargs)
        except BaseException:
            self._list[:] = saved  # all or nothing, like the other setters
            raise

    def _update(self, arg: t.Any, kwargs: dict[str, t.Any]) -> None:
        if arg is not None:
            if isinstance(arg, Headers) or _is_multidict(arg):
                for key in dict.fromkeys(arg.keys()):
                    self.setlist(key, arg.getlist(key))
            elif isinstance(arg, Mapping):
                for key, value in arg.items():
                    if isinstance(value, (list, tuple, set)):
                        self.setlist(key, value)
                    else:
                        self.set(key, value)
            else:
                for key, value in arg:
                    self.set(key, value)
        for key, value in kwargs.items():
            if isinstance(value, (list, tuple, set)):
                self.setlist(key, value)
            else:
                self.set(key, value)

    def remove(self, key: str) -> None:
        ikey = key.lower()
        self._list[:] = [kv for kv in self._list if kv[0].lower() != ikey]

    def __delitem__(self, key: t.Any) -> None:
        if isinstance(key, str):
            self.remove(key)
        else:
            del self._list[key]

    def pop(self, key: t.Any = None, default: t.Any = _missing) -> t.Any:
        if key is None:
            return self._list.pop()
        if isinstance(key, int):
            return self._list.pop(key)
        try:
            rv = self._get_key(key)
        except KeyError:
            if default is not _missing:
                return default
            raise
        self.remove(key)
        return rv

    def popitem(self) -> tuple[str, str]:
        return self._list.pop()

    def clear(self) -> None:
        del self._list[:]

    def to_wsgi_list(self) -> list[tuple[str, str]]:
        return list(self)

    def copy(self) -> Headers:
        return self.__class__(self._list)

    __copy__ = copy

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return {(k.lower(), v) for k, v in other} == {(k.lower(), v) for k, v in self}  # type: ignore[attr-defined]

    __hash__ = None  # type: ignore[assignment]

    def __str__(self) -> str:
        return "".join(f"{k}: {v}\r\n" for k, v in self.to_wsgi_list()) + "\r\n"

    def __repr__(self) -> str:
        return f"{type(self).__name__}({list(self)!r})"


class HeaderSet:
    """A comma-separated header as a case-insensitive ordered set
    (``Vary``, ``Allow``, ...), as Werkzeug's: ``on_update`` is called after
    every change, which is how ``Response.vary`` writes itself back."""

    def __init__(self, headers: t.Iterable[str] | None = None, on_update: t.Callable[[HeaderSet], t.Any] | None = None) -> None:
        self._headers = list(headers or ())
        self._set = {x.lower() for x in self._headers}
        self.on_update = on_update

    def _changed(self) -> None:
        if self.on_update is not None:
            self.on_update(self)

    def add(self, header: str) -> None:
        self.update((header,))

    def remove(self, header: str) -> None:
        key = header.lower()
        if key not in self._set:
            raise KeyError(header)
        self._set.remove(key)
        self._headers = [h for h in self._headers if h.lower() != key]
        self._changed()

    def discard(self, header: str) -> None:
        try:
            self.remove(header)
        except KeyError:
            pass

    def update(self, iterable: t.Iterable[str]) -> None:
        inserted = False
        for header in iterable:
            key = header.lower()
            if key not in self._set:
                self._headers.append(header)
                self._set.add(key)
                inserted = True
        if inserted:
            self._changed()

    def find(self, header: str) -> int:
        key = header.lower()
        for idx, item in enumerate(self._headers):
            if item.lower() == key:
                return idx
        return -1

    def index(self, header: str) -> int:
        idx = self.find(header)
        if idx < 0:
            raise IndexError(header)
        return idx

    def clear(self) -> None:
        self._set.clear()
        self._headers.clear()
        self._changed()

    def as_set(self, preserve_casing: bool = False) -> set[str]:
        return set(self._headers) if preserve_casing else set(self._set)

    def to_header(self) -> str:
        return ", ".join(map(quote_header_value, self._headers))

    def __getitem__(self, idx: int) -> str:
        return self._headers[idx]

    def __delitem__(self, idx: int) -> None:
        self._set.remove(self._headers.pop(idx).lower())
        self._changed()

    def __setitem__(self, idx: int, value: str) -> None:
        self._set.remove(self._headers[idx].lower())
        self._headers[idx] = value
        self._set.add(value.lower())
        self._changed()

    def __contains__(self, header: object) -> bool:
        return isinstance(header, str) and header.lower() in self._set

    def __len__(self) -> int:
        return len(self._set)

    def __iter__(self) -> t.Iterator[str]:
        return iter(self._headers)

    def __bool__(self) -> bool:
        return bool(self._set)

    def __str__(self) -> str:
        return self.to_header()

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._headers!r})"


_ENVIRON_ENTITY = frozenset(("CONTENT_TYPE", "CONTENT_LENGTH"))


class EnvironHeaders(Headers):
    """The request's headers, read straight from the WSGI environ: a lookup
    is one dict access, and nothing is copied unless iterated.  Names come
    out in Werkzeug's form (``HTTP_X_FORWARDED_FOR`` -> ``X-Forwarded-For``)."""

    def __init__(self, environ: dict[str, t.Any]) -> None:
        self.environ = environ

    def _get_key(self, key: str) -> str:
        if not isinstance(key, str):
            raise BadRequestKeyError(key)
        ekey = key.upper().replace("-", "_")
        try:
            if ekey in _ENVIRON_ENTITY:
                return self.environ[ekey]  # type: ignore[no-any-return]
            return self.environ["HTTP_" + ekey]  # type: ignore[no-any-return]
        except KeyError:
            raise BadRequestKeyError(key) from None

    def __getitem__(self, key: t.Any) -> t.Any:
        return self._get_key(key)

    def getlist(self, key: str, type: t.Callable[[str], t.Any] | None = None) -> list[t.Any]:
        # One environ key per header name: at most one value.  An empty
        # CONTENT_TYPE/CONTENT_LENGTH is no header (as when iterating).
        try:
            value = self._get_key(key)
        except KeyError:
            return []
        if not value and key.upper().replace("-", "_") in _ENVIRON_ENTITY:
            return []
        if type is None:
            return [value]
        try:
            return [type(value)]
        except ValueError:
            return []

    get_all = getlist

    def __iter__(self) -> t.Iterator[tuple[str, str]]:
        for key, value in self.environ.items():
            if key.startswith("HTTP_"):
                if key not in ("HTTP_CONTENT_TYPE", "HTTP_CONTENT_LENGTH"):
                    yield key[5:].replace("_", "-").title(), value
            elif key in _ENVIRON_ENTITY and value:
                yield key.replace("_", "-").title(), value

    def __len__(self) -> int:
        return sum(1 for _ in self)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, EnvironHeaders):
            return NotImplemented
        return self.environ is other.environ

    __hash__ = None  # type: ignore[assignment]

    def to_wsgi_list(self) -> list[tuple[str, str]]:
        return list(self)

    def copy(self) -> t.NoReturn:
        raise TypeError(f"cannot create {type(self).__name__!r} copies")

    __copy__ = copy  # type: ignore[assignment]

    def _read_only(self, *args: t.Any, **kwargs: t.Any) -> t.NoReturn:
        raise TypeError(f"{type(self).__name__!r} objects are immutable")

    add = add_header = set = setlist = setdefault = extend = update = _read_only
    remove = pop = popitem = clear = __setitem__ = __delitem__ = _read_only


# -- uploads ------------------------------------------------------------------


class FileStorage:
    """An uploaded file: its stream plus the part's name, filename and
    headers.  Unknown attributes (``read``, ``seek``, ...) go to the stream."""

    def __init__(
        self,
        stream: t.IO[bytes] | None = None,
        filename: str | None = None,
        name: str | None = None,
        content_type: str | None = None,
        content_length: int | None = None,
        headers: Headers | None = None,
    ) -> None:
        self.name = name
        self.stream = stream or BytesIO()
        if filename is None:
            # As Werkzeug: a real file's name, but not "<stdin>" and the like.
            filename = getattr(stream, "name", None)
            if filename is not None and not isinstance(filename, int):
                filename = fsdecode(filename)
                if filename.startswith("<") and filename.endswith(">"):
                    filename = None
            else:
                filename = None
        else:
            filename = fsdecode(filename)
        self.filename = filename
        if headers is None:
            headers = Headers()
        self.headers = headers
        if content_type is not None:
            headers["Content-Type"] = content_type
        if content_length is not None:
            headers["Content-Length"] = str(content_length)

    @property
    def content_type(self) -> str | None:
        return self.headers.get("content-type")  # type: ignore[no-any-return]

    @property
    def content_length(self) -> int:
        value = self.headers.get("content-length", "").strip(" \t")
        return int(value) if value.isdigit() and value.isascii() else 0

    def _parsed_content_type(self) -> tuple[str, dict[str, str]]:
        return parse_options_header(self.content_type)

    @property
    def mimetype(self) -> str:
        return self._parsed_content_type()[0].lower()

    @property
    def mimetype_params(self) -> dict[str, str]:
        return self._parsed_content_type()[1]

    def read(self, size: int = -1) -> bytes:
        return self.stream.read(size)

    def save(self, dst: t.Any, buffer_size: int = 16384) -> None:
        """Copy the upload to a path (the file is created or truncated) or to
        an open binary file, which is left open."""
        from shutil import copyfileobj

        if hasattr(dst, "__fspath__"):
            dst = fspath(dst)
        if isinstance(dst, str):
            with open(dst, "wb") as f:
                copyfileobj(self.stream, f, buffer_size)
        else:
            copyfileobj(self.stream, dst, buffer_size)

    def close(self) -> None:
        try:
            self.stream.close()
        except Exception:
            pass

    def __bool__(self) -> bool:
        # False for an <input type=file> submitted without a file.
        return bool(self.filename)

    def __getattr__(self, name: str) -> t.Any:
        if name == "stream":  # not yet set: avoid recursing during __init__
            raise AttributeError(name)
        try:
            return getattr(self.stream, name)
        except AttributeError:
            # SpooledTemporaryFile before Python 3.11 lacks parts of IOBase
            # (readable, ...): ask the file it wraps, as Werkzeug does.
            if hasattr(self.stream, "_file"):
                return getattr(self.stream._file, name)
            raise

    def __iter__(self) -> t.Iterator[bytes]:
        return iter(self.stream)

    def __repr__(self) -> str:
        return f"<{type(self).__name__}: {self.filename!r} ({self.content_type!r})>"


def parse_set_header(value: str | None, on_update: t.Callable[[HeaderSet], t.Any] | None = None) -> HeaderSet:
    """A ``HeaderSet`` of a comma-separated header (``Pragma``, ``Vary``):
    Werkzeug's ``http.parse_set_header``, here beside the class it fills."""
    return HeaderSet(parse_list_header(value) if value else None, on_update)
