"""Reading the WSGI environ, as Werkzeug reads it: the path's latin-1
decoding, the body streams (cut at Content-Length, or read to the end a
server marks), and Werkzeug's URL, host, cookie and list-header rules.

Only ``Request`` uses these; they live apart so that request.py holds the
request's API and this file the wire rules under it.
"""

from __future__ import annotations

import io
import re
import typing as t
from urllib.parse import quote, unquote, urlsplit, urlunsplit

from .exceptions import ClientDisconnected, RequestEntityTooLarge, SecurityError
from .http import parse_list_header as _parse_list_header  # noqa: F401  (request's and response's name for it)

# the rest is internal: the request's helpers
__all__ = ["get_host", "host_is_trusted"]

_CHUNK = 64 * 1024


def _wsgi_decode(s: str) -> str:
    # WSGI hands out bytes as latin-1 code points; the URL is really UTF-8.
    if s.isascii():
        return s
    try:
        return s.encode("latin-1").decode("utf-8", "replace")
    except UnicodeEncodeError:  # a server that already decoded it
        return s


# -- body streams ---------------------------------------------------------------


class _LengthStream(io.RawIOBase):
    """``wsgi.input`` cut at Content-Length: reading past the body would
    block on a keep-alive connection or read the next request.  A body that
    ends early (client gone) is a 400, not a silently short read."""

    def __init__(self, raw: t.Any, length: int) -> None:
        self._raw = raw
        self._length = length
        self._remaining = length

    def readable(self) -> bool:
        return True

    def _read(self, n: int) -> bytes:
        try:
            data = self._raw.read(n)
        except (OSError, ValueError):
            data = b""
        if not data:
            raise ClientDisconnected(
                description=f"The request body ended after {self._length - self._remaining} of the "
                f"{self._length} bytes announced by Content-Length."
            )
        self._remaining -= len(data)
        return data  # type: ignore[no-any-return]

    def read(self, size: int | None = -1) -> bytes:
        if size is None or size < 0:
            return self.readall()
        n = min(size, self._remaining)
        return self._read(n) if n > 0 else b""

    def readall(self) -> bytes:
        chunks = []
        while self._remaining > 0:
            chunks.append(self._read(min(self._remaining, _CHUNK)))
        return b"".join(chunks) if len(chunks) != 1 else chunks[0]

    def readinto(self, b: t.Any) -> int:
        data = self.read(len(b))
        b[: len(data)] = data
        return len(data)

    def readline(self, size: int | None = -1) -> bytes:
        n = self._remaining if size is None or size < 0 else min(size, self._remaining)
        if n <= 0:
            return b""
        try:
            data = self._raw.readline(n)
        except (OSError, ValueError):
            data = b""
        if not data:
            return self._read(n)  # raises ClientDisconnected
        self._remaining -= len(data)
        return data  # type: ignore[no-any-return]


class _TerminatedStream(io.RawIOBase):
    """A body of unknown length from a server that ends the stream itself
    (``wsgi.input_terminated``): read to EOF, 413 as soon as more than
    ``limit`` bytes arrive."""

    def __init__(self, raw: t.Any, limit: int | None) -> None:
        self._raw = raw
        self._remaining = limit  # None: unlimited

    def readable(self) -> bool:
        return True

    def read(self, size: int | None = -1) -> bytes:
        if size is None or size < 0:
            return self.readall()
        if self._remaining is not None:
            # One byte beyond the limit tells "exactly at" from "over".
            size = min(size, self._remaining + 1)
        try:
            data = self._raw.read(size) if size > 0 else b""
        except (OSError, ValueError):
            raise ClientDisconnected(description="The client disconnected while sending the request body.") from None
        if self._remaining is not None:
            self._remaining -= len(data)
            if self._remaining < 0:
                raise RequestEntityTooLarge()  # Werkzeug's page, as Flask
        return data  # type: ignore[no-any-return]

    def readall(self) -> bytes:
        chunks = []
        while True:
            data = self.read(_CHUNK)
            if not data:
                return b"".join(chunks)
            chunks.append(data)

    def readinto(self, b: t.Any) -> int:
        data = self.read(len(b))
        b[: len(data)] = data
        return len(data)


