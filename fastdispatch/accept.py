"""The ``Accept*`` request headers as Werkzeug 3.1's containers: ``Accept``
(``Accept-Encoding``), ``MIMEAccept`` (``Accept``), ``LanguageAccept``
(``Accept-Language``) and ``CharsetAccept`` (``Accept-Charset``).

Each is an immutable list of ``(value, quality)`` pairs sorted most
specific, then best, first (equal ones keep the client's order), with
content negotiation on top: ``best_match(offers)``, ``quality``, ``in``.
``http.parse_accept_header`` fills them; ``Request.accept_*`` are the
users.  Standard library only, imported on the first such property.
"""

from __future__ import annotations

import codecs
import re
import typing as t

__all__ = ["Accept", "CharsetAccept", "LanguageAccept", "MIMEAccept"]


def _immutable(self: t.Any, *args: t.Any, **kwargs: t.Any) -> t.NoReturn:
    raise TypeError(f"{type(self).__name__!r} objects are immutable")


class Accept(list):  # type: ignore[type-arg]
    """``(value, quality)`` pairs of an Accept-style header; ``provided`` is
    False when the client sent no header (then everything is acceptable to
    the client, but ``best_match`` still finds nothing, as Werkzeug)."""

    def __init__(self, values: t.Iterable[tuple[str, float]] | None = ()) -> None:
        if values is None:
            super().__init__()
            self.provided = False
        elif isinstance(values, Accept):
            self.provided = values.provided
            super().__init__(values)
        else:
            self.provided = True
            # sorted() is stable: equal pairs keep the order the client gave
            super().__init__(sorted(values, key=lambda x: (self._specificity(x[0]), x[1]), reverse=True))

    # Request data: views must not change what the client sent.
    __setitem__ = __delitem__ = __iadd__ = __imul__ = _immutable  # type: ignore[assignment]
    append = extend = insert = pop = remove = reverse = sort = clear = _immutable  # type: ignore[assignment]

    def __hash__(self) -> int:  # type: ignore[override]
        return hash(tuple(self))

    def __reduce_ex__(self, protocol: t.SupportsIndex) -> t.Any:
        # list's default pickling appends items, which this class refuses
        return type(self), (list(self),)

    def _specificity(self, value: str) -> tuple[bool, ...]:
        return (value != "*",)

    def _value_matches(self, value: str, item: str) -> bool:
        return item == "*" or item.lower() == value.lower()

    def __getitem__(self, key: t.Any) -> t.Any:  # type: ignore[override]
        """``accept["gzip"]`` is the quality of that value (0 if not
        accepted); an index or slice reads the list."""
        if isinstance(key, str):
            return self.quality(key)
        return list.__getitem__(self, key)

    def quality(self, key: str) -> float:
        for item, quality in self:
            if self._value_matches(key, item):
                return quality
        return 0

    def __contains__(self, value: object) -> bool:
        return any(self._value_matches(value, item) for item, _ in self)  # type: ignore[arg-type]

    def __repr__(self) -> str:
        pairs = ", ".join(f"({x!r}, {y})" for x, y in self)
        return f"{type(self).__name__}([{pairs}])"

    def index(self, key: t.Any, *args: t.Any) -> int:  # type: ignore[override]
        """The position of the first entry matching the value ``key`` (or
        equal to the pair ``key``); ValueError if there is none."""
        if isinstance(key, str):
            for idx, (item, _) in enumerate(self):
                if self._value_matches(key, item):
                    return idx
            raise ValueError(key)
        return list.index(self, key, *args)

    def find(self, key: t.Any) -> int:
        """``index``, or -1."""
        try:
            return self.index(key)
        except ValueError:
            return -1

    def values(self) -> t.Iterator[str]:
        for item in self:
            yield item[0]

    def to_header(self) -> str:
        return ",".join(value if quality == 1 else f"{value};q={quality}" for value, quality in self)

    def __str__(self) -> str:
        return self.to_header()

    def _best_single_match(self, match: str) -> tuple[str, float] | None:
        for client_item, quality in self:
            if self._value_matches(match, client_item):
                return client_item, quality  # sorted most specific first
        return None

    def best_match(self, matches: t.Iterable[str], default: str | None = None) -> str | None:
        """The offer in ``matches`` the client prefers: highest quality,
        then the most specific client entry, then the first offered; an
        offer only matched at q=0 is refused.  ``default`` if none fits."""
        result = default
        best_quality: float = -1
        best_specificity: tuple[bool, ...] | tuple[int] = (-1,)
        for server_item in matches:
            match = self._best_single_match(server_item)
            if not match:
                continue
            client_item, quality = match
            specificity = self._specificity(client_item)
            if quality <= 0 or quality < best_quality:
                continue
            if quality > best_quality or specificity > best_specificity:
                result = server_item
                best_quality = quality
                best_specificity = specificity
        return result

    @property
    def best(self) -> str | None:
        """The client's favourite value, or None."""
        return self[0][0] if self else None


