"""HTTP formatting shared by responses, errors and the test client:
Werkzeug's status table, header-value checks, content types, dates,
IRI-to-URI quoting, ``Set-Cookie`` values (``dump_cookie``), header
options (``parse_options_header``), and list, dict, Accept and
Cache-Control headers (``parse_*_header``, ``dump_header``).

Each reproduces its Werkzeug 3.1 namesake byte for byte (``werkzeug.http``,
``werkzeug.urls``, ``werkzeug.utils``); tests/app/test_response.py compares
them.  Standard library only, and nothing from this package, so any module
here may import it at load time.
"""

from __future__ import annotations

import email.utils
import enum
import re
import time
import typing as t
import warnings
from datetime import date, datetime, timedelta, timezone
from datetime import time as _dtime
from urllib.parse import quote, unquote, urlsplit, urlunsplit

__all__ = [
    "COEP",
    "COOP",
    "HTTP_STATUS_CODES",
    "dump_cookie",
    "dump_header",
    "dump_options_header",
    "generate_etag",
    "get_content_type",
    "http_date",
    "iri_to_uri",
    "is_byte_range_valid",
    "parse_accept_header",
    "parse_date",
    "parse_dict_header",
    "parse_list_header",
    "parse_options_header",
    "quote_etag",
    "quote_header_value",
    "unquote_etag",
    "unquote_header_value",
]

# Werkzeug's table (werkzeug.http.HTTP_STATUS_CODES), reason phrases included
# verbatim: they appear upper-cased in status lines and as-is in error pages.
HTTP_STATUS_CODES: dict[int, str] = {
    100: "Continue",
    101: "Switching Protocols",
    102: "Processing",
    103: "Early Hints",
    200: "OK",
    201: "Created",
    202: "Accepted",
    203: "Non Authoritative Information",
    204: "No Content",
    205: "Reset Content",
    206: "Partial Content",
    207: "Multi Status",
    208: "Already Reported",
    226: "IM Used",
    300: "Multiple Choices",
    301: "Moved Permanently",
    302: "Found",
    303: "See Other",
    304: "Not Modified",
    305: "Use Proxy",
    306: "Switch Proxy",
    307: "Temporary Redirect",
    308: "Permanent Redirect",
    400: "Bad Request",
    401: "Unauthorized",
    402: "Payment Required",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    406: "Not Acceptable",
    407: "Proxy Authentication Required",
    408: "Request Timeout",
    409: "Conflict",
    410: "Gone",
    411: "Length Required",
    412: "Precondition Failed",
    413: "Request Entity Too Large",
    414: "Request URI Too Long",
    415: "Unsupported Media Type",
    416: "Requested Range Not Satisfiable",
    417: "Expectation Failed",
    418: "I'm a teapot",
    421: "Misdirected Request",
    422: "Unprocessable Entity",
    423: "Locked",
    424: "Failed Dependency",
    425: "Too Early",
    426: "Upgrade Required",
    428: "Precondition Required",
    429: "Too Many Requests",
    431: "Request Header Fields Too Large",
    449: "Retry With",
    451: "Unavailable For Legal Reasons",
    500: "Internal Server Error",
    501: "Not Implemented",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
    505: "HTTP Version Not Supported",
    506: "Variant Also Negotiates",
    507: "Insufficient Storage",
    508: "Loop Detected",
    510: "Not Extended",
    511: "Network Authentication Failed",
}

# PERF: status lines precomputed; Werkzeug upper-cases the phrase ("404 NOT FOUND").
_STATUS_LINES = {code: f"{code} {name.upper()}" for code, name in HTTP_STATUS_CODES.items()}

# A status line or header value with these would split the HTTP message.
#: the header of a text answer, and of a JSON one, as the short path sends them
TEXT_HTML = ("Content-Type", "text/html; charset=utf-8")
APPLICATION_JSON = ("Content-Type", "application/json")

_BAD_HEADER_CHARS = re.compile(r"[\r\n\x00]")
_NEWLINE_ERROR = "Header values must not contain newline characters."


def _check_header_value(value: str) -> str:
    if _BAD_HEADER_CHARS.search(value) is not None:
        raise ValueError(_NEWLINE_ERROR)
    return value


# -- small HTTP formatting helpers (Werkzeug's, reimplemented) ----------------

# Types that are text though not text/* (werkzeug.utils._charset_mimetypes).
_CHARSET_MIMETYPES = frozenset(
    {
        "application/ecmascript",
        "application/javascript",
        "application/sql",
        "application/xml",
        "application/xml-dtd",
        "application/xml-external-parsed-entity",
    }
)