# -- Werkzeug's URL, host and cookie rules ------------------------------------


_host_re = re.compile(
    r"([a-z0-9.-]+|\[[a-f0-9]*:[a-f0-9.:]+])(?::([1-9][0-9]{,4}))?",
    flags=re.ASCII | re.IGNORECASE,
)


def host_is_trusted(hostname: str | None, trusted_list: t.Collection[str] | None = None) -> bool:
    """Whether ``host[:port]`` is made of valid characters with a valid
    port and, given ``trusted_list``, names one of its hosts (the port not
    compared; an entry with a leading dot also matches its subdomains).
    Werkzeug 3.1's ``host_is_trusted``."""
    if not hostname:
        return False
    m = _host_re.fullmatch(hostname)
    if m is None:
        return False
    hostname, port = m.groups()
    if port and not 1 <= int(port) <= 65535:
        return False
    if not trusted_list:
        return True
    if isinstance(trusted_list, str):
        trusted_list = [trusted_list]
    for ref in trusted_list:
        suffix_match = ref.startswith(".")
        if suffix_match:
            ref = ref[1:]
        try:
            ref = ref.partition(":")[0].encode("idna").decode("ascii")
        except UnicodeError:
            return False
        if ref == hostname or (suffix_match and hostname.endswith(f".{ref}")):
            return True
    return False


def get_host(environ: dict[str, t.Any], trusted_hosts: t.Collection[str] | None = None) -> str:
    """The request's ``host[:port]`` (``werkzeug.wsgi.get_host``): the Host
    header, else the server address, without the scheme's default port;
    "" if invalid.  With ``trusted_hosts``, a host not among them raises
    ``SecurityError`` (a 400)."""
    return _get_host(environ.get("wsgi.url_scheme", "http"), environ.get("HTTP_HOST"), _server_address(environ), trusted_hosts)


def _get_host(
    scheme: str, host_header: str | None, server: tuple[str, int | None] | None, trusted_hosts: t.Collection[str] | None = None
) -> str:
    if host_header is not None:
        host = host_header
    elif server is not None and server[1] is not None:
        host = server[0]
        if ":" in host and host[0] != "[":
            host = f"[{host}]"
        host = f"{host}:{server[1]}"
    else:
        return ""
    if scheme in ("http", "ws"):
        host = host[:-3] if host.endswith(":80") else host
    elif scheme in ("https", "wss"):
        host = host[:-4] if host.endswith(":443") else host
    if trusted_hosts:
        if not host_is_trusted(host, trusted_hosts):
            raise SecurityError(description=f"Host {host!r} is not trusted.")
        return host
    m = _host_re.fullmatch(host)
    if m is None or (m.group(2) and not 1 <= int(m.group(2)) <= 65535):
        return ""  # invalid characters: treated as no host, as Werkzeug
    return host


def _server_address(environ: dict[str, t.Any]) -> tuple[str, int | None] | None:
    """``(SERVER_NAME, SERVER_PORT)``; the port None for a unix socket."""
    name = environ.get("SERVER_NAME")
    if name is None:
        return None
    try:
        port: int | None = int(environ.get("SERVER_PORT"))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        port = None
    return name, port


def redirect_url(environ: dict[str, t.Any] | None, path: str) -> str:
    """Werkzeug's ``MapAdapter.make_redirect_url`` for ``path`` (not yet
    quoted): absolute in the request's ``environ``, its query string kept;
    without an environ, the path quoted."""
    path = quote(path, safe="!$&'()*+,/:;=@")
    if environ is None:
        return path
    scheme = environ.get("wsgi.url_scheme", "http")
    host = _get_host(scheme, environ.get("HTTP_HOST"), _server_address(environ))
    root = _wsgi_decode(environ.get("SCRIPT_NAME") or "").strip("/")
    query = _wsgi_decode(environ.get("QUERY_STRING", "")) or None
    return urlunsplit((scheme, host, "/".join((root, path.lstrip("/"))), query, None))