_mime_split_re = re.compile(r"/|(?:[ \t]*;[ \t]*)")


def _normalize_mime(value: str) -> list[str]:
    return _mime_split_re.split(value.lower())


class MIMEAccept(Accept):
    """``Accept``: wildcards (``*/*``, ``text/*``) and parameters count in
    specificity, and parameters must match exactly."""

    def _specificity(self, value: str) -> tuple[bool, ...]:
        return tuple(x != "*" for x in _mime_split_re.split(value))

    def _value_matches(self, value: str, item: str) -> bool:
        if "/" not in item:
            return False  # the client's entry is not a mimetype: matches nothing
        # The offer is the application's: a malformed one is a bug to report.
        if "/" not in value:
            raise ValueError(f"invalid mimetype {value!r}")
        normalized_value = _normalize_mime(value)
        value_type, value_subtype = normalized_value[:2]
        value_params = sorted(normalized_value[2:])
        if value_type == "*" and value_subtype != "*":
            raise ValueError(f"invalid mimetype {value!r}")
        normalized_item = _normalize_mime(item)
        item_type, item_subtype = normalized_item[:2]
        item_params = sorted(normalized_item[2:])
        if item_type == "*" and item_subtype != "*":
            return False
        if (item_type == "*" and item_subtype == "*") or (value_type == "*" and value_subtype == "*"):
            return True
        return item_type == value_type and (
            item_subtype == "*" or value_subtype == "*" or (item_subtype == value_subtype and item_params == value_params)
        )

    @property
    def accept_html(self) -> bool:
        return "text/html" in self or self.accept_xhtml

    @property
    def accept_xhtml(self) -> bool:
        return "application/xhtml+xml" in self or "application/xml" in self

    @property
    def accept_json(self) -> bool:
        return "application/json" in self


_locale_delim_re = re.compile(r"[_-]")


def _normalize_lang(value: str) -> list[str]:
    return _locale_delim_re.split(value.lower())


class LanguageAccept(Accept):
    """``Accept-Language``: tags compared case-insensitively with ``-`` and
    ``_`` alike, and ``best_match`` falls back to primary tags."""

    def _value_matches(self, value: str, item: str) -> bool:
        return item == "*" or _normalize_lang(value) == _normalize_lang(item)

    def best_match(self, matches: t.Iterable[str], default: str | None = None) -> str | None:
        """As ``Accept.best_match``; failing an exact match, a client's
        ``en-US`` accepts an offered ``en``, then a client's ``en`` accepts
        the first offer starting with ``en`` (``en-GB``).  Offers are
        returned as given."""
        matches = list(matches)  # read up to three times
        result = super().best_match(matches)
        if result is not None:
            return result
        fallback = Accept([(_locale_delim_re.split(item[0], 1)[0], item[1]) for item in self])
        result = fallback.best_match(matches)
        if result is not None:
            return result
        fallback_matches = [_locale_delim_re.split(item, 1)[0] for item in matches]
        result = super().best_match(fallback_matches)
        if result is not None:
            return next(item for item in matches if item.startswith(result))
        return default


def _normalize_charset(name: str) -> str:
    try:
        return codecs.lookup(name).name
    except LookupError:
        return name.lower()


class CharsetAccept(Accept):
    """``Accept-Charset``: names compared by codec (``UTF8`` is ``utf-8``)."""

    def _value_matches(self, value: str, item: str) -> bool:
        return item == "*" or _normalize_charset(value) == _normalize_charset(item)
