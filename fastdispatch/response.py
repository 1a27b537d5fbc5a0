"""``Response`` and the helpers that build one: ``redirect``,
``response_from_view`` (``jsonify``, ``dumps`` and ``loads`` are
``fastdispatch.json``'s, re-exported here).  The HTTP formatting they use is
in ``http.py`` (its public names re-exported here).

Everything here reproduces Werkzeug 3.1 / Flask 3.1 byte for byte (status
lines, header order, cookie quoting, error and redirect pages, JSON output);
the differential tests in ``tests/app`` hold it to that.  Standard library
only.

PERF: a ``Response`` built with no ``headers`` argument keeps its two
implied headers (Content-Type, Content-Length) as plain strings and only
builds a ``Headers`` object when someone asks for ``.headers``; ``__call__``
writes them straight into the WSGI header list.  So ``jsonify(d)`` served
untouched never allocates a ``Headers``.
"""

from __future__ import annotations

import typing as t
from collections.abc import Iterator
from datetime import datetime, timedelta

from . import exceptions as _exceptions
from . import json as _json
from . import response_headers as _rh
from .conditional import make_conditional as _make_conditional
from .ctx import _cv
from .datastructures import Headers, HeaderSet
from .environ import _parse_list_header
from .http import (
    _CT_CACHE,
    _STATUS_LINES,
    HTTP_STATUS_CODES,
    _check_header_value,
    _content_type_for,
    _escape,
    dump_cookie,
    generate_etag,
    get_content_type,
    http_date,
    iri_to_uri,
    quote_etag,
    redirect_page,
    unquote_etag,
)
from .json import dumps, jsonify, loads

__all__ = [
    "HTTP_STATUS_CODES",
    "Response",
    "dump_cookie",
    "dumps",
    "get_content_type",
    "http_date",
    "iri_to_uri",
    "jsonify",
    "loads",
    "response_from_view",
    "redirect",
]

# -- the response body iterator -------------------------------------------------


def _iter_encoded(iterable: t.Iterable[str | bytes]) -> t.Iterator[bytes]:
    for item in iterable:
        yield item.encode() if isinstance(item, str) else item


class _ClosingIterator:
    """The WSGI iterable of a response: the body, and a ``close`` that closes
    the body's source and runs ``call_on_close`` callbacks (PEP 3333 requires
    the server to call it)."""

    __slots__ = ("_next", "_closers")

    def __init__(self, iterable: t.Iterable[bytes], close: t.Callable[[], t.Any]) -> None:
        iterator = iter(iterable)
        self._next = iterator.__next__
        own = getattr(iterator, "close", None)
        self._closers = (own, close) if own is not None else (close,)

    def __iter__(self) -> _ClosingIterator:
        return self

    def __next__(self) -> bytes:
        return self._next()

    def close(self) -> None:
        for func in self._closers:
            func()


# Removed from 304 responses (werkzeug.http._entity_headers, less the two
# remove_entity_headers keeps).
def _set_header_property(name: str, doc: str) -> property:
    """A comma-separated header read as a ``HeaderSet`` that writes every
    change back (Werkzeug's set properties: ``response.vary.add("Cookie")``)."""

    def on_update(headers: Headers, header_set: HeaderSet) -> None:
        if header_set:
            headers[name] = header_set.to_header()
        else:
            headers.remove(name)

    def fget(self: Response) -> HeaderSet:
        headers = self.headers
        value = headers.get(name)
        return HeaderSet(_parse_list_header(value) if value else None, lambda hs: on_update(headers, hs))

    def fset(self: Response, value: t.Any) -> None:
        if not value:
            self.headers.remove(name)
        elif isinstance(value, str):
            self.headers[name] = value
        else:
            self.headers[name] = HeaderSet(value).to_header()

    return property(fget, fset, lambda self: self.headers.remove(name), doc=doc)


_ENTITY_HEADERS = frozenset(
    {"allow", "content-encoding", "content-language", "content-length", "content-md5", "content-range", "content-type", "last-modified"}
)


