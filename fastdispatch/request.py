"""``Request``: the WSGI environ with Flask's request API, parsed on demand.

A request object is made for every request, so the constructor only stores
the environ.  Everything else (query string, headers, cookies, body) is
parsed on first access and cached: a view that never looks at the body
never reads it.

Semantics are Werkzeug 3.1's / Flask 3.1's, except where those silently
accept broken input: here such input is a 4xx naming what was wrong
(see ``formparser``), and nothing the client sent is dropped unnoticed.
"""

from __future__ import annotations

import io
import json
import typing as t

from . import json as _app_json
from .datastructures import CombinedMultiDict, EnvironHeaders, ImmutableMultiDict, parse_set_header
from .environ import _current_url, _get_host, _LengthStream, _parse_cookie, _parse_list_header, _server_address, _TerminatedStream, _wsgi_decode
from .exceptions import BadRequest, RequestEntityTooLarge, UnsupportedMediaType
from .formparser import parse_form_data, url_decode
from .http import parse_accept_header, parse_date, parse_options_header
from .routing.adapter import matched_rule

__all__ = ["JSONTooDeep", "MAX_JSON_DEPTH", "Request", "UserAgent"]

#: The default of ``MAX_JSON_DEPTH``: the deepest nesting of arrays and
#: objects ``get_json`` parses.  Far deeper than any real document, and well
#: inside what every CPython's json module parses from a request's stack
#: (3.9-3.11 raise RecursionError near 1,000 levels less the frames already
#: on the stack, 3.12 near 1,500, 3.13 near 10,000): so the answer to a deep
#: body is the same 400 on every version, decided before the parser runs.
MAX_JSON_DEPTH = 512


class JSONTooDeep(ValueError):
    """What ``get_json`` hands ``on_json_loading_failed`` for a body nested
    deeper than ``Request.max_json_depth``."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"nested more than {limit} levels deep.")
        self.limit = limit


# (the table mapping [ and { to 0x01, ] and } to 0xff; every byte but those
# and the quote), built on first use
_json_scan: tuple[bytes, bytes] | None = None


def _json_depth_exceeds(data: str | bytes | bytearray, limit: int) -> bool:
    """Whether the JSON text ``data`` nests arrays and objects more than
    ``limit`` deep, found without parsing, in time linear in its length and
    in C's loops (count, replace, translate, split, accumulate).

    Brackets inside strings do not count (escapes respected).  For valid
    JSON the depth is exact; for malformed text, what it measures is exact
    for the text's longest valid prefix, which is as deep as any parser gets
    before it rejects the text.  A text with no more than ``limit`` opening
    brackets is not scanned: that is nearly every body."""
    global _json_scan
    if isinstance(data, str):
        if data.count("[") + data.count("{") <= limit:
            return False
        data = data.encode("utf-8", "surrogatepass")
    else:
        if data.count(b"[") + data.count(b"{") <= limit:
            return False
        encoding = json.detect_encoding(data)  # as json.loads decodes bytes
        if encoding not in ("utf-8", "utf-8-sig"):  # UTF-16/32: ASCII is not one byte
            data = bytes(data).decode(encoding, "surrogatepass").encode("utf-8", "surrogatepass")
        # (in UTF-8 no byte of a multi-byte character is ASCII: bytes will do)
    if _json_scan is None:
        table = bytearray(range(256))
        table[0x5B] = table[0x7B] = 0x01  # [ {
        table[0x5D] = table[0x7D] = 0xFF  # ] }
        _json_scan = (bytes(table), bytes(b for b in range(256) if b not in b'[]{}"'))
    table, other = _json_scan
    if b"\\" in data:
        # Escapes pair from the left: drop escaped backslashes, then escaped
        # quotes; every quote left opens or closes a string.
        data = data.replace(b"\\\\", b"").replace(b'\\"', b"")
    stream = data.translate(table, other)  # brackets (0x01 opens, 0xff closes) and quotes
    from array import array
    from itertools import accumulate

    # A chunk at a time, so that a deep start is found early.  Split on
    # quotes, every other piece is outside strings (the pieces are mostly of
    # 0 or 1 byte, which are not allocated); then +1 for each opening
    # bracket, -1 for each closing one, as signed bytes.
    depth = in_string = 0
    for i in range(0, len(stream), 1 << 16):
        pieces = stream[i : i + (1 << 16)].split(b'"')
        chunk = array("b", b"".join(pieces[in_string::2]))
        if len(pieces) % 2 == 0:  # an odd number of quotes
            in_string ^= 1
        if max(accumulate(chunk, initial=depth)) > limit:
            return True
        depth += sum(chunk)
    return False

#: What the short path sets on a ``Request`` it makes without calling
#: ``__init__`` (``src/_shortpath.pyx`` writes these slots in place): every
#: slot of ``Request`` but ``__dict__``.  A slot added to ``Request`` must
#: be added here and there; the compiled module refuses to load otherwise,
#: and tests/app/test_request.py checks it.
SHORT_PATH_SLOTS = ("environ", "app", "endpoint", "view_args", "_form_loaded", "_session", "_after")


class _lazy:
    """Computed on first access, then stored in the instance ``__dict__``,
    where it shadows this non-data descriptor: later reads are plain
    attribute lookups, and no exception is raised to find a missing value
    (which a lazily filled slot would cost on every request)."""

    def __init__(self, func: t.Callable[[t.Any], t.Any]) -> None:
        self.func = func
        self.name = func.__name__
        self.__doc__ = func.__doc__

    def __get__(self, obj: t.Any, cls: t.Any = None) -> t.Any:
        if obj is None:
            return self
        value = obj.__dict__[self.name] = self.func(obj)
        return value


class UserAgent(str):
    """The ``User-Agent`` header as a string.  ``.string`` is there for code
    written against Werkzeug's ``UserAgent``, which no longer parses either."""

    platform = browser = version = language = None

    @property
    def string(self) -> str:
        return str.__str__(self)


