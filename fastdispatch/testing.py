"""``TestClient``: Flask's ``app.test_client()`` without Werkzeug.

It builds the WSGI environ Flask's test client builds (same keys, same
encodings, same form and multipart bodies), keeps a cookie jar, can follow
redirects, and returns ``TestResponse`` objects.  By default every request
goes through ``wsgiref.validate.validator``, so each response a test sees
has passed PEP 3333's checks; pass ``validate=False`` for benchmarks.

The app is any WSGI callable.  If it has a ``config`` mapping (a Flask or
fastdispatch app), ``SERVER_NAME``, ``APPLICATION_ROOT`` and
``PREFERRED_URL_SCHEME`` shape the URL as in Flask.
"""

from __future__ import annotations

import base64
import contextlib
import copy
import mimetypes
import os
import re
import sys
import typing as t
from collections import defaultdict
from io import BytesIO
from random import random
from time import time
from urllib.parse import quote, unquote, urlencode, urljoin, urlsplit
from wsgiref.validate import validator

from . import __version__
from .ctx import _cv
from .datastructures import Headers
from .http import _check_header_value, dump_cookie, get_content_type, iri_to_uri, parse_date
from .json import dumps
from .response import Response

__all__ = ["TestClient", "TestResponse", "Cookie", "ClientRedirectError", "create_environ"]

_REDIRECT_CODES = frozenset({301, 302, 303, 305, 307, 308})


def _dance(s: str) -> str:
    """PEP 3333: a str holding the UTF-8 bytes as latin-1 code points."""
    return s.encode().decode("latin1")


def _undance(s: str) -> str:
    return s.encode("latin1").decode("utf-8", "replace")


class ClientRedirectError(Exception):
    """``follow_redirects`` met the same redirect twice."""


class TestResponse(Response):
    """What the client returns: a Response with the request it answered
    (``request.environ``, ``.method``, ``.path``, ``.url``), the redirects
    followed on the way (``history``) and ``text``."""

    __test__ = False  # not a pytest test class
    default_mimetype = None  # no Content-Type is assumed when the app sent none

    def __init__(self, response: t.Any, status: str, headers: Headers, request: t.Any = None, history: tuple[TestResponse, ...] = (), **kwargs: t.Any) -> None:
        super().__init__(response, status, headers, **kwargs)
        self.request = request
        self.history = history

    @property
    def text(self) -> str:
        return self.get_data(as_text=True)


class _RequestInfo:
    """The request a TestResponse answered: its environ and a few views of it."""

    __slots__ = ("environ",)

    def __init__(self, environ: dict[str, t.Any]) -> None:
        self.environ = environ

    @property
    def method(self) -> str:
        return self.environ["REQUEST_METHOD"]

    @property
    def path(self) -> str:
        return _undance(self.environ.get("PATH_INFO") or "/")

    @property
    def query_string(self) -> bytes:
        return self.environ.get("QUERY_STRING", "").encode("latin1")

    @property
    def url(self) -> str:
        env = self.environ
        path = _undance(env.get("SCRIPT_NAME", "").rstrip("/") + "/" + env.get("PATH_INFO", "").lstrip("/"))
        url = f"{env['wsgi.url_scheme']}://{env.get('HTTP_HOST') or env['SERVER_NAME']}{quote(path, safe='/%!$&()*+,:;=@' + chr(39))}"
        qs = env.get("QUERY_STRING")
        return f"{url}?{qs}" if qs else url

    def __repr__(self) -> str:
        return f"<request {self.method} {self.url!r}>"


# -- cookies (werkzeug.test.Cookie) --------------------------------------------

_cookie_re = re.compile(
    r"""
    [ \t]*                  # leading space
    ([^ \t=";]+)            # key
    (?:[ \t]*=[ \t]*        # optional =value
        ("(?:[^\\"]|\\.)*"  # quoted value with backslash escapes
        |[^ \t";]*)         # token value
    )?
    [ \t]*(?:;|\Z)
    """,
    re.ASCII | re.VERBOSE,
)
_cookie_unslash_re = re.compile(rb"\\([0-3][0-7]{2}|.)")