def get_content_type(mimetype: str, charset: str = "utf-8") -> str:
    """``mimetype`` with ``; charset=...`` added where Werkzeug adds it:
    ``text/*``, ``*+xml`` and a few known text types (not JSON)."""
    if mimetype.startswith("text/") or mimetype in _CHARSET_MIMETYPES or mimetype.endswith("+xml"):
        mimetype += f"; charset={charset}"
    return mimetype


# PERF: the few mimetypes an app uses, validated and expanded once.  Bounded,
# since a mimetype can come from request data.
_CT_CACHE: dict[str, str] = {}


def _content_type_for(mimetype: str) -> str:
    ct = _CT_CACHE.get(mimetype)
    if ct is None:
        ct = _check_header_value(get_content_type(mimetype))
        if len(_CT_CACHE) < 256:
            _CT_CACHE[mimetype] = ct
    return ct


def _escape(s: t.Any) -> str:
    """``markupsafe.escape`` as a plain str: objects with ``__html__`` are
    trusted, everything else has ``& < > ' "`` replaced the way MarkupSafe
    does (``&#39;``/``&#34;``, not ``html.escape``'s forms)."""
    if hasattr(s, "__html__"):
        return str(s.__html__())
    return (
        str(s)
        .replace("&", "&amp;")
        .replace(">", "&gt;")
        .replace("<", "&lt;")
        .replace("'", "&#39;")
        .replace('"', "&#34;")
    )


def redirect_page(location: str) -> str:
    """The HTML body of Werkzeug's ``redirect`` to ``location``."""
    html_location = _escape(location)
    return (
        "<!doctype html>\n"
        "<html lang=en>\n"
        "<title>Redirecting...</title>\n"
        "<h1>Redirecting...</h1>\n"
        "<p>You should be redirected automatically to the target URL: "
        f'<a href="{html_location}">{html_location}</a>. If not, click the link.\n'
    )


def _dt_as_utc(dt: datetime) -> datetime:
    if dt.tzinfo is None:
        return dt.replace(tzinfo=timezone.utc)
    if dt.tzinfo != timezone.utc:
        return dt.astimezone(timezone.utc)
    return dt


def http_date(timestamp: datetime | date | int | float | time.struct_time | None = None) -> str:
    """RFC 2822 date, as ``werkzeug.http.http_date``: naive datetimes are UTC,
    a plain date is midnight UTC, ``None`` is now."""
    if isinstance(timestamp, date):
        if not isinstance(timestamp, datetime):
            timestamp = datetime.combine(timestamp, _dtime(), tzinfo=timezone.utc)
        else:
            timestamp = _dt_as_utc(timestamp)
        return email.utils.format_datetime(timestamp, usegmt=True)
    if isinstance(timestamp, time.struct_time):
        timestamp = time.mktime(timestamp)
    return email.utils.formatdate(timestamp, usegmt=True)


def parse_date(value: str | None) -> datetime | None:
    """``werkzeug.http.parse_date``: aware UTC datetime, or None."""
    if value is None:
        return None
    try:
        dt = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if dt.tzinfo is None:
        return dt.replace(tzinfo=timezone.utc)
    return dt



def iri_to_uri(iri: str) -> str:
    """``werkzeug.urls.iri_to_uri``: quote what is not URI-safe, IDNA-encode
    the host.  Applied to Location and Content-Location on the way out."""
    parts = urlsplit(iri)
    path = quote(parts.path, safe="%!$&'()*+,/:;=@")
    query = quote(parts.query, safe="%!$&'()*+,/:;=?@")
    fragment = quote(parts.fragment, safe="%!#$&'()*+,/:;=?@")
    netloc = parts.hostname.encode("idna").decode("ascii") if parts.hostname else ""
    if ":" in netloc:
        netloc = f"[{netloc}]"
    if parts.port is not None:
        netloc = f"{netloc}:{parts.port}"
    if parts.username is not None:
        auth = quote(parts.username, safe="%!$&'()*+,;=")
        if parts.password is not None:
            password = quote(parts.password, safe="%!$&'()*+,;=")
            auth = f"{auth}:{password}"
        netloc = f"{auth}@{netloc}"
    return urlunsplit((parts.scheme, netloc, path, query, fragment))


# -- cookies ------------------------------------------------------------------

