"""Conditional and partial responses, as Werkzeug 3.1's: the request
headers that make them (``If-None-Match``, ``If-Match``,
``If-Modified-Since``, ``Range``, ``If-Range``) parsed into ``ETags``,
``Range`` and ``IfRange``, the ``Content-Range`` of the answer
(``ContentRange``), ``is_resource_modified``, and the work of
``Response.make_conditional``: 304, 412, 206 or 416.

Each class and parser reproduces its ``werkzeug.http`` /
``werkzeug.datastructures`` namesake; tests/app/test_conditional.py
compares them.  Imports only ``http`` and ``exceptions``, so ``response``
and ``request`` may import it.
"""

from __future__ import annotations

import re
import typing as t
from collections.abc import Collection
from datetime import datetime

from .exceptions import RequestedRangeNotSatisfiable
from .http import _dt_as_utc, _plain_int, generate_etag, http_date, is_byte_range_valid, parse_date, quote_etag, unquote_etag

__all__ = [
    "ContentRange",
    "ETags",
    "IfRange",
    "Range",
    "is_resource_modified",
    "parse_content_range_header",
    "parse_etags",
    "parse_if_range_header",
    "parse_range_header",
]


class ETags(Collection):  # type: ignore[type-arg]
    """The tags of an ``If-Match`` / ``If-None-Match`` header, strong and
    weak kept apart; ``*`` matches any (``star_tag``)."""

    def __init__(self, strong_etags: t.Iterable[str] | None = None, weak_etags: t.Iterable[str] | None = None, star_tag: bool = False) -> None:
        self._strong = frozenset(strong_etags) if not star_tag and strong_etags else frozenset()
        self._weak = frozenset(weak_etags or ())
        self.star_tag = star_tag

    def as_set(self, include_weak: bool = False) -> set[str]:
        rv = set(self._strong)
        if include_weak:
            rv.update(self._weak)
        return rv

    def is_weak(self, etag: str) -> bool:
        return etag in self._weak

    def is_strong(self, etag: str) -> bool:
        return etag in self._strong

    def contains_weak(self, etag: str) -> bool:
        return self.is_weak(etag) or self.contains(etag)

    def contains(self, etag: str) -> bool:
        return True if self.star_tag else self.is_strong(etag)

    def contains_raw(self, etag: str) -> bool:
        tag, weak = unquote_etag(etag)
        return self.contains_weak(tag) if weak else self.contains(tag)  # type: ignore[arg-type]

    def to_header(self) -> str:
        if self.star_tag:
            return "*"
        return ", ".join([f'"{x}"' for x in self._strong] + [f'W/"{x}"' for x in self._weak])

    def __call__(self, etag: str | None = None, data: bytes | None = None, include_weak: bool = False) -> bool:
        if etag is None:
            if data is None:
                raise TypeError("'data' is required when 'etag' is not given.")
            etag = generate_etag(data)
        if include_weak and etag in self._weak:
            return True
        return etag in self._strong

    def __bool__(self) -> bool:
        return bool(self.star_tag or self._strong or self._weak)

    def __str__(self) -> str:
        return self.to_header()

    def __len__(self) -> int:
        return len(self._strong)

    def __iter__(self) -> t.Iterator[str]:
        return iter(self._strong)

    def __contains__(self, etag: object) -> bool:
        return self.contains(etag)  # type: ignore[arg-type]

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {str(self)!r}>"


class IfRange:
    """``If-Range``: a date or a (strong, unquoted) tag."""

    def __init__(self, etag: str | None = None, date: datetime | None = None) -> None:
        self.etag = etag
        self.date = date

    def to_header(self) -> str:
        if self.date is not None:
            return http_date(self.date)
        if self.etag is not None:
            return quote_etag(self.etag)
        return ""

    def __str__(self) -> str:
        return self.to_header()

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {str(self)!r}>"


