"""Request-body parsing: urlencoded and multipart forms, plus the header and
query-string decoding they share with ``Request``.

Multipart framing is left to ``multipart`` (defnull's, the parser Bottle
uses): a push parser that never buffers more than a chunk, enforces part and
header limits, and rejects broken input instead of guessing.  What it
decodes is then laid out exactly as Werkzeug would (field vs file, names,
charsets), so ``request.form`` and ``request.files`` hold what Flask's do.

Where Werkzeug silently answers an empty form for a body it cannot parse,
this module raises ``BadRequest`` saying what was wrong: nothing the client
sent is dropped without the client being told.
"""

from __future__ import annotations

import codecs
import itertools
import typing as t
from tempfile import SpooledTemporaryFile
from urllib.parse import quote, unquote

from .datastructures import FileStorage, Headers, ImmutableMultiDict
from .exceptions import BadRequest, RequestEntityTooLarge
from .http import parse_options_header

__all__ = ["parse_form_data", "url_decode"]

_CHUNK = 64 * 1024
# Uploads stay in memory up to this size, then spill to a temporary file
# (Werkzeug's default_stream_factory threshold).
_SPOOL_SIZE = 500 * 1024
# Per-part header limits.  Werkzeug has none; browsers send 2-3 short lines.
# Generous so no real client trips them, bounded so a header cannot eat memory.
_MAX_PART_HEADER_SIZE = 16 * 1024
_MAX_PART_HEADERS = 16


# -- query strings and urlencoded bodies --------------------------------------


def _keep_quoted(e: UnicodeError) -> tuple[str, int]:
    # A percent-escape that is not UTF-8 stays as it was sent ("%FF"), as
    # Werkzeug does since 2.3: no data is silently turned into U+FFFD.
    bad = e.object[e.start : e.end]  # type: ignore[attr-defined]
    return quote(bad, safe=""), e.end  # type: ignore[attr-defined]


codecs.register_error("fastdispatch.url_quote", _keep_quoted)


def url_decode(s: str) -> list[tuple[str, str]]:
    """``a=1&b=&c`` -> [("a", "1"), ("b", ""), ("c", "")], as Werkzeug's
    ``parse_qsl(keep_blank_values=True)``: only ``&`` separates (never ``;``,
    whatever the Python version), ``+`` is a space, empty fields are skipped."""
    out = []
    for field in s.split("&"):
        if not field:
            continue
        if "+" in field:
            field = field.replace("+", " ")
        key, _, value = field.partition("=")
        # PERF: most fields have no escapes; unquote() costs a call even then.
        if "%" in key:
            key = unquote(key, "utf-8", "fastdispatch.url_quote")
        if "%" in value:
            value = unquote(value, "utf-8", "fastdispatch.url_quote")
        out.append((key, value))
    return out


# -- bodies -------------------------------------------------------------------

FormResult = t.Tuple[ImmutableMultiDict, ImmutableMultiDict]


def parse_form_data(
    stream: t.IO[bytes],
    mimetype: str,
    options: dict[str, str],
    max_form_memory_size: int | None = None,
    max_form_parts: int | None = None,
) -> FormResult | None:
    """``(form, files)`` for a form body, or ``None`` when ``mimetype`` is
    not a form type (the body is then left unread).

    ``stream`` must already be limited to the body (``Request.stream``), so
    ``max_content_length`` is enforced while reading.  Raises ``BadRequest``
    for a malformed body and ``RequestEntityTooLarge`` past a form limit.
    """
    if mimetype == "application/x-www-form-urlencoded":
        return _parse_urlencoded(stream)
    if mimetype == "multipart/form-data":
        return _parse_multipart(stream, options, max_form_memory_size, max_form_parts)
    return None