class Response:
    """A WSGI response, as ``flask.Response`` (Werkzeug's, HTML by default).

    ``response`` is the body: str (UTF-8), bytes, or an iterable of either;
    a list or tuple counts as buffered, anything else is streamed.
    """

    # PERF: slots for what every response sets.  ``__dict__`` stays (it costs
    # nothing until used) because Flask code may hang attributes on a
    # response; ``__weakref__`` too, as a Werkzeug response has both: a
    # subclass that declares no slots then has this class's layout, so that
    # ``force_type`` can change a response's class to it.
    __slots__ = ("response", "direct_passthrough", "_status", "_status_code", "_headers", "_ct", "_cl", "_on_close", "__dict__", "__weakref__")

    default_status = 200
    default_mimetype: str | None = "text/html"
    implicit_sequence_conversion = True
    automatically_set_content_length = True
    autocorrect_location_header = False  # as Flask; absolute Locations are the app's job
    json_module: t.Any = _json  # as Flask's: the current app's provider

    def __init__(
        self,
        response: t.Iterable[str] | t.Iterable[bytes] | str | bytes | None = None,
        status: int | str | None = None,
        headers: t.Any = None,
        mimetype: str | None = None,
        content_type: str | None = None,
        direct_passthrough: bool = False,
    ) -> None:
        if headers is None or (not isinstance(headers, Headers) and not headers):
            # PERF: no Headers object yet; see the module docstring.
            self._headers = None
            if content_type is None:
                if mimetype is None:
                    mimetype = self.default_mimetype
                if mimetype is not None:
                    content_type = _CT_CACHE.get(mimetype) or _content_type_for(mimetype)
            else:
                _check_header_value(content_type)
            self._ct = content_type
        else:
            h = headers if isinstance(headers, Headers) else Headers(headers)
            self._headers = h
            self._ct = None
            if content_type is None:
                if mimetype is None and "content-type" not in h:
                    mimetype = self.default_mimetype
                if mimetype is not None:
                    content_type = get_content_type(mimetype)
            if content_type is not None:
                h["Content-Type"] = content_type
        self._cl: str | None = None
        if status is None:
            status = self.default_status
        if status == 200 and type(status) is int:
            self._status = "200 OK"
            self._status_code = 200
        else:
            self.status = status
        self.direct_passthrough = direct_passthrough
        self._on_close: list[t.Callable[[], t.Any]] | None = None
        if response is None:
            self.response: t.Any = []
        elif type(response) is str and self._headers is None and self.automatically_set_content_length:
            # PERF: set_data inlined for the common case.
            body = response.encode()
            self.response = [body]
            self._cl = str(len(body))
        elif isinstance(response, (str, bytes, bytearray)):
            self.set_data(response)
        else:
            self.response = response

    def __repr__(self) -> str:
        if self.is_sequence:
            body_info = f"{sum(map(len, self.iter_encoded()))} bytes"
        else:
            body_info = "streamed" if self.is_streamed else "likely-streamed"
        return f"<{type(self).__name__} {body_info} [{self.status}]>"

    # -- headers ----------------------------------------------------------------

    @property
    def headers(self) -> Headers:
        """The response headers (a ``Headers`` object)."""
        h = self._headers
        if h is None:
            h = Headers()
            if self._ct is not None:
                h.add("Content-Type", self._ct)
            if self._cl is not None:
                h.add("Content-Length", self._cl)
            self._headers = h
        return h

    @headers.setter
    def headers(self, value: t.Any) -> None:
        self._headers = value if isinstance(value, Headers) else Headers(value)

    def _header(self, lower_name: str) -> str | None:
        """A header's value without materializing ``headers``."""
        h = self._headers
        if h is not None:
            return h.get(lower_name)
        if lower_name == "content-type":
            return self._ct
        if lower_name == "content-length":
            return self._cl
        return None

    # -- status -----------------------------------------------------------------

    @property
    def status(self) -> str:
        """The status line, e.g. ``"404 NOT FOUND"``; settable as an int, a
        bare code (``"404"``) or a full line (``"404 Not Found"``, kept as is)."""
        return self._status

    @status.setter
    def status(self, value: int | str) -> None:
        self._status, self._status_code = _clean_status(value)

    @property
    def status_code(self) -> int:
        """The status as an integer; setting it also sets ``status``."""
        return self._status_code

    @status_code.setter
    def status_code(self, code: int) -> None:
        self.status = code

    # -- body -------------------------------------------------------------------

    def get_data(self, as_text: bool = False) -> bytes | str:
        """The whole body; a streamed body is read into memory first."""
        self._ensure_sequence()
        rv = b"".join(self.iter_encoded())
        return rv.decode() if as_text else rv

    def set_data(self, value: bytes | str) -> None:
        """Set the body to ``value`` (a ``str`` is encoded as UTF-8) and its
        ``Content-Length``."""
        if isinstance(value, str):
            value = value.encode()
        elif type(value) is not bytes:
            value = bytes(value)  # bytearray: PEP 3333 wants bytes
        self.response = [value]
        if self.automatically_set_content_length:
            if self._headers is None:
                self._cl = str(len(value))
            else:
                self._headers["Content-Length"] = str(len(value))

    data = property(get_data, set_data, doc="The body as bytes (get_data/set_data).")

    @property
    def is_sequence(self) -> bool:
        """Whether the body is a list or tuple (not a stream)."""
        return isinstance(self.response, (tuple, list))

    @property
    def is_streamed(self) -> bool:
        """Whether the body is an iterable of unknown length (a generator)."""
        try:
            len(self.response)
        except (TypeError, AttributeError):
            return True
        return False

    def iter_encoded(self) -> t.Iterator[bytes]:
        """The body as bytes, chunk by chunk (``str`` chunks encoded as UTF-8)."""
        return _iter_encoded(self.response)

    def make_sequence(self) -> None:
        """Read a streamed body into a list (its ``close`` is kept for later)."""
        if not self.is_sequence:
            close = getattr(self.response, "close", None)
            self.response = list(self.iter_encoded())
            if close is not None:
                self.call_on_close(close)

    def _ensure_sequence(self) -> None:
        if self.is_sequence:
            return
        if self.direct_passthrough:
            raise RuntimeError("Attempted implicit sequence conversion but the response object is in direct passthrough mode.")
        if not self.implicit_sequence_conversion:
            raise RuntimeError(
                "The response object required the iterable to be a sequence, but the implicit conversion was disabled. Call make_sequence() yourself."
            )
        self.make_sequence()

    def calculate_content_length(self) -> int | None:
        """The body's length in bytes, or None for a stream that may not be
        read into a list."""
        try:
            self._ensure_sequence()
        except RuntimeError:
            return None
        return sum(len(x) for x in self.iter_encoded())

    def call_on_close(self, func: t.Callable[[], t.Any]) -> t.Callable[[], t.Any]:
        """Call ``func`` when the response is closed (after it is sent);
        returns ``func``, so it works as a decorator."""
        if self._on_close is None:
            self._on_close = []
        self._on_close.append(func)
        return func

    def close(self) -> None:
        """Close the body (if it has ``close``) and run the ``call_on_close``
        functions."""
        if hasattr(self.response, "close"):
            self.response.close()
        if self._on_close:
            for func in self._on_close:
                func()

    def __enter__(self) -> Response:
        return self

    def __exit__(self, *exc: t.Any) -> None:
        self.close()

    def freeze(self) -> None:
        """Buffer the body, set Content-Length and an ETag (as Werkzeug)."""
        self.response = list(self.iter_encoded())
        self.headers["Content-Length"] = str(sum(map(len, self.response)))
        self.add_etag()

    def add_etag(self, overwrite: bool = False, weak: bool = False) -> None:
        """An ETag from the body's SHA-1, unless there is one already."""
        if overwrite or "etag" not in self.headers:
            self.set_etag(generate_etag(self.get_data()), weak)

    def set_etag(self, etag: str, weak: bool = False) -> None:
        """Set the ``ETag`` header to ``etag`` quoted (``weak``: a ``W/`` tag)."""
        self.headers["ETag"] = quote_etag(etag, weak)

    def get_etag(self) -> tuple[str, bool] | tuple[None, None]:
        """(tag, weak) of the ETag header, or (None, None)."""
        return unquote_etag(self.headers.get("ETag"))

    def make_conditional(self, request_or_environ: t.Any, accept_ranges: bool | str = False, complete_length: int | None = None) -> Response:
        """Werkzeug's: for a GET or HEAD, a 304 (412 when If-Match fails)
        when the request's conditions say the client's copy is current, or a
        206 of the requested range when ``accept_ranges`` and
        ``complete_length`` allow one (raises ``RequestedRangeNotSatisfiable``
        for a range that cannot be served).  Returns the response itself."""
        environ = getattr(request_or_environ, "environ", request_or_environ)
        _make_conditional(self, environ, accept_ranges, complete_length)
        return self

    # -- header properties --------------------------------------------------------

    @property
    def content_type(self) -> str | None:
        """The ``Content-Type`` header, if any."""
        return self._header("content-type")

    @content_type.setter
    def content_type(self, value: str) -> None:
        self.headers["Content-Type"] = value

    @content_type.deleter
    def content_type(self) -> None:
        self.headers.pop("Content-Type", None)

    @property
    def mimetype(self) -> str | None:
        """The content type without parameters."""
        ct = self._header("content-type")
        return ct.partition(";")[0].strip() if ct else None

    @mimetype.setter
    def mimetype(self, value: str) -> None:
        self.headers["Content-Type"] = get_content_type(value)

    @property
    def content_length(self) -> int | None:
        """The ``Content-Length`` header as an integer, if any."""
        value = self._header("content-length")
        if value is None:
            return None
        try:
            return int(value)
        except (ValueError, TypeError):
            return None

    @content_length.setter
    def content_length(self, value: int) -> None:
        self.headers["Content-Length"] = str(value)

    @content_length.deleter
    def content_length(self) -> None:
        self.headers.pop("Content-Length", None)

    location = property(
        lambda self: self._header("location"),
        lambda self, value: self.headers.__setitem__("Location", value),
        lambda self: self.headers.pop("Location", None),
        doc="The Location header.",
    )
    content_location = property(
        lambda self: self._header("content-location"),
        lambda self, value: self.headers.__setitem__("Content-Location", value),
        lambda self: self.headers.pop("Content-Location", None),
        doc="The Content-Location header: the URL of the representation sent.",
    )
    content_encoding = property(
        lambda self: self._header("content-encoding"),
        lambda self, value: self.headers.__setitem__("Content-Encoding", value),
        lambda self: self.headers.pop("Content-Encoding", None),
        doc="The Content-Encoding header: the codings applied to the body (``gzip``, ...).",
    )

    vary = _set_header_property("Vary", "The header names a cache must key on besides the URL, as a ``HeaderSet``.")
    allow = _set_header_property("Allow", "The methods the resource allows, as a ``HeaderSet``.")
    content_language = _set_header_property("Content-Language", "The languages of the body, as a ``HeaderSet``.")

    # -- WWW-Authenticate ---------------------------------------------------

    @property
    def www_authenticate(self) -> t.Any:
        """The ``WWW-Authenticate`` challenge as a ``WWWAuthenticate``
        (Basic with no parameters if the header is absent); every change
        to it rewrites the header.  Assign one, a list (one header line
        each), or None to remove it."""
        from .auth import WWWAuthenticate

        value = WWWAuthenticate.from_header(self.headers.get("WWW-Authenticate"))
        if value is None:
            value = WWWAuthenticate("basic")
        value._on_update = self._write_www_authenticate
        return value

    @www_authenticate.setter
    def www_authenticate(self, value: t.Any) -> None:
        if not value:
            self.headers.remove("WWW-Authenticate")
        elif isinstance(value, list):
            self.headers.set("WWW-Authenticate", value[0].to_header())
            for item in value[1:]:
                self.headers.add("WWW-Authenticate", item.to_header())
        else:
            self.headers.set("WWW-Authenticate", value.to_header())
            value._on_update = self._write_www_authenticate

    @www_authenticate.deleter
    def www_authenticate(self) -> None:
        self.headers.remove("WWW-Authenticate")

    def _write_www_authenticate(self, value: t.Any) -> None:
        self.headers.set("WWW-Authenticate", value.to_header())

    @property
    def is_json(self) -> bool:
        """``application/json`` or ``application/*+json``."""
        mt = self.mimetype
        return mt is not None and (mt == "application/json" or mt.startswith("application/") and mt.endswith("+json"))

    # -- JSON -------------------------------------------------------------------

    @property
    def json(self) -> t.Any:
        """The body parsed as JSON (``get_json()``), for tests."""
        return self.get_json()

    def get_json(self, force: bool = False, silent: bool = False) -> t.Any:
        """The body parsed as JSON; None unless the mimetype is JSON or ``force``."""
        if not (force or self.is_json):
            return None
        data = self.get_data()
        try:
            return self.json_module.loads(data)
        except ValueError:
            if not silent:
                raise
            return None

    # -- cookies ----------------------------------------------------------------

    @property
    def max_cookie_size(self) -> int:
        """The app's ``MAX_COOKIE_SIZE`` inside a context, else 4093 (as Flask)."""
        config = getattr(getattr(_cv.get(None), "app", None), "config", None)
        if config is not None:
            try:
                return int(config["MAX_COOKIE_SIZE"])
            except KeyError:
                pass
        return 4093

    def set_cookie(
        self,
        key: str,
        value: str = "",
        max_age: timedelta | int | None = None,
        expires: str | datetime | int | float | None = None,
        path: str | None = "/",
        domain: str | None = None,
        secure: bool = False,
        httponly: bool = False,
        samesite: str | None = None,
        partitioned: bool = False,
    ) -> None:
        """Add a ``Set-Cookie`` header, with Werkzeug's arguments and
        formatting (``max_age`` in seconds or a ``timedelta``)."""
        self.headers.add(
            "Set-Cookie",
            dump_cookie(
                key,
                value=value,
                max_age=max_age,
                expires=expires,
                path=path,
                domain=domain,
                secure=secure,
                httponly=httponly,
                max_size=self.max_cookie_size,
                samesite=samesite,
                partitioned=partitioned,
            ),
        )

    def delete_cookie(
        self,
        key: str,
        path: str | None = "/",
        domain: str | None = None,
        secure: bool = False,
        httponly: bool = False,
        samesite: str | None = None,
        partitioned: bool = False,
    ) -> None:
        """Expire the cookie ``key`` in the client (a ``Set-Cookie`` header
        with the same ``path`` and ``domain``)."""
        self.set_cookie(
            key,
            expires=0,
            max_age=0,
            path=path,
            domain=domain,
            secure=secure,
            httponly=httponly,
            samesite=samesite,
            partitioned=partitioned,
        )

    # -- WSGI -------------------------------------------------------------------

    def _wsgi_header_list(self) -> list[tuple[str, str]]:
        """The header list to send: Werkzeug's ``get_wsgi_headers``."""
        status = self._status_code
        no_body = 100 <= status < 200 or status == 204
        h = self._headers
        if h is None:
            # PERF: the implied headers only; no Location to rewrite.
            ct = self._ct
            if status == 304 or status == 204:
                return []
            headers = [("Content-Type", ct)] if ct is not None else []
            if not no_body:
                cl = self._cl
                if cl is None and self.automatically_set_content_length and self.is_sequence:
                    cl = str(sum(len(x) for x in self.iter_encoded()))
                if cl is not None:
                    headers.append(("Content-Length", cl))
            return headers
        headers = list(h.to_wsgi_list())
        location = content_location = content_length = None
        for key, value in headers:
            ikey = key.lower()
            if ikey == "location":
                location = value
            elif ikey == "content-location":
                content_location = value
            elif ikey == "content-length":
                content_length = value
        if location is not None:
            _replace(headers, "Location", iri_to_uri(location))
        if content_location is not None:
            _replace(headers, "Content-Location", iri_to_uri(content_location))
        if status == 204:
            # Deliberately unlike Werkzeug, which keeps Content-Type here:
            # a 204 has no content to type, and wsgiref.validate (which the
            # test client runs) rejects it.  Only the wire differs;
            # ``self.headers`` still holds it, as in Flask.
            headers = [item for item in headers if item[0].lower() not in ("content-length", "content-type")]
        elif no_body:
            headers = [item for item in headers if item[0].lower() != "content-length"]
        elif status == 304:
            headers = [item for item in headers if item[0].lower() not in _ENTITY_HEADERS]
        if self.automatically_set_content_length and self.is_sequence and content_length is None and status != 304 and not no_body:
            headers.append(("Content-Length", str(sum(len(x) for x in self.iter_encoded()))))
        return headers

    def get_wsgi_headers(self, environ: dict[str, t.Any] | None = None) -> Headers:
        """A copy of the headers as they will be sent (Werkzeug's API)."""
        rv = Headers()
        for key, value in self._wsgi_header_list():
            rv.add(key, value)
        return rv

    def get_app_iter(self, environ: dict[str, t.Any]) -> t.Iterable[bytes]:
        """The WSGI body: empty for HEAD, 1xx, 204 and 304."""
        status = self._status_code
        if environ.get("REQUEST_METHOD") == "HEAD" or 100 <= status < 200 or status == 204 or status == 304:
            return _ClosingIterator((), self.close)
        if self.direct_passthrough:
            return self.response
        body = self.response
        if type(body) is list and not self._on_close:
            # PERF: a buffered all-bytes body is its own WSGI iterable; there
            # is nothing to close.
            for chunk in body:
                if type(chunk) is not bytes:
                    break
            else:
                return body
        return _ClosingIterator(_iter_encoded(body), self.close)

    def __call__(self, environ: dict[str, t.Any], start_response: t.Callable[..., t.Any]) -> t.Iterable[bytes]:
        headers = self._wsgi_header_list()
        app_iter = self.get_app_iter(environ)
        start_response(self._status, headers)
        return app_iter

    def get_wsgi_response(self, environ: dict[str, t.Any]) -> tuple[t.Iterable[bytes], str, list[tuple[str, str]]]:
        """Werkzeug's: the body, status line and header list ``__call__``
        would send for ``environ``."""
        return self.get_app_iter(environ), self._status, self._wsgi_header_list()

    @classmethod
    def from_app(cls, app: t.Callable[..., t.Any], environ: dict[str, t.Any], buffered: bool = False) -> Response:
        """Werkzeug's: the response another WSGI application gives for
        ``environ``, as a response object of this class."""
        return cls(*_run_wsgi_app(app, environ, buffered))

    @classmethod
    def force_type(cls, response: t.Any, environ: dict[str, t.Any] | None = None) -> Response:
        """Werkzeug's: ``response`` as this class: a response object's
        class changed, any other WSGI application run for ``environ``
        (Flask's ``make_response`` takes a view's WSGI callable this way)."""
        if not isinstance(response, Response):
            if environ is None:
                raise TypeError("cannot convert WSGI application into response objects without an environ")
            response = Response(*_run_wsgi_app(response, environ))
        response.__class__ = cls
        return response