class Range:
    """A ``Range`` header: ``units`` and ``(begin, end)`` pairs, ``end``
    exclusive (None: to the end; a negative begin: a suffix)."""

    def __init__(self, units: str, ranges: t.Sequence[tuple[int, int | None]]) -> None:
        self.units = units
        self.ranges = ranges
        for start, end in ranges:
            if start is None or (end is not None and (start < 0 or start >= end)):
                raise ValueError(f"{(start, end)} is not a valid range.")

    def range_for_length(self, length: int | None) -> tuple[int, int] | None:
        """The one byte range to send of ``length`` bytes; None for several
        ranges (Werkzeug answers no multipart/byteranges) or none valid."""
        if self.units != "bytes" or length is None or len(self.ranges) != 1:
            return None
        start, end = self.ranges[0]
        if end is None:
            end = length
            if start < 0:
                start += length
        if is_byte_range_valid(start, end, length):
            return start, min(end, length)
        return None

    def make_content_range(self, length: int | None) -> ContentRange | None:
        rng = self.range_for_length(length)
        if rng is not None:
            return ContentRange(self.units, rng[0], rng[1], length)
        return None

    def to_header(self) -> str:
        ranges = []
        for begin, end in self.ranges:
            if end is None:
                ranges.append(f"{begin}-" if begin >= 0 else str(begin))
            else:
                ranges.append(f"{begin}-{end - 1}")
        return f"{self.units}={','.join(ranges)}"

    def to_content_range_header(self, length: int | None) -> str | None:
        rng = self.range_for_length(length)
        if rng is not None:
            return f"{self.units} {rng[0]}-{rng[1] - 1}/{length}"
        return None

    def __str__(self) -> str:
        return self.to_header()

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {str(self)!r}>"


class _Notifying:
    """A ContentRange field whose every assignment calls ``on_update``
    (how ``response.content_range.start = 0`` reaches the header)."""

    def __set_name__(self, owner: type, name: str) -> None:
        self.attr = f"_{name}"

    def __get__(self, instance: t.Any, owner: t.Any = None) -> t.Any:
        if instance is None:
            return self
        return instance.__dict__[self.attr]

    def __set__(self, instance: t.Any, value: t.Any) -> None:
        instance.__dict__[self.attr] = value
        if instance.on_update is not None:
            instance.on_update(instance)


class ContentRange:
    """A ``Content-Range`` header: ``units start-(stop-1)/length``."""

    units = _Notifying()
    start = _Notifying()
    stop = _Notifying()
    length = _Notifying()

    def __init__(
        self,
        units: str | None,
        start: int | None,
        stop: int | None,
        length: int | None = None,
        on_update: t.Callable[[ContentRange], None] | None = None,
    ) -> None:
        self.on_update = on_update
        self.set(start, stop, length, units)

    def set(self, start: int | None, stop: int | None, length: int | None = None, units: str | None = "bytes") -> None:
        assert is_byte_range_valid(start, stop, length), "Bad range provided"
        self.__dict__.update(_units=units, _start=start, _stop=stop, _length=length)
        if self.on_update is not None:
            self.on_update(self)

    def unset(self) -> None:
        self.set(None, None, units=None)

    def to_header(self) -> str:
        d = self.__dict__
        if d["_units"] is None:
            return ""
        length = "*" if d["_length"] is None else d["_length"]
        if d["_start"] is None:
            return f"{d['_units']} */{length}"
        return f"{d['_units']} {d['_start']}-{d['_stop'] - 1}/{length}"

    def __bool__(self) -> bool:
        return self.__dict__["_units"] is not None

    def __str__(self) -> str:
        return self.to_header()

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {str(self)!r}>"


# -- parsers ------------------------------------------------------------------

_ETAG = re.compile(
    r"""
    [ \t]*  # leading space
    ([Ww]/)?  # weak marker
    (?:
        "([^"]*)"  # quoted tag
    |
        ([^" \t,]+)  # an unquoted tag: invalid, taken as Werkzeug takes it
    )
    [ \t]*
    (?:,|\Z)
    """,
    flags=re.ASCII | re.VERBOSE,
)


def parse_etags(value: str | None) -> ETags:
    if not value:
        return ETags()
    if value == "*":
        return ETags(star_tag=True)
    strong = []
    weak = []
    pos = 0
    while True:
        m = _ETAG.match(value, pos)
        if m is None:
            # skip what does not parse, up to the next comma
            pos = value.find(",", pos) + 1
            if pos == 0:
                break
            continue
        is_weak, tag, unquoted = m.groups()
        pos = m.end()
        (weak if is_weak else strong).append(tag or unquoted)
    return ETags(strong, weak)