def _parse_urlencoded(stream: t.IO[bytes]) -> FormResult:
    body = stream.read()
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as e:
        # Werkzeug answers an empty form here; the client should know instead.
        raise BadRequest(
            description=f"The application/x-www-form-urlencoded body is not valid UTF-8 (byte {e.start}). "
            "Non-ASCII characters must be UTF-8, percent-encoded."
        ) from None
    return ImmutableMultiDict(url_decode(text)), ImmutableMultiDict()


def _part_charset(headers: Headers) -> str:
    # Werkzeug's rule: a part may only pick one of these; anything else
    # (including codecs Python should never run on input) means UTF-8.
    content_type = headers.get("content-type")
    if content_type:
        charset = parse_options_header(content_type)[1].get("charset", "").lower()
        if charset in ("ascii", "us-ascii", "utf-8", "iso-8859-1"):
            return charset
    return "utf-8"


def _parse_multipart(
    stream: t.IO[bytes],
    options: dict[str, str],
    max_form_memory_size: int | None,
    max_form_parts: int | None,
) -> FormResult:
    import multipart  # imported on first multipart request: keeps startup light

    boundary = options.get("boundary", "")
    if not boundary:
        raise BadRequest(description="The multipart/form-data request has no boundary parameter in its Content-Type.")
    try:
        boundary_bytes = boundary.encode("ascii")
    except UnicodeEncodeError:
        raise BadRequest(description="The multipart/form-data boundary must be ASCII.") from None
    if len(boundary_bytes) > 200 or "\r" in boundary or "\n" in boundary:
        # RFC 2046 allows 70 characters; leave room for odd clients, not for abuse.
        raise BadRequest(description="The multipart/form-data boundary is invalid (too long or contains line breaks).")

    try:
        parser = multipart.PushMultipartParser(
            boundary_bytes,
            max_header_size=_MAX_PART_HEADER_SIZE,
            max_header_count=_MAX_PART_HEADERS,
            max_segment_count=max_form_parts if max_form_parts is not None else float("inf"),
        )
    except multipart.MultipartError as e:
        raise BadRequest(description=f"Invalid multipart/form-data boundary: {e}.") from None

    fix = _OmittedBodyFix(boundary_bytes)
    fields: list[tuple[str, str]] = []
    files: list[tuple[str, FileStorage]] = []
    name = filename = None
    headers = Headers()
    chunks: list[bytes] = []
    size = 0
    container: t.Any = None
    read = stream.read
    try:
        while True:
            chunk = read(_CHUNK)
            data = fix.feed(chunk)
            events: t.Iterable[t.Any] = parser.parse(data) if data else ()
            if not chunk:
                # An empty chunk tells the parser the body ended: it raises
                # if the closing boundary never came (a truncated upload).
                events = itertools.chain(events, parser.parse(b""))
            for event in events:
                if event is None:  # end of a part
                    if container is None:
                        fields.append((name, b"".join(chunks).decode(_part_charset(headers), "replace")))  # type: ignore[arg-type]
                    else:
                        container.seek(0)
                        files.append((name, FileStorage(container, filename, name, headers=headers)))  # type: ignore[arg-type]
                        container = None
                elif isinstance(event, multipart.MultipartSegment):
                    headers = Headers()
                    headers._list = list(event.headerlist)  # validated by the parser
                    disposition = parse_options_header(headers.get("content-disposition"))[1]
                    name = disposition.get("name")
                    if name is None:
                        raise BadRequest(description="Invalid multipart/form-data body: a part has no name in its Content-Disposition header.")
                    filename = disposition.get("filename")
                    if filename is None:  # a form field: kept in memory, so limited
                        chunks, size = [], 0
                    else:
                        container = SpooledTemporaryFile(max_size=_SPOOL_SIZE, mode="rb+")
                elif container is None:
                    size += len(event)
                    if max_form_memory_size is not None and size > max_form_memory_size:
                        # Werkzeug's default page, as Flask answers (the field is {name!r})
                        raise RequestEntityTooLarge()
                    chunks.append(bytes(event))
                else:
                    container.write(event)
            if not chunk:
                break
    except multipart.ParserLimitReached:
        _close(files, container)
        raise RequestEntityTooLarge() from None  # Werkzeug's default page, as Flask answers
    except multipart.MultipartError as e:
        _close(files, container)
        raise BadRequest(description=f"Invalid multipart/form-data body: {_msg(e)}.") from None
    except BaseException:
        _close(files, container)
        raise
    return ImmutableMultiDict(fields), ImmutableMultiDict(files)