# RFC 6265 cookie-octets (plus a few Werkzeug lets through unquoted); anything
# else gets the value double-quoted with octal escapes, as http.cookies does.
_cookie_no_quote_re = re.compile(r"[\w!#$%&'()*+\-./:<=>?@\[\]^`{|}~]*", re.A)
# \x19, not \x1f: copied from Werkzeug as is, since the output must match.
_cookie_slash_re = re.compile(rb"[\x00-\x19\",;\\\x7f-\xff]", re.A)
_cookie_slash_map = {b'"': b'\\"', b"\\": b"\\\\"}
_cookie_slash_map.update((v.to_bytes(1, "big"), b"\\%03o" % v) for v in [*range(0x20), *b",;", *range(0x7F, 256)])


def dump_cookie(
    key: str,
    value: str = "",
    max_age: timedelta | int | None = None,
    expires: str | datetime | int | float | None = None,
    path: str | None = "/",
    domain: str | None = None,
    secure: bool = False,
    httponly: bool = False,
    sync_expires: bool = True,
    max_size: int = 4093,
    samesite: str | None = None,
    partitioned: bool = False,
) -> str:
    """A ``Set-Cookie`` value, identical to ``werkzeug.http.dump_cookie``."""
    if path is not None:
        path = quote(path, safe="%!$&'()*+,/:=@")
    if domain:
        domain = domain.partition(":")[0].lstrip(".").encode("idna").decode("ascii")
    if isinstance(max_age, timedelta):
        max_age = int(max_age.total_seconds())
    if expires is not None:
        if not isinstance(expires, str):
            expires = http_date(expires)
    elif max_age is not None and sync_expires:
        expires = http_date(time.time() + max_age)
    if samesite is not None:
        samesite = samesite.title()
        if samesite not in {"Strict", "Lax", "None"}:
            raise ValueError("SameSite must be 'Strict', 'Lax', or 'None'.")
    if partitioned:
        secure = True
    if not _cookie_no_quote_re.fullmatch(value):
        value = _cookie_slash_re.sub(lambda m: _cookie_slash_map[m.group()], value.encode()).decode("ascii")
        value = f'"{value}"'
    # A non-ASCII key goes out as UTF-8 read as latin-1, as Werkzeug sends it.
    buf = [f"{key.encode().decode('latin1')}={value}"]
    for k, v in (
        ("Domain", domain),
        ("Expires", expires),
        ("Max-Age", max_age),
        ("Secure", secure),
        ("HttpOnly", httponly),
        ("Path", path),
        ("SameSite", samesite),
        ("Partitioned", partitioned),
    ):
        if v is None or v is False:
            continue
        if v is True:
            buf.append(k)
            continue
        buf.append(f"{k}={v}")
    rv = "; ".join(buf)
    cookie_size = len(rv)
    if max_size and cookie_size > max_size:
        value_size = len(value)
        warnings.warn(
            f"The '{key}' cookie is too large: the value was {value_size} bytes but the"
            f" header required {cookie_size - value_size} extra bytes. The final size"
            f" was {cookie_size} bytes but the limit is {max_size} bytes. Browsers may"
            " silently ignore cookies larger than this.",
            stacklevel=2,
        )
    return rv


# -- Content-Type / Content-Disposition parameters ----------------------------

_key_re = re.compile(r"([\w!#$%&'*+\-.^`|~]+)=", re.ASCII)
_token_re = re.compile(r"[\w!#$%&'*+\-.^`|~]+", re.ASCII)
_delimiter_re = re.compile(r";[ \t]*")
_mark_re = re.compile(r"(?:\*(\d+))?(\*)?$", re.ASCII)
_charset_value_re = re.compile(r"([\w!#$%&*+\-.^`|~]*)'[\w!#$%&*+\-.^`|~]*'([\w!#$%&'*+\-.^`|~]+)$", re.ASCII)
_unslash_re = re.compile(r"\\(.)", re.ASCII)


def _unquote_header_value(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] == '"':
        return _unslash_re.sub(r"\g<1>", value[1:-1])
    return value