def _decode_cookie_pair(pair: str) -> tuple[str, str]:
    """The first ``key=value`` of a cookie string, decoded as the app sees it."""
    m = _cookie_re.match(pair)
    if m is None:
        raise ValueError(f"invalid cookie: {pair!r}")
    key, value = m.group(1), m.group(2) or ""
    if value.startswith('"') and value.endswith('"'):
        value = _cookie_unslash_re.sub(
            lambda m: m.group(1) if len(m.group(1)) == 1 else int(m.group(1), 8).to_bytes(1, "big"), value[1:-1].encode()
        ).decode(errors="replace")
    return key, value


class Cookie:
    """A cookie in the client's jar (the fields of ``werkzeug.test.Cookie``).
    ``key``/``value`` are as sent; ``decoded_*`` as the app set them."""

    __slots__ = ("key", "value", "decoded_key", "decoded_value", "expires", "max_age", "domain", "origin_only", "path", "secure", "http_only", "same_site")

    def __init__(self, **fields: t.Any) -> None:
        for name in self.__slots__:
            setattr(self, name, fields[name])

    def __repr__(self) -> str:
        return f"Cookie({', '.join(f'{n}={getattr(self, n)!r}' for n in self.__slots__)})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Cookie) and all(getattr(self, n) == getattr(other, n) for n in self.__slots__)

    @classmethod
    def _from_response_header(cls, server_name: str, path: str, header: str) -> Cookie:
        header, _, parameters = header.partition(";")
        key, _, value = header.partition("=")
        decoded_key, decoded_value = _decode_cookie_pair(header)
        params: dict[str, str | None] = {}
        for item in parameters.split(";"):
            k, sep, v = item.partition("=")
            params[k.strip(" \t").lower()] = v.strip(" \t") if sep else None
        return cls(
            key=key.strip(" \t"),
            value=value.strip(" \t"),
            decoded_key=decoded_key,
            decoded_value=decoded_value,
            expires=parse_date(params.get("expires")),
            max_age=int(params["max-age"] or 0) if "max-age" in params else None,
            domain=params.get("domain") or server_name,
            origin_only="domain" not in params,
            path=params.get("path") or path.rpartition("/")[0] or "/",
            secure="secure" in params,
            http_only="httponly" in params,
            same_site=params.get("samesite"),
        )

    def _matches_request(self, server_name: str, path: str) -> bool:
        return (
            server_name == self.domain
            or (not self.origin_only and server_name.endswith(self.domain) and server_name[: -len(self.domain)].endswith("."))
        ) and (path == self.path or (path.startswith(self.path) and path[len(self.path) - self.path.endswith("/") :].startswith("/")))

    @property
    def _storage_key(self) -> tuple[str, str, str]:
        return self.domain, self.path, self.decoded_key

    @property
    def _should_delete(self) -> bool:
        # As Werkzeug: Max-Age=0 or the epoch; other past dates are kept.
        return self.max_age == 0 or (self.expires is not None and self.expires.timestamp() == 0)


# -- building the environ (werkzeug.test.EnvironBuilder + flask.testing) -------


def _header_items(headers: t.Any) -> list[tuple[str, str]]:
    """Headers given as a dict (list values repeat), a list of pairs or a
    Headers object, as validated ``(name, value)`` strings."""
    if not headers:
        return []
    if hasattr(headers, "to_wsgi_list"):
        pairs: t.Iterable[tuple[t.Any, t.Any]] = headers.to_wsgi_list()
    elif hasattr(headers, "items"):
        pairs = [(k, x) for k, v in headers.items() for x in (v if isinstance(v, (list, tuple, set)) else (v,))]
    else:
        pairs = headers
    return [(str(k), _check_header_value(v if isinstance(v, str) else str(v))) for k, v in pairs]


def _set_header(headers: list[tuple[str, str]], key: str, value: str | None) -> None:
    """Replace the first ``key`` in place (dropping the others) or append;
    ``None`` removes it."""
    ikey = key.lower()
    out: list[tuple[str, str]] = []
    done = value is None
    for item in headers:
        if item[0].lower() == ikey:
            if done:
                continue
            item, done = (key, value), True  # type: ignore[assignment]
        out.append(item)
    if not done:
        out.append((key, value))  # type: ignore[arg-type]
    headers[:] = out


def _get_header(headers: list[tuple[str, str]], key: str) -> str | None:
    ikey = key.lower()
    for k, v in headers:
        if k.lower() == ikey:
            return v
    return None