def _unquote_part(keep: str) -> t.Callable[[str], str]:
    # Decode percent-escapes except those of ``keep`` (whose meaning in this
    # URL part would change), keeping non-UTF-8 escapes: Werkzeug's IRI form.
    choices = "|".join(f"{ord(c):02X}" for c in sorted(keep))
    pattern = re.compile(f"((?:%(?:{choices}))+)", re.I)

    def unquote_part(value: str) -> str:
        parts = iter(pattern.split(value))
        out = []
        for part in parts:
            out.append(unquote(part, "utf-8", "fastdispatch.url_quote"))
            out.append(next(parts, ""))
        return "".join(out)

    return unquote_part


_always_unsafe = bytes((*range(0x21), 0x25, 0x7F)).decode()
_unquote_query = _unquote_part(_always_unsafe + "&=+#")
_unquote_path = _unquote_part(_always_unsafe + "/?#")


def _decode_idna(domain: str) -> str:
    try:
        data = domain.encode("ascii")
    except UnicodeEncodeError:
        return domain
    try:
        return data.decode("idna")
    except UnicodeError:
        pass
    parts = []
    for part in data.split(b"."):
        try:
            parts.append(part.decode("idna"))
        except UnicodeError:
            parts.append(part.decode("ascii"))
    return ".".join(parts)


def _uri_to_iri(uri: str) -> str:
    parts = urlsplit(uri)
    netloc = _decode_idna(parts.hostname) if parts.hostname else ""
    if ":" in netloc:
        netloc = f"[{netloc}]"
    if parts.port is not None:
        netloc = f"{netloc}:{parts.port}"
    return urlunsplit((parts.scheme, netloc, _unquote_path(parts.path), _unquote_query(parts.query), parts.fragment))


def _current_url(
    scheme: str, host: str, root_path: str | None = None, path: str | None = None, query_string: bytes | None = None
) -> str:
    """Werkzeug's ``get_current_url``: an IRI (Unicode kept, reserved and
    invalid bytes quoted)."""
    url = [scheme, "://", host]
    if root_path is None:
        url.append("/")
        return _uri_to_iri("".join(url))
    url.append(quote(root_path.rstrip("/"), safe="!$&'()*+,/:;=@%"))
    url.append("/")
    if path is not None:
        url.append(quote(path.lstrip("/"), safe="!$&'()*+,/:;=@%"))
        if query_string:
            url.append("?")
            url.append(quote(query_string, safe="!$&'()*+,/:;=?@%"))
    return _uri_to_iri("".join(url))


_cookie_re = re.compile(
    r"""
    [ \t]*                          # leading space
    ([^ \t=";]+)                    # key
    (?:[ \t]*=[ \t]*                # optional =value
        ("(?:[^\\"]|\\.)*"          # quoted, with backslash escapes
        |[^ \t";]*)                 # or a token
    )?
    [ \t]*
    (?:;|\Z)
    """,
    flags=re.ASCII | re.VERBOSE,
)
_cookie_unslash_re = re.compile(rb"\\([0-3][0-7]{2}|.)")


def _cookie_unslash(m: t.Match[bytes]) -> bytes:
    v = m.group(1)
    return v if len(v) == 1 else int(v, 8).to_bytes(1, "big")


def _parse_cookie(cookie: str | None) -> list[tuple[str, str]]:
    """Werkzeug's ``parse_cookie``: malformed pairs are skipped up to the
    next ``;``, quoted values unescaped (octal escapes too)."""
    out: list[tuple[str, str]] = []
    if not cookie:
        return out
    pos = 0
    while True:
        m = _cookie_re.match(cookie, pos)
        if m is None:
            pos = cookie.find(";", pos) + 1
            if pos == 0:
                break
            continue
        key, value = m.groups()
        pos = m.end()
        if value is None:
            value = ""
        if value.startswith('"') and value.endswith('"'):
            value = _cookie_unslash_re.sub(_cookie_unslash, value[1:-1].encode()).decode(errors="replace")
        out.append((key, value))
    return out