def parse_options_header(value: str | None) -> tuple[str, dict[str, str]]:
    """``('text/html', {'charset': 'utf-8'})`` from ``text/html; charset=utf-8``.

    Werkzeug's algorithm, so ``mimetype_params`` and upload filenames match
    Flask's: option names lower-cased, quoted values unescaped (``\\"`` and
    the HTML form ``%22``), RFC 2231 ``key*=utf-8''...`` and ``key*0=``
    continuations decoded, malformed options skipped.
    """
    if not value:
        return "", {}
    value, _, rest = value.partition(";")
    value = value.strip(" \t")
    rest = rest.strip(" \t")
    if not value or not rest:
        return value, {}

    parts: list[tuple[str, str]] = []
    pos, length = 0, len(rest)
    while pos < length:
        m_key = _key_re.match(rest, pos)
        if m_key is not None:
            key = m_key.group(1).lower()
            pos = m_key.end()
            m_value = _token_re.match(rest, pos)
            if m_value is not None:
                parts.append((key, m_value.group()))
            elif rest.startswith('"', pos):
                end = pos + 1
                while end < length:
                    if rest.startswith(("\\\\", '\\"'), end):
                        end += 2
                    elif rest[end] == '"':
                        end += 1
                        parts.append((key, rest[pos:end]))
                        pos = end
                        break
                    else:
                        end += 1
                else:
                    break  # unterminated quoted string: ignore the rest
        m_delim = _delimiter_re.search(rest, pos)
        if m_delim is None:
            break
        pos = m_delim.end()

    options: dict[str, str] = {}
    continuations: dict[str, list[str]] = {}
    encodings: dict[str, str] = {}
    for key, val in parts:
        encoding = None
        has_continuation = has_charset = False
        m_mark = _mark_re.search(key)
        if m_mark is not None and m_mark.end() > m_mark.start():
            has_continuation = m_mark.group(1) is not None
            has_charset = m_mark.group(2) is not None
            key = key[: m_mark.start()]
        if has_charset:
            m_charset = _charset_value_re.match(val)
            if m_charset is not None:
                encoding, val = m_charset.groups()
                encoding = encoding.lower()
            if not encoding and has_continuation:
                encoding = encodings.get(key)
            # Only these: Python codecs such as "zip" must not be reachable.
            if encoding in ("ascii", "us-ascii", "utf-8", "iso-8859-1"):
                val = unquote(val, encoding=encoding)
        else:
            val = _unquote_header_value(val).replace("%22", '"')
        if has_continuation:
            options.pop(key, None)
            continuations.setdefault(key, []).append(val)
            if encoding:
                encodings[key] = encoding
        else:
            if continuations.pop(key, None) is not None:
                encodings.pop(key, None)
            options[key] = val
    options.update({k: "".join(v) for k, v in continuations.items()})
    return value, options


class COEP(enum.Enum):
    """Cross-Origin-Embedder-Policy values (Werkzeug's)."""

    UNSAFE_NONE = "unsafe-none"
    REQUIRE_CORP = "require-corp"


class COOP(enum.Enum):
    """Cross-Origin-Opener-Policy values (Werkzeug's)."""

    UNSAFE_NONE = "unsafe-none"
    SAME_ORIGIN_ALLOW_POPUPS = "same-origin-allow-popups"
    SAME_ORIGIN = "same-origin"


# -- ETags, byte ranges, dictionary headers (werkzeug.http's) -----------------

# Header ints are ASCII digits only: int() would also take "+1", "1_0", "١".
_PLAIN_INT = re.compile(r"-?[0-9]+", re.ASCII)


def _plain_int(value: str) -> int:
    value = value.strip(" \t")
    if _PLAIN_INT.fullmatch(value) is None:
        raise ValueError
    return int(value)


def quote_etag(etag: str, weak: bool = False) -> str:
    if '"' in etag:
        raise ValueError("invalid etag")
    return f'W/"{etag}"' if weak else f'"{etag}"'


def unquote_etag(etag: str | None) -> tuple[str, bool] | tuple[None, None]:
    """(tag, weak); an unquoted tag is taken as it is, as Werkzeug does."""
    if not etag:
        return None, None
    weak = False
    start = 0
    if etag.startswith(("W/", "w/")):
        weak = True
        start = 2
    if etag.startswith('"', start) and etag.endswith('"', start):
        return etag[start + 1 : -1], weak
    return etag[start:], weak


def generate_etag(data: bytes) -> str:
    import hashlib

    return hashlib.sha1(data).hexdigest()


def is_byte_range_valid(start: int | None, stop: int | None, length: int | None) -> bool:
    if (start is None) != (stop is None):
        return False
    if start is None:
        return length is None or length >= 0
    if length is None:
        return 0 <= start < stop  # type: ignore[operator]
    if start >= stop:  # type: ignore[operator]
        return False
    return 0 <= start < length


# -- list, dict, Accept and Cache-Control headers -----------------------------
# Werkzeug 3.1's parsers and their inverse, ``dump_header``.  The containers
# they fill live in accept.py and cache_control.py, imported when first
# parsed so that this module stays a leaf.

_TOKEN_CHARS = frozenset("!#$%&'*+-.0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ^_`abcdefghijklmnopqrstuvwxyz|~")
# The q parameter: RFC 9110 allows 0 to 1 with up to three decimals;
# Werkzeug takes any decimal and then refuses what falls outside 0..1.
_q_value_re = re.compile(r"-?\d+(\.\d+)?", re.ASCII)