def _iter_data(data: t.Any) -> t.Iterator[tuple[str, t.Any]]:
    """Mapping items; list values repeat the key (tuples are files)."""
    try:
        yield from data.items(multi=True)  # a MultiDict
        return
    except TypeError:
        pass
    for key, value in data.items():
        if isinstance(value, list):
            for v in value:
                yield key, v
        else:
            yield key, value


def _multi_items(data: t.Any) -> list[tuple[t.Any, t.Any]]:
    """Pairs from a mapping or pair list, grouped by key in first-seen order
    (as a Werkzeug MultiDict iterates); list and tuple values repeat."""
    if hasattr(data, "items"):
        try:
            return list(data.items(multi=True))
        except TypeError:
            data = data.items()
    grouped: dict[t.Any, list[t.Any]] = {}
    for key, value in data:
        if isinstance(value, (list, tuple)):
            if not value:
                continue
            grouped.setdefault(key, []).extend(value)
        else:
            grouped.setdefault(key, []).append(value)
    return [(k, v) for k, values in grouped.items() for v in values]


def _urlencode(pairs: t.Iterable[tuple[t.Any, t.Any]]) -> str:
    return urlencode([p for p in pairs if p[1] is not None], safe="!$'()*,/:;?@")


class _File:
    __slots__ = ("stream", "filename", "content_type", "opened")

    def __init__(self, value: t.Any) -> None:
        """A file value: a file object, or ``(file[, filename[, content_type]])``
        where ``file`` may be a path (as ``FileMultiDict.add_file``)."""
        content_type = None
        filename: t.Any = None
        self.opened = False
        if isinstance(value, tuple):
            file, *rest = value
            filename = rest[0] if rest else None
            content_type = rest[1] if len(rest) > 1 else None
        else:
            file = value
        if isinstance(file, (str, os.PathLike)):
            if filename is None:
                filename = os.fspath(file)
            file = open(file, "rb")  # noqa: SIM115 (closed after encoding)
            self.opened = True
        elif filename is None:
            if hasattr(file, "filename"):  # a FileStorage-like object
                filename = file.filename
                content_type = getattr(file, "content_type", None)
            else:
                filename = getattr(file, "name", None)
                if filename is not None:
                    filename = os.fsdecode(filename)
                if filename and filename.startswith("<") and filename.endswith(">"):
                    filename = None
        if filename is not None:
            filename = os.fsdecode(filename)
        if content_type is None:
            content_type = (filename and mimetypes.guess_type(filename)[0]) or "application/octet-stream"
        self.stream, self.filename, self.content_type = file, filename, content_type


def _encode_multipart(form: list[tuple[str, t.Any]], files: list[tuple[str, _File]]) -> tuple[bytes, str]:
    """The multipart body Werkzeug's test client sends, byte for byte (save
    the random boundary)."""
    boundary = f"---------------FastdispatchFormPart_{time()}{random()}"
    sep = b"\r\n--" + boundary.encode() + b"\r\n"
    out = []
    for key, value in form:
        data = (value if isinstance(value, str) else str(value)).encode()
        out.append(sep + b'Content-Disposition: form-data; name="%s"\r\n' % key.encode())
        out.append(b"\r\n" + data if data else b"")
    for key, f in files:
        head = b'Content-Disposition: form-data; name="%s"' % key.encode()
        if f.filename is not None:
            head += b'; filename="%s"' % f.filename.encode()
        out.append(sep + head + b"\r\n" + f"Content-Type: {f.content_type}\r\n".encode())
        data = f.stream.read()
        if isinstance(data, str):
            data = data.encode()
        out.append(b"\r\n" + data if data else b"")
        if f.opened:
            f.stream.close()
    out.append(b"\r\n--" + boundary.encode() + b"--\r\n")
    return b"".join(out), boundary