class Request:
    """The current request: ``Request(environ, app=None)``.

    ``app`` (the ``App``) supplies the ``MAX_CONTENT_LENGTH``,
    ``MAX_FORM_MEMORY_SIZE`` and ``MAX_FORM_PARTS`` config; each limit can
    also be set on the request itself, as in Flask 3.1.  So does
    ``MAX_JSON_DEPTH`` (``max_json_depth``), fastdispatch's own.
    """

    # PERF: slots for what every request is given (the compiled short path
    # sets them without calling __init__: SHORT_PATH_SLOTS) and for
    # _form_loaded, _session and _after, which every request's end reads
    # (uploads to close, a session to save, after_this_request functions);
    # "__dict__" holds the
    # lazy values (see _lazy), the method and path once read, a routing
    # exception, and lets views set their own attributes, as on a Werkzeug
    # request.
    __slots__ = (*SHORT_PATH_SLOTS, "__dict__")
    _method: str | None = None
    _path: str | None = None

    #: what the match raised (a 404, 405 or redirect), as in Flask: the app
    #: raises it after the before-request hooks
    routing_exception: Exception | None = None
    #: the host names ``host`` accepts (a leading dot: any subdomain too);
    #: None: any, as Werkzeug's ``Request.trusted_hosts``
    trusted_hosts: t.Collection[str] | None = None
    #: what ``get_json`` parses with (``loads``): as Flask's, the current
    #: app's provider (``fastdispatch.json``)
    json_module: t.Any = _app_json

    def __init__(self, environ: dict[str, t.Any], app: t.Any = None) -> None:
        self.environ = environ
        self.app = app
        #: set by the app after routing (None when nothing matched), as in Flask
        self.endpoint: str | None = None
        self.view_args: dict[str, t.Any] | None = None
        #: whether form data was parsed (uploads may need closing)
        self._form_loaded = False
        #: the session, once opened (``App._session_for``)
        self._session: t.Any = None
        #: the functions ``after_this_request`` gave, once it has
        self._after: list[t.Callable[[t.Any], t.Any]] | None = None

    def __repr__(self) -> str:
        try:
            url = self.url
        except Exception as e:
            url = f"(invalid URL: {e})"
        return f"<{type(self).__name__} {url!r} [{self.method}]>"

    # -- the request line ---------------------------------------------------

    @property
    def method(self) -> str:
        """The request method, upper-cased (``"GET"``)."""
        m = self._method
        if m is None:
            m = self._method = self.environ.get("REQUEST_METHOD", "GET").upper()
        return m

    @method.setter
    def method(self, value: str) -> None:
        self._method = value

    @property
    def path(self) -> str:
        """``PATH_INFO`` decoded as UTF-8 (bad bytes become U+FFFD), always
        with exactly one leading slash, as Werkzeug."""
        p = self._path
        if p is None:
            p = self.environ.get("PATH_INFO") or "/"
            if not p.isascii():
                p = _wsgi_decode(p)
            if p[0] != "/" or p[1:2] == "/":
                p = "/" + p.lstrip("/")
            self._path = p
        return p

    @path.setter
    def path(self, value: str) -> None:
        self._path = value

    @_lazy
    def script_root(self) -> str:
        """``SCRIPT_NAME`` decoded, without a trailing slash."""
        return _wsgi_decode(self.environ.get("SCRIPT_NAME") or "").rstrip("/")

    @property
    def root_path(self) -> str:
        """The path the app is mounted at (``SCRIPT_NAME``), as
        ``script_root``."""
        return self.script_root

    @_lazy
    def query_string(self) -> bytes:
        qs = self.environ.get("QUERY_STRING", "")
        try:
            return qs.encode("latin-1")  # type: ignore[no-any-return]
        except UnicodeEncodeError:
            return qs.encode("utf-8")  # type: ignore[no-any-return]

    @_lazy
    def args(self) -> ImmutableMultiDict:
        """The query string's parameters.  Raw bytes that are not UTF-8
        become U+FFFD; percent-escapes that are not UTF-8 stay escaped
        (Werkzeug: the same, except raw bytes are a 500 there)."""
        qs = self.environ.get("QUERY_STRING")
        if not qs:
            return ImmutableMultiDict()
        if not qs.isascii():  # PERF: the common all-ASCII query needs no decoding
            qs = _wsgi_decode(qs)
        return ImmutableMultiDict(url_decode(qs))

    @_lazy
    def full_path(self) -> str:
        return f"{self.path}?{self.query_string.decode('utf-8', 'replace')}"

    @_lazy
    def scheme(self) -> str:
        return self.environ.get("wsgi.url_scheme", "http")  # type: ignore[no-any-return]

    @property
    def is_secure(self) -> bool:
        """Whether the request came over TLS: the scheme is ``https`` or ``wss``."""
        return self.scheme in ("https", "wss")

    @_lazy
    def server(self) -> tuple[str, int | None] | None:
        return _server_address(self.environ)

    @_lazy
    def host(self) -> str:
        """``host[:port]`` from the Host header (else the server address),
        without the scheme's default port; "" when it is not a valid host.
        With ``trusted_hosts`` set, a host not in it is a ``SecurityError``
        (400), as Werkzeug."""
        return _get_host(self.scheme, self.environ.get("HTTP_HOST"), self.server, self.trusted_hosts)

    @_lazy
    def url(self) -> str:
        return _current_url(self.scheme, self.host, self.script_root, self.path, self.query_string)

    @_lazy
    def base_url(self) -> str:
        return _current_url(self.scheme, self.host, self.script_root, self.path)

    @_lazy
    def url_root(self) -> str:
        return _current_url(self.scheme, self.host, self.script_root)

    @property
    def root_url(self) -> str:
        """The URL the app is mounted at, as ``url_root``."""
        return self.url_root

    @_lazy
    def host_url(self) -> str:
        return _current_url(self.scheme, self.host)

    # -- headers ------------------------------------------------------------

    @_lazy
    def headers(self) -> EnvironHeaders:
        return EnvironHeaders(self.environ)

    # -- conditional requests (parsed by ``conditional``, imported on first use)

    @_lazy
    def if_match(self) -> t.Any:
        """``If-Match`` as ``ETags`` (empty when absent)."""
        from .conditional import parse_etags

        return parse_etags(self.environ.get("HTTP_IF_MATCH"))

    @_lazy
    def if_none_match(self) -> t.Any:
        """``If-None-Match`` as ``ETags`` (empty when absent)."""
        from .conditional import parse_etags

        return parse_etags(self.environ.get("HTTP_IF_NONE_MATCH"))

    @_lazy
    def if_modified_since(self) -> t.Any:
        """``If-Modified-Since`` as an aware datetime, or None."""
        return parse_date(self.environ.get("HTTP_IF_MODIFIED_SINCE"))

    @_lazy
    def if_unmodified_since(self) -> t.Any:
        """``If-Unmodified-Since`` as an aware datetime, or None."""
        return parse_date(self.environ.get("HTTP_IF_UNMODIFIED_SINCE"))

    @_lazy
    def if_range(self) -> t.Any:
        """``If-Range`` as ``IfRange`` (a date or a tag; empty when absent)."""
        from .conditional import parse_if_range_header

        return parse_if_range_header(self.environ.get("HTTP_IF_RANGE"))

    @_lazy
    def range(self) -> t.Any:
        """``Range`` as ``Range``, or None when absent or malformed."""
        from .conditional import parse_range_header

        return parse_range_header(self.environ.get("HTTP_RANGE"))

    @_lazy
    def cookies(self) -> ImmutableMultiDict:
        return ImmutableMultiDict(_parse_cookie(self.environ.get("HTTP_COOKIE")))

    @property
    def remote_addr(self) -> str | None:
        """The client's address (``REMOTE_ADDR``; behind a proxy see
        ``ProxyFix``)."""
        return self.environ.get("REMOTE_ADDR")

    @property
    def remote_user(self) -> str | None:
        """The user the server authenticated (``REMOTE_USER``), if any."""
        return self.environ.get("REMOTE_USER")

    @_lazy
    def access_route(self) -> list[str]:
        """The client and proxy addresses from ``X-Forwarded-For``, else
        ``[remote_addr]``.  Client-supplied: do not trust it blindly."""
        forwarded = self.environ.get("HTTP_X_FORWARDED_FOR")
        if forwarded is not None:
            return _parse_list_header(forwarded)
        if self.remote_addr is not None:
            return [self.remote_addr]
        return []

    @_lazy
    def user_agent(self) -> UserAgent:
        return UserAgent(self.environ.get("HTTP_USER_AGENT", ""))

    @property
    def referrer(self) -> str | None:
        """The ``Referer`` header, if any."""
        return self.environ.get("HTTP_REFERER")

    @property
    def origin(self) -> str | None:
        """The ``Origin`` header, if any."""
        return self.environ.get("HTTP_ORIGIN")

    @property
    def content_type(self) -> str | None:
        """The ``Content-Type`` header, if any."""
        return self.environ.get("CONTENT_TYPE")

    @property
    def content_encoding(self) -> str | None:
        """The ``Content-Encoding`` header, if any."""
        return self.environ.get("HTTP_CONTENT_ENCODING")

    @_lazy
    def _parsed_content_type(self) -> tuple[str, dict[str, str]]:
        return parse_options_header(self.environ.get("CONTENT_TYPE", ""))

    @property
    def mimetype(self) -> str:
        """The Content-Type without parameters, lower-cased."""
        return self._parsed_content_type[0].lower()

    @property
    def mimetype_params(self) -> dict[str, str]:
        """The parameters of the ``Content-Type`` header, as a dict
        (``charset``, ...)."""
        return self._parsed_content_type[1]

    @property
    def is_json(self) -> bool:
        """Whether the body is JSON: ``application/json`` or
        ``application/*+json``."""
        mt = self.mimetype
        return mt == "application/json" or (mt.startswith("application/") and mt.endswith("+json"))

    @_lazy
    def content_length(self) -> int | None:
        """The body's announced size; ``None`` if unknown (absent, empty, or
        chunked).  A value that is not a non-negative integer is a 400 (in
        Werkzeug it counts as 0, so the body is silently ignored)."""
        te = self.environ.get("HTTP_TRANSFER_ENCODING")
        if te is not None and "chunked" in (p.strip(" \t").lower() for p in te.split(",")):
            return None
        value = self.environ.get("CONTENT_LENGTH")
        if value is None:
            return None
        value = value.strip(" \t")
        if not value:
            return None  # PEP 3333: "may be empty or absent"
        if not (value.isdigit() and value.isascii()):
            raise BadRequest(description=f"Invalid Content-Length header: {value[:40]!r} is not a non-negative integer.")
        digits = value.lstrip("0")
        if len(digits) > 19:  # past 2**63; also keeps int() off its digit limit
            raise BadRequest(description="Invalid Content-Length header: the value is too large.")
        return int(digits or "0")

    # -- negotiation, credentials and cache directives ---------------------
    # Werkzeug 3.1's parsed headers.  PERF: their modules are imported by
    # the first property that needs one, so a request that reads none of
    # these costs nothing more (and ``import fastdispatch`` loads none).

    @_lazy
    def accept_mimetypes(self) -> t.Any:
        """``Accept`` as a ``MIMEAccept``: ``best_match(["application/json",
        "text/html"])``, ``accept_json``, ``quality("text/html")``."""
        from .accept import MIMEAccept

        return parse_accept_header(self.environ.get("HTTP_ACCEPT"), MIMEAccept)

    @_lazy
    def accept_charsets(self) -> t.Any:
        """``Accept-Charset`` as a ``CharsetAccept``."""
        from .accept import CharsetAccept

        return parse_accept_header(self.environ.get("HTTP_ACCEPT_CHARSET"), CharsetAccept)

    @_lazy
    def accept_encodings(self) -> t.Any:
        """``Accept-Encoding`` as an ``Accept`` (``gzip``, ``br``, ...)."""
        from .accept import Accept

        return parse_accept_header(self.environ.get("HTTP_ACCEPT_ENCODING"), Accept)

    @_lazy
    def accept_languages(self) -> t.Any:
        """``Accept-Language`` as a ``LanguageAccept`` (its ``best_match``
        falls back to primary tags: ``en-US`` accepts ``en``)."""
        from .accept import LanguageAccept

        return parse_accept_header(self.environ.get("HTTP_ACCEPT_LANGUAGE"), LanguageAccept)

    @_lazy
    def authorization(self) -> t.Any:
        """``Authorization`` as an ``Authorization`` (``.type``,
        ``.username``/``.password`` for Basic, ``.token`` for Bearer,
        ``.parameters`` for Digest); None if absent or unreadable."""
        from .auth import Authorization

        return Authorization.from_header(self.environ.get("HTTP_AUTHORIZATION"))

    @_lazy
    def cache_control(self) -> t.Any:
        """``Cache-Control`` as a read-only ``RequestCacheControl``
        (``no_cache``, ``max_age``, ``max_stale``, ...)."""
        from .cache_control import parse_cache_control_header

        return parse_cache_control_header(self.environ.get("HTTP_CACHE_CONTROL"))

    @_lazy
    def pragma(self) -> t.Any:
        """``Pragma`` as a ``HeaderSet`` (``"no-cache" in request.pragma``)."""
        return parse_set_header(self.environ.get("HTTP_PRAGMA", ""))

    @_lazy
    def date(self) -> t.Any:
        """``Date`` as an aware UTC datetime; None if absent or invalid."""
        return parse_date(self.environ.get("HTTP_DATE"))

    @_lazy
    def max_forwards(self) -> int | None:
        """``Max-Forwards`` as an int; None if absent or not a number."""
        value = self.environ.get("HTTP_MAX_FORWARDS")
        if value is None:
            return None
        try:
            return int(value)
        except (ValueError, TypeError):
            return None

    @_lazy
    def access_control_request_headers(self) -> t.Any:
        """A CORS preflight's ``Access-Control-Request-Headers`` as a
        ``HeaderSet``; None if absent."""
        value = self.environ.get("HTTP_ACCESS_CONTROL_REQUEST_HEADERS")
        return None if value is None else parse_set_header(value)

    @property
    def access_control_request_method(self) -> str | None:
        """The ``Access-Control-Request-Method`` header of a CORS preflight, if
        any."""
        return self.environ.get("HTTP_ACCESS_CONTROL_REQUEST_METHOD")

    @property
    def content_md5(self) -> str | None:
        """The ``Content-MD5`` header, if any."""
        return self.environ.get("HTTP_CONTENT_MD5")

    # -- limits -------------------------------------------------------------

    def _limit(self, attr: str, key: str, default: int | None) -> int | None:
        value = self.__dict__.get(attr)
        if value is not None:
            return value  # type: ignore[no-any-return]
        app = self.app
        if app is None:
            return default
        return app.config.get(key, default)  # type: ignore[no-any-return]

    @property
    def max_content_length(self) -> int | None:
        """Bytes of body to accept before answering 413 (``MAX_CONTENT_LENGTH``;
        None: no limit)."""
        return self._limit("_max_content_length", "MAX_CONTENT_LENGTH", None)

    @max_content_length.setter
    def max_content_length(self, value: int | None) -> None:
        self.__dict__["_max_content_length"] = value

    @property
    def max_form_memory_size(self) -> int | None:
        """Largest non-file multipart field, in bytes (``MAX_FORM_MEMORY_SIZE``)."""
        return self._limit("_max_form_memory_size", "MAX_FORM_MEMORY_SIZE", 500_000)

    @max_form_memory_size.setter
    def max_form_memory_size(self, value: int | None) -> None:
        self.__dict__["_max_form_memory_size"] = value

    @property
    def max_form_parts(self) -> int | None:
        """Most parts a multipart body may have (``MAX_FORM_PARTS``)."""
        return self._limit("_max_form_parts", "MAX_FORM_PARTS", 1000)

    @max_form_parts.setter
    def max_form_parts(self, value: int | None) -> None:
        self.__dict__["_max_form_parts"] = value

    @property
    def max_json_depth(self) -> int | None:
        """Deepest nesting of arrays and objects ``get_json`` parses
        (``MAX_JSON_DEPTH``, default 512); deeper is a 400.  Not Flask's:
        Flask has no limit, so the json module decides (a RecursionError, a
        500, on CPython 3.9-3.12; parsed on 3.13 up to ~10,000 levels).
        None: no limit of fastdispatch's (a RecursionError is still a 400)."""
        return self._limit("_max_json_depth", "MAX_JSON_DEPTH", MAX_JSON_DEPTH)

    @max_json_depth.setter
    def max_json_depth(self, value: int | None) -> None:
        self.__dict__["_max_json_depth"] = value

    # -- the body -----------------------------------------------------------

    @property
    def input_stream(self) -> t.Any:
        """The raw ``wsgi.input``: unlimited, unsafe; use ``stream``."""
        return self.environ.get("wsgi.input")

    @_lazy
    def stream(self) -> t.IO[bytes]:
        """The body, readable once, never past its end: limited to
        Content-Length, and ``max_content_length`` enforced (413 before
        reading when Content-Length already exceeds it).  A body of unknown
        length is read to EOF only if the server says it ends the stream
        (``wsgi.input_terminated``, e.g. chunked uploads); otherwise it is
        empty, as in Werkzeug, since reading could block forever."""
        environ = self.environ
        length = self.content_length
        limit = self.max_content_length
        raw = environ.get("wsgi.input")
        if length is not None:
            if limit is not None and length > limit:
                raise RequestEntityTooLarge()  # before reading a byte; Werkzeug's page, as Flask
            if length == 0 or raw is None:
                return io.BytesIO()
            return t.cast(t.IO[bytes], _LengthStream(raw, length))
        if raw is not None and environ.get("wsgi.input_terminated"):
            return t.cast(t.IO[bytes], _TerminatedStream(raw, limit))
        return io.BytesIO()

    def get_data(self, cache: bool = True, as_text: bool = False, parse_form_data: bool = False) -> t.Any:
        """The whole body as bytes (``as_text``: str, bad UTF-8 replaced).
        With ``parse_form_data`` a form body is parsed first, leaving b""."""
        rv = self.__dict__.get("_cached_data")
        if rv is None:
            if parse_form_data:
                self._load_form_data()
            rv = self.stream.read()
            if cache:
                self.__dict__["_cached_data"] = rv
        if as_text:
            rv = rv.decode("utf-8", "replace")
        return rv

    @_lazy
    def data(self) -> bytes:
        """The body, unless it is form data (then b"": see ``form``)."""
        return self.get_data(parse_form_data=True)  # type: ignore[no-any-return]

    def _load_form_data(self) -> None:
        d = self.__dict__
        if "form" in d:
            return
        self._form_loaded = True
        result = None
        if self.environ.get("CONTENT_TYPE"):
            # Werkzeug opens the stream before looking at the type, so an
            # oversized body is a 413 even on request.form: kept that way.
            cached = d.get("_cached_data")
            stream = io.BytesIO(cached) if cached is not None else self.stream
            mimetype, options = self._parsed_content_type
            result = parse_form_data(stream, mimetype.lower(), options, self.max_form_memory_size, self.max_form_parts)
        if result is None:
            result = ImmutableMultiDict(), ImmutableMultiDict()
        d["form"], d["files"] = result

    @_lazy
    def form(self) -> ImmutableMultiDict:
        """Fields of a urlencoded or multipart body (empty for other types)."""
        self._load_form_data()
        return self.__dict__["form"]  # type: ignore[no-any-return]

    @_lazy
    def files(self) -> ImmutableMultiDict:
        """Uploads (``FileStorage``) of a multipart body."""
        self._load_form_data()
        return self.__dict__["files"]  # type: ignore[no-any-return]

    @_lazy
    def values(self) -> CombinedMultiDict:
        """``args`` and ``form`` together; for GET only ``args`` (Werkzeug
        2.0+ / Flask 2.0+)."""
        sources = [self.args]
        if self.method != "GET":
            sources.append(self.form)
        return CombinedMultiDict(sources)

    # -- JSON ---------------------------------------------------------------

    @property
    def json(self) -> t.Any:
        """``get_json()``: 415 unless the Content-Type is JSON, 400 if the
        body is not valid JSON."""
        return self.get_json()

    def get_json(self, force: bool = False, silent: bool = False, cache: bool = True) -> t.Any:
        """The body parsed as JSON, or None when it is not JSON (unless
        ``force``); malformed JSON is a 400 (``on_json_loading_failed``), or
        None with ``silent``; parsed once per request unless ``cache`` is
        false."""
        cached = self.__dict__.get("_cached_json", (Ellipsis, Ellipsis))
        if cache and cached[silent] is not Ellipsis:
            return cached[silent]
        if not (force or self.is_json):
            return None if silent else self.on_json_loading_failed(None)
        data = self.get_data(cache=cache)
        try:
            # Too deep a body is refused before the parser runs (it could
            # exhaust the C stack on 3.13+); one too short to nest that deep
            # is not looked at.
            limit = self.max_json_depth
            if limit is not None and len(data) > limit and _json_depth_exceeds(data, limit):
                raise JSONTooDeep(limit)
            rv = self.json_module.loads(data)
        except (ValueError, RecursionError) as e:
            # RecursionError: absurdly deep nesting with no max_json_depth
            # (or one above the interpreter's).  Flask lets it become a 500;
            # it is the client's fault, so it is a 400 here.
            if silent:
                rv = None
                if cache:
                    self.__dict__["_cached_json"] = (cached[0], None)
            else:
                rv = self.on_json_loading_failed(e)
                if cache:
                    self.__dict__["_cached_json"] = (rv, cached[1])
        else:
            if cache:
                self.__dict__["_cached_json"] = (rv, rv)
        return rv

    def on_json_loading_failed(self, e: Exception | None) -> t.Any:
        """Raise the error for ``get_json``; override to return a value
        instead.  As Flask: the parser's message only in debug mode."""
        if e is None:
            raise UnsupportedMediaType(
                description="Did not attempt to load JSON data because the request Content-Type was not 'application/json'."
            )
        if isinstance(e, JSONTooDeep):
            raise BadRequest(description=f"Failed to decode JSON object: {e}")
        if isinstance(e, RecursionError):
            raise BadRequest(description="Failed to decode JSON object: nested too deeply.")
        app = self.app
        if app is not None and app.config.get("DEBUG"):
            raise BadRequest(description=f"Failed to decode JSON object: {e}")
        raise BadRequest()

    # -- Flask's blueprint helpers ------------------------------------------

    @property
    def blueprint(self) -> str | None:
        """The name of the blueprint whose view the request matched, if any."""
        endpoint = self.endpoint
        if endpoint is not None and "." in endpoint:
            return endpoint.rpartition(".")[0]
        return None

    @_lazy
    def url_rule(self) -> t.Any:
        """Flask's: the ``Rule`` that matched (``.rule``, ``.endpoint``,
        ``.methods``, ``.arguments``), None where none did.  The router
        answers with the endpoint, so the rule is looked up on first use:
        of the endpoint's rules that allow the method, the one that builds
        this path from the matched values."""
        if self.endpoint is None or self.app is None:
            return None
        return matched_rule(self.app.url_map, self.endpoint, self.method, self.view_args, self.path)

    @property
    def blueprints(self) -> list[str]:
        """The current blueprint and its parents: ``["a.b", "a"]``."""
        return blueprint_names(self.endpoint)

    # -- the WSGI side (Werkzeug's) -------------------------------------------

    @property
    def is_multithread(self) -> t.Any:
        """``wsgi.multithread``: the server may run requests in threads."""
        return self.environ.get("wsgi.multithread")

    @property
    def is_multiprocess(self) -> t.Any:
        """``wsgi.multiprocess``: the server may run requests in processes."""
        return self.environ.get("wsgi.multiprocess")

    @property
    def is_run_once(self) -> t.Any:
        """``wsgi.run_once``: the process serves this request only (CGI)."""
        return self.environ.get("wsgi.run_once")

    @property
    def want_form_data_parsed(self) -> bool:
        """Whether the body may be form data: it has a content type."""
        return bool(self.environ.get("CONTENT_TYPE"))

    @classmethod
    def from_values(cls, *args: t.Any, **kwargs: t.Any) -> Request:
        """Werkzeug's: a request made of the test client's arguments
        (path, ``method``, ``headers``, ``data``, ``json``, ...), with no app;
        for tests of code that takes a request."""
        from .testing import _build_request

        return cls(_build_request(None, *args, **kwargs).environ())

    @classmethod
    def application(cls, f: t.Callable[[Request], t.Any]) -> t.Callable[..., t.Iterable[bytes]]:
        """Werkzeug's decorator: ``f(request) -> response`` (or a method
        ``f(self, request)``) as a WSGI application; an HTTPException it
        raises is its answer.  The request is closed after."""
        from functools import update_wrapper

        from .exceptions import HTTPException

        def application(*args: t.Any) -> t.Iterable[bytes]:
            environ, start_response = args[-2:]
            with cls(environ) as request:
                try:
                    response = f(*args[:-2], request)
                except HTTPException as e:
                    response = e.get_response(environ)
                return response(environ, start_response)  # type: ignore[no-any-return]

        return update_wrapper(application, f)

    # -- cleanup ------------------------------------------------------------

    def close(self) -> None:
        """Close uploaded files (temporary files on disk for large ones)."""
        files = self.__dict__.get("files")
        if files:
            for _, f in files.items(multi=True):
                f.close()

    def __enter__(self) -> Request:
        return self

    def __exit__(self, *exc: t.Any) -> None:
        self.close()


def blueprint_names(endpoint: str | None) -> list[str]:
    """The blueprints an endpoint belongs to, innermost first:
    ``"a.b.view"`` -> ``["a.b", "a"]`` (Flask's ``request.blueprints``)."""
    out = []
    name = endpoint.rpartition(".")[0] if endpoint else ""
    while name:
        out.append(name)
        name = name.rpartition(".")[0]
    return out