def quote_header_value(value: t.Any, allow_token: bool = True) -> str:
    """``value`` as is if it is a token (and ``allow_token``), else in
    double quotes with ``"`` and ``\\`` escaped; "" becomes ``""``."""
    value = str(value)
    if not value:
        return '""'
    if allow_token and _TOKEN_CHARS.issuperset(value):
        return value
    value = value.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{value}"'


def dump_options_header(header: str | None, options: t.Mapping[str, t.Any]) -> str:
    """``text/html; charset=utf-8`` from a value and its parameters, as
    Werkzeug's ``dump_options_header`` (``None`` values are left out)."""
    segments = [] if header is None else [header]
    for key, value in options.items():
        if value is None:
            continue
        segments.append(f"{key}={value}" if key.endswith("*") else f"{key}={quote_header_value(value)}")
    return "; ".join(segments)


def unquote_header_value(value: str) -> str:
    """The inverse of ``quote_header_value``: surrounding quotes removed,
    backslash escapes undone."""
    if len(value) >= 2 and value.startswith('"') and value.endswith('"'):
        return _unslash_re.sub(r"\g<1>", value[1:-1])
    return value


def dump_header(iterable: t.Mapping[str, t.Any] | t.Iterable[t.Any]) -> str:
    """``a, "b c"`` from a list, ``k=v, flag`` from a dict (a None value
    leaves the key alone; a ``key*`` value is already RFC 2231 encoded)."""
    if isinstance(iterable, dict):
        items = []
        for key, value in iterable.items():
            if value is None:
                items.append(key)
            elif key.endswith("*"):
                items.append(f"{key}={value}")
            else:
                items.append(f"{key}={quote_header_value(value)}")
    else:
        items = [quote_header_value(x) for x in iterable]
    return ", ".join(items)


def parse_list_header(value: str) -> list[str]:
    """Comma-separated items (RFC 9110), commas inside quoted strings kept;
    an item that is wholly quoted is unquoted, empty items dropped, and an
    unclosed quote makes the whole header [] (Werkzeug 3.1.9)."""
    items = []
    item = ""
    escape = in_quote = False
    for char in value:
        if escape:
            escape = False
            item += char
            continue
        if in_quote:
            if char == "\\":
                escape = True
            elif char == '"':
                in_quote = False
            item += char
            continue
        if char == ",":
            items.append(item)
            item = ""
            continue
        if char == '"':
            in_quote = True
        item += char
    if in_quote:
        return []
    items.append(item)
    return [unquote_header_value(it) for it in (it.strip(" \t") for it in items) if it]


def parse_dict_header(value: str) -> dict[str, str | None]:
    """``a=b, c="d, e", f`` -> ``{"a": "b", "c": "d, e", "f": None}``;
    ``key*=utf-8''%e2%82%ac`` decoded (ASCII, UTF-8 and latin-1 only: other
    charsets leave the value as sent)."""
    result: dict[str, str | None] = {}
    for item in parse_list_header(value):
        key, has_value, val = item.partition("=")
        key = key.strip(" \t")
        if not key:
            continue
        if not has_value:
            result[key] = None
            continue
        val = val.strip(" \t")
        if key.endswith("*"):
            key = key[:-1]
            encoding = None
            m = _charset_value_re.match(val)
            if m is not None:
                encoding, val = m.groups()
                encoding = encoding.lower()
            if encoding in ("ascii", "us-ascii", "utf-8", "iso-8859-1"):
                val = unquote(val, encoding=encoding)
        result[key] = unquote_header_value(val)
    return result


def parse_accept_header(value: str | None, cls: type[t.Any] | None = None) -> t.Any:
    """An ``Accept`` (or the subclass ``cls``) of ``(value, quality)`` pairs,
    best first.  Items with an invalid q are dropped; other parameters stay
    in the value (``text/html;level=1``).  No header: an empty object whose
    ``provided`` is False."""
    if cls is None:
        from .accept import Accept as cls  # type: ignore[no-redef]
    if not value:
        return cls(None)
    result = []
    for item in parse_list_header(value):
        item, options = parse_options_header(item)
        if "q" in options:
            q_str = options.pop("q").strip()
            if _q_value_re.fullmatch(q_str) is None:
                continue
            q = float(q_str)
            if q < 0 or q > 1:
                continue
        else:
            q = 1
        if options:
            item = dump_options_header(item, options)
        result.append((item, q))
    return cls(result)