class _Request:
    """One request to make: what ``EnvironBuilder`` holds, resolved."""

    def __init__(self) -> None:
        self.method = "GET"
        self.scheme = "http"
        self.host = "localhost"
        self.script_root = ""
        self.path = "/"  # URI-quoted
        self.request_uri = "/"
        self.query_string = ""
        self.headers: list[tuple[str, str]] = []
        self.body: bytes | None = None
        self.content_type: str | None = None
        self.content_length: int | None = None
        self.environ_base: dict[str, t.Any] = {}
        self.environ_overrides: dict[str, t.Any] = {}

    @property
    def server_name(self) -> str:
        return self.host.partition(":")[0]

    @property
    def server_port(self) -> int:
        _, sep, port = self.host.partition(":")
        if sep:
            try:
                return int(port)
            except ValueError:
                pass
        return 443 if self.scheme == "https" else 80

    def environ(self) -> dict[str, t.Any]:
        env: dict[str, t.Any] = dict(self.environ_base)
        env.update(
            {
                "REQUEST_METHOD": self.method,
                "SCRIPT_NAME": _dance(unquote(self.script_root)),
                "PATH_INFO": _dance(unquote(self.path)),
                "QUERY_STRING": _dance(self.query_string),
                "REQUEST_URI": _dance(self.request_uri),  # mod_wsgi, uWSGI
                "RAW_URI": _dance(self.request_uri),  # gunicorn
                "SERVER_NAME": self.server_name,
                "SERVER_PORT": str(self.server_port),
                "HTTP_HOST": self.host,
                "SERVER_PROTOCOL": "HTTP/1.1",
                "wsgi.version": (1, 0),
                "wsgi.url_scheme": self.scheme,
                "wsgi.input": BytesIO(self.body or b""),
                "wsgi.errors": sys.stderr,
                "wsgi.multithread": False,
                "wsgi.multiprocess": False,
                "wsgi.run_once": False,
            }
        )
        if self.content_type is not None:
            env["CONTENT_TYPE"] = self.content_type
        if self.content_length is not None:
            env["CONTENT_LENGTH"] = str(self.content_length)
        combined: dict[str, list[str]] = defaultdict(list)
        for key, value in self.headers:
            if key.lower() not in ("content-type", "content-length"):
                combined[f"HTTP_{key.upper().replace('-', '_')}"].append(value)
        for key, values in combined.items():
            env[key] = ", ".join(values)
        env.update(self.environ_overrides)
        return env


def _app_config(app: t.Any) -> t.Any:
    config = getattr(app, "config", None)
    return config if hasattr(config, "get") else {}