def parse_if_range_header(value: str | None) -> IfRange:
    if not value:
        return IfRange()
    date = parse_date(value)
    if date is not None:
        return IfRange(date=date)
    return IfRange(unquote_etag(value)[0])  # ranges compare strongly: weakness dropped


def parse_range_header(value: str | None, make_inclusive: bool = True) -> Range | None:
    """None for anything malformed, overlapping or out of order."""
    if not value or "=" not in value:
        return None
    ranges: list[tuple[int, int | None]] = []
    last_end = 0
    units, _, rng = value.partition("=")
    units = units.strip(" \t").lower()
    for item in rng.split(","):
        item = item.strip(" \t")
        if "-" not in item:
            return None
        end: int | None
        if item.startswith("-"):
            if last_end < 0:
                return None
            try:
                begin = _plain_int(item)
            except ValueError:
                return None
            if begin == 0:  # "-0": no suffix is empty
                return None
            end = None
            last_end = -1
        else:
            begin_str, _, end_str = item.partition("-")
            try:
                begin = _plain_int(begin_str.strip(" \t"))
            except ValueError:
                return None
            if begin < last_end or last_end < 0:
                return None
            end_str = end_str.strip(" \t")
            if end_str:
                try:
                    end = _plain_int(end_str) + 1
                except ValueError:
                    return None
                if begin >= end:
                    return None
            else:
                end = None
            last_end = end if end is not None else -1
        ranges.append((begin, end))
    return Range(units, ranges)


def parse_content_range_header(value: str | None, on_update: t.Callable[[ContentRange], None] | None = None) -> ContentRange | None:
    if value is None:
        return None
    units, _, rangedef = value.strip(" \t").partition(" ")
    if "/" not in rangedef:
        return None
    rng, _, length_str = rangedef.partition("/")
    length: int | None
    if length_str == "*":
        length = None
    else:
        try:
            length = _plain_int(length_str)
        except ValueError:
            return None
    if rng == "*":
        if not is_byte_range_valid(None, None, length):
            return None
        return ContentRange(units, None, None, length, on_update=on_update)
    if "-" not in rng:
        return None
    start_str, _, stop_str = rng.partition("-")
    try:
        start = _plain_int(start_str)
        stop = _plain_int(stop_str) + 1
    except ValueError:
        return None
    if is_byte_range_valid(start, stop, length):
        return ContentRange(units, start, stop, length, on_update=on_update)
    return None


def is_resource_modified(
    environ: t.Mapping[str, t.Any],
    etag: str | None = None,
    data: bytes | None = None,
    last_modified: datetime | str | None = None,
    ignore_if_range: bool = True,
) -> bool:
    """False when the request's conditions say the client's copy is
    current (Werkzeug's reading of RFC 9110: If-None-Match compares
    weakly, If-Match strongly; If-Unmodified-Since is not consulted)."""
    if etag is None and data is not None:
        etag = f'"{generate_etag(data)}"'
    elif data is not None:
        raise TypeError("both data and etag given")
    unmodified = False
    if isinstance(last_modified, str):
        last_modified = parse_date(last_modified)
    # HTTP dates have no microseconds: a stored mtime would never match
    if last_modified is not None:
        last_modified = _dt_as_utc(last_modified.replace(microsecond=0))
    http_range = environ.get("HTTP_RANGE")
    if_range = None
    if not ignore_if_range and http_range is not None:
        # If-Range without Range is ignored (RFC 9110 13.1.5)
        if_range = parse_if_range_header(environ.get("HTTP_IF_RANGE"))
    if if_range is not None and if_range.date is not None:
        modified_since: datetime | None = if_range.date
    else:
        modified_since = parse_date(environ.get("HTTP_IF_MODIFIED_SINCE"))
    if modified_since and last_modified and last_modified <= modified_since:
        unmodified = True
    if etag:
        etag, _ = unquote_etag(etag)
        if if_range is not None and if_range.etag is not None:
            unmodified = if_range.etag == etag
        else:
            if_none_match = parse_etags(environ.get("HTTP_IF_NONE_MATCH"))
            if if_none_match:
                unmodified = if_none_match.contains_weak(etag)  # type: ignore[arg-type]
            if_match = parse_etags(environ.get("HTTP_IF_MATCH"))
            if if_match:
                unmodified = not if_match.is_strong(etag)  # type: ignore[arg-type]
    return not unmodified