#: The response classes whose text answers the short path may send without
#: making a response (``App._short_path_state``): this one, and the twin
#: ``fastdispatch.compat`` adds (``compat.Response``: the same class with
#: Werkzeug's Response as a further base, for ``isinstance`` only), which
#: sends the same bytes.
PLAIN_RESPONSE_CLASSES: list[type] = [Response]


def _run_wsgi_app(app: t.Callable[..., t.Any], environ: dict[str, t.Any], buffered: bool = False) -> tuple[t.Iterable[bytes], str, list[tuple[str, str]]]:
    """Werkzeug's ``run_wsgi_app``: ``app``'s body, status and headers for
    ``environ``.  Unbuffered, the body is read only until the application
    has started its response (a generator may start it late); what
    ``write`` was given comes first; the body's ``close`` is kept."""
    started: list[t.Any] = []
    written: list[bytes] = []

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: t.Any = None) -> t.Callable[[bytes], None]:
        if exc_info is not None and started:
            raise exc_info[1].with_traceback(exc_info[2])
        started[:] = [status, headers]
        return written.append

    body = app(environ, start_response)
    close = getattr(body, "close", None)
    chunks: t.Iterable[bytes] = iter(body)
    if buffered:
        try:
            chunks = [*written, *chunks]
        finally:
            if close is not None:
                close()
    else:
        for chunk in chunks:
            written.append(chunk)
            if started:
                break
        if written:
            from itertools import chain

            chunks = chain(written, chunks)
        if close is not None and chunks is not body:
            chunks = _ClosingIterator(chunks, close)
    if not started:
        raise RuntimeError(f"the WSGI application {app!r} did not start a response")
    return chunks, started[0], started[1]