def _build_request(
    app: t.Any,
    path: str = "/",
    base_url: str | None = None,
    subdomain: str | None = None,
    url_scheme: str | None = None,
    query_string: t.Any = None,
    method: str = "GET",
    input_stream: t.IO[bytes] | None = None,
    content_type: str | None = None,
    content_length: int | None = None,
    headers: t.Any = None,
    data: t.Any = None,
    json: t.Any = None,
    mimetype: str | None = None,
    auth: t.Any = None,
    environ_base: dict[str, t.Any] | None = None,
    environ_overrides: dict[str, t.Any] | None = None,
) -> _Request:
    req = _Request()
    # flask.testing.EnvironBuilder: the base URL from the app's config.
    if (base_url or subdomain or url_scheme) and (base_url is not None) == bool(subdomain or url_scheme):
        raise AssertionError('Cannot pass "subdomain" or "url_scheme" with "base_url".')
    if base_url is None:
        config = _app_config(app)
        http_host = config.get("SERVER_NAME") or "localhost"
        app_root = config.get("APPLICATION_ROOT") or "/"
        if subdomain:
            http_host = f"{subdomain}.{http_host}"
        if url_scheme is None:
            url_scheme = config.get("PREFERRED_URL_SCHEME") or "http"
        url = urlsplit(path)
        base_url = f"{url.scheme or url_scheme}://{url.netloc or http_host}/{app_root.lstrip('/')}"
        path = url.path
        if url.query:
            path = f"{path}?{url.query}"
    # werkzeug.test.EnvironBuilder
    if query_string is not None and "?" in path:
        raise ValueError("Query string is defined in the path and as an argument")
    request_uri = urlsplit(path)
    if query_string is None and "?" in path:
        query_string = request_uri.query
    req.path = iri_to_uri(request_uri.path)
    req.request_uri = path
    scheme, netloc, script_root, qs, anchor = urlsplit(iri_to_uri(base_url))
    if qs or anchor:
        raise ValueError("base url must not contain a query string or fragment")
    req.scheme, req.host, req.script_root = scheme, netloc, script_root.rstrip("/")
    if isinstance(query_string, str):
        req.query_string = query_string
    elif query_string is not None:
        req.query_string = _urlencode(_multi_items(query_string))
    req.method = method
    req.headers = hdrs = _header_items(headers)
    if content_type is not None:
        _set_header(hdrs, "Content-Type", _check_header_value(content_type))
    if auth is not None:
        if isinstance(auth, tuple):
            value = base64.b64encode(f"{auth[0]}:{auth[1]}".encode()).decode("ascii")
            auth_header = f"Basic {value}"
        else:
            auth_header = auth.to_header()
        _set_header(hdrs, "Authorization", _check_header_value(auth_header))
    body: bytes | None = None
    form: dict[str, list[t.Any]] = {}
    files: dict[str, list[_File]] = {}
    if input_stream is not None:
        body = input_stream.read()
    if json is not None:
        if data is not None:
            raise TypeError("can't provide both json and data")
        provider = getattr(app, "json", None)
        data = provider.dumps(json) if hasattr(provider, "dumps") else dumps(json)
        if _get_header(hdrs, "Content-Type") is None:
            _set_header(hdrs, "Content-Type", "application/json")
    if data:
        if input_stream is not None:
            raise TypeError("can't provide input stream and data")
        if hasattr(data, "read"):
            data = data.read()
        if isinstance(data, str):
            data = data.encode()
        if isinstance(data, (bytes, bytearray)):
            body = bytes(data)
            if content_length is None:
                content_length = len(body)
        else:
            for key, value in _iter_data(data):
                if isinstance(value, (tuple, dict)) or hasattr(value, "read"):
                    files.setdefault(key, []).append(_File(value))
                else:
                    form.setdefault(key, []).append(value)
    if mimetype is not None:
        _set_header(hdrs, "Content-Type", _check_header_value(get_content_type(mimetype)))
    # get_environ: the body and the CONTENT_* keys.
    ct = _get_header(hdrs, "Content-Type")
    if ct is None and body is None:
        ct = "multipart/form-data" if files else "application/x-www-form-urlencoded" if form else None
    mt = ct.partition(";")[0].strip() if ct else None
    form_items = [(k, v) for k, values in form.items() for v in values]
    if body is not None:
        content_length = len(body)
    elif mt == "multipart/form-data":
        body, boundary = _encode_multipart(form_items, [(k, f) for k, fs in files.items() for f in fs])
        content_length = len(body)
        ct = f'{mt}; boundary="{boundary}"'
    elif mt == "application/x-www-form-urlencoded":
        body = _urlencode(form_items).encode("ascii")
        content_length = len(body)
    req.body = body
    req.content_type = ct
    req.content_length = content_length
    req.environ_base = dict(environ_base or {})
    req.environ_overrides = dict(environ_overrides or {})
    return req


def create_environ(path: str = "/", app: t.Any = None, **kwargs: t.Any) -> dict[str, t.Any]:
    """A WSGI environ, as ``werkzeug.test.create_environ`` (or, given an app
    with a ``config``, as Flask's test client would build it, less the
    client's ``environ_base``).  Takes the keyword arguments of
    ``TestClient.open``."""
    return _build_request(app, path, **kwargs).environ()


# -- the client ---------------------------------------------------------------