_FIND, _TAIL, _HEADERS, _AFTER, _PASS, _START = range(6)


class _OmittedBodyFix:
    """Restores the CRLF that opens an empty part's body where the sender
    left the body out.

    RFC 2046 makes a part's body optional: ``headers CRLF`` then straight
    to the next delimiter (``CRLF --boundary``).  Werkzeug's test client
    (and fastdispatch's, which mirrors it) encodes empty fields and files
    that way.  ``multipart`` (like python-multipart) only knows the form
    with an empty body (``headers CRLF CRLF CRLF --boundary``) and would
    read the *next* part as this one's value.  So, only right after a
    part's header block and only if the delimiter follows at once, the
    missing CRLF is inserted; everything else streams through unchanged.
    """

    _MAX_HEADER_BLOCK = 256 * 1024  # past this the parser's own limits decide

    def __init__(self, boundary: bytes) -> None:
        self.dash = b"--" + boundary
        self.delim = b"\r\n" + self.dash
        self.buf = b""
        self.state = _START

    def feed(self, chunk: bytes) -> bytes:
        """Bytes to hand to the parser for ``chunk``; b"" marks the end."""
        if self.state == _PASS:
            return chunk
        buf = self.buf + chunk
        eof = not chunk
        out = []
        i = 0  # bytes before i are final
        header_start = 0
        while True:
            state = self.state
            if state == _START:  # the first delimiter may open the stream without CRLF
                if len(buf) < len(self.dash) and self.dash.startswith(buf) and not eof:
                    break
                if buf.startswith(self.dash):
                    i, self.state = len(self.dash), _TAIL
                else:
                    self.state = _FIND
            elif state == _FIND:
                j = buf.find(self.delim, i)
                if j < 0:
                    i = max(i, len(buf) - len(self.delim) + 1)
                    break
                i, self.state = j + len(self.delim), _TAIL
            elif state == _TAIL:  # "--" after a delimiter closes the body
                if len(buf) < i + 2:
                    break
                if buf[i : i + 2] == b"--":
                    self.state, i = _PASS, len(buf)
                    break
                self.state, header_start = _HEADERS, i
            elif state == _HEADERS:
                j = buf.find(b"\r\n\r\n", i)
                if j < 0:
                    if len(buf) - header_start > self._MAX_HEADER_BLOCK:
                        self.state, i = _PASS, len(buf)
                        break
                    i = max(i, len(buf) - 3)
                    break
                i, self.state = j + 4, _AFTER
            else:  # _AFTER: the end of a header block; is a delimiter next?
                head = buf[i : i + len(self.dash)]
                if len(head) < len(self.dash) and self.dash.startswith(head) and not eof:
                    break
                if head == self.dash:
                    out.append(buf[:i] + b"\r\n")
                    buf, i, self.state = buf[i:], len(self.dash), _TAIL
                else:
                    self.state = _FIND
        out.append(buf[:i])
        self.buf = buf[i:]
        if eof:
            out.append(self.buf)
            self.buf = b""
        return b"".join(out)


def _msg(e: Exception) -> str:
    # The library's first argument is its message; a second may hold the cause.
    return str(e.args[0]) if e.args else type(e).__name__


def _close(files: list[tuple[str, FileStorage]], container: t.Any) -> None:
    for _, f in files:
        f.close()
    if container is not None:
        container.close()