# the cache, date, range, security-policy and CORS header properties
for _name in _rh.PROPERTIES:
    setattr(Response, _name, getattr(_rh, _name))
del _name


def _replace(headers: list[tuple[str, str]], key: str, value: str) -> None:
    """``Headers.__setitem__`` on a list: replace the first occurrence in
    place, drop the rest."""
    ikey = key.lower()
    out: list[tuple[str, str]] = []
    done = False
    for item in headers:
        if item[0].lower() == ikey:
            if done:
                continue
            item = (key, value)
            done = True
        out.append(item)
    headers[:] = out


def _clean_status(value: t.Any) -> tuple[str, int]:
    """(status line, code) as Werkzeug's ``Response._clean_status``."""
    if isinstance(value, int):
        code = int(value)
        line = _STATUS_LINES.get(code)
        return (line if line is not None else f"{code} UNKNOWN"), code
    if isinstance(value, (bytes, bytearray)):
        value = value.decode("latin1")
    value = value.strip()
    if not value:
        raise ValueError("Empty status argument")
    # Stricter than Werkzeug: a status line must not smuggle in headers.
    _check_header_value(value)
    code_str, sep, _ = value.partition(" ")
    try:
        code = int(code_str)
    except ValueError:
        return f"0 {value}", 0
    if sep:
        return value, code
    line = _STATUS_LINES.get(code)
    return (line if line is not None else f"{code} UNKNOWN"), code