class TestClient:
    """``app.test_client()``: ``get/post/put/patch/delete/head/options/trace
    /open(path, **kw)`` with Flask's keyword arguments (``method``,
    ``query_string``, ``headers``, ``data``, ``json``, ``content_type``,
    ``mimetype``, ``auth``, ``base_url``, ``subdomain``, ``url_scheme``,
    ``input_stream``, ``environ_base``, ``environ_overrides``,
    ``follow_redirects``).

    Differences from Flask's client: the body is read (and the app's
    iterable closed) before ``open`` returns; ``response.request`` is a
    small object with ``environ``/``method``/``path``/``url``, not a
    Request; ``with client:`` does not keep the request context.
    """

    __test__ = False  # not a pytest test class

    def __init__(
        self,
        application: t.Any,
        response_wrapper: t.Any = None,
        use_cookies: bool = True,
        allow_subdomain_redirects: bool = False,
        validate: bool = True,
    ) -> None:
        # (Werkzeug's Client's arguments in its order, so that a subclass
        # written for Flask's client, set as app.test_client_class, is
        # made as Flask makes it; responses are TestResponse whatever
        # ``response_wrapper`` says)
        self.application = application
        #: run every request through ``wsgiref.validate.validator``
        self.validate = validate
        self.allow_subdomain_redirects = allow_subdomain_redirects
        self._cookies: dict[tuple[str, str, str], Cookie] | None = {} if use_cookies else None
        #: merged into every environ (Flask's client sets these two)
        self.environ_base: dict[str, t.Any] = {"REMOTE_ADDR": "127.0.0.1", "HTTP_USER_AGENT": f"fastdispatch/{__version__}"}

    # -- cookies ----------------------------------------------------------------

    def _jar(self) -> dict[tuple[str, str, str], Cookie]:
        if self._cookies is None:
            raise TypeError("Cookies are disabled. Create a client with 'use_cookies=True'.")
        return self._cookies

    def get_cookie(self, key: str, domain: str = "localhost", path: str = "/") -> Cookie | None:
        return self._jar().get((domain, path, key))

    def set_cookie(self, key: str, value: str = "", *, domain: str = "localhost", origin_only: bool = True, path: str = "/", **kwargs: t.Any) -> None:
        """Put a cookie in the jar as if a response had set it."""
        jar = self._jar()
        cookie = Cookie._from_response_header(domain, "/", dump_cookie(key, value, domain=domain, path=path, **kwargs))
        cookie.origin_only = origin_only
        if cookie._should_delete:
            jar.pop(cookie._storage_key, None)
        else:
            jar[cookie._storage_key] = cookie

    def delete_cookie(self, key: str, *, domain: str = "localhost", path: str = "/") -> None:
        self._jar().pop((domain, path, key), None)

    @staticmethod
    def _url_parts(environ: dict[str, t.Any]) -> tuple[str, str]:
        host = environ.get("HTTP_HOST") or environ.get("SERVER_NAME", "")
        server_name = urlsplit(f"//{host}").hostname or "localhost"
        path = environ.get("SCRIPT_NAME", "").rstrip("/") + "/" + environ.get("PATH_INFO", "").lstrip("/")
        return server_name, _undance(path)

    def _send_cookies(self, environ: dict[str, t.Any]) -> None:
        jar = self._cookies
        if jar is not None:
            server_name, path = self._url_parts(environ)
            value = "; ".join(f"{c.key}={c.value}" for c in jar.values() if c._matches_request(server_name, path))
            if value:
                environ["HTTP_COOKIE"] = value
            else:
                environ.pop("HTTP_COOKIE", None)  # as Werkzeug: the jar owns the header

    def _keep_cookies(self, environ: dict[str, t.Any], set_cookies: list[str]) -> None:
        jar = self._cookies
        if jar is not None:
            server_name, path = self._url_parts(environ)
            for value in set_cookies:
                cookie = Cookie._from_response_header(server_name, path, value)
                if cookie._should_delete:
                    jar.pop(cookie._storage_key, None)
                else:
                    jar[cookie._storage_key] = cookie

    @contextlib.contextmanager
    def session_transaction(self, *args: t.Any, **kwargs: t.Any) -> t.Iterator[t.Any]:
        """Flask's: the session the jar's cookies hold, for the test to
        read or change; on leaving the block it is saved back to the jar
        as the app would save it.  The arguments are ``open``'s: the
        request the session is opened for."""
        self._jar()
        app = self.application
        kwargs["environ_base"] = {**self.environ_base, **(kwargs.get("environ_base") or {})}
        environ = _build_request(app, *args, **kwargs).environ()
        self._send_cookies(environ)
        req = app.request_class(environ, app)
        interface = app.session_interface
        token = _cv.set(req)
        try:
            session = interface.open_session(app, req)
            if session is None:
                raise RuntimeError("Session backend did not open a session.")
            yield session
            response = app.response_class()
            if not interface.is_null_session(session):
                interface.save_session(app, session, response)
        finally:
            _cv.reset(token)
        self._keep_cookies(environ, response.headers.getlist("Set-Cookie"))

    # -- requests ---------------------------------------------------------------

    def open(self, path: str = "/", *, follow_redirects: bool = False, buffered: bool = False, **kwargs: t.Any) -> TestResponse:
        """Make a request; see the class docstring for the arguments.
        (``buffered`` is accepted for Flask's signature; bodies are always read.)"""
        kwargs["environ_base"] = {**self.environ_base, **(kwargs.get("environ_base") or {})}
        req = _build_request(self.application, path, **kwargs)
        response = self._run(req)
        if not follow_redirects:
            return response
        seen: set[tuple[str | None, int]] = set()
        history: list[TestResponse] = []
        while response.status_code in _REDIRECT_CODES:
            entry = (response.location, response.status_code)
            if entry in seen:
                raise ClientRedirectError(f"Loop detected: A {response.status_code} redirect to {response.location} was already made.")
            seen.add(entry)
            response.history = tuple(history)
            history.append(response)
            req = self._redirected(req, response)
            response = self._run(req)
        response.history = tuple(history)
        return response

    def _run(self, req: _Request) -> TestResponse:
        environ = req.environ()
        self._send_cookies(environ)
        app = validator(self.application) if self.validate else self.application
        started: list[t.Any] = []
        body: list[bytes] = []

        def start_response(status: str, headers: list[tuple[str, str]], exc_info: t.Any = None) -> t.Callable[[bytes], t.Any]:
            if exc_info:
                try:
                    raise exc_info[1].with_traceback(exc_info[2])
                finally:
                    exc_info = None
            started[:] = [status, headers]
            return body.append

        app_iter = app(environ.copy(), start_response)
        try:
            for chunk in app_iter:
                body.append(chunk)
        finally:
            close = getattr(app_iter, "close", None)
            if close is not None:
                close()
        if not started:
            raise RuntimeError("The application did not call start_response.")
        status, header_list = started
        headers = Headers()
        for key, value in header_list:
            headers.add(key, value)
        self._keep_cookies(environ, [value for key, value in header_list if key.lower() == "set-cookie"])
        return TestResponse(body, status, headers, request=_RequestInfo(environ))

    def _redirected(self, req: _Request, response: TestResponse) -> _Request:
        """The request that follows ``response``'s redirect (as Werkzeug's
        ``resolve_redirect``)."""
        location = urljoin(response.request.url, response.location or "")  # relative: as a browser
        scheme, netloc, path, qs, _ = urlsplit(location)
        new = copy.copy(req)
        new.headers = list(req.headers)
        to_parts = netloc.partition(":")[0].split(".")
        from_parts = req.server_name.split(".")
        if to_parts != [""]:
            new.scheme, new.host = scheme, netloc
        else:
            to_parts = from_parts
        if to_parts != from_parts:
            if to_parts[-len(from_parts) :] == from_parts:
                if not self.allow_subdomain_redirects:
                    raise RuntimeError("Following subdomain redirects is not enabled.")
            else:
                raise RuntimeError("Following external redirects is not supported.")
        if path.split("/")[: len(req.script_root.split("/"))] == req.script_root.split("/"):
            new.path = path[len(req.script_root) :]
        else:
            new.path, new.script_root = path, ""
        new.request_uri = path
        new.query_string = qs
        if response.status_code not in (307, 308):
            if new.method != "HEAD":
                new.method = "GET"
            new.body = None
            new.content_type = new.content_length = None
            _set_header(new.headers, "Content-Type", None)
            _set_header(new.headers, "Transfer-Encoding", None)
        # 307/308 resend the body (Werkzeug re-reads the consumed input stream).
        return new

    def get(self, *args: t.Any, **kw: t.Any) -> TestResponse:
        kw["method"] = "GET"
        return self.open(*args, **kw)

    def post(self, *args: t.Any, **kw: t.Any) -> TestResponse:
        kw["method"] = "POST"
        return self.open(*args, **kw)

    def put(self, *args: t.Any, **kw: t.Any) -> TestResponse:
        kw["method"] = "PUT"
        return self.open(*args, **kw)

    def patch(self, *args: t.Any, **kw: t.Any) -> TestResponse:
        kw["method"] = "PATCH"
        return self.open(*args, **kw)

    def delete(self, *args: t.Any, **kw: t.Any) -> TestResponse:
        kw["method"] = "DELETE"
        return self.open(*args, **kw)

    def head(self, *args: t.Any, **kw: t.Any) -> TestResponse:
        kw["method"] = "HEAD"
        return self.open(*args, **kw)

    def options(self, *args: t.Any, **kw: t.Any) -> TestResponse:
        kw["method"] = "OPTIONS"
        return self.open(*args, **kw)

    def trace(self, *args: t.Any, **kw: t.Any) -> TestResponse:
        kw["method"] = "TRACE"
        return self.open(*args, **kw)

    def __enter__(self) -> TestClient:
        return self

    def __exit__(self, *exc: t.Any) -> None:
        pass

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.application!r}>"