# -- Response.make_conditional -------------------------------------------------


def make_conditional(response: t.Any, environ: t.Mapping[str, t.Any], accept_ranges: bool | str, complete_length: int | None) -> None:
    """Werkzeug's ``make_conditional`` on ``response``: Date, then a 206
    for a satisfiable Range (416 raised otherwise), else 304 (or 412 when
    If-Match fails)."""
    if environ["REQUEST_METHOD"] not in ("GET", "HEAD"):
        return
    headers = response.headers
    if "date" not in headers:
        headers["Date"] = http_date()
    is206 = _process_range_request(response, environ, complete_length, accept_ranges)
    if not is206 and not is_resource_modified(environ, headers.get("ETag"), last_modified=headers.get("Last-Modified")):
        response.status_code = 412 if parse_etags(environ.get("HTTP_IF_MATCH")) else 304
    if response.automatically_set_content_length and "content-length" not in headers:
        length = response.calculate_content_length()
        if length is not None:
            headers["Content-Length"] = str(length)


def _process_range_request(response: t.Any, environ: t.Mapping[str, t.Any], complete_length: int | None, accept_ranges: bool | str) -> bool:
    if not accept_ranges:
        return False
    headers = response.headers
    headers["Accept-Ranges"] = "bytes" if accept_ranges is True else accept_ranges
    if not complete_length or "HTTP_RANGE" not in environ:
        return False
    if "HTTP_IF_RANGE" in environ and is_resource_modified(
        environ, headers.get("ETag"), last_modified=headers.get("Last-Modified"), ignore_if_range=False
    ):
        return False
    parsed = parse_range_header(environ.get("HTTP_RANGE"))
    if parsed is None:
        raise RequestedRangeNotSatisfiable(complete_length)
    range_tuple = parsed.range_for_length(complete_length)
    content_range = parsed.to_content_range_header(complete_length)
    if range_tuple is None or content_range is None:
        raise RequestedRangeNotSatisfiable(complete_length)
    length = range_tuple[1] - range_tuple[0]
    headers["Content-Length"] = str(length)
    headers["Content-Range"] = content_range
    response.status_code = 206
    response.response = _RangeWrapper(response.response, range_tuple[0], length)
    return True


class _RangeWrapper:
    """The body cut to ``byte_range`` bytes from ``start_byte``: seeks when
    the body is a seekable file, else reads and drops up to the start."""

    def __init__(self, iterable: t.Any, start_byte: int = 0, byte_range: int | None = None) -> None:
        self.source = iterable
        self.iterable = iter(iterable)
        self.byte_range = byte_range
        self.start_byte = start_byte
        self.end_byte = None if byte_range is None else start_byte + byte_range
        self.read_length = 0
        self.seekable = hasattr(iterable, "seekable") and iterable.seekable()
        self.end_reached = False

    def __iter__(self) -> _RangeWrapper:
        return self

    def _next_chunk(self) -> bytes:
        try:
            chunk = next(self.iterable)
        except StopIteration:
            self.end_reached = True
            raise
        if isinstance(chunk, str):
            chunk = chunk.encode()
        self.read_length += len(chunk)
        return chunk

    def _first_iteration(self) -> tuple[bytes | None, int]:
        chunk = None
        if self.seekable:
            self.iterable.seek(self.start_byte)
            self.read_length = self.iterable.tell()
            contextual_read_length = self.read_length
        else:
            while self.read_length <= self.start_byte:
                chunk = self._next_chunk()
            if chunk is not None:
                chunk = chunk[self.start_byte - self.read_length :]
            contextual_read_length = self.start_byte
        return chunk, contextual_read_length

    def _next(self) -> bytes:
        if self.end_reached:
            raise StopIteration()
        chunk = None
        contextual_read_length = self.read_length
        if self.read_length == 0:
            chunk, contextual_read_length = self._first_iteration()
        if chunk is None:
            chunk = self._next_chunk()
        if self.end_byte is not None and self.read_length >= self.end_byte:
            self.end_reached = True
            return chunk[: self.end_byte - contextual_read_length]
        return chunk

    def __next__(self) -> bytes:
        chunk = self._next()
        if chunk:
            return chunk
        self.end_reached = True
        raise StopIteration()

    def close(self) -> None:
        close = getattr(self.source, "close", None)
        if close is not None:
            close()