# -- redirect / response_from_view ---------------------------------------------------


def redirect(location: str, code: int = 302, Response: type[Response] | None = None) -> Response:  # noqa: N803 (Werkzeug's name)
    """A redirect with Werkzeug's HTML body; ``Location`` is sent IRI-quoted."""
    if Response is None:
        Response = _Response  # noqa: N806
    response = Response(redirect_page(location), code, mimetype="text/html")
    response.headers["Location"] = location
    return response


_Response = Response


def response_from_view(*args: t.Any) -> Response:
    """Flask's conversion of a view's return value (the heart of
    ``App.make_response``, which checks what comes in and out): ``rv``, ``(rv, status)``,
    ``(rv, headers)`` or ``(rv, status, headers)``, where ``rv`` is a
    Response, str/bytes, an iterator, a dict/list (JSON) or an HTTPException.
    With no arguments, an empty response.  Uses the current app's
    ``response_class`` when there is one."""
    req = _cv.get(None)
    app = getattr(req, "app", None)
    cls = getattr(app, "response_class", Response) if app is not None else Response
    if not args:
        return cls()
    rv = args[0] if len(args) == 1 else args
    status = headers = None
    if isinstance(rv, tuple):
        if len(rv) == 3:
            rv, status, headers = rv
        elif len(rv) == 2:
            if isinstance(rv[1], (Headers, dict, tuple, list)):
                rv, headers = rv
            else:
                rv, status = rv
        else:
            raise TypeError(
                "The view function did not return a valid response tuple. The tuple must have the form"
                " (body, status, headers), (body, status), or (body, headers)."
            )
    if rv is None:
        raise TypeError(
            "The view function did not return a valid response. The function either returned None"
            " or ended without a return statement."
        )
    if not isinstance(rv, cls):
        # PERF: the common answers by exact type or class first, before the
        # abstract Iterator check (an ABC's isinstance costs a dozen calls)
        if type(rv) is dict or type(rv) is list:
            rv = jsonify(rv)
        elif isinstance(rv, _exceptions.HTTPException):
            rv = rv.get_response(getattr(req, "environ", None))
        elif isinstance(rv, (str, bytes, bytearray)) or isinstance(rv, Iterator):
            rv = cls(rv, status=status, headers=headers)
            status = headers = None
        elif isinstance(rv, (dict, list)):
            rv = jsonify(rv)
        elif isinstance(rv, Response):
            pass  # a plain Response where the app uses a subclass: keep it
        elif hasattr(rv, "get_response"):
            # an HTTPException (Werkzeug's too), made for the request as
            # Flask's force_type runs it with the environ (a redirect's
            # absolute URL needs it)
            rv = rv.get_response(getattr(req, "environ", None))
        elif callable(rv) and req is not None:
            # any WSGI application (a Werkzeug response, another app): run
            # for this request, as Flask's make_response does
            rv = cls.force_type(rv, req.environ)
        else:
            raise TypeError(
                "The view function did not return a valid response. The return type must be a string,"
                " dict, list, tuple with headers or status, Response instance, or WSGI callable, but it"
                f" was a {type(rv).__name__}."
            )
    if status is not None:
        if isinstance(status, (str, bytes, bytearray)):
            rv.status = status
        else:
            rv.status_code = status
    if headers:
        rv.headers.update(headers)
    return rv


# error pages, and jsonify outside an app context, are made of this
# module's Response (exceptions and json cannot import it)
_exceptions.use_response_class(Response)
_json.use_response_class(Response)
